//! Support for the end-to-end tests in `tests/`: a real registry served on
//! `127.0.0.1:0` over a throwaway database, reached through the same
//! client code the `jemput` command line uses, and a real optimizer reading
//! that registry.
//!
//! Every test runs on both engines through [`on_each_database!`]: SQLite
//! always, PostgreSQL when `TEST_DATABASE_URL` is set (and, with
//! `JEMPUT_REQUIRE_POSTGRES=1`, as CI sets it, it must be).

use std::net::SocketAddr;

use jemput::client::Access;
use jemput_auth::server::ServerHandle;
pub use jemput_auth::{AuthChannel, BearerInterceptor, Role};
use jemput_proto::{
    optimizer::planner_service_client::PlannerServiceClient,
    registry::registry_service_client::RegistryServiceClient,
};
pub use jemput_registry::testing::TestDb;
use jemput_registry::testing::{issue_token, start_registry};
use jemput_registry::{RegistryError, Store};
use tonic::transport::Channel;

/// The district the seed describes, and its published numbers.
pub const DISTRICT: &str = "regions/17.02";
pub const KTP_EL_RECORDED: i64 = 202_820;
pub const IKD_ACTIVATED: i64 = 10_425;
pub const TARGET_FRACTION: f64 = 0.30;
pub const TARGET_COUNT: i64 = 60_846;
pub const GAP: i64 = 50_421;
pub const KECAMATAN: usize = 15;
pub const VILLAGES: usize = 156;

/// A channel to `url` whose calls carry `token`.
pub async fn authed_channel(url: &str, token: &str) -> AuthChannel {
    let channel = Channel::from_shared(url.to_string())
        .expect("a valid URI")
        .connect()
        .await
        .expect("connect");
    tonic::service::interceptor::InterceptedService::new(
        channel,
        BearerInterceptor::new(token).expect("a token fits in metadata"),
    )
}

/// A registry serving a seeded database, until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    /// An admin token of this registry.
    pub admin: String,
    pub store: Store,
    handle: ServerHandle<RegistryError>,
    // Dropped after the server has stopped (see `stop`), so a PostgreSQL
    // schema is not removed under open connections.
    db: TestDb,
}

impl Running {
    /// Opens (migrates and seeds) `db` and serves it.
    pub async fn start(db: TestDb) -> Running {
        let store = db.open().await;
        let admin = issue_token(&store, Role::Admin, "", &[]).await;
        let (addr, handle) = start_registry(store.clone()).await;
        Running {
            addr,
            admin,
            store,
            handle,
            db,
        }
    }

    /// A new token of `role`, limited to `villages` (codes) if any.
    pub async fn token(&self, role: Role, team: &str, villages: &[&str]) -> String {
        issue_token(&self.store, role, team, villages).await
    }

    /// A registry client with the admin token.
    pub async fn client(&self) -> RegistryServiceClient<AuthChannel> {
        self.client_as(&self.admin).await
    }

    /// A registry client with `token`.
    pub async fn client_as(&self, token: &str) -> RegistryServiceClient<AuthChannel> {
        RegistryServiceClient::new(authed_channel(&self.url(), token).await)
    }

    /// What `jemput` commands need to act as the admin.
    pub fn access(&self) -> Access {
        Access::token(&self.admin)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The database URL, for a second server on the same data.
    pub fn database_url(&self) -> &str {
        self.db.url()
    }

    /// Whether the database is PostgreSQL: only there can several registry
    /// replicas share it and hear each other's changes (an SQLite file
    /// belongs to one process).
    pub fn on_postgres(&self) -> bool {
        self.db.url().starts_with("postgres")
    }

    /// A second registry replica on the same database, with a store of its
    /// own (as a second process would have), served until its handle is
    /// shut down; stop it before [`Running::stop`], which removes the
    /// database. Tokens live in the database, so [`Running::admin`] works
    /// on it too.
    pub async fn start_replica(&self) -> (SocketAddr, ServerHandle<RegistryError>) {
        start_registry(self.db.open().await).await
    }

    /// A client as `jemput` builds one.
    pub async fn registry(&self) -> jemput::client::Registry {
        jemput::client::Registry::connect(&self.url(), &self.access())
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
    /// The admin token of the registry it reads.
    pub admin: String,
    handle: ServerHandle<jemput_optimizer::OptimizerError>,
    _plans: TestDb,
}

impl RunningOptimizer {
    pub async fn start(registry: &Running) -> RunningOptimizer {
        let plans = TestDb::sqlite();
        let store = jemput_optimizer::PlanStore::open(plans.url())
            .await
            .expect("open the plan store");
        let (address, handle) =
            jemput_optimizer::testing::start_optimizer(&registry.url(), store).await;
        RunningOptimizer {
            url: format!("http://{address}"),
            admin: registry.admin.clone(),
            handle,
            _plans: plans,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A planner client with the admin token that takes whole-district
    /// plans (several MB).
    pub async fn client(&self) -> PlannerServiceClient<AuthChannel> {
        self.client_as(&self.admin).await
    }

    /// A planner client with `token`.
    pub async fn client_as(&self, token: &str) -> PlannerServiceClient<AuthChannel> {
        PlannerServiceClient::new(authed_channel(&self.url, token).await)
            .max_decoding_message_size(jemput_proto::MAX_MESSAGE_BYTES)
    }

    /// What `jemput` commands need to act as the admin.
    pub fn access(&self) -> Access {
        Access::token(&self.admin)
    }

    /// Drains the server, then removes its database.
    pub async fn stop(self) {
        self.handle
            .shutdown()
            .await
            .expect("the optimizer stops cleanly");
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
