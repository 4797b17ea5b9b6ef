//! `cargo bench -p jemput-optimizer [--features highs]`: solve times (median
//! of 5), working days, lower bound and gap for Rejang Lebong (defaults,
//! Rp 250.000.000, 4 teams) and a generated district of 900 villages, with
//! every LP solver built in. Results are recorded in docs/BENCHMARKS.md.

use std::time::Instant;

use chrono::NaiveDate;
use jemput_optimizer::bound::LpSolver;
use jemput_optimizer::district::District;
use jemput_optimizer::fixtures::{self, CURUP};
use jemput_optimizer::params::Parameters;
use jemput_optimizer::solve::{self, Options};

const RUNS: usize = 5;

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

fn case(name: &str, district: &District, params: &Parameters) {
    let mut baseline = None;
    for solver in solvers() {
        let options = Options {
            solver,
            ..Options::default()
        };
        let mut times = Vec::with_capacity(RUNS);
        let mut last = None;
        for _ in 0..RUNS {
            let started = Instant::now();
            let plan = solve::plan(district, params, &options).expect("a valid plan");
            times.push(started.elapsed().as_secs_f64());
            last = Some(plan);
        }
        let plan = last.expect("ran");
        let s = &plan.summary;
        let t = median(times);
        let ratio = match baseline {
            None => {
                baseline = Some(t);
                1.0
            }
            Some(b) => t / b,
        };
        println!(
            "| {name} | {} | {:.3} | {:.2} | {} | {} | {:.1}% | {} | Rp {} |",
            solver.name(),
            t,
            ratio,
            s.working_days,
            s.lower_bound_working_days
                .map_or("-".to_string(), |b| b.to_string()),
            s.optimality_gap * 100.0,
            s.reaches_target,
            s.cost.total(),
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let start = NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date");
    println!(
        "| case | LP solver | median s (of {RUNS}) | × first solver | working days | lower bound | gap | reaches | cost |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");

    let rejang_lebong = fixtures::rejang_lebong();
    let params = Parameters {
        budget_rupiah: 250_000_000,
        teams: 4,
        ..Parameters::defaults(start, CURUP, 0.30)
    };
    case(
        "Rejang Lebong, Rp 250 juta, 4 teams",
        &rejang_lebong,
        &params,
    );

    let generated = District::generate(900, 2026);
    let params = Parameters {
        budget_rupiah: 2_500_000_000,
        teams: 20,
        ..Parameters::defaults(start, (generated.latitude, generated.longitude), 0.30)
    };
    case(
        &format!(
            "generated 900 villages ({} recorded), Rp 2,5 M, 20 teams",
            generated.ktp_el_recorded
        ),
        &generated,
        &params,
    );
}
