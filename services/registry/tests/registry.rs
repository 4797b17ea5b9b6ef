//! The registry over real gRPC on loopback, on SQLite and on PostgreSQL:
//! the seeded numbers, every write's atomicity and idempotency, the cap on
//! activations, input checking, targets, imports, the ledger summary, the
//! gap watch, health and reflection.

mod common;

use std::time::Duration;

use chrono::{Days, Utc};
use common::{CURUP, DISTRICT, Harness, assert_invalid, batch, report};
use jemput_proto::registry::{self as pb};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};
use tonic_types::StatusExt;

/// Bedeng SS, Kota Padang: 480 recorded KTP-el, 1 activated IKD in the seed.
const BEDENG_SS: &str = "regions/17.02.06.1015";
/// Dusun Baru, Kota Padang: 1140 recorded, 2 activated.
const DUSUN_BARU: &str = "regions/17.02.06.1016";
const KOTA_PADANG: &str = "regions/17.02.06";
/// Dwi Tunggal, a kelurahan in Curup, far from Kota Padang.
const CURUP_VILLAGE: &str = "regions/17.02.09.1012";

on_both_engines!(
    seed_numbers_add_up,
    regions_list_in_pages,
    full_view_carries_the_boundary,
    a_batch_with_one_bad_report_changes_nothing,
    a_retried_batch_is_applied_once,
    a_village_cannot_pass_its_recorded_ktp_el,
    a_request_id_cannot_be_reused_for_another_batch,
    bad_input_is_named_and_changes_nothing,
    hostile_numbers_and_text_change_nothing,
    targets_are_inherited_from_the_nearest_ancestor,
    imports_report_every_bad_row_and_apply_all_or_nothing,
    summaries_sum_the_ledger_by_village_and_channel,
    a_correction_restores_the_totals_and_the_ledger_keeps_both,
    watchers_get_the_gap_then_each_change,
    health_and_reflection_are_served,
);

async fn seed_numbers_add_up(mut h: Harness) {
    let district = h.gap(DISTRICT).await;
    assert_eq!(
        (
            district.ktp_el_recorded,
            district.ikd_activated,
            district.target_fraction,
            district.target_count,
            district.gap
        ),
        (202_820, 10_425, 0.30, 60_846, 50_421)
    );
    assert_eq!(district.target_source, DISTRICT);
    assert_eq!(district.level, i32::from(pb::RegionLevel::District));
    assert!(district.update_time.is_some());

    let kecamatan = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("list kecamatan gaps")
        .into_inner();
    assert_eq!(kecamatan.gaps.len(), 15);
    assert!(kecamatan.next_page_token.is_empty());
    assert_eq!(
        kecamatan
            .gaps
            .iter()
            .map(|g| g.ktp_el_recorded)
            .sum::<i64>(),
        202_820
    );
    assert_eq!(
        kecamatan.gaps.iter().map(|g| g.ikd_activated).sum::<i64>(),
        10_425
    );
    assert!(
        kecamatan.gaps.windows(2).all(|w| w[0].gap >= w[1].gap),
        "default order is gap desc"
    );
    assert!(
        kecamatan
            .gaps
            .iter()
            .all(|g| g.target_source == DISTRICT && g.target_fraction == 0.30)
    );

    let by_coverage = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: DISTRICT.into(),
            order_by: "coverage asc".into(),
            ..Default::default()
        })
        .await
        .expect("list by coverage")
        .into_inner()
        .gaps;
    assert!(
        by_coverage
            .windows(2)
            .all(|w| w[0].coverage <= w[1].coverage)
    );

    let villages = h.villages().await;
    assert_eq!(villages.len(), 156);
    assert_eq!(
        villages.iter().map(|g| g.ktp_el_recorded).sum::<i64>(),
        202_820
    );
    assert_eq!(
        villages.iter().map(|g| g.ikd_activated).sum::<i64>(),
        10_425
    );
    let bedeng = h.gap(BEDENG_SS).await;
    assert_eq!(
        (
            bedeng.ktp_el_recorded,
            bedeng.ikd_activated,
            bedeng.target_count
        ),
        (480, 1, 144)
    );
}

