//! The totals of every province, district and kecamatan and of the nation
//! (the `rollups` table), kept in the same transaction as every change to a
//! village's counts, so that a gap is read from one row instead of summed
//! from thousands of villages.
//!
//! Ledger writes and imports move the totals by the difference they made
//! (`SET x = x + $1`): on PostgreSQL such an update waits for a concurrent
//! writer of the same row and then adds to what that writer committed,
//! where a total summed again from the villages would miss it. Rows are
//! updated in code order, the nation (`''`) first, after the villages, so
//! two writers never wait for each other in a circle, and whoever holds the
//! nation's row has no unapplied difference in any other: adding regions
//! takes it first and may then sum villages (see `Store::add_regions`).

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::{domain::RegionCode, error::RegistryError};

/// The code of the nation's row.
pub(crate) const NATION: &str = "";

/// How one write moves the totals of the regions above its villages.
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    /// By rollup code: recorded KTP-el, activated IKD, villages without counts.
    by_region: BTreeMap<String, [i64; 3]>,
}

impl Deltas {
    /// Adds one village's change to its kecamatan, district, province and
    /// the nation.
    pub(crate) fn add(
        &mut self,
        village: &RegionCode,
        ktp_el_recorded: i64,
        ikd_activated: i64,
        villages_without_counts: i64,
    ) {
        let above = village
            .self_and_ancestors()
            .skip(1)
            .map(String::from)
            .chain([NATION.to_owned()]);
        for code in above {
            let totals = self.by_region.entry(code).or_default();
            totals[0] += ktp_el_recorded;
            totals[1] += ikd_activated;
            totals[2] += villages_without_counts;
        }
    }

