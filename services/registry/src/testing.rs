//! Test support, behind the `testing` feature: throwaway databases on either
//! engine, and a registry served in-process on `127.0.0.1:0`. Used by this
//! crate's tests and by the workspace end-to-end tests.

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use sqlx::{Connection, Executor, postgres::PgConnection};

use jemput_auth::{Role, server::ServerHandle};

use crate::{Actor, NewToken, RegistryError, ServeOptions, Store, serve};

/// The PostgreSQL server tests may use, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";
/// Set to `1` (as CI does) to make a missing `TEST_DATABASE_URL` a failure
/// instead of a skip.
pub const REQUIRE_POSTGRES: &str = "JEMPUT_REQUIRE_POSTGRES";

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    /// The directory holding the SQLite file; removed on drop.
    Sqlite { _dir: tempfile::TempDir },
    /// A schema of its own on the shared server; dropped on drop.
    Postgres { admin_url: String, schema: String },
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{:x}_{:x}_{}",
        std::process::id(),
        nanos & 0xffff_ffff_ffff,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    /// A fresh SQLite file in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("jemput.db").display());
        TestDb {
            url,
            cleanup: Cleanup::Sqlite { _dir: dir },
        }
    }

    /// A fresh schema `jemput_t_..` on the server at `TEST_DATABASE_URL`,
    /// reached through a URL whose connections put it first on their
    /// `search_path`. `None` (after printing why) when the variable is unset,
    /// unless `JEMPUT_REQUIRE_POSTGRES=1`, which makes that a panic.
    pub async fn postgres() -> Option<TestDb> {
        let Some(admin_url) = std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.is_empty())
        else {
            if std::env::var(REQUIRE_POSTGRES).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_POSTGRES}=1 but {TEST_DATABASE_URL} is not set");
            }
            eprintln!("skipped: {TEST_DATABASE_URL} not set");
            return None;
        };
        let schema = format!("jemput_t_{}", unique_suffix());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect to {TEST_DATABASE_URL}: {e}"));
        admin
            .execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .unwrap_or_else(|e| panic!("create schema {schema}: {e}"));
        let _ = admin.close().await;
        let separator = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{separator}options[search_path]={schema}");
        Some(TestDb {
            url,
            cleanup: Cleanup::Postgres { admin_url, schema },
        })
    }

    /// The URL to give [`Store::open`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens (migrates and seeds) the store on this database.
    pub async fn open(&self) -> Store {
        Store::open(&self.url)
            .await
            .unwrap_or_else(|e| panic!("open the store at {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, schema } = &self.cleanup else {
            return;
        };
        let (admin_url, schema) = (admin_url.clone(), schema.clone());
        // Drop cannot await, and may run inside a runtime that must not be
        // blocked, so the schema is dropped on a thread with its own runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                admin
                    .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
                    .await?;
                admin.close().await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop a test schema; it stays behind");
        }
    }
}

/// A token of `role` on `store`, limited to `villages` (codes such as
/// `17.02.09.1001`) if any are given; its bearer string.
pub async fn issue_token(store: &Store, role: Role, team: &str, villages: &[&str]) -> String {
    store
        .create_token(
            &NewToken {
                role: Some(role),
                display_name: format!("test {role}"),
                team: team.into(),
                villages: villages.iter().map(|v| (*v).to_owned()).collect(),
                ..NewToken::default()
            },
            &Actor::local(),
        )
        .await
        .unwrap_or_else(|e| panic!("issue a {role} token: {e}"))
        .1
}

/// Serves `store` on `127.0.0.1:0` with the default options (plaintext,
/// default limits). The listener is bound before this returns, so clients
/// can connect at once; the registry stops when the handle is dropped.
pub async fn start_registry(store: Store) -> (SocketAddr, ServerHandle<RegistryError>) {
    start_registry_with(store, ServeOptions::default()).await
}

/// As [`start_registry`], with `options`.
pub async fn start_registry_with(
    store: Store,
    options: ServeOptions,
) -> (SocketAddr, ServerHandle<RegistryError>) {
    ServerHandle::spawn_on_loopback(|listener, stopped| serve(listener, store, options, stopped))
        .await
        .expect("bind 127.0.0.1:0")
}
