//! The one place protobuf messages become JSON for the page, and the page's
//! forms become protobuf requests.
//!
//! Field names stay those of the proto (snake_case), so the contract reads
//! the same on both sides; enums become their short lower-case names;
//! optional fields the server left unset become `null`.

use jemput_proto::auth::{AuditAction, AuditEntry, Role};
use jemput_proto::optimizer::{
    AllocateBudgetResponse, BudgetScenario, BudgetShare, CostBreakdown, FindMinimumBudgetResponse,
    Plan, PlanParameters, PlanState, PlanSummary, ProjectionPoint, Stop, TeamDay, TeamPlan,
    TravelMatrix, UnvisitedVillage,
};
use jemput_proto::registry::{EnrollmentGap, Region, RegionLevel};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn level(value: i32) -> &'static str {
    match RegionLevel::try_from(value) {
        Ok(RegionLevel::Nation) => "nation",
        Ok(RegionLevel::Province) => "province",
        Ok(RegionLevel::District) => "district",
        Ok(RegionLevel::Kecamatan) => "kecamatan",
        Ok(RegionLevel::Village) => "village",
        Ok(RegionLevel::Unspecified) | Err(_) => "unspecified",
    }
}

fn timestamp(value: Option<&prost_types::Timestamp>) -> Value {
    value
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

pub fn gap(g: &EnrollmentGap) -> Value {
    json!({
        "region": g.region,
        "display_name": g.display_name,
        "level": level(g.level),
        "ktp_el_recorded": g.ktp_el_recorded,
        "ikd_activated": g.ikd_activated,
        "target_fraction": g.target_fraction,
        "target_count": g.target_count,
        "gap": g.gap,
        "coverage": g.coverage,
        "update_time": timestamp(g.update_time.as_ref()),
        "target_source": g.target_source,
        "counts_missing": g.counts_missing,
        "villages_without_counts": g.villages_without_counts,
    })
}

/// `regions/17.02` → `17.02`.
fn code(name: &str) -> &str {
    name.strip_prefix("regions/").unwrap_or(name)
}

/// The picker's provinces, each with its districts, both by name. A
/// district whose province the registry does not hold is listed under the
/// province's code (`17`), which then stands for its name too. A district
/// without a gap is taken as without counts: it cannot be planned either.
pub fn districts(
    provinces: &[Region],
    districts: &[Region],
    gaps: &[EnrollmentGap],
    default: &str,
) -> Value {
    use std::collections::BTreeMap;
    let gaps: BTreeMap<&str, &EnrollmentGap> =
        gaps.iter().map(|g| (g.region.as_str(), g)).collect();
    let held: BTreeMap<&str, &Region> = provinces.iter().map(|p| (code(&p.name), p)).collect();
    let mut grouped: BTreeMap<&str, Vec<&Region>> = BTreeMap::new();
    for district in districts {
        let province = code(&district.name).split('.').next().unwrap_or_default();
        grouped.entry(province).or_default().push(district);
    }
    for province in held.keys() {
        grouped.entry(province).or_default();
    }
    let mut out: Vec<(String, Value)> = grouped
        .into_iter()
        .map(|(province, mut members)| {
            // By the name after its kind: the national list writes
            // "Kabupaten Lebong", the seed "Rejang Lebong".
            members.sort_by_cached_key(|d| {
                let name = d.display_name.to_lowercase();
                let bare = ["kabupaten ", "kota "]
                    .iter()
                    .find_map(|word| name.strip_prefix(word))
                    .unwrap_or(&name)
                    .to_owned();
                (bare, d.name.clone())
            });
            let name = held
                .get(province)
                .map_or(province.to_owned(), |p| p.display_name.clone());
            let listed: Vec<Value> = members
                .iter()
                .map(|d| {
                    let gap = gaps.get(d.name.as_str());
                    json!({
                        "region": d.name,
                        "code": code(&d.name),
                        "display_name": d.display_name,
                        "kind": kind_word(d.kind()),
                        "counts_missing": gap.is_none_or(|g| g.counts_missing),
                        "villages_without_counts": gap.map_or(0, |g| g.villages_without_counts),
                        "ktp_el_recorded": gap.map_or(0, |g| g.ktp_el_recorded),
                        "coverage": gap.map_or(0.0, |g| g.coverage),
                    })
                })
                .collect();
            let value = json!({
                "region": format!("regions/{province}"),
                "code": province,
                "display_name": name,
                "held": held.contains_key(province),
                "districts": listed,
            });
            (name.to_lowercase(), value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    json!({
        "default": default,
        "district_count": districts.len(),
        "provinces": out.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    })
}

/// A region; the boundary is parsed so the page gets GeoJSON, not a string
/// holding GeoJSON.
pub fn region(r: &Region) -> Value {
    let boundary = if r.boundary_geojson.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&r.boundary_geojson).unwrap_or(Value::Null)
    };
    json!({
        "name": r.name,
        "display_name": r.display_name,
        "level": level(r.level),
        "kind": kind_word(r.kind()),
        "parent": r.parent,
        "latitude": r.latitude,
        "longitude": r.longitude,
        "area_km2": r.area_km2,
        "boundary": boundary,
    })
}

/// The plan parameters as the page's form holds them: every field, unset
/// ones as `null` (or empty lists).
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    pub budget_rupiah: i64,
    pub teams: Option<i32>,
    pub target_fraction: Option<f64>,
    pub start_date: String,
    pub deadline: String,
    pub officers_per_team: Option<i32>,
    pub workday_minutes: Option<i32>,
    pub holidays: Vec<String>,
    pub minutes_per_activation: Option<f64>,
    pub road_factor: Option<f64>,
    pub speed_kmh: Option<f64>,
    pub reachable_share_kelurahan: Option<f64>,
    pub reachable_share_desa: Option<f64>,
    pub visit_yields: Vec<f64>,
    pub min_days_between_visits: Option<i32>,
    pub office_activations_per_day: Option<i32>,
    pub per_diem_day_trip_rupiah: Option<i64>,
    pub per_diem_overnight_rupiah: Option<i64>,
    pub lodging_per_night_rupiah: Option<i64>,
    pub vehicle_per_day_rupiah: Option<i64>,
    pub fuel_per_km_rupiah: Option<i64>,
    pub outreach_per_visit_rupiah: Option<i64>,
    pub time_limit_seconds: Option<f64>,
    pub base_latitude: Option<f64>,
    pub base_longitude: Option<f64>,
    pub allow_overnight: Option<bool>,
    pub horizon_working_days: Option<i32>,
    #[serde(default)]
    pub yield_factors: std::collections::HashMap<String, f64>,
    #[serde(default)]
    pub workdays: Vec<String>,
}

impl From<Parameters> for PlanParameters {
    fn from(p: Parameters) -> Self {
        PlanParameters {
            budget_rupiah: p.budget_rupiah,
            teams: p.teams,
            target_fraction: p.target_fraction,
            start_date: p.start_date,
            deadline: p.deadline,
            officers_per_team: p.officers_per_team,
            workday_minutes: p.workday_minutes,
            holidays: p.holidays,
            minutes_per_activation: p.minutes_per_activation,
            road_factor: p.road_factor,
            speed_kmh: p.speed_kmh,
            reachable_share_kelurahan: p.reachable_share_kelurahan,
            reachable_share_desa: p.reachable_share_desa,
            visit_yields: p.visit_yields,
            min_days_between_visits: p.min_days_between_visits,
            office_activations_per_day: p.office_activations_per_day,
            per_diem_day_trip_rupiah: p.per_diem_day_trip_rupiah,
            per_diem_overnight_rupiah: p.per_diem_overnight_rupiah,
            lodging_per_night_rupiah: p.lodging_per_night_rupiah,
            vehicle_per_day_rupiah: p.vehicle_per_day_rupiah,
            fuel_per_km_rupiah: p.fuel_per_km_rupiah,
            outreach_per_visit_rupiah: p.outreach_per_visit_rupiah,
            time_limit_seconds: p.time_limit_seconds,
            // A road matrix is a file-sized input for the CLI, not a form field.
            travel_matrix: None,
            base_latitude: p.base_latitude,
            base_longitude: p.base_longitude,
            allow_overnight: p.allow_overnight,
            horizon_working_days: p.horizon_working_days,
            yield_factors: p.yield_factors,
            workdays: p.workdays,
        }
    }
}

impl From<&PlanParameters> for Parameters {
    fn from(p: &PlanParameters) -> Self {
        Parameters {
            budget_rupiah: p.budget_rupiah,
            teams: p.teams,
            target_fraction: p.target_fraction,
            start_date: p.start_date.clone(),
            deadline: p.deadline.clone(),
            officers_per_team: p.officers_per_team,
            workday_minutes: p.workday_minutes,
            holidays: p.holidays.clone(),
            minutes_per_activation: p.minutes_per_activation,
            road_factor: p.road_factor,
            speed_kmh: p.speed_kmh,
            reachable_share_kelurahan: p.reachable_share_kelurahan,
            reachable_share_desa: p.reachable_share_desa,
            visit_yields: p.visit_yields.clone(),
            min_days_between_visits: p.min_days_between_visits,
            office_activations_per_day: p.office_activations_per_day,
            per_diem_day_trip_rupiah: p.per_diem_day_trip_rupiah,
            per_diem_overnight_rupiah: p.per_diem_overnight_rupiah,
            lodging_per_night_rupiah: p.lodging_per_night_rupiah,
            vehicle_per_day_rupiah: p.vehicle_per_day_rupiah,
            fuel_per_km_rupiah: p.fuel_per_km_rupiah,
            outreach_per_visit_rupiah: p.outreach_per_visit_rupiah,
            time_limit_seconds: p.time_limit_seconds,
            base_latitude: p.base_latitude,
            base_longitude: p.base_longitude,
            allow_overnight: p.allow_overnight,
            horizon_working_days: p.horizon_working_days,
            yield_factors: p.yield_factors.clone(),
            workdays: p.workdays.clone(),
        }
    }
}

fn travel_matrix_points(m: Option<&TravelMatrix>) -> usize {
    m.map_or(0, |m| m.points.len())
}

fn cost(c: Option<&CostBreakdown>) -> Value {
    let c = c.cloned().unwrap_or_default();
    json!({
        "per_diem_rupiah": c.per_diem_rupiah,
        "lodging_rupiah": c.lodging_rupiah,
        "vehicle_rupiah": c.vehicle_rupiah,
        "fuel_rupiah": c.fuel_rupiah,
        "outreach_rupiah": c.outreach_rupiah,
    })
}

fn summary(s: &PlanSummary) -> Value {
    json!({
        "reaches_target": s.reaches_target,
        "target_date": s.target_date,
        "working_days": s.working_days,
        "lower_bound_working_days": s.lower_bound_working_days,
        "optimality_gap": s.optimality_gap,
        "total_cost_rupiah": s.total_cost_rupiah,
        "cost": cost(s.cost.as_ref()),
        "mobile_activations": s.mobile_activations,
        "mobile_activations_upper_bound": s.mobile_activations_upper_bound,
        "cost_lower_bound_rupiah": s.cost_lower_bound_rupiah,
        "office_activations": s.office_activations,
        "coverage_at_end": s.coverage_at_end,
        "minimum_budget_for_target_rupiah": s.minimum_budget_for_target_rupiah,
        "ktp_el_recorded": s.ktp_el_recorded,
        "ikd_activated_at_start": s.ikd_activated_at_start,
        "target_count": s.target_count,
        "gap_at_start": s.gap_at_start,
        "already_reached": s.already_reached,
        "binding_constraint": binding_code(s.binding_constraint),
        "message": s.message,
        "method": match jemput_proto::optimizer::PlanMethod::try_from(s.method) {
            Ok(jemput_proto::optimizer::PlanMethod::Allocation) => "allocation",
            Ok(jemput_proto::optimizer::PlanMethod::RouteBuilder) => "route_builder",
            _ => "",
        },
        "method_detail": s.method_detail,
        "solver": s.solver,
        "solve_seconds": s.solve_seconds,
        "office_only_working_days": s.office_only_working_days,
    })
}

fn stop(s: &Stop) -> Value {
    json!({
        "region": s.region,
        "display_name": s.display_name,
        "arrive_minute": s.arrive_minute,
        "depart_minute": s.depart_minute,
        "expected_activations": s.expected_activations,
        "visit_number": s.visit_number,
    })
}

fn team_day(d: &TeamDay) -> Value {
    json!({
        "date": d.date,
        "overnight": d.overnight,
        "start": d.start,
        "end": d.end,
        "stops": d.stops.iter().map(stop).collect::<Vec<_>>(),
        "travel_km": d.travel_km,
        "travel_minutes": d.travel_minutes,
        "cost_rupiah": d.cost_rupiah,
        "expected_activations": d.expected_activations,
        "used_minutes": d.used_minutes,
    })
}

fn team(t: &TeamPlan) -> Value {
    json!({
        "team": t.team,
        "display_name": t.display_name,
        "days": t.days.iter().map(team_day).collect::<Vec<_>>(),
        "cost_rupiah": t.cost_rupiah,
        "expected_activations": t.expected_activations,
    })
}

fn unvisited(u: &UnvisitedVillage) -> Value {
    json!({
        "region": u.region,
        "display_name": u.display_name,
        "reason": u.reason,
        "reason_code": reason_code(u.reason_code),
        "first_visit_activations": u.first_visit_activations,
        "first_visit_cost_rupiah": u.first_visit_cost_rupiah,
        "round_trip_minutes": u.round_trip_minutes,
    })
}

fn projection_point(p: &ProjectionPoint) -> Value {
    json!({
        "date": p.date,
        "working_day": p.working_day,
        "office_activations": p.office_activations,
        "mobile_activations": p.mobile_activations,
        "ikd_activated": p.ikd_activated,
        "coverage": p.coverage,
    })
}

/// A plan's state as the page names it ("draft", "approved", "archived").
pub fn plan_state(value: i32) -> &'static str {
    PlanState::try_from(value).map_or("", |state| match state {
        PlanState::Unspecified => "",
        PlanState::Draft => "draft",
        PlanState::Approved => "approved",
        PlanState::Archived => "archived",
    })
}

