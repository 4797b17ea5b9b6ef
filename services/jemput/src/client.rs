//! Connections to the services: turns an address into a client whose calls
//! carry the user's token, and a failed connection or error status into a
//! `CliError` that names the service. The optimizer's client waits longer
//! and takes larger answers: a plan takes seconds to solve and is megabytes
//! long.
//!
//! The token is `JEMPUT_TOKEN`, else the `admin.token` that `jemput up`
//! keeps in the data directory, so on the machine that runs `jemput up`
//! every command works without setup.

use std::{path::PathBuf, time::Duration};

use jemput_auth::{AuthChannel, BearerInterceptor};
use jemput_proto::auth::{
    audit_service_client::AuditServiceClient, token_service_client::TokenServiceClient,
};
use jemput_proto::optimizer::planner_service_client::PlannerServiceClient;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use tonic::transport::Channel;

use crate::error::{CliError, RpcError};

/// How long to wait for a service to accept a connection. On loopback or a
/// LAN a healthy service answers at once; longer only delays the hint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Per call. Imports and batches of up to 10 000 reports fit well inside.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Per call to the optimizer. A plan takes seconds, a budget search or a
/// table of scenarios several solves; the solver's own limit is 20 s each.
pub const PLAN_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a budget split may take: the optimizer gives it up to five
/// minutes of solving (the per-solve limit once per district), then answers.
pub const ALLOCATE_TIMEOUT: Duration = Duration::from_secs(400);

/// The environment variable that holds a token, before `admin.token`.
pub const TOKEN_VAR: &str = "JEMPUT_TOKEN";

/// What every call needs besides an address: the token it carries, and a
/// certificate to trust for `https://` services.
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub token: Option<String>,
    pub ca: Option<PathBuf>,
    /// The token is this machine's `admin.token`: it is sent only to
    /// services on this machine (loopback), never to another host.
    pub local_only: bool,
}

/// Whether `url` names this machine (127.0.0.0/8, ::1 or localhost).
fn is_loopback(url: &str) -> bool {
    let Ok(uri) = url.parse::<tonic::codegen::http::Uri>() else {
        return false;
    };
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Access {
    /// `JEMPUT_TOKEN`, else `admin.token` in the data directory, else none
    /// (the service's UNAUTHENTICATED then says what to do).
    pub fn from_env(ca: Option<PathBuf>) -> Access {
        if let Some(token) = std::env::var(TOKEN_VAR)
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            return Access {
                token: Some(token.trim().to_string()),
                ca,
                local_only: false,
            };
        }
        let token = jemput_registry::data_dir()
            .ok()
            .and_then(|dir| {
                std::fs::read_to_string(dir.join(jemput_registry::ADMIN_TOKEN_FILE)).ok()
            })
            .map(|t| t.trim().to_string());
        Access {
            token,
            ca,
            local_only: true,
        }
    }

    /// Calls with `token`.
    pub fn token(token: &str) -> Access {
        Access {
            token: Some(token.to_string()),
            ca: None,
            local_only: false,
        }
    }

    fn interceptor(&self, url: &str) -> Result<BearerInterceptor, CliError> {
        let token = self
            .token
            .as_ref()
            .filter(|_| !self.local_only || is_loopback(url));
        match token {
            Some(token) => BearerInterceptor::new(token).map_err(|_| {
                CliError::Usage(format!(
                    "the token in {TOKEN_VAR} or admin.token is not a jemput token"
                ))
            }),
            None => Ok(BearerInterceptor::anonymous()),
        }
    }
}

/// A connected registry client that knows its address for error messages.
#[derive(Debug, Clone)]
pub struct Registry {
    pub client: RegistryServiceClient<AuthChannel>,
    pub tokens: TokenServiceClient<AuthChannel>,
    pub audit: AuditServiceClient<AuthChannel>,
    pub url: String,
}

