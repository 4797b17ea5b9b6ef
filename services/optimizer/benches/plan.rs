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
//! - What a plan at the budget cliff is made of (Rp 130–150 juta, 4
//!   teams): team-days, activations, travel and idle minutes, and the
//!   opened visits' caps left undone.
//!
//! - A province's budget split (`allocate::allocate_budget`): Bengkulu's
//!   ten districts from the national region list with GENERATED counts,
//!   at a few totals.
//!
//! - How late a solve with a stop time returns after it: two budget curves
//!   at once (16 budgets, 4 teams, stopping 4,8 s after they start, as a
//!   6 s gRPC deadline has them), alone and beside a plan with no time
//!   limit on the same cores.
//!
//! `JEMPUT_BENCH_ONLY=curve` (or `times`, `minimum`, `cliff`, `allocate`,
//! `deadline`) runs one part.

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
            "| teams | budget | working days | lower bound | gap | mobile / most | cost | least cost of its days | above it | median s | made by |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let mut gaps = Vec::new();
        let mut money_gaps = Vec::new();
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
            // The least money any plan of these days could cost: where the
            // money sets the pace, the days' gap magnifies a small one.
            let cheapest = s.target_date.and_then(|date| {
                let by_then = Parameters {
                    deadline: Some(date),
                    ..params.clone()
                };
                solve::budget_lower_bound(&district, &by_then, solver).expect("a district")
            });
            let above = match cheapest {
                Some(least) if least > 0 => {
                    let above = (s.cost.total() - least) as f64 / least as f64;
                    // Where teams bind, plans buy speed, not thrift.
                    if s.binding == solve::Binding::Budget {
                        money_gaps.push(above);
                    }
                    format!("{:.1}%", above * 100.0)
                }
                _ => "-".to_string(),
            };
            println!(
                "| {teams} | Rp {juta} juta | {} | {} | {:.1}% | {} / {} | Rp {} | {} | {above} | {t:.3} | {} |",
                s.working_days,
                s.lower_bound_working_days
                    .map_or("-".to_string(), |b| b.to_string()),
                gap(&plan) * 100.0,
                s.mobile_activations,
                s.mobile_activations_upper_bound
                    .map_or("-".to_string(), |b| b.to_string()),
                s.cost.total(),
                cheapest.map_or("-".to_string(), |least| format!("Rp {least}")),
                s.method.describe(),
            );
        }
        gaps.sort_by(f64::total_cmp);
        money_gaps.sort_by(f64::total_cmp);
        println!(
            "\n{}: where the money binds ({} pairs), cost above the least cost of the plan's days: worst {:.1}%, median {:.1}%",
            solver.name(),
            money_gaps.len(),
            money_gaps.last().copied().unwrap_or(0.0) * 100.0,
            money_gaps.get(money_gaps.len() / 2).copied().unwrap_or(0.0) * 100.0,
        );
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

/// Where a plan's money goes near the cliff: how full its team-days are,
/// and how much of the visits it opened it leaves undone.
fn cliff(start: NaiveDate) {
    use jemput_optimizer::district::VisitState;
    use std::collections::BTreeMap;
    let district = fixtures::rejang_lebong();
    println!(
        "\n| budget, 4 teams | days | bound | team-days | mobile | per team-day | travel min | idle min | caps left undone | Rp per mobile |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for juta in [130, 140, 150] {
        let params = Parameters {
            budget_rupiah: juta * 1_000_000,
            ..Parameters::defaults(start, CURUP, 0.30)
        };
        let plan = solve::plan(&district, &params, &Options::default()).expect("a valid plan");
        let caps = VisitState::fresh(&district, &params).caps;
        let workday = params.workday_minutes as f64;
        let (mut team_days, mut travel, mut idle) = (0, 0.0, 0.0);
        let mut served: BTreeMap<(usize, u32), i64> = BTreeMap::new();
        for day in plan.itinerary.teams.iter().flat_map(|t| &t.days) {
            team_days += 1;
            travel += day.travel_minutes;
            idle += workday - day.used_minutes;
            for stop in &day.stops {
                *served.entry((stop.village, stop.visit_number)).or_default() +=
                    stop.expected_activations;
            }
        }
        let undone: i64 = served
            .iter()
            .map(|(&(v, k), &done)| caps[v][k as usize - 1] - done)
            .sum();
        let s = &plan.summary;
        println!(
            "| Rp {juta} juta | {} | {} | {team_days} | {} | {:.0} | {travel:.0} | {idle:.0} | {undone} | {:.0} |",
            s.working_days,
            s.lower_bound_working_days
                .map_or("-".to_string(), |b| b.to_string()),
            s.mobile_activations,
            s.mobile_activations as f64 / team_days as f64,
            s.cost.total() as f64 / s.mobile_activations as f64,
        );
    }
}

