//! The `jemput` binary: parses the command line, sets up logging, and hands
//! over to the library.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = jemput::cli::Cli::parse();
    jemput::init_tracing(&cli.command);
    jemput::run(cli).await
}
