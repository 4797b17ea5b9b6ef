//! Plan storage on an embedded SQLite file or PostgreSQL: each plan is kept
//! as its encoded `jemput.optimizer.v1.Plan`, so what a planner fetches later
//! is exactly what was returned. Same SQL on both engines through sqlx's
//! `Any` driver; only the migrations differ.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use jemput_proto::optimizer as pb;
use prost::Message;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use crate::error::OptimizerError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A handle on the plan database; cheap to clone.
#[derive(Clone)]
pub struct PlanStore {
    pool: AnyPool,
}

/// Default embedded database: `plans.db` beside the registry's file (see
/// `jemput_registry::default_database_url` for the directory rules).
pub fn default_database_url() -> Result<String, OptimizerError> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("JEMPUT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("jemput")))
        .or_else(|| var("HOME").map(|d| d.join(".local/share/jemput")))
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
    ) -> Result<pb::Plan, OptimizerError> {
        let id = plan.name.trim_start_matches("plans/");
        let inserted = sqlx::query(
            "INSERT INTO plans (id, region, request_id, create_micros, plan) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&plan.region)
        .bind(request_id)
        .bind(create_micros)
        .bind(plan.encode_to_vec())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(plan.clone());
        }
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
        let row = sqlx::query("SELECT plan FROM plans WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| decode(r.try_get("plan")?)).transpose()
    }

    pub async fn get(&self, id: &str) -> Result<Option<pb::Plan>, OptimizerError> {
        let row = sqlx::query("SELECT plan FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| decode(r.try_get("plan")?)).transpose()
    }

    /// Plans newest first, `limit` from `offset`, optionally of one region.
    pub async fn list(
        &self,
        region: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<pb::Plan>, OptimizerError> {
        let rows = sqlx::query(
            "SELECT plan FROM plans WHERE ($1 = '' OR region = $1) \
             ORDER BY create_micros DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(region.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| decode(r.try_get("plan")?))
            .collect()
    }
}

fn decode(bytes: Vec<u8>) -> Result<pb::Plan, OptimizerError> {
    pb::Plan::decode(bytes.as_slice()).map_err(|e| OptimizerError::Corrupt(e.to_string()))
}
