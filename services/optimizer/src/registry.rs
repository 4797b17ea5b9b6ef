//! Reads the district from the registry over gRPC: its office and target,
//! and every village with coordinates, kind and current counts. The
//! optimizer owns no region data of its own. A district whose villages do
//! not all have counts yet is refused here, before any solve.
//!
//! Each read carries the token of the caller the optimizer plans for: the
//! registry checks the caller's own rights and limits, and the optimizer
//! holds no standing credential of its own that a bug could misuse.

use jemput_proto::registry as rpb;
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use std::path::Path;

use tonic::transport::Channel;
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;

use crate::district::{District, Village, VillageKind};
use crate::error::OptimizerError;

/// A registry client; cheap to clone (one HTTP/2 connection underneath).
#[derive(Clone)]
pub struct Registry {
    client: RegistryServiceClient<Channel>,
    channel: Channel,
}

const PAGE: i32 = 1000;

impl Registry {
    /// Connects lazily: the optimizer starts even if the registry is not up
    /// yet. An `https://` endpoint is reached over TLS, trusting the system's
    /// CAs and `ca` if given.
    pub fn new(endpoint: &str, ca: Option<&Path>) -> Result<Registry, OptimizerError> {
        let channel = jemput_auth::tls::endpoint(endpoint, ca)?.connect_lazy();
        Ok(Registry {
            client: RegistryServiceClient::new(channel.clone()),
            channel,
        })
    }

