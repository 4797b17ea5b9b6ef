//! `jemput scenarios --budgets ..`: one plan per budget (and team count),
//! side by side, so a budget officer sees what each extra rupiah buys; with
//! `--out DIR` the table as CSV and XLSX (the dashboard's exports).

use std::path::PathBuf;

use jemput_dashboard::export;
use jemput_proto::optimizer::EvaluateBudgetsRequest;
use serde::Serialize;

use super::{district_label, plan::parameters};
use crate::{
    cli::{LangArg, ScenariosArgs},
    client::Optimizer,
    error::CliError,
    format::{format_count, format_decimal, format_iso_date, format_percent, format_rupiah},
    output::{Align, Report, Table},
};

#[derive(Debug, Clone, Serialize)]
pub struct ScenariosReport {
    pub region: String,
    /// The district as a reader knows it, "Rejang Lebong (17.02)" (its
    /// code alone if the registry cannot say), as the dashboard names it.
    pub district: String,
    pub deadline: Option<String>,
    /// Ordered by teams, then budget.
    pub scenarios: Vec<Scenario>,
    /// Files written with `--out`.
    pub files: Vec<PathBuf>,
    #[serde(skip)]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub teams: i32,
    pub budget_rupiah: i64,
    pub reaches_target: bool,
    pub working_days: i32,
    pub lower_bound_working_days: i32,
    pub target_date: Option<String>,
    pub cost_rupiah: i64,
    pub coverage_at_end: f64,
    /// Against the next smaller budget with the same teams (0 for the smallest).
    pub days_saved_per_extra_10_juta: f64,
    /// "budget", "teams", "villages" or "none".
    pub binding_constraint: String,
    pub mobile_activations: i64,
    /// Proven: no plan of these days does more mobile activations with
    /// this budget and these teams.
    pub mobile_activations_upper_bound: Option<i64>,
    /// Proven, where the money binds: no plan reaching the target in these
    /// working days costs less.
    pub cost_lower_bound_rupiah: Option<i64>,
}

impl Scenario {
    /// Where the money binds, the plan's share of the most mobile
    /// activations any plan of its days could buy (`plan::share_of_most`).
    pub fn share_of_most(&self) -> Option<f64> {
        super::plan::share_of_most(
            self.mobile_activations,
            self.mobile_activations_upper_bound,
            &self.binding_constraint,
        )
    }
}

pub async fn run(
    optimizer: &mut Optimizer,
    registry_url: &str,
    args: &ScenariosArgs,
) -> Result<ScenariosReport, CliError> {
    if let Some(dir) = &args.out {
        // Before the solves, which take a while.
        std::fs::create_dir_all(dir).map_err(|source| CliError::WriteFile {
            path: dir.clone(),
            source,
        })?;
    }
    let district = district_label(registry_url, &optimizer.access, &args.scope.region).await;
    let shared = parameters(&args.scope, 0, None, args.deadline);
    let request = optimizer.request(EvaluateBudgetsRequest {
        region: args.scope.region.clone(),
        parameters: Some(shared.clone()),
        budgets_rupiah: args.budgets.clone(),
        teams: args.teams.clone(),
    });
    let scenarios = optimizer
        .client
        .evaluate_budgets(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner()
        .scenarios;
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        let csv = dir.join("scenarios.csv");
        write(
            &csv,
            export::scenarios_csv(&scenarios, args.scope.lang.export_lang()).as_bytes(),
        )?;
        files.push(csv);
        let xlsx = dir.join("scenarios.xlsx");
        let workbook = export::scenarios_xlsx(&export::ScenarioReport {
            district: &district,
            made_on: jemput_base::calendar::today_in_district(),
            parameters: Some(&shared),
            scenarios: &scenarios,
        })
        .map_err(|err| CliError::WriteFile {
            path: xlsx.clone(),
            source: std::io::Error::other(err),
        })?;
        write(&xlsx, &workbook)?;
        files.push(xlsx);
    }
    Ok(ScenariosReport {
        region: args.scope.region.clone(),
        district,
        deadline: args.deadline.map(|d| d.format("%Y-%m-%d").to_string()),
        scenarios: scenarios
            .into_iter()
            .map(|s| Scenario {
                teams: s.teams,
                budget_rupiah: s.budget_rupiah,
                reaches_target: s.reaches_target,
                working_days: s.working_days,
                lower_bound_working_days: s.lower_bound_working_days,
                target_date: (!s.target_date.is_empty()).then_some(s.target_date),
                cost_rupiah: s.cost_rupiah,
                coverage_at_end: s.coverage_at_end,
                days_saved_per_extra_10_juta: s.days_saved_per_extra_10_juta,
                binding_constraint: jemput_dashboard::binding_code(s.binding_constraint).to_owned(),
                mobile_activations: s.mobile_activations,
                mobile_activations_upper_bound: s.mobile_activations_upper_bound,
                cost_lower_bound_rupiah: s.cost_lower_bound_rupiah,
            })
            .collect(),
        files,
        lang: args.scope.lang,
    })
}

