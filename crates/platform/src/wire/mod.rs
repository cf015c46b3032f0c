//! The API's JSON objects, with field names exactly as the platform writes them. Decoding is
//! tolerant: unknown fields are ignored, optional fields default, enums keep unknown words; only a
//! missing id, name or phase fails a decode (as an error, never a panic).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::phase::{Phase, Status};

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
    /// A CPU architecture.
    pub enum Architecture {
        /// x86-64.
        Amd64 => "amd64",
        /// 32-bit ARM v7.
        Arm32v7 => "arm32v7",
        /// 64-bit ARM v8.
        Arm64v8 => "arm64v8",
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

tolerant_enum! {
    /// A device's connection state.
    pub enum DeviceStatus {
        /// Connected.
        Online => "ONLINE",
        /// Not connected.
        Offline => "OFFLINE",
        /// Being set up.
        Initializing => "INITIALIZING",
        /// Failed to register.
        Failed => "FAILED",
    }
}

tolerant_enum! {
    /// How a device runs executables (its `runtime` config variable).
    pub enum DeviceRuntime {
        /// Docker (docker-compose): runs docker images and builds.
        Docker => "dockercompose" | "docker",
        /// Preinstalled: runs bare commands in a ROS workspace on the device.
        Preinstalled => "preinstalled",
    }
}

tolerant_enum! {
    /// How one generation of a deployment ended.
    pub enum HistoryStatus {
        /// The generation started.
        Succeeded => "succeeded",
        /// The generation failed.
        Failed => "failed",
        /// Still being applied.
        InProgress => "in_progress",
    }
}

/// A `{"items": [...]}` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// The items.
    pub items: Vec<T>,
}

/// A key/value label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Label {
    /// The key.
    #[serde(default)]
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

impl Label {
    /// Reads a label selector written `key:value` (`site:tokyo`), as dashboards put it in a
    /// widget's URL. Spaces around key and value are ignored; both must be non-empty.
    pub fn from_selector(text: &str) -> Option<Label> {
        let (key, value) = text.split_once(':')?;
        let (key, value) = (key.trim(), value.trim());
        (!key.is_empty() && !value.is_empty()).then(|| Label {
            key: key.to_string(),
            value: value.to_string(),
        })
    }

    /// The selector form, `key:value`.
    pub fn selector(&self) -> String {
        format!("{}:{}", self.key, self.value)
    }

    /// Whether `labels` carry this exact key and value.
    pub fn is_in(&self, labels: &[Label]) -> bool {
        labels.iter().any(|l| l == self)
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

fn default_runtime() -> Runtime {
    Runtime::Cloud
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

/// A device: robot or edge computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Device ID.
    pub uuid: String,
    /// Name.
    pub name: String,
    /// ONLINE, OFFLINE, …
    #[serde(default = "offline")]
    pub status: DeviceStatus,
    /// CPU architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Config variables: `runtime`, `ros_distro`, `ros_workspace`, …
    #[serde(rename = "config_variables", default)]
    pub config_variables: Vec<Label>,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Last time it was seen (RFC 3339).
    #[serde(rename = "last_online", default)]
    pub last_online: String,
}

fn offline() -> DeviceStatus {
    DeviceStatus::Offline
}

impl Device {
    /// A config variable's non-empty value.
    pub fn config(&self, key: &str) -> Option<&str> {
        self.config_variables
            .iter()
            .find(|var| var.key == key)
            .map(|var| var.value.trim())
            .filter(|value| !value.is_empty())
    }

    /// The device's runtime, from its `runtime` config variable.
    pub fn runtime(&self) -> Option<DeviceRuntime> {
        self.config("runtime").map(DeviceRuntime::parse)
    }

    /// True when ONLINE.
    pub fn is_online(&self) -> bool {
        self.status == DeviceStatus::Online
    }
}

/// A routed network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutedNetwork {
    /// Network ID.
    pub guid: String,
    /// Name.
    pub name: String,
    /// cloud or device.
    #[serde(default = "default_runtime")]
    pub runtime: Runtime,
    /// ROS distro.
    #[serde(rename = "rosDistro", default)]
    pub ros_distro: String,
    /// Its own phase and status (unknown when absent: such a network is never eligible).
    #[serde(rename = "internalDeploymentStatus", default)]
    pub internal_deployment_status: PhaseStatus,
}

/// A phase with a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseStatus {
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
}

