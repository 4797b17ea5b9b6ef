//! `jemput.optimizer.v1.PlannerService`: bounds requests, reads the district
//! from the registry with the caller's token, checks the parameters and
//! solves on the blocking pool (the solves behind a concurrency limit,
//! within the caller's deadline), and stores plans with an audit entry.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jemput_auth::{Bearer, Caller, Peer, Role, audit_peer};
use jemput_base::format::{Lang, count, date as date_text};
use jemput_proto::optimizer as pb;
use jemput_proto::optimizer::planner_service_server::PlannerService;
use tokio::sync::Semaphore;
use tonic::{Request, Response, Status};

use crate::bound::LpSolver;
use crate::calendar::parse_date;
use crate::convert::{self, today_in_district};
use crate::district::District;
use crate::error::OptimizerError;
use crate::params::{FieldViolation, Parameters};
use crate::registry::Registry;
use crate::solve::{self, Options, PlanError};
use crate::store::{PlanAction, PlanAudit, PlanChange, PlanState, PlanStore};

const MAX_SCENARIOS: usize = 64;
/// A budget split covers at most a province's districts, or the nation's.
const MAX_DISTRICTS: usize = 600;
const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 500;

pub struct Planner {
    registry: Registry,
    store: PlanStore,
    /// Solves are CPU-bound: at most one per core runs, the rest queue.
    solves: Arc<Semaphore>,
}

impl Planner {
    pub fn new(registry: Registry, store: PlanStore) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            registry,
            store,
            solves: Arc::new(Semaphore::new(cores)),
        }
    }

    /// Runs `work` on the blocking pool with a stop time counted from the
    /// call's arrival: its gRPC deadline or `time_limit_seconds`, whichever
    /// is sooner, so time spent queued for a core counts. A call whose
    /// deadline passes in the queue is answered DEADLINE_EXCEEDED without
    /// solving. If the caller goes away, the solve is told to stop.
    async fn solve<T, F>(
        &self,
        call: Arrival,
        time_limit_seconds: f64,
        work: F,
    ) -> Result<T, OptimizerError>
    where
        T: Send + 'static,
        F: FnOnce(&Options<'_>) -> Result<T, PlanError> + Send + 'static,
    {
        let mut budget = Duration::from_secs_f64(time_limit_seconds.clamp(0.1, 300.0));
        if let Some(d) = call.deadline {
            // Leave room to store the plan and answer before the caller gives up.
            budget = budget.min(d.mul_f64(0.8));
        }
        let stop_at = call.at + budget;
        let acquire = self.solves.clone().acquire_owned();
        let permit = match call.deadline {
            Some(deadline) => tokio::time::timeout_at((call.at + deadline).into(), acquire)
                .await
                .map_err(|_| OptimizerError::DeadlineExceeded)?,
            None => acquire.await,
        }
        .map_err(|_| OptimizerError::Cancelled)?;
        let cancel = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(cancel.clone());
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let options = Options {
                solver: LpSolver::preferred(),
                stop_at: Some(stop_at),
                cancel: Some(&cancel),
                rollouts: true,
            };
            work(&options)
        });
        task.await
            .map_err(|e| OptimizerError::Internal(format!("solver task: {e}")))?
            .map_err(OptimizerError::from)
    }

    async fn district(&self, region: &str, bearer: &str) -> Result<District, OptimizerError> {
        if region.is_empty() {
            return Err(OptimizerError::invalid(
                "region",
                "is required, e.g. regions/17.02",
                "wajib diisi, mis. regions/17.02",
            ));
        }
        self.registry.district(region, "region", bearer).await
    }

    /// Checks the parameters against the district on the blocking pool:
    /// the checks are linear in the (bounded) request, but a large matrix
    /// or list still takes a while, and the async runtime is shared with
    /// every other call (and, under `jemput up`, with the registry).
    async fn parameters(
        given: Option<pb::PlanParameters>,
        district: District,
    ) -> Result<(Parameters, District), OptimizerError> {
        let today = today_in_district();
        tokio::task::spawn_blocking(move || {
            let ahead = convert::within_ten_years(given.as_ref(), today);
            match convert::parameters(given.as_ref(), &district, today) {
                Ok(params) if ahead.is_empty() => Ok((params, district)),
                Ok(_) => Err(OptimizerError::InvalidArgument(ahead)),
                Err(mut violations) => {
                    violations.extend(ahead);
                    Err(OptimizerError::InvalidArgument(violations))
                }
            }
        })
        .await
        .map_err(|e| OptimizerError::Internal(format!("parameter check: {e}")))?
    }

    async fn store_plan(
        &self,
        plan: &solve::Plan,
        district: &District,
        request_id: Option<&str>,
        replan: Option<(String, String)>,
        audit: &PlanAudit,
    ) -> Result<pb::Plan, OptimizerError> {
        let (micros, timestamp) = now();
        let mut proto = convert::plan_to_proto(
            plan,
            district,
            format!("plans/{}", new_id(micros)),
            timestamp,
        );
        if let Some((from, as_of)) = replan {
            proto.replanned_from = from;
            proto.as_of_date = as_of;
        }
        self.store.insert(&proto, request_id, micros, audit).await
    }
}

