//! `jemput import FILE.csv`: replaces village counts from a Dukcapil export
//! in one atomic ImportRegions call, and reports every bad row by its row,
//! line and column, whether the file or the registry found the problem.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use jemput_proto::registry::{
    ImportRegionsRequest, ListEnrollmentGapsRequest, RegionLevel, VillageCounts,
};
use serde::Serialize;

use super::csv_file::{Column, CsvFile, parse_count};
use crate::{
    cli::ImportArgs,
    client::Registry,
    error::{CliError, RpcError, Violation},
    format::format_count,
    input::parse_region,
    output::{GapRow, Report},
};

/// Accepted names of each column (any case), in order of preference: ours,
/// the seed's `_est` names (`services/registry/seed/rejang_lebong/villages.csv`),
/// and the names Dukcapil's own exports use.
const REGION_COLUMNS: &[&str] = &["code", "region", "kode_desa", "kode_wilayah", "kode"];
const RECORDED_COLUMNS: &[&str] = &[
    "ktp_el_recorded",
    "ktp_el_recorded_est",
    "jumlah_rekam_ktp_el",
    "wajib_ktp_rekam",
    "rekam_ktp_el",
];
const ACTIVATED_COLUMNS: &[&str] = &[
    "ikd_activated",
    "ikd_activated_est",
    "jumlah_ikd",
    "ikd",
    "aktivasi_ikd",
];

/// A village code as exports write it: `17.02.09.2001`, `regions/…`, or
/// without dots (`1702092001`).
fn parse_village_code(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.len() == 10 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let dotted = format!(
            "{}.{}.{}.{}",
            &trimmed[..2],
            &trimmed[2..4],
            &trimmed[4..6],
            &trimmed[6..]
        );
        return parse_region(&dotted);
    }
    parse_region(trimmed)
}

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
    /// Villages whose activated IKD the import lowers (allowed with
    /// --allow-decrease): activations the ledger recorded no longer count.
    pub decreases: Vec<Decrease>,
}

/// A village whose activated count an import would lower.
#[derive(Debug, Clone, Serialize)]
pub struct Decrease {
    pub region: String,
    pub display_name: String,
    pub ikd_activated_now: i64,
    pub ikd_activated_imported: i64,
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
    let decreases = decreases(registry, &counts).await?;
    if !decreases.is_empty() && !args.allow_decrease {
        // Rows the registry refuses are reported first, as without decreases.
        registry
            .client
            .import_regions(ImportRegionsRequest {
                request_id: request_id.clone(),
                counts: counts.clone(),
                validate_only: true,
            })
            .await
            .map_err(|status| {
                let mut rpc = RpcError::from_status("registry", &registry.url, &status);
                rpc.violations =
                    file.locate_violations(rpc.violations, "counts", |f| columns.for_field(f));
                CliError::Rpc(rpc)
            })?;
        let problems = decreases
            .iter()
            .map(|(row, d)| {
                Violation::in_file(
                    file.locate(*row, &columns.activated.name),
                    format!(
                        "would lower {} from {} to {} activated IKD, undoing activations the ledger recorded; if the export is right, import with --allow-decrease",
                        d.display_name,
                        format_count(d.ikd_activated_now),
                        format_count(d.ikd_activated_imported)
                    ),
                )
            })
            .collect();
        return Err(file.rejected(problems));
    }
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
        decreases: decreases.into_iter().map(|(_, d)| d).collect(),
    })
}

/// Rows (0-based) whose activated count is below the village's count now.
/// Read before the import: a write between the two is not seen, which at
/// worst lets a decrease of that write's size through unwarned.
async fn decreases(
    registry: &mut Registry,
    counts: &[VillageCounts],
) -> Result<Vec<(usize, Decrease)>, CliError> {
    let districts: BTreeSet<String> = counts
        .iter()
        .filter_map(|c| {
            let code = c.region.strip_prefix("regions/")?;
            Some(format!("regions/{}", code.get(..5)?))
        })
        .collect();
    let mut now: HashMap<String, (String, i64)> = HashMap::new();
    for district in districts {
        let mut page_token = String::new();
        loop {
            let page = registry
                .client
                .list_enrollment_gaps(ListEnrollmentGapsRequest {
                    parent: district.clone(),
                    page_size: 1000,
                    page_token,
                    level: RegionLevel::Village as i32,
                    ..Default::default()
                })
                .await
                .map_err(|status| registry.error(status))?
                .into_inner();
            for gap in page.gaps {
                now.insert(gap.region, (gap.display_name, gap.ikd_activated));
            }
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    Ok(counts
        .iter()
        .enumerate()
        .filter_map(|(row, c)| {
            let (name, activated) = now.get(&c.region)?;
            (c.ikd_activated < *activated).then(|| {
                (
                    row,
                    Decrease {
                        region: c.region.clone(),
                        display_name: name.clone(),
                        ikd_activated_now: *activated,
                        ikd_activated_imported: c.ikd_activated,
                    },
                )
            })
        })
        .collect())
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
            file.parse_cell(row, &region, parse_village_code, &mut problems),
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
        if !self.decreases.is_empty() {
            out.push_str(&format!(
                "\n\nLowered with --allow-decrease ({} villages; activations the ledger recorded there no longer count):",
                self.decreases.len()
            ));
            for d in &self.decreases {
                out.push_str(&format!(
                    "\n  {} ({}): {} → {}",
                    d.display_name,
                    d.region.strip_prefix("regions/").unwrap_or(&d.region),
                    format_count(d.ikd_activated_now),
                    format_count(d.ikd_activated_imported)
                ));
            }
        }
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