/// Absent: an unknown phase (empty text, shown as "Unknown") and an unknown status.
impl Default for PhaseStatus {
    fn default() -> Self {
        PhaseStatus {
            phase: Phase::Unknown(String::new()),
            status: unknown_status(),
        }
    }
}

fn unknown_status() -> Status {
    Status::Unknown("Unknown".into())
}

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

/// A deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Deployment ID.
    #[serde(rename = "deploymentId")]
    pub deployment_id: String,
    /// Name.
    pub name: String,
    /// Package ID.
    #[serde(rename = "packageId", default)]
    pub package_id: String,
    /// Package name.
    #[serde(rename = "packageName", default)]
    pub package_name: String,
    /// Package version.
    #[serde(rename = "packageVersion", default)]
    pub package_version: String,
    /// Plan ID.
    #[serde(rename = "planId", default)]
    pub plan_id: String,
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
    /// Error codes (string, list or null on the wire).
    #[serde(default, deserialize_with = "codes")]
    pub errors: Vec<String>,
    /// Current generation (starts at 1).
    #[serde(rename = "currentGeneration", default = "first_generation")]
    pub current_generation: u64,
    /// Who created it.
    #[serde(default)]
    pub creator: String,
    /// When it was created.
    #[serde(rename = "CreatedAt", default)]
    pub created_at: String,
    /// When its status last changed.
    #[serde(rename = "lastStatusUpdateTime", default)]
    pub last_status_update_time: String,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Dependencies.
    #[serde(rename = "dependentDeployments", default)]
    pub dependent_deployments: Vec<DependencyRef>,
    /// Phase and status of each dependency, by deployment ID.
    #[serde(rename = "dependentDeploymentStatus", default)]
    pub dependent_deployment_status: BTreeMap<String, DependencyStatus>,
    /// Routed networks.
    #[serde(rename = "routedNetworks", default)]
    pub routed_networks: Vec<NetworkRef>,
    /// Volumes.
    #[serde(default)]
    pub volumes: Vec<VolumeMount>,
    /// Per-component status (lists may omit it).
    #[serde(rename = "componentInfo", default)]
    pub component_info: Vec<ComponentInfo>,
    /// When each phase was entered, oldest first.
    #[serde(rename = "phaseTimeline", default)]
    pub phase_timeline: Vec<PhaseAt>,
}

fn first_generation() -> u64 {
    1
}

/// A dependency's name, phase and status, as its dependant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyStatus {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Phase.
    pub phase: Phase,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
}

/// The status of one component of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentInfo {
    /// Component ID.
    #[serde(rename = "componentID")]
    pub component_id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// cloud or device.
    #[serde(default = "default_runtime")]
    pub runtime: Runtime,
    /// The device, for device components.
    #[serde(rename = "deviceId", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The restart policy, for device components.
    #[serde(
        rename = "restartPolicy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub restart_policy: Option<RestartPolicy>,
    /// Status.
    #[serde(default = "unknown_status")]
    pub status: Status,
    /// Error codes (string, list or null on the wire).
    #[serde(rename = "errorCode", default, deserialize_with = "codes")]
    pub error_code: Vec<String>,
    /// Parameter values.
    #[serde(default, deserialize_with = "string_map")]
    pub parameters: BTreeMap<String, String>,
    /// Per-executable status.
    #[serde(rename = "executablesStatusInfo", default)]
    pub executables_status_info: Vec<ExecutableStatus>,
}

