//! The command line: global options and one `Args` struct per subcommand.
//!
//! Adding a subcommand is a variant here, a module in `commands/`, and an
//! arm in `crate::run`.

use std::{net::SocketAddr, path::PathBuf};

use chrono::NaiveDate;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::{format::Language, input};

/// Where `jemput up` serves the registry, and where the other commands look for it.
pub const DEFAULT_REGISTRY: &str = "http://127.0.0.1:50051";
/// Where the optimizer serves.
pub const DEFAULT_OPTIMIZER: &str = "http://127.0.0.1:50052";

/// Plans mobile IKD activation teams ("jemput bola") and tracks the
/// district's progress toward its target.
#[derive(Debug, Parser)]
#[command(name = "jemput", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The registry service.
    #[arg(long, global = true, value_name = "URL", env = "JEMPUT_REGISTRY", default_value = DEFAULT_REGISTRY)]
    pub registry: String,
    /// The optimizer service.
    #[arg(long, global = true, value_name = "URL", env = "JEMPUT_OPTIMIZER", default_value = DEFAULT_OPTIMIZER)]
    pub optimizer: String,
    /// Print JSON with plain numbers, for other programs.
    #[arg(long, global = true)]
    pub json: bool,
    /// A PEM certificate to trust for https:// services, besides the
    /// system's CAs (e.g. a self-signed one).
    #[arg(long, global = true, value_name = "FILE", env = "JEMPUT_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the services on this machine until Ctrl-C.
    Up(UpArgs),
    /// Show the enrollment gap of each kecamatan, or of each village of one.
    Gaps(GapsArgs),
    /// Record activations done in a village, or a CSV file of reports.
    Record(RecordArgs),
    /// List the activation ledger of a region, newest first, with each
    /// entry's corrections.
    Ledger(LedgerArgs),
    /// Correct a wrongly recorded ledger entry: a correcting entry is
    /// appended (the ledger keeps both) and the totals follow.
    Correct(CorrectArgs),
    /// Replace village counts from a Dukcapil export (CSV).
    Import(ImportArgs),
    /// Set the target share of a region (its villages inherit it).
    Target(TargetArgs),
    /// Regions the registry holds; `regions add` takes more from the
    /// national list.
    #[command(subcommand)]
    Regions(RegionsCommand),
    /// A district's own settings: its office (where teams start) and target.
    #[command(subcommand)]
    District(DistrictCommand),
    /// Plan the mobile teams' routes for a budget: when the target is
    /// reached, at what cost, and each team's itinerary.
    Plan(PlanArgs),
    /// Compare budgets (and team counts): working days to the target for each.
    Scenarios(ScenariosArgs),
    /// The least budget that reaches the target by a deadline.
    MinBudget(MinBudgetArgs),
    /// Split one budget among a province's districts so that the most reach
    /// their targets by a deadline.
    Allocate(AllocateArgs),
    /// A plan against what the teams recorded: per day, team and village,
    /// and when the target is now expected.
    Progress(ProgressArgs),
    /// Plan anew from a day on, keeping the days before as done: visits
    /// continue their numbering, yields are learned from the ledger, and
    /// the money already spent counts.
    Replan(ReplanArgs),
    /// Issue, list and revoke access tokens (admin only).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Who changed what, when and from where: the registry's and the
    /// optimizer's audit trails, newest first (admin only).
    Audit(AuditArgs),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it (shown once: only its hash is kept).
    Create(TokenCreateArgs),
    /// List tokens, newest first, without their secrets.
    List,
    /// Revoke a token at once, e.g. `jemput token revoke tokens/0123456789abcdef`.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    /// What the token may do: admin, planner, budget, field, viewer or service.
    #[arg(long, value_parser = input::parse_role)]
    pub role: jemput_auth::Role,
    /// The mobile team it records for, e.g. "Tim 1". For a field token
    /// without --village, its villages are that team's in the plan
    /// (--plan, default the newest plan).
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,
    /// A village it may record for (repeat for several), e.g. 17.02.09.1001.
    #[arg(long = "village", value_name = "REGION", value_parser = input::parse_region)]
    pub villages: Vec<String>,
    /// The plan whose team itinerary gives a field token its villages.
    #[arg(long, value_name = "PLAN")]
    pub plan: Option<String>,
    /// How long it is valid: 30d, 12h, 2w; default: until revoked.
    #[arg(long, value_name = "DURATION", value_parser = input::parse_duration)]
    pub expires: Option<chrono::Duration>,
    /// Who or what it is for, e.g. "Tim 1 tablet".
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TokenRevokeArgs {
    /// The token's name (tokens/…) or id, as `jemput token list` shows.
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Show at most this many entries.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Clone, Args)]
pub struct UpArgs {
    /// Database to use; default: an SQLite file under $JEMPUT_DATA_DIR,
    /// $XDG_DATA_HOME/jemput or ~/.local/share/jemput.
    #[arg(long, value_name = "URL", env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the optimizer keeps its plans: a database of its own, never
    /// the registry's. Default: an SQLite file plans.db beside the
    /// registry's (also with a PostgreSQL --database-url).
    #[arg(long, value_name = "URL", env = "JEMPUT_PLANS_DATABASE_URL")]
    pub plans_database_url: Option<String>,
    /// Where the registry listens.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50051")]
    pub registry_listen: SocketAddr,
    /// Where the optimizer listens.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50052")]
    pub optimizer_listen: SocketAddr,
    /// Where the web dashboard listens.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub dashboard_listen: SocketAddr,
    /// A host name (as browsers send it, with any port) the dashboard
    /// answers to besides its address and localhost; repeat for several.
    #[arg(long, value_name = "HOST")]
    pub dashboard_host: Vec<String>,
    /// Serve every service over TLS with this PEM certificate chain (it
    /// must name the listen addresses, e.g. 127.0.0.1); needs --tls-key.
    #[arg(long, value_name = "FILE", env = "JEMPUT_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", env = "JEMPUT_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Listen beyond loopback without TLS (tokens then cross the network in the clear).
    #[arg(long)]
    pub insecure: bool,
}

