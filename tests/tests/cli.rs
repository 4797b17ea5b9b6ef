//! The `jemput` command line's commands against a live registry (and, for
//! the planning commands, a live optimizer reading it): what a planner sees
//! from `gaps`, `record`, `import`, `target`, `plan`, `scenarios` and
//! `min-budget`, including how bad rows in a file are pointed out.

use std::path::{Path, PathBuf};

use chrono::Months;
use jemput::{
    cli::{
        ChannelArg, CorrectArgs, GapOrder, GapsArgs, ImportArgs, LangArg, LedgerArgs,
        MinBudgetArgs, PlanArgs, PlanScope, ProgressArgs, RecordArgs, ReplanArgs, ScenariosArgs,
        TargetArgs,
    },
    client::Optimizer,
    commands,
    error::CliError,
    format::{Language, format_iso_date},
    output::Report,
};
use jemput_e2e::{
    DISTRICT, GAP, IKD_ACTIVATED, KECAMATAN, KTP_EL_RECORDED, Running, RunningOptimizer,
    TARGET_COUNT, TestDb, on_each_database,
};
use tonic::Code;

on_each_database! {
    gaps_of_the_district => gaps_lists_every_kecamatan_and_the_district_total;
    gaps_of_a_kecamatan => gaps_of_a_kecamatan_lists_its_villages;
    record_one_village => recording_a_village_day_narrows_the_gap_once;
    correct_a_typo => a_corrected_typo_restores_the_gap_and_the_ledger_shows_both;
    progress_and_replan => progress_compares_a_started_plan_and_replan_continues_it;
    record_file_rejected => a_rejected_reports_file_points_at_its_rows_and_changes_nothing;
    import_seed_dry_run => the_seed_export_passes_a_dry_run_unchanged;
    import_rejected => a_rejected_export_points_at_rows_lines_and_columns;
    import_applied => an_import_replaces_village_counts;
    import_dukcapil_decrease => a_dukcapil_export_that_lowers_counts_needs_allow_decrease;
    target_percent => a_target_in_percent_moves_the_gap;
    plan_headline => a_plan_reaches_its_target_date_and_team_days_add_up;
    plan_files => a_plan_written_out_reads_back;
    scenarios_three_budgets => more_budget_never_means_more_working_days;
    min_budget => seven_months_ahead_has_a_minimum_budget_two_weeks_the_soonest_plan;
    already_reached => a_target_already_reached_needs_no_money_and_no_field_work;
    plan_negative_budget => a_negative_budget_is_the_optimizers_field_violation;
}

/// A client of `optimizer` as `jemput` builds one.
async fn client(optimizer: &RunningOptimizer) -> Optimizer {
    Optimizer::connect(&optimizer.url(), &optimizer.access())
        .await
        .expect("connect to the test optimizer")
}

fn scope() -> PlanScope {
    PlanScope {
        region: DISTRICT.into(),
        start: None,
        target: None,
        lang: LangArg::Id,
        holidays: Vec::new(),
        workdays: Vec::new(),
    }
}

