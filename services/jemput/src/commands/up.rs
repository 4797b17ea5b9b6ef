//! `jemput up`: starts the services, prints where they listen and the
//! district's gap (asked over gRPC, so it is what every client sees), then
//! serves until Ctrl-C or SIGTERM and drains.

use jemput_proto::registry::GetEnrollmentGapRequest;
use serde::Serialize;

use super::gaps::list_children;
use crate::{
    cli::UpArgs,
    client::Registry,
    error::CliError,
    input::DEFAULT_DISTRICT,
    output::{GapRow, Report, gap_table},
    up::{Stack, UpConfig, describe_database, stop_signal},
};

/// How many kecamatan the start-up summary lists.
const LARGEST_GAPS: usize = 5;

/// What `jemput up` prints once everything listens.
#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    /// The database, without any password.
    pub database: String,
    pub services: Vec<ServiceReport>,
    pub district: GapRow,
    /// The district's children with the largest gaps, largest first.
    pub largest_gaps: Vec<GapRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub name: &'static str,
    pub url: String,
}

pub async fn run(args: &UpArgs, json: bool) -> Result<(), CliError> {
    let stop = stop_signal();
    let stack = Stack::start(&UpConfig {
        database_url: args.database_url.clone(),
        registry_listen: args.registry_listen,
    })
    .await?;
    let report = match summarize(&stack).await {
        Ok(report) => report,
        Err(err) => {
            // Report why the summary failed, not how the drain went.
            let _ = stack.shutdown().await;
            return Err(err);
        }
    };
    if json {
        // One line, so a supervising program can read it before EOF.
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|err| CliError::Output(err.into()))?
        );
    } else {
        println!("{}\n\nServing until Ctrl-C or SIGTERM.", report.to_human());
    }
    stack.run_until(stop).await?;
    if !json {
        println!("Stopped.");
    }
    Ok(())
}

/// Asks the running registry for the district's numbers.
pub async fn summarize(stack: &Stack) -> Result<UpReport, CliError> {
    let services: Vec<ServiceReport> = stack
        .services()
        .iter()
        .map(|service| ServiceReport {
            name: service.name,
            url: service.url(),
        })
        .collect();
    let registry_url = stack
        .url("registry")
        .ok_or_else(|| CliError::Usage("the registry is not running".to_string()))?;
    let mut registry = Registry::connect(&registry_url).await?;
    let district = registry
        .client
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: DEFAULT_DISTRICT.to_string(),
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    let largest_gaps =
        list_children(&mut registry, DEFAULT_DISTRICT, "gap desc", LARGEST_GAPS).await?;
    Ok(UpReport {
        database: describe_database(stack.database_url()),
        services,
        district: district.into(),
        largest_gaps,
    })
}

impl Report for UpReport {
    fn to_human(&self) -> String {
        let mut out = String::from("jemput is up.\n\n");
        out.push_str(&format!("  {:<10}{}\n", "database", self.database));
        for service in &self.services {
            out.push_str(&format!(
                "  {:<10}{}  (gRPC, with health and reflection)\n",
                service.name, service.url
            ));
        }
        out.push_str(&format!("\n{}\n", self.district.title()));
        for line in self.district.summary_lines() {
            out.push_str(&format!("  {line}\n"));
        }
        if !self.largest_gaps.is_empty() {
            let level = self.largest_gaps[0].level;
            out.push_str(&format!("\nLargest gaps by {level}\n"));
            for line in gap_table(&self.largest_gaps, None).render().lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.truncate(out.trim_end().len());
        out
    }
}
