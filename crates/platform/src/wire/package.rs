//! Packages as the catalog and the deploy form read them: the summary, plans and components
//! with their executables, parameters, endpoints and ROS settings, and the words they use
//! (category, runtime, restart policy).

use serde::{Deserialize, Serialize};

use super::{Architecture, default_runtime, scalar_as_string, string_or_list};

tolerant_enum! {
    /// Who a package is for.
    pub enum Category {
        /// A user's own package.
        Default => "Default",
        /// A public platform storage package.
        Storage => "Storage",
        /// A public platform communication package.
        Communication => "Communication",
    }
}

tolerant_enum! {
    /// Where a component (or routed network) runs.
    pub enum Runtime {
        /// On the platform's cloud.
        Cloud => "cloud",
        /// On a device (robot or edge computer).
        Device => "device",
    }
}

tolerant_enum! {
    /// What a device component does when its executables exit.
    pub enum RestartPolicy {
        /// Always restart.
        Always => "always",
        /// Restart when an executable fails.
        OnFailure => "on-failure",
        /// Never restart.
        No => "no" | "never",
    }
}

impl RestartPolicy {
    /// As shown on screen: Always / On-failure / Never.
    pub fn label(&self) -> &str {
        match self {
            RestartPolicy::Always => "Always",
            RestartPolicy::OnFailure => "On-failure",
            RestartPolicy::No => "Never",
            RestartPolicy::Unknown(raw) => raw,
        }
    }
}

/// A package as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageSummary {
    /// Package ID.
    pub guid: String,
    /// Name.
    #[serde(rename = "packageName")]
    pub package_name: String,
    /// Version.
    #[serde(rename = "packageVersion", default)]
    pub package_version: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Default (user), Storage or Communication (public).
    #[serde(default = "default_category")]
    pub category: Category,
    /// A public platform package.
    #[serde(rename = "isPublic", default)]
    pub is_public: bool,
    /// Who created it.
    #[serde(default)]
    pub creator: String,
    /// When it was created (RFC 3339).
    #[serde(rename = "CreatedAt", default)]
    pub created_at: String,
}

fn default_category() -> Category {
    Category::Default
}

/// A package with its plans and components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// The catalog fields.
    #[serde(flatten)]
    pub summary: PackageSummary,
    /// The plans (one, `default`).
    #[serde(default)]
    pub plans: Vec<Plan>,
}

impl Package {
    /// The plan with this id.
    pub fn plan(&self, plan_id: &str) -> Option<&Plan> {
        self.plans.iter().find(|plan| plan.plan_id == plan_id)
    }

    /// Components of every plan.
    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.plans.iter().flat_map(|plan| plan.components.iter())
    }
}

/// A plan of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Plan ID.
    #[serde(rename = "planId")]
    pub plan_id: String,
    /// Plan name.
    #[serde(rename = "planName", default)]
    pub plan_name: String,
    /// Components.
    #[serde(default)]
    pub components: Vec<Component>,
}

impl Plan {
    /// The component with this id.
    pub fn component(&self, component_id: &str) -> Option<&Component> {
        self.components
            .iter()
            .find(|c| c.component_id == component_id)
    }

    /// True when any component runs in the cloud.
    pub fn has_cloud_component(&self) -> bool {
        self.components
            .iter()
            .any(|c| c.required_runtime == Runtime::Cloud)
    }

    /// True when any component uses ROS.
    pub fn uses_ros(&self) -> bool {
        self.components.iter().any(|c| c.ros.is_ros)
    }
}

/// A component of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Component ID.
    #[serde(rename = "componentId")]
    pub component_id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// cloud or device.
    #[serde(rename = "requiredRuntime", default = "default_runtime")]
    pub required_runtime: Runtime,
    /// Device components: the CPU architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Device components: the default restart policy.
    #[serde(
        rename = "restart_policy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub restart_policy: Option<RestartPolicy>,
    /// ROS settings.
    #[serde(default)]
    pub ros: Ros,
    /// Cloud components: replicas and endpoints.
    #[serde(
        rename = "cloudInfra",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_infra: Option<CloudInfra>,
    /// Executables.
    #[serde(default)]
    pub executables: Vec<Executable>,
    /// Parameters.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
}

/// ROS settings of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ros {
    /// Uses ROS.
    #[serde(rename = "isROS", default)]
    pub is_ros: bool,
    /// The ROS distro (e.g. `noetic`).
    #[serde(
        rename = "ros_distro",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ros_distro: Option<String>,
}

/// Cloud component settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CloudInfra {
    /// Replica count.
    #[serde(default = "one")]
    pub replicas: u32,
    /// Network endpoints.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
}

fn one() -> u32 {
    1
}

/// A network endpoint of a cloud component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Endpoint {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Protocol (HTTP, HTTPS, TCP, …).
    #[serde(default)]
    pub proto: String,
    /// Exposed port.
    #[serde(default)]
    pub port: u32,
    /// Container port.
    #[serde(rename = "targetPort", default)]
    pub target_port: u32,
    /// Reachable from outside the platform.
    #[serde(rename = "exposeExternally", default)]
    pub expose_externally: bool,
}

/// An executable of a component: a docker image, a build, or a bare command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Executable {
    /// Executable ID.
    #[serde(default)]
    pub id: String,
    /// Name.
    pub name: String,
    /// Docker image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<String>,
    /// Build ID.
    #[serde(rename = "buildGUID", default, skip_serializing_if = "Option::is_none")]
    pub build_guid: Option<String>,
    /// Command (for images: overrides the entrypoint; alone: a bare command).
    #[serde(default, deserialize_with = "string_or_list")]
    pub cmd: Vec<String>,
}

impl Executable {
    /// True when it runs from a docker image or build (needs a docker device).
    pub fn needs_docker(&self) -> bool {
        self.docker.as_deref().is_some_and(|d| !d.trim().is_empty())
            || self
                .build_guid
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty())
    }
}

/// A parameter of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Parameter {
    /// Name.
    pub name: String,
    /// Default value.
    #[serde(default, deserialize_with = "scalar_as_string")]
    pub default: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}
