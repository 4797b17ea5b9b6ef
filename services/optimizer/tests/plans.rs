//! Plans for Rejang Lebong and a generated district, each checked by the
//! validator (inside `solve::plan`) and against what a planner would expect.

use chrono::NaiveDate;
use jemput_optimizer::bound::{LpSolver, Relaxation};
use jemput_optimizer::district::{District, VisitState};
use jemput_optimizer::fixtures::{self, CURUP};
use jemput_optimizer::params::Parameters;
use jemput_optimizer::solve::{self, Options, PlanError};
use jemput_optimizer::travel::Travel;
use jemput_optimizer::validate::{Rules, validate};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn params(budget_rupiah: i64) -> Parameters {
    Parameters {
        budget_rupiah,
        ..Parameters::defaults(start(), CURUP, 0.30)
    }
}

/// Validates a plan a second time from outside the solver.
fn revalidate(district: &District, plan: &solve::Plan) {
    let travel = Travel::new(district, &plan.parameters).unwrap();
    let limit = plan.summary.working_days.max(plan.itinerary.last_day());
    let rules = Rules {
        district,
        params: &plan.parameters,
        travel: &travel,
        limit_day: limit,
        kept_through: 0,
        need: plan.summary.gap_at_start,
    };
    let derived = validate(&rules, &plan.itinerary)
        .unwrap_or_else(|errors| panic!("invalid plan: {errors:#?}"));
    assert_eq!(derived.cost, plan.summary.cost);
    assert_eq!(derived.mobile_activations, plan.summary.mobile_activations);
    assert!(plan.summary.cost.total() <= plan.parameters.budget_rupiah);
}

#[test]
fn rp_250_juta_with_4_teams_reaches_30_percent_with_a_bound() {
    let district = fixtures::rejang_lebong();
    let plan = solve::plan(&district, &params(250_000_000), &Options::default()).unwrap();
    revalidate(&district, &plan);
    let s = &plan.summary;
    assert!(s.reaches_target);
    assert_eq!(s.target_count, 60_846);
    assert_eq!(s.gap_at_start, 50_421);
    let bound = s.lower_bound_working_days.expect("a bound");
    assert!(bound <= s.working_days, "{bound} > {}", s.working_days);
    // Four teams cannot do it in under a month, and should not need a quarter.
    assert!((25..=60).contains(&s.working_days), "{}", s.working_days);
    let last = plan.projection.last().unwrap();
    assert!(last.ikd_activated >= 60_846);
    assert_eq!(plan.itinerary.teams.len(), 4);
    // The teams set the pace here: the least cost of these days is stated
    // only where the money does.
    assert_eq!(s.binding, solve::Binding::Teams);
    assert_eq!(s.cost_lower_bound_rupiah, None);
    // Every village not visited says why.
    assert!(plan.unvisited.iter().all(|u| !u.reason.is_empty()));
}

/// Where the teams set the pace, more money buys no days, and a plan does
/// not spend it for nothing: with 4 teams from 2027-01-04, Rp 200 juta
/// plans the days Rp 160 juta does, for no more, and within 4% of the least
/// any plan of those days could cost (5,3% when every allocation was a
/// share of the budget).
#[test]
fn where_the_teams_bind_more_money_is_not_spent_for_nothing() {
    let district = fixtures::rejang_lebong();
    let at = |juta: i64| {
        let p = Parameters {
            budget_rupiah: juta * 1_000_000,
            ..Parameters::defaults(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(), CURUP, 0.30)
        };
        let plan = solve::plan(&district, &p, &Options::default()).unwrap();
        revalidate(&district, &plan);
        plan
    };
    let (smaller, larger) = (at(160), at(200));
    let s = &larger.summary;
    assert_eq!(s.binding, solve::Binding::Teams);
    assert_eq!(s.working_days, smaller.summary.working_days);
    assert!(
        s.cost.total() <= smaller.summary.cost.total(),
        "Rp {} against Rp {}",
        s.cost.total(),
        smaller.summary.cost.total()
    );
    let by_its_day = Parameters {
        deadline: s.target_date,
        ..larger.parameters.clone()
    };
    let least = solve::budget_lower_bound(&district, &by_its_day, LpSolver::preferred())
        .unwrap()
        .expect("some budget reaches it");
    assert!(
        s.cost.total() as f64 <= 1.04 * least as f64,
        "Rp {} against at least Rp {least}",
        s.cost.total()
    );
}

