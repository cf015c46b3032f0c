//! The platform's rows in a database, for the simulator's operations ([`Rows`]): each reads
//! and writes only the rows it names, by primary key or index.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use platform::list::fold;
use platform::sim::{Book, IdempotencyEntry, Record, Rng, Rows, SimConfig, engine};
use platform::time::Millis;
use platform::wire::{Deployment, Device, Package, RoutedNetwork};

use super::CountsCache;
use super::driver::{DbError, Dialect, Driver, Value, col};

/// Rows written per multi-row INSERT.
const CHUNK: usize = 400;

/// The rows, inside one transaction.
pub struct SqlRows<'a> {
    pub(super) db: &'a mut dyn Driver,
    pub(super) dialect: Dialect,
    seed: u64,
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
fn scopes(deployment: &Deployment) -> BTreeSet<String> {
    let mut scopes: BTreeSet<String> = deployment
        .labels
        .iter()
        .map(|l| label_scope(&l.key, &l.value))
        .collect();
    scopes.insert(FLEET_SCOPE.into());
    scopes.insert(package_scope(&deployment.package_id));
    scopes
}

/// The rank a phase is stored with (unknown phases, which the simulator never makes, last).
fn rank(deployment: &Deployment) -> i64 {
    platform::list::phase_sort_rank(&deployment.phase)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::fatal(format!("cannot encode a row: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, DbError> {
    serde_json::from_str(text)
        .map_err(|e| DbError::fatal(format!("a stored {what} cannot be read: {e}")))
}

/// `INSERT INTO {table} ({columns}) VALUES ($1, …), (…)` for `rows` rows, plus `tail`.
fn insert_sql(table: &str, columns: &[&str], rows: usize, tail: &str) -> String {
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
    pub fn meta(&mut self, key: &str) -> Result<i64, DbError> {
        let rows = self
            .db
            .query("SELECT value FROM meta WHERE key = $1", &[key.into()])?;
        Ok(rows.first().and_then(|r| r.first()).map_or(0, Value::int))
    }

    /// Whether `meta` has `key`.
    pub fn has_meta(&mut self, key: &str) -> Result<bool, DbError> {
        let rows = self
            .db
            .query("SELECT value FROM meta WHERE key = $1", &[key.into()])?;
        Ok(!rows.is_empty())
    }

    /// Sets a `meta` value.
    pub fn set_meta(&mut self, key: &str, value: i64) -> Result<(), DbError> {
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    /// Adds one to a `meta` counter and returns it (holding its row until the transaction ends).
    fn bump(&mut self, key: &str) -> Result<i64, DbError> {
        let rows = self.db.query(
            "UPDATE meta SET value = value + 1 WHERE key = $1 RETURNING value",
            &[key.into()],
        )?;
        rows.first()
            .and_then(|r| r.first())
            .map(Value::int)
            .ok_or_else(|| DbError::fatal(format!("the store has no {key} counter")))
    }

    /// This transaction's resourceVersion. Every write takes it before writing anything, so
    /// writers hold the counter row in turn and versions are given out in commit order.
    pub fn version(&mut self) -> Result<i64, DbError> {
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
    pub fn anything_due(&mut self, config: &SimConfig, now: Millis) -> Result<bool, DbError> {
        let ids = self.due_ids(
            now.plus(-config.in_progress_ms),
            now.plus(-config.provisioning_ms),
            Some(1),
        )?;
        Ok(!ids.is_empty())
    }

    /// Deployments In progress since `in_progress_before` or Provisioning since
    /// `provisioning_before` (the index on phase and stage start finds them).
    fn due_ids(
        &mut self,
        in_progress_before: Millis,
        provisioning_before: Millis,
        limit: Option<i64>,
    ) -> Result<Vec<String>, DbError> {
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

    /// Adds deployments, with their labels, links, devices and counts, in multi-row statements.
    pub fn insert_records(&mut self, records: &[Record]) -> Result<(), DbError> {
        if records.is_empty() {
            return Ok(());
        }
        let version = self.version()?;
        let mut counts: BTreeMap<(String, i64), i64> = BTreeMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut values = Vec::with_capacity(chunk.len() * 11);
            let mut labels = Vec::new();
            let mut links = Vec::new();
            let mut devices = Vec::new();
            for record in chunk {
                let d = &record.deployment;
                let mut book = record.book.clone();
                book.version = 0;
                values.extend([
                    Value::Text(d.deployment_id.clone()),
                    Value::Int(version),
                    Value::Int(record.book.created.0),
                    Value::Text(d.name.clone()),
                    Value::Text(fold(&d.name)),
                    Value::Int(rank(d)),
                    Value::Int(i64::try_from(d.current_generation).unwrap_or(i64::MAX)),
                    Value::Text(d.package_id.clone()),
                    Value::Int(record.book.stage_started.0),
                    Value::Text(json(d)?),
                    Value::Text(json(&book)?),
                ]);
                let id = Value::Text(d.deployment_id.clone());
                for label in &d.labels {
                    labels.extend([
                        label.key.as_str().into(),
                        label.value.as_str().into(),
                        id.clone(),
                        Value::Int(record.book.created.0),
                    ]);
                }
                for target in record.linked_ids() {
                    links.extend([Value::Text(target), id.clone()]);
                }
                for device in record.device_ids() {
                    devices.extend([Value::Text(device), id.clone()]);
                }
                for scope in scopes(d) {
                    *counts.entry((scope, rank(d))).or_default() += 1;
                }
            }
            let columns = [
                "id",
                "rv",
                "created",
                "name",
                "name_fold",
                "phase_rank",
                "generation",
                "package_id",
                "stage_started",
                "deployment",
                "book",
            ];
            self.db.execute(
                &insert_sql("deployments", &columns, chunk.len(), ""),
                &values,
            )?;
            if self.dialect == Dialect::Sqlite {
                // The names' trigrams, keyed by the rows' rowids (see `schema`).
                let ids: Vec<Value> = chunk
                    .iter()
                    .map(|r| Value::Text(r.deployment.deployment_id.clone()))
                    .collect();
                let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                self.db.execute(
                    &format!(
                        "INSERT INTO deployment_names (rowid, name) SELECT rowid, name_fold FROM deployments WHERE id IN ({})",
                        placeholders.join(", ")
                    ),
                    &ids,
                )?;
            }
            self.insert_pairs(
                "deployment_labels",
                &["key", "value", "deployment_id", "created"],
                labels,
            )?;
            self.insert_pairs("deployment_links", &["target", "source"], links)?;
            self.insert_pairs("deployment_devices", &["device", "deployment"], devices)?;
        }
        for ((scope, rank), n) in counts {
            self.add_count(&scope, rank, n)?;
        }
        Ok(())
    }

    /// Inserts `values` (rows of `columns.len()`), skipping rows already there.
    fn insert_pairs(
        &mut self,
        table: &str,
        columns: &[&str],
        values: Vec<Value>,
    ) -> Result<(), DbError> {
        let width = columns.len();
        for chunk in values.chunks(CHUNK * width) {
            let sql = insert_sql(
                table,
                columns,
                chunk.len() / width,
                "ON CONFLICT DO NOTHING",
            );
            self.db.execute(&sql, chunk)?;
        }
        Ok(())
    }

    fn add_count(&mut self, scope: &str, rank: i64, n: i64) -> Result<(), DbError> {
        self.db.execute(
            "INSERT INTO counts (scope, phase_rank, n) VALUES ($1, $2, $3) ON CONFLICT (scope, phase_rank) DO UPDATE SET n = counts.n + excluded.n",
            &[scope.into(), rank.into(), n.into()],
        )?;
        Ok(())
    }

    /// Adds a catalog package (`position`: its place in the catalog's insertion order).
    pub fn insert_package(&mut self, position: i64, package: &Package) -> Result<(), DbError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO packages (id, seq, body) VALUES ($1, $2, $3)",
            &[
                package.summary.guid.as_str().into(),
                position.into(),
                json(package)?.into(),
            ],
        )?;
        Ok(())
    }

    /// Adds devices after those there are, with their labels.
    pub fn insert_devices(&mut self, devices: &[Device]) -> Result<(), DbError> {
        self.version()?;
        let rows = self.db.query("SELECT max(seq) FROM devices", &[])?;
        let mut seq = rows.first().and_then(|r| r.first()).map_or(0, Value::int);
        for chunk in devices.chunks(CHUNK) {
            let mut values = Vec::with_capacity(chunk.len() * 5);
            let mut labels = Vec::new();
            for device in chunk {
                seq += 1;
                values.extend([
                    Value::Text(device.uuid.clone()),
                    Value::Int(seq),
                    Value::Text(device.status.as_str().to_string()),
                    Value::Text(
                        device
                            .architecture
                            .as_ref()
                            .map(|a| a.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                    Value::Text(json(device)?),
                ]);
                for label in &device.labels {
                    labels.extend([
                        label.key.as_str().into(),
                        label.value.as_str().into(),
                        device.uuid.as_str().into(),
                    ]);
                }
            }
            let columns = ["uuid", "seq", "status", "architecture", "body"];
            self.db
                .execute(&insert_sql("devices", &columns, chunk.len(), ""), &values)?;
            self.insert_pairs("device_labels", &["key", "value", "uuid"], labels)?;
        }
        Ok(())
    }

    /// Adds a routed network.
    pub fn insert_network(
        &mut self,
        position: i64,
        network: &RoutedNetwork,
    ) -> Result<(), DbError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO networks (guid, seq, body) VALUES ($1, $2, $3)",
            &[
                network.guid.as_str().into(),
                position.into(),
                json(network)?.into(),
            ],
        )?;
        Ok(())
    }

    /// Makes pulling `image` fail.
    pub fn insert_unpullable(&mut self, image: &str) -> Result<(), DbError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO unpullable (image) VALUES ($1) ON CONFLICT DO NOTHING",
            &[image.into()],
        )?;
        Ok(())
    }

    fn one_text(&mut self, sql: &str, param: &str) -> Result<Option<String>, DbError> {
        let rows = self.db.query(sql, &[param.into()])?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .map(Value::into_text))
    }

    fn texts(&mut self, sql: &str, params: &[Value]) -> Result<Vec<String>, DbError> {
        Ok(self
            .db
            .query(sql, params)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().map(Value::into_text))
            .collect())
    }
}

