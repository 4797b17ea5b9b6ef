//! Numbers, money and dates as a reader in Indonesia writes them, in either
//! language of jemput: thousands grouped with '.', decimals after ','
//! (`50.421`, `5,14%`, `Rp 150.000.000`, `-Rp 5.000`), short dates
//! (`31 Des 2026`, or `31 Dec 2026` in English). One implementation for the
//! command line, the dashboard and the optimizer's messages, written by hand
//! rather than through a locale library so the output is the same on every
//! machine (the browser side mirrors it in the dashboard's `i18n.js`).

use chrono::{Datelike, NaiveDate};

/// The language of a page, an export or the command line's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The locale (BCP 47) of the Indonesian a gRPC status carries besides
    /// its English message, as `google.rpc.LocalizedMessage`.
    pub const INDONESIAN_LOCALE: &'static str = "id-ID";

    /// `"en"` is English; anything else is Indonesian, the default.
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Id
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

/// A whole number with '.' between groups of three digits: `50.421`, `-1.250`.
pub fn count(value: i64) -> String {
    let grouped = group_thousands(&value.unsigned_abs().to_string());
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// Whole rupiah: `Rp 150.000.000`, `-Rp 5.000`.
pub fn rupiah(value: i64) -> String {
    let amount = group_thousands(&value.unsigned_abs().to_string());
    if value < 0 {
        format!("-Rp {amount}")
    } else {
        format!("Rp {amount}")
    }
}

/// A number with `decimals` places after a ',' and grouped thousands:
/// `decimal(1234.5, 2) == "1.234,50"`; never `-0,0`.
pub fn decimal(value: f64, decimals: usize) -> String {
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

/// `part ÷ whole`, the share a percentage shows; 0 of nothing.
pub fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A share as a percentage with `decimals` places: `percent(0.0514, 2) ==
/// "5,14%"`.
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{}%", decimal(share * 100.0, decimals))
}

/// A target share as a percentage without trailing zeros: `30%`, `27,5%`.
pub fn target(share: f64) -> String {
    let text = decimal(share * 100.0, 2);
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

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS_ID: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A day as `31 Des 2026` (Indonesian) or `31 Dec 2026` (English).
pub fn date(day: NaiveDate, lang: Lang) -> String {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    // month0() is 0..=11 by construction of NaiveDate.
    format!(
        "{} {} {}",
        day.day(),
        months[day.month0() as usize],
        day.year()
    )
}

/// A day with its weekday: `Kam, 31 Des 2026` or `Thu, 31 Dec 2026`.
pub fn weekday_date(day: NaiveDate, lang: Lang) -> String {
    let weekdays = match lang {
        Lang::Id => &WEEKDAYS_ID,
        Lang::En => &WEEKDAYS_EN,
    };
    let weekday = weekdays[day.weekday().num_days_from_monday() as usize];
    format!("{weekday}, {}", date(day, lang))
}

/// A `YYYY-MM-DD` day from a service as [`date`] writes it; any other text
/// as it is.
pub fn iso_date(iso: &str, lang: Lang) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(day) => date(day, lang),
        Err(_) => iso.to_owned(),
    }
}

/// A `YYYY-MM-DD` day as [`weekday_date`] writes it; any other text as it is.
pub fn iso_weekday_date(iso: &str, lang: Lang) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(day) => weekday_date(day, lang),
        Err(_) => iso.to_owned(),
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
        assert_eq!(count(50421), "50.421");
        assert_eq!(count(202_820), "202.820");
        assert_eq!(count(1_000_000), "1.000.000");
        assert_eq!(count(999), "999");
        assert_eq!(count(0), "0");
        assert_eq!(count(-1250), "-1.250");
        assert_eq!(count(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn rupiah_has_prefix_and_dots() {
        assert_eq!(rupiah(150_000_000), "Rp 150.000.000");
        assert_eq!(rupiah(1_144_768), "Rp 1.144.768");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(-5_000), "-Rp 5.000");
    }

    #[test]
    fn percent_uses_decimal_comma() {
        assert_eq!(percent(10_425.0 / 202_820.0, 2), "5,14%");
        assert_eq!(percent(0.0514, 1), "5,1%");
        assert_eq!(percent(0.3, 2), "30,00%");
        assert_eq!(percent(1.0, 2), "100,00%");
        assert_eq!(percent(0.0, 2), "0,00%");
        assert_eq!(percent(-0.025, 2), "-2,50%");
        assert_eq!(percent(-0.000001, 2), "0,00%");
        assert_eq!(percent(-0.0001, 1), "0,0%");
        assert_eq!(percent(12.345, 2), "1.234,50%");
        assert_eq!(percent(share(10_425, 202_820), 2), "5,14%");
        assert_eq!(share(5, 0), 0.0);
    }

    #[test]
    fn targets_drop_trailing_zeros() {
        assert_eq!(target(0.3), "30%");
        assert_eq!(target(0.275), "27,5%");
        assert_eq!(target(0.3333), "33,33%");
        assert_eq!(target(1.0), "100%");
    }

    #[test]
    fn decimals_group_and_round() {
        assert_eq!(decimal(1234.5, 2), "1.234,50");
        assert_eq!(decimal(1234.5, 0), "1.234");
        assert_eq!(decimal(-1234.567, 1), "-1.234,6");
        assert_eq!(decimal(12_345.678, 2), "12.345,68");
        assert_eq!(decimal(1.4, 1), "1,4");
        assert_eq!(decimal(f64::NAN, 2), "NaN");
    }

    #[test]
    fn dates_in_both_languages() {
        let new_years_eve = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(date(new_years_eve, Lang::Id), "31 Des 2026");
        assert_eq!(date(new_years_eve, Lang::En), "31 Dec 2026");
        let august = NaiveDate::from_ymd_opt(2027, 8, 1).unwrap();
        assert_eq!(date(august, Lang::Id), "1 Agu 2027");
        assert_eq!(date(august, Lang::En), "1 Aug 2027");
        assert_eq!(weekday_date(new_years_eve, Lang::Id), "Kam, 31 Des 2026");
        assert_eq!(weekday_date(new_years_eve, Lang::En), "Thu, 31 Dec 2026");
        assert_eq!(iso_date("2026-12-31", Lang::Id), "31 Des 2026");
        assert_eq!(iso_date("2027-05-03", Lang::Id), "3 Mei 2027");
        assert_eq!(iso_weekday_date("2026-12-31", Lang::Id), "Kam, 31 Des 2026");
        assert_eq!(iso_date("not a date", Lang::En), "not a date");
        assert_eq!(iso_date("", Lang::En), "");
    }

    #[test]
    fn languages_have_codes() {
        assert_eq!(Lang::from_code("EN"), Lang::En);
        assert_eq!(Lang::from_code("id"), Lang::Id);
        assert_eq!(Lang::from_code("fr"), Lang::Id);
        assert_eq!(Lang::En.code(), "en");
    }
}
