//! The registry as any gRPC client sees it: the district's published
//! numbers, health, and reflection, on SQLite and PostgreSQL.

use jemput_e2e::{
    DISTRICT, GAP, IKD_ACTIVATED, KECAMATAN, KTP_EL_RECORDED, Running, TARGET_COUNT,
    TARGET_FRACTION, TestDb, VILLAGES, on_each_database,
};
use jemput_proto::registry::{GetEnrollmentGapRequest, ListEnrollmentGapsRequest, RegionLevel};
use tonic::transport::Channel;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

on_each_database! {
    district_gap => the_district_gap_is_the_published_one;
    kecamatan_and_villages_add_up => kecamatan_and_villages_add_up_to_the_district;
    health => health_reports_serving;
    reflection => reflection_lists_the_registry;
}

/// A plain channel, for the clients of the standard gRPC services.
async fn channel(registry: &Running) -> Channel {
    Channel::from_shared(registry.url())
        .unwrap()
        .connect()
        .await
        .unwrap()
}

async fn the_district_gap_is_the_published_one(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.client().await;

    let gap = client
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner();

    assert_eq!(gap.region, DISTRICT);
    assert_eq!(gap.level(), RegionLevel::District);
    assert_eq!(gap.ktp_el_recorded, KTP_EL_RECORDED);
    assert_eq!(gap.ikd_activated, IKD_ACTIVATED);
    assert!((gap.target_fraction - TARGET_FRACTION).abs() < 1e-9);
    assert_eq!(gap.target_count, TARGET_COUNT);
    assert_eq!(gap.gap, GAP);
    assert!((gap.coverage - 0.0514).abs() < 0.00005, "{}", gap.coverage);
    registry.stop().await;
}

async fn kecamatan_and_villages_add_up_to_the_district(db: TestDb) {
    let registry = Running::start(db).await;
    let client = registry.client().await;
    let list = |level: RegionLevel| {
        let mut client = client.clone();
        async move {
            client
                .list_enrollment_gaps(ListEnrollmentGapsRequest {
                    parent: DISTRICT.into(),
                    page_size: 1000,
                    level: level as i32,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner()
        }
    };

    let kecamatan = list(RegionLevel::Unspecified).await;
    assert_eq!(kecamatan.gaps.len(), KECAMATAN);
    assert!(kecamatan.next_page_token.is_empty());
    assert!(
        kecamatan
            .gaps
            .iter()
            .all(|g| g.level() == RegionLevel::Kecamatan)
    );
    let recorded: i64 = kecamatan.gaps.iter().map(|g| g.ktp_el_recorded).sum();
    let activated: i64 = kecamatan.gaps.iter().map(|g| g.ikd_activated).sum();
    assert_eq!((recorded, activated), (KTP_EL_RECORDED, IKD_ACTIVATED));
    // The default order is the largest gap first.
    assert!(kecamatan.gaps.windows(2).all(|w| w[0].gap >= w[1].gap));

    let villages = list(RegionLevel::Village).await;
    assert_eq!(villages.gaps.len(), VILLAGES);
    let recorded: i64 = villages.gaps.iter().map(|g| g.ktp_el_recorded).sum();
    assert_eq!(recorded, KTP_EL_RECORDED);

    registry.stop().await;
}

async fn health_reports_serving(db: TestDb) {
    let registry = Running::start(db).await;
    let mut health = HealthClient::new(channel(&registry).await);
    for service in ["", "jemput.registry.v1.RegistryService"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status();
        assert_eq!(status, ServingStatus::Serving, "service {service:?}");
    }
    registry.stop().await;
}

async fn reflection_lists_the_registry(db: TestDb) {
    let registry = Running::start(db).await;
    let mut reflection = ServerReflectionClient::new(channel(&registry).await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().expect("one response");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!(
            "expected a service list, got {:?}",
            response.message_response
        )
    };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"jemput.registry.v1.RegistryService"),
        "{names:?}"
    );
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
    drop(responses);
    registry.stop().await;
}
