//! Solving: runs the scheduler under several policies and keeps the best
//! plan, proves a lower bound with the LP relaxation, finds the least budget
//! for a deadline, evaluates budget scenarios, and explains what was left
//! out. Every plan returned has passed [`crate::validate`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bound::{LpSolver, Relaxation};
use crate::district::{District, VisitState};
use crate::itinerary::Itinerary;
use crate::itinerary::{Cost, Place, TeamItinerary};
use crate::pack::{DayMode, PackPolicy, Packer, Seed};
use crate::params::{FieldViolation, Parameters};
use crate::schedule::{Policy, Schedule, Scheduler};
use crate::travel::{BASE, Travel, point};
use crate::validate::{Rules, validate};
pub use jemput_base::format::rupiah;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{self, CURUP};

    #[test]
    fn a_pair_not_solved_takes_the_bound_of_the_next_larger_budget() {
        let pairs = [(4, 100), (4, 150), (4, 200), (4, 250), (6, 100), (6, 150)];
        let own = [
            Some(Some(176)),
            None,
            Some(Some(38)),
            None,
            Some(None),
            None,
        ];
        assert_eq!(
            bounds_per_pair(&pairs, &own),
            [Some(176), Some(38), Some(38), None, None, None]
        );
    }

    #[test]
    fn a_stay_out_trip_under_way_at_the_target_ends_that_day() {
        let district = fixtures::rejang_lebong();
        let start = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
        let params = Parameters {
            budget_rupiah: 400_000_000,
            ..Parameters::defaults(start, CURUP, 0.30)
        };
        let problem =
            Problem::new(&district, &params, &History::default()).expect("valid parameters");
        let scheduler = problem.scheduler(&params);
        // Sleeping out anywhere, money no object: trips are under way when
        // the target is reached.
        let policy = Policy {
            lambda_rupiah_per_day: f64::INFINITY,
            overnight_min_round_trip_minutes: 0.0,
            min_stop_activations: 15,
        };
        let schedule = scheduler.run(policy, problem.limit_day);
        let target = schedule.target_day.expect("reached");
        assert!(
            schedule.itinerary.last_day() > target,
            "the case needs a trip running past the target"
        );
        let ended = problem.end_at_target(schedule, &params);
        let target = ended.target_day.expect("still reached");
        for team in &ended.itinerary.teams {
            let last = team.days.last().expect("every team works");
            assert!(last.day <= target, "team works on day {}", last.day);
            assert_eq!(last.end, Place::Base, "team stays out after the target");
        }
        let mut itinerary = ended.itinerary.clone();
        settle_outreach(&mut itinerary, &params);
        let rules = Rules {
            district: &district,
            params: &params,
            travel: &problem.travel,
            limit_day: problem.limit_day,
            kept_through: 0,
            need: problem.need,
        };
        validate(&rules, &itinerary)
            .unwrap_or_else(|errors| panic!("invalid after ending at the target: {errors:#?}"));
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("invalid parameters")]
    InvalidParameters(Vec<FieldViolation>),
    #[error("the plan failed validation: {0:?}")]
    Invalid(Vec<String>),
    #[error("cancelled")]
    Cancelled,
}

/// How a solve may run.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub solver: LpSolver,
    /// Stop trying further policies after this instant (best plan so far).
    pub stop_at: Option<Instant>,
    /// Set by the caller to abandon the solve.
    pub cancel: Option<&'a AtomicBool>,
    /// Where money runs out before the target, pack the adaptive round's
    /// two best plans again with a rollout: a day or two at the
    /// cliff for about twice the time.
    pub rollouts: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Self {
            solver: LpSolver::preferred(),
            stop_at: None,
            cancel: None,
            rollouts: true,
        }
    }
}

impl Options<'_> {
    pub(crate) fn out_of_time(&self) -> bool {
        self.stop_at.is_some_and(|t| Instant::now() >= t)
            || self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// What limits the speed of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binding {
    Budget,
    Teams,
    Villages,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub reaches_target: bool,
    /// Working day the target is reached (by the deadline, if any).
    pub target_day: Option<u32>,
    pub target_date: Option<NaiveDate>,
    /// To the target, or to the deadline / horizon when not reached.
    pub working_days: u32,
    pub lower_bound_working_days: Option<u32>,
    pub optimality_gap: f64,
    pub cost: crate::itinerary::Cost,
    pub mobile_activations: i64,
    /// No plan of `working_days` days does more mobile activations with
    /// this budget and these teams (the relaxation, maximised); `None` if
    /// it could not be solved in time.
    pub mobile_activations_upper_bound: Option<i64>,
    /// No plan reaches the target in `working_days` days for less, with
    /// these teams (the relaxation's least budget for them, to Rp 1.000).
    /// Stated where the money binds a fresh plan that reaches the target:
    /// there a day's gap is a sliver of money, and this says how far the
    /// plan's cost is from the cheapest possible for its days. `None`
    /// elsewhere, or when the time was up.
    #[serde(default)]
    pub cost_lower_bound_rupiah: Option<i64>,
    pub office_activations: i64,
    pub coverage_at_end: f64,
    pub minimum_budget_for_target_rupiah: Option<i64>,
    pub ktp_el_recorded: i64,
    pub ikd_activated_at_start: i64,
    pub target_count: i64,
    pub gap_at_start: i64,
    /// The target was reached before the plan's first day (not by the kept
    /// days of a replan): no field work, no money.
    pub already_reached: bool,
    pub binding: Binding,
    pub office_only_working_days: Option<u32>,
    pub solver: String,
    pub solve_seconds: f64,
    pub message: String,
    /// Which model and settings the plan came from.
    pub method: Method,
}

/// Why a village is left out of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnvisitedReason {
    /// No reachable residents left.
    NoPool,
    /// The target is reached without it.
    NotNeeded,
    /// The money runs out first.
    Budget,
    /// The teams are booked with villages that give more.
    Teams,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unvisited {
    pub village: usize,
    pub reason: String,
    pub reason_code: UnvisitedReason,
    pub first_visit_activations: i64,
    pub first_visit_cost_rupiah: i64,
    pub round_trip_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectionPoint {
    pub day: u32,
    pub date: NaiveDate,
    pub office_activations: i64,
    pub mobile_activations: i64,
    pub ikd_activated: i64,
    pub coverage: f64,
}

/// A validated plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub parameters: Parameters,
    pub itinerary: Itinerary,
    /// Working day → date for every day the itinerary uses.
    pub dates: Vec<NaiveDate>,
    pub summary: Summary,
    pub unvisited: Vec<Unvisited>,
    pub projection: Vec<ProjectionPoint>,
    /// For a replan: the yields learned from the kept days.
    pub learned_yields: Vec<crate::learn::LearnedYield>,
}

/// The policies tried for every plan: from pure speed to pure thrift, with
/// and without stay-out trips.
fn policies() -> Vec<Policy> {
    let mut list = Vec::new();
    for lambda in [f64::INFINITY, 20e6, 5e6, 2e6, 1e6, 3e5] {
        // Sleeping out saves the daily commute; when money is plentiful that
        // pays even close to the base (threshold 0). Between that and the
        // far villages only, a half-hour or 45-minute threshold is often the
        // fastest plan that money allows (measured on the budget curve, with
        // a team-day valued at Rp 20 juta; with any other value they added
        // nothing there).
        for overnight in [0.0, 30.0, 45.0, 60.0, 120.0, f64::INFINITY] {
            if overnight == 0.0 && lambda < 20e6
                || (overnight == 30.0 || overnight == 45.0) && lambda != 20e6
            {
                continue;
            }
            // Thrifty policies skip small stops: each costs a visit's outreach.
            let min_stops: &[i64] = if lambda > 2e6 { &[15] } else { &[40, 120] };
            for &min_stop_activations in min_stops {
                list.push(Policy {
                    lambda_rupiah_per_day: lambda,
                    overnight_min_round_trip_minutes: overnight,
                    min_stop_activations,
                });
            }
        }
    }
    list
}

/// The budget, as a share of the real one, that a route-builder policy
/// valuing a team-day at Rp 20 juta, with stay-out trips from 30 minutes'
/// round trip or nearer, plans with again when the money stopped it (the
/// other policies gained nothing from it on the budget curve, and each try
/// costs two runs of the route builder).
/// The greedy commits money trip by trip, so with a little more it can pick
/// trips that end up cheaper in all (no trip runs past the target); such a
/// plan is kept only if it costs no more than the real budget.
const ROUTE_BUDGET_SHARE: f64 = 1.25;

