//! The page's files, embedded in the binary at compile time so the
//! dashboard runs offline from one executable, and the service worker
//! (`/sw.js`) that keeps them on a phone for the field page.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// (path under `/assets/`, content type, body).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../assets/style.css"),
    ),
    ("app.js", JS, include_str!("../assets/app.js")),
    ("api.js", JS, include_str!("../assets/api.js")),
    ("i18n.js", JS, include_str!("../assets/i18n.js")),
    ("map.js", JS, include_str!("../assets/map.js")),
    ("charts.js", JS, include_str!("../assets/charts.js")),
    ("gaps.js", JS, include_str!("../assets/gaps.js")),
    ("plan.js", JS, include_str!("../assets/plan.js")),
    ("scenarios.js", JS, include_str!("../assets/scenarios.js")),
    ("province.js", JS, include_str!("../assets/province.js")),
    ("plans.js", JS, include_str!("../assets/plans.js")),
    ("errors.js", JS, include_str!("../assets/errors.js")),
    ("ui.js", JS, include_str!("../assets/ui.js")),
    ("login.js", JS, include_str!("../assets/login.js")),
    ("audit.js", JS, include_str!("../assets/audit.js")),
    ("field.js", JS, include_str!("../assets/field.js")),
    ("outbox.js", JS, include_str!("../assets/outbox.js")),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../assets/favicon.svg"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";
const INDEX: &str = include_str!("../assets/index.html");
/// The service worker; at the root so its scope is the whole dashboard.
const SERVICE_WORKER: &str = include_str!("../assets/sw.js");

pub(crate) fn router() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{file}", get(asset))
        .route("/sw.js", get(service_worker))
}

async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, JS),
            // Browsers check for a new worker on navigation; never stale.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX,
    )
        .into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        // no-cache still lets the browser revalidate; a new binary's assets
        // are picked up on reload without version-stamped names.
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_embedded() {
        let sources: Vec<&str> = ASSETS
            .iter()
            .map(|(_, _, body)| *body)
            .chain([INDEX, include_str!("../assets/login.html")])
            .collect();
        for source in sources {
            for part in source.split("./").skip(1) {
                let Some(end) = part.find(".js") else {
                    continue;
                };
                let name = format!("{}.js", &part[..end]);
                if name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
                {
                    assert!(
                        ASSETS.iter().any(|(file, _, _)| *file == name),
                        "{name} is imported but not embedded"
                    );
                }
            }
        }
    }

    #[test]
    fn the_service_worker_keeps_the_whole_shell() {
        let shell = SERVICE_WORKER
            .split("const SHELL = [")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .expect("sw.js lists its shell");
        for (name, _, _) in ASSETS.iter().filter(|(name, _, _)| *name != "login.js") {
            assert!(
                shell.contains(&format!("\"/assets/{name}\"")),
                "sw.js does not keep {name} for offline use"
            );
        }
    }

    #[test]
    fn nothing_is_loaded_from_the_internet() {
        let pages = [("index.html", "", INDEX), ("sw.js", "", SERVICE_WORKER)];
        for (name, _, body) in ASSETS.iter().chain(&pages) {
            for scheme in ["http://", "https://", "//cdn"] {
                let outside = body
                    .match_indices(scheme)
                    .any(|(at, _)| !body[at..].starts_with("http://www.w3.org/"));
                assert!(!outside, "{name} refers to {scheme}");
            }
        }
    }
}
