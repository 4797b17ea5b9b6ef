//! Who may do what on the registry, over real gRPC on both engines: every
//! method against no token, a malformed, unknown, expired or revoked token,
//! and a token of each role, with the answer's code each time and the
//! registry's numbers, ledger, tokens and audit trail unchanged by every
//! refusal. Also a field token's villages and team, per-token limits, and
//! the audit trail's entries and append-only rule.

mod common;

use std::collections::BTreeMap;

use chrono::Utc;
use common::{Client, DISTRICT, Harness, authed, batch, report};
use jemput_auth::{BearerInterceptor, Role};
use jemput_proto::{
    auth::{
        self as apb, audit_service_client::AuditServiceClient,
        token_service_client::TokenServiceClient,
    },
    registry::{self as pb, registry_service_client::RegistryServiceClient},
};
use jemput_registry::{
    Actor, NewToken, ServeOptions,
    testing::{TestDb, issue_token, start_registry_with},
};
use tokio_stream::StreamExt;
use tonic::{Code, Status, service::interceptor::InterceptedService, transport::Channel};
use tonic_types::StatusExt;

/// Bedeng SS: the village the field token may record for.
const BEDENG_SS: &str = "regions/17.02.06.1015";
/// Dusun Baru: 1140 recorded, 2 activated; outside the field token's villages.
const DUSUN_BARU: &str = "regions/17.02.06.1016";

on_both_engines!(
    every_method_answers_each_identity_as_its_table_says,
    a_field_token_records_only_its_villages_and_team,
    every_change_is_audited_and_the_trail_is_append_only,
);

type Channel2 = InterceptedService<Channel, BearerInterceptor>;

/// The clients of the three services the registry serves, for one identity.
struct Clients {
    registry: RegistryServiceClient<Channel2>,
    tokens: TokenServiceClient<Channel2>,
    audit: AuditServiceClient<Channel2>,
}

impl Clients {
    fn new(channel: Channel, interceptor: BearerInterceptor) -> Clients {
        Clients {
            registry: RegistryServiceClient::with_interceptor(channel.clone(), interceptor.clone()),
            tokens: TokenServiceClient::with_interceptor(channel.clone(), interceptor.clone()),
            audit: AuditServiceClient::with_interceptor(channel, interceptor),
        }
    }
}

/// Every registry method, called with a request that would change
/// something (or read something) if allowed.
const METHODS: [&str; 19] = [
    "GetRegion",
    "ListRegions",
    "GetEnrollmentGap",
    "ListEnrollmentGaps",
    "RecordActivations",
    "ListActivations",
    "CorrectActivation",
    "SummarizeActivations",
    "SetTarget",
    "ImportRegions",
    "WatchEnrollmentGaps",
    "AddRegions",
    "GetDistrictSettings",
    "UpdateDistrictSettings",
    "CreateToken",
    "ListTokens",
    "RevokeToken",
    "GetCaller",
    "ListAuditEntries",
];