/// Shares of the budget the allocation model is solved at: packing real
/// days loses a little against the model's perfect packing, and a slightly
/// smaller allocation can leave the money to make up for it.
const BUDGET_SHARES: [f64; 8] = [1.0, 0.995, 0.99, 0.98, 0.97, 0.95, 0.93, 0.90];
/// Where the least money the allocation model needs a day past its fastest
/// pace is below every share above, the shares of the budget tried besides
/// the whole, and the shares of that least money.
const TEAMS_BIND_SHARES: [f64; 2] = [0.95, 0.90];
const LEAST_COST_SHARES: [f64; 3] = [1.0, 0.97, 0.94];
/// Further shares the adaptive round tries, between those above.
const ADAPTIVE_EXTRA_SHARES: [f64; 4] = [0.96, 0.94, 0.92, 0.91];

/// Minutes of every team-day the adaptive round's reserving allocations
/// keep free, and the shares of the budget they are solved at. Real days
/// end with a little idle time where the next visit would not fit (650
/// minutes over 153 team-days at Rp 150 juta with 4 teams); an allocation
/// that expects it asks a little less of the teams and spends the money a
/// little differently. At 4 teams and Rp 150 juta 2 minutes did as well, 6,
/// 8 and 12 worse; at all twelve shares the least budget took almost twice
/// as long for the same answer (docs/BENCHMARKS.md).
const IDLE_RESERVE_MINUTES: u32 = 4;
const IDLE_RESERVE_SHARES: [f64; 3] = [1.0, 0.98, 0.90];

/// Most budgets below its first answer the least-budget search tries while
/// plans there fall just short.
const NEAR_MISS_PROBES: usize = 4;

/// How many of the adaptive round's best candidates are packed again with a
/// rollout (each day, the adaptive day's best layouts are finished by the
/// adaptive packer and the best kept). A rollout costs about as much
/// as the whole adaptive round; two of them run side by side on two cores,
/// and the second best was the one that won at Rp 150 juta with 4 teams.
const ROLLOUTS: usize = 2;

/// The ways the packer lays an allocation's visits into days.
fn pack_policies(adaptive: bool) -> Vec<PackPolicy> {
    let base = PackPolicy {
        seed: Seed::Largest,
        mode: DayMode::Planned,
        hop_allowance_minutes: 0.0,
        min_stop_activations: 10,
        extras: true,
        adaptive,
        rollout: false,
    };
    if adaptive {
        // The seeds that win where money binds (measured on the budget
        // curve); the adaptive day chooses its own hop allowance.
        return [Seed::Largest, Seed::Nearest]
            .into_iter()
            .map(|seed| PackPolicy { seed, ..base })
            .collect();
    }
    let mut list = Vec::new();
    for seed in [Seed::Largest, Seed::Nearest, Seed::Farthest] {
        for (mode, hop_allowance_minutes) in [
            (DayMode::Planned, 6.0),
            (DayMode::Planned, 3.0),
            (DayMode::Planned, 10.0),
            (DayMode::Chain, 0.0),
        ] {
            list.push(PackPolicy {
                seed,
                mode,
                hop_allowance_minutes,
                ..base
            });
        }
    }
    list
}

/// An allocation the packer lays out, with how it was solved.
struct Allocated {
    budget_share: f64,
    /// The allocation model's own working days (not rounded).
    lp_days: f64,
    idle_minutes: u32,
    activations: Arc<Vec<Vec<i64>>>,
}

/// What a search for the best schedule is after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// The fastest plan (every round that may help runs).
    Fastest,
    /// Whether any plan reaches the target by the limit day: the least
    /// budget's search asks only that, so once one does, the dearer rounds
    /// are skipped. The answer is the same; only a probe that reaches
    /// returns sooner, with a plan that may be slower than the best.
    ByLimit,
}

/// One way of building a plan, tried with the others.
enum Candidate {
    Policy(Policy),
    Packed {
        budget_share: f64,
        /// Minutes of each team-day the allocation kept free.
        idle_minutes: u32,
        allocation: Arc<Vec<Vec<i64>>>,
        policy: PackPolicy,
    },
}

impl Candidate {
    fn method(&self) -> Method {
        match self {
            Candidate::Policy(policy) => Method::Policy {
                policy: *policy,
                budget_share: 1.0,
            },
            Candidate::Packed {
                budget_share,
                idle_minutes,
                policy,
                ..
            } => Method::Allocation {
                budget_share: *budget_share,
                idle_minutes: *idle_minutes,
                policy: *policy,
            },
        }
    }
}

/// Where a plan came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Method {
    /// The allocation model's visits, solved at `budget_share` of the
    /// budget with `idle_minutes` of every team-day kept free, laid into
    /// days by the packer.
    Allocation {
        budget_share: f64,
        /// Plans stored before the reserve existed kept none.
        #[serde(default)]
        idle_minutes: u32,
        policy: PackPolicy,
    },
    /// The route builder under a fixed policy, planning as if it had
    /// `budget_share` of the budget (above 1 only when the plan it made
    /// costs no more than the budget).
    Policy { policy: Policy, budget_share: f64 },
}

impl Method {
    /// A line for people: which model and which settings.
    pub fn describe(&self) -> String {
        match self {
            Method::Allocation {
                budget_share,
                idle_minutes,
                policy,
            } => format!(
                "allocation model at {}% of the budget{}, packed {} from the {} visit",
                // Written the Indonesian way, as every number jemput shows.
                format!("{:.1}", budget_share * 100.0).replace('.', ","),
                if *idle_minutes > 0 {
                    format!(" keeping {idle_minutes} minutes of each team-day free")
                } else {
                    String::new()
                },
                match policy.mode {
                    DayMode::Planned if policy.rollout => {
                        "day by day, each day laid out the way whose whole plan is best,"
                    }
                    DayMode::Planned if policy.adaptive => {
                        "day by day, each day laid out several ways,"
                    }
                    DayMode::Planned => "day by day",
                    DayMode::Chain => "team by team",
                },
                match policy.seed {
                    Seed::Largest => "largest",
                    Seed::Nearest => "nearest",
                    Seed::Farthest => "farthest",
                }
            ),
            Method::Policy {
                policy,
                budget_share,
            } => format!(
                "route builder valuing a team-day at {}{}{}",
                if policy.lambda_rupiah_per_day.is_infinite() {
                    "any price".to_string()
                } else {
                    rupiah(policy.lambda_rupiah_per_day as i64)
                },
                if policy.overnight_min_round_trip_minutes.is_infinite() {
                    ", day trips only".to_string()
                } else if policy.overnight_min_round_trip_minutes <= 0.0 {
                    ", stay-out trips anywhere".to_string()
                } else {
                    format!(
                        ", stay-out trips beyond {:.0} minutes' round trip",
                        policy.overnight_min_round_trip_minutes
                    )
                },
                if *budget_share > 1.0 {
                    format!(
                        ", laid out with {}% of the budget and costing less than the budget",
                        format!("{:.1}", budget_share * 100.0).replace('.', ",")
                    )
                } else {
                    String::new()
                }
            ),
        }
    }
}

/// Days of an earlier plan kept as done, for a replan: team-days on or
/// before `kept_through` (a working day of the plan's calendar).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub kept: Itinerary,
    pub kept_through: u32,
}

/// The problem a plan solves, prepared once.
struct Problem<'a> {
    district: &'a District,
    params: Parameters,
    travel: Travel,
    /// The villages now: visits kept, caps and pools.
    state: VisitState,
    target_count: i64,
    /// Activations still needed after the kept days.
    need: i64,
    limit_day: u32,
    consecutive: Vec<bool>,
    dates: Vec<NaiveDate>,
    history: History,
    /// What the kept days cost, outreach included.
    kept_cost: i64,
}

