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