impl Rows for SqlRows<'_> {
    type Error = DbError;

    fn package(&mut self, id: &str) -> Result<Option<Package>, DbError> {
        self.one_text("SELECT body FROM packages WHERE id = $1", id)?
            .map(|body| parse(&body, "package"))
            .transpose()
    }

    fn device(&mut self, uuid: &str) -> Result<Option<Device>, DbError> {
        self.one_text("SELECT body FROM devices WHERE uuid = $1", uuid)?
            .map(|body| parse(&body, "device"))
            .transpose()
    }

    fn save_device(&mut self, device: &Device) -> Result<(), DbError> {
        self.version()?;
        self.db.execute(
            "UPDATE devices SET status = $1, body = $2 WHERE uuid = $3",
            &[
                device.status.as_str().into(),
                json(device)?.into(),
                device.uuid.as_str().into(),
            ],
        )?;
        Ok(())
    }

    fn networks(&mut self) -> Result<Vec<RoutedNetwork>, DbError> {
        self.texts("SELECT body FROM networks ORDER BY seq", &[])?
            .iter()
            .map(|body| parse(body, "network"))
            .collect()
    }

    fn unpullable_images(&mut self) -> Result<BTreeSet<String>, DbError> {
        Ok(self
            .texts("SELECT image FROM unpullable", &[])?
            .into_iter()
            .collect())
    }

    fn record(&mut self, id: &str) -> Result<Option<Record>, DbError> {
        let rows = self.db.query(
            "SELECT deployment, book, rv FROM deployments WHERE id = $1",
            &[id.into()],
        )?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let deployment: Deployment = parse(col(&row, 0).text(), "deployment")?;
        let mut book: Book = parse(col(&row, 1).text(), "deployment's bookkeeping")?;
        book.version = u64::try_from(col(&row, 2).int()).unwrap_or(0);
        Ok(Some(Record { deployment, book }))
    }

    fn due(
        &mut self,
        in_progress_before: Millis,
        provisioning_before: Millis,
    ) -> Result<Vec<String>, DbError> {
        self.due_ids(in_progress_before, provisioning_before, None)
    }

    fn dependants(&mut self, id: &str) -> Result<Vec<String>, DbError> {
        self.texts(
            "SELECT source FROM deployment_links WHERE target = $1",
            &[id.into()],
        )
    }

    fn on_device(&mut self, uuid: &str) -> Result<Vec<String>, DbError> {
        self.texts(
            "SELECT deployment FROM deployment_devices WHERE device = $1",
            &[uuid.into()],
        )
    }

    fn new_deployment_id(&mut self) -> Result<String, DbError> {
        self.version()?;
        // A sequence of its own (apart from the seeded world's), skipping any ID taken.
        let start = Rng(self.seed ^ 0x5EED_1D5E_ED1D_5EED).next_u64();
        loop {
            let n = self.bump("next_id")? as u64;
            let mut rng = Rng(start.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
            let id = rng.id("dep");
            let taken = self.db.query(
                "SELECT 1 FROM deployments WHERE id = $1",
                &[id.as_str().into()],
            )?;
            if taken.is_empty() {
                return Ok(id);
            }
        }
    }

    fn insert(&mut self, record: &Record) -> Result<(), DbError> {
        self.insert_records(std::slice::from_ref(record))
    }

    fn save(&mut self, record: &Record) -> Result<(), DbError> {
        let version = self.version()?;
        let d = &record.deployment;
        let id = d.deployment_id.as_str();
        let rows = self.db.query(
            "SELECT phase_rank FROM deployments WHERE id = $1",
            &[id.into()],
        )?;
        let Some(old_rank) = rows.first().and_then(|r| r.first()).map(Value::int) else {
            return self.insert(record);
        };
        let mut book = record.book.clone();
        book.version = 0;
        let changed = self.db.execute(
            "UPDATE deployments SET rv = $1, name = $2, name_fold = $3, phase_rank = $4, generation = $5, stage_started = $6, deployment = $7, book = $8 WHERE id = $9 AND rv = $10",
            &[
                version.into(),
                d.name.as_str().into(),
                fold(&d.name).into(),
                rank(d).into(),
                i64::try_from(d.current_generation).unwrap_or(i64::MAX).into(),
                record.book.stage_started.0.into(),
                json(d)?.into(),
                json(&book)?.into(),
                id.into(),
                i64::try_from(record.book.version).unwrap_or(-1).into(),
            ],
        )?;
        if changed == 0 {
            return Err(DbError::conflict(format!("{id} changed since it was read")));
        }
        if old_rank != rank(d) {
            for scope in scopes(d) {
                self.add_count(&scope, old_rank, -1)?;
                self.add_count(&scope, rank(d), 1)?;
            }
        }
        Ok(())
    }

    fn idempotency(&mut self, key: &str, now: Millis) -> Result<Option<IdempotencyEntry>, DbError> {
        let rows = self.db.query(
            "SELECT body, deployment_id, at FROM idempotency WHERE key = $1",
            &[key.into()],
        )?;
        Ok(rows.into_iter().next().and_then(|row| {
            let at = Millis(col(&row, 2).int());
            engine::key_is_fresh(at, now).then(|| IdempotencyEntry {
                body: col(&row, 0).text().to_string(),
                deployment_id: col(&row, 1).text().to_string(),
                at,
            })
        }))
    }

    fn remember(&mut self, key: &str, entry: &IdempotencyEntry) -> Result<(), DbError> {
        self.version()?;
        let cutoff = entry.at.plus(-platform::sim::IDEMPOTENCY_TTL_MS);
        self.db
            .execute("DELETE FROM idempotency WHERE at <= $1", &[cutoff.0.into()])?;
        self.db.execute(
            "INSERT INTO idempotency (key, body, deployment_id, at) VALUES ($1, $2, $3, $4)",
            &[
                key.into(),
                entry.body.as_str().into(),
                entry.deployment_id.as_str().into(),
                entry.at.0.into(),
            ],
        )?;
        Ok(())
    }

    fn take_update_failure(&mut self, id: &str) -> Result<bool, DbError> {
        self.version()?;
        for target in [id, ""] {
            if self.db.execute(
                "DELETE FROM update_failures WHERE id = $1",
                &[target.into()],
            )? > 0
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn set_update_failure(&mut self, id: Option<&str>) -> Result<(), DbError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO update_failures (id) VALUES ($1) ON CONFLICT DO NOTHING",
            &[id.unwrap_or_default().into()],
        )?;
        Ok(())
    }
}
