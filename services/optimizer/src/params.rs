//! The planning parameters: every number the model depends on, its default,
//! and the checks that keep a request meaningful. docs/MODEL.md explains where
//! each default comes from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use jemput_base::format::Lang;

use crate::calendar::Calendar;

/// A problem with one field of a request, named as the client sent it
/// (`parameters.teams`), so it can be reported as a field violation: in
/// English for developers and other services, and in Indonesian for the
/// people the dashboard shows it to (the violation's localized message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
    pub indonesian: String,
}

impl FieldViolation {
    pub fn new(
        field: impl Into<String>,
        description: impl Into<String>,
        indonesian: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
            indonesian: indonesian.into(),
        }
    }
}

/// Road distances (km) and times (minutes) given by the caller, row-major over
/// `points` where `points[0]` is the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenMatrix {
    pub points: Vec<String>,
    pub distance_km: Vec<f64>,
    pub minutes: Vec<f64>,
}

/// Everything a plan depends on, with defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    pub budget_rupiah: i64,
    pub teams: u32,
    pub target_fraction: f64,
    pub start_date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub officers_per_team: u32,
    pub workday_minutes: u32,
    pub holidays: Vec<NaiveDate>,
    pub minutes_per_activation: f64,
    pub road_factor: f64,
    pub speed_kmh: f64,
    pub reachable_share_kelurahan: f64,
    pub reachable_share_desa: f64,
    /// Share of the reachable pool the k-th visit day can activate at most.
    pub visit_yields: Vec<f64>,
    pub min_days_between_visits: u32,
    pub office_activations_per_day: u32,
    pub per_diem_day_trip_rupiah: i64,
    pub per_diem_overnight_rupiah: i64,
    pub lodging_per_night_rupiah: i64,
    pub vehicle_per_day_rupiah: i64,
    pub fuel_per_km_rupiah: i64,
    pub outreach_per_visit_rupiah: i64,
    pub time_limit_seconds: f64,
    pub travel_matrix: Option<GivenMatrix>,
    pub base_latitude: f64,
    pub base_longitude: f64,
    pub allow_overnight: bool,
    pub horizon_working_days: u32,
    /// Learned from what the teams recorded: each listed kecamatan's
    /// (`regions/{code}`) visit yields are scaled by its factor.
    pub yield_factors: std::collections::BTreeMap<String, f64>,
}

/// The longest stay-out trip: a working week, so no team sleeps out over a
/// weekend or holiday (their per diem and lodging would run on days without
/// service).
pub const MAX_TRIP_DAYS: u32 = 5;

impl Parameters {
    /// The documented defaults for a district whose seat (the Dukcapil
    /// office) is at `base`, starting on `start_date`.
    pub fn defaults(start_date: NaiveDate, base: (f64, f64), target_fraction: f64) -> Self {
        Self {
            budget_rupiah: 0,
            teams: 4,
            target_fraction,
            start_date,
            deadline: None,
            officers_per_team: 2,
            workday_minutes: 480,
            holidays: Vec::new(),
            minutes_per_activation: 3.0,
            road_factor: 1.4,
            speed_kmh: 35.0,
            reachable_share_kelurahan: 0.70,
            reachable_share_desa: 0.60,
            visit_yields: vec![0.40, 0.25, 0.15],
            min_days_between_visits: 5,
            office_activations_per_day: 100,
            per_diem_day_trip_rupiah: 150_000,
            per_diem_overnight_rupiah: 380_000,
            lodging_per_night_rupiah: 300_000,
            vehicle_per_day_rupiah: 500_000,
            fuel_per_km_rupiah: 1_000,
            outreach_per_visit_rupiah: 200_000,
            time_limit_seconds: 20.0,
            travel_matrix: None,
            base_latitude: base.0,
            base_longitude: base.1,
            allow_overnight: true,
            horizon_working_days: 600,
            yield_factors: Default::default(),
        }
    }

