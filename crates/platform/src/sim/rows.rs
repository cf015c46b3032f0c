//! What the simulator's operations need of a store ([`Rows`]), and what they answer when they
//! do not happen ([`Fail`]). The in-memory [`Platform`](super::Platform) and the backend's
//! databases implement it.

use std::collections::BTreeSet;

use crate::errors::PlatformError;
use crate::sim::rollouts::RolloutRecord;
use crate::sim::{IDEMPOTENCY_TTL_MS, record::Record};
use crate::time::Millis;
use crate::wire::{Device, Label, Package, RoutedNetwork};

/// A remembered idempotency key: the request it came with and what it created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdempotencyEntry {
    /// The request body, as the platform re-encodes it.
    pub body: String,
    /// The deployment it created.
    pub deployment_id: String,
    /// When.
    pub at: Millis,
}

/// Where the simulator keeps the platform. Reads return what is stored now; writes are kept
/// by the store's transaction (a database) or at once (memory).
pub trait Rows {
    /// What can go wrong in the store itself (never a refusal of the platform's).
    type Error;

    /// A catalog package.
    fn package(&mut self, id: &str) -> Result<Option<Package>, Self::Error>;
    /// A device.
    fn device(&mut self, uuid: &str) -> Result<Option<Device>, Self::Error>;
    /// Stores a changed device.
    fn save_device(&mut self, device: &Device) -> Result<(), Self::Error>;
    /// Every routed network.
    fn networks(&mut self) -> Result<Vec<RoutedNetwork>, Self::Error>;
    /// Images whose pull fails.
    fn unpullable_images(&mut self) -> Result<BTreeSet<String>, Self::Error>;

    /// A deployment with its bookkeeping.
    fn record(&mut self, id: &str) -> Result<Option<Record>, Self::Error>;
    /// Deployments In progress since at most `in_progress_before`, or Provisioning since at most
    /// `provisioning_before`: those whose stage is due.
    fn due(
        &mut self,
        in_progress_before: Millis,
        provisioning_before: Millis,
    ) -> Result<Vec<String>, Self::Error>;
    /// Deployments that depend on `id` or mount it as a volume (any phase).
    fn dependants(&mut self, id: &str) -> Result<Vec<String>, Self::Error>;
    /// Deployments with a component on the device `uuid` (any phase).
    fn on_device(&mut self, uuid: &str) -> Result<Vec<String>, Self::Error>;
    /// An ID no deployment has.
    fn new_deployment_id(&mut self) -> Result<String, Self::Error>;
    /// Stores a new deployment.
    fn insert(&mut self, record: &Record) -> Result<(), Self::Error>;
    /// Stores a changed deployment; a database refuses (and the operation is retried) when
    /// someone else changed it since it was read (`record.book.version`).
    fn save(&mut self, record: &Record) -> Result<(), Self::Error>;

    /// The key's entry if it was used within [`IDEMPOTENCY_TTL_MS`] before `now`.
    fn idempotency(
        &mut self,
        key: &str,
        now: Millis,
    ) -> Result<Option<IdempotencyEntry>, Self::Error>;
    /// Remembers a key (and may forget keys older than [`IDEMPOTENCY_TTL_MS`]).
    fn remember(&mut self, key: &str, entry: &IdempotencyEntry) -> Result<(), Self::Error>;
    /// Whether the next update of `id` is set to fail, clearing the switch (the one for `id`,
    /// else the one for any deployment).
    fn take_update_failure(&mut self, id: &str) -> Result<bool, Self::Error>;
    /// Sets the switch for `id`, or for the next update of any deployment.
    fn set_update_failure(&mut self, id: Option<&str>) -> Result<(), Self::Error>;

    /// The devices carrying every one of `labels` (not empty), in the devices list's order.
    fn labelled_devices(&mut self, labels: &[Label]) -> Result<Vec<Device>, Self::Error>;
    /// A rollout with what it was made from.
    fn rollout(&mut self, id: &str) -> Result<Option<RolloutRecord>, Self::Error>;
    /// An ID no rollout has.
    fn new_rollout_id(&mut self) -> Result<String, Self::Error>;
    /// Stores a new or changed rollout; a database refuses (and the operation is retried) when
    /// someone else changed it since it was read (`record.version`).
    fn save_rollout(&mut self, record: &RolloutRecord) -> Result<(), Self::Error>;
}

/// Why an operation did not happen: the platform refused it, or the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail<E> {
    /// A refusal to answer the client with.
    Refused(PlatformError),
    /// The store's own failure.
    Store(E),
}

impl<E> From<PlatformError> for Fail<E> {
    fn from(error: PlatformError) -> Self {
        Fail::Refused(error)
    }
}

/// Whether an idempotency entry made at `at` still counts at `now`.
pub fn key_is_fresh(at: Millis, now: Millis) -> bool {
    now.since(at) < IDEMPOTENCY_TTL_MS
}
