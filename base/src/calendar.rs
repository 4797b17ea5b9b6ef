//! "Today" where the work happens, and dates as the services exchange them.
//!
//! Rejang Lebong, like every district in Sumatra, Java and West and Central
//! Kalimantan, keeps Western Indonesian Time (WIB, UTC+7). Servers often run
//! in UTC: the machine's own zone would make work recorded before 07:00 WIB
//! count on the day before, and an evening report "tomorrow".

use chrono::{FixedOffset, NaiveDate, Utc};

/// WIB is seven hours ahead of UTC, all year (no daylight saving).
const WIB_SECONDS: i32 = 7 * 3600;

/// Today in the district's time zone (WIB).
pub fn today_in_district() -> NaiveDate {
    match FixedOffset::east_opt(WIB_SECONDS) {
        Some(wib) => Utc::now().with_timezone(&wib).date_naive(),
        // Unreachable: UTC+7 is a valid offset; UTC is the safe fallback.
        None => Utc::now().date_naive(),
    }
}

/// Parses a strict `YYYY-MM-DD` date: four-digit year, two-digit month and
/// day (chrono alone would also take `2024-1-5`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A date as the services exchange it: `YYYY-MM-DD`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2027-01-04"),
            NaiveDate::from_ymd_opt(2027, 1, 4)
        );
        for bad in [
            "2027-1-04",
            "2027-01-4",
            "27-01-04",
            "2027/01/04",
            "2027-02-30",
            "",
            "2027-01-04 ",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
        let date = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(parse_date(&format_date(date)), Some(date));
    }

    #[test]
    fn today_is_at_most_a_day_ahead_of_utc() {
        let utc = Utc::now().date_naive();
        let today = today_in_district();
        assert!(today == utc || today == utc.succ_opt().unwrap());
    }
}
