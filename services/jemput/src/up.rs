//! The services `jemput up` runs in one process: the registry, the
//! optimizer (reading the registry over loopback gRPC, as it would on
//! another machine) and the web dashboard (calling both). Opens their
//! stores, binds each service's listener, runs them all under one shutdown
//! signal, and drains them together.
//!
//! Each service is a `serve(listener, .., shutdown)` function from its
//! crate. Starting another is a `bind` at the top of `Stack::start`, a
//! `Stack::spawn` after the services it calls, and its listen address in
//! `UpConfig`; the rest (addresses, failure of any one, draining) is shared.

use std::{
    collections::HashMap, error::Error, future::Future, net::SocketAddr, path::PathBuf,
    time::Duration,
};

use jemput_auth::tls::{ExposureError, TlsFiles, check_exposure};

use tokio::{
    net::TcpListener,
    sync::watch,
    task::{Id, JoinError, JoinSet},
};

/// A service's error, whatever its crate's error type.
pub type ServiceError = Box<dyn Error + Send + Sync + 'static>;

/// How long in-flight calls (and open watch streams) get to finish after a
/// stop is asked for, before the services are dropped.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The services' names, as the start summary and errors call them.
pub const REGISTRY: &str = "registry";
pub const OPTIMIZER: &str = "optimizer";
pub const DASHBOARD: &str = "dashboard";

