//! Turns an allocation (how many activations each visit level of each
//! village should give, as the allocation model decided) into day-by-day
//! team routes.
//!
//! Each working day the free teams are laid end to end along a chain of the
//! visits that are due: a team fills its day at the next visits of the
//! chain, and where its time runs out mid-village the next team takes over
//! the rest of that village on the same day (one visit day, one outreach
//! payment). So a day's teams work like one long shift through neighbouring
//! villages, and a village's visit is finished the day it is opened.

use serde::{Deserialize, Serialize};

use crate::district::VisitState;
use crate::itinerary::{Cost, Itinerary, Place, Stop, TeamDay, TeamItinerary};
use crate::params::Parameters;
use crate::schedule::Schedule;
use crate::travel::{BASE, Travel, point};

/// Which visit a day's chain starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seed {
    /// The due visit farthest from the base (its round trip).
    Farthest,
    /// The due visit nearest the base.
    Nearest,
    /// The due visit with the most activations left.
    Largest,
}

/// How a day's work is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayMode {
    /// Team after team, each going on to the nearest due visit.
    Chain,
    /// First the day's visits (the seed's neighbours, topped up to what the
    /// teams can do), then one path through them cut into team-days.
    Planned,
}

/// How the packer may build a plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PackPolicy {
    pub seed: Seed,
    pub mode: DayMode,
    /// Minutes a planned day allows each team for moving between villages
    /// when it works out how much the teams can do.
    pub hop_allowance_minutes: f64,
    /// Fewest activations worth a stop (a smaller remainder is left).
    pub min_stop_activations: i64,
    /// Once the allocation is done, go on with other visits while money lasts.
    pub extras: bool,
    /// Lay each planned day out with several hop allowances, and with one
    /// team fewer, and keep the layout that does the most per team-day
    /// (less what cut visits leave undone): where money sets the pace, an
    /// idle afternoon or a lost remainder is money that bought nothing.
    #[serde(default)]
    pub adaptive: bool,
    /// Each adaptive day, finish the plan from its best layouts and keep the
    /// layout whose plan is best (a rollout of the adaptive day).
    #[serde(default)]
    pub rollout: bool,
}

/// A packing run's state between days.
#[derive(Clone)]
struct Progress {
    itinerary: Itinerary,
    /// Visit days so far per village.
    visited: Vec<Vec<u32>>,
    /// What is left of each visit level's allocation.
    left: Vec<Vec<i64>>,
    spent: i64,
    /// Mobile activations so far.
    cumulative: i64,
    budget_exhausted: bool,
    /// The allocation is done: any visit may be made.
    extras: bool,
}

/// What stays the same through a packing run.
struct Frame<'r> {
    /// Each visit level's cap (0 where the packer cannot go).
    caps: &'r [Vec<i64>],
    limit_day: u32,
    stop: &'r TimeUp<'r>,
}

/// What remains of a visit level's allocation.
#[derive(Debug, Clone, Copy)]
struct Due {
    village: usize,
    /// 0-based visit level.
    level: usize,
    remaining: i64,
    /// Part of the allocation; other visits only fill a day's last gap.
    allocated: bool,
}

/// A day trip being laid out: its stops so far, where the team is, the
/// minute of the workday, and the travel so far.
struct DayTrip {
    stops: Vec<Stop>,
    position: usize,
    clock: f64,
    minutes: f64,
    km: f64,
}

impl DayTrip {
    /// A team leaving the base.
    fn new() -> Self {
        DayTrip {
            stops: Vec::new(),
            position: BASE,
            clock: 0.0,
            minutes: 0.0,
            km: 0.0,
        }
    }

    /// A closed day opened again at its last stop, to add more.
    fn reopen(day: TeamDay, travel: &Travel) -> Self {
        let Some(last) = day.stops.last() else {
            return DayTrip::new();
        };
        let position = point(last.village);
        DayTrip {
            position,
            clock: last.depart_minute,
            minutes: day.travel_minutes - travel.minutes(position, BASE),
            km: day.travel_km - travel.km(position, BASE),
            stops: day.stops,
        }
    }

    /// Activations the team can still do at `village`, having driven there
    /// and keeping time to drive back.
    fn room_at(&self, packer: &Packer<'_>, village: usize) -> i64 {
        let travel = packer.travel;
        let to = travel.minutes(self.position, point(village));
        let back = travel.minutes(point(village), BASE);
        let workday = packer.params.workday_minutes as f64;
        packer
            .params
            .team_capacity(workday - self.clock - to - back)
    }