fn write(path: &std::path::Path, contents: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, contents).map_err(|source| CliError::WriteFile {
        path: path.to_path_buf(),
        source,
    })
}

impl Report for ScenariosReport {
    fn to_human(&self) -> String {
        let language = self.lang.language();
        let mut out = format!(
            "Budget scenarios for {}{}\n\n",
            self.district,
            match &self.deadline {
                Some(deadline) => format!(", deadline {}", format_iso_date(deadline, language)),
                None => String::new(),
            }
        );
        let mut table = Table::new(vec![
            ("teams", Align::Right),
            ("budget", Align::Right),
            ("reaches", Align::Left),
            ("working days", Align::Right),
            ("at least", Align::Right),
            ("target date", Align::Right),
            ("cost", Align::Right),
            ("least cost", Align::Right),
            ("coverage", Align::Right),
            ("days saved / Rp 10 jt", Align::Right),
            ("limited by", Align::Left),
            ("of the most possible", Align::Right),
        ]);
        for (i, s) in self.scenarios.iter().enumerate() {
            // The smallest budget of its team count has no smaller one to
            // save days against (the service sends 0), as the dashboard and
            // the XLSX show it.
            let first_of_its_teams = i == 0 || self.scenarios[i - 1].teams != s.teams;
            table.row(vec![
                s.teams.to_string(),
                format_rupiah(s.budget_rupiah),
                if s.reaches_target { "yes" } else { "no" }.to_string(),
                format_count(s.working_days.into()),
                // The proven lower bound on the days to the target (0: none
                // proven, e.g. the relaxation was out of time).
                if s.lower_bound_working_days > 0 {
                    format_count(s.lower_bound_working_days.into())
                } else {
                    "-".to_string()
                },
                s.target_date
                    .as_deref()
                    .map(|day| format_iso_date(day, language))
                    .unwrap_or_else(|| "-".to_string()),
                format_rupiah(s.cost_rupiah),
                match (
                    s.cost_lower_bound_rupiah,
                    super::plan::above_least_cost(s.cost_rupiah, s.cost_lower_bound_rupiah),
                ) {
                    (Some(least), Some(above)) => {
                        format!("{} (+{})", format_rupiah(least), format_percent(above))
                    }
                    _ => "-".to_string(),
                },
                format_percent(s.coverage_at_end),
                if first_of_its_teams {
                    "-".to_string()
                } else {
                    format_decimal(s.days_saved_per_extra_10_juta, 1)
                },
                s.binding_constraint.clone(),
                s.share_of_most()
                    .map(format_percent)
                    .unwrap_or_else(|| "-".to_string()),
            ]);
        }
        out.push_str(&table.render());
        out.push_str(
            "\n\nat least: no plan with that budget and those teams reaches the target in \
             fewer working days (a proven lower bound).",
        );
        if self
            .scenarios
            .iter()
            .any(|s| s.cost_lower_bound_rupiah.is_some())
        {
            out.push_str(
                "\nleast cost: where the budget limits, no plan reaching the target in the \
                 same working days costs less (a proven lower bound), and how much more \
                 this plan costs.",
            );
        }
        if self.scenarios.iter().any(|s| s.share_of_most().is_some()) {
            out.push_str(
                "\nof the most possible: where the budget limits, the plan's mobile \
                 activations as a share of the most any plan of its working days could \
                 do with that budget (a proven upper bound).",
            );
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