/// The state the page names; `None` for a word it does not know.
pub fn plan_state_from(word: &str) -> Option<PlanState> {
    match word {
        "draft" => Some(PlanState::Draft),
        "approved" => Some(PlanState::Approved),
        "archived" => Some(PlanState::Archived),
        _ => None,
    }
}

pub fn plan(p: &Plan) -> Value {
    let parameters = p
        .parameters
        .as_ref()
        .map(Parameters::from)
        .unwrap_or_default();
    json!({
        "name": p.name,
        "id": p.name.strip_prefix("plans/").unwrap_or(&p.name),
        "display_name": p.display_name,
        "state": plan_state(p.state),
        "update_time": timestamp(p.update_time.as_ref()),
        "region": p.region,
        "parameters": parameters,
        "travel_matrix_points": travel_matrix_points(p.parameters.as_ref().and_then(|p| p.travel_matrix.as_ref())),
        "summary": p.summary.as_ref().map(summary),
        "teams": p.teams.iter().map(team).collect::<Vec<_>>(),
        "unvisited": p.unvisited.iter().map(unvisited).collect::<Vec<_>>(),
        "projection": p.projection.iter().map(projection_point).collect::<Vec<_>>(),
        "create_time": timestamp(p.create_time.as_ref()),
        "replanned_from": p.replanned_from,
        "as_of_date": p.as_of_date,
        "learned_yields": p.learned_yields.iter().map(|y| json!({
            "kecamatan": y.kecamatan,
            "display_name": y.display_name,
            "visits": y.visits,
            "expected_activations": y.expected_activations,
            "recorded_activations": y.recorded_activations,
            "factor": y.factor,
        })).collect::<Vec<_>>(),
    })
}

