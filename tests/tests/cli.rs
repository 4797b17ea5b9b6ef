//! The `jemput` command line's commands against a live registry: what a
//! planner sees from `gaps`, `record`, `import` and `target`, including how
//! bad rows in a file are pointed out.

use std::path::PathBuf;

use jemput::{
    cli::{ChannelArg, GapOrder, GapsArgs, ImportArgs, RecordArgs, TargetArgs},
    commands,
    error::CliError,
    output::Report,
};
use jemput_e2e::{
    GAP, IKD_ACTIVATED, KECAMATAN, KTP_EL_RECORDED, Running, TARGET_COUNT, TestDb, on_each_database,
};
use tonic::Code;

on_each_database! {
    gaps_of_the_district => gaps_lists_every_kecamatan_and_the_district_total;
    gaps_of_a_kecamatan => gaps_of_a_kecamatan_lists_its_villages;
    record_one_village => recording_a_village_day_narrows_the_gap_once;
    record_file_rejected => a_rejected_reports_file_points_at_its_rows_and_changes_nothing;
    import_seed_dry_run => the_seed_export_passes_a_dry_run_unchanged;
    import_rejected => a_rejected_export_points_at_rows_lines_and_columns;
    import_applied => an_import_replaces_village_counts;
    target_percent => a_target_in_percent_moves_the_gap;
}

fn gaps_args(region: Option<&str>, order: GapOrder) -> GapsArgs {
    GapsArgs {
        region: region.map(|r| jemput::input::parse_region(r).unwrap()),
        order,
    }
}

fn record_args() -> RecordArgs {
    RecordArgs {
        village: None,
        count: None,
        date: None,
        channel: ChannelArg::Mobile,
        team: None,
        file: None,
        request_id: None,
    }
}

