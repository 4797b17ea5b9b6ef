//! Splits one budget among several districts (a province's, or the
//! nation's) so that as many as possible reach their target by a deadline,
//! and among equal counts, the most activations by then.
//!
//! Each district gets a short budget curve, solved in parallel: its least
//! budget that reaches the target by the deadline (with its proven lower
//! bound, `solve::minimum_budget`) and plans at a few smaller budgets for
//! what less money still buys. An exact multiple-choice knapsack over those
//! curves then picks one point per district. Every point is a validated
//! plan, so every share comes with the plan that realises it; and the
//! districts' proven lower bounds give a proven ceiling on how many
//! districts any split of the money could bring to their targets.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::district::District;
use crate::params::Parameters;
use crate::solve::{self, Options, Plan, PlanError};

/// Money is split in steps of this many rupiah (the minimum budget's own
/// precision) or finer shares of the total when it is very large.
const STEP_RUPIAH: i64 = 100_000;
/// The knapsack has at most this many money steps.
const MAX_STEPS: i64 = 20_000;
/// Shares of a district's least budget (or, for a district that cannot
/// reach its target by the deadline, of an even split) planned besides it.
const PARTIAL_SHARES: [f64; 3] = [0.25, 0.5, 0.75];

/// One point of a district's curve: a validated plan at a budget.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    pub budget_rupiah: i64,
    pub reaches_target: bool,
    pub target_date: Option<NaiveDate>,
    pub working_days: u32,
    /// IKD activated by the deadline (or by the target day, if reached):
    /// the district's own count, the office's and the teams'.
    pub ikd_activated_by_deadline: i64,
    pub coverage: f64,
    pub cost_rupiah: i64,
    /// The target was reached before the plan's first day.
    pub already_reached: bool,
}

impl CurvePoint {
    fn of(plan: &Plan, budget_rupiah: i64) -> Self {
        let s = &plan.summary;
        Self {
            budget_rupiah,
            reaches_target: s.reaches_target,
            target_date: s.target_date,
            working_days: s.working_days,
            ikd_activated_by_deadline: s.ikd_activated_at_start
                + s.office_activations
                + s.mobile_activations,
            coverage: s.coverage_at_end,
            cost_rupiah: s.cost.total(),
            already_reached: s.already_reached,
        }
    }
}

/// A district's curve: its least budget for the deadline, that budget's
/// proven lower bound, and what smaller budgets buy.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The least budget (to Rp 100.000) at which a plan reaches the target
    /// by the deadline; `None` if none does with these teams.
    pub minimum_budget_rupiah: Option<i64>,
    /// Proven: no plan reaches the target by the deadline for less; `None`
    /// if the relaxation proves no budget can.
    pub lower_bound_rupiah: Option<i64>,
    /// Ascending by budget, starting at Rp 0.
    pub points: Vec<CurvePoint>,
}

/// A district's share of the money and what it buys.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// Index into the districts given.
    pub district: usize,
    pub point: CurvePoint,
    pub minimum_budget_rupiah: Option<i64>,
    pub lower_bound_rupiah: Option<i64>,
}

/// The split.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// One per district planned, in the order given.
    pub shares: Vec<Share>,
    /// Indexes of the districts whose curves were not started before the
    /// time ran out: no share, and counted as reachable in the upper bound.
    pub not_planned: Vec<usize>,
    pub districts_reaching_target: u32,
    /// Proven: no split of the total brings more districts to their targets
    /// by the deadline (the most districts whose proven least budgets fit
    /// in the total together).
    pub districts_reaching_target_upper_bound: u32,
    pub allocated_rupiah: i64,
}

