//! Many clients writing at once, on SQLite and on PostgreSQL: every accepted
//! activation is counted exactly once, retries (sequential and racing) are
//! applied once, invalid batches change nothing, and a nearly full village
//! never goes past its recorded KTP-el.

mod common;

use common::{Client, DISTRICT, Harness, batch, report};
use jemput_proto::registry as pb;
use tonic::Code;

const CLIENTS: u64 = 8;
const BATCHES_PER_CLIENT: u64 = 200;
/// A village given room for only this many more activations, which every
/// client keeps aiming at.
const HOT_VILLAGE: &str = "regions/17.02.06.1015";
const HOT_ROOM: i64 = 50;

on_both_engines!(concurrent_clients_are_counted_exactly_once);

/// A small deterministic generator, so a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What one client saw accepted.
#[derive(Default)]
struct Tally {
    activations: i64,
    hot_activations: i64,
    rejected_invalid: u32,
    rejected_full: u32,
    retries: u32,
}

async fn one_client(mut client: Client, index: u64, villages: Vec<String>) -> Tally {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15 ^ (index + 1));
    let mut tally = Tally::default();
    for n in 0..BATCHES_PER_CLIENT {
        let mut reports = Vec::new();
        for _ in 0..=random.below(2) {
            let village = &villages[random.below(villages.len() as u64) as usize];
            let day = 1 + random.below(28);
            let channel = if random.below(2) == 0 {
                pb::Channel::Office
            } else {
                pb::Channel::MobileTeam
            };
            reports.push(report(
                village,
                1 + random.below(3) as i64,
                &format!("2025-01-{day:02}"),
                channel,
            ));
        }
        if n % 3 == 0 {
            reports.push(report(
                HOT_VILLAGE,
                1,
                "2025-01-15",
                pb::Channel::MobileTeam,
            ));
        }
        let invalid = n % 10 == 9;
        if invalid {
            reports[0].count = 0;
        }
        let request = batch(&format!("client-{index}-batch-{n}"), reports);
        let batch_total: i64 = request.reports.iter().map(|r| r.count).sum();
        let hot_total: i64 = request
            .reports
            .iter()
            .filter(|r| r.region == HOT_VILLAGE)
            .map(|r| r.count)
            .sum();

        let (first, racing) = if n % 7 == 0 {
            // Two copies in flight at once, as from a client that timed out
            // and resent.
            let mut twin = client.clone();
            let (a, b) = tokio::join!(
                client.record_activations(request.clone()),
                twin.record_activations(request.clone())
            );
            (a, Some(b))
        } else {
            (client.record_activations(request.clone()).await, None)
        };
        let retried = match (n % 5 == 0, racing) {
            (_, Some(racing)) => Some(racing),
            (true, None) => Some(client.record_activations(request.clone()).await),
            (false, None) => None,
        };
        match &first {
            Ok(response) => {
                assert!(!invalid, "an invalid batch was accepted");
                assert_eq!(response.get_ref().activations, batch_total);
                tally.activations += batch_total;
                tally.hot_activations += hot_total;
            }
            Err(status) if status.code() == Code::InvalidArgument => {
                assert!(invalid, "a valid batch was refused: {status:?}");
                tally.rejected_invalid += 1;
            }
            Err(status) if status.code() == Code::FailedPrecondition => {
                assert!(
                    hot_total > 0,
                    "only the hot village can fill up: {status:?}"
                );
                tally.rejected_full += 1;
            }
            Err(status) => panic!("unexpected failure: {status:?}"),
        }
        if let Some(retried) = retried {
            tally.retries += 1;
            match (&first, &retried) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.get_ref(), b.get_ref(), "a retry gets the same answer")
                }
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                // Racing copies of a batch that the hot village could only
                // just take: one applied, the other replayed its answer.
                (a, b) => panic!("retry disagreed: {a:?} vs {b:?}"),
            }
        }
    }
    tally
}

async fn concurrent_clients_are_counted_exactly_once(mut h: Harness) {
    h.client
        .import_regions(pb::ImportRegionsRequest {
            request_id: "make-room-small".into(),
            counts: vec![pb::VillageCounts {
                region: HOT_VILLAGE.into(),
                ktp_el_recorded: 480,
                ikd_activated: 480 - HOT_ROOM,
            }],
            validate_only: false,
        })
        .await
        .expect("import");
    let before = h.gap(DISTRICT).await;
    let villages: Vec<String> = h
        .villages()
        .await
        .into_iter()
        .map(|g| g.region)
        .filter(|name| name != HOT_VILLAGE)
        .collect();

    let mut clients = Vec::new();
    for index in 0..CLIENTS {
        // One token per client, as eight devices would have: the per-token
        // limits are not what this test measures.
        let token = h.token(jemput_auth::Role::Planner, "", &[]).await;
        let client = common::authed(h.channel().await, &token);
        clients.push(tokio::spawn(one_client(client, index, villages.clone())));
    }
    let mut total = Tally::default();
    for client in clients {
        let tally = client.await.expect("a client task");
        total.activations += tally.activations;
        total.hot_activations += tally.hot_activations;
        total.rejected_invalid += tally.rejected_invalid;
        total.rejected_full += tally.rejected_full;
        total.retries += tally.retries;
    }

    let after = h.gap(DISTRICT).await;
    assert_eq!(
        after.ikd_activated,
        before.ikd_activated + total.activations
    );
    let ledger = h
        .client
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .expect("summary")
        .into_inner();
    assert_eq!(
        ledger.total, total.activations,
        "the ledger agrees with the counts"
    );

    let hot = h.gap(HOT_VILLAGE).await;
    assert_eq!(hot.ikd_activated, 480, "the hot village is exactly full");
    assert_eq!(total.hot_activations, HOT_ROOM);
    assert!(
        total.rejected_full > 0,
        "the cap was reached under contention"
    );
    assert_eq!(
        u64::from(total.rejected_invalid),
        CLIENTS * BATCHES_PER_CLIENT / 10
    );
    assert!(total.retries > 0);
}