fn plan_args(budget: &str) -> PlanArgs {
    PlanArgs {
        budget: jemput::input::parse_rupiah(budget).unwrap(),
        teams: Some(4),
        deadline: None,
        scope: scope(),
        out: None,
    }
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

async fn a_corrected_typo_restores_the_gap_and_the_ledger_shows_both(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let typo = RecordArgs {
        village: Some("regions/17.02.09.1033".into()),
        count: Some(400),
        team: Some("Tim 2".into()),
        ..record_args()
    };
    commands::record::run(&mut client, &typo).await.unwrap();
    assert_eq!(district_gap(&registry).await, GAP - 400);

    let ledger = LedgerArgs {
        region: Some("regions/17.02.09.1033".into()),
        limit: 50,
    };
    let listed = commands::ledger::list(&mut client, &ledger).await.unwrap();
    assert_eq!(listed.entries.len(), 1);
    let entry = listed.entries[0].name.clone();

    let fix = CorrectArgs {
        entry: entry.clone(),
        count: 40,
        reason: "typed 400 for 40".into(),
        request_id: Some("e2e-correct".into()),
    };
    let corrected = commands::ledger::correct(&mut client, &fix).await.unwrap();
    assert_eq!(corrected.district_gap.as_ref().unwrap().gap, GAP - 40);
    let human = corrected.to_human();
    assert!(
        human.contains(&format!("corrects {entry} by -360")),
        "{human}"
    );
    // A retry is answered, not applied again.
    commands::ledger::correct(&mut client, &fix).await.unwrap();
    assert_eq!(district_gap(&registry).await, GAP - 40);

    let listed = commands::ledger::list(&mut client, &ledger).await.unwrap();
    let rows: Vec<(i64, i64, &str)> = listed
        .entries
        .iter()
        .map(|e| (e.count, e.corrected_count, e.corrects.as_str()))
        .collect();
    assert_eq!(rows, [(-360, 0, entry.as_str()), (400, 40, "")]);
    let human = listed.to_human();
    assert!(human.contains("corrected to 40"), "{human}");
    assert!(human.contains("typed 400 for 40"), "{human}");

    // A correction without a reason is refused by field, and changes nothing.
    let bare = CorrectArgs {
        reason: " ".into(),
        request_id: None,
        count: 0,
        ..fix
    };
    let err = commands::ledger::correct(&mut client, &bare)
        .await
        .unwrap_err();
    assert!(err.to_human().contains("reason"), "{}", err.to_human());
    assert_eq!(district_gap(&registry).await, GAP - 40);
    registry.stop().await;
}

/// A plan started three weeks ago, with half of its first week recorded:
/// `jemput progress` shows it behind and the target later than planned,
/// and `jemput replan` keeps the past days and learns lower yields.
async fn progress_compares_a_started_plan_and_replan_continues_it(db: TestDb) {
    let registry = Running::start(db).await;
    let optimizer = RunningOptimizer::start(&registry).await;
    let mut planner = client(&optimizer).await;
    let today = jemput::input::today_in_district();
    let mut args = plan_args("250jt");
    args.scope.start = Some(today - chrono::Days::new(21));
    let plan = commands::plan::run(&mut planner, &registry.url(), &args)
        .await
        .unwrap();
    let name = plan.headline.name.clone();

    // Half of what the first five working days expected, as Tim 1 … Tim 4.
    let mut registry_client = registry.registry().await;
    let dates: std::collections::BTreeSet<String> = plan
        .teams
        .iter()
        .flat_map(|t| t.days.iter().map(|d| d.date.clone()))
        .collect();
    let first_five: Vec<&String> = dates.iter().take(5).collect();
    let mut recorded = 0;
    for team in &plan.teams {
        for day in team.days.iter().filter(|d| first_five.contains(&&d.date)) {
            for stop in &day.stops {
                let half = stop.expected_activations / 2;
                if half == 0 {
                    continue;
                }
                let report = RecordArgs {
                    village: Some(stop.region.clone()),
                    count: Some(half),
                    date: Some(jemput::input::parse_date(&day.date).unwrap()),
                    team: Some(team.display_name.clone()),
                    ..record_args()
                };
                commands::record::run(&mut registry_client, &report)
                    .await
                    .unwrap();
                recorded += half;
            }
        }
    }
    assert!(recorded > 0);

    let progress = commands::progress::progress(
        &mut registry_client,
        &mut planner,
        &ProgressArgs {
            plan: name.clone(),
            as_of: None,
            lang: LangArg::En,
        },
    )
    .await
    .unwrap();
    let p = &progress.progress;
    assert_eq!(p.recorded_since_start, recorded);
    assert!(p.actual_ikd_activated < p.planned_ikd_activated, "{p:?}");
    let team_total: i64 = p.teams.iter().map(|t| t.actual_mobile).sum();
    assert_eq!(team_total, recorded, "every report is its team's");
    assert!(
        p.projected_target_date.is_empty() || p.projected_target_date > p.planned_target_date,
        "{} vs {}",
        p.projected_target_date,
        p.planned_target_date
    );
    let human = progress.to_human();
    assert!(human.contains("against the plan"), "{human}");
    assert!(human.contains("Tim 1"), "{human}");

    let replanned = commands::progress::replan(
        &mut planner,
        &registry.url(),
        &ReplanArgs {
            plan: name.clone(),
            as_of: None,
            lang: LangArg::En,
        },
    )
    .await
    .unwrap();
    assert_eq!(replanned.replanned_from, name);
    assert_eq!(replanned.plan.headline.district, "Rejang Lebong (17.02)");
    assert!(!replanned.learned_yields.is_empty());
    assert!(replanned.learned_yields.iter().all(|y| y.factor < 1.0));
    let human = replanned.to_human();
    assert!(human.contains("Yields learned from the ledger"), "{human}");
    optimizer.stop().await;
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
            allow_decrease: false,
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
            allow_decrease: false,
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
            allow_decrease: false,
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

/// Dukcapil's own column names and undotted codes are read; a row that
/// would lower a village's activated count is refused (nothing changes)
/// until --allow-decrease, and the report then names it.
async fn a_dukcapil_export_that_lowers_counts_needs_allow_decrease(db: TestDb) {
    let registry = Running::start(db).await;
    let mut client = registry.registry().await;
    let dir = tempfile::tempdir().unwrap();
    // Talang Benih: 348 activated in the seed, 300 in this export; Dwi
    // Tunggal unchanged.
    let seed = commands::gaps::run(&mut client, &gaps_args(Some("17.02.09"), GapOrder::Gap))
        .await
        .unwrap();
    let dwi_tunggal = seed
        .children
        .iter()
        .find(|r| r.region == "regions/17.02.09.1012")
        .expect("Dwi Tunggal");
    let file = write_csv(
        &dir,
        "dukcapil.csv",
        &format!(
            "KODE_DESA,NAMA_DESA,JUMLAH_REKAM_KTP_EL,JUMLAH_IKD\n\
             1702091033,TALANG BENIH,3510,300\n\
             1702091012,DWI TUNGGAL,{},{}\n",
            dwi_tunggal.ktp_el_recorded, dwi_tunggal.ikd_activated
        ),
    );
    let args = ImportArgs {
        file,
        dry_run: false,
        request_id: None,
        allow_decrease: false,
    };
    let err = commands::import::run(&mut client, &args).await.unwrap_err();
    let human = err.to_human();
    assert!(
        human.contains(
            "row 1 (line 2), column JUMLAH_IKD: would lower Talang Benih from 348 to 300"
        ),
        "{human}"
    );
    assert!(human.contains("--allow-decrease"), "{human}");
    assert!(!human.contains("row 2 "), "{human}");
    assert_eq!(district_gap(&registry).await, GAP, "nothing changed");

    let allowed = ImportArgs {
        allow_decrease: true,
        ..args
    };
    let report = commands::import::run(&mut client, &allowed).await.unwrap();
    assert_eq!(report.updated, 2);
    assert_eq!(report.decreases.len(), 1);
    assert_eq!(district_gap(&registry).await, GAP + 48);
    assert!(
        report
            .to_human()
            .contains("Talang Benih (17.02.09.1033): 348 → 300"),
        "{}",
        report.to_human()
    );
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
    let err = jemput::client::Registry::connect(&url, &jemput::client::Access::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_human(),
        format!("error: cannot reach the registry at {url}: is `jemput up` running?")
    );
    assert_eq!(err.exit_code(), 1);
}

async fn a_plan_reaches_its_target_date_and_team_days_add_up(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;

    let report = commands::plan::run(&mut optimizer, &registry.url(), &plan_args("250jt"))
        .await
        .unwrap();
    let headline = &report.headline;
    assert!(headline.reaches_target, "{}", headline.message);
    assert_eq!(headline.budget_rupiah, 250_000_000);
    assert_eq!(headline.gap_at_start, GAP);
    assert_eq!(headline.target_count, TARGET_COUNT);
    assert!(headline.total_cost_rupiah <= 250_000_000);
    assert!(headline.lower_bound_working_days <= headline.working_days);
    let target_date = headline.target_date.clone().expect("a target date");
    assert_eq!(report.teams.len(), 4);

    let by_day: i64 = report
        .teams
        .iter()
        .flat_map(|team| &team.days)
        .map(|day| day.expected_activations)
        .sum();
    assert_eq!(by_day, headline.mobile_activations);
    let by_stop: i64 = report
        .teams
        .iter()
        .flat_map(|team| &team.days)
        .flat_map(|day| &day.stops)
        .map(|stop| stop.expected_activations)
        .sum();
    assert_eq!(by_stop, headline.mobile_activations);
    assert!(
        headline.mobile_activations + headline.office_activations >= GAP,
        "reaching the target closes the gap"
    );

    let text = report.to_human();
    // The district by its name, as the dashboard shows it.
    assert!(
        text.starts_with(&format!(
            "Plan {} for Rejang Lebong (17.02): Rp 250.000.000, 4 teams, from ",
            headline.name
        )),
        "{text}"
    );
    let reached = format!("reached on {}", format_iso_date(&target_date, Language::Id));
    assert!(text.contains(&reached), "{reached:?} missing from\n{text}");
    assert!(text.contains("Rp 250.000.000"), "{text}");
    assert!(text.contains("Tim 4: "), "{text}");
    // The workday starts at 08:00: no team arrives before.
    assert!(
        report
            .teams
            .iter()
            .flat_map(|team| &team.days)
            .flat_map(|day| &day.stops)
            .all(|stop| stop.arrival.as_str() >= "08:00")
    );

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["headline"]["target_date"], target_date.as_str());
    assert_eq!(
        json["unvisited"].as_array().unwrap().len(),
        report.unvisited.len(),
        "JSON lists every unvisited village"
    );
    planner.stop().await;
    registry.stop().await;
}

/// Splits one CSV record, honouring quoted fields.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn expected_activations_in(path: &Path) -> i64 {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = csv_fields(lines.next().expect("a header"));
    let column = header
        .iter()
        .position(|name| name == "expected_activations")
        .expect("an expected_activations column");
    lines
        .map(|line| csv_fields(line)[column].parse::<i64>().unwrap())
        .sum()
}