/// The verified caller, where the call came from, and its bearer token
/// (passed on to the registry).
fn identity<T>(request: &Request<T>) -> Result<(Caller, Peer, String), Status> {
    let (caller, peer) = audit_peer(request)?;
    let bearer = request
        .extensions()
        .get::<Bearer>()
        .map(|b| b.0.clone())
        .ok_or_else(|| Status::unauthenticated("no token"))?;
    Ok((caller, peer, bearer))
}

fn audit(caller: Caller, peer: Peer, action: PlanAction) -> PlanAudit {
    PlanAudit {
        caller,
        peer,
        action,
    }
}

/// Plans must reach the target by `deadline`, which may not come before
/// their start.
fn set_deadline(params: &mut Parameters, deadline: chrono::NaiveDate) -> Result<(), Status> {
    if deadline < params.start_date {
        return Err(OptimizerError::invalid(
            "deadline",
            format!("{deadline} is before the start date {}", params.start_date),
            format!(
                "{} sebelum tanggal mulai {}",
                date_text(deadline, Lang::Id),
                date_text(params.start_date, Lang::Id)
            ),
        )
        .into());
    }
    params.deadline = Some(deadline);
    Ok(())
}

/// A date the request names, not more than ten years ahead.
fn near_date(text: &str, field: &str) -> Result<chrono::NaiveDate, OptimizerError> {
    let date = parse_date(text)
        .ok_or_else(|| OptimizerError::InvalidArgument(vec![convert::not_a_date(field, text)]))?;
    let latest = convert::latest_plan_date(today_in_district());
    if date > latest {
        return Err(OptimizerError::invalid(
            field,
            format!(
                "{date} is more than {} years ahead (latest {latest})",
                convert::MAX_YEARS_AHEAD
            ),
            format!(
                "{} lebih dari {} tahun ke depan (paling lambat {})",
                date_text(date, Lang::Id),
                convert::MAX_YEARS_AHEAD,
                date_text(latest, Lang::Id)
            ),
        ));
    }
    Ok(date)
}

/// Sets the flag when the request future is dropped (the client went away).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn now() -> (i64, prost_types::Timestamp) {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (
        since.as_micros() as i64,
        prost_types::Timestamp {
            seconds: since.as_secs() as i64,
            nanos: since.subsec_nanos() as i32,
        },
    )
}

/// Time-ordered, unique within a process and practically across processes.
fn new_id(micros: i64) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{micros:x}{:04x}{:04x}",
        std::process::id() & 0xffff,
        n & 0xffff
    )
}

/// When a call arrived and how long its caller waits: the deadlines of its
/// work count from here.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    at: Instant,
    deadline: Option<Duration>,
}

impl Arrival {
    fn of<T>(request: &Request<T>) -> Arrival {
        Arrival {
            at: Instant::now(),
            deadline: grpc_deadline(request),
        }
    }
}

/// The caller's gRPC deadline, from the `grpc-timeout` header.
fn grpc_deadline<T>(request: &Request<T>) -> Option<Duration> {
    let value = request.metadata().get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

fn plan_id(name: &str, field: &str) -> Result<String, OptimizerError> {
    match name.strip_prefix("plans/") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(id.to_string())
        }
        _ => Err(OptimizerError::invalid(
            field,
            format!(
                "{} is not a plan name of the form plans/{{id}}",
                convert::excerpt(name)
            ),
            format!(
                "{} bukan nama rencana berbentuk plans/{{id}}",
                convert::excerpt(name)
            ),
        )),
    }
}

