//! The CSV files that `record --file` and `import` read: columns found by
//! name, each row's line remembered, and the registry's violations of
//! `reports[i].count` or `counts[i].ikd_activated` turned back into the
//! row, line and column a person can fix.
//!
//! Exports opened and saved in a spreadsheet set to Indonesian often come
//! back with ';' between cells, a byte-order mark, and counts written
//! `1.184`; all three are understood.

use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::error::{CliError, FileCell, Violation};

/// A CSV file read whole.
#[derive(Debug)]
pub(crate) struct CsvFile {
    pub path: PathBuf,
    headers: Vec<String>,
    pub rows: Vec<CsvRow>,
}

/// One data row.
#[derive(Debug)]
pub(crate) struct CsvRow {
    /// 1-based line where the row starts.
    pub line: u64,
    record: StringRecord,
}

/// A column the file has, by position and by the name the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    index: usize,
    pub name: String,
}

impl CsvFile {
    pub fn read(path: &Path) -> Result<CsvFile, CliError> {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::ReadFile {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<CsvFile, CliError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first_line = text.lines().next().unwrap_or("");
        let delimiter = if first_line.contains(';') && !first_line.contains(',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let bad_file = |line: u64, description: String| CliError::BadFile {
            path: path.to_path_buf(),
            problems: vec![Violation::field(&format!("line {line}"), &description)],
        };
        let headers = reader
            .headers()
            .map_err(|err| bad_file(1, err.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|err| {
                let line = err.position().map_or(0, |p| p.line());
                bad_file(line, err.to_string())
            })?;
            // Counted from the byte offset: the reader's own line count
            // skips blank lines, which a person's editor does not.
            let line = record.position().map_or(0, |p| line_at(text, p.byte()));
            rows.push(CsvRow { line, record });
        }
        Ok(CsvFile {
            path: path.to_path_buf(),
            headers,
            rows,
        })
    }

    /// The first of `names` the file has (any case).
    pub fn column(&self, names: &[&str]) -> Option<Column> {
        names.iter().find_map(|wanted| {
            self.headers
                .iter()
                .position(|header| header.eq_ignore_ascii_case(wanted))
                .map(|index| Column {
                    index,
                    name: self.headers[index].clone(),
                })
        })
    }

    /// Headers that are not among `known` (any case).
    pub fn unknown_columns(&self, known: &[&str]) -> Vec<String> {
        self.headers
            .iter()
            .filter(|header| !known.iter().any(|k| header.eq_ignore_ascii_case(k)))
            .cloned()
            .collect()
    }

    /// The trimmed cell of row `row` (0-based) in `column`; empty if the row is short.
    pub fn cell<'a>(&'a self, row: usize, column: &Column) -> &'a str {
        self.rows[row].record.get(column.index).unwrap_or("")
    }

    /// Parses a cell, or adds its problem to `problems`.
    pub fn parse_cell<T>(
        &self,
        row: usize,
        column: &Column,
        parse: impl Fn(&str) -> Result<T, String>,
        problems: &mut Vec<Violation>,
    ) -> Option<T> {
        parse(self.cell(row, column))
            .map_err(|description| {
                problems.push(Violation::in_file(
                    self.locate(row, &column.name),
                    description,
                ))
            })
            .ok()
    }

    /// Where a cell is, for messages.
    pub fn locate(&self, row: usize, column: &str) -> FileCell {
        FileCell {
            row: row + 1,
            line: self.rows[row].line,
            column: column.to_string(),
        }
    }

    /// Rewrites violations of `{list}[i].{field}` to point at row i+1 and the
    /// file's column for `field` (`column_for` maps request fields to columns).
    pub fn locate_violations(
        &self,
        violations: Vec<Violation>,
        list: &str,
        column_for: impl Fn(&str) -> Option<String>,
    ) -> Vec<Violation> {
        violations
            .into_iter()
            .map(|violation| {
                let Some((index, field)) = parse_list_field(&violation.field, list) else {
                    return violation;
                };
                if index >= self.rows.len() {
                    return violation;
                }
                let column = column_for(field).unwrap_or_else(|| field.to_string());
                Violation {
                    row: Some(self.locate(index, &column)),
                    ..violation
                }
            })
            .collect()
    }

    /// A problem list as the error of a file nothing was sent from.
    pub fn rejected(&self, problems: Vec<Violation>) -> CliError {
        CliError::BadFile {
            path: self.path.clone(),
            problems,
        }
    }
}

