//! The jemput registry: the regions of a district (for now Kabupaten Rejang
//! Lebong), their KTP-el and IKD counts, IKD targets, and the append-only
//! ledger of activations, served over gRPC as
//! `jemput.registry.v1.RegistryService`.
//!
//! The library does the work; the `jemput-registry` binary only parses its
//! command line and calls [`serve`]. Tests bind `127.0.0.1:0` and drive
//! [`serve`] the same way (see [`testing`], behind the `testing` feature).

mod convert;
mod domain;
mod error;
mod seed;
mod service;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

use std::future::Future;

use jemput_proto::registry::registry_service_server::RegistryServiceServer;
use tokio::{net::TcpListener, sync::watch};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{server::NamedService, transport::Server};

pub use crate::{
    error::RegistryError,
    store::{Store, default_database_url},
};

/// The gRPC name of the registry service, as health checks ask for it.
pub const SERVICE_NAME: &str = <RegistryServiceServer<service::Registry> as NamedService>::NAME;

/// Serves RegistryService + grpc.health.v1 (SERVING for
/// "jemput.registry.v1.RegistryService" and "") + reflection v1 on the
/// listener until shutdown resolves, draining in-flight calls.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RegistryError> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    // The reporter starts with "" SERVING; the registry is ready as soon as
    // its store is open, which it is by now.
    health_reporter
        .set_serving::<RegistryServiceServer<service::Registry>>()
        .await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(jemput_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // The descriptor set also holds the optimizer, which is served elsewhere.
        .with_service_name(SERVICE_NAME)
        .with_service_name("grpc.health.v1.Health")
        .with_service_name("grpc.reflection.v1.ServerReflection")
        .build_v1()?;
    // Watch streams never end on their own; this tells them to, so that
    // draining can finish.
    let (stopping, stopping_rx) = watch::channel(false);
    let registry = service::Registry::new(store, stopping_rx);
    tracing::info!(address = ?listener.local_addr().ok(), "registry serving");
    Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(RegistryServiceServer::new(registry))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            shutdown.await;
            tracing::info!("registry shutting down");
            // Health checkers stop sending new work while calls drain.
            health_reporter
                .set_not_serving::<RegistryServiceServer<service::Registry>>()
                .await;
            let _ = stopping.send(true);
        })
        .await?;
    Ok(())
}
