//! Validation of a provision request against its package and the world (docs/product.md §3.2).
//! Every problem is a field error keyed by its request path, so the form can show it at the
//! field. The single-field checks are public so the form can run them as the user types.

mod fields;

use std::collections::BTreeSet;

use crate::errors::FieldError;
use crate::rules::World;
use crate::rules::compat::{
    dependency_eligibility, device_incompatibilities, network_eligibility, volume_eligibility,
};
use crate::wire::{Package, ProvisionRequest, RestartPolicy, Runtime};

pub use fields::{
    LABEL_KEY_MAX, LABEL_VALUE_MAX, NAME_MAX, NAME_MIN, PARAMETER_VALUE_MAX, is_invisible,
    label_key_error, label_value_error, mount_path_error, name_error, parameter_value_error,
};

/// What a field of a provision request names by ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A device (a component's `deviceId`).
    Device(String),
    /// A deployment (a dependency, or a volume).
    Deployment(String),
}

/// The fields of `request` that name an object by ID, each with its request path (as
/// [`validate_provision`] reports them) and what it names; blank IDs are left out.
pub fn references(request: &ProvisionRequest) -> Vec<(String, Reference)> {
    let mut found = Vec::new();
    for (component, context) in &request.component_context {
        if let Some(id) = context
            .device_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            found.push((
                format!("componentContext.{component}.deviceId"),
                Reference::Device(id.to_string()),
            ));
        }
    }
    for (i, dependency) in request.dependent_deployments.iter().enumerate() {
        let id = &dependency.dependent_deployment_id;
        if !id.trim().is_empty() {
            found.push((
                format!("dependentDeployments[{i}]"),
                Reference::Deployment(id.clone()),
            ));
        }
    }
    for (i, volume) in request.volumes.iter().enumerate() {
        if !volume.deployment_id.trim().is_empty() {
            found.push((
                format!("volumes[{i}].deploymentId"),
                Reference::Deployment(volume.deployment_id.clone()),
            ));
        }
    }
    found
}