/// Splits `total_rupiah` among `districts`, each planned with its own
/// parameters (which must carry the deadline). Curves are solved in
/// parallel; a district's plans stop early when `options` runs out of time,
/// like any plan.
pub fn allocate_budget(
    districts: &[(District, Parameters)],
    total_rupiah: i64,
    options: &Options<'_>,
) -> Result<Split, PlanError> {
    // A split plans every district's curve: rollouts would about double
    // its time for a day or two per district at the cliff, and a district
    // planned later on its own (with them) can only do better than its
    // share promised.
    let options = &Options {
        rollouts: false,
        ..*options
    };
    let even = total_rupiah / (districts.len().max(1) as i64);
    // Out of time, a district whose curve has not started is not started:
    // a national split on few cores answers within its deadline with the
    // districts it could plan, and names the others. One always runs, so
    // a split queued behind other work still answers with something.
    let started = AtomicBool::new(false);
    let curves = districts
        .par_iter()
        .map(|(district, params)| {
            if options.out_of_time() && started.load(Ordering::Relaxed) {
                return Ok(None);
            }
            started.store(true, Ordering::Relaxed);
            curve(district, params, even, total_rupiah, options).map(Some)
        })
        .collect::<Result<Vec<Option<Curve>>, PlanError>>()?;
    let planned: Vec<usize> = (0..curves.len()).filter(|&d| curves[d].is_some()).collect();
    let not_planned: Vec<usize> = (0..curves.len()).filter(|&d| curves[d].is_none()).collect();
    let solved: Vec<Curve> = curves.into_iter().flatten().collect();
    let mut result = split(&solved, total_rupiah);
    for share in &mut result.shares {
        share.district = planned[share.district];
    }
    // Unknown lower bounds may be as low as nothing.
    result.districts_reaching_target_upper_bound = result
        .districts_reaching_target_upper_bound
        .saturating_add(not_planned.len() as u32);
    result.not_planned = not_planned;
    Ok(result)
}

/// A district's curve: its least budget for the deadline and plans at a few
/// smaller budgets (or, when it cannot reach the target at all, at shares of
/// an even split), none above the total.
pub fn curve(
    district: &District,
    params: &Parameters,
    even_rupiah: i64,
    total_rupiah: i64,
    options: &Options<'_>,
) -> Result<Curve, PlanError> {
    let minimum = solve::minimum_budget(district, params, options)?;
    let mut points = Vec::new();
    let reference = match &minimum.minimum {
        Some((budget, plan)) if *budget <= total_rupiah => {
            points.push(CurvePoint::of(plan, *budget));
            *budget
        }
        // Not within the total: what shares of an even split buy.
        Some(_) => even_rupiah,
        None => even_rupiah,
    };
    let mut budgets: Vec<i64> = PARTIAL_SHARES
        .iter()
        .map(|share| (reference as f64 * share) as i64 / STEP_RUPIAH * STEP_RUPIAH)
        .chain([0, reference.min(total_rupiah)])
        .filter(|&b| b >= 0 && b <= total_rupiah)
        .collect();
    budgets.sort_unstable();
    budgets.dedup();
    budgets.retain(|b| points.iter().all(|p| p.budget_rupiah != *b));
    let planned = budgets
        .par_iter()
        .map(|&budget_rupiah| {
            let at = Parameters {
                budget_rupiah,
                ..params.clone()
            };
            solve::plan(district, &at, options).map(|plan| CurvePoint::of(&plan, budget_rupiah))
        })
        .collect::<Result<Vec<CurvePoint>, PlanError>>()?;
    points.extend(planned);
    points.sort_by_key(|p| p.budget_rupiah);
    Ok(Curve {
        minimum_budget_rupiah: minimum.minimum.map(|(budget, _)| budget),
        lower_bound_rupiah: minimum.lower_bound_rupiah,
        points,
    })
}

