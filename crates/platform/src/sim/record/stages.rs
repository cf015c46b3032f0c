//! How a record moves through its stages: an update started, a deprovision, the stages whose
//! time has come (In progress, then Provisioning, then how provisioning ended), and the status
//! of a running deployment as its devices and dependencies change.

use std::collections::{BTreeMap, BTreeSet};

use crate::phase::{Phase, Status};
use crate::sim::SimConfig;
use crate::sim::logs;
use crate::time::Millis;
use crate::wire::{
    DependencyStatus, Device, HistoryEntry, HistoryStatus, PhaseAt, Runtime, UpdateRequest,
};

use super::{
    CLOUD_EXEC_FAILED, DEPENDENCY_ERROR, DEVICE_EXEC_FAILED, DEVICE_OFFLINE, IMAGE_PULL_FAILED,
    Record,
};

impl Record {
    fn enter(&mut self, phase: Phase, status: Status, at: Millis, log_every: i64) {
        let deployment = &mut self.deployment;
        if deployment.phase != phase {
            deployment.phase_timeline.push(PhaseAt {
                phase: phase.clone(),
                at: at.to_rfc3339(),
            });
            deployment.phase = phase;
        }
        if deployment.status != status {
            deployment.status = status;
        }
        deployment.last_status_update_time = at.to_rfc3339();
        self.book.stage_started = at;
        logs::note(self, at, log_every);
    }

    /// Starts an update: generation + 1, Provisioning, the chosen components Pending.
    pub fn start_update(
        &mut self,
        request: &UpdateRequest,
        user: &str,
        fail: bool,
        now: Millis,
        log_every: i64,
    ) {
        let generation = self.deployment.current_generation.saturating_add(1);
        self.deployment.current_generation = generation;
        self.deployment.errors.clear();
        self.book.applying = request.components.clone();
        self.book.failing = fail;
        for component in &mut self.deployment.component_info {
            if self.book.applying.contains(&component.component_id) {
                component.status = Status::Pending;
                component.error_code.clear();
                for executable in &mut component.executables_status_info {
                    executable.status = Status::Pending;
                    executable.reason = "ContainerCreating".into();
                    executable.restart_count = 0;
                }
            }
        }
        // The deployment carries its current generation's phases; the ones before go with
        // their generation into the history.
        if let Some(previous) = self.book.history.last_mut() {
            previous.phases = std::mem::take(&mut self.deployment.phase_timeline);
        }
        self.book.history.push(HistoryEntry {
            generation,
            time: now.to_rfc3339(),
            user: user.to_string(),
            status: HistoryStatus::InProgress,
            components: request.components.clone(),
            errors: Vec::new(),
            phases: Vec::new(),
        });
        self.enter(Phase::Provisioning, Status::Pending, now, log_every);
    }

    /// Stops every component; components on offline devices cannot be stopped yet.
    pub fn deprovision(&mut self, devices: &[Device], now: Millis, log_every: i64) {
        let retry = self.deployment.phase == Phase::PartiallyDeprovisioned;
        let mut stuck = false;
        for component in &mut self.deployment.component_info {
            let offline = component.runtime == Runtime::Device
                && !device_online(devices, component.device_id.as_deref());
            if offline && !retry {
                stuck = true;
                component.status = Status::Error;
                component.error_code = vec![DEVICE_OFFLINE.into()];
            } else {
                component.status = Status::Stopped;
                component.error_code.clear();
                for executable in &mut component.executables_status_info {
                    executable.status = Status::Stopped;
                    executable.reason.clear();
                }
            }
        }
        if let Some(entry) = self.book.history.last_mut()
            && entry.status == HistoryStatus::InProgress
        {
            entry.status = HistoryStatus::Failed;
        }
        self.book.applying.clear();
        self.book.failing = false;
        if stuck {
            self.deployment.errors = vec![DEVICE_OFFLINE.into()];
            self.enter(Phase::PartiallyDeprovisioned, Status::Error, now, log_every);
        } else {
            self.deployment.errors.clear();
            self.enter(Phase::DeploymentStopped, Status::Stopped, now, log_every);
        }
    }

    /// Moves through the stages whose time has come, in order, at the times they were due.
    /// Returns whether it entered any stage (phase, status or history changed).
    pub fn advance_phases(
        &mut self,
        config: &SimConfig,
        devices: &[Device],
        unpullable: &BTreeSet<String>,
        now: Millis,
    ) -> bool {
        let mut moved = false;
        loop {
            match self.deployment.phase {
                Phase::InProgress => {
                    let due = self.book.stage_started.plus(config.in_progress_ms);
                    if now < due {
                        return moved;
                    }
                    self.enter(
                        Phase::Provisioning,
                        Status::Pending,
                        due,
                        config.log_every_ms,
                    );
                }
                Phase::Provisioning => {
                    let due = self.book.stage_started.plus(config.provisioning_ms);
                    if now < due {
                        return moved;
                    }
                    self.finish_provisioning(devices, unpullable, due, config.log_every_ms);
                }
                _ => return moved,
            }
            moved = true;
        }
    }

