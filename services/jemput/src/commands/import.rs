//! `jemput import FILE.csv`: replaces village counts from a Dukcapil export
//! in one atomic ImportRegions call, and reports every bad row by its row,
//! line and column, whether the file or the registry found the problem.

use std::path::PathBuf;

use jemput_proto::registry::{ImportRegionsRequest, VillageCounts};
use serde::Serialize;

use super::csv_file::{Column, CsvFile, parse_count};
use crate::{
    cli::ImportArgs,
    client::Registry,
    error::{CliError, RpcError, Violation},
    input::parse_region,
    output::{GapRow, Report},
};

/// Accepted names of each column, in order of preference; the `_est` names
/// are the seed's (`services/registry/seed/rejang_lebong/villages.csv`).
const REGION_COLUMNS: &[&str] = &["code", "region"];
const RECORDED_COLUMNS: &[&str] = &["ktp_el_recorded", "ktp_el_recorded_est"];
const ACTIVATED_COLUMNS: &[&str] = &["ikd_activated", "ikd_activated_est"];

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: PathBuf,
    pub request_id: String,
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Villages whose counts were replaced (or would be, in a dry run).
    pub updated: i32,
    /// The district after the import (before it, in a dry run).
    pub district_gap: Option<GapRow>,
}

/// Which file column holds each request field.
struct Columns {
    region: Column,
    recorded: Column,
    activated: Column,
}

impl Columns {
    fn for_field(&self, field: &str) -> Option<String> {
        match field {
            "region" => Some(self.region.name.clone()),
            "ktp_el_recorded" => Some(self.recorded.name.clone()),
            "ikd_activated" => Some(self.activated.name.clone()),
            _ => None,
        }
    }
}

pub async fn run(registry: &mut Registry, args: &ImportArgs) -> Result<ImportReport, CliError> {
    let file = CsvFile::read(&args.file)?;
    let (columns, counts) = read_counts(&file)?;
    let request_id = args
        .request_id
        .clone()
        .unwrap_or_else(super::fresh_request_id);
    let rows = counts.len();
    let response = registry
        .client
        .import_regions(ImportRegionsRequest {
            request_id: request_id.clone(),
            counts,
            validate_only: args.dry_run,
        })
        .await
        .map_err(|status| {
            let mut rpc = RpcError::from_status("registry", &registry.url, &status);
            rpc.violations =
                file.locate_violations(rpc.violations, "counts", |f| columns.for_field(f));
            if !args.dry_run {
                rpc = rpc.with_retry_hint(&request_id);
            }
            CliError::Rpc(rpc)
        })?
        .into_inner();
    Ok(ImportReport {
        file: args.file.clone(),
        request_id,
        dry_run: args.dry_run,
        rows,
        updated: response.updated,
        district_gap: response.district_gap.map(GapRow::from),
    })
}

/// Every row as VillageCounts, or every problem the file has.
fn read_counts(file: &CsvFile) -> Result<(Columns, Vec<VillageCounts>), CliError> {
    let mut problems = Vec::new();
    let mut find = |names: &[&str]| {
        let column = file.column(names);
        if column.is_none() {
            problems.push(Violation::field(
                "header",
                &format!("no column named {}", names.join(" or ")),
            ));
        }
        column
    };
    let (region, recorded, activated) = (
        find(REGION_COLUMNS),
        find(RECORDED_COLUMNS),
        find(ACTIVATED_COLUMNS),
    );
    let (Some(region), Some(recorded), Some(activated)) = (region, recorded, activated) else {
        return Err(file.rejected(problems));
    };
    if file.rows.is_empty() {
        return Err(file.rejected(vec![Violation::field(
            "rows",
            "the file has a header but no rows",
        )]));
    }
    let mut counts = Vec::with_capacity(file.rows.len());
    for row in 0..file.rows.len() {
        let cells = (
            file.parse_cell(row, &region, parse_region, &mut problems),
            file.parse_cell(row, &recorded, parse_count, &mut problems),
            file.parse_cell(row, &activated, parse_count, &mut problems),
        );
        if let (Some(region), Some(ktp_el_recorded), Some(ikd_activated)) = cells {
            counts.push(VillageCounts {
                region,
                ktp_el_recorded,
                ikd_activated,
            });
        }
    }
    if !problems.is_empty() {
        return Err(file.rejected(problems));
    }
    Ok((
        Columns {
            region,
            recorded,
            activated,
        },
        counts,
    ))
}

