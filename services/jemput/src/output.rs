//! How a command's result reaches stdout: every report is `Serialize` (for
//! `--json`, plain numbers, stable field names) and renders itself for a
//! person. Also the text table and the `GapRow` most reports share.

use std::io::{self, Write};

use jemput_proto::registry::{EnrollmentGap, RegionLevel};
use serde::Serialize;

use crate::{
    error::CliError,
    format::{format_count, format_percent, format_target},
    input::region_code,
};

/// A command's result.
pub trait Report: Serialize {
    /// The text a person reads, ending without a newline.
    fn to_human(&self) -> String;
}

/// Prints a report as JSON or as text. A closed pipe (`jemput gaps | head`)
/// is not an error.
pub fn emit<R: Report>(report: &R, json: bool) -> Result<(), CliError> {
    let text = if json {
        serde_json::to_string_pretty(report).map_err(|err| CliError::Output(err.into()))?
    } else {
        report.to_human()
    };
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(CliError::Output),
    }
}

/// One region's enrollment gap, as reports print it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapRow {
    /// `regions/{code}`.
    pub region: String,
    pub display_name: String,
    /// "province", "district", "kecamatan" or "village".
    pub level: &'static str,
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
    /// ikd_activated ÷ ktp_el_recorded.
    pub coverage: f64,
    pub target_fraction: f64,
    pub target_count: i64,
    pub gap: i64,
    /// The region whose target applies.
    pub target_source: String,
    /// Some villages have no counts yet: the numbers cover only the others.
    pub counts_missing: bool,
    pub villages_without_counts: i64,
}

impl From<EnrollmentGap> for GapRow {
    fn from(gap: EnrollmentGap) -> Self {
        GapRow {
            level: level_name(gap.level()),
            region: gap.region,
            display_name: gap.display_name,
            ktp_el_recorded: gap.ktp_el_recorded,
            ikd_activated: gap.ikd_activated,
            coverage: gap.coverage,
            target_fraction: gap.target_fraction,
            target_count: gap.target_count,
            gap: gap.gap,
            target_source: gap.target_source,
            counts_missing: gap.counts_missing,
            villages_without_counts: i64::from(gap.villages_without_counts),
        }
    }
}

impl GapRow {
    /// `Rejang Lebong (17.02)`.
    pub fn title(&self) -> String {
        format!("{} ({})", self.display_name, region_code(&self.region))
    }

    /// A province or the nation: its target and gap are its districts'
    /// summed, not a share of its own totals.
    pub fn sums_districts(&self) -> bool {
        matches!(self.level, "province" | "nation")
    }

    /// Nothing is counted: every village is still waiting for its counts.
    fn no_counts_at_all(&self) -> bool {
        self.counts_missing && self.ktp_el_recorded == 0
    }

    /// What a table or summary says of villages without counts, if any.
    pub fn counts_note(&self) -> Option<String> {
        if !self.counts_missing {
            None
        } else if self.no_counts_at_all() {
            Some("no counts yet".to_string())
        } else {
            Some(format!(
                "no counts yet for {} villages",
                format_count(self.villages_without_counts)
            ))
        }
    }

    /// A short paragraph: recorded, activated, target and gap.
    pub fn summary_lines(&self) -> Vec<String> {
        if self.no_counts_at_all() {
            return vec![format!(
                "no counts yet for its {} villages: import Dukcapil's counts (jemput import)",
                format_count(self.villages_without_counts)
            )];
        }
        let mut rows = vec![
            (
                "KTP-el recorded",
                format_count(self.ktp_el_recorded),
                String::new(),
            ),
            (
                "IKD activated",
                format_count(self.ikd_activated),
                format!("{} coverage", format_percent(self.coverage)),
            ),
            (
                "target",
                format_count(self.target_count),
                if self.sums_districts() {
                    "each district's, summed".to_string()
                } else {
                    format!(
                        "{} of recorded{}",
                        format_target(self.target_fraction),
                        if self.target_source.is_empty() || self.target_source == self.region {
                            String::new()
                        } else {
                            format!(", set on {}", region_code(&self.target_source))
                        }
                    )
                },
            ),
            (
                "gap",
                format_count(self.gap),
                if self.sums_districts() {
                    "still to activate: each district's shortfall, summed".to_string()
                } else {
                    "still to activate".to_string()
                },
            ),
        ];
        if let Some(note) = self.counts_note() {
            rows.push((
                "not counted",
                format_count(self.villages_without_counts),
                format!("villages: {note}, the numbers above leave them out"),
            ));
        }
        let width = rows
            .iter()
            .map(|(_, number, _)| number.len())
            .max()
            .unwrap_or(0);
        rows.iter()
            .map(|(label, number, note)| {
                format!("{label:<16} {number:>width$}  {note}")
                    .trim_end()
                    .to_string()
            })
            .collect()
    }
}

/// "nation", "province", "district", "kecamatan", "village" or "region".
pub fn level_name(level: RegionLevel) -> &'static str {
    match level {
        RegionLevel::Nation => "nation",
        RegionLevel::Province => "province",
        RegionLevel::District => "district",
        RegionLevel::Kecamatan => "kecamatan",
        RegionLevel::Village => "village",
        RegionLevel::Unspecified => "region",
    }
}

