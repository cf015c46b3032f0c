//! The simulated platform's operations over any store of deployments: the in-memory
//! [`Platform`](super::Platform) of demo mode, and the backend's databases. Each operation
//! reads and writes only the rows it concerns (the deployment, its devices, what it depends on
//! and what depends on it), never the whole fleet:
//! - phases move from each deployment's own recorded times, when [`catch_up`] visits the
//!   deployments whose stage is due (a store finds them by an index);
//! - a change of phase or status reaches the deployments that depend on it, along whole chains;
//! - a device going offline or online reaches the deployments on that device.

use std::collections::{BTreeMap, VecDeque};

use crate::errors::{FieldError, PlatformError};
use crate::phase::Phase;
use crate::rules::{World, update::check_update, validate::validate_provision};
use crate::sim::{SimConfig, record::Record, rollouts};

pub use crate::sim::rows::{Fail, IdempotencyEntry, Rows, key_is_fresh};
use crate::time::Millis;
use crate::wire::{
    DependencyStatus, Deployment, Device, DeviceStatus, ProvisionRequest, UpdateRequest,
};

/// Most deployments one change may reach through dependency chains (a guard against cycles a
/// hand-edited store could hold).
const MAX_CASCADE: usize = 100_000;

/// `Ok` or the store's error, for `?` inside operations.
pub(crate) fn store<T, E>(result: Result<T, E>) -> Result<T, Fail<E>> {
    result.map_err(Fail::Store)
}

/// Moves every deployment whose stage is due at `now` through its stages, and what depends on
/// them. Costs what is due, not what the fleet holds.
pub fn catch_up<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    now: Millis,
) -> Result<(), R::Error> {
    let ids = rows.due(
        now.plus(-config.in_progress_ms),
        now.plus(-config.provisioning_ms),
    )?;
    if ids.is_empty() {
        return Ok(());
    }
    let unpullable = rows.unpullable_images()?;
    let mut moved = Vec::new();
    for id in ids {
        let Some(mut record) = rows.record(&id)? else {
            continue;
        };
        let devices = devices_of(rows, &record)?;
        if record.advance_phases(config, &devices, &unpullable, now) {
            refresh(rows, &mut record, &devices, config, now)?;
            rows.save(&record)?;
            moved.push(id);
        }
    }
    cascade(rows, moved, config, now)
}

/// Deploys a package. With an idempotency key, the same key and body within 24 h returns the
/// deployment it created (as it is now) and creates nothing; another body is refused.
pub fn provision<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &ProvisionRequest,
    user: &str,
    now: Millis,
    idempotency_key: Option<&str>,
) -> Result<Deployment, Fail<R::Error>> {
    store(catch_up(rows, config, now))?;
    let body = serde_json::to_string(request).unwrap_or_default();
    if let Some(key) = idempotency_key
        && let Some(entry) = store(rows.idempotency(key, now))?
    {
        if entry.body != body {
            return Err(PlatformError::IdempotencyMismatch.into());
        }
        return store(rows.record(&entry.deployment_id))?
            .map(|r| r.deployment)
            .ok_or_else(|| PlatformError::not_found("deployment", &entry.deployment_id).into());
    }
    let record = make(rows, config, request, user, now)?;
    let id = record.deployment.deployment_id.clone();
    if let Some(key) = idempotency_key {
        let entry = IdempotencyEntry {
            body,
            deployment_id: id,
            at: now,
        };
        store(rows.remember(key, &entry))?;
    }
    Ok(record.deployment)
}

/// Makes a deployment of `request` (checked against the package and the world it names),
/// without moving time or remembering keys: what [`provision`] and a rollout's waves share.
pub(crate) fn make<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &ProvisionRequest,
    user: &str,
    now: Millis,
) -> Result<Record, Fail<R::Error>> {
    let (package, networks) = check(rows, request)?;
    let id = store(rows.new_deployment_id())?;
    let mut record = Record::new(id, request, &package, &networks, user, now);
    let devices = store(devices_of(rows, &record))?;
    store(refresh(rows, &mut record, &devices, config, now))?;
    store(rows.insert(&record))?;
    Ok(record)
}

