//! The `jemput-registry` process killed with SIGKILL while 8 clients write
//! with tokens, on SQLite and on PostgreSQL: after a restart every batch
//! that was acknowledged is there exactly as answered (a retry gets the
//! same batch number), none is there twice or in part, and retrying every
//! batch, answered or not, applies each exactly once.

mod common;

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use common::{Client, DISTRICT, authed, batch, report};
use jemput_proto::registry as pb;
use jemput_registry::testing::TestDb;
use tonic::transport::Channel;

const REGISTRY: &str = env!("CARGO_BIN_EXE_jemput-registry");
const WRITERS: u64 = 8;

/// Starts the registry binary on `database`; its address once it serves.
fn start(database: &str, dir: &Path) -> (Child, String) {
    let mut child = Command::new(REGISTRY)
        .args(["--listen", "127.0.0.1:0", "--database-url", database])
        .arg("--admin-token-file")
        .arg(dir.join("admin.token"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        // The log goes to stdout.
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start jemput-registry");
    let log = child.stdout.take().unwrap();
    let mut lines = BufReader::new(log).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the registry says where it serves")
            .unwrap();
        if let Some(at) = line.find("127.0.0.1:")
            && line.contains("registry serving")
        {
            let rest = &line[at..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
                .unwrap_or(rest.len());
            break rest[..end].to_string();
        }
    };
    // Keep reading its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, format!("http://{address}"))
}

async fn client(url: &str, token: &str) -> Client {
    let channel = Channel::from_shared(url.to_string())
        .unwrap()
        .connect()
        .await
        .expect("connect to the registry");
    authed(channel, token)
}

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

type Sent = Vec<(
    pb::RecordActivationsRequest,
    Option<pb::RecordActivationsResponse>,
)>;

async fn writer(
    mut client: Client,
    index: u64,
    villages: Arc<Vec<String>>,
    sent: Arc<Mutex<Sent>>,
    stop: Arc<AtomicBool>,
) {
    let mut random = XorShift(0x2545_f491_4f6c_dd1d ^ (index + 1));
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let reports = (0..=random.below(3))
            .map(|_| {
                let village = &villages[random.below(villages.len() as u64) as usize];
                report(
                    village,
                    1 + random.below(3) as i64,
                    "2025-03-03",
                    pb::Channel::MobileTeam,
                )
            })
            .collect();
        let request = batch(&format!("kill-{index}-{n}"), reports);
        n += 1;
        let answer = client.record_activations(request.clone()).await;
        let acknowledged = answer.as_ref().ok().map(|r| r.get_ref().clone());
        let failed = answer.is_err();
        sent.lock().unwrap().push((request, acknowledged));
        if failed {
            // The process is gone: this batch's fate is unknown.
            return;
        }
    }
}

async fn kill_9_loses_no_acknowledged_batch(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(db.url(), dir.path());
    let admin = std::fs::read_to_string(dir.path().join("admin.token"))
        .unwrap()
        .trim()
        .to_string();
    let mut first = client(&url, &admin).await;
    let before = first
        .get_enrollment_gap(pb::GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .ikd_activated;
    // Villages with plenty of room, so no batch is refused for its cap.
    let villages: Vec<String> = first
        .list_enrollment_gaps(pb::ListEnrollmentGapsRequest {
            parent: DISTRICT.into(),
            level: pb::RegionLevel::Village.into(),
            page_size: 1000,
            order_by: "name".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .gaps
        .into_iter()
        .filter(|g| g.ktp_el_recorded - g.ikd_activated > 1_000)
        .map(|g| g.region)
        .collect();
    assert!(villages.len() >= 3);
    let villages = Arc::new(villages);
    let sent: Arc<Mutex<Sent>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for index in 0..WRITERS {
        writers.push(tokio::spawn(writer(
            client(&url, &admin).await,
            index,
            villages.clone(),
            sent.clone(),
            stop.clone(),
        )));
    }
    // Let them write for a while, then kill the process mid-stream.
    let started = Instant::now();
    while sent.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).expect("SIGKILL");
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let sent = std::mem::take(&mut *sent.lock().unwrap());
    let acknowledged = sent.iter().filter(|(_, a)| a.is_some()).count();
    assert!(
        acknowledged >= 50,
        "only {acknowledged} batches got through"
    );

    let (mut child, url) = start(db.url(), dir.path());
    let mut again = client(&url, &admin).await;
    // Every acknowledged batch is there as answered: its retry replays the
    // very same answer (a lost batch would be applied anew, with a new
    // batch number and a different district gap).
    let mut total = 0;
    let mut batches = BTreeMap::new();
    for (request, answer) in &sent {
        let retried = again
            .record_activations(request.clone())
            .await
            .unwrap_or_else(|s| panic!("retry of {}: {s:?}", request.request_id))
            .into_inner();
        if let Some(answer) = answer {
            assert_eq!(
                &retried, answer,
                "{} changed across the kill",
                request.request_id
            );
        }
        assert!(batches.insert(retried.batch, &request.request_id).is_none());
        total += request.reports.iter().map(|r| r.count).sum::<i64>();
    }
    // Each batch, answered or not, is applied exactly once and whole: the
    // ledger and the counts agree with the sum of every batch sent.
    let ledger = again
        .summarize_activations(pb::SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .total;
    assert_eq!(ledger, total);
    let after = again
        .get_enrollment_gap(pb::GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .ikd_activated;
    assert_eq!(after, before + total);
    child.kill().unwrap();
    child.wait().unwrap();
    println!(
        "{} batches sent, {acknowledged} acknowledged before SIGKILL, all applied once",
        sent.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_kill_9_loses_no_acknowledged_batch() {
    kill_9_loses_no_acknowledged_batch(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_kill_9_loses_no_acknowledged_batch() {
    if let Some(db) = TestDb::postgres().await {
        kill_9_loses_no_acknowledged_batch(db).await;
    }
}