/// The status of one executable. A compound status on the wire ("Error ErrImagePull") is split:
/// the first word is the status, the rest the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawExecutableStatus")]
pub struct ExecutableStatus {
    /// Executable ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: Status,
    /// Why it is Pending or in Error.
    pub reason: String,
    /// Restarts so far.
    #[serde(rename = "restartCount")]
    pub restart_count: u64,
}

#[derive(Deserialize)]
struct RawExecutableStatus {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(rename = "restartCount", default, deserialize_with = "lenient_count")]
    restart_count: u64,
}

impl From<RawExecutableStatus> for ExecutableStatus {
    fn from(raw: RawExecutableStatus) -> Self {
        let (status, rest) = split_compound_status(&raw.status);
        let reason = raw
            .reason
            .map(|reason| reason.trim().to_string())
            .filter(|reason| !reason.is_empty())
            .unwrap_or(rest);
        ExecutableStatus {
            id: raw.id,
            name: raw.name,
            status,
            reason,
            restart_count: raw.restart_count,
        }
    }
}

/// Splits "Error ErrImagePull" into (Error, "ErrImagePull"); a single word has no reason.
pub fn split_compound_status(text: &str) -> (Status, String) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((first, rest)) if Status::parse(first) != Status::Unknown(first.to_string()) => {
            (Status::parse(first), rest.trim().to_string())
        }
        _ => (Status::parse(text), String::new()),
    }
}

/// When a phase was entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseAt {
    /// The phase.
    pub phase: Phase,
    /// When (RFC 3339).
    #[serde(default)]
    pub at: String,
}

/// One generation of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The generation.
    pub generation: u64,
    /// When it was applied (RFC 3339).
    #[serde(default)]
    pub time: String,
    /// Who applied it.
    #[serde(default)]
    pub user: String,
    /// How it ended (unknown, empty text, when absent).
    #[serde(default = "unknown_history_status")]
    pub status: HistoryStatus,
    /// Components it updated.
    #[serde(default)]
    pub components: Vec<String>,
    /// Error codes of a failed generation.
    #[serde(default, deserialize_with = "codes")]
    pub errors: Vec<String>,
}

fn unknown_history_status() -> HistoryStatus {
    HistoryStatus::Unknown(String::new())
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// When (RFC 3339).
    #[serde(default)]
    pub time: String,
    /// Component name.
    #[serde(default)]
    pub component: String,
    /// Executable name.
    #[serde(default)]
    pub executable: String,
    /// stdout or stderr.
    #[serde(default)]
    pub stream: String,
    /// The text.
    #[serde(default)]
    pub message: String,
}

/// A page of log lines and the cursor for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    /// Lines, oldest first.
    pub items: Vec<LogLine>,
    /// Pass as `after` to get the lines that follow.
    #[serde(default)]
    pub next: String,
}

/// What the catalog's search and category filter let through: the name contains the search
/// (case-insensitively), and the category matches when one is chosen. Shared by the backend's
/// `GET /packages` and the console's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    search: String,
    category: Option<Category>,
}

impl CatalogFilter {
    /// A filter from the search text and category text (empty: any).
    pub fn new(search: &str, category: &str) -> CatalogFilter {
        let category = category.trim();
        CatalogFilter {
            search: search.trim().to_lowercase(),
            category: (!category.is_empty()).then(|| Category::parse(category)),
        }
    }

    /// Whether `package` is shown.
    pub fn matches(&self, package: &PackageSummary) -> bool {
        (self.search.is_empty() || package.package_name.to_lowercase().contains(&self.search))
            && self
                .category
                .as_ref()
                .is_none_or(|c| &package.category == c)
    }
}