/// A budget scenario, both ways: the page posts the table back to export it.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Scenario {
    pub budget_rupiah: i64,
    pub teams: i32,
    pub reaches_target: bool,
    pub working_days: i32,
    pub target_date: String,
    pub cost_rupiah: i64,
    pub coverage_at_end: f64,
    pub days_saved_per_extra_10_juta: f64,
    pub lower_bound_working_days: i32,
    pub binding_constraint: String,
    /// Where the money goes, when the optimizer said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<ScenarioCost>,
    pub mobile_activations: i64,
    /// Proven: no plan of these days does more with this budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_activations_upper_bound: Option<i64>,
    /// Proven, where the money binds: no plan of these days costs less.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_lower_bound_rupiah: Option<i64>,
}

/// A scenario's cost by item, whole rupiah.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScenarioCost {
    pub per_diem_rupiah: i64,
    pub lodging_rupiah: i64,
    pub vehicle_rupiah: i64,
    pub fuel_rupiah: i64,
    pub outreach_rupiah: i64,
}

impl From<&BudgetScenario> for Scenario {
    fn from(s: &BudgetScenario) -> Self {
        Scenario {
            budget_rupiah: s.budget_rupiah,
            teams: s.teams,
            reaches_target: s.reaches_target,
            working_days: s.working_days,
            target_date: s.target_date.clone(),
            cost_rupiah: s.cost_rupiah,
            coverage_at_end: s.coverage_at_end,
            days_saved_per_extra_10_juta: s.days_saved_per_extra_10_juta,
            lower_bound_working_days: s.lower_bound_working_days,
            binding_constraint: binding_code(s.binding_constraint).to_owned(),
            cost: s.cost.as_ref().map(|c| ScenarioCost {
                per_diem_rupiah: c.per_diem_rupiah,
                lodging_rupiah: c.lodging_rupiah,
                vehicle_rupiah: c.vehicle_rupiah,
                fuel_rupiah: c.fuel_rupiah,
                outreach_rupiah: c.outreach_rupiah,
            }),
            mobile_activations: s.mobile_activations,
            mobile_activations_upper_bound: s.mobile_activations_upper_bound,
            cost_lower_bound_rupiah: s.cost_lower_bound_rupiah,
        }
    }
}