#[test]
fn rp_0_is_the_office_alone() {
    let district = fixtures::rejang_lebong();
    let plan = solve::plan(&district, &params(0), &Options::default()).unwrap();
    let s = &plan.summary;
    assert!(s.reaches_target);
    assert_eq!(s.working_days, 505);
    assert_eq!(s.lower_bound_working_days, Some(505));
    assert_eq!(s.mobile_activations, 0);
    assert_eq!(s.cost.total(), 0);
    assert_eq!(plan.unvisited.len(), 156);
}

#[test]
fn a_missed_deadline_names_a_budget_that_meets_it() {
    let district = fixtures::rejang_lebong();
    let mut p = params(10_000_000);
    p.deadline = NaiveDate::from_ymd_opt(2027, 6, 30);
    let plan = solve::plan(&district, &p, &Options::default()).unwrap();
    revalidate(&district, &plan);
    assert!(!plan.summary.reaches_target);
    let minimum = plan
        .summary
        .minimum_budget_for_target_rupiah
        .expect("some budget meets the deadline");
    assert!(minimum > 10_000_000 && minimum % 100_000 == 0, "{minimum}");

    assert_eq!(least_budget_by(&p).0, minimum);
}

/// The least budget for `p.deadline`, its proven lower bound and the least
/// cost of its plan's days as the plan states it, checked: the plan at it
/// is valid and meets the deadline, and Rp 100.000 less does not.
fn least_budget_by(p: &Parameters) -> (i64, i64, Option<i64>) {
    let district = fixtures::rejang_lebong();
    let found = solve::minimum_budget(&district, p, &Options::default()).unwrap();
    let (minimum, plan) = found.minimum.expect("some budget meets it");
    let bound = found.lower_bound_rupiah.expect("a proven lower bound");
    assert!(bound <= minimum, "Rp {bound} > Rp {minimum}");
    assert_eq!(minimum % 100_000, 0, "{minimum}");
    revalidate(&district, &plan);
    assert!(plan.summary.reaches_target);
    assert!(plan.summary.target_date <= p.deadline);
    assert!(plan.summary.cost.total() <= minimum);
    // Where the money binds, the plan at the answer states the least cost
    // of its days; reaching on the deadline itself, that is the proven
    // bound of the search.
    let s = &plan.summary;
    let least = s.cost_lower_bound_rupiah;
    if let Some(least) = least {
        assert_eq!(s.binding, solve::Binding::Budget);
        assert!(bound <= least && least <= s.cost.total(), "Rp {least}");
    }
    let mut less = p.clone();
    less.budget_rupiah = minimum - 100_000;
    let short = solve::plan(&district, &less, &Options::default()).unwrap();
    assert!(
        !short.summary.reaches_target,
        "Rp {} is enough",
        less.budget_rupiah
    );
    (minimum, bound, least)
}

/// Four teams from 2027-01-04 with `deadline`.
fn from_2027_by(deadline: NaiveDate) -> Parameters {
    Parameters {
        deadline: Some(deadline),
        ..Parameters::defaults(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(), CURUP, 0.30)
    }
}

#[test]
fn the_least_budget_for_mid_2027_is_close_to_its_proof() {
    let (minimum, bound, least) =
        least_budget_by(&from_2027_by(NaiveDate::from_ymd_opt(2027, 6, 30).unwrap()));
    // The money binds and the plan at the answer reaches the target on the
    // deadline: the least cost of its days is the search's own proof.
    assert_eq!(least, Some(bound));
    assert!(
        (minimum - bound) as f64 <= 0.05 * bound as f64,
        "minimum Rp {minimum}, proven lower bound Rp {bound}"
    );
}

