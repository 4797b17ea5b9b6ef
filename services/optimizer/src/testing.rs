//! An optimizer for tests, beside `jemput_registry::testing::start_registry`:
//! served on `127.0.0.1:0` (bound before it returns, so clients connect at
//! once) against a registry, until its handle is shut down or dropped.

use std::net::SocketAddr;

use jemput_auth::server::ServerHandle;
use tokio::net::TcpListener;

use crate::{OptimizerError, PlanStore, ServeOptions, serve};

/// Serves plans kept in `store`, reading regions and tokens from the
/// registry at `registry_url`, with the default options (plaintext, default
/// limits).
pub async fn start_optimizer(
    registry_url: &str,
    store: PlanStore,
) -> (SocketAddr, ServerHandle<OptimizerError>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let registry_url = registry_url.to_owned();
    let served = ServerHandle::spawn(|stopped| async move {
        serve(
            listener,
            &registry_url,
            store,
            ServeOptions::default(),
            stopped,
        )
        .await
    });
    (address, served)
}