    /// The working-day calendar of this plan.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(self.start_date, &self.holidays)
    }

    /// Activations one team can do in `service_minutes`.
    pub fn team_capacity(&self, service_minutes: f64) -> i64 {
        if service_minutes <= 0.0 {
            return 0;
        }
        // A small tolerance so 460 minutes at 3 min with 2 officers is 306, not 305.
        ((self.officers_per_team as f64 * service_minutes) / self.minutes_per_activation + 1e-9)
            .floor() as i64
    }

    /// Team minutes that `activations` take.
    pub fn service_minutes(&self, activations: i64) -> f64 {
        activations as f64 * self.minutes_per_activation / self.officers_per_team as f64
    }

    /// Cost of one team-day excluding fuel and outreach: the vehicle and the
    /// officers' per diem (overnight rate on any day of a stay-out trip) and
    /// lodging when the team sleeps out after the day.
    pub fn team_day_fixed_cost(&self, away_rate: bool, sleeps_out: bool) -> i64 {
        let officers = self.officers_per_team as i64;
        let per_diem = if away_rate {
            self.per_diem_overnight_rupiah
        } else {
            self.per_diem_day_trip_rupiah
        };
        let lodging = if sleeps_out {
            self.lodging_per_night_rupiah
        } else {
            0
        };
        self.vehicle_per_day_rupiah + officers * (per_diem + lodging)
    }

    /// Checks every field and reports all problems at once, named as in the
    /// request (`parameters.<field>`). `today` bounds the start date.
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldViolation> {
        let mut v = Vec::new();
        let mut bad = |field: &str, description: String, indonesian: String| {
            v.push(FieldViolation::new(
                format!("parameters.{field}"),
                description,
                indonesian,
            ));
        };
        let id_date = |day: NaiveDate| jemput_base::format::date(day, Lang::Id);
        if self.budget_rupiah < 0 {
            bad(
                "budget_rupiah",
                "must not be negative".into(),
                "tidak boleh negatif".into(),
            );
        }
        if self.teams == 0 || self.teams > 100 {
            bad(
                "teams",
                "must be between 1 and 100".into(),
                "harus antara 1 dan 100".into(),
            );
        }
        if !(self.target_fraction > 0.0 && self.target_fraction <= 1.0) {
            bad(
                "target_fraction",
                "must be in (0, 1]".into(),
                "harus lebih dari 0% dan paling banyak 100%".into(),
            );
        }
        // A plan may have started already (one the district follows, stored
        // to be tracked and replanned), but not beyond ten years either way.
        let ten_years = chrono::Days::new(3653);
        let earliest = today.checked_sub_days(ten_years).unwrap_or(NaiveDate::MIN);
        let latest = today.checked_add_days(ten_years).unwrap_or(NaiveDate::MAX);
        if !(earliest..=latest).contains(&self.start_date) {
            bad(
                "start_date",
                format!(
                    "{} is more than ten years from today ({today})",
                    self.start_date
                ),
                format!(
                    "{} lebih dari sepuluh tahun dari hari ini ({})",
                    id_date(self.start_date),
                    id_date(today)
                ),
            );
        }
        if let Some(deadline) = self.deadline {
            if deadline < self.start_date {
                bad(
                    "deadline",
                    format!("{deadline} is before the start date {}", self.start_date),
                    format!(
                        "{} sebelum tanggal mulai {}",
                        id_date(deadline),
                        id_date(self.start_date)
                    ),
                );
            } else if self
                .start_date
                .checked_add_days(ten_years)
                .is_some_and(|limit| deadline > limit)
            {
                bad(
                    "deadline",
                    format!("{deadline} is more than ten years after the start"),
                    format!(
                        "{} lebih dari sepuluh tahun setelah tanggal mulai",
                        id_date(deadline)
                    ),
                );
            }
        }
        if self.officers_per_team == 0 || self.officers_per_team > 20 {
            bad(
                "officers_per_team",
                "must be between 1 and 20".into(),
                "harus antara 1 dan 20".into(),
            );
        }
        if !(60..=1440).contains(&self.workday_minutes) {
            bad(
                "workday_minutes",
                "must be between 60 and 1440".into(),
                "harus antara 60 dan 1.440".into(),
            );
        }
        if !(self.minutes_per_activation.is_finite()
            && self.minutes_per_activation >= 0.5
            && self.minutes_per_activation <= 120.0)
        {
            bad(
                "minutes_per_activation",
                "must be between 0.5 and 120".into(),
                "harus antara 0,5 dan 120".into(),
            );
        }
        if !(self.road_factor.is_finite() && (1.0..=5.0).contains(&self.road_factor)) {
            bad(
                "road_factor",
                "must be between 1 and 5".into(),
                "harus antara 1 dan 5".into(),
            );
        }
        if !(self.speed_kmh.is_finite() && (5.0..=120.0).contains(&self.speed_kmh)) {
            bad(
                "speed_kmh",
                "must be between 5 and 120".into(),
                "harus antara 5 dan 120".into(),
            );
        }
        for (field, share) in [
            ("reachable_share_kelurahan", self.reachable_share_kelurahan),
            ("reachable_share_desa", self.reachable_share_desa),
        ] {
            if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                bad(
                    field,
                    "must be in [0, 1]".into(),
                    "harus antara 0 dan 1".into(),
                );
            }
        }
        if self.visit_yields.is_empty() || self.visit_yields.len() > 10 {
            bad(
                "visit_yields",
                "must have between 1 and 10 values".into(),
                "harus berisi 1 sampai 10 nilai".into(),
            );
        }
        let mut total = 0.0;
        for (i, y) in self.visit_yields.iter().enumerate() {
            total += y;
            if !(y.is_finite() && *y > 0.0 && *y <= 1.0) {
                bad(
                    &format!("visit_yields[{i}]"),
                    "must be in (0, 1]".into(),
                    "harus lebih dari 0 dan paling banyak 1".into(),
                );
            } else if i > 0 && *y > self.visit_yields[i - 1] {
                bad(
                    &format!("visit_yields[{i}]"),
                    format!(
                        "yields must not increase from one visit to the next ({} after {})",
                        y,
                        self.visit_yields[i - 1]
                    ),
                    format!(
                        "hasil kunjungan tidak boleh naik dari satu kunjungan ke berikutnya ({} setelah {})",
                        jemput_base::format::decimal(*y, 2),
                        jemput_base::format::decimal(self.visit_yields[i - 1], 2)
                    ),
                );
            }
        }
        if total > 1.0 + 1e-9 {
            bad(
                "visit_yields",
                format!("add up to {total}, more than the whole pool"),
                format!(
                    "berjumlah {}, lebih dari seluruh sasaran yang dapat dijangkau",
                    jemput_base::format::decimal(total, 2)
                ),
            );
        }
        if self.min_days_between_visits > 60 {
            bad(
                "min_days_between_visits",
                "must be at most 60".into(),
                "paling banyak 60".into(),
            );
        }
        if self.office_activations_per_day > 100_000 {
            bad(
                "office_activations_per_day",
                "must be at most 100000".into(),
                "paling banyak 100.000".into(),
            );
        }
        for (field, value) in [
            ("per_diem_day_trip_rupiah", self.per_diem_day_trip_rupiah),
            ("per_diem_overnight_rupiah", self.per_diem_overnight_rupiah),
            ("lodging_per_night_rupiah", self.lodging_per_night_rupiah),
            ("vehicle_per_day_rupiah", self.vehicle_per_day_rupiah),
            ("fuel_per_km_rupiah", self.fuel_per_km_rupiah),
            ("outreach_per_visit_rupiah", self.outreach_per_visit_rupiah),
        ] {
            if !(0..=1_000_000_000).contains(&value) {
                bad(
                    field,
                    "must be between 0 and 1.000.000.000".into(),
                    "harus antara 0 dan 1.000.000.000".into(),
                );
            }
        }
        if !(self.time_limit_seconds.is_finite()
            && self.time_limit_seconds > 0.0
            && self.time_limit_seconds <= 300.0)
        {
            bad(
                "time_limit_seconds",
                "must be in (0, 300]".into(),
                "harus lebih dari 0 dan paling banyak 300 detik".into(),
            );
        }
        if !(self.base_latitude.is_finite() && (-90.0..=90.0).contains(&self.base_latitude)) {
            bad(
                "base_latitude",
                "must be a latitude".into(),
                "harus berupa lintang (-90 sampai 90)".into(),
            );
        }
        if !(self.base_longitude.is_finite() && (-180.0..=180.0).contains(&self.base_longitude)) {
            bad(
                "base_longitude",
                "must be a longitude".into(),
                "harus berupa bujur (-180 sampai 180)".into(),
            );
        }
        if !(1..=2000).contains(&self.horizon_working_days) {
            bad(
                "horizon_working_days",
                "must be between 1 and 2000".into(),
                "harus antara 1 dan 2.000".into(),
            );
        }
        for (kecamatan, factor) in &self.yield_factors {
            if !(factor.is_finite() && (0.0..=5.0).contains(factor)) {
                bad(
                    &format!("yield_factors[{kecamatan}]"),
                    "must be between 0 and 5".into(),
                    "harus antara 0 dan 5".into(),
                );
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Parameters {
        let start = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        Parameters::defaults(start, (-3.47, 102.51), 0.30)
    }

    #[test]
    fn defaults_are_valid() {
        let p = defaults();
        assert!(p.validate(p.start_date).is_empty());
    }

    #[test]
    fn full_day_capacity_is_320() {
        let p = defaults();
        assert_eq!(p.team_capacity(480.0), 320);
        assert_eq!(p.team_capacity(460.0), 306);
        assert_eq!(p.team_capacity(-5.0), 0);
    }

    #[test]
    fn increasing_yields_name_the_offending_index() {
        let mut p = defaults();
        p.visit_yields = vec![0.2, 0.3];
        p.teams = 0;
        let v = p.validate(p.start_date);
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["parameters.teams", "parameters.visit_yields[1]"]
        );
    }
}
