//! An optimizer for tests, beside `jemput_registry::testing::start_registry`:
//! served on `127.0.0.1:0` (bound before it returns, so clients connect at
//! once) against a registry, until its handle is shut down or dropped.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::{OptimizerError, PlanStore, ServeOptions, serve};

/// Stops an optimizer started by [`start_optimizer`]; dropping it stops it too.
pub struct ShutdownHandle {
    stop: Option<oneshot::Sender<()>>,
    served: Option<JoinHandle<Result<(), OptimizerError>>>,
}

impl ShutdownHandle {
    /// Signals shutdown and waits until in-flight calls have drained.
    pub async fn shutdown(mut self) -> Result<(), OptimizerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.served.take() {
            Some(served) => served
                .await
                .unwrap_or_else(|e| panic!("the optimizer task failed: {e}")),
            None => Ok(()),
        }
    }
}

impl Drop for ShutdownHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves plans kept in `store`, reading regions and tokens from the
/// registry at `registry_url`, with the default options (plaintext, default
/// limits).
pub async fn start_optimizer(registry_url: &str, store: PlanStore) -> (SocketAddr, ShutdownHandle) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let registry_url = registry_url.to_owned();
    let served = tokio::spawn(async move {
        serve(
            listener,
            &registry_url,
            store,
            ServeOptions::default(),
            async move {
                let _ = stopped.await;
            },
        )
        .await
    });
    (
        address,
        ShutdownHandle {
            stop: Some(stop),
            served: Some(served),
        },
    )
}
