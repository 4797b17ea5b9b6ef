//! `jemput-dashboard`: serves the web dashboard on its own, in front of a
//! registry and an optimizer that run elsewhere (production, e.g. one
//! Deployment each on Kubernetes); `jemput up` runs it in-process for local
//! use.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use jemput_auth::tls::{TlsFiles, check_exposure};
use jemput_dashboard::{Backends, Options, serve};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    version,
    about = "The jemput web dashboard, in front of the registry and the optimizer"
)]
struct Args {
    /// Address to serve the dashboard on (HTTPS with --tls-cert).
    #[arg(
        long,
        env = "JEMPUT_DASHBOARD_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: SocketAddr,
    /// The registry to call (https:// when it serves TLS).
    #[arg(
        long,
        env = "JEMPUT_REGISTRY",
        default_value = "http://127.0.0.1:50051"
    )]
    registry: String,
    /// The optimizer to call (https:// when it serves TLS).
    #[arg(
        long,
        env = "JEMPUT_OPTIMIZER",
        default_value = "http://127.0.0.1:50052"
    )]
    optimizer: String,
    /// PEM certificate to trust for https:// services, besides the system's CAs.
    #[arg(long, env = "JEMPUT_TLS_CA")]
    tls_ca: Option<PathBuf>,
    /// A host name (as browsers send it, with any port) the dashboard
    /// answers to besides its address and localhost; repeat for several
    /// (commas between them in the variable).
    #[arg(
        long = "host",
        value_name = "HOST",
        env = "JEMPUT_DASHBOARD_HOSTS",
        value_delimiter = ','
    )]
    hosts: Vec<String>,
    /// PEM certificate chain to serve HTTPS with (needs --tls-key).
    #[arg(long, env = "JEMPUT_DASHBOARD_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "JEMPUT_DASHBOARD_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// Listen beyond loopback without TLS (tokens then cross the network in the clear).
    #[arg(long, env = "JEMPUT_INSECURE")]
    insecure: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    jemput_auth::server::init_tracing();
    let args = Args::parse();
    let tls = TlsFiles::from_flags(args.tls_cert, args.tls_key)?;
    check_exposure("dashboard", args.listen, tls.is_some(), args.insecure)?;
    let listener = TcpListener::bind(args.listen).await?;
    let backends = Backends {
        registry: args.registry,
        optimizer: args.optimizer,
        ca: args.tls_ca,
    };
    let options = Options {
        tls,
        hosts: args.hosts,
        login_link: None,
    };
    serve(
        listener,
        backends,
        options,
        jemput_auth::server::shutdown_signal(),
    )
    .await?;
    Ok(())
}