impl<'a> Problem<'a> {
    fn new(
        district: &'a District,
        params: &Parameters,
        history: &History,
    ) -> Result<Self, PlanError> {
        let travel = Travel::new(district, params).map_err(PlanError::InvalidParameters)?;
        let target_count = district.target_count(params.target_fraction);
        let need = target_count - district.ikd_activated;
        let mut calendar = params.calendar();
        let limit_day = match params.deadline {
            Some(deadline) => calendar.working_days_through(deadline).min(2000),
            None => history.kept_through + params.horizon_working_days,
        };
        let mut consecutive = vec![false; limit_day as usize + 2];
        let mut dates = Vec::with_capacity(limit_day as usize + 1);
        for d in 1..=limit_day.max(1) {
            consecutive[d as usize] = calendar.next_is_consecutive(d);
            dates.push(calendar.date(d));
        }
        // Only days up to `kept_through` are kept, and a team out on a
        // stay-out trip then is taken as having driven back that evening.
        let mut kept = history.kept.clone();
        for team in &mut kept.teams {
            team.days.retain(|d| d.day <= history.kept_through);
            drive_back(team, params, &travel);
            for day in &mut team.days {
                let fixed = params.team_day_fixed_cost(
                    day.start != Place::Base || day.end != Place::Base,
                    day.end != Place::Base,
                );
                let lodging = if day.end != Place::Base {
                    params.officers_per_team as i64 * params.lodging_per_night_rupiah
                } else {
                    0
                };
                // The wire carries a day's total only: the breakdown is
                // worked out again under the plan's parameters.
                day.cost = Cost {
                    vehicle_rupiah: params.vehicle_per_day_rupiah,
                    lodging_rupiah: lodging,
                    per_diem_rupiah: fixed - params.vehicle_per_day_rupiah - lodging,
                    fuel_rupiah: (day.travel_km * params.fuel_per_km_rupiah as f64).round() as i64,
                    outreach_rupiah: 0,
                };
            }
        }
        if kept.teams.len() < params.teams as usize {
            kept.teams
                .resize(params.teams as usize, TeamItinerary::default());
        }
        let mut done_days: Vec<Vec<u32>> = vec![Vec::new(); district.villages.len()];
        for day in kept.teams.iter().flat_map(|t| &t.days) {
            for stop in &day.stops {
                if let Some(days) = done_days.get_mut(stop.village)
                    && !days.contains(&day.day)
                {
                    days.push(day.day);
                }
            }
        }
        for days in &mut done_days {
            days.sort_unstable();
        }
        let state = VisitState::after(district, params, &done_days);
        settle_outreach(&mut kept, params);
        let kept_cost = kept.cost().total();
        Ok(Self {
            district,
            params: params.clone(),
            travel,
            state,
            target_count,
            need,
            limit_day,
            consecutive,
            dates,
            history: History {
                kept,
                kept_through: history.kept_through,
            },
            kept_cost,
        })
    }

    fn with_budget(&self, budget_rupiah: i64) -> Parameters {
        Parameters {
            budget_rupiah,
            ..self.params.clone()
        }
    }

    /// `params` with what is left of the budget after the kept days: what
    /// the new days may spend.
    fn for_new_days(&self, params: &Parameters) -> Parameters {
        Parameters {
            budget_rupiah: (params.budget_rupiah - self.kept_cost).max(0),
            ..params.clone()
        }
    }

    /// The first working day planned.
    fn first_day(&self) -> u32 {
        self.history.kept_through + 1
    }