fn minimum(start: NaiveDate) {
    let district = fixtures::rejang_lebong();
    println!(
        "\n| deadline | LP solver | minimum budget | proven lower bound | above the bound | s |"
    );
    println!("|---|---|---|---|---|---|");
    // From the 38th working day, where the teams almost bind, to the
    // year's end, where the money alone does.
    for (y, m, d) in [(2027, 2, 24), (2027, 3, 31), (2027, 6, 30), (2027, 12, 31)] {
        let params = Parameters {
            deadline: NaiveDate::from_ymd_opt(y, m, d),
            ..Parameters::defaults(start, CURUP, 0.30)
        };
        for solver in solvers() {
            let options = Options {
                solver,
                ..Options::default()
            };
            let started = Instant::now();
            let found = solve::minimum_budget(&district, &params, &options).expect("a plan");
            let seconds = started.elapsed().as_secs_f64();
            let deadline = format!("{y}-{m:02}-{d:02}");
            let (Some((minimum, _)), Some(bound)) = (found.minimum, found.lower_bound_rupiah)
            else {
                println!(
                    "| {deadline} | {} | none | - | - | {seconds:.1} |",
                    solver.name()
                );
                continue;
            };
            println!(
                "| {deadline} | {} | Rp {minimum} | Rp {bound} | {:.1}% | {seconds:.1} |",
                solver.name(),
                (minimum - bound) as f64 / bound as f64 * 100.0
            );
        }
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
    if only.is_empty() || only == "cliff" {
        cliff(from_2027);
    }
    if only.is_empty() || only == "allocate" {
        allocate(from_2027);
    }
    if only.is_empty() || only == "deadline" {
        deadline(from_2027);
    }
}

/// How late two budget curves at once return after their stop time, the
/// median and the worst of five runs, alone and with a plan that has no
/// time limit (Rp 150 juta, the dearest kind: the adaptive round and its
/// rollouts) running beside them on the same thread pool, as another
/// caller's request does in the optimizer.
fn deadline(start: NaiveDate) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    let district = fixtures::rejang_lebong();
    let params = Parameters {
        teams: 4,
        ..Parameters::defaults(start, CURUP, 0.30)
    };
    let busy_params = Parameters {
        budget_rupiah: 150_000_000,
        ..params.clone()
    };
    let budgets: Vec<i64> = (0..16).map(|i| 60_000_000 + i * 15_000_000).collect();
    let allowed = Duration::from_millis(4_800);
    // The same two curves with no stop time, once, for scale.
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                solve::evaluate_budgets(&district, &params, &budgets, &[4], &Options::default())
                    .expect("a curve")
            });
        }
    });
    let whole = started.elapsed().as_secs_f64();
    println!("\nTwo curves at once, with no stop time: {whole:.1} s.");
    println!("\n| beside the curves | runs | late, median s | late, worst s |");
    println!("|---|---|---|---|");
    for busy in [false, true] {
        let mut late = Vec::new();
        for _ in 0..5 {
            let done = AtomicBool::new(false);
            std::thread::scope(|s| {
                if busy {
                    s.spawn(|| {
                        let options = Options {
                            cancel: Some(&done),
                            ..Options::default()
                        };
                        while !done.load(Ordering::Relaxed) {
                            let _ = solve::plan(&district, &busy_params, &options);
                        }
                    });
                    // The other caller's solve is under way first.
                    std::thread::sleep(Duration::from_millis(500));
                }
                let curves: Vec<_> = (0..2)
                    .map(|_| {
                        s.spawn(|| {
                            let stop_at = Instant::now() + allowed;
                            let options = Options {
                                stop_at: Some(stop_at),
                                ..Options::default()
                            };
                            solve::evaluate_budgets(&district, &params, &budgets, &[4], &options)
                                .expect("a curve");
                            Instant::now().saturating_duration_since(stop_at)
                        })
                    })
                    .collect();
                for curve in curves {
                    late.push(curve.join().expect("a curve").as_secs_f64());
                }
                done.store(true, Ordering::Relaxed);
            });
        }
        let worst = late.iter().copied().fold(0.0, f64::max);
        println!(
            "| {} | {} | {:.2} | {worst:.2} |",
            if busy {
                "a plan at Rp 150 juta"
            } else {
                "nothing"
            },
            late.len(),
            median(late),
        );
    }
}

const NATIONAL_LIST: &[u8] = include_bytes!("../../registry/data/indonesia/regions.csv.gz");

