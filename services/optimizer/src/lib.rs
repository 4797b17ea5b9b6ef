//! The optimizer: plans where mobile IKD activation teams go each working
//! day so a district reaches its target fastest within a budget.
//!
//! - [`params`], [`calendar`], [`district`], [`travel`]: the model's inputs.
//! - [`schedule`]: the greedy route builder; [`bound`]: the LP lower bound.
//! - [`validate`]: re-derives every plan from its itinerary.
//! - [`solve`]: plans, minimum budgets and budget curves.

pub mod allocate;
pub mod bound;
pub mod calendar;
pub mod district;
pub mod holidays;
pub mod itinerary;
pub mod learn;
pub mod pack;
pub mod params;
pub mod schedule;
pub mod solve;
pub mod travel;
pub mod validate;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

mod access;
pub mod convert;
pub mod error;
pub mod registry;
mod service;
pub mod store;

use std::{future::Future, path::PathBuf, sync::Arc};

use jemput_auth::{AuthLayer, Limits, RemoteVerifier, tls::TlsFiles};
use jemput_proto::{
    auth::audit_service_server::AuditServiceServer,
    optimizer::planner_service_server::PlannerServiceServer,
};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::server::NamedService;

pub use crate::access::METHODS;
pub use crate::error::OptimizerError;
pub use crate::store::{PlanStore, default_database_url};

/// The gRPC name of the planner service, as health checks ask for it.
pub const SERVICE_NAME: &str = <PlannerServiceServer<service::Planner> as NamedService>::NAME;

/// How an optimizer serves, besides its listener, registry and store.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Serve TLS with this certificate and key; plaintext without.
    pub tls: Option<TlsFiles>,
    /// Per-token limits on calls in flight and calls per second.
    pub limits: Limits,
    /// A PEM certificate to trust for an `https://` registry, besides the
    /// system's CAs (e.g. a self-signed one).
    pub registry_ca: Option<PathBuf>,
}

/// Serves PlannerService and AuditService + grpc.health.v1 + reflection v1
/// on `listener` until `shutdown` resolves, draining in-flight calls.
/// Regions and gaps are read from the registry at `registry_endpoint` (e.g.
/// `http://127.0.0.1:50051`), connected lazily; callers' tokens are checked
/// by asking that registry (see `jemput_auth::RemoteVerifier`).
pub async fn serve(
    listener: TcpListener,
    registry_endpoint: &str,
    store: PlanStore,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), OptimizerError> {
    let registry = registry::Registry::new(registry_endpoint, options.registry_ca.as_deref())?;
    let admission = AuthLayer::new(
        Arc::new(RemoteVerifier::new(registry.channel())),
        METHODS,
        options.limits,
    );
    let (health_reporter, standard) = jemput_auth::server::standard::<
        PlannerServiceServer<service::Planner>,
    >(&["jemput.auth.v1.AuditService"])
    .await?;
    let audit = access::Audit::new(store.clone());
    let planner = service::Planner::new(registry, store);
    tracing::info!(address = ?listener.local_addr().ok(), tls = options.tls.is_some(), "optimizer serving");
    let tls = options
        .tls
        .as_ref()
        .map(|f| f.server_config())
        .transpose()?;
    jemput_auth::server::builder(tls)?
        .layer(admission)
        .add_routes(standard)
        .add_service(AuditServiceServer::new(audit))
        // Plans of a large district are a few MB.
        .add_service(
            PlannerServiceServer::new(planner)
                .max_encoding_message_size(jemput_proto::MAX_MESSAGE_BYTES)
                .max_decoding_message_size(jemput_proto::MAX_MESSAGE_BYTES),
        )
        .serve_with_incoming_shutdown(
            TcpListenerStream::new(listener),
            jemput_auth::server::drain::<PlannerServiceServer<service::Planner>>(
                shutdown,
                health_reporter,
                "optimizer",
            ),
        )
        .await?;
    Ok(())
}
