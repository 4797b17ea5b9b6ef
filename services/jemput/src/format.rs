//! Numbers and dates as a person in Indonesia reads them: thousands grouped
//! with '.', decimals after ',' (`50.421`, `5,14%`, `Rp 150.000.000`), and
//! short dates (`31 Des 2026`, or `31 Dec 2026` in English).
//!
//! Only human output goes through here; `--json` prints plain numbers.

use chrono::{Datelike, NaiveDate};

/// A whole number with '.' between groups of three digits: `50.421`, `-1.250`.
pub fn format_count(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let grouped = group_thousands(&digits);
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// Whole rupiah: `Rp 150.000.000`, `-Rp 5.000`.
pub fn format_rupiah(rupiah: i64) -> String {
    let amount = group_thousands(&rupiah.unsigned_abs().to_string());
    if rupiah < 0 {
        format!("-Rp {amount}")
    } else {
        format!("Rp {amount}")
    }
}

/// A number with `decimals` places after a ',' and grouped thousands:
/// `format_decimal(1234.5, 2) == "1.234,50"`.
pub fn format_decimal(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    // Let std do the rounding, then swap the separators.
    let plain = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match plain.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (plain.as_str(), None),
    };
    let mut out = String::new();
    // "-0,00" reads as a mistake; only say minus when something is left.
    if value < 0.0 && plain.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    out.push_str(&group_thousands(whole));
    if let Some(fraction) = fraction {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// A share as a percentage with two decimals: `format_percent(0.0514) == "5,14%"`.
pub fn format_percent(fraction: f64) -> String {
    format!("{}%", format_decimal(fraction * 100.0, 2))
}

/// A target share as a percentage without trailing zeros: `30%`, `27,5%`.
pub fn format_target(fraction: f64) -> String {
    let text = format_decimal(fraction * 100.0, 2);
    let text = match text.split_once(',') {
        Some((whole, decimals)) => {
            let decimals = decimals.trim_end_matches('0');
            if decimals.is_empty() {
                whole.to_string()
            } else {
                format!("{whole},{decimals}")
            }
        }
        None => text,
    };
    format!("{text}%")
}

/// The language of month names in dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Indonesian,
    English,
}

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day as `31 Des 2026` (Indonesian) or `31 Dec 2026` (English).
pub fn format_date(date: NaiveDate, language: Language) -> String {
    let months = match language {
        Language::Indonesian => &MONTHS_ID,
        Language::English => &MONTHS_EN,
    };
    // month0() is 0..=11 by construction of NaiveDate.
    let month = months[date.month0() as usize];
    format!("{} {} {}", date.day(), month, date.year())
}

const WEEKDAYS_ID: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A day with its weekday: `Kam, 31 Des 2026` or `Thu, 31 Dec 2026`.
pub fn format_weekday_date(date: NaiveDate, language: Language) -> String {
    let weekdays = match language {
        Language::Indonesian => &WEEKDAYS_ID,
        Language::English => &WEEKDAYS_EN,
    };
    let weekday = weekdays[date.weekday().num_days_from_monday() as usize];
    format!("{weekday}, {}", format_date(date, language))
}

/// A `YYYY-MM-DD` day from a service as [`format_date`] writes it; any
/// other text as it is.
pub fn format_iso_date(iso: &str, language: Language) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(date) => format_date(date, language),
        Err(_) => iso.to_string(),
    }
}

/// Inserts '.' every three digits from the right of a string of ASCII digits.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_with_dots() {
        assert_eq!(format_count(50421), "50.421");
        assert_eq!(format_count(202_820), "202.820");
        assert_eq!(format_count(1_000_000), "1.000.000");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(-1250), "-1.250");
        assert_eq!(format_count(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn rupiah_has_prefix_and_dots() {
        assert_eq!(format_rupiah(150_000_000), "Rp 150.000.000");
        assert_eq!(format_rupiah(150_000), "Rp 150.000");
        assert_eq!(format_rupiah(0), "Rp 0");
        assert_eq!(format_rupiah(-5_000), "-Rp 5.000");
    }

    #[test]
    fn percent_uses_decimal_comma() {
        assert_eq!(format_percent(10_425.0 / 202_820.0), "5,14%");
        assert_eq!(format_percent(0.3), "30,00%");
        assert_eq!(format_percent(1.0), "100,00%");
        assert_eq!(format_percent(0.0), "0,00%");
        assert_eq!(format_percent(-0.025), "-2,50%");
        assert_eq!(format_percent(-0.000001), "0,00%");
        assert_eq!(format_percent(12.345), "1.234,50%");
    }

    #[test]
    fn targets_drop_trailing_zeros() {
        assert_eq!(format_target(0.3), "30%");
        assert_eq!(format_target(0.275), "27,5%");
        assert_eq!(format_target(0.3333), "33,33%");
        assert_eq!(format_target(1.0), "100%");
    }

    #[test]
    fn decimals_group_and_round() {
        assert_eq!(format_decimal(1234.5, 2), "1.234,50");
        assert_eq!(format_decimal(1234.5, 0), "1.234");
        assert_eq!(format_decimal(-1234.567, 1), "-1.234,6");
        assert_eq!(format_decimal(f64::NAN, 2), "NaN");
    }

    #[test]
    fn dates_in_both_languages() {
        let new_years_eve = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(
            format_date(new_years_eve, Language::Indonesian),
            "31 Des 2026"
        );
        assert_eq!(format_date(new_years_eve, Language::English), "31 Dec 2026");
        let august = NaiveDate::from_ymd_opt(2027, 8, 1).unwrap();
        assert_eq!(format_date(august, Language::Indonesian), "1 Agu 2027");
        assert_eq!(format_date(august, Language::English), "1 Aug 2027");
        assert_eq!(
            format_weekday_date(new_years_eve, Language::Indonesian),
            "Kam, 31 Des 2026"
        );
        assert_eq!(
            format_weekday_date(new_years_eve, Language::English),
            "Thu, 31 Dec 2026"
        );
        assert_eq!(
            format_iso_date("2026-12-31", Language::Indonesian),
            "31 Des 2026"
        );
        assert_eq!(format_iso_date("", Language::English), "");
    }
}
