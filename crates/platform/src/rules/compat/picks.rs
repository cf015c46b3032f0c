//! Which routed networks, dependencies and volumes the deploy form can pick, and how it searches
//! for a dependency or a volume by name.

use std::fmt;

use crate::phase::{Phase, Status};
use crate::rules::VOLUME_PACKAGE_NAME;
use crate::wire::{Deployment, RoutedNetwork, Runtime};

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