fn write_csv(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn district_gap(registry: &Running) -> i64 {
    let mut client = registry.registry().await;
    commands::gaps::run(&mut client, &gaps_args(None, GapOrder::Gap))
        .await
        .unwrap()
        .region
        .gap
}

async fn gaps_lists_every_kecamatan_and_the_district_total(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;

    let report = commands::gaps::run(&mut client, &gaps_args(None, GapOrder::Gap))
        .await
        .unwrap();
    assert_eq!(report.children.len(), KECAMATAN);
    assert_eq!(report.region.ktp_el_recorded, KTP_EL_RECORDED);
    assert_eq!(report.region.gap, GAP);
    assert!(report.children.windows(2).all(|w| w[0].gap >= w[1].gap));

    let text = report.to_human();
    assert!(text.contains("15 kecamatan, largest gap first"), "{text}");
    let total = text
        .lines()
        .find(|line| line.starts_with("17.02 "))
        .unwrap_or_else(|| panic!("no district line in\n{text}"));
    for number in ["202.820", "10.425", "5,14%", "60.846", "50.421"] {
        assert!(total.contains(number), "{number} missing from {total:?}");
    }

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["region"]["gap"], GAP);
    assert_eq!(json["children"].as_array().unwrap().len(), KECAMATAN);

    let by_name = commands::gaps::run(&mut client, &gaps_args(Some("17.02"), GapOrder::Name))
        .await
        .unwrap();
    let names: Vec<&str> = by_name
        .children
        .iter()
        .map(|row| row.display_name.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert_eq!(names[0], "Bermani Ulu");

    let by_code = commands::gaps::run(&mut client, &gaps_args(None, GapOrder::Code))
        .await
        .unwrap();
    let codes: Vec<&str> = by_code.children.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(codes[0], "regions/17.02.06");
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
    registry.stop().await;
}

async fn gaps_of_a_kecamatan_lists_its_villages(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;

    for spelling in ["17.02.09", "regions/17.02.09"] {
        let report =
            commands::gaps::run(&mut client, &gaps_args(Some(spelling), GapOrder::Coverage))
                .await
                .unwrap();
        assert_eq!(report.region.display_name, "Curup");
        assert_eq!(report.children.len(), 9, "Curup has 9 kelurahan");
        assert!(report.children.iter().all(|row| row.level == "village"));
        assert!(
            report
                .children
                .windows(2)
                .all(|w| w[0].coverage <= w[1].coverage)
        );
        let recorded: i64 = report.children.iter().map(|r| r.ktp_el_recorded).sum();
        assert_eq!(recorded, report.region.ktp_el_recorded);
        assert!(report.to_human().contains("9 villages"));
    }

    let missing = commands::gaps::run(&mut client, &gaps_args(Some("17.02.99"), GapOrder::Gap))
        .await
        .unwrap_err();
    let CliError::Rpc(rpc) = &missing else {
        panic!("expected NOT_FOUND, got {missing:?}")
    };
    assert_eq!(rpc.code, Code::NotFound);
    assert!(missing.to_human().contains("NOT_FOUND"));
    registry.stop().await;
}

async fn recording_a_village_day_narrows_the_gap_once(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let args = RecordArgs {
        village: Some("regions/17.02.09.1033".into()),
        count: Some(120),
        team: Some("Tim 1".into()),
        request_id: Some("e2e-record-once".into()),
        ..record_args()
    };

    let first = commands::record::run(&mut client, &args).await.unwrap();
    assert_eq!(first.accepted, 1);
    assert_eq!(first.activations, 120);
    let district = first.district_gap.as_ref().unwrap();
    assert_eq!(district.ikd_activated, IKD_ACTIVATED + 120);
    assert_eq!(district.gap, GAP - 120);
    assert!(first.to_human().contains("50.301"), "{}", first.to_human());

    // A retry (same request id) is answered, not applied again.
    let retry = commands::record::run(&mut client, &args).await.unwrap();
    assert_eq!(retry.batch, first.batch);
    assert_eq!(district_gap(&registry).await, GAP - 120);

    // A village that does not exist is a field violation with its name.
    let wrong = RecordArgs {
        village: Some("regions/17.02.09.9999".into()),
        count: Some(5),
        ..record_args()
    };
    let err = commands::record::run(&mut client, &wrong)
        .await
        .unwrap_err();
    let human = err.to_human();
    assert!(human.contains("INVALID_ARGUMENT"), "{human}");
    assert!(human.contains("reports[0].region"), "{human}");
    registry.stop().await;
}

async fn a_rejected_reports_file_points_at_its_rows_and_changes_nothing(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_csv(
        &dir,
        "reports.csv",
        "region,count,activation_date,channel,team\n\
         17.02.09.1033,120,2026-01-05,mobile,Tim 1\n\
         17.02.09.1012,0,2026-01-05,mobile,Tim 1\n\
         \n\
         17.02.09,10,2026-01-06,office,\n",
    );
    let args = RecordArgs {
        file: Some(file),
        ..record_args()
    };

    let err = commands::record::run(&mut client, &args).await.unwrap_err();
    let CliError::Rpc(rpc) = &err else {
        panic!("expected the registry to reject the batch, got {err:?}")
    };
    assert_eq!(rpc.code, Code::InvalidArgument);
    let cells: Vec<(usize, u64, &str)> = rpc
        .violations
        .iter()
        .map(|v| {
            let cell = v.row.as_ref().expect("every violation is located");
            (cell.row, cell.line, cell.column.as_str())
        })
        .collect();
    assert_eq!(cells, vec![(2, 3, "count"), (3, 5, "region")]);
    assert!(
        err.to_human()
            .contains("row 3 (line 5), column region: regions/17.02.09 is not a village"),
        "{}",
        err.to_human()
    );
    // All or nothing: the good first row was not recorded either.
    assert_eq!(district_gap(&registry).await, GAP);
    registry.stop().await;
}

fn seed_villages() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../services/registry/seed/rejang_lebong/villages.csv")
}