/// The 1-based line of the record that starts at byte `offset` of `text`.
fn line_at(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    // The reader places a record after blank lines at the first of them.
    while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
        offset += 1;
    }
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// `counts[12].region` with list `counts` → `(12, "region")`; `counts[3]` → `(3, "")`.
fn parse_list_field<'a>(field: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let rest = field.strip_prefix(list)?.strip_prefix('[')?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    let field = match rest.strip_prefix('.') {
        Some(field) => field,
        None if rest.is_empty() => "",
        None => return None,
    };
    Some((index, field))
}

/// A whole number as an export writes it: `1184`, `1.184` or `-3`.
pub(crate) fn parse_count(cell: &str) -> Result<i64, String> {
    if cell.is_empty() {
        return Err("is empty: expected a whole number".to_string());
    }
    let (sign, digits) = match cell.strip_prefix('-') {
        Some(digits) => (-1, digits),
        None => (1, cell),
    };
    // '.' can only group thousands in a count: `1.184`, `1.000.000`.
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    let plain = if grouped {
        groups.concat()
    } else {
        digits.to_string()
    };
    if plain.is_empty() || !plain.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{cell}` is not a whole number"));
    }
    plain
        .parse::<i64>()
        .map(|n| sign * n)
        .map_err(|_| format!("`{cell}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_fields_parse() {
        assert_eq!(
            parse_list_field("counts[12].region", "counts"),
            Some((12, "region"))
        );
        assert_eq!(parse_list_field("counts[3]", "counts"), Some((3, "")));
        assert_eq!(parse_list_field("counts", "counts"), None);
        assert_eq!(parse_list_field("reports[1].count", "counts"), None);
        assert_eq!(parse_list_field("counts[x].region", "counts"), None);
    }

    #[test]
    fn counts_accept_export_spellings() {
        assert_eq!(parse_count("1184"), Ok(1184));
        assert_eq!(parse_count("1.184"), Ok(1184));
        assert_eq!(parse_count("1.000.000"), Ok(1_000_000));
        assert_eq!(parse_count("-3"), Ok(-3));
        assert!(parse_count("").is_err());
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("12a").is_err());
        assert!(parse_count("1,184").is_err());
        assert!(parse_count("99999999999999999999").is_err());
    }

    #[test]
    fn semicolons_bom_and_lines_are_handled() {
        let text = "\u{feff}Code;KTP_EL_RECORDED;ikd_activated\n17.02.09.1001;1.184;2\n\n17.02.09.1002;480\n";
        let file = CsvFile::parse(Path::new("x.csv"), text).unwrap();
        let code = file.column(&["region", "code"]).unwrap();
        assert_eq!(code.name, "Code");
        let ikd = file.column(&["ikd_activated"]).unwrap();
        assert_eq!(file.rows.len(), 2);
        assert_eq!(file.cell(0, &code), "17.02.09.1001");
        assert_eq!(file.cell(1, &ikd), "", "a short row reads as empty");
        assert_eq!(file.rows[0].line, 2);
        assert_eq!(file.rows[1].line, 4, "the blank line still counts");
    }

    #[test]
    fn violations_point_at_rows_and_columns() {
        let text =
            "code,ktp_el_recorded_est,ikd_activated_est\n17.02.09.1001,10,20\n17.02.09.1002,10,2\n";
        let file = CsvFile::parse(Path::new("x.csv"), text).unwrap();
        let located = file.locate_violations(
            vec![
                Violation::field("counts[0].ikd_activated", "exceeds ktp_el_recorded"),
                Violation::field("request_id", "is required"),
                Violation::field("counts[7].region", "out of range"),
            ],
            "counts",
            |field| match field {
                "ikd_activated" => Some("ikd_activated_est".to_string()),
                _ => None,
            },
        );
        assert_eq!(
            located[0].to_string(),
            "row 1 (line 2), column ikd_activated_est: exceeds ktp_el_recorded"
        );
        assert_eq!(located[1].to_string(), "request_id: is required");
        assert_eq!(located[2].to_string(), "counts[7].region: out of range");
    }
}