    /// The relaxation of the new days at `params`' budget.
    fn relaxation<'p>(&self, params: &'p Parameters) -> Relaxation<'p> {
        Relaxation::new(params, &self.travel, &self.state, self.need)
    }

    /// The most mobile activations any plan could do on `days` new days
    /// with what is left of `params`' budget (the relaxation maximised,
    /// rounded down as plans state it).
    fn most_mobile_activations(
        &self,
        params: &Parameters,
        days: u32,
        solver: LpSolver,
    ) -> Option<i64> {
        self.relaxation(&self.for_new_days(params))
            .most_activations(days, solver)
            .map(|most| (most + 1e-6).floor() as i64)
    }

    /// The best schedule at `params`' budget over every candidate: the
    /// allocation model's visits (at a few shares of the budget, so what
    /// packing loses can be made up) realised by the packer, and the route
    /// builder under each fixed policy. Candidates are independent: they run
    /// on every core, and the best is chosen in candidate order, so the
    /// result does not depend on thread timing. The first candidate always
    /// runs, so there is always a plan. With [`Goal::ByLimit`] the dearer
    /// rounds run only while no plan yet reaches the target by the limit day.
    fn best_schedule(
        &self,
        params: &Parameters,
        options: &Options<'_>,
        goal: Goal,
    ) -> (Schedule, Method) {
        let params = &self.for_new_days(params);
        let scheduler = self.scheduler(params);
        let packer = Packer::new(
            params,
            &self.travel,
            &self.state,
            self.need,
            self.first_day(),
        );
        let mut allocations = self.allocations(params, options);
        let ranked = |candidates: &[Candidate], first_always: bool| {
            self.ranked(
                params,
                &scheduler,
                &packer,
                candidates,
                options,
                first_always,
            )
        };
        let first = best(ranked(&self.candidates(&allocations, false), true))
            .expect("the first candidate always runs");
        // Where the money runs out before the target and the office closes
        // the rest, every activation the money buys brings the target
        // nearer: there the adaptive packer (dearer: it lays each day out
        // several ways) is tried as well.
        let office_closes = first
            .0
            .target_day
            .is_none_or(|day| day > first.0.itinerary.last_day());
        // The least budget's search only asks whether some plan reaches
        // the target by the limit day.
        let enough = |schedule: &Schedule| goal == Goal::ByLimit && schedule.target_day.is_some();
        if !(first.0.budget_exhausted && office_closes) || options.out_of_time() || enough(&first.0)
        {
            return first;
        }
        // Near the cliff the best share moves with the budget (93% and 97%
        // both win on the curve): the adaptive round also tries the shares
        // between them.
        allocations.extend(self.allocations_at(params, &ADAPTIVE_EXTRA_SHARES, 0, options));
        // And a few expecting real days' idle ends.
        allocations.extend(self.allocations_at(
            params,
            &IDLE_RESERVE_SHARES,
            IDLE_RESERVE_MINUTES,
            options,
        ));
        let adaptive = self.candidates(&allocations, true);
        let second = ranked(&adaptive, false);
        let better = |best: (Schedule, Method), next: (Schedule, Method)| {
            if self.key(&next.0) < self.key(&best.0) {
                next
            } else {
                best
            }
        };
        if second
            .first()
            .is_some_and(|(_, schedule, _)| enough(schedule))
        {
            return better(first, best(second).expect("not empty"));
        }
        // The adaptive day picks each day's layout by that day alone; its
        // best plans are packed again choosing each day's layout by the
        // plan it leads to, which is never worse than the adaptive day's.
        let rollouts: Vec<Candidate> = second
            .iter()
            .take(if options.rollouts { ROLLOUTS } else { 0 })
            .filter_map(|(i, _, _)| match &adaptive[*i] {
                Candidate::Packed {
                    budget_share,
                    idle_minutes,
                    allocation,
                    policy,
                } => Some(Candidate::Packed {
                    budget_share: *budget_share,
                    idle_minutes: *idle_minutes,
                    allocation: allocation.clone(),
                    policy: PackPolicy {
                        rollout: true,
                        ..*policy
                    },
                }),
                Candidate::Policy(_) => None,
            })
            .collect();
        let third = best(ranked(&rollouts, false));
        [best(second), third]
            .into_iter()
            .flatten()
            .fold(first, better)
    }

    /// The candidates that ran, best first by [`Self::key`] (ties to the
    /// earlier one), each with its index in `candidates`. With
    /// `first_always`, the first one runs even out of time.
    fn ranked(
        &self,
        params: &Parameters,
        scheduler: &Scheduler<'_>,
        packer: &Packer<'_>,
        candidates: &[Candidate],
        options: &Options<'_>,
        first_always: bool,
    ) -> Vec<(usize, Schedule, Method)> {
        let mut ran: Vec<(Key, usize, Schedule, Method)> = candidates
            .par_iter()
            .enumerate()
            .filter_map(|(i, candidate)| {
                if (i > 0 || !first_always) && options.out_of_time() {
                    return None;
                }
                let mut method = candidate.method();
                let schedule = match candidate {
                    Candidate::Policy(policy) => {
                        let schedule = self.route(scheduler, *policy, params);
                        let retry = schedule.budget_exhausted
                            && policy.lambda_rupiah_per_day == 20e6
                            && policy.overnight_min_round_trip_minutes <= 30.0;
                        let more = retry.then(|| Parameters {
                            budget_rupiah: (params.budget_rupiah as f64 * ROUTE_BUDGET_SHARE)
                                as i64,
                            ..params.clone()
                        });
                        let richer = more.as_ref().and_then(|more| {
                            let schedule = self.route(&self.scheduler(more), *policy, params);
                            self.within_budget(schedule, params)
                        });
                        match richer {
                            Some(richer) if self.key(&richer) < self.key(&schedule) => {
                                method = Method::Policy {
                                    policy: *policy,
                                    budget_share: ROUTE_BUDGET_SHARE,
                                };
                                richer
                            }
                            _ => schedule,
                        }
                    }
                    Candidate::Packed {
                        allocation, policy, ..
                    } => self.end_at_target(
                        packer.run(allocation, *policy, self.limit_day, &|| {
                            options.out_of_time()
                        }),
                        params,
                    ),
                };
                Some((self.key(&schedule), i, schedule, method))
            })
            .collect();
        ran.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        ran.into_iter()
            .map(|(_, i, schedule, method)| (i, schedule, method))
            .collect()
    }

    /// The allocation model's visits at each share of the budget.
    fn allocations(&self, params: &Parameters, options: &Options<'_>) -> Vec<Allocated> {
        // The whole budget first: its days say whether the teams set the pace.
        let mut allocated = self.allocations_at(params, &BUDGET_SHARES[..1], 0, options);
        let budget = params.budget_rupiah as f64;
        let least = allocated.first().and_then(|full| {
            if options.out_of_time() {
                return None;
            }
            // A day past the model's own (the packer seldom matches it).
            let days = (full.lp_days - 1e-6).ceil() as u32 + 1;
            self.relaxation(params).least_cost(days, options.solver)
        });
        let shares: Vec<f64> = match least {
            // Where the teams set the pace, every share of a large budget
            // is as fast in the model and spends what it likes, so the
            // plans packed from them are dearer than they need be (4 teams
            // at Rp 170 juta: 39 days for Rp 157,3 juta, where Rp 160
            // juta's 90% found 39 days for Rp 154,0 juta). Shares of the
            // least the model needs a day past its own pace take most of
            // their places.
            Some(least) if least < budget * BUDGET_SHARES[BUDGET_SHARES.len() - 1] => {
                TEAMS_BIND_SHARES
                    .iter()
                    .copied()
                    .chain(LEAST_COST_SHARES.iter().map(|s| s * least / budget))
                    .collect()
            }
            _ => BUDGET_SHARES[1..].to_vec(),
        };
        allocated.extend(self.allocations_at(params, &shares, 0, options));
        allocated
    }

    /// The allocation model's visits at each of `shares` of the budget,
    /// keeping `idle_minutes` of every team-day free.
    fn allocations_at(
        &self,
        params: &Parameters,
        shares: &[f64],
        idle_minutes: u32,
        options: &Options<'_>,
    ) -> Vec<Allocated> {
        shares
            .par_iter()
            .filter_map(|&share| {
                if options.out_of_time() {
                    return None;
                }
                let scaled = Parameters {
                    budget_rupiah: (params.budget_rupiah as f64 * share) as i64,
                    ..params.clone()
                };
                self.relaxation(&scaled)
                    .allocation(options.solver, idle_minutes)
                    .map(|a| Allocated {
                        budget_share: share,
                        lp_days: a.working_days,
                        idle_minutes,
                        activations: Arc::new(a.activations),
                    })
            })
            .collect()
    }

    /// The route builder's policies, then `allocations` under each packing
    /// policy; or, if `adaptive`, only under the adaptive packing policies.
    fn candidates(&self, allocations: &[Allocated], adaptive: bool) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = if adaptive {
            Vec::new()
        } else {
            policies().into_iter().map(Candidate::Policy).collect()
        };
        for allocated in allocations {
            for policy in pack_policies(adaptive) {
                candidates.push(Candidate::Packed {
                    budget_share: allocated.budget_share,
                    idle_minutes: allocated.idle_minutes,
                    allocation: allocated.activations.clone(),
                    policy,
                });
            }
        }
        candidates
    }

    /// The route builder for the new days at `params`' budget.
    fn scheduler<'p>(&'p self, params: &'p Parameters) -> Scheduler<'p> {
        Scheduler::new(
            params,
            &self.travel,
            &self.state,
            self.need,
            self.consecutive.clone(),
            self.first_day(),
        )
    }

    /// The route builder's schedule under `policy`: when trips would run
    /// past the target, also planned again with none running past it, and
    /// the better kept.
    fn route(&self, scheduler: &Scheduler<'_>, policy: Policy, params: &Parameters) -> Schedule {
        let first = scheduler.run(policy, self.limit_day);
        match first.target_day {
            Some(target) if first.itinerary.last_day() > target => {
                let again = self.end_at_target(scheduler.run(policy, target), params);
                let first = self.end_at_target(first, params);
                if self.key(&again) < self.key(&first) {
                    again
                } else {
                    first
                }
            }
            _ => first,
        }
    }

    /// A schedule laid out with more than the budget, if it costs no more
    /// than the budget (outreach as the plan will pay it); the money binds
    /// it when what is left would not pay another team-day.
    fn within_budget(&self, mut schedule: Schedule, params: &Parameters) -> Option<Schedule> {
        let mut settled = schedule.itinerary.clone();
        settle_outreach(&mut settled, params);
        let cost = settled.cost().total();
        if cost > params.budget_rupiah {
            return None;
        }
        schedule.budget_exhausted =
            params.budget_rupiah - cost < params.team_day_fixed_cost(false, false);
        Some(schedule)
    }

    /// Ends every team's work on the day the target is reached: later days
    /// go, and a team out on a stay-out trip drives back that evening (its
    /// last stops give way if the drive does not fit the day).
    fn end_at_target(&self, mut schedule: Schedule, params: &Parameters) -> Schedule {
        let Some(target) = schedule.target_day else {
            return schedule;
        };
        let mut trimmed = false;
        for team in &mut schedule.itinerary.teams {
            if team.days.last().is_none_or(|d| d.day <= target) {
                continue;
            }
            trimmed = true;
            team.days.retain(|d| d.day <= target);
            drive_back(team, params, &self.travel);
        }
        if trimmed {
            // Stops given way on the target day may move it.
            schedule.target_day = self.target_day(&schedule.itinerary.mobile_by_day());
        }
        schedule
    }

    /// The first working day on which committed mobile work and the office
    /// reach the target (the office alone after the last field day).
    fn target_day(&self, mobile_by_day: &[i64]) -> Option<u32> {
        let office = self.params.office_activations_per_day as i64;
        let first = self.first_day() as i64;
        let mut cumulative = 0;
        let mut day = first;
        loop {
            cumulative += mobile_by_day.get(day as usize - 1).copied().unwrap_or(0);
            if cumulative + office * (day + 1 - first) >= self.need {
                return (day <= self.limit_day as i64).then_some(day as u32);
            }
            if day as usize >= mobile_by_day.len() {
                break;
            }
            day += 1;
        }
        if office == 0 {
            return None;
        }
        let rest = self.need - cumulative - office * (day + 1 - first);
        let day = day + (rest + office - 1) / office;
        (day <= self.limit_day as i64).then_some(day as u32)
    }

    /// The relaxation's least working day of the target at `params`' budget
    /// (counted from the plan's first day, kept days included).
    fn bound_day(&self, params: &Parameters, solver: LpSolver) -> Option<u32> {
        let params = self.for_new_days(params);
        self.relaxation(&params)
            .lower_bound(solver)
            .working_days
            .map(|days| days + self.history.kept_through)
    }

    /// Orders schedules: reaching the target first, then fewer days, then
    /// (not reaching) more activations by the limit; then cheaper.
    fn key(&self, schedule: &Schedule) -> Key {
        let cost = schedule.itinerary.cost().total();
        match schedule.target_day {
            Some(day) => (0, day as i64, cost),
            None => (1, -self.mobile_through_limit(schedule), cost),
        }
    }

    /// The new days' mobile activations through the limit day.
    fn mobile_through_limit(&self, schedule: &Schedule) -> i64 {
        let mobile = schedule.itinerary.mobile_by_day();
        let first = self.first_day() as usize;
        mobile
            .iter()
            .take(self.limit_day as usize)
            .skip(first - 1)
            .sum()
    }

    /// How many more mobile activations than the target needs by the limit
    /// day `schedule` does (negative: how many it falls short), the office
    /// counted to the limit day. A schedule reaches the target by the limit
    /// exactly when this is not negative.
    fn surplus_at_limit(&self, schedule: &Schedule) -> i64 {
        let office = self.params.office_activations_per_day as i64;
        let office_days = self.limit_day as i64 + 1 - self.first_day() as i64;
        self.mobile_through_limit(schedule) + office * office_days.max(0) - self.need
    }

    /// Enough to keep every team out every day to the limit day at the
    /// dearest rate.
    fn unlimited_budget(&self) -> i64 {
        unlimited_budget(&self.params, self.limit_day)
    }

    /// A budget for which the relaxation proves that no plan reaches the
    /// target by the limit day with less (to Rp 1.000); `None` if it proves
    /// that no budget does with these teams.
    fn minimum_budget_lower_bound(&self, solver: LpSolver) -> Option<i64> {
        self.least_budget_by(self.limit_day, solver)
    }

    /// The least any plan reaching the target by working day `day` could
    /// cost (to Rp 1.000), given `cost`, what such a plan costs; `None` if
    /// the time is up first.
    fn cost_lower_bound(&self, day: u32, cost: i64, options: &Options<'_>) -> Option<i64> {
        if options.out_of_time() {
            return None;
        }
        // The plan itself maps into the relaxation, so only a solver's
        // slip could put the least above it: then nothing is stated.
        self.least_budget_by(day, options.solver)
            .filter(|&least| least <= cost)
    }

    /// A budget (a multiple of Rp 1.000) below which the relaxation proves
    /// that no plan reaches the target by working day `day`: the least
    /// money the relaxation needs for the new days to `day`
    /// ([`Relaxation::least_budget`]), plus what kept days cost, rounded
    /// down; `None` if no budget up to [`Self::unlimited_budget`] does.
    fn least_budget_by(&self, day: u32, solver: LpSolver) -> Option<i64> {
        let new_days = day.checked_sub(self.history.kept_through)?;
        let params = self.for_new_days(&self.with_budget(self.unlimited_budget()));
        let least = self.relaxation(&params).least_budget(new_days, solver)?;
        // A hair below the optimum (the solver's tolerance), so that the
        // statement stays proven; then down to the Rp 1.000.
        let least = self.kept_cost as f64 + least;
        let least = (least - 1.0 - 1e-9 * least).max(0.0);
        Some((least / 1_000.0).floor() as i64 * 1_000)
    }

    /// The least budget (to Rp 100.000) with which a plan reaches the target
    /// by the limit day, found upward from the proven lower bound; and that
    /// bound. `(None, None)` if no budget does with these teams.
    fn minimum_budget(&self, options: &Options<'_>) -> (Option<Reached>, Option<i64>) {
        let Some(lower_bound) = self.minimum_budget_lower_bound(options.solver) else {
            return (None, None);
        };
        let unlimited = self.unlimited_budget();
        let step_up = |budget: i64| (budget + BUDGET_STEP - 1) / BUDGET_STEP * BUDGET_STEP;
        // Below the bound nothing reaches the target: start at the first
        // step at or above it.
        let start = step_up(lower_bound);
        // The best schedule at a budget, with its surplus at the limit day;
        // only whether it reaches matters, so the dearer rounds run only
        // while nothing does.
        let probe = |budget: i64| {
            let (schedule, method) =
                self.best_schedule(&self.with_budget(budget), options, Goal::ByLimit);
            let surplus = self.surplus_at_limit(&schedule);
            tracing::debug!(
                budget_rupiah = budget,
                surplus,
                reaches = schedule.target_day.is_some(),
                "least budget: probe"
            );
            (schedule, method, surplus)
        };
        let (schedule, method, surplus) = probe(start);
        if schedule.target_day.is_some() {
            return (Some((start, schedule, method)), Some(lower_bound));
        }
        // Each probe is a whole plan, so the search aims: a plan that falls
        // short by `s` activations needs about `s` times what an activation
        // costs at the margin, measured between the last two plans that fell
        // short (or, from one, its average cost per activation); it aims a
        // tenth past that. Where more money closed less than half of what
        // was short (the teams, not the money, bind), the aim says little:
        // the step doubles instead, so the search cannot crawl.
        let mut low = (start, surplus);
        // Budgets that fell short, with their surplus: the look below the
        // answer (last) may come back to one of them.
        let mut fell_short = vec![low];
        let mut rate = schedule.itinerary.cost().total() as f64
            / self.mobile_through_limit(&schedule).max(1) as f64;
        let mut doubled: Option<i64> = None;
        let mut found = loop {
            let step =
                doubled.unwrap_or(((-low.1) as f64 * rate * 1.1).min(unlimited as f64) as i64);
            let budget = step_up((low.0 + step).min(unlimited)).max(low.0 + BUDGET_STEP);
            let (schedule, method, surplus) = probe(budget);
            if schedule.target_day.is_some() {
                break (budget, surplus, schedule, method);
            }
            if budget >= unlimited || options.out_of_time() {
                return (None, Some(lower_bound));
            }
            let closed = surplus - low.1;
            if closed > 0 && 2 * closed >= -low.1 {
                rate = (budget - low.0) as f64 / closed as f64;
                doubled = None;
            } else {
                doubled = Some(2 * (budget - low.0));
            }
            low = (budget, surplus);
            fell_short.push(low);
        };
        // Then between the last budget that fell short and the first that
        // reached, where the surplus line between them crosses zero. The
        // plans' activations are not a straight line in money, so an end
        // that stays gets half the weight each time (the Illinois rule, so
        // the guesses close in from both sides), and after two tries in a
        // row that did not halve the interval, the middle. The schedule that
        // reached is kept with its budget: solving again at the answer
        // could, short of time, find less than the probe did.
        let (mut low_weight, mut found_weight) = (1.0, 1.0);
        let mut misses = 0;
        while found.0 - low.0 > BUDGET_STEP {
            let width = found.0 - low.0;
            let guess = if misses < 2 {
                let short = (-low.1).max(0) as f64 * low_weight;
                let over = found.1.max(0) as f64 * found_weight;
                low.0 + (width as f64 * short / (short + over).max(1.0)) as i64
            } else {
                low.0 + width / 2
            };
            let budget = step_up(guess).clamp(low.0 + BUDGET_STEP, found.0 - BUDGET_STEP);
            let (schedule, method, surplus) = probe(budget);
            if schedule.target_day.is_some() {
                found = (budget, surplus, schedule, method);
                (found_weight, low_weight) = (1.0, low_weight / 2.0);
            } else {
                low = (budget, surplus);
                fell_short.push(low);
                (low_weight, found_weight) = (1.0, found_weight / 2.0);
            }
            misses = if 2 * (found.0 - low.0) <= width {
                0
            } else {
                misses + 1
            };
        }
        // Near the threshold a plan's reach does not rise smoothly with
        // money: a little less can reach where a little more did not. So
        // while the plans below fall short by little (a fifth of a percent
        // of what is needed), a few budgets below are tried too, and the
        // lowest that reaches, with Rp 100.000 less falling short, is kept.
        let near = (self.need / 500).max(1);
        let mut short = -low.1;
        let mut budget = low.0 - BUDGET_STEP;
        let mut pending = None;
        for _ in 0..NEAR_MISS_PROBES {
            if short > near || budget <= start || options.out_of_time() {
                break;
            }
            // A budget already planned is not planned again.
            let reached = match fell_short.iter().find(|(b, _)| *b == budget) {
                Some(&(_, surplus)) => Err(surplus),
                None => {
                    let (schedule, method, surplus) = probe(budget);
                    match schedule.target_day {
                        Some(_) => Ok((budget, surplus, schedule, method)),
                        None => Err(surplus),
                    }
                }
            };
            match reached {
                Ok(reached) => {
                    pending = Some(reached);
                    short = 0;
                }
                Err(surplus) => {
                    // Rp 100.000 less than the pending budget falls short.
                    found = pending.take().unwrap_or(found);
                    short = -surplus;
                }
            }
            budget -= BUDGET_STEP;
        }
        // The first budget tried fell short too.
        if let Some(reached) = pending.filter(|p| p.0 - BUDGET_STEP == start) {
            found = reached;
        }
        let (budget, _, schedule, method) = found;
        (Some((budget, schedule, method)), Some(lower_bound))
    }
}

