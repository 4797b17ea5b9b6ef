//! Connections to the services: turns an address into a client, and a
//! failed connection or error status into a `CliError` that names the service.
//! The optimizer's client waits longer and takes larger answers: a plan
//! takes seconds to solve and is megabytes long.

use std::time::Duration;

use jemput_proto::optimizer::planner_service_client::PlannerServiceClient;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use tonic::transport::{Channel, Endpoint};

use crate::error::{CliError, RpcError};

/// How long to wait for a service to accept a connection. On loopback or a
/// LAN a healthy service answers at once; longer only delays the hint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Per call. Imports and batches of up to 10 000 reports fit well inside.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Per call to the optimizer. A plan takes seconds, a budget search or a
/// table of scenarios several solves; the solver's own limit is 20 s each.
pub const PLAN_TIMEOUT: Duration = Duration::from_secs(120);
/// A whole district's plan, every team-day of it, is a few MB: more than
/// tonic's 4 MB default.
const MAX_PLAN_BYTES: usize = 64 * 1024 * 1024;

/// A connected registry client that knows its address for error messages.
#[derive(Debug, Clone)]
pub struct Registry {
    pub client: RegistryServiceClient<Channel>,
    pub url: String,
}

impl Registry {
    /// Connects now, so an absent registry is reported before any work.
    pub async fn connect(url: &str) -> Result<Registry, CliError> {
        let channel = connect("registry", url, CALL_TIMEOUT).await?;
        Ok(Registry {
            client: RegistryServiceClient::new(channel),
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
    pub client: PlannerServiceClient<Channel>,
    pub url: String,
}

impl Optimizer {
    /// Connects now, so an absent optimizer is reported before any work.
    pub async fn connect(url: &str) -> Result<Optimizer, CliError> {
        let channel = connect("optimizer", url, PLAN_TIMEOUT).await?;
        Ok(Optimizer {
            client: PlannerServiceClient::new(channel).max_decoding_message_size(MAX_PLAN_BYTES),
            url: url.to_string(),
        })
    }

    /// A request that tells the optimizer how long the caller waits (the
    /// `grpc-timeout` header), so a solve nobody waits for is abandoned.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(PLAN_TIMEOUT);
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
) -> Result<Channel, CliError> {
    let endpoint = Endpoint::from_shared(url.to_string())
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
        let err = Registry::connect(&url).await.unwrap_err();
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
        let err = Optimizer::connect(&url).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot reach the optimizer at {url}: is `jemput up` running?")
        );
    }

    #[tokio::test]
    async fn a_malformed_address_is_a_usage_error() {
        let err = Registry::connect("not a url").await.unwrap_err();
        assert!(matches!(err, CliError::BadAddress { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 2);
    }
}
