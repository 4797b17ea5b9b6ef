//! What the dashboard's integration tests share: the registry on a fresh
//! SQLite database, the optimizer, and the dashboard, all on `127.0.0.1:0`; and
//! a few lines of HTTP/1.1 to talk to the dashboard without a client crate.

pub mod webdriver;

use std::net::SocketAddr;

use jemput_auth::Role;
use jemput_dashboard::Backends;
use jemput_optimizer::PlanStore;
use jemput_registry::testing::{ShutdownHandle, TestDb, issue_token, start_registry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Where browser tests put their screenshots: `JEMPUT_SCREENSHOTS`
/// (relative to the workspace root, e.g. `docs/screenshots`), else a folder
/// under the target directory.
pub fn screenshot_dir() -> std::path::PathBuf {
    use std::path::PathBuf;
    match std::env::var_os("JEMPUT_SCREENSHOTS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../..")
                    .join(dir)
            }
        }
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-screenshots"),
    }
}

/// A signed-in browser, as the dashboard's cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The three servers of one test; dropping it stops them.
pub struct Stack {
    pub dashboard: SocketAddr,
    pub registry: SocketAddr,
    /// An admin token of the registry.
    pub admin: String,
    /// The admin signed in to the dashboard.
    pub session: Session,
    pub store: jemput_registry::Store,
    _registry: ShutdownHandle,
    _stops: Vec<oneshot::Sender<()>>,
    _db: TestDb,
    _plans_db: TestDb,
}

impl Stack {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.dashboard)
    }
}

/// Starts the registry (seeded with Rejang Lebong), the optimizer (or the
/// stand-in) and the dashboard. Each listener is bound before it is served, so no waiting.
pub async fn start_stack() -> Stack {
    start_stack_answering(Vec::new()).await
}

/// As [`start_stack`], with a dashboard that also answers to `hosts` (a
/// relay in front of it, whose `host:port` the browser then sends).
pub async fn start_stack_answering(hosts: Vec<String>) -> Stack {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let admin = issue_token(&store, Role::Admin, "", &[]).await;
    let (registry, registry_handle) = start_registry(store.clone()).await;
    let registry_url = format!("http://{registry}");

    let planner_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let planner = planner_listener.local_addr().unwrap();
    let (stop_planner, planner_stopped) = oneshot::channel::<()>();
    let plans_db = TestDb::sqlite();
    let plans = PlanStore::open(plans_db.url())
        .await
        .expect("open the plan store");
    let optimizer_reads = registry_url.clone();
    tokio::spawn(async move {
        jemput_optimizer::serve(
            planner_listener,
            &optimizer_reads,
            plans,
            jemput_optimizer::ServeOptions::default(),
            async {
                let _ = planner_stopped.await;
            },
        )
        .await
        .expect("the optimizer serves");
    });

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dashboard = listener.local_addr().unwrap();
    let (stop_dashboard, dashboard_stopped) = oneshot::channel::<()>();
    let backends = Backends {
        registry: registry_url,
        optimizer: format!("http://{planner}"),
        ca: None,
    };
    tokio::spawn(async move {
        jemput_dashboard::serve(
            listener,
            backends,
            jemput_dashboard::Options {
                hosts,
                ..Default::default()
            },
            async {
                let _ = dashboard_stopped.await;
            },
        )
        .await
        .unwrap();
    });
    let session = sign_in(dashboard, &admin)
        .await
        .expect("the admin signs in");
    Stack {
        dashboard,
        registry,
        admin,
        session,
        store,
        _registry: registry_handle,
        _stops: vec![stop_planner, stop_dashboard],
        _db: db,
        _plans_db: plans_db,
    }
}

/// An HTTP response: status, headers (lower-case names) and body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

/// Signs in with `token` as the login form does: the session, or `None`
/// if the dashboard refused (it then redirects back to /login?error=…).
pub async fn sign_in(address: SocketAddr, token: &str) -> Option<Session> {
    let origin = format!("http://{address}");
    let reply = raw(
        address,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\ntoken={token}",
            "token=".len() + token.len()
        ),
    )
    .await;
    let cookie = reply.header("set-cookie")?.split(';').next()?.to_owned();
    let mut session = Session {
        cookie,
        csrf: String::new(),
    };
    let info = http(address, "GET", "/api/session", None, Some(&session)).await;
    session.csrf = info.json()["csrf_token"].as_str()?.to_owned();
    Some(session)
}

/// One request over a fresh connection (`Connection: close`), as the
/// dashboard's own page makes it: with the session's cookie and, for a
/// write, its CSRF token and the dashboard's origin.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    session: Option<&Session>,
) -> Reply {
    let body = body.unwrap_or("");
    let mut extra = String::new();
    if let Some(session) = session {
        extra.push_str(&format!("Cookie: {}\r\n", session.cookie));
        if method != "GET" {
            extra.push_str(&format!(
                "X-CSRF-Token: {}\r\nOrigin: http://{address}\r\n",
                session.csrf
            ));
        }
    }
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw(address, &request).await
}

/// Sends `request` as written and reads the whole reply.
pub async fn raw(address: SocketAddr, request: &str) -> Reply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// A GET as the signed-in admin.
pub async fn get(stack: &Stack, path: &str) -> Reply {
    http(stack.dashboard, "GET", path, None, Some(&stack.session)).await
}

/// A JSON POST as the signed-in admin, from the dashboard's own page.
pub async fn post(stack: &Stack, path: &str, body: &serde_json::Value) -> Reply {
    http(
        stack.dashboard,
        "POST",
        path,
        Some(&body.to_string()),
        Some(&stack.session),
    )
    .await
}
