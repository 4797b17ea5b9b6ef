//! `jemput-registry`: parses the command line, sets up logging, opens the
//! store, makes the first admin token if there is none, and serves until
//! SIGINT or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use jemput_auth::{
    Limits,
    tls::{TlsFiles, check_exposure},
};
use jemput_registry::{
    ADMIN_TOKEN_FILE, RegistryError, ServeOptions, Store, data_dir, default_database_url,
    ensure_admin_token, serve,
};
use tokio::net::TcpListener;

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
    /// Where the local admin token is kept (made on first start, mode 0600);
    /// default: admin.token in the data directory.
    #[arg(long, env = "JEMPUT_ADMIN_TOKEN_FILE")]
    admin_token_file: Option<PathBuf>,
    /// PEM certificate chain to serve TLS with (needs --tls-key).
    #[arg(long, env = "JEMPUT_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "JEMPUT_TLS_KEY")]
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
async fn main() -> Result<(), RegistryError> {
    jemput_auth::server::init_tracing();
    let args = Args::parse();
    let tls = match TlsFiles::from_flags(args.tls_cert, args.tls_key) {
        Ok(tls) => tls,
        Err(usage) => {
            eprintln!("error: {usage}");
            std::process::exit(2);
        }
    };
    check_exposure("registry", args.listen, tls.is_some(), args.insecure)?;
    let database_url = match args.database_url {
        Some(url) => url,
        None => default_database_url()?,
    };
    let store = Store::open(&database_url).await?;
    let admin_token_file = match args.admin_token_file {
        Some(path) => path,
        None => data_dir()?.join(ADMIN_TOKEN_FILE),
    };
    ensure_admin_token(&store, &admin_token_file).await?;
    tracing::info!(path = %admin_token_file.display(), "admin token");
    let listener = TcpListener::bind(args.listen).await?;
    let options = ServeOptions {
        tls,
        limits: Limits {
            in_flight: args.max_calls_in_flight_per_token,
            per_second: args.max_calls_per_second_per_token,
            burst: 2.0 * args.max_calls_per_second_per_token,
        },
    };
    serve(
        listener,
        store,
        options,
        jemput_auth::server::shutdown_signal(),
    )
    .await
}
