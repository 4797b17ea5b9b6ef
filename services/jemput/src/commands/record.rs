//! `jemput record`: appends activations to the registry's ledger, either one
//! village-day from the command line or a CSV file of reports as one atomic,
//! idempotent batch.

use chrono::NaiveDate;
use jemput_proto::registry::{ActivationReport, Channel, RecordActivationsRequest};
use serde::Serialize;

use super::csv_file::{CsvFile, parse_count};
use crate::{
    cli::{ChannelArg, RecordArgs},
    client::Registry,
    error::{CliError, RpcError, Violation},
    format::format_count,
    input::{parse_date, parse_region, today_in_district},
    output::{GapRow, Report},
};

/// The columns of a reports file; only region and count are required.
const COLUMNS: &[&str] = &["region", "count", "activation_date", "channel", "team"];

#[derive(Debug, Clone, Serialize)]
pub struct RecordReport {
    pub request_id: String,
    /// Reports accepted: all that were sent.
    pub accepted: i32,
    /// Activations they add up to.
    pub activations: i64,
    /// The ledger position of this batch.
    pub batch: i64,
    pub district_gap: Option<GapRow>,
}

pub async fn run(registry: &mut Registry, args: &RecordArgs) -> Result<RecordReport, CliError> {
    let today = today_in_district();
    let request_id = args
        .request_id
        .clone()
        .unwrap_or_else(super::fresh_request_id);
    let (reports, file) = match (&args.file, &args.village, args.count) {
        (Some(path), _, _) => {
            let file = CsvFile::read(path)?;
            (reports_from_file(&file, today)?, Some(file))
        }
        (None, Some(village), Some(count)) => {
            let report = ActivationReport {
                region: village.clone(),
                count,
                activation_date: args.date.unwrap_or(today).format("%Y-%m-%d").to_string(),
                channel: channel(args.channel) as i32,
                team: args.team.clone().unwrap_or_default(),
            };
            (vec![report], None)
        }
        // clap requires one of the two forms; say so rather than panic.
        _ => {
            return Err(CliError::Usage(
                "give --village and --count, or --file".to_string(),
            ));
        }
    };
    let response = registry
        .client
        .record_activations(RecordActivationsRequest {
            request_id: request_id.clone(),
            reports,
        })
        .await
        .map_err(|status| {
            let mut rpc = RpcError::from_status("registry", &registry.url, &status);
            if let Some(file) = &file {
                // Request fields are named as the file's columns.
                rpc.violations =
                    file.locate_violations(rpc.violations, "reports", |f| Some(f.to_string()));
            }
            CliError::Rpc(rpc.with_retry_hint(&request_id))
        })?
        .into_inner();
    Ok(RecordReport {
        request_id,
        accepted: response.accepted,
        activations: response.activations,
        batch: response.batch,
        district_gap: response.district_gap.map(GapRow::from),
    })
}

fn channel(arg: ChannelArg) -> Channel {
    match arg {
        ChannelArg::Office => Channel::Office,
        ChannelArg::Mobile => Channel::MobileTeam,
    }
}

/// `office`, `mobile`, `mobile_team` or `mobile-team` (any case); empty is mobile.
fn parse_channel(text: &str) -> Result<Channel, String> {
    match text.to_ascii_lowercase().replace('-', "_").as_str() {
        "" | "mobile" | "mobile_team" => Ok(Channel::MobileTeam),
        "office" => Ok(Channel::Office),
        _ => Err(format!(
            "`{text}` is not a channel: expected office or mobile"
        )),
    }
}

