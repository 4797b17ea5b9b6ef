//! Persistence of regions, counts, targets, the activation ledger and the
//! batches that make writes idempotent, on an embedded SQLite file or on
//! PostgreSQL.
//!
//! Both engines run the same SQL through sqlx's `Any` driver: the queries
//! here use only what both dialects agree on (`$1` placeholders, `LIKE`,
//! `ON CONFLICT .. DO NOTHING`, `RETURNING`, `CAST(.. AS BIGINT)`), and all
//! stored values are integers, floats, text or bytes, which `Any` carries
//! unchanged. Only three things differ per engine and are chosen in one
//! place each: the migrations, how a pool is opened, and how a write
//! transaction begins.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
    str::FromStr,
    sync::{Arc, PoisonError, RwLock, Weak},
    time::Duration,
};

use chrono::NaiveDate;
use jemput_base::format::count;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sqlx::{
    Any, AnyConnection, AnyPool, Connection, Executor, Row, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions, AnyRow},
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode},
};
use tokio::sync::{Mutex, MutexGuard, broadcast};

use crate::{
    audit::{self, Actor, AuditAction},
    cache::ReadCache,
    domain::{
        Channel, DistrictSettings, DistrictSums, Gap, Level, NATIONAL_TARGET_FRACTION, RegionCode,
        Target, now_micros,
    },
    error::{RegistryError, Violations},
    national,
    notify::Feed,
    rollups::{self, Deltas},
    seed,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The nation's display name.
const NATION_DISPLAY_NAME: &str = "Indonesia";
/// How long a SQLite connection waits for another process's write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Per-connection settings: the busy timeout again (`Any` opens connections
/// from the URL alone, so the typed option above does not reach them), and
/// NORMAL sync, which is safe under WAL and much faster than FULL.
const SQLITE_CONNECTION_PRAGMAS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
/// Enough watchers can fall this far behind before they are told they lagged.
const CHANGE_CHANNEL_CAPACITY: usize = 256;
/// Rows per multi-row `INSERT`; 7 columns × 500 stays well under both
/// engines' limits on bound parameters.
const LEDGER_INSERT_CHUNK: usize = 500;
/// Regions per multi-row `INSERT` when adding from the national list: 9
/// columns × 500 is 4.500 parameters, under SQLite's 32.766 and
/// PostgreSQL's 65.535.
const REGION_INSERT_CHUNK: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// What changed in a committed write, for the gap watchers.
#[derive(Clone, Debug)]
pub enum Change {
    /// The counts of these villages changed.
    Counts(Arc<[RegionCode]>),
    /// The target of this region changed.
    Target(RegionCode),
    /// These provinces or districts were added, with everything under them.
    Regions(Arc<[RegionCode]>),
    /// A token was revoked: no gap changed, but read caches must forget.
    Tokens,
    /// Anything may have changed (another replica's change too large to
    /// name, or notices missed while reconnecting).
    All,
}

impl Change {
    /// Whether the gap of `region` may have changed.
    pub fn affects(&self, region: &RegionCode) -> bool {
        match self {
            Change::Counts(villages) => villages.iter().any(|v| region.contains(v)),
            Change::Target(target_region) => target_region.contains(region),
            // A province's totals grow when a district joins it.
            Change::Regions(added) => added
                .iter()
                .any(|root| root.contains(region) || region.contains(root)),
            Change::Tokens => false,
            Change::All => true,
        }
    }
}

/// A region as stored, without its counts.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionRecord {
    pub code: RegionCode,
    /// As stored: a district added before its province has none.
    pub parent: Option<RegionCode>,
    pub display_name: String,
    pub kind: String,
    pub latitude: f64,
    pub longitude: f64,
    pub area_km2: f64,
    /// Only when asked for.
    pub boundary_geojson: Option<String>,
}

/// Activations done in one village on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct Activation {
    pub village: RegionCode,
    pub count: i64,
    pub date: NaiveDate,
    pub channel: Channel,
    pub team: String,
}

/// A validated `RecordActivations` call.
#[derive(Clone, Debug)]
pub struct ActivationBatch {
    pub request_id: String,
    /// Identifies the payload, so a retry can be told from a reuse of the id.
    pub payload_sha256: Vec<u8>,
    pub reports: Vec<Activation>,
}

/// The answer to a `RecordActivations` call, stored for retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub accepted: usize,
    pub activations: i64,
    pub batch: i64,
    pub district_gap: Gap,
}

/// One row of the ledger, as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerEntry {
    pub id: i64,
    pub batch: i64,
    pub village: RegionCode,
    /// Positive when recorded; a correction's signed difference.
    pub count: i64,
    pub date: NaiveDate,
    pub channel: Channel,
    pub team: String,
    pub recorded_micros: i64,
    /// The recorded entry a correction corrects.
    pub corrects: Option<i64>,
    pub reason: String,
    /// A recorded entry's count after its corrections; 0 for a correction.
    pub corrected_count: i64,
}

/// A validated `CorrectActivation` call.
#[derive(Clone, Debug)]
pub struct Correction {
    pub request_id: String,
    pub payload_sha256: Vec<u8>,
    /// The recorded entry to correct.
    pub entry: i64,
    /// What it should count.
    pub corrected_count: i64,
    pub reason: String,
}

/// The answer to a `CorrectActivation` call, stored for retries: the entry
/// itself is read back (the ledger never changes a row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct CorrectedAnswer {
    correction: i64,
    district_gap: Gap,
}

/// New counts for one village.
#[derive(Clone, Debug, PartialEq)]
pub struct VillageCounts {
    pub village: RegionCode,
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
}

/// A validated `ImportRegions` call.
#[derive(Clone, Debug)]
pub struct CountsImport {
    pub request_id: String,
    pub payload_sha256: Vec<u8>,
    pub counts: Vec<VillageCounts>,
    pub validate_only: bool,
}

/// The answer to an `ImportRegions` call, stored for retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub updated: usize,
    pub district_gap: Gap,
}

/// Ledger sums of one village over a date range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VillageActivations {
    pub office: i64,
    pub mobile_team: i64,
}

impl VillageActivations {
    pub fn total(&self) -> i64 {
        self.office + self.mobile_team
    }
}

/// A handle on the registry's database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    engine: Engine,
    /// Every region code, so requests are checked against memory. Regions
    /// are only ever added (`AddRegions`): this process adds what it
    /// writes, and on PostgreSQL reloads the set when another replica
    /// announces a change it cannot name (see `follow_region_additions`).
    regions: RwLock<BTreeSet<RegionCode>>,
    changes: broadcast::Sender<Change>,
    /// On PostgreSQL, the other replicas' changes (see `notify`).
    feed: Option<Feed>,
    /// SQLite has one writer at a time. Queueing this process's writers here
    /// is fairer and cheaper than letting them spin in SQLite's busy handler;
    /// `BEGIN IMMEDIATE` still guards against other processes.
    sqlite_writer: Mutex<()>,
    /// Gaps and tokens read recently (see `cache`).
    pub(crate) cache: Arc<ReadCache>,
    /// Taken to read a province's or the nation's gap when the cache has
    /// none: it sums every district inside (514 for the nation), so when
    /// many callers miss at once (an entry expiring under load), one reads
    /// and the others take what it kept.
    aggregate_reads: Mutex<()>,
}

/// An open write transaction, holding this process's SQLite write turn.
pub(crate) struct Write<'s> {
    pub(crate) tx: Transaction<'static, Any>,
    _turn: Turn<'s>,
}

/// What a write holds until it ends: on SQLite this process's write turn;
/// on either engine the read cache, which it moves on when it ends, after
/// the transaction has committed or rolled back (the field outlives the
/// `tx` that callers commit), so no read after it is answered from before.
struct Turn<'s> {
    _sqlite: Option<MutexGuard<'s, ()>>,
    cache: &'s ReadCache,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.cache.invalidate();
    }
}

/// Whether a request id is new (and now claimed, with this batch number) or
/// a retry of a batch already applied.
enum Claim<T> {
    Fresh(i64),
    Replay(T),
}