fn request_id(id: &str) -> Option<&str> {
    (!id.is_empty()).then_some(id)
}

#[tonic::async_trait]
impl PlannerService for Planner {
    async fn create_plan(
        &self,
        request: Request<pb::CreatePlanRequest>,
    ) -> Result<Response<pb::Plan>, Status> {
        let deadline = Arrival::of(&request);
        let (caller, peer, bearer) = identity(&request)?;
        let req = request.into_inner();
        convert::precheck(&req.region, &req.request_id, req.parameters.as_ref())
            .map_err(OptimizerError::InvalidArgument)?;
        if let Some(id) = request_id(&req.request_id)
            && let Some(plan) = self.store.by_request_id(id).await?
        {
            return Ok(Response::new(plan));
        }
        let district = self.district(&req.region, &bearer).await?;
        let (params, district) = Self::parameters(req.parameters, district).await?;
        let d = district.clone();
        let limit = params.time_limit_seconds;
        let plan = self
            .solve(deadline, limit, move |o| solve::plan(&d, &params, o))
            .await?;
        let stored = self
            .store_plan(
                &plan,
                &district,
                request_id(&req.request_id),
                None,
                &audit(caller, peer, PlanAction::CreatePlan),
            )
            .await?;
        Ok(Response::new(stored))
    }

    async fn get_plan(
        &self,
        request: Request<pb::GetPlanRequest>,
    ) -> Result<Response<pb::Plan>, Status> {
        let (caller, _) = audit_peer(&request)?;
        let name = request.into_inner().name;
        let id = plan_id(&name, "name")?;
        match self.store.get(&id).await? {
            Some(mut plan) => {
                // A field team reads its own itinerary, not the others'.
                if caller.role == Role::Field {
                    plan.teams
                        .retain(|team| caller.team.as_deref() == Some(team.display_name.as_str()));
                }
                Ok(Response::new(plan))
            }
            None => Err(OptimizerError::NotFound(convert::excerpt(&name)).into()),
        }
    }

