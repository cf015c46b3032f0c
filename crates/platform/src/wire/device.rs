//! Devices (robots and edge computers) and the words they use: connection state, runtime and
//! CPU architecture.

use serde::{Deserialize, Serialize};

use super::Label;

tolerant_enum! {
    /// A CPU architecture.
    pub enum Architecture {
        /// x86-64.
        Amd64 => "amd64",
        /// 32-bit ARM v7.
        Arm32v7 => "arm32v7",
        /// 64-bit ARM v8.
        Arm64v8 => "arm64v8",
    }
}

tolerant_enum! {
    /// A device's connection state.
    pub enum DeviceStatus {
        /// Connected.
        Online => "ONLINE",
        /// Not connected.
        Offline => "OFFLINE",
        /// Being set up.
        Initializing => "INITIALIZING",
        /// Failed to register.
        Failed => "FAILED",
    }
}

tolerant_enum! {
    /// How a device runs executables (its `runtime` config variable).
    pub enum DeviceRuntime {
        /// Docker (docker-compose): runs docker images and builds.
        Docker => "dockercompose" | "docker",
        /// Preinstalled: runs bare commands in a ROS workspace on the device.
        Preinstalled => "preinstalled",
    }
}

/// A device: robot or edge computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Device ID.
    pub uuid: String,
    /// Name.
    pub name: String,
    /// ONLINE, OFFLINE, …
    #[serde(default = "offline")]
    pub status: DeviceStatus,
    /// CPU architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Config variables: `runtime`, `ros_distro`, `ros_workspace`, …
    #[serde(rename = "config_variables", default)]
    pub config_variables: Vec<Label>,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Last time it was seen (RFC 3339).
    #[serde(rename = "last_online", default)]
    pub last_online: String,
}

fn offline() -> DeviceStatus {
    DeviceStatus::Offline
}

impl Device {
    /// A config variable's non-empty value.
    pub fn config(&self, key: &str) -> Option<&str> {
        self.config_variables
            .iter()
            .find(|var| var.key == key)
            .map(|var| var.value.trim())
            .filter(|value| !value.is_empty())
    }

    /// The device's runtime, from its `runtime` config variable.
    pub fn runtime(&self) -> Option<DeviceRuntime> {
        self.config("runtime").map(DeviceRuntime::parse)
    }

    /// True when ONLINE.
    pub fn is_online(&self) -> bool {
        self.status == DeviceStatus::Online
    }
}