/// How a column lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A plain-text table with a header, rows, and optional footer rows under a rule.
#[derive(Debug)]
pub struct Table {
    header: Vec<(&'static str, Align)>,
    rows: Vec<Vec<String>>,
    footer: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: Vec<(&'static str, Align)>) -> Self {
        Table {
            header,
            rows: Vec::new(),
            footer: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn footer(&mut self, cells: Vec<String>) {
        self.footer.push(cells);
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|(h, _)| h.chars().count()).collect();
        for cells in self.rows.iter().chain(&self.footer) {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&self.header)
                .map(|((cell, width), (_, align))| {
                    let pad = " ".repeat(width - cell.chars().count());
                    match align {
                        Align::Left => format!("{cell}{pad}"),
                        Align::Right => format!("{pad}{cell}"),
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        let header: Vec<String> = self.header.iter().map(|(h, _)| h.to_string()).collect();
        let mut out = vec![line(&header)];
        out.extend(self.rows.iter().map(|cells| line(cells)));
        if !self.footer.is_empty() {
            let total_width = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            out.push("-".repeat(total_width));
            out.extend(self.footer.iter().map(|cells| line(cells)));
        }
        out.join("\n")
    }
}

/// The standard gap table: code, name, recorded, activated, coverage, target, gap.
pub fn gap_table(rows: &[GapRow], total: Option<&GapRow>) -> Table {
    let mut table = Table::new(vec![
        ("code", Align::Left),
        ("name", Align::Left),
        ("recorded", Align::Right),
        ("activated", Align::Right),
        ("coverage", Align::Right),
        ("target", Align::Right),
        ("gap", Align::Right),
    ]);
    let cells = |row: &GapRow| {
        let name = match row.counts_note() {
            Some(note) => format!("{} ({note})", row.display_name),
            None => row.display_name.clone(),
        };
        if row.no_counts_at_all() {
            // Zeros here would read as a district with nobody to reach.
            let mut cells = vec![region_code(&row.region).to_string(), name];
            cells.extend(std::iter::repeat_n("–".to_string(), 5));
            return cells;
        }
        vec![
            region_code(&row.region).to_string(),
            name,
            format_count(row.ktp_el_recorded),
            format_count(row.ikd_activated),
            format_percent(row.coverage),
            format_count(row.target_count),
            format_count(row.gap),
        ]
    };
    for row in rows {
        table.row(cells(row));
    }
    if let Some(total) = total {
        table.footer(cells(total));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn district() -> GapRow {
        GapRow {
            region: "regions/17.02".into(),
            display_name: "Rejang Lebong".into(),
            level: "district",
            ktp_el_recorded: 202_820,
            ikd_activated: 10_425,
            coverage: 10_425.0 / 202_820.0,
            target_fraction: 0.3,
            target_count: 60_846,
            gap: 50_421,
            target_source: "regions/17.02".into(),
            counts_missing: false,
            villages_without_counts: 0,
        }
    }

    #[test]
    fn a_district_without_counts_says_so_instead_of_zeros() {
        let lebong = GapRow {
            region: "regions/17.07".into(),
            display_name: "Kabupaten Lebong".into(),
            ktp_el_recorded: 0,
            ikd_activated: 0,
            coverage: 0.0,
            target_count: 0,
            gap: 0,
            target_source: "regions/17.07".into(),
            counts_missing: true,
            villages_without_counts: 104,
            ..district()
        };
        assert_eq!(
            lebong.summary_lines(),
            ["no counts yet for its 104 villages: import Dukcapil's counts (jemput import)"]
        );
        let table = gap_table(&[lebong], None).render();
        assert!(
            table.contains("Kabupaten Lebong (no counts yet)"),
            "{table}"
        );
        assert!(!table.contains(" 0 "), "{table}");
    }

    #[test]
    fn summary_reads_in_indonesian_numbers() {
        let lines = district().summary_lines();
        assert_eq!(
            lines,
            vec![
                "KTP-el recorded  202.820",
                "IKD activated     10.425  5,14% coverage",
                "target            60.846  30% of recorded",
                "gap               50.421  still to activate",
            ]
        );
    }

    #[test]
    fn tables_align_numbers_right_and_total_under_a_rule() {
        let mut curup = district();
        curup.region = "regions/17.02.09".into();
        curup.display_name = "Curup".into();
        curup.ktp_el_recorded = 20_000;
        curup.ikd_activated = 3_000;
        curup.coverage = 0.15;
        curup.target_count = 6_000;
        curup.gap = 3_000;
        let text = gap_table(&[curup], Some(&district())).render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "code      name           recorded  activated  coverage  target     gap"
        );
        assert_eq!(
            lines[1],
            "17.02.09  Curup            20.000      3.000    15,00%   6.000   3.000"
        );
        assert!(lines[2].chars().all(|c| c == '-'));
        assert_eq!(lines[2].len(), lines[0].len());
        assert_eq!(
            lines[3],
            "17.02     Rejang Lebong   202.820     10.425     5,14%  60.846  50.421"
        );
    }
}