/// Checks `request` against its package and the devices, dependencies, volumes and networks it
/// names: the package and the networks when it can be deployed, the field errors otherwise.
pub(crate) fn check<R: Rows + ?Sized>(
    rows: &mut R,
    request: &ProvisionRequest,
) -> Result<(crate::wire::Package, Vec<crate::wire::RoutedNetwork>), Fail<R::Error>> {
    let Some(package) = store(rows.package(&request.package_id))? else {
        return Err(PlatformError::Validation(vec![FieldError::new(
            "packageId",
            format!("No package with ID {} exists.", request.package_id),
        )])
        .into());
    };
    // The world the rules look at: the devices, dependencies and volumes the request names.
    let mut devices = Vec::new();
    for context in request.component_context.values() {
        if let Some(uuid) = context.device_id.as_deref().map(str::trim)
            && let Some(device) = store(rows.device(uuid))?
        {
            devices.push(device);
        }
    }
    let mut deployments = Vec::new();
    let linked = request
        .dependent_deployments
        .iter()
        .map(|d| d.dependent_deployment_id.as_str())
        .chain(request.volumes.iter().map(|v| v.deployment_id.as_str()));
    for id in linked {
        if let Some(record) = store(rows.record(id))? {
            deployments.push(record.deployment);
        }
    }
    let networks = store(rows.networks())?;
    let world = World {
        devices: &devices,
        networks: &networks,
        deployments: &deployments,
    };
    let errors = validate_provision(request, &package, &world);
    if !errors.is_empty() {
        return Err(PlatformError::Validation(errors).into());
    }
    Ok((package, networks))
}

/// Updates components in place: Provisioning at once, generation + 1, a new history entry.
pub fn update<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    id: &str,
    request: &UpdateRequest,
    user: &str,
    now: Millis,
) -> Result<Deployment, Fail<R::Error>> {
    store(catch_up(rows, config, now))?;
    let mut record =
        store(rows.record(id))?.ok_or_else(|| PlatformError::not_found("deployment", id))?;
    let devices = store(devices_of(rows, &record))?;
    check_update(&record.deployment, request, &devices)?;
    let fail = store(rows.take_update_failure(id))?;
    record.start_update(request, user, fail, now, config.log_every_ms);
    store(refresh(rows, &mut record, &devices, config, now))?;
    store(rows.save(&record))?;
    store(cascade(rows, vec![id.to_string()], config, now))?;
    Ok(record.deployment)
}

/// Deprovisions: Deployment stopped, or Partially deprovisioned when a device is offline
/// (deprovisioning again finishes it). Refused while a live deployment depends on it or mounts
/// it as a volume.
pub fn deprovision<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    id: &str,
    now: Millis,
) -> Result<Deployment, Fail<R::Error>> {
    store(catch_up(rows, config, now))?;
    let mut record =
        store(rows.record(id))?.ok_or_else(|| PlatformError::not_found("deployment", id))?;
    if record.deployment.phase == Phase::DeploymentStopped {
        return Ok(record.deployment);
    }
    let mut by = Vec::new();
    for dependant in store(rows.dependants(id))? {
        if let Some(other) = store(rows.record(&dependant))?
            && other.deployment.deployment_id != id
            && other.deployment.phase.is_live()
        {
            by.push(other.deployment.name);
        }
    }
    if !by.is_empty() {
        by.sort();
        return Err(PlatformError::InUse { by }.into());
    }
    let devices = store(devices_of(rows, &record))?;
    record.deprovision(&devices, now, config.log_every_ms);
    store(refresh(rows, &mut record, &devices, config, now))?;
    store(rows.save(&record))?;
    store(cascade(rows, vec![id.to_string()], config, now))?;
    Ok(record.deployment)
}