    /// The channel, shared with the token verifier.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The district named `region` (`regions/{code}`) with all its villages,
    /// read with the caller's `bearer` token.
    pub async fn district(
        &self,
        region: &str,
        field: &str,
        bearer: &str,
    ) -> Result<District, OptimizerError> {
        let mut client = self.client.clone();
        let seat = client
            .get_region(authorize(
                bearer,
                rpb::GetRegionRequest {
                    name: region.to_string(),
                    view: rpb::RegionView::Basic as i32,
                },
            )?)
            .await
            .map_err(|s| registry_error(s, field, region))?
            .into_inner();
        if seat.level != rpb::RegionLevel::District as i32 {
            return Err(OptimizerError::invalid(
                field,
                format!(
                    "{region} is not a district (kabupaten/kota); plans cover a whole district"
                ),
                format!("{region} bukan kabupaten/kota; rencana mencakup satu kabupaten/kota utuh"),
            ));
        }
        let gap = client
            .get_enrollment_gap(authorize(
                bearer,
                rpb::GetEnrollmentGapRequest {
                    region: region.to_string(),
                },
            )?)
            .await
            .map_err(|s| registry_error(s, field, region))?
            .into_inner();
        if gap.counts_missing {
            return Err(OptimizerError::NoCountsYet {
                district: format!("{} ({region})", gap.display_name),
                villages: gap.villages_without_counts,
            });
        }
        let settings = client
            .get_district_settings(authorize(
                bearer,
                rpb::GetDistrictSettingsRequest {
                    name: format!("{region}/settings"),
                },
            )?)
            .await
            .map_err(|s| registry_error(s, field, region))?
            .into_inner();
        let office = settings.office.unwrap_or(rpb::LatLng {
            latitude: seat.latitude,
            longitude: seat.longitude,
        });

        let regions = self
            .all_regions(region, rpb::RegionLevel::Village, field, bearer)
            .await?;
        let kecamatan_names = client
            .list_regions(authorize(
                bearer,
                rpb::ListRegionsRequest {
                    parent: region.to_string(),
                    page_size: PAGE,
                    page_token: String::new(),
                    level: rpb::RegionLevel::Kecamatan as i32,
                    view: rpb::RegionView::Basic as i32,
                },
            )?)
            .await
            .map_err(|s| registry_error(s, field, region))?
            .into_inner()
            .regions
            .into_iter()
            .map(|r| (r.name, r.display_name))
            .collect();
        let mut counts = std::collections::HashMap::new();
        let mut token = String::new();
        loop {
            let page = client
                .list_enrollment_gaps(authorize(
                    bearer,
                    rpb::ListEnrollmentGapsRequest {
                        parent: region.to_string(),
                        page_size: PAGE,
                        page_token: token,
                        order_by: "name".into(),
                        level: rpb::RegionLevel::Village as i32,
                    },
                )?)
                .await
                .map_err(|s| registry_error(s, field, region))?
                .into_inner();
            for g in page.gaps {
                counts.insert(g.region.clone(), (g.ktp_el_recorded, g.ikd_activated));
            }
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let mut villages: Vec<Village> = regions
            .into_iter()
            .map(|r| {
                let (recorded, activated) = counts.get(&r.name).copied().unwrap_or((0, 0));
                Village {
                    kind: if r.kind() == rpb::RegionKind::Kelurahan {
                        VillageKind::Kelurahan
                    } else {
                        VillageKind::Desa
                    },
                    name: r.name,
                    display_name: r.display_name,
                    kecamatan: r.parent,
                    latitude: r.latitude,
                    longitude: r.longitude,
                    ktp_el_recorded: recorded,
                    ikd_activated: activated,
                }
            })
            .collect();
        // Plans must not depend on the registry's page order.
        villages.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(District {
            name: seat.name,
            display_name: seat.display_name,
            latitude: office.latitude,
            longitude: office.longitude,
            ktp_el_recorded: gap.ktp_el_recorded,
            ikd_activated: gap.ikd_activated,
            target_fraction: gap.target_fraction,
            villages,
            kecamatan_names,
        })
    }

    /// The districts under `parent` (a province), `regions/{code}` in code
    /// order.
    pub async fn districts(
        &self,
        parent: &str,
        field: &str,
        bearer: &str,
    ) -> Result<Vec<(String, String)>, OptimizerError> {
        Ok(self
            .all_regions(parent, rpb::RegionLevel::District, field, bearer)
            .await?
            .into_iter()
            .map(|r| (r.name, r.display_name))
            .collect())
    }

    /// Every region at `level` under `parent`, page after page.
    async fn all_regions(
        &self,
        parent: &str,
        level: rpb::RegionLevel,
        field: &str,
        bearer: &str,
    ) -> Result<Vec<rpb::Region>, OptimizerError> {
        let mut client = self.client.clone();
        let mut regions = Vec::new();
        let mut token = String::new();
        loop {
            let page = client
                .list_regions(authorize(
                    bearer,
                    rpb::ListRegionsRequest {
                        parent: parent.to_string(),
                        page_size: PAGE,
                        page_token: token,
                        level: level as i32,
                        view: rpb::RegionView::Basic as i32,
                    },
                )?)
                .await
                .map_err(|s| registry_error(s, field, parent))?
                .into_inner();
            regions.extend(page.regions);
            if page.next_page_token.is_empty() {
                return Ok(regions);
            }
            token = page.next_page_token;
        }
    }

    /// What the mobile teams recorded for each village of `region` with
    /// activation dates from `start` through `end`, by `regions/{code}`.
    pub async fn mobile_activations(
        &self,
        region: &str,
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
        bearer: &str,
    ) -> Result<std::collections::HashMap<String, i64>, OptimizerError> {
        let mut client = self.client.clone();
        let summary = client
            .summarize_activations(authorize(
                bearer,
                rpb::SummarizeActivationsRequest {
                    parent: region.to_string(),
                    start_date: start.to_string(),
                    end_date: end.to_string(),
                },
            )?)
            .await
            .map_err(|s| registry_error(s, "plan", region))?
            .into_inner();
        Ok(summary
            .villages
            .into_iter()
            .map(|v| (v.region, v.mobile_team))
            .collect())
    }
}

/// `message` as a request carrying the caller's token.
fn authorize<T>(bearer: &str, message: T) -> Result<Request<T>, OptimizerError> {
    let mut request = Request::new(message);
    jemput_auth::with_bearer(&mut request, bearer).map_err(OptimizerError::Registry)?;
    Ok(request)
}

/// A registry failure as the optimizer's caller should see it.
fn registry_error(status: Status, field: &str, region: &str) -> OptimizerError {
    match status.code() {
        Code::NotFound => OptimizerError::NotFound(region.to_string()),
        Code::InvalidArgument => {
            // The registry says it in Indonesian too; pass both on.
            let indonesian = status
                .get_details_localized_message()
                .map(|m| m.message)
                .unwrap_or_else(|| status.message().to_string());
            OptimizerError::invalid(field, status.message().to_string(), indonesian)
        }
        Code::Unavailable | Code::DeadlineExceeded | Code::Unknown => {
            OptimizerError::RegistryUnavailable(status.message().to_string())
        }
        _ => OptimizerError::Registry(status),
    }
}
