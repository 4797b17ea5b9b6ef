//! Protobuf at the edge: requests become [`Parameters`] (every bad field
//! reported at once), solved plans become `jemput.optimizer.v1.Plan`.
//!
//! Hostile input is stopped here in two steps. [`precheck`] bounds every
//! repeated and string field in time linear in the request, before the
//! registry is asked anything; [`parameters`], which does the rest, runs on
//! the blocking pool. No error repeats more than a few dozen bytes of input.

use std::collections::{HashMap, hash_map::Entry};

use chrono::{Months, NaiveDate};
use jemput_proto::optimizer as pb;

use jemput_base::format::{Lang, count, date as date_text};

use crate::calendar::{next_working_day, parse_date};
use crate::district::District;
use crate::itinerary::{Cost, Place};
use crate::params::{FieldViolation, GivenMatrix, Parameters};
use crate::solve::{Binding, Method, Plan, Scenario, UnvisitedReason};

/// How far past a plan's start the shipped holidays are applied: longer
/// than any plan (the horizon is at most 2000 working days).
const DEFAULT_HOLIDAYS_SPAN_DAYS: u64 = 3000;

pub use jemput_base::calendar::today_in_district;

/// The most days off a plan may list: a decade of public holidays and
/// collective leave is under 300.
pub const MAX_HOLIDAYS: usize = 1000;
/// The most points a travel matrix may have: the base and the villages of
/// Indonesia's largest districts (under 900), with room to spare.
pub const MAX_MATRIX_POINTS: usize = 2001;
/// The longest region name, request id or matrix point name.
const MAX_NAME_BYTES: usize = 200;
/// How far ahead a plan may start, end or be replanned.
pub const MAX_YEARS_AHEAD: u32 = 10;
/// The most bytes of a client's text an error message repeats back.
const ECHO_BYTES: usize = 64;

/// `text` quoted for an error message, cut to a few dozen bytes (on a
/// character boundary) so a huge field never comes back in the answer.
pub fn excerpt(text: &str) -> String {
    if text.len() <= ECHO_BYTES {
        return format!("{text:?}");
    }
    let mut end = ECHO_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}… ({} bytes)", &text[..end], text.len())
}

/// The longest description a field violation carries: a number printed in
/// full (1e-300 as three hundred digits) is cut, not sent whole.
const MAX_DESCRIPTION_BYTES: usize = 200;

/// Cuts every description to [`MAX_DESCRIPTION_BYTES`] (on a character
/// boundary), marking the cut.
pub fn bounded(mut violations: Vec<FieldViolation>) -> Vec<FieldViolation> {
    for v in &mut violations {
        for text in [&mut v.description, &mut v.indonesian] {
            if text.len() > MAX_DESCRIPTION_BYTES {
                let mut end = MAX_DESCRIPTION_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                text.push('…');
            }
        }
    }
    violations
}

/// "Not a date" in both languages: the wire form is ISO, whatever the page shows.
pub(crate) fn not_a_date(field: &str, text: &str) -> FieldViolation {
    FieldViolation::new(
        field,
        format!("{} is not a date of the form YYYY-MM-DD", excerpt(text)),
        format!("{} bukan tanggal berbentuk TTTT-BB-HH", excerpt(text)),
    )
}

fn date_field(text: &str, field: &str, violations: &mut Vec<FieldViolation>) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    let parsed = parse_date(text);
    if parsed.is_none() {
        violations.push(not_a_date(field, text));
    }
    parsed
}

/// A name or id: bounded and printable (NUL and other control characters
/// are refused the same way whatever stores it).
pub(crate) fn name_field(text: &str, field: &str, violations: &mut Vec<FieldViolation>) {
    if text.len() > MAX_NAME_BYTES {
        violations.push(FieldViolation::new(
            field,
            format!(
                "must be at most {MAX_NAME_BYTES} bytes; got {}",
                excerpt(text)
            ),
            format!(
                "paling panjang {MAX_NAME_BYTES} bita; yang diberikan {}",
                excerpt(text)
            ),
        ));
    } else if text.chars().any(char::is_control) {
        violations.push(FieldViolation::new(
            field,
            "must not contain control characters",
            "tidak boleh berisi karakter kendali",
        ));
    }
}

