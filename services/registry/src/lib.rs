//! The jemput registry: the regions it holds (Kabupaten Rejang Lebong from
//! the start, any province or district of Indonesia added from the national
//! list it carries), their KTP-el and IKD counts, IKD targets, each
//! district's office, and the append-only ledger of activations, served
//! over gRPC as `jemput.registry.v1.RegistryService`.
//!
//! The library does the work; the `jemput-registry` binary only parses its
//! command line and calls [`serve`]. Tests bind `127.0.0.1:0` and drive
//! [`serve`] the same way (see [`testing`], behind the `testing` feature).

mod access;
mod audit;
mod cache;
mod convert;
mod domain;
mod error;
mod national;
mod notify;
mod rollups;
mod seed;
mod service;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;

use std::{future::Future, sync::Arc};

use jemput_auth::{AuthLayer, Limits, tls::TlsFiles};
use jemput_proto::{
    auth::{audit_service_server::AuditServiceServer, token_service_server::TokenServiceServer},
    registry::registry_service_server::RegistryServiceServer,
};
use tokio::{net::TcpListener, sync::watch};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::server::NamedService;

pub use crate::{
    access::METHODS,
    audit::Actor,
    error::RegistryError,
    store::{Store, data_dir, default_database_url},
    tokens::{ADMIN_TOKEN_FILE, NewToken, TokenRecord, ensure_admin_token, write_secret},
};

/// How a registry serves, besides its listener and store.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Serve TLS with this certificate and key; plaintext without.
    pub tls: Option<TlsFiles>,
    /// Per-token limits on calls in flight and calls per second.
    pub limits: Limits,
}

/// The gRPC name of the registry service, as health checks ask for it.
pub const SERVICE_NAME: &str = <RegistryServiceServer<service::Registry> as NamedService>::NAME;

/// Serves RegistryService, TokenService and AuditService + grpc.health.v1
/// (SERVING for "jemput.registry.v1.RegistryService" and "") + reflection
/// v1 on the listener until shutdown resolves, draining in-flight calls.
/// Every call but health passes the admission layer first: a bearer token
/// verified against this store, the method's roles, the token's limits.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RegistryError> {
    // The registry is ready as soon as its store is open, which it is by now.
    let (health_reporter, standard) =
        jemput_auth::server::standard::<RegistryServiceServer<service::Registry>>(&[
            "jemput.auth.v1.TokenService",
            "jemput.auth.v1.AuditService",
        ])
        .await?;
    // Watch streams never end on their own; this tells them to, so that
    // draining can finish.
    let (stopping, stopping_rx) = watch::channel(false);
    let admission = AuthLayer::new(
        Arc::new(tokens::StoreVerifier(store.clone())),
        METHODS,
        options.limits,
    );
    let access = Arc::new(access::Access::new(store.clone()));
    let registry = service::Registry::new(store, stopping_rx);
    tracing::info!(address = ?listener.local_addr().ok(), tls = options.tls.is_some(), "registry serving");
    let tls = options
        .tls
        .as_ref()
        .map(|f| f.server_config())
        .transpose()?;
    jemput_auth::server::builder(tls)?
        .layer(admission)
        .add_routes(standard)
        .add_service(RegistryServiceServer::new(registry))
        .add_service(TokenServiceServer::from_arc(Arc::clone(&access)))
        .add_service(AuditServiceServer::from_arc(access))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            jemput_auth::server::drain::<RegistryServiceServer<service::Registry>>(
                shutdown,
                health_reporter,
                "registry",
            )
            .await;
            let _ = stopping.send(true);
        })
        .await?;
    Ok(())
}