async fn regions_list_in_pages(mut h: Harness) {
    let mut names = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = h
            .client
            .list_regions(pb::ListRegionsRequest {
                parent: DISTRICT.into(),
                level: pb::RegionLevel::Village.into(),
                page_size: 50,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await
            .expect("list villages")
            .into_inner();
        pages += 1;
        assert!(
            page.regions
                .iter()
                .all(|r| r.level == i32::from(pb::RegionLevel::Village))
        );
        assert!(
            page.regions.iter().all(|r| r.boundary_geojson.is_empty()),
            "basic view"
        );
        names.extend(page.regions.into_iter().map(|r| r.name));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(pages, 4, "50 + 50 + 50 + 6");
    assert_eq!(names.len(), 156);
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names, "sorted by name and without repeats");

    let kecamatan = h
        .client
        .list_regions(pb::ListRegionsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("list kecamatan")
        .into_inner()
        .regions;
    assert_eq!(kecamatan.len(), 15);
    assert!(
        kecamatan
            .iter()
            .all(|k| k.kind() == pb::RegionKind::Kecamatan && k.parent == DISTRICT)
    );

    let curup_villages = h
        .client
        .list_regions(pb::ListRegionsRequest {
            parent: CURUP.into(),
            ..Default::default()
        })
        .await
        .expect("list Curup's villages")
        .into_inner()
        .regions;
    assert_eq!(curup_villages.len(), 9);
    assert!(
        curup_villages
            .iter()
            .all(|v| v.kind() == pb::RegionKind::Kelurahan)
    );

    let none = h
        .client
        .list_regions(pb::ListRegionsRequest {
            parent: BEDENG_SS.into(),
            ..Default::default()
        })
        .await
        .expect("a village has no children")
        .into_inner();
    assert!(none.regions.is_empty() && none.next_page_token.is_empty());
}

async fn full_view_carries_the_boundary(mut h: Harness) {
    let get = |view: pb::RegionView| pb::GetRegionRequest {
        name: BEDENG_SS.into(),
        view: view.into(),
    };
    let basic = h
        .client
        .get_region(get(pb::RegionView::Basic))
        .await
        .expect("basic")
        .into_inner();
    assert_eq!(basic.display_name, "Bedeng SS");
    assert_eq!(
        (basic.kind(), basic.parent.as_str()),
        (pb::RegionKind::Kelurahan, KOTA_PADANG)
    );
    assert!(basic.boundary_geojson.is_empty() && basic.boundary_attribution.is_empty());

    let full = h
        .client
        .get_region(get(pb::RegionView::Full))
        .await
        .expect("full")
        .into_inner();
    let geometry: serde_json::Value =
        serde_json::from_str(&full.boundary_geojson).expect("GeoJSON");
    assert_eq!(geometry["type"], "MultiPolygon");
    assert!(
        full.boundary_attribution
            .contains("cahyadsn/wilayah_boundaries")
    );

    let district = h
        .client
        .get_region(pb::GetRegionRequest {
            name: DISTRICT.into(),
            view: pb::RegionView::Basic.into(),
        })
        .await
        .expect("district")
        .into_inner();
    assert_eq!(
        (district.display_name.as_str(), district.kind()),
        ("Rejang Lebong", pb::RegionKind::Kabupaten)
    );
    assert_eq!(
        (district.latitude, district.longitude),
        (-3.47295, 102.51667),
        "the Curup seat"
    );
    assert!(district.parent.is_empty());
}

async fn a_batch_with_one_bad_report_changes_nothing(mut h: Harness) {
    let before = h.villages().await;
    let result = h
        .client
        .record_activations(batch(
            "atomic-1",
            vec![
                report(BEDENG_SS, 5, "2025-01-10", pb::Channel::MobileTeam),
                report(DUSUN_BARU, 0, "2025-01-10", pb::Channel::MobileTeam),
                report(DUSUN_BARU, 3, "2025-01-11", pb::Channel::Office),
            ],
        ))
        .await;
    assert_invalid(result, &["reports[1].count"]);
    assert_eq!(h.villages().await, before);

    // Nothing was recorded under that id either: fixed, it goes through.
    let fixed = h
        .client
        .record_activations(batch(
            "atomic-1",
            vec![
                report(BEDENG_SS, 5, "2025-01-10", pb::Channel::MobileTeam),
                report(DUSUN_BARU, 3, "2025-01-11", pb::Channel::Office),
            ],
        ))
        .await
        .expect("the fixed batch")
        .into_inner();
    assert_eq!((fixed.accepted, fixed.activations), (2, 8));
    let district = fixed.district_gap.expect("district gap");
    assert_eq!((district.ikd_activated, district.gap), (10_433, 50_413));
}

async fn a_retried_batch_is_applied_once(mut h: Harness) {
    let request = batch(
        "retry-1",
        vec![
            report(BEDENG_SS, 7, "2025-01-10", pb::Channel::MobileTeam),
            report(BEDENG_SS, 3, "2025-01-12", pb::Channel::Office),
        ],
    );
    let first = h
        .client
        .record_activations(request.clone())
        .await
        .expect("first")
        .into_inner();
    let second = h
        .client
        .record_activations(request.clone())
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first, second, "a retry gets the identical answer");
    assert_eq!(first.activations, 10);
    assert_eq!(h.gap(BEDENG_SS).await.ikd_activated, 11);
    assert_eq!(h.gap(DISTRICT).await.ikd_activated, 10_435);

    let next = h
        .client
        .record_activations(batch(
            "retry-2",
            vec![report(BEDENG_SS, 1, "2025-01-12", pb::Channel::Office)],
        ))
        .await
        .expect("a new batch")
        .into_inner();
    assert!(next.batch > first.batch, "ledger positions grow");
    let ledger = h
        .client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("summary")
        .into_inner();
    assert_eq!(ledger.total, 11, "the retry added nothing to the ledger");
}

async fn a_village_cannot_pass_its_recorded_ktp_el(mut h: Harness) {
    let before = h.villages().await;
    let status = h
        .client
        .record_activations(batch(
            "cap-1",
            vec![
                report(BEDENG_SS, 400, "2025-01-10", pb::Channel::MobileTeam),
                report(DUSUN_BARU, 10, "2025-01-10", pb::Channel::MobileTeam),
                report(BEDENG_SS, 80, "2025-01-11", pb::Channel::MobileTeam),
            ],
        ))
        .await
        .expect_err("1 + 400 + 80 is above 480");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    let subjects: Vec<String> = status
        .get_error_details()
        .precondition_failure()
        .map(|p| p.violations.iter().map(|v| v.subject.clone()).collect())
        .unwrap_or_default();
    assert_eq!(subjects, ["reports[2].count"]);
    assert_eq!(
        h.villages().await,
        before,
        "nothing of the batch was applied"
    );

    let full = h
        .client
        .record_activations(batch(
            "cap-2",
            vec![report(
                BEDENG_SS,
                479,
                "2025-01-10",
                pb::Channel::MobileTeam,
            )],
        ))
        .await
        .expect("exactly up to the cap")
        .into_inner();
    assert_eq!(full.activations, 479);
    let bedeng = h.gap(BEDENG_SS).await;
    assert_eq!(
        (bedeng.ikd_activated, bedeng.coverage, bedeng.gap),
        (480, 1.0, 0)
    );

    let status = h
        .client
        .record_activations(batch(
            "cap-3",
            vec![report(BEDENG_SS, 1, "2025-01-10", pb::Channel::Office)],
        ))
        .await
        .expect_err("one more is too many");
    assert_eq!(status.code(), Code::FailedPrecondition);
}

async fn a_request_id_cannot_be_reused_for_another_batch(mut h: Harness) {
    h.client
        .record_activations(batch(
            "reuse-1",
            vec![report(BEDENG_SS, 2, "2025-01-10", pb::Channel::Office)],
        ))
        .await
        .expect("first use");
    let result = h
        .client
        .record_activations(batch(
            "reuse-1",
            vec![report(BEDENG_SS, 3, "2025-01-10", pb::Channel::Office)],
        ))
        .await;
    assert_invalid(result, &["request_id"]);
    // An import may not take a batch's id either.
    let result = h
        .client
        .import_regions(pb::ImportRegionsRequest {
            request_id: "reuse-1".into(),
            counts: vec![pb::VillageCounts {
                region: BEDENG_SS.into(),
                ktp_el_recorded: 500,
                ikd_activated: 3,
            }],
            validate_only: false,
        })
        .await;
    assert_invalid(result, &["request_id"]);
    assert_eq!(h.gap(BEDENG_SS).await.ikd_activated, 3);
}

async fn bad_input_is_named_and_changes_nothing(mut h: Harness) {
    let villages_before = h.villages().await;
    let district_before = h.gap(DISTRICT).await;
    let future = (Utc::now().date_naive() + Days::new(3))
        .format("%Y-%m-%d")
        .to_string();
    let office = pb::Channel::Office;

    // Regions.
    let get = |name: &str| pb::GetRegionRequest {
        name: name.into(),
        view: 0,
    };
    assert_invalid(h.client.get_region(get("regions/1")).await, &["name"]);
    // A province's name is well-formed; the seed holds none.
    let province = h
        .client
        .get_region(get("regions/17"))
        .await
        .expect_err("no province yet");
    assert_eq!(province.code(), Code::NotFound);
    assert_invalid(h.client.get_region(get("17.02")).await, &["name"]);
    assert_invalid(h.client.get_region(get("")).await, &["name"]);
    let missing = h
        .client
        .get_region(get("regions/99.99"))
        .await
        .expect_err("unknown");
    assert_eq!(missing.code(), Code::NotFound);
    let missing = h
        .client
        .get_enrollment_gap(pb::GetEnrollmentGapRequest {
            region: "regions/17.02.99.9999".into(),
        })
        .await
        .expect_err("unknown village");
    assert_eq!(missing.code(), Code::NotFound);
    assert_invalid(
        h.client
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: "Curup".into(),
            })
            .await,
        &["region"],
    );

    // Lists.
    let list = |page_size: i32, page_token: &str| pb::ListRegionsRequest {
        parent: DISTRICT.into(),
        page_size,
        page_token: page_token.into(),
        ..Default::default()
    };
    assert_invalid(h.client.list_regions(list(-1, "")).await, &["page_size"]);
    assert_invalid(
        h.client.list_regions(list(10, "garbage")).await,
        &["page_token"],
    );
    let token = h
        .client
        .list_regions(list(5, ""))
        .await
        .expect("first page")
        .into_inner()
        .next_page_token;
    let other_query = pb::ListRegionsRequest {
        parent: CURUP.into(),
        page_size: 5,
        page_token: token.clone(),
        ..Default::default()
    };
    assert_invalid(h.client.list_regions(other_query).await, &["page_token"]);
    assert_invalid(
        h.client
            .list_regions(pb::ListRegionsRequest {
                parent: "regions/x".into(),
                ..Default::default()
            })
            .await,
        &["parent"],
    );
    for order_by in ["gap asc", "population", "name desc"] {
        let result = h
            .client
            .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
                parent: DISTRICT.into(),
                order_by: order_by.into(),
                ..Default::default()
            })
            .await;
        assert_invalid(result, &["order_by"]);
    }

    // Activations: each kind of bad report alone, then all at once.
    let one = |r: pb::ActivationReport| batch("bad-1", vec![r]);
    let cases = [
        (
            report("regions/17.02.06.9999", 1, "2025-01-10", office),
            "reports[0].region",
        ),
        (
            report(KOTA_PADANG, 1, "2025-01-10", office),
            "reports[0].region",
        ),
        (
            report("regions/17.02.06.15", 1, "2025-01-10", office),
            "reports[0].region",
        ),
        (
            report(BEDENG_SS, 0, "2025-01-10", office),
            "reports[0].count",
        ),
        (
            report(BEDENG_SS, -5, "2025-01-10", office),
            "reports[0].count",
        ),
        (
            report(BEDENG_SS, 1, "2025-13-01", office),
            "reports[0].activation_date",
        ),
        (
            report(BEDENG_SS, 1, "10/01/2025", office),
            "reports[0].activation_date",
        ),
        (
            report(BEDENG_SS, 1, &future, office),
            "reports[0].activation_date",
        ),
        (
            report(BEDENG_SS, 1, "2025-01-10", pb::Channel::Unspecified),
            "reports[0].channel",
        ),
    ];
    for (bad, field) in cases {
        assert_invalid(h.client.record_activations(one(bad)).await, &[field]);
    }
    // The field page shows the registry's Indonesian: numbers and dates
    // the Indonesian way.
    let said = |status: tonic::Status| {
        status
            .get_error_details()
            .bad_request()
            .and_then(|b| b.field_violations.first().cloned())
            .and_then(|v| v.localized_message)
            .map(|m| (m.locale, m.message))
            .expect("an Indonesian message")
    };
    let status = h
        .client
        .record_activations(one(report(BEDENG_SS, -5, "2025-01-10", office)))
        .await
        .expect_err("a negative count");
    assert_eq!(
        said(status),
        (
            "id-ID".to_string(),
            "harus lebih dari 0; yang diberikan -5".to_string()
        )
    );
    let status = h
        .client
        .record_activations(one(report(BEDENG_SS, 20_000_000, "2025-01-10", office)))
        .await
        .expect_err("a count above any village");
    assert_eq!(
        said(status).1,
        "paling banyak 10.000.000, lebih dari jumlah di desa mana pun; yang diberikan 20.000.000"
    );
    let status = h
        .client
        .record_activations(one(report(BEDENG_SS, 1, &future, office)))
        .await
        .expect_err("a future date");
    let (_, message) = said(status);
    let in_three_days = jemput_base::format::date(
        Utc::now().date_naive() + Days::new(3),
        jemput_base::format::Lang::Id,
    );
    assert!(
        message.starts_with(&format!("{in_three_days} masih di masa depan")),
        "{message}"
    );
    let mut unknown_channel = report(BEDENG_SS, 1, "2025-01-10", office);
    unknown_channel.channel = 42;
    assert_invalid(
        h.client.record_activations(one(unknown_channel)).await,
        &["reports[0].channel"],
    );
    assert_invalid(
        h.client
            .record_activations(batch("", vec![report(BEDENG_SS, 1, "2025-01-10", office)]))
            .await,
        &["request_id"],
    );
    assert_invalid(
        h.client.record_activations(batch("bad-2", vec![])).await,
        &["reports"],
    );
    let everything = batch(
        "bad-3",
        vec![
            report(BEDENG_SS, 1, "2025-01-10", office),
            report(CURUP, 0, "yesterday", pb::Channel::Unspecified),
            report(DUSUN_BARU, 2, "2025-01-10", office),
            report("regions/17.02.06.9999", 1, &future, office),
        ],
    );
    assert_invalid(
        h.client.record_activations(everything).await,
        &[
            "reports[1].region",
            "reports[1].count",
            "reports[1].activation_date",
            "reports[1].channel",
            "reports[3].region",
            "reports[3].activation_date",
        ],
    );

    // Targets.
    let target = |region: &str, target_fraction: f64| pb::SetTargetRequest {
        region: region.into(),
        target_fraction,
    };
    for fraction in [0.0, 1.5, -0.1, f64::NAN, f64::INFINITY] {
        assert_invalid(
            h.client.set_target(target(DISTRICT, fraction)).await,
            &["target_fraction"],
        );
    }
    assert_invalid(
        h.client.set_target(target("regions/1", 0.5)).await,
        &["region"],
    );
    let missing = h
        .client
        .set_target(target("regions/17.03", 0.5))
        .await
        .expect_err("unknown");
    assert_eq!(missing.code(), Code::NotFound);

    // Summaries.
    let summarize = |start_date: &str, end_date: &str| pb::SummarizeActivationsRequest {
        parent: DISTRICT.into(),
        start_date: start_date.into(),
        end_date: end_date.into(),
    };
    assert_invalid(
        h.client
            .summarize_activations(summarize("2025-1-1", ""))
            .await,
        &["start_date"],
    );
    assert_invalid(
        h.client
            .summarize_activations(summarize("", "2025-02-30"))
            .await,
        &["end_date"],
    );
    assert_invalid(
        h.client
            .summarize_activations(summarize("2025-02-01", "2025-01-01"))
            .await,
        &["start_date"],
    );

    assert_eq!(h.villages().await, villages_before, "no village changed");
    assert_eq!(
        h.gap(DISTRICT).await,
        district_before,
        "nor the district target"
    );
}

