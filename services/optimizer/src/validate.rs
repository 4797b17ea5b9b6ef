//! The plan validator: re-derives travel, time, cost and activations from the
//! itinerary and the parameters alone, and reports every rule a plan breaks.
//! It shares no code with the scheduler or the packer beyond the travel
//! matrix, the calendar and the visit caps, so a planner bug cannot hide
//! behind its own arithmetic.
//!
//! A replan is checked as one plan with the days it keeps: team-days on or
//! before `kept_through` are history (their visits count for numbering and
//! spacing; their caps were checked when they were planned), everything else
//! is checked in full, and the target is counted from the day after them.

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::district::{District, VisitState};
use crate::itinerary::{Cost, Itinerary, Place, TeamDay};
use crate::params::{MAX_TRIP_DAYS, Parameters};
use crate::travel::{BASE, Travel, point};

/// What a plan is checked against.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub district: &'a District,
    pub params: &'a Parameters,
    pub travel: &'a Travel,
    /// The last working day the plan may use (deadline or horizon).
    pub limit_day: u32,
    /// Working days kept as done (0 for a fresh plan).
    pub kept_through: u32,
    /// Activations still needed after the kept days.
    pub need: i64,
}

/// How a team-day's cost is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Costs {
    /// Each cost line of each team-day (a plan the service made).
    Breakdown,
    /// Only what the validator derives; the caller compares totals (a plan
    /// received over the wire carries one total per team-day).
    DerivedOnly,
}

/// What the validator derived, to compare with a plan's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub cost: Cost,
    /// Mobile activations after the kept days.
    pub mobile_activations: i64,
    /// First working day after the kept days on which the office and the
    /// mobile activations since then reach the target.
    pub target_day: Option<u32>,
    /// Mobile activations per working day, `[0]` = day 1.
    pub mobile_by_day: Vec<i64>,
    /// Each team-day's total cost, outreach included, `[team][day]`.
    pub day_costs: Vec<Vec<i64>>,
}

const EPS: f64 = 1e-6;

/// Checks `itinerary` against every rule of the model, comparing each
/// team-day's cost breakdown. Returns what it derived, or every violation.
pub fn validate(rules: &Rules<'_>, itinerary: &Itinerary) -> Result<Derived, Vec<String>> {
    check(rules, itinerary, Costs::Breakdown)
}

/// Checks `itinerary` as [`validate`] does, comparing costs as `costs` says.
pub fn check(
    rules: &Rules<'_>,
    itinerary: &Itinerary,
    costs: Costs,
) -> Result<Derived, Vec<String>> {
    let mut errors = Vec::new();
    if itinerary.teams.len() > rules.params.teams as usize {
        errors.push(format!(
            "{} teams planned, {} allowed",
            itinerary.teams.len(),
            rules.params.teams
        ));
    }
    let days = check_team_days(rules, itinerary, costs, &mut errors);
    let outreach = check_visits(rules, itinerary, &days.visit_days, &mut errors);
    let mut total = days.total;
    total.outreach_rupiah = outreach.total;
    let mut day_costs = days.day_costs;
    for (t, team) in itinerary.teams.iter().enumerate() {
        for (i, day) in team.days.iter().enumerate() {
            let paid = outreach
                .by_team_day
                .get(&(t, day.day))
                .copied()
                .unwrap_or(0);
            if let Some(cost) = day_costs.get_mut(t).and_then(|c| c.get_mut(i)) {
                *cost += paid;
            }
            if costs == Costs::Breakdown && paid != day.cost.outreach_rupiah {
                errors.push(format!(
                    "team {} day {}: outreach Rp {} reported, Rp {paid} derived",
                    t + 1,
                    day.day,
                    day.cost.outreach_rupiah
                ));
            }
        }
    }
    if total.total() > rules.params.budget_rupiah {
        errors.push(format!(
            "costs Rp {}, over the budget of Rp {}",
            total.total(),
            rules.params.budget_rupiah
        ));
    }
    let mut mobile_by_day = days.mobile_by_day;
    let target_day = target_day(rules, &mobile_by_day);
    let last_used = mobile_by_day
        .iter()
        .rposition(|&m| m != 0)
        .map_or(0, |i| i + 1);
    mobile_by_day.truncate(last_used);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Derived {
        cost: total,
        mobile_activations: mobile_by_day.iter().skip(rules.kept_through as usize).sum(),
        target_day,
        mobile_by_day,
        day_costs,
    })
}

