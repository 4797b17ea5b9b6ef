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

use jemput_proto::registry::{GetRegionRequest, RegionView};

use crate::{
    client::{Access, Registry},
    input::region_code,
};

/// "Rejang Lebong (17.02)", as the registry names the district and the
/// dashboard shows it; its code alone if the registry cannot say (plans and
/// scenarios come from the optimizer, which does not need it).
pub(crate) async fn district_label(registry_url: &str, access: &Access, region: &str) -> String {
    let code = region_code(region).to_string();
    let Ok(mut registry) = Registry::connect(registry_url, access).await else {
        return code;
    };
    match registry
        .client
        .get_region(GetRegionRequest {
            name: region.to_string(),
            view: RegionView::Basic as i32,
        })
        .await
    {
        Ok(found) => {
            jemput_dashboard::export::region_label(&found.into_inner().display_name, region)
        }
        Err(_) => code,
    }
}

/// A request id for a write that a retry must not apply twice.
fn fresh_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