/// Takes a device offline or brings it back online; the deployments on it follow.
pub fn set_device_online<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    uuid: &str,
    online: bool,
    now: Millis,
) -> Result<Device, Fail<R::Error>> {
    store(catch_up(rows, config, now))?;
    let mut device =
        store(rows.device(uuid))?.ok_or_else(|| PlatformError::not_found("device", uuid))?;
    device.status = if online {
        DeviceStatus::Online
    } else {
        DeviceStatus::Offline
    };
    device.last_online = now.to_rfc3339();
    store(rows.save_device(&device))?;
    store(follow_device(rows, config, uuid, now))?;
    Ok(device)
}

/// After the device `uuid` changed: the deployments on it, and what depends on them, follow.
pub fn follow_device<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    uuid: &str,
    now: Millis,
) -> Result<(), R::Error> {
    let mut changed = Vec::new();
    for id in rows.on_device(uuid)? {
        if let Some(mut record) = rows.record(&id)? {
            let devices = devices_of(rows, &record)?;
            if refresh(rows, &mut record, &devices, config, now)? {
                rows.save(&record)?;
                changed.push(id);
            }
        }
    }
    cascade(rows, changed, config, now)
}

/// Makes the next update of `deployment_id` fail, or of any deployment when `None`.
pub fn fail_next_update<R: Rows + ?Sized>(
    rows: &mut R,
    deployment_id: Option<&str>,
) -> Result<(), Fail<R::Error>> {
    if let Some(id) = deployment_id
        && store(rows.record(id))?.is_none()
    {
        return Err(PlatformError::not_found("deployment", id).into());
    }
    store(rows.set_update_failure(deployment_id))
}

/// The devices `record`'s components run on.
fn devices_of<R: Rows + ?Sized>(rows: &mut R, record: &Record) -> Result<Vec<Device>, R::Error> {
    let mut devices = Vec::new();
    for uuid in record.device_ids() {
        if let Some(device) = rows.device(&uuid)? {
            devices.push(device);
        }
    }
    Ok(devices)
}

/// Brings `record`'s view of its dependencies and its running status up to date (what follows
/// from its devices and dependencies); whether anything changed.
fn refresh<R: Rows + ?Sized>(
    rows: &mut R,
    record: &mut Record,
    devices: &[Device],
    config: &SimConfig,
    now: Millis,
) -> Result<bool, R::Error> {
    let mut views = BTreeMap::new();
    for reference in &record.deployment.dependent_deployments {
        let id = &reference.dependent_deployment_id;
        if let Some(dependency) = rows.record(id)? {
            let d = dependency.deployment;
            views.insert(
                id.clone(),
                DependencyStatus {
                    name: d.name,
                    phase: d.phase,
                    status: d.status,
                },
            );
        }
    }
    let shown = record.refresh_dependency_views(&views);
    let status = record.refresh_runtime_status(devices, &views, now, config.log_every_ms);
    Ok(shown || status)
}

/// After the deployments `changed` changed: every deployment that depends on one of them is
/// refreshed, and so on along the chains, until nothing more changes; then the rollouts any of
/// them belong to follow.
fn cascade<R: Rows + ?Sized>(
    rows: &mut R,
    changed: Vec<String>,
    config: &SimConfig,
    now: Millis,
) -> Result<(), R::Error> {
    let mut all = changed.clone();
    let mut queue: VecDeque<String> = changed.into();
    let mut visits = 0;
    while let Some(id) = queue.pop_front() {
        for dependant in rows.dependants(&id)? {
            visits += 1;
            if visits > MAX_CASCADE {
                return rollouts::follow(rows, config, &all, now);
            }
            let Some(mut record) = rows.record(&dependant)? else {
                continue;
            };
            let devices = devices_of(rows, &record)?;
            if refresh(rows, &mut record, &devices, config, now)? {
                rows.save(&record)?;
                all.push(dependant.clone());
                queue.push_back(dependant);
            }
        }
    }
    // The rollouts these deployments belong to move on (their next wave, a halt, success).
    rollouts::follow(rows, config, &all, now)
}
