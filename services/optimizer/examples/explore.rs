//! Where a plan's team time and money go, against the proven bounds:
//! Rejang Lebong from 2027-01-04 (the budget curve's start), one line per
//! `teams:juta` argument, e.g.
//! `cargo run --release -p jemput-optimizer --features fixtures --example explore -- 4:150 6:150`;
//! and, per `teams@deadline` argument (e.g. `4@2027-02-24`), the least
//! budget that reaches the target by that date against its proven bound.
use std::collections::BTreeSet;

use jemput_optimizer::{fixtures, params::Parameters, solve};

fn main() {
    let district = fixtures::rejang_lebong();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
    for arg in std::env::args().skip(1) {
        if let Some((teams, deadline)) = arg.split_once('@') {
            least_budget(&district, start, teams, deadline);
            continue;
        }
        let Some((teams, juta)) = arg.split_once(':') else {
            eprintln!("{arg}: expected teams:juta, e.g. 4:150");
            continue;
        };
        let (Ok(teams), Ok(juta)) = (teams.parse::<u32>(), juta.parse::<i64>()) else {
            eprintln!("{arg}: expected teams:juta, e.g. 4:150");
            continue;
        };
        let mut params = Parameters::defaults(start, fixtures::CURUP, 0.30);
        params.teams = teams;
        params.budget_rupiah = juta * 1_000_000;
        let started = std::time::Instant::now();
        let plan = match solve::plan(&district, &params, &solve::Options::default()) {
            Ok(plan) => plan,
            Err(error) => {
                println!("{arg}: {error:?}");
                continue;
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        let s = &plan.summary;
        let days: Vec<_> = plan.itinerary.teams.iter().flat_map(|t| &t.days).collect();
        let travel: f64 = days.iter().map(|d| d.travel_minutes).sum();
        let used: f64 = days.iter().map(|d| d.used_minutes).sum();
        let offered = days.len() as f64 * params.workday_minutes as f64;
        let stops: usize = days.iter().map(|d| d.stops.len()).sum();
        let visit_days: BTreeSet<(usize, u32)> = days
            .iter()
            .flat_map(|d| d.stops.iter().map(|stop| (stop.village, d.day)))
            .collect();
        let c = &s.cost;
        println!(
            "{teams} teams, Rp {juta} juta: {} working days (bound {:?}), {} mobile activations \
             (upper bound for these days {:?}), {:?} binds, {seconds:.2} s",
            s.working_days,
            s.lower_bound_working_days,
            s.mobile_activations,
            s.mobile_activations_upper_bound,
            s.binding,
        );
        println!(
            "  {} team-days ({offered:.0} min): service {:.0}, travel {travel:.0}, idle {:.0}; \
             {stops} stops on {} visit days",
            days.len(),
            used - travel,
            offered - used,
            visit_days.len(),
        );
        println!(
            "  cost {} (no plan of these days for less than {}): per diem {}, vehicle {}, fuel {}, outreach {}, lodging {}",
            c.total(),
            s.cost_lower_bound_rupiah.map_or(
                "- (not stated: the money does not bind)".to_string(),
                |least| least.to_string()
            ),
            c.per_diem_rupiah,
            c.vehicle_rupiah,
            c.fuel_rupiah,
            c.outreach_rupiah,
            c.lodging_rupiah,
        );
        println!("  {}", s.method.describe());
    }
}

/// The least budget for `teams` to reach the target by `deadline`, its proven
/// lower bound, and the plan at it.
fn least_budget(
    district: &jemput_optimizer::district::District,
    start: chrono::NaiveDate,
    teams: &str,
    deadline: &str,
) {
    let (Ok(teams), Some(deadline)) = (
        teams.parse::<u32>(),
        jemput_optimizer::calendar::parse_date(deadline),
    ) else {
        eprintln!("{teams}@{deadline}: expected teams@YYYY-MM-DD, e.g. 4@2027-06-30");
        return;
    };
    let mut params = Parameters::defaults(start, fixtures::CURUP, 0.30);
    params.teams = teams;
    params.deadline = Some(deadline);
    let started = std::time::Instant::now();
    let found = match solve::minimum_budget(district, &params, &solve::Options::default()) {
        Ok(found) => found,
        Err(error) => {
            println!("{teams}@{deadline}: {error:?}");
            return;
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let bound = match found.lower_bound_rupiah {
        Some(bound) => format!("proven at least Rp {bound}"),
        None => "proven that no budget does".to_string(),
    };
    let Some((least, plan)) = found.minimum else {
        println!("{teams} teams by {deadline}: no budget found; {bound}; {seconds:.1} s");
        return;
    };
    let s = &plan.summary;
    println!(
        "{teams} teams by {deadline}: least budget Rp {least}, {bound}; its plan {} working \
         days at Rp {}; {seconds:.1} s",
        s.working_days,
        s.cost.total(),
    );
    println!("  {}", s.method.describe());
}
