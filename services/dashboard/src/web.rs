//! Who may use the dashboard, and the guards in front of every request.
//!
//! - Sign-in: a token (checked by asking the registry's `GetCaller`) or the
//!   one-time link `jemput up` prints, like Jupyter's token URL. Either
//!   makes a server-side session; the browser holds only a random session
//!   id in an HttpOnly, SameSite=Strict cookie, so page scripts never see
//!   the token.
//! - Every request: its `Host` must be one the dashboard serves (DNS
//!   rebinding cannot reach it under another name); a write (any method but
//!   GET/HEAD) must come from the dashboard's own origin and carry the
//!   session's CSRF token in `x-csrf-token`; pages and the API need a
//!   session (pages redirect to /login, the API answers 401).
//! - Every response: a CSP without inline script, X-Frame-Options DENY,
//!   nosniff, and a referrer only to the dashboard itself (a sign-in link
//!   must not leak to another site; `no-referrer` would also make the
//!   browser send `Origin: null` on the dashboard's own writes).
//!
//! The backend calls a handler makes carry its session's token: the
//! session is set as a task-local for the handler's future, so the one
//! helper that builds gRPC requests adds it (see `api::request`).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Form, Router,
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use jemput_auth::{Caller, token};
use jemput_proto::auth::{GetCallerRequest, token_service_client::TokenServiceClient};
use serde::Deserialize;
use serde_json::json;
use tonic::transport::Channel;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "jemput_session";
/// The header a write carries the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts from sign-in.
const SESSION_FOR: Duration = Duration::from_secs(12 * 3600);
/// Sessions kept at most; the oldest go first beyond that.
const MAX_SESSIONS: usize = 10_000;

/// For a document that carries its own stylesheet and runs nothing.
pub(crate) const PRINT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A link that signs its first visitor in with `bearer`, once.
#[derive(Clone)]
pub struct LoginLink {
    pub code: String,
    pub bearer: String,
}

impl LoginLink {
    /// A fresh link code for `bearer`.
    pub fn new(bearer: String) -> Result<LoginLink, getrandom::Error> {
        Ok(LoginLink {
            code: token::random_hex::<24>()?,
            bearer,
        })
    }

    /// The path to open: `/login?code=…`.
    pub fn path(&self) -> String {
        format!("/login?code={}", self.code)
    }
}

/// A signed-in browser.
pub(crate) struct Session {
    pub bearer: String,
    pub csrf: String,
    pub caller: Caller,
    pub display_name: String,
    created: Instant,
}

/// What a handler's backend calls act as: the session, and the browser's
/// address for the services' audit trails.
#[derive(Clone)]
pub(crate) struct Current {
    pub session: Arc<Session>,
    pub client: Option<SocketAddr>,
}

tokio::task_local! {
    pub(crate) static CURRENT: Current;
}

pub(crate) struct Web {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    login_link: Mutex<Option<LoginLink>>,
    tokens: TokenServiceClient<Channel>,
    /// `host:port` names the dashboard answers to, lower case.
    hosts: Vec<String>,
    tls: bool,
}

impl Web {
    pub(crate) fn new(
        registry: Channel,
        hosts: Vec<String>,
        tls: bool,
        login_link: Option<LoginLink>,
    ) -> Web {
        Web {
            sessions: Mutex::default(),
            login_link: Mutex::new(login_link),
            tokens: TokenServiceClient::new(registry),
            hosts: hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
            tls,
        }
    }

    fn session(&self, headers: &HeaderMap) -> Option<Arc<Session>> {
        let id = cookie(headers, SESSION_COOKIE)?;
        let mut sessions = self.sessions.lock().ok()?;
        let session = sessions.get(id)?.clone();
        if session.created.elapsed() > SESSION_FOR {
            sessions.remove(id);
            return None;
        }
        Some(session)
    }

    fn cookie(&self, id: &str, max_age: u64) -> HeaderValue {
        let secure = if self.tls { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// Checks `bearer` with the registry and opens a session for it; the
    /// cookie to set, or why not.
    async fn sign_in(&self, bearer: &str) -> Result<HeaderValue, &'static str> {
        if token::parse(bearer).is_none() {
            return Err("invalid");
        }
        let mut request = tonic::Request::new(GetCallerRequest {});
        request.set_timeout(Duration::from_secs(10));
        jemput_auth::with_bearer(&mut request, bearer).map_err(|_| "invalid")?;
        let answer = self.tokens.clone().get_caller(request).await;
        let token = match answer {
            Ok(token) => token.into_inner(),
            Err(status) if status.code() == tonic::Code::Unauthenticated => return Err("invalid"),
            Err(status) => {
                tracing::warn!(code = ?status.code(), "cannot check a sign-in token");
                return Err("unavailable");
            }
        };
        let caller = Caller::from_pb(&token).ok_or("invalid")?;
        let id = token::random_hex::<32>().map_err(|_| "unavailable")?;
        let session = Session {
            bearer: bearer.to_owned(),
            csrf: token::random_hex::<32>().map_err(|_| "unavailable")?,
            caller,
            display_name: token.display_name,
            created: Instant::now(),
        };
        let mut sessions = self.sessions.lock().map_err(|_| "unavailable")?;
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| s.created)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(id.clone(), Arc::new(session));
        Ok(self.cookie(&id, SESSION_FOR.as_secs()))
    }

