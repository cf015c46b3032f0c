//! The tables: one row per object, the columns lists filter and sort on indexed, the objects
//! themselves as JSON text. Created when missing; the same on both databases but for integer
//! type names and the byte-order collation PostgreSQL needs to sort as SQLite and Rust do.
//!
//! - `meta`: `rv` (the latest resourceVersion), `epoch` (the oldest `since` answered),
//!   `next_id`, `format`.
//! - `deployments`: the public view (`deployment`) and the simulator's bookkeeping (`book`),
//!   with `rv`, creation time, name (and its folded form for `search`), phase rank, generation,
//!   package and the start of the current stage as columns.
//! - `deployment_labels` (with the deployment's creation time, so a label's deployments are
//!   indexed newest first), `deployment_links` (dependencies and volumes, by target),
//!   `deployment_devices`: what lists filter on and what changes reach.
//! - `counts`: deployments per phase for the whole fleet, each package and each label, kept in
//!   the same transaction as every change, so the common lists never count rows.
//! - `packages`, `devices` (+ `device_labels`; each device's folded name for `search` and its
//!   compatibility profile, `platform::rules::compat::DeviceProfile`, as columns),
//!   `device_profiles` (devices per profile for the whole fleet and each label, kept with every
//!   change, as `counts` are for deployments), `networks`,
//!   `unpullable`, `idempotency`, `update_failures`.
//! - `rollouts`: each rollout as JSON (its request and targets), with its creation order
//!   (`seq`, which lists page on) and `rv` (a change is saved only over the version read).

use super::driver::{Dialect, Driver};
use super::error::StoreError;

/// The schema's version, kept in `meta`.
pub const FORMAT: i64 = 1;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value {int} NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
    id TEXT {c} PRIMARY KEY,
    rv {int} NOT NULL,
    created {int} NOT NULL,
    name TEXT {c} NOT NULL,
    name_fold TEXT NOT NULL,
    phase_rank {int} NOT NULL,
    generation {int} NOT NULL,
    package_id TEXT {c} NOT NULL,
    stage_started {int} NOT NULL,
    deployment TEXT NOT NULL,
    book TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deployments_rv ON deployments (rv);
