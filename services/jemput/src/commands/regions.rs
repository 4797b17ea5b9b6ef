//! `jemput regions add` and `jemput district set`: adding provinces and
//! districts from the registry's national list, and a district's own
//! office and target. Both are retry-safe writes with a request id.

use jemput_proto::registry::{
    AddRegionsRequest, DistrictSettings, LatLng, UpdateDistrictSettingsRequest,
};
use serde::Serialize;

use crate::{
    cli::{DistrictSetArgs, RegionsAddArgs},
    client::Registry,
    error::CliError,
    format::{format_count, format_target},
    input::region_code,
};

#[derive(Debug, Clone, Serialize)]
pub struct RegionsAddReport {
    pub request_id: String,
    pub provinces_added: i32,
    pub districts_added: i32,
    pub kecamatan_added: i32,
    pub villages_added: i32,
    /// The districts added, `regions/{code}`.
    pub districts: Vec<String>,
    /// Districts already held, kept as they were.
    pub districts_kept: Vec<String>,
}

pub async fn add(
    registry: &mut Registry,
    args: &RegionsAddArgs,
) -> Result<RegionsAddReport, CliError> {
    let request_id = args
        .request_id
        .clone()
        .unwrap_or_else(super::fresh_request_id);
    let added = registry
        .client
        .add_regions(AddRegionsRequest {
            request_id: request_id.clone(),
            regions: args.regions.clone(),
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    Ok(RegionsAddReport {
        request_id,
        provinces_added: added.provinces_added,
        districts_added: added.districts_added,
        kecamatan_added: added.kecamatan_added,
        villages_added: added.villages_added,
        districts: added.districts,
        districts_kept: added.districts_kept,
    })
}

fn codes(names: &[String]) -> String {
    names
        .iter()
        .map(|name| region_code(name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl crate::output::Report for RegionsAddReport {
    fn to_human(&self) -> String {
        let mut out = if self.districts.is_empty() {
            "No region added: the registry already holds them.".to_string()
        } else {
            format!(
                "Added {} districts ({}) with {} kecamatan and {} villages{}.",
                format_count(i64::from(self.districts_added)),
                codes(&self.districts),
                format_count(i64::from(self.kecamatan_added)),
                format_count(i64::from(self.villages_added)),
                match self.provinces_added {
                    0 => String::new(),
                    1 => ", and their province".to_string(),
                    n => format!(", and {n} provinces"),
                }
            )
        };
        if !self.districts_kept.is_empty() {
            out.push_str(&format!(
                "\nAlready held, kept as they were: {}.",
                codes(&self.districts_kept)
            ));
        }
        if !self.districts.is_empty() {
            out.push_str(
                "\nThe new villages have no counts yet: import Dukcapil's counts with \
                 `jemput import FILE` before planning.",
            );
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictReport {
    /// `regions/{code}`.
    pub district: String,
    pub office_latitude: f64,
    pub office_longitude: f64,
    /// Whether the office was set (else it is the district's point).
    pub office_set: bool,
    pub target_fraction: f64,
    /// The region whose target applies.
    pub target_source: String,
}

pub async fn set_district(
    registry: &mut Registry,
    args: &DistrictSetArgs,
) -> Result<DistrictReport, CliError> {
    let request_id = args
        .request_id
        .clone()
        .unwrap_or_else(super::fresh_request_id);
    let mut paths = Vec::new();
    let office = match (args.office_lat, args.office_lon) {
        (Some(latitude), Some(longitude)) => {
            paths.push("office".to_string());
            Some(LatLng {
                latitude,
                longitude,
            })
        }
        // clap requires both or neither.
        _ => None,
    };
    if args.target.is_some() {
        paths.push("target_fraction".to_string());
    }
    let settings = registry
        .client
        .update_district_settings(UpdateDistrictSettingsRequest {
            request_id,
            settings: Some(DistrictSettings {
                name: format!("{}/settings", args.district),
                office,
                target_fraction: args.target.unwrap_or_default(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths }),
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    let office = settings.office.unwrap_or_default();
    Ok(DistrictReport {
        district: args.district.clone(),
        office_latitude: office.latitude,
        office_longitude: office.longitude,
        office_set: settings.office_set,
        target_fraction: settings.target_fraction,
        target_source: settings.target_source,
    })
}

impl crate::output::Report for DistrictReport {
    fn to_human(&self) -> String {
        // Degrees with a decimal comma, as the rest of the output writes numbers.
        let degrees = |value: f64| format!("{value:.4}").replace('.', ",");
        let mut out = format!("District {}:\n", region_code(&self.district));
        out.push_str(&format!(
            "  office  {}, {}{}\n",
            degrees(self.office_latitude),
            degrees(self.office_longitude),
            if self.office_set {
                ""
            } else {
                " (the district's point; not set)"
            }
        ));
        out.push_str(&format!(
            "  target  {} of recorded KTP-el{}",
            format_target(self.target_fraction),
            if self.target_source.is_empty() || self.target_source == self.district {
                String::new()
            } else {
                format!(" (set on {})", region_code(&self.target_source))
            }
        ));
        out
    }
}
