//! Deployments as decoded: the status of each component and executable, dependencies, the phase
//! timeline, and the history of generations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::phase::{Phase, Status};

use super::{
    DependencyRef, Label, NetworkRef, RestartPolicy, Runtime, VolumeMount, codes, default_runtime,
    lenient_count, string_map, unknown_status,
};

tolerant_enum! {
    /// How one generation of a deployment ended.
    pub enum HistoryStatus {
        /// The generation started.
        Succeeded => "succeeded",
        /// The generation failed.
        Failed => "failed",
        /// Still being applied.
        InProgress => "in_progress",
    }
}

/// A deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Deployment ID.
    #[serde(rename = "deploymentId")]
    pub deployment_id: String,
    /// Name.
    pub name: String,
    /// Package ID.
    #[serde(rename = "packageId", default)]
    pub package_id: String,
    /// Package name.
    #[serde(rename = "packageName", default)]
    pub package_name: String,
    /// Package version.
    #[serde(rename = "packageVersion", default)]
    pub package_version: String,
    /// Plan ID.
    #[serde(rename = "planId", default)]
    pub plan_id: String,
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
    /// Error codes (string, list or null on the wire).
    #[serde(default, deserialize_with = "codes")]
    pub errors: Vec<String>,
    /// Current generation (starts at 1).
    #[serde(rename = "currentGeneration", default = "first_generation")]
    pub current_generation: u64,
    /// Who created it.
    #[serde(default)]
    pub creator: String,
    /// When it was created.
    #[serde(rename = "CreatedAt", default)]
    pub created_at: String,
    /// When its status last changed.
    #[serde(rename = "lastStatusUpdateTime", default)]
    pub last_status_update_time: String,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Dependencies.
    #[serde(rename = "dependentDeployments", default)]
    pub dependent_deployments: Vec<DependencyRef>,
    /// Phase and status of each dependency, by deployment ID.
    #[serde(rename = "dependentDeploymentStatus", default)]
    pub dependent_deployment_status: BTreeMap<String, DependencyStatus>,
    /// Routed networks.
    #[serde(rename = "routedNetworks", default)]
    pub routed_networks: Vec<NetworkRef>,
    /// Volumes.
    #[serde(default)]
    pub volumes: Vec<VolumeMount>,
    /// Per-component status (lists may omit it).
    #[serde(rename = "componentInfo", default)]
    pub component_info: Vec<ComponentInfo>,
    /// When each phase was entered, oldest first.
    #[serde(rename = "phaseTimeline", default)]
    pub phase_timeline: Vec<PhaseAt>,
}

fn first_generation() -> u64 {
    1
}

/// A dependency's name, phase and status, as its dependant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyStatus {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
}

/// The status of one component of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentInfo {
    /// Component ID.
    #[serde(rename = "componentID")]
    pub component_id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// cloud or device.
    #[serde(default = "default_runtime")]
    pub runtime: Runtime,
    /// The device, for device components.
    #[serde(rename = "deviceId", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The restart policy, for device components.
    #[serde(
        rename = "restartPolicy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub restart_policy: Option<RestartPolicy>,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
    /// Error codes (string, list or null on the wire).
    #[serde(rename = "errorCode", default, deserialize_with = "codes")]
    pub error_code: Vec<String>,
    /// Parameter values.
    #[serde(default, deserialize_with = "string_map")]
    pub parameters: BTreeMap<String, String>,
    /// Per-executable status.
    #[serde(rename = "executablesStatusInfo", default)]
    pub executables_status_info: Vec<ExecutableStatus>,
}

/// The status of one executable. A compound status on the wire ("Error ErrImagePull") is split:
/// the first word is the status, the rest the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawExecutableStatus")]
pub struct ExecutableStatus {
    /// Executable ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: Status,
    /// Why it is Pending or in Error.
    pub reason: String,
    /// Restarts so far.
    #[serde(rename = "restartCount")]
    pub restart_count: u64,
}

#[derive(Deserialize)]
struct RawExecutableStatus {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(rename = "restartCount", default, deserialize_with = "lenient_count")]
    restart_count: u64,
}

impl From<RawExecutableStatus> for ExecutableStatus {
    fn from(raw: RawExecutableStatus) -> Self {
        let (status, rest) = split_compound_status(&raw.status);
        let reason = raw
            .reason
            .map(|reason| reason.trim().to_string())
            .filter(|reason| !reason.is_empty())
            .unwrap_or(rest);
        ExecutableStatus {
            id: raw.id,
            name: raw.name,
            status,
            reason,
            restart_count: raw.restart_count,
        }
    }
}

/// Splits "Error ErrImagePull" into (Error, "ErrImagePull"); a single word has no reason.
pub fn split_compound_status(text: &str) -> (Status, String) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((first, rest)) if Status::parse(first) != Status::Unknown(first.to_string()) => {
            (Status::parse(first), rest.trim().to_string())
        }
        _ => (Status::parse(text), String::new()),
    }
}

/// When a phase was entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseAt {
    /// The phase.
    pub phase: Phase,
    /// When (RFC 3339).
    #[serde(default)]
    pub at: String,
}

/// One generation of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The generation.
    pub generation: u64,
    /// When it was applied (RFC 3339).
    #[serde(default)]
    pub time: String,
    /// Who applied it.
    #[serde(default)]
    pub user: String,
    /// How it ended (unknown, empty text, when absent).
    #[serde(default = "unknown_history_status")]
    pub status: HistoryStatus,
    /// Components it updated.
    #[serde(default)]
    pub components: Vec<String>,
    /// Error codes of a failed generation.
    #[serde(default, deserialize_with = "codes")]
    pub errors: Vec<String>,
    /// When each phase of this generation was entered, oldest first (the current
    /// generation's are the deployment's `phaseTimeline`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<PhaseAt>,
}

fn unknown_history_status() -> HistoryStatus {
    HistoryStatus::Unknown(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_status_is_split() {
        assert_eq!(
            split_compound_status("Error ErrImagePull"),
            (Status::Error, "ErrImagePull".into())
        );
        assert_eq!(
            split_compound_status("Pending  ContainerCreating"),
            (Status::Pending, "ContainerCreating".into())
        );
        assert_eq!(
            split_compound_status("Running"),
            (Status::Running, String::new())
        );
        assert_eq!(
            split_compound_status("Crash Loop"),
            (Status::Unknown("Crash Loop".into()), String::new())
        );
    }
}