impl From<Scenario> for BudgetScenario {
    fn from(s: Scenario) -> Self {
        BudgetScenario {
            budget_rupiah: s.budget_rupiah,
            teams: s.teams,
            reaches_target: s.reaches_target,
            working_days: s.working_days,
            target_date: s.target_date,
            cost_rupiah: s.cost_rupiah,
            coverage_at_end: s.coverage_at_end,
            days_saved_per_extra_10_juta: s.days_saved_per_extra_10_juta,
            lower_bound_working_days: s.lower_bound_working_days,
            binding_constraint: binding_from_code(&s.binding_constraint).into(),
            cost: s.cost.map(|c| CostBreakdown {
                per_diem_rupiah: c.per_diem_rupiah,
                lodging_rupiah: c.lodging_rupiah,
                vehicle_rupiah: c.vehicle_rupiah,
                fuel_rupiah: c.fuel_rupiah,
                outreach_rupiah: c.outreach_rupiah,
            }),
            mobile_activations: s.mobile_activations,
            mobile_activations_upper_bound: s.mobile_activations_upper_bound,
            cost_lower_bound_rupiah: s.cost_lower_bound_rupiah,
        }
    }
}

/// One audit entry: times as RFC 3339 (UTC), roles and actions as words.
pub fn audit_entry(e: &AuditEntry) -> Value {
    let time = e
        .time
        .as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let role = Role::try_from(e.role).map_or("", |r| match r {
        Role::Unspecified => "",
        Role::Admin => "admin",
        Role::Planner => "planner",
        Role::Budget => "budget",
        Role::Field => "field",
        Role::Viewer => "viewer",
        Role::Service => "service",
    });
    let action = AuditAction::try_from(e.action).map_or("", |a| match a {
        AuditAction::Unspecified => "",
        AuditAction::RecordActivations => "record_activations",
        AuditAction::CorrectActivation => "correct_activation",
        AuditAction::ImportRegions => "import_regions",
        AuditAction::SetTarget => "set_target",
        AuditAction::CreateToken => "create_token",
        AuditAction::RevokeToken => "revoke_token",
        AuditAction::CreatePlan => "create_plan",
        AuditAction::ReplanPlan => "replan_plan",
        AuditAction::FindMinimumBudget => "find_minimum_budget",
        AuditAction::UpdatePlan => "update_plan",
        AuditAction::AddRegions => "add_regions",
        AuditAction::UpdateDistrictSettings => "update_district_settings",
    });
    json!({
        "service": e.service,
        "sequence": e.sequence,
        "time": time,
        "token": e.token,
        "role": role,
        "peer": e.peer,
        "forwarded_for": e.forwarded_for,
        "action": action,
        "resource": e.resource,
        "request_id": e.request_id,
        "detail": e.detail,
    })
}

