//! The registry's audit trail: one row per change (ledger batch, import,
//! target, token issued or revoked), written in the same transaction as the
//! change itself, so a change is never without its entry nor an entry
//! without its change. Append-only: the code never updates or deletes it,
//! and database triggers refuse to.

use jemput_auth::{Caller, Peer};
use jemput_proto::auth as pb;
use sqlx::{AnyConnection, Row};

use crate::{domain::now_micros, error::RegistryError, store::Store};

/// Who made a change and from where.
#[derive(Clone, Debug)]
pub struct Actor {
    pub caller: Caller,
    pub peer: Peer,
}

impl Actor {
    /// The machine's own operator (e.g. `jemput up` making the first admin token).
    pub fn local() -> Actor {
        Actor {
            caller: Caller::local(),
            peer: Peer::default(),
        }
    }
}

/// What kind of change an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    RecordActivations,
    CorrectActivation,
    ImportRegions,
    SetTarget,
    CreateToken,
    RevokeToken,
    AddRegions,
    UpdateDistrictSettings,
}

impl AuditAction {
    fn to_db(self) -> &'static str {
        match self {
            AuditAction::RecordActivations => "record_activations",
            AuditAction::CorrectActivation => "correct_activation",
            AuditAction::ImportRegions => "import_regions",
            AuditAction::SetTarget => "set_target",
            AuditAction::CreateToken => "create_token",
            AuditAction::RevokeToken => "revoke_token",
            AuditAction::AddRegions => "add_regions",
            AuditAction::UpdateDistrictSettings => "update_district_settings",
        }
    }

    fn from_db(text: &str) -> Option<AuditAction> {
        [
            AuditAction::RecordActivations,
            AuditAction::CorrectActivation,
            AuditAction::ImportRegions,
            AuditAction::SetTarget,
            AuditAction::CreateToken,
            AuditAction::RevokeToken,
            AuditAction::AddRegions,
            AuditAction::UpdateDistrictSettings,
        ]
        .into_iter()
        .find(|action| action.to_db() == text)
    }

    fn to_pb(self) -> pb::AuditAction {
        match self {
            AuditAction::RecordActivations => pb::AuditAction::RecordActivations,
            AuditAction::CorrectActivation => pb::AuditAction::CorrectActivation,
            AuditAction::ImportRegions => pb::AuditAction::ImportRegions,
            AuditAction::SetTarget => pb::AuditAction::SetTarget,
            AuditAction::CreateToken => pb::AuditAction::CreateToken,
            AuditAction::RevokeToken => pb::AuditAction::RevokeToken,
            AuditAction::AddRegions => pb::AuditAction::AddRegions,
            AuditAction::UpdateDistrictSettings => pb::AuditAction::UpdateDistrictSettings,
        }
    }
}

/// Appends one entry inside the caller's transaction.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: AuditAction,
    resource: &str,
    request_id: &str,
    detail: &str,
) -> Result<(), RegistryError> {
    sqlx::query(
        "INSERT INTO audit (time_micros, token, role, peer, forwarded_for, action, resource, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_micros())
    .bind(&actor.caller.token)
    .bind(actor.caller.role.as_str())
    .bind(actor.peer.addr_text())
    .bind(&actor.peer.forwarded_for)
    .bind(action.to_db())
    .bind(resource)
    .bind(request_id)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn timestamp(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1000) as i32,
    }
}

impl Store {
    /// Entries newest first, `limit` from `offset`.
    pub(crate) async fn audit_entries(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<pb::AuditEntry>, RegistryError> {
        let rows = sqlx::query(
            "SELECT sequence, time_micros, token, role, peer, forwarded_for, action, resource, request_id, detail \
             FROM audit ORDER BY sequence DESC LIMIT $1 OFFSET $2",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.inner.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let action: String = row.try_get("action")?;
                let role: String = row.try_get("role")?;
                Ok(pb::AuditEntry {
                    sequence: row.try_get("sequence")?,
                    time: Some(timestamp(row.try_get("time_micros")?)),
                    token: row.try_get("token")?,
                    role: role
                        .parse::<jemput_auth::Role>()
                        .map_or(pb::Role::Unspecified, |r| r.to_pb())
                        .into(),
                    peer: row.try_get("peer")?,
                    forwarded_for: row.try_get("forwarded_for")?,
                    action: AuditAction::from_db(&action)
                        .ok_or_else(|| {
                            RegistryError::Corrupt(format!("unknown audit action {action:?}"))
                        })?
                        .to_pb()
                        .into(),
                    resource: row.try_get("resource")?,
                    request_id: row.try_get("request_id")?,
                    detail: row.try_get("detail")?,
                    service: "registry".into(),
                })
            })
            .collect()
    }
}
