//! `jemput ledger` lists the activation ledger of a region, newest first,
//! corrections beside the entries they correct; `jemput correct` appends the
//! correcting entry that brings a wrong one to its right count.

use jemput_proto::registry::{
    Activation, Channel, CorrectActivationRequest, ListActivationsRequest,
};
use serde::Serialize;

use crate::{
    cli::{CorrectArgs, LedgerArgs},
    client::Registry,
    error::{CliError, RpcError},
    format::format_count,
    input::region_code,
    output::{GapRow, Report},
};

/// The district the commands default to.
const DEFAULT_REGION: &str = "regions/17.02";

/// One ledger entry as printed.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    pub name: String,
    pub region: String,
    pub count: i64,
    pub activation_date: String,
    pub channel: &'static str,
    pub team: String,
    pub batch: i64,
    /// For a correction: the entry it corrects, and why.
    pub corrects: String,
    pub reason: String,
    /// For a recorded entry: what it counts after its corrections.
    pub corrected_count: i64,
}

impl From<Activation> for LedgerRow {
    fn from(entry: Activation) -> LedgerRow {
        let channel = match Channel::try_from(entry.channel) {
            Ok(Channel::Office) => "office",
            Ok(Channel::MobileTeam) => "mobile",
            Ok(Channel::Unspecified) | Err(_) => "",
        };
        LedgerRow {
            name: entry.name,
            region: entry.region,
            count: entry.count,
            activation_date: entry.activation_date,
            channel,
            team: entry.team,
            batch: entry.batch,
            corrects: entry.corrects,
            reason: entry.reason,
            corrected_count: entry.corrected_count,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LedgerReport {
    pub region: String,
    pub entries: Vec<LedgerRow>,
    /// More entries follow (raise --limit to see them).
    pub more: bool,
}

pub async fn list(registry: &mut Registry, args: &LedgerArgs) -> Result<LedgerReport, CliError> {
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let mut entries = Vec::new();
    let mut page_token = String::new();
    let more = loop {
        let wanted = args.limit.saturating_sub(entries.len()).min(1000);
        let page = registry
            .client
            .list_activations(ListActivationsRequest {
                parent: region.clone(),
                page_size: i32::try_from(wanted).unwrap_or(1000),
                page_token,
                ..Default::default()
            })
            .await
            .map_err(|status| {
                CliError::Rpc(RpcError::from_status("registry", &registry.url, &status))
            })?
            .into_inner();
        entries.extend(page.activations.into_iter().map(LedgerRow::from));
        if page.next_page_token.is_empty() {
            break false;
        }
        if entries.len() >= args.limit {
            break true;
        }
        page_token = page.next_page_token;
    };
    Ok(LedgerReport {
        region,
        entries,
        more,
    })
}

impl Report for LedgerReport {
    fn to_human(&self) -> String {
        if self.entries.is_empty() {
            return format!(
                "No activations recorded in {} yet.",
                region_code(&self.region)
            );
        }
        let mut out = format!(
            "Ledger of {}, newest first:\n\n{:<18} {:<10} {:<15} {:>8} {:<7} {:<10}  note",
            region_code(&self.region),
            "entry",
            "date",
            "village",
            "count",
            "channel",
            "team"
        );
        for row in &self.entries {
            let note = if row.corrects.is_empty() {
                if row.corrected_count == row.count {
                    String::new()
                } else {
                    format!("corrected to {}", format_count(row.corrected_count))
                }
            } else {
                format!("corrects {}: {}", row.corrects, row.reason)
            };
            let count = if row.corrects.is_empty() {
                format_count(row.count)
            } else {
                format!("{:+}", row.count)
            };
            let line = format!(
                "\n{:<18} {:<10} {:<15} {:>8} {:<7} {:<10}  {note}",
                row.name,
                row.activation_date,
                region_code(&row.region),
                count,
                row.channel,
                row.team,
            );
            out.push_str(line.trim_end());
        }
        if self.more {
            out.push_str("\n\nMore entries follow: raise --limit to see them.");
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectReport {
    pub request_id: String,
    /// What the corrected entry counts now.
    pub corrected_count: i64,
    pub correction: Option<LedgerRow>,
    pub district_gap: Option<GapRow>,
}

pub async fn correct(
    registry: &mut Registry,
    args: &CorrectArgs,
) -> Result<CorrectReport, CliError> {
    let request_id = args
        .request_id
        .clone()
        .unwrap_or_else(super::fresh_request_id);
    let response = registry
        .client
        .correct_activation(CorrectActivationRequest {
            request_id: request_id.clone(),
            activation: args.entry.clone(),
            corrected_count: args.count,
            reason: args.reason.clone(),
        })
        .await
        .map_err(|status| {
            CliError::Rpc(
                RpcError::from_status("registry", &registry.url, &status)
                    .with_retry_hint(&request_id),
            )
        })?
        .into_inner();
    Ok(CorrectReport {
        request_id,
        corrected_count: args.count,
        correction: response.correction.map(LedgerRow::from),
        district_gap: response.district_gap.map(GapRow::from),
    })
}

impl Report for CorrectReport {
    fn to_human(&self) -> String {
        let mut out = match &self.correction {
            Some(row) => format!(
                "{} corrects {} by {:+} ({}): it now counts {} (request {}).",
                row.name,
                row.corrects,
                row.count,
                row.reason,
                format_count(self.corrected_count),
                self.request_id
            ),
            None => format!("Corrected (request {}).", self.request_id),
        };
        if let Some(district) = &self.district_gap {
            out.push_str(&format!("\n\n{} now:", district.title()));
            for line in district.summary_lines() {
                out.push_str(&format!("\n  {line}"));
            }
        }
        out
    }
}