impl CatalogFilter {
    /// The packages of `all` this filter lets through, in the catalog's order.
    pub fn list(&self, all: impl IntoIterator<Item = PackageSummary>) -> Vec<PackageSummary> {
        let mut found: Vec<PackageSummary> = all.into_iter().filter(|p| self.matches(p)).collect();
        found.sort_by(catalog_order);
        found
    }
}

/// The catalog's order: name (case-insensitively), then version (numerically).
pub fn catalog_order(a: &PackageSummary, b: &PackageSummary) -> std::cmp::Ordering {
    a.package_name
        .to_lowercase()
        .cmp(&b.package_name.to_lowercase())
        .then_with(|| compare_versions(&a.package_version, &b.package_version))
}

/// Orders package versions the way people read them: runs of digits compare as numbers
/// (`v1.9.0` < `v1.10.0`), other text compares as text, a leading `v` or `V` before a digit is
/// ignored, and a version that is a prefix of another comes first (`1.2` < `1.2.1`). Versions
/// equal by these rules (`v1.0` and `1.0`, `01` and `1`) fall back to comparing the text, so
/// the order is total and consistent with `==`.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn strip_v(text: &str) -> &str {
        match text.strip_prefix(['v', 'V']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => text,
        }
    }
    /// The next run of digits or of non-digits.
    fn next_run(text: &str) -> Option<(&str, &str)> {
        let first = text.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = text
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(text.len());
        Some(text.split_at(end))
    }
    fn compare_runs(x: &str, y: &str) -> std::cmp::Ordering {
        let numeric = |run: &str| run.starts_with(|c: char| c.is_ascii_digit());
        if numeric(x) && numeric(y) {
            // As numbers of any length: without leading zeros, longer is larger.
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        }
    }
    let (mut x, mut y) = (strip_v(a.trim()), strip_v(b.trim()));
    loop {
        match (next_run(x), next_run(y)) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some((run_x, rest_x)), Some((run_y, rest_y))) => {
                let order = compare_runs(run_x, run_y);
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
                (x, y) = (rest_x, rest_y);
            }
        }
    }
}

/// Why a JSON answer could not be read as the object expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Decodes an API answer. On top of serde's tolerance, an explicit `null` counts as a missing
/// field (the platform sends both), so only a missing or null id, name or phase fails.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    // Without any `null` in the text, dropping nulls changes nothing: one pass is enough (the
    // reference backend never sends null; a poll of 1,000 deployments decodes about 3× faster).
    if !text.contains("null")
        && let Ok(decoded) = serde_json::from_str(text)
    {
        return Ok(decoded);
    }
    decode_dropping_nulls(text)
}

/// The full decode: every `null` member removed, then read.
fn decode_dropping_nulls<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| DecodeError(format!("the answer is not valid JSON ({e})")))?;
    drop_nulls(&mut value);
    // Back through text rather than `from_value`: one deserializer per type keeps the wasm small.
    serde_json::from_str(&value.to_string())
        .map_err(|e| DecodeError(format!("the answer is not the expected object ({e})")))
}

/// Removes object members whose value is `null`, at every depth.
pub(crate) fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `null`, a string, or a list of strings → a list of non-empty codes.
fn codes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Codes {
        One(String),
        Many(Vec<Option<String>>),
    }
    Ok(match Option::<Codes>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Codes::One(code)) => vec![code],
        Some(Codes::Many(codes)) => codes.into_iter().flatten().collect(),
    }
    .into_iter()
    .map(|code| code.trim().to_string())
    .filter(|code| !code.is_empty())
    .collect())
}

/// A string or a list of strings (commands come both ways).
fn string_or_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(text)) if text.trim().is_empty() => Vec::new(),
        Some(OneOrMany::One(text)) => vec![text],
        Some(OneOrMany::Many(list)) => list,
    })
}

/// Strings, numbers and booleans as text (parameter defaults are sometimes numbers).
fn scalar_as_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(text)) => text,
            Some(other @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                other.to_string()
            }
            Some(_) => {
                return Err(serde::de::Error::custom(
                    "expected a string, number or boolean",
                ));
            }
        },
    )
}