    async fn list_plans(
        &self,
        request: Request<pb::ListPlansRequest>,
    ) -> Result<Response<pb::ListPlansResponse>, Status> {
        let req = request.into_inner();
        let mut violations = Vec::new();
        let size = match req.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => {
                violations.push(FieldViolation::new(
                    "page_size",
                    "must not be negative",
                    "tidak boleh negatif",
                ));
                0
            }
            n => (n as i64).min(MAX_PAGE_SIZE),
        };
        let offset = if req.page_token.is_empty() {
            0
        } else {
            match req
                .page_token
                .strip_prefix("o")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| *n >= 0)
            {
                Some(n) => n,
                None => {
                    violations.push(FieldViolation::new(
                        "page_token",
                        "is not a token from a previous ListPlans response",
                        "bukan token dari jawaban ListPlans sebelumnya",
                    ));
                    0
                }
            }
        };
        if !violations.is_empty() {
            return Err(OptimizerError::InvalidArgument(violations).into());
        }
        let region = request_id(&req.region);
        let mut plans = self
            .store
            .list(region, req.show_archived, offset, size + 1)
            .await?;
        let next_page_token = if plans.len() as i64 > size {
            plans.truncate(size as usize);
            format!("o{}", offset + size)
        } else {
            String::new()
        };
        for plan in &mut plans {
            plan.teams.clear();
            plan.projection.clear();
        }
        Ok(Response::new(pb::ListPlansResponse {
            plans,
            next_page_token,
        }))
    }

    async fn evaluate_budgets(
        &self,
        request: Request<pb::EvaluateBudgetsRequest>,
    ) -> Result<Response<pb::EvaluateBudgetsResponse>, Status> {
        let deadline = Arrival::of(&request);
        let (_, _, bearer) = identity(&request)?;
        let req = request.into_inner();
        convert::precheck(&req.region, "", req.parameters.as_ref())
            .map_err(OptimizerError::InvalidArgument)?;
        if req.budgets_rupiah.len() > MAX_SCENARIOS || req.teams.len() > MAX_SCENARIOS {
            return Err(OptimizerError::invalid(
                "budgets_rupiah",
                format!("budgets × teams must be at most {MAX_SCENARIOS} scenarios"),
                format!("anggaran × jumlah tim paling banyak {MAX_SCENARIOS} skenario"),
            )
            .into());
        }
        let mut violations = Vec::new();
        if req.budgets_rupiah.is_empty() || req.budgets_rupiah.len() > MAX_SCENARIOS {
            violations.push(FieldViolation::new(
                "budgets_rupiah",
                format!("give between 1 and {MAX_SCENARIOS} budgets"),
                format!("beri 1 sampai {MAX_SCENARIOS} anggaran"),
            ));
        }
        for (i, b) in req.budgets_rupiah.iter().enumerate() {
            if *b < 0 {
                violations.push(FieldViolation::new(
                    format!("budgets_rupiah[{i}]"),
                    "must not be negative",
                    "tidak boleh negatif",
                ));
            }
        }
        for (i, t) in req.teams.iter().enumerate() {
            if !(1..=100).contains(t) {
                violations.push(FieldViolation::new(
                    format!("teams[{i}]"),
                    "must be between 1 and 100",
                    "harus antara 1 dan 100",
                ));
            }
        }
        if req.budgets_rupiah.len() * req.teams.len().max(1) > MAX_SCENARIOS {
            violations.push(FieldViolation::new(
                "teams",
                format!("budgets × teams must be at most {MAX_SCENARIOS} scenarios"),
                format!("anggaran × jumlah tim paling banyak {MAX_SCENARIOS} skenario"),
            ));
        }
        if !violations.is_empty() {
            return Err(OptimizerError::InvalidArgument(violations).into());
        }
        let district = self.district(&req.region, &bearer).await?;
        let (params, district) = Self::parameters(req.parameters, district).await?;
        let teams: Vec<u32> = if req.teams.is_empty() {
            vec![params.teams]
        } else {
            req.teams.iter().map(|&t| t as u32).collect()
        };
        let budgets = req.budgets_rupiah.clone();
        let limit = params.time_limit_seconds;
        let scenarios = self
            .solve(deadline, limit, move |o| {
                solve::evaluate_budgets(&district, &params, &budgets, &teams, o)
            })
            .await?;
        Ok(Response::new(pb::EvaluateBudgetsResponse {
            scenarios: scenarios.iter().map(convert::scenario_to_proto).collect(),
        }))
    }

    async fn find_minimum_budget(
        &self,
        request: Request<pb::FindMinimumBudgetRequest>,
    ) -> Result<Response<pb::FindMinimumBudgetResponse>, Status> {
        let deadline_header = Arrival::of(&request);
        let (caller, peer, bearer) = identity(&request)?;
        let req = request.into_inner();
        convert::precheck(&req.region, "", req.parameters.as_ref())
            .map_err(OptimizerError::InvalidArgument)?;
        let deadline = near_date(&req.deadline, "deadline")?;
        let district = self.district(&req.region, &bearer).await?;
        let (mut params, district) = Self::parameters(req.parameters, district).await?;
        set_deadline(&mut params, deadline)?;
        let d = district.clone();
        let limit = params.time_limit_seconds;
        // Where no budget meets the deadline, the plan answered with is the
        // soonest these teams can do, money no limit.
        let (minimum, lower_bound, plan) = self
            .solve(deadline_header, limit, move |o| {
                let found = solve::minimum_budget(&d, &params, o)?;
                let (minimum, plan) = match found.minimum {
                    Some((budget, plan)) => (Some(budget), plan),
                    None => (None, solve::soonest(&d, &params, o)?),
                };
                Ok((minimum, found.lower_bound_rupiah, plan))
            })
            .await?;
        let stored = self
            .store_plan(
                &plan,
                &district,
                None,
                None,
                &audit(caller, peer, PlanAction::FindMinimumBudget),
            )
            .await?;
        Ok(Response::new(pb::FindMinimumBudgetResponse {
            reachable: minimum.is_some(),
            minimum_budget_rupiah: minimum,
            plan: Some(stored),
            minimum_budget_lower_bound_rupiah: lower_bound,
        }))
    }

    async fn replan_plan(
        &self,
        request: Request<pb::ReplanPlanRequest>,
    ) -> Result<Response<pb::Plan>, Status> {
        let deadline = Arrival::of(&request);
        let (caller, peer, bearer) = identity(&request)?;
        let req = request.into_inner();
        convert::precheck("", &req.request_id, None).map_err(OptimizerError::InvalidArgument)?;
        let id = plan_id(&req.plan, "plan")?;
        if let Some(rid) = request_id(&req.request_id)
            && let Some(plan) = self.store.by_request_id(rid).await?
        {
            return Ok(Response::new(plan));
        }
        let Some(original) = self.store.get(&id).await? else {
            return Err(OptimizerError::NotFound(req.plan).into());
        };
        let today = today_in_district();
        let as_of = if req.as_of_date.is_empty() {
            today
        } else {
            near_date(&req.as_of_date, "as_of_date")?
        };
        let given = original.parameters.clone().unwrap_or_default();
        let district = self.district(&original.region, &bearer).await?;
        // The original's own parameters, its start included (it may lie in
        // the past: that is the point of keeping its days).
        let (mut params, district) = Self::parameters(Some(given), district).await?;
        // Days can be kept only once they are past (or, for a plan not yet
        // under way, nothing is kept: as of its start).
        if as_of < params.start_date || as_of > today.max(params.start_date) {
            return Err(OptimizerError::invalid(
                "as_of_date",
                format!(
                    "{as_of} must lie between the plan's start ({}) and today ({today})",
                    params.start_date
                ),
                format!(
                    "{} harus di antara tanggal mulai rencana ({}) dan hari ini ({})",
                    date_text(as_of, Lang::Id),
                    date_text(params.start_date, Lang::Id),
                    date_text(today, Lang::Id)
                ),
            )
            .into());
        }
        let as_of_text = as_of.to_string();
        let kept_through = params
            .calendar()
            .working_days_through(as_of - chrono::Days::new(1));
        let itinerary = convert::itinerary_from_wire(&original, &district, &params)
            .map_err(|errors| OptimizerError::Internal(errors.join("; ")))?;
        // What the teams recorded in the kept days, village by village.
        let recorded = if kept_through > 0 {
            self.registry
                .mobile_activations(
                    &original.region,
                    params.start_date,
                    as_of - chrono::Days::new(1),
                    &bearer,
                )
                .await?
        } else {
            Default::default()
        };
        let recorded: Vec<i64> = district
            .villages
            .iter()
            .map(|v| recorded.get(&v.name).copied().unwrap_or(0))
            .collect();
        let mut kept = itinerary;
        for team in &mut kept.teams {
            team.days.retain(|d| d.day <= kept_through);
        }
        let learned = crate::learn::learn(&district, &kept, &recorded);
        for l in &learned {
            params.yield_factors.insert(l.kecamatan.clone(), l.factor);
        }
        let history = solve::History { kept, kept_through };
        let d = district.clone();
        let limit = params.time_limit_seconds;
        let mut plan = self
            .solve(deadline, limit, move |o| {
                solve::replan(&d, &params, &history, o)
            })
            .await?;
        plan.learned_yields = learned;
        let stored = self
            .store_plan(
                &plan,
                &district,
                request_id(&req.request_id),
                Some((original.name, as_of_text)),
                &audit(caller, peer, PlanAction::ReplanPlan),
            )
            .await?;
        Ok(Response::new(stored))
    }

    async fn allocate_budget(
        &self,
        request: Request<pb::AllocateBudgetRequest>,
    ) -> Result<Response<pb::AllocateBudgetResponse>, Status> {
        let arrival = Arrival::of(&request);
        let (_, _, bearer) = identity(&request)?;
        let req = request.into_inner();
        let mut violations = Vec::new();
        if let Err(v) = convert::precheck(&req.parent, "", req.parameters.as_ref()) {
            violations.extend(v.into_iter().map(|mut v| {
                if v.field == "region" {
                    v.field = "parent".into();
                }
                v
            }));
        }
        if req.parent.is_empty() {
            violations.push(FieldViolation::new(
                "parent",
                "is required: the province whose districts share the budget, e.g. regions/17",
                "wajib diisi: provinsi yang kabupaten/kotanya berbagi anggaran, mis. regions/17",
            ));
        }
        if req.total_budget_rupiah < 0 {
            violations.push(FieldViolation::new(
                "total_budget_rupiah",
                "must not be negative",
                "tidak boleh negatif",
            ));
        }
        if !violations.is_empty() {
            return Err(OptimizerError::InvalidArgument(violations).into());
        }
        let deadline = near_date(&req.deadline, "deadline")?;
        let listed = self
            .registry
            .districts(&req.parent, "parent", &bearer)
            .await?;
        if listed.len() > MAX_DISTRICTS {
            return Err(OptimizerError::invalid(
                "parent",
                format!(
                    "has {} districts; a split covers at most {MAX_DISTRICTS}",
                    listed.len()
                ),
                format!(
                    "memiliki {} kabupaten/kota; pembagian mencakup paling banyak {}",
                    count(listed.len() as i64),
                    count(MAX_DISTRICTS as i64)
                ),
            )
            .into());
        }
        let mut districts = Vec::with_capacity(listed.len());
        let mut without_counts = Vec::new();
        let mut names = Vec::with_capacity(listed.len());
        for (name, display_name) in listed {
            match self.registry.district(&name, "parent", &bearer).await {
                Ok(district) => {
                    let (mut params, district) =
                        Self::parameters(req.parameters.clone(), district).await?;
                    set_deadline(&mut params, deadline)?;
                    names.push((name, display_name));
                    districts.push((district, params));
                }
                Err(e) => {
                    let status = Status::from(e);
                    if status.code() == tonic::Code::FailedPrecondition {
                        without_counts.push(name);
                    } else {
                        return Err(status);
                    }
                }
            }
        }
        if districts.is_empty() {
            return Err(Status::failed_precondition(format!(
                "{} has no district with counts yet to split the budget among",
                convert::excerpt(&req.parent)
            )));
        }
        let total = req.total_budget_rupiah;
        // Each district's curve is several solves: the split may take the
        // per-solve limit once per district (at most five minutes, and
        // never past the caller's deadline).
        let limit = districts
            .first()
            .map_or(20.0, |(_, p)| p.time_limit_seconds * districts.len() as f64)
            .min(300.0);
        let split = self
            .solve(arrival, limit, move |o| {
                crate::allocate::allocate_budget(&districts, total, o)
            })
            .await?;
        let shares = split
            .shares
            .iter()
            .map(|share| {
                let (name, display_name) = &names[share.district];
                let p = &share.point;
                pb::BudgetShare {
                    district: name.clone(),
                    display_name: display_name.clone(),
                    budget_rupiah: p.budget_rupiah,
                    reaches_target: p.reaches_target,
                    target_date: p
                        .target_date
                        .filter(|_| p.reaches_target)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    working_days: p.working_days as i32,
                    ikd_activated: p.ikd_activated_by_deadline,
                    coverage: p.coverage,
                    cost_rupiah: p.cost_rupiah,
                    minimum_budget_rupiah: share.minimum_budget_rupiah,
                    minimum_budget_lower_bound_rupiah: share.lower_bound_rupiah,
                    already_reached: p.already_reached,
                }
            })
            .collect();
        Ok(Response::new(pb::AllocateBudgetResponse {
            shares,
            districts_reaching_target: split.districts_reaching_target as i32,
            districts_reaching_target_upper_bound: split.districts_reaching_target_upper_bound
                as i32,
            allocated_rupiah: split.allocated_rupiah,
            districts_without_counts: without_counts,
            districts_not_planned: split
                .not_planned
                .iter()
                .map(|&d| names[d].0.clone())
                .collect(),
        }))
    }

    async fn update_plan(
        &self,
        request: Request<pb::UpdatePlanRequest>,
    ) -> Result<Response<pb::Plan>, Status> {
        let (caller, peer) = audit_peer(&request)?;
        let (id, change) =
            plan_change(request.into_inner()).map_err(OptimizerError::InvalidArgument)?;
        let (micros, _) = now();
        match self
            .store
            .update(
                &id,
                &change,
                micros,
                &audit(caller, peer, PlanAction::UpdatePlan),
            )
            .await?
        {
            Some(plan) => Ok(Response::new(plan)),
            None => Err(OptimizerError::NotFound(format!("plans/{id}")).into()),
        }
    }
}