async fn targets_are_inherited_from_the_nearest_ancestor(mut h: Harness) {
    let target = |region: &str, target_fraction: f64| pb::SetTargetRequest {
        region: region.into(),
        target_fraction,
    };
    let curup = h
        .client
        .set_target(target(CURUP, 0.5))
        .await
        .expect("set Curup")
        .into_inner();
    assert_eq!(
        (curup.target_fraction, curup.target_source.as_str()),
        (0.5, CURUP)
    );
    assert_eq!(curup.target_count, (curup.ktp_el_recorded + 1) / 2);

    let curup_villages = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: CURUP.into(),
            ..Default::default()
        })
        .await
        .expect("Curup's villages")
        .into_inner()
        .gaps;
    assert_eq!(curup_villages.len(), 9);
    assert!(
        curup_villages
            .iter()
            .all(|g| g.target_fraction == 0.5 && g.target_source == CURUP)
    );

    let padang = h.gap(KOTA_PADANG).await;
    assert_eq!(
        (padang.target_fraction, padang.target_source.as_str()),
        (0.30, DISTRICT)
    );

    let district = h
        .client
        .set_target(target(DISTRICT, 0.4))
        .await
        .expect("set district")
        .into_inner();
    assert_eq!(district.target_fraction, 0.4);
    assert_eq!(district.target_count, 81_128);
    assert_eq!(
        h.gap(CURUP).await.target_fraction,
        0.5,
        "its own target wins"
    );
    assert_eq!(h.gap(KOTA_PADANG).await.target_fraction, 0.4);
    assert_eq!(h.gap(BEDENG_SS).await.target_source, DISTRICT);

    let village = h
        .client
        .set_target(target(BEDENG_SS, 1.0))
        .await
        .expect("set a village")
        .into_inner();
    assert_eq!((village.target_count, village.gap), (480, 479));
}