pub fn minimum_budget(r: &FindMinimumBudgetResponse) -> Value {
    json!({
        "reachable": r.reachable,
        "minimum_budget_rupiah": r.minimum_budget_rupiah,
        "minimum_budget_lower_bound_rupiah": r.minimum_budget_lower_bound_rupiah,
        "plan": r.plan.as_ref().map(plan),
    })
}

/// A province's budget split, both ways: the page shows it and posts it
/// back to export it, so exporting never solves again.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Allocation {
    pub shares: Vec<Share>,
    pub districts_reaching_target: i32,
    /// Proven: no split of the total brings more districts there.
    pub districts_reaching_target_upper_bound: i32,
    pub allocated_rupiah: i64,
    pub districts_without_counts: Vec<String>,
    pub districts_not_planned: Vec<String>,
}

/// One district's share of a province's budget and what it buys.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Share {
    pub district: String,
    pub display_name: String,
    pub budget_rupiah: i64,
    pub reaches_target: bool,
    pub target_date: String,
    pub working_days: i32,
    pub ikd_activated: i64,
    pub coverage: f64,
    pub cost_rupiah: i64,
    pub minimum_budget_rupiah: Option<i64>,
    /// Proven: no plan reaches the target by the deadline for less.
    pub minimum_budget_lower_bound_rupiah: Option<i64>,
    /// Reached before the start: no money and no field work needed.
    pub already_reached: bool,
}