/// The best choice of one point per curve within the total: the most
/// districts reaching their targets, then the most IKD by the deadline,
/// then the least money. Exact over the points given: a knapsack over money
/// in whole steps, each point's budget rounded up to a step so that the
/// shares never add up to more than the total.
pub fn split(curves: &[Curve], total_rupiah: i64) -> Split {
    let total_rupiah = total_rupiah.max(0);
    let step = STEP_RUPIAH.max(up(total_rupiah, MAX_STEPS));
    let capacity = (total_rupiah / step) as usize;
    let steps_of = |budget: i64| up(budget.max(0), step) as usize;
    // value[c] = the best (reaching, activations, −money) over the curves so
    // far using at most c steps; choice[d][c] = the point curve d takes.
    type Value = (u32, i64, i64);
    let mut value: Vec<Option<Value>> = vec![Some((0, 0, 0)); capacity + 1];
    let mut choice: Vec<Vec<u16>> = Vec::with_capacity(curves.len());
    for curve in curves {
        let mut next: Vec<Option<Value>> = vec![None; capacity + 1];
        let mut taken = vec![u16::MAX; capacity + 1];
        for (index, point) in curve.points.iter().enumerate() {
            let cost = steps_of(point.budget_rupiah);
            if cost > capacity {
                continue;
            }
            for c in cost..=capacity {
                let Some((reaching, ikd, money)) = value[c - cost] else {
                    continue;
                };
                let candidate = (
                    reaching + u32::from(point.reaches_target),
                    ikd + point.ikd_activated_by_deadline,
                    money - point.budget_rupiah,
                );
                if next[c].is_none_or(|best| candidate > best) {
                    next[c] = Some(candidate);
                    taken[c] = index as u16;
                }
            }
        }
        value = next;
        choice.push(taken);
    }
    // Walk back from the best final state.
    let mut at = (0..=capacity)
        .filter(|&c| value[c].is_some())
        .max_by_key(|&c| (value[c], std::cmp::Reverse(c)))
        .unwrap_or(0);
    let mut picked = vec![None; curves.len()];
    for d in (0..curves.len()).rev() {
        let index = choice[d][at];
        if index == u16::MAX {
            break;
        }
        let point = &curves[d].points[index as usize];
        picked[d] = Some(index as usize);
        at -= steps_of(point.budget_rupiah);
    }
    let shares: Vec<Share> = curves
        .iter()
        .enumerate()
        .map(|(d, curve)| {
            // Every curve has its Rp 0 point, so a choice always exists; an
            // empty curve (no points at all) gets nothing.
            let point = picked[d]
                .map(|i| curve.points[i].clone())
                .unwrap_or(CurvePoint {
                    budget_rupiah: 0,
                    reaches_target: false,
                    target_date: None,
                    working_days: 0,
                    ikd_activated_by_deadline: 0,
                    coverage: 0.0,
                    cost_rupiah: 0,
                    already_reached: false,
                });
            Share {
                district: d,
                point,
                minimum_budget_rupiah: curve.minimum_budget_rupiah,
                lower_bound_rupiah: curve.lower_bound_rupiah,
            }
        })
        .collect();
    Split {
        districts_reaching_target: shares.iter().filter(|s| s.point.reaches_target).count() as u32,
        districts_reaching_target_upper_bound: reaching_upper_bound(curves, total_rupiah),
        allocated_rupiah: shares.iter().map(|s| s.point.budget_rupiah).sum(),
        shares,
        not_planned: Vec::new(),
    }
}

/// `a ÷ b` rounded up, for `a ≥ 0` and `b > 0`.
fn up(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b != 0)
}

