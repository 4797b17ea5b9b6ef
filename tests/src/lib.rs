//! Support for the end-to-end tests in `tests/`: a real registry served on
//! `127.0.0.1:0` over a throwaway database, reached through the same
//! client code the `jemput` command line uses, and a real optimizer reading
//! that registry.
//!
//! Every test runs on both engines through [`on_each_database!`]: SQLite
//! always, PostgreSQL when `TEST_DATABASE_URL` is set (and, with
//! `JEMPUT_REQUIRE_POSTGRES=1`, as CI sets it, it must be).

use std::net::SocketAddr;

pub use jemput_registry::testing::TestDb;
use jemput_registry::testing::{ShutdownHandle, start_registry};

/// The district the seed describes, and its published numbers.
pub const DISTRICT: &str = "regions/17.02";
pub const KTP_EL_RECORDED: i64 = 202_820;
pub const IKD_ACTIVATED: i64 = 10_425;
pub const TARGET_FRACTION: f64 = 0.30;
pub const TARGET_COUNT: i64 = 60_846;
pub const GAP: i64 = 50_421;
pub const KECAMATAN: usize = 15;
pub const VILLAGES: usize = 156;

/// A registry serving a seeded database, until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    handle: ShutdownHandle,
    // Dropped after the server has stopped (see `stop`), so a PostgreSQL
    // schema is not removed under open connections.
    db: TestDb,
}

impl Running {
    /// Opens (migrates and seeds) `db` and serves it.
    pub async fn start(db: TestDb) -> Running {
        let store = db.open().await;
        let (addr, handle) = start_registry(store).await;
        Running { addr, handle, db }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The database URL, for a second server on the same data.
    pub fn database_url(&self) -> &str {
        self.db.url()
    }

    /// A client as `jemput` builds one.
    pub async fn registry(&self) -> jemput::client::Registry {
        jemput::client::Registry::connect(&self.url())
            .await
            .expect("connect to the test registry")
    }

    /// Drains the server, then removes the database.
    pub async fn stop(self) {
        self.handle
            .shutdown()
            .await
            .expect("the registry stops cleanly");
        drop(self.db);
    }
}

/// The optimizer on 127.0.0.1:0, reading a [`Running`] registry and keeping
/// plans in an SQLite database of its own (the registry's engine is what
/// each test varies), until [`RunningOptimizer::stop`].
pub struct RunningOptimizer {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _plans: TestDb,
}

impl RunningOptimizer {
    pub async fn start(registry: &Running) -> RunningOptimizer {
        let plans = TestDb::sqlite();
        let store = jemput_optimizer::PlanStore::open(plans.url())
            .await
            .expect("open the plan store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let registry_url = registry.url();
        let task = tokio::spawn(async move {
            jemput_optimizer::serve(listener, &registry_url, store, async {
                let _ = stopped.await;
            })
            .await
            .expect("the optimizer serves");
        });
        RunningOptimizer {
            url,
            stop: Some(stop),
            task,
            _plans: plans,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Drains the server, then removes its database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.expect("the optimizer stops cleanly");
    }
}

/// Defines `mod $name { fn sqlite(); fn postgres(); }`, each a tokio test
/// that calls `$test(db: TestDb)` with a fresh database of that engine.
#[macro_export]
macro_rules! on_each_database {
    ($($name:ident => $test:ident;)+) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test($crate::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                // `None` only when PostgreSQL is not required (see `TestDb`).
                let Some(db) = $crate::TestDb::postgres().await else {
                    return;
                };
                super::$test(db).await;
            }
        }
    )+};
}