/// What `jemput up` is asked to run.
#[derive(Debug, Clone)]
pub struct UpConfig {
    /// The registry's database. `None`: the embedded SQLite file under the
    /// data directory.
    pub database_url: Option<String>,
    /// The optimizer's own database for plans. `None`: `plans.db` under
    /// the data directory.
    pub plans_database_url: Option<String>,
    pub registry_listen: SocketAddr,
    pub optimizer_listen: SocketAddr,
    pub dashboard_listen: SocketAddr,
    /// Serve every service over TLS with this certificate and key.
    pub tls: Option<TlsFiles>,
    /// Allow plaintext beyond loopback.
    pub insecure: bool,
    /// Host names the dashboard answers to besides its address and localhost.
    pub dashboard_hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpError {
    #[error(transparent)]
    Exposed(#[from] ExposureError),
    #[error("cannot keep the admin token in {}", path.display())]
    AdminToken {
        path: PathBuf,
        #[source]
        source: jemput_registry::RegistryError,
    },
    #[error("cannot make a sign-in link: no randomness ({0})")]
    Random(String),
    #[error("cannot find where to keep the database")]
    DataDirectory(#[source] jemput_registry::RegistryError),
    #[error("cannot open the database {database}")]
    OpenStore {
        database: String,
        #[source]
        source: jemput_registry::RegistryError,
    },
    #[error("cannot find where to keep the plans database")]
    PlansDataDirectory(#[source] jemput_optimizer::OptimizerError),
    #[error("cannot open the plans database {database}")]
    OpenPlanStore {
        database: String,
        #[source]
        source: jemput_optimizer::OptimizerError,
    },
    // Both run migrations, each with its own bookkeeping table: sharing one
    // database (or PostgreSQL schema) would confuse them.
    #[error(
        "the plans database cannot be the registry's ({database}): give --plans-database-url a database of its own"
    )]
    SharedDatabase { database: String },
    #[error("the {service} cannot listen on {addr}")]
    Bind {
        service: &'static str,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the {service} failed")]
    Service {
        service: &'static str,
        #[source]
        source: ServiceError,
    },
    #[error("the {service} stopped by itself")]
    StoppedEarly { service: &'static str },
    #[error("the {service} crashed")]
    Crashed {
        service: &'static str,
        #[source]
        source: tokio::task::JoinError,
    },
    #[error("{} did not finish draining within {} s", services.join(", "), DRAIN_TIMEOUT.as_secs())]
    DrainTimeout { services: Vec<&'static str> },
}

/// A running service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAddr {
    pub name: &'static str,
    pub addr: SocketAddr,
    /// Whether it speaks TLS (`https://`).
    pub tls: bool,
}

impl ServiceAddr {
    /// The URL a client dials: `http://127.0.0.1:50051` (`https://` with
    /// TLS). A service on every interface (0.0.0.0) is dialled on loopback.
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{addr}")
    }
}

/// The running services, stopped together.
pub struct Stack {
    database_url: String,
    plans_database_url: String,
    /// The local admin token and where it is kept.
    admin_token: String,
    admin_token_file: PathBuf,
    /// The dashboard's one-time sign-in path, `/login?code=…`.
    sign_in_path: String,
    tls: Option<TlsFiles>,
    services: Vec<ServiceAddr>,
    tasks: JoinSet<Result<(), ServiceError>>,
    // Which service each still-running task is.
    running: HashMap<Id, &'static str>,
    // Dropping the sender also ends every shutdown future, so an error
    // half-way through `start` stops what was already started.
    shutdown: watch::Sender<()>,
}

impl Stack {
    /// Opens the store and starts every service. Listeners are bound before
    /// this returns, so the services accept calls as soon as it does.
    pub async fn start(config: &UpConfig) -> Result<Stack, UpError> {
        // Plaintext beyond loopback is refused before anything listens.
        let tls = config.tls.is_some();
        check_exposure(REGISTRY, config.registry_listen, tls, config.insecure)?;
        check_exposure(OPTIMIZER, config.optimizer_listen, tls, config.insecure)?;
        check_exposure(DASHBOARD, config.dashboard_listen, tls, config.insecure)?;
        // Every listener first: a taken port fails at once, naming the
        // service, before the database is touched.
        let registry = bind(REGISTRY, config.registry_listen, tls).await?;
        let optimizer = bind(OPTIMIZER, config.optimizer_listen, tls).await?;
        let dashboard = bind(DASHBOARD, config.dashboard_listen, tls).await?;

        let database_url = match &config.database_url {
            Some(url) => url.clone(),
            None => jemput_registry::default_database_url().map_err(UpError::DataDirectory)?,
        };
        let plans_database_url = match &config.plans_database_url {
            Some(url) => url.clone(),
            None => {
                jemput_optimizer::default_database_url().map_err(UpError::PlansDataDirectory)?
            }
        };
        if describe_database(&plans_database_url) == describe_database(&database_url) {
            return Err(UpError::SharedDatabase {
                database: describe_database(&database_url),
            });
        }
        tracing::info!(database = %describe_database(&database_url), "opening the database");
        let store = jemput_registry::Store::open(&database_url)
            .await
            .map_err(|source| UpError::OpenStore {
                database: describe_database(&database_url),
                source,
            })?;
        tracing::info!(database = %describe_database(&plans_database_url), "opening the plans database");
        let plans = jemput_optimizer::PlanStore::open(&plans_database_url)
            .await
            .map_err(|source| UpError::OpenPlanStore {
                database: describe_database(&plans_database_url),
                source,
            })?;
        // The first start makes the admin token every local command uses;
        // later starts keep it while it is still valid.
        let admin_token_file = jemput_registry::data_dir()
            .map_err(UpError::DataDirectory)?
            .join(jemput_registry::ADMIN_TOKEN_FILE);
        let admin_token = jemput_registry::ensure_admin_token(&store, &admin_token_file)
            .await
            .map_err(|source| UpError::AdminToken {
                path: admin_token_file.clone(),
                source,
            })?;
        let login_link = jemput_dashboard::LoginLink::new(admin_token.clone())
            .map_err(|e| UpError::Random(e.to_string()))?;
        let mut stack = Stack::new(database_url, plans_database_url);
        stack.sign_in_path = login_link.path();
        stack.admin_token = admin_token;
        stack.admin_token_file = admin_token_file;
        stack.tls = config.tls.clone();
        // With TLS, the services call each other over TLS and trust the
        // certificate they serve (it may be self-signed).
        let ca = config.tls.as_ref().map(|files| files.cert.clone());

        // In call order: the optimizer reads the registry, the dashboard
        // calls both. Their clients connect lazily, so the order only
        // matters for the summary.
        let registry_url = registry.url();
        let optimizer_url = optimizer.url();
        let registry_options = jemput_registry::ServeOptions {
            tls: config.tls.clone(),
            limits: jemput_auth::Limits::default(),
        };
        stack.spawn(registry, |listener, shutdown| {
            jemput_registry::serve(listener, store, registry_options, shutdown)
        });
        let optimizer_reads = registry_url.clone();
        let optimizer_options = jemput_optimizer::ServeOptions {
            tls: config.tls.clone(),
            limits: jemput_auth::Limits::default(),
            registry_ca: ca.clone(),
        };
        stack.spawn(optimizer, |listener, shutdown| async move {
            jemput_optimizer::serve(
                listener,
                &optimizer_reads,
                plans,
                optimizer_options,
                shutdown,
            )
            .await
        });
        let backends = jemput_dashboard::Backends {
            registry: registry_url,
            optimizer: optimizer_url,
            ca,
        };
        let dashboard_options = jemput_dashboard::Options {
            tls: config.tls.clone(),
            hosts: config.dashboard_hosts.clone(),
            login_link: Some(login_link),
        };
        stack.spawn(dashboard, |listener, shutdown| {
            jemput_dashboard::serve(listener, backends, dashboard_options, shutdown)
        });

        Ok(stack)
    }

    fn new(database_url: String, plans_database_url: String) -> Stack {
        Stack {
            database_url,
            plans_database_url,
            admin_token: String::new(),
            admin_token_file: PathBuf::new(),
            sign_in_path: String::new(),
            tls: None,
            services: Vec::new(),
            tasks: JoinSet::new(),
            running: HashMap::new(),
            shutdown: watch::Sender::new(()),
        }
    }

    /// Runs `serve(listener, shutdown)` as the service `name`.
    fn spawn<F, Fut, E>(&mut self, bound: Bound, serve: F)
    where
        F: FnOnce(TcpListener, ShutdownSignal) -> Fut,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<ServiceError>,
    {
        let Bound {
            name,
            listener,
            addr,
            tls,
        } = bound;
        let task = serve(listener, self.shutdown_signal());
        let handle = self
            .tasks
            .spawn(async move { task.await.map_err(Into::into) });
        self.running.insert(handle.id(), name);
        self.services.push(ServiceAddr { name, addr, tls });
    }

    /// Which service a finished task was, and how it ended.
    fn ended(
        &mut self,
        ended: Result<(Id, Result<(), ServiceError>), JoinError>,
    ) -> Result<&'static str, UpError> {
        let id = match &ended {
            Ok((id, _)) => *id,
            Err(err) => err.id(),
        };
        let service = self.running.remove(&id).unwrap_or("a service");
        match ended {
            Ok((_, Ok(()))) => Ok(service),
            Ok((_, Err(source))) => Err(UpError::Service { service, source }),
            Err(source) => Err(UpError::Crashed { service, source }),
        }
    }

    fn shutdown_signal(&self) -> ShutdownSignal {
        let mut stopped = self.shutdown.subscribe();
        Box::pin(async move {
            // Either a stop was sent or the stack was dropped: stop both ways.
            let _ = stopped.changed().await;
        })
    }

    /// The registry's database, as given (with any password).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The optimizer's plans database, as given (with any password).
    pub fn plans_database_url(&self) -> &str {
        &self.plans_database_url
    }

    /// The local admin token (also in [`Stack::admin_token_file`]).
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    pub fn admin_token_file(&self) -> &std::path::Path {
        &self.admin_token_file
    }

    /// The dashboard's one-time sign-in path, `/login?code=…`.
    pub fn sign_in_path(&self) -> &str {
        &self.sign_in_path
    }

    /// The certificate the services serve, if TLS is on.
    pub fn tls(&self) -> Option<&TlsFiles> {
        self.tls.as_ref()
    }

    /// The running services, in start order.
    pub fn services(&self) -> &[ServiceAddr] {
        &self.services
    }

    /// The URL of the service `name`, if it runs.
    pub fn url(&self, name: &str) -> Option<String> {
        self.services
            .iter()
            .find(|service| service.name == name)
            .map(ServiceAddr::url)
    }

    /// Serves until `stop` completes or a service ends on its own, then
    /// asks every service to stop and waits for them to drain.
    pub async fn run_until(mut self, stop: impl Future<Output = ()>) -> Result<(), UpError> {
        let early = tokio::select! {
            () = stop => None,
            Some(ended) = self.tasks.join_next_with_id() => Some(ended),
        };
        // Any service ending before it was asked to is an error, even cleanly.
        let mut first_error = early.map(|ended| match self.ended(ended) {
            Ok(service) => UpError::StoppedEarly { service },
            Err(err) => err,
        });
        if let Err(err) = self.drain().await {
            first_error.get_or_insert(err);
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// Asks every service to stop and waits until they have.
    pub async fn shutdown(mut self) -> Result<(), UpError> {
        self.drain().await
    }

    async fn drain(&mut self) -> Result<(), UpError> {
        tracing::info!("stopping: draining in-flight calls");
        self.shutdown.send_replace(());
        let mut first_error = None;
        let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
            while let Some(ended) = self.tasks.join_next_with_id().await {
                match self.ended(ended) {
                    Ok(service) => tracing::info!(service, "stopped"),
                    Err(err) => {
                        first_error.get_or_insert(err);
                    }
                }
            }
        })
        .await;
        if drained.is_err() {
            let mut services: Vec<&'static str> = self.running.values().copied().collect();
            services.sort_unstable();
            self.tasks.abort_all();
            return Err(UpError::DrainTimeout { services });
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// What each service's `serve` gets: completes when the stack stops.
pub type ShutdownSignal = std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A service's listener, bound before any service is spawned.
struct Bound {
    name: &'static str,
    listener: TcpListener,
    /// The actual address (port 0 resolved).
    addr: SocketAddr,
    tls: bool,
}

impl Bound {
    /// The URL the other services dial it at.
    fn url(&self) -> String {
        ServiceAddr {
            name: self.name,
            addr: self.addr,
            tls: self.tls,
        }
        .url()
    }
}

async fn bind(name: &'static str, addr: SocketAddr, tls: bool) -> Result<Bound, UpError> {
    let fail = |source| UpError::Bind {
        service: name,
        addr,
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(fail)?;
    let addr = listener.local_addr().map_err(fail)?;
    Ok(Bound {
        name,
        listener,
        addr,
        tls,
    })
}

/// Completes on Ctrl-C or SIGTERM (what systemd and `kill` send).
///
/// The handlers are installed when this is called, not when the future is
/// first polled, so a signal that arrives while the services start is not lost.
pub fn stop_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind: SignalKind, name: &'static str| {
            let listener = signal(kind);
            async move {
                match listener {
                    Ok(mut listener) => {
                        listener.recv().await;
                    }
                    Err(err) => {
                        tracing::warn!(%err, "cannot listen for {name}");
                        std::future::pending::<()>().await;
                    }
                }
            }
        };
        let interrupt = listen(SignalKind::interrupt(), "Ctrl-C");
        let terminate = listen(SignalKind::terminate(), "SIGTERM");
        async move {
            tokio::select! {
                () = interrupt => {}
                () = terminate => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}

/// The database for people to read: the file of an SQLite URL, or a
/// server URL without its password.
pub fn describe_database(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        return format!("SQLite file {path}");
    }
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, tail) = match rest.find('/') {
                Some(slash) => rest.split_at(slash),
                None => (rest, ""),
            };
            let authority = match authority.rsplit_once('@') {
                Some((user_info, host)) => {
                    let user = user_info.split(':').next().unwrap_or("");
                    let password = if user_info.contains(':') { ":***" } else { "" };
                    format!("{user}{password}@{host}")
                }
                None => authority.to_string(),
            };
            let tail = tail.split('?').next().unwrap_or(tail);
            format!("{scheme}://{authority}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 0))
    }

    #[test]
    fn services_on_every_interface_are_dialled_on_loopback() {
        let service = ServiceAddr {
            name: "registry",
            addr: "0.0.0.0:50051".parse().unwrap(),
            tls: false,
        };
        assert_eq!(service.url(), "http://127.0.0.1:50051");
    }

    #[tokio::test]
    async fn a_taken_port_names_the_service() {
        let taken = bind("first", loopback(), false).await.unwrap();
        let Err(err) = bind("registry", taken.addr, false).await else {
            panic!("the port is taken")
        };
        assert_eq!(
            err.to_string(),
            format!("the registry cannot listen on {}", taken.addr)
        );
    }

    #[tokio::test]
    async fn plaintext_beyond_loopback_is_refused_before_anything_listens() {
        let config = UpConfig {
            database_url: Some("sqlite:///nonexistent/never-opened.db".into()),
            plans_database_url: None,
            registry_listen: "0.0.0.0:0".parse().unwrap(),
            optimizer_listen: loopback(),
            dashboard_listen: loopback(),
            tls: None,
            insecure: false,
            dashboard_hosts: Vec::new(),
        };
        let Err(err) = Stack::start(&config).await else {
            panic!("plaintext on every interface was accepted")
        };
        assert!(matches!(err, UpError::Exposed(_)), "{err:?}");
        assert!(err.to_string().contains("--insecure"), "{err}");
    }

    #[test]
    fn database_descriptions_hide_passwords() {
        assert_eq!(
            describe_database("sqlite:///home/a/.local/share/jemput/jemput.db?mode=rwc"),
            "SQLite file /home/a/.local/share/jemput/jemput.db"
        );
        assert_eq!(
            describe_database("sqlite:jemput.db"),
            "SQLite file jemput.db"
        );
        assert_eq!(
            describe_database("postgres://jemput:s3cret@db.local:5432/jemput?sslmode=require"),
            "postgres://jemput:***@db.local:5432/jemput"
        );
        assert_eq!(
            describe_database("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
    }

    #[tokio::test]
    async fn the_optimizer_is_not_given_the_registrys_database() {
        let config = UpConfig {
            database_url: Some("sqlite:///tmp/jemput-shared.db".into()),
            plans_database_url: Some("sqlite:/tmp/jemput-shared.db?mode=rwc".into()),
            registry_listen: loopback(),
            optimizer_listen: loopback(),
            dashboard_listen: loopback(),
            tls: None,
            insecure: false,
            dashboard_hosts: Vec::new(),
        };
        let Err(err) = Stack::start(&config).await else {
            panic!("one database for both services was accepted")
        };
        assert!(matches!(err, UpError::SharedDatabase { .. }), "{err:?}");
        assert!(err.to_string().contains("--plans-database-url"), "{err}");
    }

    #[tokio::test]
    async fn a_failing_service_stops_the_stack_and_is_reported() {
        let mut stack = Stack::new("sqlite::memory:".into(), "sqlite::memory:".into());
        let quiet = bind("quiet", loopback(), false).await.unwrap();
        let failing = bind("failing", loopback(), false).await.unwrap();
        stack.spawn(quiet, |_listener, shutdown| async move {
            shutdown.await;
            Ok::<(), std::io::Error>(())
        });
        stack.spawn(failing, |_listener, _shutdown| async move {
            Err::<(), _>(std::io::Error::other("disk full"))
        });
        assert!(stack.url("quiet").unwrap().starts_with("http://127.0.0.1:"));
        let err = stack
            .run_until(std::future::pending())
            .await
            .expect_err("the failing service must stop the stack");
        assert!(
            matches!(
                err,
                UpError::Service {
                    service: "failing",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_stop_drains_every_service() {
        let mut stack = Stack::new("sqlite::memory:".into(), "sqlite::memory:".into());
        let (drained_tx, drained_rx) = tokio::sync::oneshot::channel();
        let bound = bind("svc", loopback(), false).await.unwrap();
        stack.spawn(bound, |_listener, shutdown| async move {
            shutdown.await;
            drained_tx.send(()).unwrap();
            Ok::<(), std::io::Error>(())
        });
        stack.run_until(async {}).await.unwrap();
        drained_rx.await.expect("the service saw the stop");
    }
}
