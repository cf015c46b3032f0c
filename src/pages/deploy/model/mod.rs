//! The deploy form's state as plain data: what the user has typed, how it becomes a
//! `ProvisionRequest`, how a deploy link pre-fills it, and how it is saved as a draft. The
//! rules themselves live in the platform crate; this only gathers the input.

pub mod access;

use std::collections::BTreeMap;

use platform::FieldError;
use platform::wire::{
    ComponentContext, DependencyRef, Label, NetworkRef, Package, Plan, ProvisionRequest,
    RestartPolicy, Runtime, VolumeMount,
};
use serde::{Deserialize, Serialize};

/// One label row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRow {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// One volume row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeRow {
    /// The volume deployment.
    pub deployment_id: String,
    /// The component it mounts into.
    pub component_id: String,
    /// Absolute mount path.
    pub mount_path: String,
}

/// What the user chose for one component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentDraft {
    /// Device (device components).
    pub device_id: String,
    /// The restart policy chosen with **Modify** (None: the package default).
    pub restart_policy: Option<RestartPolicy>,
    /// Parameter values.
    pub parameters: BTreeMap<String, String>,
}

/// Everything the deploy form holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployDraft {
    /// The package it is for.
    pub package_id: String,
    /// The plan.
    pub plan_id: String,
    /// Name of deployment.
    pub name: String,
    /// Labels.
    pub labels: Vec<LabelRow>,
    /// Per component, by component ID.
    pub components: BTreeMap<String, ComponentDraft>,
    /// Routed network IDs.
    pub networks: Vec<String>,
    /// Dependency deployment IDs.
    pub dependencies: Vec<String>,
    /// Volumes.
    pub volumes: Vec<VolumeRow>,
}