async fn imports_report_every_bad_row_and_apply_all_or_nothing(mut h: Harness) {
    let before = h.villages().await;
    let row = |region: &str, ktp_el_recorded: i64, ikd_activated: i64| pb::VillageCounts {
        region: region.into(),
        ktp_el_recorded,
        ikd_activated,
    };
    let bad = pb::ImportRegionsRequest {
        request_id: "import-1".into(),
        counts: vec![
            row(BEDENG_SS, 500, 20),
            row("regions/17.02.06.9999", 10, 1),
            row(KOTA_PADANG, 10, 1),
            row(DUSUN_BARU, -1, 0),
            row("regions/17.02.06.2001", 600, 601),
            row(BEDENG_SS, 500, 20),
            row("regions/17.02.06.1004", 10, -2),
        ],
        validate_only: false,
    };
    assert_invalid(
        h.client.import_regions(bad).await,
        &[
            "counts[1].region",
            "counts[2].region",
            "counts[3].ktp_el_recorded",
            "counts[4].ikd_activated",
            "counts[5].region",
            "counts[6].ikd_activated",
        ],
    );
    assert_eq!(h.villages().await, before);

    let good = pb::ImportRegionsRequest {
        request_id: "import-2".into(),
        counts: vec![row(BEDENG_SS, 500, 20), row(DUSUN_BARU, 1200, 100)],
        validate_only: true,
    };
    let dry = h
        .client
        .import_regions(good.clone())
        .await
        .expect("validate only")
        .into_inner();
    let would = dry.district_gap.expect("district gap");
    assert_eq!(dry.updated, 2);
    assert_eq!(
        (would.ktp_el_recorded, would.ikd_activated),
        (202_820 + 20 + 60, 10_425 + 19 + 98)
    );
    assert_eq!(h.villages().await, before, "validate_only changes nothing");

    let applied = pb::ImportRegionsRequest {
        validate_only: false,
        ..good
    };
    let first = h
        .client
        .import_regions(applied.clone())
        .await
        .expect("import")
        .into_inner();
    let after = first.district_gap.clone().expect("district gap");
    assert_eq!(
        (after.ktp_el_recorded, after.ikd_activated, after.gap),
        (would.ktp_el_recorded, would.ikd_activated, would.gap)
    );
    let bedeng = h.gap(BEDENG_SS).await;
    assert_eq!((bedeng.ktp_el_recorded, bedeng.ikd_activated), (500, 20));
    let retry = h
        .client
        .import_regions(applied)
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(retry, first);
    assert_eq!(h.gap(DISTRICT).await.ikd_activated, 10_425 + 19 + 98);

    assert_invalid(
        h.client
            .import_regions(pb::ImportRegionsRequest {
                request_id: String::new(),
                counts: vec![],
                validate_only: false,
            })
            .await,
        &["request_id", "counts"],
    );
}

