//! The itinerary of a plan: which team is where on which working day, in
//! which order, and what each stop is expected to activate. This is what a
//! planner prints and what the validator checks.

use serde::{Deserialize, Serialize};

/// Where a team-day starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    /// The Dukcapil office at the district seat.
    Base,
    /// A village (index into the district's villages), where the team sleeps.
    Village(usize),
}

impl Place {
    /// Point index in the travel matrix.
    pub fn point(self) -> usize {
        match self {
            Place::Base => crate::travel::BASE,
            Place::Village(v) => crate::travel::point(v),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// Index into the district's villages.
    pub village: usize,
    /// Minutes after the workday starts.
    pub arrive_minute: f64,
    pub depart_minute: f64,
    pub expected_activations: i64,
    /// 1-based: the k-th distinct day this village is visited.
    pub visit_number: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub per_diem_rupiah: i64,
    pub lodging_rupiah: i64,
    pub vehicle_rupiah: i64,
    pub fuel_rupiah: i64,
    pub outreach_rupiah: i64,
}

impl Cost {
    pub fn total(&self) -> i64 {
        self.per_diem_rupiah
            + self.lodging_rupiah
            + self.vehicle_rupiah
            + self.fuel_rupiah
            + self.outreach_rupiah
    }

    pub fn add(&mut self, other: &Cost) {
        self.per_diem_rupiah += other.per_diem_rupiah;
        self.lodging_rupiah += other.lodging_rupiah;
        self.vehicle_rupiah += other.vehicle_rupiah;
        self.fuel_rupiah += other.fuel_rupiah;
        self.outreach_rupiah += other.outreach_rupiah;
    }
}

/// One team's working day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamDay {
    /// 1-based working day of the plan.
    pub day: u32,
    pub start: Place,
    pub end: Place,
    pub stops: Vec<Stop>,
    pub travel_km: f64,
    pub travel_minutes: f64,
    /// Travel plus service minutes.
    pub used_minutes: f64,
    pub cost: Cost,
}

impl TeamDay {
    /// The team sleeps out after this day.
    pub fn overnight(&self) -> bool {
        self.end != Place::Base
    }

    pub fn expected_activations(&self) -> i64 {
        self.stops.iter().map(|s| s.expected_activations).sum()
    }
}

/// A team's days, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamItinerary {
    pub days: Vec<TeamDay>,
}

impl TeamItinerary {
    pub fn cost(&self) -> Cost {
        let mut total = Cost::default();
        for day in &self.days {
            total.add(&day.cost);
        }
        total
    }

    pub fn expected_activations(&self) -> i64 {
        self.days.iter().map(TeamDay::expected_activations).sum()
    }
}

/// Every team's days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Itinerary {
    pub teams: Vec<TeamItinerary>,
}

impl Itinerary {
    pub fn cost(&self) -> Cost {
        let mut total = Cost::default();
        for team in &self.teams {
            total.add(&team.cost());
        }
        total
    }

    pub fn mobile_activations(&self) -> i64 {
        self.teams
            .iter()
            .map(TeamItinerary::expected_activations)
            .sum()
    }

    /// Mobile activations on each working day, `[0]` being day 1.
    pub fn mobile_by_day(&self) -> Vec<i64> {
        let last = self
            .teams
            .iter()
            .flat_map(|t| t.days.iter().map(|d| d.day))
            .max()
            .unwrap_or(0) as usize;
        let mut by_day = vec![0; last];
        for day in self.teams.iter().flat_map(|t| &t.days) {
            by_day[day.day as usize - 1] += day.expected_activations();
        }
        by_day
    }

    /// The last working day any team works.
    pub fn last_day(&self) -> u32 {
        self.teams
            .iter()
            .filter_map(|t| t.days.last().map(|d| d.day))
            .max()
            .unwrap_or(0)
    }
}
