//! Plan storage on an embedded SQLite file or PostgreSQL: each plan is kept
//! as its encoded `jemput.optimizer.v1.Plan`, so what a planner fetches later
//! is exactly what was returned, with an audit entry (who, when, from where)
//! written in the same transaction. Beside it, in columns of their own, the
//! two things a planner may change: its name and its state (draft, approved,
//! archived). Same SQL on both engines through sqlx's `Any` driver; only the
//! migrations differ.

use std::str::FromStr;
use std::time::Duration;

use jemput_auth::{Caller, Peer};
use jemput_proto::{auth as apb, optimizer as pb};
use prost::Message;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use crate::error::OptimizerError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// What kind of plan a stored plan is, for the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanAction {
    CreatePlan,
    ReplanPlan,
    FindMinimumBudget,
    UpdatePlan,
}

impl PlanAction {
    fn to_db(self) -> &'static str {
        match self {
            PlanAction::CreatePlan => "create_plan",
            PlanAction::ReplanPlan => "replan_plan",
            PlanAction::FindMinimumBudget => "find_minimum_budget",
            PlanAction::UpdatePlan => "update_plan",
        }
    }

    fn from_db(text: &str) -> Option<PlanAction> {
        [
            PlanAction::CreatePlan,
            PlanAction::ReplanPlan,
            PlanAction::FindMinimumBudget,
            PlanAction::UpdatePlan,
        ]
        .into_iter()
        .find(|action| action.to_db() == text)
    }

    fn to_pb(self) -> apb::AuditAction {
        match self {
            PlanAction::CreatePlan => apb::AuditAction::CreatePlan,
            PlanAction::ReplanPlan => apb::AuditAction::ReplanPlan,
            PlanAction::FindMinimumBudget => apb::AuditAction::FindMinimumBudget,
            PlanAction::UpdatePlan => apb::AuditAction::UpdatePlan,
        }
    }
}

/// Where a stored plan is in its life; a new plan is a draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanState {
    Draft,
    Approved,
    Archived,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Approved => "approved",
            PlanState::Archived => "archived",
        }
    }

    fn from_db(text: &str) -> Option<PlanState> {
        [PlanState::Draft, PlanState::Approved, PlanState::Archived]
            .into_iter()
            .find(|state| state.as_str() == text)
    }

    pub fn to_pb(self) -> pb::PlanState {
        match self {
            PlanState::Draft => pb::PlanState::Draft,
            PlanState::Approved => pb::PlanState::Approved,
            PlanState::Archived => pb::PlanState::Archived,
        }
    }

    /// The state a request names; `None` for unspecified or unknown.
    pub fn from_pb(state: pb::PlanState) -> Option<PlanState> {
        match state {
            pb::PlanState::Unspecified => None,
            pb::PlanState::Draft => Some(PlanState::Draft),
            pb::PlanState::Approved => Some(PlanState::Approved),
            pb::PlanState::Archived => Some(PlanState::Archived),
        }
    }
}

/// What an update changes on a stored plan; `None` leaves it as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanChange {
    pub display_name: Option<String>,
    pub state: Option<PlanState>,
}

/// The columns a plan is read with: the encoded plan, then its name and state.
const PLAN_COLUMNS: &str = "plan, display_name, state, update_micros";

/// Who stores a plan and why.
#[derive(Clone, Debug)]
pub struct PlanAudit {
    pub caller: Caller,
    pub peer: Peer,
    pub action: PlanAction,
}

/// A handle on the plan database; cheap to clone.
#[derive(Clone)]
pub struct PlanStore {
    pool: AnyPool,
}

/// Default embedded database: `plans.db` beside the registry's file (see
/// `jemput_registry::default_database_url` for the directory rules).
pub fn default_database_url() -> Result<String, OptimizerError> {
    let dir = jemput_base::data::dir()
        .ok_or_else(|| OptimizerError::Internal("no data directory: set JEMPUT_DATA_DIR".into()))?;
    std::fs::create_dir_all(&dir)?;
    Ok(format!("sqlite://{}", dir.join("plans.db").display()))
}

impl PlanStore {
    /// Connects and migrates; a SQLite file is created if missing.
    pub async fn open(database_url: &str) -> Result<PlanStore, OptimizerError> {
        sqlx::any::install_default_drivers();
        let sqlite = database_url.starts_with("sqlite:");
        let url = if sqlite && !database_url.contains("mode=") {
            let separator = if database_url.contains('?') { '&' } else { '?' };
            format!("{database_url}{separator}mode=rwc")
        } else {
            database_url.to_string()
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let migrator = if sqlite {
            &SQLITE_MIGRATIONS
        } else {
            &POSTGRES_MIGRATIONS
        };
        migrator.run(&pool).await?;
        Ok(PlanStore { pool })
    }

    /// Stores a new plan. With a `request_id` already used, stores nothing
    /// and returns the plan stored then.
    pub async fn insert(
        &self,
        plan: &pb::Plan,
        request_id: Option<&str>,
        create_micros: i64,
        audit: &PlanAudit,
    ) -> Result<pb::Plan, OptimizerError> {
        let id = plan.name.trim_start_matches("plans/");
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO plans (id, region, request_id, create_micros, plan) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&plan.region)
        .bind(request_id)
        .bind(create_micros)
        .bind(plan.encode_to_vec())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            let summary = plan.summary.clone().unwrap_or_default();
            let budget = plan.parameters.as_ref().map_or(0, |p| p.budget_rupiah);
            sqlx::query(
                "INSERT INTO audit (time_micros, token, role, peer, forwarded_for, action, resource, request_id, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(create_micros)
            .bind(&audit.caller.token)
            .bind(audit.caller.role.as_str())
            .bind(audit.peer.addr_text())
            .bind(&audit.peer.forwarded_for)
            .bind(audit.action.to_db())
            .bind(&plan.name)
            .bind(request_id.unwrap_or(""))
            .bind(
                serde_json::json!({
                    "region": plan.region,
                    "budget_rupiah": budget,
                    "working_days": summary.working_days,
                })
                .to_string(),
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            let mut stored = plan.clone();
            stored.state = PlanState::Draft.to_pb().into();
            return Ok(stored);
        }
        tx.rollback().await?;
        match request_id {
            Some(r) => self
                .by_request_id(r)
                .await?
                .ok_or_else(|| OptimizerError::Internal("plan id collision".into())),
            None => Err(OptimizerError::Internal("plan id collision".into())),
        }
    }

    pub async fn by_request_id(
        &self,
        request_id: &str,
    ) -> Result<Option<pb::Plan>, OptimizerError> {
        let row = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE request_id = $1"
        ))
        .bind(request_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(stored_plan).transpose()
    }

