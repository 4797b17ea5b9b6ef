//! One module per subcommand. Each takes its parsed arguments and a
//! connected client, talks to the service, and returns a `Report`; printing
//! is left to the caller, so tests call these against a live registry.

pub mod allocate;
pub mod audit;
pub mod gaps;
pub mod import;
pub mod ledger;
pub mod min_budget;
pub mod plan;
pub mod progress;
pub mod record;
pub mod regions;
pub mod scenarios;
pub mod target;
pub mod token;
pub mod up;

mod csv_file;

/// A request id for a write that a retry must not apply twice.
fn fresh_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