/// Default embedded database URL: a SQLite file at `$JEMPUT_DATA_DIR/jemput.db`,
/// else `$XDG_DATA_HOME/jemput/jemput.db`, else
/// `$HOME/.local/share/jemput/jemput.db`. Creates the directory.
pub fn default_database_url() -> Result<String, RegistryError> {
    let dir = data_dir()?;
    std::fs::create_dir_all(&dir)?;
    Ok(format!("sqlite://{}", dir.join("jemput.db").display()))
}

/// The data directory: `$JEMPUT_DATA_DIR`, else `$XDG_DATA_HOME/jemput`,
/// else `$HOME/.local/share/jemput`. Not created here.
pub fn data_dir() -> Result<PathBuf, RegistryError> {
    jemput_base::data::dir().ok_or(RegistryError::NoDataDirectory)
}

fn row_to_region(row: &AnyRow) -> Result<RegionRecord, RegistryError> {
    let parent: Option<String> = row.try_get("parent_code")?;
    Ok(RegionRecord {
        code: stored_code(row.try_get("code")?)?,
        parent: parent.map(stored_code).transpose()?,
        display_name: row.try_get("display_name")?,
        kind: row.try_get("kind")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        area_km2: row.try_get("area_km2")?,
        boundary_geojson: row.try_get("boundary_geojson")?,
    })
}

fn stored_code(code: String) -> Result<RegionCode, RegistryError> {
    RegionCode::from_code(&code)
        .ok_or_else(|| RegistryError::Corrupt(format!("malformed region code {code:?}")))
}

fn region_columns(with_boundary: bool) -> &'static str {
    if with_boundary {
        "code, parent_code, display_name, kind, latitude, longitude, area_km2, boundary_geojson"
    } else {
        "code, parent_code, display_name, kind, latitude, longitude, area_km2, \
         NULL AS boundary_geojson"
    }
}

/// Totals of each selected region `r`: a village's own counts, any other
/// region's from its row in `rollups` (a village without counts yet is
/// one without counts); and its own target.
const GAP_TOTALS: &str = "\
    SELECT r.code, r.display_name, r.target_fraction, r.target_update_micros, \
        CASE WHEN r.level = 3 THEN COALESCE(r.ktp_el_recorded, 0) \
            ELSE COALESCE(u.ktp_el_recorded, 0) END AS recorded, \
        CASE WHEN r.level = 3 THEN COALESCE(r.ikd_activated, 0) \
            ELSE COALESCE(u.ikd_activated, 0) END AS activated, \
        CASE WHEN r.level = 3 THEN r.update_micros \
            ELSE COALESCE(u.counts_update_micros, 0) END AS updated, \
        CASE WHEN r.level = 3 THEN (CASE WHEN r.ktp_el_recorded IS NULL THEN 1 ELSE 0 END) \
            ELSE COALESCE(u.villages_without_counts, 0) END AS uncounted \
    FROM regions r LEFT JOIN rollups u ON u.code = r.code";

/// Reads the totals selected by `query`, and attaches the targets that
/// apply: each region's own, else the nearest of `inherited`.
async fn gaps<'q>(
    conn: &mut AnyConnection,
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    mut inherited: Targets,
) -> Result<Vec<Gap>, RegistryError> {
    let rows = query.fetch_all(&mut *conn).await?;
    for row in &rows {
        let fraction: Option<f64> = row.try_get("target_fraction")?;
        if let Some(fraction) = fraction {
            inherited.0.insert(
                stored_code(row.try_get("code")?)?,
                (fraction, row.try_get("target_update_micros")?),
            );
        }
    }
    rows.iter()
        .map(|row| {
            let region = stored_code(row.try_get("code")?)?;
            Ok(Gap {
                display_name: row.try_get("display_name")?,
                ktp_el_recorded: row.try_get("recorded")?,
                ikd_activated: row.try_get("activated")?,
                counts_update_micros: row.try_get("updated")?,
                villages_without_counts: row.try_get("uncounted")?,
                target: inherited.of(&region),
                districts: None,
                region,
            })
        })
        .collect()
}

/// Every region's own target. Few regions carry one, so they are read all
/// at once and inheritance is resolved here rather than in SQL.
struct Targets(BTreeMap<RegionCode, (f64, i64)>);

impl Targets {
    /// The targets of `region` and the regions above it, read by key.
    async fn of_ancestors(
        conn: &mut AnyConnection,
        region: &RegionCode,
    ) -> Result<Targets, RegistryError> {
        let mut query = sqlx::query(
            "SELECT code, target_fraction, target_update_micros FROM regions \
             WHERE code IN ($1, $2, $3, $4) AND target_fraction IS NOT NULL",
        );
        for code in padded_ancestors(region) {
            query = query.bind(String::from(code));
        }
        Self::from_rows(query.fetch_all(&mut *conn).await?)
    }

    /// The targets of the regions above `parent`'s children at `level`:
    /// `parent`, its ancestors, and the regions between. Listing the
    /// districts of a province, none are between.
    async fn above_level(
        conn: &mut AnyConnection,
        parent: &RegionCode,
        level: Level,
    ) -> Result<Targets, RegistryError> {
        let mut targets = Self::of_ancestors(conn, parent).await?;
        let own = sqlx::query(
            "SELECT code, target_fraction, target_update_micros FROM regions \
             WHERE level < $1 AND code LIKE $2 AND target_fraction IS NOT NULL",
        )
        .bind(level.to_db())
        .bind(parent.descendants_pattern())
        .fetch_all(&mut *conn)
        .await?;
        targets.0.extend(Self::from_rows(own)?.0);
        Ok(targets)
    }

    fn from_rows(rows: Vec<AnyRow>) -> Result<Targets, RegistryError> {
        rows.iter()
            .map(|row| {
                Ok((
                    stored_code(row.try_get("code")?)?,
                    (
                        row.try_get("target_fraction")?,
                        row.try_get("target_update_micros")?,
                    ),
                ))
            })
            .collect::<Result<_, RegistryError>>()
            .map(Targets)
    }

    /// The region's own target, or its nearest ancestor's.
    fn of(&self, region: &RegionCode) -> Option<Target> {
        region.self_and_ancestors().find_map(|source| {
            self.0
                .get(&source)
                .map(|&(fraction, update_micros)| Target {
                    fraction,
                    source,
                    update_micros,
                })
        })
    }
}

/// One region's gap, read with the rows above it (whose targets it may
/// inherit) in one statement: reads are most of the registry's traffic.
async fn gap_of(conn: &mut AnyConnection, region: &RegionCode) -> Result<Gap, RegistryError> {
    let sql = format!("{GAP_TOTALS} WHERE r.code IN ($1, $2, $3, $4)");
    let mut query = sqlx::query(&sql);
    for code in padded_ancestors(region) {
        query = query.bind(String::from(code));
    }
    gaps(conn, query, Targets(BTreeMap::new()))
        .await?
        .into_iter()
        .find(|gap| &gap.region == region)
        .ok_or_else(|| RegistryError::NotFound(region.clone()))
}

/// The nation against the national target (no region above a province can
/// set another); its counts are its districts', summed by the caller
/// ([`sum_districts`]), so its own row of `rollups` is not read.
fn nation_gap() -> Gap {
    Gap {
        region: RegionCode::nation(),
        display_name: NATION_DISPLAY_NAME.to_owned(),
        ktp_el_recorded: 0,
        ikd_activated: 0,
        counts_update_micros: 0,
        villages_without_counts: 0,
        target: Some(Target {
            fraction: NATIONAL_TARGET_FRACTION,
            source: RegionCode::nation(),
            update_micros: 0,
        }),
        districts: None,
    }
}

/// Every district within `parent` (a province or the nation), each with
/// its own totals and target, in code order.
async fn districts_within(
    conn: &mut AnyConnection,
    parent: &RegionCode,
) -> Result<Vec<Gap>, RegistryError> {
    let sql = format!("{GAP_TOTALS} WHERE r.level = $1 AND r.code LIKE $2 ORDER BY r.code");
    let inherited = Targets::above_level(conn, parent, Level::District).await?;
    let query = sqlx::query(&sql)
        .bind(Level::District.to_db())
        .bind(parent.descendants_pattern());
    gaps(conn, query, inherited).await
}

