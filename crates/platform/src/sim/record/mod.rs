//! One deployment inside the simulator: its public view plus what the simulator needs to move
//! it along (when the current stage began, whether the running update will fail, its history
//! and when its components ran, which its log lines are made from). Every rule here looks at
//! this deployment and what it is given, never at the rest of the fleet.

mod stages;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::phase::{Phase, Status};
use crate::sim::SimConfig;
use crate::sim::logs::{self, LogSpan};
use crate::time::Millis;
use crate::wire::{
    ComponentInfo, DependencyStatus, Deployment, ExecutableStatus, HistoryEntry, HistoryStatus,
    NetworkRef, Package, PhaseAt, ProvisionRequest, RestartPolicy, RoutedNetwork, Runtime,
};

/// Device offline or unreachable.
pub const DEVICE_OFFLINE: &str = "DEP_E151";
/// Device executables exited early or failed to start.
pub const DEVICE_EXEC_FAILED: &str = "DEP_E152";
/// Cloud image could not be pulled.
pub const IMAGE_PULL_FAILED: &str = "DEP_E153";
/// Cloud executables failed.
pub const CLOUD_EXEC_FAILED: &str = "DEP_E155";
/// A dependency is in error.
pub const DEPENDENCY_ERROR: &str = "DEP_E156";

/// A deployment and the simulator's bookkeeping for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The public view.
    pub deployment: Deployment,
    /// Everything else (stored apart from the public view by the backend's databases).
    pub book: Book,
}

/// What the simulator keeps about a deployment besides its public view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Book {
    /// Generations, oldest first.
    pub history: Vec<HistoryEntry>,
    /// When it was created.
    pub created: Millis,
    /// When the current transient stage began.
    pub stage_started: Millis,
    /// Components being (re)created by the current generation.
    pub applying: Vec<String>,
    /// The running update was told to fail.
    pub failing: bool,
    /// Docker images of each component, for pull failures.
    pub images: BTreeMap<String, Vec<String>>,
    /// When which components ran (the latest few), which its log lines are made from.
    #[serde(default)]
    pub log_spans: Vec<LogSpan>,
    /// The resourceVersion of its latest change, given by the store that keeps it.
    #[serde(default)]
    pub version: u64,
}

