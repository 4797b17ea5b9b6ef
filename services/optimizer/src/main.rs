//! `jemput-optimizer`: serves the planner on its own (production); `jemput
//! up` runs it in-process for local use.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use jemput_auth::{
    Limits,
    tls::{TlsFiles, check_exposure},
};
use jemput_optimizer::{PlanStore, ServeOptions, default_database_url, serve};
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
    /// PEM certificate to trust for an https:// registry, besides the system's CAs.
    #[arg(long, env = "JEMPUT_TLS_CA")]
    registry_ca: Option<PathBuf>,
    /// PEM certificate chain to serve TLS with (needs --tls-key).
    #[arg(long, env = "JEMPUT_OPTIMIZER_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "JEMPUT_OPTIMIZER_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// Listen beyond loopback without TLS (tokens then cross the network in the clear).
    #[arg(long, env = "JEMPUT_INSECURE")]
    insecure: bool,
    /// Calls one token may have in flight at once.
    #[arg(long, default_value_t = Limits::default().in_flight)]
    max_calls_in_flight_per_token: usize,
    /// Calls per second one token may make (bursts of twice that).
    #[arg(long, default_value_t = Limits::default().per_second)]
    max_calls_per_second_per_token: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    jemput_auth::server::init_tracing();
    let args = Args::parse();
    let tls = TlsFiles::from_flags(args.tls_cert, args.tls_key)?;
    check_exposure("optimizer", args.listen, tls.is_some(), args.insecure)?;
    let url = match args.database_url {
        Some(url) => url,
        None => default_database_url()?,
    };
    let store = PlanStore::open(&url).await?;
    let listener = TcpListener::bind(args.listen).await?;
    let options = ServeOptions {
        tls,
        limits: Limits {
            in_flight: args.max_calls_in_flight_per_token,
            per_second: args.max_calls_per_second_per_token,
            burst: 2.0 * args.max_calls_per_second_per_token,
        },
        registry_ca: args.registry_ca,
    };
    serve(
        listener,
        &args.registry,
        store,
        options,
        jemput_auth::server::shutdown_signal(),
    )
    .await?;
    Ok(())
}
