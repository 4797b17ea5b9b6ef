//! `jemput allocate 17 --budget 2M --deadline D`: splits one budget among a
//! province's districts so that the most reach their targets by the
//! deadline, with each district's share, whether and when it gets there,
//! its least budget and that budget's proven lower bound; with `--out DIR`
//! the split as a workbook for the provincial budget officer.

use std::path::PathBuf;

use chrono::NaiveDate;
use jemput_dashboard::export;
use jemput_proto::optimizer::{AllocateBudgetRequest, PlanParameters};
use serde::Serialize;

use crate::{
    cli::{AllocateArgs, LangArg},
    client::Optimizer,
    error::CliError,
    format::{format_count, format_date, format_iso_date, format_percent, format_rupiah},
    input::region_code,
    output::{Align, Report, Table},
};

#[derive(Debug, Clone, Serialize)]
pub struct AllocateReport {
    pub region: String,
    pub deadline: NaiveDate,
    pub total_budget_rupiah: i64,
    pub allocated_rupiah: i64,
    pub districts_reaching_target: i32,
    /// Proven: no split of the total brings more districts there.
    pub districts_reaching_target_upper_bound: i32,
    pub shares: Vec<Share>,
    pub districts_without_counts: Vec<String>,
    /// Districts the optimizer had no time to plan: no share.
    pub districts_not_planned: Vec<String>,
    /// Files written with `--out`.
    pub files: Vec<PathBuf>,
    #[serde(skip)]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub district: String,
    pub display_name: String,
    pub budget_rupiah: i64,
    pub reaches_target: bool,
    pub target_date: Option<String>,
    pub working_days: i32,
    pub ikd_activated: i64,
    pub coverage: f64,
    pub minimum_budget_rupiah: Option<i64>,
    pub minimum_budget_lower_bound_rupiah: Option<i64>,
    /// Reached before the start: no money and no field work needed.
    pub already_reached: bool,
}

pub async fn run(
    optimizer: &mut Optimizer,
    args: &AllocateArgs,
) -> Result<AllocateReport, CliError> {
    if let Some(dir) = &args.out {
        // Before the solves, which take a while.
        std::fs::create_dir_all(dir).map_err(|source| CliError::WriteFile {
            path: dir.clone(),
            source,
        })?;
    }
    let iso = |date: NaiveDate| date.format("%Y-%m-%d").to_string();
    let request = optimizer.request_waiting(
        AllocateBudgetRequest {
            parent: args.region.clone(),
            total_budget_rupiah: args.budget,
            deadline: iso(args.deadline),
            parameters: Some(PlanParameters {
                teams: args.teams,
                start_date: args.start.map(iso).unwrap_or_default(),
                ..Default::default()
            }),
        },
        crate::client::ALLOCATE_TIMEOUT,
    );
    let split = optimizer
        .client
        .allocate_budget(request)
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        let path = dir.join("allocation.xlsx");
        let workbook = export::allocation_xlsx(
            region_code(&args.region),
            args.deadline,
            args.budget,
            &split,
            args.lang.export_lang(),
        )
        .map_err(|err| CliError::WriteFile {
            path: path.clone(),
            source: std::io::Error::other(err),
        })?;
        std::fs::write(&path, workbook).map_err(|source| CliError::WriteFile {
            path: path.clone(),
            source,
        })?;
        files.push(path);
    }
    Ok(AllocateReport {
        region: args.region.clone(),
        deadline: args.deadline,
        total_budget_rupiah: args.budget,
        allocated_rupiah: split.allocated_rupiah,
        districts_reaching_target: split.districts_reaching_target,
        districts_reaching_target_upper_bound: split.districts_reaching_target_upper_bound,
        shares: split
            .shares
            .into_iter()
            .map(|s| Share {
                district: s.district,
                display_name: s.display_name,
                budget_rupiah: s.budget_rupiah,
                reaches_target: s.reaches_target,
                target_date: (!s.target_date.is_empty()).then_some(s.target_date),
                working_days: s.working_days,
                ikd_activated: s.ikd_activated,
                coverage: s.coverage,
                minimum_budget_rupiah: s.minimum_budget_rupiah,
                minimum_budget_lower_bound_rupiah: s.minimum_budget_lower_bound_rupiah,
                already_reached: s.already_reached,
            })
            .collect(),
        districts_without_counts: split.districts_without_counts,
        districts_not_planned: split.districts_not_planned,
        files,
        lang: args.lang,
    })
}

impl Report for AllocateReport {
    fn to_human(&self) -> String {
        let language = self.lang.language();
        let mut out = format!(
            "Budget split for {}: {} by {}\n\n",
            region_code(&self.region),
            format_rupiah(self.total_budget_rupiah),
            format_date(self.deadline, language),
        );
        let mut table = Table::new(vec![
            ("district", Align::Left),
            ("share", Align::Right),
            ("reaches", Align::Left),
            ("target date", Align::Right),
            ("IKD by then", Align::Right),
            ("coverage", Align::Right),
            ("least budget", Align::Right),
            ("proven at least", Align::Right),
        ]);
        let dash = || "-".to_string();
        for s in &self.shares {
            table.row(vec![
                format!("{} {}", region_code(&s.district), s.display_name),
                format_rupiah(s.budget_rupiah),
                if s.reaches_target { "yes" } else { "no" }.to_string(),
                if s.already_reached {
                    "already".to_string()
                } else {
                    s.target_date
                        .as_deref()
                        .map(|day| format_iso_date(day, language))
                        .unwrap_or_else(dash)
                },
                format_count(s.ikd_activated),
                format_percent(s.coverage),
                s.minimum_budget_rupiah
                    .map(format_rupiah)
                    .unwrap_or_else(dash),
                s.minimum_budget_lower_bound_rupiah
                    .map(format_rupiah)
                    .unwrap_or_else(dash),
            ]);
        }
        out.push_str(&table.render());
        out.push_str(&format!(
            "\n\n{} of {} districts reach their target by {}, with {} of {} allocated.",
            self.districts_reaching_target,
            self.shares.len(),
            format_date(self.deadline, language),
            format_rupiah(self.allocated_rupiah),
            format_rupiah(self.total_budget_rupiah),
        ));
        out.push_str(&format!(
            "\nProven: no split of this money brings more than {} there (each district's least budget is at least its proven lower bound).",
            self.districts_reaching_target_upper_bound
        ));
        if !self.districts_without_counts.is_empty() {
            let codes: Vec<&str> = self
                .districts_without_counts
                .iter()
                .map(|d| region_code(d))
                .collect();
            out.push_str(&format!(
                "\nNo counts yet, left out: {} (jemput import fills them).",
                codes.join(", ")
            ));
        }
        if !self.districts_not_planned.is_empty() {
            out.push_str(&format!(
                "\nNot planned within the time limit, left out: {} districts (first: {}). Split a province at a time, or run more optimizer replicas.",
                self.districts_not_planned.len(),
                region_code(&self.districts_not_planned[0])
            ));
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
