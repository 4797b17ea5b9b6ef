//! The admission layer: in front of every method of a tonic server, before
//! any handler or request decoding, it finds the bearer token, asks the
//! [`Verifier`] whose it is, checks the method's roles and the token's
//! limits, and either refuses the call (so nothing changes) or lets it
//! through with the [`Caller`], [`Peer`] and [`Bearer`] in its extensions.
//!
//! Health is open to all, so load balancers need no token; reflection is
//! open from loopback (a developer's grpcurl) and otherwise needs a token.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use http::HeaderMap;
use tonic::{Code, Status, body::Body};
use tonic_types::{ErrorDetails, StatusExt};
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    AUTHORIZATION, Bearer, Caller, FORWARDED_FOR, Peer, Role,
    limit::{Limiter, Limits, Slot},
};

/// Method path (`/jemput.registry.v1.RegistryService/GetRegion`) → the
/// roles that may call it. One table per service, in that service's crate.
pub type MethodRoles = &'static [(&'static str, &'static [Role])];

/// Why a bearer token was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("no token: send the metadata `authorization: Bearer <token>`")]
    Missing,
    #[error("the authorization is not `Bearer <token>` with a jemput token")]
    Malformed,
    #[error("unknown token")]
    Unknown,
    #[error("the token has expired")]
    Expired,
    #[error("the token was revoked")]
    Revoked,
    /// The registry, which keeps the tokens, could not be asked.
    #[error("tokens cannot be checked now: {0}")]
    Unavailable(String),
}

impl From<AuthFailure> for Status {
    fn from(failure: AuthFailure) -> Status {
        match failure {
            AuthFailure::Unavailable(_) => Status::unavailable(failure.to_string()),
            AuthFailure::Missing
            | AuthFailure::Malformed
            | AuthFailure::Unknown
            | AuthFailure::Expired
            | AuthFailure::Revoked => Status::unauthenticated(failure.to_string()),
        }
    }
}

pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Caller, AuthFailure>> + Send + 'a>>;

/// Turns a bearer string into the caller it belongs to.
pub trait Verifier: Send + Sync + 'static {
    fn verify<'a>(&'a self, bearer: &'a str) -> VerifyFuture<'a>;
}

/// The longest `x-forwarded-for` kept: an address or two, not a document.
const MAX_FORWARDED_FOR: usize = 100;
/// The longest authorization value looked at (a token is 89 characters).
const MAX_AUTHORIZATION: usize = 200;

/// Refuses a call by role, naming the method and the role in an `ErrorInfo`.
pub fn role_denied(role: Role, method: &str) -> Status {
    let name = method.rsplit('/').next().unwrap_or(method);
    let mut details = ErrorDetails::new();
    details.set_error_info(
        "ROLE_NOT_ALLOWED",
        "jemput",
        [
            ("role".to_string(), role.to_string()),
            ("method".to_string(), name.to_string()),
        ],
    );
    Status::with_error_details(
        Code::PermissionDenied,
        format!("a {role} token may not call {name}"),
        details,
    )
}

fn bearer_of(headers: &HeaderMap) -> Result<Option<&str>, AuthFailure> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    if value.len() > MAX_AUTHORIZATION {
        return Err(AuthFailure::Malformed);
    }
    let text = value.to_str().map_err(|_| AuthFailure::Malformed)?;
    let (scheme, token) = text.split_once(' ').ok_or(AuthFailure::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthFailure::Malformed);
    }
    Ok(Some(token.trim()))
}

fn peer_of(request: &http::Request<Body>) -> Peer {
    let extensions = request.extensions();
    let addr = extensions
        .get::<tonic::transport::server::TcpConnectInfo>()
        .and_then(|info| info.remote_addr())
        .or_else(|| {
            extensions
                .get::<tonic::transport::server::TlsConnectInfo<
                    tonic::transport::server::TcpConnectInfo,
                >>()
                .and_then(|info| info.get_ref().remote_addr())
        });
    let forwarded_for = request
        .headers()
        .get(FORWARDED_FOR)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= MAX_FORWARDED_FOR && !v.chars().any(char::is_control))
        .unwrap_or("")
        .to_owned();
    Peer {
        addr,
        forwarded_for,
    }
}

struct Shared {
    verifier: Arc<dyn Verifier>,
    methods: MethodRoles,
    limiter: Limiter,
}

impl Shared {
    /// Admits a call (with its in-flight slot, if it holds one) or refuses it.
    async fn admit(&self, request: &mut http::Request<Body>) -> Result<Option<Slot>, Status> {
        let path = request.uri().path().to_owned();
        let peer = peer_of(request);
        if path.starts_with("/grpc.health.v1.Health/") {
            request.extensions_mut().insert(peer);
            return Ok(None);
        }
        let reflection = path.starts_with("/grpc.reflection.");
        let bearer = bearer_of(request.headers())?.map(str::to_owned);
        let loopback = peer.addr.is_some_and(|addr| addr.ip().is_loopback());
        let Some(bearer) = bearer else {
            if reflection && loopback {
                request.extensions_mut().insert(peer);
                return Ok(None);
            }
            return Err(AuthFailure::Missing.into());
        };
        let caller = self.verifier.verify(&bearer).await?;
        if !reflection
            && let Some((_, roles)) = self.methods.iter().find(|(method, _)| *method == path)
            && !roles.contains(&caller.role)
        {
            return Err(role_denied(caller.role, &path));
        }
        let slot = self
            .limiter
            .admit(&caller.token)
            .map_err(Status::resource_exhausted)?;
        let extensions = request.extensions_mut();
        extensions.insert(caller);
        extensions.insert(peer);
        extensions.insert(Bearer(bearer));
        Ok(Some(slot))
    }
}

/// `Server::builder().layer(AuthLayer::new(..))`.
#[derive(Clone)]
pub struct AuthLayer {
    shared: Arc<Shared>,
}

impl AuthLayer {
    pub fn new(verifier: Arc<dyn Verifier>, methods: MethodRoles, limits: Limits) -> AuthLayer {
        AuthLayer {
            shared: Arc::new(Shared {
                verifier,
                methods,
                limiter: Limiter::new(limits),
            }),
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Admit<S>;

    fn layer(&self, inner: S) -> Admit<S> {
        Admit {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The layer's service around a server's routes.
#[derive(Clone)]
pub struct Admit<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Service<http::Request<Body>> for Admit<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        // The clone that was polled ready is the one that must be called.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            match shared.admit(&mut request).await {
                Ok(slot) => {
                    let response = inner.call(request).await;
                    drop(slot);
                    response
                }
                Err(status) => Ok(status.into_http()),
            }
        })
    }
}