/// Bounds on a request's names and repeated fields, checked before any
/// other work: linear in the request's size, and a request past them is
/// refused without parsing what is inside.
pub fn precheck(
    region: &str,
    request_id: &str,
    given: Option<&pb::PlanParameters>,
) -> Result<(), Vec<FieldViolation>> {
    let mut violations = Vec::new();
    name_field(region, "region", &mut violations);
    name_field(request_id, "request_id", &mut violations);
    if let Some(g) = given {
        for (field, days) in [("holidays", &g.holidays), ("workdays", &g.workdays)] {
            if days.len() > MAX_HOLIDAYS {
                violations.push(FieldViolation::new(
                    format!("parameters.{field}"),
                    format!("at most {MAX_HOLIDAYS} days; got {}", days.len()),
                    format!(
                        "paling banyak {} hari; yang diberikan {}",
                        count(MAX_HOLIDAYS as i64),
                        count(days.len() as i64)
                    ),
                ));
            }
        }
        if g.yield_factors.len() > MAX_MATRIX_POINTS {
            violations.push(FieldViolation::new(
                "parameters.yield_factors",
                format!("at most {MAX_MATRIX_POINTS} kecamatan"),
                format!(
                    "paling banyak {} kecamatan",
                    count(MAX_MATRIX_POINTS as i64)
                ),
            ));
        } else if let Some(k) = g.yield_factors.keys().find(|k| k.len() > MAX_NAME_BYTES) {
            violations.push(FieldViolation::new(
                "parameters.yield_factors",
                format!("{} is not a kecamatan name", excerpt(k)),
                format!("{} bukan nama kecamatan", excerpt(k)),
            ));
        }
        if g.visit_yields.len() > 10 {
            violations.push(FieldViolation::new(
                "parameters.visit_yields",
                format!(
                    "must have between 1 and 10 values; got {}",
                    g.visit_yields.len()
                ),
                format!(
                    "harus berisi 1 sampai 10 nilai; yang diberikan {}",
                    count(g.visit_yields.len() as i64)
                ),
            ));
        }
        for (text, field) in [
            (&g.start_date, "parameters.start_date"),
            (&g.deadline, "parameters.deadline"),
        ] {
            if text.len() > 10 {
                violations.push(not_a_date(field, text));
            }
        }
        if let Some(m) = &g.travel_matrix {
            let n = m.points.len();
            if n > MAX_MATRIX_POINTS {
                violations.push(FieldViolation::new(
                    "parameters.travel_matrix.points",
                    format!("at most {MAX_MATRIX_POINTS} points; got {n}"),
                    format!(
                        "paling banyak {} titik; yang diberikan {}",
                        count(MAX_MATRIX_POINTS as i64),
                        count(n as i64)
                    ),
                ));
            } else {
                // Their shape against the district is checked with the
                // parameters; here only their size is bounded.
                let most = MAX_MATRIX_POINTS * MAX_MATRIX_POINTS;
                for (name, values) in [("distance_km", &m.distance_km), ("minutes", &m.minutes)] {
                    if values.len() > most {
                        violations.push(FieldViolation::new(
                            format!("parameters.travel_matrix.{name}"),
                            format!("at most {most} values; got {}", values.len()),
                            format!(
                                "paling banyak {} nilai; yang diberikan {}",
                                count(most as i64),
                                count(values.len() as i64)
                            ),
                        ));
                    }
                }
                if let Some(i) = m.points.iter().position(|p| p.len() > MAX_NAME_BYTES) {
                    violations.push(FieldViolation::new(
                        format!("parameters.travel_matrix.points[{i}]"),
                        format!("must be at most {MAX_NAME_BYTES} bytes"),
                        format!("paling panjang {MAX_NAME_BYTES} bita"),
                    ));
                }
            }
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// The last day a plan may start, end or be replanned on, `today` being
/// the first: ten years on (a plan of the horizon's 2000 working days from
/// then still ends long before any date arithmetic could overflow).
pub fn latest_plan_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * MAX_YEARS_AHEAD))
        .unwrap_or(today)
}