async fn call(c: &mut Clients, method: &str, serial: usize, victim: &str) -> Result<(), Status> {
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    match method {
        "GetRegion" => c
            .registry
            .get_region(pb::GetRegionRequest {
                name: DISTRICT.into(),
                view: 0,
            })
            .await
            .map(drop),
        "ListRegions" => c
            .registry
            .list_regions(pb::ListRegionsRequest {
                parent: DISTRICT.into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "GetEnrollmentGap" => c
            .registry
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: DISTRICT.into(),
            })
            .await
            .map(drop),
        "ListEnrollmentGaps" => c
            .registry
            .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
                parent: DISTRICT.into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "RecordActivations" => c
            .registry
            .record_activations(batch(
                &format!("matrix-{serial}"),
                vec![report(BEDENG_SS, 1, &today, pb::Channel::MobileTeam)],
            ))
            .await
            .map(drop),
        "ListActivations" => c
            .registry
            .list_activations(pb::ListActivationsRequest {
                parent: DISTRICT.into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "CorrectActivation" => {
            // The oldest entry of Bedeng SS (recorded by Tim 1, in the field
            // token's scope), flipped between 1 and 0 so each call changes it.
            let listed = c
                .registry
                .list_activations(pb::ListActivationsRequest {
                    parent: BEDENG_SS.into(),
                    page_size: 1000,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let oldest = listed
                .activations
                .iter()
                .rfind(|a| a.corrects.is_empty())
                .cloned()
                .unwrap_or_default();
            c.registry
                .correct_activation(pb::CorrectActivationRequest {
                    request_id: format!("matrix-correct-{serial}"),
                    activation: if oldest.name.is_empty() {
                        "activations/1".into()
                    } else {
                        oldest.name
                    },
                    corrected_count: 1 - oldest.corrected_count.clamp(0, 1),
                    reason: "matrix".into(),
                })
                .await
                .map(drop)
        }
        "SummarizeActivations" => c
            .registry
            .summarize_activations(pb::SummarizeActivationsRequest {
                parent: DISTRICT.into(),
                ..Default::default()
            })
            .await
            .map(drop),
        "SetTarget" => c
            .registry
            .set_target(pb::SetTargetRequest {
                region: DISTRICT.into(),
                target_fraction: 0.35,
            })
            .await
            .map(drop),
        "ImportRegions" => c
            .registry
            .import_regions(pb::ImportRegionsRequest {
                request_id: format!("matrix-import-{serial}"),
                counts: vec![pb::VillageCounts {
                    region: DUSUN_BARU.into(),
                    ktp_el_recorded: 1200,
                    ikd_activated: 2,
                }],
                validate_only: false,
            })
            .await
            .map(drop),
        "WatchEnrollmentGaps" => {
            let mut stream = c
                .registry
                .watch_enrollment_gaps(pb::WatchEnrollmentGapsRequest {
                    region: DISTRICT.into(),
                })
                .await?
                .into_inner();
            match stream.next().await {
                Some(Ok(_)) => Ok(()),
                Some(Err(status)) => Err(status),
                None => Err(Status::internal("the watch ended at once")),
            }
        }
        "AddRegions" => c
            .registry
            .add_regions(pb::AddRegionsRequest {
                request_id: format!("matrix-add-{serial}"),
                // Kabupaten Lebong: 1 district, its kecamatan and villages.
                regions: vec!["regions/17.07".into()],
            })
            .await
            .map(drop),
        "GetDistrictSettings" => c
            .registry
            .get_district_settings(pb::GetDistrictSettingsRequest {
                name: format!("{DISTRICT}/settings"),
            })
            .await
            .map(drop),
        "UpdateDistrictSettings" => c
            .registry
            .update_district_settings(pb::UpdateDistrictSettingsRequest {
                request_id: format!("matrix-settings-{serial}"),
                settings: Some(pb::DistrictSettings {
                    name: format!("{DISTRICT}/settings"),
                    office: Some(pb::LatLng {
                        latitude: -3.47,
                        longitude: 102.52,
                    }),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["office".into()],
                }),
            })
            .await
            .map(drop),
        "CreateToken" => c
            .tokens
            .create_token(apb::CreateTokenRequest {
                role: apb::Role::Viewer.into(),
                display_name: format!("matrix {serial}"),
                ..Default::default()
            })
            .await
            .map(drop),
        "ListTokens" => c
            .tokens
            .list_tokens(apb::ListTokensRequest::default())
            .await
            .map(drop),
        "RevokeToken" => c
            .tokens
            .revoke_token(apb::RevokeTokenRequest {
                name: victim.into(),
            })
            .await
            .map(drop),
        "GetCaller" => c
            .tokens
            .get_caller(apb::GetCallerRequest {})
            .await
            .map(drop),
        "ListAuditEntries" => c
            .audit
            .list_audit_entries(apb::ListAuditEntriesRequest::default())
            .await
            .map(drop),
        other => panic!("no call for {other}"),
    }
}

/// Everything a refused call must leave as it was.
#[derive(Debug, PartialEq)]
struct Totals {
    district: pb::EnrollmentGap,
    villages: Vec<pb::EnrollmentGap>,
    ledger: i64,
    tokens: Vec<(String, bool)>,
    audit_entries: usize,
}

async fn totals(h: &mut Harness) -> Totals {
    let ledger = h
        .client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("summary")
        .into_inner()
        .total;
    let tokens = h
        .store
        .tokens(0, 10_000)
        .await
        .expect("tokens")
        .into_iter()
        .map(|t| (t.name(), t.revoke_micros.is_some()))
        .collect();
    let mut audit = AuditServiceClient::with_interceptor(
        h.channel().await,
        BearerInterceptor::new(&h.admin).unwrap(),
    );
    let audit_entries = audit
        .list_audit_entries(apb::ListAuditEntriesRequest {
            page_size: 1000,
            page_token: String::new(),
        })
        .await
        .expect("audit")
        .into_inner()
        .entries
        .len();
    Totals {
        district: h.gap(DISTRICT).await,
        villages: h.villages().await,
        ledger,
        tokens,
        audit_entries,
    }
}

/// The identities a call can come with, and the bearer each sends.
async fn identities(h: &Harness) -> Vec<(String, Option<String>, Option<Role>)> {
    let expired = h
        .store
        .create_token(
            &NewToken {
                role: Some(Role::Admin),
                display_name: "expired".into(),
                expire_micros: Some(Utc::now().timestamp_micros() - 1_000_000),
                ..NewToken::default()
            },
            &Actor::local(),
        )
        .await
        .expect("an expired token")
        .1;
    let (revoked_record, revoked) = h
        .store
        .create_token(
            &NewToken {
                role: Some(Role::Admin),
                display_name: "revoked".into(),
                ..NewToken::default()
            },
            &Actor::local(),
        )
        .await
        .expect("a token to revoke");
    h.store
        .revoke_token(&revoked_record.id, &Actor::local())
        .await
        .expect("revoke");
    let mut all = vec![
        ("no token".to_string(), None, None),
        (
            "malformed".to_string(),
            Some("not-a-token".to_string()),
            None,
        ),
        (
            "unknown".to_string(),
            Some(format!("jpt_{}_{}", "0".repeat(16), "0".repeat(64))),
            None,
        ),
        ("expired".to_string(), Some(expired), None),
        ("revoked".to_string(), Some(revoked), None),
    ];
    for role in Role::ALL {
        let token = match role {
            Role::Field => h.token(role, "Tim 1", &["17.02.06.1015"]).await,
            _ => h.token(role, "", &[]).await,
        };
        all.push((role.to_string(), Some(token), Some(role)));
    }
    all
}

async fn every_method_answers_each_identity_as_its_table_says(mut h: Harness) {
    let table: BTreeMap<&str, &[Role]> = jemput_registry::METHODS
        .iter()
        .map(|(path, roles)| (path.rsplit('/').next().unwrap(), *roles))
        .collect();
    assert_eq!(table.len(), METHODS.len(), "every method is in the matrix");
    let mut serial = 0;
    for (name, bearer, role) in identities(&h).await {
        let interceptor = match &bearer {
            Some(bearer) => BearerInterceptor::new(bearer).unwrap(),
            None => BearerInterceptor::anonymous(),
        };
        let mut clients = Clients::new(h.channel().await, interceptor);
        for method in METHODS {
            serial += 1;
            let victim_bearer = issue_token(&h.store, Role::Viewer, "", &[]).await;
            let victim = h
                .store
                .verify_bearer(&victim_bearer)
                .await
                .expect("a live victim")
                .token;
            let allowed = role.is_some_and(|r| table[method].contains(&r));
            let before = if allowed {
                None
            } else {
                Some(totals(&mut h).await)
            };
            let result = call(&mut clients, method, serial, &victim).await;
            match (&result, role, allowed) {
                (Ok(()), Some(_), true) => {}
                (Err(status), None, _) => {
                    assert_eq!(
                        status.code(),
                        Code::Unauthenticated,
                        "{name} {method}: {status:?}"
                    )
                }
                (Err(status), Some(_), false) => {
                    assert_eq!(
                        status.code(),
                        Code::PermissionDenied,
                        "{name} {method}: {status:?}"
                    );
                    let info = status.get_error_details();
                    let reason = info.error_info().map(|i| i.reason.clone());
                    assert_eq!(
                        reason.as_deref(),
                        Some("ROLE_NOT_ALLOWED"),
                        "{name} {method}"
                    );
                }
                (result, _, _) => {
                    panic!("{name} {method}: allowed={allowed}, got {result:?}")
                }
            }
            if let Some(before) = before {
                assert_eq!(
                    totals(&mut h).await,
                    before,
                    "{name} {method} changed something"
                );
            }
        }
    }
}

async fn a_field_token_records_only_its_villages_and_team(mut h: Harness) {
    let field = h.token(Role::Field, "Tim 1", &["17.02.06.1015"]).await;
    let mut tim_1 = authed(h.channel().await, &field);
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let mobile = pb::Channel::MobileTeam;
    tim_1
        .record_activations(batch("tim-1-a", vec![report(BEDENG_SS, 5, &today, mobile)]))
        .await
        .expect("its own village");
    let before = totals(&mut h).await;
    let status = tim_1
        .record_activations(batch(
            "tim-1-b",
            vec![
                report(BEDENG_SS, 5, &today, mobile),
                report(DUSUN_BARU, 5, &today, mobile),
            ],
        ))
        .await
        .expect_err("another village");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(common::bad_fields(&status), ["reports[1].region"]);
    let mut other_team = report(BEDENG_SS, 5, &today, mobile);
    other_team.team = "Tim 2".into();
    let status = tim_1
        .record_activations(batch("tim-1-c", vec![other_team]))
        .await
        .expect_err("another team");
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(common::bad_fields(&status), ["reports[0].team"]);
    let status = tim_1
        .import_regions(pb::ImportRegionsRequest {
            request_id: "tim-1-import".into(),
            counts: vec![pb::VillageCounts {
                region: BEDENG_SS.into(),
                ktp_el_recorded: 480,
                ikd_activated: 6,
            }],
            validate_only: false,
        })
        .await
        .expect_err("a field token does not import");
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(totals(&mut h).await, before, "nothing changed");
    // The id of a refused batch is still free.
    tim_1
        .record_activations(batch("tim-1-b", vec![report(BEDENG_SS, 5, &today, mobile)]))
        .await
        .expect("the fixed batch");
    assert_eq!(h.gap(BEDENG_SS).await.ikd_activated, 11);
}

async fn every_change_is_audited_and_the_trail_is_append_only(h: Harness) {
    let planner = h.token(Role::Planner, "", &[]).await;
    let mut client: Client = authed(h.channel().await, &planner);
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    client
        .record_activations(batch(
            "audit-1",
            vec![report(BEDENG_SS, 3, &today, pb::Channel::Office)],
        ))
        .await
        .expect("record");
    // A retry changes nothing, so it adds no entry.
    client
        .record_activations(batch(
            "audit-1",
            vec![report(BEDENG_SS, 3, &today, pb::Channel::Office)],
        ))
        .await
        .expect("retry");
    client
        .set_target(pb::SetTargetRequest {
            region: DISTRICT.into(),
            target_fraction: 0.4,
        })
        .await
        .expect("target");
    client
        .import_regions(pb::ImportRegionsRequest {
            request_id: "audit-import".into(),
            counts: vec![pb::VillageCounts {
                region: DUSUN_BARU.into(),
                ktp_el_recorded: 1200,
                ikd_activated: 2,
            }],
            validate_only: false,
        })
        .await
        .expect("import");
    let mut tokens = TokenServiceClient::with_interceptor(
        h.channel().await,
        BearerInterceptor::new(&h.admin).unwrap(),
    );
    let made = tokens
        .create_token(apb::CreateTokenRequest {
            role: apb::Role::Viewer.into(),
            ..Default::default()
        })
        .await
        .expect("create")
        .into_inner();
    let name = made.token.unwrap().name;
    tokens
        .revoke_token(apb::RevokeTokenRequest { name: name.clone() })
        .await
        .expect("revoke");
    let planner_name = h.store.verify_bearer(&planner).await.unwrap().token;
    let admin_name = h.store.verify_bearer(&h.admin).await.unwrap().token;

    let mut audit = AuditServiceClient::with_interceptor(
        h.channel().await,
        BearerInterceptor::new(&h.admin).unwrap(),
    );
    let entries = audit
        .list_audit_entries(apb::ListAuditEntriesRequest::default())
        .await
        .expect("audit")
        .into_inner()
        .entries;
    let seen: Vec<(apb::AuditAction, &str, apb::Role)> = entries
        .iter()
        .take(5)
        .map(|e| (e.action(), e.token.as_str(), e.role()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                apb::AuditAction::RevokeToken,
                admin_name.as_str(),
                apb::Role::Admin
            ),
            (
                apb::AuditAction::CreateToken,
                admin_name.as_str(),
                apb::Role::Admin
            ),
            (
                apb::AuditAction::ImportRegions,
                planner_name.as_str(),
                apb::Role::Planner
            ),
            (
                apb::AuditAction::SetTarget,
                planner_name.as_str(),
                apb::Role::Planner
            ),
            (
                apb::AuditAction::RecordActivations,
                planner_name.as_str(),
                apb::Role::Planner
            ),
        ]
    );
    for entry in entries.iter().take(5) {
        assert!(entry.peer.starts_with("127.0.0.1:"), "{entry:?}");
        assert!(entry.time.is_some());
    }
    assert_eq!(entries[0].resource, name);
    assert_eq!(entries[4].request_id, "audit-1");

    // Not even the database itself changes or removes an entry.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&h.db_url)
        .await
        .expect("the database");
    for sql in [
        "UPDATE audit SET detail = 'x'",
        "DELETE FROM audit",
        "DELETE FROM activations",
    ] {
        let refused = sqlx::query(sql).execute(&pool).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    pool.close().await;
}

/// One caller over its limits is refused; another is not held up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_token_limits_hold_one_caller_back_and_not_the_others() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let greedy = issue_token(&store, Role::Viewer, "", &[]).await;
    let patient = issue_token(&store, Role::Viewer, "", &[]).await;
    let options = ServeOptions {
        limits: jemput_auth::Limits {
            in_flight: 4,
            per_second: 0.5,
            burst: 3.0,
        },
        ..ServeOptions::default()
    };
    let (address, _stop) = start_registry_with(store, options).await;
    let connect = || async {
        Channel::from_shared(format!("http://{address}"))
            .unwrap()
            .connect()
            .await
            .unwrap()
    };
    let ask = |mut client: Client| async move {
        client
            .get_enrollment_gap(pb::GetEnrollmentGapRequest {
                region: DISTRICT.into(),
            })
            .await
    };
    let greedy_client = authed(connect().await, &greedy);
    for _ in 0..3 {
        ask(greedy_client.clone()).await.expect("within the burst");
    }
    let refused = ask(greedy_client).await.expect_err("over the rate");
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    ask(authed(connect().await, &patient))
        .await
        .expect("another token is not held back");
}
