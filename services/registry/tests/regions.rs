//! Adding provinces and districts from the national list, over real gRPC on
//! both engines: Bengkulu's ten districts with every kecamatan and village,
//! Rejang Lebong's counts and ledger untouched, retries applied once, bad
//! input naming its field and changing nothing, districts without counts
//! said to be so until their counts are imported, each district's own
//! office and target, the nation (`regions/ID`) above every province, and
//! a province's and the nation's gap as their districts' shortfalls summed.

mod common;

use chrono::Utc;
use common::{DISTRICT, Harness, assert_invalid, batch, report};
use jemput_proto::{auth as apb, registry as pb};
use tonic::Code;
use tonic_types::StatusExt;

const BENGKULU: &str = "regions/17";
/// Kabupaten Lebong: 12 kecamatan, 104 villages in the national list.
const LEBONG: &str = "regions/17.07";
/// Kabupaten Kepahiang: 8 kecamatan, 117 villages.
const KEPAHIANG: &str = "regions/17.08";
/// Bedeng SS, Kota Padang (Rejang Lebong): 480 recorded, 1 activated.
const BEDENG_SS: &str = "regions/17.02.06.1015";

on_both_engines!(
    adding_bengkulu_gives_its_ten_districts_and_keeps_rejang_lebong,
    a_retried_addition_is_applied_once,
    bad_or_unknown_regions_are_named_and_change_nothing,
    a_district_has_no_counts_until_they_are_imported,
    each_district_has_its_own_office_and_target,
    the_nation_is_the_sum_of_everything_held,
    a_province_counts_each_districts_shortfall,
);

const NATION: &str = "regions/ID";

fn add(request_id: &str, regions: &[&str]) -> pb::AddRegionsRequest {
    pb::AddRegionsRequest {
        request_id: request_id.into(),
        regions: regions.iter().map(|r| r.to_string()).collect(),
    }
}

/// Every region at `level` under `parent`, read page by page.
async fn all_regions(h: &mut Harness, parent: &str, level: pb::RegionLevel) -> Vec<pb::Region> {
    let mut regions = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = h
            .client
            .list_regions(pb::ListRegionsRequest {
                parent: parent.into(),
                level: level.into(),
                page_size: 1000,
                page_token,
                ..Default::default()
            })
            .await
            .expect("list regions")
            .into_inner();
        regions.extend(page.regions);
        if page.next_page_token.is_empty() {
            return regions;
        }
        page_token = page.next_page_token;
    }
}

async fn ledger_total(h: &mut Harness, parent: &str) -> i64 {
    h.client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: parent.into(),
            ..Default::default()
        })
        .await
        .expect("summary")
        .into_inner()
        .total
}