/// Dates of a request that reach more than ten years ahead.
pub fn within_ten_years(
    given: Option<&pb::PlanParameters>,
    today: NaiveDate,
) -> Vec<FieldViolation> {
    let latest = latest_plan_date(today);
    let mut violations = Vec::new();
    let Some(g) = given else {
        return violations;
    };
    for (text, field) in [
        (&g.start_date, "parameters.start_date"),
        (&g.deadline, "parameters.deadline"),
    ] {
        if let Some(date) = parse_date(text)
            && date > latest
        {
            violations.push(FieldViolation::new(
                field,
                format!("{date} is more than {MAX_YEARS_AHEAD} years ahead (latest {latest})"),
                format!(
                    "{} lebih dari {MAX_YEARS_AHEAD} tahun ke depan (paling lambat {})",
                    date_text(date, Lang::Id),
                    date_text(latest, Lang::Id)
                ),
            ));
        }
    }
    violations
}

/// The request's parameters with defaults filled in, or every problem.
pub fn parameters(
    given: Option<&pb::PlanParameters>,
    district: &District,
    today: NaiveDate,
) -> Result<Parameters, Vec<FieldViolation>> {
    let default_given = pb::PlanParameters::default();
    let g = given.unwrap_or(&default_given);
    // Every field named: a field added to the proto does not compile until
    // this conversion decides what it means.
    let pb::PlanParameters {
        budget_rupiah,
        teams,
        target_fraction,
        start_date,
        deadline,
        officers_per_team,
        workday_minutes,
        holidays,
        minutes_per_activation,
        road_factor,
        speed_kmh,
        reachable_share_kelurahan,
        reachable_share_desa,
        visit_yields,
        min_days_between_visits,
        office_activations_per_day,
        per_diem_day_trip_rupiah,
        per_diem_overnight_rupiah,
        lodging_per_night_rupiah,
        vehicle_per_day_rupiah,
        fuel_per_km_rupiah,
        outreach_per_visit_rupiah,
        time_limit_seconds,
        travel_matrix,
        base_latitude,
        base_longitude,
        allow_overnight,
        horizon_working_days,
        yield_factors,
        workdays,
    } = g;
    let mut violations = Vec::new();
    // Each day once, in one pass: a repeat is named here, so the
    // parameters' own checks see no repeats.
    let listed = |field: &str, given: &[String], violations: &mut Vec<FieldViolation>| {
        let mut first_listed: HashMap<NaiveDate, usize> = HashMap::with_capacity(given.len());
        let mut days = Vec::with_capacity(given.len());
        for (i, text) in given.iter().enumerate().take(MAX_HOLIDAYS) {
            let Some(date) = date_field(text, &format!("parameters.{field}[{i}]"), violations)
            else {
                continue;
            };
            match first_listed.entry(date) {
                Entry::Occupied(first) => violations.push(FieldViolation::new(
                    format!("parameters.{field}[{i}]"),
                    format!("{date} is already listed at {field}[{}]", first.get()),
                    format!(
                        "{} sudah tercantum di {field}[{}]",
                        date_text(date, Lang::Id),
                        first.get()
                    ),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(i);
                    days.push(date);
                }
            }
        }
        days
    };
    let added = listed("holidays", holidays, &mut violations);
    let worked = listed("workdays", workdays, &mut violations);
    // The shipped national holidays and cuti bersama, with the request's own
    // days off added and its working days taken out.
    let days_off = |from: NaiveDate| -> Vec<NaiveDate> {
        let until = from
            .checked_add_days(chrono::Days::new(DEFAULT_HOLIDAYS_SPAN_DAYS))
            .unwrap_or(NaiveDate::MAX);
        let mut days: std::collections::BTreeSet<NaiveDate> =
            crate::holidays::between(from, until).into_iter().collect();
        days.extend(added.iter().copied());
        for day in &worked {
            days.remove(day);
        }
        days.into_iter().collect()
    };
    let start_date = date_field(start_date, "parameters.start_date", &mut violations)
        .unwrap_or_else(|| next_working_day(today, &days_off(today)));
    let holidays = days_off(start_date);
    let deadline = date_field(deadline, "parameters.deadline", &mut violations);
    let mut p = Parameters::defaults(
        start_date,
        (district.latitude, district.longitude),
        district.target_fraction,
    );
    p.budget_rupiah = *budget_rupiah;
    p.deadline = deadline;
    p.holidays = holidays;
    if let Some(teams) = *teams {
        p.teams = u32::try_from(teams).unwrap_or(0);
    }
    if let Some(x) = *target_fraction {
        p.target_fraction = x;
    }
    if let Some(x) = *officers_per_team {
        p.officers_per_team = u32::try_from(x).unwrap_or(0);
    }
    if let Some(x) = *workday_minutes {
        p.workday_minutes = u32::try_from(x).unwrap_or(0);
    }
    if let Some(x) = *minutes_per_activation {
        p.minutes_per_activation = x;
    }
    if let Some(x) = *road_factor {
        p.road_factor = x;
    }
    if let Some(x) = *speed_kmh {
        p.speed_kmh = x;
    }
    if let Some(x) = *reachable_share_kelurahan {
        p.reachable_share_kelurahan = x;
    }
    if let Some(x) = *reachable_share_desa {
        p.reachable_share_desa = x;
    }
    if !visit_yields.is_empty() {
        p.visit_yields = visit_yields.clone();
    }
    if let Some(x) = *min_days_between_visits {
        p.min_days_between_visits = u32::try_from(x).unwrap_or(u32::MAX);
    }
    if let Some(x) = *office_activations_per_day {
        p.office_activations_per_day = u32::try_from(x).unwrap_or(u32::MAX);
    }
    let money = [
        (*per_diem_day_trip_rupiah, &mut p.per_diem_day_trip_rupiah),
        (*per_diem_overnight_rupiah, &mut p.per_diem_overnight_rupiah),
        (*lodging_per_night_rupiah, &mut p.lodging_per_night_rupiah),
        (*vehicle_per_day_rupiah, &mut p.vehicle_per_day_rupiah),
        (*fuel_per_km_rupiah, &mut p.fuel_per_km_rupiah),
        (*outreach_per_visit_rupiah, &mut p.outreach_per_visit_rupiah),
    ];
    for (given, slot) in money {
        if let Some(x) = given {
            *slot = x;
        }
    }
    if let Some(x) = *time_limit_seconds {
        p.time_limit_seconds = x;
    }
    if let Some(m) = travel_matrix
        && !m.points.is_empty()
    {
        p.travel_matrix = Some(GivenMatrix {
            points: m.points.clone(),
            distance_km: m.distance_km.clone(),
            minutes: m.minutes.clone(),
        });
    }
    if let Some(x) = *base_latitude {
        p.base_latitude = x;
    }
    if let Some(x) = *base_longitude {
        p.base_longitude = x;
    }
    if let Some(x) = *allow_overnight {
        p.allow_overnight = x;
    }
    if let Some(x) = *horizon_working_days {
        p.horizon_working_days = u32::try_from(x).unwrap_or(0);
    }
    for (kecamatan, &factor) in yield_factors {
        let known = district.villages.iter().any(|v| &v.kecamatan == kecamatan);
        if !known {
            violations.push(FieldViolation::new(
                "parameters.yield_factors",
                format!(
                    "{} is not a kecamatan of {}",
                    excerpt(kecamatan),
                    district.name
                ),
                format!(
                    "{} bukan kecamatan di {}",
                    excerpt(kecamatan),
                    district.name
                ),
            ));
        }
        p.yield_factors.insert(kecamatan.clone(), factor);
    }
    violations.extend(p.validate(today));
    if violations.is_empty() {
        Ok(p)
    } else {
        Err(bounded(violations))
    }
}

/// The parameters as echoed in a plan, every default filled in.
pub fn parameters_to_proto(p: &Parameters) -> pb::PlanParameters {
    pb::PlanParameters {
        budget_rupiah: p.budget_rupiah,
        teams: Some(p.teams as i32),
        target_fraction: Some(p.target_fraction),
        start_date: p.start_date.to_string(),
        deadline: p.deadline.map(|d| d.to_string()).unwrap_or_default(),
        officers_per_team: Some(p.officers_per_team as i32),
        workday_minutes: Some(p.workday_minutes as i32),
        holidays: p.holidays.iter().map(|d| d.to_string()).collect(),
        // The shipped days off the plan works, so that the echo asks for
        // the same calendar again.
        workdays: crate::holidays::between(
            p.start_date,
            p.start_date
                .checked_add_days(chrono::Days::new(DEFAULT_HOLIDAYS_SPAN_DAYS))
                .unwrap_or(NaiveDate::MAX),
        )
        .into_iter()
        .filter(|d| !p.holidays.contains(d))
        .map(|d| d.to_string())
        .collect(),
        yield_factors: p
            .yield_factors
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        minutes_per_activation: Some(p.minutes_per_activation),
        road_factor: Some(p.road_factor),
        speed_kmh: Some(p.speed_kmh),
        reachable_share_kelurahan: Some(p.reachable_share_kelurahan),
        reachable_share_desa: Some(p.reachable_share_desa),
        visit_yields: p.visit_yields.clone(),
        min_days_between_visits: Some(p.min_days_between_visits as i32),
        office_activations_per_day: Some(p.office_activations_per_day as i32),
        per_diem_day_trip_rupiah: Some(p.per_diem_day_trip_rupiah),
        per_diem_overnight_rupiah: Some(p.per_diem_overnight_rupiah),
        lodging_per_night_rupiah: Some(p.lodging_per_night_rupiah),
        vehicle_per_day_rupiah: Some(p.vehicle_per_day_rupiah),
        fuel_per_km_rupiah: Some(p.fuel_per_km_rupiah),
        outreach_per_visit_rupiah: Some(p.outreach_per_visit_rupiah),
        time_limit_seconds: Some(p.time_limit_seconds),
        travel_matrix: p.travel_matrix.as_ref().map(|m| pb::TravelMatrix {
            points: m.points.clone(),
            distance_km: m.distance_km.clone(),
            minutes: m.minutes.clone(),
        }),
        base_latitude: Some(p.base_latitude),
        base_longitude: Some(p.base_longitude),
        allow_overnight: Some(p.allow_overnight),
        horizon_working_days: Some(p.horizon_working_days as i32),
    }
}

fn place(district: &District, p: Place) -> String {
    match p {
        Place::Base => "base".to_string(),
        Place::Village(v) => district.villages[v].name.clone(),
    }
}

/// A solved plan as the API returns it.
pub fn plan_to_proto(
    plan: &Plan,
    district: &District,
    name: String,
    create_time: prost_types::Timestamp,
) -> pb::Plan {
    let s = &plan.summary;
    let date = |day: u32| {
        plan.dates
            .get(day as usize - 1)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let teams = plan
        .itinerary
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| pb::TeamPlan {
            team: t as i32 + 1,
            display_name: format!("Tim {}", t + 1),
            cost_rupiah: team.cost().total(),
            expected_activations: team.expected_activations(),
            days: team
                .days
                .iter()
                .map(|d| pb::TeamDay {
                    date: date(d.day),
                    overnight: d.overnight(),
                    start: place(district, d.start),
                    end: place(district, d.end),
                    stops: d
                        .stops
                        .iter()
                        .map(|stop| pb::Stop {
                            region: district.villages[stop.village].name.clone(),
                            display_name: district.villages[stop.village].display_name.clone(),
                            arrive_minute: stop.arrive_minute,
                            depart_minute: stop.depart_minute,
                            expected_activations: stop.expected_activations,
                            visit_number: stop.visit_number as i32,
                            kecamatan: district.villages[stop.village].kecamatan.clone(),
                            kecamatan_name: district
                                .kecamatan_names
                                .get(&district.villages[stop.village].kecamatan)
                                .cloned()
                                .unwrap_or_default(),
                        })
                        .collect(),
                    travel_km: d.travel_km,
                    travel_minutes: d.travel_minutes,
                    cost_rupiah: d.cost.total(),
                    expected_activations: d.expected_activations(),
                    used_minutes: d.used_minutes,
                })
                .collect(),
        })
        .collect();
    pb::Plan {
        name,
        region: district.name.clone(),
        parameters: Some(parameters_to_proto(&plan.parameters)),
        summary: Some(pb::PlanSummary {
            reaches_target: s.reaches_target,
            target_date: s.target_date.map(|d| d.to_string()).unwrap_or_default(),
            working_days: s.working_days as i32,
            lower_bound_working_days: s.lower_bound_working_days.map_or(0, |b| b as i32),
            optimality_gap: s.optimality_gap,
            total_cost_rupiah: s.cost.total(),
            cost: Some(cost_to_proto(&s.cost)),
            mobile_activations: s.mobile_activations,
            mobile_activations_upper_bound: s.mobile_activations_upper_bound,
            cost_lower_bound_rupiah: s.cost_lower_bound_rupiah,
            office_activations: s.office_activations,
            coverage_at_end: s.coverage_at_end,
            minimum_budget_for_target_rupiah: s.minimum_budget_for_target_rupiah,
            ktp_el_recorded: s.ktp_el_recorded,
            ikd_activated_at_start: s.ikd_activated_at_start,
            target_count: s.target_count,
            gap_at_start: s.gap_at_start,
            already_reached: s.already_reached,
            binding_constraint: binding_to_proto(s.binding).into(),
            message: s.message.clone(),
            solver: s.solver.clone(),
            solve_seconds: s.solve_seconds,
            office_only_working_days: s.office_only_working_days.map_or(0, |d| d as i32),
            method: match s.method {
                Method::Allocation { .. } => pb::PlanMethod::Allocation,
                Method::Policy { .. } => pb::PlanMethod::RouteBuilder,
            }
            .into(),
            method_detail: s.method.describe(),
        }),
        teams,
        unvisited: plan
            .unvisited
            .iter()
            .map(|u| pb::UnvisitedVillage {
                region: district.villages[u.village].name.clone(),
                display_name: district.villages[u.village].display_name.clone(),
                reason: u.reason.clone(),
                reason_code: match u.reason_code {
                    UnvisitedReason::NoPool => pb::UnvisitedReason::NoPool,
                    UnvisitedReason::NotNeeded => pb::UnvisitedReason::NotNeeded,
                    UnvisitedReason::Budget => pb::UnvisitedReason::Budget,
                    UnvisitedReason::Teams => pb::UnvisitedReason::Teams,
                }
                .into(),
                first_visit_activations: u.first_visit_activations,
                first_visit_cost_rupiah: u.first_visit_cost_rupiah,
                round_trip_minutes: u.round_trip_minutes,
            })
            .collect(),
        projection: plan
            .projection
            .iter()
            .map(|p| pb::ProjectionPoint {
                date: p.date.to_string(),
                working_day: p.day as i32,
                office_activations: p.office_activations,
                mobile_activations: p.mobile_activations,
                ikd_activated: p.ikd_activated,
                coverage: p.coverage,
            })
            .collect(),
        create_time: Some(create_time),
        replanned_from: String::new(),
        learned_yields: plan
            .learned_yields
            .iter()
            .map(|l| pb::LearnedYield {
                kecamatan: l.kecamatan.clone(),
                display_name: district
                    .kecamatan_names
                    .get(&l.kecamatan)
                    .cloned()
                    .unwrap_or_default(),
                visits: l.visits as i32,
                expected_activations: l.expected_activations,
                recorded_activations: l.recorded_activations,
                factor: l.factor,
            })
            .collect(),
        as_of_date: String::new(),
        display_name: String::new(),
        state: pb::PlanState::Draft.into(),
        update_time: None,
    }
}

fn cost_to_proto(cost: &Cost) -> pb::CostBreakdown {
    pb::CostBreakdown {
        per_diem_rupiah: cost.per_diem_rupiah,
        lodging_rupiah: cost.lodging_rupiah,
        vehicle_rupiah: cost.vehicle_rupiah,
        fuel_rupiah: cost.fuel_rupiah,
        outreach_rupiah: cost.outreach_rupiah,
    }
}

pub fn scenario_to_proto(s: &Scenario) -> pb::BudgetScenario {
    let summary = &s.plan.summary;
    pb::BudgetScenario {
        budget_rupiah: s.budget_rupiah,
        teams: s.teams as i32,
        reaches_target: summary.reaches_target,
        working_days: summary.working_days as i32,
        target_date: summary
            .target_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        cost_rupiah: summary.cost.total(),
        coverage_at_end: summary.coverage_at_end,
        days_saved_per_extra_10_juta: s.days_saved_per_extra_10_juta,
        lower_bound_working_days: summary.lower_bound_working_days.map_or(0, |b| b as i32),
        binding_constraint: binding_to_proto(summary.binding).into(),
        cost: Some(cost_to_proto(&summary.cost)),
        mobile_activations: summary.mobile_activations,
        mobile_activations_upper_bound: summary.mobile_activations_upper_bound,
        cost_lower_bound_rupiah: summary.cost_lower_bound_rupiah,
    }
}

/// The itinerary of a plan as received over the wire (each team-day's cost
/// is only its total there, so the breakdown is left empty).
pub fn itinerary_from_wire(
    plan: &pb::Plan,
    district: &District,
    params: &Parameters,
) -> Result<crate::itinerary::Itinerary, Vec<String>> {
    let index: std::collections::HashMap<&str, usize> = district
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect();
    let place = |name: &str| -> Result<Place, Vec<String>> {
        if name == "base" {
            return Ok(Place::Base);
        }
        index
            .get(name)
            .map(|&i| Place::Village(i))
            .ok_or_else(|| vec![format!("{name} is not a village of {}", district.name)])
    };
    let mut calendar = params.calendar();
    let mut itinerary = crate::itinerary::Itinerary::default();
    for team in &plan.teams {
        let mut days = Vec::new();
        for d in &team.days {
            let date = parse_date(&d.date).ok_or_else(|| vec![format!("bad date {}", d.date)])?;
            let day = calendar
                .day_of(date)
                .ok_or_else(|| vec![format!("{date} is not a working day of the plan")])?;
            let mut stops = Vec::new();
            for s in &d.stops {
                let Place::Village(village) = place(&s.region)? else {
                    return Err(vec!["a stop at the base".to_string()]);
                };
                stops.push(crate::itinerary::Stop {
                    village,
                    arrive_minute: s.arrive_minute,
                    depart_minute: s.depart_minute,
                    expected_activations: s.expected_activations,
                    visit_number: s.visit_number as u32,
                });
            }
            days.push(crate::itinerary::TeamDay {
                day,
                start: place(&d.start)?,
                end: place(&d.end)?,
                stops,
                travel_km: d.travel_km,
                travel_minutes: d.travel_minutes,
                used_minutes: d.used_minutes,
                cost: crate::itinerary::Cost::default(),
            });
        }
        itinerary
            .teams
            .push(crate::itinerary::TeamItinerary { days });
    }
    Ok(itinerary)
}

/// Rebuilds the itinerary of a plan as received over the wire and runs the
/// validator on it, so a client (or a test) can check a plan it was sent
/// against the district as the registry has it now. A replan is checked as
/// one plan with the days it kept.
pub fn validate_wire_plan(
    plan: &pb::Plan,
    district: &District,
) -> Result<crate::validate::Derived, Vec<String>> {
    let params = parameters(plan.parameters.as_ref(), district, today_in_district())
        .map_err(violations_text)?;
    let travel = crate::travel::Travel::new(district, &params).map_err(violations_text)?;
    let mut calendar = params.calendar();
    let itinerary = itinerary_from_wire(plan, district, &params)?;
    let summary = plan.summary.clone().unwrap_or_default();
    let limit = (summary.working_days as u32).max(itinerary.last_day());
    let need = district.target_count(params.target_fraction) - district.ikd_activated;
    // A replan keeps the original's days before its as-of date.
    let kept_through = match parse_date(&plan.as_of_date) {
        Some(as_of) => calendar.working_days_through(as_of - chrono::Days::new(1)),
        None => 0,
    };
    let rules = crate::validate::Rules {
        district,
        params: &params,
        travel: &travel,
        limit_day: limit,
        kept_through,
        need,
    };
    // Costs are checked against the wire totals after the validator derives them.
    let result = crate::validate::check(&rules, &itinerary, crate::validate::Costs::DerivedOnly)?;
    let derived_days = &result.day_costs;
    let mut errors = Vec::new();
    for (team, wire) in plan.teams.iter().zip(derived_days) {
        for (d, derived) in team.days.iter().zip(wire) {
            if d.cost_rupiah != *derived {
                errors.push(format!(
                    "{} {}: cost Rp {} on the wire, Rp {derived} derived",
                    team.display_name, d.date, d.cost_rupiah
                ));
            }
        }
    }
    if result.cost.total() != summary.total_cost_rupiah {
        errors.push(format!(
            "total cost Rp {} on the wire, Rp {} derived",
            summary.total_cost_rupiah,
            result.cost.total()
        ));
    }
    if result.mobile_activations != summary.mobile_activations {
        errors.push(format!(
            "{} mobile activations on the wire, {} derived",
            summary.mobile_activations, result.mobile_activations
        ));
    }
    if errors.is_empty() {
        Ok(result)
    } else {
        Err(errors)
    }
}

fn violations_text(v: Vec<FieldViolation>) -> Vec<String> {
    v.into_iter()
        .map(|v| format!("{}: {}", v.field, v.description))
        .collect()
}

/// The request conversion against arbitrary parameters: it never panics,
/// and every rejection names fields of the request with short descriptions.
/// The closed set of what limits a plan, on the wire.
fn binding_to_proto(binding: Binding) -> pb::BindingConstraint {
    match binding {
        Binding::Budget => pb::BindingConstraint::Budget,
        Binding::Teams => pb::BindingConstraint::Teams,
        Binding::Villages => pb::BindingConstraint::Villages,
        Binding::None => pb::BindingConstraint::None,
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,20}",
            "(19|20|99)[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "[0-9\u{0}-]{0,12}",
            (0usize..3).prop_map(|n| "7".repeat(n * 50_000)),
        ]
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            -10.0f64..1000.0,
            Just(f64::NAN),
            Just(f64::INFINITY)
        ]
    }

    prop_compose! {
        fn given()(
            budget_rupiah in any::<i64>(),
            teams in proptest::option::of(any::<i32>()),
            target_fraction in proptest::option::of(number()),
            start_date in text(),
            deadline in text(),
            holidays in prop::collection::vec(text(), 0..8),
            yields in prop::collection::vec(number(), 0..12),
            money in proptest::option::of(any::<i64>()),
            speed in proptest::option::of(number()),
            horizon in proptest::option::of(any::<i32>()),
            points in prop::collection::vec(text(), 0..4),
            cells in prop::collection::vec(number(), 0..20),
        ) -> pb::PlanParameters {
            pb::PlanParameters {
                budget_rupiah,
                teams,
                target_fraction,
                start_date,
                deadline,
                holidays,
                visit_yields: yields,
                per_diem_day_trip_rupiah: money,
                fuel_per_km_rupiah: money,
                speed_kmh: speed,
                horizon_working_days: horizon,
                travel_matrix: (!points.is_empty()).then(|| pb::TravelMatrix {
                    points,
                    distance_km: cells.clone(),
                    minutes: cells,
                }),
                ..Default::default()
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn plan_parameters(given in given(), region in text(), request_id in text()) {
            let district = crate::fixtures::rejang_lebong();
            let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date");
            let mut violations = match precheck(&region, &request_id, Some(&given)) {
                Err(violations) => violations,
                Ok(()) => {
                    let mut found = within_ten_years(Some(&given), today);
                    if let Err(more) = parameters(Some(&given), &district, today) {
                        found.extend(more);
                    }
                    found
                }
            };
            for v in violations.drain(..) {
                prop_assert!(
                    v.field.starts_with("parameters.") || v.field == "region" || v.field == "request_id",
                    "field {:?}", v.field
                );
                prop_assert!(v.description.len() < 300, "{}: {} bytes", v.field, v.description.len());
                // Said in Indonesian too, not the English copied.
                prop_assert!(!v.indonesian.is_empty() && v.indonesian != v.description, "{:?}", v);
            }
        }
    }
}
