//! Which devices can run a component: the rule, and the device's profile (what of a device the
//! rule looks at), so a store can judge a fleet by its few profiles.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::wire::{Architecture, Component, Device, DeviceRuntime, DeviceStatus, Runtime};

/// What a component's executables need from a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeNeed {
    /// Docker images or builds: a docker device.
    Docker,
    /// Bare commands: a preinstalled device.
    Preinstalled,
    /// Both kinds mixed in one component: no device can run it.
    Conflicting,
    /// No executables: any runtime.
    Any,
}

impl RuntimeNeed {
    /// What `component`'s executables need.
    pub fn of(component: &Component) -> RuntimeNeed {
        let docker = component
            .executables
            .iter()
            .filter(|e| e.needs_docker())
            .count();
        let bare = component.executables.len() - docker;
        match (docker > 0, bare > 0) {
            (true, true) => RuntimeNeed::Conflicting,
            (true, false) => RuntimeNeed::Docker,
            (false, true) => RuntimeNeed::Preinstalled,
            (false, false) => RuntimeNeed::Any,
        }
    }
}

/// Why a device cannot run a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatibility {
    /// The component runs in the cloud.
    CloudComponent,
    /// The device is not online.
    Offline {
        /// Its status.
        status: String,
    },
    /// Its CPU differs from the component's.
    Architecture {
        /// The device's architecture (or "unknown").
        device: String,
        /// The component's.
        needed: Architecture,
    },
    /// Docker images need a docker device.
    NeedsDocker,
    /// Bare commands need a preinstalled device.
    NeedsPreinstalled,
    /// The component mixes images and bare commands.
    ConflictingExecutables,
    /// The device does not say which runtime it has.
    UnknownRuntime,
    /// The device has a runtime the platform cannot deploy to.
    UnsupportedRuntime {
        /// The runtime it reports.
        runtime: String,
    },
    /// A preinstalled device needs `ros_workspace`.
    MissingRosWorkspace,
    /// A preinstalled device running a ROS component needs `ros_distro`.
    MissingRosDistro,
    /// The device's ROS distro differs from the component's.
    RosDistroMismatch {
        /// The device's distro.
        device: String,
        /// The component's.
        needed: String,
    },
}

impl fmt::Display for Incompatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incompatibility::CloudComponent => {
                write!(f, "This component runs in the cloud, not on a device.")
            }
            Incompatibility::Offline { status } => write!(
                f,
                "The device is {} (it must be online).",
                status.to_lowercase()
            ),
            Incompatibility::Architecture { device, needed } => {
                write!(
                    f,
                    "The device is {device}; this component is built for {needed}."
                )
            }
            Incompatibility::NeedsDocker => {
                write!(
                    f,
                    "The device runs preinstalled software; this component's images need a docker device."
                )
            }
            Incompatibility::NeedsPreinstalled => {
                write!(
                    f,
                    "The device runs docker; this component's bare commands need a preinstalled device."
                )
            }
            Incompatibility::ConflictingExecutables => write!(
                f,
                "This component mixes docker images and bare commands, which no device can run together."
            ),
            Incompatibility::UnknownRuntime => {
                write!(
                    f,
                    "The device does not say which runtime it has (its runtime config variable is missing)."
                )
            }
            Incompatibility::UnsupportedRuntime { runtime } => write!(
                f,
                "The device's runtime \"{runtime}\" is not one the platform deploys to (dockercompose or preinstalled)."
            ),
            Incompatibility::MissingRosWorkspace => {
                write!(
                    f,
                    "The device has no ros_workspace config variable, which preinstalled devices need."
                )
            }
            Incompatibility::MissingRosDistro => {
                write!(
                    f,
                    "The device has no ros_distro config variable, which ROS components need on preinstalled devices."
                )
            }
            Incompatibility::RosDistroMismatch { device, needed } => {
                write!(
                    f,
                    "The device has ROS {device}; this component needs ROS {needed}."
                )
            }
        }
    }
}

