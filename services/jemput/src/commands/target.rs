//! `jemput target REGION FRACTION`: sets a region's target share; villages
//! and kecamatan without their own target inherit it.

use jemput_proto::registry::SetTargetRequest;
use serde::Serialize;

use crate::{
    cli::TargetArgs,
    client::Registry,
    error::CliError,
    format::format_target,
    output::{GapRow, Report},
};

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    /// The region's gap under its new target.
    pub gap: GapRow,
}

pub async fn run(registry: &mut Registry, args: &TargetArgs) -> Result<TargetReport, CliError> {
    let gap = registry
        .client
        .set_target(SetTargetRequest {
            region: args.region.clone(),
            target_fraction: args.fraction,
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    Ok(TargetReport { gap: gap.into() })
}

impl Report for TargetReport {
    fn to_human(&self) -> String {
        let mut out = format!(
            "Target of {} set to {}.\n",
            self.gap.title(),
            format_target(self.gap.target_fraction)
        );
        for line in self.gap.summary_lines() {
            out.push_str(&format!("\n  {line}"));
        }
        out
    }
}
