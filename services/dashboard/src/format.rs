//! The dashboard's names for the one way jemput writes numbers, money and
//! dates (`jemput_base::format`), and the clock times of an itinerary.

pub use jemput_base::format::Lang;
pub use jemput_base::format::count as integer;
pub use jemput_base::format::iso_date as date;
pub use jemput_base::format::iso_weekday_date as weekday_date;
pub use jemput_base::format::{decimal, rupiah};

/// A share as a percentage with one decimal, as the pages show coverage:
/// `0.0514` → `5,1%`.
pub fn percent(share: f64) -> String {
    jemput_base::format::percent(share, 1)
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
    fn clock_times_count_from_the_workday_start() {
        assert_eq!(clock(0.0, 8), "08:00");
        assert_eq!(clock(95.4, 8), "09:35");
        assert_eq!(clock(480.0, 8), "16:00");
    }

    #[test]
    fn pages_show_coverage_with_one_decimal() {
        assert_eq!(percent(0.0514), "5,1%");
        assert_eq!(integer(50_421), "50.421");
        assert_eq!(date("2026-12-31", Lang::Id), "31 Des 2026");
    }
}
