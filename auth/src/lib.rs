//! Who may call the jemput services, shared by every server and client.
//!
//! - [`Role`]: the closed set of roles, and what each may do is decided per
//!   service in a method → roles table handed to [`AuthLayer`].
//! - [`token`]: bearer secrets (random, shown once, stored only as SHA-256
//!   hashes, compared in constant time).
//! - [`AuthLayer`]: a tower layer in front of a tonic server that admits a
//!   call or answers `UNAUTHENTICATED` / `PERMISSION_DENIED` /
//!   `RESOURCE_EXHAUSTED` before any handler runs, and hands the verified
//!   [`Caller`] and [`Peer`] to the handlers.
//! - [`RemoteVerifier`]: how a service other than the registry (which keeps
//!   the tokens) learns who a token belongs to.
//! - [`tls`]: certificates for servers and clients, and the rule that a
//!   server reachable from other machines needs TLS unless told `--insecure`.
//! - [`server`]: a server binary's logging and its shutdown on SIGINT/SIGTERM,
//!   and [`server::ServerHandle`], which stops a server served on a task.

mod caller;
mod layer;
mod limit;
mod remote;
mod role;
pub mod server;
pub mod tls;
pub mod token;

pub use caller::{Bearer, Caller, Peer, audit_peer};
pub use layer::{AuthFailure, AuthLayer, MethodRoles, Verifier, VerifyFuture};
pub use limit::Limits;
pub use remote::{AuthChannel, BearerInterceptor, RemoteVerifier, with_bearer};
pub use role::Role;

/// The metadata key a bearer token travels in.
pub const AUTHORIZATION: &str = "authorization";
/// The metadata key in which a service that calls on someone's behalf (the
/// dashboard) names the address the call was made for.
pub const FORWARDED_FOR: &str = "x-forwarded-for";
