//! The dashboard's guards over real sockets: a page without a session goes
//! to sign-in, the API answers 401; a cross-site write, a write without the
//! session's CSRF token and a request under a foreign Host are refused and
//! change nothing; every response carries the security headers; the
//! one-time sign-in link works once; and a viewer's session cannot plan.

use jemput_auth::Role;
use jemput_dashboard::testing::{
    Session, Stack, get, http, login, request, send, sign_in, start_stack,
};
use jemput_registry::testing::issue_token;
use reqwest::Method;
use serde_json::json;

fn plan_body() -> String {
    json!({ "parameters": { "budget_rupiah": 50_000_000, "teams": 1 } }).to_string()
}

async fn plans_stored(stack: &Stack) -> usize {
    let list = get(stack, "/api/plans").await;
    assert_eq!(list.status, 200, "{}", list.text());
    list.json()["plans"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_refuses_what_a_page_of_its_own_would_not_send() {
    let stack = start_stack().await;
    let address = stack.dashboard;

    // No session: pages go to sign-in, the API says 401.
    let page = http(address, "GET", "/", None, None).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/login"));
    let api = http(address, "GET", "/api/gaps", None, None).await;
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"]["code"], "UNAUTHENTICATED");

    // Security headers, on pages, API answers, redirects and refusals alike.
    for reply in [
        &page,
        &api,
        &get(&stack, "/").await,
        &get(&stack, "/api/gaps").await,
    ] {
        let csp = reply.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
    }

    // A cross-site text/plain POST with the session cookie (what a form on
    // another site makes a browser send) starts nothing.
    let before = plans_stored(&stack).await;
    let body = plan_body();
    let write = || {
        request(Method::POST, address, "/api/plans")
            .header("cookie", &stack.session.cookie)
            .header("x-csrf-token", &stack.session.csrf)
            .body(body.clone())
    };
    let cross_site = send(
        write()
            .header("origin", "https://evil.example")
            .header("content-type", "text/plain"),
    )
    .await;
    assert_eq!(cross_site.status, 403, "{}", cross_site.text());
    assert_eq!(cross_site.json()["error"]["code"], "CROSS_SITE");
    // No Origin at all is refused too.
    let no_origin = send(write().header("content-type", "application/json")).await;
    assert_eq!(no_origin.status, 403);
    // The right origin without the session's CSRF token is refused.
    let wrong_csrf = Session {
        csrf: "0".repeat(64),
        ..stack.session.clone()
    };
    let forged = http(
        address,
        "POST",
        "/api/plans",
        Some(&body),
        Some(&wrong_csrf),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert_eq!(forged.json()["error"]["code"], "CSRF");
    // A foreign Host (DNS rebinding) is not answered at all.
    let rebound = send(
        request(Method::GET, address, "/api/gaps")
            .header("host", format!("attacker.example:{}", address.port()))
            .header("cookie", &stack.session.cookie),
    )
    .await;
    assert_eq!(rebound.status, 421);
    assert_eq!(plans_stored(&stack).await, before, "nothing was planned");

    // A viewer may look but not plan: the optimizer refuses by role.
    let viewer_token = issue_token(&stack.store, Role::Viewer, "", &[]).await;
    let viewer = sign_in(address, &viewer_token)
        .await
        .expect("a viewer signs in");
    assert_eq!(
        http(address, "GET", "/api/gaps", None, Some(&viewer))
            .await
            .status,
        200
    );
    let refused = http(address, "POST", "/api/plans", Some(&body), Some(&viewer)).await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert_eq!(refused.json()["error"]["code"], "PERMISSION_DENIED");
    assert_eq!(plans_stored(&stack).await, before);
    let audit = http(address, "GET", "/api/audit", None, Some(&viewer)).await;
    assert_eq!(audit.status, 403, "the audit trail is for admins");

    // A wrong token does not sign in; signing out ends the session.
    assert!(sign_in(address, "jpt_nonsense").await.is_none());
    let out = http(address, "POST", "/logout", Some(""), Some(&viewer)).await;
    assert_eq!(out.status, 200, "{}", out.text());
    assert_eq!(
        http(address, "GET", "/api/gaps", None, Some(&viewer))
            .await
            .status,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_http_only_and_same_site_strict() {
    let stack = start_stack().await;
    let address = stack.dashboard;
    let reply = send(login(address, &stack.admin)).await;
    assert_eq!(reply.status, 303);
    let cookie = reply.header("set-cookie").expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains(&stack.admin),
        "the token stays on the server"
    );
}
