//! Prints plan summaries for a few budgets on Rejang Lebong, with where team time goes.
use jemput_optimizer::{fixtures, params::Parameters, solve};
fn main() {
    let d = fixtures::rejang_lebong();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let budgets: Vec<i64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    for budget in budgets {
        let mut p = Parameters::defaults(start, fixtures::CURUP, 0.30);
        p.budget_rupiah = budget;
        let t = std::time::Instant::now();
        match solve::plan(&d, &p, &solve::Options::default()) {
            Ok(plan) => {
                let s = &plan.summary;
                let days: Vec<_> = plan.itinerary.teams.iter().flat_map(|t| &t.days).collect();
                let overnight = days.iter().filter(|d| d.overnight()).count();
                let travel: f64 = days.iter().map(|d| d.travel_minutes).sum();
                let used: f64 = days.iter().map(|d| d.used_minutes).sum();
                let stops: usize = days.iter().map(|d| d.stops.len()).sum();
                let idle = days.len() as f64 * 480.0 - used;
                println!(
                    "Rp {budget:>12}: days {:>4} lb {:?} gap {:.3} cost {:>11} outreach {:>10} mobile {:>6} teamdays {} stops {stops} overnight {overnight} travel {:.0} idle {:.0} per-day {:.0} unvisited {} {:?} {:.0} ms",
                    s.working_days,
                    s.lower_bound_working_days,
                    s.optimality_gap,
                    s.cost.total(),
                    s.cost.outreach_rupiah,
                    s.mobile_activations,
                    days.len(),
                    travel,
                    idle,
                    s.mobile_activations as f64 / days.len().max(1) as f64,
                    plan.unvisited.len(),
                    s.binding,
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
            Err(e) => println!("Rp {budget}: error {e:?}"),
        }
        if let Ok(plan) = solve::plan(&d, &p, &solve::Options::default()) {
            // near the end: how far from the target each of the last days is
            let t = plan.summary.target_count;
            let tail: Vec<_> = plan
                .projection
                .iter()
                .rev()
                .take(4)
                .map(|p| (p.day, p.ikd_activated - t))
                .collect();
            println!("  near the end: {tail:?}");
        }
    }
}
