//! A stand-in PlannerService for the dashboard's tests while no optimizer
//! server is at hand: it plans greedily (biggest gaps first, two villages a
//! team-day) from the real registry's numbers, so the pages get plans of the
//! true shape without the real solver's cost.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use jemput_auth::{AuthChannel, BearerInterceptor};
use jemput_proto::optimizer::planner_service_server::{PlannerService, PlannerServiceServer};
use jemput_proto::optimizer::*;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use jemput_proto::registry::{
    GetEnrollmentGapRequest, GetRegionRequest, ListEnrollmentGapsRequest, ListRegionsRequest,
    Region, RegionLevel,
};
use tonic::{Request, Response, Status};

pub struct FakePlanner {
    registry: RegistryServiceClient<AuthChannel>,
    plans: Mutex<Vec<Plan>>,
    counter: AtomicU64,
}

impl FakePlanner {
    /// Reads the registry with `token`.
    pub fn server(registry: &str, token: &str) -> PlannerServiceServer<FakePlanner> {
        let channel = tonic::transport::Endpoint::from_shared(registry.to_owned())
            .expect("registry address")
            .connect_lazy();
        PlannerServiceServer::new(FakePlanner {
            registry: RegistryServiceClient::with_interceptor(
                channel,
                BearerInterceptor::new(token).expect("a token fits in metadata"),
            ),
            plans: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
        })
    }

