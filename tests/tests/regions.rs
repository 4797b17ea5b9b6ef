//! A province from the national list across both services: `jemput regions
//! add 17` adds Bengkulu's districts, a district without counts is listed
//! as such and planning it is FAILED_PRECONDITION, and once counts are
//! imported for two of the added districts (`jemput import`, generated
//! counts) and one's office is set (`jemput district set`), that one plans,
//! from its office, and the plan validates; the province's total is the sum
//! of its three districts with counts (the seeded one and the two imported),
//! and one province budget is split between those three (`AllocateBudget`).
//! On PostgreSQL, an activation recorded through a second registry replica
//! on the same database reaches watchers of the district and the province
//! on the first.

use jemput::{
    cli::{DistrictSetArgs, GapOrder, GapsArgs, ImportArgs, RegionsAddArgs},
    commands,
    output::Report,
};
use jemput_e2e::{AuthChannel, DISTRICT, Running, RunningOptimizer, TestDb, on_each_database};
use jemput_optimizer::convert::validate_wire_plan;
use jemput_optimizer::registry::Registry;
use jemput_proto::optimizer as pb;
use jemput_proto::registry as rpb;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use std::time::Duration;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic_types::StatusExt;

on_each_database! {
    province_to_plan => a_province_added_plans_a_district_once_it_has_counts;
}

const BENGKULU: &str = "regions/17";
const LEBONG: &str = "regions/17.07";
const KEPAHIANG: &str = "regions/17.08";
/// The second added district given counts: the smallest of the province,
/// so the budget split has little more to plan.
const KOTA_BENGKULU: &str = "regions/17.71";
/// Generous: a notice from another replica normally arrives in milliseconds.
const WAIT: Duration = Duration::from_secs(20);
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

