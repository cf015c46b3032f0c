//! Rollouts in the simulated platform (docs/api.md, "Fleet rollouts and bulk actions"): made
//! from a request ([`create`]), moved on when one of their deployments changes ([`follow`],
//! which the engine calls after every change), paused, resumed and aborted ([`act`]). A
//! rollout is one row; moving it on reads that row and makes its next wave, never the fleet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::errors::{FieldError, PlatformError};
use crate::rollout::{
    self, Rollout, RolloutRequest, RolloutState, RolloutTarget, TargetPhase, TargetPreview,
};
use crate::sim::engine::{self, Fail, IdempotencyEntry, Rows, store};
use crate::sim::{SimConfig, record::Record};
use crate::time::Millis;
use crate::wire::{Deployment, Package};

mod request;
use request::{as_rollout_field, deployment_request, labels_errors};

/// The label every deployment a rollout makes carries, with the rollout's ID as its value.
pub const LABEL: &str = "rollout";

/// A rollout with what it was asked for (each wave's deployments are made from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolloutRecord {
    /// The rollout as the API shows it.
    pub rollout: Rollout,
    /// What it was made from.
    pub request: RolloutRequest,
    /// The store's version of the row when it was read (0: never stored).
    #[serde(skip)]
    pub version: u64,
}

impl RolloutRecord {
    /// Gives the targets changed since the record was read the resourceVersion `version` of
    /// the write that saves it (stores call this as they save).
    pub fn stamp(&mut self, version: u64) {
        for target in &mut self.rollout.targets {
            if target.changed {
                target.resource_version = version;
                target.changed = false;
            }
        }
    }
}

/// A person's action on a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// **Pause**.
    Pause,
    /// **Resume**: failed targets are tried again (their failed deployments deprovisioned,
    /// new ones made), then the waves go on.
    Resume,
    /// **Abort**.
    Abort,
}

impl Action {
    /// The action a path's last segment names (`pause`, `resume`, `abort`).
    pub fn parse(segment: &str) -> Option<Action> {
        match segment {
            "pause" => Some(Action::Pause),
            "resume" => Some(Action::Resume),
            "abort" => Some(Action::Abort),
            _ => None,
        }
    }
}

/// The key a rollout's `Idempotency-Key` is remembered under (apart from deployments').
fn stored_key(key: &str) -> String {
    format!("rollout\u{1f}{key}")
}

/// `POST /rollouts`: checks the request (the platform's plan, then the first target's
/// deployment as the deploy form would), makes the rollout and its first wave. With an
/// idempotency key, the same key and body within 24 h returns the rollout it made.
pub fn create<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &RolloutRequest,
    user: &str,
    now: Millis,
    idempotency_key: Option<&str>,
) -> Result<Rollout, Fail<R::Error>> {
    store(engine::catch_up(rows, config, now))?;
    let body = serde_json::to_string(request).unwrap_or_default();
    if let Some(key) = idempotency_key
        && let Some(entry) = store(rows.idempotency(&stored_key(key), now))?
    {
        if entry.body != body {
            return Err(PlatformError::IdempotencyMismatch.into());
        }
        return store(rows.rollout(&entry.deployment_id))?
            .map(|r| r.rollout)
            .ok_or_else(|| PlatformError::not_found("rollout", &entry.deployment_id).into());
    }
    let Some(package) = store(rows.package(&request.package_id))? else {
        return Err(PlatformError::Validation(vec![FieldError::new(
            "packageId",
            format!("No package with ID {} exists.", request.package_id),
        )])
        .into());
    };
    let labels = rollout::selector_query(request).labels;
    let devices = if labels.is_empty() {
        Vec::new()
    } else {
        store(rows.labelled_devices(&labels))?
    };
    let targets = rollout::plan(request, &package, &devices).map_err(PlatformError::Validation)?;
    let mut errors = labels_errors(request);
    if let Some(first) = targets.first() {
        let sample = deployment_request(request, "ro-check", first);
        if let Err(Fail::Refused(PlatformError::Validation(found))) = engine::check(rows, &sample) {
            errors.extend(found.into_iter().map(|e| as_rollout_field(e, request)));
        }
    }
    if !errors.is_empty() {
        return Err(PlatformError::Validation(errors).into());
    }
    let id = store(rows.new_rollout_id())?;
    let mut record = RolloutRecord {
        rollout: new_rollout(&id, request, &package, &targets, user, now),
        request: request.clone(),
        version: 0,
    };
    store(step(rows, config, &mut record, now))?;
    store(rows.save_rollout(&record))?;
    if let Some(key) = idempotency_key {
        let entry = IdempotencyEntry {
            body,
            deployment_id: id,
            at: now,
        };
        store(rows.remember(&stored_key(key), &entry))?;
    }
    Ok(record.rollout)
}

