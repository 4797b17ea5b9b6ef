//! `cargo bench -p jemput-optimizer --features fixtures[,highs]`: how fast
//! plans are made and how close they are to their proven lower bound, with
//! every LP solver built in, in one run. Results are recorded in
//! docs/BENCHMARKS.md.
//!
//! - Rejang Lebong, Rp 250 juta, 4 teams: median solve time of 5.
//! - A generated district of 900 villages: median of 3.
//! - The budget curve of Rejang Lebong from 2027-01-04 (27 budget/team
//!   pairs): working days, lower bound, gap and median solve time of 3 for
//!   each, whether days never rise with budget, the worst and median gap.
//! - The least budget for 2027-06-30 with 4 teams against its proven lower
//!   bound.
//!
//! `JEMPUT_BENCH_ONLY=curve` (or `times`, `minimum`) runs one part.

use std::time::Instant;

use chrono::NaiveDate;
use jemput_optimizer::bound::LpSolver;
use jemput_optimizer::district::District;
use jemput_optimizer::fixtures::{self, CURUP};
use jemput_optimizer::params::Parameters;
use jemput_optimizer::solve::{self, Options, Plan};

fn solvers() -> Vec<LpSolver> {
    #[cfg(feature = "highs")]
    return vec![LpSolver::Microlp, LpSolver::Highs];
    #[cfg(not(feature = "highs"))]
    return vec![LpSolver::Microlp];
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Solves `runs` times; the last plan and the median seconds.
fn timed(district: &District, params: &Parameters, solver: LpSolver, runs: usize) -> (Plan, f64) {
    let options = Options {
        solver,
        ..Options::default()
    };
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let plan = solve::plan(district, params, &options).expect("a valid plan");
        times.push(started.elapsed().as_secs_f64());
        last = Some(plan);
    }
    (last.expect("ran"), median(times))
}

/// (days − bound) ÷ bound, as the gap is defined.
fn gap(plan: &Plan) -> f64 {
    plan.summary.optimality_gap
}

fn times(start: NaiveDate) {
    println!(
        "| case | LP solver | median s | × first solver | working days | lower bound | gap | made by |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let rejang_lebong = fixtures::rejang_lebong();
    let generated = District::generate(900, 2026);
    let cases = [
        (
            "Rejang Lebong, Rp 250 juta, 4 teams (of 5)".to_string(),
            &rejang_lebong,
            Parameters {
                budget_rupiah: 250_000_000,
                teams: 4,
                ..Parameters::defaults(start, CURUP, 0.30)
            },
            5,
        ),
        (
            format!(
                "generated 900 villages ({} recorded), Rp 2,5 M, 20 teams (of 3)",
                generated.ktp_el_recorded
            ),
            &generated,
            Parameters {
                budget_rupiah: 2_500_000_000,
                teams: 20,
                ..Parameters::defaults(start, (generated.latitude, generated.longitude), 0.30)
            },
            3,
        ),
    ];
    for (name, district, params, runs) in cases {
        let mut baseline = None;
        for solver in solvers() {
            let (plan, t) = timed(district, &params, solver, runs);
            let ratio = t / *baseline.get_or_insert(t);
            let s = &plan.summary;
            println!(
                "| {name} | {} | {t:.3} | {ratio:.2} | {} | {} | {:.1}% | {} |",
                solver.name(),
                s.working_days,
                s.lower_bound_working_days
                    .map_or("-".to_string(), |b| b.to_string()),
                gap(&plan) * 100.0,
                s.method.describe(),
            );
        }
    }
}

fn curve(start: NaiveDate) {
    let district = fixtures::rejang_lebong();
    let mut pairs: Vec<(u32, i64)> = Vec::new();
    for juta in [
        0, 25, 50, 75, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 225, 250, 300, 400,
    ] {
        pairs.push((4, juta));
    }
    for juta in [50, 100, 150, 200, 250, 300, 350, 400] {
        pairs.push((6, juta));
    }
    for solver in solvers() {
        println!("\n{} (median of 3 solves per pair)\n", solver.name());
        println!(
            "| teams | budget | working days | lower bound | gap | cost | median s | made by |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        let mut gaps = Vec::new();
        let mut previous: Option<(u32, u32)> = None;
        let mut rises = Vec::new();
        let mut slowest: f64 = 0.0;
        for &(teams, juta) in &pairs {
            let params = Parameters {
                budget_rupiah: juta * 1_000_000,
                teams,
                ..Parameters::defaults(start, CURUP, 0.30)
            };
            let (plan, t) = timed(&district, &params, solver, 3);
            let s = &plan.summary;
            if let Some((t0, d0)) = previous
                && t0 == teams
                && s.working_days > d0
            {
                rises.push(format!("{teams} teams at Rp {juta} juta"));
            }
            previous = Some((teams, s.working_days));
            gaps.push(gap(&plan));
            slowest = slowest.max(t);
            println!(
                "| {teams} | Rp {juta} juta | {} | {} | {:.1}% | Rp {} | {t:.3} | {} |",
                s.working_days,
                s.lower_bound_working_days
                    .map_or("-".to_string(), |b| b.to_string()),
                gap(&plan) * 100.0,
                s.cost.total(),
                s.method.describe(),
            );
        }
        gaps.sort_by(f64::total_cmp);
        println!(
            "\n{}: worst gap {:.1}%, median {:.1}%, slowest pair {slowest:.2} s; days rise with budget at: {}",
            solver.name(),
            gaps[gaps.len() - 1] * 100.0,
            gaps[gaps.len() / 2] * 100.0,
            if rises.is_empty() {
                "nowhere".to_string()
            } else {
                rises.join(", ")
            }
        );
    }
}

fn minimum(start: NaiveDate) {
    let district = fixtures::rejang_lebong();
    let params = Parameters {
        deadline: NaiveDate::from_ymd_opt(2027, 6, 30),
        ..Parameters::defaults(start, CURUP, 0.30)
    };
    println!("\n| LP solver | minimum budget | proven lower bound | above the bound | s |");
    println!("|---|---|---|---|---|");
    for solver in solvers() {
        let options = Options {
            solver,
            ..Options::default()
        };
        let started = Instant::now();
        let found = solve::minimum_budget(&district, &params, &options).expect("a plan");
        let seconds = started.elapsed().as_secs_f64();
        let (Some(minimum), Some(bound)) = (found.minimum_budget_rupiah, found.lower_bound_rupiah)
        else {
            println!("| {} | none | - | - | {seconds:.1} |", solver.name());
            continue;
        };
        println!(
            "| {} | Rp {minimum} | Rp {bound} | {:.1}% | {seconds:.1} |",
            solver.name(),
            (minimum - bound) as f64 / bound as f64 * 100.0
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let only = std::env::var("JEMPUT_BENCH_ONLY").unwrap_or_default();
    let from_2026 = NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date");
    let from_2027 = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
    if only.is_empty() || only == "times" {
        times(from_2026);
    }
    if only.is_empty() || only == "curve" {
        curve(from_2027);
    }
    if only.is_empty() || only == "minimum" {
        minimum(from_2027);
    }
}
