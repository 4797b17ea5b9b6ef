//! `jemput progress PLAN`: the plan against the ledger (the dashboard's own
//! comparison, [`jemput_dashboard::progress`]); `jemput replan PLAN`: plans
//! the rest anew from what was recorded, keeping the days before `--as-of`.

use jemput_dashboard::progress::{self, Progress};
use jemput_proto::optimizer::{GetPlanRequest, LearnedYield, ReplanPlanRequest};
use jemput_proto::registry::ListActivationsRequest;
use serde::Serialize;

use super::plan::PlanReport;
use crate::{
    cli::{LangArg, ProgressArgs, ReplanArgs},
    client::{Optimizer, Registry},
    error::CliError,
    format::{format_count, format_iso_date, format_percent},
    output::Report,
};

/// Ledger pages read at most (1000 entries a page).
const MAX_LEDGER_PAGES: usize = 200;
/// Villages listed in the text, those furthest behind first; `--json` has all.
const VILLAGES_SHOWN: usize = 15;

#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    #[serde(flatten)]
    pub progress: Progress,
    #[serde(skip)]
    pub lang: LangArg,
}

pub async fn progress(
    registry: &mut Registry,
    optimizer: &mut Optimizer,
    args: &ProgressArgs,
) -> Result<ProgressReport, CliError> {
    let request = optimizer.request(GetPlanRequest {
        name: args.plan.clone(),
    });
    let plan = optimizer
        .client
        .get_plan(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    let as_of = args.as_of.unwrap_or_else(crate::input::today_in_district);
    let start = progress::start_date(&plan);
    let as_of_text = as_of.format("%Y-%m-%d").to_string();
    let mut entries = Vec::new();
    if start <= as_of_text {
        let mut page_token = String::new();
        for _ in 0..MAX_LEDGER_PAGES {
            let page = registry
                .client
                .list_activations(ListActivationsRequest {
                    parent: plan.region.clone(),
                    page_size: 1000,
                    page_token,
                    start_date: start.clone(),
                    end_date: as_of_text.clone(),
                })
                .await
                .map_err(|status| registry.error(status))?
                .into_inner();
            entries.extend(page.activations);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    Ok(ProgressReport {
        progress: progress::compare(&plan, &entries, as_of),
        lang: args.lang,
    })
}

impl Report for ProgressReport {
    fn to_human(&self) -> String {
        let p = &self.progress;
        let date = |iso: &str| format_iso_date(iso, self.lang.language());
        let signed = |value: i64| {
            if value > 0 {
                format!("+{}", format_count(value))
            } else {
                format_count(value)
            }
        };
        let mut out = format!(
            "{} as of {} (started {}):\n  planned by now   {} activated IKD\n  recorded by now  {} activated IKD ({} since the start, {} against the plan)",
            p.plan,
            date(&p.as_of),
            date(&p.start_date),
            format_count(p.planned_ikd_activated),
            format_count(p.actual_ikd_activated),
            format_count(p.recorded_since_start),
            signed(p.actual_ikd_activated - p.planned_ikd_activated),
        );
        out.push_str(&format!(
            "\n  target {}: planned for {}; at the recorded pace {}",
            format_count(p.target_count),
            if p.planned_target_date.is_empty() {
                "no day within the plan".to_owned()
            } else {
                date(&p.planned_target_date)
            },
            if p.projected_target_date.is_empty() {
                "not within the plan (replan: jemput replan)".to_owned()
            } else {
                date(&p.projected_target_date)
            },
        ));
        if !p.teams.is_empty() {
            out.push_str(&format!(
                "\n\n{:<10} {:>9} {:>9} {:>9} {:>9} {:>7}",
                "team", "days", "recorded", "planned", "actual", "share"
            ));
            for team in &p.teams {
                let share = if team.planned_mobile > 0 {
                    format_percent(team.actual_mobile as f64 / team.planned_mobile as f64)
                } else {
                    "—".to_owned()
                };
                out.push_str(&format!(
                    "\n{:<10} {:>9} {:>9} {:>9} {:>9} {:>7}",
                    team.display_name,
                    team.days_planned,
                    team.days_recorded,
                    format_count(team.planned_mobile),
                    format_count(team.actual_mobile),
                    share
                ));
            }
        }
        let mut behind: Vec<_> = p.villages.iter().collect();
        behind.sort_by_key(|v| v.actual_mobile - v.planned_mobile);
        if !behind.is_empty() {
            out.push_str(&format!(
                "\n\nvillages, furthest behind first\n{:<28} {:>9} {:>9} {:>9}",
                "village", "planned", "mobile", "all"
            ));
            for village in behind.iter().take(VILLAGES_SHOWN) {
                let name = if village.display_name.is_empty() {
                    village.region.as_str()
                } else {
                    village.display_name.as_str()
                };
                out.push_str(&format!(
                    "\n{:<28} {:>9} {:>9} {:>9}",
                    name,
                    format_count(village.planned_mobile),
                    format_count(village.actual_mobile),
                    format_count(village.actual_total)
                ));
            }
            if behind.len() > VILLAGES_SHOWN {
                out.push_str(&format!(
                    "\n… and {} more (--json lists all)",
                    behind.len() - VILLAGES_SHOWN
                ));
            }
        }
        out
    }
}

/// A replanned plan, with what it learned from the field.
#[derive(Debug, Clone, Serialize)]
pub struct ReplanReport {
    pub replanned_from: String,
    pub as_of_date: String,
    pub learned_yields: Vec<LearnedYieldRow>,
    pub plan: PlanReport,
}

#[derive(Debug, Clone, Serialize)]
pub struct LearnedYieldRow {
    pub kecamatan: String,
    pub display_name: String,
    pub factor: f64,
    pub visits: i32,
    pub expected_activations: i64,
    pub recorded_activations: i64,
}

impl From<LearnedYield> for LearnedYieldRow {
    fn from(y: LearnedYield) -> LearnedYieldRow {
        LearnedYieldRow {
            kecamatan: y.kecamatan,
            display_name: y.display_name,
            factor: y.factor,
            visits: y.visits,
            expected_activations: y.expected_activations,
            recorded_activations: y.recorded_activations,
        }
    }
}

pub async fn replan(
    optimizer: &mut Optimizer,
    registry_url: &str,
    args: &ReplanArgs,
) -> Result<ReplanReport, CliError> {
    let request = optimizer.request(ReplanPlanRequest {
        plan: args.plan.clone(),
        as_of_date: args
            .as_of
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        request_id: String::new(),
    });
    let plan = optimizer
        .client
        .replan_plan(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    Ok(ReplanReport {
        replanned_from: plan.replanned_from.clone(),
        as_of_date: plan.as_of_date.clone(),
        learned_yields: plan
            .learned_yields
            .iter()
            .cloned()
            .map(LearnedYieldRow::from)
            .collect(),
        plan: PlanReport::new(
            &plan,
            Vec::new(),
            args.lang,
            super::district_label(registry_url, &optimizer.access, &plan.region).await,
        ),
    })
}

impl Report for ReplanReport {
    fn to_human(&self) -> String {
        let mut out = format!(
            "Replanned {} from {}: the days before are kept as done.",
            self.replanned_from,
            format_iso_date(&self.as_of_date, self.plan.lang.language())
        );
        if !self.learned_yields.is_empty() {
            out.push_str(
                "\n\nYields learned from the ledger (recorded against expected, per kecamatan):",
            );
            for y in &self.learned_yields {
                out.push_str(&format!(
                    "\n  {:<22} × {} ({} visits: {} recorded of {} expected)",
                    y.display_name,
                    format_percent(y.factor),
                    y.visits,
                    format_count(y.recorded_activations),
                    format_count(y.expected_activations)
                ));
            }
        }
        out.push_str("\n\n");
        out.push_str(&self.plan.to_human());
        out
    }
}
