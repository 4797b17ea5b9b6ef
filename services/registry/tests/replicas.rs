//! Two registry replicas on one PostgreSQL database: a write through one
//! reaches the gap watchers of the other, with the same numbers a read
//! through either gives; a rolled-back write reaches nobody; regions added
//! through one are known to the other; a token revoked through one is
//! refused by the other, though it had just verified it.

mod common;

use std::time::Duration;

use common::{DISTRICT, authed, batch, report};
use jemput_auth::Role;
use jemput_proto::registry::{self as pb};
use jemput_registry::testing::{TestDb, issue_token, start_registry};
use tokio_stream::StreamExt;
use tonic::transport::Channel;

const BEDENG_SS: &str = "regions/17.02.06.1015";
const KOTA_PADANG: &str = "regions/17.02.06";
/// Generous: a notice normally arrives in milliseconds.
const WAIT: Duration = Duration::from_secs(20);

async fn connect(address: std::net::SocketAddr, token: &str) -> common::Client {
    let channel = Channel::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    authed(channel, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_replica_reaches_the_watchers_of_another() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (one, other) = (db.open().await, db.open().await);
    let admin = issue_token(&one, Role::Admin, "", &[]).await;
    let (one_address, one_server) = start_registry(one).await;
    let (other_address, other_server) = start_registry(other).await;
    let mut writer = connect(one_address, &admin).await;
    let mut reader = connect(other_address, &admin).await;

    let mut district = reader
        .watch_enrollment_gaps(pb::WatchEnrollmentGapsRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut kecamatan = reader
        .watch_enrollment_gaps(pb::WatchEnrollmentGapsRequest {
            region: KOTA_PADANG.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = district.next().await.unwrap().unwrap();
    let first_kecamatan = kecamatan.next().await.unwrap().unwrap();

    // A batch refused for going above the recorded KTP-el rolls back: no notice.
    let refused = writer
        .record_activations(batch(
            "replica-refused",
            vec![report(
                BEDENG_SS,
                100_000,
                "2025-03-03",
                pb::Channel::MobileTeam,
            )],
        ))
        .await;
    assert!(refused.is_err());

    writer
        .record_activations(batch(
            "replica-1",
            vec![report(BEDENG_SS, 25, "2025-03-03", pb::Channel::MobileTeam)],
        ))
        .await
        .unwrap();
    let next = tokio::time::timeout(WAIT, district.next())
        .await
        .expect("the other replica's watcher hears the write")
        .unwrap()
        .unwrap();
    assert_eq!(next.ikd_activated, first.ikd_activated + 25);
    let next_kecamatan = tokio::time::timeout(WAIT, kecamatan.next())
        .await
        .expect("so does a watcher of the village's kecamatan")
        .unwrap()
        .unwrap();
    assert_eq!(
        next_kecamatan.ikd_activated,
        first_kecamatan.ikd_activated + 25
    );

    // A target set through the other replica reaches the first one's watcher.
    let mut writer_watch = writer
        .watch_enrollment_gaps(pb::WatchEnrollmentGapsRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner();
    writer_watch.next().await.unwrap().unwrap();
    reader
        .set_target(pb::SetTargetRequest {
            region: DISTRICT.into(),
            target_fraction: 0.35,
        })
        .await
        .unwrap();
    let moved = tokio::time::timeout(WAIT, writer_watch.next())
        .await
        .expect("the first replica hears the target")
        .unwrap()
        .unwrap();
    assert_eq!(moved.target_fraction, 0.35);

    drop((district, kecamatan, writer_watch));
    one_server.shutdown().await.unwrap();
    other_server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_added_through_one_replica_are_known_to_another() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (one, other) = (db.open().await, db.open().await);
    let admin = issue_token(&one, Role::Admin, "", &[]).await;
    let (one_address, one_server) = start_registry(one).await;
    let (other_address, other_server) = start_registry(other).await;
    let mut writer = connect(one_address, &admin).await;
    let mut reader = connect(other_address, &admin).await;

    writer
        .add_regions(pb::AddRegionsRequest {
            request_id: "replica-lebong".into(),
            regions: vec!["regions/17.07".into()],
        })
        .await
        .unwrap();
    // The other replica checks names against its own list of regions, which
    // it reads again when the notice arrives.
    let known = tokio::time::timeout(WAIT, async {
        loop {
            let answer = reader
                .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                    region: "regions/17.07".into(),
                })
                .await;
            match answer {
                Ok(gap) => return gap.into_inner(),
                Err(status) => {
                    assert_eq!(status.code(), tonic::Code::NotFound, "{status:?}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    })
    .await
    .expect("the other replica learns of Lebong");
    assert!(known.counts_missing);
    assert_eq!(known.villages_without_counts, 104);

    one_server.shutdown().await.unwrap();
    other_server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_through_one_replica_is_refused_by_another() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (one, other) = (db.open().await, db.open().await);
    let admin = issue_token(&one, Role::Admin, "", &[]).await;
    let viewer = issue_token(&one, Role::Viewer, "", &[]).await;
    let (one_address, one_server) = start_registry(one).await;
    let (other_address, other_server) = start_registry(other).await;
    let reader = connect(other_address, &viewer).await;
    let read = |mut client: common::Client| async move {
        client
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: DISTRICT.into(),
            })
            .await
    };
    // The other replica has verified (and may keep) the viewer's token.
    read(reader.clone()).await.expect("a live token reads");

    let channel = Channel::from_shared(format!("http://{one_address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut tokens = jemput_proto::auth::token_service_client::TokenServiceClient::with_interceptor(
        channel,
        jemput_auth::BearerInterceptor::new(&admin).unwrap(),
    );
    let (id, _) = jemput_auth::token::parse(&viewer).expect("a bearer");
    let name = format!("tokens/{id}");
    tokens
        .revoke_token(jemput_proto::auth::RevokeTokenRequest { name })
        .await
        .unwrap();
    let refused = tokio::time::timeout(WAIT, async {
        loop {
            match read(reader.clone()).await {
                Err(status) => return status,
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await
    .expect("the other replica refuses the revoked token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
    assert!(read(reader.clone()).await.is_err());

    one_server.shutdown().await.unwrap();
    other_server.shutdown().await.unwrap();
}