/// The first of a [`Problem::ranked`] list.
fn best(ranked: Vec<(usize, Schedule, Method)>) -> Option<(Schedule, Method)> {
    ranked
        .into_iter()
        .next()
        .map(|(_, schedule, method)| (schedule, method))
}

/// A budget with the schedule that reached the target at it.
type Reached = (i64, Schedule, Method);

/// Minimum budgets are found to this many rupiah.
const BUDGET_STEP: i64 = 100_000;

type Key = (u8, i64, i64);

/// Plans `district` under `params`: the fastest validated plan found, its
/// lower bound, and (when a deadline is missed) the least budget that meets it.
pub fn plan(
    district: &District,
    params: &Parameters,
    options: &Options<'_>,
) -> Result<Plan, PlanError> {
    replan(district, params, &History::default(), options)
}

/// Plans on from the days `history` keeps as done: visit numbering and
/// spacing carry on, the budget pays for the kept days too, and the plan
/// returned (kept days and new, validated as one) reaches what the district
/// still needs now.
pub fn replan(
    district: &District,
    params: &Parameters,
    history: &History,
    options: &Options<'_>,
) -> Result<Plan, PlanError> {
    let started = Instant::now();
    let problem = Problem::new(district, params, history)?;
    if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(PlanError::Cancelled);
    }
    let (schedule, method) = problem.best_schedule(&problem.params, options, Goal::Fastest);
    let minimum_budget = if schedule.target_day.is_none() && params.deadline.is_some() {
        problem
            .minimum_budget(options)
            .0
            .map(|(budget, _, _)| budget)
    } else {
        None
    };
    let bound = problem.bound_day(&problem.params, options.solver);
    finish(
        &problem,
        schedule,
        method,
        bound,
        minimum_budget,
        options,
        started.elapsed(),
    )
}