#[test]
fn a_deadline_no_budget_meets_answers_with_the_soonest_plan() {
    // Ten working days: even with every team out every day the target
    // takes far longer, and the relaxation proves it.
    let p = from_2027_by(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
    let district = fixtures::rejang_lebong();
    let found = solve::minimum_budget(&district, &p, &Options::default()).unwrap();
    assert!(found.minimum.is_none());
    assert_eq!(found.lower_bound_rupiah, None);
    // The answer's plan is then the soonest these teams can do with money
    // no limit (the best plan at the request's Rp 0 would be the office
    // alone): no deadline, a budget it does not exhaust, the target
    // reached, valid.
    let plan = &solve::soonest(&district, &p, &Options::default()).unwrap();
    revalidate(&district, plan);
    let s = &plan.summary;
    assert!(s.reaches_target);
    assert!(s.target_date > p.deadline, "{:?}", s.target_date);
    assert!(s.mobile_activations > 0);
    assert!(s.cost.total() < plan.parameters.budget_rupiah);
    assert_eq!(plan.parameters.deadline, None);
    assert!(
        s.lower_bound_working_days
            .is_some_and(|bound| bound > 10 && bound <= s.working_days),
        "{s:?}"
    );
}

#[test]
fn the_least_budget_where_the_teams_almost_bind_is_found_too() {
    // The 38th working day: more money soon stops buying days, so the
    // search cannot aim by the cost of an activation and must widen.
    let (_, bound, least) =
        least_budget_by(&from_2027_by(NaiveDate::from_ymd_opt(2027, 2, 24).unwrap()));
    assert_eq!(least, Some(bound));
}

/// The most mobile activations the relaxation allows a fresh plan of
/// `days` days at `p`'s budget, rounded down as plans state it.
fn most_at(district: &District, p: &Parameters, days: u32) -> Option<i64> {
    let travel = Travel::new(district, p).unwrap();
    let state = VisitState::fresh(district, p);
    let need = district.target_count(p.target_fraction) - district.ikd_activated;
    Relaxation::new(p, &travel, &state, need)
        .most_activations(days, LpSolver::preferred())
        .map(|m| (m + 1e-6).floor() as i64)
}

/// Options whose time is up before the solve starts: only the first
/// candidate (and, on a curve, the smallest budget of each team count) runs.
fn already_out_of_time() -> Options<'static> {
    Options {
        stop_at: Some(std::time::Instant::now()),
        ..Options::default()
    }
}

#[test]
fn a_curve_out_of_time_keeps_plans_without_stating_bounds_it_could_not_solve() {
    // Out of time, only the smallest budget is solved and the larger one
    // keeps its plan. What a plan of those days could do is bounded at
    // the larger budget, which buys more, so the smaller budget's bound
    // would be wrong there; solving it again would run past the caller's
    // deadline on a long curve, so none is stated.
    let district = fixtures::rejang_lebong();
    let options = already_out_of_time();
    let budgets = [100_000_000, 150_000_000];
    let scenarios =
        solve::evaluate_budgets(&district, &params(0), &budgets, &[4], &options).unwrap();
    let (small, large) = (&scenarios[0].plan.summary, &scenarios[1].plan.summary);
    assert_eq!(large.working_days, small.working_days, "the plan is kept");
    assert_eq!(
        small.mobile_activations_upper_bound,
        most_at(&district, &params(budgets[0]), small.working_days)
    );
    assert_eq!(large.mobile_activations_upper_bound, None);
    assert_eq!(small.cost_lower_bound_rupiah, None);
    assert_eq!(large.cost_lower_bound_rupiah, None);
}

#[test]
fn out_of_time_the_best_plan_so_far_comes_with_its_bound() {
    let district = fixtures::rejang_lebong();
    let options = already_out_of_time();
    let quick = solve::plan(&district, &params(150_000_000), &options).unwrap();
    revalidate(&district, &quick);
    let full = solve::plan(&district, &params(150_000_000), &Options::default()).unwrap();
    // Only the first candidate ran: a valid plan, never better than the
    // full search, with the same proven bound.
    assert!(quick.summary.reaches_target);
    assert!(quick.summary.working_days >= full.summary.working_days);
    assert_eq!(
        quick.summary.lower_bound_working_days,
        full.summary.lower_bound_working_days
    );
    assert!(quick.summary.lower_bound_working_days.unwrap() <= quick.summary.working_days);
}

