//! The optimizer: plans where mobile IKD activation teams go each working
//! day so a district reaches its target fastest within a budget.
//!
//! - [`params`], [`calendar`], [`district`], [`travel`]: the model's inputs.
//! - [`schedule`]: the greedy route builder; [`bound`]: the LP lower bound.
//! - [`validate`]: re-derives every plan from its itinerary.
//! - [`solve`]: plans, minimum budgets and budget curves.

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

pub mod convert;
pub mod error;
pub mod registry;
mod service;
pub mod store;

use std::future::Future;

use jemput_proto::optimizer::planner_service_server::PlannerServiceServer;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::server::NamedService;
use tonic::transport::Server;

pub use crate::error::OptimizerError;
pub use crate::store::{PlanStore, default_database_url};

/// The gRPC name of the planner service, as health checks ask for it.
pub const SERVICE_NAME: &str = <PlannerServiceServer<service::Planner> as NamedService>::NAME;

/// Serves PlannerService + grpc.health.v1 + reflection v1 on `listener`
/// until `shutdown` resolves, draining in-flight calls. Regions and gaps are
/// read from the registry at `registry_endpoint` (e.g.
/// `http://127.0.0.1:50051`), connected lazily.
pub async fn serve(
    listener: TcpListener,
    registry_endpoint: &str,
    store: PlanStore,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), OptimizerError> {
    let registry = registry::Registry::new(registry_endpoint)?;
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<PlannerServiceServer<service::Planner>>()
        .await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(jemput_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_service_name(SERVICE_NAME)
        .with_service_name("grpc.health.v1.Health")
        .with_service_name("grpc.reflection.v1.ServerReflection")
        .build_v1()?;
    let planner = service::Planner::new(registry, store);
    tracing::info!(address = ?listener.local_addr().ok(), "optimizer serving");
    Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        // Plans of a large district are a few MB.
        .add_service(
            PlannerServiceServer::new(planner)
                .max_encoding_message_size(64 * 1024 * 1024)
                .max_decoding_message_size(64 * 1024 * 1024),
        )
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            shutdown.await;
            tracing::info!("optimizer shutting down");
        })
        .await?;
    Ok(())
}
