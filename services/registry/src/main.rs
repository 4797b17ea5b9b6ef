//! `jemput-registry`: parses the command line, sets up logging, opens the
//! store and serves until SIGINT or SIGTERM.

use std::net::SocketAddr;

use clap::Parser;
use jemput_registry::{RegistryError, Store, default_database_url, serve};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The jemput registry: regions, IKD enrollment gaps and the activation ledger.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(
        long,
        env = "JEMPUT_REGISTRY_LISTEN",
        default_value = "127.0.0.1:50051"
    )]
    listen: SocketAddr,
    /// sqlite://PATH or postgres://..; defaults to a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
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

#[tokio::main]
async fn main() -> Result<(), RegistryError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let database_url = match args.database_url {
        Some(url) => url,
        None => default_database_url()?,
    };
    let store = Store::open(&database_url).await?;
    let listener = TcpListener::bind(args.listen).await?;
    serve(listener, store, shutdown_signal()).await
}