/// A province's or the nation's gap from `inside`, its districts: the
/// target is each district's, so their targets and gaps are summed, and so
/// are the counts, which then come from the same statement as the gaps and
/// agree with them.
fn sum_districts<'a>(gap: &mut Gap, inside: impl IntoIterator<Item = &'a Gap>) {
    let inside: Vec<&Gap> = inside.into_iter().collect();
    gap.ktp_el_recorded = inside.iter().map(|d| d.ktp_el_recorded).sum();
    gap.ikd_activated = inside.iter().map(|d| d.ikd_activated).sum();
    gap.villages_without_counts = inside.iter().map(|d| d.villages_without_counts).sum();
    gap.counts_update_micros = inside
        .iter()
        .map(|d| d.counts_update_micros)
        .max()
        .unwrap_or(0);
    gap.districts = Some(DistrictSums::of(inside));
}

/// The region and the regions above it, always four codes (the region
/// standing in for missing ones), so that every such read prepares one
/// statement.
fn padded_ancestors(region: &RegionCode) -> Vec<RegionCode> {
    let mut codes: Vec<RegionCode> = region.self_and_ancestors().collect();
    codes.resize(4, region.clone());
    codes
}

/// `($1, $2, $3), ($4, $5, $6)` for 2 rows of 3 columns.
fn values_placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn begin_write<'s>(
    pool: &AnyPool,
    engine: Engine,
    sqlite_writer: &'s Mutex<()>,
    cache: &'s ReadCache,
) -> Result<Write<'s>, RegistryError> {
    Ok(match engine {
        Engine::Sqlite => {
            let turn = sqlite_writer.lock().await;
            // IMMEDIATE takes the write lock now, so two writers never both
            // read and then fail to upgrade (SQLITE_BUSY mid-transaction).
            let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            Write {
                tx,
                _turn: Turn {
                    _sqlite: Some(turn),
                    cache,
                },
            }
        }
        Engine::Postgres => Write {
            tx: pool.begin().await?,
            _turn: Turn {
                _sqlite: None,
                cache,
            },
        },
    })
}

