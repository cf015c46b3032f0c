//! The **Confirm** step: exactly what will be sent, in words, with the JSON one click away.

use leptos::prelude::*;
use platform::wire::ProvisionRequest;

use super::state::use_form;
use crate::ids;

/// A summary of `request`, with names beside the IDs.
#[component]
pub fn ConfirmSummary(
    /// The request that will be sent.
    request: ProvisionRequest,
) -> impl IntoView {
    let form = use_form();
    let package = form.package.get_value();
    let plan = package.plans.first().cloned();
    let networks = form.networks.get_value();
    let device_name = |id: &str| {
        untrack(|| form.chosen.device(id)).map_or(id.to_string(), |d| format!("{} ({id})", d.name))
    };
    let deployment_name = |id: &str| {
        untrack(|| form.chosen.deployment(id))
            .map_or(id.to_string(), |d| format!("{} ({id})", d.name))
    };
    let json = serde_json::to_string_pretty(&request).unwrap_or_default();
    let labels = if request.labels.is_empty() {
        "None".to_string()
    } else {
        request
            .labels
            .iter()
            .map(|l| format!("{}={}", l.key, l.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let networks_text = if request.routed_networks.is_empty() {
        "None".to_string()
    } else {
        request
            .routed_networks
            .iter()
            .map(|r| {
                networks
                    .iter()
                    .find(|n| n.guid == r.guid)
                    .map_or(r.guid.clone(), |n| n.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let dependencies = if request.dependent_deployments.is_empty() {
        "None".to_string()
    } else {
        request
            .dependent_deployments
            .iter()
            .map(|d| deployment_name(&d.dependent_deployment_id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let volumes = if request.volumes.is_empty() {
        "None".to_string()
    } else {
        request
            .volumes
            .iter()
            .map(|v| {
                let component = plan
                    .as_ref()
                    .and_then(|p| p.component(&v.component_id))
                    .map_or(v.component_id.clone(), |c| c.name.clone());
                format!(
                    "{} at {} in {component}",
                    deployment_name(&v.deployment_id),
                    v.mount_path
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let components = request
        .component_context
        .iter()
        .map(|(id, context)| {
            let name = plan
                .as_ref()
                .and_then(|p| p.component(id))
                .map_or(id.clone(), |c| c.name.clone());
            let mut parts = Vec::new();
            if let Some(device) = &context.device_id {
                parts.push(format!("on {}", device_name(device)));
            }
            if let Some(policy) = &context.restart_policy {
                parts.push(format!("restart policy {}", policy.label()));
            }
            if !context.parameters.is_empty() {
                parts.push(
                    context
                        .parameters
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            let text = if parts.is_empty() {
                "cloud".to_string()
            } else {
                parts.join(" · ")
            };
            view! { <dt>{name}</dt><dd>{text}</dd> }
        })
        .collect_view();
    view! {
        <div class="confirm-summary" data-testid=ids::CONFIRM_STEP>
            <dl class="facts">
                <dt>"Name of deployment"</dt>
                <dd class="summary-name">{request.name.clone()}</dd>
                <dt>"Package"</dt>
                <dd>{format!("{} {} ({})", package.summary.package_name, package.summary.package_version, package.summary.guid)}</dd>
                <dt>"Labels"</dt>
                <dd>{labels}</dd>
                {components}
                <dt>"Routed Network"</dt>
                <dd>{networks_text}</dd>
                <dt>"Dependencies"</dt>
                <dd>{dependencies}</dd>
                <dt>"Volumes"</dt>
                <dd>{volumes}</dd>
            </dl>
            <details>
                <summary>"The request as JSON"</summary>
                <pre class="json">{json}</pre>
            </details>
        </div>
    }
}
