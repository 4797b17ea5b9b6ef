//! The district as the optimizer sees it: its seat and villages with their
//! counts, as read from the registry at the start of a plan, and the
//! reachable pool each village can still give. Also generates synthetic
//! districts for benchmarks.

use serde::{Deserialize, Serialize};

use crate::params::Parameters;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VillageKind {
    Desa,
    Kelurahan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Village {
    /// `regions/{code}`.
    pub name: String,
    pub display_name: String,
    /// `regions/{code}` of its kecamatan.
    pub kecamatan: String,
    pub kind: VillageKind,
    pub latitude: f64,
    pub longitude: f64,
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct District {
    /// `regions/{code}`.
    pub name: String,
    pub display_name: String,
    /// The seat, where the Dukcapil office is and teams start.
    pub latitude: f64,
    pub longitude: f64,
    /// Counts of the whole district; the villages add up to them.
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
    /// The registry's target for the district.
    pub target_fraction: f64,
    pub villages: Vec<Village>,
}

impl District {
    /// `ceil(fraction × recorded)`, rounded first to 1e-9 so 0.30 × 202,820 is
    /// exactly 60,846.
    pub fn target_count(&self, fraction: f64) -> i64 {
        let exact = fraction * self.ktp_el_recorded as f64;
        ((exact * 1e9).round() / 1e9).ceil() as i64
    }

    /// The reachable pool of each village: share × recorded − activated, not
    /// below zero (whole residents, rounded down).
    pub fn pools(&self, params: &Parameters) -> Vec<i64> {
        self.villages
            .iter()
            .map(|v| {
                let share = match v.kind {
                    VillageKind::Kelurahan => params.reachable_share_kelurahan,
                    VillageKind::Desa => params.reachable_share_desa,
                };
                let reachable = (share * v.ktp_el_recorded as f64 + 1e-9).floor() as i64;
                (reachable - v.ikd_activated).max(0)
            })
            .collect()
    }

    /// Most the k-th visit day (0-based) to a village with `pool` can activate.
    pub fn visit_cap(params: &Parameters, pool: i64, k: usize) -> i64 {
        params
            .visit_yields
            .get(k)
            .map_or(0, |y| (y * pool as f64 + 1e-9).floor() as i64)
    }

    /// `caps[v][k]`: the most visit k (0-based) to each village can activate.
    pub fn visit_caps(params: &Parameters, pools: &[i64]) -> Vec<Vec<i64>> {
        pools
            .iter()
            .map(|&pool| {
                (0..params.visit_yields.len())
                    .map(|k| Self::visit_cap(params, pool, k))
                    .collect()
            })
            .collect()
    }

    /// A synthetic district of `villages` villages in `villages / 10`
    /// kecamatan around a seat, with counts shaped like Rejang Lebong's
    /// (5% activated, decaying with distance). Deterministic for a seed.
    pub fn generate(villages: usize, seed: u64) -> District {
        let mut rng = SplitMix64(seed);
        let kecamatan = villages.div_ceil(10).max(1);
        let (base_lat, base_lon) = (-3.47, 102.52);
        let mut list = Vec::with_capacity(villages);
        // Kecamatan centres on rings up to ~80 km out; villages within ~6 km.
        let centres: Vec<(f64, f64)> = (0..kecamatan)
            .map(|k| {
                let radius_km = 80.0 * (rng.next_f64().sqrt()) * if k == 0 { 0.0 } else { 1.0 };
                let angle = rng.next_f64() * std::f64::consts::TAU;
                (
                    base_lat + radius_km / 111.0 * angle.sin(),
                    base_lon + radius_km / 111.0 * angle.cos(),
                )
            })
            .collect();
        for i in 0..villages {
            let k = i % kecamatan;
            let (clat, clon) = centres[k];
            let (dlat, dlon) = (
                (rng.next_f64() - 0.5) * 12.0 / 111.0,
                (rng.next_f64() - 0.5) * 12.0 / 111.0,
            );
            let kelurahan = rng.next_f64() < 0.2;
            // Recorded KTP-el of 300-1,700 a desa, twice that a kelurahan: about
            // 1,200 on average, as in Rejang Lebong's 202,820 over 156 villages.
            let recorded = (300.0 + rng.next_f64() * 1400.0) as i64 * if kelurahan { 2 } else { 1 };
            let km = haversine_km(base_lat, base_lon, clat + dlat, clon + dlon);
            let activated = (recorded as f64 * 0.12 * (-km / 12.0).exp()) as i64;
            list.push(Village {
                name: format!("regions/99.01.{:02}.{:04}", k + 1, 2001 + i / kecamatan),
                display_name: format!("Desa {}", i + 1),
                kecamatan: format!("regions/99.01.{:02}", k + 1),
                kind: if kelurahan {
                    VillageKind::Kelurahan
                } else {
                    VillageKind::Desa
                },
                latitude: clat + dlat,
                longitude: clon + dlon,
                ktp_el_recorded: recorded,
                ikd_activated: activated,
            });
        }
        District {
            name: "regions/99.01".into(),
            display_name: format!("Generated ({villages} villages)"),
            latitude: base_lat,
            longitude: base_lon,
            ktp_el_recorded: list.iter().map(|v| v.ktp_el_recorded).sum(),
            ikd_activated: list.iter().map(|v| v.ikd_activated).sum(),
            target_fraction: 0.30,
            villages: list,
        }
    }
}

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

/// A small deterministic generator (SplitMix64): benchmarks need the same
/// district on every machine, not cryptographic randomness.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_of_rejang_lebong_is_exact() {
        let d = District {
            name: "regions/17.02".into(),
            display_name: "Rejang Lebong".into(),
            latitude: 0.0,
            longitude: 0.0,
            ktp_el_recorded: 202_820,
            ikd_activated: 10_425,
            target_fraction: 0.30,
            villages: vec![],
        };
        assert_eq!(d.target_count(0.30), 60_846);
    }

    #[test]
    fn generated_districts_are_reproducible() {
        let a = District::generate(900, 7);
        let b = District::generate(900, 7);
        assert_eq!(a, b);
        assert_eq!(a.villages.len(), 900);
        let names: std::collections::HashSet<_> = a.villages.iter().map(|v| &v.name).collect();
        assert_eq!(names.len(), 900, "village names are unique");
    }

    #[test]
    fn curup_to_kota_padang_is_about_48_km() {
        let km = haversine_km(-3.47295, 102.51667, -3.48128, 102.95067);
        assert!((km - 48.2).abs() < 0.5, "{km}");
    }
}