async fn summaries_sum_the_ledger_by_village_and_channel(mut h: Harness) {
    let reports = vec![
        report(BEDENG_SS, 5, "2025-01-10", pb::Channel::MobileTeam),
        report(BEDENG_SS, 2, "2025-01-20", pb::Channel::Office),
        report(DUSUN_BARU, 4, "2025-02-01", pb::Channel::MobileTeam),
        report(CURUP_VILLAGE, 9, "2025-01-15", pb::Channel::Office),
    ];
    h.client
        .record_activations(batch("sum-1", reports))
        .await
        .expect("record");
    let summarize =
        |parent: &str, start_date: &str, end_date: &str| pb::SummarizeActivationsRequest {
            parent: parent.into(),
            start_date: start_date.into(),
            end_date: end_date.into(),
        };

    let all = h
        .client
        .summarize_activations(summarize(DISTRICT, "", ""))
        .await
        .expect("all")
        .into_inner();
    assert_eq!(all.total, 20);
    let rows: Vec<(&str, i64, i64, i64)> = all
        .villages
        .iter()
        .map(|v| (v.region.as_str(), v.office, v.mobile_team, v.total))
        .collect();
    assert_eq!(
        rows,
        [
            (BEDENG_SS, 2, 5, 7),
            (DUSUN_BARU, 0, 4, 4),
            (CURUP_VILLAGE, 9, 0, 9)
        ]
    );

    let padang = h
        .client
        .summarize_activations(summarize(KOTA_PADANG, "", ""))
        .await
        .expect("one kecamatan")
        .into_inner();
    assert_eq!((padang.villages.len(), padang.total), (2, 11));

    let january = h
        .client
        .summarize_activations(summarize(DISTRICT, "2025-01-10", "2025-01-15"))
        .await
        .expect("a range, both ends included")
        .into_inner();
    assert_eq!(january.total, 14);

    let empty = h
        .client
        .summarize_activations(summarize(DISTRICT, "2024-01-01", "2024-12-31"))
        .await
        .expect("an empty range")
        .into_inner();
    assert!(empty.villages.is_empty() && empty.total == 0);
}