/// Enough money to keep every team out every one of `days` working days at
/// the dearest rate, a multiple of [`BUDGET_STEP`] (saturating: the rates a
/// request may set are bounded, but their product need not fit).
fn unlimited_budget(params: &Parameters, days: u32) -> i64 {
    let unlimited = (params.teams as i64)
        .saturating_mul(days as i64)
        .saturating_mul(
            params
                .team_day_fixed_cost(true, true)
                .saturating_add(5_000_000),
        );
    unlimited.saturating_add(BUDGET_STEP - 1) / BUDGET_STEP * BUDGET_STEP
}

/// The least budget for a deadline, with its proof and its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumBudget {
    /// The least budget (to Rp 100.000) at which a plan reaches the target
    /// by the deadline, and the plan at it; `None` if none was found with
    /// these teams (then [`soonest`] says how soon they can).
    pub minimum: Option<(i64, Plan)>,
    /// No plan reaches the target by the deadline for less (proven by the
    /// relaxation); `None` if it proves no budget can.
    pub lower_bound_rupiah: Option<i64>,
}

/// The least budget that reaches the target by `params.deadline` (required),
/// its proven lower bound, and the plan at that budget.
pub fn minimum_budget(
    district: &District,
    params: &Parameters,
    options: &Options<'_>,
) -> Result<MinimumBudget, PlanError> {
    let started = Instant::now();
    let problem = Problem::new(district, params, &History::default())?;
    let (minimum, lower_bound) = problem.minimum_budget(options);
    let Some((budget, schedule, method)) = minimum else {
        return Ok(MinimumBudget {
            minimum: None,
            lower_bound_rupiah: lower_bound,
        });
    };
    let at_minimum = Problem::new(district, &problem.with_budget(budget), &History::default())?;
    let bound = at_minimum.bound_day(&at_minimum.params, options.solver);
    let plan = finish(
        &at_minimum,
        schedule,
        method,
        bound,
        None,
        options,
        started.elapsed(),
    )?;
    Ok(MinimumBudget {
        minimum: Some((budget, plan)),
        lower_bound_rupiah: lower_bound,
    })
}

/// The plan that reaches the target soonest with these teams when money is
/// no limit: `params` without its deadline, at a budget that keeps every
/// team out every working day of the horizon at the dearest rate. Where no
/// budget meets a deadline, this is what a budget officer can act on: the
/// earliest date these teams can (with its proven lower bound), and what
/// that plan spends. (The best plan at the request's own budget would be
/// the office alone, at Rp 0, which answers nothing.)
pub fn soonest(
    district: &District,
    params: &Parameters,
    options: &Options<'_>,
) -> Result<Plan, PlanError> {
    let unlimited = Parameters {
        deadline: None,
        budget_rupiah: unlimited_budget(params, params.horizon_working_days),
        ..params.clone()
    };
    plan(district, &unlimited, options)
}

/// The proven part of [`minimum_budget`] alone: a budget below which no
/// plan reaches the target by `params.deadline` (required), to Rp 1.000,
/// or `None` if no budget does with these teams. No plan is made: it is
/// one solve of the relaxation. Given a plan's target date
/// as the deadline, it is the least money any plan of that plan's working
/// days could cost: where the money sets the pace, a day's gap is many
/// times a rupiah's (the office closes the rest at 100 a day), and this
/// says how far the plan's cost is from the cheapest possible for its days.
pub fn budget_lower_bound(
    district: &District,
    params: &Parameters,
    solver: LpSolver,
) -> Result<Option<i64>, PlanError> {
    let problem = Problem::new(district, params, &History::default())?;
    Ok(problem.minimum_budget_lower_bound(solver))
}

/// One row of a budget curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub budget_rupiah: i64,
    pub teams: u32,
    pub plan: Plan,
    pub days_saved_per_extra_10_juta: f64,
}

/// Solves each (budget, teams) pair, on as many threads as there are cores.
/// Within a team count, more budget never means more days: a cheaper
/// scenario's plan is also feasible with more money, and is kept if faster.
pub fn evaluate_budgets(
    district: &District,
    params: &Parameters,
    budgets: &[i64],
    teams: &[u32],
    options: &Options<'_>,
) -> Result<Vec<Scenario>, PlanError> {
    let mut pairs: Vec<(u32, i64)> = Vec::new();
    let mut sorted_teams = teams.to_vec();
    sorted_teams.sort_unstable();
    sorted_teams.dedup();
    let mut sorted_budgets = budgets.to_vec();
    sorted_budgets.sort_unstable();
    sorted_budgets.dedup();
    for &t in &sorted_teams {
        for &b in &sorted_budgets {
            pairs.push((t, b));
        }
    }
    // Out of time, a pair not yet started is not solved: the next smaller
    // budget's plan with the same teams stands for it (it is feasible with
    // more money), so a long curve still answers within its deadline. The
    // smallest budget of each team count always runs.
    let results: Vec<Option<Result<Plan, PlanError>>> = pairs
        .par_iter()
        .enumerate()
        .map(|(i, &(teams, budget_rupiah))| {
            let first_of_teams = i == 0 || pairs[i - 1].0 != teams;
            if !first_of_teams && options.out_of_time() {
                return None;
            }
            let p = Parameters {
                teams,
                budget_rupiah,
                ..params.clone()
            };
            Some(plan(district, &p, options))
        })
        .collect();
    // A plan kept from a smaller budget carries that budget's bound, which
    // more money may lower: each pair states the bound proven at its own
    // budget — its own solve's, or (not solved) that of the next larger
    // budget solved with the same teams, which holds for less money too.
    let own: Vec<Option<Option<u32>>> = results
        .iter()
        .map(|r| match r {
            Some(Ok(plan)) => Some(plan.summary.lower_bound_working_days),
            _ => None,
        })
        .collect();
    let bounds = bounds_per_pair(&pairs, &own);
    let mut scenarios: Vec<Scenario> = Vec::with_capacity(pairs.len());
    for ((result, &(teams, budget_rupiah)), bound) in results.into_iter().zip(&pairs).zip(bounds) {
        let previous = scenarios.last().filter(|s| s.teams == teams);
        let (mut plan, solved) = match (result, previous) {
            (Some(result), _) => (result?, true),
            (None, Some(prev)) => (prev.plan.clone(), false),
            // Cannot happen: the smallest budget of each team count runs.
            (None, None) => return Err(PlanError::Cancelled),
        };
        let mut saved = 0.0;
        if let Some(prev) = previous {
            if !solved || sort_key(&prev.plan) < sort_key(&plan) {
                // The smaller budget's plan is feasible here too, and better.
                let mut kept = prev.plan.clone();
                kept.parameters.budget_rupiah = budget_rupiah;
                // More money bought nothing: the teams (or villages) set the pace.
                if kept.summary.binding == Binding::Budget && budget_rupiah > 0 {
                    kept.summary.binding = plan.summary.binding;
                }
                // The least cost of its days does not depend on the budget;
                // it is stated only where the money binds.
                if kept.summary.binding != Binding::Budget {
                    kept.summary.cost_lower_bound_rupiah = None;
                }
                kept.summary.minimum_budget_for_target_rupiah =
                    plan.summary.minimum_budget_for_target_rupiah;
                // What a plan of its days could do is bounded at this
                // budget, not the smaller one it was made for; while time
                // is left (out of time, a long curve keeps many plans, and
                // solving each one's relaxation then would run past the
                // caller's deadline: unsolved, a bound is not stated).
                kept.summary.mobile_activations_upper_bound = if options.out_of_time() {
                    None
                } else {
                    Problem::new(district, &kept.parameters, &History::default())
                        .ok()
                        .and_then(|fresh| {
                            fresh.most_mobile_activations(
                                &kept.parameters,
                                kept.summary.working_days,
                                options.solver,
                            )
                        })
                };
                let s = &mut kept.summary;
                s.lower_bound_working_days = bound;
                s.optimality_gap = optimality_gap(s.target_day, s.lower_bound_working_days);
                if let Some(date) = s.target_date {
                    s.message = reached_message(
                        s.target_count,
                        kept.parameters.target_fraction,
                        date,
                        s.working_days,
                        s.lower_bound_working_days,
                        s.cost.total(),
                    );
                }
                plan = kept;
            }
            let extra = (budget_rupiah - prev.budget_rupiah) as f64 / 10_000_000.0;
            let fewer = prev.plan.summary.working_days as f64 - plan.summary.working_days as f64;
            if extra > 0.0 && prev.plan.summary.reaches_target == plan.summary.reaches_target {
                saved = fewer / extra;
            }
        }
        scenarios.push(Scenario {
            budget_rupiah,
            teams,
            plan,
            days_saved_per_extra_10_juta: saved,
        });
    }
    Ok(scenarios)
}

