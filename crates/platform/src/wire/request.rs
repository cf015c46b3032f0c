//! Requests: deploy a package (with the references it carries, which deployments carry too) and
//! update a deployment in place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Label, RestartPolicy};

/// A request to deploy a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProvisionRequest {
    /// Deployment name.
    #[serde(default)]
    pub name: String,
    /// Package ID.
    #[serde(rename = "packageId", default)]
    pub package_id: String,
    /// Plan ID.
    #[serde(rename = "planId", default)]
    pub plan_id: String,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Per component: device, restart policy, parameters.
    #[serde(rename = "componentContext", default)]
    pub component_context: BTreeMap<String, ComponentContext>,
    /// Routed networks.
    #[serde(rename = "routedNetworks", default)]
    pub routed_networks: Vec<NetworkRef>,
    /// Dependencies.
    #[serde(rename = "dependentDeployments", default)]
    pub dependent_deployments: Vec<DependencyRef>,
    /// Volumes.
    #[serde(default)]
    pub volumes: Vec<VolumeMount>,
}

/// What the request says about one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ComponentContext {
    /// Device for a device component.
    #[serde(rename = "deviceId", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Restart policy for a device component.
    #[serde(
        rename = "restartPolicy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub restart_policy: Option<RestartPolicy>,
    /// Parameter values.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

/// A routed network reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkRef {
    /// Network ID.
    pub guid: String,
    /// Name (in deployments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A dependency reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DependencyRef {
    /// The deployment depended on.
    #[serde(rename = "dependentDeploymentId")]
    pub dependent_deployment_id: String,
}

/// A volume mount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VolumeMount {
    /// The volume deployment.
    #[serde(rename = "deploymentId", default)]
    pub deployment_id: String,
    /// The component it mounts into.
    #[serde(rename = "componentId", default)]
    pub component_id: String,
    /// Absolute mount path.
    #[serde(rename = "mountPath", default)]
    pub mount_path: String,
}

/// A request to update a deployment in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UpdateRequest {
    /// The generation the user saw.
    #[serde(rename = "expectedGeneration")]
    pub expected_generation: u64,
    /// Components to update.
    #[serde(default)]
    pub components: Vec<String>,
}
