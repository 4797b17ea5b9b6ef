//! The reference data for Kabupaten Rejang Lebong (17.02) that an empty
//! database starts with, embedded in the binary so a fresh install needs no
//! files beside it. `seed/rejang_lebong/SOURCES.md` says what is published
//! fact and what is estimate.

use std::collections::HashMap;

use serde::Deserialize;

use crate::{
    domain::{Level, RegionCode},
    error::RegistryError,
};

const VILLAGES_CSV: &str = include_str!("../seed/rejang_lebong/villages.csv");
const KECAMATAN_CSV: &str = include_str!("../seed/rejang_lebong/kecamatan.csv");
const BOUNDARIES_GEOJSON: &str = include_str!("../seed/rejang_lebong/boundaries.geojson");

/// The licence asks for this wherever the boundaries are shipped.
pub const BOUNDARY_ATTRIBUTION: &str =
    "Boundaries: cahyadsn/wilayah_boundaries, MIT, Copyright (c) 2017-2025 Cahya DSN";

const DISTRICT_CODE: &str = "17.02";
const DISTRICT_NAME: &str = "Rejang Lebong";
/// The kecamatan whose point stands for the district: Curup is the seat,
/// where the Dukcapil office is.
const SEAT_KECAMATAN_CODE: &str = "17.02.09";
/// The national IKD target for 2024: 30% of recorded KTP-el.
const DISTRICT_TARGET_FRACTION: f64 = 0.30;

/// One region as first stored.
#[derive(Clone, Debug)]
pub struct SeedRegion {
    pub code: RegionCode,
    pub display_name: String,
    pub kind: String,
    pub latitude: f64,
    pub longitude: f64,
    pub area_km2: f64,
    pub boundary_geojson: Option<String>,
    pub target_fraction: Option<f64>,
    /// Stored on villages only; zero above.
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
}

#[derive(Deserialize)]
struct KecamatanRow {
    code: String,
    name: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct VillageRow {
    code: String,
    name: String,
    kind: String,
    kecamatan_code: String,
    lat: f64,
    lon: f64,
    area_km2: f64,
    ktp_el_recorded_est: i64,
    ikd_activated_est: i64,
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: FeatureProperties,
    geometry: serde_json::Value,
}

#[derive(Deserialize)]
struct FeatureProperties {
    code: String,
}

fn seed_error(what: &str, error: impl std::fmt::Display) -> RegistryError {
    RegistryError::Seed(format!("{what}: {error}"))
}

fn code(text: &str) -> Result<RegionCode, RegistryError> {
    RegionCode::from_code(text).ok_or_else(|| seed_error("bad region code", text))
}

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, RegistryError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| seed_error(name, e))
}

/// The district, its kecamatan and villages, parents before children.
pub fn rejang_lebong() -> Result<Vec<SeedRegion>, RegistryError> {
    let kecamatan: Vec<KecamatanRow> = read_csv("kecamatan.csv", KECAMATAN_CSV)?;
    let villages: Vec<VillageRow> = read_csv("villages.csv", VILLAGES_CSV)?;
    let boundaries: FeatureCollection = serde_json::from_str(BOUNDARIES_GEOJSON)
        .map_err(|e| seed_error("boundaries.geojson", e))?;
    let mut boundary_by_code: HashMap<String, String> = boundaries
        .features
        .into_iter()
        .map(|f| (f.properties.code, f.geometry.to_string()))
        .collect();

    let seat = kecamatan
        .iter()
        .find(|k| k.code == SEAT_KECAMATAN_CODE)
        .ok_or_else(|| seed_error("kecamatan.csv", "no row for Curup"))?;
    let area_within = |prefix: &RegionCode| -> f64 {
        villages
            .iter()
            .filter(|v| RegionCode::from_code(&v.code).is_some_and(|c| prefix.contains(&c)))
            .map(|v| v.area_km2)
            .sum()
    };

    let district = code(DISTRICT_CODE)?;
    let mut regions = vec![SeedRegion {
        display_name: DISTRICT_NAME.to_owned(),
        kind: "kabupaten".to_owned(),
        latitude: seat.lat,
        longitude: seat.lon,
        area_km2: area_within(&district),
        boundary_geojson: None,
        target_fraction: Some(DISTRICT_TARGET_FRACTION),
        ktp_el_recorded: 0,
        ikd_activated: 0,
        code: district,
    }];
    for row in &kecamatan {
        let kecamatan_code = code(&row.code)?;
        if kecamatan_code.level() != Level::Kecamatan {
            return Err(seed_error("kecamatan.csv: not a kecamatan", &row.code));
        }
        regions.push(SeedRegion {
            display_name: row.name.clone(),
            kind: "kecamatan".to_owned(),
            latitude: row.lat,
            longitude: row.lon,
            area_km2: area_within(&kecamatan_code),
            boundary_geojson: None,
            target_fraction: None,
            ktp_el_recorded: 0,
            ikd_activated: 0,
            code: kecamatan_code,
        });
    }
    for row in villages {
        let village = code(&row.code)?;
        let parent_listed = village
            .parent()
            .is_some_and(|p| p.as_str() == row.kecamatan_code);
        if village.level() != Level::Village || !parent_listed {
            return Err(seed_error(
                "villages.csv: bad village or kecamatan code",
                &row.code,
            ));
        }
        if !matches!(row.kind.as_str(), "desa" | "kelurahan") {
            return Err(seed_error("villages.csv: kind", &row.kind));
        }
        regions.push(SeedRegion {
            boundary_geojson: boundary_by_code.remove(&row.code),
            display_name: row.name,
            kind: row.kind,
            latitude: row.lat,
            longitude: row.lon,
            area_km2: row.area_km2,
            target_fraction: None,
            ktp_el_recorded: row.ktp_el_recorded_est,
            ikd_activated: row.ikd_activated_est,
            code: village,
        });
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_adds_up_to_the_published_district_totals() {
        let regions = rejang_lebong().expect("seed parses");
        let villages: Vec<_> = regions
            .iter()
            .filter(|r| r.code.level() == Level::Village)
            .collect();
        assert_eq!(regions.len(), 1 + 15 + 156);
        assert_eq!(villages.len(), 156);
        assert_eq!(
            villages.iter().map(|v| v.ktp_el_recorded).sum::<i64>(),
            202_820
        );
        assert_eq!(
            villages.iter().map(|v| v.ikd_activated).sum::<i64>(),
            10_425
        );
        assert!(villages.iter().all(|v| v.boundary_geojson.is_some()));
        assert!(
            villages
                .iter()
                .all(|v| v.ikd_activated <= v.ktp_el_recorded)
        );
    }
}
