//! Debug: generated district plan vs bound.
use jemput_optimizer::{
    bound::{LpSolver, Relaxation},
    district::District,
    params::Parameters,
    solve,
    travel::Travel,
};
fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let district = District::generate(n, 11);
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut p = Parameters::defaults(start, (district.latitude, district.longitude), 0.30);
    p.budget_rupiah = 1_200_000_000;
    p.teams = 10;
    let t = std::time::Instant::now();
    let plan = solve::plan(&district, &p, &solve::Options::default()).unwrap();
    let s = &plan.summary;
    println!(
        "days {} lb {:?} cost {} mobile {} need {} {:.0}ms",
        s.working_days,
        s.lower_bound_working_days,
        s.cost.total(),
        s.mobile_activations,
        s.gap_at_start,
        t.elapsed().as_secs_f64() * 1e3
    );
    let travel = Travel::new(&district, &p).unwrap();
    let pools = district.pools(&p);
    let r = Relaxation::new(&p, &travel, &pools, s.gap_at_start);
    println!("{:?}", r.lower_bound(LpSolver::Microlp));
    let mut per_day = vec![0i64; 200];
    for t in &plan.itinerary.teams {
        for d in &t.days {
            per_day[d.day as usize] += d.expected_activations();
        }
    }
    println!("{:?}", &per_day[..(s.working_days as usize + 2).min(200)]);
}