/// The proven bound of each (teams, budget) pair, sorted by teams then
/// budget: its own solve's (`own[i]`, `None` if not solved), else that of
/// the next larger budget solved with the same teams — the relaxation's
/// days never fall with less money — else none.
fn bounds_per_pair(pairs: &[(u32, i64)], own: &[Option<Option<u32>>]) -> Vec<Option<u32>> {
    let mut bounds = vec![None; pairs.len()];
    for i in (0..pairs.len()).rev() {
        bounds[i] = match own[i] {
            Some(bound) => bound,
            None if i + 1 < pairs.len() && pairs[i + 1].0 == pairs[i].0 => bounds[i + 1],
            None => None,
        };
    }
    bounds
}

/// How far above the proven bound, as a share of the bound: the plan is at
/// most this much slower than the best possible one.
fn optimality_gap(target_day: Option<u32>, lower_bound: Option<u32>) -> f64 {
    match (target_day, lower_bound) {
        (Some(days), Some(lb)) if lb > 0 => (days as f64 - lb as f64).max(0.0) / lb as f64,
        _ => 0.0,
    }
}

/// The summary line of a plan that reaches its target.
fn reached_message(
    target_count: i64,
    target_fraction: f64,
    date: NaiveDate,
    working_days: u32,
    lower_bound: Option<u32>,
    cost_rupiah: i64,
) -> String {
    format!(
        "Target {} ({}) reached on {}, working day {} (lower bound {}); cost {}.",
        jemput_base::format::count(target_count),
        jemput_base::format::target(target_fraction),
        day_month_year(date),
        working_days,
        lower_bound.map_or("none".to_string(), |b| b.to_string()),
        rupiah(cost_rupiah)
    )
}

fn sort_key(plan: &Plan) -> (u8, u32, i64) {
    let s = &plan.summary;
    if s.reaches_target {
        (0, s.working_days, s.cost.total())
    } else {
        (
            1,
            u32::MAX - (s.coverage_at_end * 1e6) as u32,
            s.cost.total(),
        )
    }
}

/// Makes a team's last day end at the base: a team out on a stay-out trip
/// drives back that evening, its last stops giving way if the drive does not
/// fit the workday (a day left without stops goes, and the day before drives
/// back instead). Travel and cost are worked out again.
fn drive_back(team: &mut TeamItinerary, params: &Parameters, travel: &Travel) {
    let workday = params.workday_minutes as f64;
    while let Some(last) = team.days.last_mut() {
        if last.end == Place::Base {
            return;
        }
        while let Some(stop) = last.stops.last() {
            let home = travel.minutes(point(stop.village), BASE);
            if stop.depart_minute + home <= workday + 1e-9 {
                break;
            }
            last.stops.pop();
        }
        let Some(stop) = last.stops.last() else {
            team.days.pop();
            continue;
        };
        let (village, depart) = (stop.village, stop.depart_minute);
        let mut position = last.start.point();
        let (mut km, mut minutes) = (0.0, 0.0);
        for s in &last.stops {
            km += travel.km(position, point(s.village));
            minutes += travel.minutes(position, point(s.village));
            position = point(s.village);
        }
        km += travel.km(point(village), BASE);
        minutes += travel.minutes(point(village), BASE);
        last.end = Place::Base;
        last.travel_km = km;
        last.travel_minutes = minutes;
        last.used_minutes = depart + travel.minutes(point(village), BASE);
        let away = last.start != Place::Base;
        let fixed = params.team_day_fixed_cost(away, false);
        last.cost.vehicle_rupiah = params.vehicle_per_day_rupiah;
        last.cost.lodging_rupiah = 0;
        last.cost.per_diem_rupiah = fixed - params.vehicle_per_day_rupiah;
        last.cost.fuel_rupiah = (km * params.fuel_per_km_rupiah as f64).round() as i64;
        return;
    }
}

/// Charges each visit day's outreach to the lowest-numbered team serving it
/// (the rule the validator applies; the scheduler charged whoever opened it).
fn settle_outreach(itinerary: &mut Itinerary, params: &Parameters) {
    let mut payer: std::collections::BTreeMap<(usize, u32), usize> = Default::default();
    for (t, team) in itinerary.teams.iter().enumerate() {
        for day in &team.days {
            for stop in &day.stops {
                payer.entry((stop.village, day.day)).or_insert(t);
            }
        }
    }
    for (t, team) in itinerary.teams.iter_mut().enumerate() {
        for day in &mut team.days {
            let paid = day
                .stops
                .iter()
                .filter(|s| payer.get(&(s.village, day.day)) == Some(&t))
                .count() as i64;
            day.cost.outreach_rupiah = paid * params.outreach_per_visit_rupiah;
        }
    }
}

