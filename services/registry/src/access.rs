//! Who may call what on the registry, in one table, and the two services
//! behind it that the registry keeps: tokens (`jemput.auth.v1.TokenService`)
//! and the audit trail (`jemput.auth.v1.AuditService`).
//!
//! Every method of every service the registry serves is in [`METHODS`]; a
//! test checks that against the descriptor set, so a new method cannot go
//! out without a decision about who may call it.

use jemput_auth::{MethodRoles, Role, audit_peer};
use jemput_base::format::count;
use jemput_proto::auth::{
    self as pb, audit_service_server::AuditService, token_service_server::TokenService,
};
use tonic::{Request, Response, Status};

use crate::{
    audit::Actor,
    convert::{self, excerpt, page_field, page_token, printable_field},
    domain::{Level, RegionCode, now_micros},
    error::{RegistryError, Violations},
    store::Store,
    tokens::NewToken,
};

use Role::{Admin, Budget, Field, Planner, Service, Viewer};

const EVERYONE: &[Role] = &[Admin, Planner, Budget, Field, Viewer, Service];
const RECORDERS: &[Role] = &[Admin, Planner, Field, Service];
const IMPORTERS: &[Role] = &[Admin, Planner, Service];
const TARGET_SETTERS: &[Role] = &[Admin, Planner];
const ADMINS: &[Role] = &[Admin];

/// Method → roles that may call it. Health is open and reflection needs a
/// token except from loopback (see `jemput_auth::AuthLayer`).
pub const METHODS: MethodRoles = &[
    ("/jemput.registry.v1.RegistryService/GetRegion", EVERYONE),
    ("/jemput.registry.v1.RegistryService/ListRegions", EVERYONE),
    (
        "/jemput.registry.v1.RegistryService/GetEnrollmentGap",
        EVERYONE,
    ),
    (
        "/jemput.registry.v1.RegistryService/ListEnrollmentGaps",
        EVERYONE,
    ),
    (
        "/jemput.registry.v1.RegistryService/RecordActivations",
        RECORDERS,
    ),
    (
        "/jemput.registry.v1.RegistryService/ListActivations",
        EVERYONE,
    ),
    (
        "/jemput.registry.v1.RegistryService/CorrectActivation",
        RECORDERS,
    ),
    (
        "/jemput.registry.v1.RegistryService/SummarizeActivations",
        EVERYONE,
    ),
    (
        "/jemput.registry.v1.RegistryService/SetTarget",
        TARGET_SETTERS,
    ),
    (
        "/jemput.registry.v1.RegistryService/ImportRegions",
        IMPORTERS,
    ),
    (
        "/jemput.registry.v1.RegistryService/WatchEnrollmentGaps",
        EVERYONE,
    ),
    // Adding a province's thousands of villages is a deployment decision.
    ("/jemput.registry.v1.RegistryService/AddRegions", ADMINS),
    (
        "/jemput.registry.v1.RegistryService/GetDistrictSettings",
        EVERYONE,
    ),
    (
        "/jemput.registry.v1.RegistryService/UpdateDistrictSettings",
        TARGET_SETTERS,
    ),
    ("/jemput.auth.v1.TokenService/CreateToken", ADMINS),
    ("/jemput.auth.v1.TokenService/ListTokens", ADMINS),
    ("/jemput.auth.v1.TokenService/RevokeToken", ADMINS),
    ("/jemput.auth.v1.TokenService/GetCaller", EVERYONE),
    ("/jemput.auth.v1.AuditService/ListAuditEntries", ADMINS),
];

/// The longest display name, team or plan name a token carries.
const MAX_TOKEN_TEXT: usize = 200;
/// The longest a token may be issued for.
const MAX_TOKEN_YEARS: i64 = 5;

/// The caller of a request that passed the admission layer, as an actor.
pub(crate) fn actor<T>(request: &Request<T>) -> Result<Actor, Status> {
    let (caller, peer) = audit_peer(request)?;
    Ok(Actor { caller, peer })
}

