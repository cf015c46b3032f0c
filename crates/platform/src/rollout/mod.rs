//! Deploying one package to a fleet (docs/api.md, "Fleet rollouts and bulk actions"): the
//! request, which devices a rollout targets and why others are left out ([`plan`]), its waves
//! ([`waves`]), and how it moves on, halts, pauses, resumes and aborts ([`state`]). The rules
//! live here once, for the backend, the demo's simulation and the console's preview.

pub mod plan;
pub mod state;
pub mod targets;
pub mod waves;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::phase::{Phase, Status};
use crate::wire::{Label, NetworkRef};

pub use plan::{
    PREVIEW_PAGE, RolloutPreview, TargetPreview, plan, preview, preview_request, selector_query,
};
pub use state::{Decision, RolloutState, TargetPhase, decide};
pub use targets::{TargetAnswer, TargetChanges, TargetListRequest, TargetPage, TargetQuery};

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

/// A rollout as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollout {
    /// Rollout ID (`ro-…`).
    pub rollout_id: String,
    /// Package ID.
    pub package_id: String,
    /// Package name.
    #[serde(default)]
    pub package_name: String,
    /// Package version.
    #[serde(default)]
    pub package_version: String,
    /// Where it is.
    pub state: RolloutState,
    /// Why it halted, naming the failed devices and their codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt_reason: Option<String>,
    /// Who made it.
    #[serde(default)]
    pub creator: String,
    /// When (RFC 3339).
    #[serde(rename = "CreatedAt", default)]
    pub created_at: String,
    /// The wave it is at (from 1).
    pub wave: u32,
    /// Its waves, as asked for.
    pub waves: Vec<Wave>,
    /// Failed deployments that halt it.
    pub max_failures: u32,
    /// Targets per phase (`pending` for those whose wave has not started).
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    /// Targets per phase in each wave, the first wave first (as `counts`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wave_counts: Vec<BTreeMap<String, u64>>,
    /// The failed targets, in wave order (at most [`FAILED_SHOWN`]): what explains a halt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_targets: Vec<RolloutTarget>,
    /// Its targets, in wave order, as stores keep them; the API pages them
    /// (`GET /rollouts/{id}/targets`) and answers the rollout without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<RolloutTarget>,
}

/// Failed targets a rollout's summary names.
pub const FAILED_SHOWN: usize = 20;

impl Rollout {
    /// As the API answers it: its counts overall and per wave, and the failed targets, without
    /// the other targets (their pages are read apart). One pass over the targets.
    pub fn summary(&self) -> Rollout {
        let mut wave_counts: Vec<BTreeMap<String, u64>> = Vec::new();
        let mut failed_targets = Vec::new();
        for target in &self.targets {
            let wave = usize::try_from(target.wave.max(1) - 1).unwrap_or(0);
            if wave_counts.len() <= wave {
                wave_counts.resize_with(wave + 1, BTreeMap::new);
            }
            if let Some(counts) = wave_counts.get_mut(wave) {
                *counts.entry(target.state_word().to_string()).or_insert(0) += 1;
            }
            if failed_targets.len() < FAILED_SHOWN && target.target_phase().failed() {
                failed_targets.push(target.clone());
            }
        }
        Rollout {
            rollout_id: self.rollout_id.clone(),
            package_id: self.package_id.clone(),
            package_name: self.package_name.clone(),
            package_version: self.package_version.clone(),
            state: self.state,
            halt_reason: self.halt_reason.clone(),
            creator: self.creator.clone(),
            created_at: self.created_at.clone(),
            wave: self.wave,
            waves: self.waves.clone(),
            max_failures: self.max_failures,
            counts: self.counts.clone(),
            wave_counts,
            failed_targets,
            targets: Vec::new(),
        }
    }
}

/// `GET /rollouts`: a page, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolloutList {
    /// The rollouts, without their targets.
    pub items: Vec<Rollout>,
    /// The token of the next page, when there is one.
    #[serde(rename = "continue", default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Rollouts a page shows when the request does not say.
