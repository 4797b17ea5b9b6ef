//! An optimizer for tests, beside `jemput_registry::testing::start_registry`:
//! served on `127.0.0.1:0` (bound before it returns, so clients connect at
//! once) against a registry, until its handle is shut down or dropped.

use std::net::SocketAddr;

use jemput_auth::server::ServerHandle;

use crate::{OptimizerError, PlanStore, ServeOptions, serve};

/// Serves plans kept in `store`, reading regions and tokens from the
/// registry at `registry_url`, with the default options (plaintext, default
/// limits).
pub async fn start_optimizer(
    registry_url: &str,
    store: PlanStore,
) -> (SocketAddr, ServerHandle<OptimizerError>) {
    let registry_url = registry_url.to_owned();
    ServerHandle::spawn_on_loopback(|listener, stopped| async move {
        serve(
            listener,
            &registry_url,
            store,
            ServeOptions::default(),
            stopped,
        )
        .await
    })
    .await
    .expect("bind 127.0.0.1:0")
}