fn text_field(text: &str, field: &str, violations: &mut Violations) {
    if text.chars().count() > MAX_TOKEN_TEXT {
        violations.add(
            field,
            format!("must be at most {MAX_TOKEN_TEXT} characters"),
            format!("paling panjang {MAX_TOKEN_TEXT} karakter"),
        );
    } else {
        printable_field(text, field, violations);
    }
}

/// Checks a `CreateToken` request against the registry's villages and `now`.
fn new_token(
    request: pb::CreateTokenRequest,
    known: impl Fn(&RegionCode) -> bool,
    now_micros: i64,
) -> Result<NewToken, RegistryError> {
    let mut violations = Violations::default();
    let role = Role::from_pb(request.role);
    if role.is_none() {
        violations.add(
            "role",
            "must be one of ROLE_ADMIN, ROLE_PLANNER, ROLE_BUDGET, ROLE_FIELD, ROLE_VIEWER, ROLE_SERVICE",
            "harus salah satu dari ROLE_ADMIN, ROLE_PLANNER, ROLE_BUDGET, ROLE_FIELD, ROLE_VIEWER, ROLE_SERVICE",
        );
    }
    text_field(&request.display_name, "display_name", &mut violations);
    text_field(&request.team, "team", &mut violations);
    text_field(&request.plan, "plan", &mut violations);
    if request.villages.len() > convert::MAX_BATCH_ROWS {
        violations.add(
            "villages",
            format!("at most {} villages", convert::MAX_BATCH_ROWS),
            format!(
                "paling banyak {} desa",
                count(convert::MAX_BATCH_ROWS as i64)
            ),
        );
    }
    let mut villages = Vec::new();
    for (i, name) in request
        .villages
        .iter()
        .enumerate()
        .take(convert::MAX_BATCH_ROWS)
    {
        if let Some(code) =
            convert::village_field(name, &format!("villages[{i}]"), &known, &mut violations)
            && !villages.contains(&code.as_str().to_owned())
        {
            villages.push(code.as_str().to_owned());
        }
    }
    if role == Some(Role::Field) && request.villages.is_empty() {
        violations.add(
            "villages",
            "a field token needs the villages it may record for (its team's plan, or a list)",
            "token lapangan perlu desa yang boleh dicatatnya (rencana timnya, atau daftar desa)",
        );
    }
    let expire_micros = match request.expire_time {
        None => None,
        Some(time) => {
            let micros = time
                .seconds
                .checked_mul(1_000_000)
                .and_then(|m| m.checked_add(i64::from(time.nanos) / 1000));
            let latest = now_micros.saturating_add(MAX_TOKEN_YEARS * 366 * 86_400 * 1_000_000);
            match micros {
                Some(at) if at > now_micros && at <= latest => Some(at),
                Some(at) if at <= now_micros => {
                    violations.add(
                        "expire_time",
                        "must be in the future",
                        "harus di masa depan",
                    );
                    None
                }
                _ => {
                    violations.add(
                        "expire_time",
                        format!("must be at most {MAX_TOKEN_YEARS} years ahead"),
                        format!("paling lama {MAX_TOKEN_YEARS} tahun ke depan"),
                    );
                    None
                }
            }
        }
    };
    violations.into_result()?;
    Ok(NewToken {
        role,
        display_name: request.display_name,
        team: request.team,
        villages,
        plan: request.plan,
        expire_micros,
    })
}

fn token_id(name: &str) -> Result<&str, RegistryError> {
    jemput_auth::token::id_of_name(name).ok_or_else(|| {
        RegistryError::invalid(
            "name",
            format!("must be tokens/ and 16 hex digits; got {}", excerpt(name)),
            format!(
                "harus tokens/ diikuti 16 digit heksadesimal; yang diberikan {}",
                excerpt(name)
            ),
        )
    })
}

/// `jemput.auth.v1.TokenService` and `AuditService` on the registry's store.
pub struct Access {
    store: Store,
}

impl Access {
    pub fn new(store: Store) -> Access {
        Access { store }
    }
}

