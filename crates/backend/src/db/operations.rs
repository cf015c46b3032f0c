//! What the simulator's operations read and write ([`Rows`]): each reads and writes only the
//! rows it names, by primary key or index. A changed deployment is saved with a conditional
//! `UPDATE … WHERE rv = <the version it was read at>`: if another writer changed it since,
//! nothing is written and the transaction runs again.

use std::collections::BTreeSet;

use platform::list::fold;
use platform::rules::compat::DeviceProfile;
use platform::sim::rollouts::RolloutRecord;
use platform::sim::{Book, IdempotencyEntry, Record, Rows, engine};
use platform::time::Millis;
use platform::wire::{Deployment, Device, Label, Package, RoutedNetwork};

use super::driver::{Value, col};
use super::error::StoreError;
use super::rows::{SqlRows, device_scopes, json, parse, rank, scopes};

impl Rows for SqlRows<'_> {
    type Error = StoreError;

    fn package(&mut self, id: &str) -> Result<Option<Package>, StoreError> {
        self.one_text("SELECT body FROM packages WHERE id = $1", id)?
            .map(|body| parse(&body, "package"))
            .transpose()
    }

    fn device(&mut self, uuid: &str) -> Result<Option<Device>, StoreError> {
        self.one_text("SELECT body FROM devices WHERE uuid = $1", uuid)?
            .map(|body| parse(&body, "device"))
            .transpose()
    }

    fn save_device(&mut self, device: &Device) -> Result<(), StoreError> {
        self.version()?;
        let uuid = device.uuid.as_str();
        let Some(old) = self.one_text("SELECT profile FROM devices WHERE uuid = $1", uuid)? else {
            return Ok(());
        };
        let profile = DeviceProfile::of(device).key();
        self.db.execute(
            "UPDATE devices SET status = $1, body = $2, profile = $3 WHERE uuid = $4",
            &[
                device.status.as_str().into(),
                json(device)?.into(),
                profile.as_str().into(),
                uuid.into(),
            ],
        )?;
        // A device's labels never change (only its status does), so its scopes stay.
        if old != profile {
            for scope in device_scopes(device) {
                self.add_profile(&scope, &old, -1)?;
                self.add_profile(&scope, &profile, 1)?;
            }
        }
        Ok(())
    }

    fn networks(&mut self) -> Result<Vec<RoutedNetwork>, StoreError> {
        self.texts("SELECT body FROM networks ORDER BY seq", &[])?
            .iter()
            .map(|body| parse(body, "network"))
            .collect()
    }

    fn unpullable_images(&mut self) -> Result<BTreeSet<String>, StoreError> {
        Ok(self
            .texts("SELECT image FROM unpullable", &[])?
            .into_iter()
            .collect())
    }

    fn record(&mut self, id: &str) -> Result<Option<Record>, StoreError> {
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
    ) -> Result<Vec<String>, StoreError> {
        self.due_ids(in_progress_before, provisioning_before, None)
    }

    fn dependants(&mut self, id: &str) -> Result<Vec<String>, StoreError> {
        self.texts(
            "SELECT source FROM deployment_links WHERE target = $1",
            &[id.into()],
        )
    }

    fn on_device(&mut self, uuid: &str) -> Result<Vec<String>, StoreError> {
        self.texts(
            "SELECT deployment FROM deployment_devices WHERE device = $1",
            &[uuid.into()],
        )
    }

    fn new_deployment_id(&mut self) -> Result<String, StoreError> {
        self.fresh_id("dep", "deployments", 0x5EED_1D5E_ED1D_5EED)
    }

    fn insert(&mut self, record: &Record) -> Result<(), StoreError> {
        self.insert_records(std::slice::from_ref(record))
    }

    fn save(&mut self, record: &Record) -> Result<(), StoreError> {
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
            return Err(StoreError::Changed(id.to_string()));
        }
        if old_rank != rank(d) {
            for scope in scopes(d) {
                self.add_count(&scope, old_rank, -1)?;
                self.add_count(&scope, rank(d), 1)?;
            }
        }
        Ok(())
    }

    fn idempotency(
        &mut self,
        key: &str,
        now: Millis,
    ) -> Result<Option<IdempotencyEntry>, StoreError> {
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

    fn remember(&mut self, key: &str, entry: &IdempotencyEntry) -> Result<(), StoreError> {
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

    fn take_update_failure(&mut self, id: &str) -> Result<bool, StoreError> {
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

    fn labelled_devices(&mut self, labels: &[Label]) -> Result<Vec<Device>, StoreError> {
        self.devices_with(labels)
    }

    fn rollout(&mut self, id: &str) -> Result<Option<RolloutRecord>, StoreError> {
        self.rollout_row(id)
    }

    fn new_rollout_id(&mut self) -> Result<String, StoreError> {
        self.fresh_rollout_id()
    }

    fn save_rollout(&mut self, record: &RolloutRecord) -> Result<(), StoreError> {
        self.store_rollout(record)
    }

    fn set_update_failure(&mut self, id: Option<&str>) -> Result<(), StoreError> {
        self.version()?;
        self.db.execute(
            "INSERT INTO update_failures (id) VALUES ($1) ON CONFLICT DO NOTHING",
            &[id.unwrap_or_default().into()],
        )?;
        Ok(())
    }
}