impl From<&AllocateBudgetResponse> for Allocation {
    fn from(r: &AllocateBudgetResponse) -> Self {
        Allocation {
            shares: r
                .shares
                .iter()
                .map(|s| Share {
                    district: s.district.clone(),
                    display_name: s.display_name.clone(),
                    budget_rupiah: s.budget_rupiah,
                    reaches_target: s.reaches_target,
                    target_date: s.target_date.clone(),
                    working_days: s.working_days,
                    ikd_activated: s.ikd_activated,
                    coverage: s.coverage,
                    cost_rupiah: s.cost_rupiah,
                    minimum_budget_rupiah: s.minimum_budget_rupiah,
                    minimum_budget_lower_bound_rupiah: s.minimum_budget_lower_bound_rupiah,
                    already_reached: s.already_reached,
                })
                .collect(),
            districts_reaching_target: r.districts_reaching_target,
            districts_reaching_target_upper_bound: r.districts_reaching_target_upper_bound,
            allocated_rupiah: r.allocated_rupiah,
            districts_without_counts: r.districts_without_counts.clone(),
            districts_not_planned: r.districts_not_planned.clone(),
        }
    }
}

impl From<Allocation> for AllocateBudgetResponse {
    fn from(a: Allocation) -> Self {
        AllocateBudgetResponse {
            shares: a
                .shares
                .into_iter()
                .map(|s| BudgetShare {
                    district: s.district,
                    display_name: s.display_name,
                    budget_rupiah: s.budget_rupiah,
                    reaches_target: s.reaches_target,
                    target_date: s.target_date,
                    working_days: s.working_days,
                    ikd_activated: s.ikd_activated,
                    coverage: s.coverage,
                    cost_rupiah: s.cost_rupiah,
                    minimum_budget_rupiah: s.minimum_budget_rupiah,
                    minimum_budget_lower_bound_rupiah: s.minimum_budget_lower_bound_rupiah,
                    already_reached: s.already_reached,
                })
                .collect(),
            districts_reaching_target: a.districts_reaching_target,
            districts_reaching_target_upper_bound: a.districts_reaching_target_upper_bound,
            allocated_rupiah: a.allocated_rupiah,
            districts_without_counts: a.districts_without_counts,
            districts_not_planned: a.districts_not_planned,
        }
    }
}

/// What limits a plan, as the pages and files word it: `budget`, `teams`,
/// `villages` or `none` (`unspecified` from an optimizer that did not say).
pub fn binding_code(value: i32) -> &'static str {
    use jemput_proto::optimizer::BindingConstraint as B;
    match B::try_from(value) {
        Ok(B::Budget) => "budget",
        Ok(B::Teams) => "teams",
        Ok(B::Villages) => "villages",
        Ok(B::None) => "none",
        Ok(B::Unspecified) | Err(_) => "unspecified",
    }
}

