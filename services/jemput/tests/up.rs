//! The `jemput` binary as a person runs it: `jemput up` on a fresh data
//! directory starts, seeds, answers over gRPC, plans on its optimizer,
//! serves the dashboard, serves `jemput gaps` and `jemput record` from
//! other processes, stops cleanly on SIGTERM, and keeps the ledger across a
//! restart.

use std::{
    fs::{self, File},
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use jemput_proto::optimizer::{
    CreatePlanRequest, PlanParameters, planner_service_client::PlannerServiceClient,
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
            .args(["up", "--json"])
            .args(["--registry-listen", "127.0.0.1:0"])
            .args(["--optimizer-listen", "127.0.0.1:0"])
            .args(["--dashboard-listen", "127.0.0.1:0"])
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

    fn url(&self, name: &str) -> String {
        let services = self.summary["services"].as_array().expect("services");
        let service = services
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("the {name} runs: {}", self.summary));
        service["url"].as_str().unwrap().to_string()
    }

    fn registry_url(&self) -> String {
        self.url("registry")
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

/// Runs `jemput` as a person on the machine would: the data directory is
/// where `jemput up` keeps admin.token, and no JEMPUT_TOKEN is set.
fn jemput(registry_url: &str, args: &[&str]) -> Output {
    jemput_in(registry_url, None, args)
}

fn jemput_in(registry_url: &str, data_dir: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(JEMPUT);
    command
        .args(args)
        .env("JEMPUT_REGISTRY", registry_url)
        .env_remove("JEMPUT_TOKEN");
    match data_dir {
        Some(dir) => command.env("JEMPUT_DATA_DIR", dir),
        // Nowhere with a token.
        None => command.env("JEMPUT_DATA_DIR", "/nonexistent/jemput"),
    };
    command.output().expect("run jemput")
}

fn url_of(up: &Up) -> String {
    up.registry_url()
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

/// A GET of the dashboard at `base_url`, with the session `cookie` if
/// any; redirects are answers here, not followed.
async fn http_get(base_url: &str, path: &str, cookie: Option<&str>) -> reqwest::Response {
    // In a whole-workspace build reqwest has rustls without a provider (the
    // TLS test brings its own): give it ring, as every server here uses.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(format!("{}{path}", base_url.trim_end_matches('/')));
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    request.send().await.expect("the dashboard answers")
}

/// The status, a header (empty if absent) and the body of `response`.
async fn read(response: reqwest::Response, name: &str) -> (u16, String, String) {
    let status = response.status().as_u16();
    let header = response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.expect("the body");
    (status, header.unwrap_or_default(), body)
}

/// The optimizer `up` runs plans against the registry `up` runs, and the
/// dashboard serves its page and the registry's numbers.
async fn up_plans_and_serves_the_dashboard(up: &Up, admin: &str) {
    let channel = tonic::transport::Channel::from_shared(up.url("optimizer"))
        .unwrap()
        .connect()
        .await
        .expect("connect to the optimizer jemput up started");
    let mut planner = PlannerServiceClient::with_interceptor(
        channel,
        jemput_auth::BearerInterceptor::new(admin).unwrap(),
    )
    .max_decoding_message_size(jemput_proto::MAX_MESSAGE_BYTES);
    let plan = planner
        .create_plan(CreatePlanRequest {
            region: "regions/17.02".into(),
            parameters: Some(PlanParameters {
                budget_rupiah: 250_000_000,
                teams: Some(4),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("a plan")
        .into_inner();
    let summary = plan.summary.expect("a summary");
    assert!(summary.reaches_target, "{}", summary.message);
    assert_eq!(summary.gap_at_start, 50_421);
    assert_eq!(plan.teams.len(), 4);

    let dashboard = up.url("dashboard");
    assert_eq!(up.summary["dashboard"], dashboard.as_str());
    // Without a session the dashboard asks to sign in; the link `up`
    // printed signs in once.
    let (status, location, _) = read(http_get(&dashboard, "/", None).await, "location").await;
    assert_eq!((status, location.as_str()), (303, "/login"));
    let sign_in = up.summary["sign_in"].as_str().expect("a sign-in link");
    let path = sign_in
        .strip_prefix(dashboard.trim_end_matches('/'))
        .unwrap();
    let (status, cookie, page) = read(http_get(&dashboard, path, None).await, "set-cookie").await;
    assert_eq!(status, 200, "{page}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("jemput_session="), "{cookie}");
    let (status, location, _) = read(http_get(&dashboard, path, None).await, "location").await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/login?error=used"),
        "the link works once"
    );
    let page = http_get(&dashboard, "/", Some(&cookie)).await;
    let (status, content_type, page) = read(page, "content-type").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(page.to_ascii_lowercase().contains("<html"), "{page}");

    let gaps = http_get(&dashboard, "/api/gaps", Some(&cookie)).await;
    let (status, content_type, gaps) = read(gaps, "content-type").await;
    assert_eq!(status, 200, "{gaps}");
    assert!(content_type.starts_with("application/json"));
    let gaps: Value = serde_json::from_str(&gaps).expect("JSON gaps");
    assert_eq!(gaps["district"]["gap"], 50_421, "{gaps}");
}

async fn district_gap(registry_url: &str, token: Option<&str>) -> Result<i64, tonic::Status> {
    let channel = tonic::transport::Channel::from_shared(registry_url.to_string())
        .unwrap()
        .connect()
        .await
        .expect("connect to the registry jemput up started");
    let interceptor = match token {
        Some(token) => jemput_auth::BearerInterceptor::new(token).unwrap(),
        None => jemput_auth::BearerInterceptor::anonymous(),
    };
    let mut client = RegistryServiceClient::with_interceptor(channel, interceptor);
    Ok(client
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: "regions/17.02".into(),
        })
        .await?
        .into_inner()
        .gap)
}

/// The admin token `jemput up` keeps, checked to be readable by its owner only.
fn admin_token(data_dir: &Path) -> String {
    let path = data_dir.join("admin.token");
    let metadata = fs::metadata(&path).expect("jemput up made admin.token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            metadata.permissions().mode() & 0o777,
            0o600,
            "admin.token is private"
        );
    }
    let _ = metadata;
    fs::read_to_string(path).unwrap().trim().to_string()
}

/// Starts, queries, records, stops, restarts and checks the record stayed.
async fn up_serves_and_keeps_the_ledger(data_dir: &Path, database_url: Option<&str>) {
    let up = Up::start(data_dir, database_url);
    assert_eq!(up.summary["district"]["gap"], 50_421);
    assert_eq!(up.summary["district"]["ktp_el_recorded"], 202_820);
    assert_eq!(up.summary["largest_gaps"].as_array().unwrap().len(), 5);
    let url = up.registry_url();
    let admin = admin_token(data_dir);
    assert_eq!(district_gap(&url, Some(&admin)).await.unwrap(), 50_421);
    let anonymous = district_gap(&url, None).await.unwrap_err();
    assert_eq!(anonymous.code(), tonic::Code::Unauthenticated);
    up_plans_and_serves_the_dashboard(&up, &admin).await;

    // The commands find admin.token in the data directory by themselves.
    let gaps = stdout(&jemput_in(&url, Some(data_dir), &["gaps"]));
    assert!(gaps.contains("15 kecamatan"), "{gaps}");
    assert!(gaps.contains("50.421"), "{gaps}");
    let curup = stdout(&jemput_in(
        &url,
        Some(data_dir),
        &["gaps", "17.02.09", "--order", "name"],
    ));
    assert!(curup.contains("Talang Benih"), "{curup}");
    // Without a token the registry refuses, and the command says what to do.
    let refused = jemput(&url, &["gaps"]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("UNAUTHENTICATED") && said.contains("JEMPUT_TOKEN"),
        "{said}"
    );

    let recorded = stdout(&jemput_in(
        &url,
        Some(data_dir),
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

    // Tokens: made, listed, used through JEMPUT_TOKEN, revoked.
    let made = stdout(&jemput_in(
        &url,
        Some(data_dir),
        &[
            "token",
            "create",
            "--role",
            "viewer",
            "--name",
            "wall screen",
            "--json",
        ],
    ));
    let made: Value = serde_json::from_str(&made).unwrap();
    assert_eq!(made["role"], "viewer");
    let viewer = made["token"].as_str().unwrap().to_string();
    let name = made["name"].as_str().unwrap().to_string();
    let listed = stdout(&jemput_in(
        &url,
        Some(data_dir),
        &["token", "list", "--json"],
    ));
    assert!(listed.contains(&name), "{listed}");
    assert!(!listed.contains(&viewer), "secrets are never listed");
    let as_viewer = |args: &[&str]| {
        Command::new(JEMPUT)
            .args(args)
            .env("JEMPUT_REGISTRY", &url)
            .env("JEMPUT_DATA_DIR", data_dir)
            .env("JEMPUT_TOKEN", &viewer)
            .output()
            .unwrap()
    };
    assert!(stdout(&as_viewer(&["gaps"])).contains("50.321"));
    let denied = as_viewer(&["target", "17.02", "40%"]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&denied.stderr).contains("PERMISSION_DENIED"),
        "a viewer may not set targets"
    );
    stdout(&jemput_in(
        &url,
        Some(data_dir),
        &["token", "revoke", &name],
    ));
    let revoked = as_viewer(&["gaps"]);
    assert!(
        String::from_utf8_lossy(&revoked.stderr).contains("UNAUTHENTICATED"),
        "a revoked token is refused at once"
    );
    up.terminate().await;

    let again = Up::start(data_dir, database_url);
    assert_eq!(
        again.summary["district"]["gap"], 50_321,
        "the ledger survives a restart and the seed is not applied twice"
    );
    assert_eq!(admin_token(data_dir), admin, "the admin token is kept");
    let optimizer = again.url("optimizer");
    let audit = stdout(&jemput_in(
        &url_of(&again),
        Some(data_dir),
        &["audit", "--json", "--optimizer", &optimizer],
    ));
    let audit: Value = serde_json::from_str(&audit).unwrap();
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["record_activations", "create_plan", "create_token"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
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
    assert!(
        data_dir.path().join("plans.db").exists(),
        "the optimizer keeps its plans in a database of its own"
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
