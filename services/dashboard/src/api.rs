//! The HTTP JSON API under `/api/`: each handler makes one or a few gRPC
//! calls and answers JSON, a Server-Sent Event stream or an export file.
//!
//! Cancellation needs no code: when the browser aborts a request, hyper
//! drops the handler's future, which drops the tonic call, which resets its
//! HTTP/2 stream, and the optimizer sees the solve's caller is gone.
//!
//! The field page's day and its writes are in the `field` submodule.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jemput_proto::auth::ListAuditEntriesRequest;
use jemput_proto::optimizer::{
    AllocateBudgetRequest, BudgetScenario, CreatePlanRequest, EvaluateBudgetsRequest,
    FindMinimumBudgetRequest, GetPlanRequest, ListPlansRequest, Plan, PlanParameters,
    ReplanPlanRequest, UpdatePlanRequest,
};
use jemput_proto::registry::{
    EnrollmentGap, GetEnrollmentGapRequest, GetRegionRequest, ListActivationsRequest,
    ListEnrollmentGapsRequest, ListRegionsRequest, Region, RegionLevel, RegionView,
    WatchEnrollmentGapsRequest,
};
use prost_types::FieldMask;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio_stream::{Stream, StreamExt};
use tonic::{Code, Request};
use tonic_types::StatusExt;

use crate::DEFAULT_DISTRICT;
use crate::backends::Clients;
use crate::export;
use crate::format::Lang;
use crate::json::{self, Allocation, Parameters, Scenario};
use crate::web::{CURRENT, Current};

mod field;

/// Reads answer fast or something is wrong.
const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// A solve has its own time limit (at most 300 s); a scenario sweep runs
/// many. This only stops a call nobody would still be waiting for.
const SOLVE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Pages of regions fetched at most for one list (1000 regions a page).
const MAX_PAGES: usize = 20;
/// The nation: its children are the provinces, and with a level every
/// district.
const NATION: &str = "regions/ID";

struct AppState {
    clients: Clients,
    /// Regions with their boundaries never change while the dashboard runs;
    /// the map of a district is fetched once.
    maps: Mutex<HashMap<String, Arc<Value>>>,
}

type Shared = State<Arc<AppState>>;

pub(crate) fn router(clients: Clients) -> Router {
    let state = Arc::new(AppState {
        clients,
        maps: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/api/config", get(config))
        .route("/api/districts", get(districts))
        .route("/api/map", get(map))
        .route("/api/gaps", get(gaps))
        .route("/api/gaps/stream", get(gaps_stream))
        .route("/api/plans", get(list_plans).post(create_plan))
        .route("/api/plans/{id}", get(get_plan).patch(update_plan))
        .route("/api/plans/{id}/replan", post(replan_plan))
        .route("/api/plans/{id}/progress", get(plan_progress))
        .route("/api/plans/{id}/itinerary.csv", get(itinerary_csv))
        .route("/api/plans/{id}/itinerary.html", get(itinerary_html))
        .route("/api/plans/{id}/routes.geojson", get(routes_geojson))
        .route("/api/scenarios", post(evaluate_budgets))
        .route("/api/scenarios/export.csv", post(scenarios_csv))
        .route("/api/scenarios/export.xlsx", post(scenarios_xlsx))
        .route("/api/minimum-budget", post(find_minimum_budget))
        .route("/api/allocate", post(allocate_budget))
        .route("/api/allocate/export.xlsx", post(allocation_xlsx))
        .route("/api/audit", get(audit))
        .merge(field::routes())
        .fallback(not_found)
        .with_state(state)
}

/// An error as the page sees it: the HTTP status, the gRPC code's name, a
/// message, and the fields at fault so a form can mark them.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// The message in Indonesian, where the service said it:
    /// `{locale, message}`, the page picks by its language.
    localized: Option<Box<Value>>,
    violations: Vec<Value>,
    preconditions: Vec<Value>,
}

impl ApiError {
    /// One field at fault, said in English and in Indonesian.
    fn invalid(field: &str, english: impl Into<String>, indonesian: impl Into<String>) -> Self {
        Self::violations(vec![(field.to_owned(), english.into(), indonesian.into())])
    }

    /// Several fields at fault at once, as `(field, English, Indonesian)`:
    /// the dashboard's own refusals speak both languages, as the services'
    /// do, and the page picks by its language.
    fn violations(violations: Vec<(String, String, String)>) -> Self {
        let joined = |say: fn(&(String, String, String)) -> &str| {
            violations
                .iter()
                .map(|v| format!("{}: {}", v.0, say(v)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let message = joined(|v| &v.1);
        let localized = Some(Box::new(indonesian(&joined(|v| &v.2))));
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "INVALID_ARGUMENT",
            message,
            localized,
            violations: violations
                .into_iter()
                .map(|(field, english, id)| {
                    json!({ "field": field, "description": english, "localized": indonesian(&id) })
                })
                .collect(),
            preconditions: Vec::new(),
        }
    }

    fn not_found(english: impl Into<String>, id: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "NOT_FOUND",
            message: english.into(),
            localized: Some(Box::new(indonesian(id))),
            violations: Vec::new(),
            preconditions: Vec::new(),
        }
    }

    /// The dashboard's own failure; its detail is technical, so the
    /// Indonesian says what failed and carries the detail as it is.
    fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "INTERNAL",
            localized: Some(Box::new(indonesian(&format!(
                "kesalahan internal di dasbor ({message})"
            )))),
            message,
            violations: Vec::new(),
            preconditions: Vec::new(),
        }
    }
}