/// What the team-days add up to.
struct TeamDays {
    /// (village, day) → (team, stop) of every team serving it, team order.
    visit_days: BTreeMap<(usize, u32), Vec<(usize, usize)>>,
    /// Every cost line but outreach, summed.
    total: Cost,
    mobile_by_day: Vec<i64>,
    /// Each team-day's cost without outreach.
    day_costs: Vec<Vec<i64>>,
}

/// Each team-day on its own: days in range and in order, stay-out trips
/// continuous, travel and times as the matrix has them, the workday, and
/// what the day costs.
fn check_team_days(
    rules: &Rules<'_>,
    itinerary: &Itinerary,
    costs: Costs,
    errors: &mut Vec<String>,
) -> TeamDays {
    let params = rules.params;
    let mut calendar = Calendar::new(params.start_date, &params.holidays);
    let mut out = TeamDays {
        visit_days: BTreeMap::new(),
        total: Cost::default(),
        mobile_by_day: vec![0; rules.limit_day as usize],
        day_costs: Vec::with_capacity(itinerary.teams.len()),
    };
    for (t, team) in itinerary.teams.iter().enumerate() {
        out.day_costs.push(Vec::with_capacity(team.days.len()));
        let mut trip_days = 0u32;
        for (i, day) in team.days.iter().enumerate() {
            let who = format!("team {} day {}", t + 1, day.day);
            if day.day == 0 || day.day > rules.limit_day {
                errors.push(format!(
                    "{who}: outside working days 1..={}",
                    rules.limit_day
                ));
                out.day_costs[t].push(0);
                continue;
            }
            let previous = i.checked_sub(1).map(|j| &team.days[j]);
            check_continuity(&who, day, previous, &mut calendar, errors);
            trip_days = if day.start == Place::Base {
                1
            } else {
                trip_days + 1
            };
            if trip_days > MAX_TRIP_DAYS {
                errors.push(format!(
                    "{who}: stay-out trip longer than {MAX_TRIP_DAYS} days"
                ));
            }
            if i + 1 == team.days.len() && day.end != Place::Base {
                errors.push(format!("{who}: the team never returns to base"));
            }
            let Some(km) = check_route(rules, &who, day, errors) else {
                out.day_costs[t].push(0);
                continue;
            };
            for (s, stop) in day.stops.iter().enumerate() {
                out.visit_days
                    .entry((stop.village, day.day))
                    .or_default()
                    .push((t, s));
                out.mobile_by_day[day.day as usize - 1] += stop.expected_activations;
            }
            let derived = day_cost(params, day, km);
            let reported = Cost {
                outreach_rupiah: 0,
                ..day.cost
            };
            if costs == Costs::Breakdown && derived != reported {
                errors.push(format!(
                    "{who}: cost {reported:?} reported, {derived:?} derived"
                ));
            }
            out.day_costs[t].push(derived.total());
            out.total.add(&derived);
        }
    }
    out
}

/// A day follows the one before it in order; after a night out it is the
/// next calendar day and starts where the team slept.
fn check_continuity(
    who: &str,
    day: &TeamDay,
    previous: Option<&TeamDay>,
    calendar: &mut Calendar,
    errors: &mut Vec<String>,
) {
    if let Some(prev) = previous
        && prev.day >= day.day
    {
        errors.push(format!("{who}: days out of order"));
    }
    match (previous, day.start) {
        (Some(prev), start) if prev.end != Place::Base => {
            if prev.day + 1 != day.day || !calendar.next_is_consecutive(prev.day) {
                errors.push(format!(
                    "{who}: team slept out after day {} but the next working day is not the next calendar day",
                    prev.day
                ));
            }
            if start != prev.end {
                errors.push(format!("{who}: starts away from where the team slept"));
            }
        }
        (_, Place::Village(_)) => {
            errors.push(format!("{who}: starts in a village without sleeping there"));
        }
        _ => {}
    }
}

