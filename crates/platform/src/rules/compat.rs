//! Compatibility and eligibility: devices for a component, routed networks, dependencies and
//! volumes. Every refusal is a reason with a sentence (`Display`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::phase::{Phase, Status};
use crate::rules::VOLUME_PACKAGE_NAME;
use crate::wire::{
    Architecture, Component, Deployment, Device, DeviceRuntime, DeviceStatus, RoutedNetwork,
    Runtime,
};

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

/// How many devices share one reason they cannot run a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    /// The reason, a sentence.
    pub reason: String,
    /// How many devices it holds back.
    pub devices: u64,
}

/// How a set of devices fits a component: how many can run it, how many cannot, and why not
/// (a device with several reasons is counted under each).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FitSummary {
    /// Devices that can run it.
    pub compatible: u64,
    /// Devices that cannot.
    pub incompatible: u64,
    /// Why not, most common first.
    #[serde(default)]
    pub reasons: Vec<ReasonCount>,
}

impl FitSummary {
    /// The summary of devices counted by profile (`profiles`: each profile with how many devices
    /// have it), judged against `component`.
    pub fn of<'a>(
        component: &Component,
        profiles: impl IntoIterator<Item = (&'a DeviceProfile, u64)>,
    ) -> FitSummary {
        let mut summary = FitSummary::default();
        let mut tally: Vec<ReasonCount> = Vec::new();
        for (profile, devices) in profiles {
            let reasons = incompatibilities(component, profile);
            if reasons.is_empty() {
                summary.compatible += devices;
                continue;
            }
            summary.incompatible += devices;
            for reason in reasons {
                let reason = reason.to_string();
                match tally.iter_mut().find(|r| r.reason == reason) {
                    Some(known) => known.devices += devices,
                    None => tally.push(ReasonCount { reason, devices }),
                }
            }
        }
        tally.sort_by(|a, b| {
            b.devices
                .cmp(&a.devices)
                .then_with(|| a.reason.cmp(&b.reason))
        });
        summary.reasons = tally;
        summary
    }
}

/// Why a routed network cannot be picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkIneligible {
    /// It is not Succeeded/Running.
    NotRunning {
        /// Its phase.
        phase: Phase,
        /// Its status.
        status: Status,
    },
    /// A device network for a package with a cloud component.
    DeviceNetworkForCloudPackage,
}

impl fmt::Display for NetworkIneligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkIneligible::NotRunning { phase, status } => write!(
                f,
                "The network is {} / {}; only networks that are Succeeded and Running can be used.",
                phase.label(),
                status.label()
            ),
            NetworkIneligible::DeviceNetworkForCloudPackage => write!(
                f,
                "This package has a cloud component, so it needs a cloud routed network."
            ),
        }
    }
}

/// Whether `network` can be picked for a package (`has_cloud_component` from its plan).
pub fn network_eligibility(
    network: &RoutedNetwork,
    has_cloud_component: bool,
) -> Result<(), NetworkIneligible> {
    let state = &network.internal_deployment_status;
    if state.phase != Phase::Succeeded || state.status != Status::Running {
        return Err(NetworkIneligible::NotRunning {
            phase: state.phase.clone(),
            status: state.status.clone(),
        });
    }
    if has_cloud_component && network.runtime != Runtime::Cloud {
        return Err(NetworkIneligible::DeviceNetworkForCloudPackage);
    }
    Ok(())
}

/// Why a deployment cannot be picked as a dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyIneligible {
    /// It is not Succeeded.
    NotSucceeded {
        /// Its phase.
        phase: Phase,
    },
}

impl fmt::Display for DependencyIneligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DependencyIneligible::NotSucceeded { phase } => {
                write!(
                    f,
                    "It is {}; only Succeeded deployments can be dependencies.",
                    phase.label()
                )
            }
        }
    }
}

/// Whether `deployment` can be picked as a dependency.
pub fn dependency_eligibility(deployment: &Deployment) -> Result<(), DependencyIneligible> {
    if deployment.phase == Phase::Succeeded {
        Ok(())
    } else {
        Err(DependencyIneligible::NotSucceeded {
            phase: deployment.phase.clone(),
        })
    }
}

/// Why a deployment cannot be mounted as a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeIneligible {
    /// It is not a deployment of the storage package.
    NotAVolume,
    /// It is not Succeeded.
    NotRunning {
        /// Its phase.
        phase: Phase,
    },
}

impl fmt::Display for VolumeIneligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VolumeIneligible::NotAVolume => {
                write!(
                    f,
                    "It is not a volume (a deployment of {VOLUME_PACKAGE_NAME})."
                )
            }
            VolumeIneligible::NotRunning { phase } => {
                write!(
                    f,
                    "The volume is {}; only Succeeded volumes can be mounted.",
                    phase.label()
                )
            }
        }
    }
}

/// Whether `deployment` can be mounted as a volume.
pub fn volume_eligibility(deployment: &Deployment) -> Result<(), VolumeIneligible> {
    if deployment.package_name != VOLUME_PACKAGE_NAME {
        return Err(VolumeIneligible::NotAVolume);
    }
    if deployment.phase != Phase::Succeeded {
        return Err(VolumeIneligible::NotRunning {
            phase: deployment.phase.clone(),
        });
    }
    Ok(())
}

/// What can be picked, where the deploy form searches for a deployment by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A dependency: any Succeeded deployment.
    Dependency,
    /// A volume: a Succeeded deployment of the storage package.
    Volume,
}

impl Pick {
    /// The deployments-list query that finds the deployments that can be picked whose name
    /// contains `search` (`volume_package`: the storage package's ID, for volumes), by name.
    pub fn query(self, search: &str, volume_package: &str) -> crate::list::DeploymentQuery {
        let package = match self {
            Pick::Dependency => "",
            Pick::Volume => volume_package,
        };
        crate::list::DeploymentQuery::new(
            vec![Phase::Succeeded],
            Vec::new(),
            search,
            package,
            crate::list::SortKey::Name,
            crate::list::Order::Asc,
        )
    }

    /// Why the other live deployments that match cannot be picked, from the counts per phase
    /// of every match (a list page's `counts`; stopped ones are not counted, as no one looks
    /// for them); `None` when every live match can be.
    pub fn others(self, counts: &std::collections::BTreeMap<String, u64>) -> Option<String> {
        let others: Vec<(String, u64)> = counts
            .iter()
            .map(|(phase, n)| (Phase::parse(phase), *n))
            .filter(|(phase, n)| *n > 0 && phase.is_live() && *phase != Phase::Succeeded)
            .map(|(phase, n)| (phase.label(), n))
            .collect();
        let total: u64 = others.iter().map(|(_, n)| n).sum();
        if total == 0 {
            return None;
        }
        let (noun, rule) = match self {
            Pick::Dependency => (
                "deployment",
                "only Succeeded deployments can be dependencies",
            ),
            Pick::Volume => ("volume", "only Succeeded volumes can be mounted"),
        };
        let phases: Vec<String> = others
            .iter()
            .map(|(phase, n)| format!("{n} {phase}"))
            .collect();
        Some(format!(
            "{total} more {noun}{} match{} but cannot be chosen ({}): {rule}.",
            if total == 1 { "" } else { "s" },
            if total == 1 { "es" } else { "" },
            phases.join(", ")
        ))
    }
}
