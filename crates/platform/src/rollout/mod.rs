//! Deploying one package to a fleet (docs/api.md, "Fleet rollouts and bulk actions"): the
//! request, which devices a rollout targets and why others are left out ([`plan`]), its waves
//! ([`waves`]), and how it moves on, halts, pauses, resumes and aborts ([`state`]). The rules
//! live here once, for the backend, the demo's simulation and the console's preview.

pub mod plan;
pub mod state;
pub mod waves;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::{Label, NetworkRef};

pub use plan::{TargetPreview, plan, preview};
pub use state::{Decision, RolloutState, TargetPhase, decide};
pub use waves::{Wave, assign, wave_ends, waves_error};

/// The placeholder a name pattern replaces with each device's name.
pub const DEVICE_PLACEHOLDER: &str = "{device}";

/// A rollout as asked for: one deployment of the package's device component on every compatible
/// device that carries all the selector's labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RolloutRequest {
    /// Package ID.
    #[serde(default)]
    pub package_id: String,
    /// Plan ID.
    #[serde(default)]
    pub plan_id: String,
    /// The deployments' names, `{device}` standing for each device's name.
    #[serde(default)]
    pub name: String,
    /// Labels every target device carries (all of them).
    #[serde(default)]
    pub selector: Vec<Label>,
    /// The device component the devices run.
    #[serde(default)]
    pub component_id: String,
    /// Labels of each deployment made (the rollout adds `rollout: <id>`).
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Parameters of the component.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Routed networks.
    #[serde(default)]
    pub routed_networks: Vec<NetworkRef>,
    /// The component's restart policy.
    #[serde(default)]
    pub restart_policy: Option<String>,
    /// Cumulative shares of the targets, the first being the canary.
    #[serde(default = "default_waves")]
    pub waves: Vec<Wave>,
    /// Failed deployments that halt the rollout.
    #[serde(default = "default_max_failures")]
    pub max_failures: u32,
}

/// One device first, then a tenth, then all.
pub fn default_waves() -> Vec<Wave> {
    vec![Wave::Count(1), Wave::Percent(10), Wave::Percent(100)]
}

/// Halt at the first failure.
pub fn default_max_failures() -> u32 {
    1
}
