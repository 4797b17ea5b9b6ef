//! `jemput up`: starts the registry, optimizer and dashboard, prints where
//! they listen and the district's gap (asked over gRPC, so it is what every
//! client sees), then serves until Ctrl-C or SIGTERM and drains.

use jemput_proto::registry::GetEnrollmentGapRequest;
use serde::Serialize;

use super::gaps::list_children;
use jemput_auth::tls::TlsFiles;

use crate::{
    cli::UpArgs,
    client::{Access, Registry},
    error::CliError,
    input::DEFAULT_DISTRICT,
    output::{GapRow, Report, gap_table},
    up::{DASHBOARD, REGISTRY, Stack, UpConfig, describe_database, stop_signal},
};

/// How many kecamatan the start-up summary lists.
const LARGEST_GAPS: usize = 5;

/// What `jemput up` prints once everything listens.
#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    /// The registry's database, without any password.
    pub database: String,
    /// The optimizer's plans database, without any password.
    pub plans_database: String,
    pub services: Vec<ServiceReport>,
    /// The dashboard's page, to open in a browser.
    pub dashboard: Option<String>,
    /// The dashboard's page with a one-time code that signs the first
    /// visitor in as the local admin.
    pub sign_in: Option<String>,
    /// Where the local admin token is kept; the commands use it.
    pub admin_token_file: String,
    pub district: GapRow,
    /// The district's children with the largest gaps, largest first.
    pub largest_gaps: Vec<GapRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub name: &'static str,
    pub url: String,
    pub protocol: Protocol,
}

/// What a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// gRPC, with health and reflection.
    Grpc,
    /// HTTP, pages for a browser.
    Http,
}

pub async fn run(args: &UpArgs, json: bool) -> Result<(), CliError> {
    let stop = stop_signal();
    let tls = TlsFiles::from_flags(args.tls_cert.clone(), args.tls_key.clone())
        .map_err(CliError::Usage)?;
    let stack = Stack::start(&UpConfig {
        database_url: args.database_url.clone(),
        plans_database_url: args.plans_database_url.clone(),
        registry_listen: args.registry_listen,
        optimizer_listen: args.optimizer_listen,
        dashboard_listen: args.dashboard_listen,
        tls,
        insecure: args.insecure,
        dashboard_hosts: args.dashboard_host.clone(),
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
        .map(|service| {
            if service.name == DASHBOARD {
                ServiceReport {
                    name: service.name,
                    url: format!("{}/", service.url()),
                    protocol: Protocol::Http,
                }
            } else {
                ServiceReport {
                    name: service.name,
                    url: service.url(),
                    protocol: Protocol::Grpc,
                }
            }
        })
        .collect();
    let dashboard = services
        .iter()
        .find(|service| service.name == DASHBOARD)
        .map(|service| service.url.clone());
    let registry_url = stack
        .url(REGISTRY)
        .ok_or_else(|| CliError::Usage("the registry is not running".to_string()))?;
    let access = Access {
        token: Some(stack.admin_token().to_string()),
        ca: stack.tls().map(|files| files.cert.clone()),
        local_only: false,
    };
    let mut registry = Registry::connect(&registry_url, &access).await?;
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
    let sign_in = dashboard
        .as_ref()
        .map(|url| format!("{}{}", url.trim_end_matches('/'), stack.sign_in_path()));
    Ok(UpReport {
        database: describe_database(stack.database_url()),
        plans_database: describe_database(stack.plans_database_url()),
        services,
        dashboard,
        sign_in,
        admin_token_file: stack.admin_token_file().display().to_string(),
        district: district.into(),
        largest_gaps,
    })
}

impl Report for UpReport {
    fn to_human(&self) -> String {
        let mut out = String::from("jemput is up.\n\n");
        out.push_str(&format!("  {:<11}{}\n", "database", self.database));
        out.push_str(&format!("  {:<11}{}\n", "plans", self.plans_database));
        let width = self
            .services
            .iter()
            .map(|service| service.url.len())
            .max()
            .unwrap_or(0);
        for service in &self.services {
            let what = match service.protocol {
                Protocol::Http => "(web, for a browser)",
                Protocol::Grpc => "(gRPC, with health and reflection)",
            };
            out.push_str(&format!(
                "  {:<11}{:<width$}  {what}\n",
                service.name, service.url
            ));
        }
        out.push_str(&format!(
            "  {:<11}{}  (admin token: the commands use it; JEMPUT_TOKEN overrides)\n",
            "token", self.admin_token_file
        ));
        if let Some(dashboard) = self.sign_in.as_ref().or(self.dashboard.as_ref()) {
            out.push_str(&format!(
                "\nDashboard: {dashboard}\n  (open it in a browser: the link signs you in once; after that, sign in with the admin token)\n"
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
