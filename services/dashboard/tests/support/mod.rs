//! What the dashboard's integration tests share: the registry on a fresh
//! SQLite database, the optimizer and the dashboard, all on `127.0.0.1:0`;
//! requests made as the dashboard's own page makes them; and a browser.

pub mod browser;

use std::net::SocketAddr;
use std::path::PathBuf;

use jemput_auth::{Role, server::ServerHandle};
use jemput_registry::testing::{TestDb, issue_token, start_registry};
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, ORIGIN};
use tokio::net::TcpListener;

/// Where browser tests put their screenshots: `JEMPUT_SCREENSHOTS`
/// (relative to the workspace root, e.g. `docs/screenshots`), else a folder
/// under the target directory.
pub fn screenshot_dir() -> PathBuf {
    match std::env::var_os("JEMPUT_SCREENSHOTS") {
        // Joining an absolute path replaces the root.
        Some(dir) => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(dir),
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
    /// An admin token of the registry, signed in to the dashboard as `session`.
    pub admin: String,
    pub session: Session,
    pub store: jemput_registry::Store,
    _running: (
        ServerHandle<jemput_registry::RegistryError>,
        ServerHandle<jemput_optimizer::OptimizerError>,
        tokio::sync::watch::Sender<()>,
        [TestDb; 2],
    ),
}

impl Stack {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.dashboard)
    }
}

/// Starts the registry (seeded with Rejang Lebong), the optimizer and the
/// dashboard. Each listener is bound before it is served, so no waiting.
pub async fn start_stack() -> Stack {
    start_stack_answering(Vec::new()).await
}

/// As [`start_stack`], with a dashboard that also answers to `hosts` (a
/// relay in front of it, whose `host:port` the browser then sends).
pub async fn start_stack_answering(hosts: Vec<String>) -> Stack {
    let dbs = [TestDb::sqlite(), TestDb::sqlite()];
    let store = dbs[0].open().await;
    let admin = issue_token(&store, Role::Admin, "", &[]).await;
    let (registry, registry_handle) = start_registry(store.clone()).await;
    let plans = jemput_optimizer::PlanStore::open(dbs[1].url())
        .await
        .unwrap();
    let registry_url = format!("http://{registry}");
    let (planner, planner_handle) =
        jemput_optimizer::testing::start_optimizer(&registry_url, plans).await;
    let backends = jemput_dashboard::Backends {
        registry: registry_url,
        optimizer: format!("http://{planner}"),
        ca: None,
    };
    // The dashboard stops when the sender (kept in the stack) is dropped.
    let (stop, mut stopped) = tokio::sync::watch::channel(());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dashboard = listener.local_addr().unwrap();
    let options = jemput_dashboard::Options {
        hosts,
        ..Default::default()
    };
    tokio::spawn(jemput_dashboard::serve(
        listener,
        backends,
        options,
        async move { while stopped.changed().await.is_ok() {} },
    ));
    let session = sign_in(dashboard, &admin)
        .await
        .expect("the admin signs in");
    let _running = (registry_handle, planner_handle, stop, dbs);
    Stack {
        dashboard,
        registry,
        admin,
        session,
        store,
        _running,
    }
}

/// An HTTP response, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// Sends `request` as built, redirects not followed, and reads the reply.
pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("an answer");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.bytes().await.expect("the body").to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A request to the dashboard at `address`, redirects not followed.
pub fn request(
    method: reqwest::Method,
    address: SocketAddr,
    path: &str,
) -> reqwest::RequestBuilder {
    // In a whole-workspace build reqwest has rustls without a provider (the
    // TLS test brings its own): give it ring, as every server here uses.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    client
        .build()
        .unwrap()
        .request(method, format!("http://{address}{path}"))
}

/// The login form's POST of `token`, from the dashboard's own page.
pub fn login(address: SocketAddr, token: &str) -> reqwest::RequestBuilder {
    request(reqwest::Method::POST, address, "/login")
        .header(ORIGIN, format!("http://{address}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
}

/// Signs in with `token` as the login form does: the session, or `None`
/// if the dashboard refused (it then redirects back to /login?error=…).
pub async fn sign_in(address: SocketAddr, token: &str) -> Option<Session> {
    let reply = send(login(address, token)).await;
    let cookie = reply.header("set-cookie")?.split(';').next()?.to_owned();
    let mut session = Session {
        cookie,
        csrf: String::new(),
    };
    let info = http(address, "GET", "/api/session", None, Some(&session)).await;
    session.csrf = info.json()["csrf_token"].as_str()?.to_owned();
    Some(session)
}

/// One request as the dashboard's own page makes it: with the session's
/// cookie and, for a write, its CSRF token and the dashboard's origin.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    session: Option<&Session>,
) -> Reply {
    let method: reqwest::Method = method.parse().unwrap();
    let mut request = request(method.clone(), address, path)
        .header(CONTENT_TYPE, "application/json")
        .body(body.unwrap_or_default().to_owned());
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
        if method != reqwest::Method::GET {
            let origin = format!("http://{address}");
            request = request
                .header("x-csrf-token", &session.csrf)
                .header(ORIGIN, origin);
        }
    }
    send(request).await
}

/// A GET as the signed-in admin.
pub async fn get(stack: &Stack, path: &str) -> Reply {
    http(stack.dashboard, "GET", path, None, Some(&stack.session)).await
}

/// A JSON POST as the signed-in admin, from the dashboard's own page.
pub async fn post(stack: &Stack, path: &str, body: &serde_json::Value) -> Reply {
    let body = body.to_string();
    http(
        stack.dashboard,
        "POST",
        path,
        Some(&body),
        Some(&stack.session),
    )
    .await
}
