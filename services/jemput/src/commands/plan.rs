//! `jemput plan --budget RP`: asks the optimizer for a plan, prints its
//! headline (when the target is reached, at what cost, how close to the
//! proven lower bound), each team's itinerary and the villages left out,
//! and with `--out DIR` writes the files a team takes into the field.
//!
//! The files come from the dashboard's export functions, so a download from
//! the dashboard and `--out` are the same file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use jemput_dashboard::{
    export::{self, WORKDAY_START_HOUR},
    format::clock,
};
use jemput_proto::{
    optimizer::{CreatePlanRequest, Plan, PlanParameters},
    registry::{GetRegionRequest, ListRegionsRequest, Region, RegionLevel},
};
use serde::Serialize;

use crate::{
    cli::{LangArg, PlanArgs, PlanScope},
    client::{Optimizer, Registry},
    error::CliError,
    format::{
        format_count, format_decimal, format_iso_date, format_percent, format_rupiah,
        format_target, format_weekday_date,
    },
    input::region_code,
    output::Report,
};

/// How many unvisited villages the text lists; `--json` has them all.
const UNVISITED_SHOWN: usize = 20;

/// A plan as `jemput plan` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    pub headline: Headline,
    pub teams: Vec<TeamItinerary>,
    pub unvisited: Vec<Unvisited>,
    /// Files written with `--out`.
    pub files: Vec<PathBuf>,
    #[serde(skip)]
    pub lang: LangArg,
}