/// A rollout at wave 0 over `targets` (compatible, in the order waves take them).
fn new_rollout(
    id: &str,
    request: &RolloutRequest,
    package: &Package,
    targets: &[TargetPreview],
    user: &str,
    now: Millis,
) -> Rollout {
    let waves = rollout::assign(&request.waves, targets.len());
    let targets: Vec<RolloutTarget> = targets
        .iter()
        .zip(waves)
        .map(|(t, wave)| RolloutTarget::new(&t.device_id, &t.device_name, &t.name, wave))
        .collect();
    Rollout {
        rollout_id: id.to_string(),
        package_id: package.summary.guid.clone(),
        package_name: package.summary.package_name.clone(),
        package_version: package.summary.package_version.clone(),
        state: RolloutState::Running,
        halt_reason: None,
        creator: user.to_string(),
        created_at: now.to_rfc3339(),
        wave: 0,
        waves: request.waves.clone(),
        max_failures: request.max_failures,
        counts: rollout::counts(&targets),
        wave_counts: Vec::new(),
        failed_targets: Vec::new(),
        targets,
    }
}

/// Decides and acts until the rollout waits for its deployments: starts the waves that are
/// due (a start the platform refuses counts as a failure), halts, or succeeds.
fn step<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    record: &mut RolloutRecord,
    now: Millis,
) -> Result<(), R::Error> {
    // Each round starts a wave or ends; a wave is never started twice.
    for _ in 0..=record.rollout.targets.len() {
        let r = &record.rollout;
        let phases: Vec<(u32, TargetPhase)> = r
            .targets
            .iter()
            .map(|t| (t.wave, t.target_phase()))
            .collect();
        let names: Vec<String> = r.targets.iter().map(|t| t.device_name.clone()).collect();
        let decision = rollout::decide(r.state, r.wave, r.max_failures, &phases, &names);
        let rollout = &mut record.rollout;
        rollout.state = decision.state;
        rollout.wave = decision.wave;
        if decision.state == RolloutState::Halted {
            if decision.halt_reason.is_some() {
                rollout.halt_reason = decision.halt_reason;
            }
        } else {
            rollout.halt_reason = None;
        }
        if decision.start.is_empty() {
            break;
        }
        for index in decision.start {
            start(rows, config, record, index, now)?;
        }
    }
    record.rollout.counts = rollout::counts(&record.rollout.targets);
    Ok(())
}

/// Makes target `index`'s deployment, or notes why the platform refused it.
fn start<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    record: &mut RolloutRecord,
    index: usize,
    now: Millis,
) -> Result<(), R::Error> {
    let Some(target) = record.rollout.targets.get(index) else {
        return Ok(());
    };
    let preview = TargetPreview {
        device_id: target.device_id.clone(),
        device_name: target.device_name.clone(),
        name: target.name.clone(),
        compatible: true,
        reasons: Vec::new(),
    };
    let request = deployment_request(&record.request, &record.rollout.rollout_id, &preview);
    let made = engine::make(rows, config, &request, &record.rollout.creator, now);
    let Some(target) = record.rollout.targets.get_mut(index) else {
        return Ok(());
    };
    match made {
        Ok(made) => sync(target, &made.deployment),
        Err(Fail::Refused(error)) => {
            target.refused = Some(refusal(&error));
            target.changed = true;
        }
        Err(Fail::Store(error)) => return Err(error),
    }
    Ok(())
}

