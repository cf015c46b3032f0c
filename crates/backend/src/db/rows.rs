//! The platform's rows in a database: one transaction's view, its resourceVersion, the
//! `meta` values and the `counts` scopes. What the simulator's operations read and write is in
//! `operations` ([`Rows`](platform::sim::Rows)), what is added in bulk in `insert`.

use std::collections::BTreeSet;
use std::sync::Mutex;

use platform::sim::SimConfig;
use platform::time::Millis;
use platform::wire::Deployment;

use super::CountsCache;
use super::driver::{Dialect, Driver, Value};
use super::error::StoreError;
/// Rows written per multi-row INSERT.
pub(super) const CHUNK: usize = 400;

/// The rows, inside one transaction.
pub struct SqlRows<'a> {
    pub(super) db: &'a mut dyn Driver,
    pub(super) dialect: Dialect,
    pub(super) seed: u64,
    pub(super) counts_cache: &'a Mutex<CountsCache>,
    /// This transaction's resourceVersion, once it wrote.
    version: Option<i64>,
}

/// The `counts` scope of the whole fleet.
pub const FLEET_SCOPE: &str = "";

/// The `counts` scope of a package's deployments.
pub fn package_scope(id: &str) -> String {
    format!("p\u{1f}{id}")
}

/// The `counts` scope of a label's deployments.
pub fn label_scope(key: &str, value: &str) -> String {
    format!("l\u{1f}{key}\u{1f}{value}")
}

/// Every `counts` scope `deployment` is counted in.
pub(super) fn scopes(deployment: &Deployment) -> BTreeSet<String> {
    let mut scopes: BTreeSet<String> = deployment
        .labels
        .iter()
        .map(|l| label_scope(&l.key, &l.value))
        .collect();
    scopes.insert(FLEET_SCOPE.into());
    scopes.insert(package_scope(&deployment.package_id));
    scopes
}

/// Every `device_profiles` scope `device` is counted in: the fleet and each of its labels.
pub(super) fn device_scopes(device: &platform::wire::Device) -> BTreeSet<String> {
    let mut scopes: BTreeSet<String> = device
        .labels
        .iter()
        .map(|l| label_scope(&l.key, &l.value))
        .collect();
    scopes.insert(FLEET_SCOPE.into());
    scopes
}

/// The rank a phase is stored with (unknown phases, which the simulator never makes, last).
pub(super) fn rank(deployment: &Deployment) -> i64 {
    platform::list::phase_sort_rank(&deployment.phase)
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::Encode)
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Decode { what, source })
}

/// `INSERT INTO {table} ({columns}) VALUES ($1, …), (…)` for `rows` rows, plus `tail`.
pub(super) fn insert_sql(table: &str, columns: &[&str], rows: usize, tail: &str) -> String {
    let width = columns.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES {} {tail}",
        columns.join(", "),
        values.join(", ")
    )
}

impl<'a> SqlRows<'a> {
    /// The rows on `db`, in the transaction it is in.
    pub fn new(
        db: &'a mut dyn Driver,
        dialect: Dialect,
        seed: u64,
        counts_cache: &'a Mutex<CountsCache>,
    ) -> SqlRows<'a> {
        SqlRows {
            db,
            dialect,
            seed,
            counts_cache,
            version: None,
        }
    }

    /// A `meta` value (0 when unset).
    pub fn meta(&mut self, key: &str) -> Result<i64, StoreError> {
        let rows = self
            .db
            .query("SELECT value FROM meta WHERE key = $1", &[key.into()])?;
        Ok(rows.first().and_then(|r| r.first()).map_or(0, Value::int))
    }

    /// Whether `meta` has `key`.
    pub fn has_meta(&mut self, key: &str) -> Result<bool, StoreError> {
        let rows = self
            .db
            .query("SELECT value FROM meta WHERE key = $1", &[key.into()])?;
        Ok(!rows.is_empty())
    }

    /// Sets a `meta` value.
    pub fn set_meta(&mut self, key: &str, value: i64) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    /// Adds one to a `meta` counter and returns it (holding its row until the transaction ends).
    pub(super) fn bump(&mut self, key: &str) -> Result<i64, StoreError> {
        let rows = self.db.query(
            "UPDATE meta SET value = value + 1 WHERE key = $1 RETURNING value",
            &[key.into()],
        )?;
        rows.first()
            .and_then(|r| r.first())
            .map(Value::int)
            .ok_or_else(|| StoreError::NoCounter(key.to_string()))
    }

    /// This transaction's resourceVersion. Every write takes it before writing anything, so
    /// writers hold the counter row in turn and versions are given out in commit order.
    pub fn version(&mut self) -> Result<i64, StoreError> {
        match self.version {
            Some(version) => Ok(version),
            None => {
                let version = self.bump("rv")?;
                self.version = Some(version);
                Ok(version)
            }
        }
    }

    /// Whether any deployment's stage is due at `now` (read only).
    pub fn anything_due(&mut self, config: &SimConfig, now: Millis) -> Result<bool, StoreError> {
        let ids = self.due_ids(
            now.plus(-config.in_progress_ms),
            now.plus(-config.provisioning_ms),
            Some(1),
        )?;
        Ok(!ids.is_empty())
    }

    /// Deployments In progress since `in_progress_before` or Provisioning since
    /// `provisioning_before` (the index on phase and stage start finds them).
    pub(super) fn due_ids(
        &mut self,
        in_progress_before: Millis,
        provisioning_before: Millis,
        limit: Option<i64>,
    ) -> Result<Vec<String>, StoreError> {
        let tail = if limit.is_some() { " LIMIT $3" } else { "" };
        let sql = format!(
            "SELECT id FROM deployments WHERE phase_rank = $1 AND stage_started <= $2{tail}"
        );
        let mut ids = Vec::new();
        for (phase, before) in [(0, in_progress_before), (1, provisioning_before)] {
            let mut params = vec![Value::Int(phase), Value::Int(before.0)];
            params.extend(limit.map(Value::Int));
            for row in self.db.query(&sql, &params)? {
                ids.extend(row.into_iter().next().map(Value::into_text));
            }
            if limit.is_some() && !ids.is_empty() {
                break;
            }
        }
        Ok(ids)
    }

    pub(super) fn one_text(
        &mut self,
        sql: &str,
        param: &str,
    ) -> Result<Option<String>, StoreError> {
        let rows = self.db.query(sql, &[param.into()])?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .map(Value::into_text))
    }

    pub(super) fn texts(&mut self, sql: &str, params: &[Value]) -> Result<Vec<String>, StoreError> {
        Ok(self
            .db
            .query(sql, params)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().map(Value::into_text))
            .collect())
    }
}
