//! Bearer tokens in the registry's database, the system of record: issuing
//! (only a hash of the secret is kept), listing, revoking, and verifying a
//! bearer for every call this registry serves (through the read cache: a
//! revocation holds from the next call on this replica and, announced, on
//! the others; whatever happens, after `cache::FRESH_FOR`). Also the first admin
//! token, which `jemput up` and `jemput-registry` make on first start and
//! keep in `admin.token` (mode 0600) in the data directory.

use std::{
    collections::BTreeSet,
    io::Write as _,
    path::{Path, PathBuf},
};

use jemput_auth::{AuthFailure, Caller, Role, Verifier, VerifyFuture, token};
use jemput_proto::auth as pb;
use sqlx::{Row, any::AnyRow};

use crate::{
    audit::{self, Actor, AuditAction},
    domain::now_micros,
    error::RegistryError,
    store::{Change, Store},
};

/// The file in the data directory that holds the local admin token.
pub const ADMIN_TOKEN_FILE: &str = "admin.token";

/// What a new token may do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewToken {
    pub role: Option<Role>,
    pub display_name: String,
    pub team: String,
    /// Region codes (`17.02.09.1001`).
    pub villages: Vec<String>,
    pub plan: String,
    pub expire_micros: Option<i64>,
}

/// A token as stored, without its secret.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRecord {
    pub id: String,
    pub role: Role,
    pub display_name: String,
    pub team: String,
    pub villages: Vec<String>,
    pub plan: String,
    pub created_micros: i64,
    pub expire_micros: Option<i64>,
    pub revoke_micros: Option<i64>,
}

impl TokenRecord {
    pub fn name(&self) -> String {
        format!("tokens/{}", self.id)
    }

    /// The identity calls made with this token carry.
    pub fn caller(&self) -> Caller {
        Caller {
            token: self.name(),
            role: self.role,
            team: (!self.team.is_empty()).then(|| self.team.clone()),
            villages: (!self.villages.is_empty()).then(|| {
                self.villages
                    .iter()
                    .map(|code| format!("regions/{code}"))
                    .collect::<BTreeSet<_>>()
            }),
        }
    }

    pub fn to_pb(&self) -> pb::Token {
        let time = |micros: i64| prost_types::Timestamp {
            seconds: micros.div_euclid(1_000_000),
            nanos: (micros.rem_euclid(1_000_000) * 1000) as i32,
        };
        pb::Token {
            name: self.name(),
            role: self.role.to_pb().into(),
            display_name: self.display_name.clone(),
            team: self.team.clone(),
            villages: self
                .villages
                .iter()
                .map(|code| format!("regions/{code}"))
                .collect(),
            plan: self.plan.clone(),
            create_time: Some(time(self.created_micros)),
            expire_time: self.expire_micros.map(time),
            revoke_time: self.revoke_micros.map(time),
        }
    }
}

const TOKEN_COLUMNS: &str = "id, secret_sha256, role, display_name, team, villages, plan, created_micros, expire_micros, revoke_micros";

fn row_to_token(row: &AnyRow) -> Result<(TokenRecord, Vec<u8>), RegistryError> {
    let role: String = row.try_get("role")?;
    let villages: String = row.try_get("villages")?;
    let record = TokenRecord {
        id: row.try_get("id")?,
        role: role
            .parse()
            .map_err(|e| RegistryError::Corrupt(format!("token role: {e}")))?,
        display_name: row.try_get("display_name")?,
        team: row.try_get("team")?,
        villages: serde_json::from_str(&villages)
            .map_err(|e| RegistryError::Corrupt(format!("token villages: {e}")))?,
        plan: row.try_get("plan")?,
        created_micros: row.try_get("created_micros")?,
        expire_micros: row.try_get("expire_micros")?,
        revoke_micros: row.try_get("revoke_micros")?,
    };
    Ok((record, row.try_get("secret_sha256")?))
}

