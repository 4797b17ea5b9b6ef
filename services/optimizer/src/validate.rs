//! The plan validator: re-derives travel, time, cost and activations from the
//! itinerary and the parameters alone, and reports every rule a plan breaks.
//! It shares no code with the scheduler beyond the travel matrix and the
//! calendar, so a scheduler bug cannot hide behind its own arithmetic.

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::district::District;
use crate::itinerary::{Cost, Itinerary, Place};
use crate::params::{MAX_TRIP_DAYS, Parameters};
use crate::travel::{BASE, Travel, point};

/// What the validator derived, to compare with a plan's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub cost: Cost,
    pub mobile_activations: i64,
    /// First working day on which start + office + mobile reach the target.
    pub target_day: Option<u32>,
    /// Mobile activations per working day, `[0]` = day 1.
    pub mobile_by_day: Vec<i64>,
}

const EPS: f64 = 1e-6;

/// Checks `itinerary` against every rule of the model. `limit_day` is the
/// last working day the plan may use (deadline or horizon), `need` the
/// activations still missing at the start. Returns what it derived, or every
/// violation found.
pub fn validate(
    district: &District,
    params: &Parameters,
    travel: &Travel,
    itinerary: &Itinerary,
    limit_day: u32,
    need: i64,
) -> Result<Derived, Vec<String>> {
    check(
        district,
        params,
        travel,
        itinerary,
        limit_day,
        need,
        true,
        &mut Vec::new(),
    )
}

/// As [`validate`], for an itinerary whose per-day cost breakdown is not
/// known (a plan received over the wire carries only each day's total):
/// pushes each team-day's derived total cost into `day_costs` instead of
/// comparing breakdowns.
pub fn validate_without_costs(
    district: &District,
    params: &Parameters,
    travel: &Travel,
    itinerary: &Itinerary,
    limit_day: u32,
    need: i64,
    day_costs: &mut Vec<Vec<i64>>,
) -> Result<Derived, Vec<String>> {
    check(
        district, params, travel, itinerary, limit_day, need, false, day_costs,
    )
}

