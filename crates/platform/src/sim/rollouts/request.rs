//! A rollout's request as the deploy form's: the deployment it makes on each device, and the
//! deploy form's field errors read as fields of the rollout's request.

use std::collections::BTreeMap;

use super::LABEL;
use crate::errors::FieldError;
use crate::rollout::{RolloutRequest, TargetPreview};
use crate::wire::{ComponentContext, Label, ProvisionRequest, RestartPolicy};

/// The request's own labels: the `rollout` key is the rollout's to set.
pub(super) fn labels_errors(request: &RolloutRequest) -> Vec<FieldError> {
    request
        .labels
        .iter()
        .enumerate()
        .filter(|(_, label)| label.key.trim() == LABEL)
        .map(|(i, _)| {
            FieldError::new(
                format!("labels[{i}].key"),
                "The rollout labels its deployments \"rollout\" itself; choose another key.",
            )
        })
        .collect()
}

/// A deploy-form field error of the first target's deployment, as a field of the rollout's
/// request (`componentContext.<the component>.parameters.RATE` → `parameters.RATE`).
pub(super) fn as_rollout_field(error: FieldError, request: &RolloutRequest) -> FieldError {
    let own = format!("componentContext.{}.", request.component_id);
    match error.field.strip_prefix(&own) {
        Some("deviceId") => FieldError::new("selector", error.message),
        Some(rest) => FieldError::new(rest, error.message),
        None if error.field.starts_with("componentContext.") => FieldError::new(
            "componentId",
            format!(
                "{} A rollout deploys plans whose only device component is the one it runs.",
                error.message
            ),
        ),
        None => error,
    }
}

/// The deployment a rollout makes on `target`'s device.
pub(super) fn deployment_request(
    request: &RolloutRequest,
    rollout_id: &str,
    target: &TargetPreview,
) -> ProvisionRequest {
    let mut labels = request.labels.clone();
    labels.push(Label {
        key: LABEL.into(),
        value: rollout_id.into(),
    });
    let context = ComponentContext {
        device_id: Some(target.device_id.clone()),
        restart_policy: request.restart_policy.as_deref().map(RestartPolicy::parse),
        parameters: request.parameters.clone(),
    };
    ProvisionRequest {
        name: target.name.clone(),
        package_id: request.package_id.clone(),
        plan_id: request.plan_id.clone(),
        labels,
        component_context: BTreeMap::from([(request.component_id.clone(), context)]),
        routed_networks: request.routed_networks.clone(),
        dependent_deployments: Vec::new(),
        volumes: Vec::new(),
    }
}
