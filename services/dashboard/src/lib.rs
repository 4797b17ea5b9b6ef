//! The jemput web dashboard: the gaps map, plans, budget scenarios, saved
//! plans and their exports, served as one page from assets embedded in the
//! binary.
//!
//! The browser talks JSON (and Server-Sent Events) to a small HTTP layer
//! under `/api/`, which calls the registry and optimizer over gRPC. The
//! layer exists so the page needs nothing but `fetch` and `EventSource`: no
//! gRPC-Web client, no JavaScript build step, and the gRPC status details
//! (field violations) arrive as plain JSON a form can show beside its fields.
//!
//! [`serve`] takes a bound listener and a shutdown future, so `jemput up`
//! and the tests choose the address; [`export`] holds the pure export
//! functions the CLI also calls for `jemput plan --out DIR`.

mod api;
mod assets;
mod backends;
pub mod export;
pub mod format;
mod json;

use std::future::Future;

pub use backends::Backends;

/// The district the dashboard shows unless a request names another.
pub const DEFAULT_DISTRICT: &str = "regions/17.02";

/// Why the dashboard could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// A backend address is not a URL tonic can connect to.
    #[error("invalid {service} address {address:?}: {reason}")]
    InvalidBackend {
        service: &'static str,
        address: String,
        reason: String,
    },
    /// The HTTP server failed while accepting or serving connections.
    #[error("dashboard server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the dashboard on `listener` until `shutdown` completes, then lets
/// in-flight requests finish.
///
/// The gRPC channels connect lazily, so the dashboard starts (and shows a
/// clear error per page) while a backend is still down.
pub async fn serve(
    listener: tokio::net::TcpListener,
    backends: Backends,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DashboardError> {
    let clients = backends.connect_lazy()?;
    let app = api::router(clients).merge(assets::router());
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "dashboard listening on http://{address}/");
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
