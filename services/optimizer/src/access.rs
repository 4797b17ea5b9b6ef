//! Who may call what on the optimizer, in one table, and its audit trail
//! (`jemput.auth.v1.AuditService`): every stored plan, who asked for it,
//! when and from where.

use jemput_auth::{MethodRoles, Role};
use jemput_proto::auth::{self as pb, audit_service_server::AuditService};
use tonic::{Request, Response, Status};

use crate::{error::OptimizerError, store::PlanStore};

use Role::{Admin, Budget, Field, Planner, Service, Viewer};

const READERS: &[Role] = &[Admin, Planner, Budget, Field, Viewer, Service];
const PLANNERS: &[Role] = &[Admin, Planner];
const BUDGETERS: &[Role] = &[Admin, Planner, Budget];
const ADMINS: &[Role] = &[Admin];

/// Method → roles that may call it. A field token reads plans, but
/// `GetPlan` shows it its own team's itinerary only.
pub const METHODS: MethodRoles = &[
    ("/jemput.optimizer.v1.PlannerService/CreatePlan", PLANNERS),
    ("/jemput.optimizer.v1.PlannerService/GetPlan", READERS),
    ("/jemput.optimizer.v1.PlannerService/ListPlans", READERS),
    (
        "/jemput.optimizer.v1.PlannerService/EvaluateBudgets",
        BUDGETERS,
    ),
    (
        "/jemput.optimizer.v1.PlannerService/FindMinimumBudget",
        BUDGETERS,
    ),
    ("/jemput.optimizer.v1.PlannerService/ReplanPlan", PLANNERS),
    (
        "/jemput.optimizer.v1.PlannerService/AllocateBudget",
        BUDGETERS,
    ),
    ("/jemput.optimizer.v1.PlannerService/UpdatePlan", PLANNERS),
    ("/jemput.auth.v1.AuditService/ListAuditEntries", ADMINS),
];

const DEFAULT_PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1000;

/// The optimizer's audit trail.
pub struct Audit {
    store: PlanStore,
}

impl Audit {
    pub fn new(store: PlanStore) -> Audit {
        Audit { store }
    }
}

#[tonic::async_trait]
impl AuditService for Audit {
    async fn list_audit_entries(
        &self,
        request: Request<pb::ListAuditEntriesRequest>,
    ) -> Result<Response<pb::ListAuditEntriesResponse>, Status> {
        let request = request.into_inner();
        let size = match request.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => {
                return Err(OptimizerError::invalid(
                    "page_size",
                    "must not be negative",
                    "tidak boleh negatif",
                )
                .into());
            }
            n => i64::from(n).min(MAX_PAGE_SIZE),
        };
        let offset = if request.page_token.is_empty() {
            0
        } else {
            request
                .page_token
                .strip_prefix('a')
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    OptimizerError::invalid(
                        "page_token",
                        "is not a token from a previous ListAuditEntries response",
                        "bukan token dari jawaban ListAuditEntries sebelumnya",
                    )
                })?
        };
        let mut entries = self.store.audit_entries(offset, size + 1).await?;
        let next_page_token = if entries.len() as i64 > size {
            entries.truncate(size as usize);
            format!("a{}", offset + size)
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

    #[test]
    fn every_served_method_has_its_roles() {
        let set = prost_types::FileDescriptorSet::decode(jemput_proto::FILE_DESCRIPTOR_SET)
            .expect("the descriptor set");
        let served = [
            "jemput.optimizer.v1.PlannerService",
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
}