    fn finish_provisioning(
        &mut self,
        devices: &[Device],
        unpullable: &BTreeSet<String>,
        at: Millis,
        log_every: i64,
    ) {
        let first_start = self.deployment.current_generation == 1;
        let mut codes: Vec<String> = Vec::new();
        let failing = self.book.failing;
        let first_applying = self.book.applying.first().cloned();
        for component in &mut self.deployment.component_info {
            if !self.book.applying.contains(&component.component_id) {
                continue;
            }
            let mut code = None;
            let mut reason = "";
            if component.runtime == Runtime::Device
                && !device_online(devices, component.device_id.as_deref())
            {
                code = Some(DEVICE_OFFLINE);
                reason = "DeviceOffline";
            } else if self
                .book
                .images
                .get(&component.component_id)
                .is_some_and(|images| images.iter().any(|image| unpullable.contains(image)))
            {
                code = Some(IMAGE_PULL_FAILED);
                reason = "ErrImagePull";
            } else if failing && first_applying.as_ref() == Some(&component.component_id) {
                code = Some(if component.runtime == Runtime::Device {
                    DEVICE_EXEC_FAILED
                } else {
                    CLOUD_EXEC_FAILED
                });
                reason = "CrashLoopBackOff";
            }
            match code {
                Some(code) => {
                    component.status = Status::Error;
                    component.error_code = vec![code.to_string()];
                    for executable in &mut component.executables_status_info {
                        executable.status = Status::Error;
                        executable.reason = reason.to_string();
                    }
                    if !codes.iter().any(|c| c == code) {
                        codes.push(code.to_string());
                    }
                }
                None => {
                    component.status = Status::Running;
                    component.error_code.clear();
                    for executable in &mut component.executables_status_info {
                        executable.status = Status::Running;
                        executable.reason.clear();
                    }
                }
            }
        }
        let succeeded = codes.is_empty();
        if let Some(entry) = self.book.history.last_mut() {
            entry.status = if succeeded {
                HistoryStatus::Succeeded
            } else {
                HistoryStatus::Failed
            };
            entry.errors = codes.clone();
        }
        self.deployment.errors = codes;
        self.book.applying.clear();
        self.book.failing = false;
        let phase = match (succeeded, first_start) {
            (true, _) => Phase::Succeeded,
            (false, true) => Phase::FailedToStart,
            (false, false) => Phase::FailedToUpdate,
        };
        let status = if succeeded {
            Status::Running
        } else {
            Status::Error
        };
        self.enter(phase, status, at, log_every);
    }

    /// For a Succeeded deployment: components on offline devices are in Error (DEP_E151), a
    /// dependency that is not running puts it in Error (DEP_E156); otherwise it runs. Returns
    /// whether anything changed (a component, the deployment's status or errors, its logs).
    pub fn refresh_runtime_status(
        &mut self,
        devices: &[Device],
        views: &BTreeMap<String, DependencyStatus>,
        now: Millis,
        log_every: i64,
    ) -> bool {
        if self.deployment.phase != Phase::Succeeded {
            return false;
        }
        let mut codes: Vec<String> = Vec::new();
        let mut changed = false;
        for component in &mut self.deployment.component_info {
            let offline = component.runtime == Runtime::Device
                && !device_online(devices, component.device_id.as_deref());
            let (status, reason) = if offline {
                (Status::Error, "DeviceOffline")
            } else {
                (Status::Running, "")
            };
            let component_codes: Vec<String> = if offline {
                if !codes.iter().any(|c| c == DEVICE_OFFLINE) {
                    codes.push(DEVICE_OFFLINE.into());
                }
                vec![DEVICE_OFFLINE.into()]
            } else {
                Vec::new()
            };
            if component.error_code != component_codes || component.status != status {
                component.error_code = component_codes;
                component.status = status.clone();
                changed = true;
            }
            for executable in &mut component.executables_status_info {
                if executable.status != status || executable.reason != reason {
                    executable.status = status.clone();
                    executable.reason = reason.into();
                    changed = true;
                }
            }
        }
        let dependency_down = self.deployment.dependent_deployments.iter().any(|d| {
            views
                .get(&d.dependent_deployment_id)
                .is_none_or(|view| view.phase != Phase::Succeeded || view.status != Status::Running)
        });
        if dependency_down {
            codes.push(DEPENDENCY_ERROR.into());
        }
        let status = if codes.is_empty() {
            Status::Running
        } else {
            Status::Error
        };
        changed |= logs::note(self, now, log_every);
        if self.deployment.status == status && self.deployment.errors == codes {
            return changed;
        }
        self.deployment.status = status;
        self.deployment.errors = codes;
        self.deployment.last_status_update_time = now.to_rfc3339();
        true
    }
}

fn device_online(devices: &[Device], uuid: Option<&str>) -> bool {
    uuid.and_then(|uuid| devices.iter().find(|d| d.uuid == uuid))
        .is_some_and(Device::is_online)
}
