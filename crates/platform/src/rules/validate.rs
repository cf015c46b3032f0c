//! Validation of a provision request against its package and the world (docs/product.md §3.2).
//! Every problem is a field error keyed by its request path, so the form can show it at the
//! field. The single-field checks are public so the form can run them as the user types.

use std::collections::BTreeSet;

use crate::errors::FieldError;
use crate::rules::World;
use crate::rules::compat::{
    dependency_eligibility, device_incompatibilities, network_eligibility, volume_eligibility,
};
use crate::wire::{Package, ProvisionRequest, RestartPolicy, Runtime};

/// Longest deployment name.
pub const NAME_MAX: usize = 64;
/// Shortest deployment name.
pub const NAME_MIN: usize = 3;
/// Longest label key.
pub const LABEL_KEY_MAX: usize = 63;
/// Longest label value.
pub const LABEL_VALUE_MAX: usize = 253;
/// Longest parameter value (an environment variable of the component, kept in every answer
/// that carries the deployment).
pub const PARAMETER_VALUE_MAX: usize = 4096;

/// Whether `c` cannot be seen or changes how the text around it is shown: control characters,
/// whitespace other than the plain space, zero-width characters and joiners, bidirectional
/// controls (which can make text read differently from what it holds), variation selectors,
/// tags and the byte order mark.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// A character as a message names it: in quotes, or by its code point when quoting it would
/// show nothing (an invisible character) or attach it to the quote (a combining mark).
fn describe(c: char) -> String {
    if is_invisible(c) {
        format!("The invisible character U+{:04X}", u32::from(c))
    } else if matches!(c, '\u{0300}'..='\u{036F}' | '\u{20D0}'..='\u{20FF}') {
        format!("The combining mark U+{:04X}", u32::from(c))
    } else {
        format!("\"{c}\"")
    }
}

/// What is wrong with a deployment name (checked after trimming), if anything.
pub fn name_error(name: &str) -> Option<String> {
    let name = name.trim();
    let length = name.chars().count();
    if name.is_empty() {
        return Some("Enter a name for the deployment.".into());
    }
    if length < NAME_MIN {
        return Some(format!(
            "Use at least {NAME_MIN} characters (this has {length})."
        ));
    }
    if length > NAME_MAX {
        return Some(format!(
            "Use at most {NAME_MAX} characters (this has {length})."
        ));
    }
    // The character first, so "é" or "<" is named rather than "start with a letter".
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
    {
        return Some(format!(
            "{} is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .",
            describe(bad)
        ));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Some("Start the name with a letter or a digit.".into());
    }
    None
}

/// What is wrong with a label key, if anything.
pub fn label_key_error(key: &str) -> Option<String> {
    let length = key.chars().count();
    if key.is_empty() {
        return Some("Enter a key.".into());
    }
    if length > LABEL_KEY_MAX {
        return Some(format!(
            "Use at most {LABEL_KEY_MAX} characters (this has {length})."
        ));
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(format!(
            "{} is not allowed in a key: use A–Z, a–z, 0–9, _, . and -.",
            describe(bad)
        ));
    }
    let edges_ok = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && key
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !edges_ok {
        return Some("Start and end the key with a letter or a digit.".into());
    }
    None
}

/// What is wrong with a label value, if anything.
pub fn label_value_error(value: &str) -> Option<String> {
    let length = value.chars().count();
    if value.trim().is_empty() {
        return Some("Enter a value.".into());
    }
    if length > LABEL_VALUE_MAX {
        return Some(format!(
            "Use at most {LABEL_VALUE_MAX} characters (this has {length})."
        ));
    }
    // Label values are shown and matched (`site:tokyo`) as typed: nothing hidden in them.
    if let Some(bad) = value.chars().find(|&c| c != ' ' && is_invisible(c)) {
        return Some(format!("{} is not allowed in a value.", describe(bad)));
    }
    None
}

