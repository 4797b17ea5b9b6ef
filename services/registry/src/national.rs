//! The national region list: every province, kabupaten/kota, kecamatan and
//! desa/kelurahan of Indonesia with its Kemendagri code, kind and point,
//! embedded in the binary (gzip, 1,6 MB) so that a region can be added
//! anywhere without files beside the binary or a network. It carries no
//! counts: those come from Dukcapil through `ImportRegions`.
//! `data/indonesia/SOURCES.md` says where it comes from and under which
//! licence.

use std::io::Read;

use flate2::read::GzDecoder;
use serde::Deserialize;

use crate::{
    domain::{Level, RegionCode},
    error::RegistryError,
};

const REGIONS_CSV_GZ: &[u8] = include_bytes!("../data/indonesia/regions.csv.gz");

/// One region of the national list.
#[derive(Clone, Debug, PartialEq)]
pub struct NationalRegion {
    pub code: RegionCode,
    pub display_name: String,
    /// `provinsi`, `kabupaten`, `kota`, `kecamatan`, `desa` or `kelurahan`.
    pub kind: String,
    /// The point of the list; for the few villages without one, their
    /// kecamatan's (every kecamatan has one), so every region can be placed.
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Deserialize)]
struct Row {
    code: String,
    level: String,
    kind: String,
    name: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

fn list_error(what: impl std::fmt::Display) -> RegistryError {
    RegistryError::Seed(format!("national region list: {what}"))
}

/// Every region of the list that is one of `roots`, lies inside one or
/// encloses one (a district's province), parents before children.
/// Decompresses and reads the whole list (about 6 MB), so callers run it
/// on the blocking pool.
pub fn within(roots: &[RegionCode]) -> Result<Vec<NationalRegion>, RegistryError> {
    let mut text = String::new();
    GzDecoder::new(REGIONS_CSV_GZ)
        .read_to_string(&mut text)
        .map_err(list_error)?;
    let mut regions: Vec<NationalRegion> = Vec::new();
    for row in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>() {
        let row = row.map_err(list_error)?;
        let code = RegionCode::from_code(&row.code)
            .ok_or_else(|| list_error(format!("bad code {:?}", row.code)))?;
        if !roots
            .iter()
            .any(|root| root.contains(&code) || code.contains(root))
        {
            continue;
        }
        let level_name = match code.level() {
            // Not a code of the list (from_code never makes the nation).
            Level::Nation => "nation",
            Level::Province => "province",
            Level::District => "district",
            Level::Kecamatan => "kecamatan",
            Level::Village => "village",
        };
        if row.level != level_name {
            return Err(list_error(format!(
                "{} is listed as {}",
                row.code, row.level
            )));
        }
        let (latitude, longitude) = match (row.latitude, row.longitude) {
            (Some(latitude), Some(longitude)) => (latitude, longitude),
            // The list is sorted parent before child, so the parent is
            // already here when its child needs its point.
            _ => code
                .parent()
                .and_then(|parent| regions.iter().rev().find(|r| r.code == parent))
                .map(|parent| (parent.latitude, parent.longitude))
                .ok_or_else(|| list_error(format!("{} has no point", row.code)))?,
        };
        regions.push(NationalRegion {
            code,
            display_name: row.name,
            kind: row.kind,
            latitude,
            longitude,
        });
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::from_code(text).expect("valid code")
    }

    #[test]
    fn bengkulu_has_its_ten_districts_and_every_village() {
        let regions = within(&[code("17")]).expect("the list reads");
        let count = |level| regions.iter().filter(|r| r.code.level() == level).count();
        assert_eq!(
            (
                count(Level::Province),
                count(Level::District),
                count(Level::Kecamatan),
                count(Level::Village)
            ),
            (1, 10, 129, 1513)
        );
        assert_eq!(regions[0].display_name, "Bengkulu");
        let rejang_lebong: Vec<_> = regions
            .iter()
            .filter(|r| code("17.02").contains(&r.code))
            .collect();
        assert_eq!(rejang_lebong.len(), 1 + 15 + 156);
    }

    #[test]
    fn villages_without_a_point_take_their_kecamatan_s() {
        // Kabupaten Ngada has 55 villages without a point of their own.
        let regions = within(&[code("53.09")]).expect("the list reads");
        assert_eq!(regions[0].code, code("53"), "with its province");
        assert!(
            regions
                .iter()
                .all(|r| r.latitude != 0.0 && r.longitude != 0.0)
        );
        assert!(regions.iter().all(|r| r.latitude.is_finite()));
        assert!(regions.iter().any(|r| r.kind == "kabupaten"));
    }

    #[test]
    fn the_whole_list_reads() {
        let all: Vec<RegionCode> = ["11", "12", "13"].iter().map(|c| code(c)).collect();
        let regions = within(&all).expect("the list reads");
        assert!(regions.iter().all(|r| !r.display_name.is_empty()));
        assert!(regions.windows(2).all(|w| w[0].code < w[1].code));
    }
}
