//! The backend's store: the simulated platform in a database, SQLite (embedded, the default) or
//! PostgreSQL (for several backend processes on one database). One implementation of the
//! platform's rows ([`rows::SqlRows`]) over two thin drivers; every request runs in one
//! transaction on a pooled connection, off the async threads.
//!
//! - Writes: one transaction each, retried from the start when another process changed the
//!   same rows first (a conditional `UPDATE … WHERE rv = <version read>` that touched nothing, a
//!   unique key taken, a deadlock). Acknowledged means committed.
//! - Every write takes the next resourceVersion from one counter row first, so versions are
//!   given out in commit order and `since=` misses nothing, whichever process answers.
//! - Reads: the deployments whose stage is due are moved on first (an indexed query that finds
//!   nothing most of the time), then the read runs on a snapshot.

mod catalog;
mod driver;
mod error;
mod filter;
mod insert;
mod lists;
mod load;
mod migrate;
mod operations;
mod postgres;
mod rollouts;
mod rows;
mod schema;
mod sqlite;
mod workers;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use platform::PlatformError;
use platform::list::PhaseCounts;
use platform::sim::{Fail, SimConfig};
use platform::time::Millis;

pub use driver::{Dialect, Driver, Value};
pub use error::StoreError;
pub use lists::Raw;
pub use load::FleetReport;
pub use rows::SqlRows;

/// Per-phase counts by filter, each with the resourceVersion it was counted at.
pub(crate) type CountsCache = HashMap<String, (u64, PhaseCounts)>;

/// Times a write is tried when other writers keep changing its rows first.
const ATTEMPTS: u32 = 12;

/// A device as stored (a page of the devices list sends them as they are).
pub fn parse_device(text: &str) -> Result<platform::wire::Device, StoreError> {
    rows::parse(text, "device")
}