    /// Drives on to `visit`'s village and activates `amount` there.
    fn serve(&mut self, packer: &Packer<'_>, visit: &Due, amount: i64) {
        let to = packer.travel.minutes(self.position, point(visit.village));
        self.minutes += to;
        self.km += packer.travel.km(self.position, point(visit.village));
        let arrive = self.clock + to;
        let depart = arrive + packer.params.service_minutes(amount);
        self.stops.push(Stop {
            village: visit.village,
            arrive_minute: arrive,
            depart_minute: depart,
            expected_activations: amount,
            visit_number: visit.level as u32 + 1,
        });
        self.clock = depart;
        self.position = point(visit.village);
    }

    /// The team drives back: the finished day, or `None` if it has no stop.
    fn close(self, packer: &Packer<'_>, day: u32) -> Option<TeamDay> {
        if self.stops.is_empty() {
            return None;
        }
        let back = packer.travel.minutes(self.position, BASE);
        Some(TeamDay {
            day,
            start: Place::Base,
            end: Place::Base,
            travel_km: self.km + packer.travel.km(self.position, BASE),
            travel_minutes: self.minutes + back,
            used_minutes: self.clock + back,
            stops: self.stops,
            cost: Cost::default(),
        })
    }
}

pub struct Packer<'a> {
    params: &'a Parameters,
    travel: &'a Travel,
    /// Each village's nearest villages by travel time.
    neighbours: Vec<Vec<usize>>,
    need: i64,
    spacing: u32,
    office_per_day: i64,
    /// What each village can still give, and its visit days so far.
    state: &'a VisitState,
    /// The first working day to plan; earlier days are kept as done.
    first_day: u32,
}

/// Says when the caller's time is up.
pub type TimeUp<'a> = dyn Fn() -> bool + Sync + 'a;

const NEIGHBOURS: usize = 40;
/// Nearest due visits a planned day chooses from.
const DAY_CANDIDATES: usize = 30;
/// Distinct layouts a rollout finishes each day, best first by the adaptive
/// day's own measure: a day has about ten; the first six gave the same
/// working days on the budget curve at about 60% of the time.
const ROLLOUT_LAYOUTS: usize = 6;
/// Hop allowances an adaptive planned day tries, in minutes per team.
const ADAPTIVE_HOPS: [f64; 7] = [-10.0, -5.0, 0.0, 3.0, 6.0, 10.0, 15.0];

impl<'a> Packer<'a> {
    /// Packs from `first_day` with the villages as `state` has them.
    pub fn new(
        params: &'a Parameters,
        travel: &'a Travel,
        state: &'a VisitState,
        need: i64,
        first_day: u32,
    ) -> Self {
        let neighbours = travel.nearest_villages(NEIGHBOURS);
        Self {
            params,
            travel,
            neighbours,
            need,
            spacing: params.min_days_between_visits.max(1),
            office_per_day: params.office_activations_per_day as i64,
            state,
            first_day: first_day.max(1),
        }
    }

    /// What the office activates from the first planned day through `day`.
    fn office_through(&self, day: u32) -> i64 {
        self.office_per_day * (day as i64 + 1 - self.first_day as i64).max(0)
    }

    /// Realises `allocation[v][k]` (activations for visit level k of
    /// village v, counting every visit so far) day by day up to
    /// `limit_day`, within the budget.
    /// `stop` says when time is up: a rollout then goes on as the adaptive
    /// packer alone.
    pub fn run(
        &self,
        allocation: &[Vec<i64>],
        policy: PackPolicy,
        limit_day: u32,
        stop: &TimeUp<'_>,
    ) -> Schedule {
        let n = allocation.len();
        // The packer makes day trips: a village too far for one is left to
        // the other candidates.
        let workday = self.params.workday_minutes as f64;
        let reachable: Vec<bool> = (0..n)
            .map(|v| {
                self.params
                    .team_capacity(workday - self.travel.round_trip_minutes(point(v)))
                    >= policy.min_stop_activations.max(1)
            })
            .collect();
        let left: Vec<Vec<i64>> = allocation
            .iter()
            .zip(&reachable)
            .map(|(a, &ok)| if ok { a.clone() } else { vec![0; a.len()] })
            .collect();
        let caps: Vec<Vec<i64>> = self
            .state
            .caps
            .iter()
            .zip(&reachable)
            .map(|(c, &ok)| if ok { c.clone() } else { vec![0; c.len()] })
            .collect();
        let progress = Progress {
            itinerary: Itinerary {
                teams: vec![TeamItinerary::default(); self.params.teams as usize],
            },
            visited: self.state.done_days.clone(),
            left,
            spent: 0,
            cumulative: 0,
            budget_exhausted: false,
            extras: false,
        };
        let frame = Frame {
            caps: &caps,
            limit_day,
            stop,
        };
        self.finish(progress, &frame, policy, self.first_day)
    }