async fn a_plan_written_out_reads_back(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rencana");
    let args = PlanArgs {
        out: Some(out.clone()),
        scope: PlanScope {
            lang: LangArg::En,
            ..scope()
        },
        ..plan_args("Rp 250.000.000")
    };

    let report = commands::plan::run(&mut optimizer, &registry.url(), &args)
        .await
        .unwrap();
    // Named from the district the map fetched, as without `--out`.
    assert_eq!(report.headline.district, "Rejang Lebong (17.02)");
    let names: Vec<String> = report
        .files
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for team in 1..=4 {
        assert!(
            names.contains(&format!("itinerary-tim-{team}.csv")),
            "{names:?}"
        );
        assert!(
            names.contains(&format!("itinerary-tim-{team}.html")),
            "{names:?}"
        );
    }
    assert!(names.contains(&"routes.geojson".to_string()), "{names:?}");
    assert!(report.files.iter().all(|path| path.starts_with(&out)));

    let from_csv: i64 = (1..=4)
        .map(|team| expected_activations_in(&out.join(format!("itinerary-tim-{team}.csv"))))
        .sum();
    assert_eq!(from_csv, report.headline.mobile_activations);
    let html = std::fs::read_to_string(out.join("itinerary-tim-1.html")).unwrap();
    assert!(
        html.contains("lang=\"en\""),
        "--lang en reaches the itinerary"
    );

    let routes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("routes.geojson")).unwrap())
            .expect("the routes are JSON");
    assert_eq!(routes["type"], "FeatureCollection");
    let features = routes["features"].as_array().unwrap();
    let team_days: usize = report.teams.iter().map(|team| team.days.len()).sum();
    assert_eq!(features.len(), team_days, "one line per team-day");
    for feature in features {
        assert_eq!(feature["geometry"]["type"], "LineString");
        let line = feature["geometry"]["coordinates"].as_array().unwrap();
        let stops = feature["properties"]["stops"].as_array().unwrap().len();
        // Start, every stop (each village has coordinates), end.
        assert_eq!(line.len(), stops + 2, "{feature}");
        for point in line {
            let (lon, lat) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
            // Rejang Lebong lies around 3.5° S, 102.5° E.
            assert!(
                (101.5..103.5).contains(&lon) && (-4.5..-2.5).contains(&lat),
                "{point}"
            );
        }
    }
    assert!(report.to_human().contains("routes.geojson"));
    planner.stop().await;
    registry.stop().await;
}