/// The current time from the system clock.
pub fn now() -> Millis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Millis(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// Where the platform is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A SQLite database in memory, gone when the process ends.
    Memory,
    /// A PostgreSQL database (`postgres://…`).
    Postgres(String),
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database refused or failed.
    #[error(transparent)]
    Database(#[from] StoreError),
    /// A state file to import could not be read, or is not a platform's state.
    #[error("cannot import {path}: {source}")]
    Import {
        /// The file.
        path: PathBuf,
        /// Why: the file could not be read, or the platform's reason it cannot be loaded.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The simulated platform in a database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    workers: workers::Workers,
    dialect: Dialect,
    config: SimConfig,
    seed: u64,
    /// Per-phase counts of filtered lists, by filter, with the resourceVersion they were
    /// counted at (lists without a maintained count; see `lists`).
    counts: Mutex<CountsCache>,
}

impl Store {
    /// Opens (creating and seeding when new) the store at `location`. A SQLite `location` that
    /// is a JSON state file of earlier versions is imported once into a database beside it.
    pub fn open(location: &Location, seed: u64, config: SimConfig) -> Result<Store, OpenError> {
        let (location, import) = match location {
            Location::Sqlite(path) if load::is_state_file(path) => {
                let database = path.with_extension("db");
                let import = (!database.exists()).then(|| path.clone());
                if import.is_none() {
                    tracing::info!(
                        "{} was imported into {} before; using the database",
                        path.display(),
                        database.display()
                    );
                }
                (Location::Sqlite(database), import)
            }
            other => (other.clone(), None),
        };
        let initial = match &import {
            Some(path) => Some(load::read_state_file(path, config)?),
            None => None,
        };
        let (workers, dialect) = match &location {
            Location::Sqlite(path) => (sqlite::workers(Some(path))?, Dialect::Sqlite),
            Location::Memory => (sqlite::workers(None)?, Dialect::Sqlite),
            Location::Postgres(url) => (postgres::workers(url)?, Dialect::Postgres),
        };
        let store = Store {
            inner: Arc::new(Inner {
                workers,
                dialect,
                config,
                seed,
                counts: Mutex::default(),
            }),
        };
        let opening = store.clone();
        let loaded = store.inner.workers.run_blocking(move |slot| {
            schema::create(slot.driver()?)?;
            opening.transaction(slot, true, &mut |rows| {
                load::initialise(rows, initial.as_ref(), seed, now(), config).map_err(Fail::Store)
            })
        });
        match (loaded, &import) {
            (Ok(Ok(Some(count))), Some(path)) => tracing::info!(
                "imported {} ({count} deployments) into {}; the database is used from now on, the file is left as it was",
                path.display(),
                describe(&location)
            ),
            (Ok(Ok(_)), _) => {}
            (Ok(Err(error)), _) => return Err(StoreError::Refused(error).into()),
            (Err(error), _) => return Err(error.into()),
        }
        Ok(store)
    }

    /// The simulation's speed settings.
    pub fn config(&self) -> SimConfig {
        self.inner.config
    }

    /// Runs `op` in one write transaction at the current time, retrying it from the start when
    /// another writer got to the same rows first. A refusal still commits what moving the
    /// platform to now changed.
    pub async fn write<T: Send + 'static>(
        &self,
        mut op: impl FnMut(&mut SqlRows<'_>, Millis) -> Result<T, Fail<StoreError>> + Send + 'static,
    ) -> Result<Result<T, PlatformError>, StoreError> {
        let store = self.clone();
        self.inner
            .workers
            .run(move |slot| store.transaction(slot, true, &mut |rows| op(rows, now())))
            .await
    }

    /// Runs `op` on a snapshot, after moving the deployments whose stage is due.
    pub async fn read<T: Send + 'static>(
        &self,
        mut op: impl FnMut(&mut SqlRows<'_>, Millis) -> Result<T, Fail<StoreError>> + Send + 'static,
    ) -> Result<Result<T, PlatformError>, StoreError> {
        let store = self.clone();
        self.inner
            .workers
            .run(move |slot| {
                let at = now();
                let config = store.inner.config;
                let due = store.transaction(slot, false, &mut |rows| {
                    rows.anything_due(&config, at).map_err(Fail::Store)
                })?;
                if due.unwrap_or(false) {
                    // The catch-up refuses nothing: only the store can fail it.
                    let _ = store.transaction(slot, true, &mut |rows| {
                        platform::sim::engine::catch_up(rows, &config, at).map_err(Fail::Store)
                    })?;
                }
                store.transaction(slot, false, &mut |rows| op(rows, at))
            })
            .await
    }

    /// One transaction on `conn`, tried again from the start while it conflicts with another.
    fn transaction<T>(
        &self,
        slot: &mut workers::Slot,
        write: bool,
        op: &mut dyn FnMut(&mut SqlRows<'_>) -> Result<T, Fail<StoreError>>,
    ) -> Result<Result<T, PlatformError>, StoreError> {
        let inner = &self.inner;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let driver = slot.driver()?;
            if let Err(error) = driver.begin(write) {
                if error.is_broken() {
                    slot.discard();
                }
                return Err(error);
            }
            let mut rows = SqlRows::new(driver, inner.dialect, inner.seed, &inner.counts);
            let outcome = op(&mut rows);
            let result = match outcome {
                Ok(value) => driver.commit().map(|()| Ok(value)),
                Err(Fail::Refused(error)) => driver.commit().map(|()| Err(error)),
                Err(Fail::Store(error)) => Err(error),
            };
            if result.is_err() {
                let _ = driver.rollback();
            }
            match result {
                Err(error) if error.is_retryable() && attempt < ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(u64::from(attempt) * 3));
                }
                Err(error) => {
                    if error.is_broken() {
                        slot.discard();
                    }
                    return Err(error);
                }
                Ok(done) => return Ok(done),
            }
        }
    }

    /// Fills the store with a synthetic fleet (`seed-fleet`).
    pub fn seed_fleet(
        &self,
        deployments: usize,
        devices: usize,
    ) -> Result<FleetReport, StoreError> {
        let store = self.clone();
        self.inner
            .workers
            .run_blocking(move |slot| load::seed_fleet(&store, slot, deployments, devices))
    }

    /// Starts the platform again from the seed (the test controls' reset).
    pub async fn reset(&self) -> Result<(), StoreError> {
        let store = self.clone();
        self.inner
            .workers
            .run(move |slot| {
                let (seed, config) = (store.inner.seed, store.inner.config);
                store
                    .transaction(slot, true, &mut |rows| {
                        load::reset(rows, seed, now(), config).map_err(Fail::Store)
                    })?
                    .map_err(StoreError::Refused)
            })
            .await
    }

    /// Forgets the cached counts (after a reset).
    pub fn forget_counts(&self) {
        self.inner
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// How a location is named in logs (a PostgreSQL URL without its password).
pub fn describe(location: &Location) -> String {
    match location {
        Location::Sqlite(path) => path.display().to_string(),
        Location::Memory => "memory".into(),
        Location::Postgres(url) => postgres::redact(url),
    }
}