impl Record {
    /// A new deployment, In progress, generation 1.
    pub fn new(
        id: String,
        request: &ProvisionRequest,
        package: &Package,
        networks: &[RoutedNetwork],
        user: &str,
        now: Millis,
    ) -> Record {
        let plan = package.plan(&request.plan_id);
        let components: Vec<ComponentInfo> = plan
            .map(|plan| plan.components.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|component| {
                let context = request.component_context.get(&component.component_id);
                let is_device = component.required_runtime == Runtime::Device;
                let mut parameters: BTreeMap<String, String> = component
                    .parameters
                    .iter()
                    .map(|p| (p.name.clone(), p.default.clone()))
                    .collect();
                if let Some(context) = context {
                    for (name, value) in &context.parameters {
                        parameters.insert(name.clone(), value.clone());
                    }
                }
                ComponentInfo {
                    component_id: component.component_id.clone(),
                    name: component.name.clone(),
                    runtime: component.required_runtime.clone(),
                    // Stored as validation read it (trimmed), so it names the device checked.
                    device_id: context
                        .and_then(|c| c.device_id.as_deref())
                        .map(str::trim)
                        .filter(|uuid| is_device && !uuid.is_empty())
                        .map(str::to_string),
                    restart_policy: is_device.then(|| {
                        context
                            .and_then(|c| c.restart_policy.clone())
                            .or_else(|| component.restart_policy.clone())
                            .unwrap_or(RestartPolicy::Always)
                    }),
                    status: Status::Pending,
                    error_code: Vec::new(),
                    parameters,
                    executables_status_info: component
                        .executables
                        .iter()
                        .map(|e| ExecutableStatus {
                            id: e.id.clone(),
                            name: e.name.clone(),
                            status: Status::Pending,
                            reason: "ContainerCreating".into(),
                            restart_count: 0,
                        })
                        .collect(),
                }
            })
            .collect();
        let images = plan
            .map(|plan| {
                plan.components
                    .iter()
                    .map(|c| {
                        (
                            c.component_id.clone(),
                            c.executables
                                .iter()
                                .filter_map(|e| e.docker.clone())
                                .collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let at = now.to_rfc3339();
        let all: Vec<String> = components.iter().map(|c| c.component_id.clone()).collect();
        let deployment = Deployment {
            deployment_id: id,
            name: request.name.trim().to_string(),
            package_id: package.summary.guid.clone(),
            package_name: package.summary.package_name.clone(),
            package_version: package.summary.package_version.clone(),
            plan_id: request.plan_id.clone(),
            phase: Phase::InProgress,
            status: Status::Pending,
            errors: Vec::new(),
            current_generation: 1,
            creator: user.to_string(),
            created_at: at.clone(),
            last_status_update_time: at.clone(),
            // Stored as validation read them, so a selector (`site:tokyo`) finds them.
            labels: request
                .labels
                .iter()
                .map(|label| crate::wire::Label {
                    key: label.key.trim().to_string(),
                    value: label.value.trim().to_string(),
                })
                .collect(),
            dependent_deployments: request.dependent_deployments.clone(),
            dependent_deployment_status: BTreeMap::new(),
            routed_networks: request
                .routed_networks
                .iter()
                .map(|r| NetworkRef {
                    guid: r.guid.clone(),
                    name: networks
                        .iter()
                        .find(|n| n.guid == r.guid)
                        .map(|n| n.name.clone()),
                })
                .collect(),
            volumes: request.volumes.clone(),
            component_info: components,
            phase_timeline: vec![PhaseAt {
                phase: Phase::InProgress,
                at: at.clone(),
            }],
        };
        Record {
            deployment,
            book: Book {
                history: vec![HistoryEntry {
                    generation: 1,
                    time: at,
                    user: user.to_string(),
                    status: HistoryStatus::InProgress,
                    components: all.clone(),
                    errors: Vec::new(),
                    phases: Vec::new(),
                }],
                created: now,
                stage_started: now,
                applying: all,
                failing: false,
                images,
                log_spans: Vec::new(),
                version: 0,
            },
        }
    }

    /// The devices its components run on.
    pub fn device_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .deployment
            .component_info
            .iter()
            .filter_map(|c| c.device_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The deployments it depends on or mounts as a volume.
    pub fn linked_ids(&self) -> Vec<String> {
        let d = &self.deployment;
        let mut ids: Vec<String> = d
            .dependent_deployments
            .iter()
            .map(|r| r.dependent_deployment_id.clone())
            .chain(d.volumes.iter().map(|v| v.deployment_id.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// When its current stage is due to end, if it is in a transient one.
    pub fn due(&self, config: &SimConfig) -> Option<Millis> {
        match self.deployment.phase {
            Phase::InProgress => Some(self.book.stage_started.plus(config.in_progress_ms)),
            Phase::Provisioning => Some(self.book.stage_started.plus(config.provisioning_ms)),
            _ => None,
        }
    }

    /// Starts the log spans of a record restored from a state written before spans existed:
    /// its running components write from when it entered its current phase.
    pub fn resume_logs(&mut self, config: &SimConfig) {
        if self.book.log_spans.is_empty() {
            let at = self.book.stage_started;
            logs::note(self, at, config.log_every_ms);
        }
    }

    /// Shows the phase and status of each dependency as `views` give them; whether that
    /// changed anything.
    pub fn refresh_dependency_views(&mut self, views: &BTreeMap<String, DependencyStatus>) -> bool {
        let deployment = &mut self.deployment;
        let shown: BTreeMap<String, DependencyStatus> = deployment
            .dependent_deployments
            .iter()
            .filter_map(|d| {
                let id = &d.dependent_deployment_id;
                views.get(id).map(|view| (id.clone(), view.clone()))
            })
            .collect();
        let changed = shown != deployment.dependent_deployment_status;
        deployment.dependent_deployment_status = shown;
        changed
    }
}
