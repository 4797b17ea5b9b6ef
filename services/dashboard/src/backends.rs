//! The gRPC clients of the registry and optimizer, built from their addresses.

use std::time::Duration;

use jemput_proto::optimizer::planner_service_client::PlannerServiceClient;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use tonic::transport::{Channel, Endpoint};

use crate::DashboardError;

/// A plan of a whole district, with every team-day, is a few MB: more than
/// tonic's 4 MB default.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// Where the two gRPC services listen, e.g. `http://127.0.0.1:50051`.
#[derive(Debug, Clone)]
pub struct Backends {
    pub registry: String,
    pub optimizer: String,
}

/// Cheap to clone: a tonic `Channel` is a handle to one shared connection.
#[derive(Clone)]
pub(crate) struct Clients {
    pub registry: RegistryServiceClient<Channel>,
    pub planner: PlannerServiceClient<Channel>,
}

impl Backends {
    pub(crate) fn connect_lazy(&self) -> Result<Clients, DashboardError> {
        Ok(Clients {
            registry: RegistryServiceClient::new(channel("registry", &self.registry)?)
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
            planner: PlannerServiceClient::new(channel("optimizer", &self.optimizer)?)
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
        })
    }
}

fn channel(service: &'static str, address: &str) -> Result<Channel, DashboardError> {
    let endpoint = Endpoint::from_shared(address.to_owned()).map_err(|error| {
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
        };
        assert!(backends.connect_lazy().is_ok());
    }
}
