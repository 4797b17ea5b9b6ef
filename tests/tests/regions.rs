//! A province from the national list across both services: `jemput regions
//! add 17` adds Bengkulu's districts, a district without counts is listed
//! as such and planning it is FAILED_PRECONDITION, and once a second
//! district's counts are imported (`jemput import`, generated counts) and
//! its office set (`jemput district set`), it plans, from that office; the
//! province's total is its districts' sum, and one province budget is split
//! between the two districts with counts (`AllocateBudget`).

use jemput::{
    cli::{DistrictSetArgs, GapOrder, GapsArgs, ImportArgs, RegionsAddArgs},
    commands,
    output::Report,
};
use jemput_e2e::{DISTRICT, Running, RunningOptimizer, TestDb, on_each_database};
use jemput_optimizer::convert::validate_wire_plan;
use jemput_optimizer::registry::Registry;
use jemput_proto::optimizer as pb;
use jemput_proto::registry as rpb;
use tonic::Code;
use tonic_types::StatusExt;

on_each_database! {
    province_to_plan => a_province_added_plans_a_district_once_it_has_counts;
}

const BENGKULU: &str = "regions/17";
const LEBONG: &str = "regions/17.07";
const KEPAHIANG: &str = "regions/17.08";
/// Kepahiang's Dukcapil office, in the town of Kepahiang (an example point;
/// the district's own point is its outline's centroid, elsewhere).
const KEPAHIANG_OFFICE: (f64, f64) = (-3.6476, 102.5888);

fn plan_request(region: &str) -> pb::CreatePlanRequest {
    pb::CreatePlanRequest {
        region: region.into(),
        parameters: Some(pb::PlanParameters {
            budget_rupiah: 250_000_000,
            teams: Some(4),
            time_limit_seconds: Some(10.0),
            ..Default::default()
        }),
        request_id: String::new(),
    }
}

/// GENERATED counts, for this test only (no Dukcapil data): every village
/// of the district gets 800 recorded KTP-el and 40 activated IKD, the
/// first village a little more, written as a Dukcapil-style export.
fn generated_export(villages: &[rpb::Region]) -> String {
    let mut csv = String::from("kode_desa,jumlah_rekam_ktp_el,jumlah_ikd\n");
    for (i, village) in villages.iter().enumerate() {
        let code = village.name.trim_start_matches("regions/");
        let (recorded, activated) = if i == 0 { (1200, 60) } else { (800, 40) };
        csv.push_str(&format!("{code},{recorded},{activated}\n"));
    }
    csv
}