/// Imports [`generated_export`] counts for every village of `district`
/// (there must be `villages` of them) as `jemput import` does; returns them.
async fn import_generated_counts(
    cli: &mut jemput::client::Registry,
    client: &mut RegistryServiceClient<AuthChannel>,
    district: &str,
    villages: usize,
) -> Vec<rpb::Region> {
    let listed = client
        .list_regions(rpb::ListRegionsRequest {
            parent: district.into(),
            level: rpb::RegionLevel::Village.into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("the district's villages")
        .into_inner()
        .regions;
    assert_eq!(listed.len(), villages, "{district}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("generated-counts.csv");
    std::fs::write(&file, generated_export(&listed)).unwrap();
    let imported = commands::import::run(
        cli,
        &ImportArgs {
            file,
            dry_run: false,
            allow_decrease: false,
            request_id: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("import {district}'s counts: {e:?}"));
    assert_eq!(
        usize::try_from(imported.updated),
        Ok(villages),
        "{district}"
    );
    listed
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

    // jemput import (generated counts) for two districts, and jemput
    // district set for one of them.
    let mut client = registry.client().await;
    let villages = import_generated_counts(&mut cli, &mut client, KEPAHIANG, 117).await;
    import_generated_counts(&mut cli, &mut client, KOTA_BENGKULU, 67).await;
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

    // The province's total is the sum of its three districts with counts.
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
    let province = gap(BENGKULU).await;
    let districts = [
        gap(DISTRICT).await,
        gap(KEPAHIANG).await,
        gap(KOTA_BENGKULU).await,
    ];
    assert!(province.counts_missing);
    // 66 × 800 + 1200 recorded and 66 × 40 + 60 activated in Kota Bengkulu.
    assert_eq!(
        (districts[2].ktp_el_recorded, districts[2].ikd_activated),
        (54_000, 2_700)
    );
    assert_eq!(
        province.ktp_el_recorded,
        districts.iter().map(|d| d.ktp_el_recorded).sum::<i64>()
    );
    assert_eq!(
        province.ikd_activated,
        districts.iter().map(|d| d.ikd_activated).sum::<i64>()
    );

    // One budget for the province: the three districts with counts share
    // it, the other seven are named as having none yet; each share is a
    // plan that validates and reaches the target on the day reported.
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
                // Room for every district's curve to start on a busy
                // machine (out of time, districts not started are left out).
                time_limit_seconds: Some(60.0),
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
        [DISTRICT, KEPAHIANG, KOTA_BENGKULU]
    );
    assert_eq!(split.districts_without_counts.len(), 7);
    assert!(split.districts_without_counts.contains(&LEBONG.to_string()));
    assert!(split.allocated_rupiah <= total);
    assert_eq!(
        split.allocated_rupiah,
        split.shares.iter().map(|s| s.budget_rupiah).sum::<i64>()
    );
    assert!(split.districts_reaching_target >= 1, "{split:?}");
    assert!(split.districts_reaching_target <= split.districts_reaching_target_upper_bound);
    for share in &split.shares {
        let plan = planner
            .create_plan(pb::CreatePlanRequest {
                region: share.district.clone(),
                parameters: Some(pb::PlanParameters {
                    budget_rupiah: share.budget_rupiah,
                    teams: Some(4),
                    deadline: deadline.clone(),
                    // The split's time: a share at its threshold reaches the
                    // target only with candidates that a busy machine would
                    // skip under the default 20 s.
                    time_limit_seconds: Some(60.0),
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
        // A solve given all the time it wants may do better than the split,
        // whose time is shared by three districts' curves: a share said to
        // reach the target does so by the day reported, one said not to may
        // still reach it here.
        if share.reaches_target {
            assert!(summary.reaches_target, "{share:?}");
            assert!(summary.target_date <= share.target_date, "{share:?}");
            assert!(share.target_date <= deadline);
            assert!(
                share.minimum_budget_lower_bound_rupiah.unwrap_or(i64::MAX) <= share.budget_rupiah
            );
        }
    }

    // A second replica on the same database: an activation recorded through
    // it reaches watchers on the first. Only on PostgreSQL, whose notices
    // carry changes between processes; an SQLite file has one process.
    if registry.on_postgres() {
        let (replica, replica_server) = registry.start_replica().await;
        let watch = |region: &'static str| {
            let mut client = client.clone();
            async move {
                client
                    .watch_enrollment_gaps(rpb::WatchEnrollmentGapsRequest {
                        region: region.into(),
                    })
                    .await
                    .expect("a watch")
                    .into_inner()
            }
        };
        let (mut province_watch, mut kepahiang_watch) =
            (watch(BENGKULU).await, watch(KEPAHIANG).await);
        // The first message of a watch is the current gap.
        let province_before = province_watch.next().await.unwrap().unwrap();
        let kepahiang_before = kepahiang_watch.next().await.unwrap().unwrap();

        let mut on_replica = RegistryServiceClient::new(
            jemput_e2e::authed_channel(&format!("http://{replica}"), &registry.admin).await,
        );
        let village = villages[0].name.clone();
        on_replica
            .record_activations(rpb::RecordActivationsRequest {
                request_id: "regions-replica-1".into(),
                reports: vec![rpb::ActivationReport {
                    region: village,
                    count: 25,
                    activation_date: "2025-03-03".into(),
                    channel: rpb::Channel::MobileTeam.into(),
                    team: "Tim 1".into(),
                }],
            })
            .await
            .expect("an activation through the second replica");
        for (watcher, before) in [
            (&mut province_watch, &province_before),
            (&mut kepahiang_watch, &kepahiang_before),
        ] {
            let next = tokio::time::timeout(WAIT, watcher.next())
                .await
                .unwrap_or_else(|_| panic!("{} hears the other replica's write", before.region))
                .unwrap()
                .unwrap();
            assert_eq!(
                next.ikd_activated,
                before.ikd_activated + 25,
                "{}",
                before.region
            );
        }
        drop((province_watch, kepahiang_watch));
        replica_server
            .shutdown()
            .await
            .expect("the replica stops cleanly");
    }

    optimizer.stop().await;
    registry.stop().await;
}