/// The inverse of [`binding_code`], for scenarios a page sends back to be
/// exported.
fn binding_from_code(code: &str) -> jemput_proto::optimizer::BindingConstraint {
    use jemput_proto::optimizer::BindingConstraint as B;
    match code {
        "budget" => B::Budget,
        "teams" => B::Teams,
        "villages" => B::Villages,
        "none" => B::None,
        _ => B::Unspecified,
    }
}

/// Why a village is left out, as the pages word it: `no_pool`,
/// `not_needed`, `budget` or `teams`.
pub fn reason_code(value: i32) -> &'static str {
    use jemput_proto::optimizer::UnvisitedReason as R;
    match R::try_from(value) {
        Ok(R::NoPool) => "no_pool",
        Ok(R::NotNeeded) => "not_needed",
        Ok(R::Budget) => "budget",
        Ok(R::Teams) => "teams",
        Ok(R::Unspecified) | Err(_) => "unspecified",
    }
}

/// A region's kind as Kemendagri words it (`desa`, `kelurahan`, ...).
fn kind_word(kind: jemput_proto::registry::RegionKind) -> &'static str {
    use jemput_proto::registry::RegionKind as K;
    match kind {
        K::Provinsi => "provinsi",
        K::Kabupaten => "kabupaten",
        K::Kota => "kota",
        K::Kecamatan => "kecamatan",
        K::Desa => "desa",
        K::Kelurahan => "kelurahan",
        K::Unspecified => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn district(name: &str, display_name: &str) -> Region {
        Region {
            name: name.into(),
            display_name: display_name.into(),
            level: RegionLevel::District as i32,
            ..Default::default()
        }
    }

    #[test]
    fn districts_without_their_province_row_are_grouped_by_its_code() {
        let seed = district("regions/17.02", "Rejang Lebong");
        let other = district("regions/32.01", "Bogor");
        let jabar = Region {
            name: "regions/32".into(),
            display_name: "Jawa Barat".into(),
            ..Default::default()
        };
        let gaps = [EnrollmentGap {
            region: "regions/17.02".into(),
            ktp_el_recorded: 10,
            ..Default::default()
        }];
        let value = districts(&[jabar], &[other, seed], &gaps, "regions/17.02");
        let provinces = value["provinces"].as_array().unwrap();
        assert_eq!(provinces.len(), 2);
        // "17" sorts before "jawa barat".
        assert_eq!(provinces[0]["display_name"], "17");
        assert_eq!(provinces[0]["held"], false);
        assert_eq!(provinces[0]["districts"][0]["counts_missing"], false);
        assert_eq!(provinces[1]["display_name"], "Jawa Barat");
        assert_eq!(provinces[1]["districts"][0]["code"], "32.01");
        assert_eq!(
            provinces[1]["districts"][0]["counts_missing"], true,
            "no gap, no counts"
        );
        assert_eq!(value["district_count"], 2);
    }

    #[test]
    fn unset_parameters_stay_unset_both_ways() {
        let form: Parameters =
            serde_json::from_value(json!({ "budget_rupiah": 250_000_000, "teams": 4 })).unwrap();
        let proto = PlanParameters::from(form.clone());
        assert_eq!(proto.budget_rupiah, 250_000_000);
        assert_eq!(proto.teams, Some(4));
        assert_eq!(proto.speed_kmh, None);
        assert_eq!(Parameters::from(&proto), form);
    }

    #[test]
    fn unknown_form_fields_are_refused() {
        let result: Result<Parameters, _> = serde_json::from_value(json!({ "budjet": 1 }));
        assert!(result.is_err());
    }

    #[test]
    fn plans_carry_their_id_and_parsed_teams() {
        let value = plan(&crate::export::tests::sample_plan());
        assert_eq!(value["id"], "p1");
        assert_eq!(value["teams"][1]["days"][0]["overnight"], true);
        assert_eq!(value["summary"]["mobile_activations"], 500);
    }

    #[test]
    fn boundaries_arrive_as_geojson() {
        let region = Region {
            name: "regions/17.02.09.1001".into(),
            boundary_geojson: r#"{"type":"MultiPolygon","coordinates":[]}"#.into(),
            ..Default::default()
        };
        assert_eq!(super::region(&region)["boundary"]["type"], "MultiPolygon");
    }
}