    /// Applies the differences, and `update_micros` as the latest change,
    /// in code order. A region not held (a district's province not added
    /// yet) has no row, and nothing to move.
    pub(crate) async fn apply(
        &self,
        conn: &mut AnyConnection,
        update_micros: i64,
    ) -> Result<(), RegistryError> {
        for (code, [recorded, activated, uncounted]) in &self.by_region {
            sqlx::query(
                "UPDATE rollups SET ktp_el_recorded = ktp_el_recorded + $1, \
                 ikd_activated = ikd_activated + $2, \
                 villages_without_counts = villages_without_counts + $3, \
                 counts_update_micros = CASE WHEN counts_update_micros < $4 \
                 THEN $4 ELSE counts_update_micros END \
                 WHERE code = $5",
            )
            .bind(*recorded)
            .bind(*activated)
            .bind(*uncounted)
            .bind(update_micros)
            .bind(code.as_str())
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// Sets the row of a level from the level below, for the regions whose
/// code is `LIKE $1`.
const REBUILD: [&str; 3] = [
    "INSERT INTO rollups \
     (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts) \
     SELECT k.code, CAST(COALESCE(SUM(v.ktp_el_recorded), 0) AS BIGINT), \
     CAST(COALESCE(SUM(v.ikd_activated), 0) AS BIGINT), \
     CAST(COALESCE(MAX(v.update_micros), 0) AS BIGINT), \
     CAST(COUNT(v.code) - COUNT(v.ktp_el_recorded) AS BIGINT) \
     FROM regions k LEFT JOIN regions v ON v.parent_code = k.code AND v.level = 3 \
     WHERE k.level = 2 AND k.code LIKE $1 GROUP BY k.code",
    "INSERT INTO rollups \
     (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts) \
     SELECT d.code, CAST(COALESCE(SUM(u.ktp_el_recorded), 0) AS BIGINT), \
     CAST(COALESCE(SUM(u.ikd_activated), 0) AS BIGINT), \
     CAST(COALESCE(MAX(u.counts_update_micros), 0) AS BIGINT), \
     CAST(COALESCE(SUM(u.villages_without_counts), 0) AS BIGINT) \
     FROM regions d LEFT JOIN regions k ON k.parent_code = d.code AND k.level = 2 \
     LEFT JOIN rollups u ON u.code = k.code \
     WHERE d.level = 1 AND d.code LIKE $1 GROUP BY d.code",
    "INSERT INTO rollups \
     (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts) \
     SELECT p.code, CAST(COALESCE(SUM(u.ktp_el_recorded), 0) AS BIGINT), \
     CAST(COALESCE(SUM(u.ikd_activated), 0) AS BIGINT), \
     CAST(COALESCE(MAX(u.counts_update_micros), 0) AS BIGINT), \
     CAST(COALESCE(SUM(u.villages_without_counts), 0) AS BIGINT) \
     FROM regions p LEFT JOIN regions d ON d.parent_code = p.code AND d.level = 1 \
     LEFT JOIN rollups u ON u.code = d.code \
     WHERE p.level = 0 AND p.code LIKE $1 GROUP BY p.code",
];

const UPSERT: &str = " ON CONFLICT (code) DO UPDATE SET \
     ktp_el_recorded = excluded.ktp_el_recorded, ikd_activated = excluded.ikd_activated, \
     counts_update_micros = excluded.counts_update_micros, \
     villages_without_counts = excluded.villages_without_counts";

/// Sums again, from the villages up, the rows of the regions whose code is
/// `LIKE pattern` (`17%`: the province and everything in it; `17`: the
/// province from its districts' rows). Only while holding the nation's row
/// (see the module's comment) or alone on the database.
pub(crate) async fn rebuild(conn: &mut AnyConnection, pattern: &str) -> Result<(), RegistryError> {
    for level in REBUILD {
        sqlx::query(&format!("{level}{UPSERT}"))
            .bind(pattern)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sums the nation's row again from every village.
pub(crate) async fn rebuild_nation(conn: &mut AnyConnection) -> Result<(), RegistryError> {
    let sql = format!(
        "INSERT INTO rollups \
         (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts) \
         SELECT '', CAST(COALESCE(SUM(v.ktp_el_recorded), 0) AS BIGINT), \
         CAST(COALESCE(SUM(v.ikd_activated), 0) AS BIGINT), \
         CAST(COALESCE(MAX(v.update_micros), 0) AS BIGINT), \
         CAST(COUNT(v.code) - COUNT(v.ktp_el_recorded) AS BIGINT) \
         FROM regions v WHERE v.level = 3{UPSERT}"
    );
    sqlx::query(&sql).execute(&mut *conn).await?;
    Ok(())
}

/// Takes the nation's row for the rest of the transaction (see the
/// module's comment).
pub(crate) async fn lock_nation(conn: &mut AnyConnection) -> Result<(), RegistryError> {
    sqlx::query("UPDATE rollups SET code = code WHERE code = ''")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        audit::Actor,
        domain::Channel,
        store::{
            Activation, ActivationBatch, Correction, CountsImport, RegionsAddition, Store,
            VillageCounts,
        },
        testing::TestDb,
    };
    use chrono::NaiveDate;
    use sqlx::Row;

    /// Each rollup row against its villages summed by code, the way gaps
    /// were read before there were rollups; both must hold the same regions.
    async fn assert_rollups_are_sums(store: &Store, after: &str) {
        let pool = &store.inner.pool;
        let read = |sql: &'static str| async move {
            let mut rows: Vec<(String, [i64; 4])> = sqlx::query(sql)
                .fetch_all(pool)
                .await
                .expect("read totals")
                .iter()
                .map(|row| {
                    let get = |column: &str| row.try_get::<i64, _>(column).expect(column);
                    (
                        row.try_get("code").expect("code"),
                        [
                            get("recorded"),
                            get("activated"),
                            get("updated"),
                            get("uncounted"),
                        ],
                    )
                })
                .collect();
            rows.sort();
            rows
        };
        let summed = read(
            "SELECT r.code, \
                CAST(COALESCE(SUM(v.ktp_el_recorded), 0) AS BIGINT) AS recorded, \
                CAST(COALESCE(SUM(v.ikd_activated), 0) AS BIGINT) AS activated, \
                CAST(COALESCE(MAX(v.update_micros), 0) AS BIGINT) AS updated, \
                CAST(COUNT(v.code) - COUNT(v.ktp_el_recorded) AS BIGINT) AS uncounted \
             FROM regions r LEFT JOIN regions v ON v.level = 3 AND v.code LIKE r.code || '.%' \
             WHERE r.level < 3 GROUP BY r.code \
             UNION ALL SELECT '' AS code, \
                CAST(COALESCE(SUM(v.ktp_el_recorded), 0) AS BIGINT) AS recorded, \
                CAST(COALESCE(SUM(v.ikd_activated), 0) AS BIGINT) AS activated, \
                CAST(COALESCE(MAX(v.update_micros), 0) AS BIGINT) AS updated, \
                CAST(COUNT(v.code) - COUNT(v.ktp_el_recorded) AS BIGINT) AS uncounted \
             FROM regions v WHERE v.level = 3",
        )
        .await;
        let kept = read(
            "SELECT code, ktp_el_recorded AS recorded, ikd_activated AS activated, \
             counts_update_micros AS updated, villages_without_counts AS uncounted FROM rollups",
        )
        .await;
        assert_eq!(summed.len(), kept.len(), "rollup rows after {after}");
        for (summed, kept) in summed.iter().zip(&kept) {
            assert_eq!(summed, kept, "after {after}");
        }
    }

    /// A small deterministic generator, so a failure can be replayed.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    async fn villages(store: &Store, district: &str) -> Vec<RegionCode> {
        sqlx::query_scalar::<_, String>(
            "SELECT code FROM regions WHERE level = 3 AND code LIKE $1 ORDER BY code",
        )
        .bind(format!("{district}.%"))
        .fetch_all(&store.inner.pool)
        .await
        .expect("villages")
        .iter()
        .filter_map(|code| RegionCode::from_code(code))
        .collect()
    }

    async fn counted(store: &Store, district: &str) -> Vec<(RegionCode, i64, i64)> {
        sqlx::query(
            "SELECT code, ktp_el_recorded, ikd_activated FROM regions \
             WHERE level = 3 AND code LIKE $1 AND ktp_el_recorded IS NOT NULL ORDER BY code",
        )
        .bind(format!("{district}.%"))
        .fetch_all(&store.inner.pool)
        .await
        .expect("counted villages")
        .iter()
        .map(|row| {
            let code: String = row.try_get("code").expect("code");
            (
                RegionCode::from_code(&code).expect("a stored code"),
                row.try_get("ktp_el_recorded").expect("recorded"),
                row.try_get("ikd_activated").expect("activated"),
            )
        })
        .collect()
    }

    /// Additions, imports (raising and lowering), ledger writes,
    /// corrections and refused writes, in a generated order; after each,
    /// every rollup equals the sum of its villages.
    async fn rollups_follow_a_mix_of_writes(store: Store) {
        let actor = Actor::local();
        let mut random = Lcg(17);
        let mut request = 0;
        let mut next_id = || {
            request += 1;
            (format!("mix-{request}"), vec![request as u8; 32])
        };
        assert_rollups_are_sums(&store, "seeding").await;
        let add =
            |roots: &[&str], (request_id, payload_sha256): (String, Vec<u8>)| RegionsAddition {
                request_id,
                payload_sha256,
                roots: roots
                    .iter()
                    .filter_map(|code| RegionCode::from_code(code))
                    .collect(),
            };
        store
            .add_regions(&add(&["17.07"], next_id()), &actor)
            .await
            .expect("add Lebong");
        assert_rollups_are_sums(&store, "adding Lebong").await;
        let date = NaiveDate::from_ymd_opt(2026, 11, 2).expect("a date");
        for step in 0..24 {
            let district = ["17.02", "17.07"][random.below(2)];
            match random.below(4) {
                0 => {
                    let all = villages(&store, district).await;
                    let counts = (0..1 + random.below(12))
                        .map(|_| {
                            let recorded = 50 + random.below(400) as i64;
                            VillageCounts {
                                village: all[random.below(all.len())].clone(),
                                ktp_el_recorded: recorded,
                                ikd_activated: random.below(recorded as usize / 2) as i64,
                            }
                        })
                        .collect();
                    let (request_id, payload_sha256) = next_id();
                    let import = CountsImport {
                        request_id,
                        payload_sha256,
                        counts,
                        validate_only: random.below(5) == 0,
                    };
                    store.import_counts(&import, &actor).await.expect("import");
                }
                1 | 2 => {
                    let counted = counted(&store, district).await;
                    if counted.is_empty() {
                        continue;
                    }
                    let reports = (0..1 + random.below(6))
                        .map(|_| Activation {
                            village: counted[random.below(counted.len())].0.clone(),
                            count: 1 + random.below(30) as i64,
                            date,
                            channel: Channel::MobileTeam,
                            team: "tim-1".to_owned(),
                        })
                        .collect();
                    let (request_id, payload_sha256) = next_id();
                    let batch = ActivationBatch {
                        request_id,
                        payload_sha256,
                        reports,
                    };
                    // Some batches go over a village's KTP-el and are
                    // refused whole; the totals must not move then either.
                    let _ = store.record_activations(&batch, &actor).await;
                }
                _ => {
                    let code = RegionCode::from_code(district).expect("a code");
                    let entries = store
                        .ledger(&code, (None, None), 0, 20)
                        .await
                        .expect("ledger");
                    let Some(entry) = entries.iter().find(|e| e.corrects.is_none()) else {
                        continue;
                    };
                    let (request_id, payload_sha256) = next_id();
                    let correction = Correction {
                        request_id,
                        payload_sha256,
                        entry: entry.id,
                        corrected_count: random.below(entry.corrected_count as usize + 3) as i64,
                        reason: "counted twice".to_owned(),
                    };
                    let _ = store.correct_activation(&correction, &actor).await;
                }
            }
            assert_rollups_are_sums(&store, &format!("step {step}")).await;
            if step == 12 {
                store
                    .add_regions(&add(&["17", "17.08"], next_id()), &actor)
                    .await
                    .expect("add Bengkulu");
                assert_rollups_are_sums(&store, "adding Bengkulu").await;
            }
        }
        // The mix did reach both districts' counts and ledgers.
        for district in ["17.02", "17.07"] {
            let code = RegionCode::from_code(district).expect("a code");
            let ledger = store.ledger(&code, (None, None), 0, 1).await;
            assert!(!ledger.expect("ledger").is_empty(), "{district}'s ledger");
        }
        assert!(!counted(&store, "17.07").await.is_empty());
    }

    #[tokio::test]
    async fn rollups_equal_the_sums_of_villages_on_sqlite() {
        let db = TestDb::sqlite();
        rollups_follow_a_mix_of_writes(db.open().await).await;
    }

    #[tokio::test]
    async fn rollups_equal_the_sums_of_villages_on_postgres() {
        if let Some(db) = TestDb::postgres().await {
            rollups_follow_a_mix_of_writes(db.open().await).await;
        }
    }

    #[test]
    fn a_village_moves_every_region_above_it_and_the_nation() {
        let village = RegionCode::from_code("17.02.06.1015").expect("a code");
        let mut deltas = Deltas::default();
        deltas.add(&village, 0, 5, 0);
        deltas.add(&village, 10, 0, -1);
        let codes: Vec<&str> = deltas.by_region.keys().map(String::as_str).collect();
        assert_eq!(codes, ["", "17", "17.02", "17.02.06"]);
        assert!(deltas.by_region.values().all(|t| *t == [10, 5, -1]));
    }
}