/// What of a device the compatibility rule looks at: its connection state, architecture,
/// runtime and ROS setup. Devices with the same profile can run the same components, so a
/// store judges a fleet by its few distinct profiles instead of device by device.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DeviceProfile {
    /// ONLINE, OFFLINE, …
    #[serde(rename = "s")]
    pub status: DeviceStatus,
    /// CPU architecture.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Its `runtime` config variable.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<DeviceRuntime>,
    /// Whether it has a `ros_workspace` config variable.
    #[serde(rename = "w", default)]
    pub ros_workspace: bool,
    /// Its `ros_distro` config variable.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub ros_distro: Option<String>,
}

impl DeviceProfile {
    /// The profile of `device`.
    pub fn of(device: &Device) -> DeviceProfile {
        DeviceProfile {
            status: device.status.clone(),
            architecture: device.architecture.clone(),
            runtime: device.runtime(),
            ros_workspace: device.config("ros_workspace").is_some(),
            ros_distro: device.config("ros_distro").map(str::to_string),
        }
    }

    /// The profile as a store keeps it (compact JSON; [`DeviceProfile::from_key`] reads it).
    pub fn key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A profile from its [`DeviceProfile::key`].
    pub fn from_key(key: &str) -> Option<DeviceProfile> {
        serde_json::from_str(key).ok()
    }
}

/// Every reason `device` cannot run `component` (empty: it can).
pub fn device_incompatibilities(component: &Component, device: &Device) -> Vec<Incompatibility> {
    incompatibilities(component, &DeviceProfile::of(device))
}

/// Every reason a device with `profile` cannot run `component` (empty: it can).
pub fn incompatibilities(component: &Component, profile: &DeviceProfile) -> Vec<Incompatibility> {
    let mut reasons = Vec::new();
    if component.required_runtime != Runtime::Device {
        reasons.push(Incompatibility::CloudComponent);
        return reasons;
    }
    if profile.status != DeviceStatus::Online {
        reasons.push(Incompatibility::Offline {
            status: profile.status.to_string(),
        });
    }
    if let Some(needed) = &component.architecture
        && profile.architecture.as_ref() != Some(needed)
    {
        reasons.push(Incompatibility::Architecture {
            device: profile
                .architecture
                .as_ref()
                .map_or("of unknown architecture".into(), |a| a.to_string()),
            needed: needed.clone(),
        });
    }
    let runtime = &profile.runtime;
    match (RuntimeNeed::of(component), runtime) {
        (RuntimeNeed::Conflicting, _) => reasons.push(Incompatibility::ConflictingExecutables),
        (_, None) => reasons.push(Incompatibility::UnknownRuntime),
        (_, Some(DeviceRuntime::Unknown(raw))) => {
            reasons.push(Incompatibility::UnsupportedRuntime {
                runtime: raw.clone(),
            })
        }
        (RuntimeNeed::Docker, Some(rt)) if *rt != DeviceRuntime::Docker => {
            reasons.push(Incompatibility::NeedsDocker)
        }
        (RuntimeNeed::Preinstalled, Some(rt)) if *rt != DeviceRuntime::Preinstalled => {
            reasons.push(Incompatibility::NeedsPreinstalled)
        }
        _ => {}
    }
    if *runtime == Some(DeviceRuntime::Preinstalled) {
        if !profile.ros_workspace {
            reasons.push(Incompatibility::MissingRosWorkspace);
        }
        if component.ros.is_ros {
            match (
                profile.ros_distro.as_deref(),
                component.ros.ros_distro.as_deref(),
            ) {
                (None, _) => reasons.push(Incompatibility::MissingRosDistro),
                (Some(have), Some(needed)) if !have.eq_ignore_ascii_case(needed.trim()) => reasons
                    .push(Incompatibility::RosDistroMismatch {
                        device: have.into(),
                        needed: needed.into(),
                    }),
                _ => {}
            }
        }
    }
    reasons
}