#[test]
fn more_budget_never_means_more_days() {
    let district = fixtures::rejang_lebong();
    let budgets = [
        0,
        25_000_000,
        50_000_000,
        100_000_000,
        150_000_000,
        200_000_000,
        250_000_000,
        400_000_000,
    ];
    let scenarios =
        solve::evaluate_budgets(&district, &params(0), &budgets, &[4], &Options::default())
            .unwrap();
    assert_eq!(scenarios.len(), 8);
    for pair in scenarios.windows(2) {
        assert!(
            pair[1].plan.summary.working_days <= pair[0].plan.summary.working_days,
            "Rp {} takes {} days, Rp {} takes {}",
            pair[1].budget_rupiah,
            pair[1].plan.summary.working_days,
            pair[0].budget_rupiah,
            pair[0].plan.summary.working_days
        );
    }
    let mut stated = 0;
    for s in &scenarios {
        revalidate(&district, &s.plan);
        // The relaxation maximised over the plan's days is an upper bound.
        let summary = &s.plan.summary;
        let most = summary
            .mobile_activations_upper_bound
            .expect("the relaxation solves");
        assert!(
            summary.mobile_activations <= most,
            "Rp {}: {} mobile, most {most}",
            s.budget_rupiah,
            summary.mobile_activations
        );
        // At its own budget, also where a smaller budget's plan was kept:
        // more money lets a plan of the same days do more.
        assert_eq!(
            summary.mobile_activations_upper_bound,
            most_at(&district, &params(s.budget_rupiah), summary.working_days),
            "Rp {}: the upper bound of its own budget",
            s.budget_rupiah
        );
        // Where the money binds, the least cost of the plan's days: the
        // least budget's proof with its target date as the deadline.
        match summary.target_date {
            Some(date) if summary.binding == solve::Binding::Budget && summary.cost.total() > 0 => {
                stated += 1;
                let by_its_day = Parameters {
                    deadline: Some(date),
                    ..s.plan.parameters.clone()
                };
                let least =
                    solve::budget_lower_bound(&district, &by_its_day, LpSolver::preferred())
                        .unwrap();
                assert_eq!(
                    summary.cost_lower_bound_rupiah, least,
                    "Rp {}",
                    s.budget_rupiah
                );
                assert!(least.unwrap() <= summary.cost.total());
            }
            _ => assert_eq!(summary.cost_lower_bound_rupiah, None),
        }
    }
    // Rp 25, 50, 100 and 150 juta.
    assert_eq!(stated, 4);
    // Above ~Rp 200 juta the four teams, not money, set the pace.
    let top = &scenarios[7];
    assert!(top.days_saved_per_extra_10_juta.abs() < 0.5);
}

#[test]
fn more_teams_are_faster_when_money_is_plentiful() {
    let district = fixtures::rejang_lebong();
    let scenarios = solve::evaluate_budgets(
        &district,
        &params(0),
        &[500_000_000],
        &[4, 8],
        &Options::default(),
    )
    .unwrap();
    assert!(scenarios[1].plan.summary.working_days < scenarios[0].plan.summary.working_days);
}

#[test]
fn bad_parameters_name_their_fields() {
    let district = fixtures::rejang_lebong();
    let mut p = params(-1);
    p.teams = 0;
    p.target_fraction = 1.5;
    p.visit_yields = vec![0.2, 0.3];
    let violations = p.validate(start());
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert!(fields.contains(&"parameters.budget_rupiah"));
    assert!(fields.contains(&"parameters.teams"));
    assert!(fields.contains(&"parameters.target_fraction"));
    assert!(fields.contains(&"parameters.visit_yields[1]"));

    let mut p = params(1);
    p.travel_matrix = Some(jemput_optimizer::params::GivenMatrix {
        points: vec!["base".into()],
        distance_km: vec![0.0],
        minutes: vec![0.0, 1.0],
    });
    match solve::plan(&district, &p, &Options::default()) {
        Err(PlanError::InvalidParameters(v)) => {
            let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
            assert!(
                fields.contains(&"parameters.travel_matrix.points"),
                "{fields:?}"
            );
            assert!(
                fields.contains(&"parameters.travel_matrix.minutes"),
                "{fields:?}"
            );
        }
        other => panic!("expected invalid parameters, got {other:?}"),
    }
}

#[test]
fn plans_are_deterministic() {
    let district = fixtures::rejang_lebong();
    let a = solve::plan(&district, &params(120_000_000), &Options::default()).unwrap();
    let b = solve::plan(&district, &params(120_000_000), &Options::default()).unwrap();
    assert_eq!(a.itinerary, b.itinerary);
    assert_eq!(a.summary.working_days, b.summary.working_days);
}

#[test]
fn a_given_matrix_is_used_and_checked() {
    // The same straight-line matrix given explicitly gives the same plan.
    let district = fixtures::rejang_lebong();
    let p = params(80_000_000);
    let travel = Travel::new(&district, &p).unwrap();
    let n = travel.points();
    let mut points = vec!["base".to_string()];
    points.extend(district.villages.iter().map(|v| v.name.clone()));
    let mut km = Vec::with_capacity(n * n);
    let mut minutes = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            km.push(travel.km(i, j));
            minutes.push(travel.minutes(i, j));
        }
    }
    let mut given = p.clone();
    given.travel_matrix = Some(jemput_optimizer::params::GivenMatrix {
        points,
        distance_km: km,
        minutes,
    });
    let a = solve::plan(&district, &p, &Options::default()).unwrap();
    let b = solve::plan(&district, &given, &Options::default()).unwrap();
    assert_eq!(a.itinerary, b.itinerary);
}