/// The fields an UpdatePlan may change.
const UPDATABLE: [&str; 2] = ["display_name", "state"];

/// Reads an UpdatePlan request: the plan's id and what changes, or every
/// field problem at once.
fn plan_change(req: pb::UpdatePlanRequest) -> Result<(String, PlanChange), Vec<FieldViolation>> {
    let pb::UpdatePlanRequest { plan, update_mask } = req;
    let mut violations = Vec::new();
    let Some(plan) = plan else {
        return Err(vec![FieldViolation::new(
            "plan",
            "is required",
            "wajib diisi",
        )]);
    };
    let id = match plan_id(&plan.name, "plan.name") {
        Ok(id) => id,
        Err(OptimizerError::InvalidArgument(mut v)) => {
            violations.append(&mut v);
            String::new()
        }
        Err(_) => String::new(),
    };
    let paths = update_mask.map(|mask| mask.paths).unwrap_or_default();
    let mut wanted = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        match UPDATABLE.iter().find(|field| **field == path) {
            Some(field) => wanted.push(*field),
            None => violations.push(FieldViolation::new(
                format!("update_mask.paths[{i}]"),
                format!(
                    "{} cannot be changed; a stored plan changes only its display_name and state",
                    convert::excerpt(path)
                ),
                format!(
                    "{} tidak dapat diubah; rencana tersimpan hanya dapat diubah nama tampilan dan statusnya",
                    convert::excerpt(path)
                ),
            )),
        }
    }
    if paths.is_empty() {
        wanted.extend(UPDATABLE);
    }
    let mut change = PlanChange::default();
    if wanted.contains(&"display_name") {
        let name = plan.display_name.trim();
        let before = violations.len();
        convert::name_field(name, "plan.display_name", &mut violations);
        if violations.len() == before {
            change.display_name = Some(name.to_string());
        }
    }
    if wanted.contains(&"state") {
        match pb::PlanState::try_from(plan.state)
            .ok()
            .and_then(PlanState::from_pb)
        {
            Some(state) => change.state = Some(state),
            None => violations.push(FieldViolation::new(
                "plan.state",
                "must be PLAN_STATE_DRAFT, PLAN_STATE_APPROVED or PLAN_STATE_ARCHIVED",
                "harus PLAN_STATE_DRAFT, PLAN_STATE_APPROVED atau PLAN_STATE_ARCHIVED",
            )),
        }
    }
    if violations.is_empty() {
        Ok((id, change))
    } else {
        Err(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(
        name: &str,
        display_name: &str,
        state: pb::PlanState,
        paths: &[&str],
    ) -> pb::UpdatePlanRequest {
        pb::UpdatePlanRequest {
            plan: Some(pb::Plan {
                name: name.into(),
                display_name: display_name.into(),
                state: state.into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: paths.iter().map(|p| p.to_string()).collect(),
            }),
        }
    }

    fn fields(result: Result<(String, PlanChange), Vec<FieldViolation>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_rename_changes_the_name_only() {
        let (id, change) = plan_change(update(
            "plans/abc1",
            "  Anggaran perubahan 2027 ",
            pb::PlanState::Unspecified,
            &["display_name"],
        ))
        .unwrap();
        assert_eq!(id, "abc1");
        assert_eq!(
            change,
            PlanChange {
                display_name: Some("Anggaran perubahan 2027".into()),
                state: None,
            }
        );
    }

    #[test]
    fn an_empty_mask_changes_both() {
        let mut request = update("plans/abc1", "Final", pb::PlanState::Approved, &[]);
        request.update_mask = None;
        let (_, change) = plan_change(request).unwrap();
        assert_eq!(change.display_name.as_deref(), Some("Final"));
        assert_eq!(change.state, Some(PlanState::Approved));
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            fields(plan_change(update(
                "plan/1",
                "x",
                pb::PlanState::Unspecified,
                &["state", "parameters.budget_rupiah", "display_name"],
            ))),
            ["plan.name", "update_mask.paths[1]", "plan.state"]
        );
        assert_eq!(
            fields(plan_change(update(
                "plans/a",
                &"x".repeat(300),
                pb::PlanState::Draft,
                &["display_name"],
            ))),
            ["plan.display_name"]
        );
        assert_eq!(
            fields(plan_change(update(
                "plans/a",
                "a\u{0}b",
                pb::PlanState::Draft,
                &[]
            ))),
            ["plan.display_name"]
        );
        let mut unknown = update("plans/a", "", pb::PlanState::Draft, &["state"]);
        unknown.plan.as_mut().unwrap().state = 42;
        assert_eq!(fields(plan_change(unknown)), ["plan.state"]);
        assert_eq!(
            fields(plan_change(pb::UpdatePlanRequest::default())),
            ["plan"]
        );
    }
}
