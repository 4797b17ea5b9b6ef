//! Verifying tokens in a service that does not keep them (the optimizer,
//! the dashboard): ask the registry's `GetCaller` with the token itself,
//! and remember the answer briefly.
//!
//! The cache keeps a revoked token working for at most [`CACHE_FOR`] at
//! these services (the registry itself refuses it at once); in exchange a
//! busy dashboard does not ask the registry on every call. Failures are
//! never cached, so a token that was just issued works at once.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use jemput_proto::auth::{GetCallerRequest, token_service_client::TokenServiceClient};
use tonic::{
    Code, Status,
    metadata::{Ascii, MetadataValue},
    service::{Interceptor, interceptor::InterceptedService},
    transport::Channel,
};

use crate::{AUTHORIZATION, AuthFailure, Caller, Verifier, VerifyFuture, token};

/// How long an answer from the registry is trusted.
pub const CACHE_FOR: Duration = Duration::from_secs(10);
/// Answers kept at most; beyond that the cache starts over.
const MAX_CACHED: usize = 10_000;
/// How long the registry may take to answer.
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

/// Puts `authorization: Bearer <bearer>` on a request.
pub fn with_bearer<T>(request: &mut tonic::Request<T>, bearer: &str) -> Result<(), Status> {
    let value = MetadataValue::try_from(format!("Bearer {bearer}"))
        .map_err(|_| Status::unauthenticated("the token cannot be sent as metadata"))?;
    request.metadata_mut().insert(AUTHORIZATION, value);
    Ok(())
}

/// Adds a fixed bearer token to every call of a client (or none, so the
/// server's answer says what is missing).
#[derive(Clone)]
pub struct BearerInterceptor(Option<MetadataValue<Ascii>>);

impl BearerInterceptor {
    pub fn new(bearer: &str) -> Result<BearerInterceptor, Status> {
        MetadataValue::try_from(format!("Bearer {bearer}"))
            .map(|value| BearerInterceptor(Some(value)))
            .map_err(|_| Status::unauthenticated("the token cannot be sent as metadata"))
    }

    /// Calls without a token.
    pub fn anonymous() -> BearerInterceptor {
        BearerInterceptor(None)
    }
}

impl Interceptor for BearerInterceptor {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(value) = &self.0 {
            request.metadata_mut().insert(AUTHORIZATION, value.clone());
        }
        Ok(request)
    }
}

/// A channel whose every call carries one token.
pub type AuthChannel = InterceptedService<Channel, BearerInterceptor>;

/// Asks the registry who a token belongs to.
pub struct RemoteVerifier {
    client: TokenServiceClient<Channel>,
    cache: Mutex<HashMap<Vec<u8>, (Caller, Instant)>>,
}

impl RemoteVerifier {
    pub fn new(registry: Channel) -> RemoteVerifier {
        RemoteVerifier {
            client: TokenServiceClient::new(registry),
            cache: Mutex::default(),
        }
    }

    fn cached(&self, key: &[u8]) -> Option<Caller> {
        let cache = self.cache.lock().ok()?;
        let (caller, at) = cache.get(key)?;
        (at.elapsed() < CACHE_FOR).then(|| caller.clone())
    }

    fn remember(&self, key: Vec<u8>, caller: &Caller) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(key, (caller.clone(), Instant::now()));
        }
    }

    async fn ask(&self, bearer: &str) -> Result<Caller, AuthFailure> {
        if token::parse(bearer).is_none() {
            return Err(AuthFailure::Malformed);
        }
        let key = token::sha256(bearer);
        if let Some(caller) = self.cached(&key) {
            return Ok(caller);
        }
        let mut request = tonic::Request::new(GetCallerRequest {});
        request.set_timeout(ASK_TIMEOUT);
        with_bearer(&mut request, bearer).map_err(|_| AuthFailure::Malformed)?;
        let answer = self.client.clone().get_caller(request).await;
        match answer {
            Ok(token) => {
                let caller = Caller::from_pb(&token.into_inner()).ok_or(AuthFailure::Unknown)?;
                self.remember(key, &caller);
                Ok(caller)
            }
            Err(status) if status.code() == Code::Unauthenticated => {
                let message = status.message();
                Err(if message.contains("expired") {
                    AuthFailure::Expired
                } else if message.contains("revoked") {
                    AuthFailure::Revoked
                } else {
                    AuthFailure::Unknown
                })
            }
            Err(status) => Err(AuthFailure::Unavailable(format!(
                "the registry answered {:?}",
                status.code()
            ))),
        }
    }
}

impl Verifier for RemoteVerifier {
    fn verify<'a>(&'a self, bearer: &'a str) -> VerifyFuture<'a> {
        Box::pin(self.ask(bearer))
    }
}
