//! Turns the district's reachable pools into team routes, day by day.
//!
//! A deterministic greedy simulation: on each working day every free team
//! takes the trip (a day trip, or a stay-out trip of up to a working week)
//! with the best score `activations ÷ (days + cost ÷ λ)`, where λ is what a
//! team-day is worth in rupiah. λ = ∞ chases speed (team capacity binds),
//! small λ chases activations per rupiah (the budget binds). The caller runs
//! several policies and keeps the best plan; every plan is then checked by
//! [`crate::validate`].
//!
//! Routes are built nearest-neighbour from a seed village, stopping where the
//! workday (travel + service + the way back) is full. Several teams may serve
//! the same village on the same day (one visit day, one outreach cost), which
//! is how a large kelurahan's first-day crowd is met.

use crate::district::VisitState;
use crate::itinerary::{Cost, Itinerary, Place, Stop, TeamDay, TeamItinerary};
use crate::params::{MAX_TRIP_DAYS, Parameters};
use crate::travel::{BASE, Travel, point};

/// How the greedy weighs time against money, and whether teams sleep out.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// Rupiah a team-day is worth; `f64::INFINITY` ignores money (but never
    /// the budget).
    pub lambda_rupiah_per_day: f64,
    /// Consider stay-out trips to villages at least this many minutes' round
    /// trip from the base (`f64::INFINITY`: never).
    pub overnight_min_round_trip_minutes: f64,
    /// Fewest activations worth a stop.
    pub min_stop_activations: i64,
}

/// What a simulation produced.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub itinerary: Itinerary,
    /// Working day the target is reached, if it is by `limit_day`.
    pub target_day: Option<u32>,
    /// `true` when the money (not teams or villages) stopped further trips.
    pub budget_exhausted: bool,
}

/// A visit day to a village.
#[derive(Debug, Clone, Copy)]
struct Visit {
    day: u32,
    /// Activations still possible that day (more teams may join).
    remaining: i64,
    number: u32,
}

/// A stop tried while a trip is being built, not yet committed.
#[derive(Debug, Clone, Copy)]
struct Tentative {
    village: usize,
    day: u32,
    activations: i64,
    /// Opens a new visit day (pays outreach) rather than joining one.
    opens: bool,
    number: u32,
}

/// A candidate trip.
#[derive(Debug, Clone)]
struct Trip {
    days: Vec<TeamDay>,
    activations: i64,
    cost: i64,
    tentative: Vec<Tentative>,
}

pub struct Scheduler<'a> {
    params: &'a Parameters,
    travel: &'a Travel,
    /// `caps[v][k]`: most visit k (0-based) to village v can activate.
    caps: Vec<Vec<i64>>,
    /// Each village's nearest villages by travel time, itself first.
    neighbours: Vec<Vec<usize>>,
    /// `consecutive[d]`: working day d + 1 is the calendar day after day d.
    consecutive: Vec<bool>,
    office_per_day: i64,
    /// Activations still needed at the start (target − activated), may be ≤ 0.
    need: i64,
    spacing: u32,
    /// Visit days each village already had (kept days of a replan).
    done_days: Vec<Vec<u32>>,
    /// The first working day to plan; earlier days are kept as done.
    first_day: u32,
}

const NEIGHBOURS: usize = 30;
const SEEDS: usize = 20;

impl<'a> Scheduler<'a> {
    /// Plans from `first_day` with the villages as `state` has them.
    /// `consecutive[d]` must cover every working day up to the plan's limit.
    pub fn new(
        params: &'a Parameters,
        travel: &'a Travel,
        state: &VisitState,
        need: i64,
        consecutive: Vec<bool>,
        first_day: u32,
    ) -> Self {
        let caps = state.caps.clone();
        // Itself first (a team may stay where it is), then the nearest others.
        let neighbours = travel
            .nearest_villages(NEIGHBOURS)
            .into_iter()
            .enumerate()
            .map(|(v, mut near)| {
                near.insert(0, v);
                near
            })
            .collect();
        Self {
            params,
            travel,
            caps,
            neighbours,
            consecutive,
            office_per_day: params.office_activations_per_day as i64,
            need,
            spacing: params.min_days_between_visits.max(1),
            done_days: state.done_days.clone(),
            first_day: first_day.max(1),
        }
    }

    /// What the office activates from the first planned day through `day`.
    fn office_through(&self, day: u32) -> i64 {
        self.office_per_day * (day as i64 + 1 - self.first_day as i64).max(0)
    }

