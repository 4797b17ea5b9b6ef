//! Working days: Monday to Friday, less the holidays a request lists. Plans
//! count in working days (day 1 is the first working day on or after the
//! start date); dates are shown to people.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The working days of a plan, numbered from 1.
#[derive(Debug, Clone)]
pub struct Calendar {
    start: NaiveDate,
    holidays: Vec<NaiveDate>,
    /// `dates[i]` is working day `i + 1`; grown on demand.
    dates: Vec<NaiveDate>,
}

impl Calendar {
    pub fn new(start: NaiveDate, holidays: &[NaiveDate]) -> Self {
        let mut holidays = holidays.to_vec();
        holidays.sort_unstable();
        Self {
            start,
            holidays,
            dates: Vec::new(),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holidays.binary_search(&date).is_err()
    }

    fn grow_to(&mut self, days: usize) {
        let mut next = match self.dates.last() {
            Some(last) => *last + Days::new(1),
            None => self.start,
        };
        while self.dates.len() < days {
            if self.is_working_day(next) {
                self.dates.push(next);
            }
            next = next + Days::new(1);
        }
    }

    /// The date of working day `day` (1-based).
    pub fn date(&mut self, day: u32) -> NaiveDate {
        let day = day.max(1) as usize;
        self.grow_to(day);
        self.dates[day - 1]
    }

    /// The number of working days from the start through `date`, inclusive.
    pub fn working_days_through(&mut self, date: NaiveDate) -> u32 {
        if date < self.start {
            return 0;
        }
        // Working days are at most a calendar day apart on average, so this
        // many always covers `date`.
        let span = (date - self.start).num_days() as usize + 1;
        self.grow_to(span);
        self.dates.partition_point(|d| *d <= date) as u32
    }

    /// The working day of `date`, if it is one.
    pub fn day_of(&mut self, date: NaiveDate) -> Option<u32> {
        if !self.is_working_day(date) || date < self.start {
            return None;
        }
        Some(self.working_days_through(date))
    }

    /// Whether working day `day + 1` is the calendar day after working day
    /// `day`: only then may a team sleep out between them.
    pub fn next_is_consecutive(&mut self, day: u32) -> bool {
        let today = self.date(day);
        self.date(day + 1) == today + Days::new(1)
    }
}

/// The first working day after `today` (weekends and `holidays` skipped).
pub fn next_working_day(today: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    let calendar = Calendar::new(today, holidays);
    let mut date = today + Days::new(1);
    while !calendar.is_working_day(date) {
        date = date + Days::new(1);
    }
    date
}

pub use jemput_base::calendar::parse_date;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn skips_weekends_and_holidays() {
        // 2026-12-24 is a Thursday, 12-25 a holiday, then a weekend.
        let mut c = Calendar::new(d(2026, 12, 24), &[d(2026, 12, 25)]);
        assert_eq!(c.date(1), d(2026, 12, 24));
        assert_eq!(c.date(2), d(2026, 12, 28));
        assert!(!c.next_is_consecutive(1));
        assert!(c.next_is_consecutive(2));
        assert_eq!(c.day_of(d(2026, 12, 28)), Some(2));
        assert_eq!(c.day_of(d(2026, 12, 26)), None);
        assert_eq!(c.working_days_through(d(2026, 12, 27)), 1);
    }

    #[test]
    fn start_on_a_saturday_begins_on_monday() {
        let mut c = Calendar::new(d(2026, 11, 28), &[]);
        assert_eq!(c.date(1), d(2026, 11, 30));
        assert_eq!(next_working_day(d(2026, 11, 27), &[]), d(2026, 11, 30));
    }

    #[test]
    fn parses_only_the_strict_form() {
        assert_eq!(parse_date("2027-06-30"), Some(d(2027, 6, 30)));
        assert_eq!(parse_date("2027-6-30"), None);
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(parse_date("30/06/2027"), None);
    }
}
