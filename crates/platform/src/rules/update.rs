//! Update eligibility: whether a deployment accepts an update in place, which of its components
//! can be updated, and the check of an update request.

use std::fmt;

use crate::errors::{FieldError, PlatformError};
use crate::phase::Phase;
use crate::wire::{ComponentInfo, Deployment, Device, DeviceRuntime, Runtime, UpdateRequest};

/// The refusal of an update that names no component (the dialog says it before sending).
pub const NO_COMPONENT_CHOSEN: &str = "Choose at least one component to update.";

/// Why the Update Deployment action is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateBlocked {
    /// The phase the deployment is in.
    pub phase: Phase,
}

impl fmt::Display for UpdateBlocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.phase {
            Phase::InProgress | Phase::Provisioning => "wait until it has finished",
            Phase::FailedToStart => {
                "a deployment that never started cannot be updated; deploy it again"
            }
            Phase::DeploymentStopped => "it has been deprovisioned",
            Phase::PartiallyDeprovisioned => {
                "it is being deprovisioned; retry the deprovision to finish it"
            }
            _ => "it can be updated only when Succeeded or Failed to update",
        };
        write!(f, "Not available in phase {}: {why}.", self.phase.label())
    }
}

/// Whether `deployment` accepts an update now (phase Succeeded or Failed to update).
pub fn update_availability(deployment: &Deployment) -> Result<(), UpdateBlocked> {
    if deployment.phase.accepts_update() {
        Ok(())
    } else {
        Err(UpdateBlocked {
            phase: deployment.phase.clone(),
        })
    }
}

/// Why a component cannot be updated in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotUpdatable {
    /// It runs on a preinstalled device.
    PreinstalledDevice {
        /// The device's name.
        device: String,
    },
    /// Its device is no longer registered.
    DeviceMissing,
}

impl fmt::Display for NotUpdatable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotUpdatable::PreinstalledDevice { device } => write!(
                f,
                "It runs on {device}, a preinstalled device: components on the preinstalled runtime cannot be updated in place."
            ),
            NotUpdatable::DeviceMissing => write!(f, "Its device is no longer registered."),
        }
    }
}

/// Whether `component` can be updated in place (device components on preinstalled devices
/// cannot).
pub fn component_updatability(
    component: &ComponentInfo,
    devices: &[Device],
) -> Result<(), NotUpdatable> {
    if component.runtime != Runtime::Device {
        return Ok(());
    }
    let device = component
        .device_id
        .as_deref()
        .and_then(|id| devices.iter().find(|device| device.uuid == id))
        .ok_or(NotUpdatable::DeviceMissing)?;
    if device.runtime() == Some(DeviceRuntime::Preinstalled) {
        return Err(NotUpdatable::PreinstalledDevice {
            device: device.name.clone(),
        });
    }
    Ok(())
}

/// Checks an update request: the generation the user saw, the phase, then the components.
pub fn check_update(
    deployment: &Deployment,
    request: &UpdateRequest,
    devices: &[Device],
) -> Result<(), PlatformError> {
    if request.expected_generation != deployment.current_generation {
        return Err(PlatformError::GenerationConflict {
            expected: request.expected_generation,
            current: deployment.current_generation,
        });
    }
    if let Err(blocked) = update_availability(deployment) {
        return Err(PlatformError::PhaseConflict {
            phase: blocked.phase.label(),
        });
    }
    let mut errors = Vec::new();
    if request.components.is_empty() {
        errors.push(FieldError::new("components", NO_COMPONENT_CHOSEN));
    }
    for (i, id) in request.components.iter().enumerate() {
        let field = format!("components[{i}]");
        if request.components[..i].contains(id) {
            errors.push(FieldError::new(field, "This component is listed twice."));
            continue;
        }
        match deployment
            .component_info
            .iter()
            .find(|c| &c.component_id == id)
        {
            None => errors.push(FieldError::new(
                field,
                format!("The deployment has no component {id}."),
            )),
            Some(component) => {
                if let Err(reason) = component_updatability(component, devices) {
                    errors.push(FieldError::new(
                        field,
                        format!("{}: {reason}", component.name),
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PlatformError::Validation(errors))
    }
}