/// What a plan achieves, for whoever decides on the budget.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// `plans/{id}`, to fetch it again or open it in the dashboard.
    pub name: String,
    pub region: String,
    /// The district as a reader knows it, "Rejang Lebong (17.02)".
    pub district: String,
    pub budget_rupiah: i64,
    pub teams: i32,
    pub start_date: String,
    pub deadline: Option<String>,
    pub reaches_target: bool,
    /// The day the target is reached, if it is.
    pub target_date: Option<String>,
    pub target_fraction: f64,
    pub target_count: i64,
    pub ktp_el_recorded: i64,
    pub ikd_activated_at_start: i64,
    pub gap_at_start: i64,
    /// Reached before the plan's first day: no field work, no money.
    pub already_reached: bool,
    /// To the target date, or to the deadline or horizon when not reached.
    pub working_days: i32,
    /// Proven: no plan under the same parameters needs fewer.
    pub lower_bound_working_days: i32,
    /// (working_days − lower bound) ÷ lower bound.
    pub optimality_gap: f64,
    /// Working days the office alone would need.
    pub office_only_working_days: i32,
    pub total_cost_rupiah: i64,
    pub cost: Cost,
    pub mobile_activations: i64,
    /// Proven: no plan of `working_days` days does more mobile activations
    /// with this budget and these teams.
    pub mobile_activations_upper_bound: Option<i64>,
    /// Proven, where the money binds: no plan reaches the target in
    /// `working_days` days for less.
    pub cost_lower_bound_rupiah: Option<i64>,
    pub office_activations: i64,
    pub coverage_at_end: f64,
    /// When the target is not reached: the least budget that would reach
    /// it, or `None` if no budget can with these teams.
    pub minimum_budget_for_target_rupiah: Option<i64>,
    /// "budget", "teams", "villages" or "none".
    pub binding_constraint: String,
    /// The optimizer's own one-line summary.
    pub message: String,
    /// Which model made the plan, in words.
    pub method_detail: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Cost {
    pub per_diem_rupiah: i64,
    pub lodging_rupiah: i64,
    pub vehicle_rupiah: i64,
    pub fuel_rupiah: i64,
    pub outreach_rupiah: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamItinerary {
    pub team: i32,
    pub display_name: String,
    pub cost_rupiah: i64,
    pub expected_activations: i64,
    pub days: Vec<TeamDay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamDay {
    pub date: String,
    /// The team sleeps out after this day.
    pub overnight: bool,
    /// "base" or the village where the day starts and ends.
    pub start: String,
    pub end: String,
    pub stops: Vec<Stop>,
    pub expected_activations: i64,
    pub cost_rupiah: i64,
    pub travel_km: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stop {
    pub region: String,
    pub display_name: String,
    /// Clock time, the workday starting at 08:00.
    pub arrival: String,
    pub arrive_minute: f64,
    pub expected_activations: i64,
    /// 1 for the first visit day to this village, 2 for the second, ...
    pub visit_number: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unvisited {
    pub region: String,
    pub display_name: String,
    pub reason: String,
}

pub async fn run(
    optimizer: &mut Optimizer,
    registry_url: &str,
    args: &PlanArgs,
) -> Result<PlanReport, CliError> {
    // Everything `--out` needs comes first: a solve takes seconds, and a
    // missing registry or unwritable directory should not waste it.
    let out = match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| CliError::WriteFile {
                path: dir.clone(),
                source,
            })?;
            let mut registry = Registry::connect(registry_url, &optimizer.access).await?;
            Some((dir, map_points(&mut registry, &args.scope.region).await?))
        }
        None => None,
    };
    let request = optimizer.request(CreatePlanRequest {
        region: args.scope.region.clone(),
        parameters: Some(parameters(
            &args.scope,
            args.budget,
            args.teams,
            args.deadline,
        )),
        request_id: String::new(),
    });
    let plan = optimizer
        .client
        .create_plan(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    // The map already fetched the district; otherwise ask for its name.
    let (files, district) = match out {
        Some((dir, points)) => (
            write_files(&plan, dir, &points, args.scope.lang)?,
            export::region_label(&points.district.display_name, &points.district.name),
        ),
        None => (
            Vec::new(),
            super::district_label(registry_url, &optimizer.access, &plan.region).await,
        ),
    };
    Ok(PlanReport::new(&plan, files, args.scope.lang, district))
}

/// The request's parameters; what is not given takes the optimizer's default.
pub fn parameters(
    scope: &PlanScope,
    budget_rupiah: i64,
    teams: Option<i32>,
    deadline: Option<NaiveDate>,
) -> PlanParameters {
    let iso = |date: NaiveDate| date.format("%Y-%m-%d").to_string();
    PlanParameters {
        budget_rupiah,
        teams,
        target_fraction: scope.target,
        start_date: scope.start.map(iso).unwrap_or_default(),
        deadline: deadline.map(iso).unwrap_or_default(),
        holidays: scope.holidays.iter().copied().map(iso).collect(),
        workdays: scope.workdays.iter().copied().map(iso).collect(),
        ..Default::default()
    }
}

/// Where the routes are drawn: the district (its seat is the office) and
/// its villages.
struct MapPoints {
    district: Region,
    villages: Vec<Region>,
}

async fn map_points(registry: &mut Registry, district: &str) -> Result<MapPoints, CliError> {
    let region = registry
        .client
        .get_region(GetRegionRequest {
            name: district.to_string(),
            ..Default::default()
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    let mut villages = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = registry
            .client
            .list_regions(ListRegionsRequest {
                parent: district.to_string(),
                page_size: 1000,
                page_token,
                level: RegionLevel::Village as i32,
                ..Default::default()
            })
            .await
            .map_err(|status| registry.error(status))?
            .into_inner();
        villages.extend(page.regions);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(MapPoints {
        district: region,
        villages,
    })
}

/// Per team `itinerary-tim-N.csv` and `.html`, and `routes.geojson`.
fn write_files(
    plan: &Plan,
    dir: &Path,
    points: &MapPoints,
    lang: LangArg,
) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for team in &plan.teams {
        let Some(only) = export::only_team(plan, team.team) else {
            continue;
        };
        let stem = format!("itinerary-tim-{}", team.team);
        files.push(write(
            dir,
            &format!("{stem}.csv"),
            export::itinerary_csv(&only, lang.export_lang()),
        )?);
        files.push(write(
            dir,
            &format!("{stem}.html"),
            export::itinerary_html(&only, lang.export_lang()),
        )?);
    }
    // The base the plan used: the office at the district's seat unless the
    // plan was given another.
    let params = plan.parameters.clone().unwrap_or_default();
    let base = (
        params.base_latitude.unwrap_or(points.district.latitude),
        params.base_longitude.unwrap_or(points.district.longitude),
    );
    files.push(write(
        dir,
        "routes.geojson",
        export::routes_geojson(plan, &points.villages, base),
    )?);
    Ok(files)
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> Result<PathBuf, CliError> {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|source| CliError::WriteFile {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

impl Headline {
    /// `district`: the plan's district as a reader knows it
    /// ([`super::district_label`]).
    pub fn from_plan(plan: &Plan, district: String) -> Headline {
        let params = plan.parameters.clone().unwrap_or_default();
        let summary = plan.summary.clone().unwrap_or_default();
        let cost = summary.cost.unwrap_or_default();
        let non_empty = |text: String| (!text.is_empty()).then_some(text);
        Headline {
            name: plan.name.clone(),
            region: plan.region.clone(),
            district,
            budget_rupiah: params.budget_rupiah,
            teams: params.teams.unwrap_or(plan.teams.len() as i32),
            start_date: params.start_date,
            deadline: non_empty(params.deadline),
            reaches_target: summary.reaches_target,
            target_date: non_empty(summary.target_date),
            target_fraction: params.target_fraction.unwrap_or_default(),
            target_count: summary.target_count,
            ktp_el_recorded: summary.ktp_el_recorded,
            ikd_activated_at_start: summary.ikd_activated_at_start,
            gap_at_start: summary.gap_at_start,
            already_reached: summary.already_reached,
            working_days: summary.working_days,
            lower_bound_working_days: summary.lower_bound_working_days,
            optimality_gap: summary.optimality_gap,
            office_only_working_days: summary.office_only_working_days,
            total_cost_rupiah: summary.total_cost_rupiah,
            cost: Cost {
                per_diem_rupiah: cost.per_diem_rupiah,
                lodging_rupiah: cost.lodging_rupiah,
                vehicle_rupiah: cost.vehicle_rupiah,
                fuel_rupiah: cost.fuel_rupiah,
                outreach_rupiah: cost.outreach_rupiah,
            },
            mobile_activations: summary.mobile_activations,
            mobile_activations_upper_bound: summary.mobile_activations_upper_bound,
            cost_lower_bound_rupiah: summary.cost_lower_bound_rupiah,
            office_activations: summary.office_activations,
            coverage_at_end: summary.coverage_at_end,
            minimum_budget_for_target_rupiah: summary.minimum_budget_for_target_rupiah,
            binding_constraint: jemput_dashboard::binding_code(summary.binding_constraint)
                .to_owned(),
            message: summary.message,
            method_detail: summary.method_detail,
        }
    }

    /// The headline as text: a title line, whether and when the target is
    /// reached, then the numbers behind it.
    pub fn render(&self, lang: LangArg) -> String {
        let language = lang.language();
        let date = |iso: &str| format_iso_date(iso, language);
        let teams = format!(
            "{} {}",
            self.teams,
            if self.teams == 1 { "team" } else { "teams" }
        );
        let mut out = format!(
            "Plan {} for {}: {}, {teams}, from {}",
            self.name,
            self.district,
            format_rupiah(self.budget_rupiah),
            date(&self.start_date),
        );
        if let Some(deadline) = &self.deadline {
            out.push_str(&format!(", deadline {}", date(deadline)));
        }
        let target = format!(
            "{} ({})",
            format_target(self.target_fraction),
            format_count(self.target_count)
        );
        if self.already_reached {
            out.push_str(&format!(
                "\n\nTarget {target} already reached before {}: {} of {} recorded have IKD ({}). No field work is needed, and the plan has none.",
                date(&self.start_date),
                format_count(self.ikd_activated_at_start),
                format_count(self.ktp_el_recorded),
                format_percent(jemput_base::format::share(
                    self.ikd_activated_at_start,
                    self.ktp_el_recorded
                )),
            ));
            return out;
        }
        let outcome = match (&self.target_date, &self.deadline) {
            (Some(day), _) if self.reaches_target => {
                format!("Target {target} reached on {}", date(day))
            }
            (_, Some(deadline)) => format!("Target {target} NOT reached by {}", date(deadline)),
            (_, None) => format!("Target {target} NOT reached within the planning horizon"),
        };
        out.push_str(&format!("\n\n{outcome}\n"));

        let days_note = if self.reaches_target {
            let above = self.working_days - self.lower_bound_working_days;
            let bound = format_count(self.lower_bound_working_days.into());
            let quality = if above <= 0 {
                format!("as fast as any plan can be (lower bound {bound})")
            } else {
                format!(
                    "lower bound {bound}: at most {} {} ({}) slower than the best possible plan",
                    format_count(above.into()),
                    if above == 1 { "day" } else { "days" },
                    format_percent(self.optimality_gap),
                )
            };
            format!(
                "{quality}; office alone {}",
                format_count(self.office_only_working_days.into()),
            )
        } else {
            // Counted to the deadline or horizon; the bound is for the target.
            format!(
                "planned; the target needs at least {}; office alone {}",
                format_count(self.lower_bound_working_days.into()),
                format_count(self.office_only_working_days.into()),
            )
        };
        let mut rows: Vec<(&str, String, String)> = vec![
            (
                "working days",
                format_count(self.working_days.into()),
                days_note,
            ),
            (
                "gap at start",
                format_count(self.gap_at_start),
                "activations still to do".to_string(),
            ),
            (
                "total cost",
                format_rupiah(self.total_cost_rupiah),
                match above_least_cost(self.total_cost_rupiah, self.cost_lower_bound_rupiah) {
                    Some(above) => format!(
                        "of {}; no plan of these days costs less than {} (this one {} more)",
                        format_rupiah(self.budget_rupiah),
                        format_rupiah(self.cost_lower_bound_rupiah.unwrap_or_default()),
                        format_percent(above),
                    ),
                    None => format!("of {}", format_rupiah(self.budget_rupiah)),
                },
            ),
            (
                "  per diem",
                format_rupiah(self.cost.per_diem_rupiah),
                String::new(),
            ),
            (
                "  lodging",
                format_rupiah(self.cost.lodging_rupiah),
                String::new(),
            ),
            (
                "  vehicle",
                format_rupiah(self.cost.vehicle_rupiah),
                String::new(),
            ),
            (
                "  fuel",
                format_rupiah(self.cost.fuel_rupiah),
                String::new(),
            ),
            (
                "  outreach",
                format_rupiah(self.cost.outreach_rupiah),
                String::new(),
            ),
            (
                "activations",
                format_count(self.mobile_activations),
                match (
                    share_of_most(
                        self.mobile_activations,
                        self.mobile_activations_upper_bound,
                        &self.binding_constraint,
                    ),
                    self.mobile_activations_upper_bound,
                ) {
                    (Some(share), Some(most)) => format!(
                        "by the mobile teams: {} of the most any plan of these days could do ({})",
                        format_percent(share),
                        format_count(most),
                    ),
                    _ => "by the mobile teams".to_string(),
                },
            ),
            (
                "",
                format_count(self.office_activations),
                "at the office".to_string(),
            ),
            (
                "coverage at end",
                format_percent(self.coverage_at_end),
                String::new(),
            ),
            ("limited by", self.binding_constraint.clone(), String::new()),
        ];
        if !self.reaches_target {
            rows.push(match self.minimum_budget_for_target_rupiah {
                Some(minimum) => (
                    "minimum budget",
                    format_rupiah(minimum),
                    "reaches the target by the deadline".to_string(),
                ),
                None => (
                    "minimum budget",
                    "none".to_string(),
                    format!("no budget reaches it with {teams}"),
                ),
            });
        }
        let width = rows
            .iter()
            .map(|(_, value, _)| value.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value, note) in rows {
            let line = format!("  {label:<16} {value:>width$}  {note}");
            out.push_str(line.trim_end());
            out.push('\n');
        }
        // A sentence, not a figure: left out of the column's width.
        if !self.method_detail.is_empty() {
            out.push_str(&format!("  {:<16} {}\n", "made by", self.method_detail));
        }
        out.truncate(out.trim_end().len());
        out
    }
}

impl PlanReport {
    pub fn new(plan: &Plan, files: Vec<PathBuf>, lang: LangArg, district: String) -> PlanReport {
        let teams = plan
            .teams
            .iter()
            .map(|team| TeamItinerary {
                team: team.team,
                display_name: if team.display_name.is_empty() {
                    format!("Tim {}", team.team)
                } else {
                    team.display_name.clone()
                },
                cost_rupiah: team.cost_rupiah,
                expected_activations: team.expected_activations,
                days: team
                    .days
                    .iter()
                    .map(|day| TeamDay {
                        date: day.date.clone(),
                        overnight: day.overnight,
                        start: day.start.clone(),
                        end: day.end.clone(),
                        stops: day
                            .stops
                            .iter()
                            .map(|stop| Stop {
                                region: stop.region.clone(),
                                display_name: stop.display_name.clone(),
                                arrival: clock(stop.arrive_minute, WORKDAY_START_HOUR),
                                arrive_minute: stop.arrive_minute,
                                expected_activations: stop.expected_activations,
                                visit_number: stop.visit_number,
                            })
                            .collect(),
                        expected_activations: day.expected_activations,
                        cost_rupiah: day.cost_rupiah,
                        travel_km: day.travel_km,
                    })
                    .collect(),
            })
            .collect();
        let unvisited = plan
            .unvisited
            .iter()
            .map(|village| Unvisited {
                region: village.region.clone(),
                display_name: village.display_name.clone(),
                reason: village.reason.clone(),
            })
            .collect();
        PlanReport {
            headline: Headline::from_plan(plan, district),
            teams,
            unvisited,
            files,
            lang,
        }
    }
}

impl Report for PlanReport {
    fn to_human(&self) -> String {
        let language = self.lang.language();
        let mut out = self.headline.render(self.lang);
        if self.headline.already_reached {
            return out;
        }
        let name_width = self
            .teams
            .iter()
            .flat_map(|team| &team.days)
            .flat_map(|day| &day.stops)
            .map(|stop| stop.display_name.chars().count())
            .max()
            .unwrap_or(0);
        for team in &self.teams {
            let days = team.days.len();
            out.push_str(&format!(
                "\n\n{}: {} working {}, {} activations, {}",
                team.display_name,
                format_count(days as i64),
                if days == 1 { "day" } else { "days" },
                format_count(team.expected_activations),
                format_rupiah(team.cost_rupiah),
            ));
            for day in &team.days {
                let when = match NaiveDate::parse_from_str(&day.date, "%Y-%m-%d") {
                    Ok(date) => format_weekday_date(date, language),
                    Err(_) => day.date.clone(),
                };
                out.push_str(&format!(
                    "\n  {when:<18}{:<12}{:>7} activations  {:>14}  {} km",
                    if day.overnight { "  overnight" } else { "" },
                    format_count(day.expected_activations),
                    format_rupiah(day.cost_rupiah),
                    format_decimal(day.travel_km, 1),
                ));
                for stop in &day.stops {
                    out.push_str(&format!(
                        "\n    {}  {:<name_width$}  {:<13}  {:>5}  visit {}",
                        stop.arrival,
                        stop.display_name,
                        region_code(&stop.region),
                        format_count(stop.expected_activations),
                        stop.visit_number,
                    ));
                }
            }
        }
        if !self.unvisited.is_empty() {
            out.push_str(&format!(
                "\n\nVillages not visited: {}",
                format_count(self.unvisited.len() as i64)
            ));
            for village in self.unvisited.iter().take(UNVISITED_SHOWN) {
                out.push_str(&format!(
                    "\n  {} ({}): {}",
                    village.display_name,
                    region_code(&village.region),
                    village.reason
                ));
            }
            if self.unvisited.len() > UNVISITED_SHOWN {
                out.push_str(&format!(
                    "\n  … and {} more (all with --json)",
                    self.unvisited.len() - UNVISITED_SHOWN
                ));
            }
        }
        if !self.files.is_empty() {
            out.push_str("\n\nWritten:");
            for path in &self.files {
                out.push_str(&format!("\n  {}", path.display()));
            }
        }
        out
    }
}

/// How far `cost` is above the least any plan of its days could cost,
/// where the optimizer stated that (the money binds).
pub fn above_least_cost(cost: i64, least: Option<i64>) -> Option<f64> {
    match least {
        Some(least) if least > 0 => Some(cost as f64 / least as f64 - 1.0),
        _ => None,
    }
}

/// Where the money binds (`binding` is "budget"), a plan's mobile
/// activations as a share of the most any plan of its days could do with
/// that budget; elsewhere a plan stops at the target, so the share says
/// nothing.
pub fn share_of_most(mobile: i64, most: Option<i64>, binding: &str) -> Option<f64> {
    match most {
        Some(most) if most > 0 && binding == "budget" => Some(mobile as f64 / most as f64),
        _ => None,
    }
}
