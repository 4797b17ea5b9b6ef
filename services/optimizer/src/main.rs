//! `jemput-optimizer`: serves the planner on its own (production); `jemput
//! up` runs it in-process for local use.

use std::net::SocketAddr;

use clap::Parser;
use jemput_optimizer::{PlanStore, default_database_url, serve};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(version, about = "Plans mobile IKD activation teams over gRPC")]
struct Args {
    /// Address to serve gRPC on.
    #[arg(
        long,
        env = "JEMPUT_OPTIMIZER_LISTEN",
        default_value = "127.0.0.1:50052"
    )]
    listen: SocketAddr,
    /// The registry to read regions and gaps from.
    #[arg(
        long,
        env = "JEMPUT_REGISTRY",
        default_value = "http://127.0.0.1:50051"
    )]
    registry: String,
    /// Where plans are stored (sqlite://… or postgres://…); default: plans.db in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let url = match args.database_url {
        Some(url) => url,
        None => default_database_url()?,
    };
    let store = PlanStore::open(&url).await?;
    let listener = TcpListener::bind(args.listen).await?;
    serve(listener, &args.registry, store, shutdown_signal()).await?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
