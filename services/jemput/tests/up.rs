//! The `jemput` binary as a person runs it: `jemput up` on a fresh data
//! directory starts, seeds, answers over gRPC, serves `jemput gaps` and
//! `jemput record` from other processes, stops cleanly on SIGTERM, and
//! keeps the ledger across a restart.

use std::{
    fs::{self, File},
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use jemput_proto::registry::{
    GetEnrollmentGapRequest, registry_service_client::RegistryServiceClient,
};
use jemput_registry::testing::TestDb;
use serde_json::Value;

const JEMPUT: &str = env!("CARGO_BIN_EXE_jemput");

/// A `jemput up` process and what it printed when ready.
struct Up {
    child: Child,
    summary: Value,
    stderr: PathBuf,
}

impl Up {
    /// Starts `jemput up --json` on a free port and waits for its summary line.
    fn start(data_dir: &Path, database_url: Option<&str>) -> Up {
        // Kept in a file, to show with a failure; a pipe nobody reads could fill up.
        let stderr = data_dir.join(format!("up-{}.log", std::process::id()));
        let log = File::options()
            .create(true)
            .append(true)
            .open(&stderr)
            .unwrap();
        let mut command = Command::new(JEMPUT);
        command
            .args(["up", "--json", "--registry-listen", "127.0.0.1:0"])
            .env("JEMPUT_DATA_DIR", data_dir)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        let mut child = command.spawn().expect("start jemput up");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        // `up` prints its summary once the registry listens and has answered.
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the summary");
        let summary: Value = serde_json::from_str(&line).unwrap_or_else(|err| {
            panic!(
                "summary is not JSON ({err}): {line:?}\n{}",
                fs::read_to_string(&stderr).unwrap_or_default()
            )
        });
        Up {
            child,
            summary,
            stderr,
        }
    }

    fn registry_url(&self) -> String {
        let services = self.summary["services"].as_array().expect("services");
        let registry = services
            .iter()
            .find(|s| s["name"] == "registry")
            .expect("the registry runs");
        registry["url"].as_str().unwrap().to_string()
    }

    /// Sends SIGTERM and waits for a clean exit.
    async fn terminate(mut self) {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("send SIGTERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "jemput up exited with {status}:\n{}",
                    fs::read_to_string(&self.stderr).unwrap_or_default()
                );
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("jemput up did not stop within 20 s of SIGTERM");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        // Only after a failed assertion is it still running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn jemput(registry_url: &str, args: &[&str]) -> Output {
    Command::new(JEMPUT)
        .args(args)
        .env("JEMPUT_REGISTRY", registry_url)
        .output()
        .expect("run jemput")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "jemput failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

async fn district_gap(registry_url: &str) -> i64 {
    let mut client = RegistryServiceClient::connect(registry_url.to_string())
        .await
        .expect("connect to the registry jemput up started");
    client
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: "regions/17.02".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .gap
}

/// Starts, queries, records, stops, restarts and checks the record stayed.
async fn up_serves_and_keeps_the_ledger(data_dir: &Path, database_url: Option<&str>) {
    let up = Up::start(data_dir, database_url);
    assert_eq!(up.summary["district"]["gap"], 50_421);
    assert_eq!(up.summary["district"]["ktp_el_recorded"], 202_820);
    assert_eq!(up.summary["largest_gaps"].as_array().unwrap().len(), 5);
    let url = up.registry_url();
    assert_eq!(district_gap(&url).await, 50_421);

    let gaps = stdout(&jemput(&url, &["gaps"]));
    assert!(gaps.contains("15 kecamatan"), "{gaps}");
    assert!(gaps.contains("50.421"), "{gaps}");
    let curup = stdout(&jemput(&url, &["gaps", "17.02.09", "--order", "name"]));
    assert!(curup.contains("Talang Benih"), "{curup}");

    let recorded = stdout(&jemput(
        &url,
        &[
            "record",
            "--village",
            "17.02.09.1033",
            "--count",
            "100",
            "--team",
            "Tim 1",
            "--json",
        ],
    ));
    let recorded: Value = serde_json::from_str(&recorded).unwrap();
    assert_eq!(recorded["district_gap"]["gap"], 50_321);
    up.terminate().await;

    let again = Up::start(data_dir, database_url);
    assert_eq!(
        again.summary["district"]["gap"], 50_321,
        "the ledger survives a restart and the seed is not applied twice"
    );
    again.terminate().await;
}

// Multi-threaded, so the test's own gRPC connections close while it waits:
// a draining server waits for its clients to hang up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_on_the_embedded_sqlite_file() {
    let data_dir = tempfile::tempdir().unwrap();
    up_serves_and_keeps_the_ledger(data_dir.path(), None).await;
    assert!(
        data_dir.path().join("jemput.db").exists(),
        "the database is kept under JEMPUT_DATA_DIR"
    );
}

// Multi-threaded, so the test's own gRPC connections close while it waits:
// a draining server waits for its clients to hang up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_on_postgresql() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let data_dir = tempfile::tempdir().unwrap();
    up_serves_and_keeps_the_ledger(data_dir.path(), Some(db.url())).await;
}

#[test]
fn a_command_without_a_registry_says_how_to_start_one() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let output = jemput(&url, &["gaps"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        format!("error: cannot reach the registry at {url}: is `jemput up` running?")
    );

    let output = jemput(&url, &["gaps", "--json"]);
    let error: Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "unreachable");
}

#[test]
fn a_typo_in_a_region_is_caught_before_any_call() {
    let output = jemput("http://127.0.0.1:1", &["gaps", "17-02-09"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a region"), "{stderr}");
}