/// A map whose values may be strings, numbers or booleans.
fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (key, text)
        })
        .collect())
}

/// A count that may arrive as a number, a numeric string or null; negatives and garbage are 0.
fn lenient_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
            Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
            _ => 0,
        },
    )
}

#[cfg(test)]
mod decode_pass_tests {
    use super::*;

    /// The one-pass decode and the null-dropping decode agree (same value, or both refuse) on
    /// a full deployment and on it with each member in turn set to `null`.
    #[test]
    fn the_direct_pass_agrees_with_dropping_nulls() {
        let deployment = r#"{"deploymentId":"dep-1","name":"amr","packageId":"pkg-1",
            "packageName":"nav","packageVersion":"v1","planId":"plan-1","phase":"Succeeded",
            "status":"Running","errors":["DEP_E151"],"currentGeneration":3,"creator":"me",
            "CreatedAt":"2026-01-01T00:00:00Z","lastStatusUpdateTime":"2026-01-01T00:00:00Z",
            "labels":[{"key":"site","value":"tokyo"}],
            "dependentDeployments":[{"dependentDeploymentId":"dep-2"}],
            "dependentDeploymentStatus":{"dep-2":{"name":"x","phase":"Succeeded","status":"Running"}},
            "routedNetworks":[{"guid":"net-1","name":"n"}],
            "volumes":[{"deploymentId":"dep-3","componentId":"c","mountPath":"/data"}],
            "componentInfo":[{"componentID":"comp-1","name":"c","runtime":"device","deviceId":"u",
              "restartPolicy":"always","status":"Running","errorCode":"DEP_E151",
              "parameters":{"RATE":"10"},
              "executablesStatusInfo":[{"id":"e","name":"e","status":"Error ErrImagePull","reason":"r","restartCount":2}]}],
            "phaseTimeline":[{"phase":"In progress","at":"2026-01-01T00:00:00Z"}]}"#;
        let value: serde_json::Value = serde_json::from_str(deployment).unwrap();
        let mut variants = vec![deployment.to_string()];
        fn nulls(value: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            if let serde_json::Value::Object(members) = value {
                for (key, member) in members {
                    path.push(key.clone());
                    out.push(path.clone());
                    nulls(member, path, out);
                    path.pop();
                }
            } else if let serde_json::Value::Array(items) = value {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    nulls(item, path, out);
                    path.pop();
                }
            }
        }
        let mut paths = Vec::new();
        nulls(&value, &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut changed = value.clone();
            let pointer = format!("/{}", path.join("/"));
            if let Some(slot) = changed.pointer_mut(&pointer) {
                *slot = serde_json::Value::Null;
            }
            variants.push(changed.to_string());
        }
        assert!(variants.len() > 40);
        for text in &variants {
            let direct = decode::<Deployment>(text);
            let slow = decode_dropping_nulls::<Deployment>(text);
            match (direct, slow) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("the passes disagree on {text}: {a:?} vs {b:?}"),
            }
        }
    }
}

#[cfg(test)]
mod label_selector_tests {
    use super::Label;

    #[test]
    fn selectors_are_key_colon_value() {
        let tokyo = Label::from_selector(" site : tokyo ").expect("a selector");
        assert_eq!(
            (tokyo.key.as_str(), tokyo.value.as_str()),
            ("site", "tokyo")
        );
        assert_eq!(tokyo.selector(), "site:tokyo");
        // The value may itself hold a colon (the first one separates).
        assert_eq!(
            Label::from_selector("url:http://x").map(|l| l.value),
            Some("http://x".into())
        );
        for bad in ["", "site", "site:", ":tokyo", " : "] {
            assert_eq!(Label::from_selector(bad), None, "{bad}");
        }
    }