/// Loads the Rejang Lebong reference data into an empty database.
async fn seed_if_empty(mut write: Write<'_>) -> Result<(), RegistryError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM regions")
        .fetch_one(&mut *write.tx)
        .await?;
    if existing > 0 {
        write.tx.rollback().await?;
        return Ok(());
    }
    let now = now_micros();
    for region in seed::rejang_lebong()? {
        // Two replicas starting on one empty PostgreSQL both get here; the
        // second one's rows are simply already there.
        sqlx::query(
            "INSERT INTO regions (code, display_name, level, kind, parent_code, latitude, longitude, \
                 area_km2, boundary_geojson, target_fraction, target_update_micros, \
                 ktp_el_recorded, ikd_activated, update_micros) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(region.code.as_str())
        .bind(&region.display_name)
        .bind(region.code.level().to_db())
        .bind(&region.kind)
        // The seed holds no province, so its district has no parent row.
        .bind(
            region
                .code
                .parent()
                .filter(|_| region.code.level() > Level::District)
                .map(String::from),
        )
        .bind(region.latitude)
        .bind(region.longitude)
        .bind(region.area_km2)
        .bind(&region.boundary_geojson)
        .bind(region.target_fraction)
        .bind(region.target_fraction.map(|_| now))
        .bind(region.ktp_el_recorded)
        .bind(region.ikd_activated)
        .bind(now)
        .execute(&mut *write.tx)
        .await?;
    }
    rollups::rebuild(&mut write.tx, "%").await?;
    rollups::rebuild_nation(&mut write.tx).await?;
    write.tx.commit().await?;
    tracing::info!("seeded an empty database with Kabupaten Rejang Lebong");
    Ok(())
}

impl Store {
    /// Connects, runs migrations, seeds Rejang Lebong if the database is empty.
    ///
    /// `database_url` is `sqlite://PATH` (the file is created if missing) or
    /// `postgres://..`; for PostgreSQL, sqlx's `options` parameter can pick a
    /// schema, e.g. `?options[search_path]=jemput`.
    pub async fn open(database_url: &str) -> Result<Store, RegistryError> {
        let engine = Engine::of_url(database_url)
            .ok_or_else(|| RegistryError::UnsupportedDatabaseUrl(database_url.to_owned()))?;
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(database_url)?;
        let pool = match engine {
            Engine::Sqlite => {
                // WAL lets readers go on while one connection writes, and it is
                // a property of the file: set it once, on one connection,
                // before the pool opens (it needs an exclusive lock).
                //
                // The migrations run on that connection too, with foreign
                // keys off: rebuilding a table that others refer to (which
                // SQLite needs to change a CHECK) is only possible so, and
                // the pragma cannot change inside a migration's transaction.
                // Every rebuild copies all rows, and the check below makes
                // sure no reference was left dangling.
                let sqlite = SqliteConnectOptions::from_str(database_url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(false);
                let mut setup = SqliteConnection::connect_with(&sqlite).await?;
                SQLITE_MIGRATIONS.run(&mut setup).await?;
                let dangling: Vec<(String,)> = sqlx::query_as::<_, (String,)>(
                    "SELECT \"table\" FROM pragma_foreign_key_check",
                )
                .fetch_all(&mut setup)
                .await?;
                if let Some((table,)) = dangling.first() {
                    return Err(RegistryError::Corrupt(format!(
                        "{} rows of {table} refer to missing rows",
                        dangling.len()
                    )));
                }
                setup.close().await?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_CONNECTION_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Engine::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(10)
                    .connect_with(options)
                    .await?
            }
        };
        // On SQLite they have run already, above; this finds nothing to do.
        engine.migrator().run(&pool).await?;
        let sqlite_writer = Mutex::new(());
        let cache = Arc::new(ReadCache::default());
        seed_if_empty(begin_write(&pool, engine, &sqlite_writer, &cache).await?).await?;
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM regions")
            .fetch_all(&pool)
            .await?;
        let regions = RwLock::new(
            codes
                .into_iter()
                .map(stored_code)
                .collect::<Result<_, _>>()?,
        );
        let (changes, _) = broadcast::channel(CHANGE_CHANNEL_CAPACITY);
        let feed = match engine {
            Engine::Sqlite => None,
            Engine::Postgres => {
                let schema: String = sqlx::query_scalar("SELECT CAST(current_schema() AS TEXT)")
                    .fetch_one(&pool)
                    .await?;
                Some(Feed::start(database_url, &schema, changes.clone(), cache.clone()).await?)
            }
        };
        let replicated = feed.is_some();
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                engine,
                regions,
                changes,
                feed,
                sqlite_writer,
                cache,
                aggregate_reads: Mutex::new(()),
            }),
        };
        if replicated {
            tokio::spawn(follow_region_additions(
                Arc::downgrade(&store.inner),
                store.subscribe(),
            ));
        }
        Ok(store)
    }

    pub(crate) async fn begin_write(&self) -> Result<Write<'_>, RegistryError> {
        begin_write(
            &self.inner.pool,
            self.inner.engine,
            &self.inner.sqlite_writer,
            &self.inner.cache,
        )
        .await
    }

    /// Whether the registry holds this region.
    pub(crate) fn knows(&self, code: &RegionCode) -> bool {
        // Held only for a lookup; a panic elsewhere cannot leave the set
        // half-changed (it is only ever extended or replaced whole).
        self.inner
            .regions
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(code)
    }

    /// As `require`, where the nation is always there.
    fn require_or_nation(&self, code: &RegionCode) -> Result<(), RegistryError> {
        if code.is_nation() {
            Ok(())
        } else {
            self.require(code)
        }
    }

    fn require(&self, code: &RegionCode) -> Result<(), RegistryError> {
        if self.knows(code) {
            Ok(())
        } else {
            Err(RegistryError::NotFound(code.clone()))
        }
    }

    /// Every change committed from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.changes.subscribe()
    }

    /// Tells the other replicas (if any) about `change` when the
    /// transaction on `conn` commits.
    pub(crate) async fn announce(
        &self,
        conn: &mut AnyConnection,
        change: &Change,
    ) -> Result<(), RegistryError> {
        match &self.inner.feed {
            Some(feed) => feed.announce(conn, change).await,
            None => Ok(()),
        }
    }

    /// Tells this process's watchers about `change`, committed just now.
    fn publish(&self, change: Change) {
        // The write's own turn moves the cache on when it ends, which may
        // be after a watcher has already read again: move it on first.
        self.inner.cache.invalidate();
        // Nobody watching is not an error.
        let _ = self.inner.changes.send(change);
    }

    pub(crate) async fn region(
        &self,
        code: &RegionCode,
        with_boundary: bool,
    ) -> Result<RegionRecord, RegistryError> {
        self.require(code)?;
        let sql = format!(
            "SELECT {} FROM regions WHERE code = $1",
            region_columns(with_boundary)
        );
        let row = sqlx::query(&sql)
            .bind(code.as_str())
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or_else(|| RegistryError::NotFound(code.clone()))?;
        row_to_region(&row)
    }

    /// The regions at `level` inside `parent`, by code, from `offset`.
    pub(crate) async fn regions_within(
        &self,
        parent: &RegionCode,
        level: Level,
        offset: usize,
        limit: usize,
        with_boundary: bool,
    ) -> Result<Vec<RegionRecord>, RegistryError> {
        self.require_or_nation(parent)?;
        let sql = format!(
            "SELECT {} FROM regions WHERE level = $1 AND code LIKE $2 ORDER BY code LIMIT $3 OFFSET $4",
            region_columns(with_boundary)
        );
        let rows = sqlx::query(&sql)
            .bind(level.to_db())
            .bind(parent.descendants_pattern())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.inner.pool)
            .await?;
        rows.iter().map(row_to_region).collect()
    }

    /// The gap of `region` or of the nation.
    pub(crate) async fn gap(&self, region: &RegionCode) -> Result<Gap, RegistryError> {
        self.require_or_nation(region)?;
        let cache = &self.inner.cache;
        if let Some(gap) = cache.gap(region) {
            return Ok(gap);
        }
        let sums_districts = region.level() <= Level::Province;
        let _one_reader = if sums_districts {
            let turn = self.inner.aggregate_reads.lock().await;
            if let Some(gap) = cache.gap(region) {
                return Ok(gap);
            }
            Some(turn)
        } else {
            None
        };
        let read_in = cache.generation();
        let mut conn = self.inner.pool.acquire().await?;
        let mut gap = if region.is_nation() {
            nation_gap()
        } else {
            gap_of(&mut conn, region).await?
        };
        if sums_districts {
            let districts = districts_within(&mut conn, region).await?;
            sum_districts(&mut gap, districts.iter());
        }
        cache.keep_gap(read_in, &gap);
        Ok(gap)
    }

    /// The gaps of every region at `level` inside `parent`, in code order.
    pub(crate) async fn gaps_within(
        &self,
        parent: &RegionCode,
        level: Level,
    ) -> Result<Vec<Gap>, RegistryError> {
        self.require_or_nation(parent)?;
        let sql = format!("{GAP_TOTALS} WHERE r.level = $1 AND r.code LIKE $2 ORDER BY r.code");
        let mut conn = self.inner.pool.acquire().await?;
        let inherited = Targets::above_level(&mut conn, parent, level).await?;
        let query = sqlx::query(&sql)
            .bind(level.to_db())
            .bind(parent.descendants_pattern());
        let mut gaps = gaps(&mut conn, query, inherited).await?;
        if level <= Level::Province {
            // Grouped once by province: the nation lists 38 over 514.
            let mut by_province: BTreeMap<RegionCode, Vec<&Gap>> = BTreeMap::new();
            let districts = districts_within(&mut conn, parent).await?;
            for district in &districts {
                if let Some(province) = district.region.parent() {
                    by_province.entry(province).or_default().push(district);
                }
            }
            for gap in &mut gaps {
                let inside = by_province.remove(&gap.region).unwrap_or_default();
                sum_districts(gap, inside);
            }
        }
        Ok(gaps)
    }

    /// Claims `request_id` for a new batch, or finds the answer it already had.
    async fn claim<T: DeserializeOwned>(
        conn: &mut AnyConnection,
        request_id: &str,
        payload_sha256: &[u8],
    ) -> Result<Claim<T>, RegistryError> {
        // On PostgreSQL a concurrent first attempt with the same id makes this
        // wait until that one commits (then: conflict) or rolls back (then: ours).
        let batch: Option<i64> = sqlx::query_scalar(
            "INSERT INTO batches (request_id, payload_sha256, response, created_micros) \
             VALUES ($1, $2, '', $3) ON CONFLICT (request_id) DO NOTHING RETURNING batch",
        )
        .bind(request_id)
        .bind(payload_sha256)
        .bind(now_micros())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(batch) = batch {
            return Ok(Claim::Fresh(batch));
        }
        let row = sqlx::query("SELECT payload_sha256, response FROM batches WHERE request_id = $1")
            .bind(request_id)
            .fetch_one(&mut *conn)
            .await?;
        let stored_sha256: Vec<u8> = row.try_get("payload_sha256")?;
        if stored_sha256 != payload_sha256 {
            return Err(RegistryError::RequestIdReused(request_id.to_owned()));
        }
        let response: String = row.try_get("response")?;
        serde_json::from_str(&response)
            .map(Claim::Replay)
            .map_err(|source| RegistryError::StoredResponse {
                request_id: request_id.to_owned(),
                source,
            })
    }

    /// Stores the answer to a fresh batch and commits it.
    async fn finish<T: Serialize>(
        write: Write<'_>,
        batch: i64,
        outcome: &T,
    ) -> Result<(), RegistryError> {
        let Write { mut tx, _turn } = write;
        let response =
            serde_json::to_string(outcome).map_err(|source| RegistryError::StoredResponse {
                request_id: format!("batch {batch}"),
                source,
            })?;
        sqlx::query("UPDATE batches SET response = $1 WHERE batch = $2")
            .bind(response)
            .bind(batch)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends a batch to the ledger and adds it to the villages' counts, all
    /// or nothing. A retry of an applied batch gets the stored answer.
    pub(crate) async fn record_activations(
        &self,
        batch: &ActivationBatch,
        actor: &Actor,
    ) -> Result<Recorded, RegistryError> {
        let Some(first) = batch.reports.first() else {
            return Err(RegistryError::invalid(
                "reports",
                "at least one report is required",
                "paling sedikit satu laporan wajib ada",
            ));
        };
        let district = first.village.district();
        let mut added: BTreeMap<&RegionCode, i64> = BTreeMap::new();
        for (i, report) in batch.reports.iter().enumerate() {
            self.require(&report.village)?;
            // Counts are bounded at the edge; checked here too, so a sum can
            // never wrap into a plausible number whatever reaches the store.
            let sum = added.entry(&report.village).or_default();
            *sum = sum.checked_add(report.count).ok_or_else(|| {
                RegistryError::invalid(
                    format!("reports[{i}].count"),
                    "the batch's sum is too large",
                    "jumlah dalam kiriman ini terlalu besar",
                )
            })?;
        }

        let mut write = self.begin_write().await?;
        let batch_number =
            match Self::claim(&mut write.tx, &batch.request_id, &batch.payload_sha256).await? {
                Claim::Fresh(number) => number,
                Claim::Replay(recorded) => {
                    write.tx.rollback().await?;
                    return Ok(recorded);
                }
            };
        let now = now_micros();
        // Villages in code order, so concurrent PostgreSQL batches lock rows
        // in one order and cannot deadlock. The condition makes the cap hold
        // however many writers race.
        let mut over = Vec::new();
        for (&village, &count) in &added {
            let result = sqlx::query(
                "UPDATE regions SET ikd_activated = ikd_activated + $1, update_micros = $2 \
                 WHERE code = $3 AND level = 3 AND ikd_activated + $1 <= ktp_el_recorded",
            )
            .bind(count)
            .bind(now)
            .bind(village.as_str())
            .execute(&mut *write.tx)
            .await?;
            if result.rows_affected() == 0 {
                over.push(village);
            }
        }
        if !over.is_empty() {
            let (uncounted, violations) = explain_overflow(&mut write.tx, batch, &over).await?;
            write.tx.rollback().await?;
            return Err(if uncounted.is_empty() {
                RegistryError::AboveRecorded(violations)
            } else {
                RegistryError::NoCountsYet(uncounted)
            });
        }
        for chunk in batch.reports.chunks(LEDGER_INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO activations (batch, region_code, count, activation_date, channel, team, recorded_micros) \
                 VALUES {}",
                values_placeholders(chunk.len(), 7)
            );
            let mut query = sqlx::query(&sql);
            for report in chunk {
                query = query
                    .bind(batch_number)
                    .bind(report.village.as_str())
                    .bind(report.count)
                    .bind(report.date.format("%Y-%m-%d").to_string())
                    .bind(report.channel.to_db())
                    .bind(&report.team)
                    .bind(now);
            }
            query.execute(&mut *write.tx).await?;
        }
        let mut deltas = Deltas::default();
        for (&village, &count) in &added {
            deltas.add(village, 0, count, 0);
        }
        deltas.apply(&mut write.tx, now).await?;
        let recorded = Recorded {
            accepted: batch.reports.len(),
            activations: added.values().sum(),
            batch: batch_number,
            district_gap: gap_of(&mut write.tx, &district).await?,
        };
        let villages = added.len();
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::RecordActivations,
            &format!("batches/{batch_number}"),
            &batch.request_id,
            &serde_json::json!({
                "reports": recorded.accepted,
                "activations": recorded.activations,
                "villages": villages,
            })
            .to_string(),
        )
        .await?;
        let change = Change::Counts(added.into_keys().cloned().collect());
        self.announce(&mut write.tx, &change).await?;
        Self::finish(write, batch_number, &recorded).await?;
        self.publish(change);
        Ok(recorded)
    }

    /// One ledger entry, with what it counts after its corrections.
    pub(crate) async fn ledger_entry(&self, id: i64) -> Result<LedgerEntry, RegistryError> {
        let sql = format!("{LEDGER_SELECT} WHERE a.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or(RegistryError::ActivationNotFound(id))?;
        row_to_entry(&row)
    }

    /// The ledger entries of villages in `parent` (or of that village),
    /// newest first.
    pub(crate) async fn ledger(
        &self,
        parent: &RegionCode,
        dates: (Option<NaiveDate>, Option<NaiveDate>),
        offset: usize,
        limit: usize,
    ) -> Result<Vec<LedgerEntry>, RegistryError> {
        self.require(parent)?;
        let sql = format!(
            "{LEDGER_SELECT} WHERE (a.region_code = $1 OR a.region_code LIKE $2) \
             AND a.activation_date >= $3 AND a.activation_date <= $4 \
             ORDER BY a.id DESC LIMIT $5 OFFSET $6"
        );
        // ISO dates order as text; '9' sorts after every date.
        let text = |date: Option<NaiveDate>, open: &str| {
            date.map_or_else(|| open.to_owned(), |d| d.format("%Y-%m-%d").to_string())
        };
        let rows = sqlx::query(&sql)
            .bind(parent.as_str())
            .bind(parent.descendants_pattern())
            .bind(text(dates.0, ""))
            .bind(text(dates.1, "9"))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.inner.pool)
            .await?;
        rows.iter().map(row_to_entry).collect()
    }

    /// Appends the entry that brings a recorded entry to its right count,
    /// and moves the village's count by the difference, all or nothing. A
    /// retry gets the stored answer.
    pub(crate) async fn correct_activation(
        &self,
        correction: &Correction,
        actor: &Actor,
    ) -> Result<(LedgerEntry, Gap), RegistryError> {
        let mut write = self.begin_write().await?;
        let batch_number = match Self::claim::<CorrectedAnswer>(
            &mut write.tx,
            &correction.request_id,
            &correction.payload_sha256,
        )
        .await?
        {
            Claim::Fresh(number) => number,
            Claim::Replay(answer) => {
                write.tx.rollback().await?;
                return Ok((
                    self.ledger_entry(answer.correction).await?,
                    answer.district_gap,
                ));
            }
        };
        let sql = format!("{LEDGER_SELECT} WHERE a.id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(correction.entry)
            .fetch_optional(&mut *write.tx)
            .await?
        else {
            write.tx.rollback().await?;
            return Err(RegistryError::ActivationNotFound(correction.entry));
        };
        let entry = row_to_entry(&row)?;
        let refuse = |field: &str, why: String, indonesian: String| {
            let mut violations = Violations::default();
            violations.add(field, why, indonesian);
            RegistryError::CorrectionRefused(violations)
        };
        if let Some(original) = entry.corrects {
            write.tx.rollback().await?;
            return Err(RegistryError::invalid(
                "activation",
                format!(
                    "activations/{} is itself a correction; correct activations/{original}",
                    entry.id
                ),
                format!(
                    "activations/{} sendiri adalah koreksi; koreksi activations/{original}",
                    entry.id
                ),
            ));
        }
        // Both are at most MAX_VILLAGE_COUNT-sized, far from wrapping.
        let difference = correction.corrected_count - entry.corrected_count;
        if difference == 0 {
            write.tx.rollback().await?;
            return Err(refuse(
                "corrected_count",
                format!(
                    "activations/{} already counts {}",
                    entry.id, entry.corrected_count
                ),
                format!(
                    "activations/{} sudah berjumlah {}",
                    entry.id,
                    count(entry.corrected_count)
                ),
            ));
        }
        let now = now_micros();
        // The condition keeps the village between 0 and its recorded KTP-el
        // (an import may have replaced its count since the entry was made).
        let moved = sqlx::query(
            "UPDATE regions SET ikd_activated = ikd_activated + $1, update_micros = $2 \
             WHERE code = $3 AND level = 3 AND ikd_activated + $1 >= 0 \
             AND ikd_activated + $1 <= ktp_el_recorded",
        )
        .bind(difference)
        .bind(now)
        .bind(entry.village.as_str())
        .execute(&mut *write.tx)
        .await?;
        if moved.rows_affected() == 0 {
            let row =
                sqlx::query("SELECT ktp_el_recorded, ikd_activated FROM regions WHERE code = $1")
                    .bind(entry.village.as_str())
                    .fetch_one(&mut *write.tx)
                    .await?;
            // A village with a ledger entry had counts when it was recorded,
            // and an import never takes them away; read them as optional
            // all the same.
            let recorded: i64 = row
                .try_get::<Option<i64>, _>("ktp_el_recorded")?
                .unwrap_or(0);
            let activated: i64 = row.try_get::<Option<i64>, _>("ikd_activated")?.unwrap_or(0);
            write.tx.rollback().await?;
            return Err(refuse(
                "corrected_count",
                format!(
                    "would bring {} to {} activated IKD, outside 0..={recorded} (its recorded KTP-el)",
                    entry.village,
                    activated + difference
                ),
                format!(
                    "akan membuat {} menjadi {} IKD teraktivasi, di luar 0 sampai {} (rekam KTP-el-nya)",
                    entry.village,
                    count(activated + difference),
                    count(recorded)
                ),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO activations (batch, region_code, count, activation_date, channel, team, \
             recorded_micros, corrects, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(batch_number)
        .bind(entry.village.as_str())
        .bind(difference)
        .bind(entry.date.format("%Y-%m-%d").to_string())
        .bind(entry.channel.to_db())
        .bind(&entry.team)
        .bind(now)
        .bind(entry.id)
        .bind(&correction.reason)
        .fetch_one(&mut *write.tx)
        .await?;
        let mut deltas = Deltas::default();
        deltas.add(&entry.village, 0, difference, 0);
        deltas.apply(&mut write.tx, now).await?;
        let district_gap = gap_of(&mut write.tx, &entry.village.district()).await?;
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::CorrectActivation,
            &format!("activations/{id}"),
            &correction.request_id,
            &serde_json::json!({
                "corrects": entry.id,
                "from": entry.corrected_count,
                "to": correction.corrected_count,
                "village": entry.village.as_str(),
                "reason": correction.reason,
            })
            .to_string(),
        )
        .await?;
        let answer = CorrectedAnswer {
            correction: id,
            district_gap: district_gap.clone(),
        };
        let change = Change::Counts(Arc::from([entry.village.clone()]));
        self.announce(&mut write.tx, &change).await?;
        Self::finish(write, batch_number, &answer).await?;
        self.publish(change);
        let stored = LedgerEntry {
            id,
            batch: batch_number,
            count: difference,
            recorded_micros: now,
            corrects: Some(entry.id),
            reason: correction.reason.clone(),
            corrected_count: 0,
            ..entry
        };
        Ok((stored, district_gap))
    }

    /// Sets a region's target fraction; returns its new gap.
    pub(crate) async fn set_target(
        &self,
        region: &RegionCode,
        fraction: f64,
        actor: &Actor,
    ) -> Result<Gap, RegistryError> {
        self.require(region)?;
        let mut write = self.begin_write().await?;
        sqlx::query(
            "UPDATE regions SET target_fraction = $1, target_update_micros = $2 WHERE code = $3",
        )
        .bind(fraction)
        .bind(now_micros())
        .bind(region.as_str())
        .execute(&mut *write.tx)
        .await?;
        let gap = gap_of(&mut write.tx, region).await?;
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::SetTarget,
            &region.name(),
            "",
            &serde_json::json!({ "target_fraction": fraction }).to_string(),
        )
        .await?;
        let change = Change::Target(region.clone());
        self.announce(&mut write.tx, &change).await?;
        write.tx.commit().await?;
        self.publish(change);
        Ok(gap)
    }

    /// Replaces the counts of the listed villages, all or nothing. With
    /// `validate_only` it works out the answer and then rolls back.
    pub(crate) async fn import_counts(
        &self,
        import: &CountsImport,
        actor: &Actor,
    ) -> Result<Imported, RegistryError> {
        let Some(first) = import.counts.first() else {
            return Err(RegistryError::invalid(
                "counts",
                "at least one village is required",
                "paling sedikit satu desa wajib ada",
            ));
        };
        let district = first.village.district();
        for row in &import.counts {
            self.require(&row.village)?;
        }
        let mut write = self.begin_write().await?;
        let batch_number = if import.validate_only {
            None
        } else {
            match Self::claim(&mut write.tx, &import.request_id, &import.payload_sha256).await? {
                Claim::Fresh(number) => Some(number),
                Claim::Replay(imported) => {
                    write.tx.rollback().await?;
                    return Ok(imported);
                }
            }
        };
        let now = now_micros();
        let mut sorted: Vec<&VillageCounts> = import.counts.iter().collect();
        sorted.sort_by(|a, b| a.village.cmp(&b.village));
        let mut deltas = Deltas::default();
        for row in sorted {
            // Takes the village's row first and reads what it counts, so
            // that the totals above it move by what this import changes,
            // whatever a concurrent ledger write committed before.
            let before = sqlx::query(
                "UPDATE regions SET update_micros = $1 WHERE code = $2 AND level = 3 \
                 RETURNING ktp_el_recorded, ikd_activated",
            )
            .bind(now)
            .bind(row.village.as_str())
            .fetch_optional(&mut *write.tx)
            .await?;
            let Some(before) = before else {
                continue;
            };
            let recorded: Option<i64> = before.try_get("ktp_el_recorded")?;
            let activated: Option<i64> = before.try_get("ikd_activated")?;
            sqlx::query(
                "UPDATE regions SET ktp_el_recorded = $1, ikd_activated = $2 WHERE code = $3",
            )
            .bind(row.ktp_el_recorded)
            .bind(row.ikd_activated)
            .bind(row.village.as_str())
            .execute(&mut *write.tx)
            .await?;
            deltas.add(
                &row.village,
                row.ktp_el_recorded - recorded.unwrap_or(0),
                row.ikd_activated - activated.unwrap_or(0),
                if recorded.is_none() { -1 } else { 0 },
            );
        }
        deltas.apply(&mut write.tx, now).await?;
        let imported = Imported {
            updated: import.counts.len(),
            district_gap: gap_of(&mut write.tx, &district).await?,
        };
        match batch_number {
            None => write.tx.rollback().await?,
            Some(batch) => {
                audit::append(
                    &mut write.tx,
                    actor,
                    AuditAction::ImportRegions,
                    &format!("batches/{batch}"),
                    &import.request_id,
                    &serde_json::json!({ "villages": imported.updated }).to_string(),
                )
                .await?;
                let change =
                    Change::Counts(import.counts.iter().map(|c| c.village.clone()).collect());
                self.announce(&mut write.tx, &change).await?;
                Self::finish(write, batch, &imported).await?;
                self.publish(change);
            }
        }
        Ok(imported)
    }

    /// Ledger sums per village inside `parent`, for activation dates in
    /// `[start, end]`, in code order; villages without any are left out.
    pub(crate) async fn summarize(
        &self,
        parent: &RegionCode,
        start: Option<NaiveDate>,
        end: NaiveDate,
    ) -> Result<Vec<(RegionCode, VillageActivations)>, RegistryError> {
        self.require(parent)?;
        // ISO dates order as text, on both engines.
        let start = start.map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string());
        let rows = sqlx::query(
            "SELECT region_code, channel, CAST(SUM(count) AS BIGINT) AS total FROM activations \
             WHERE region_code LIKE $1 AND activation_date >= $2 AND activation_date <= $3 \
             GROUP BY region_code, channel ORDER BY region_code",
        )
        .bind(parent.descendants_pattern())
        .bind(start)
        .bind(end.format("%Y-%m-%d").to_string())
        .fetch_all(&self.inner.pool)
        .await?;
        let mut villages: BTreeMap<RegionCode, VillageActivations> = BTreeMap::new();
        for row in rows {
            let sums = villages
                .entry(stored_code(row.try_get("region_code")?)?)
                .or_default();
            let total: i64 = row.try_get("total")?;
            let channel: String = row.try_get("channel")?;
            match Channel::from_db(&channel) {
                Some(Channel::Office) => sums.office += total,
                Some(Channel::MobileTeam) => sums.mobile_team += total,
                None => {
                    return Err(RegistryError::Corrupt(format!(
                        "unknown channel {channel:?} in the ledger"
                    )));
                }
            }
        }
        Ok(villages.into_iter().collect())
    }
}

/// Ledger columns, with a recorded entry's count after its corrections.
const LEDGER_SELECT: &str = "SELECT a.id, a.batch, a.region_code, a.count, a.activation_date, \
     a.channel, a.team, a.recorded_micros, a.corrects, a.reason, \
     CASE WHEN a.corrects IS NULL THEN a.count + COALESCE((SELECT CAST(SUM(c.count) AS BIGINT) \
     FROM activations c WHERE c.corrects = a.id), 0) ELSE 0 END AS corrected_count \
     FROM activations a";

fn row_to_entry(row: &AnyRow) -> Result<LedgerEntry, RegistryError> {
    let date: String = row.try_get("activation_date")?;
    let channel: String = row.try_get("channel")?;
    Ok(LedgerEntry {
        id: row.try_get("id")?,
        batch: row.try_get("batch")?,
        village: stored_code(row.try_get("region_code")?)?,
        count: row.try_get("count")?,
        date: crate::domain::parse_date(&date)
            .ok_or_else(|| RegistryError::Corrupt(format!("ledger date {date:?}")))?,
        channel: Channel::from_db(&channel)
            .ok_or_else(|| RegistryError::Corrupt(format!("unknown channel {channel:?}")))?,
        team: row.try_get("team")?,
        recorded_micros: row.try_get("recorded_micros")?,
        corrects: row.try_get("corrects")?,
        reason: row.try_get("reason")?,
        corrected_count: row.try_get("corrected_count")?,
    })
}

/// Names, for each village the batch would overfill, the report at which
/// it goes over (counting the batch's own earlier reports); and, first,
/// the reports for villages that have no counts yet (nothing can be
/// checked against a KTP-el count nobody has imported).
async fn explain_overflow(
    conn: &mut AnyConnection,
    batch: &ActivationBatch,
    over: &[&RegionCode],
) -> Result<(Violations, Violations), RegistryError> {
    let mut uncounted = Violations::default();
    let mut violations = Violations::default();
    for &village in over {
        let row = sqlx::query("SELECT ktp_el_recorded, ikd_activated FROM regions WHERE code = $1")
            .bind(village.as_str())
            .fetch_one(&mut *conn)
            .await?;
        let recorded: Option<i64> = row.try_get("ktp_el_recorded")?;
        let activated: Option<i64> = row.try_get("ikd_activated")?;
        let (Some(recorded), Some(mut running)) = (recorded, activated) else {
            if let Some(i) = batch.reports.iter().position(|r| &r.village == village) {
                uncounted.add(
                    format!("reports[{i}].region"),
                    format!("{village} has no counts yet; import its counts first"),
                    format!("{village} belum punya data; impor datanya dulu"),
                );
            }
            continue;
        };
        for (i, report) in batch.reports.iter().enumerate() {
            if &report.village != village {
                continue;
            }
            running = running.saturating_add(report.count);
            if running > recorded {
                violations.add(
                    format!("reports[{i}].count"),
                    format!(
                        "would bring {village} to {running} activated IKD, above its {recorded} recorded KTP-el"
                    ),
                    format!(
                        "akan membuat {village} menjadi {} IKD teraktivasi, di atas {} rekam KTP-el",
                        count(running),
                        count(recorded)
                    ),
                );
                break;
            }
        }
    }
    Ok((uncounted, violations))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_connections_use_wal_and_wait_for_the_write_lock() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("jemput.db").display());
        let store = Store::open(&url).await.expect("open");
        let mut conn = store.inner.pool.acquire().await.expect("a connection");
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .expect("journal mode");
        let busy_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .expect("busy timeout");
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .expect("synchronous");
        assert_eq!((journal.as_str(), busy_ms, synchronous), ("wal", 5000, 1));
    }

    #[tokio::test]
    async fn reopening_does_not_seed_twice() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("jemput.db").display());
        drop(Store::open(&url).await.expect("first open"));
        let store = Store::open(&url).await.expect("second open");
        let regions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM regions")
            .fetch_one(&store.inner.pool)
            .await
            .expect("count");
        assert_eq!(regions, 172);
        assert!(store.knows(&RegionCode::from_code("17.02.09.1012").expect("a code")));
        assert!(!store.knows(&RegionCode::from_code("17").expect("a code")));
    }

    #[test]
    fn changes_reach_the_regions_whose_gap_they_move() {
        let code = |c: &str| RegionCode::from_code(c).expect("valid code");
        let counts = Change::Counts(vec![code("17.02.06.1015")].into());
        assert!(counts.affects(&code("17.02")));
        assert!(counts.affects(&code("17.02.06")));
        assert!(counts.affects(&code("17.02.06.1015")));
        assert!(!counts.affects(&code("17.02.09")));
        assert!(!counts.affects(&code("17.02.06.1016")));
        let target = Change::Target(code("17.02.06"));
        assert!(target.affects(&code("17.02.06.1015")));
        assert!(target.affects(&code("17.02.06")));
        assert!(
            !target.affects(&code("17.02")),
            "a kecamatan target leaves the district's gap alone"
        );
    }
}