/// What every planning command may set besides budget and teams.
#[derive(Debug, Clone, Args)]
pub struct PlanScope {
    /// The district to plan.
    #[arg(long, value_name = "REGION", default_value = "17.02", value_parser = input::parse_region)]
    pub region: String,
    /// The first working day; default: the next working day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub start: Option<NaiveDate>,
    /// The target share of recorded KTP-el, 0.3 or 30%; default: the registry's.
    #[arg(long, value_name = "FRACTION", value_parser = input::parse_fraction)]
    pub target: Option<f64>,
    /// The language of dates and of the files written.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
    /// Days off besides weekends and the national holidays and cuti bersama
    /// that ship with jemput, e.g. a local holiday: 2027-03-12,2027-03-13.
    #[arg(long, value_name = "YYYY-MM-DD,..", value_delimiter = ',', value_parser = input::parse_date)]
    pub holidays: Vec<NaiveDate>,
    /// Shipped holidays the teams work anyway, e.g. 2027-02-16.
    #[arg(long, value_name = "YYYY-MM-DD,..", value_delimiter = ',', value_parser = input::parse_date)]
    pub workdays: Vec<NaiveDate>,
}

/// Indonesian (`31 Des 2026`) or English (`31 Dec 2026`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Id,
    En,
}

impl LangArg {
    pub fn language(self) -> Language {
        match self {
            LangArg::Id => Language::Id,
            LangArg::En => Language::En,
        }
    }

    /// The same language, for the dashboard's exports.
    pub fn export_lang(self) -> jemput_dashboard::format::Lang {
        self.language()
    }
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// The field budget: 250000000, 250.000.000, "Rp 250.000.000", 250jt or "250 juta".
    #[arg(long, value_name = "RUPIAH", allow_negative_numbers = true, value_parser = input::parse_rupiah)]
    pub budget: i64,
    /// Mobile teams; default 4.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub teams: Option<i32>,
    /// Reach the target by this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub deadline: Option<NaiveDate>,
    #[command(flatten)]
    pub scope: PlanScope,
    /// Write each team's itinerary (CSV and printable HTML) and the routes
    /// (GeoJSON) into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ScenariosArgs {
    /// Budgets to compare, separated by commas: 50jt,100jt,150jt or
    /// 50.000.000,100.000.000 (no decimal commas here).
    #[arg(
        long,
        value_name = "RUPIAH,..",
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_parser = input::parse_rupiah
    )]
    pub budgets: Vec<i64>,
    /// Team counts to compare, e.g. 4,6; default 4.
    #[arg(
        long,
        value_name = "N,..",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub teams: Vec<i32>,
    /// Reach the target by this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub deadline: Option<NaiveDate>,
    #[command(flatten)]
    pub scope: PlanScope,
    /// Write the table as scenarios.csv and scenarios.xlsx into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct MinBudgetArgs {
    /// Reach the target by this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub deadline: NaiveDate,
    /// Mobile teams; default 4.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub teams: Option<i32>,
    #[command(flatten)]
    pub scope: PlanScope,
}