/// The platform's refusal as one sentence (a validation's field messages, not its count).
fn refusal(error: &PlatformError) -> String {
    match error {
        PlatformError::Validation(errors) if !errors.is_empty() => errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// `target` as its deployment now is (marked changed when that differs from what it showed).
fn sync(target: &mut RolloutTarget, deployment: &Deployment) {
    let deployment_id = Some(deployment.deployment_id.clone());
    let phase = Some(deployment.phase.clone());
    let status = Some(deployment.status.clone());
    let errors = (!deployment.errors.is_empty()).then(|| deployment.errors.clone());
    if target.deployment_id != deployment_id
        || target.phase != phase
        || target.status != status
        || target.errors != errors
        || target.refused.is_some()
    {
        target.deployment_id = deployment_id;
        target.phase = phase;
        target.status = status;
        target.errors = errors;
        target.refused = None;
        target.changed = true;
    }
}

/// After the deployments `changed` changed: each rollout one of them belongs to (by its
/// `rollout` label) takes their phases and moves on. Reads the changed deployments and their
/// rollouts, nothing else.
pub fn follow<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    changed: &[String],
    now: Millis,
) -> Result<(), R::Error> {
    let mut by_rollout: BTreeMap<String, Vec<Deployment>> = BTreeMap::new();
    for id in changed {
        if let Some(Record { deployment, .. }) = rows.record(id)?
            && let Some(label) = deployment.labels.iter().find(|l| l.key == LABEL)
        {
            by_rollout
                .entry(label.value.clone())
                .or_default()
                .push(deployment);
        }
    }
    for (id, deployments) in by_rollout {
        let Some(mut record) = rows.rollout(&id)? else {
            continue;
        };
        let mut ours = false;
        for deployment in &deployments {
            let mine = Some(deployment.deployment_id.as_str());
            if let Some(target) = record
                .rollout
                .targets
                .iter_mut()
                .find(|t| t.deployment_id.as_deref() == mine)
            {
                sync(target, deployment);
                ours = true;
            }
        }
        if ours {
            step(rows, config, &mut record, now)?;
            rows.save_rollout(&record)?;
        }
    }
    Ok(())
}

/// **Pause**, **Resume** or **Abort** `id`; refused (409) when its state does not allow it.
pub fn act<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    id: &str,
    action: Action,
    now: Millis,
) -> Result<Rollout, Fail<R::Error>> {
    store(engine::catch_up(rows, config, now))?;
    let mut record =
        store(rows.rollout(id))?.ok_or_else(|| PlatformError::not_found("rollout", id))?;
    let state = record.rollout.state;
    let mut retired = Vec::new();
    record.rollout.state = match action {
        Action::Pause => state.pause()?,
        Action::Abort => state.abort()?,
        Action::Resume => state.resume()?,
    };
    if action == Action::Resume {
        record.rollout.halt_reason = None;
        // Failed targets start again, each with a new deployment.
        for index in 0..record.rollout.targets.len() {
            let target = &mut record.rollout.targets[index];
            if target.target_phase().failed() {
                retired.extend(target.deployment_id.take());
                *target = RolloutTarget::new(
                    &target.device_id,
                    &target.device_name,
                    &target.name,
                    target.wave,
                );
                store(start(rows, config, &mut record, index, now))?;
            }
        }
    }
    store(step(rows, config, &mut record, now))?;
    store(rows.save_rollout(&record))?;
    // The failed deployments go; no target names them any more, so this rollout is not read
    // again for them.
    for old in retired {
        match engine::deprovision(rows, config, &old, now) {
            Ok(_) | Err(Fail::Refused(_)) => {}
            Err(Fail::Store(error)) => return Err(Fail::Store(error)),
        }
    }
    store(rows.rollout(id))?
        .map(|r| r.rollout)
        .ok_or_else(|| PlatformError::not_found("rollout", id).into())
}
