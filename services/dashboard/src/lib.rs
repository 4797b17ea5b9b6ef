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
/// The words the pages and files use for the optimizer's closed sets.
pub use json::{binding_code, reason_code};
pub mod progress;
#[cfg(feature = "testing")]
pub mod testing;
mod web;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use jemput_auth::tls::TlsFiles;

pub use backends::Backends;
pub use web::{CSRF_HEADER, LoginLink, SESSION_COOKIE};

/// How the dashboard serves, besides its listener and backends.
#[derive(Clone, Default)]
pub struct Options {
    /// Serve HTTPS with this certificate and key; HTTP without.
    pub tls: Option<TlsFiles>,
    /// Host names (as browsers send them in `Host`, with any port) the
    /// dashboard answers to besides its own address and `localhost`.
    pub hosts: Vec<String>,
    /// A one-time sign-in link (see [`LoginLink`]).
    pub login_link: Option<LoginLink>,
}

/// The `host:port` names a browser may use to reach `addr`.
fn own_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        hosts.extend([
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ]);
    }
    hosts
}

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
    #[error(transparent)]
    Tls(#[from] jemput_auth::tls::TlsError),
}

/// Serves the dashboard on `listener` until `shutdown` completes, then lets
/// in-flight requests finish.
///
/// The gRPC channels connect lazily, so the dashboard starts (and shows a
/// clear error per page) while a backend is still down.
pub async fn serve(
    listener: tokio::net::TcpListener,
    backends: Backends,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DashboardError> {
    let clients = backends.connect_lazy()?;
    let address = listener.local_addr()?;
    let mut hosts = own_hosts(address);
    hosts.extend(options.hosts.iter().cloned());
    let web = Arc::new(web::Web::new(
        clients.registry_channel.clone(),
        hosts,
        options.tls.is_some(),
        options.login_link.clone(),
    ));
    let app = api::router(clients)
        .merge(assets::router())
        .merge(web::router(Arc::clone(&web)))
        .layer(axum::middleware::from_fn_with_state(web, web::guard))
        .layer(axum::middleware::from_fn(web::security_headers));
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    match &options.tls {
        None => {
            tracing::info!(%address, "dashboard listening on http://{address}/");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
        Some(files) => {
            let (cert, key) = files.read_pem()?;
            let config = axum_server::tls_rustls::RustlsConfig::from_pem(cert, key).await?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                // As axum::serve does: in-flight requests finish, open
                // event streams are closed after a grace period.
                stopper.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            tracing::info!(%address, "dashboard listening on https://{address}/");
            axum_server::from_tcp_rustls(listener.into_std()?, config)?
                .handle(handle)
                .serve(app)
                .await?;
        }
    }
    Ok(())
}
