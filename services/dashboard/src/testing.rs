//! The whole stack for tests, behind the `testing` feature: the registry on
//! a fresh, seeded SQLite database, the optimizer and the dashboard, all on
//! `127.0.0.1:0`, with an admin signed in; requests made as the dashboard's
//! own page makes them; and a headless browser ([`browser`]).

pub mod browser;

use std::net::SocketAddr;

use jemput_auth::{Role, server::ServerHandle};
use jemput_optimizer::{OptimizerError, PlanStore, testing::start_optimizer};
use jemput_registry::testing::{TestDb, issue_token, start_registry};
use jemput_registry::{RegistryError, Store};
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, ORIGIN};
use reqwest::{Method, RequestBuilder};

use crate::{Backends, CSRF_HEADER, DashboardError, Options, serve};

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
    pub store: Store,
    _servers: (
        ServerHandle<DashboardError>,
        ServerHandle<OptimizerError>,
        ServerHandle<RegistryError>,
    ),
    // Declared last, so dropped after the servers that use them.
    _dbs: [TestDb; 2],
}

impl Stack {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.dashboard)
    }
}

/// Starts the registry (seeded with Rejang Lebong), the optimizer and the
/// dashboard, and signs the admin in. Each listener is bound before it is
/// served, so nothing waits.
pub async fn start_stack() -> Stack {
    start_stack_answering(Vec::new()).await
}

/// As [`start_stack`], with a dashboard that also answers to `hosts` (a
/// relay in front of it, whose `host:port` the browser then sends).
pub async fn start_stack_answering(hosts: Vec<String>) -> Stack {
    let dbs = [TestDb::sqlite(), TestDb::sqlite()];
    let store = dbs[0].open().await;
    let admin = issue_token(&store, Role::Admin, "", &[]).await;
    let (registry, registry_served) = start_registry(store.clone()).await;
    let plans = PlanStore::open(dbs[1].url()).await.expect("the plan store");
    let registry_url = format!("http://{registry}");
    let (planner, planner_served) = start_optimizer(&registry_url, plans).await;
    let backends = Backends {
        registry: registry_url,
        optimizer: format!("http://{planner}"),
        ca: None,
    };
    let options = Options {
        hosts,
        ..Default::default()
    };
    let (dashboard, dashboard_served) = start_dashboard(backends, options).await;
    let session = sign_in(dashboard, &admin)
        .await
        .expect("the admin signs in");
    Stack {
        dashboard,
        registry,
        admin,
        session,
        store,
        _servers: (dashboard_served, planner_served, registry_served),
        _dbs: dbs,
    }
}

/// Serves the dashboard on `127.0.0.1:0` in front of `backends`; it stops
/// when the handle is dropped.
pub async fn start_dashboard(
    backends: Backends,
    options: Options,
) -> (SocketAddr, ServerHandle<DashboardError>) {
    ServerHandle::spawn_on_loopback(|listener, stopped| serve(listener, backends, options, stopped))
        .await
        .expect("bind 127.0.0.1:0")
}

/// An HTTP response, read whole, so a test can look at it more than once.
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

/// Sends `request` as built and reads the reply.
pub async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("an answer");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("the body").to_vec(),
    }
}

/// A request to the dashboard at `address`, redirects not followed (the
/// tests look at them).
pub fn request(method: Method, address: SocketAddr, path: &str) -> RequestBuilder {
    // In a whole-workspace build reqwest has rustls without a provider (the
    // TLS test brings its own): give it ring, as every server here uses.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    let client = client.build().expect("an HTTP client");
    client.request(method, format!("http://{address}{path}"))
}

/// The login form's POST of `token`, from the dashboard's own page.
pub fn login(address: SocketAddr, token: &str) -> RequestBuilder {
    request(Method::POST, address, "/login")
        .header(ORIGIN, format!("http://{address}"))
        .form(&[("token", token)])
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

/// A request as the dashboard's own page makes it: with the session's
/// cookie and, for a write, its CSRF token and the dashboard's origin.
fn from_page(
    method: Method,
    address: SocketAddr,
    path: &str,
    session: Option<&Session>,
) -> RequestBuilder {
    let write = method != Method::GET;
    let mut request = request(method, address, path);
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
        if write {
            request = request
                .header(CSRF_HEADER, &session.csrf)
                .header(ORIGIN, format!("http://{address}"));
        }
    }
    request
}

/// One request from the dashboard's own page, `body` sent as JSON.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    session: Option<&Session>,
) -> Reply {
    let method = method.parse().expect("an HTTP method");
    let request = from_page(method, address, path, session)
        .header(CONTENT_TYPE, "application/json")
        .body(body.unwrap_or_default().to_owned());
    send(request).await
}

/// A GET as the signed-in admin.
pub async fn get(stack: &Stack, path: &str) -> Reply {
    send(from_page(
        Method::GET,
        stack.dashboard,
        path,
        Some(&stack.session),
    ))
    .await
}

/// A JSON POST as the signed-in admin, from the dashboard's own page.
pub async fn post(stack: &Stack, path: &str, body: &serde_json::Value) -> Reply {
    let request = from_page(Method::POST, stack.dashboard, path, Some(&stack.session));
    send(request.json(body)).await
}