    async fn district(&self, region: &str) -> Result<District, Status> {
        let mut client = self.registry.clone();
        let base = client
            .get_region(GetRegionRequest {
                name: region.into(),
                view: 1,
            })
            .await?
            .into_inner();
        let gap = client
            .get_enrollment_gap(GetEnrollmentGapRequest {
                region: region.into(),
            })
            .await?
            .into_inner();
        let villages = client
            .list_regions(ListRegionsRequest {
                parent: region.into(),
                page_size: 1000,
                level: RegionLevel::Village as i32,
                ..Default::default()
            })
            .await?
            .into_inner()
            .regions;
        let gaps = client
            .list_enrollment_gaps(ListEnrollmentGapsRequest {
                parent: region.into(),
                page_size: 1000,
                level: RegionLevel::Village as i32,
                order_by: "gap desc".into(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .gaps;
        let mut ordered = Vec::new();
        for g in gaps {
            if let Some(v) = villages.iter().find(|v| v.name == g.region) {
                let share = if v.kind == "kelurahan" { 0.7 } else { 0.6 };
                let pool = ((g.ktp_el_recorded as f64 * share) as i64 - g.ikd_activated).max(0);
                ordered.push((v.clone(), pool));
            }
        }
        Ok(District {
            base,
            recorded: gap.ktp_el_recorded,
            activated: gap.ikd_activated,
            target_fraction: gap.target_fraction,
            villages: ordered,
        })
    }

    fn store(&self, mut plan: Plan) -> Plan {
        let id = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        plan.name = format!("plans/fake-{id}");
        plan.create_time = Some(prost_types::Timestamp {
            seconds: 1_790_000_000 + id as i64,
            nanos: 0,
        });
        self.plans.lock().unwrap().insert(0, plan.clone());
        plan
    }
}

struct District {
    base: Region,
    recorded: i64,
    activated: i64,
    target_fraction: f64,
    villages: Vec<(Region, i64)>,
}

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin() * 1.4
}

fn next_working_day(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day
}

fn solve(d: &District, p: &PlanParameters) -> Plan {
    let teams = p.teams.unwrap_or(4).max(1);
    let target_fraction = p.target_fraction.unwrap_or(d.target_fraction);
    let target = (target_fraction * d.recorded as f64).ceil() as i64;
    let start = NaiveDate::parse_from_str(&p.start_date, "%Y-%m-%d")
        .unwrap_or(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
    let base = (d.base.latitude, d.base.longitude);
    let mut pools: Vec<(Region, i64, i32)> = d
        .villages
        .iter()
        .map(|(v, pool)| (v.clone(), *pool, 0))
        .collect();
    let mut team_plans: Vec<TeamPlan> = (1..=teams)
        .map(|t| TeamPlan {
            team: t,
            display_name: format!("Tim {t}"),
            ..Default::default()
        })
        .collect();
    let mut starts = vec!["base".to_string(); teams as usize];
    let (mut spent, mut office, mut mobile) = (0i64, 0i64, 0i64);
    let mut cost = CostBreakdown::default();
    let mut projection = Vec::new();
    let mut day = next_working_day(start);
    let mut next = 0usize;
    let mut reached = None;
    for working_day in 1..=260 {
        office += 100;
        for (t, team) in team_plans.iter_mut().enumerate() {
            let day_cost = 2 * 150_000 + 500_000 + 2 * 200_000 + 120_000;
            if spent + day_cost + 2 * 680_000 > p.budget_rupiah
                || pools.iter().all(|x| x.1 <= 0 || x.2 >= 2)
            {
                continue;
            }
            let mut stops = Vec::new();
            let mut here = if starts[t] == "base" {
                base
            } else {
                pools
                    .iter()
                    .find(|x| x.0.name == starts[t])
                    .map_or(base, |x| (x.0.latitude, x.0.longitude))
            };
            let mut minute = 0.0;
            let mut travel = 0.0;
            for _ in 0..2 {
                let mut tries = 0;
                while tries < pools.len()
                    && (pools[next % pools.len()].1 <= 0 || pools[next % pools.len()].2 >= 2)
                {
                    next += 1;
                    tries += 1;
                }
                let count = pools.len();
                let (village, pool, visits) = &mut pools[next % count];
                next += 1;
                let yield_share = if *visits == 0 { 0.4 } else { 0.25 };
                let expected = ((*pool as f64 * yield_share) as i64).clamp(1, 160);
                *pool -= expected;
                *visits += 1;
                let leg = km(here, (village.latitude, village.longitude));
                travel += leg;
                minute += leg / 35.0 * 60.0;
                stops.push(Stop {
                    region: village.name.clone(),
                    display_name: village.display_name.clone(),
                    arrive_minute: minute.round(),
                    depart_minute: (minute + expected as f64 * 1.5).round(),
                    expected_activations: expected,
                    visit_number: *visits,
                });
                minute += expected as f64 * 1.5;
                here = (village.latitude, village.longitude);
            }
            let far = km(here, base) > 45.0;
            let end = if far {
                stops
                    .last()
                    .map(|s| s.region.clone())
                    .unwrap_or_else(|| "base".into())
            } else {
                "base".into()
            };
            let overnight_cost = if far { 2 * 230_000 + 3 * 300_000 } else { 0 };
            let fuel = (travel * 1000.0) as i64;
            let this_cost = day_cost - 120_000 + fuel + overnight_cost;
            spent += this_cost;
            cost.per_diem_rupiah += 300_000 + if far { 460_000 } else { 0 };
            cost.lodging_rupiah += if far { 900_000 } else { 0 };
            cost.vehicle_rupiah += 500_000;
            cost.fuel_rupiah += fuel;
            cost.outreach_rupiah += 400_000;
            let expected: i64 = stops.iter().map(|s| s.expected_activations).sum();
            mobile += expected;
            team.cost_rupiah += this_cost;
            team.expected_activations += expected;
            team.days.push(TeamDay {
                date: day.to_string(),
                overnight: far,
                start: starts[t].clone(),
                end: end.clone(),
                stops,
                travel_km: travel,
                travel_minutes: travel / 35.0 * 60.0,
                cost_rupiah: this_cost,
                expected_activations: expected,
                used_minutes: minute,
            });
            starts[t] = end;
        }
        let ikd = d.activated + office + mobile;
        projection.push(ProjectionPoint {
            date: day.to_string(),
            working_day,
            office_activations: office,
            mobile_activations: mobile,
            ikd_activated: ikd,
            coverage: ikd as f64 / d.recorded as f64,
        });
        if ikd >= target {
            reached = Some((day, working_day));
            break;
        }
        day = next_working_day(day + Duration::days(1));
    }
    let working_days = reached.map_or(260, |r| r.1);
    let unvisited = pools
        .iter()
        .filter(|x| x.2 == 0)
        .map(|x| UnvisitedVillage {
            region: x.0.name.clone(),
            display_name: x.0.display_name.clone(),
            reason: "The target is reached before a visit here pays off.".into(),
            reason_code: "not_needed".into(),
            ..Default::default()
        })
        .collect();
    let parameters = PlanParameters {
        teams: Some(teams),
        target_fraction: Some(target_fraction),
        start_date: start.to_string(),
        base_latitude: Some(base.0),
        base_longitude: Some(base.1),
        ..p.clone()
    };
    Plan {
        region: d.base.name.clone(),
        parameters: Some(parameters),
        summary: Some(PlanSummary {
            reaches_target: reached.is_some(),
            target_date: reached.map(|r| r.0.to_string()).unwrap_or_default(),
            working_days,
            lower_bound_working_days: (working_days as f64 * 0.93) as i32,
            optimality_gap: 0.07,
            total_cost_rupiah: spent,
            cost: Some(cost),
            mobile_activations: mobile,
            office_activations: office,
            coverage_at_end: (d.activated + office + mobile) as f64 / d.recorded as f64,
            minimum_budget_for_target_rupiah: None,
            ktp_el_recorded: d.recorded,
            ikd_activated_at_start: d.activated,
            target_count: target,
            gap_at_start: target - d.activated,
            binding_constraint: if reached.is_some() {
                "teams".into()
            } else {
                "budget".into()
            },
            message: "Planned by the test stand-in.".into(),
            method_detail: "test stand-in".into(),
            method: 0,
            solver: "greedy".into(),
            solve_seconds: 0.1,
            office_only_working_days: ((target - d.activated) as f64 / 100.0).ceil() as i32,
        }),
        teams: team_plans,
        unvisited,
        projection,
        ..Default::default()
    }
}

fn region_or_default(region: &str) -> String {
    if region.is_empty() {
        "regions/17.02".into()
    } else {
        region.into()
    }
}

#[tonic::async_trait]
impl PlannerService for FakePlanner {
    async fn create_plan(
        &self,
        request: Request<CreatePlanRequest>,
    ) -> Result<Response<Plan>, Status> {
        let request = request.into_inner();
        let parameters = request.parameters.unwrap_or_default();
        if parameters.budget_rupiah < 0 {
            let mut details = tonic_types::ErrorDetails::new();
            details.add_bad_request_violation("parameters.budget_rupiah", "must not be negative");
            return Err(<Status as tonic_types::StatusExt>::with_error_details(
                tonic::Code::InvalidArgument,
                "invalid plan parameters",
                details,
            ));
        }
        let district = self.district(&region_or_default(&request.region)).await?;
        Ok(Response::new(self.store(solve(&district, &parameters))))
    }

    async fn get_plan(&self, request: Request<GetPlanRequest>) -> Result<Response<Plan>, Status> {
        let name = request.into_inner().name;
        let plans = self.plans.lock().unwrap();
        plans
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("{name} does not exist")))
    }

    async fn list_plans(
        &self,
        _: Request<ListPlansRequest>,
    ) -> Result<Response<ListPlansResponse>, Status> {
        let plans = self.plans.lock().unwrap();
        let plans = plans
            .iter()
            .map(|p| Plan {
                teams: Vec::new(),
                projection: Vec::new(),
                ..p.clone()
            })
            .collect();
        Ok(Response::new(ListPlansResponse {
            plans,
            next_page_token: String::new(),
        }))
    }

    async fn evaluate_budgets(
        &self,
        request: Request<EvaluateBudgetsRequest>,
    ) -> Result<Response<EvaluateBudgetsResponse>, Status> {
        let request = request.into_inner();
        let district = self.district(&region_or_default(&request.region)).await?;
        let parameters = request.parameters.unwrap_or_default();
        let teams = if request.teams.is_empty() {
            vec![parameters.teams.unwrap_or(4)]
        } else {
            request.teams.clone()
        };
        let mut scenarios: Vec<BudgetScenario> = Vec::new();
        for &t in &teams {
            let mut budgets = request.budgets_rupiah.clone();
            budgets.sort_unstable();
            for budget in budgets {
                let plan = solve(
                    &district,
                    &PlanParameters {
                        budget_rupiah: budget,
                        teams: Some(t),
                        ..parameters.clone()
                    },
                );
                let s = plan.summary.unwrap_or_default();
                let saved = scenarios
                    .last()
                    .filter(|prev| prev.teams == t)
                    .map_or(0.0, |prev| {
                        (prev.working_days - s.working_days) as f64
                            / ((budget - prev.budget_rupiah) as f64 / 10_000_000.0)
                    });
                scenarios.push(BudgetScenario {
                    budget_rupiah: budget,
                    teams: t,
                    reaches_target: s.reaches_target,
                    working_days: s.working_days,
                    target_date: s.target_date,
                    cost_rupiah: s.total_cost_rupiah,
                    coverage_at_end: s.coverage_at_end,
                    days_saved_per_extra_10_juta: saved,
                    lower_bound_working_days: s.lower_bound_working_days,
                    binding_constraint: s.binding_constraint,
                });
            }
        }
        Ok(Response::new(EvaluateBudgetsResponse { scenarios }))
    }

    async fn find_minimum_budget(
        &self,
        request: Request<FindMinimumBudgetRequest>,
    ) -> Result<Response<FindMinimumBudgetResponse>, Status> {
        let request = request.into_inner();
        let district = self.district(&region_or_default(&request.region)).await?;
        let parameters = request.parameters.unwrap_or_default();
        for juta in (10..=2000).step_by(10) {
            let candidate = PlanParameters {
                budget_rupiah: juta * 1_000_000,
                ..parameters.clone()
            };
            let plan = solve(&district, &candidate);
            let s = plan.summary.clone().unwrap_or_default();
            if s.reaches_target && s.target_date <= request.deadline {
                let plan = self.store(plan);
                return Ok(Response::new(FindMinimumBudgetResponse {
                    reachable: true,
                    minimum_budget_rupiah: Some(juta * 1_000_000),
                    plan: Some(plan),
                    minimum_budget_lower_bound_rupiah: Some((juta - 1) * 1_000_000),
                }));
            }
        }
        Ok(Response::new(FindMinimumBudgetResponse {
            reachable: false,
            minimum_budget_rupiah: None,
            plan: None,
            minimum_budget_lower_bound_rupiah: None,
        }))
    }

    async fn replan_plan(
        &self,
        request: Request<ReplanPlanRequest>,
    ) -> Result<Response<Plan>, Status> {
        let request = request.into_inner();
        let old = self
            .get_plan(Request::new(GetPlanRequest {
                name: request.plan.clone(),
            }))
            .await?
            .into_inner();
        let district = self.district(&old.region).await?;
        let mut parameters = old.parameters.clone().unwrap_or_default();
        parameters.start_date = request.as_of_date.clone();
        let mut plan = solve(&district, &parameters);
        plan.replanned_from = old.name;
        plan.as_of_date = request.as_of_date;
        Ok(Response::new(self.store(plan)))
    }
}