/// The dashboard's own Indonesian, in the services' locale and shape.
fn indonesian(message: &str) -> Value {
    localized_json(tonic_types::LocalizedMessage::new(
        jemput_base::format::Lang::INDONESIAN_LOCALE,
        message,
    ))
}

/// The HTTP status for each gRPC code. A backend's own failure is a bad
/// gateway from the page's point of view; a backend that cannot be reached
/// is unavailable.
fn http_status(code: Code) -> (StatusCode, &'static str) {
    match code {
        Code::Ok => (StatusCode::OK, "OK"),
        Code::Cancelled => (StatusCode::REQUEST_TIMEOUT, "CANCELLED"),
        Code::Unknown => (StatusCode::BAD_GATEWAY, "UNKNOWN"),
        Code::InvalidArgument => (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
        Code::DeadlineExceeded => (StatusCode::GATEWAY_TIMEOUT, "DEADLINE_EXCEEDED"),
        Code::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
        Code::AlreadyExists => (StatusCode::CONFLICT, "ALREADY_EXISTS"),
        Code::PermissionDenied => (StatusCode::FORBIDDEN, "PERMISSION_DENIED"),
        Code::ResourceExhausted => (StatusCode::TOO_MANY_REQUESTS, "RESOURCE_EXHAUSTED"),
        Code::FailedPrecondition => (StatusCode::UNPROCESSABLE_ENTITY, "FAILED_PRECONDITION"),
        Code::Aborted => (StatusCode::CONFLICT, "ABORTED"),
        Code::OutOfRange => (StatusCode::BAD_REQUEST, "OUT_OF_RANGE"),
        Code::Unimplemented => (StatusCode::NOT_IMPLEMENTED, "UNIMPLEMENTED"),
        Code::Internal => (StatusCode::BAD_GATEWAY, "INTERNAL"),
        Code::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE"),
        Code::DataLoss => (StatusCode::BAD_GATEWAY, "DATA_LOSS"),
        Code::Unauthenticated => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
    }
}

/// A service's Indonesian as the page reads it: `{locale, message}`.
fn localized_json(message: tonic_types::LocalizedMessage) -> Value {
    json!({ "locale": message.locale, "message": message.message })
}

impl From<tonic::Status> for ApiError {
    fn from(status: tonic::Status) -> Self {
        let (http, code) = http_status(status.code());
        // The details are decoded once, then read for each kind.
        let details = status.get_error_details();
        let violations = details
            .bad_request()
            .map(|bad| {
                bad.field_violations
                    .iter()
                    .map(|v| {
                        json!({
                            "field": v.field,
                            "description": v.description,
                            "localized": v.localized_message.clone().map(localized_json),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let preconditions = details
            .precondition_failure()
            .map(|failure| {
                failure
                    .violations
                    .iter()
                    .map(|v| {
                        json!({ "type": v.r#type, "subject": v.subject, "description": v.description })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = if status.message().is_empty() {
            format!("{:?}", status.code())
        } else {
            status.message().to_owned()
        };
        if http.is_server_error() {
            tracing::warn!(code, %message, "backend call failed");
        }
        let localized = details
            .localized_message()
            .cloned()
            .map(|m| Box::new(localized_json(m)));
        ApiError {
            status: http,
            code,
            message,
            localized,
            violations,
            preconditions,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "localized": self.localized,
                "violations": self.violations,
                "preconditions": self.preconditions,
            }
        });
        (self.status, axum::Json(body)).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// A backend request with a deadline, made as the signed-in user: their
/// token, and their browser's address for the services' audit trails.
fn request<T>(message: T, timeout: Duration) -> Request<T> {
    let mut request = as_user(message);
    request.set_timeout(timeout);
    request
}

/// A backend request made as the signed-in user, without a deadline (a
/// watch stream lasts as long as the page is open).
fn as_user<T>(message: T) -> Request<T> {
    let mut request = Request::new(message);
    if let Ok(current) = CURRENT.try_with(Current::clone) {
        // A token that cannot be metadata was refused at sign-in.
        let _ = jemput_auth::with_bearer(&mut request, &current.session.bearer);
        if let Some(client) = current.client
            && let Ok(value) = client.ip().to_string().parse()
        {
            request
                .metadata_mut()
                .insert(jemput_auth::FORWARDED_FOR, value);
        }
    }
    request
}

/// Parses a JSON body; a body that does not fit names what is wrong.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|error| {
        ApiError::invalid(
            "body",
            error.to_string(),
            format!("isi permintaan tidak dapat dibaca ({error})"),
        )
    })
}

fn plan_name(id: &str) -> ApiResult<String> {
    if id.is_empty() || id.contains('/') {
        return Err(ApiError::invalid(
            "plan",
            format!("{id:?} is not a plan id"),
            format!("{id:?} bukan id rencana"),
        ));
    }
    Ok(format!("plans/{id}"))
}

#[derive(Deserialize)]
struct RegionQuery {
    region: Option<String>,
}

impl RegionQuery {
    fn district(&self) -> String {
        self.region
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| DEFAULT_DISTRICT.to_owned())
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found(
        "no such page or endpoint",
        "halaman atau endpoint ini tidak ada",
    )
}

async fn config() -> axum::Json<Value> {
    axum::Json(json!({
        "district": DEFAULT_DISTRICT,
        "workday_start_hour": export::WORKDAY_START_HOUR,
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

async fn list_regions(
    state: &AppState,
    parent: &str,
    level: RegionLevel,
    view: RegionView,
) -> ApiResult<Vec<Region>> {
    let mut client = state.clients.registry.clone();
    let mut regions = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let page = client
            .list_regions(request(
                ListRegionsRequest {
                    parent: parent.to_owned(),
                    page_size: 1000,
                    page_token,
                    level: level as i32,
                    view: view as i32,
                },
                READ_TIMEOUT,
            ))
            .await?
            .into_inner();
        regions.extend(page.regions);
        if page.next_page_token.is_empty() {
            return Ok(regions);
        }
        page_token = page.next_page_token;
    }
    Err(ApiError::internal(format!(
        "{parent} has more regions than the dashboard can show"
    )))
}

/// Every district the registry holds, under its province, for the page's
/// picker. A district added alone (the seed) has no province row: it is
/// grouped under its province's code. Each district says whether its
/// villages have counts yet, since one without them cannot be planned.
async fn districts(State(state): Shared) -> ApiResult<axum::Json<Value>> {
    let (provinces, districts, gaps) = tokio::try_join!(
        list_regions(&state, NATION, RegionLevel::Unspecified, RegionView::Basic),
        list_regions(&state, NATION, RegionLevel::District, RegionView::Basic),
        list_gap_messages(&state, NATION, RegionLevel::District),
    )?;
    Ok(axum::Json(json::districts(
        &provinces,
        &districts,
        &gaps,
        DEFAULT_DISTRICT,
    )))
}

/// The district, its kecamatan and villages with boundaries, and the
/// boundaries' attribution: everything the map draws.
async fn map(
    State(state): Shared,
    Query(query): Query<RegionQuery>,
) -> ApiResult<axum::Json<Value>> {
    let district = query.district();
    if let Some(cached) = state
        .maps
        .lock()
        .ok()
        .and_then(|maps| maps.get(&district).cloned())
    {
        return Ok(axum::Json(Value::clone(&cached)));
    }
    let mut client = state.clients.registry.clone();
    let district_region = client
        .get_region(request(
            GetRegionRequest {
                name: district.clone(),
                view: RegionView::Basic as i32,
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner();
    let kecamatan =
        list_regions(&state, &district, RegionLevel::Kecamatan, RegionView::Full).await?;
    let villages = list_regions(&state, &district, RegionLevel::Village, RegionView::Full).await?;
    let mut attributions: Vec<&str> = villages
        .iter()
        .chain(&kecamatan)
        .map(|r| r.boundary_attribution.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    attributions.sort_unstable();
    attributions.dedup();
    let value = Arc::new(json!({
        "district": json::region(&district_region),
        "kecamatan": kecamatan.iter().map(json::region).collect::<Vec<_>>(),
        "villages": villages.iter().map(json::region).collect::<Vec<_>>(),
        "attribution": attributions,
    }));
    if let Ok(mut maps) = state.maps.lock() {
        maps.insert(district, Arc::clone(&value));
    }
    Ok(axum::Json(Value::clone(&value)))
}

async fn list_gaps(state: &AppState, parent: &str, level: RegionLevel) -> ApiResult<Vec<Value>> {
    Ok(list_gap_messages(state, parent, level)
        .await?
        .iter()
        .map(json::gap)
        .collect())
}

async fn list_gap_messages(
    state: &AppState,
    parent: &str,
    level: RegionLevel,
) -> ApiResult<Vec<EnrollmentGap>> {
    let mut client = state.clients.registry.clone();
    let mut gaps = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let page = client
            .list_enrollment_gaps(request(
                ListEnrollmentGapsRequest {
                    parent: parent.to_owned(),
                    page_size: 1000,
                    page_token,
                    order_by: "name".to_owned(),
                    level: level as i32,
                },
                READ_TIMEOUT,
            ))
            .await?
            .into_inner();
        gaps.extend(page.gaps);
        if page.next_page_token.is_empty() {
            return Ok(gaps);
        }
        page_token = page.next_page_token;
    }
    Err(ApiError::internal(format!(
        "{parent} has more gaps than the dashboard can show"
    )))
}

/// The district's gap with those of its kecamatan and villages.
async fn gaps(
    State(state): Shared,
    Query(query): Query<RegionQuery>,
) -> ApiResult<axum::Json<Value>> {
    let district = query.district();
    let mut client = state.clients.registry.clone();
    let district_gap = client
        .get_enrollment_gap(request(
            GetEnrollmentGapRequest {
                region: district.clone(),
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner();
    let (kecamatan, villages, province) = tokio::try_join!(
        list_gaps(&state, &district, RegionLevel::Kecamatan),
        list_gaps(&state, &district, RegionLevel::Village),
        province_gaps(&state, &district),
    )?;
    Ok(axum::Json(json!({
        "district": json::gap(&district_gap),
        "kecamatan": kecamatan,
        "villages": villages,
        "province": province,
    })))
}

/// The province of `district` and each of its districts' gaps, for a
/// provincial office reading across them; `null` while the registry holds
/// the district without its province (the seed, alone).
async fn province_gaps(state: &AppState, district: &str) -> ApiResult<Value> {
    let Some(province) = district
        .strip_prefix("regions/")
        .and_then(|code| code.split('.').next())
        .map(|code| format!("regions/{code}"))
    else {
        return Ok(Value::Null);
    };
    let mut client = state.clients.registry.clone();
    let total = match client
        .get_enrollment_gap(request(
            GetEnrollmentGapRequest {
                region: province.clone(),
            },
            READ_TIMEOUT,
        ))
        .await
    {
        Ok(total) => total.into_inner(),
        Err(status) if status.code() == Code::NotFound => return Ok(Value::Null),
        Err(status) => return Err(status.into()),
    };
    let districts = list_gaps(state, &province, RegionLevel::District).await?;
    Ok(json!({ "total": json::gap(&total), "districts": districts }))
}

/// Relays the registry's WatchEnrollmentGaps stream as Server-Sent Events:
/// a `gap` event with the district's gap now and after every change. The
/// page refetches the kecamatan and villages when one arrives.
async fn gaps_stream(
    State(state): Shared,
    Query(query): Query<RegionQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let mut client = state.clients.registry.clone();
    let updates = client
        .watch_enrollment_gaps(as_user(WatchEnrollmentGapsRequest {
            region: query.district(),
        }))
        .await?
        .into_inner();
    let events = updates.map(|update| {
        let event = match update {
            Ok(gap) => Event::default().event("gap").json_data(json::gap(&gap)),
            Err(status) => {
                let error = ApiError::from(status);
                Event::default()
                    .event("failure")
                    .json_data(json!({ "code": error.code, "message": error.message }))
            }
        };
        // After a failure the stream ends and the browser reconnects.
        Ok(event
            .unwrap_or_else(|_| Event::default().event("failure"))
            .retry(Duration::from_secs(5)))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

#[derive(Deserialize)]
struct ListPlansQuery {
    page_token: Option<String>,
    region: Option<String>,
    /// `1` lists archived plans too.
    archived: Option<String>,
}

async fn list_plans(
    State(state): Shared,
    Query(query): Query<ListPlansQuery>,
) -> ApiResult<axum::Json<Value>> {
    let mut client = state.clients.planner.clone();
    let page = client
        .list_plans(request(
            ListPlansRequest {
                page_size: 100,
                page_token: query.page_token.unwrap_or_default(),
                region: query.region.unwrap_or_default(),
                show_archived: query.archived.as_deref() == Some("1"),
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(json!({
        "plans": page.plans.iter().map(json::plan).collect::<Vec<_>>(),
        "next_page_token": page.next_page_token,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePlanBody {
    #[serde(default)]
    region: Option<String>,
    parameters: Parameters,
    #[serde(default)]
    request_id: String,
}

async fn create_plan(State(state): Shared, bytes: Bytes) -> ApiResult<axum::Json<Value>> {
    let form: CreatePlanBody = body(&bytes)?;
    let mut client = state.clients.planner.clone();
    let plan = client
        .create_plan(request(
            CreatePlanRequest {
                region: form.region.unwrap_or_else(|| DEFAULT_DISTRICT.to_owned()),
                parameters: Some(form.parameters.into()),
                request_id: form.request_id,
            },
            SOLVE_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(json::plan(&plan)))
}

async fn fetch_plan(state: &AppState, id: &str) -> ApiResult<Plan> {
    let mut client = state.clients.planner.clone();
    Ok(client
        .get_plan(request(
            GetPlanRequest {
                name: plan_name(id)?,
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner())
}

async fn get_plan(State(state): Shared, Path(id): Path<String>) -> ApiResult<axum::Json<Value>> {
    Ok(axum::Json(json::plan(&fetch_plan(&state, &id).await?)))
}

/// What the Saved plans page changes on a plan: its name, its state, or both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdatePlanBody {
    display_name: Option<String>,
    state: Option<String>,
}

async fn update_plan(
    State(state): Shared,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<axum::Json<Value>> {
    let form: UpdatePlanBody = body(&bytes)?;
    let mut plan = Plan {
        name: plan_name(&id)?,
        ..Default::default()
    };
    let mut paths = Vec::new();
    if let Some(name) = form.display_name {
        plan.display_name = name;
        paths.push("display_name".to_owned());
    }
    if let Some(word) = form.state {
        let chosen = json::plan_state_from(&word).ok_or_else(|| {
            ApiError::invalid(
                "state",
                "must be draft, approved or archived",
                "harus draft, approved atau archived",
            )
        })?;
        plan.state = chosen.into();
        paths.push("state".to_owned());
    }
    if paths.is_empty() {
        return Err(ApiError::invalid(
            "display_name",
            "give a display_name, a state or both",
            "beri display_name, state, atau keduanya",
        ));
    }
    let mut client = state.clients.planner.clone();
    let plan = client
        .update_plan(request(
            UpdatePlanRequest {
                plan: Some(plan),
                update_mask: Some(FieldMask { paths }),
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(json::plan(&plan)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ReplanBody {
    as_of_date: String,
    request_id: String,
}

async fn replan_plan(
    State(state): Shared,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<axum::Json<Value>> {
    let form: ReplanBody = if bytes.is_empty() {
        ReplanBody::default()
    } else {
        body(&bytes)?
    };
    let mut client = state.clients.planner.clone();
    let plan = client
        .replan_plan(request(
            ReplanPlanRequest {
                plan: plan_name(&id)?,
                as_of_date: form.as_of_date,
                request_id: form.request_id,
            },
            SOLVE_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(json::plan(&plan)))
}

#[derive(Deserialize)]
struct ProgressQuery {
    /// The day to compare up to; default today.
    as_of: Option<String>,
}

/// Ledger entries read at most for one comparison (1000 a page).
const MAX_LEDGER_PAGES: usize = 200;

/// The plan against the ledger (see [`crate::progress`]): per day, team and
/// village, and the projection redrawn from what was recorded by `as_of`.
async fn plan_progress(
    State(state): Shared,
    Path(id): Path<String>,
    Query(query): Query<ProgressQuery>,
) -> ApiResult<axum::Json<Value>> {
    let plan = fetch_plan(&state, &id).await?;
    let as_of = match query.as_of.filter(|d| !d.is_empty()) {
        None => jemput_base::calendar::today_in_district(),
        Some(text) => jemput_base::calendar::parse_date(&text).ok_or_else(|| {
            ApiError::invalid(
                "as_of",
                format!("{text:?} is not a YYYY-MM-DD date"),
                format!("{text:?} bukan tanggal TTTT-BB-HH"),
            )
        })?,
    };
    let start = crate::progress::start_date(&plan);
    let as_of_text = as_of.format("%Y-%m-%d").to_string();
    let mut entries = Vec::new();
    // A plan that starts after `as_of` has nothing recorded yet.
    if start <= as_of_text {
        let mut client = state.clients.registry.clone();
        let mut page_token = String::new();
        for _ in 0..MAX_LEDGER_PAGES {
            let page = client
                .list_activations(request(
                    ListActivationsRequest {
                        parent: plan.region.clone(),
                        page_size: 1000,
                        page_token,
                        start_date: start.clone(),
                        end_date: as_of_text.clone(),
                    },
                    READ_TIMEOUT,
                ))
                .await?
                .into_inner();
            entries.extend(page.activations);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    let progress = crate::progress::compare(&plan, &entries, as_of);
    Ok(axum::Json(serde_json::to_value(progress).map_err(
        |err| ApiError::internal(format!("progress: {err}")),
    )?))
}

#[derive(Deserialize)]
struct ExportQuery {
    team: Option<i32>,
    lang: Option<String>,
}

fn pick_team(plan: Plan, team: Option<i32>) -> ApiResult<Plan> {
    match team {
        None => Ok(plan),
        Some(team) => export::only_team(&plan, team).ok_or_else(|| {
            ApiError::invalid(
                "team",
                format!("the plan has no team {team}"),
                format!("rencana ini tidak punya tim {team}"),
            )
        }),
    }
}

fn download(
    content_type: &'static str,
    filename: String,
    body: impl Into<axum::body::Body>,
) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body.into(),
    )
        .into_response()
}

fn export_name(id: &str, team: Option<i32>, what: &str) -> String {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    match team {
        Some(team) => format!("jemput-{safe}-tim-{team}-{what}"),
        None => format!("jemput-{safe}-{what}"),
    }
}

async fn itinerary_csv(
    State(state): Shared,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let plan = pick_team(fetch_plan(&state, &id).await?, query.team)?;
    Ok(download(
        "text/csv; charset=utf-8",
        export_name(&id, query.team, "itinerary.csv"),
        export::itinerary_csv(
            &plan,
            Lang::from_code(query.lang.as_deref().unwrap_or("id")),
        ),
    ))
}

/// Opens in the browser (not as a download) so it can be printed at once.
async fn itinerary_html(
    State(state): Shared,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let plan = pick_team(fetch_plan(&state, &id).await?, query.team)?;
    let lang = Lang::from_code(query.lang.as_deref().unwrap_or("id"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, crate::web::PRINT_CSP),
        ],
        export::itinerary_html(&plan, lang),
    )
        .into_response())
}

async fn routes_geojson(State(state): Shared, Path(id): Path<String>) -> ApiResult<Response> {
    let plan = fetch_plan(&state, &id).await?;
    let villages = list_regions(
        &state,
        &plan.region,
        RegionLevel::Village,
        RegionView::Basic,
    )
    .await?;
    let parameters = plan.parameters.clone().unwrap_or_default();
    let base = match (parameters.base_latitude, parameters.base_longitude) {
        (Some(lat), Some(lon)) => (lat, lon),
        _ => {
            let mut client = state.clients.registry.clone();
            let district = client
                .get_region(request(
                    GetRegionRequest {
                        name: plan.region.clone(),
                        view: RegionView::Basic as i32,
                    },
                    READ_TIMEOUT,
                ))
                .await?
                .into_inner();
            (district.latitude, district.longitude)
        }
    };
    Ok(download(
        "application/geo+json",
        export_name(&id, None, "routes.geojson"),
        export::routes_geojson(&plan, &villages, base),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenariosBody {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    parameters: Parameters,
    budgets_rupiah: Vec<i64>,
    #[serde(default)]
    teams: Vec<i32>,
}

async fn evaluate_budgets(State(state): Shared, bytes: Bytes) -> ApiResult<axum::Json<Value>> {
    let form: ScenariosBody = body(&bytes)?;
    let mut client = state.clients.planner.clone();
    let response = client
        .evaluate_budgets(request(
            EvaluateBudgetsRequest {
                region: form.region.unwrap_or_else(|| DEFAULT_DISTRICT.to_owned()),
                parameters: Some(form.parameters.into()),
                budgets_rupiah: form.budgets_rupiah,
                teams: form.teams,
            },
            SOLVE_TIMEOUT,
        ))
        .await?
        .into_inner();
    let scenarios: Vec<Scenario> = response.scenarios.iter().map(Scenario::from).collect();
    Ok(axum::Json(json!({ "scenarios": scenarios })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioTable {
    scenarios: Vec<Scenario>,
    /// The district and the parameters the scenarios shared, for the
    /// workbook's title sheet.
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

fn scenario_table(bytes: &Bytes) -> ApiResult<Vec<BudgetScenario>> {
    let table: ScenarioTable = body(bytes)?;
    Ok(table
        .scenarios
        .into_iter()
        .map(BudgetScenario::from)
        .collect())
}

/// "Rejang Lebong (17.02)", as the registry names the district; its code
/// alone if the registry cannot say.
async fn district_label(state: &AppState, region: &str) -> String {
    let code = region.strip_prefix("regions/").unwrap_or(region).to_owned();
    let mut client = state.clients.registry.clone();
    match client
        .get_region(request(
            GetRegionRequest {
                name: region.to_owned(),
                view: RegionView::Basic as i32,
            },
            READ_TIMEOUT,
        ))
        .await
    {
        Ok(found) => export::region_label(&found.into_inner().display_name, region),
        Err(_) => code,
    }
}

/// The page posts back the table it shows, so exporting never solves again.
async fn scenarios_csv(Query(query): Query<ExportQuery>, bytes: Bytes) -> ApiResult<Response> {
    let scenarios = scenario_table(&bytes)?;
    Ok(download(
        "text/csv; charset=utf-8",
        "jemput-skenario-anggaran.csv".into(),
        export::scenarios_csv(
            &scenarios,
            Lang::from_code(query.lang.as_deref().unwrap_or("id")),
        ),
    ))
}

async fn scenarios_xlsx(State(state): Shared, bytes: Bytes) -> ApiResult<Response> {
    let table: ScenarioTable = body(&bytes)?;
    let region = table.region.unwrap_or_else(|| DEFAULT_DISTRICT.to_owned());
    let district = district_label(&state, &region).await;
    let parameters = table.parameters.map(PlanParameters::from);
    let scenarios: Vec<BudgetScenario> = table
        .scenarios
        .into_iter()
        .map(BudgetScenario::from)
        .collect();
    let workbook = export::scenarios_xlsx(&export::ScenarioReport {
        district: &district,
        made_on: jemput_base::calendar::today_in_district(),
        parameters: parameters.as_ref(),
        scenarios: &scenarios,
    })
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "jemput-skenario-anggaran.xlsx".into(),
        workbook,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinimumBudgetBody {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    parameters: Parameters,
    deadline: String,
}

async fn find_minimum_budget(State(state): Shared, bytes: Bytes) -> ApiResult<axum::Json<Value>> {
    let form: MinimumBudgetBody = body(&bytes)?;
    let mut client = state.clients.planner.clone();
    let response = client
        .find_minimum_budget(request(
            FindMinimumBudgetRequest {
                region: form.region.unwrap_or_else(|| DEFAULT_DISTRICT.to_owned()),
                parameters: Some(PlanParameters::from(form.parameters)),
                deadline: form.deadline,
            },
            SOLVE_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(json::minimum_budget(&response)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocateBody {
    /// `regions/{code}` of the province whose districts share the budget.
    region: String,
    total_budget_rupiah: i64,
    deadline: String,
    /// Applied to every district (teams, start date, rates).
    #[serde(default)]
    parameters: Parameters,
}

/// A province's budget split among its districts (`AllocateBudget`).
async fn allocate_budget(State(state): Shared, bytes: Bytes) -> ApiResult<axum::Json<Allocation>> {
    let form: AllocateBody = body(&bytes)?;
    let mut client = state.clients.planner.clone();
    let response = client
        .allocate_budget(request(
            AllocateBudgetRequest {
                parent: form.region,
                total_budget_rupiah: form.total_budget_rupiah,
                deadline: form.deadline,
                parameters: Some(PlanParameters::from(form.parameters)),
            },
            SOLVE_TIMEOUT,
        ))
        .await?
        .into_inner();
    Ok(axum::Json(Allocation::from(&response)))
}

/// The split the page shows, posted back with what it was asked for.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocationTable {
    region: String,
    total_budget_rupiah: i64,
    deadline: String,
    split: Allocation,
}

/// The split as the workbook `jemput allocate --out` writes.
async fn allocation_xlsx(
    State(state): Shared,
    Query(query): Query<ExportQuery>,
    bytes: Bytes,
) -> ApiResult<Response> {
    let table: AllocationTable = body(&bytes)?;
    let deadline =
        chrono::NaiveDate::parse_from_str(&table.deadline, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(
                "deadline",
                "not a date (YYYY-MM-DD)",
                "bukan tanggal (TTTT-BB-HH)",
            )
        })?;
    let province = district_label(&state, &table.region).await;
    let workbook = export::allocation_xlsx(
        &province,
        deadline,
        table.total_budget_rupiah,
        &table.split.into(),
        Lang::from_code(query.lang.as_deref().unwrap_or("id")),
    )
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "jemput-pembagian-anggaran.xlsx".into(),
        workbook,
    ))
}

/// Entries shown at most from each service's trail.
const AUDIT_ENTRIES: i32 = 200;

/// The audit trails of the registry (ledger, imports, targets, tokens) and
/// the optimizer (plans), newest first.
async fn audit(State(state): Shared) -> ApiResult<axum::Json<Value>> {
    let ask = || ListAuditEntriesRequest {
        page_size: AUDIT_ENTRIES,
        page_token: String::new(),
    };
    let mut registry = state.clients.registry_audit.clone();
    let mut planner = state.clients.planner_audit.clone();
    let (registry, planner) = tokio::try_join!(
        registry.list_audit_entries(request(ask(), READ_TIMEOUT)),
        planner.list_audit_entries(request(ask(), READ_TIMEOUT)),
    )?;
    let mut entries: Vec<_> = registry
        .into_inner()
        .entries
        .into_iter()
        .chain(planner.into_inner().entries)
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.time.as_ref().map(|t| (t.seconds, t.nanos))));
    Ok(axum::Json(json!({
        "entries": entries.iter().map(json::audit_entry).collect::<Vec<_>>(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::{ErrorDetails, StatusExt};

    #[test]
    fn field_violations_reach_the_page() {
        let mut teams = tonic_types::FieldViolation::new("parameters.teams", "must be at least 1");
        teams.localized_message = Some(tonic_types::LocalizedMessage::new(
            "id-ID",
            "paling sedikit 1",
        ));
        let mut details = ErrorDetails::with_bad_request(vec![
            tonic_types::FieldViolation::new("parameters.budget_rupiah", "must not be negative"),
            teams,
        ]);
        details.set_localized_message("id-ID", "rencana tidak sah");
        let status = tonic::Status::with_error_details(Code::InvalidArgument, "bad plan", details);
        let error = ApiError::from(status);
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(error.code, "INVALID_ARGUMENT");
        assert_eq!(error.violations.len(), 2);
        assert_eq!(error.violations[0]["field"], "parameters.budget_rupiah");
        // The Indonesian rides along, for the page to pick.
        assert_eq!(error.violations[0]["localized"], Value::Null);
        assert_eq!(
            error.violations[1]["localized"],
            json!({ "locale": "id-ID", "message": "paling sedikit 1" })
        );
        assert_eq!(
            error.localized.as_deref(),
            Some(&json!({ "locale": "id-ID", "message": "rencana tidak sah" }))
        );
    }

    #[test]
    fn a_backend_that_is_down_is_unavailable() {
        let error = ApiError::from(tonic::Status::unavailable("connection refused"));
        assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.message, "connection refused");
    }

    #[test]
    fn plan_ids_are_one_path_segment() {
        assert_eq!(plan_name("abc").unwrap(), "plans/abc");
        assert!(plan_name("../x/y").is_err());
        assert!(plan_name("").is_err());
    }

    #[test]
    fn export_names_keep_only_safe_characters() {
        assert_eq!(
            export_name("a\"b", Some(2), "itinerary.csv"),
            "jemput-ab-tim-2-itinerary.csv"
        );
    }
}
