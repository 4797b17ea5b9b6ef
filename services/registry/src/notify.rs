//! Changes between registry replicas on one PostgreSQL database: each write
//! announces what it changed with `pg_notify` inside its own transaction (so
//! the notice goes out exactly when the write commits, and never for a write
//! that rolls back), and every replica LISTENs and passes the notices of the
//! others to its gap watchers and read cache. SQLite is one file on one machine: there the
//! process's own feed is all there is.

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, postgres::PgListener};
use tokio::sync::{broadcast, oneshot};

use crate::{cache::ReadCache, domain::RegionCode, error::RegistryError, store::Change};

/// PostgreSQL refuses a payload of 8000 bytes or more; a change naming more
/// villages than fit says "everything" instead.
const MAX_PAYLOAD_BYTES: usize = 7000;
/// How long to wait before listening again after the connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// One notice on the channel.
#[derive(Debug, Serialize, Deserialize)]
struct Notice {
    /// The replica that made the change, which has told its own watchers.
    origin: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    villages: Vec<RegionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<RegionCode>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    all: bool,
    /// A token was revoked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    tokens: bool,
}

/// This replica's side of the channel: its name on it, and the task that
/// listens (stopped when the store is dropped).
pub(crate) struct Feed {
    channel: String,
    origin: String,
    _stop: oneshot::Sender<()>,
}

impl Feed {
    /// Starts listening on the channel of the database's schema (so that
    /// several registries in different schemas of one server, as in tests,
    /// do not hear each other), and returns once the LISTEN is in place.
    pub(crate) async fn start(
        database_url: &str,
        schema: &str,
        changes: broadcast::Sender<Change>,
        cache: Arc<ReadCache>,
    ) -> Result<Feed, RegistryError> {
        let channel = channel_name(schema);
        let origin = jemput_auth::token::random_hex::<8>()
            .map_err(|e| RegistryError::Random(e.to_string()))?;
        let mut listener = PgListener::connect(database_url).await?;
        listener.listen(&channel).await?;
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(follow(listener, origin.clone(), changes, cache, stopped));
        Ok(Feed {
            channel,
            origin,
            _stop: stop,
        })
    }

    /// Queues the notice of `change` in the open transaction on `conn`.
    pub(crate) async fn announce(
        &self,
        conn: &mut AnyConnection,
        change: &Change,
    ) -> Result<(), RegistryError> {
        let payload = payload(&self.origin, change);
        // pg_notify returns void, which the Any driver cannot carry: count it.
        sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(&self.channel)
            .bind(payload)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// A channel name PostgreSQL takes as an identifier: letters, digits and
/// `_`, at most 63 bytes.
fn channel_name(schema: &str) -> String {
    let safe: String = schema
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("jemput_changes_{safe}");
    name.truncate(63);
    name
}

fn payload(origin: &str, change: &Change) -> String {
    let mut notice = Notice {
        origin: origin.to_owned(),
        villages: Vec::new(),
        target: None,
        all: false,
        tokens: false,
    };
    match change {
        Change::Counts(villages) => notice.villages = villages.to_vec(),
        Change::Target(region) => notice.target = Some(region.clone()),
        Change::Tokens => notice.tokens = true,
        // Another replica reloads its whole region list on this.
        Change::Regions(_) | Change::All => notice.all = true,
    }
    let text = serde_json::to_string(&notice).unwrap_or_default();
    if text.len() <= MAX_PAYLOAD_BYTES {
        return text;
    }
    serde_json::to_string(&Notice {
        origin: origin.to_owned(),
        villages: Vec::new(),
        target: None,
        all: true,
        tokens: false,
    })
    .unwrap_or_default()
}

/// The change a notice from another replica announces.
fn change_of(payload: &str, own_origin: &str) -> Option<Change> {
    let Ok(notice) = serde_json::from_str::<Notice>(payload) else {
        // Not ours to understand; make every watcher look again.
        return Some(Change::All);
    };
    if notice.origin == own_origin {
        return None;
    }
    Some(if notice.all {
        Change::All
    } else if notice.tokens {
        Change::Tokens
    } else if let Some(region) = notice.target {
        Change::Target(region)
    } else {
        Change::Counts(notice.villages.into())
    })
}

async fn follow(
    mut listener: PgListener,
    origin: String,
    changes: broadcast::Sender<Change>,
    cache: Arc<ReadCache>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            received = listener.try_recv() => match received {
                Ok(Some(notification)) => {
                    if let Some(change) = change_of(notification.payload(), &origin) {
                        // Before the watchers hear it, so that what they
                        // read next is not an entry from before the change.
                        cache.invalidate();
                        let _ = changes.send(change);
                    }
                }
                // The connection dropped and is made again on the next call;
                // notices in between are lost, so every watcher looks again
                // and nothing read before is served from the cache.
                Ok(None) => {
                    cache.invalidate();
                    let _ = changes.send(Change::All);
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for other registries' changes");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::from_code(text).unwrap()
    }

    #[test]
    fn notices_round_trip_and_our_own_are_ignored() {
        let change = Change::Counts(vec![code("17.02.06.1015"), code("17.02.09.1001")].into());
        let text = payload("a1", &change);
        assert!(change_of(&text, "a1").is_none());
        let Some(Change::Counts(villages)) = change_of(&text, "b2") else {
            panic!("{text}")
        };
        assert_eq!(villages.len(), 2);
        let target = payload("a1", &Change::Target(code("17.02")));
        assert!(matches!(change_of(&target, "b2"), Some(Change::Target(r)) if r == code("17.02")));
    }

    #[test]
    fn a_change_too_large_for_one_notice_says_everything() {
        let many: Vec<RegionCode> = (1000..3000)
            .map(|i| code(&format!("17.02.09.{i}")))
            .collect();
        let text = payload("a1", &Change::Counts(many.into()));
        assert!(text.len() < MAX_PAYLOAD_BYTES);
        assert!(matches!(change_of(&text, "b2"), Some(Change::All)));
    }

    #[test]
    fn channel_names_are_identifiers() {
        assert_eq!(
            channel_name("jemput_t_1A-2"),
            "jemput_changes_jemput_t_1a_2"
        );
        assert!(channel_name(&"x".repeat(100)).len() <= 63);
    }
}