async fn adding_bengkulu_gives_its_ten_districts_and_keeps_rejang_lebong(mut h: Harness) {
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    h.client
        .record_activations(batch(
            "before-bengkulu",
            vec![report(BEDENG_SS, 7, &today, pb::Channel::MobileTeam)],
        ))
        .await
        .expect("record");
    let rejang_lebong_before = h.gap(DISTRICT).await;
    let villages_before = h.villages().await;

    let added = h
        .client
        .add_regions(add("bengkulu", &[BENGKULU]))
        .await
        .expect("add Bengkulu")
        .into_inner();
    assert_eq!(
        (
            added.provinces_added,
            added.districts_added,
            added.kecamatan_added,
            added.villages_added
        ),
        (1, 9, 129 - 15, 1513 - 156)
    );
    assert_eq!(added.districts_kept, [DISTRICT]);
    assert!(added.districts.contains(&LEBONG.to_owned()));

    let districts = all_regions(&mut h, BENGKULU, pb::RegionLevel::District).await;
    assert_eq!(districts.len(), 10);
    assert!(districts.iter().all(|d| d.parent == BENGKULU));
    assert!(
        districts
            .iter()
            .any(|d| d.name == "regions/17.71" && d.kind() == pb::RegionKind::Kota)
    );
    assert_eq!(
        all_regions(&mut h, BENGKULU, pb::RegionLevel::Kecamatan)
            .await
            .len(),
        129
    );
    let villages = all_regions(&mut h, BENGKULU, pb::RegionLevel::Village).await;
    assert_eq!(villages.len(), 1513);
    assert!(villages.iter().all(|v| v.latitude != 0.0
        && matches!(v.kind(), pb::RegionKind::Desa | pb::RegionKind::Kelurahan)));
    let lebong = all_regions(&mut h, LEBONG, pb::RegionLevel::Village).await;
    assert_eq!(lebong.len(), 104);

    // Rejang Lebong is as it was: its numbers, every village, its ledger.
    let rejang_lebong = h.gap(DISTRICT).await;
    assert_eq!(
        (
            rejang_lebong.ktp_el_recorded,
            rejang_lebong.ikd_activated,
            rejang_lebong.gap,
            rejang_lebong.counts_missing
        ),
        (
            rejang_lebong_before.ktp_el_recorded,
            rejang_lebong_before.ikd_activated,
            rejang_lebong_before.gap,
            false
        )
    );
    assert_eq!(h.villages().await, villages_before);
    assert_eq!(ledger_total(&mut h, DISTRICT).await, 7);
    let seat = h
        .client
        .get_region(pb::GetRegionRequest {
            name: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("Rejang Lebong")
        .into_inner();
    assert_eq!(
        seat.parent, BENGKULU,
        "the seed's district joins its province"
    );

    // The province sums what has counts and says how much has none.
    let province = h.gap(BENGKULU).await;
    assert_eq!(province.level, i32::from(pb::RegionLevel::Province));
    assert_eq!(
        (province.target_fraction, province.target_source.as_str()),
        (0.30, BENGKULU)
    );
    assert_eq!(province.ktp_el_recorded, rejang_lebong.ktp_el_recorded);
    assert!(province.counts_missing);
    assert_eq!(province.villages_without_counts, 1513 - 156);
}

async fn a_retried_addition_is_applied_once(mut h: Harness) {
    let first = h
        .client
        .add_regions(add("lebong", &[LEBONG]))
        .await
        .expect("add Lebong")
        .into_inner();
    assert_eq!(
        (
            first.provinces_added,
            first.districts_added,
            first.villages_added
        ),
        (1, 1, 104)
    );
    let again = h
        .client
        .add_regions(add("lebong", &[LEBONG]))
        .await
        .expect("the retry")
        .into_inner();
    assert_eq!(again, first, "a retry gets the first answer");
    // A new request for the same district adds nothing more.
    let later = h
        .client
        .add_regions(add("lebong-later", &[LEBONG]))
        .await
        .expect("again, as a new request")
        .into_inner();
    assert_eq!(
        (
            later.districts_added,
            later.villages_added,
            later.districts_kept
        ),
        (0, 0, vec![LEBONG.to_owned()])
    );
    let status = h
        .client
        .add_regions(add("lebong", &[KEPAHIANG]))
        .await
        .expect_err("the id of another request");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(
        all_regions(&mut h, BENGKULU, pb::RegionLevel::District)
            .await
            .len(),
        2,
        "Lebong and Rejang Lebong, once each"
    );
    let mut audit = jemput_proto::auth::audit_service_client::AuditServiceClient::with_interceptor(
        h.channel().await,
        jemput_auth::BearerInterceptor::new(&h.admin).expect("a token"),
    );
    let additions = audit
        .list_audit_entries(apb::ListAuditEntriesRequest {
            page_size: 100,
            page_token: String::new(),
        })
        .await
        .expect("audit")
        .into_inner()
        .entries
        .into_iter()
        .filter(|e| e.action == i32::from(apb::AuditAction::AddRegions))
        .count();
    assert_eq!(additions, 2, "one entry per applied request");
}

async fn bad_or_unknown_regions_are_named_and_change_nothing(mut h: Harness) {
    assert_invalid(
        h.client
            .add_regions(add(
                "bad",
                &["17.07", LEBONG, "regions/17.02.09", "regions/1"],
            ))
            .await,
        &["regions[0]", "regions[2]", "regions[3]"],
    );
    assert_invalid(
        h.client.add_regions(add("", &[LEBONG])).await,
        &["request_id"],
    );
    assert_invalid(h.client.add_regions(add("none", &[])).await, &["regions"]);
    let status = h
        .client
        .add_regions(add("unknown", &[LEBONG, "regions/17.99"]))
        .await
        .expect_err("17.99 is no district");
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert!(status.message().contains("17.99"), "{status:?}");
    let status = h
        .client
        .add_regions(add("unknown-province", &["regions/99"]))
        .await
        .expect_err("99 is no province");
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    for region in [LEBONG, BENGKULU] {
        let status = h
            .client
            .get_region(pb::GetRegionRequest {
                name: region.into(),
                ..Default::default()
            })
            .await
            .expect_err("nothing was added");
        assert_eq!(status.code(), Code::NotFound, "{region}: {status:?}");
    }
    // The failed ids were not spent: the right request under one works.
    h.client
        .add_regions(add("unknown", &[LEBONG]))
        .await
        .expect("the id is free");
}

/// Generated counts for a district's villages, for tests only (no real
/// village has these numbers): 1.000 recorded KTP-el and 50 activated IKD
/// each, the first village 2.000 and 100.
fn generated_counts(villages: &[pb::Region]) -> Vec<pb::VillageCounts> {
    villages
        .iter()
        .enumerate()
        .map(|(i, v)| pb::VillageCounts {
            region: v.name.clone(),
            ktp_el_recorded: if i == 0 { 2000 } else { 1000 },
            ikd_activated: if i == 0 { 100 } else { 50 },
        })
        .collect()
}

async fn a_district_has_no_counts_until_they_are_imported(mut h: Harness) {
    h.client
        .add_regions(add("two", &[LEBONG, KEPAHIANG]))
        .await
        .expect("add Lebong and Kepahiang");
    let lebong = h.gap(LEBONG).await;
    assert!(lebong.counts_missing);
    assert_eq!(
        (
            lebong.villages_without_counts,
            lebong.ktp_el_recorded,
            lebong.target_fraction
        ),
        (104, 0, 0.30)
    );
    let districts = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: BENGKULU.into(),
            order_by: "name".into(),
            ..Default::default()
        })
        .await
        .expect("the province's districts")
        .into_inner()
        .gaps;
    let missing: Vec<(&str, bool)> = districts
        .iter()
        .map(|g| (g.region.as_str(), g.counts_missing))
        .collect();
    assert_eq!(
        missing,
        [(DISTRICT, false), (LEBONG, true), (KEPAHIANG, true)]
    );

    // Nothing can be recorded against counts nobody has imported.
    let villages = all_regions(&mut h, LEBONG, pb::RegionLevel::Village).await;
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let status = h
        .client
        .record_activations(batch(
            "too-early",
            vec![report(&villages[3].name, 5, &today, pb::Channel::Office)],
        ))
        .await
        .expect_err("no counts yet");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    let details = status.get_error_details();
    let violation = details
        .precondition_failure()
        .and_then(|p| p.violations.first().cloned())
        .expect("a precondition violation");
    assert_eq!(
        (violation.r#type.as_str(), violation.subject.as_str()),
        ("NO_COUNTS_YET", "reports[0].region")
    );

    // Imported counts (generated, see `generated_counts`) fill them in.
    let imported = h
        .client
        .import_regions(pb::ImportRegionsRequest {
            request_id: "lebong-counts".into(),
            counts: generated_counts(&villages),
            validate_only: false,
        })
        .await
        .expect("import Lebong's counts")
        .into_inner();
    assert_eq!(imported.updated, 104);
    let lebong = h.gap(LEBONG).await;
    assert_eq!(
        (
            lebong.counts_missing,
            lebong.villages_without_counts,
            lebong.ktp_el_recorded,
            lebong.ikd_activated,
            lebong.target_count,
            lebong.gap
        ),
        (false, 0, 105_000, 5_250, 31_500, 26_250)
    );
    assert!(h.gap(KEPAHIANG).await.counts_missing);
    h.client
        .record_activations(batch(
            "now-it-can",
            vec![report(&villages[3].name, 5, &today, pb::Channel::Office)],
        ))
        .await
        .expect("recorded once counts exist");
    assert_eq!(h.gap(LEBONG).await.ikd_activated, 5_255);
}

async fn each_district_has_its_own_office_and_target(mut h: Harness) {
    let settings = |district: &str| pb::GetDistrictSettingsRequest {
        name: format!("{district}/settings"),
    };
    let status = h
        .client
        .get_district_settings(settings(LEBONG))
        .await
        .expect_err("not added yet");
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    h.client
        .add_regions(add("lebong", &[LEBONG]))
        .await
        .expect("add Lebong");
    let district = h
        .client
        .get_region(pb::GetRegionRequest {
            name: LEBONG.into(),
            ..Default::default()
        })
        .await
        .expect("Lebong")
        .into_inner();
    let before = h
        .client
        .get_district_settings(settings(LEBONG))
        .await
        .expect("Lebong's settings")
        .into_inner();
    let office = before.office.expect("an office");
    assert_eq!(
        (office.latitude, office.longitude, before.office_set),
        (district.latitude, district.longitude, false),
        "until set, the office is the district's point"
    );
    assert_eq!(
        (before.target_fraction, before.target_source.as_str()),
        (0.30, LEBONG)
    );

    let update = |request_id: &str, latitude: f64, paths: &[&str], target: f64| {
        pb::UpdateDistrictSettingsRequest {
            request_id: request_id.into(),
            settings: Some(pb::DistrictSettings {
                name: format!("{LEBONG}/settings"),
                office: Some(pb::LatLng {
                    latitude,
                    longitude: 102.2167,
                }),
                target_fraction: target,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: paths.iter().map(|p| p.to_string()).collect(),
            }),
        }
    };
    // Muara Aman, Lebong's seat.
    let set = h
        .client
        .update_district_settings(update(
            "office",
            -3.1667,
            &["office", "target_fraction"],
            0.35,
        ))
        .await
        .expect("set the office and target")
        .into_inner();
    let office = set.office.expect("an office");
    assert_eq!(
        (
            office.latitude,
            office.longitude,
            set.office_set,
            set.target_fraction
        ),
        (-3.1667, 102.2167, true, 0.35)
    );
    assert_eq!(
        h.client
            .get_district_settings(settings(LEBONG))
            .await
            .expect("read back")
            .into_inner(),
        set
    );
    assert_eq!(h.gap(LEBONG).await.target_fraction, 0.35);
    let retried = h
        .client
        .update_district_settings(update(
            "office",
            -3.1667,
            &["office", "target_fraction"],
            0.35,
        ))
        .await
        .expect("a retry")
        .into_inner();
    assert_eq!(retried, set);

    assert_invalid(
        h.client
            .update_district_settings(update(
                "bad",
                -91.0,
                &["office", "target_fraction", "seat"],
                1.5,
            ))
            .await,
        &[
            "settings.office.latitude",
            "settings.target_fraction",
            "update_mask.paths[2]",
        ],
    );
    assert_invalid(
        h.client
            .update_district_settings(update("nothing", -3.0, &[], 0.3))
            .await,
        &["update_mask"],
    );
    let mut kecamatan = update("kecamatan", -3.0, &["office"], 0.3);
    if let Some(s) = kecamatan.settings.as_mut() {
        s.name = "regions/17.07.01/settings".into();
    }
    assert_invalid(
        h.client.update_district_settings(kecamatan).await,
        &["settings.name"],
    );
    assert_eq!(
        h.client
            .get_district_settings(settings(LEBONG))
            .await
            .expect("read back")
            .into_inner(),
        set,
        "refused updates change nothing"
    );
    // Rejang Lebong's office is its seat until set.
    let seed = h
        .client
        .get_district_settings(settings(DISTRICT))
        .await
        .expect("Rejang Lebong's settings")
        .into_inner();
    assert!(!seed.office_set);
    assert_eq!(seed.target_fraction, 0.30);
}

async fn the_nation_is_the_sum_of_everything_held(mut h: Harness) {
    // Only the seed: the nation is Rejang Lebong, against the national target.
    let district = h.gap(DISTRICT).await;
    let nation = h.gap(NATION).await;
    assert_eq!(nation.region, NATION);
    assert_eq!(nation.level, i32::from(pb::RegionLevel::Nation));
    assert_eq!(
        (
            nation.ktp_el_recorded,
            nation.ikd_activated,
            nation.counts_missing
        ),
        (district.ktp_el_recorded, district.ikd_activated, false)
    );
    assert_eq!(
        (nation.target_fraction, nation.target_source.as_str()),
        (0.30, NATION)
    );

    // A write is seen by the next read, whatever was read before it.
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    h.client
        .record_activations(batch(
            "nation-1",
            vec![report(BEDENG_SS, 9, &today, pb::Channel::Office)],
        ))
        .await
        .expect("record");
    assert_eq!(h.gap(NATION).await.ikd_activated, nation.ikd_activated + 9);
    assert_eq!(
        h.gap(DISTRICT).await.ikd_activated,
        district.ikd_activated + 9
    );

    // The seed's district has no province yet; every district is listed.
    let districts = all_regions(&mut h, NATION, pb::RegionLevel::District).await;
    assert_eq!(districts.len(), 1);
    h.client
        .add_regions(add("nation-bengkulu", &[BENGKULU]))
        .await
        .expect("add Bengkulu");
    let provinces = all_regions(&mut h, NATION, pb::RegionLevel::Unspecified).await;
    assert_eq!(
        provinces
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        [BENGKULU]
    );
    let nation = h.gap(NATION).await;
    assert_eq!(nation.villages_without_counts, 1513 - 156);
    assert_eq!(
        nation.ktp_el_recorded,
        h.gap(BENGKULU).await.ktp_el_recorded
    );

    // Every district's gap, a page at a time.
    let mut names = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = h
            .client
            .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
                parent: NATION.into(),
                level: pb::RegionLevel::District.into(),
                order_by: "name".into(),
                page_size: 4,
                page_token,
            })
            .await
            .expect("the nation's districts")
            .into_inner();
        assert!(page.gaps.len() <= 4);
        names.extend(page.gaps.into_iter().map(|g| g.region));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(names.len(), 10);
    assert!(names.contains(&DISTRICT.to_owned()));

    // The nation is only read: a write naming it is refused, naming the field.
    assert_invalid(
        h.client
            .record_activations(batch(
                "nation-2",
                vec![report(NATION, 1, &today, pb::Channel::Office)],
            ))
            .await,
        &["reports[0].region"],
    );
    assert_invalid(
        h.client
            .set_target(pb::SetTargetRequest {
                region: NATION.into(),
                target_fraction: 0.5,
            })
            .await,
        &["region"],
    );
    assert_invalid(
        h.client
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: "regions/id".into(),
            })
            .await,
        &["region"],
    );
    assert_eq!(h.gap(NATION).await, nation);
}