/// Every row as an ActivationReport, or every problem the file has.
fn reports_from_file(file: &CsvFile, today: NaiveDate) -> Result<Vec<ActivationReport>, CliError> {
    let mut problems: Vec<Violation> = file
        .unknown_columns(COLUMNS)
        .into_iter()
        .map(|column| {
            Violation::field(
                "header",
                &format!("unknown column `{column}`: expected {}", COLUMNS.join(",")),
            )
        })
        .collect();
    let column = |name: &str| file.column(&[name]);
    let (Some(region), Some(count)) = (column("region"), column("count")) else {
        problems.push(Violation::field(
            "header",
            "the columns region and count are required",
        ));
        return Err(file.rejected(problems));
    };
    let (date, channel, team) = (column("activation_date"), column("channel"), column("team"));
    if file.rows.is_empty() {
        problems.push(Violation::field(
            "rows",
            "the file has a header but no rows",
        ));
    }
    let mut reports = Vec::with_capacity(file.rows.len());
    for row in 0..file.rows.len() {
        let region = file.parse_cell(row, &region, parse_region, &mut problems);
        let count = file.parse_cell(row, &count, parse_count, &mut problems);
        let date = match &date {
            Some(column) => file.parse_cell(
                row,
                column,
                |text| {
                    if text.is_empty() {
                        Ok(today)
                    } else {
                        parse_date(text)
                    }
                },
                &mut problems,
            ),
            None => Some(today),
        };
        let channel = match &channel {
            Some(column) => file.parse_cell(row, column, parse_channel, &mut problems),
            None => Some(Channel::MobileTeam),
        };
        let team = team
            .as_ref()
            .map(|column| file.cell(row, column).to_string())
            .unwrap_or_default();
        if let (Some(region), Some(count), Some(date), Some(channel)) =
            (region, count, date, channel)
        {
            reports.push(ActivationReport {
                region,
                count,
                activation_date: date.format("%Y-%m-%d").to_string(),
                channel: channel as i32,
                team,
            });
        }
    }
    if !problems.is_empty() {
        return Err(file.rejected(problems));
    }
    Ok(reports)
}

impl Report for RecordReport {
    fn to_human(&self) -> String {
        let mut out = format!(
            "Recorded {} activations from {} {} as batch {} (request {}).",
            format_count(self.activations),
            self.accepted,
            if self.accepted == 1 {
                "report"
            } else {
                "reports"
            },
            self.batch,
            self.request_id
        );
        if let Some(district) = &self.district_gap {
            out.push_str(&format!("\n\n{} now:", district.title()));
            for line in district.summary_lines() {
                out.push_str(&format!("\n  {line}"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    #[test]
    fn a_reports_file_becomes_one_batch() {
        let text = "region,count,activation_date,channel,team\n\
                    17.02.09.1001,120,2026-02-27,mobile,Tim 1\n\
                    regions/17.02.09.1002,35,,office,\n";
        let file = CsvFile::parse(Path::new("reports.csv"), text).unwrap();
        let reports = reports_from_file(&file, today()).unwrap();
        assert_eq!(
            reports,
            vec![
                ActivationReport {
                    region: "regions/17.02.09.1001".into(),
                    count: 120,
                    activation_date: "2026-02-27".into(),
                    channel: Channel::MobileTeam as i32,
                    team: "Tim 1".into(),
                },
                ActivationReport {
                    region: "regions/17.02.09.1002".into(),
                    count: 35,
                    activation_date: "2026-03-02".into(),
                    channel: Channel::Office as i32,
                    team: String::new(),
                },
            ]
        );
    }

    #[test]
    fn optional_columns_may_be_left_out() {
        let file = CsvFile::parse(Path::new("r.csv"), "region,count\n17.02.09.1001,5\n").unwrap();
        let reports = reports_from_file(&file, today()).unwrap();
        assert_eq!(reports[0].activation_date, "2026-03-02");
        assert_eq!(reports[0].channel, Channel::MobileTeam as i32);
    }

    #[test]
    fn bad_cells_and_unknown_columns_are_all_reported() {
        let text = "region,count,activation_date,channel,tim\n\
                    17.02.09.1001,1O,2026-13-01,bus,x\n";
        let file = CsvFile::parse(Path::new("r.csv"), text).unwrap();
        let err = reports_from_file(&file, today()).unwrap_err();
        let CliError::BadFile { problems, .. } = &err else {
            panic!("expected a bad file: {err:?}")
        };
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                "header: unknown column `tim`: expected region,count,activation_date,channel,team",
                "row 1 (line 2), column count: `1O` is not a whole number",
                "row 1 (line 2), column activation_date: `2026-13-01` is not a date: expected YYYY-MM-DD, e.g. 2026-03-31",
                "row 1 (line 2), column channel: `bus` is not a channel: expected office or mobile",
            ]
        );
    }
}
