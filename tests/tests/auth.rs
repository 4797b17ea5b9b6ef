//! Access across the services over real gRPC, with the registry on SQLite
//! and on PostgreSQL: every optimizer method against each identity (the
//! code each time, and no plan, audit entry or registry number changed by
//! a refusal); a field token for Tim 1 made from a plan by `jemput token
//! create`, recording only where Tim 1 goes; and hostile input to the
//! optimizer refused by field, briefly, while the registry keeps answering.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use jemput::{
    cli::TokenCreateArgs,
    client::{Optimizer, Registry},
    commands,
    output::Report,
};
use jemput_e2e::{DISTRICT, Role, Running, RunningOptimizer, TestDb, on_each_database};
use jemput_proto::{
    auth::{self as apb, audit_service_client::AuditServiceClient},
    optimizer::{self as pb, planner_service_client::PlannerServiceClient},
    registry as rpb,
};
use tonic::{Code, Status};
use tonic_types::StatusExt;

on_each_database! {
    optimizer_matrix => every_optimizer_method_answers_each_identity_as_its_table_says;
    field_token_from_a_plan => a_field_token_for_tim_1_records_only_where_tim_1_goes;
    hostile_plans => hostile_plan_requests_are_refused_briefly_while_the_registry_answers;
}

const METHODS: [&str; 9] = [
    "CreatePlan",
    "GetPlan",
    "ListPlans",
    "EvaluateBudgets",
    "FindMinimumBudget",
    "ReplanPlan",
    "AllocateBudget",
    "UpdatePlan",
    "ListAuditEntries",
];