#[allow(clippy::too_many_arguments)]
fn check(
    district: &District,
    params: &Parameters,
    travel: &Travel,
    itinerary: &Itinerary,
    limit_day: u32,
    need: i64,
    compare_costs: bool,
    day_costs: &mut Vec<Vec<i64>>,
) -> Result<Derived, Vec<String>> {
    let mut errors = Vec::new();
    let mut derived_day_costs: Vec<Vec<i64>> = Vec::new();
    let mut calendar = Calendar::new(params.start_date, &params.holidays);
    let pools = district.pools(params);
    let workday = params.workday_minutes as f64;
    let officers = params.officers_per_team as i64;
    let n = district.villages.len();

    if itinerary.teams.len() > params.teams as usize {
        errors.push(format!(
            "{} teams planned, {} allowed",
            itinerary.teams.len(),
            params.teams
        ));
    }

    // (village, day) → team-days serving it, in team order.
    let mut visit_days: BTreeMap<(usize, u32), Vec<(usize, usize)>> = BTreeMap::new();
    let mut total = Cost::default();
    let mut mobile_by_day = vec![0i64; limit_day as usize];

    for (t, team) in itinerary.teams.iter().enumerate() {
        derived_day_costs.push(Vec::with_capacity(team.days.len()));
        let mut trip_days = 0u32;
        for (i, day) in team.days.iter().enumerate() {
            let who = format!("team {} day {}", t + 1, day.day);
            if day.day == 0 || day.day > limit_day {
                errors.push(format!("{who}: outside working days 1..={limit_day}"));
                continue;
            }
            let previous = i.checked_sub(1).map(|j| &team.days[j]);
            if let Some(prev) = previous
                && prev.day >= day.day
            {
                errors.push(format!("{who}: days out of order"));
            }
            // Continuity of stay-out trips.
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
            let away = day.start != Place::Base || day.end != Place::Base;
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
            if let Place::Village(v) = day.start
                && v >= n
            {
                errors.push(format!("{who}: unknown start village {v}"));
                continue;
            }
            if day.stops.is_empty() {
                errors.push(format!("{who}: a paid team-day without any stop"));
            }

            // Travel and time, stop by stop.
            let mut position = day.start.point();
            let mut clock = 0.0;
            let mut km = 0.0;
            let mut minutes = 0.0;
            let mut valid_stops = true;
            for (s, stop) in day.stops.iter().enumerate() {
                if stop.village >= n {
                    errors.push(format!("{who}: stop {s} is not a village"));
                    valid_stops = false;
                    break;
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
                let service = params.service_minutes(stop.expected_activations);
                if stop.depart_minute + EPS < stop.arrive_minute + service {
                    errors.push(format!(
                        "{who}: {} activations at stop {s} need {service:.1} minutes, only {:.1} given",
                        stop.expected_activations,
                        stop.depart_minute - stop.arrive_minute
                    ));
                }
                clock = stop.depart_minute.max(stop.arrive_minute);
                position = point(stop.village);
                visit_days
                    .entry((stop.village, day.day))
                    .or_default()
                    .push((t, s));
                mobile_by_day[day.day as usize - 1] += stop.expected_activations;
            }
            if !valid_stops {
                continue;
            }
            let end = match day.end {
                Place::Base => BASE,
                Place::Village(v) if v < n => point(v),
                Place::Village(_) => {
                    errors.push(format!("{who}: unknown end village"));
                    continue;
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

            // Cost of the day, outreach aside (it is per visit day, below).
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
            let derived = Cost {
                per_diem_rupiah: officers * per_diem,
                lodging_rupiah: lodging,
                vehicle_rupiah: params.vehicle_per_day_rupiah,
                fuel_rupiah: (km * params.fuel_per_km_rupiah as f64).round() as i64,
                outreach_rupiah: 0,
            };
            let reported = Cost {
                outreach_rupiah: 0,
                ..day.cost
            };
            if compare_costs && derived != reported {
                errors.push(format!(
                    "{who}: cost {reported:?} reported, {derived:?} derived"
                ));
            }
            derived_day_costs[t].push(derived.total());
            total.add(&derived);
        }
    }

    // Visit days: caps, spacing, numbering, outreach.
    let spacing = params.min_days_between_visits.max(1);
    let mut per_village: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for &(v, d) in visit_days.keys() {
        per_village.entry(v).or_default().push(d);
    }
    let mut outreach_by_team_day: BTreeMap<(usize, u32), i64> = BTreeMap::new();
    for (v, days) in &per_village {
        let name = &district.villages[*v].name;
        if days.len() > params.visit_yields.len() {
            errors.push(format!(
                "{name}: {} visit days, at most {}",
                days.len(),
                params.visit_yields.len()
            ));
        }
        let mut village_total = 0;
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
            let cap = District::visit_cap(params, pools[*v], k);
            if activations > cap {
                errors.push(format!(
                    "{name}: visit {} expects {activations}, at most {cap}",
                    k + 1
                ));
            }
            village_total += activations;
            // Outreach is paid once per visit day, by the first team there.
            let first_team = servers.iter().map(|&(t, _)| t).min().unwrap_or(0);
            *outreach_by_team_day.entry((first_team, *d)).or_default() +=
                params.outreach_per_visit_rupiah;
            total.outreach_rupiah += params.outreach_per_visit_rupiah;
        }
        if village_total > pools[*v] {
            errors.push(format!(
                "{name}: {village_total} expected, its reachable pool is {}",
                pools[*v]
            ));
        }
    }
    for (t, team) in itinerary.teams.iter().enumerate() {
        for (i, day) in team.days.iter().enumerate() {
            let derived = outreach_by_team_day
                .get(&(t, day.day))
                .copied()
                .unwrap_or(0);
            if let Some(cost) = derived_day_costs.get_mut(t).and_then(|c| c.get_mut(i)) {
                *cost += derived;
            }
            if compare_costs && derived != day.cost.outreach_rupiah {
                errors.push(format!(
                    "team {} day {}: outreach Rp {} reported, Rp {derived} derived",
                    t + 1,
                    day.day,
                    day.cost.outreach_rupiah
                ));
            }
        }
    }

    if total.total() > params.budget_rupiah {
        errors.push(format!(
            "costs Rp {}, over the budget of Rp {}",
            total.total(),
            params.budget_rupiah
        ));
    }

    let office = params.office_activations_per_day as i64;
    let mut cumulative = 0;
    let mut target_day = None;
    for (i, m) in mobile_by_day.iter().enumerate() {
        cumulative += m;
        if cumulative + office * (i as i64 + 1) >= need {
            target_day = Some(i as u32 + 1);
            break;
        }
    }
    if need <= 0 {
        target_day = Some(1);
    }
    let last_used = mobile_by_day
        .iter()
        .rposition(|&m| m != 0)
        .map_or(0, |i| i + 1);
    mobile_by_day.truncate(last_used);

    *day_costs = derived_day_costs;
    if errors.is_empty() {
        Ok(Derived {
            cost: total,
            mobile_activations: mobile_by_day.iter().sum(),
            target_day,
            mobile_by_day,
        })
    } else {
        Err(errors)
    }
}