async fn more_budget_never_means_more_working_days(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;
    let dir = tempfile::tempdir().unwrap();
    let args = ScenariosArgs {
        budgets: ["100jt", "150jt", "250jt"]
            .iter()
            .map(|text| jemput::input::parse_rupiah(text).unwrap())
            .collect(),
        teams: vec![4],
        deadline: None,
        scope: scope(),
        out: Some(dir.path().to_path_buf()),
    };

    let report = commands::scenarios::run(&mut optimizer, &registry.url(), &args)
        .await
        .unwrap();
    assert_eq!(report.scenarios.len(), 3);
    // The district by its name, as the dashboard shows it.
    assert_eq!(report.district, "Rejang Lebong (17.02)");
    let budgets: Vec<i64> = report.scenarios.iter().map(|s| s.budget_rupiah).collect();
    assert_eq!(budgets, vec![100_000_000, 150_000_000, 250_000_000]);
    for pair in report.scenarios.windows(2) {
        assert!(
            pair[1].working_days <= pair[0].working_days,
            "{:?}",
            report.scenarios
        );
    }
    assert!(
        report
            .scenarios
            .iter()
            .all(|s| s.cost_rupiah <= s.budget_rupiah)
    );

    let text = report.to_human();
    assert!(
        text.starts_with("Budget scenarios for Rejang Lebong (17.02)\n"),
        "{text}"
    );
    assert!(text.contains("Rp 150.000.000"), "{text}");
    // Rp 100 juta is where money binds: its row gives the plan's share of
    // the most mobile activations its days could buy, and a note says so.
    let first = &report.scenarios[0];
    assert_eq!(first.binding_constraint, "budget");
    let share = first.share_of_most().expect("a share where money binds");
    assert!(share > 0.9 && share <= 1.0, "{share}");
    let row = text.lines().nth(3).unwrap();
    assert!(row.trim_end().ends_with('%'), "{row}");
    assert!(text.contains("\nof the most possible: "), "{text}");
    // Each row states its proven lower bound next to its working days
    // (teams, "Rp", budget, reaches, working days, at least, ...).
    for (s, row) in report.scenarios.iter().zip(text.lines().skip(3)) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[4], s.working_days.to_string(), "{row}");
        assert!(s.lower_bound_working_days > 0, "{row}");
        assert!(s.lower_bound_working_days <= s.working_days, "{row}");
        assert_eq!(cells[5], s.lower_bound_working_days.to_string(), "{row}");
    }
    // Days saved per Rp 10 juta: none to state for the smallest budget
    // (nothing smaller to compare with), then against the budget before.
    let saved: Vec<&str> = text
        .lines()
        .skip(3)
        .take(3)
        .map(|row| row.split_whitespace().rev().nth(2).unwrap())
        .collect();
    assert_eq!(saved[0], "-", "{text}");
    assert_eq!(
        saved[1],
        jemput::format::format_decimal(report.scenarios[1].days_saved_per_extra_10_juta, 1),
        "{text}"
    );
    assert!(text.contains("\n\nat least: no plan "), "{text}");
    // Where the money binds, the row states the least any plan of its days
    // could cost, and how much more this one costs; a note says so.
    let least = first
        .cost_lower_bound_rupiah
        .expect("a least cost where money binds");
    assert!(least > 0 && least <= first.cost_rupiah, "{first:?}");
    assert!(
        row.contains(&format!("{} (+", jemput::format::format_rupiah(least))),
        "{row}"
    );
    assert!(
        text.contains("\nleast cost: where the budget limits"),
        "{text}"
    );
    let last = report.scenarios.last().unwrap();
    assert_eq!(last.cost_lower_bound_rupiah, None, "{last:?}");
    assert_eq!(text.lines().count(), 2 + 1 + 3 + 3 + 5, "{text}");
    let csv = std::fs::read_to_string(dir.path().join("scenarios.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    // --lang id (the default): Indonesian headers.
    assert!(
        csv.starts_with("jumlah_tim,anggaran_rupiah,mencapai_target,"),
        "{csv}"
    );
    let xlsx = std::fs::read(dir.path().join("scenarios.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX file is a zip archive");
    // Its summary names the district as the dashboard's workbook does.
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let summary = workbook.worksheet_range("Ringkasan").unwrap();
    assert_eq!(
        summary.get_value((2, 1)).map(|v| v.to_string()).as_deref(),
        Some("Rejang Lebong (17.02)")
    );
    planner.stop().await;
    registry.stop().await;
}

async fn seven_months_ahead_has_a_minimum_budget_two_weeks_the_soonest_plan(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;
    let deadline = jemput::input::today_in_district() + Months::new(7);
    let args = MinBudgetArgs {
        deadline,
        teams: Some(4),
        scope: scope(),
    };

    let report = commands::min_budget::run(&mut optimizer, &registry.url(), &args)
        .await
        .unwrap();
    assert!(report.reachable);
    let budget = report.minimum_budget_rupiah.expect("a minimum budget");
    assert!(budget > 0);
    let plan = report.plan.as_ref().expect("the plan at that budget");
    assert!(plan.reaches_target, "{}", plan.message);
    assert_eq!(plan.district, "Rejang Lebong (17.02)");
    assert_eq!(plan.budget_rupiah, budget);
    assert!(plan.total_cost_rupiah <= budget);
    let reached = plan.target_date.as_deref().expect("a target date");
    assert!(
        reached <= deadline.to_string().as_str(),
        "{reached} after {deadline}"
    );

    let text = report.to_human();
    let money = jemput::format::format_rupiah(budget);
    assert!(
        text.starts_with("Minimum budget to reach the target by "),
        "{text}"
    );
    assert!(text.contains(&money), "{money} missing from\n{text}");

    // Two weeks ahead no budget can: the answer says so, proven, and how
    // soon these teams can with money no limit (not the office alone at Rp 0).
    let soon = MinBudgetArgs {
        deadline: jemput::input::today_in_district() + chrono::Days::new(14),
        teams: Some(4),
        scope: scope(),
    };
    let report = commands::min_budget::run(&mut optimizer, &registry.url(), &soon)
        .await
        .unwrap();
    assert!(!report.reachable);
    assert_eq!(report.minimum_budget_rupiah, None);
    assert_eq!(
        report.minimum_budget_lower_bound_rupiah, None,
        "proven: none"
    );
    let plan = report.plan.as_ref().expect("the soonest plan");
    assert!(plan.reaches_target, "{}", plan.message);
    assert_eq!(plan.deadline, None);
    assert!(plan.total_cost_rupiah > 0 && plan.total_cost_rupiah <= plan.budget_rupiah);
    assert!(plan.mobile_activations > 0);
    let reached = plan.target_date.as_deref().expect("a target date");
    assert!(
        reached > soon.deadline.to_string().as_str(),
        "{reached} by {}",
        soon.deadline
    );
    let text = report.to_human();
    assert!(
        text.starts_with("No budget reaches the target by "),
        "{text}"
    );
    assert!(
        text.contains("Proven: with these teams even unlimited money cannot reach it by then."),
        "{text}"
    );
    let when = jemput::format::format_iso_date(reached, jemput::format::Language::Id);
    assert!(
        text.contains(&format!(
            "The soonest 4 teams can reach it, money no limit: {when} ("
        )),
        "{when} missing from\n{text}"
    );
    planner.stop().await;
    registry.stop().await;
}

/// 5% of 202.820 is 10.141, and 10.425 already have IKD: the plan and the
/// least budget say so, with no team-day and no money.
async fn a_target_already_reached_needs_no_money_and_no_field_work(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;
    let mut args = plan_args("250jt");
    args.scope.target = Some(0.05);
    let report = commands::plan::run(&mut optimizer, &registry.url(), &args)
        .await
        .unwrap();
    let headline = &report.headline;
    assert!(headline.already_reached, "{}", headline.message);
    assert_eq!((headline.gap_at_start, headline.total_cost_rupiah), (0, 0));
    assert!(report.teams.iter().all(|team| team.days.is_empty()));
    assert_eq!(report.unvisited.len(), 156);
    assert!(
        report.unvisited.iter().all(|v| v
            .reason
            .starts_with("not needed: the target is already reached")),
        "{:?}",
        report.unvisited.first()
    );
    assert!(
        headline
            .message
            .contains("already reached before the plan starts")
    );
    let text = report.to_human();
    assert!(
        text.contains("Target 5% (10.141) already reached before ")
            && text.contains("10.425 of 202.820 recorded have IKD (5,14%)"),
        "{text}"
    );
    assert!(!text.contains("Tim 1"), "no team lines:\n{text}");

    let least = MinBudgetArgs {
        deadline: jemput::input::today_in_district() + Months::new(3),
        teams: Some(4),
        scope: args.scope.clone(),
    };
    let report = commands::min_budget::run(&mut optimizer, &registry.url(), &least)
        .await
        .unwrap();
    assert_eq!(report.minimum_budget_rupiah, Some(0));
    assert!(
        report
            .plan
            .as_ref()
            .is_some_and(|plan| plan.already_reached)
    );
    let text = report.to_human();
    assert!(
        text.starts_with(
            "The target was reached before the plan's first day: no budget is needed by "
        ),
        "{text}"
    );
    planner.stop().await;
    registry.stop().await;
}

async fn a_negative_budget_is_the_optimizers_field_violation(db: TestDb) {
    let registry = Running::start(db).await;
    let planner = RunningOptimizer::start(&registry).await;
    let mut optimizer = client(&planner).await;

    let err = commands::plan::run(&mut optimizer, &registry.url(), &plan_args("-1"))
        .await
        .unwrap_err();
    let CliError::Rpc(rpc) = &err else {
        panic!("expected the optimizer to reject the budget, got {err:?}")
    };
    assert_eq!(rpc.code, Code::InvalidArgument);
    assert_eq!(rpc.service, "optimizer");
    let fields: Vec<&str> = rpc.violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, vec!["parameters.budget_rupiah"]);
    let human = err.to_human();
    assert!(
        human.starts_with("error: the optimizer answered INVALID_ARGUMENT"),
        "{human}"
    );
    assert!(human.contains("\n  parameters.budget_rupiah: "), "{human}");
    assert_eq!(err.exit_code(), 1);
    let json = err.to_json();
    assert_eq!(
        json["error"]["violations"][0]["field"],
        "parameters.budget_rupiah"
    );
    planner.stop().await;
    registry.stop().await;
}

#[tokio::test]
async fn an_optimizer_that_is_not_running_is_named() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let err = Optimizer::connect(&url, &jemput::client::Access::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_human(),
        format!("error: cannot reach the optimizer at {url}: is `jemput up` running?")
    );
}