/// Travel and times stop by stop, and the workday; the day's road km, or
/// `None` if its places are not the district's.
fn check_route(
    rules: &Rules<'_>,
    who: &str,
    day: &TeamDay,
    errors: &mut Vec<String>,
) -> Option<f64> {
    let n = rules.district.villages.len();
    let travel = rules.travel;
    if let Place::Village(v) = day.start
        && v >= n
    {
        errors.push(format!("{who}: unknown start village {v}"));
        return None;
    }
    if day.stops.is_empty() {
        errors.push(format!("{who}: a paid team-day without any stop"));
    }
    let mut position = day.start.point();
    let mut clock = 0.0;
    let mut km = 0.0;
    let mut minutes = 0.0;
    for (s, stop) in day.stops.iter().enumerate() {
        if stop.village >= n {
            errors.push(format!("{who}: stop {s} is not a village"));
            return None;
        }
        if day.stops[..s].iter().any(|x| x.village == stop.village) {
            errors.push(format!("{who}: village {} twice in a day", stop.village));
        }
        if stop.expected_activations <= 0 {
            errors.push(format!("{who}: stop {s} activates nobody"));
        }
        let to = travel.minutes(position, point(stop.village));
        km += travel.km(position, point(stop.village));
        minutes += to;
        if stop.arrive_minute + EPS < clock + to {
            errors.push(format!(
                "{who}: arrives at stop {s} at minute {:.1}, but cannot before {:.1}",
                stop.arrive_minute,
                clock + to
            ));
        }
        let service = rules.params.service_minutes(stop.expected_activations);
        if stop.depart_minute + EPS < stop.arrive_minute + service {
            errors.push(format!(
                "{who}: {} activations at stop {s} need {service:.1} minutes, only {:.1} given",
                stop.expected_activations,
                stop.depart_minute - stop.arrive_minute
            ));
        }
        clock = stop.depart_minute.max(stop.arrive_minute);
        position = point(stop.village);
    }
    let end = match day.end {
        Place::Base => BASE,
        Place::Village(v) if v < n => point(v),
        Place::Village(_) => {
            errors.push(format!("{who}: unknown end village"));
            return None;
        }
    };
    if let Some(last) = day.stops.last()
        && day.end != Place::Base
        && day.end != Place::Village(last.village)
    {
        errors.push(format!("{who}: sleeps somewhere other than its last stop"));
    }
    minutes += travel.minutes(position, end);
    km += travel.km(position, end);
    clock += travel.minutes(position, end);
    let workday = rules.params.workday_minutes as f64;
    if clock > workday + EPS {
        errors.push(format!(
            "{who}: needs {clock:.1} minutes, the workday has {workday}"
        ));
    }
    if (km - day.travel_km).abs() > 1e-6 * km.max(1.0) {
        errors.push(format!(
            "{who}: travel {:.3} km reported, {km:.3} km derived",
            day.travel_km
        ));
    }
    if (minutes - day.travel_minutes).abs() > 1e-6 * minutes.max(1.0) {
        errors.push(format!(
            "{who}: travel {:.3} minutes reported, {minutes:.3} derived",
            day.travel_minutes
        ));
    }
    Some(km)
}

/// A team-day's cost but outreach (which is per visit day).
fn day_cost(params: &Parameters, day: &TeamDay, km: f64) -> Cost {
    let officers = params.officers_per_team as i64;
    let away = day.start != Place::Base || day.end != Place::Base;
    let per_diem = if away {
        params.per_diem_overnight_rupiah
    } else {
        params.per_diem_day_trip_rupiah
    };
    let lodging = if day.end != Place::Base {
        officers * params.lodging_per_night_rupiah
    } else {
        0
    };
    Cost {
        per_diem_rupiah: officers * per_diem,
        lodging_rupiah: lodging,
        vehicle_rupiah: params.vehicle_per_day_rupiah,
        fuel_rupiah: (km * params.fuel_per_km_rupiah as f64).round() as i64,
        outreach_rupiah: 0,
    }
}