fn finish(
    problem: &Problem<'_>,
    mut schedule: Schedule,
    method: Method,
    lower_bound: Option<u32>,
    minimum_budget: Option<i64>,
    options: &Options<'_>,
    elapsed: Duration,
) -> Result<Plan, PlanError> {
    let solver = options.solver;
    let params = &problem.params;
    let district = problem.district;
    // Kept days and new ones are one plan.
    let kept_through = problem.history.kept_through;
    let kept = &problem.history.kept.teams;
    for (t, team) in schedule.itinerary.teams.iter_mut().enumerate() {
        if let Some(kept) = kept.get(t) {
            let new_days = std::mem::take(&mut team.days);
            team.days = kept.days.clone();
            team.days.extend(new_days);
        }
    }
    settle_outreach(&mut schedule.itinerary, params);
    let rules = Rules {
        district,
        params,
        travel: &problem.travel,
        limit_day: problem.limit_day,
        kept_through,
        need: problem.need,
    };
    let derived = validate(&rules, &schedule.itinerary).map_err(PlanError::Invalid)?;
    // The validator's target day counts only mobile days; past them the
    // office alone closes the gap.
    let office = params.office_activations_per_day as i64;
    let target_day = schedule.target_day.filter(|&d| d <= problem.limit_day);
    if let Some(day) = derived.target_day
        && target_day.is_some_and(|t| t != day)
        && day as usize <= derived.mobile_by_day.len()
    {
        return Err(PlanError::Invalid(vec![format!(
            "scheduler says the target is reached on day {:?}, the itinerary on day {day}",
            target_day
        )]));
    }
    let last_team_day = schedule.itinerary.last_day();
    let working_days = target_day.unwrap_or(problem.limit_day);
    let kept_mobile: i64 = derived
        .mobile_by_day
        .iter()
        .take(kept_through as usize)
        .sum();
    let mobile_activations_upper_bound = problem
        .most_mobile_activations(params, working_days.saturating_sub(kept_through), solver)
        .map(|most| kept_mobile + most);
    let end_day = working_days.max(last_team_day);
    let mut calendar = params.calendar();
    let mut projection = Vec::with_capacity(end_day as usize);
    let mut mobile = 0;
    // From the first new day: what the district has now, plus the office
    // and the mobile teams from then on.
    for day in problem.first_day()..=end_day {
        mobile += derived
            .mobile_by_day
            .get(day as usize - 1)
            .copied()
            .unwrap_or(0);
        let office_total = office * (day - kept_through) as i64;
        let ikd = district.ikd_activated + office_total + mobile;
        projection.push(ProjectionPoint {
            day,
            date: calendar.date(day),
            office_activations: office_total,
            mobile_activations: mobile,
            ikd_activated: ikd,
            coverage: jemput_base::format::share(ikd, district.ktp_el_recorded),
        });
    }
    let (office_activations, coverage_at_end) = projection.last().map_or(
        (
            0,
            jemput_base::format::share(district.ikd_activated, district.ktp_el_recorded),
        ),
        |p| (p.office_activations, p.coverage),
    );
    let reaches_target = target_day.is_some();
    let target_date = target_day.map(|d| calendar.date(d));
    let gap_at_start = problem.need.max(0);
    let already_reached = problem.need <= 0 && kept_through == 0;
    let office_only_working_days =
        (office > 0).then(|| ((gap_at_start + office - 1) / office).max(1) as u32);
    let optimality_gap = optimality_gap(target_day, lower_bound);
    let visited: std::collections::BTreeSet<usize> = schedule
        .itinerary
        .teams
        .iter()
        .flat_map(|t| {
            t.days
                .iter()
                .flat_map(|d| d.stops.iter().map(|s| s.village))
        })
        .collect();
    let binding = if params.budget_rupiah == 0 || schedule.budget_exhausted {
        Binding::Budget
    } else if problem.state.pools.iter().all(|&p| p == 0) {
        Binding::Villages
    } else if schedule.itinerary.mobile_activations() > 0 {
        Binding::Teams
    } else {
        Binding::None
    };
    let unvisited = explain_unvisited(problem, &visited, target_date, binding);
    let cost = derived.cost;
    // Where the money sets the pace and the office closes the rest at its
    // own pace, a day's gap is a sliver of money: the least any plan of
    // these days could cost says how near the cheapest this one is. (Its
    // cost is a budget at which the relaxation allows these days.)
    let cost_lower_bound_rupiah = match target_day {
        Some(day) if binding == Binding::Budget && cost.total() > 0 && kept_through == 0 => {
            problem.cost_lower_bound(day, cost.total(), options)
        }
        _ => None,
    };
    let message = match target_date {
        // Nothing to do (a replan whose kept days reached it says when,
        // below).
        Some(_) if already_reached => format!(
            "Target {} ({}) already reached before the plan starts: {} have IKD ({}); no field work is needed.",
            jemput_base::format::count(problem.target_count),
            jemput_base::format::target(params.target_fraction),
            jemput_base::format::count(district.ikd_activated),
            jemput_base::format::percent(
                jemput_base::format::share(district.ikd_activated, district.ktp_el_recorded),
                2
            ),
        ),
        Some(date) => reached_message(
            problem.target_count,
            params.target_fraction,
            date,
            working_days,
            lower_bound,
            cost.total(),
        ),
        None => format!(
            "Target {} ({}) not reached by {}: {} coverage at the end{}.",
            jemput_base::format::count(problem.target_count),
            jemput_base::format::target(params.target_fraction),
            day_month_year(problem.dates.last().copied().unwrap_or(params.start_date)),
            jemput_base::format::percent(coverage_at_end, 2),
            match minimum_budget {
                Some(b) => format!("; a budget of {} would reach it", rupiah(b)),
                None if params.deadline.is_some() => {
                    "; no budget reaches it with these teams".to_string()
                }
                None => String::new(),
            }
        ),
    };
    let mut dates = Vec::with_capacity(end_day as usize);
    for d in 1..=end_day {
        dates.push(calendar.date(d));
    }
    Ok(Plan {
        parameters: params.clone(),
        dates,
        summary: Summary {
            reaches_target,
            target_day,
            target_date,
            working_days,
            lower_bound_working_days: lower_bound,
            optimality_gap,
            cost,
            mobile_activations: derived.mobile_activations,
            mobile_activations_upper_bound,
            cost_lower_bound_rupiah,
            office_activations,
            coverage_at_end,
            minimum_budget_for_target_rupiah: minimum_budget,
            ktp_el_recorded: district.ktp_el_recorded,
            ikd_activated_at_start: district.ikd_activated,
            target_count: problem.target_count,
            gap_at_start,
            already_reached,
            binding,
            office_only_working_days,
            solver: solver.name().to_string(),
            solve_seconds: elapsed.as_secs_f64(),
            message,
            method,
        },
        itinerary: schedule.itinerary,
        unvisited,
        projection,
        learned_yields: Vec::new(),
    })
}

/// `14 Jan 2027`, for the plan's messages (in English).
fn day_month_year(date: NaiveDate) -> String {
    jemput_base::format::date(date, jemput_base::format::Lang::En)
}

fn explain_unvisited(
    problem: &Problem<'_>,
    visited: &std::collections::BTreeSet<usize>,
    target_date: Option<NaiveDate>,
    binding: Binding,
) -> Vec<Unvisited> {
    let params = &problem.params;
    let workday = params.workday_minutes as f64;
    let mut list = Vec::new();
    for (v, village) in problem.district.villages.iter().enumerate() {
        if visited.contains(&v) {
            continue;
        }
        let pool = problem.state.pools[v];
        let round_trip = problem.travel.round_trip_minutes(point(v));
        let first = problem
            .state
            .next_cap(v)
            .min(params.team_capacity(workday - round_trip));
        let cost = params.team_day_fixed_cost(false, false)
            + (problem.travel.round_trip_km(point(v)) * params.fuel_per_km_rupiah as f64).round()
                as i64
            + params.outreach_per_visit_rupiah;
        let (code, reason) = if pool == 0 {
            (
                UnvisitedReason::NoPool,
                format!(
                    "no reachable residents left: {} of {} recorded already have IKD, at or above the reachable share",
                    village.ikd_activated, village.ktp_el_recorded
                ),
            )
        } else {
            let offer = if first > 0 {
                format!(
                    "a first visit would bring about {first} activations for about {} ({} each, {:.0} minutes' round trip)",
                    rupiah(cost),
                    rupiah(cost / first),
                    round_trip
                )
            } else {
                format!("too far for a day trip ({round_trip:.0} minutes' round trip)")
            };
            match (target_date, binding) {
                _ if problem.need <= 0 => (
                    UnvisitedReason::NotNeeded,
                    format!("not needed: the target is already reached; {offer}"),
                ),
                (Some(date), _) => (
                    UnvisitedReason::NotNeeded,
                    format!(
                        "not needed: the target is reached on {} with villages that give more per day and per rupiah; {offer}",
                        day_month_year(date)
                    ),
                ),
                (None, Binding::Budget) => (
                    UnvisitedReason::Budget,
                    format!("the budget runs out before this village; {offer}"),
                ),
                (None, _) => (
                    UnvisitedReason::Teams,
                    format!("the teams are fully booked with villages that give more; {offer}"),
                ),
            }
        };
        list.push(Unvisited {
            village: v,
            reason,
            reason_code: code,
            first_visit_activations: if pool == 0 { 0 } else { first.max(0) },
            first_visit_cost_rupiah: if pool == 0 { 0 } else { cost },
            round_trip_minutes: round_trip,
        });
    }
    list
}

/// The plan's limit day and every field problem with the request, for
/// callers that check before solving.
pub fn check(district: &District, params: &Parameters) -> Result<(), Vec<FieldViolation>> {
    Travel::new(district, params).map(|_| ())
}
