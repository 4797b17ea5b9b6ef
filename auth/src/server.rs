//! What every jemput server does around its services, written once: health,
//! reflection, TLS and draining for the gRPC servers;
//! logging to stderr under `RUST_LOG`, stopping (draining in-flight
//! calls) on SIGINT or SIGTERM, and a handle to stop a server served on a
//! task of its own, as the tests run them.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

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

/// A server served on a task of its own. Dropping the handle stops it;
/// [`ServerHandle::shutdown`] stops it and waits for it to drain.
pub struct ServerHandle<E> {
    stop: oneshot::Sender<()>,
    served: JoinHandle<Result<(), E>>,
}

/// The shutdown future of a server started by [`ServerHandle::spawn`]: it
/// resolves once the handle is shut down or dropped.
pub struct Stopped(oneshot::Receiver<()>);

impl Future for Stopped {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A dropped sender is as good as a sent stop.
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl<E: Send + 'static> ServerHandle<E> {
    /// Spawns the future `serve` makes of its shutdown future.
    pub fn spawn<F>(serve: impl FnOnce(Stopped) -> F) -> ServerHandle<E>
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        let served = tokio::spawn(serve(Stopped(stopped)));
        ServerHandle { stop, served }
    }

    /// Binds `127.0.0.1:0` and spawns the server `serve` makes of the
    /// listener and its shutdown future, as the tests run them: the
    /// listener is bound before this returns, so clients connect at once.
    pub async fn spawn_on_loopback<F>(
        serve: impl FnOnce(TcpListener, Stopped) -> F,
    ) -> std::io::Result<(SocketAddr, ServerHandle<E>)>
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        Ok((address, Self::spawn(|stopped| serve(listener, stopped))))
    }

    /// Signals shutdown and waits until in-flight calls have drained.
    pub async fn shutdown(self) -> Result<(), E> {
        let _ = self.stop.send(());
        self.served
            .await
            .unwrap_or_else(|e| panic!("the server's task failed: {e}"))
    }
}
