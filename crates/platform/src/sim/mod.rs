//! The simulated platform: packages, devices, routed networks, deployments with their history
//! and logs, driven by explicit operations and by `advance(now)`. Demo mode runs it in the
//! browser; the reference backend runs it behind HTTP. Deterministic: ids and log lines come
//! from the seed, time from the caller, and the whole state serialises.

mod logs;
mod rng;
pub mod seed;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::errors::{FieldError, PlatformError};
use crate::phase::{Phase, Status};
use crate::rules::{World, update::check_update, validate::validate_provision};
use crate::time::Millis;
use crate::wire::{
    Architecture, CatalogFilter, Deployment, Device, DeviceStatus, HistoryEntry, LogPage, Package,
    PackageSummary, ProvisionRequest, RoutedNetwork, UpdateRequest, catalog_order,
};

pub use rng::Rng;
use state::Record;

/// The version of the serialised state; bumped when its shape changes.
pub const STATE_FORMAT: u32 = 1;

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
    /// Log lines kept per deployment (oldest dropped first).
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

/// A remembered idempotency key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct IdempotencyEntry {
    body: String,
    deployment_id: String,
    at: Millis,
}

/// The whole simulated platform.
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
    log_seq: u64,
    /// Bumped by every operation and by every `advance` that changes a phase, a status or a
    /// history entry (log lines alone do not count).
    #[serde(default)]
    revision: u64,
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
            log_seq: 0,
            revision: 0,
        }
    }

    /// Restores a platform from `to_json` output.
    pub fn from_json(text: &str) -> Result<Platform, String> {
        let platform: Platform = serde_json::from_str(text)
            .map_err(|e| format!("the saved state is not readable: {e}"))?;
        if platform.format != STATE_FORMAT {
            return Err(format!(
                "the saved state has format {}, this version reads {STATE_FORMAT}",
                platform.format
            ));
        }
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

    /// A change counter: it moves whenever something a client can see moved on (an operation,
    /// or an `advance` that changed a phase, a status or a history entry), and only then. Compare
    /// two values for equality; a store saves when it differs from what it saved last.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn touch(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }

    /// Adds a package to the catalog (replacing one with the same ID).
    pub fn add_package(&mut self, package: Package) {
        self.packages
            .retain(|p| p.summary.guid != package.summary.guid);
        self.packages.push(package);
        self.touch();
    }

    /// Adds a device (replacing one with the same ID).
    pub fn add_device(&mut self, device: Device) {
        self.devices.retain(|d| d.uuid != device.uuid);
        self.devices.push(device);
        self.touch();
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

    // ---- queries ----

    /// Catalog packages matching `search` (name, case-insensitive) and `category`, sorted by
    /// name then version (numbers in versions compared as numbers: `v1.9.0` before `v1.10.0`).
    pub fn packages(&self, search: &str, category: Option<&str>) -> Vec<PackageSummary> {
        let filter = CatalogFilter::new(search, category.unwrap_or_default());
        let mut found: Vec<PackageSummary> = self
            .packages
            .iter()
            .map(|p| p.summary.clone())
            .filter(|p| filter.matches(p))
            .collect();
        found.sort_by(catalog_order);
        found
    }

    /// One package.
    pub fn package(&self, id: &str) -> Result<Package, PlatformError> {
        self.packages
            .iter()
            .find(|p| p.summary.guid == id)
            .cloned()
            .ok_or_else(|| not_found("package", id))
    }

    /// Devices, optionally only those with `status` and `architecture`.
    pub fn devices(
        &self,
        status: Option<&DeviceStatus>,
        architecture: Option<&Architecture>,
    ) -> Vec<Device> {
        self.devices
            .iter()
            .filter(|d| status.is_none_or(|s| &d.status == s))
            .filter(|d| architecture.is_none_or(|a| d.architecture.as_ref() == Some(a)))
            .cloned()
            .collect()
    }

    /// Routed networks.
    pub fn networks(&self) -> Vec<RoutedNetwork> {
        self.networks.clone()
    }

    /// Deployments in any of `phases` (all when empty) whose name contains `search`, of
    /// `package_id` if given; newest first.
    pub fn deployments(
        &self,
        phases: &[Phase],
        search: &str,
        package_id: Option<&str>,
    ) -> Vec<Deployment> {
        let search = search.trim().to_lowercase();
        let mut found: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| phases.is_empty() || phases.contains(&r.deployment.phase))
            .filter(|r| search.is_empty() || r.deployment.name.to_lowercase().contains(&search))
            .filter(|r| package_id.is_none_or(|p| p.is_empty() || r.deployment.package_id == p))
            .collect();
        found.sort_by(|a, b| {
            b.created
                .cmp(&a.created)
                .then_with(|| a.deployment.name.cmp(&b.deployment.name))
        });
        found.into_iter().map(|r| r.deployment.clone()).collect()
    }

    /// One deployment.
    pub fn deployment(&self, id: &str) -> Result<Deployment, PlatformError> {
        self.record(id).map(|r| r.deployment.clone())
    }

    /// A deployment's generations, newest first.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, PlatformError> {
        let record = self.record(id)?;
        Ok(record.history.iter().rev().cloned().collect())
    }

    /// Log lines after the cursor `after` (from the start when empty), of one component if
    /// given, at most `limit` (1–1000).
    pub fn logs(
        &self,
        id: &str,
        component: Option<&str>,
        after: &str,
        limit: usize,
    ) -> Result<LogPage, PlatformError> {
        let record = self.record(id)?;
        let after: u64 = match after.trim() {
            "" => 0,
            text => text.parse().map_err(|_| {
                PlatformError::Validation(vec![FieldError::new(
                    "after",
                    "This log cursor is not one the platform gave out.",
                )])
            })?,
        };
        let limit = limit.clamp(1, 1000);
        let mut next = after;
        let items = record
            .logs
            .iter()
            .filter(|(seq, _)| *seq > after)
            .filter(|(_, line)| component.is_none_or(|c| c.is_empty() || line.component == c))
            .take(limit)
            .map(|(seq, line)| {
                next = *seq;
                line.clone()
            })
            .collect();
        Ok(LogPage {
            items,
            next: next.to_string(),
        })
    }

    fn record(&self, id: &str) -> Result<&Record, PlatformError> {
        self.records
            .iter()
            .find(|r| r.deployment.deployment_id == id)
            .ok_or_else(|| not_found("deployment", id))
    }

    fn record_index(&self, id: &str) -> Result<usize, PlatformError> {
        self.records
            .iter()
            .position(|r| r.deployment.deployment_id == id)
            .ok_or_else(|| not_found("deployment", id))
    }

    fn snapshot(&self) -> Vec<Deployment> {
        self.records.iter().map(|r| r.deployment.clone()).collect()
    }

    // ---- operations ----

    /// Deploys a package. With an idempotency key, the same key and body within 24 h returns
    /// the deployment it created (as it is now) and creates nothing; another body is refused.
    pub fn provision(
        &mut self,
        request: &ProvisionRequest,
        user: &str,
        now: Millis,
        idempotency_key: Option<&str>,
    ) -> Result<Deployment, PlatformError> {
        self.advance(now);
        let body = serde_json::to_string(request).unwrap_or_default();
        if let Some(entry) = idempotency_key.and_then(|key| self.idempotency.get(key)) {
            if entry.body != body {
                return Err(PlatformError::IdempotencyMismatch);
            }
            return self.deployment(&entry.deployment_id.clone());
        }
        let Some(package) = self
            .packages
            .iter()
            .find(|p| p.summary.guid == request.package_id)
            .cloned()
        else {
            return Err(PlatformError::Validation(vec![FieldError::new(
                "packageId",
                format!("No package with ID {} exists.", request.package_id),
            )]));
        };
        let deployments = self.snapshot();
        let world = World {
            devices: &self.devices,
            networks: &self.networks,
            deployments: &deployments,
        };
        let errors = validate_provision(request, &package, &world);
        if !errors.is_empty() {
            return Err(PlatformError::Validation(errors));
        }
        let mut id = self.rng.id("dep");
        while self
            .records
            .iter()
            .any(|r| r.deployment.deployment_id == id)
        {
            id = self.rng.id("dep");
        }
        let record = Record::new(
            id.clone(),
            request,
            &package,
            &self.networks,
            user,
            self.now,
        );
        self.records.push(record);
        self.touch();
        if let Some(key) = idempotency_key {
            self.idempotency.insert(
                key.to_string(),
                IdempotencyEntry {
                    body,
                    deployment_id: id.clone(),
                    at: self.now,
                },
            );
        }
        self.settle();
        self.deployment(&id)
    }

    /// Updates components in place: Provisioning at once, generation + 1, a new history entry.
    pub fn update(
        &mut self,
        id: &str,
        request: &UpdateRequest,
        user: &str,
        now: Millis,
    ) -> Result<Deployment, PlatformError> {
        self.advance(now);
        let index = self.record_index(id)?;
        check_update(&self.records[index].deployment, request, &self.devices)?;
        let fail =
            self.fail_next_update.remove(id) || std::mem::take(&mut self.fail_next_any_update);
        self.records[index].start_update(request, user, fail, self.now);
        self.touch();
        self.settle();
        self.deployment(id)
    }

    /// Deprovisions: Deployment stopped, or Partially deprovisioned when a device is offline
    /// (deprovisioning again finishes it). Refused while a live deployment depends on it.
    pub fn deprovision(&mut self, id: &str, now: Millis) -> Result<Deployment, PlatformError> {
        self.advance(now);
        let index = self.record_index(id)?;
        if self.records[index].deployment.phase == Phase::DeploymentStopped {
            return self.deployment(id);
        }
        // Live deployments that depend on it or mount it as a volume.
        let dependants: Vec<String> = self
            .records
            .iter()
            .filter(|r| r.deployment.deployment_id != id && r.deployment.phase.is_live())
            .filter(|r| {
                let d = &r.deployment;
                d.dependent_deployments
                    .iter()
                    .any(|d| d.dependent_deployment_id == id)
                    || d.volumes.iter().any(|v| v.deployment_id == id)
            })
            .map(|r| r.deployment.name.clone())
            .collect();
        if !dependants.is_empty() {
            return Err(PlatformError::InUse { by: dependants });
        }
        let devices = self.devices.clone();
        self.records[index].deprovision(&devices, self.now);
        self.touch();
        self.settle();
        self.deployment(id)
    }

    // ---- controls ----

    /// Takes a device offline or brings it back online.
    pub fn set_device_online(
        &mut self,
        uuid: &str,
        online: bool,
        now: Millis,
    ) -> Result<Device, PlatformError> {
        self.advance(now);
        let at = self.now;
        let device = self
            .devices
            .iter_mut()
            .find(|d| d.uuid == uuid)
            .ok_or_else(|| not_found("device", uuid))?;
        device.status = if online {
            DeviceStatus::Online
        } else {
            DeviceStatus::Offline
        };
        device.last_online = at.to_rfc3339();
        let device = device.clone();
        self.touch();
        self.advance(now);
        Ok(device)
    }

    /// Whether the next update of any deployment is set to fail.
    pub fn next_update_fails(&self) -> bool {
        self.fail_next_any_update
    }

    /// Makes the next update of `deployment_id` fail, or of any deployment when `None`.
    pub fn fail_next_update(&mut self, deployment_id: Option<&str>) -> Result<(), PlatformError> {
        match deployment_id {
            Some(id) => {
                self.record(id)?;
                self.fail_next_update.insert(id.to_string());
            }
            None => self.fail_next_any_update = true,
        }
        self.touch();
        Ok(())
    }

    /// Moves the platform to `now`: phases advance, statuses follow devices and dependencies,
    /// running components write logs, old idempotency keys are forgotten. A `now` earlier than
    /// the platform's time changes nothing (time never runs backwards).
    pub fn advance(&mut self, now: Millis) {
        let now = now.max(self.now);
        let config = self.config;
        let devices = self.devices.clone();
        let unpullable = self.unpullable_images.clone();
        let mut changed = false;
        for record in &mut self.records {
            changed |= record.advance_phases(&config, &devices, &unpullable, now);
        }
        changed |= self.refresh_statuses(&devices, now);
        if changed {
            self.touch();
        }
        for record in &mut self.records {
            logs::write_logs(record, &config, &mut self.rng, &mut self.log_seq, now);
        }
        self.idempotency
            .retain(|_, entry| now.since(entry.at) < IDEMPOTENCY_TTL_MS);
        self.now = now;
    }

    /// Statuses follow devices and dependencies, along whole dependency chains: repeated until
    /// nothing changes (at most one round per deployment, since no chain is longer than that).
    /// Returns whether any status changed.
    fn refresh_statuses(&mut self, devices: &[Device], now: Millis) -> bool {
        let mut any = false;
        for _ in 0..=self.records.len() {
            let views: BTreeMap<String, (Phase, Status)> = self
                .records
                .iter()
                .map(|r| {
                    let d = &r.deployment;
                    (d.deployment_id.clone(), (d.phase.clone(), d.status.clone()))
                })
                .collect();
            let mut changed = false;
            for record in &mut self.records {
                changed |= record.refresh_runtime_status(devices, &views, now);
            }
            any |= changed;
            if !changed {
                break;
            }
        }
        self.refresh_dependency_views();
        any
    }

    /// After an operation: dependants see the change at once, not at the next `advance`.
    fn settle(&mut self) {
        let devices = self.devices.clone();
        if self.refresh_statuses(&devices, self.now) {
            self.touch();
        }
    }

    fn refresh_dependency_views(&mut self) {
        let views: BTreeMap<String, crate::wire::DependencyStatus> = self
            .records
            .iter()
            .map(|r| {
                let d = &r.deployment;
                (
                    d.deployment_id.clone(),
                    crate::wire::DependencyStatus {
                        name: d.name.clone(),
                        phase: d.phase.clone(),
                        status: d.status.clone(),
                    },
                )
            })
            .collect();
        for record in &mut self.records {
            let deps: Vec<String> = record
                .deployment
                .dependent_deployments
                .iter()
                .map(|d| d.dependent_deployment_id.clone())
                .collect();
            record.deployment.dependent_deployment_status = deps
                .into_iter()
                .filter_map(|id| views.get(&id).map(|v| (id, v.clone())))
                .collect();
        }
    }
}

fn not_found(kind: &'static str, id: &str) -> PlatformError {
    PlatformError::NotFound {
        kind,
        id: id.to_string(),
    }
}