#[derive(Debug, Clone, Args)]
pub struct AllocateArgs {
    /// The province whose districts share the budget, e.g. 17 (Bengkulu).
    #[arg(value_name = "REGION", value_parser = input::parse_region)]
    pub region: String,
    /// The money to split: 2000000000, 2.000.000.000, "2 miliar" or 2M
    /// (M is miliar, as in "Rp 2 M").
    #[arg(long, value_name = "RUPIAH", allow_negative_numbers = true, value_parser = input::parse_rupiah)]
    pub budget: i64,
    /// Reach each district's target by this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub deadline: NaiveDate,
    /// Mobile teams per district; default 4.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub teams: Option<i32>,
    /// The first working day; default: the next working day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub start: Option<NaiveDate>,
    /// The language of dates and of the workbook.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
    /// Write the split as allocation.xlsx into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ProgressArgs {
    /// The plan, e.g. plans/0123abcd (see the dashboard's saved plans).
    #[arg(value_name = "PLAN", value_parser = input::parse_plan)]
    pub plan: String,
    /// Compare up to this day; default: today (WIB).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The language of dates.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Args)]
pub struct ReplanArgs {
    /// The plan, e.g. plans/0123abcd.
    #[arg(value_name = "PLAN", value_parser = input::parse_plan)]
    pub plan: String,
    /// Keep the days before this one as done; default: today (WIB).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = input::parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The language of dates.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Args)]
pub struct LedgerArgs {
    /// A district, kecamatan or village, e.g. 17.02.09; default: the district 17.02.
    #[arg(value_name = "REGION", value_parser = input::parse_region)]
    pub region: Option<String>,
    /// The most entries to show.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Clone, Args)]
pub struct CorrectArgs {
    /// The entry to correct, e.g. activations/12 (see `jemput ledger`).
    #[arg(value_name = "ENTRY", value_parser = input::parse_activation)]
    pub entry: String,
    /// What the entry should have counted (0 withdraws it).
    #[arg(long, allow_negative_numbers = true)]
    pub count: i64,
    /// Why it was wrong, e.g. "typed 400 for 40".
    #[arg(long)]
    pub reason: String,
    /// Makes a retry safe: the same id is applied once (default: a fresh id).
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct GapsArgs {
    /// A district or kecamatan, e.g. 17.02.09; default: the district 17.02.
    #[arg(value_name = "REGION", value_parser = input::parse_region)]
    pub region: Option<String>,
    /// How to order the rows.
    #[arg(long, value_enum, default_value_t = GapOrder::Gap)]
    pub order: GapOrder,
}

/// The row orders the registry offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GapOrder {
    /// Largest gap first.
    Gap,
    /// Lowest coverage first.
    Coverage,
    /// Alphabetically by name.
    Name,
    /// By Kemendagri code.
    Code,
}

impl GapOrder {
    /// The registry's `order_by` for this order. The registry's "name" is
    /// the resource name (`regions/17.02.09`), i.e. the code; alphabetical
    /// order by display name is sorted here after fetching.
    pub fn order_by(self) -> &'static str {
        match self {
            GapOrder::Gap => "gap desc",
            GapOrder::Coverage => "coverage asc",
            GapOrder::Name | GapOrder::Code => "name asc",
        }
    }
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["village", "file"])))]
pub struct RecordArgs {
    /// The village, e.g. 17.02.09.1001.
    #[arg(long, value_name = "REGION", requires = "count", value_parser = input::parse_region)]
    pub village: Option<String>,
    /// How many residents activated.
    #[arg(long, requires = "village", allow_negative_numbers = true)]
    pub count: Option<i64>,
    /// The day of the activations; default: today (WIB).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "file", value_parser = input::parse_date)]
    pub date: Option<NaiveDate>,
    /// Where they were done.
    #[arg(long, value_enum, default_value_t = ChannelArg::Mobile, conflicts_with = "file")]
    pub channel: ChannelArg,
    /// The mobile team, e.g. "Tim 1".
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    pub team: Option<String>,
    /// A CSV file with columns region,count,activation_date,channel,team,
    /// recorded as one batch: all rows or none.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Makes a retry safe: the same id is applied once. Default: a fresh one.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

/// Where activations were done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    /// At the Dukcapil office.
    Office,
    /// By a mobile team in the village.
    #[value(alias = "mobile-team")]
    Mobile,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// CSV with a village code, recorded KTP-el and activated IKD per row:
    /// our column names (code, ktp_el_recorded, ikd_activated) or
    /// Dukcapil's (kode_desa or kode_wilayah, jumlah_rekam_ktp_el or
    /// wajib_ktp_rekam, jumlah_ikd or ikd); codes with or without dots.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check every row, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Accept rows that lower a village's activated IKD below its count now
    /// (undoing activations the ledger recorded); refused without it.
    #[arg(long)]
    pub allow_decrease: bool,
    /// Makes a retry safe: the same id is applied once. Default: a fresh one.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Any region, e.g. 17.02 or 17.02.09.
    #[arg(value_name = "REGION", value_parser = input::parse_region)]
    pub region: String,
    /// The share of recorded KTP-el to activate: 0.3 or 30%.
    #[arg(value_name = "FRACTION", value_parser = input::parse_fraction)]
    pub fraction: f64,
}