pub const DEFAULT_ROLLOUT_LIMIT: usize = 50;

/// `GET /rollouts?limit=&continue=`, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RolloutListRequest {
    /// At most this many (1–[`crate::list::MAX_LIMIT`]).
    pub limit: usize,
    /// Only rollouts made before the one at this position (from the `continue` token).
    pub before: Option<u64>,
}

impl RolloutListRequest {
    /// Reads the query; a bad `limit` or `continue` is a 400 saying what to send.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, crate::PlatformError> {
        let mut request = RolloutListRequest {
            limit: DEFAULT_ROLLOUT_LIMIT,
            before: None,
        };
        for (key, value) in pairs {
            match key.as_str() {
                "limit" => request.limit = crate::list::parse_limit(value)?,
                "continue" => {
                    request.before = Some(
                        value
                            .strip_prefix("ro.")
                            .and_then(|n| n.parse().ok())
                            .ok_or_else(|| {
                                crate::PlatformError::BadQuery(format!(
                                    "\"{value}\" is not a continue token of this list; start again without it."
                                ))
                            })?,
                    );
                }
                _ => {}
            }
        }
        Ok(request)
    }

    /// The `continue` token of a page whose last rollout is at `position`.
    pub fn token(position: u64) -> String {
        format!("ro.{position}")
    }
}

/// One device of a rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutTarget {
    /// Device ID.
    pub device_id: String,
    /// Device name.
    #[serde(default)]
    pub device_name: String,
    /// Its deployment's name (the name pattern's, for this device).
    #[serde(default)]
    pub name: String,
    /// Its wave (from 1).
    pub wave: u32,
    /// Its deployment, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    /// Its deployment's phase, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// Its deployment's status, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Its deployment's error codes.
    #[serde(default)]
    pub errors: Option<Vec<String>>,
    /// Why the platform refused to deploy to it when its wave started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The store's resourceVersion when it last changed (what `since` compares).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resource_version: u64,
    /// Changed since it was read: the store gives it the version of the write that saves it.
    #[serde(skip)]
    pub changed: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RolloutTarget {
    /// A target whose wave has not started.
    pub fn new(device_id: &str, device_name: &str, name: &str, wave: u32) -> RolloutTarget {
        RolloutTarget {
            device_id: device_id.to_string(),
            device_name: device_name.to_string(),
            name: name.to_string(),
            wave,
            deployment_id: None,
            phase: None,
            status: None,
            errors: None,
            refused: None,
            resource_version: 0,
            changed: true,
        }
    }

    /// What the rollout's rules see of it.
    pub fn target_phase(&self) -> TargetPhase {
        if let Some(reason) = &self.refused {
            return TargetPhase::Refused {
                reason: reason.clone(),
            };
        }
        match &self.phase {
            None => TargetPhase::NotStarted,
            Some(phase) => TargetPhase::Deployed {
                phase: phase.clone(),
                codes: self.errors.clone().unwrap_or_default(),
            },
        }
    }
}

/// The word a rollout's counts use for targets whose wave has not started.
pub const PENDING: &str = "pending";

/// The word a rollout's counts use for targets the platform refused to deploy to.
pub const REFUSED: &str = "refused";

impl RolloutTarget {
    /// Where it is, as a rollout's counts say it: its deployment's phase, [`PENDING`] or
    /// [`REFUSED`].
    pub fn state_word(&self) -> &str {
        match (&self.refused, &self.phase) {
            (Some(_), _) => REFUSED,
            (None, Some(phase)) => phase.as_str(),
            (None, None) => PENDING,
        }
    }
}

/// Targets per phase, `pending` for those not started and `refused` for those the platform
/// refused: what the fleet progress bar shows.
pub fn counts<'a>(targets: impl IntoIterator<Item = &'a RolloutTarget>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for target in targets {
        *counts.entry(target.state_word().to_string()).or_insert(0) += 1;
    }
    counts
}