/// A validated `AddRegions` call.
#[derive(Clone, Debug)]
pub struct RegionsAddition {
    pub request_id: String,
    pub payload_sha256: Vec<u8>,
    /// Provinces or districts, each once.
    pub roots: Vec<RegionCode>,
}

/// The answer to an `AddRegions` call, stored for retries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Added {
    pub provinces_added: usize,
    pub districts_added: usize,
    pub kecamatan_added: usize,
    pub villages_added: usize,
    pub districts: Vec<RegionCode>,
    pub districts_kept: Vec<RegionCode>,
}

/// A validated `UpdateDistrictSettings` call: what to change.
#[derive(Clone, Debug)]
pub struct SettingsUpdate {
    pub request_id: String,
    pub payload_sha256: Vec<u8>,
    pub district: RegionCode,
    /// Latitude and longitude of the office.
    pub office: Option<(f64, f64)>,
    pub target_fraction: Option<f64>,
}

/// Keeps this replica's region set up to date with regions other replicas
/// add: their notices arrive as `Change::All` (as do notices missed while
/// reconnecting), and then the set is read again. Regions are never
/// removed, so the set read is merged in rather than swapped: a reload
/// racing this process's own addition cannot lose it.
async fn follow_region_additions(inner: Weak<Inner>, mut changes: broadcast::Receiver<Change>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match changes.recv().await {
            Ok(Change::All) | Err(RecvError::Lagged(_)) => {}
            Ok(_) => continue,
            Err(RecvError::Closed) => return,
        }
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let codes: Result<Vec<String>, _> = sqlx::query_scalar("SELECT code FROM regions")
            .fetch_all(&inner.pool)
            .await;
        match codes {
            Ok(codes) => {
                let codes: Vec<RegionCode> = codes
                    .iter()
                    .filter_map(|code| RegionCode::from_code(code))
                    .collect();
                inner
                    .regions
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(codes);
            }
            Err(error) => tracing::warn!(%error, "could not read the region list again"),
        }
    }
}