impl DeployDraft {
    /// A fresh form for `package`'s first plan: parameters at their defaults.
    pub fn new(package: &Package) -> DeployDraft {
        let plan = package.plans.first();
        DeployDraft {
            package_id: package.summary.guid.clone(),
            plan_id: plan.map(|p| p.plan_id.clone()).unwrap_or_default(),
            components: plan
                .map(|plan| {
                    plan.components
                        .iter()
                        .map(|c| {
                            let parameters = c
                                .parameters
                                .iter()
                                .map(|p| (p.name.clone(), p.default.clone()))
                                .collect();
                            (
                                c.component_id.clone(),
                                ComponentDraft {
                                    parameters,
                                    ..Default::default()
                                },
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Whether a saved draft still fits `package` (same plan and components).
    pub fn fits(&self, package: &Package) -> bool {
        let fresh = DeployDraft::new(package);
        self.package_id == fresh.package_id
            && self.plan_id == fresh.plan_id
            && self.components.keys().eq(fresh.components.keys())
    }

    /// The request this form sends.
    pub fn to_request(&self, plan: Option<&Plan>) -> ProvisionRequest {
        let component_context = self
            .components
            .iter()
            .map(|(id, draft)| {
                let component = plan.and_then(|p| p.component(id));
                let is_device = component.is_some_and(|c| c.required_runtime == Runtime::Device);
                let device_id =
                    Some(draft.device_id.trim().to_string()).filter(|d| is_device && !d.is_empty());
                let restart_policy = if is_device {
                    draft
                        .restart_policy
                        .clone()
                        .or_else(|| component.and_then(|c| c.restart_policy.clone()))
                } else {
                    None
                };
                (
                    id.clone(),
                    ComponentContext {
                        device_id,
                        restart_policy,
                        parameters: draft.parameters.clone(),
                    },
                )
            })
            .collect();
        ProvisionRequest {
            name: self.name.trim().to_string(),
            package_id: self.package_id.clone(),
            plan_id: self.plan_id.clone(),
            labels: self
                .labels
                .iter()
                .map(|l| Label {
                    key: l.key.trim().to_string(),
                    value: l.value.trim().to_string(),
                })
                .collect(),
            component_context,
            routed_networks: self
                .networks
                .iter()
                .map(|guid| NetworkRef {
                    guid: guid.clone(),
                    name: None,
                })
                .collect(),
            dependent_deployments: self
                .dependencies
                .iter()
                .map(|id| DependencyRef {
                    dependent_deployment_id: id.clone(),
                })
                .collect(),
            volumes: self
                .volumes
                .iter()
                .map(|v| VolumeMount {
                    deployment_id: v.deployment_id.clone(),
                    component_id: v.component_id.clone(),
                    mount_path: v.mount_path.trim().to_string(),
                })
                .collect(),
        }
    }

    /// Applies a deploy link's query: `name`, `label=key:value` (repeatable),
    /// `device.<componentId>=<deviceId>`, `network=<guid>` and `dependency=<id>` (repeatable).
    /// Returns whether the query said anything about the form.
    pub fn apply_query(&mut self, pairs: &[(String, String)]) -> bool {
        let mut applied = false;
        for (key, value) in pairs {
            match key.as_str() {
                "name" => self.name = value.clone(),
                "label" => {
                    let (key, value) = value.split_once(':').unwrap_or((value.as_str(), ""));
                    self.labels.push(LabelRow {
                        key: key.to_string(),
                        value: value.to_string(),
                    });
                }
                "network" if !self.networks.contains(value) => self.networks.push(value.clone()),
                "dependency" if !self.dependencies.contains(value) => {
                    self.dependencies.push(value.clone())
                }
                other => match other
                    .strip_prefix("device.")
                    .and_then(|id| self.components.get_mut(id))
                {
                    Some(component) => component.device_id = value.clone(),
                    None => continue,
                },
            }
            applied = true;
        }
        applied
    }

    /// The devices and the deployments (dependencies and volumes) this draft names, each once.
    pub fn chosen_ids(&self) -> (Vec<String>, Vec<String>) {
        let mut devices: Vec<String> = self
            .components
            .values()
            .map(|c| c.device_id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect();
        devices.sort();
        devices.dedup();
        let mut deployments: Vec<String> = self
            .dependencies
            .iter()
            .chain(self.volumes.iter().map(|v| &v.deployment_id))
            .filter(|id| !id.trim().is_empty())
            .cloned()
            .collect();
        deployments.sort();
        deployments.dedup();
        (devices, deployments)
    }

    /// A deploy link's query that reproduces this form's choices (not its parameters).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if !self.name.trim().is_empty() {
            pairs.push(("name".to_string(), self.name.trim().to_string()));
        }
        for label in &self.labels {
            pairs.push(("label".into(), format!("{}:{}", label.key, label.value)));
        }
        for (id, component) in &self.components {
            if !component.device_id.is_empty() {
                pairs.push((format!("device.{id}"), component.device_id.clone()));
            }
        }
        pairs.extend(
            self.networks
                .iter()
                .map(|n| ("network".to_string(), n.clone())),
        );
        pairs.extend(
            self.dependencies
                .iter()
                .map(|d| ("dependency".to_string(), d.clone())),
        );
        pairs
    }
}

/// The first message for each field path.
pub fn errors_by_field(errors: &[FieldError]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for error in errors {
        map.entry(error.field.clone())
            .or_insert_with(|| error.message.clone());
    }
    map
}

/// A DOM id for a field path (`labels[0].key` → `field-labels-0--key`).
pub fn field_dom_id(path: &str) -> String {
    let mut id = String::from("field-");
    for c in path.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '-'
        });
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::sim::seed;
    use platform::time::Millis;

    fn bridge() -> Package {
        seed::packages(Millis(0))
            .into_iter()
            .find(|p| p.summary.guid == "pkg-fleet-bridge")
            .unwrap()
    }

    #[test]
    fn a_fresh_draft_has_every_parameter_at_its_default() {
        let draft = DeployDraft::new(&bridge());
        assert_eq!(draft.plan_id, "plan-fleet-bridge");
        assert_eq!(
            draft.components["comp-bridge-agg"].parameters["RETENTION_HOURS"],
            "24"
        );
        assert!(draft.fits(&bridge()));
    }

    #[test]
    fn the_request_carries_devices_only_for_device_components_and_the_default_policy() {
        let package = bridge();
        let mut draft = DeployDraft::new(&package);
        draft.name = "  bridge-1 ".into();
        draft
            .components
            .get_mut("comp-bridge-agent")
            .unwrap()
            .device_id = "dev-edge-01".into();
        draft
            .components
            .get_mut("comp-bridge-agg")
            .unwrap()
            .device_id = "ignored".into();
        let request = draft.to_request(package.plans.first());
        assert_eq!(request.name, "bridge-1");
        let agent = &request.component_context["comp-bridge-agent"];
        assert_eq!(agent.device_id.as_deref(), Some("dev-edge-01"));
        assert_eq!(
            agent.restart_policy,
            Some(RestartPolicy::OnFailure),
            "the package default is sent"
        );
        assert_eq!(request.component_context["comp-bridge-agg"].device_id, None);
        assert_eq!(
            request.component_context["comp-bridge-agg"].restart_policy,
            None
        );
    }

    #[test]
    fn a_deploy_link_prefills_and_round_trips() {
        let package = bridge();
        let mut draft = DeployDraft::new(&package);
        let query: Vec<(String, String)> = [
            ("name", "tokyo-bridge"),
            ("label", "site:tokyo"),
            ("label", "env:dev"),
            ("device.comp-bridge-agent", "dev-edge-01"),
            ("device.comp-unknown", "x"),
            ("network", "net-floor"),
            ("utm_source", "chat"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert!(draft.apply_query(&query));
        assert_eq!(draft.name, "tokyo-bridge");
        assert_eq!(
            draft.labels[1],
            LabelRow {
                key: "env".into(),
                value: "dev".into()
            }
        );
        assert_eq!(
            draft.components["comp-bridge-agent"].device_id,
            "dev-edge-01"
        );
        assert_eq!(draft.networks, ["net-floor"]);
        let mut again = DeployDraft::new(&package);
        again.apply_query(&draft.to_query());
        assert_eq!(again, draft);
        assert!(!DeployDraft::new(&package).apply_query(&[("utm".into(), "x".into())]));
    }

    #[test]
    fn label_keys_and_values_are_sent_trimmed() {
        let package = bridge();
        let mut draft = DeployDraft::new(&package);
        draft.labels.push(LabelRow {
            key: " site ".into(),
            value: "  tokyo ".into(),
        });
        let request = draft.to_request(package.plans.first());
        assert_eq!(
            (
                request.labels[0].key.as_str(),
                request.labels[0].value.as_str()
            ),
            ("site", "tokyo"),
            "a selector such as site:tokyo finds what was typed"
        );
    }

    #[test]
    fn field_ids_are_safe_for_the_dom() {
        assert_eq!(field_dom_id("labels[0].key"), "field-labels-0--key");
        assert_eq!(
            field_dom_id("componentContext.comp-a.deviceId"),
            "field-componentContext-comp-a-deviceId"
        );
    }
}