/// Outreach, paid once per visit day by the first team there.
struct Outreach {
    total: i64,
    by_team_day: BTreeMap<(usize, u32), i64>,
}

/// Visit days: numbering, spacing, each visit's cap and each village's pool
/// (after the kept days), and who pays each visit's outreach.
fn check_visits(
    rules: &Rules<'_>,
    itinerary: &Itinerary,
    visit_days: &BTreeMap<(usize, u32), Vec<(usize, usize)>>,
    errors: &mut Vec<String>,
) -> Outreach {
    let params = rules.params;
    let spacing = params.min_days_between_visits.max(1);
    let mut per_village: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for &(v, d) in visit_days.keys() {
        per_village.entry(v).or_default().push(d);
    }
    let mut done = vec![Vec::new(); rules.district.villages.len()];
    for (&v, days) in &per_village {
        done[v] = days
            .iter()
            .copied()
            .filter(|&d| d <= rules.kept_through)
            .collect();
    }
    let state = VisitState::after(rules.district, params, &done);
    let mut outreach = Outreach {
        total: 0,
        by_team_day: BTreeMap::new(),
    };
    for (v, days) in &per_village {
        let name = &rules.district.villages[*v].name;
        if days.len() > params.visit_yields.len() {
            errors.push(format!(
                "{name}: {} visit days, at most {}",
                days.len(),
                params.visit_yields.len()
            ));
        }
        let mut after_kept = 0;
        for (k, d) in days.iter().enumerate() {
            if k > 0 && d - days[k - 1] < spacing {
                errors.push(format!(
                    "{name}: visits on days {} and {d}, fewer than {spacing} working days apart",
                    days[k - 1]
                ));
            }
            let servers = &visit_days[&(*v, *d)];
            let activations: i64 = servers
                .iter()
                .map(|&(t, s)| {
                    let stop = itinerary.teams[t]
                        .days
                        .iter()
                        .find(|x| x.day == *d)
                        .map(|x| &x.stops[s]);
                    if let Some(stop) = stop
                        && stop.visit_number != k as u32 + 1
                    {
                        errors.push(format!(
                            "{name}: day {d} is visit {}, reported as {}",
                            k + 1,
                            stop.visit_number
                        ));
                    }
                    stop.map_or(0, |s| s.expected_activations)
                })
                .sum();
            let cap = state.caps[*v].get(k).copied().unwrap_or(0);
            if activations > cap {
                errors.push(format!(
                    "{name}: visit {} expects {activations}, at most {cap}",
                    k + 1
                ));
            }
            if *d > rules.kept_through {
                after_kept += activations;
            }
            let first_team = servers.iter().map(|&(t, _)| t).min().unwrap_or(0);
            *outreach.by_team_day.entry((first_team, *d)).or_default() +=
                params.outreach_per_visit_rupiah;
            outreach.total += params.outreach_per_visit_rupiah;
        }
        if after_kept > state.pools[*v] {
            errors.push(format!(
                "{name}: {after_kept} expected, its reachable pool is {}",
                state.pools[*v]
            ));
        }
    }
    outreach
}

/// The first working day after the kept days on which the office (from
/// then on) and the mobile activations since reach what is still needed.
fn target_day(rules: &Rules<'_>, mobile_by_day: &[i64]) -> Option<u32> {
    if rules.need <= 0 {
        return Some(rules.kept_through + 1);
    }
    let office = rules.params.office_activations_per_day as i64;
    let mut cumulative = 0;
    for (i, m) in mobile_by_day
        .iter()
        .enumerate()
        .skip(rules.kept_through as usize)
    {
        cumulative += m;
        let days = i as i64 + 1 - rules.kept_through as i64;
        if cumulative + office * days >= rules.need {
            return Some(i as u32 + 1);
        }
    }
    None
}