/// Every problem with `request` for `package` in `world` (empty: it can be deployed).
pub fn validate_provision(
    request: &ProvisionRequest,
    package: &Package,
    world: &World<'_>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |field: String, message: String| errors.push(FieldError::new(field, message));

    if let Some(message) = name_error(&request.name) {
        fail("name".into(), message);
    }
    if request.package_id != package.summary.guid {
        fail(
            "packageId".into(),
            format!(
                "This request is for package {}, not {}.",
                request.package_id, package.summary.guid
            ),
        );
    }
    let Some(plan) = package.plan(&request.plan_id) else {
        fail(
            "planId".into(),
            format!("The package has no plan {}.", request.plan_id),
        );
        return errors;
    };

    // Labels.
    let mut keys = BTreeSet::new();
    for (i, label) in request.labels.iter().enumerate() {
        if let Some(message) = label_key_error(&label.key) {
            fail(format!("labels[{i}].key"), message);
        } else if !keys.insert(label.key.as_str()) {
            fail(
                format!("labels[{i}].key"),
                format!(
                    "The key \"{}\" is used twice; keys must be unique.",
                    label.key
                ),
            );
        }
        if let Some(message) = label_value_error(&label.value) {
            fail(format!("labels[{i}].value"), message);
        }
    }

    // Component context: devices, restart policies, parameters.
    for id in request.component_context.keys() {
        if plan.component(id).is_none() {
            fail(
                format!("componentContext.{id}"),
                "The package has no such component.".into(),
            );
        }
    }
    for component in &plan.components {
        let id = &component.component_id;
        let context = request.component_context.get(id);
        let path = |leaf: &str| format!("componentContext.{id}.{leaf}");
        let device_id = context
            .and_then(|c| c.device_id.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty());
        match component.required_runtime {
            Runtime::Device => match device_id.map(|uuid| (uuid, world.device(uuid))) {
                None => fail(
                    path("deviceId"),
                    format!("Select a device for {}.", component.name),
                ),
                Some((uuid, None)) => fail(
                    path("deviceId"),
                    format!("No device with ID {uuid} exists."),
                ),
                Some((_, Some(device))) => {
                    let reasons = device_incompatibilities(component, device);
                    if !reasons.is_empty() {
                        let text: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                        fail(
                            path("deviceId"),
                            format!(
                                "{} cannot run {}: {}",
                                device.name,
                                component.name,
                                text.join(" ")
                            ),
                        );
                    }
                }
            },
            _ => {
                if device_id.is_some() {
                    fail(
                        path("deviceId"),
                        format!("{} runs in the cloud; it takes no device.", component.name),
                    );
                }
                if context.and_then(|c| c.restart_policy.as_ref()).is_some() {
                    fail(
                        path("restartPolicy"),
                        format!(
                            "{} runs in the cloud; it has no restart policy.",
                            component.name
                        ),
                    );
                }
            }
        }
        if let (Runtime::Device, Some(RestartPolicy::Unknown(raw))) = (
            &component.required_runtime,
            context.and_then(|c| c.restart_policy.as_ref()),
        ) {
            fail(
                path("restartPolicy"),
                format!("\"{raw}\" is not a restart policy: choose Always, On-failure or Never."),
            );
        }
        for name in context.map(|c| c.parameters.keys()).into_iter().flatten() {
            if !component.parameters.iter().any(|p| &p.name == name) {
                fail(
                    path(&format!("parameters.{name}")),
                    format!("{} has no parameter {name}.", component.name),
                );
            }
        }
        for parameter in &component.parameters {
            let value = context
                .and_then(|c| c.parameters.get(&parameter.name))
                .unwrap_or(&parameter.default);
            if let Some(message) = parameter_value_error(&parameter.name, value) {
                fail(path(&format!("parameters.{}", parameter.name)), message);
            }
        }
    }

    // Routed networks.
    let has_cloud = plan.has_cloud_component();
    if plan.uses_ros() && request.routed_networks.is_empty() {
        let usable = world
            .networks
            .iter()
            .any(|n| network_eligibility(n, has_cloud).is_ok());
        let message = if usable {
            "This package uses ROS: select a routed network."
        } else if has_cloud {
            "This package uses ROS and needs a cloud routed network that is Succeeded and Running; there is none. Create one first."
        } else {
            "This package uses ROS and needs a routed network that is Succeeded and Running; there is none. Create one first."
        };
        fail("routedNetworks".into(), message.into());
    }
    let mut seen = BTreeSet::new();
    for (i, reference) in request.routed_networks.iter().enumerate() {
        let field = format!("routedNetworks[{i}]");
        match world.network(&reference.guid) {
            None => fail(
                field,
                format!("No routed network with ID {} exists.", reference.guid),
            ),
            Some(_) if !seen.insert(reference.guid.as_str()) => {
                fail(field, "This network is selected twice.".into())
            }
            Some(network) => {
                if let Err(reason) = network_eligibility(network, has_cloud) {
                    fail(field, format!("{}: {reason}", network.name));
                }
            }
        }
    }

    // Dependencies.
    let mut seen = BTreeSet::new();
    for (i, reference) in request.dependent_deployments.iter().enumerate() {
        let field = format!("dependentDeployments[{i}]");
        let id = reference.dependent_deployment_id.as_str();
        match world.deployment(id) {
            None => fail(field, format!("No deployment with ID {id} exists.")),
            Some(_) if !seen.insert(id) => fail(field, "This dependency is selected twice.".into()),
            Some(dependency) => {
                if let Err(reason) = dependency_eligibility(dependency) {
                    fail(field, format!("{}: {reason}", dependency.name));
                }
            }
        }
    }

    // Volumes.
    let mut mounts = BTreeSet::new();
    for (i, volume) in request.volumes.iter().enumerate() {
        let field = |leaf: &str| format!("volumes[{i}].{leaf}");
        match world.deployment(&volume.deployment_id) {
            None if volume.deployment_id.trim().is_empty() => {
                fail(field("deploymentId"), "Select a volume.".into())
            }
            None => fail(
                field("deploymentId"),
                format!("No deployment with ID {} exists.", volume.deployment_id),
            ),
            Some(deployment) => {
                if let Err(reason) = volume_eligibility(deployment) {
                    fail(
                        field("deploymentId"),
                        format!("{}: {reason}", deployment.name),
                    );
                }
            }
        }
        if plan.component(&volume.component_id).is_none() {
            let message = if volume.component_id.trim().is_empty() {
                "Select the component to mount the volume into.".to_string()
            } else {
                format!("The package has no component {}.", volume.component_id)
            };
            fail(field("componentId"), message);
        }
        if let Some(message) = mount_path_error(&volume.mount_path) {
            fail(field("mountPath"), message);
        } else if !mounts.insert((
            volume.component_id.as_str(),
            volume.mount_path.trim_end_matches('/'),
        )) {
            fail(
                field("mountPath"),
                "Another volume is already mounted at this path in this component.".into(),
            );
        }
    }
    errors
}