/// A district's office and target, as stored and inherited.
async fn settings_of(
    conn: &mut AnyConnection,
    district: &RegionCode,
) -> Result<DistrictSettings, RegistryError> {
    let row = sqlx::query(
        "SELECT latitude, longitude, office_latitude, office_longitude FROM regions \
         WHERE code = $1 AND level = 1",
    )
    .bind(district.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| RegistryError::NotFound(district.clone()))?;
    let office_latitude: Option<f64> = row.try_get("office_latitude")?;
    let office_longitude: Option<f64> = row.try_get("office_longitude")?;
    let targets = Targets::of_ancestors(conn, district).await?;
    Ok(DistrictSettings {
        district: district.clone(),
        office_set: office_latitude.is_some() && office_longitude.is_some(),
        office_latitude: office_latitude.map_or_else(|| row.try_get("latitude"), Ok)?,
        office_longitude: office_longitude.map_or_else(|| row.try_get("longitude"), Ok)?,
        target: targets.of(district),
    })
}

impl Store {
    /// Adds provinces or districts with everything under them from the
    /// national list, all or nothing. A district already held is kept whole
    /// (its villages have counts and a ledger that the list knows nothing
    /// of). A retry gets the stored answer.
    pub(crate) async fn add_regions(
        &self,
        addition: &RegionsAddition,
        actor: &Actor,
    ) -> Result<Added, RegistryError> {
        let roots = addition.roots.clone();
        let listed = tokio::task::spawn_blocking(move || national::within(&roots))
            .await
            .map_err(|error| {
                RegistryError::Seed(format!("reading the national list: {error}"))
            })??;
        if let Some(unknown) = addition
            .roots
            .iter()
            .find(|root| !listed.iter().any(|region| &region.code == *root))
        {
            return Err(RegistryError::NotFound(unknown.clone()));
        }

        let mut write = self.begin_write().await?;
        let batch_number = match Self::claim(
            &mut write.tx,
            &addition.request_id,
            &addition.payload_sha256,
        )
        .await?
        {
            Claim::Fresh(number) => number,
            Claim::Replay(added) => {
                write.tx.rollback().await?;
                return Ok(added);
            }
        };
        // One addition at a time, and no ledger write or import half
        // applied to the totals while they are summed below.
        rollups::lock_nation(&mut write.tx).await?;
        let held = |level: Level| {
            sqlx::query_scalar::<_, String>("SELECT code FROM regions WHERE level = $1")
                .bind(level.to_db())
        };
        let held_provinces: BTreeSet<String> = held(Level::Province)
            .fetch_all(&mut *write.tx)
            .await?
            .into_iter()
            .collect();
        let held_districts: BTreeSet<String> = held(Level::District)
            .fetch_all(&mut *write.tx)
            .await?
            .into_iter()
            .collect();

        let mut added = Added::default();
        let mut rows = Vec::new();
        for region in &listed {
            let level = region.code.level();
            if level == Level::Province {
                if !held_provinces.contains(region.code.as_str()) {
                    added.provinces_added += 1;
                    rows.push(region);
                }
                continue;
            }
            if held_districts.contains(region.code.district().as_str()) {
                if level == Level::District {
                    added.districts_kept.push(region.code.clone());
                }
                continue;
            }
            match level {
                Level::Nation | Level::Province => {}
                Level::District => {
                    added.districts_added += 1;
                    added.districts.push(region.code.clone());
                }
                Level::Kecamatan => added.kecamatan_added += 1,
                Level::Village => added.villages_added += 1,
            }
            rows.push(region);
        }

        let now = now_micros();
        // Every value bound is non-NULL and of one type per column: on
        // PostgreSQL a prepared statement fixes its parameters' types, and
        // every full chunk has the same text, so a NULL in one chunk where
        // the next has a number would not fit. Provinces (no parent) and
        // targets (districts only) are written by statements of their own.
        for province in rows.iter().filter(|r| r.code.level() == Level::Province) {
            // The national target on the province too, so that its own
            // gap reads against 30% rather than against nothing.
            sqlx::query(
                "INSERT INTO regions (code, display_name, level, kind, latitude, longitude, \
                 area_km2, update_micros, target_fraction, target_update_micros) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(province.code.as_str())
            .bind(&province.display_name)
            .bind(Level::Province.to_db())
            .bind(&province.kind)
            .bind(province.latitude)
            .bind(province.longitude)
            // The list has no areas.
            .bind(0.0_f64)
            .bind(now)
            .bind(NATIONAL_TARGET_FRACTION)
            .execute(&mut *write.tx)
            .await?;
        }
        let below: Vec<&&national::NationalRegion> = rows
            .iter()
            .filter(|r| r.code.level() != Level::Province)
            .collect();
        for chunk in below.chunks(REGION_INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO regions (code, display_name, level, kind, parent_code, latitude, \
                 longitude, area_km2, update_micros) VALUES {} ON CONFLICT (code) DO NOTHING",
                values_placeholders(chunk.len(), 9)
            );
            let mut query = sqlx::query(&sql);
            for region in chunk {
                query = query
                    .bind(region.code.as_str())
                    .bind(&region.display_name)
                    .bind(region.code.level().to_db())
                    .bind(&region.kind)
                    .bind(region.code.parent().map(String::from).unwrap_or_default())
                    .bind(region.latitude)
                    .bind(region.longitude)
                    .bind(0.0_f64)
                    .bind(now);
            }
            query.execute(&mut *write.tx).await?;
        }
        // Every district starts with the national target; the levels under
        // it inherit it.
        for district in &added.districts {
            sqlx::query(
                "UPDATE regions SET target_fraction = $1, target_update_micros = $2 \
                 WHERE code = $3 AND target_fraction IS NULL",
            )
            .bind(NATIONAL_TARGET_FRACTION)
            .bind(now)
            .bind(district.as_str())
            .execute(&mut *write.tx)
            .await?;
        }
        // Districts held before their province (Rejang Lebong, the seed)
        // join it now.
        for province in listed.iter().filter(|r| r.code.level() == Level::Province) {
            sqlx::query(
                "UPDATE regions SET parent_code = $1 \
                 WHERE level = 1 AND parent_code IS NULL AND code LIKE $2",
            )
            .bind(province.code.as_str())
            .bind(province.code.descendants_pattern())
            .execute(&mut *write.tx)
            .await?;
        }
        // The new regions' totals, and a province's that gained districts
        // (or a district held before it), summed from their villages.
        for root in &addition.roots {
            rollups::rebuild(&mut write.tx, &format!("{}%", root.as_str())).await?;
            if let Some(province) = root.parent() {
                rollups::rebuild(&mut write.tx, province.as_str()).await?;
            }
        }
        // The villages added have no counts yet.
        let villages_added = i64::try_from(added.villages_added).unwrap_or(i64::MAX);
        if villages_added > 0 {
            sqlx::query(
                "UPDATE rollups SET villages_without_counts = villages_without_counts + $1, \
                 counts_update_micros = CASE WHEN counts_update_micros < $2 \
                 THEN $2 ELSE counts_update_micros END WHERE code = $3",
            )
            .bind(villages_added)
            .bind(now)
            .bind(rollups::NATION)
            .execute(&mut *write.tx)
            .await?;
        }
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::AddRegions,
            &format!("batches/{batch_number}"),
            &addition.request_id,
            &serde_json::json!({
                "regions": addition.roots.iter().map(RegionCode::as_str).collect::<Vec<_>>(),
                "districts_added": added.districts_added,
                "villages_added": added.villages_added,
                "districts_kept": added.districts_kept.len(),
            })
            .to_string(),
        )
        .await?;
        let change = Change::Regions(addition.roots.iter().cloned().collect());
        self.announce(&mut write.tx, &change).await?;
        Self::finish(write, batch_number, &added).await?;
        self.inner
            .regions
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(rows.iter().map(|region| region.code.clone()));
        self.publish(change);
        Ok(added)
    }

    /// A district's office and the target that applies to it.
    pub(crate) async fn district_settings(
        &self,
        district: &RegionCode,
    ) -> Result<DistrictSettings, RegistryError> {
        self.require(district)?;
        let mut conn = self.inner.pool.acquire().await?;
        settings_of(&mut conn, district).await
    }

    /// Sets a district's office, target or both, all or nothing. A retry
    /// gets the stored answer.
    pub(crate) async fn update_district_settings(
        &self,
        update: &SettingsUpdate,
        actor: &Actor,
    ) -> Result<DistrictSettings, RegistryError> {
        self.require(&update.district)?;
        let mut write = self.begin_write().await?;
        let batch_number =
            match Self::claim(&mut write.tx, &update.request_id, &update.payload_sha256).await? {
                Claim::Fresh(number) => number,
                Claim::Replay(settings) => {
                    write.tx.rollback().await?;
                    return Ok(settings);
                }
            };
        let now = now_micros();
        if let Some((latitude, longitude)) = update.office {
            sqlx::query(
                "UPDATE regions SET office_latitude = $1, office_longitude = $2 \
                 WHERE code = $3 AND level = 1",
            )
            .bind(latitude)
            .bind(longitude)
            .bind(update.district.as_str())
            .execute(&mut *write.tx)
            .await?;
        }
        if let Some(fraction) = update.target_fraction {
            sqlx::query(
                "UPDATE regions SET target_fraction = $1, target_update_micros = $2 \
                 WHERE code = $3 AND level = 1",
            )
            .bind(fraction)
            .bind(now)
            .bind(update.district.as_str())
            .execute(&mut *write.tx)
            .await?;
        }
        let settings = settings_of(&mut write.tx, &update.district).await?;
        audit::append(
            &mut write.tx,
            actor,
            AuditAction::UpdateDistrictSettings,
            &format!("{}/settings", update.district.name()),
            &update.request_id,
            &serde_json::json!({
                "office": update.office.map(|(latitude, longitude)| [latitude, longitude]),
                "target_fraction": update.target_fraction,
            })
            .to_string(),
        )
        .await?;
        // The office moves no gap; a target does.
        let change = update
            .target_fraction
            .map(|_| Change::Target(update.district.clone()));
        if let Some(change) = &change {
            self.announce(&mut write.tx, change).await?;
        }
        Self::finish(write, batch_number, &settings).await?;
        if let Some(change) = change {
            self.publish(change);
        }
        Ok(settings)
    }
}
