//! The simulated platform: packages, devices, routed networks, deployments with their history
//! and logs, driven by explicit operations and by time. The operations live in [`engine`] and
//! run over any store of deployments ([`Rows`]); [`Platform`] is the store that keeps everything
//! in memory (demo mode in the browser, and tests), the reference backend keeps it in a
//! database. Deterministic: ids and log lines come from the seed, time from the caller, and the
//! whole in-memory state serialises.

pub mod demo;
pub mod demo_fleet;
pub mod engine;
pub mod fleet;
mod grow;
mod lists;
mod logs;
mod memory;
mod queries;
mod record;
mod rng;
pub mod rollouts;
mod rows;
pub mod seed;
pub mod serve;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::errors::PlatformError;
use crate::time::Millis;
use crate::wire::{Deployment, Device, Package, ProvisionRequest, RoutedNetwork, UpdateRequest};

pub use engine::{Fail, IdempotencyEntry, Rows};
pub use grow::MAX_GROWN_FLEET;
pub use logs::{LogSpan, page as log_page, parse_limit as parse_log_limit};
pub use record::{
    Book, CLOUD_EXEC_FAILED, DEPENDENCY_ERROR, DEVICE_EXEC_FAILED, DEVICE_OFFLINE,
    IMAGE_PULL_FAILED, Record,
};
pub use rng::{Rng, fnv1a};

/// The version of the serialised state; bumped when its shape changes. Version 1 (each
/// record's bookkeeping beside its deployment instead of under `book`) is still read.
pub const STATE_FORMAT: u32 = 2;

/// How long idempotency keys are remembered.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * Millis::HOUR;

/// How fast the simulated platform moves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Time spent In progress.
    pub in_progress_ms: i64,
    /// Time spent Provisioning (first start and updates).
    pub provisioning_ms: i64,
    /// How often a running component writes a log line.
    pub log_every_ms: i64,
    /// Log lines that can be read per deployment (the latest).
    pub max_log_lines: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            in_progress_ms: 3_000,
            provisioning_ms: 5_000,
            log_every_ms: 2_000,
            max_log_lines: 1_000,
        }
    }
}

impl SimConfig {
    /// The defaults run `speed` times faster (2.0 halves every duration). Non-positive or
    /// non-finite speeds keep the defaults.
    pub fn with_speed(speed: f64) -> SimConfig {
        let base = SimConfig::default();
        if !(speed.is_finite() && speed > 0.0) {
            return base;
        }
        let scale = |ms: i64| ((ms as f64 / speed).round() as i64).max(1);
        SimConfig {
            in_progress_ms: scale(base.in_progress_ms),
            provisioning_ms: scale(base.provisioning_ms),
            log_every_ms: scale(base.log_every_ms),
            ..base
        }
    }
}

/// The whole simulated platform, in memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    format: u32,
    config: SimConfig,
    rng: Rng,
    now: Millis,
    packages: Vec<Package>,
    devices: Vec<Device>,
    networks: Vec<RoutedNetwork>,
    /// Images whose pull fails (DEP_E153).
    unpullable_images: BTreeSet<String>,
    records: Vec<Record>,
    idempotency: BTreeMap<String, IdempotencyEntry>,
    fail_next_update: BTreeSet<String>,
    fail_next_any_update: bool,
    /// The latest resourceVersion given out: every change moves it on.
    #[serde(default)]
    revision: u64,
    /// Rollouts, oldest first.
    #[serde(default)]
    rollouts: Vec<rollouts::RolloutRecord>,
    /// Lookups derived from `records`, rebuilt when restored.
    #[serde(skip)]
    index: memory::Index,
}

impl Platform {
    /// An empty platform (no packages, devices or deployments) at `now`.
    pub fn empty(seed: u64, now: Millis, config: SimConfig) -> Platform {
        Platform {
            format: STATE_FORMAT,
            config,
            rng: Rng(seed),
            now,
            packages: Vec::new(),
            devices: Vec::new(),
            networks: Vec::new(),
            unpullable_images: BTreeSet::new(),
            records: Vec::new(),
            idempotency: BTreeMap::new(),
            fail_next_update: BTreeSet::new(),
            fail_next_any_update: false,
            revision: 0,
            rollouts: Vec::new(),
            index: memory::Index::default(),
        }
    }

    /// Restores a platform from `to_json` output (or a state written by earlier versions).
    pub fn from_json(text: &str) -> Result<Platform, String> {
        let unreadable = |e: serde_json::Error| format!("the saved state is not readable: {e}");
        #[derive(Deserialize)]
        struct Format {
            format: u32,
        }
        let upgraded = match serde_json::from_str::<Format>(text) {
            Ok(Format { format: 1 }) => {
                let mut value: serde_json::Value =
                    serde_json::from_str(text).map_err(unreadable)?;
                upgrade_from_format_1(&mut value);
                Some(value.to_string())
            }
            _ => None,
        };
        let mut platform: Platform =
            serde_json::from_str(upgraded.as_deref().unwrap_or(text)).map_err(unreadable)?;
        if platform.format != STATE_FORMAT {
            return Err(format!(
                "the saved state has format {}, this version reads {STATE_FORMAT}",
                platform.format
            ));
        }
        platform.restore();
        Ok(platform)
    }

    /// The whole state as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The speed settings.
    pub fn config(&self) -> SimConfig {
        self.config
    }

    /// Changes the speed settings (running stages keep their start times).
    pub fn set_config(&mut self, config: SimConfig) {
        if self.config != config {
            self.config = config;
            self.touch();
        }
    }