/// The most districts whose proven least budgets fit in the total together:
/// a district reaches its target by the deadline only with at least its
/// lower bound, so no split brings more of them there.
fn reaching_upper_bound(curves: &[Curve], total_rupiah: i64) -> u32 {
    let mut bounds: Vec<i64> = curves.iter().filter_map(|c| c.lower_bound_rupiah).collect();
    bounds.sort_unstable();
    let mut spent: i64 = 0;
    let mut count = 0;
    for bound in bounds {
        spent = spent.saturating_add(bound);
        if spent > total_rupiah {
            break;
        }
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(budget_rupiah: i64, reaches_target: bool, ikd: i64) -> CurvePoint {
        CurvePoint {
            budget_rupiah,
            reaches_target,
            target_date: None,
            working_days: 0,
            ikd_activated_by_deadline: ikd,
            coverage: 0.0,
            cost_rupiah: budget_rupiah,
            already_reached: false,
        }
    }

    fn curve(minimum: i64, lower_bound: i64, ikd_at_zero: i64) -> Curve {
        Curve {
            minimum_budget_rupiah: Some(minimum),
            lower_bound_rupiah: Some(lower_bound),
            points: vec![
                point(0, false, ikd_at_zero),
                point(minimum / 2, false, ikd_at_zero + 1_000),
                point(minimum, true, ikd_at_zero + 3_000),
            ],
        }
    }

    #[test]
    fn the_most_districts_reach_their_targets_then_the_most_ikd_then_the_least_money() {
        // In Rp 170 juta two of the three fit (100 + 60 or 60 + 80), never
        // three. Both pairs give 19.500 IKD (the third district at Rp 0 or
        // nothing bought for the Rp 10 or 30 juta left), so the cheaper
        // pair wins.
        let curves = [
            curve(100_000_000, 95_000_000, 5_000),
            curve(60_000_000, 58_000_000, 4_000),
            curve(80_000_000, 70_000_000, 4_500),
        ];
        let split = split(&curves, 170_000_000);
        assert_eq!(split.districts_reaching_target, 2);
        assert_eq!(split.districts_reaching_target_upper_bound, 2);
        let reached: Vec<usize> = split
            .shares
            .iter()
            .filter(|s| s.point.reaches_target)
            .map(|s| s.district)
            .collect();
        assert_eq!(reached, [1, 2]);
        assert_eq!(split.allocated_rupiah, 140_000_000);
        let ikd: i64 = split
            .shares
            .iter()
            .map(|s| s.point.ikd_activated_by_deadline)
            .sum();
        assert_eq!(ikd, 19_500);
    }

    #[test]
    fn shares_never_exceed_the_total_even_in_odd_amounts() {
        let curves = [
            curve(33_333_333, 30_000_000, 1_000),
            curve(33_333_333, 30_000_000, 1_000),
            curve(33_333_334, 30_000_000, 1_000),
        ];
        // Exactly the sum: every budget rounds up to a step, so one curve
        // must settle for less.
        let split = split(&curves, 100_000_000);
        assert!(split.allocated_rupiah <= 100_000_000);
        assert_eq!(split.districts_reaching_target, 2);
        assert_eq!(split.districts_reaching_target_upper_bound, 3);
    }

    #[test]
    fn nothing_to_split_gives_nothing() {
        let curves = [curve(10_000_000, 9_000_000, 7)];
        let split = split(&curves, 0);
        assert_eq!(split.allocated_rupiah, 0);
        assert_eq!(split.districts_reaching_target, 0);
        assert_eq!(split.districts_reaching_target_upper_bound, 0);
        assert_eq!(split.shares[0].point.ikd_activated_by_deadline, 7);
    }

    #[test]
    fn every_share_is_a_plan_that_meets_its_reported_date() {
        use crate::fixtures::{self, CURUP};
        let start = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
        let deadline = NaiveDate::from_ymd_opt(2027, 6, 30).expect("a date");
        let params_of = |district: &District| Parameters {
            deadline: Some(deadline),
            ..Parameters::defaults(start, (district.latitude, district.longitude), 0.30)
        };
        let rejang_lebong = fixtures::rejang_lebong();
        assert_eq!((rejang_lebong.latitude, rejang_lebong.longitude), CURUP);
        let districts: Vec<(District, Parameters)> = [
            rejang_lebong,
            District::generate(40, 7),
            District::generate(60, 8),
        ]
        .into_iter()
        .map(|d| {
            let p = params_of(&d);
            (d, p)
        })
        .collect();
        let total = 150_000_000;
        let split = allocate_budget(&districts, total, &Options::default()).expect("a split");
        assert!(split.allocated_rupiah <= total);
        assert_eq!(split.shares.len(), 3);
        assert!(split.districts_reaching_target >= 1);
        assert!(split.districts_reaching_target <= split.districts_reaching_target_upper_bound);
        for share in &split.shares {
            let (district, params) = &districts[share.district];
            let at_share = Parameters {
                budget_rupiah: share.point.budget_rupiah,
                ..params.clone()
            };
            // Planned as the split plans (no rollouts), the share's plan
            // again; planned on its own, at least as good.
            let as_split = Options {
                rollouts: false,
                ..Options::default()
            };
            let again =
                solve::plan(district, &at_share, &as_split).expect("a validated plan at the share");
            assert_eq!(again.summary.reaches_target, share.point.reaches_target);
            assert_eq!(again.summary.target_date, share.point.target_date);
            let alone = solve::plan(district, &at_share, &Options::default())
                .expect("a validated plan at the share");
            if share.point.reaches_target {
                assert!(alone.summary.target_date <= share.point.target_date);
                assert!(share.point.target_date.expect("a date") <= deadline);
                let lower = share.lower_bound_rupiah.expect("a bound");
                assert!(lower <= share.point.budget_rupiah);
            }
        }
    }

    #[test]
    fn out_of_time_a_district_not_started_is_named_not_planned() {
        let start = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
        let districts: Vec<(District, Parameters)> =
            [District::generate(30, 1), District::generate(30, 2)]
                .into_iter()
                .map(|d| {
                    let p = Parameters {
                        deadline: NaiveDate::from_ymd_opt(2027, 6, 30),
                        ..Parameters::defaults(start, (d.latitude, d.longitude), 0.30)
                    };
                    (d, p)
                })
                .collect();
        let spent = Options {
            stop_at: Some(std::time::Instant::now()),
            ..Options::default()
        };
        let split = allocate_budget(&districts, 100_000_000, &spent).expect("an answer");
        // One district always runs; the other was not started.
        assert_eq!(split.shares.len(), 1);
        assert_eq!(split.not_planned.len(), 1);
        assert_ne!(split.shares[0].district, split.not_planned[0]);
        // Nothing is known of it, so it is not excluded from the ceiling.
        assert!(split.districts_reaching_target_upper_bound >= 1);
    }
}