/// Calls `method` with a request that an allowed caller gets a quick
/// answer to (a bad budget, an unknown plan) without a solve.
async fn call(
    planner: &mut PlannerServiceClient<jemput_e2e::AuthChannel>,
    audit: &mut AuditServiceClient<jemput_e2e::AuthChannel>,
    method: &str,
) -> Result<(), Status> {
    let negative = || pb::PlanParameters {
        budget_rupiah: -1,
        ..Default::default()
    };
    match method {
        "CreatePlan" => planner
            .create_plan(pb::CreatePlanRequest {
                region: DISTRICT.into(),
                parameters: Some(negative()),
                request_id: String::new(),
            })
            .await
            .map(drop),
        "GetPlan" => planner
            .get_plan(pb::GetPlanRequest {
                name: "plans/none".into(),
            })
            .await
            .map(drop),
        "ListPlans" => planner
            .list_plans(pb::ListPlansRequest::default())
            .await
            .map(drop),
        "EvaluateBudgets" => planner
            .evaluate_budgets(pb::EvaluateBudgetsRequest {
                region: DISTRICT.into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "FindMinimumBudget" => planner
            .find_minimum_budget(pb::FindMinimumBudgetRequest {
                region: DISTRICT.into(),
                parameters: None,
                deadline: "next June".into(),
            })
            .await
            .map(drop),
        "ReplanPlan" => planner
            .replan_plan(pb::ReplanPlanRequest {
                plan: "plans/none".into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "AllocateBudget" => planner
            .allocate_budget(pb::AllocateBudgetRequest {
                parent: "regions/17".into(),
                total_budget_rupiah: -1,
                deadline: "2027-06-30".into(),
                parameters: None,
            })
            .await
            .map(drop),
        "UpdatePlan" => planner
            .update_plan(pb::UpdatePlanRequest {
                plan: Some(pb::Plan {
                    name: "plans/none".into(),
                    display_name: "Anggaran perubahan".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            })
            .await
            .map(drop),
        "ListAuditEntries" => audit
            .list_audit_entries(apb::ListAuditEntriesRequest::default())
            .await
            .map(drop),
        other => panic!("no call for {other}"),
    }
}

/// What an allowed caller gets for the requests above.
fn allowed_code(method: &str) -> Code {
    match method {
        "CreatePlan" | "EvaluateBudgets" | "FindMinimumBudget" | "AllocateBudget" => {
            Code::InvalidArgument
        }
        "GetPlan" | "ReplanPlan" | "UpdatePlan" => Code::NotFound,
        _ => Code::Ok,
    }
}

/// Stored plans, the optimizer's audit entries, and the district's gap.
async fn totals(registry: &Running, optimizer: &RunningOptimizer) -> (usize, usize, i64) {
    let plans = optimizer
        .client()
        .await
        .list_plans(pb::ListPlansRequest {
            page_size: 500,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .plans
        .len();
    let audit = AuditServiceClient::new(
        jemput_e2e::authed_channel(&optimizer.url(), &optimizer.admin).await,
    )
    .list_audit_entries(apb::ListAuditEntriesRequest {
        page_size: 1000,
        page_token: String::new(),
    })
    .await
    .unwrap()
    .into_inner()
    .entries
    .len();
    let gap = registry
        .client()
        .await
        .get_enrollment_gap(rpb::GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .ikd_activated;
    (plans, audit, gap)
}

async fn every_optimizer_method_answers_each_identity_as_its_table_says(db: TestDb) {
    let registry = Running::start(db).await;
    let optimizer = RunningOptimizer::start(&registry).await;
    let table: BTreeMap<&str, &[Role]> = jemput_optimizer::METHODS
        .iter()
        .map(|(path, roles)| (path.rsplit('/').next().unwrap(), *roles))
        .collect();
    assert_eq!(table.len(), METHODS.len());

    let revoked = registry.token(Role::Admin, "", &[]).await;
    let revoked_name = registry.store.verify_bearer(&revoked).await.unwrap().token;
    registry
        .store
        .revoke_token(
            revoked_name.trim_start_matches("tokens/"),
            &jemput_registry::Actor::local(),
        )
        .await
        .unwrap();
    let expired = registry
        .store
        .create_token(
            &jemput_registry::NewToken {
                role: Some(Role::Admin),
                expire_micros: Some(1),
                ..Default::default()
            },
            &jemput_registry::Actor::local(),
        )
        .await
        .unwrap()
        .1;
    let mut identities: Vec<(String, String, Option<Role>)> = vec![
        ("malformed".into(), "not-a-token".into(), None),
        (
            "unknown".into(),
            format!("jpt_{}_{}", "1".repeat(16), "2".repeat(64)),
            None,
        ),
        ("expired".into(), expired, None),
        ("revoked".into(), revoked, None),
    ];
    for role in Role::ALL {
        let villages: &[&str] = if role == Role::Field {
            &["17.02.09.1012"]
        } else {
            &[]
        };
        let token = registry.token(role, "Tim 1", villages).await;
        identities.push((role.to_string(), token, Some(role)));
    }

    // No token at all.
    let channel = tonic::transport::Channel::from_shared(optimizer.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let anonymous = tonic::service::interceptor::InterceptedService::new(
        channel,
        jemput_e2e::BearerInterceptor::anonymous(),
    );
    let mut planner = PlannerServiceClient::new(anonymous.clone());
    let mut audit = AuditServiceClient::new(anonymous);
    for method in METHODS {
        let before = totals(&registry, &optimizer).await;
        let status = call(&mut planner, &mut audit, method)
            .await
            .expect_err("no token");
        assert_eq!(status.code(), Code::Unauthenticated, "{method}: {status:?}");
        assert_eq!(totals(&registry, &optimizer).await, before);
    }

    for (name, token, role) in identities {
        let mut planner = optimizer.client_as(&token).await;
        let mut audit =
            AuditServiceClient::new(jemput_e2e::authed_channel(&optimizer.url(), &token).await);
        for method in METHODS {
            let before = totals(&registry, &optimizer).await;
            let result = call(&mut planner, &mut audit, method).await;
            let code = result.as_ref().err().map_or(Code::Ok, Status::code);
            let expected = match role {
                None => Code::Unauthenticated,
                Some(role) if table[method].contains(&role) => allowed_code(method),
                Some(_) => Code::PermissionDenied,
            };
            assert_eq!(code, expected, "{name} {method}: {result:?}");
            assert_eq!(
                totals(&registry, &optimizer).await,
                before,
                "{name} {method} changed something"
            );
        }
    }
    optimizer.stop().await;
    registry.stop().await;
}

async fn a_field_token_for_tim_1_records_only_where_tim_1_goes(db: TestDb) {
    let registry = Running::start(db).await;
    let optimizer = RunningOptimizer::start(&registry).await;
    let plan = optimizer
        .client()
        .await
        .create_plan(pb::CreatePlanRequest {
            region: DISTRICT.into(),
            parameters: Some(pb::PlanParameters {
                budget_rupiah: 60_000_000,
                teams: Some(2),
                time_limit_seconds: Some(5.0),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("a plan")
        .into_inner();
    let tim_1: std::collections::BTreeSet<String> = plan.teams[0]
        .days
        .iter()
        .flat_map(|d| &d.stops)
        .map(|s| s.region.clone())
        .collect();
    assert!(!tim_1.is_empty());

    // As `jemput token create --role field --team "Tim 1" --expires 30d --json`.
    let mut admin_registry = Registry::connect(&registry.url(), &registry.access())
        .await
        .unwrap();
    let mut admin_optimizer = Optimizer::connect(&optimizer.url(), &optimizer.access())
        .await
        .unwrap();
    let created = commands::token::create(
        &mut admin_registry,
        Some(&mut admin_optimizer),
        &TokenCreateArgs {
            role: Role::Field,
            team: Some("Tim 1".into()),
            villages: Vec::new(),
            plan: None,
            expires: Some(chrono::Duration::days(30)),
            name: Some("Tim 1 tablet".into()),
        },
    )
    .await
    .expect("a field token");
    let json = serde_json::to_value(&created).unwrap();
    assert_eq!(json["role"], "field");
    assert!(json["token"].as_str().unwrap().starts_with("jpt_"));
    assert!(created.to_human().contains("only time"));
    let villages: std::collections::BTreeSet<String> = created.villages.iter().cloned().collect();
    assert_eq!(
        villages, tim_1,
        "the token's villages are Tim 1's in the plan"
    );
    assert_eq!(created.plan, plan.name);

    let field = created.token.clone();
    let mut client = registry.client_as(&field).await;
    let today = jemput_optimizer::convert::today_in_district().to_string();
    let report = |region: &str| rpb::ActivationReport {
        region: region.into(),
        count: 2,
        activation_date: today.clone(),
        channel: rpb::Channel::MobileTeam.into(),
        team: "Tim 1".into(),
    };
    let own = tim_1.iter().next().unwrap().clone();
    client
        .record_activations(rpb::RecordActivationsRequest {
            request_id: "tim-1-ok".into(),
            reports: vec![report(&own)],
        })
        .await
        .expect("Tim 1 records in its own village");
    let elsewhere = registry
        .client()
        .await
        .list_regions(rpb::ListRegionsRequest {
            parent: DISTRICT.into(),
            level: rpb::RegionLevel::Village.into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .regions
        .into_iter()
        .map(|r| r.name)
        .find(|name| !tim_1.contains(name))
        .expect("a village Tim 1 does not visit");
    let before = totals(&registry, &optimizer).await;
    let status = client
        .record_activations(rpb::RecordActivationsRequest {
            request_id: "tim-1-elsewhere".into(),
            reports: vec![report(&own), report(&elsewhere)],
        })
        .await
        .expect_err("another team's village");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    let fields: Vec<String> = status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["reports[1].region"]);
    assert_eq!(totals(&registry, &optimizer).await, before);

    // Tim 1 reads its own itinerary, not the other team's.
    let seen = optimizer
        .client_as(&field)
        .await
        .get_plan(pb::GetPlanRequest {
            name: plan.name.clone(),
        })
        .await
        .expect("its plan")
        .into_inner();
    let teams: Vec<&str> = seen.teams.iter().map(|t| t.display_name.as_str()).collect();
    assert_eq!(teams, ["Tim 1"]);
    optimizer.stop().await;
    registry.stop().await;
}

/// How many bytes of an answer a client has to take: the message and the
/// field violations' descriptions.
fn echoed(status: &Status) -> usize {
    status.message().len()
        + status.get_error_details().bad_request().map_or(0, |b| {
            b.field_violations.iter().map(|v| v.description.len()).sum()
        })
}

fn fields(status: &Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

async fn hostile_plan_requests_are_refused_briefly_while_the_registry_answers(db: TestDb) {
    let registry = Running::start(db).await;
    let optimizer = RunningOptimizer::start(&registry).await;
    let planner_token = registry.token(Role::Planner, "", &[]).await;
    let viewer_token = registry.token(Role::Viewer, "", &[]).await;
    let before = totals(&registry, &optimizer).await;

    // 200.000 holidays: 2,2 MB of request.
    let holidays: Vec<String> = (0..200_000)
        .map(|i| format!("2027-{:02}-{:02}", 1 + i % 12, 1 + i % 28))
        .collect();
    let hostile = pb::CreatePlanRequest {
        region: DISTRICT.into(),
        parameters: Some(pb::PlanParameters {
            budget_rupiah: 100_000_000,
            holidays,
            ..Default::default()
        }),
        request_id: String::new(),
    };
    assert!(prost::Message::encoded_len(&hostile) > 2_000_000);
    let status = optimizer
        .client_as(&planner_token)
        .await
        .create_plan(hostile.clone())
        .await
        .expect_err("200.000 holidays");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(fields(&status), ["parameters.holidays"]);
    assert!(echoed(&status) < 300, "{} bytes echoed", echoed(&status));

    // While hostile plans keep arriving, the registry keeps answering. The
    // attacker runs on a runtime of its own, as another process would, so
    // its own encoding does not slow the reads being measured.
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicUsize::new(0));
    let attacker = {
        let (stop, refused, hostile) = (stop.clone(), refused.clone(), hostile.clone());
        let (url, token) = (optimizer.url(), planner_token.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut client =
                    PlannerServiceClient::new(jemput_e2e::authed_channel(&url, &token).await);
                while !stop.load(Ordering::Relaxed) {
                    let answer = client.create_plan(hostile.clone()).await;
                    assert_eq!(answer.unwrap_err().code(), Code::InvalidArgument);
                    refused.fetch_add(1, Ordering::Relaxed);
                }
            });
        })
    };
    let mut reader = registry.client_as(&viewer_token).await;
    let mut slowest = Duration::ZERO;
    while refused.load(Ordering::Relaxed) < 1 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for _ in 0..20 {
        let asked = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(5),
            reader.get_enrollment_gap(rpb::GetEnrollmentGapRequest {
                region: DISTRICT.into(),
            }),
        )
        .await
        .expect("the registry answers while hostile plans arrive");
        answer.expect("a gap");
        slowest = slowest.max(asked.elapsed());
    }
    let during = refused.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    attacker.join().expect("the attacker saw only refusals");
    assert!(during >= 1, "the reads overlapped hostile plans");
    println!("slowest of 20 registry reads while {during} hostile plans were refused: {slowest:?}");

    // Dates that make no sense, repeats, NUL bytes, huge names.
    let mut client = optimizer.client_as(&planner_token).await;
    let with = |edit: &dyn Fn(&mut pb::PlanParameters)| {
        let mut parameters = pb::PlanParameters {
            budget_rupiah: 100_000_000,
            ..Default::default()
        };
        edit(&mut parameters);
        pb::CreatePlanRequest {
            region: DISTRICT.into(),
            parameters: Some(parameters),
            request_id: String::new(),
        }
    };
    let cases: Vec<(pb::CreatePlanRequest, &str)> = vec![
        (
            with(&|p| p.start_date = "9999-12-01".into()),
            "parameters.start_date",
        ),
        (
            with(&|p| p.deadline = "2199-01-01".into()),
            "parameters.deadline",
        ),
        (
            with(&|p| p.holidays = vec!["2027-01-01".into(), "2027-01-01".into()]),
            "parameters.holidays[1]",
        ),
        (
            with(&|p| p.holidays = vec![format!("2027-01-01{}", "x".repeat(1 << 20))]),
            "parameters.holidays[0]",
        ),
        (
            pb::CreatePlanRequest {
                request_id: "plan\0one".into(),
                ..with(&|_| {})
            },
            "request_id",
        ),
        (
            pb::CreatePlanRequest {
                region: format!("regions/{}", "9".repeat(1 << 20)),
                ..with(&|_| {})
            },
            "region",
        ),
    ];
    for (request, field) in cases {
        let status = client.create_plan(request).await.expect_err(field);
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert!(
            fields(&status).contains(&field.to_string()),
            "{field}: {status:?}"
        );
        assert!(
            echoed(&status) < 1000,
            "{field}: {} bytes echoed",
            echoed(&status)
        );
    }
    let status = client
        .find_minimum_budget(pb::FindMinimumBudgetRequest {
            region: DISTRICT.into(),
            parameters: None,
            deadline: "9999-12-31".into(),
        })
        .await
        .expect_err("a deadline in year 9999");
    assert_eq!(fields(&status), ["deadline"]);
    assert_eq!(
        totals(&registry, &optimizer).await,
        before,
        "nothing stored"
    );
    optimizer.stop().await;
    registry.stop().await;
}