/// A wrongly recorded count (400 typed for 40) is corrected by a correcting
/// entry: every total goes back to exactly what it was before the mistake
/// plus the right count, the ledger lists both entries, the summary follows,
/// a retry applies once, and bad or pointless corrections change nothing.
async fn a_correction_restores_the_totals_and_the_ledger_keeps_both(mut h: Harness) {
    let before = (
        h.gap(BEDENG_SS).await,
        h.gap(KOTA_PADANG).await,
        h.gap(DISTRICT).await,
    );
    h.client
        .record_activations(batch(
            "typo",
            vec![
                report(BEDENG_SS, 400, "2025-03-03", pb::Channel::MobileTeam),
                report(DUSUN_BARU, 12, "2025-03-03", pb::Channel::MobileTeam),
            ],
        ))
        .await
        .expect("the batch with the typo");
    assert_eq!(
        h.gap(BEDENG_SS).await.ikd_activated,
        before.0.ikd_activated + 400
    );
    let ledger = |h: &mut Harness, parent: &str| {
        let request = pb::ListActivationsRequest {
            parent: parent.into(),
            ..Default::default()
        };
        let mut client = h.client.clone();
        async move {
            client
                .list_activations(request)
                .await
                .expect("the ledger")
                .into_inner()
                .activations
        }
    };
    let entries = ledger(&mut h, BEDENG_SS).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let wrong = entries[0].clone();
    assert_eq!((wrong.count, wrong.corrected_count), (400, 400));

    // Bad corrections are named and change nothing.
    let correct = |activation: &str, corrected_count: i64, reason: &str, request_id: &str| {
        pb::CorrectActivationRequest {
            request_id: request_id.into(),
            activation: activation.into(),
            corrected_count,
            reason: reason.into(),
        }
    };
    assert_invalid(
        h.client
            .correct_activation(correct("activations/x", -1, " ", ""))
            .await,
        &["request_id", "activation", "corrected_count", "reason"],
    );
    let missing = h
        .client
        .correct_activation(correct("activations/999999", 40, "typo", "c-missing"))
        .await
        .expect_err("no such entry");
    assert_eq!(missing.code(), Code::NotFound);
    let unchanged = h
        .client
        .correct_activation(correct(&wrong.name, 400, "no change", "c-same"))
        .await
        .expect_err("a correction that changes nothing");
    assert_eq!(unchanged.code(), Code::FailedPrecondition);
    let too_many = h
        .client
        .correct_activation(correct(&wrong.name, 480, "above KTP-el", "c-over"))
        .await
        .expect_err("above the village's recorded KTP-el");
    assert_eq!(too_many.code(), Code::FailedPrecondition);
    assert_eq!(
        h.gap(BEDENG_SS).await.ikd_activated,
        before.0.ikd_activated + 400
    );

    // The correction: 40, not 400.
    let request = correct(&wrong.name, 40, "typed 400 for 40", "c-1");
    let corrected = h
        .client
        .correct_activation(request.clone())
        .await
        .expect("the correction")
        .into_inner();
    let correction = corrected.correction.clone().expect("the correcting entry");
    assert_eq!(
        (
            correction.count,
            correction.corrects.as_str(),
            correction.reason.as_str(),
            correction.region.as_str(),
            correction.activation_date.as_str()
        ),
        (
            -360,
            wrong.name.as_str(),
            "typed 400 for 40",
            BEDENG_SS,
            "2025-03-03"
        )
    );
    let retried = h
        .client
        .correct_activation(request)
        .await
        .expect("a retried correction")
        .into_inner();
    assert_eq!(retried, corrected, "a retry gets the same answer");

    let after = (
        h.gap(BEDENG_SS).await,
        h.gap(KOTA_PADANG).await,
        h.gap(DISTRICT).await,
    );
    for (was, now) in [
        (&before.0, &after.0),
        (&before.1, &after.1),
        (&before.2, &after.2),
    ] {
        let dusun_baru = if now.region == BEDENG_SS { 0 } else { 12 };
        assert_eq!(
            (now.ikd_activated, now.gap),
            (
                was.ikd_activated + 40 + dusun_baru,
                (was.gap - 40 - dusun_baru).max(0)
            ),
            "{}",
            now.region
        );
    }
    assert_eq!(
        corrected.district_gap.expect("district gap").ikd_activated,
        after.2.ikd_activated
    );

    // The ledger keeps both, newest first; the original says what it counts now.
    let entries = ledger(&mut h, BEDENG_SS).await;
    let rows: Vec<(i64, i64, &str)> = entries
        .iter()
        .map(|e| (e.count, e.corrected_count, e.corrects.as_str()))
        .collect();
    assert_eq!(rows, [(-360, 0, wrong.name.as_str()), (400, 40, "")]);
    let district = ledger(&mut h, DISTRICT).await;
    assert_eq!(
        district.len(),
        3,
        "both villages' entries and the correction"
    );
    let summary = h
        .client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: KOTA_PADANG.into(),
            ..Default::default()
        })
        .await
        .expect("summary")
        .into_inner();
    assert_eq!(summary.total, 52, "the summary counts the corrected 40");

    // A correction itself is not corrected; its entry is.
    assert_invalid(
        h.client
            .correct_activation(correct(&correction.name, 1, "again", "c-2"))
            .await,
        &["activation"],
    );
    // Withdrawing the entry altogether brings the village back to the seed.
    h.client
        .correct_activation(correct(
            &wrong.name,
            0,
            "recorded in the wrong village",
            "c-3",
        ))
        .await
        .expect("a withdrawal");
    assert_eq!(h.gap(BEDENG_SS).await.ikd_activated, before.0.ikd_activated);
}