    /// Goes on from `progress` on `from_day` to the end of the plan.
    fn finish(
        &self,
        mut progress: Progress,
        frame: &Frame<'_>,
        policy: PackPolicy,
        from_day: u32,
    ) -> Schedule {
        let teams = self.params.teams as usize;
        for day in from_day..=frame.limit_day {
            let mut due = self.due(&progress, frame.caps, policy, day);
            let planned = if policy.rollout && !(frame.stop)() {
                self.rollout_day(&progress, &due, frame, policy, day)
            } else {
                match policy.mode {
                    DayMode::Chain => self.chain_day(&mut due, teams, policy, day),
                    DayMode::Planned if policy.adaptive => {
                        self.adaptive_day(&due, teams, policy, day)
                    }
                    DayMode::Planned => self.planned_day(&mut due, teams, policy, day),
                }
            };
            if let Some(schedule) = self.commit(&mut progress, planned, frame, policy, day) {
                return schedule;
            }
        }
        Schedule {
            itinerary: progress.itinerary,
            target_day: None,
            budget_exhausted: progress.budget_exhausted,
        }
    }

    /// Visits due on `day`: each village's next level, if allocated (or,
    /// once the allocation is done, any) and spaced from the last.
    fn due(
        &self,
        progress: &Progress,
        caps: &[Vec<i64>],
        policy: PackPolicy,
        day: u32,
    ) -> Vec<Due> {
        (0..progress.left.len())
            .filter_map(|v| {
                let visited = &progress.visited[v];
                let level = visited.len();
                let spaced = visited.last().is_none_or(|&l| day >= l + self.spacing);
                if !spaced {
                    return None;
                }
                let remaining = *progress.left[v].get(level)?;
                if remaining >= policy.min_stop_activations {
                    return Some(Due {
                        village: v,
                        level,
                        remaining,
                        allocated: true,
                    });
                }
                let cap = *caps[v].get(level)?;
                (cap >= policy.min_stop_activations).then_some(Due {
                    village: v,
                    level,
                    remaining: cap,
                    allocated: progress.extras,
                })
            })
            .collect()
    }

    /// Pays for and records `planned`, the teams' day `day`; the finished
    /// plan if the target is reached or the field work ends.
    fn commit(
        &self,
        progress: &mut Progress,
        planned: Vec<TeamDay>,
        frame: &Frame<'_>,
        policy: PackPolicy,
        day: u32,
    ) -> Option<Schedule> {
        let p = self.params;
        let min_day_cost = p.team_day_fixed_cost(false, false);
        let mut today = 0i64;
        let mut opened: Vec<usize> = Vec::new();
        for (team, mut team_day) in planned.into_iter().enumerate() {
            let outreach = team_day
                .stops
                .iter()
                .filter(|s| !opened.contains(&s.village))
                .count() as i64
                * p.outreach_per_visit_rupiah;
            team_day.cost = Cost {
                vehicle_rupiah: p.vehicle_per_day_rupiah,
                per_diem_rupiah: p.officers_per_team as i64 * p.per_diem_day_trip_rupiah,
                lodging_rupiah: 0,
                fuel_rupiah: (team_day.travel_km * p.fuel_per_km_rupiah as f64).round() as i64,
                outreach_rupiah: outreach,
            };
            if progress.spent + team_day.cost.total() > p.budget_rupiah {
                // The money ends here; the teams already out today work.
                progress.budget_exhausted = true;
                break;
            }
            progress.spent += team_day.cost.total();
            for s in &team_day.stops {
                if !opened.contains(&s.village) {
                    opened.push(s.village);
                }
                today += s.expected_activations;
            }
            progress.itinerary.teams[team].days.push(team_day);
        }
        if p.budget_rupiah - progress.spent < min_day_cost {
            progress.budget_exhausted = true;
        }
        // A visit is one day: whatever of it is left is not done.
        for &v in &opened {
            let level = progress.visited[v].len();
            progress.left[v][level] = 0;
            progress.visited[v].push(day);
        }
        progress.cumulative += today;
        if progress.cumulative + self.office_through(day) >= self.need {
            return Some(Schedule {
                itinerary: std::mem::take(&mut progress.itinerary),
                target_day: Some(day),
                budget_exhausted: progress.budget_exhausted,
            });
        }
        let next_level_left = |l: &Vec<i64>, v: &Vec<u32>| {
            l.get(v.len())
                .is_some_and(|&r| r >= policy.min_stop_activations)
        };
        let anything_left = progress
            .left
            .iter()
            .zip(&progress.visited)
            .any(|(l, v)| next_level_left(l, v));
        if !anything_left && !progress.extras && policy.extras {
            // Once the allocation is done and money is left, any visit may
            // be made (the allocation's rounding and lost remainders leave
            // some).
            progress.extras = true;
            return None;
        }
        let anything_left = anything_left
            || (progress.extras
                && frame
                    .caps
                    .iter()
                    .zip(&progress.visited)
                    .any(|(c, v)| next_level_left(c, v)));
        if progress.budget_exhausted || !anything_left {
            // The office closes the rest.
            let rest = self.need - progress.cumulative - self.office_through(day);
            let target_day = if self.office_per_day > 0 {
                let d = day as i64 + (rest + self.office_per_day - 1) / self.office_per_day;
                (d <= frame.limit_day as i64).then_some(d as u32)
            } else {
                None
            };
            return Some(Schedule {
                itinerary: std::mem::take(&mut progress.itinerary),
                target_day,
                budget_exhausted: progress.budget_exhausted,
            });
        }
        None
    }