    /// Simulates up to `limit_day` (the deadline or horizon) under `policy`.
    pub fn run(&self, policy: Policy, limit_day: u32) -> Schedule {
        let n = self.caps.len();
        let teams = self.params.teams as usize;
        let mut visits: Vec<Vec<Visit>> = self
            .done_days
            .iter()
            .map(|days| {
                days.iter()
                    .enumerate()
                    .map(|(k, &day)| Visit {
                        day,
                        remaining: 0,
                        number: k as u32 + 1,
                    })
                    .collect()
            })
            .collect();
        debug_assert_eq!(visits.len(), n);
        let mut itinerary = Itinerary {
            teams: vec![TeamItinerary::default(); teams],
        };
        let mut team_free = vec![self.first_day; teams];
        let mut mobile_by_day: Vec<i64> = Vec::new();
        let mut spent = 0i64;
        let mut cumulative = 0i64;
        let mut budget_exhausted = false;
        let cheapest_day = self.params.team_day_fixed_cost(false, false);

        let mut day = self.first_day;
        while day <= limit_day {
            let mut mobile_over = true;
            for (team, free_from) in team_free.iter_mut().enumerate() {
                if *free_from > day {
                    mobile_over = false;
                    continue;
                }
                // Work already committed may reach the target on some day
                // ahead; then no new trip starts, and none runs past that day.
                let covered = self.covered_by(&mobile_by_day, cumulative, day);
                if covered == Some(day) {
                    continue;
                }
                let trip_limit = covered.map_or(limit_day, |c| c.min(limit_day));
                let left = self.params.budget_rupiah - spent;
                if left < cheapest_day {
                    budget_exhausted = true;
                    continue;
                }
                let (trip, priced_out) = self.best_trip(&visits, day, trip_limit, left, policy);
                budget_exhausted |= priced_out;
                if let Some(trip) = trip {
                    mobile_over = false;
                    spent += trip.cost;
                    *free_from = day + trip.days.len() as u32;
                    self.commit(&mut visits, &trip.tentative);
                    for d in &trip.days {
                        let i = d.day as usize - 1;
                        if mobile_by_day.len() <= i {
                            mobile_by_day.resize(i + 1, 0);
                        }
                        mobile_by_day[i] += d.expected_activations();
                    }
                    itinerary.teams[team].days.extend(trip.days);
                } else if self.visits_remain(&visits) {
                    // Nothing worth doing today, but later visits open up.
                    mobile_over = false;
                }
            }
            cumulative += mobile_by_day.get(day as usize - 1).copied().unwrap_or(0);
            if cumulative + self.office_through(day) >= self.need {
                return Schedule {
                    itinerary,
                    target_day: Some(day),
                    budget_exhausted,
                };
            }
            if mobile_over {
                break;
            }
            day += 1;
        }
        // No more field work: the office closes the rest.
        let target_day = self.office_only_finish(&mobile_by_day, limit_day);
        Schedule {
            itinerary,
            target_day,
            budget_exhausted,
        }
    }

    /// The first day from `day` on which committed mobile work plus the
    /// office reaches the target; `cumulative` is the mobile total before `day`.
    fn covered_by(&self, mobile_by_day: &[i64], cumulative: i64, day: u32) -> Option<u32> {
        let mut total = cumulative;
        let mut d = day;
        loop {
            total += mobile_by_day.get(d as usize - 1).copied().unwrap_or(0);
            if total + self.office_through(d) >= self.need {
                return Some(d);
            }
            if d as usize >= mobile_by_day.len() {
                return None;
            }
            d += 1;
        }
    }

    /// The first day the target is reached once field work is fixed.
    fn office_only_finish(&self, mobile_by_day: &[i64], limit_day: u32) -> Option<u32> {
        let mut cumulative = 0;
        let mut day = self.first_day;
        loop {
            cumulative += mobile_by_day.get(day as usize - 1).copied().unwrap_or(0);
            if cumulative + self.office_through(day) >= self.need {
                return (day <= limit_day).then_some(day);
            }
            if day as usize >= mobile_by_day.len() {
                break;
            }
            day += 1;
        }
        let rest = self.need - cumulative - self.office_through(day);
        if self.office_per_day == 0 {
            return None;
        }
        let more = (rest + self.office_per_day - 1) / self.office_per_day;
        let day = day as i64 + more;
        (day <= limit_day as i64).then_some(day as u32)
    }

    fn visits_remain(&self, visits: &[Vec<Visit>]) -> bool {
        visits
            .iter()
            .zip(&self.caps)
            .any(|(v, caps)| v.len() < caps.len() && caps[v.len()] > 0)
    }