#[derive(Debug, Subcommand)]
pub enum RegionsCommand {
    /// Add provinces or districts, each with its kecamatan and villages,
    /// from the national list (admin only), e.g. `jemput regions add 17.07 17`.
    /// New villages have no counts until `jemput import` gives them.
    Add(RegionsAddArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RegionsAddArgs {
    /// Province (17) or district (17.07) codes.
    #[arg(value_name = "REGION", required = true, value_parser = input::parse_region)]
    pub regions: Vec<String>,
    /// Makes a retry safe: the same id is applied once. Default: a fresh one.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DistrictCommand {
    /// Set a district's office (where its teams start each day) or target:
    /// `jemput district set 17.07 --office-lat -3.1667 --office-lon 102.2167 --target 30%`.
    Set(DistrictSetArgs),
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("change").required(true).multiple(true).args(["office_lat", "target"])))]
pub struct DistrictSetArgs {
    /// A district code, e.g. 17.07.
    #[arg(value_name = "DISTRICT", value_parser = input::parse_region)]
    pub district: String,
    /// The office's latitude, decimal degrees (with --office-lon).
    #[arg(long, value_name = "DEGREES", requires = "office_lon", allow_hyphen_values = true, value_parser = input::parse_latitude)]
    pub office_lat: Option<f64>,
    /// The office's longitude, decimal degrees (with --office-lat).
    #[arg(long, value_name = "DEGREES", requires = "office_lat", allow_hyphen_values = true, value_parser = input::parse_longitude)]
    pub office_lon: Option<f64>,
    /// The district's target share of recorded KTP-el: 0.3 or 30%.
    #[arg(long, value_name = "FRACTION", value_parser = input::parse_fraction)]
    pub target: Option<f64>,
    /// Makes a retry safe: the same id is applied once. Default: a fresh one.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn record_takes_a_village_or_a_file_not_both() {
        let parsed = Cli::try_parse_from([
            "jemput",
            "record",
            "--village",
            "17.02.09.1001",
            "--count",
            "12",
            "--team",
            "Tim 1",
        ])
        .unwrap();
        let Command::Record(args) = parsed.command else {
            panic!("expected record")
        };
        assert_eq!(args.village.as_deref(), Some("regions/17.02.09.1001"));
        assert_eq!(args.count, Some(12));
        assert_eq!(args.channel, ChannelArg::Mobile);

