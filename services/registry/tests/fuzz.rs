//! Random hostile batches and imports against a real registry over gRPC,
//! on SQLite and on PostgreSQL, a bounded number of cases each: every
//! rejection is INVALID_ARGUMENT or FAILED_PRECONDITION naming its fields,
//! and leaves the counts and the ledger exactly as they were; every
//! acceptance moves them by exactly what it carried.

mod common;

use common::{DISTRICT, Harness, bad_fields};
use jemput_proto::registry as pb;
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};
use tonic::Code;
use tonic_types::StatusExt;

on_both_engines!(hostile_writes_change_nothing_or_exactly_what_they_carry);

/// Cases per engine: enough to meet every kind of bad field, few enough
/// for CI.
const CASES: usize = 48;

fn village() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("regions/17.02.06.1015".to_string()),
        Just("regions/17.02.09.1012".to_string()),
        Just("regions/17.02.09".to_string()),
        Just("regions/17.02.99.9999".to_string()),
        "[a-z/0-9.\u{0}]{0,30}",
    ]
}

fn report() -> impl Strategy<Value = pb::ActivationReport> {
    (
        village(),
        prop_oneof![-2i64..600, Just(i64::MAX), Just(10_000_001i64)],
        prop_oneof![
            Just("2025-03-03".to_string()),
            Just("0001-01-01".to_string()),
            Just("9999-12-31".to_string()),
            "[0-9-]{0,12}",
        ],
        0i32..4,
        prop_oneof![Just("Tim 1".to_string()), "[a-zA-Z \u{0}]{0,8}"],
    )
        .prop_map(
            |(region, count, activation_date, channel, team)| pb::ActivationReport {
                region,
                count,
                activation_date,
                channel,
                team,
            },
        )
}

#[derive(Debug, Clone)]
enum Write {
    Record(pb::RecordActivationsRequest),
    Import(pb::ImportRegionsRequest),
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        prop::collection::vec(report(), 0..4).prop_map(|reports| {
            Write::Record(pb::RecordActivationsRequest {
                request_id: String::new(),
                reports,
            })
        }),
        prop::collection::vec(
            (
                village(),
                prop_oneof![-1i64..3000, Just(i64::MAX)],
                prop_oneof![-1i64..3000, Just(i64::MAX)]
            ),
            0..3
        )
        .prop_map(|rows| {
            Write::Import(pb::ImportRegionsRequest {
                request_id: String::new(),
                counts: rows
                    .into_iter()
                    .map(
                        |(region, ktp_el_recorded, ikd_activated)| pb::VillageCounts {
                            region,
                            ktp_el_recorded,
                            ikd_activated,
                        },
                    )
                    .collect(),
                validate_only: false,
            })
        }),
    ]
}

async fn ledger(h: &mut Harness) -> i64 {
    h.client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("the ledger sums")
        .into_inner()
        .total
}

async fn hostile_writes_change_nothing_or_exactly_what_they_carry(mut h: Harness) {
    // A fixed seed: a failure replays.
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = write();
    for case in 0..CASES {
        let write = strategy.new_tree(&mut runner).expect("a case").current();
        let villages = h.villages().await;
        let total = ledger(&mut h).await;
        let answer = match &write {
            Write::Record(request) => {
                let mut request = request.clone();
                request.request_id = format!("fuzz-{case}");
                h.client.record_activations(request).await.map(|r| {
                    let r = r.into_inner();
                    (r.activations, 0)
                })
            }
            Write::Import(request) => {
                let mut request = request.clone();
                request.request_id = format!("fuzz-{case}");
                h.client
                    .import_regions(request)
                    .await
                    .map(|r| (0, r.into_inner().updated))
            }
        };
        match answer {
            Ok((activations, _)) => {
                assert_eq!(ledger(&mut h).await, total + activations, "{write:?}");
            }
            Err(status) => {
                match status.code() {
                    Code::InvalidArgument => {
                        let fields = bad_fields(&status);
                        assert!(!fields.is_empty(), "{write:?}: {status:?}");
                        // Every problem is said in Indonesian too.
                        let violations = status
                            .get_error_details()
                            .bad_request()
                            .map(|b| b.field_violations.clone())
                            .unwrap_or_default();
                        for v in violations {
                            let said = v.localized_message.as_ref().map(|m| m.message.as_str());
                            assert!(
                                said.is_some_and(|m| !m.is_empty() && m != v.description),
                                "{write:?}: {} has no Indonesian",
                                v.field
                            );
                        }
                    }
                    Code::FailedPrecondition => {
                        let subjects = status
                            .get_error_details()
                            .precondition_failure()
                            .map_or(0, |p| p.violations.len());
                        assert!(subjects > 0, "{write:?}: {status:?}");
                    }
                    _ => panic!("{write:?}: {status:?}"),
                }
                let summary = status.get_error_details().localized_message().cloned();
                assert!(
                    summary.is_some_and(|m| m.locale == "id-ID" && !m.message.is_empty()),
                    "{write:?}: no Indonesian summary: {status:?}"
                );
                assert!(status.message().len() < 2000, "{write:?}");
                assert_eq!(h.villages().await, villages, "{write:?} changed counts");
                assert_eq!(ledger(&mut h).await, total, "{write:?} changed the ledger");
            }
        }
    }
}