/// Numbers that would wrap a sum, text a database cannot store or a client
/// cannot take back, and dates before IKD existed: each is refused by field,
/// the same way on both engines, and the ledger keeps working.
async fn hostile_numbers_and_text_change_nothing(mut h: Harness) {
    let villages_before = h.villages().await;
    let district_before = h.gap(DISTRICT).await;
    let mobile = pb::Channel::MobileTeam;
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();

    // Two reports of i64::MAX and one of 3 for one village: their sum wraps
    // to +1 in a release build unless it is refused before it is taken.
    let overflow = vec![
        report(BEDENG_SS, i64::MAX, &today, mobile),
        report(BEDENG_SS, i64::MAX, &today, mobile),
        report(BEDENG_SS, 3, &today, mobile),
    ];
    assert_invalid(
        h.client.record_activations(batch("wrap-1", overflow)).await,
        &["reports[0].count", "reports[1].count"],
    );

    let mut nul_team = report(BEDENG_SS, 1, &today, mobile);
    nul_team.team = "Tim\0 1".into();
    assert_invalid(
        h.client
            .record_activations(batch("nul-team", vec![nul_team]))
            .await,
        &["reports[0].team"],
    );
    assert_invalid(
        h.client
            .record_activations(batch("nul\0id", vec![report(BEDENG_SS, 1, &today, mobile)]))
            .await,
        &["request_id"],
    );
    assert_invalid(
        h.client
            .record_activations(batch(
                "year-1",
                vec![
                    report(BEDENG_SS, 1, "0001-01-01", mobile),
                    report(BEDENG_SS, 1, "2022-12-31", mobile),
                ],
            ))
            .await,
        &["reports[0].activation_date", "reports[1].activation_date"],
    );

    let import = |recorded: i64, activated: i64| pb::ImportRegionsRequest {
        request_id: format!("import-{recorded}-{activated}"),
        counts: vec![pb::VillageCounts {
            region: BEDENG_SS.into(),
            ktp_el_recorded: recorded,
            ikd_activated: activated,
        }],
        validate_only: false,
    };
    assert_invalid(
        h.client.import_regions(import(i64::MAX, 1)).await,
        &["counts[0].ktp_el_recorded"],
    );
    assert_invalid(
        h.client.import_regions(import(i64::MAX, i64::MAX)).await,
        &["counts[0].ktp_el_recorded", "counts[0].ikd_activated"],
    );

    // A megabyte of name is refused with a short answer, not echoed back.
    let huge = format!("regions/{}", "9".repeat(1 << 20));
    let status = h
        .client
        .get_region(pb::GetRegionRequest {
            name: huge,
            view: 0,
        })
        .await
        .expect_err("a huge name");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let echoed = status.message().len()
        + status.get_error_details().bad_request().map_or(0, |b| {
            b.field_violations.iter().map(|v| v.description.len()).sum()
        });
    assert!(echoed < 1000, "the answer repeats {echoed} bytes");

    assert_eq!(h.villages().await, villages_before);
    assert_eq!(h.gap(DISTRICT).await, district_before);
    let summary = h
        .client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            start_date: String::new(),
            end_date: String::new(),
        })
        .await
        .expect("the ledger still sums")
        .into_inner();
    assert_eq!(summary.total, 0);
    // And a sound batch still lands.
    h.client
        .record_activations(batch("after", vec![report(BEDENG_SS, 3, &today, mobile)]))
        .await
        .expect("a sound batch");
    assert_eq!(h.gap(BEDENG_SS).await.ikd_activated, 4);
}

