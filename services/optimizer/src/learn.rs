//! Visit yields learned from what the teams recorded: per kecamatan, the
//! activations recorded on the kept days of a plan against what those days
//! expected, pulled towards the defaults while the evidence is thin
//! (docs/MODEL.md, "Learning yields").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::district::District;
use crate::itinerary::Itinerary;

/// How much evidence counts as much as the defaults: expected activations,
/// about two full team-days. With fewer expected the factor stays near 1;
/// with many it follows the record.
pub const PRIOR_ACTIVATIONS: f64 = 600.0;

/// The learning for one kecamatan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedYield {
    /// `regions/{code}`.
    pub kecamatan: String,
    /// Kept visit days to its villages.
    pub visits: u32,
    pub expected_activations: i64,
    pub recorded_activations: i64,
    /// (recorded + prior) ÷ (expected + prior), in [0, 5].
    pub factor: f64,
}

/// Learns a factor for every kecamatan with kept visits: `recorded[v]` is
/// what the ledger holds for village v's mobile teams over the kept days.
pub fn learn(district: &District, kept: &Itinerary, recorded: &[i64]) -> Vec<LearnedYield> {
    let mut by_kecamatan: BTreeMap<&str, (u32, i64, Vec<usize>)> = BTreeMap::new();
    let mut visit_days: BTreeMap<(usize, u32), ()> = BTreeMap::new();
    for day in kept.teams.iter().flat_map(|t| &t.days) {
        for stop in &day.stops {
            let entry = by_kecamatan
                .entry(district.kecamatan_of(stop.village))
                .or_default();
            if visit_days.insert((stop.village, day.day), ()).is_none() {
                entry.0 += 1;
            }
            entry.1 += stop.expected_activations;
            if !entry.2.contains(&stop.village) {
                entry.2.push(stop.village);
            }
        }
    }
    by_kecamatan
        .into_iter()
        .map(|(kecamatan, (visits, expected, villages))| {
            let recorded: i64 = villages
                .iter()
                .map(|&v| recorded.get(v).copied().unwrap_or(0))
                .sum();
            let factor = ((recorded as f64 + PRIOR_ACTIVATIONS)
                / (expected as f64 + PRIOR_ACTIVATIONS))
                .clamp(0.0, 5.0);
            LearnedYield {
                kecamatan: kecamatan.to_string(),
                visits,
                expected_activations: expected,
                recorded_activations: recorded,
                factor,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::itinerary::{Cost, Place, Stop, TeamDay, TeamItinerary};

    fn day(day: u32, village: usize, expected: i64) -> TeamDay {
        TeamDay {
            day,
            start: Place::Base,
            end: Place::Base,
            stops: vec![Stop {
                village,
                arrive_minute: 10.0,
                depart_minute: 10.0,
                expected_activations: expected,
                visit_number: 1,
            }],
            travel_km: 0.0,
            travel_minutes: 0.0,
            used_minutes: 0.0,
            cost: Cost::default(),
        }
    }

    #[test]
    fn half_the_expected_gives_a_factor_below_one_that_firms_up_with_evidence() {
        let district = District::generate(20, 5);
        let kecamatan = district.villages[0].kecamatan.clone();
        let thin = Itinerary {
            teams: vec![TeamItinerary {
                days: vec![day(1, 0, 100)],
            }],
        };
        let mut recorded = vec![0; district.villages.len()];
        recorded[0] = 50;
        let learned = learn(&district, &thin, &recorded);
        assert_eq!(learned.len(), 1);
        assert_eq!(learned[0].kecamatan, kecamatan);
        let weak = learned[0].factor;
        assert!(weak < 1.0 && weak > 0.9, "{weak}");

        let thick = Itinerary {
            teams: vec![TeamItinerary {
                days: (1..=20).map(|d| day(d, 0, 300)).collect(),
            }],
        };
        recorded[0] = 3000;
        let strong = learn(&district, &thick, &recorded)[0].factor;
        assert!(strong < 0.55, "{strong}");
        assert_eq!(learn(&district, &thick, &recorded)[0].visits, 20);
    }
}
