//! The command line's names for the one way jemput writes numbers, money and
//! dates (`jemput_base::format`): `50.421`, `5,14%`, `Rp 150.000.000`,
//! `31 Des 2026`. Only human output goes through here; `--json` prints plain
//! numbers.

use chrono::NaiveDate;
use jemput_base::format;

pub use jemput_base::format::Lang as Language;
pub use jemput_base::format::count as format_count;
pub use jemput_base::format::decimal as format_decimal;
pub use jemput_base::format::rupiah as format_rupiah;
pub use jemput_base::format::target as format_target;

/// A share as a percentage with two decimals, as the command line reports
/// coverage: `format_percent(0.0514) == "5,14%"`.
pub fn format_percent(share: f64) -> String {
    format::percent(share, 2)
}

/// A day as `31 Des 2026` (or `31 Dec 2026`).
pub fn format_date(date: NaiveDate, language: Language) -> String {
    format::date(date, language)
}

/// A day with its weekday: `Kam, 31 Des 2026`.
pub fn format_weekday_date(date: NaiveDate, language: Language) -> String {
    format::weekday_date(date, language)
}

/// A `YYYY-MM-DD` day from a service as [`format_date`] writes it; any
/// other text as it is.
pub fn format_iso_date(iso: &str, language: Language) -> String {
    format::iso_date(iso, language)
}
