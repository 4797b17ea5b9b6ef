//! Indonesia's national holidays and cuti bersama, shipped with the optimizer
//! (`data/holidays.csv`, sources in `data/SOURCES.md`): the days off of every
//! plan's default calendar besides Saturdays and Sundays.

use std::sync::LazyLock;

use chrono::NaiveDate;

/// Whether a day off is a national holiday or collective leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayKind {
    /// Libur nasional.
    National,
    /// Cuti bersama: collective leave, which the office's officers take too.
    CollectiveLeave,
}

/// One day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name: String,
    /// `false` for a lunar-calendar holiday estimated ahead of its decree.
    pub settled: bool,
}

const HOLIDAYS_CSV: &str = include_str!("../data/holidays.csv");

static HOLIDAYS: LazyLock<Vec<Holiday>> = LazyLock::new(|| {
    let mut reader = csv::Reader::from_reader(HOLIDAYS_CSV.as_bytes());
    let mut list: Vec<Holiday> = reader
        .records()
        .map(|record| {
            // The file is part of the build; a malformed row is a bug in it.
            let record = record.expect("holidays.csv is well-formed");
            Holiday {
                date: NaiveDate::parse_from_str(&record[0], "%Y-%m-%d")
                    .expect("holidays.csv dates are YYYY-MM-DD"),
                kind: match &record[1] {
                    "cuti_bersama" => HolidayKind::CollectiveLeave,
                    _ => HolidayKind::National,
                },
                name: record[2].to_string(),
                settled: &record[3] != "perkiraan",
            }
        })
        .collect();
    list.sort_by_key(|h| h.date);
    list
});

/// Every shipped day off, in date order.
pub fn all() -> &'static [Holiday] {
    &HOLIDAYS
}

/// The shipped days off from `from` through `to`, in order.
pub fn between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    all()
        .iter()
        .map(|h| h.date)
        .filter(|d| (from..=to).contains(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn christmas_and_new_year_are_days_off() {
        let days = between(d(2026, 12, 1), d(2027, 1, 31));
        assert!(days.contains(&d(2026, 12, 24)), "cuti bersama Natal");
        assert!(days.contains(&d(2026, 12, 25)));
        assert!(days.contains(&d(2027, 1, 1)));
    }

    #[test]
    fn the_2026_decree_is_complete() {
        let of_2026: Vec<&Holiday> = all().iter().filter(|h| h.date.year() == 2026).collect();
        let national = of_2026
            .iter()
            .filter(|h| h.kind == HolidayKind::National)
            .count();
        let leave = of_2026
            .iter()
            .filter(|h| h.kind == HolidayKind::CollectiveLeave)
            .count();
        assert_eq!((national, leave), (17, 8));
        assert!(of_2026.iter().all(|h| h.settled));
    }

    #[test]
    fn easter_follows_the_computus() {
        // Easter Sunday 2027 is 28 March, 2028 is 16 April.
        let easter: Vec<NaiveDate> = all()
            .iter()
            .filter(|h| h.name.contains("Paskah"))
            .map(|h| h.date)
            .collect();
        assert!(easter.contains(&d(2027, 3, 28)));
        assert!(easter.contains(&d(2028, 4, 16)));
    }
}