async fn a_province_added_plans_a_district_once_it_has_counts(db: TestDb) {
    let registry = Running::start(db).await;
    let optimizer = RunningOptimizer::start(&registry).await;
    let mut cli = registry.registry().await;

    // jemput regions add 17
    let added = commands::regions::add(
        &mut cli,
        &RegionsAddArgs {
            regions: vec![BENGKULU.into()],
            request_id: None,
        },
    )
    .await
    .expect("add Bengkulu");
    assert_eq!(
        (added.districts_added, added.villages_added),
        (9, 1513 - 156)
    );
    assert_eq!(added.districts_kept, [DISTRICT]);
    assert!(
        added.to_human().contains("Added 9 districts"),
        "{}",
        added.to_human()
    );

    // jemput gaps 17: Lebong has no counts yet, and says so.
    let gaps = commands::gaps::run(
        &mut cli,
        &GapsArgs {
            region: Some(BENGKULU.into()),
            order: GapOrder::Code,
        },
    )
    .await
    .expect("gaps of Bengkulu");
    let lebong = gaps
        .children
        .iter()
        .find(|row| row.region == LEBONG)
        .expect("Lebong is listed");
    assert!(lebong.counts_missing);
    let text = gaps.to_human();
    assert!(text.contains("Kabupaten Lebong (no counts yet)"), "{text}");

    // Planning it is refused, naming the district.
    let mut planner = optimizer.client().await;
    let status = planner
        .create_plan(plan_request(LEBONG))
        .await
        .expect_err("no counts yet");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains("no counts yet"), "{status:?}");
    assert!(status.message().contains("17.07"), "{status:?}");
    let violation = status
        .get_error_details()
        .precondition_failure()
        .and_then(|p| p.violations.first().cloned())
        .expect("a precondition violation");
    assert_eq!(violation.r#type, "NO_COUNTS_YET");

    // jemput import (generated counts) and jemput district set.
    let mut client = registry.client().await;
    let villages = client
        .list_regions(rpb::ListRegionsRequest {
            parent: KEPAHIANG.into(),
            level: rpb::RegionLevel::Village.into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("Kepahiang's villages")
        .into_inner()
        .regions;
    assert_eq!(villages.len(), 117);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("generated-counts-kepahiang.csv");
    std::fs::write(&file, generated_export(&villages)).unwrap();
    let imported = commands::import::run(
        &mut cli,
        &ImportArgs {
            file,
            dry_run: false,
            allow_decrease: false,
            request_id: None,
        },
    )
    .await
    .expect("import Kepahiang's counts");
    assert_eq!(imported.updated, 117);
    let district = commands::regions::set_district(
        &mut cli,
        &DistrictSetArgs {
            district: KEPAHIANG.into(),
            office_lat: Some(KEPAHIANG_OFFICE.0),
            office_lon: Some(KEPAHIANG_OFFICE.1),
            target: Some(0.30),
            request_id: None,
        },
    )
    .await
    .expect("set Kepahiang's office");
    assert!(district.office_set);
    assert!(district.to_human().contains("office  -3,6476, 102,5888"));

    // Kepahiang plans now, from its office; Lebong is still refused.
    let plan = planner
        .create_plan(plan_request(KEPAHIANG))
        .await
        .expect("a plan for Kepahiang")
        .into_inner();
    let parameters = plan.parameters.clone().expect("parameters");
    assert_eq!(
        (parameters.base_latitude, parameters.base_longitude),
        (Some(KEPAHIANG_OFFICE.0), Some(KEPAHIANG_OFFICE.1)),
        "teams start at the district's office"
    );
    let summary = plan.summary.clone().expect("a summary");
    // 116 × 800 + 1200 recorded: 94.000; 30% is 28.200.
    assert_eq!(summary.target_count, 28_200);
    assert!(summary.reaches_target, "{}", summary.message);
    assert!(
        plan.teams
            .iter()
            .flat_map(|t| &t.days)
            .flat_map(|d| &d.stops)
            .all(|s| s.region.starts_with("regions/17.08.")),
        "every stop is in Kepahiang"
    );
    let kepahiang = Registry::new(&registry.url(), None)
        .unwrap()
        .district(KEPAHIANG, "region", &registry.admin)
        .await
        .expect("Kepahiang as the optimizer reads it");
    assert_eq!((kepahiang.latitude, kepahiang.longitude), KEPAHIANG_OFFICE);
    validate_wire_plan(&plan, &kepahiang).unwrap_or_else(|e| panic!("invalid plan: {e:#?}"));
    let status = planner
        .create_plan(plan_request(LEBONG))
        .await
        .expect_err("still no counts");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");

    // The province's total is the sum of its districts that have counts.
    let gap = |region: &'static str| {
        let mut client = client.clone();
        async move {
            client
                .get_enrollment_gap(rpb::GetEnrollmentGapRequest {
                    region: region.into(),
                })
                .await
                .expect("a gap")
                .into_inner()
        }
    };
    let (province, rejang_lebong, kepahiang_gap) = (
        gap(BENGKULU).await,
        gap(DISTRICT).await,
        gap(KEPAHIANG).await,
    );
    assert!(province.counts_missing);
    assert_eq!(
        province.ktp_el_recorded,
        rejang_lebong.ktp_el_recorded + kepahiang_gap.ktp_el_recorded
    );
    assert_eq!(
        province.ikd_activated,
        rejang_lebong.ikd_activated + kepahiang_gap.ikd_activated
    );

    // One budget for the province: the two districts with counts share it,
    // the other eight are named as having none yet; each share is a plan
    // that validates and reaches the target on the day reported.
    let deadline = (jemput_optimizer::convert::today_in_district() + chrono::Days::new(215))
        .max(chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap())
        .to_string();
    let total = 150_000_000;
    let split = planner
        .allocate_budget(pb::AllocateBudgetRequest {
            parent: BENGKULU.into(),
            total_budget_rupiah: total,
            deadline: deadline.clone(),
            parameters: Some(pb::PlanParameters {
                teams: Some(4),
                ..Default::default()
            }),
        })
        .await
        .expect("a split")
        .into_inner();
    assert_eq!(
        split
            .shares
            .iter()
            .map(|s| s.district.as_str())
            .collect::<Vec<_>>(),
        [DISTRICT, KEPAHIANG]
    );
    assert_eq!(split.districts_without_counts.len(), 8);
    assert!(split.districts_without_counts.contains(&LEBONG.to_string()));
    assert!(split.allocated_rupiah <= total);
    assert_eq!(
        split.allocated_rupiah,
        split.shares.iter().map(|s| s.budget_rupiah).sum::<i64>()
    );
    assert!(split.districts_reaching_target >= 1);
    assert!(split.districts_reaching_target <= split.districts_reaching_target_upper_bound);
    for share in &split.shares {
        let plan = planner
            .create_plan(pb::CreatePlanRequest {
                region: share.district.clone(),
                parameters: Some(pb::PlanParameters {
                    budget_rupiah: share.budget_rupiah,
                    teams: Some(4),
                    deadline: deadline.clone(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .expect("the share's plan")
            .into_inner();
        let district = Registry::new(&registry.url(), None)
            .unwrap()
            .district(&share.district, "region", &registry.admin)
            .await
            .expect("the district");
        validate_wire_plan(&plan, &district).unwrap_or_else(|e| panic!("invalid plan: {e:#?}"));
        let summary = plan.summary.expect("a summary");
        assert_eq!(summary.reaches_target, share.reaches_target, "{share:?}");
        if share.reaches_target {
            // Reaches the target by the day reported (a solve given all the
            // time it wants may find a faster plan than the split had time for).
            assert!(summary.target_date <= share.target_date, "{share:?}");
            assert!(share.target_date <= deadline);
            assert!(
                share.minimum_budget_lower_bound_rupiah.unwrap_or(i64::MAX) <= share.budget_rupiah
            );
        }
    }

    optimizer.stop().await;
    registry.stop().await;
}