impl Report for ImportReport {
    fn to_human(&self) -> String {
        let mut out = if self.dry_run {
            format!(
                "{}: all {} rows are valid; {} villages would be updated. Nothing was changed (--dry-run).",
                self.file.display(),
                self.rows,
                self.updated
            )
        } else {
            format!(
                "Imported {}: {} villages updated (request {}).",
                self.file.display(),
                self.updated,
                self.request_id
            )
        };
        if let Some(district) = &self.district_gap {
            let when = if self.dry_run {
                "now"
            } else {
                "after the import"
            };
            out.push_str(&format!("\n\n{}, {when}:\n", district.title()));
            for line in district.summary_lines() {
                out.push_str(&format!("  {line}\n"));
            }
            out.truncate(out.trim_end().len());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn seed_column_names_are_understood() {
        let text = "code,name,ktp_el_recorded_est,ikd_activated_est\n\
                    17.02.06.1004,Kota Padang,1184,2\n\
                    regions/17.02.06.1015,Bedeng SS,480,1\n";
        let file = CsvFile::parse(Path::new("villages.csv"), text).unwrap();
        let (columns, counts) = read_counts(&file).unwrap();
        assert_eq!(
            counts,
            vec![
                VillageCounts {
                    region: "regions/17.02.06.1004".into(),
                    ktp_el_recorded: 1184,
                    ikd_activated: 2
                },
                VillageCounts {
                    region: "regions/17.02.06.1015".into(),
                    ktp_el_recorded: 480,
                    ikd_activated: 1
                },
            ]
        );
        assert_eq!(
            columns.for_field("ikd_activated").as_deref(),
            Some("ikd_activated_est")
        );
    }

    #[test]
    fn every_bad_cell_is_reported_before_sending() {
        let text = "region,ktp_el_recorded,ikd_activated\n\
                    17.02.06.1004,1184,2\n\
                    17-02,abc,\n";
        let file = CsvFile::parse(Path::new("export.csv"), text).unwrap();
        let CliError::BadFile { problems, .. } = read_counts(&file).err().unwrap() else {
            panic!("expected a bad file")
        };
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("row 2 (line 3), column region: `17-02` is not a region"));
        assert_eq!(
            lines[1],
            "row 2 (line 3), column ktp_el_recorded: `abc` is not a whole number"
        );
        assert_eq!(
            lines[2],
            "row 2 (line 3), column ikd_activated: is empty: expected a whole number"
        );
    }

    #[test]
    fn missing_columns_are_named() {
        let file = CsvFile::parse(Path::new("x.csv"), "code,recorded\n17.02.06.1004,1\n").unwrap();
        let err = read_counts(&file).err().unwrap();
        let human = err.to_human();
        assert!(
            human.contains("no column named ktp_el_recorded or ktp_el_recorded_est"),
            "{human}"
        );
        assert!(
            human.contains("no column named ikd_activated or ikd_activated_est"),
            "{human}"
        );
    }
}

/// The CSV import against arbitrary files: reading never panics, and every
/// problem it finds points at a row and column, or names the header.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn file() -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            "[0-9.]{0,16}",
            "-?[0-9]{1,20}",
            "[a-zA-Z \"\u{0};]{0,10}",
            Just("17.02.06.1015".to_string()),
        ];
        let header = prop_oneof![
            Just("code,ktp_el_recorded,ikd_activated".to_string()),
            Just("region;ktp_el_recorded;ikd_activated".to_string()),
            ".{0,30}",
        ];
        (
            header,
            prop::collection::vec(prop::collection::vec(cell, 0..5), 0..6),
        )
            .prop_map(|(header, rows)| {
                let mut text = header;
                for row in rows {
                    text.push('\n');
                    text.push_str(&row.join(","));
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_file_is_read_or_refused_row_by_row(text in file()) {
            let parsed = CsvFile::parse(std::path::Path::new("export.csv"), &text)
                .and_then(|file| read_counts(&file));
            match parsed {
                Ok((_, counts)) => prop_assert!(!counts.is_empty()),
                Err(CliError::BadFile { problems, .. }) => {
                    prop_assert!(!problems.is_empty());
                    for problem in problems {
                        prop_assert!(
                            problem.row.is_some() || !problem.field.is_empty(),
                            "{problem:?}"
                        );
                    }
                }
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