    /// Activations village `v` can still give on `day`, and whether taking
    /// them opens a new visit day (with its visit number).
    fn demand(
        &self,
        visits: &[Visit],
        tentative: &[Tentative],
        v: usize,
        day: u32,
    ) -> Option<(i64, bool, u32)> {
        let taken: i64 = tentative
            .iter()
            .filter(|t| t.village == v && t.day == day)
            .map(|t| t.activations)
            .sum();
        if let Some(visit) = visits.iter().find(|x| x.day == day) {
            return Some((visit.remaining - taken, false, visit.number));
        }
        if let Some(t) = tentative
            .iter()
            .find(|t| t.village == v && t.day == day && t.opens)
        {
            let cap = self.caps[v][t.number as usize - 1];
            return Some((cap - taken, false, t.number));
        }
        let opened_days = visits.iter().map(|x| x.day).chain(
            tentative
                .iter()
                .filter(|t| t.village == v && t.opens)
                .map(|t| t.day),
        );
        let mut count = 0usize;
        let mut last = None::<u32>;
        for d in opened_days {
            count += 1;
            last = Some(last.map_or(d, |l: u32| l.max(d)));
        }
        if count >= self.caps[v].len() {
            return None;
        }
        if let Some(last) = last
            && day < last + self.spacing
        {
            return None;
        }
        let cap = self.caps[v][count];
        (cap > 0).then_some((cap, true, count as u32 + 1))
    }

