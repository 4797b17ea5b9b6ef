//! Gaps and bearer tokens read recently, kept in memory so that the reads
//! the registry answers most (a gap, and the token of every call) usually
//! touch no database.
//!
//! Every entry carries the *generation* it was read in. Every write
//! transaction of this process moves the generation on when it ends (after
//! its commit; see `store::Write`), and so does every change another
//! replica announces (`notify`), so a read after a write acknowledged by
//! this replica never sees an older value. A read that raced a write keeps
//! nothing: it is stored only if the generation did not move while it read.
//! Entries also expire after [`FRESH_FOR`], which bounds what a change no
//! notice announced (another process on the same SQLite file, a notice lost
//! while reconnecting) can leave stale.

use std::{
    borrow::Borrow,
    collections::HashMap,
    hash::Hash,
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use crate::{domain::Gap, domain::RegionCode, tokens::TokenRecord};

/// How long an entry is trusted without a notice of change.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);
/// More entries than this and the table starts again: a bound on memory
/// (the nation has about 92.000 regions).
const MAX_ENTRIES: usize = 100_000;

/// The generation a read began in; hand it back with what was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Generation(u64);

struct Entry<T> {
    value: T,
    generation: u64,
    read_at: Instant,
}

struct Table<K, V>(Mutex<HashMap<K, Entry<V>>>);

impl<K: Eq + Hash, V: Clone> Table<K, V> {
    fn new() -> Self {
        Table(Mutex::new(HashMap::new()))
    }

    fn get<Q>(&self, key: &Q, current: u64) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        // A panic while holding the lock cannot leave an entry half-written
        // (inserts are whole), so a poisoned table is still sound.
        let table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = table.get(key)?;
        (entry.generation == current && entry.read_at.elapsed() < FRESH_FOR)
            .then(|| entry.value.clone())
    }

    fn keep(&self, key: K, value: V, read_in: Generation, generation: &AtomicU64) {
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock, so the generation cannot move between the
        // check and the insert without the entry being left behind by it.
        if generation.load(Ordering::Acquire) != read_in.0 {
            return;
        }
        if table.len() >= MAX_ENTRIES {
            table.clear();
        }
        table.insert(
            key,
            Entry {
                value,
                generation: read_in.0,
                read_at: Instant::now(),
            },
        );
    }

    fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// The registry's read cache; one per store, shared by its clones.
pub(crate) struct ReadCache {
    generation: AtomicU64,
    gaps: Table<RegionCode, Gap>,
    /// By token id: the record and the hash of its secret.
    tokens: Table<String, (TokenRecord, Vec<u8>)>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            generation: AtomicU64::new(0),
            gaps: Table::new(),
            tokens: Table::new(),
        }
    }
}

impl ReadCache {
    /// Call before reading from the database what may then be kept.
    pub(crate) fn generation(&self) -> Generation {
        Generation(self.generation.load(Ordering::Acquire))
    }

    /// Something may have changed: nothing read before now is served again.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        // Old entries would be ignored anyway; dropping them frees memory.
        self.gaps.clear();
        self.tokens.clear();
    }

    pub(crate) fn gap(&self, region: &RegionCode) -> Option<Gap> {
        self.gaps
            .get(region, self.generation.load(Ordering::Acquire))
    }

    pub(crate) fn keep_gap(&self, read_in: Generation, gap: &Gap) {
        self.gaps
            .keep(gap.region.clone(), gap.clone(), read_in, &self.generation);
    }

    pub(crate) fn token(&self, id: &str) -> Option<(TokenRecord, Vec<u8>)> {
        self.tokens.get(id, self.generation.load(Ordering::Acquire))
    }

    pub(crate) fn keep_token(&self, read_in: Generation, record: &TokenRecord, secret: &[u8]) {
        self.tokens.keep(
            record.id.clone(),
            (record.clone(), secret.to_vec()),
            read_in,
            &self.generation,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(code: &str, activated: i64) -> Gap {
        Gap {
            region: RegionCode::from_code(code).unwrap(),
            display_name: code.into(),
            ktp_el_recorded: 1000,
            ikd_activated: activated,
            counts_update_micros: 0,
            villages_without_counts: 0,
            target: None,
            districts: None,
        }
    }

    #[test]
    fn a_read_is_served_until_something_changes() {
        let cache = ReadCache::default();
        let region = RegionCode::from_code("17.02").unwrap();
        let read_in = cache.generation();
        cache.keep_gap(read_in, &gap("17.02", 10));
        assert_eq!(cache.gap(&region), Some(gap("17.02", 10)));
        cache.invalidate();
        assert_eq!(cache.gap(&region), None);
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = ReadCache::default();
        let region = RegionCode::from_code("17.02").unwrap();
        let read_in = cache.generation();
        // The write commits and ends while the read is still under way.
        cache.invalidate();
        cache.keep_gap(read_in, &gap("17.02", 10));
        assert_eq!(cache.gap(&region), None);
        let again = cache.generation();
        cache.keep_gap(again, &gap("17.02", 11));
        assert_eq!(cache.gap(&region), Some(gap("17.02", 11)));
    }
}
