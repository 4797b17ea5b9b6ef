//! The `jemput` command line as a library: `cli` parses, `commands` does the
//! work of each subcommand against the services, `up` runs the services in
//! one process, `output` and `format` print for people (Indonesian number
//! style) or programs (`--json`), `error` says what went wrong.
//!
//! `main.rs` only parses and calls `run`, so tests drive the same code.

pub mod cli;
pub mod client;
pub mod commands;
pub mod error;
pub mod format;
pub mod input;
pub mod output;
pub mod up;

use std::process::ExitCode;

use cli::{Cli, Command, DistrictCommand, RegionsCommand, TokenCommand};
use client::{Access, Optimizer, Registry};
use error::CliError;
use output::emit;

/// Runs a parsed command line, prints its result or error, and gives the
/// process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let json = cli.global.json;
    match dispatch(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if json {
                eprintln!("{}", err.to_json());
            } else {
                eprintln!("{}", err.to_human());
            }
            ExitCode::from(err.exit_code())
        }
    }
}

async fn dispatch(cli: Cli) -> Result<(), CliError> {
    let Cli { global, command } = cli;
    let access = Access::from_env(global.tls_ca.clone());
    match command {
        Command::Up(args) => commands::up::run(&args, global.json).await,
        Command::Token(TokenCommand::Create(args)) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            let needs_plan = args.role == jemput_auth::Role::Field
                && args.villages.is_empty()
                && args.team.is_some();
            let mut optimizer = match needs_plan {
                true => Some(Optimizer::connect(&global.optimizer, &access).await?),
                false => None,
            };
            emit(
                &commands::token::create(&mut registry, optimizer.as_mut(), &args).await?,
                global.json,
            )
        }
        Command::Token(TokenCommand::List) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(&commands::token::list(&mut registry).await?, global.json)
        }
        Command::Token(TokenCommand::Revoke(args)) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::token::revoke(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Audit(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::audit::run(&mut registry, &mut optimizer, &args).await?,
                global.json,
            )
        }
        Command::Gaps(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::gaps::run(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Record(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::record::run(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Progress(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::progress::progress(&mut registry, &mut optimizer, &args).await?,
                global.json,
            )
        }
        Command::Replan(args) => {
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::progress::replan(&mut optimizer, &global.registry, &args).await?,
                global.json,
            )
        }
        Command::Ledger(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::ledger::list(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Correct(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::ledger::correct(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Import(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::import::run(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Target(args) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::target::run(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Regions(RegionsCommand::Add(args)) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::regions::add(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::District(DistrictCommand::Set(args)) => {
            let mut registry = Registry::connect(&global.registry, &access).await?;
            emit(
                &commands::regions::set_district(&mut registry, &args).await?,
                global.json,
            )
        }
        Command::Plan(args) => {
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::plan::run(&mut optimizer, &global.registry, &args).await?,
                global.json,
            )
        }
        Command::Scenarios(args) => {
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::scenarios::run(&mut optimizer, &global.registry, &args).await?,
                global.json,
            )
        }
        Command::Allocate(args) => {
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::allocate::run(&mut optimizer, &args).await?,
                global.json,
            )
        }
        Command::MinBudget(args) => {
            let mut optimizer = Optimizer::connect(&global.optimizer, &access).await?;
            emit(
                &commands::min_budget::run(&mut optimizer, &global.registry, &args).await?,
                global.json,
            )
        }
    }
}

/// Logs to stderr; `RUST_LOG` overrides. `up` logs what the services do,
/// the one-shot commands only warnings, so their output stays clean.
pub fn init_tracing(command: &Command) {
    let default = match command {
        Command::Up(_) => "info",
        Command::Gaps(_)
        | Command::Record(_)
        | Command::Ledger(_)
        | Command::Progress(_)
        | Command::Replan(_)
        | Command::Correct(_)
        | Command::Import(_)
        | Command::Target(_)
        | Command::Regions(_)
        | Command::District(_)
        | Command::Plan(_)
        | Command::Scenarios(_)
        | Command::MinBudget(_)
        | Command::Allocate(_)
        | Command::Token(_)
        | Command::Audit(_) => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only for a person: not in files, pipes or the journal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}
