//! What every jemput server does around its services, written once: health,
//! reflection, TLS and draining for the gRPC servers;
//! logging to stderr under `RUST_LOG`, and stopping (draining in-flight
//! calls) on SIGINT or SIGTERM.

/// Logs to stderr at `info`, or as `RUST_LOG` says.
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}

/// Resolves on SIGINT or SIGTERM (SIGINT only where SIGTERM cannot be
/// listened for): the shutdown future a server's `serve` drains on.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; stopping on SIGINT only");
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// What every jemput gRPC server runs beside its own services: a
/// `grpc.health.v1` reporter (SERVING for `""` and for its main service `S`
/// from the start; [`drain`] turns `S` NOT_SERVING) and reflection v1 naming
/// exactly the services it serves, `S` and `others`. Add the routes to the
/// server with `add_routes`, then its own services.
pub async fn standard<S: tonic::server::NamedService>(
    others: &[&'static str],
) -> Result<
    (tonic_health::server::HealthReporter, tonic::service::Routes),
    tonic_reflection::server::Error,
> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<S>().await;
    let mut reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(jemput_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // The descriptor set holds every jemput service; name only ours.
        .with_service_name(S::NAME)
        .with_service_name("grpc.health.v1.Health")
        .with_service_name("grpc.reflection.v1.ServerReflection");
    for name in others {
        reflection = reflection.with_service_name(*name);
    }
    let routes = tonic::service::Routes::new(health_service).add_service(reflection.build_v1()?);
    Ok((health, routes))
}

/// A server builder, serving TLS with `tls` when given.
pub fn builder(
    tls: Option<tonic::transport::ServerTlsConfig>,
) -> Result<tonic::transport::Server, tonic::transport::Error> {
    let builder = tonic::transport::Server::builder();
    match tls {
        Some(config) => builder.tls_config(config),
        None => Ok(builder),
    }
}

/// Waits for `shutdown`, then reports `S` NOT_SERVING, so that health
/// checkers stop sending new work while in-flight calls drain.
pub async fn drain<S: tonic::server::NamedService>(
    shutdown: impl std::future::Future<Output = ()>,
    health: tonic_health::server::HealthReporter,
    what: &'static str,
) {
    shutdown.await;
    tracing::info!("{what} shutting down");
    health.set_not_serving::<S>().await;
}
