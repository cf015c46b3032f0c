//! Rows added in bulk (the seed, an imported state, a synthetic fleet, and each new
//! deployment): multi-row statements, with the labels, links, devices and counts that go with
//! each deployment.

use std::collections::BTreeMap;

use platform::list::fold;
use platform::rules::compat::DeviceProfile;
use platform::sim::Record;
use platform::wire::{Device, Package, RoutedNetwork};

use super::driver::{Dialect, Value};
use super::error::StoreError;
use super::rows::{CHUNK, SqlRows, device_scopes, insert_sql, json, rank, scopes};

impl SqlRows<'_> {
    /// Adds deployments, with their labels, links, devices and counts, in multi-row statements.
    pub fn insert_records(&mut self, records: &[Record]) -> Result<(), StoreError> {
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
    pub(super) fn insert_pairs(
        &mut self,
        table: &str,
        columns: &[&str],
        values: Vec<Value>,
    ) -> Result<(), StoreError> {
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

    pub(super) fn add_count(&mut self, scope: &str, rank: i64, n: i64) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO counts (scope, phase_rank, n) VALUES ($1, $2, $3) ON CONFLICT (scope, phase_rank) DO UPDATE SET n = counts.n + excluded.n",
            &[scope.into(), rank.into(), n.into()],
        )?;
        Ok(())
    }

    /// Adds a catalog package (`position`: its place in the catalog's insertion order).
    pub fn insert_package(&mut self, position: i64, package: &Package) -> Result<(), StoreError> {
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

    /// Adds devices after those there are, with their labels, their profiles counted and
    /// their names indexed for `search`.
    pub fn insert_devices(&mut self, devices: &[Device]) -> Result<(), StoreError> {
        self.version()?;
        let rows = self.db.query("SELECT max(seq) FROM devices", &[])?;
        let mut seq = rows.first().and_then(|r| r.first()).map_or(0, Value::int);
        let mut profiles: BTreeMap<(String, String), i64> = BTreeMap::new();
        for chunk in devices.chunks(CHUNK) {
            let mut values = Vec::with_capacity(chunk.len() * 7);
            let mut labels = Vec::new();
            for device in chunk {
                seq += 1;
                let profile = DeviceProfile::of(device).key();
                for scope in device_scopes(device) {
                    *profiles.entry((scope, profile.clone())).or_default() += 1;
                }
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
                    Value::Text(fold(&device.name)),
                    Value::Text(profile),
                ]);
                for label in &device.labels {
                    labels.extend([
                        label.key.as_str().into(),
                        label.value.as_str().into(),
                        device.uuid.as_str().into(),
                    ]);
                }
            }
            let columns = [
                "uuid",
                "seq",
                "status",
                "architecture",
                "body",
                "name_fold",
                "profile",
            ];
            self.db
                .execute(&insert_sql("devices", &columns, chunk.len(), ""), &values)?;
            if self.dialect == Dialect::Sqlite {
                let ids: Vec<Value> = chunk.iter().map(|d| d.uuid.as_str().into()).collect();
                let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                self.db.execute(
                    &format!(
                        "INSERT INTO device_names (rowid, name) SELECT rowid, name_fold FROM devices WHERE uuid IN ({})",
                        placeholders.join(", ")
                    ),
                    &ids,
                )?;
            }
            self.insert_pairs("device_labels", &["key", "value", "uuid"], labels)?;
        }
        for ((scope, profile), n) in profiles {
            self.add_profile(&scope, &profile, n)?;
        }
        Ok(())
    }

    /// Counts `n` more devices (or fewer, when negative) with `profile` in `scope`.
    pub(super) fn add_profile(
        &mut self,
        scope: &str,
        profile: &str,
        n: i64,
    ) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO device_profiles (scope, profile, n) VALUES ($1, $2, $3) ON CONFLICT (scope, profile) DO UPDATE SET n = device_profiles.n + excluded.n",
            &[scope.into(), profile.into(), n.into()],
        )?;
        Ok(())
    }

    /// Adds a routed network.
    pub fn insert_network(
        &mut self,
        position: i64,
        network: &RoutedNetwork,
    ) -> Result<(), StoreError> {
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
    pub fn insert_unpullable(&mut self, image: &str) -> Result<(), StoreError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO unpullable (image) VALUES ($1) ON CONFLICT DO NOTHING",
            &[image.into()],
        )?;
        Ok(())
    }
}