#[test]
fn a_generated_district_of_300_villages_plans_validly() {
    let district = District::generate(300, 11);
    let mut p = Parameters::defaults(start(), (district.latitude, district.longitude), 0.30);
    p.budget_rupiah = 1_200_000_000;
    p.teams = 10;
    let plan = solve::plan(&district, &p, &Options::default()).unwrap();
    revalidate(&district, &plan);
    assert!(plan.summary.reaches_target);
    assert!(plan.summary.lower_bound_working_days.unwrap() <= plan.summary.working_days);

    // With too little money the horizon passes first, and the bound says
    // no plan could do better.
    p.budget_rupiah = 100_000_000;
    let plan = solve::plan(&district, &p, &Options::default()).unwrap();
    revalidate(&district, &plan);
    assert!(!plan.summary.reaches_target);
    assert!(plan.summary.lower_bound_working_days.unwrap() > p.horizon_working_days);
}

#[test]
fn a_plan_laid_out_with_more_money_is_kept_when_it_costs_no_more_than_the_budget() {
    // Six teams with Rp 250 juta from January 2027: with the budget itself
    // every route-builder policy runs out of money a day short; laid out
    // with a quarter more, one reaches the bound and costs less than the
    // budget in all.
    let district = fixtures::rejang_lebong();
    let params = Parameters {
        budget_rupiah: 250_000_000,
        teams: 6,
        ..Parameters::defaults(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(), CURUP, 0.30)
    };
    let plan = solve::plan(&district, &params, &Options::default()).unwrap();
    revalidate(&district, &plan);
    let s = &plan.summary;
    assert!(
        matches!(s.method, solve::Method::Policy { budget_share, .. } if budget_share > 1.0),
        "{}",
        s.method.describe()
    );
    assert_eq!(Some(s.working_days), s.lower_bound_working_days);
    assert!(s.cost.total() <= 250_000_000);
}

#[test]
fn where_money_runs_out_before_the_target_each_day_is_laid_out_to_do_the_most() {
    // Four teams with Rp 150 juta from January 2027: the money runs out
    // before the target could be reached by the teams alone, so every
    // activation the money buys counts. Days laid out one way only (and a
    // last team cutting visits it cannot finish) gave 49 working days; the
    // adaptive packer 45; its best plans packed again with a rollout of
    // the adaptive day 44; with allocations that expect idle ends, 43,
    // against a bound of 38.
    let district = fixtures::rejang_lebong();
    let params = Parameters {
        budget_rupiah: 150_000_000,
        ..Parameters::defaults(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(), CURUP, 0.30)
    };
    let plan = solve::plan(&district, &params, &Options::default()).unwrap();
    revalidate(&district, &plan);
    let s = &plan.summary;
    assert!(
        matches!(s.method, solve::Method::Allocation { policy, .. } if policy.rollout),
        "{}",
        s.method.describe()
    );
    assert!(s.working_days <= 43, "{}", s.working_days);
    assert_eq!(s.binding, solve::Binding::Budget);
    // The days are far from their bound, but the activations are close to
    // the most any plan of these days could buy: within 3%.
    let most = s.mobile_activations_upper_bound.expect("solved") as f64;
    let share = s.mobile_activations as f64 / most;
    assert!((0.97..=1.0).contains(&share), "{share}");
    // In money it is closer still: no plan of these days costs less than
    // the relaxation's least budget for them (the same linear programme as
    // the least budget's proof), and this one costs at most 3% more.
    let least = s
        .cost_lower_bound_rupiah
        .expect("stated where the money binds");
    let cost = s.cost.total();
    let by_then = Parameters {
        deadline: s.target_date,
        ..params.clone()
    };
    assert_eq!(
        solve::budget_lower_bound(&district, &by_then, LpSolver::preferred()).unwrap(),
        Some(least)
    );
    assert!(
        least < cost && (cost - least) as f64 <= 0.03 * least as f64,
        "Rp {cost} against Rp {least}"
    );
    // What it proves holds for the planner: with that money no plan of
    // these days is found.
    let less = Parameters {
        budget_rupiah: least,
        ..params.clone()
    };
    let slower = solve::plan(&district, &less, &Options::default()).unwrap();
    revalidate(&district, &slower);
    assert!(slower.summary.working_days > s.working_days);
}
