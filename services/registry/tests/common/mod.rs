//! Shared by the integration tests: a registry on a throwaway database,
//! served over real gRPC on loopback, and a macro that runs each test body
//! once per engine.

#![allow(dead_code)]

use std::net::SocketAddr;

use jemput_auth::{AuthChannel, BearerInterceptor, Role, server::ServerHandle};
use jemput_proto::registry::{self as pb, registry_service_client::RegistryServiceClient};
use jemput_registry::{
    RegistryError, Store,
    testing::{TestDb, issue_token, start_registry},
};
use tonic::{Code, Status, transport::Channel};
use tonic_types::StatusExt;

/// A registry client whose calls carry one token.
pub type Client = RegistryServiceClient<AuthChannel>;

pub const DISTRICT: &str = "regions/17.02";
pub const CURUP: &str = "regions/17.02.09";

/// A running registry and an admin's client connected to it.
pub struct Harness {
    pub client: Client,
    pub address: SocketAddr,
    /// The store behind the server, to issue tokens of any role.
    pub store: Store,
    pub admin: String,
    /// The database's URL, to look under the registry.
    pub db_url: String,
    shutdown: Option<ServerHandle<RegistryError>>,
    // Dropped last: the database outlives the server using it.
    _db: TestDb,
}

impl Harness {
    pub async fn on(db: TestDb) -> Harness {
        let store = db.open().await;
        let admin = issue_token(&store, Role::Admin, "", &[]).await;
        let (address, shutdown) = start_registry(store.clone()).await;
        let channel = Channel::from_shared(format!("http://{address}"))
            .expect("a valid URI")
            .connect()
            .await
            .expect("connect to the registry");
        let client = authed(channel, &admin);
        Harness {
            client,
            address,
            store,
            admin,
            db_url: db.url().to_owned(),
            shutdown: Some(shutdown),
            _db: db,
        }
    }

    pub async fn sqlite() -> Harness {
        Harness::on(TestDb::sqlite()).await
    }

    pub async fn postgres() -> Option<Harness> {
        Some(Harness::on(TestDb::postgres().await?).await)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.address))
            .expect("a valid URI")
            .connect()
            .await
            .expect("connect to the registry")
    }

    /// A client on a connection of its own, with the admin's token.
    pub async fn admin_client(&self) -> Client {
        authed(self.channel().await, &self.admin)
    }

    /// A new token of `role`, limited to `villages` if any.
    pub async fn token(&self, role: Role, team: &str, villages: &[&str]) -> String {
        issue_token(&self.store, role, team, villages).await
    }

    /// Stops the server, waiting for in-flight calls.
    pub async fn shutdown(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown
                .shutdown()
                .await
                .expect("the registry stops cleanly");
        }
    }

    pub async fn gap(&mut self, region: &str) -> pb::EnrollmentGap {
        self.client
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: region.into(),
            })
            .await
            .unwrap_or_else(|s| panic!("GetEnrollmentGap({region}): {s:?}"))
            .into_inner()
    }

    /// Every village of the district with its gap, by name.
    pub async fn villages(&mut self) -> Vec<pb::EnrollmentGap> {
        self.client
            .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
                parent: DISTRICT.into(),
                level: pb::RegionLevel::Village.into(),
                order_by: "name".into(),
                page_size: 1000,
                ..Default::default()
            })
            .await
            .expect("list villages")
            .into_inner()
            .gaps
    }
}

/// Runs each named `async fn(Harness)` on SQLite and on PostgreSQL, as
/// `sqlite::name` and `postgres::name`. The PostgreSQL run is skipped
/// (and says so) without TEST_DATABASE_URL, unless JEMPUT_REQUIRE_POSTGRES=1.
#[macro_export]
macro_rules! on_both_engines {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::common::Harness::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(harness) = $crate::common::Harness::postgres().await {
                        super::$test(harness).await;
                    }
                }
            )*
        }
    };
}

/// A client of `channel` whose calls carry `token`.
pub fn authed(channel: Channel, token: &str) -> Client {
    RegistryServiceClient::with_interceptor(
        channel,
        BearerInterceptor::new(token).expect("a token fits in metadata"),
    )
}

pub fn report(region: &str, count: i64, date: &str, channel: pb::Channel) -> pb::ActivationReport {
    pb::ActivationReport {
        region: region.into(),
        count,
        activation_date: date.into(),
        channel: channel.into(),
        team: "Tim 1".into(),
    }
}

pub fn batch(request_id: &str, reports: Vec<pb::ActivationReport>) -> pb::RecordActivationsRequest {
    pb::RecordActivationsRequest {
        request_id: request_id.into(),
        reports,
    }
}

/// The fields named by a status's bad-request violations, in order.
pub fn bad_fields(status: &Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

/// Asserts an INVALID_ARGUMENT naming exactly these fields.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Status>, fields: &[&str]) {
    let status = result.expect_err("the call should fail");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(bad_fields(&status), fields, "{status:?}");
}
