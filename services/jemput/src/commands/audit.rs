//! `jemput audit`: the registry's and the optimizer's audit trails merged,
//! newest first: who (token and role) changed what, when, from where.

use jemput_proto::auth::{AuditAction, AuditEntry, ListAuditEntriesRequest};
use serde::Serialize;

use crate::{
    cli::AuditArgs,
    client::{Optimizer, Registry},
    error::CliError,
    output::{Align, Report, Table},
};

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub service: String,
    pub time: String,
    pub action: String,
    pub resource: String,
    pub token: String,
    pub role: String,
    pub peer: String,
    pub forwarded_for: String,
    pub request_id: String,
    pub detail: String,
    #[serde(skip)]
    sort_key: (i64, i32),
}

fn action_name(action: i32) -> String {
    AuditAction::try_from(action)
        .map(|a| {
            a.as_str_name()
                .trim_start_matches("AUDIT_ACTION_")
                .to_ascii_lowercase()
        })
        .unwrap_or_else(|_| "unknown".into())
}

impl From<AuditEntry> for AuditRow {
    fn from(entry: AuditEntry) -> AuditRow {
        let sort_key = entry.time.as_ref().map_or((0, 0), |t| (t.seconds, t.nanos));
        AuditRow {
            time: entry
                .time
                .as_ref()
                .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
                .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_default(),
            action: action_name(entry.action),
            role: jemput_auth::Role::from_pb(entry.role)
                .map_or_else(String::new, |r| r.to_string()),
            service: entry.service,
            resource: entry.resource,
            token: entry.token,
            peer: entry.peer,
            forwarded_for: entry.forwarded_for,
            request_id: entry.request_id,
            detail: entry.detail,
            sort_key,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub entries: Vec<AuditRow>,
}

impl Report for AuditReport {
    fn to_human(&self) -> String {
        if self.entries.is_empty() {
            return "No changes recorded yet.".into();
        }
        let mut table = Table::new(vec![
            ("time", Align::Left),
            ("service", Align::Left),
            ("action", Align::Left),
            ("resource", Align::Left),
            ("by", Align::Left),
            ("from", Align::Left),
            ("detail", Align::Left),
        ]);
        for e in &self.entries {
            let from = if e.forwarded_for.is_empty() {
                e.peer.clone()
            } else {
                format!("{} via {}", e.forwarded_for, e.peer)
            };
            table.row(vec![
                e.time.clone(),
                e.service.clone(),
                e.action.clone(),
                e.resource.clone(),
                format!("{} ({})", e.token, e.role),
                from,
                e.detail.clone(),
            ]);
        }
        table.render().trim_end().to_string()
    }
}

pub async fn run(
    registry: &mut Registry,
    optimizer: &mut Optimizer,
    args: &AuditArgs,
) -> Result<AuditReport, CliError> {
    let size = i32::try_from(args.limit.clamp(1, 1000)).unwrap_or(1000);
    let ask = || ListAuditEntriesRequest {
        page_size: size,
        page_token: String::new(),
    };
    let registry_entries = registry
        .audit
        .list_audit_entries(ask())
        .await
        .map_err(|status| registry.error(status))?
        .into_inner()
        .entries;
    let planner_entries = optimizer
        .audit
        .list_audit_entries(ask())
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner()
        .entries;
    let mut entries: Vec<AuditRow> = registry_entries
        .into_iter()
        .chain(planner_entries)
        .map(AuditRow::from)
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.sort_key));
    entries.truncate(args.limit);
    Ok(AuditReport { entries })
}