    /// The best affordable trip for a team free on `day`, and whether a
    /// better one was passed over for want of money.
    fn best_trip(
        &self,
        visits: &[Vec<Visit>],
        day: u32,
        limit_day: u32,
        budget_left: i64,
        policy: Policy,
    ) -> (Option<Trip>, bool) {
        let mut priced_out = false;
        let seeds = self.seeds(visits, day, policy);
        let longest = self.longest_trip(day, limit_day, policy);
        let mut best: Option<(f64, Trip)> = None;
        let mut tentative = Vec::new();
        for &seed in &seeds {
            tentative.clear();
            let overnight_ok = longest > 1
                && self.travel.round_trip_minutes(point(seed))
                    >= policy.overnight_min_round_trip_minutes;
            let mut prefix: Vec<TeamDay> = Vec::new();
            for length in 1..=longest {
                let d = day + length - 1;
                let start = prefix.last().map_or(Place::Base, |p| p.end);
                let seed_today = (length == 1).then_some(seed);
                let mark = tentative.len();
                if let Some(last) =
                    self.build_day(visits, &mut tentative, d, start, true, seed_today, policy)
                {
                    let mut days = prefix.clone();
                    days.push(last);
                    let trip = self.price(days, &tentative);
                    let score = trip.activations as f64
                        / (length as f64 + trip.cost as f64 / policy.lambda_rupiah_per_day);
                    if trip.activations > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                        if trip.cost <= budget_left {
                            best = Some((score, trip));
                        } else {
                            priced_out = true;
                        }
                    }
                }
                tentative.truncate(mark);
                if !overnight_ok || length == longest {
                    break;
                }
                match self.build_day(visits, &mut tentative, d, start, false, seed_today, policy) {
                    Some(out) => prefix.push(out),
                    None => break,
                }
            }
        }
        (best.map(|(_, trip)| trip), priced_out)
    }

    /// Villages worth starting a trip at today, best first.
    fn seeds(&self, visits: &[Vec<Visit>], day: u32, policy: Policy) -> Vec<usize> {
        let workday = self.params.workday_minutes as f64;
        let mut scored: Vec<(f64, usize)> = Vec::new();
        for (v, village_visits) in visits.iter().enumerate() {
            let Some((demand, opens, _)) = self.demand(village_visits, &[], v, day) else {
                continue;
            };
            let round_trip = self.travel.round_trip_minutes(point(v));
            let one_way = if round_trip >= policy.overnight_min_round_trip_minutes {
                round_trip / 2.0
            } else {
                round_trip
            };
            let activations = demand.min(self.params.team_capacity(workday - one_way));
            if activations < policy.min_stop_activations {
                continue;
            }
            let cost = self.params.team_day_fixed_cost(false, false) as f64
                + self.travel.round_trip_km(point(v)) * self.params.fuel_per_km_rupiah as f64
                + if opens {
                    self.params.outreach_per_visit_rupiah as f64
                } else {
                    0.0
                };
            let score = activations as f64 / (1.0 + cost / policy.lambda_rupiah_per_day);
            scored.push((score, v));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(SEEDS).map(|(_, v)| v).collect()
    }

    /// Days a trip starting on `day` may last: consecutive calendar days,
    /// at most a working week, not past the limit.
    fn longest_trip(&self, day: u32, limit_day: u32, policy: Policy) -> u32 {
        if !self.params.allow_overnight || policy.overnight_min_round_trip_minutes.is_infinite() {
            return 1;
        }
        let mut length = 1;
        while length < MAX_TRIP_DAYS
            && day + length <= limit_day
            && self
                .consecutive
                .get((day + length - 1) as usize)
                .copied()
                .unwrap_or(false)
        {
            length += 1;
        }
        length
    }

    /// Builds one team-day from `start`, nearest village first after the
    /// seed, ending at the base (`must_return`) or at the last stop.
    #[allow(clippy::too_many_arguments)]
    fn build_day(
        &self,
        visits: &[Vec<Visit>],
        tentative: &mut Vec<Tentative>,
        day: u32,
        start: Place,
        must_return: bool,
        seed: Option<usize>,
        policy: Policy,
    ) -> Option<TeamDay> {
        let workday = self.params.workday_minutes as f64;
        let mut time = 0.0;
        let mut travel_minutes = 0.0;
        let mut travel_km = 0.0;
        let mut position = start.point();
        let mut stops: Vec<Stop> = Vec::new();
        loop {
            let candidates: &[usize] = match (stops.last(), seed, start) {
                (None, Some(s), _) => std::slice::from_ref(&self.neighbours[s][0]),
                (None, None, Place::Village(v)) => &self.neighbours[v],
                (None, None, Place::Base) => return None,
                (Some(last), _, _) => &self.neighbours[last.village],
            };
            let mut chosen = None;
            let least = policy.min_stop_activations.max(1);
            for (i, &c) in candidates.iter().enumerate() {
                // After the village itself, candidates come nearest first:
                // once the drive alone leaves too little of the day, so does
                // every later one.
                let to = self.travel.minutes(position, point(c));
                if self.params.team_capacity(workday - time - to) < least {
                    if i == 0 {
                        continue;
                    }
                    break;
                }
                if stops.iter().any(|s| s.village == c) {
                    continue;
                }
                let back = if must_return {
                    self.travel.minutes(point(c), BASE)
                } else {
                    0.0
                };
                let capacity = self.params.team_capacity(workday - time - to - back);
                if capacity < least {
                    continue;
                }
                let Some((demand, opens, number)) = self.demand(&visits[c], tentative, c, day)
                else {
                    continue;
                };
                let activations = demand.min(capacity);
                if activations >= least {
                    chosen = Some((c, to, activations, opens, number));
                    break;
                }
            }
            let Some((c, to, activations, opens, number)) = chosen else {
                break;
            };
            travel_minutes += to;
            travel_km += self.travel.km(position, point(c));
            let arrive = time + to;
            let depart = arrive + self.params.service_minutes(activations);
            stops.push(Stop {
                village: c,
                arrive_minute: arrive,
                depart_minute: depart,
                expected_activations: activations,
                visit_number: number,
            });
            tentative.push(Tentative {
                village: c,
                day,
                activations,
                opens,
                number,
            });
            time = depart;
            position = point(c);
        }
        let last = stops.last()?.village;
        let end = if must_return {
            travel_minutes += self.travel.minutes(point(last), BASE);
            travel_km += self.travel.km(point(last), BASE);
            Place::Base
        } else {
            Place::Village(last)
        };
        let used = stops.last().map_or(0.0, |s| s.depart_minute)
            + if must_return {
                self.travel.minutes(point(last), BASE)
            } else {
                0.0
            };
        Some(TeamDay {
            day,
            start,
            end,
            stops,
            travel_km,
            travel_minutes,
            used_minutes: used,
            cost: Cost::default(),
        })
    }

    /// Fills in each day's cost and totals the trip.
    fn price(&self, mut days: Vec<TeamDay>, tentative: &[Tentative]) -> Trip {
        let away = days.len() > 1;
        let mut total = 0;
        let mut activations = 0;
        for d in &mut days {
            let fixed = self.params.team_day_fixed_cost(away, d.overnight());
            let officers = self.params.officers_per_team as i64;
            let lodging = if d.overnight() {
                officers * self.params.lodging_per_night_rupiah
            } else {
                0
            };
            let opened = tentative
                .iter()
                .filter(|t| {
                    t.opens && t.day == d.day && d.stops.iter().any(|s| s.village == t.village)
                })
                .count() as i64;
            d.cost = Cost {
                vehicle_rupiah: self.params.vehicle_per_day_rupiah,
                lodging_rupiah: lodging,
                per_diem_rupiah: fixed - self.params.vehicle_per_day_rupiah - lodging,
                fuel_rupiah: (d.travel_km * self.params.fuel_per_km_rupiah as f64).round() as i64,
                outreach_rupiah: opened * self.params.outreach_per_visit_rupiah,
            };
            total += d.cost.total();
            activations += d.expected_activations();
        }
        Trip {
            days,
            activations,
            cost: total,
            tentative: tentative.to_vec(),
        }
    }

    fn commit(&self, visits: &mut [Vec<Visit>], tentative: &[Tentative]) {
        for t in tentative {
            let list = &mut visits[t.village];
            if t.opens {
                let cap = self.caps[t.village][t.number as usize - 1];
                list.push(Visit {
                    day: t.day,
                    remaining: cap - t.activations,
                    number: t.number,
                });
            } else if let Some(v) = list.iter_mut().find(|v| v.day == t.day) {
                v.remaining -= t.activations;
            }
        }
    }
}
