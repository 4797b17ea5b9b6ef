//! What the admission layer hands to a handler: the verified caller, where
//! the call came from, and the bearer itself (so a service can pass it on
//! when it calls another on the caller's behalf).

use std::{collections::BTreeSet, net::SocketAddr};

use jemput_proto::auth as pb;

use crate::Role;

/// A verified token's identity and scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// `tokens/<id>`, or `local` for the machine's own operator.
    pub token: String,
    pub role: Role,
    /// The team whose reports it may record, if limited to one.
    pub team: Option<String>,
    /// The villages (`regions/…`) it may record for, if limited.
    pub villages: Option<BTreeSet<String>>,
}

impl Caller {
    /// The identity of the operator at this machine's own console (e.g.
    /// `jemput up` issuing the first admin token), for the audit trail.
    pub fn local() -> Caller {
        Caller {
            token: "local".into(),
            role: Role::Admin,
            team: None,
            villages: None,
        }
    }

    /// Whether the token may record for `village` (a region name).
    pub fn may_record_for(&self, village: &str) -> bool {
        self.villages
            .as_ref()
            .is_none_or(|villages| villages.contains(village))
    }

    /// From the registry's answer to `GetCaller`.
    pub fn from_pb(token: &pb::Token) -> Option<Caller> {
        Some(Caller {
            token: token.name.clone(),
            role: Role::from_pb(token.role)?,
            team: (!token.team.is_empty()).then(|| token.team.clone()),
            villages: (!token.villages.is_empty())
                .then(|| token.villages.iter().cloned().collect()),
        })
    }
}

/// Where a call came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peer {
    /// The connection's remote address, as the server saw it.
    pub addr: Option<SocketAddr>,
    /// What a calling service said the call was made for (`x-forwarded-for`);
    /// not verified, kept beside the address for the audit trail.
    pub forwarded_for: String,
}

impl Peer {
    pub fn addr_text(&self) -> String {
        self.addr.map_or_else(String::new, |addr| addr.to_string())
    }
}

/// The bearer string a call carried, to pass on to another service.
#[derive(Clone)]
pub struct Bearer(pub String);

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bearer(…)")
    }
}

/// The caller and peer of a request the admission layer let through. A
/// handler behind the layer always finds them; without it (a unit test
/// calling a handler directly) the call is refused rather than run
/// anonymously.
pub fn audit_peer<T>(request: &tonic::Request<T>) -> Result<(Caller, Peer), tonic::Status> {
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| tonic::Status::unauthenticated("no verified caller"))?;
    let peer = request
        .extensions()
        .get::<Peer>()
        .cloned()
        .unwrap_or_default();
    Ok((caller, peer))
}