impl Store {
    /// Issues a token; returns it and its bearer string, the only copy of
    /// the secret.
    pub async fn create_token(
        &self,
        spec: &NewToken,
        actor: &Actor,
    ) -> Result<(TokenRecord, String), RegistryError> {
        let role = spec
            .role
            .ok_or_else(|| RegistryError::invalid("role", "is required", "wajib diisi"))?;
        let issued = token::issue().map_err(|e| RegistryError::Random(e.to_string()))?;
        let record = TokenRecord {
            id: issued.id.clone(),
            role,
            display_name: spec.display_name.clone(),
            team: spec.team.clone(),
            villages: spec.villages.clone(),
            plan: spec.plan.clone(),
            created_micros: now_micros(),
            expire_micros: spec.expire_micros,
            revoke_micros: None,
        };
        let villages = serde_json::to_string(&record.villages)
            .map_err(|e| RegistryError::Corrupt(format!("token villages: {e}")))?;
        let mut write = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO tokens (id, secret_sha256, role, display_name, team, villages, plan, created_micros, expire_micros, revoke_micros) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)",
        )
        .bind(&record.id)
        .bind(issued.secret_sha256.clone())
        .bind(role.as_str())
        .bind(&record.display_name)
        .bind(&record.team)
        .bind(villages)
        .bind(&record.plan)
        .bind(record.created_micros)
        .bind(record.expire_micros)
        .execute(&mut *write.tx)
        .await?;
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::CreateToken,
            &record.name(),
            "",
            &serde_json::json!({
                "role": role.as_str(),
                "team": record.team,
                "villages": record.villages.len(),
            })
            .to_string(),
        )
        .await?;
        write.tx.commit().await?;
        Ok((record, issued.bearer))
    }

    async fn token_row(&self, id: &str) -> Result<Option<(TokenRecord, Vec<u8>)>, RegistryError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.inner.pool)
            .await?
            .as_ref()
            .map(row_to_token)
            .transpose()
    }

    /// The token named by `id`.
    pub async fn token(&self, id: &str) -> Result<TokenRecord, RegistryError> {
        self.token_row(id)
            .await?
            .map(|(record, _)| record)
            .ok_or_else(|| RegistryError::TokenNotFound(format!("tokens/{id}")))
    }

    /// Tokens newest first, `limit` from `offset`.
    pub async fn tokens(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, RegistryError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_micros DESC, id LIMIT $1 OFFSET $2"
        );
        sqlx::query(&sql)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.inner.pool)
            .await?
            .iter()
            .map(|row| row_to_token(row).map(|(record, _)| record))
            .collect()
    }

    /// Revokes a token from now on. Revoking it again changes nothing.
    pub async fn revoke_token(
        &self,
        id: &str,
        actor: &Actor,
    ) -> Result<TokenRecord, RegistryError> {
        let mut write = self.begin_write().await?;
        let now = now_micros();
        let revoked = sqlx::query(
            "UPDATE tokens SET revoke_micros = $1 WHERE id = $2 AND revoke_micros IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *write.tx)
        .await?
        .rows_affected();
        if revoked == 1 {
            // Other replicas drop the token from their read caches.
            self.announce(&mut write.tx, &Change::Tokens).await?;
            audit::append(
                &mut write.tx,
                actor,
                AuditAction::RevokeToken,
                &format!("tokens/{id}"),
                "",
                "{}",
            )
            .await?;
            write.tx.commit().await?;
        } else {
            write.tx.rollback().await?;
        }
        self.token(id).await
    }

    /// Who a bearer string belongs to, if it is a live token. The token's
    /// row comes from the read cache when it was read less than a second
    /// ago and nothing was written since (a revocation through this
    /// registry, or announced by another replica, holds from the next call).
    pub async fn verify_bearer(&self, bearer: &str) -> Result<Caller, AuthFailure> {
        let (id, secret) = token::parse(bearer).ok_or(AuthFailure::Malformed)?;
        let cache = &self.inner.cache;
        let row = match cache.token(id) {
            Some(row) => Some(row),
            None => {
                let read_in = cache.generation();
                let row = self.token_row(id).await.map_err(|error| {
                    tracing::error!(%error, "cannot read a token");
                    AuthFailure::Unavailable("the token store cannot be read".into())
                })?;
                if let Some((record, stored)) = &row {
                    cache.keep_token(read_in, record, stored);
                }
                row
            }
        };
        let Some((record, stored)) = row else {
            return Err(AuthFailure::Unknown);
        };
        if !token::matches(secret, &stored) {
            return Err(AuthFailure::Unknown);
        }
        if record.revoke_micros.is_some() {
            return Err(AuthFailure::Revoked);
        }
        if record.expire_micros.is_some_and(|at| at <= now_micros()) {
            return Err(AuthFailure::Expired);
        }
        Ok(record.caller())
    }
}

/// Verifies bearers against this registry's own database.
pub struct StoreVerifier(pub Store);

impl Verifier for StoreVerifier {
    fn verify<'a>(&'a self, bearer: &'a str) -> VerifyFuture<'a> {
        Box::pin(self.0.verify_bearer(bearer))
    }
}

/// The local admin token at `path`: the one already there if it is still
/// a live admin token, else a new one written there (mode 0600).
pub async fn ensure_admin_token(store: &Store, path: &Path) -> Result<String, RegistryError> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if let Ok(caller) = store.verify_bearer(existing).await
            && caller.role == Role::Admin
        {
            return Ok(existing.to_owned());
        }
    }
    let (record, bearer) = store
        .create_token(
            &NewToken {
                role: Some(Role::Admin),
                display_name: "local admin (admin.token)".into(),
                ..NewToken::default()
            },
            &Actor::local(),
        )
        .await?;
    write_secret(path, &bearer)?;
    tracing::info!(token = %record.name(), path = %path.display(), "made a new admin token");
    Ok(bearer)
}

/// Writes a secret readable by its owner only, replacing any old file
/// whole (a new file, then a rename), so no reader sees half of it.
pub fn write_secret(path: &Path, secret: &str) -> Result<(), RegistryError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let fresh: PathBuf = path.with_extension("token.new");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&fresh)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An older file of that name may have had wider permissions.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(file, "{secret}")?;
    file.sync_all()?;
    std::fs::rename(&fresh, path)?;
    Ok(())
}