    fn origin_ok(&self, headers: &HeaderMap, host: &str) -> bool {
        let scheme = if self.tls { "https" } else { "http" };
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("same-origin");
        origin.is_some_and(|origin| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
            && site != "cross-site"
            && site != "same-site"
    }
}

/// The value of cookie `name`, if sent.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": {
            "code": code, "message": message, "violations": [], "preconditions": []
        }})),
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Paths anyone may load: the sign-in page and the static files it uses,
/// and the service worker (the browser refetches it to look for updates
/// whether or not a session is alive; it holds no one's data).
fn public(path: &str) -> bool {
    path == "/login" || path == "/sw.js" || path.starts_with("/assets/")
}

/// The guard in front of every route (see the module's documentation).
pub(crate) async fn guard(State(web): State<Arc<Web>>, request: Request, next: Next) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !web.hosts.contains(&host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "UNKNOWN_HOST",
            "this dashboard does not answer to that host name",
        );
    }
    let write = !matches!(*request.method(), Method::GET | Method::HEAD);
    if write && !web.origin_ok(headers, &host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "CROSS_SITE",
            "a change must come from the dashboard's own page",
        );
    }
    let path = request.uri().path().to_owned();
    if public(&path) {
        return next.run(request).await;
    }
    let Some(session) = web.session(headers) else {
        return if path.starts_with("/api/") || write {
            refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in first")
        } else {
            redirect("/login")
        };
    };
    if write {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !token::same_secret(sent, &session.csrf) {
            return refuse(
                StatusCode::FORBIDDEN,
                "CSRF",
                "the request lacks this session's CSRF token; reload the page",
            );
        }
    }
    let current = Current { session, client };
    CURRENT.scope(current, next.run(request)).await
}

/// Security headers on every response, whatever produced it.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler may set a stricter policy of its own (the printable
    // itinerary: its own inline style, and no script at all).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

const LOGIN_PAGE: &str = include_str!("../assets/login.html");
const SIGNED_IN_PAGE: &str = include_str!("../assets/signed-in.html");

#[derive(Deserialize)]
struct LoginQuery {
    code: Option<String>,
}

/// The sign-in page, or with `?code=` the one-time link.
async fn login_page(State(web): State<Arc<Web>>, Query(query): Query<LoginQuery>) -> Response {
    let Some(code) = query.code else {
        return (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            LOGIN_PAGE,
        )
            .into_response();
    };
    let bearer = {
        let Ok(mut link) = web.login_link.lock() else {
            return redirect("/login?error=unavailable");
        };
        match link.as_ref() {
            Some(l) if token::same_secret(&code, &l.code) => link.take().map(|l| l.bearer),
            _ => None,
        }
    };
    let Some(bearer) = bearer else {
        return redirect("/login?error=used");
    };
    match web.sign_in(&bearer).await {
        // A page that moves on by itself: the cookie is then sent on a
        // same-site navigation (a redirect straight from a link opened
        // outside the browser would not carry a SameSite=Strict cookie).
        Ok(cookie) => (
            [
                (header::SET_COOKIE, cookie),
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            SIGNED_IN_PAGE,
        )
            .into_response(),
        Err(why) => redirect(&format!("/login?error={why}")),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(State(web): State<Arc<Web>>, Form(form): Form<LoginForm>) -> Response {
    match web.sign_in(form.token.trim()).await {
        Ok(cookie) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, cookie),
                (header::LOCATION, HeaderValue::from_static("/")),
            ],
        )
            .into_response(),
        Err(why) => redirect(&format!("/login?error={why}")),
    }
}

async fn logout(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if let (Some(id), Ok(mut sessions)) = (cookie(&headers, SESSION_COOKIE), web.sessions.lock()) {
        sessions.remove(id);
    }
    (
        [(header::SET_COOKIE, web.cookie("", 0))],
        axum::Json(json!({ "signed_out": true })),
    )
        .into_response()
}

/// What the page needs to know about its session: the CSRF token for its
/// writes, and who is signed in.
async fn session_info() -> Response {
    match CURRENT.try_with(Current::clone) {
        Ok(current) => axum::Json(json!({
            "csrf_token": current.session.csrf,
            "token": current.session.caller.token,
            "role": current.session.caller.role.as_str(),
            "display_name": current.session.display_name,
            "team": current.session.caller.team,
        }))
        .into_response(),
        Err(_) => refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in first"),
    }
}

pub(crate) fn router(web: Arc<Web>) -> Router {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/api/session", get(session_info))
        .with_state(web)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; jemput_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn only_the_login_page_and_assets_are_public() {
        assert!(public("/login"));
        assert!(public("/assets/app.js"));
        assert!(public("/sw.js"));
        assert!(!public("/"));
        assert!(!public("/api/gaps"));
        assert!(!public("/logout"));
    }
}
