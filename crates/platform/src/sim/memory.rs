//! [`Platform`] as a store of the simulator's rows: deployments in a list with lookups by ID,
//! by resourceVersion (the change feed), by transient phase (what may be due), by dependency
//! and by device, so no operation walks the whole fleet.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;

use super::engine::{IdempotencyEntry, Rows, key_is_fresh};
use super::rollouts::RolloutRecord;
use super::{Platform, Record};
use crate::phase::Phase;
use crate::time::Millis;
use crate::wire::{Device, Label, Package, RoutedNetwork};

/// Lookups over `Platform::records` (positions in it), and where the change feed's history
/// begins.
#[derive(Debug, Clone, Default)]
pub struct Index {
    by_id: HashMap<String, usize>,
    /// Each record's latest version with its position (a set: a hand-edited state may repeat
    /// a version, and no record may be lost from the feed for it).
    by_version: BTreeSet<(u64, usize)>,
    transient: BTreeSet<usize>,
    dependants: HashMap<String, Vec<usize>>,
    on_device: HashMap<String, Vec<usize>>,
    /// The oldest resourceVersion `since` is answered from: 0 for a platform made in this
    /// process (it saw every change), the revision at restore for one read from saved state.
    epoch: u64,
}

impl PartialEq for Index {
    /// The lookups are equal; the epoch is how much history this copy saw, not its state.
    fn eq(&self, other: &Index) -> bool {
        let Index {
            by_id,
            by_version,
            transient,
            dependants,
            on_device,
            epoch: _,
        } = self;
        *by_id == other.by_id
            && *by_version == other.by_version
            && *transient == other.transient
            && *dependants == other.dependants
            && *on_device == other.on_device
    }
}

impl Platform {
    /// Rebuilds the lookups after a restore; records from states written before versions and
    /// log spans existed get both. What changed before the restore is not known (the state
    /// may be older than a client's version, or another platform's), so the change feed
    /// starts at the revision restored.
    pub(super) fn restore(&mut self) {
        self.index = Index::default();
        let config = self.config;
        let records = std::mem::take(&mut self.records);
        for mut record in records {
            record.resume_logs(&config);
            insert(self, record);
        }
        self.index.epoch = self.revision;
    }
}

/// Adds `record` (a new version when it has none).
pub(super) fn insert(platform: &mut Platform, mut record: Record) {
    if record.book.version == 0 {
        record.book.version = platform.touch();
    } else {
        platform.revision = platform.revision.max(record.book.version);
    }
    let position = platform.records.len();
    let index = &mut platform.index;
    index
        .by_id
        .insert(record.deployment.deployment_id.clone(), position);
    index.by_version.insert((record.book.version, position));
    if record.deployment.phase.is_transient() {
        index.transient.insert(position);
    }
    for target in record.linked_ids() {
        index.dependants.entry(target).or_default().push(position);
    }
    for device in record.device_ids() {
        index.on_device.entry(device).or_default().push(position);
    }
    platform.records.push(record);
}

/// Where the deployment `id` is in the list.
pub(super) fn position(platform: &Platform, id: &str) -> Option<usize> {
    platform.index.by_id.get(id).copied()
}

/// Whether a deployment has the ID `id`.
pub(super) fn has_id(platform: &Platform, id: &str) -> bool {
    platform.index.by_id.contains_key(id)
}

/// Sets the oldest resourceVersion `since` is answered from.
pub(super) fn set_epoch(platform: &mut Platform, epoch: u64) {
    platform.index.epoch = epoch;
}

/// The oldest resourceVersion `since` is answered from.
pub(super) fn epoch(platform: &Platform) -> u64 {
    platform.index.epoch
}

/// Deployments changed after `since`, oldest change first; `limit` at most. Costs what
/// changed, not what the fleet holds.
pub(super) fn changed_since(platform: &Platform, since: u64, limit: usize) -> Vec<&Record> {
    platform
        .index
        .by_version
        .range((since.saturating_add(1), 0)..)
        .take(limit)
        .filter_map(|(_, position)| platform.records.get(*position))
        .collect()
}

fn ids(platform: &Platform, positions: Option<&Vec<usize>>) -> Vec<String> {
    positions
        .into_iter()
        .flatten()
        .filter_map(|p| platform.records.get(*p))
        .map(|r| r.deployment.deployment_id.clone())
        .collect()
}

impl Rows for Platform {
    type Error = Infallible;

    fn package(&mut self, id: &str) -> Result<Option<Package>, Infallible> {
        Ok(self.packages.iter().find(|p| p.summary.guid == id).cloned())
    }

    fn device(&mut self, uuid: &str) -> Result<Option<Device>, Infallible> {
        Ok(self.devices.iter().find(|d| d.uuid == uuid).cloned())
    }