#[tonic::async_trait]
impl TokenService for Access {
    async fn create_token(
        &self,
        request: Request<pb::CreateTokenRequest>,
    ) -> Result<Response<pb::CreateTokenResponse>, Status> {
        let actor = actor(&request)?;
        let spec = new_token(
            request.into_inner(),
            |c| self.store.knows(c) && c.level() == Level::Village,
            now_micros(),
        )?;
        let (record, secret) = self.store.create_token(&spec, &actor).await?;
        Ok(Response::new(pb::CreateTokenResponse {
            token: Some(record.to_pb()),
            secret,
        }))
    }

    async fn list_tokens(
        &self,
        request: Request<pb::ListTokensRequest>,
    ) -> Result<Response<pb::ListTokensResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::default();
        let query = "ListTokens";
        let page = page_field(
            request.page_size,
            &request.page_token,
            query,
            &mut violations,
        );
        violations.into_result()?;
        let mut tokens = self.store.tokens(page.offset, page.size + 1).await?;
        let next_page_token = if tokens.len() > page.size {
            tokens.truncate(page.size);
            page_token(query, page.offset + page.size)
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListTokensResponse {
            tokens: tokens.iter().map(|t| t.to_pb()).collect(),
            next_page_token,
        }))
    }

    async fn revoke_token(
        &self,
        request: Request<pb::RevokeTokenRequest>,
    ) -> Result<Response<pb::Token>, Status> {
        let actor = actor(&request)?;
        let name = request.into_inner().name;
        let id = token_id(&name)?;
        self.store.token(id).await?;
        let record = self.store.revoke_token(id, &actor).await?;
        Ok(Response::new(record.to_pb()))
    }

    async fn get_caller(
        &self,
        request: Request<pb::GetCallerRequest>,
    ) -> Result<Response<pb::Token>, Status> {
        let actor = actor(&request)?;
        let id = token_id(&actor.caller.token)?;
        Ok(Response::new(self.store.token(id).await?.to_pb()))
    }
}

#[tonic::async_trait]
impl AuditService for Access {
    async fn list_audit_entries(
        &self,
        request: Request<pb::ListAuditEntriesRequest>,
    ) -> Result<Response<pb::ListAuditEntriesResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::default();
        let query = "ListAuditEntries";
        let page = page_field(
            request.page_size,
            &request.page_token,
            query,
            &mut violations,
        );
        violations.into_result()?;
        let mut entries = self.store.audit_entries(page.offset, page.size + 1).await?;
        let next_page_token = if entries.len() > page.size {
            entries.truncate(page.size);
            page_token(query, page.offset + page.size)
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListAuditEntriesResponse {
            entries,
            next_page_token,
        }))
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    /// Every method the registry serves has a row in the table, and no row
    /// names a method that does not exist.
    #[test]
    fn every_served_method_has_its_roles() {
        let set = prost_types::FileDescriptorSet::decode(jemput_proto::FILE_DESCRIPTOR_SET)
            .expect("the descriptor set");
        let served = [
            "jemput.registry.v1.RegistryService",
            "jemput.auth.v1.TokenService",
            "jemput.auth.v1.AuditService",
        ];
        let mut methods = Vec::new();
        for file in &set.file {
            for service in &file.service {
                let full = format!("{}.{}", file.package(), service.name());
                if served.contains(&full.as_str()) {
                    for method in &service.method {
                        methods.push(format!("/{full}/{}", method.name()));
                    }
                }
            }
        }
        let mut table: Vec<String> = METHODS.iter().map(|(m, _)| (*m).to_owned()).collect();
        methods.sort();
        table.sort();
        assert_eq!(methods, table);
    }

    #[test]
    fn a_field_token_needs_its_villages_and_a_sound_expiry() {
        let now = 1_800_000_000_000_000;
        let request = pb::CreateTokenRequest {
            role: pb::Role::Field.into(),
            team: "Tim\0 1".into(),
            expire_time: Some(prost_types::Timestamp {
                seconds: i64::MAX,
                nanos: 0,
            }),
            ..Default::default()
        };
        let Err(RegistryError::InvalidArgument(violations)) = new_token(request, |_| true, now)
        else {
            panic!("refused");
        };
        let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["team", "villages", "expire_time"]);
    }
}
