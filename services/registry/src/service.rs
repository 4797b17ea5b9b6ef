//! `jemput.registry.v1.RegistryService`: each method checks its request at
//! the edge (`convert`) and against the caller's scope, asks the `Store`
//! (which audits every write), and answers; plus the gap watchers, which
//! follow the store's change feed.

use jemput_proto::registry::{self as pb, registry_service_server::RegistryService};
use tokio::sync::{broadcast::error::RecvError, mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use jemput_auth::Caller;

use crate::{
    access::actor,
    convert::{self, GetRegion, ListActivations, ListGaps, ListRegions, SetTarget, page_token},
    domain::{Gap, today_in_district},
    error::{RegistryError, Violations},
    store::{ActivationBatch, CountsImport, LedgerEntry, Store},
};

/// Gaps queued for one watcher before the sender waits for the client.
const WATCH_BUFFER: usize = 4;

/// The gRPC face of a `Store`.
pub struct Registry {
    store: Store,
    /// Turns true when the server begins shutting down, so open watch
    /// streams end and the server can drain.
    shutdown: watch::Receiver<bool>,
}

impl Registry {
    pub fn new(store: Store, shutdown: watch::Receiver<bool>) -> Self {
        Registry { store, shutdown }
    }
}

/// A token limited to some villages (a field team's) or to one team may
/// record only those: every report outside is named, and nothing is applied.
fn within_scope(batch: &ActivationBatch, caller: &Caller) -> Result<(), RegistryError> {
    let mut violations = Violations::default();
    for (i, report) in batch.reports.iter().enumerate() {
        let village = report.village.name();
        if !caller.may_record_for(&village) {
            violations.add(
                format!("reports[{i}].region"),
                format!("{village} is outside this token's villages"),
                format!("{village} di luar desa token ini"),
            );
        }
        if let Some(team) = &caller.team
            && &report.team != team
        {
            violations.add(
                format!("reports[{i}].team"),
                format!("this token records for {team:?} only"),
                format!("token ini hanya mencatat untuk {team:?}"),
            );
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(RegistryError::PermissionDenied(violations))
    }
}

/// A token limited to some villages or one team may correct only their
/// entries.
fn within_scope_of_entry(entry: &LedgerEntry, caller: &Caller) -> Result<(), RegistryError> {
    let mut violations = Violations::default();
    let village = entry.village.name();
    if !caller.may_record_for(&village) {
        violations.add(
            "activation",
            format!("is for {village}, outside this token's villages"),
            format!("untuk {village}, di luar desa token ini"),
        );
    }
    if let Some(team) = &caller.team
        && &entry.team != team
    {
        violations.add(
            "activation",
            format!(
                "was recorded by {:?}; this token corrects {team:?} only",
                entry.team
            ),
            format!(
                "dicatat oleh {:?}; token ini hanya mengoreksi {team:?}",
                entry.team
            ),
        );
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(RegistryError::PermissionDenied(violations))
    }
}

/// An import replaces counts: a token limited to some villages may replace
/// only theirs.
fn within_scope_of_import(import: &CountsImport, caller: &Caller) -> Result<(), RegistryError> {
    let mut violations = Violations::default();
    for (i, row) in import.counts.iter().enumerate() {
        let village = row.village.name();
        if !caller.may_record_for(&village) {
            violations.add(
                format!("counts[{i}].region"),
                format!("{village} is outside this token's villages"),
                format!("{village} di luar desa token ini"),
            );
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(RegistryError::PermissionDenied(violations))
    }
}

/// The next page token, if anything follows a page that was fetched with
/// one extra row to find out.
fn next_page<T>(rows: &mut Vec<T>, query: &str, page: convert::Page) -> String {
    if rows.len() > page.size {
        rows.truncate(page.size);
        page_token(query, page.offset + page.size)
    } else {
        String::new()
    }
}

#[tonic::async_trait]
impl RegistryService for Registry {
    async fn get_region(
        &self,
        request: Request<pb::GetRegionRequest>,
    ) -> Result<Response<pb::Region>, Status> {
        let GetRegion {
            region,
            with_boundary,
        } = request.into_inner().try_into()?;
        let record = self.store.region(&region, with_boundary).await?;
        Ok(Response::new(record.into()))
    }

    async fn list_regions(
        &self,
        request: Request<pb::ListRegionsRequest>,
    ) -> Result<Response<pb::ListRegionsResponse>, Status> {
        let list: ListRegions = request.into_inner().try_into()?;
        let mut records = match list.level {
            Some(level) => {
                self.store
                    .regions_within(
                        &list.parent,
                        level,
                        list.page.offset,
                        list.page.size + 1,
                        list.with_boundary,
                    )
                    .await?
            }
            // A village has no children, but it must still exist.
            None => self
                .store
                .region(&list.parent, false)
                .await
                .map(|_| Vec::new())?,
        };
        let next_page_token = next_page(&mut records, &list.query, list.page);
        Ok(Response::new(pb::ListRegionsResponse {
            regions: records.into_iter().map(pb::Region::from).collect(),
            next_page_token,
        }))
    }

    async fn get_enrollment_gap(
        &self,
        request: Request<pb::GetEnrollmentGapRequest>,
    ) -> Result<Response<pb::EnrollmentGap>, Status> {
        let region = convert::region_or_nation_name(&request.into_inner().region, "region")?;
        let gap = self.store.gap(&region).await?;
        Ok(Response::new((&gap).into()))
    }

    async fn list_enrollment_gaps(
        &self,
        request: Request<pb::ListEnrollmentGapsRequest>,
    ) -> Result<Response<pb::ListEnrollmentGapsResponse>, Status> {
        let list: ListGaps = request.into_inner().try_into()?;
        // Gaps depend on inherited targets and rounding, so they are ordered
        // here rather than in SQL; a district has at most a few hundred
        // regions at any level, so reading them all per page is cheap.
        let mut gaps = match list.level {
            Some(level) => self.store.gaps_within(&list.parent, level).await?,
            None => self.store.gap(&list.parent).await.map(|_| Vec::new())?,
        };
        list.order.sort(&mut gaps);
        let mut page: Vec<Gap> = gaps
            .into_iter()
            .skip(list.page.offset)
            .take(list.page.size + 1)
            .collect();
        let next_page_token = next_page(&mut page, &list.query, list.page);
        Ok(Response::new(pb::ListEnrollmentGapsResponse {
            gaps: page.iter().map(pb::EnrollmentGap::from).collect(),
            next_page_token,
        }))
    }

    async fn record_activations(
        &self,
        request: Request<pb::RecordActivationsRequest>,
    ) -> Result<Response<pb::RecordActivationsResponse>, Status> {
        let actor = actor(&request)?;
        let batch = convert::activation_batch(
            request.into_inner(),
            |c| self.store.knows(c),
            today_in_district(),
        )?;
        within_scope(&batch, &actor.caller)?;
        let recorded = self.store.record_activations(&batch, &actor).await?;
        Ok(Response::new(pb::RecordActivationsResponse {
            // At most MAX_BATCH_ROWS, far below i32::MAX.
            accepted: i32::try_from(recorded.accepted).unwrap_or(i32::MAX),
            activations: recorded.activations,
            batch: recorded.batch,
            district_gap: Some((&recorded.district_gap).into()),
        }))
    }

    async fn list_activations(
        &self,
        request: Request<pb::ListActivationsRequest>,
    ) -> Result<Response<pb::ListActivationsResponse>, Status> {
        let list: ListActivations = request.into_inner().try_into()?;
        let mut entries = self
            .store
            .ledger(
                &list.parent,
                (list.start, list.end),
                list.page.offset,
                list.page.size + 1,
            )
            .await?;
        let next_page_token = next_page(&mut entries, &list.query, list.page);
        Ok(Response::new(pb::ListActivationsResponse {
            activations: entries.iter().map(pb::Activation::from).collect(),
            next_page_token,
        }))
    }

    async fn correct_activation(
        &self,
        request: Request<pb::CorrectActivationRequest>,
    ) -> Result<Response<pb::CorrectActivationResponse>, Status> {
        let actor = actor(&request)?;
        let correction = convert::correction(request.into_inner())?;
        // Entries never change, so the scope read here still holds when
        // the correction is written.
        let entry = self.store.ledger_entry(correction.entry).await?;
        within_scope_of_entry(&entry, &actor.caller)?;
        let (correcting, gap) = self.store.correct_activation(&correction, &actor).await?;
        Ok(Response::new(pb::CorrectActivationResponse {
            correction: Some((&correcting).into()),
            district_gap: Some((&gap).into()),
        }))
    }

    async fn summarize_activations(
        &self,
        request: Request<pb::SummarizeActivationsRequest>,
    ) -> Result<Response<pb::SummarizeActivationsResponse>, Status> {
        let query = convert::summarize(&request.into_inner(), today_in_district())?;
        let villages = self
            .store
            .summarize(&query.parent, query.start, query.end)
            .await?;
        Ok(Response::new(pb::SummarizeActivationsResponse {
            total: villages.iter().map(|(_, sums)| sums.total()).sum(),
            villages: villages
                .into_iter()
                .map(|(code, sums)| pb::VillageActivations {
                    region: code.name(),
                    office: sums.office,
                    mobile_team: sums.mobile_team,
                    total: sums.total(),
                })
                .collect(),
        }))
    }

    async fn set_target(
        &self,
        request: Request<pb::SetTargetRequest>,
    ) -> Result<Response<pb::EnrollmentGap>, Status> {
        let actor = actor(&request)?;
        let SetTarget { region, fraction } = request.into_inner().try_into()?;
        let gap = self.store.set_target(&region, fraction, &actor).await?;
        Ok(Response::new((&gap).into()))
    }

    async fn import_regions(
        &self,
        request: Request<pb::ImportRegionsRequest>,
    ) -> Result<Response<pb::ImportRegionsResponse>, Status> {
        let actor = actor(&request)?;
        let import = convert::counts_import(request.into_inner(), |c| self.store.knows(c))?;
        within_scope_of_import(&import, &actor.caller)?;
        let imported = self.store.import_counts(&import, &actor).await?;
        Ok(Response::new(pb::ImportRegionsResponse {
            updated: i32::try_from(imported.updated).unwrap_or(i32::MAX),
            district_gap: Some((&imported.district_gap).into()),
        }))
    }

    async fn add_regions(
        &self,
        request: Request<pb::AddRegionsRequest>,
    ) -> Result<Response<pb::AddRegionsResponse>, Status> {
        let actor = actor(&request)?;
        let addition = convert::regions_addition(request.into_inner())?;
        let added = self.store.add_regions(&addition, &actor).await?;
        Ok(Response::new((&added).into()))
    }

    async fn get_district_settings(
        &self,
        request: Request<pb::GetDistrictSettingsRequest>,
    ) -> Result<Response<pb::DistrictSettings>, Status> {
        let district = convert::settings_name(request.get_ref())?;
        let settings = self.store.district_settings(&district).await?;
        Ok(Response::new((&settings).into()))
    }

    async fn update_district_settings(
        &self,
        request: Request<pb::UpdateDistrictSettingsRequest>,
    ) -> Result<Response<pb::DistrictSettings>, Status> {
        let actor = actor(&request)?;
        let update = convert::settings_update(request.into_inner())?;
        let settings = self.store.update_district_settings(&update, &actor).await?;
        Ok(Response::new((&settings).into()))
    }

    type WatchEnrollmentGapsStream = ReceiverStream<Result<pb::EnrollmentGap, Status>>;

    async fn watch_enrollment_gaps(
        &self,
        request: Request<pb::WatchEnrollmentGapsRequest>,
    ) -> Result<Response<Self::WatchEnrollmentGapsStream>, Status> {
        let region = convert::region_or_nation_name(&request.into_inner().region, "region")?;
        // Subscribe before reading, so no change between the two is missed.
        let mut changes = self.store.subscribe();
        let first = self.store.gap(&region).await?;
        let (sender, receiver) = mpsc::channel(WATCH_BUFFER);
        let store = self.store.clone();
        let mut shutdown = self.shutdown.clone();
        // Changes come from this process's commits and, on PostgreSQL, from
        // the other replicas' (see `notify`).
        tokio::spawn(async move {
            let mut last = first;
            if sender.send(Ok((&last).into())).await.is_err() {
                return;
            }
            loop {
                let relevant = tokio::select! {
                    () = sender.closed() => return,
                    _ = shutdown.wait_for(|stopping| *stopping) => return,
                    change = changes.recv() => match change {
                        Ok(change) => change.affects(&region),
                        // Missed changes cannot be replayed, but the current
                        // value can be: re-read it.
                        Err(RecvError::Lagged(_)) => true,
                        Err(RecvError::Closed) => return,
                    },
                };
                if !relevant {
                    continue;
                }
                let gap = match store.gap(&region).await {
                    Ok(gap) => gap,
                    Err(error) => {
                        let _ = sender.send(Err(Status::from(error))).await;
                        return;
                    }
                };
                if gap != last {
                    if sender.send(Ok((&gap).into())).await.is_err() {
                        return;
                    }
                    last = gap;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }
}
