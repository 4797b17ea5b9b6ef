//! The budget curve of issue: Rejang Lebong from 2027-01-04, days, bound, gap.
use jemput_optimizer::{fixtures, params::Parameters, solve};
fn main() {
    let d = fixtures::rejang_lebong();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let mut pairs: Vec<(u32, i64)> = Vec::new();
    for b in [
        0, 25, 50, 75, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 225, 250, 300, 400,
    ] {
        pairs.push((4, b));
    }
    for b in [50, 100, 150, 200, 250, 300, 350, 400] {
        pairs.push((6, b));
    }
    let filter: Vec<String> = std::env::args().skip(1).collect();
    let mut gaps = Vec::new();
    for (teams, juta) in pairs {
        if !filter.is_empty() && !filter.contains(&format!("{teams}:{juta}")) {
            continue;
        }
        let mut p = Parameters::defaults(start, fixtures::CURUP, 0.30);
        p.budget_rupiah = juta * 1_000_000;
        p.teams = teams;
        let t = std::time::Instant::now();
        let plan = solve::plan(&d, &p, &solve::Options::default()).expect("plan");
        let s = &plan.summary;
        let lb = s.lower_bound_working_days.unwrap_or(0);
        let gap = (s.working_days as f64 - lb as f64) / lb.max(1) as f64;
        gaps.push(gap);
        let days: Vec<_> = plan.itinerary.teams.iter().flat_map(|t| &t.days).collect();
        println!(
            "{teams} {juta:>4} jt: days {:>4} lb {:>4} gap {:>6.1}% cost {:>11} mobile {:>6} teamdays {:>4} overnight {:>3} {:?} {:.2}s",
            s.working_days,
            lb,
            gap * 100.0,
            s.cost.total(),
            s.mobile_activations,
            days.len(),
            days.iter().filter(|d| d.overnight()).count(),
            s.binding,
            t.elapsed().as_secs_f64()
        );
    }
    gaps.sort_by(f64::total_cmp);
    if !gaps.is_empty() {
        println!(
            "worst {:.1}% median {:.1}%",
            gaps[gaps.len() - 1] * 100.0,
            gaps[gaps.len() / 2] * 100.0
        );
    }
}
