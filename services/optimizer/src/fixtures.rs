//! Rejang Lebong as the registry seeds it, read straight from the seed CSV,
//! for the optimizer's own tests and benchmarks (the service itself reads the
//! district from the registry over gRPC).

use crate::district::{District, Village, VillageKind};

const VILLAGES: &str = include_str!("../../registry/seed/rejang_lebong/villages.csv");

/// The district seat: the Curup kecamatan point, where the Dukcapil office is.
pub const CURUP: (f64, f64) = (-3.47295, 102.51667);

pub fn rejang_lebong() -> District {
    let mut lines = VILLAGES.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("seed column");
    let (code, name, kind, kec, kec_name, lat, lon, rec, ikd) = (
        col("code"),
        col("name"),
        col("kind"),
        col("kecamatan_code"),
        col("kecamatan_name"),
        col("lat"),
        col("lon"),
        col("ktp_el_recorded_est"),
        col("ikd_activated_est"),
    );
    let villages: Vec<Village> = lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Village {
                name: format!("regions/{}", f[code]),
                display_name: f[name].to_string(),
                kecamatan: format!("regions/{}", f[kec]),
                kind: if f[kind] == "kelurahan" {
                    VillageKind::Kelurahan
                } else {
                    VillageKind::Desa
                },
                latitude: f[lat].parse().expect("seed latitude"),
                longitude: f[lon].parse().expect("seed longitude"),
                ktp_el_recorded: f[rec].parse().expect("seed count"),
                ikd_activated: f[ikd].parse().expect("seed count"),
            }
        })
        .collect();
    let kecamatan_names = VILLAGES
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (format!("regions/{}", f[kec]), f[kec_name].to_string())
        })
        .collect();
    District {
        name: "regions/17.02".into(),
        display_name: "Rejang Lebong".into(),
        latitude: CURUP.0,
        longitude: CURUP.1,
        ktp_el_recorded: villages.iter().map(|v| v.ktp_el_recorded).sum(),
        ikd_activated: villages.iter().map(|v| v.ikd_activated).sum(),
        target_fraction: 0.30,
        villages,
        kecamatan_names,
    }
}