CREATE INDEX IF NOT EXISTS deployments_created ON deployments (created, id);
CREATE INDEX IF NOT EXISTS deployments_name ON deployments (name, id);
CREATE INDEX IF NOT EXISTS deployments_phase ON deployments (phase_rank, id);
CREATE INDEX IF NOT EXISTS deployments_generation ON deployments (generation, id);
CREATE INDEX IF NOT EXISTS deployments_phase_created ON deployments (phase_rank, created, id);
CREATE INDEX IF NOT EXISTS deployments_due ON deployments (phase_rank, stage_started);
CREATE INDEX IF NOT EXISTS deployments_package ON deployments (package_id, created, id);
CREATE TABLE IF NOT EXISTS deployment_labels (
    key TEXT {c} NOT NULL, value TEXT {c} NOT NULL, deployment_id TEXT {c} NOT NULL,
    created {int} NOT NULL,
    PRIMARY KEY (key, value, deployment_id)
);
CREATE INDEX IF NOT EXISTS deployment_labels_created ON deployment_labels (key, value, created, deployment_id);
CREATE TABLE IF NOT EXISTS deployment_links (
    target TEXT {c} NOT NULL, source TEXT {c} NOT NULL, PRIMARY KEY (target, source)
);
CREATE TABLE IF NOT EXISTS deployment_devices (
    device TEXT {c} NOT NULL, deployment TEXT {c} NOT NULL, PRIMARY KEY (device, deployment)
);
CREATE TABLE IF NOT EXISTS counts (
    scope TEXT {c} NOT NULL, phase_rank {int} NOT NULL, n {int} NOT NULL,
    PRIMARY KEY (scope, phase_rank)
);
CREATE TABLE IF NOT EXISTS packages (id TEXT PRIMARY KEY, seq {int} NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    uuid TEXT {c} PRIMARY KEY,
    seq {int} NOT NULL UNIQUE,
    status TEXT NOT NULL,
    architecture TEXT NOT NULL,
    body TEXT NOT NULL,
    name_fold TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS device_profiles (
    scope TEXT {c} NOT NULL, profile TEXT {c} NOT NULL, n {int} NOT NULL,
    PRIMARY KEY (scope, profile)
);
CREATE TABLE IF NOT EXISTS device_labels (
    key TEXT {c} NOT NULL, value TEXT {c} NOT NULL, uuid TEXT {c} NOT NULL,
    PRIMARY KEY (key, value, uuid)
);
CREATE TABLE IF NOT EXISTS networks (guid TEXT PRIMARY KEY, seq {int} NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unpullable (image TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, body TEXT NOT NULL, deployment_id TEXT NOT NULL, at {int} NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_at ON idempotency (at);
CREATE TABLE IF NOT EXISTS update_failures (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS rollouts (
    id TEXT {c} PRIMARY KEY, seq {int} NOT NULL UNIQUE, rv {int} NOT NULL, body TEXT NOT NULL
);
";

/// Indexes on the devices' columns that older databases lacked (added by `migrate` first).
pub const DEVICE_INDEXES: &str =
    "CREATE INDEX IF NOT EXISTS devices_profile ON devices (profile, seq);";

/// The trigram indexes `search` uses: FTS5 tables of folded names keyed by the deployments' and
/// the devices' rowids (SQLite), trigram GIN indexes (PostgreSQL, with the pg_trgm extension
/// that Debian's server package ships).
fn search_index(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "CREATE VIRTUAL TABLE IF NOT EXISTS deployment_names USING fts5(name, tokenize = 'trigram', content = '');
             CREATE VIRTUAL TABLE IF NOT EXISTS device_names USING fts5(name, tokenize = 'trigram', content = '');"
        }
        Dialect::Postgres => {
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;
             CREATE INDEX IF NOT EXISTS deployments_name_trigrams ON deployments USING gin (name_fold gin_trgm_ops);
             CREATE INDEX IF NOT EXISTS devices_name_trigrams ON devices USING gin (name_fold gin_trgm_ops);"
        }
    }
}

/// Creates the tables that are missing. On PostgreSQL, several processes starting at once take
/// turns (an advisory lock held for the session's first transaction).
pub fn create(driver: &mut dyn Driver) -> Result<(), StoreError> {
    let dialect = driver.dialect();
    let sql = TABLES.replace("{int}", int(dialect)).replace(
        "{c}",
        match dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => "COLLATE \"C\"",
        },
    );
    in_transaction(driver, &sql)?;
    super::migrate::devices(driver)?;
    in_transaction(driver, DEVICE_INDEXES)?;
    // Without the trigram index (a PostgreSQL role that may not create the pg_trgm extension),
    // `search` still works, reading the names in the list's order.
    if let Err(error) = in_transaction(driver, search_index(dialect)) {
        tracing::warn!("no trigram index for search ({error}); searches read every name");
    }
    Ok(())
}

/// Runs `sql` in a transaction of its own (PostgreSQL: one process at a time).
pub(super) fn in_transaction(driver: &mut dyn Driver, sql: &str) -> Result<(), StoreError> {
    driver.begin(true)?;
    let done = match driver.dialect() {
        Dialect::Postgres => driver.batch("SELECT pg_advisory_xact_lock(7461)"),
        Dialect::Sqlite => Ok(()),
    }
    .and_then(|()| driver.batch(sql));
    match done {
        Ok(()) => driver.commit(),
        Err(error) => {
            let _ = driver.rollback();
            Err(error)
        }
    }
}

/// The integer type's name.
fn int(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "INTEGER",
        Dialect::Postgres => "BIGINT",
    }
}

/// The tables emptied by a reset (everything but `meta`).
pub const DATA_TABLES: [&str; 14] = [
    "deployments",
    "deployment_labels",
    "deployment_links",
    "deployment_devices",
    "counts",
    "packages",
    "devices",
    "device_labels",
    "device_profiles",
    "networks",
    "unpullable",
    "idempotency",
    "update_failures",
    "rollouts",
];
