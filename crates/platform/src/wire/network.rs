//! Routed networks, with their own phase and status.

use serde::{Deserialize, Serialize};

use crate::phase::{Phase, Status};

use super::{Runtime, default_runtime, unknown_status};

/// A routed network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutedNetwork {
    /// Network ID.
    pub guid: String,
    /// Name.
    pub name: String,
    /// cloud or device.
    #[serde(default = "default_runtime")]
    pub runtime: Runtime,
    /// ROS distro.
    #[serde(rename = "rosDistro", default)]
    pub ros_distro: String,
    /// Its own phase and status (unknown when absent: such a network is never eligible).
    #[serde(rename = "internalDeploymentStatus", default)]
    pub internal_deployment_status: PhaseStatus,
}

/// A phase with a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseStatus {
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
}

/// Absent: an unknown phase (empty text, shown as "Unknown") and an unknown status.
impl Default for PhaseStatus {
    fn default() -> Self {
        PhaseStatus {
            phase: Phase::Unknown(String::new()),
            status: unknown_status(),
        }
    }
}