    #[test]
    fn matching_is_exact() {
        let tokyo = Label::from_selector("site:tokyo").expect("a selector");
        let labels = |pairs: &[(&str, &str)]| -> Vec<Label> {
            pairs
                .iter()
                .map(|(k, v)| Label {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect()
        };
        assert!(tokyo.is_in(&labels(&[("env", "dev"), ("site", "tokyo")])));
        assert!(!tokyo.is_in(&labels(&[("site", "Tokyo")])));
        assert!(!tokyo.is_in(&labels(&[("site", "tokyo-2")])));
        assert!(!tokyo.is_in(&[]));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalog_filter_matches_names_and_categories() {
        let package = |name: &str, category: Category| PackageSummary {
            guid: format!("pkg-{name}"),
            package_name: name.into(),
            package_version: "v1".into(),
            description: String::new(),
            category,
            is_public: false,
            creator: String::new(),
            created_at: String::new(),
        };
        let volume = package("io-public-persistent-volume", Category::Storage);
        assert!(CatalogFilter::new(" VOLUME ", "").matches(&volume));
        assert!(CatalogFilter::new("", "storage").matches(&volume));
        assert!(!CatalogFilter::new("", "Default").matches(&volume));
        assert!(!CatalogFilter::new("nav", "").matches(&volume));
        let (a, b) = (
            package("Alpha", Category::Default),
            package("beta", Category::Default),
        );
        assert_eq!(
            catalog_order(&a, &b),
            std::cmp::Ordering::Less,
            "names compare case-insensitively"
        );
    }

    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn versions_compare_numbers_as_numbers() {
        assert_eq!(compare_versions("v1.9.0", "v1.10.0"), Less);
        assert_eq!(compare_versions("v1.10.0", "v1.9.0"), Greater);
        assert_eq!(compare_versions("v2.0.0", "v10.0.0"), Less);
        assert_eq!(
            compare_versions("1.2", "1.2.1"),
            Less,
            "a prefix comes first"
        );
        assert_eq!(
            compare_versions("v1.2.3", "1.2.4"),
            Less,
            "a leading v is ignored"
        );
        assert_eq!(compare_versions("V3", "v2"), Greater);
        assert_eq!(compare_versions("1.0.10-rc2", "1.0.10-rc10"), Less);
        assert_eq!(
            compare_versions("99999999999999999999999.1", "100000000000000000000000.0"),
            Less,
            "numbers longer than u64 still compare as numbers"
        );
        assert_eq!(compare_versions("v1.0", "v1.0"), Equal);
    }

    #[test]
    fn versions_fall_back_to_text() {
        assert_eq!(compare_versions("beta", "alpha"), Greater);
        assert_eq!(compare_versions("", "v1"), Less);
        assert_eq!(compare_versions("version", "v1"), "version".cmp("v1"));
        // Equal as versions, different as text: the text decides, so the order stays total.
        assert_eq!(compare_versions("v1.0", "1.0"), "v1.0".cmp("1.0"));
        assert_eq!(compare_versions("1.01", "1.1"), "1.01".cmp("1.1"));
        let mut versions = vec!["v1.10.0", "v1.9.0", "v1.9.10", "v1.9.2", "v0.1", "nightly"];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            ["v0.1", "v1.9.0", "v1.9.2", "v1.9.10", "v1.10.0", "nightly"]
        );
    }

    #[test]
    fn compound_status_is_split() {
        assert_eq!(
            split_compound_status("Error ErrImagePull"),
            (Status::Error, "ErrImagePull".into())
        );
        assert_eq!(
            split_compound_status("Pending  ContainerCreating"),
            (Status::Pending, "ContainerCreating".into())
        );
        assert_eq!(
            split_compound_status("Running"),
            (Status::Running, String::new())
        );
        assert_eq!(
            split_compound_status("Crash Loop"),
            (Status::Unknown("Crash Loop".into()), String::new())
        );
    }
}