    fn save_device(&mut self, device: &Device) -> Result<(), Infallible> {
        if let Some(existing) = self.devices.iter_mut().find(|d| d.uuid == device.uuid) {
            *existing = device.clone();
            self.touch();
        }
        Ok(())
    }

    fn networks(&mut self) -> Result<Vec<RoutedNetwork>, Infallible> {
        Ok(self.networks.clone())
    }

    fn unpullable_images(&mut self) -> Result<BTreeSet<String>, Infallible> {
        Ok(self.unpullable_images.clone())
    }

    fn record(&mut self, id: &str) -> Result<Option<Record>, Infallible> {
        Ok(position(self, id)
            .and_then(|p| self.records.get(p))
            .cloned())
    }

    fn due(
        &mut self,
        in_progress_before: Millis,
        provisioning_before: Millis,
    ) -> Result<Vec<String>, Infallible> {
        Ok(self
            .index
            .transient
            .iter()
            .filter_map(|p| self.records.get(*p))
            .filter(|r| match r.deployment.phase {
                Phase::InProgress => r.book.stage_started <= in_progress_before,
                Phase::Provisioning => r.book.stage_started <= provisioning_before,
                _ => false,
            })
            .map(|r| r.deployment.deployment_id.clone())
            .collect())
    }

    fn dependants(&mut self, id: &str) -> Result<Vec<String>, Infallible> {
        Ok(ids(self, self.index.dependants.get(id)))
    }

    fn on_device(&mut self, uuid: &str) -> Result<Vec<String>, Infallible> {
        Ok(ids(self, self.index.on_device.get(uuid)))
    }

    fn new_deployment_id(&mut self) -> Result<String, Infallible> {
        let mut id = self.rng.id("dep");
        while self.index.by_id.contains_key(&id) {
            id = self.rng.id("dep");
        }
        Ok(id)
    }

    fn insert(&mut self, record: &Record) -> Result<(), Infallible> {
        let mut record = record.clone();
        record.book.version = 0;
        insert(self, record);
        Ok(())
    }

    fn save(&mut self, record: &Record) -> Result<(), Infallible> {
        let Some(position) = position(self, &record.deployment.deployment_id) else {
            return self.insert(record);
        };
        let version = self.touch();
        let index = &mut self.index;
        if let Some(old) = self.records.get(position) {
            index.by_version.remove(&(old.book.version, position));
        }
        index.by_version.insert((version, position));
        if record.deployment.phase.is_transient() {
            index.transient.insert(position);
        } else {
            index.transient.remove(&position);
        }
        if let Some(slot) = self.records.get_mut(position) {
            *slot = record.clone();
            slot.book.version = version;
        }
        Ok(())
    }

    fn idempotency(
        &mut self,
        key: &str,
        now: Millis,
    ) -> Result<Option<IdempotencyEntry>, Infallible> {
        Ok(self
            .idempotency
            .get(key)
            .filter(|entry| key_is_fresh(entry.at, now))
            .cloned())
    }

    fn remember(&mut self, key: &str, entry: &IdempotencyEntry) -> Result<(), Infallible> {
        self.idempotency.insert(key.to_string(), entry.clone());
        Ok(())
    }

    fn take_update_failure(&mut self, id: &str) -> Result<bool, Infallible> {
        let failing =
            self.fail_next_update.remove(id) || std::mem::take(&mut self.fail_next_any_update);
        if failing {
            self.touch();
        }
        Ok(failing)
    }

    fn set_update_failure(&mut self, id: Option<&str>) -> Result<(), Infallible> {
        match id {
            Some(id) => {
                self.fail_next_update.insert(id.to_string());
            }
            None => self.fail_next_any_update = true,
        }
        self.touch();
        Ok(())
    }

    fn labelled_devices(&mut self, labels: &[Label]) -> Result<Vec<Device>, Infallible> {
        Ok(self
            .devices
            .iter()
            .filter(|d| !labels.is_empty() && labels.iter().all(|l| l.is_in(&d.labels)))
            .cloned()
            .collect())
    }

    fn rollout(&mut self, id: &str) -> Result<Option<RolloutRecord>, Infallible> {
        Ok(self
            .rollouts
            .iter()
            .find(|r| r.rollout.rollout_id == id)
            .cloned())
    }

    fn new_rollout_id(&mut self) -> Result<String, Infallible> {
        let mut id = self.rng.id("ro");
        while self.rollouts.iter().any(|r| r.rollout.rollout_id == id) {
            id = self.rng.id("ro");
        }
        Ok(id)
    }

    fn save_rollout(&mut self, record: &RolloutRecord) -> Result<(), Infallible> {
        let version = self.touch();
        let mut record = record.clone();
        record.version = version;
        record.stamp(version);
        match self
            .rollouts
            .iter_mut()
            .find(|r| r.rollout.rollout_id == record.rollout.rollout_id)
        {
            Some(slot) => *slot = record,
            None => self.rollouts.push(record),
        }
        Ok(())
    }
}