async fn the_seed_export_passes_a_dry_run_unchanged(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let report = commands::import::run(
        &mut client,
        &ImportArgs {
            file: seed_villages(),
            dry_run: true,
            request_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.rows, 156);
    assert_eq!(report.updated, 156);
    let district = report.district_gap.as_ref().unwrap();
    assert_eq!(district.gap, GAP);
    assert_eq!(district.target_count, TARGET_COUNT);
    assert!(report.to_human().contains("Nothing was changed"));
    registry.stop().await;
}

async fn a_rejected_export_points_at_rows_lines_and_columns(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_csv(
        &dir,
        "export.csv",
        "code,name,ktp_el_recorded_est,ikd_activated_est\n\
         17.02.09.1033,Talang Benih,3510,348\n\
         17.02.09.1012,Dwi Tunggal,200,231\n\
         17.02.09.9999,Nowhere,10,1\n",
    );
    let err = commands::import::run(
        &mut client,
        &ImportArgs {
            file,
            dry_run: true,
            request_id: None,
        },
    )
    .await
    .unwrap_err();
    let human = err.to_human();
    assert!(human.contains("INVALID_ARGUMENT"), "{human}");
    assert!(
        human.contains("row 2 (line 3), column ikd_activated_est: "),
        "{human}"
    );
    assert!(human.contains("row 3 (line 4), column code: "), "{human}");
    assert!(!human.contains("row 1 "), "{human}");
    registry.stop().await;
}

async fn an_import_replaces_village_counts(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let dir = tempfile::tempdir().unwrap();
    // Talang Benih: 348 activated in the seed, 1.348 in this export.
    let file = write_csv(
        &dir,
        "export.csv",
        "region;ktp_el_recorded;ikd_activated\n17.02.09.1033;3.510;1.348\n",
    );
    let report = commands::import::run(
        &mut client,
        &ImportArgs {
            file,
            dry_run: false,
            request_id: Some("e2e-import".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(report.updated, 1);
    let district = report.district_gap.unwrap();
    assert_eq!(district.ikd_activated, IKD_ACTIVATED + 1000);
    assert_eq!(district_gap(&registry).await, GAP - 1000);
    registry.stop().await;
}

async fn a_target_in_percent_moves_the_gap(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let args = TargetArgs {
        region: "regions/17.02".into(),
        fraction: jemput::input::parse_fraction("25%").unwrap(),
    };
    let report = commands::target::run(&mut client, &args).await.unwrap();
    // ceil(0.25 × 202.820) = 50.705; 50.705 − 10.425 = 40.280.
    assert_eq!(report.gap.target_count, 50_705);
    assert_eq!(report.gap.gap, 40_280);
    assert!(report.to_human().contains("set to 25%"));

    // A kecamatan's own target overrides the district's for its villages.
    let curup = TargetArgs {
        region: "regions/17.02.09".into(),
        fraction: 0.5,
    };
    let report = commands::target::run(&mut client, &curup).await.unwrap();
    assert_eq!(report.gap.target_source, "regions/17.02.09");
    let villages = commands::gaps::run(&mut client, &gaps_args(Some("17.02.09"), GapOrder::Gap))
        .await
        .unwrap();
    assert!(
        villages
            .children
            .iter()
            .all(|v| (v.target_fraction - 0.5).abs() < 1e-9)
    );

    let too_much = TargetArgs {
        region: "regions/17.02".into(),
        fraction: 1.5,
    };
    let err = commands::target::run(&mut client, &too_much)
        .await
        .unwrap_err();
    assert!(
        err.to_human().contains("target_fraction"),
        "{}",
        err.to_human()
    );
    registry.stop().await;
}

#[tokio::test]
async fn a_registry_that_is_not_running_is_named() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let err = jemput::client::Registry::connect(&url).await.unwrap_err();
    assert_eq!(
        err.to_human(),
        format!("error: cannot reach the registry at {url}: is `jemput up` running?")
    );
    assert_eq!(err.exit_code(), 1);
}