impl Registry {
    /// Connects now, so an absent registry is reported before any work.
    pub async fn connect(url: &str, access: &Access) -> Result<Registry, CliError> {
        let channel = connect("registry", url, CALL_TIMEOUT, access).await?;
        let interceptor = access.interceptor(url)?;
        Ok(Registry {
            client: RegistryServiceClient::with_interceptor(channel.clone(), interceptor.clone()),
            tokens: TokenServiceClient::with_interceptor(channel.clone(), interceptor.clone()),
            audit: AuditServiceClient::with_interceptor(channel, interceptor),
            url: url.to_string(),
        })
    }

    /// Wraps an error status from this registry.
    pub fn error(&self, status: tonic::Status) -> CliError {
        CliError::Rpc(RpcError::from_status("registry", &self.url, &status))
    }
}

/// A connected optimizer client that knows its address for error messages.
#[derive(Debug, Clone)]
pub struct Optimizer {
    pub client: PlannerServiceClient<AuthChannel>,
    pub audit: AuditServiceClient<AuthChannel>,
    pub url: String,
    /// How it was reached, to reach the registry the same way.
    pub access: Access,
}

impl Optimizer {
    /// Connects now, so an absent optimizer is reported before any work.
    pub async fn connect(url: &str, access: &Access) -> Result<Optimizer, CliError> {
        // The longest any call waits; each request says its own deadline.
        let channel = connect("optimizer", url, ALLOCATE_TIMEOUT, access).await?;
        let interceptor = access.interceptor(url)?;
        Ok(Optimizer {
            client: PlannerServiceClient::with_interceptor(channel.clone(), interceptor.clone())
                .max_decoding_message_size(jemput_proto::MAX_MESSAGE_BYTES),
            audit: AuditServiceClient::with_interceptor(channel, interceptor),
            url: url.to_string(),
            access: access.clone(),
        })
    }

    /// A request that tells the optimizer how long the caller waits (the
    /// `grpc-timeout` header), so a solve nobody waits for is abandoned.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        self.request_waiting(message, PLAN_TIMEOUT)
    }

    /// As [`Optimizer::request`], waiting `timeout` (at most [`ALLOCATE_TIMEOUT`]).
    pub fn request_waiting<T>(&self, message: T, timeout: Duration) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(timeout.min(ALLOCATE_TIMEOUT));
        request
    }

    /// Wraps an error status from this optimizer.
    pub fn error(&self, status: tonic::Status) -> CliError {
        CliError::Rpc(RpcError::from_status("optimizer", &self.url, &status))
    }
}

async fn connect(
    service: &'static str,
    url: &str,
    call_timeout: Duration,
    access: &Access,
) -> Result<Channel, CliError> {
    let endpoint = jemput_auth::tls::endpoint(url, access.ca.as_deref())
        .map_err(|source| CliError::BadAddress {
            service,
            url: url.to_string(),
            source,
        })?
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(call_timeout);
    endpoint
        .connect()
        .await
        .map_err(|source| CliError::Unreachable {
            service,
            url: url.to_string(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_absent_registry_is_reported_with_a_hint() {
        // Bind and drop to get a port that nothing listens on.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let url = format!("http://127.0.0.1:{port}");
        let err = Registry::connect(&url, &Access::default())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot reach the registry at {url}: is `jemput up` running?")
        );
    }

    #[tokio::test]
    async fn an_absent_optimizer_is_reported_with_a_hint() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let url = format!("http://127.0.0.1:{port}");
        let err = Optimizer::connect(&url, &Access::default())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot reach the optimizer at {url}: is `jemput up` running?")
        );
    }

    #[test]
    fn the_local_admin_token_stays_on_this_machine() {
        for url in [
            "http://127.0.0.1:50051",
            "https://localhost:1",
            "http://[::1]:50052",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "http://10.0.0.5:50051",
            "https://registry.example:443",
            "not a url",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[tokio::test]
    async fn a_malformed_address_is_a_usage_error() {
        let err = Registry::connect("not a url", &Access::default())
            .await
            .unwrap_err();
        assert!(matches!(err, CliError::BadAddress { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 2);
    }
}