    pub async fn get(&self, id: &str) -> Result<Option<pb::Plan>, OptimizerError> {
        let row = sqlx::query(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_plan).transpose()
    }

    /// Renames a plan or changes its state, with an audit entry in the same
    /// transaction; `None` if there is no such plan. A change that changes
    /// nothing is still recorded: someone asked for it.
    pub async fn update(
        &self,
        id: &str,
        change: &PlanChange,
        update_micros: i64,
        audit: &PlanAudit,
    ) -> Result<Option<pb::Plan>, OptimizerError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE plans SET display_name = COALESCE($2, display_name), \
             state = COALESCE($3, state), update_micros = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(change.display_name.as_deref())
        .bind(change.state.map(PlanState::as_str))
        .bind(update_micros)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let mut detail = serde_json::Map::new();
        if let Some(name) = &change.display_name {
            detail.insert("display_name".into(), name.clone().into());
        }
        if let Some(state) = change.state {
            detail.insert("state".into(), state.as_str().into());
        }
        sqlx::query(
            "INSERT INTO audit (time_micros, token, role, peer, forwarded_for, action, resource, request_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(update_micros)
        .bind(&audit.caller.token)
        .bind(audit.caller.role.as_str())
        .bind(audit.peer.addr_text())
        .bind(&audit.peer.forwarded_for)
        .bind(audit.action.to_db())
        .bind(format!("plans/{id}"))
        .bind("")
        .bind(serde_json::Value::Object(detail).to_string())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let plan = stored_plan(&row)?;
        tx.commit().await?;
        Ok(Some(plan))
    }

    /// Plans newest first, `limit` from `offset`, optionally of one region,
    /// archived plans only when asked for.
    pub async fn list(
        &self,
        region: Option<&str>,
        show_archived: bool,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<pb::Plan>, OptimizerError> {
        // No state is '', so "state <> ''" keeps every plan.
        let hidden = if show_archived {
            ""
        } else {
            PlanState::Archived.as_str()
        };
        let rows = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE ($1 = '' OR region = $1) AND state <> $2 \
             ORDER BY create_micros DESC, id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(region.unwrap_or(""))
        .bind(hidden)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_plan).collect()
    }
}

impl PlanStore {
    /// Audit entries newest first, `limit` from `offset`.
    pub async fn audit_entries(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<apb::AuditEntry>, OptimizerError> {
        let rows = sqlx::query(
            "SELECT sequence, time_micros, token, role, peer, forwarded_for, action, resource, request_id, detail \
             FROM audit ORDER BY sequence DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let micros: i64 = row.try_get("time_micros")?;
                let action: String = row.try_get("action")?;
                let role: String = row.try_get("role")?;
                Ok(apb::AuditEntry {
                    sequence: row.try_get("sequence")?,
                    time: Some(prost_types::Timestamp {
                        seconds: micros.div_euclid(1_000_000),
                        nanos: (micros.rem_euclid(1_000_000) * 1000) as i32,
                    }),
                    token: row.try_get("token")?,
                    role: role
                        .parse::<jemput_auth::Role>()
                        .map_or(apb::Role::Unspecified, |r| r.to_pb())
                        .into(),
                    peer: row.try_get("peer")?,
                    forwarded_for: row.try_get("forwarded_for")?,
                    action: PlanAction::from_db(&action)
                        .ok_or_else(|| {
                            OptimizerError::Corrupt(format!("unknown audit action {action:?}"))
                        })?
                        .to_pb()
                        .into(),
                    resource: row.try_get("resource")?,
                    request_id: row.try_get("request_id")?,
                    detail: row.try_get("detail")?,
                    service: "optimizer".into(),
                })
            })
            .collect()
    }
}

/// A plan as stored, with the name and state its columns hold now.
fn stored_plan(row: &sqlx::any::AnyRow) -> Result<pb::Plan, OptimizerError> {
    let bytes: Vec<u8> = row.try_get("plan")?;
    let mut plan =
        pb::Plan::decode(bytes.as_slice()).map_err(|e| OptimizerError::Corrupt(e.to_string()))?;
    plan.display_name = row.try_get("display_name")?;
    let state: String = row.try_get("state")?;
    plan.state = PlanState::from_db(&state)
        .ok_or_else(|| OptimizerError::Corrupt(format!("unknown plan state {state:?}")))?
        .to_pb()
        .into();
    let update_micros: Option<i64> = row.try_get("update_micros")?;
    plan.update_time = update_micros.map(|micros| prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1000) as i32,
    });
    Ok(plan)
}