/// A district above its target does not make up for another below it: a
/// province's (and the nation's) target and gap are its districts' summed.
async fn a_province_counts_each_districts_shortfall(mut h: Harness) {
    h.client
        .add_regions(add("shortfall", &[LEBONG, KEPAHIANG]))
        .await
        .expect("add Lebong and Kepahiang");
    // Lebong: 104 villages of 1.000 recorded, 400 activated (40%).
    let villages = all_regions(&mut h, LEBONG, pb::RegionLevel::Village).await;
    h.client
        .import_regions(pb::ImportRegionsRequest {
            request_id: "lebong-above".into(),
            counts: villages
                .iter()
                .map(|v| pb::VillageCounts {
                    region: v.name.clone(),
                    ktp_el_recorded: 1000,
                    ikd_activated: 400,
                })
                .collect(),
            validate_only: false,
        })
        .await
        .expect("import Lebong's counts");
    let rejang = h.gap(DISTRICT).await;
    let lebong = h.gap(LEBONG).await;
    assert_eq!((lebong.target_count, lebong.gap), (31_200, 0));

    // Its own totals would give (60.846 + 31.200) − (10.425 + 41.600) =
    // 40.021; Rejang Lebong alone still needs 50.421.
    let province = h.gap(BENGKULU).await;
    assert_eq!(
        (
            province.ktp_el_recorded,
            province.ikd_activated,
            province.target_count,
            province.gap,
            province.counts_missing,
        ),
        (
            rejang.ktp_el_recorded + 104_000,
            rejang.ikd_activated + 41_600,
            rejang.target_count + 31_200,
            rejang.gap,
            true,
        ),
        "Kepahiang has no counts yet and adds nothing"
    );
    assert_eq!(rejang.gap, 50_421);
    let nation = h.gap(NATION).await;
    assert_eq!(
        (nation.target_count, nation.gap),
        (province.target_count, province.gap)
    );
    let provinces = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: NATION.into(),
            ..Default::default()
        })
        .await
        .expect("the nation's provinces")
        .into_inner()
        .gaps;
    assert_eq!(provinces.len(), 1);
    assert_eq!(
        (provinces[0].target_count, provinces[0].gap),
        (province.target_count, province.gap)
    );

    // A district's own target is what counts: Lebong at 45% falls short.
    h.client
        .update_district_settings(pb::UpdateDistrictSettingsRequest {
            request_id: "lebong-45".into(),
            settings: Some(pb::DistrictSettings {
                name: format!("{LEBONG}/settings"),
                target_fraction: 0.45,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["target_fraction".into()],
            }),
        })
        .await
        .expect("Lebong's own target");
    let province = h.gap(BENGKULU).await;
    assert_eq!(
        (
            province.target_fraction,
            province.target_count,
            province.gap
        ),
        (0.30, rejang.target_count + 46_800, rejang.gap + 5_200)
    );
    let districts = h
        .client
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: BENGKULU.into(),
            ..Default::default()
        })
        .await
        .expect("the province's districts")
        .into_inner()
        .gaps;
    assert_eq!(
        (
            districts.iter().map(|d| d.target_count).sum::<i64>(),
            districts.iter().map(|d| d.gap).sum::<i64>(),
        ),
        (province.target_count, province.gap)
    );
    assert_eq!(h.gap(NATION).await.gap, province.gap);
}
