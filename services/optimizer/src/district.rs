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
    /// The Dukcapil office, where teams start: the district's settings in
    /// the registry (its seat for Rejang Lebong, else its point until set).
    pub latitude: f64,
    pub longitude: f64,
    /// Counts of the whole district; the villages add up to them.
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
    /// The registry's target for the district.
    pub target_fraction: f64,
    pub villages: Vec<Village>,
    /// Names of its kecamatan, by `regions/{code}`.
    #[serde(default)]
    pub kecamatan_names: std::collections::BTreeMap<String, String>,
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

    /// The kecamatan (`regions/{code}`) of each village, for yields learned
    /// per kecamatan.
    pub fn kecamatan_of(&self, village: usize) -> &str {
        &self.villages[village].kecamatan
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
            kecamatan_names: (0..kecamatan)
                .map(|k| {
                    (
                        format!("regions/99.01.{:02}", k + 1),
                        format!("Kecamatan {}", k + 1),
                    )
                })
                .collect(),
            villages: list,
        }
    }
}

/// What each village can still give, visit by visit: its visit levels so far
/// (from days kept as done) and the most each later level may activate.
///
/// Visit level k of a village with pool *P* (its reachable residents now)
/// and *d* levels done may activate at most
/// ⌊f · y_k ÷ (1 − y_0 − … − y_{d−1}) · P⌋, where y are the visit yields and
/// f the yield factor learned for its kecamatan (1 unless the parameters say
/// otherwise): the yields are shares of the pool before the first visit, so
/// after d visits they are rescaled to what is left. Without history and
/// learning this is ⌊y_k · P⌋. Together the later levels never exceed *P*.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitState {
    /// `caps[v][k]` for every level k; `i64::MAX` for a level already done
    /// (history is not checked again).
    pub caps: Vec<Vec<i64>>,
    /// Visit days each village already had, in working days of the plan.
    pub done_days: Vec<Vec<u32>>,
    /// The reachable pool each village has now: the most all its later
    /// visits may give.
    pub pools: Vec<i64>,
}

impl VisitState {
    /// A fresh plan: nothing done.
    pub fn fresh(district: &District, params: &Parameters) -> VisitState {
        Self::after(district, params, &vec![Vec::new(); district.villages.len()])
    }

    /// After the visit days `done_days[v]` (working days, in order).
    pub fn after(district: &District, params: &Parameters, done_days: &[Vec<u32>]) -> VisitState {
        let pools = district.pools(params);
        let yields = &params.visit_yields;
        let caps = pools
            .iter()
            .enumerate()
            .map(|(v, &pool)| {
                let done = done_days[v].len().min(yields.len());
                let used: f64 = yields[..done].iter().sum();
                let factor = params
                    .yield_factors
                    .get(district.kecamatan_of(v))
                    .copied()
                    .unwrap_or(1.0);
                let mut left = pool;
                (0..yields.len())
                    .map(|k| {
                        if k < done {
                            return i64::MAX;
                        }
                        let share = if used < 1.0 - 1e-9 {
                            factor * yields[k] / (1.0 - used)
                        } else {
                            0.0
                        };
                        let cap = ((share * pool as f64 + 1e-9).floor() as i64).clamp(0, left);
                        left -= cap;
                        cap
                    })
                    .collect()
            })
            .collect();
        VisitState {
            caps,
            done_days: done_days.to_vec(),
            pools,
        }
    }

    /// Visit levels village `v` already had.
    pub fn done(&self, v: usize) -> usize {
        self.done_days[v].len()
    }

    /// The most village `v`'s next visit can give (0 if it has no level left).
    pub fn next_cap(&self, v: usize) -> i64 {
        self.caps[v].get(self.done(v)).copied().unwrap_or(0)
    }

    /// Caps of the levels not yet done, `[v][j]` for the j-th next visit.
    pub fn open_caps(&self) -> Vec<Vec<i64>> {
        self.caps
            .iter()
            .enumerate()
            .map(|(v, caps)| caps[self.done(v).min(caps.len())..].to_vec())
            .collect()
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
    fn a_fresh_village_gets_its_yields_and_a_visited_one_the_rest() {
        let d = District::generate(10, 3);
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let mut p = Parameters::defaults(start, (d.latitude, d.longitude), 0.30);
        let fresh = VisitState::fresh(&d, &p);
        let pool = fresh.pools[0];
        assert!(pool > 100, "{pool}");
        let expect = |y: f64| (y * pool as f64 + 1e-9).floor() as i64;
        assert_eq!(
            fresh.caps[0],
            vec![expect(0.40), expect(0.25), expect(0.15)]
        );

        // Two visits done: the third is 15% of the pool before the first,
        // i.e. 0.15 / 0.35 of what is left now.
        let mut done = vec![Vec::new(); d.villages.len()];
        done[0] = vec![1, 6];
        let after = VisitState::after(&d, &p, &done);
        assert_eq!(after.caps[0][..2], [i64::MAX, i64::MAX]);
        assert_eq!(after.caps[0][2], expect(0.15 / 0.35));
        assert_eq!(after.next_cap(0), expect(0.15 / 0.35));
        assert_eq!(after.open_caps()[0], vec![expect(0.15 / 0.35)]);

        // A learned factor of one half halves every later cap.
        p.yield_factors.insert(d.villages[0].kecamatan.clone(), 0.5);
        let learned = VisitState::fresh(&d, &p);
        assert_eq!(learned.caps[0][0], expect(0.20));
        // And a factor above 1 never lets the visits pass the pool.
        p.yield_factors.insert(d.villages[0].kecamatan.clone(), 3.0);
        let eager = VisitState::fresh(&d, &p);
        assert_eq!(eager.caps[0].iter().sum::<i64>(), pool);
    }

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
            kecamatan_names: Default::default(),
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