/// What is wrong with the value of the parameter `name`, if anything.
pub fn parameter_value_error(name: &str, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some(format!("Enter a value for {name}."));
    }
    let length = value.chars().count();
    if length > PARAMETER_VALUE_MAX {
        return Some(format!(
            "Use at most {PARAMETER_VALUE_MAX} characters (this has {length})."
        ));
    }
    // A component gets its parameters as environment variables, which end at a NUL.
    if value.contains('\0') {
        return Some("The NUL character (U+0000) cannot be passed to a component.".into());
    }
    None
}

/// What is wrong with a volume mount path, if anything.
pub fn mount_path_error(path: &str) -> Option<String> {
    if path.trim().is_empty() {
        return Some("Enter the path to mount the volume at.".into());
    }
    if !path.starts_with('/') {
        return Some("Use an absolute path, starting with /.".into());
    }
    if path
        .split('/')
        .all(|segment| segment.is_empty() || segment == ".")
    {
        return Some("Mounting over / is not allowed; choose a directory such as /data.".into());
    }
    if let Some(bad) = path.chars().find(|&c| c != ' ' && is_invisible(c)) {
        return Some(format!("{} is not allowed in a path.", describe(bad)));
    }
    if path.contains(' ') {
        return Some("Paths cannot contain spaces.".into());
    }
    if path.split('/').any(|segment| segment == "..") {
        return Some("Paths cannot contain \"..\".".into());
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_named_by_code_point() {
        assert_eq!(
            name_error("nav\u{200B}bot").as_deref(),
            Some(
                "The invisible character U+200B is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and ."
            )
        );
        assert_eq!(
            name_error("\u{202E}nav").as_deref(),
            Some(
                "The invisible character U+202E is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and ."
            )
        );
        assert_eq!(
            name_error("nave\u{0301}").as_deref(),
            Some("The combining mark U+0301 is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .")
        );
        assert_eq!(
            name_error("<script>").as_deref(),
            Some("\"<\" is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .")
        );
        assert_eq!(
            name_error("-nav").as_deref(),
            Some("Start the name with a letter or a digit.")
        );
        assert_eq!(
            label_key_error("si\u{FEFF}te").as_deref(),
            Some(
                "The invisible character U+FEFF is not allowed in a key: use A–Z, a–z, 0–9, _, . and -."
            )
        );
    }

    #[test]
    fn label_values_hold_nothing_hidden() {
        assert_eq!(label_value_error("tokyo osaka"), None);
        assert_eq!(label_value_error("東京 <b>"), None);
        for hidden in ["a\nb", "a\tb", "a\u{200D}b", "a\u{2066}b", "a\u{0}b"] {
            assert!(
                label_value_error(hidden)
                    .is_some_and(|m| m.ends_with("is not allowed in a value.")),
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn parameter_values_have_a_length_and_no_nul() {
        assert_eq!(parameter_value_error("RATE", "10"), None);
        assert_eq!(parameter_value_error("CERT", "line 1\nline 2"), None);
        assert_eq!(
            parameter_value_error("RATE", " ").as_deref(),
            Some("Enter a value for RATE.")
        );
        let long = "9".repeat(PARAMETER_VALUE_MAX + 1);
        assert_eq!(
            parameter_value_error("RATE", &long).as_deref(),
            Some("Use at most 4096 characters (this has 4097).")
        );
        assert!(parameter_value_error("RATE", &long[1..]).is_none());
        assert!(parameter_value_error("RATE", "1\u{0}").is_some());
    }

    #[test]
    fn mount_paths_hold_nothing_hidden() {
        assert_eq!(
            mount_path_error("/data\u{200B}").as_deref(),
            Some("The invisible character U+200B is not allowed in a path.")
        );
        assert_eq!(
            mount_path_error("/my data").as_deref(),
            Some("Paths cannot contain spaces.")
        );
        assert_eq!(mount_path_error("/data/<x>"), None);
    }
}
