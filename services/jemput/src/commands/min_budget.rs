//! `jemput min-budget --deadline D`: the least budget that reaches the
//! target by a deadline (to Rp 100.000), and the headline of the plan at
//! that budget; or, when no budget does with these teams, how soon they can
//! with money no limit, and the headline of that plan.

use chrono::NaiveDate;
use jemput_proto::optimizer::FindMinimumBudgetRequest;
use serde::Serialize;

use super::plan::{Headline, parameters};
use crate::{
    cli::{LangArg, MinBudgetArgs},
    client::Optimizer,
    error::CliError,
    format::{format_count, format_date, format_iso_date, format_percent, format_rupiah},
    output::Report,
};

#[derive(Debug, Clone, Serialize)]
pub struct MinBudgetReport {
    pub deadline: NaiveDate,
    pub teams: i32,
    /// Whether any budget reaches the target by the deadline with these teams.
    pub reachable: bool,
    pub minimum_budget_rupiah: Option<i64>,
    /// Proven: no plan reaches the target by the deadline for less.
    pub minimum_budget_lower_bound_rupiah: Option<i64>,
    /// The plan at the minimum budget; or, if none reaches the target by
    /// the deadline, the soonest plan with these teams, money no limit.
    pub plan: Option<Headline>,
    #[serde(skip)]
    pub lang: LangArg,
}

pub async fn run(
    optimizer: &mut Optimizer,
    registry_url: &str,
    args: &MinBudgetArgs,
) -> Result<MinBudgetReport, CliError> {
    let request = optimizer.request(FindMinimumBudgetRequest {
        region: args.scope.region.clone(),
        // The budget is what is searched for; the deadline is the request's.
        parameters: Some(parameters(&args.scope, 0, args.teams, None)),
        deadline: args.deadline.format("%Y-%m-%d").to_string(),
    });
    let found = optimizer
        .client
        .find_minimum_budget(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    let plan = match &found.plan {
        Some(plan) => Some(Headline::from_plan(
            plan,
            super::district_label(registry_url, &optimizer.access, &plan.region).await,
        )),
        None => None,
    };
    Ok(MinBudgetReport {
        deadline: args.deadline,
        teams: plan
            .as_ref()
            .map(|headline| headline.teams)
            .or(args.teams)
            .unwrap_or(4),
        reachable: found.reachable,
        minimum_budget_rupiah: found.minimum_budget_rupiah,
        minimum_budget_lower_bound_rupiah: found.minimum_budget_lower_bound_rupiah,
        plan,
        lang: args.scope.lang,
    })
}

impl Report for MinBudgetReport {
    fn to_human(&self) -> String {
        let deadline = format_date(self.deadline, self.lang.language());
        let teams = format!(
            "{} {}",
            self.teams,
            if self.teams == 1 { "team" } else { "teams" }
        );
        if let Some(plan) = self.plan.as_ref().filter(|plan| plan.already_reached) {
            return format!(
                "The target was reached before the plan's first day: no budget is needed by {deadline}.\n\n{}",
                plan.render(self.lang)
            );
        }
        let mut out = match (self.reachable, self.minimum_budget_rupiah) {
            (true, Some(budget)) => format!(
                "Minimum budget to reach the target by {deadline} with {teams}: {}",
                format_rupiah(budget)
            ),
            _ => format!("No budget reaches the target by {deadline} with {teams}."),
        };
        match (self.minimum_budget_rupiah, self.minimum_budget_lower_bound_rupiah) {
            (Some(budget), Some(bound)) if bound > 0 => out.push_str(&format!(
                "\nProven: no plan reaches it for less than {}, so the answer lies between {} and {} (at most {} above the least possible).",
                format_rupiah(bound),
                format_rupiah(bound),
                format_rupiah(budget),
                format_percent((budget - bound) as f64 / bound as f64),
            )),
            (None, None) => out.push_str(
                "\nProven: with these teams even unlimited money cannot reach it by then.",
            ),
            (None, Some(bound)) => out.push_str(&format!(
                "\nNo plan found reaches it by then (proven: none could for less than {}).",
                format_rupiah(bound),
            )),
            _ => {}
        }
        if let Some(plan) = &self.plan {
            if self.reachable {
                out.push_str(&format!(
                    "\n\nThe plan at that budget:\n\n{}",
                    plan.render(self.lang)
                ));
            } else {
                out.push_str(&soonest(plan, &teams, self.lang));
            }
        }
        out
    }
}

/// Where no budget meets the deadline: how soon these teams can with money
/// no limit, then that plan.
fn soonest(plan: &Headline, teams: &str, lang: LangArg) -> String {
    let when = match &plan.target_date {
        Some(date) => format!(
            "The soonest {teams} can reach it, money no limit: {} ({} working days; no plan needs fewer than {}), spending {}. A deadline from that day on can be met (the same command with --deadline {date} gives the least budget for that day); more teams might meet an earlier one.",
            format_iso_date(date, lang.language()),
            format_count(plan.working_days.into()),
            format_count(plan.lower_bound_working_days.into()),
            format_rupiah(plan.total_cost_rupiah),
        ),
        None => {
            format!("Even with money no limit, {teams} do not reach it within the plan's horizon.")
        }
    };
    format!(
        "\n{when}\n\nThe soonest plan with {teams}, money no limit:\n\n{}",
        plan.render(lang)
    )
}