        assert!(Cli::try_parse_from(["jemput", "record", "--file", "a.csv"]).is_ok());
        assert!(Cli::try_parse_from(["jemput", "record"]).is_err());
        assert!(Cli::try_parse_from(["jemput", "record", "--village", "17.02.09.1001"]).is_err());
        assert!(
            Cli::try_parse_from([
                "jemput",
                "record",
                "--file",
                "a.csv",
                "--village",
                "17.02.09.1001",
                "--count",
                "1"
            ])
            .is_err()
        );
    }

    #[test]
    fn global_options_go_anywhere() {
        let parsed = Cli::try_parse_from([
            "jemput",
            "gaps",
            "regions/17.02.09",
            "--json",
            "--registry",
            "http://10.0.0.1:1",
            "--order",
            "coverage",
        ])
        .unwrap();
        assert!(parsed.global.json);
        assert_eq!(parsed.global.registry, "http://10.0.0.1:1");
        let Command::Gaps(args) = parsed.command else {
            panic!("expected gaps")
        };
        assert_eq!(args.region.as_deref(), Some("regions/17.02.09"));
        assert_eq!(args.order, GapOrder::Coverage);
    }

    #[test]
    fn planning_commands_read_budgets_as_written() {
        let parsed = Cli::try_parse_from([
            "jemput",
            "plan",
            "--budget",
            "Rp 250.000.000",
            "--teams",
            "4",
            "--deadline",
            "2027-06-30",
            "--lang",
            "en",
        ])
        .unwrap();
        let Command::Plan(args) = parsed.command else {
            panic!("expected plan")
        };
        assert_eq!(args.budget, 250_000_000);
        assert_eq!(args.scope.region, "regions/17.02");
        assert_eq!(args.scope.lang, LangArg::En);
        assert!(Cli::try_parse_from(["jemput", "plan", "--budget", "-1"]).is_ok());
        assert!(Cli::try_parse_from(["jemput", "plan"]).is_err());

        let parsed = Cli::try_parse_from([
            "jemput",
            "scenarios",
            "--budgets",
            "50jt,100jt,150.000.000",
            "--teams",
            "4,6",
        ])
        .unwrap();
        let Command::Scenarios(args) = parsed.command else {
            panic!("expected scenarios")
        };
        assert_eq!(args.budgets, vec![50_000_000, 100_000_000, 150_000_000]);
        assert_eq!(args.teams, vec![4, 6]);

        assert!(Cli::try_parse_from(["jemput", "min-budget"]).is_err());
        assert!(Cli::try_parse_from(["jemput", "min-budget", "--deadline", "2027-06-30"]).is_ok());
    }

    #[test]
    fn target_reads_percentages() {
        let parsed = Cli::try_parse_from(["jemput", "target", "17.02", "30%"]).unwrap();
        let Command::Target(args) = parsed.command else {
            panic!("expected target")
        };
        assert_eq!(args.region, "regions/17.02");
        assert!((args.fraction - 0.3).abs() < 1e-12);
        assert!(Cli::try_parse_from(["jemput", "target", "17.02", "30"]).is_err());
    }

    #[test]
    fn regions_add_takes_provinces_and_districts() {
        let parsed = Cli::try_parse_from(["jemput", "regions", "add", "17.07", "17"]).unwrap();
        let Command::Regions(RegionsCommand::Add(args)) = parsed.command else {
            panic!("expected regions add")
        };
        assert_eq!(args.regions, ["regions/17.07", "regions/17"]);
        assert!(Cli::try_parse_from(["jemput", "regions", "add"]).is_err());
    }

    #[test]
    fn district_set_reads_an_office_and_a_target() {
        let parsed = Cli::try_parse_from([
            "jemput",
            "district",
            "set",
            "17.07",
            "--office-lat",
            "-3,1667",
            "--office-lon",
            "102.2167",
            "--target",
            "35%",
        ])
        .unwrap();
        let Command::District(DistrictCommand::Set(args)) = parsed.command else {
            panic!("expected district set")
        };
        assert_eq!(args.district, "regions/17.07");
        assert_eq!(
            (args.office_lat, args.office_lon),
            (Some(-3.1667), Some(102.2167))
        );
        assert!((args.target.unwrap() - 0.35).abs() < 1e-12);
        for bad in [
            vec!["jemput", "district", "set", "17.07"],
            vec!["jemput", "district", "set", "17.07", "--office-lat", "-3.1"],
            vec![
                "jemput",
                "district",
                "set",
                "17.07",
                "--office-lat",
                "-91",
                "--office-lon",
                "102",
            ],
            vec!["jemput", "district", "set", "17.07", "--target", "130%"],
        ] {
            assert!(Cli::try_parse_from(&bad).is_err(), "{bad:?}");
        }
    }
}