    /// Of the adaptive day's [`ROLLOUT_LAYOUTS`] best layouts, the one whose
    /// plan, finished by the adaptive day itself, reaches the target soonest
    /// (then with the most activations, then cheapest). The adaptive day's
    /// own choice comes first among them, so the plan is never worse than
    /// the adaptive packer's.
    fn rollout_day(
        &self,
        progress: &Progress,
        due: &[Due],
        frame: &Frame<'_>,
        policy: PackPolicy,
        day: u32,
    ) -> Vec<TeamDay> {
        let base = PackPolicy {
            rollout: false,
            ..policy
        };
        let teams = self.params.teams as usize;
        let mut options: Vec<Vec<TeamDay>> = Vec::new();
        let mut layouts = self.adaptive_layouts(due, teams, base, day);
        // The adaptive day's own layout first, so its plan is always among
        // those finished; then the rest best first by the same measure.
        if let Some(own) = adaptive_pick(&layouts) {
            let own = layouts.remove(own);
            layouts.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
            layouts.insert(0, own);
        }
        for (_, _, days) in layouts {
            if options.len() == ROLLOUT_LAYOUTS {
                break;
            }
            let same = |other: &Vec<TeamDay>| {
                other.len() == days.len()
                    && other.iter().zip(&days).all(|(a, b)| {
                        a.stops.len() == b.stops.len()
                            && a.stops.iter().zip(&b.stops).all(|(x, y)| {
                                x.village == y.village
                                    && x.expected_activations == y.expected_activations
                            })
                    })
            };
            if !options.iter().any(same) {
                options.push(days);
            }
        }
        if options.len() <= 1 {
            return options.pop().unwrap_or_default();
        }
        let mut best: Option<((u32, i64, i64), usize)> = None;
        for (i, option) in options.iter().enumerate() {
            let mut trial = progress.clone();
            let schedule = match self.commit(&mut trial, option.clone(), frame, base, day) {
                Some(schedule) => schedule,
                None => self.finish(trial, frame, base, day + 1),
            };
            let key = (
                schedule.target_day.unwrap_or(u32::MAX),
                -schedule.itinerary.mobile_activations(),
                schedule.itinerary.cost().total(),
            );
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, i));
            }
        }
        let chosen = best.map_or(0, |(_, i)| i);
        options.swap_remove(chosen)
    }

    /// Team after team along the nearest due visits.
    fn chain_day(
        &self,
        due: &mut Vec<Due>,
        teams: usize,
        policy: PackPolicy,
        day: u32,
    ) -> Vec<TeamDay> {
        let mut carry: Option<Due> = None;
        let mut out = Vec::new();
        for team in 0..teams {
            let last_team = team + 1 == teams;
            match self.build(due, &mut carry, last_team, policy, day) {
                Some(team_day) => out.push(team_day),
                None => break,
            }
        }
        out
    }

    /// The planned day, laid out with each of [`ADAPTIVE_HOPS`] and with all
    /// teams or one fewer, that does the most per team-day, counting what a
    /// cut visit leaves undone as lost; ties go to more activations.
    fn adaptive_day(
        &self,
        due: &[Due],
        teams: usize,
        policy: PackPolicy,
        day: u32,
    ) -> Vec<TeamDay> {
        let mut layouts = self.adaptive_layouts(due, teams, policy, day);
        match adaptive_pick(&layouts) {
            Some(i) => layouts.swap_remove(i).2,
            None => Vec::new(),
        }
    }

    /// Every layout the adaptive day weighs, all teams first: its score
    /// (activations per team-day less what cut visits leave undone), its
    /// activations and its team-days.
    fn adaptive_layouts(
        &self,
        due: &[Due],
        teams: usize,
        policy: PackPolicy,
        day: u32,
    ) -> Vec<(f64, i64, Vec<TeamDay>)> {
        let before: Vec<(usize, i64)> = due.iter().map(|d| (d.village, d.remaining)).collect();
        let mut layouts = Vec::new();
        for out_teams in [teams, teams.saturating_sub(1)] {
            if out_teams == 0 || (out_teams < teams && layouts.is_empty()) {
                continue;
            }
            for hop in ADAPTIVE_HOPS {
                let mut trial = due.to_vec();
                let policy = PackPolicy {
                    hop_allowance_minutes: hop,
                    ..policy
                };
                let days = self.planned_day(&mut trial, out_teams, policy, day);
                if days.is_empty() {
                    continue;
                }
                let mut served: Vec<(usize, i64)> = Vec::new();
                for stop in days.iter().flat_map(|d| &d.stops) {
                    match served.iter_mut().find(|(v, _)| *v == stop.village) {
                        Some((_, a)) => *a += stop.expected_activations,
                        None => served.push((stop.village, stop.expected_activations)),
                    }
                }
                let done: i64 = served.iter().map(|(_, a)| a).sum();
                let lost: i64 = served
                    .iter()
                    .map(|&(v, a)| {
                        let remaining = before.iter().find(|(w, _)| *w == v).map_or(a, |&(_, r)| r);
                        (remaining - a).max(0)
                    })
                    .sum();
                let score = (done - lost) as f64 / days.len() as f64;
                layouts.push((score, done, days));
            }
        }
        layouts
    }

    /// Chooses the day's visits around a seed, as many as the teams can
    /// finish, then cuts one path through them into team-days.
    fn planned_day(
        &self,
        due: &mut Vec<Due>,
        teams: usize,
        policy: PackPolicy,
        day: u32,
    ) -> Vec<TeamDay> {
        let p = self.params;
        let workday = p.workday_minutes as f64;
        let Some(anchor_index) = self.seed(due, policy.seed) else {
            return Vec::new();
        };
        let anchor = due[anchor_index].village;
        let anchor_trip = self.travel.round_trip_minutes(point(anchor));
        // What the teams can do near the anchor, allowing a few minutes
        // between villages.
        let per_team = p.team_capacity(workday - anchor_trip - policy.hop_allowance_minutes);
        let by_distance = |list: &mut Vec<usize>, due: &[Due]| {
            list.sort_by(|&a, &b| {
                self.travel
                    .minutes(point(anchor), point(due[a].village))
                    .total_cmp(&self.travel.minutes(point(anchor), point(due[b].village)))
                    .then(due[a].village.cmp(&due[b].village))
            })
        };
        let mut allocated: Vec<usize> = (0..due.len())
            .filter(|&i| {
                due[i].allocated
                    && i != anchor_index
                    && p.team_capacity(
                        workday - self.travel.round_trip_minutes(point(due[i].village)),
                    ) > 0
            })
            .collect();
        by_distance(&mut allocated, due);
        allocated.truncate(DAY_CANDIDATES);
        // The anchor and the subset of its nearest due visits that fills the
        // day best (a subset sum): whole visits, so none is cut short.
        let room = per_team * teams as i64;
        let mut chosen = vec![anchor_index];
        let mut sum = due[anchor_index].remaining;
        if sum < room {
            let gap = (room - sum) as usize;
            let sizes: Vec<usize> = allocated
                .iter()
                .map(|&i| due[i].remaining as usize)
                .collect();
            let (reach, mut total) = subset_sums(&sizes, gap);
            while total > 0 {
                let j = reach[total].expect("reached sums have an item");
                let i = allocated[j];
                chosen.push(i);
                sum += due[i].remaining;
                total -= due[i].remaining as usize;
            }
        }
        // Top up the last gap with whatever fits, allocated or not.
        let mut others: Vec<usize> = (0..due.len()).filter(|i| !chosen.contains(i)).collect();
        by_distance(&mut others, due);
        for i in others {
            let gap = room - sum;
            if gap < policy.min_stop_activations {
                break;
            }
            if due[i].remaining <= gap
                && p.team_capacity(workday - self.travel.round_trip_minutes(point(due[i].village)))
                    > 0
            {
                chosen.push(i);
                sum += due[i].remaining;
            }
        }
        // One path through the chosen visits, farthest from the base first.
        let mut path: Vec<Due> = Vec::with_capacity(chosen.len());
        let mut pool: Vec<Due> = chosen.iter().map(|&i| due[i]).collect();
        chosen.sort_unstable_by(|a, b| b.cmp(a));
        for i in chosen {
            due.swap_remove(i);
        }
        let start = pool
            .iter()
            .enumerate()
            .max_by(|a, b| {
                self.travel
                    .round_trip_minutes(point(a.1.village))
                    .total_cmp(&self.travel.round_trip_minutes(point(b.1.village)))
            })
            .map(|(i, _)| i);
        if let Some(i) = start {
            path.push(pool.swap_remove(i));
        }
        while !pool.is_empty() {
            let here = point(path[path.len() - 1].village);
            let (i, _) = pool
                .iter()
                .enumerate()
                .min_by(|a, b| {
                    self.travel
                        .minutes(here, point(a.1.village))
                        .total_cmp(&self.travel.minutes(here, point(b.1.village)))
                })
                .expect("pool is not empty");
            path.push(pool.swap_remove(i));
        }
        // Cut the path into team-days.
        let mut out: Vec<TeamDay> = Vec::new();
        let mut trip = DayTrip::new();
        let mut rest = path.into_iter();
        let mut current: Option<Due> = None;
        while let Some(next) = current.take().or_else(|| rest.next()) {
            let amount = next.remaining.min(trip.room_at(self, next.village));
            if amount < policy.min_stop_activations.max(1) {
                let Some(full) = std::mem::replace(&mut trip, DayTrip::new()).close(self, day)
                else {
                    // Not even a fresh team can serve it: it stays due.
                    due.push(next);
                    continue;
                };
                // This team's day is full: the next team starts here.
                out.push(full);
                current = Some(next);
                if out.len() == teams {
                    break;
                }
                continue;
            }
            let opened_today = || {
                out.iter()
                    .flat_map(|d| &d.stops)
                    .chain(&trip.stops)
                    .any(|s| s.village == next.village)
            };
            if out.len() + 1 == teams && amount < next.remaining && !opened_today() {
                // No team comes after this one today, and what it cannot
                // finish would be lost: the visit waits for a day that
                // finishes it, and this team goes on to visits that fit.
                due.push(next);
                continue;
            }
            trip.serve(self, &next, amount);
            if amount < next.remaining {
                // Split: the next team finishes this village today.
                out.extend(std::mem::replace(&mut trip, DayTrip::new()).close(self, day));
                if out.len() == teams {
                    break;
                }
                current = Some(Due {
                    remaining: next.remaining - amount,
                    ..next
                });
            }
        }
        // Visits the teams did not reach stay due (a cut one is done).
        due.extend(rest);
        // Fill what is left of the last team's day with visits that fit whole.
        if trip.stops.is_empty()
            && let Some(last) = out.pop()
        {
            trip = DayTrip::reopen(last, self.travel);
        }
        while let Some(i) = self.best_fit(due, &trip, policy) {
            let next = due.swap_remove(i);
            trip.serve(self, &next, next.remaining);
        }
        out.extend(trip.close(self, day));
        out
    }

    /// One team's day trip: from the carried-over visit (or a seed), on to
    /// the cheapest detours, until the day is full.
    fn build(
        &self,
        due: &mut Vec<Due>,
        carry: &mut Option<Due>,
        last_team: bool,
        policy: PackPolicy,
        day: u32,
    ) -> Option<TeamDay> {
        let mut trip = DayTrip::new();
        let mut first = carry.take().or_else(|| {
            let pick = self.seed(due, policy.seed)?;
            Some(due.swap_remove(pick))
        });
        loop {
            let mut next = match first.take() {
                Some(d) => d,
                None => {
                    let Some(i) = self.next_stop(due, &trip, policy) else {
                        break;
                    };
                    due.swap_remove(i)
                }
            };
            let mut room = trip.room_at(self, next.village);
            if last_team && next.remaining > room {
                // No team comes after this one today: what it cannot finish
                // would be lost. Fill the gap with the visit that fits best.
                if let Some(i) = self.best_fit(due, &trip, policy) {
                    due.push(next);
                    next = due.swap_remove(i);
                    room = trip.room_at(self, next.village);
                } else if room * 4 < next.remaining * 3 {
                    due.push(next);
                    break;
                }
            }
            let amount = next.remaining.min(room);
            if amount < policy.min_stop_activations.max(1) {
                // Does not fit: leave it for another team or day.
                due.push(next);
                break;
            }
            trip.serve(self, &next, amount);
            if amount < next.remaining {
                // The day is full here; the next team carries on.
                *carry = Some(Due {
                    remaining: next.remaining - amount,
                    ..next
                });
                break;
            }
        }
        trip.close(self, day)
    }

    fn seed(&self, due: &[Due], seed: Seed) -> Option<usize> {
        let rt = |d: &Due| self.travel.round_trip_minutes(point(d.village));
        let workday = self.params.workday_minutes as f64;
        let reachable = |d: &&Due| self.params.team_capacity(workday - rt(d)) > 0;
        let indexed = due
            .iter()
            .enumerate()
            .filter(|(_, d)| d.allocated && reachable(d));
        match seed {
            Seed::Farthest => indexed.max_by(|a, b| {
                rt(a.1)
                    .total_cmp(&rt(b.1))
                    .then(b.1.village.cmp(&a.1.village))
            }),
            Seed::Nearest => indexed.min_by(|a, b| {
                rt(a.1)
                    .total_cmp(&rt(b.1))
                    .then(a.1.village.cmp(&b.1.village))
            }),
            Seed::Largest => indexed.max_by(|a, b| {
                a.1.remaining
                    .cmp(&b.1.remaining)
                    .then(b.1.village.cmp(&a.1.village))
            }),
        }
        .map(|(i, _)| i)
    }

    /// The due visit that fills the most of what is left of `trip`'s day
    /// while fitting in it entirely.
    fn best_fit(&self, due: &[Due], trip: &DayTrip, policy: PackPolicy) -> Option<usize> {
        let mut best: Option<(i64, usize)> = None;
        for (i, d) in due.iter().enumerate() {
            if d.remaining > trip.room_at(self, d.village)
                || d.remaining < policy.min_stop_activations.max(1)
            {
                continue;
            }
            if best.is_none_or(|(b, j)| {
                d.remaining > b || (d.remaining == b && d.village < due[j].village)
            }) {
                best = Some((d.remaining, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// The allocated due visit that adds the least travel to `trip`, among
    /// those that still fit a worthwhile stop in the day.
    fn next_stop(&self, due: &[Due], trip: &DayTrip, policy: PackPolicy) -> Option<usize> {
        let position = trip.position;
        let home = self.travel.minutes(position, BASE);
        let candidates: Box<dyn Iterator<Item = usize>> = if position == BASE {
            Box::new(0..due.len())
        } else {
            Box::new(
                self.neighbours[position - 1]
                    .iter()
                    .filter_map(|&w| due.iter().position(|d| d.village == w)),
            )
        };
        let mut best: Option<(f64, usize)> = None;
        for i in candidates {
            let d = &due[i];
            if !d.allocated
                || d.remaining.min(trip.room_at(self, d.village))
                    < policy.min_stop_activations.max(1)
            {
                continue;
            }
            let to = self.travel.minutes(position, point(d.village));
            let back = self.travel.minutes(point(d.village), BASE);
            let detour = to + back - home;
            if best.is_none_or(|(b, j)| detour < b || (detour == b && d.village < due[j].village)) {
                best = Some((detour, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// The layout the adaptive day keeps: the most per team-day (less what
/// cut visits leave undone), near-ties to more activations, then the first.
fn adaptive_pick(layouts: &[(f64, i64, Vec<TeamDay>)]) -> Option<usize> {
    let mut best: Option<(f64, i64, usize)> = None;
    for (i, &(score, done, _)) in layouts.iter().enumerate() {
        if best
            .as_ref()
            .is_none_or(|b| score > b.0 + 1e-9 || (score > b.0 - 1e-9 && done > b.1))
        {
            best = Some((score, done, i));
        }
    }
    best.map(|(_, _, i)| i)
}

/// Subset sums of `sizes` up to `limit`: for each sum, the item that first
/// reached it (following those items back gives the subset), and the largest
/// sum reached. Sums are kept as bits, 64 to a word, so each item is one
/// shift-or over the words.
fn subset_sums(sizes: &[usize], limit: usize) -> (Vec<Option<usize>>, usize) {
    let words = limit / 64 + 1;
    let mut reach: Vec<Option<usize>> = vec![None; limit + 1];
    let mut reached = vec![0u64; words];
    reached[0] = 1;
    // Bits past `limit` in the last word never count.
    let tail = (limit % 64) as u32;
    let last_mask = if tail == 63 {
        u64::MAX
    } else {
        (1u64 << (tail + 1)) - 1
    };
    let mut shifted = vec![0u64; words];
    for (j, &size) in sizes.iter().enumerate() {
        if size == 0 || size > limit {
            continue;
        }
        let (whole, bits) = (size / 64, (size % 64) as u32);
        for (w, out) in shifted.iter_mut().enumerate() {
            let low = w.checked_sub(whole).map_or(0, |k| reached[k]);
            let carry = match (bits, w.checked_sub(whole + 1)) {
                (0, _) | (_, None) => 0,
                (_, Some(k)) => reached[k] >> (64 - bits),
            };
            *out = (low << bits) | carry;
        }
        shifted[words - 1] &= last_mask;
        for (w, (have, &next)) in reached.iter_mut().zip(&shifted).enumerate() {
            let mut new = next & !*have;
            *have |= new;
            while new != 0 {
                reach[w * 64 + new.trailing_zeros() as usize] = Some(j);
                new &= new - 1;
            }
        }
    }
    let best = (0..words)
        .rev()
        .find(|&w| reached[w] != 0)
        .map_or(0, |w| w * 64 + 63 - reached[w].leading_zeros() as usize);
    (reach, best)
}

#[cfg(test)]
mod tests {
    use super::{DayMode, PackPolicy, Packer, Seed, subset_sums};
    use crate::bound::{LpSolver, Relaxation};
    use crate::district::VisitState;
    use crate::fixtures;
    use crate::params::Parameters;
    use crate::schedule::Schedule;
    use crate::travel::Travel;
    use proptest::prelude::*;

    #[test]
    fn a_rollout_is_never_worse_than_the_adaptive_day_alone_and_is_it_when_time_is_up() {
        // Four teams, Rp 150 juta from January 2027: the money runs out
        // before the target, the allocation model at 93% of the budget.
        let district = fixtures::rejang_lebong();
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let params = Parameters {
            budget_rupiah: 150_000_000,
            ..Parameters::defaults(start, fixtures::CURUP, 0.30)
        };
        let travel = Travel::new(&district, &params).unwrap();
        let state = VisitState::fresh(&district, &params);
        let need = district.target_count(0.30) - district.ikd_activated;
        let at_93 = Parameters {
            budget_rupiah: 139_500_000,
            ..params.clone()
        };
        let allocation = Relaxation::new(&at_93, &travel, &state, need)
            .allocation(LpSolver::Microlp, 0)
            .expect("the model reaches the target")
            .activations;
        let packer = Packer::new(&params, &travel, &state, need, 1);
        let adaptive = PackPolicy {
            seed: Seed::Nearest,
            mode: DayMode::Planned,
            hop_allowance_minutes: 0.0,
            min_stop_activations: 10,
            extras: true,
            adaptive: true,
            rollout: false,
        };
        let rollout = PackPolicy {
            rollout: true,
            ..adaptive
        };
        let limit = params.horizon_working_days;
        let alone = packer.run(&allocation, adaptive, limit, &|| false);
        let rolled = packer.run(&allocation, rollout, limit, &|| false);
        let key = |s: &Schedule| {
            (
                s.target_day.expect("the office closes the rest"),
                -s.itinerary.mobile_activations(),
            )
        };
        // Never worse by construction; here it does more (45.971 against
        // 45.930 activations, the same day).
        assert!(
            key(&rolled) < key(&alone),
            "{:?} against {:?}",
            key(&rolled),
            key(&alone)
        );
        assert!(rolled.budget_exhausted);
        assert!(rolled.itinerary.cost().total() <= params.budget_rupiah);
        // Out of time from the start, the rollout is the adaptive day alone.
        let out_of_time = packer.run(&allocation, rollout, limit, &|| true);
        assert_eq!(out_of_time.itinerary, alone.itinerary);
        assert_eq!(out_of_time.target_day, alone.target_day);
    }

    /// The plain table the bit version replaces.
    fn by_table(sizes: &[usize], limit: usize) -> (Vec<Option<usize>>, usize) {
        let mut reach = vec![None; limit + 1];
        let mut reached = vec![false; limit + 1];
        reached[0] = true;
        for (j, &size) in sizes.iter().enumerate() {
            if size == 0 {
                continue;
            }
            for total in (size..=limit).rev() {
                if !reached[total] && reached[total - size] {
                    reached[total] = true;
                    reach[total] = Some(j);
                }
            }
        }
        let best = (0..=limit).rev().find(|&t| reached[t]).unwrap_or(0);
        (reach, best)
    }

    proptest! {
        #[test]
        fn subset_sums_match_the_plain_table(
            sizes in proptest::collection::vec(0usize..400, 0..40),
            limit in 0usize..1300,
        ) {
            prop_assert_eq!(subset_sums(&sizes, limit), by_table(&sizes, limit));
        }
    }

    #[test]
    fn the_chosen_items_add_up_to_the_best_sum() {
        let sizes = [300, 64, 128, 17, 700, 1];
        let (reach, best) = subset_sums(&sizes, 500);
        assert_eq!(best, 300 + 128 + 64 + 1);
        let (mut total, mut sum) = (best, 0);
        while total > 0 {
            let j = reach[total].expect("a reached sum has an item");
            sum += sizes[j];
            total -= sizes[j];
        }
        assert_eq!(sum, best);
    }
}