    /// The latest time the platform has seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The latest resourceVersion: it moves whenever something a client can see moved on (an
    /// operation, or time moving a deployment's phase), and only then.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn touch(&mut self) -> u64 {
        self.revision += 1;
        self.revision
    }

    /// Adds a package to the catalog (replacing one with the same ID).
    pub fn add_package(&mut self, package: Package) {
        self.packages
            .retain(|p| p.summary.guid != package.summary.guid);
        self.packages.push(package);
        self.touch();
    }

    /// Adds a device (replacing one with the same ID: the deployments on it follow a change
    /// of its status at once).
    pub fn add_device(&mut self, device: Device) {
        let uuid = device.uuid.clone();
        let status_changed = match self.devices.iter_mut().find(|d| d.uuid == uuid) {
            Some(existing) => {
                let changed = existing.status != device.status;
                *existing = device;
                changed
            }
            None => {
                self.devices.push(device);
                false
            }
        };
        self.touch();
        if status_changed {
            let (now, config) = (self.now, self.config);
            let Ok(()) = engine::follow_device(self, &config, &uuid, now);
        }
    }

    /// Adds a routed network (replacing one with the same ID).
    pub fn add_network(&mut self, network: RoutedNetwork) {
        self.networks.retain(|n| n.guid != network.guid);
        self.networks.push(network);
        self.touch();
    }

    /// Makes pulling `image` fail (DEP_E153), as with a deleted image or bad credentials.
    pub fn mark_image_unpullable(&mut self, image: &str) {
        if self.unpullable_images.insert(image.to_string()) {
            self.touch();
        }
    }

    // ---- operations ----

    /// Time never runs backwards: an earlier `now` is the platform's own.
    fn at(&mut self, now: Millis) -> Millis {
        self.now = self.now.max(now);
        self.now
    }

    /// Deploys a package. With an idempotency key, the same key and body within 24 h returns
    /// the deployment it created (as it is now) and creates nothing; another body is refused.
    pub fn provision(
        &mut self,
        request: &ProvisionRequest,
        user: &str,
        now: Millis,
        idempotency_key: Option<&str>,
    ) -> Result<Deployment, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(engine::provision(
            self,
            &config,
            request,
            user,
            now,
            idempotency_key,
        ))
    }

    /// Updates components in place: Provisioning at once, generation + 1, a new history entry.
    pub fn update(
        &mut self,
        id: &str,
        request: &UpdateRequest,
        user: &str,
        now: Millis,
    ) -> Result<Deployment, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(engine::update(self, &config, id, request, user, now))
    }

    /// Deprovisions: Deployment stopped, or Partially deprovisioned when a device is offline
    /// (deprovisioning again finishes it). Refused while a live deployment depends on it.
    pub fn deprovision(&mut self, id: &str, now: Millis) -> Result<Deployment, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(engine::deprovision(self, &config, id, now))
    }

    /// Makes a rollout and its first wave (see [`rollouts::create`]).
    pub fn create_rollout(
        &mut self,
        request: &crate::rollout::RolloutRequest,
        user: &str,
        now: Millis,
        idempotency_key: Option<&str>,
    ) -> Result<crate::rollout::Rollout, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(rollouts::create(
            self,
            &config,
            request,
            user,
            now,
            idempotency_key,
        ))
    }

    /// **Pause**, **Resume** or **Abort** a rollout.
    pub fn act_on_rollout(
        &mut self,
        id: &str,
        action: rollouts::Action,
        now: Millis,
    ) -> Result<crate::rollout::Rollout, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(rollouts::act(self, &config, id, action, now))
    }

    // ---- controls ----

    /// Takes a device offline or brings it back online.
    pub fn set_device_online(
        &mut self,
        uuid: &str,
        online: bool,
        now: Millis,
    ) -> Result<Device, PlatformError> {
        let (now, config) = (self.at(now), self.config);
        refused(engine::set_device_online(self, &config, uuid, online, now))
    }

    /// Whether the next update of any deployment is set to fail.
    pub fn next_update_fails(&self) -> bool {
        self.fail_next_any_update
    }

    /// Makes the next update of `deployment_id` fail, or of any deployment when `None`.
    pub fn fail_next_update(&mut self, deployment_id: Option<&str>) -> Result<(), PlatformError> {
        refused(engine::fail_next_update(self, deployment_id))
    }

    /// Moves the platform to `now`: due stages end, statuses follow devices and dependencies,
    /// old idempotency keys are forgotten. A `now` earlier than the platform's time changes
    /// nothing (time never runs backwards).
    pub fn advance(&mut self, now: Millis) {
        let (now, config) = (self.at(now), self.config);
        let Ok(()) = engine::catch_up(self, &config, now);
        self.idempotency
            .retain(|_, entry| engine::key_is_fresh(entry.at, now));
    }
}

/// Moves each record's bookkeeping of a format 1 state under `book`, as format 2 keeps it.
/// Anything but an object (serde also reads a struct from an array such as `[1]`) is left as
/// it is, for the decoder to refuse.
fn upgrade_from_format_1(value: &mut serde_json::Value) {
    if let Some(records) = value.get_mut("records").and_then(|r| r.as_array_mut()) {
        for record in records {
            if let Some(fields) = record.as_object_mut()
                && !fields.contains_key("book")
            {
                let deployment = fields.remove("deployment").unwrap_or_default();
                let book = serde_json::Value::Object(std::mem::take(fields));
                fields.insert("deployment".into(), deployment);
                fields.insert("book".into(), book);
            }
        }
    }
    if let Some(fields) = value.as_object_mut() {
        fields.insert("format".into(), STATE_FORMAT.into());
    }
}

/// The platform's refusal; the in-memory store itself cannot fail.
fn refused<T>(result: Result<T, Fail<std::convert::Infallible>>) -> Result<T, PlatformError> {
    result.map_err(|fail| match fail {
        Fail::Refused(error) => error,
        Fail::Store(never) => match never {},
    })
}