/// The next gap on a watch, waiting at most 10 s.
async fn next(stream: &mut tonic::Streaming<pb::EnrollmentGap>) -> pb::EnrollmentGap {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("a gap within 10 s")
        .expect("the stream goes on")
        .expect("a gap, not an error")
}

async fn watchers_get_the_gap_then_each_change(mut h: Harness) {
    let mut padang = h
        .client
        .watch_enrollment_gaps(pb::WatchEnrollmentGapsRequest {
            region: KOTA_PADANG.into(),
        })
        .await
        .expect("watch")
        .into_inner();
    let first = next(&mut padang).await;
    assert_eq!(first, h.gap(KOTA_PADANG).await);

    // A change elsewhere is not news for Kota Padang; the next message must
    // be the batch below.
    h.client
        .record_activations(batch(
            "watch-0",
            vec![report(CURUP_VILLAGE, 1, "2025-01-10", pb::Channel::Office)],
        ))
        .await
        .expect("record elsewhere");
    h.client
        .record_activations(batch(
            "watch-1",
            vec![report(BEDENG_SS, 6, "2025-01-10", pb::Channel::MobileTeam)],
        ))
        .await
        .expect("record");
    let second = next(&mut padang).await;
    assert_eq!(second.ikd_activated, first.ikd_activated + 6);
    assert_eq!(second.gap, first.gap - 6);

    h.client
        .set_target(pb::SetTargetRequest {
            region: DISTRICT.into(),
            target_fraction: 0.5,
        })
        .await
        .expect("a district target reaches Kota Padang");
    let third = next(&mut padang).await;
    assert_eq!(third.target_fraction, 0.5);

    // Shutting down ends open watches, so draining finishes.
    tokio::time::timeout(Duration::from_secs(10), h.shutdown())
        .await
        .expect("shutdown completes with a watch open");
}

async fn health_and_reflection_are_served(h: Harness) {
    let channel = h.channel().await;
    let mut health = HealthClient::new(channel.clone());
    for service in ["jemput.registry.v1.RegistryService", ""] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap_or_else(|s| panic!("health of {service:?}: {s:?}"))
            .into_inner()
            .status;
        assert_eq!(status, i32::from(ServingStatus::Serving), "{service:?}");
    }

    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .next()
        .await
        .expect("one answer")
        .expect("not an error");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("expected a service list, got {response:?}");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names
            .iter()
            .any(|n| n == "jemput.registry.v1.RegistryService"),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("jemput.optimizer")),
        "{names:?}"
    );
}