/// The districts of `province` from the national list, with GENERATED
/// counts (for this benchmark only; no Dukcapil data): each village
/// 300–2.299 recorded KTP-el by a hash of its code, 5% of them activated.
/// Villages without a point take their kecamatan's, then their district's.
fn generated_province(province: &str) -> Vec<District> {
    use jemput_optimizer::district::{Village, VillageKind};
    use std::collections::BTreeMap;
    let mut reader = csv::Reader::from_reader(flate2::read::GzDecoder::new(NATIONAL_LIST));
    let prefix = format!("{province}.");
    let mut points: BTreeMap<String, (String, f64, f64)> = BTreeMap::new();
    let mut villages: Vec<(String, String, String, f64, f64)> = Vec::new();
    for record in reader.records() {
        let r = record.expect("a row of the national list");
        let (code, parent, level, kind, name) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        if !code.starts_with(&prefix) {
            continue;
        }
        let lat: f64 = r[5].parse().unwrap_or(f64::NAN);
        let lon: f64 = r[6].parse().unwrap_or(f64::NAN);
        if level == "village" {
            villages.push((code.into(), parent.into(), kind.into(), lat, lon));
            points.insert(code.into(), (name.into(), lat, lon));
        } else {
            points.insert(code.into(), (name.into(), lat, lon));
        }
    }
    let districts: Vec<String> = points.keys().filter(|c| c.len() == 5).cloned().collect();
    districts
        .into_iter()
        .map(|d| {
            let (name, lat, lon) = points[&d].clone();
            let mut kecamatan_names = BTreeMap::new();
            let members: Vec<Village> = villages
                .iter()
                .filter(|v| v.0.starts_with(&format!("{d}.")))
                .map(|(code, kecamatan, kind, lat, lon)| {
                    let (kec_name, klat, klon) = points[kecamatan].clone();
                    kecamatan_names.insert(format!("regions/{kecamatan}"), kec_name);
                    let (lat, lon) = if lat.is_finite() {
                        (*lat, *lon)
                    } else if klat.is_finite() {
                        (klat, klon)
                    } else {
                        (points[&d].1, points[&d].2)
                    };
                    let hash = code.bytes().fold(1469598103934665603u64, |h, b| {
                        (h ^ b as u64).wrapping_mul(1099511628211)
                    });
                    let recorded = 300 + (hash % 2000) as i64;
                    Village {
                        name: format!("regions/{code}"),
                        display_name: code.clone(),
                        kecamatan: format!("regions/{kecamatan}"),
                        kind: if kind == "kelurahan" {
                            VillageKind::Kelurahan
                        } else {
                            VillageKind::Desa
                        },
                        latitude: lat,
                        longitude: lon,
                        ktp_el_recorded: recorded,
                        ikd_activated: recorded / 20,
                    }
                })
                .collect();
            District {
                name: format!("regions/{d}"),
                display_name: name,
                latitude: lat,
                longitude: lon,
                ktp_el_recorded: members.iter().map(|v| v.ktp_el_recorded).sum(),
                ikd_activated: members.iter().map(|v| v.ikd_activated).sum(),
                target_fraction: 0.30,
                villages: members,
                kecamatan_names: kecamatan_names.into_iter().collect(),
            }
        })
        .collect()
}

fn allocate(start: NaiveDate) {
    use jemput_optimizer::allocate;
    let deadline = NaiveDate::from_ymd_opt(2027, 6, 30).expect("a date");
    let bengkulu = generated_province("17");
    let districts: Vec<(District, Parameters)> = bengkulu
        .into_iter()
        .map(|d| {
            let p = Parameters {
                teams: 4,
                deadline: Some(deadline),
                ..Parameters::defaults(start, (d.latitude, d.longitude), 0.30)
            };
            (d, p)
        })
        .collect();
    for solver in solvers() {
        // As `AllocateBudget` plans them: without rollouts.
        let options = Options {
            solver,
            rollouts: false,
            ..Options::default()
        };
        // The curves once, timed per district; then the split at each total.
        let started = Instant::now();
        let mut curves = Vec::new();
        let mut per_district = Vec::new();
        for (d, p) in &districts {
            let t = Instant::now();
            let c = allocate::curve(d, p, 200_000_000, 2_000_000_000, &options).expect("a curve");
            per_district.push(t.elapsed().as_secs_f64());
            curves.push(c);
        }
        let curves_s = started.elapsed().as_secs_f64();
        println!(
            "\nBengkulu, 10 districts (GENERATED counts), 4 teams each, from {start} to {deadline}, {}: curves {curves_s:.1} s (per district median {:.1} s, slowest {:.1} s)",
            solver.name(),
            median(per_district.clone()),
            per_district.iter().cloned().fold(0.0, f64::max),
        );
        println!("| district | villages | recorded | least budget | proven lower bound | above |");
        println!("|---|---|---|---|---|---|");
        for ((d, _), c) in districts.iter().zip(&curves) {
            let (least, bound) = (c.minimum_budget_rupiah, c.lower_bound_rupiah);
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                d.display_name,
                d.villages.len(),
                d.ktp_el_recorded,
                least.map_or("none".into(), |b| format!("Rp {b}")),
                bound.map_or("none".into(), |b| format!("Rp {b}")),
                match (least, bound) {
                    (Some(l), Some(b)) if b > 0 =>
                        format!("{:.1}%", 100.0 * (l - b) as f64 / b as f64),
                    _ => "-".into(),
                }
            );
        }
        println!("| total | districts reaching | proven at most | allocated | split s |");
        println!("|---|---|---|---|---|");
        for total in [250_000_000i64, 500_000_000, 1_000_000_000, 2_000_000_000] {
            let t = Instant::now();
            let split = allocate::split(&curves, total);
            println!(
                "| Rp {total} | {} | {} | Rp {} | {:.3} |",
                split.districts_reaching_target,
                split.districts_reaching_target_upper_bound,
                split.allocated_rupiah,
                t.elapsed().as_secs_f64()
            );
        }
    }
}
