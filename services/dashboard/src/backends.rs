//! The gRPC clients of the registry and optimizer, built from their addresses.

use std::path::PathBuf;
use std::time::Duration;

use jemput_proto::auth::audit_service_client::AuditServiceClient;
use jemput_proto::optimizer::planner_service_client::PlannerServiceClient;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use tonic::transport::Channel;

use crate::DashboardError;

use jemput_proto::MAX_MESSAGE_BYTES;

/// Where the two gRPC services listen, e.g. `http://127.0.0.1:50051`
/// (`https://` for TLS).
#[derive(Debug, Clone)]
pub struct Backends {
    pub registry: String,
    pub optimizer: String,
    /// A PEM certificate to trust for `https://` backends, besides the
    /// system's CAs (e.g. a self-signed one).
    pub ca: Option<PathBuf>,
}

/// Cheap to clone: a tonic `Channel` is a handle to one shared connection.
#[derive(Clone)]
pub(crate) struct Clients {
    pub registry: RegistryServiceClient<Channel>,
    pub planner: PlannerServiceClient<Channel>,
    pub registry_audit: AuditServiceClient<Channel>,
    pub planner_audit: AuditServiceClient<Channel>,
    /// The registry's channel, for checking sign-in tokens.
    pub registry_channel: Channel,
}

impl Backends {
    pub(crate) fn connect_lazy(&self) -> Result<Clients, DashboardError> {
        let registry = channel("registry", &self.registry, self.ca.as_deref())?;
        let planner = channel("optimizer", &self.optimizer, self.ca.as_deref())?;
        Ok(Clients {
            registry: RegistryServiceClient::new(registry.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
            planner: PlannerServiceClient::new(planner.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
            registry_audit: AuditServiceClient::new(registry.clone()),
            planner_audit: AuditServiceClient::new(planner),
            registry_channel: registry,
        })
    }
}

fn channel(
    service: &'static str,
    address: &str,
    ca: Option<&std::path::Path>,
) -> Result<Channel, DashboardError> {
    let endpoint = jemput_auth::tls::endpoint(address, ca).map_err(|error| {
        DashboardError::InvalidBackend {
            service,
            address: address.to_owned(),
            reason: error.to_string(),
        }
    })?;
    // A backend that is down should fail a page quickly, not hang it; the
    // time a call may take is set per request, since solves are long.
    Ok(endpoint
        .connect_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .connect_lazy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bad_address_names_the_service() {
        let backends = Backends {
            registry: "http://127.0.0.1:50051".into(),
            optimizer: "not a url".into(),
            ca: None,
        };
        let Err(error) = backends.connect_lazy() else {
            panic!("a bad address was accepted");
        };
        assert!(error.to_string().contains("optimizer"), "{error}");
    }

    #[tokio::test]
    async fn clients_are_made_while_the_backends_are_down() {
        let backends = Backends {
            registry: "http://127.0.0.1:1".into(),
            optimizer: "http://127.0.0.1:1".into(),
            ca: None,
        };
        assert!(backends.connect_lazy().is_ok());
    }
}
