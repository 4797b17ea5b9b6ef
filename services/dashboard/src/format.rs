//! Numbers, money and dates as an Indonesian reader writes them, in either
//! language of the dashboard: `50.421`, `Rp 250.000.000`, `31 Des 2026` /
//! `31 Dec 2026`, `5,1%`.
//!
//! Written by hand rather than through a locale library so the output is the
//! same on every machine (the browser side mirrors these in `i18n.js`).

use chrono::{Datelike, NaiveDate};

/// The language of a page or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
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

/// A whole number with `.` between thousands: `50421` → `50.421`.
pub fn integer(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// Money in whole rupiah: `Rp 250.000.000`.
pub fn rupiah(value: i64) -> String {
    format!("Rp {}", integer(value))
}

/// A number with `decimals` places and a decimal comma: `1,4`.
pub fn decimal(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let negative = whole.starts_with('-');
    let whole_value: i64 = whole.trim_start_matches('-').parse().unwrap_or(0);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&integer(whole_value));
    if let Some(fraction) = fraction {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// A share as a percentage with one decimal: `0.0514` → `5,1%`.
pub fn percent(share: f64) -> String {
    format!("{}%", decimal(share * 100.0, 1))
}

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS_ID: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `"2026-12-31"` → `31 Des 2026` (or `31 Dec 2026`); text that is not a
/// date is returned as it is.
pub fn date(iso: &str, lang: Lang) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(day) => {
            let months = match lang {
                Lang::Id => MONTHS_ID,
                Lang::En => MONTHS_EN,
            };
            format!(
                "{} {} {}",
                day.day(),
                months[day.month0() as usize],
                day.year()
            )
        }
        Err(_) => iso.to_owned(),
    }
}

/// `"2026-12-31"` → `Kam, 31 Des 2026` (or `Thu, 31 Dec 2026`).
pub fn weekday_date(iso: &str, lang: Lang) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(day) => {
            let weekdays = match lang {
                Lang::Id => WEEKDAYS_ID,
                Lang::En => WEEKDAYS_EN,
            };
            let weekday = weekdays[day.weekday().num_days_from_monday() as usize];
            format!("{weekday}, {}", date(iso, lang))
        }
        Err(_) => iso.to_owned(),
    }
}

/// Minutes after the workday starts (at `start_hour`:00) as a clock time:
/// `95.0` with an 08:00 start → `09:35`.
pub fn clock(minutes_after_start: f64, start_hour: u32) -> String {
    let total = (f64::from(start_hour) * 60.0 + minutes_after_start.max(0.0)).round() as i64;
    format!("{:02}:{:02}", total / 60, total % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands_with_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(50_421), "50.421");
        assert_eq!(integer(202_820), "202.820");
        assert_eq!(integer(-1_234_567), "-1.234.567");
    }

    #[test]
    fn money_is_rupiah_with_dots() {
        assert_eq!(rupiah(250_000_000), "Rp 250.000.000");
        assert_eq!(rupiah(150_000), "Rp 150.000");
    }

    #[test]
    fn decimals_and_percentages_use_a_comma() {
        assert_eq!(decimal(1.4, 1), "1,4");
        assert_eq!(decimal(12_345.678, 2), "12.345,68");
        assert_eq!(percent(0.0514), "5,1%");
        assert_eq!(percent(0.3), "30,0%");
    }

    #[test]
    fn dates_are_day_month_year_in_either_language() {
        assert_eq!(date("2026-12-31", Lang::Id), "31 Des 2026");
        assert_eq!(date("2026-12-31", Lang::En), "31 Dec 2026");
        assert_eq!(date("2027-05-03", Lang::Id), "3 Mei 2027");
        assert_eq!(weekday_date("2026-12-31", Lang::Id), "Kam, 31 Des 2026");
        assert_eq!(date("not a date", Lang::En), "not a date");
    }

    #[test]
    fn clock_times_count_from_the_workday_start() {
        assert_eq!(clock(0.0, 8), "08:00");
        assert_eq!(clock(95.4, 8), "09:35");
        assert_eq!(clock(480.0, 8), "16:00");
    }
}
