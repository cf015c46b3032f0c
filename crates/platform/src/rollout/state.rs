//! How a rollout moves: its state, the person's actions on it (pause, resume, abort), and what
//! to do when its deployments' phases change ([`decide`]): start the next wave once every
//! deployment of the waves before it has Succeeded, halt at `maxFailures` failed deployments
//! (starting nothing more), succeed when all have. Decided from the targets' phases alone, so a
//! store advances a rollout when one of its deployments changes, never by walking the fleet.

use serde::{Deserialize, Serialize};

use crate::errors::PlatformError;
use crate::phase::Phase;

/// Where a rollout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RolloutState {
    /// Starting its waves.
    Running,
    /// Stopped by a person; starts nothing until resumed.
    Paused,
    /// Stopped by failures reaching `maxFailures`; starts nothing until resumed.
    Halted,
    /// Every target's deployment Succeeded.
    Succeeded,
    /// Stopped for good by a person.
    Aborted,
}

impl RolloutState {
    /// The word the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::Running => "running",
            RolloutState::Paused => "paused",
            RolloutState::Halted => "halted",
            RolloutState::Succeeded => "succeeded",
            RolloutState::Aborted => "aborted",
        }
    }

    /// Whether nothing can change it any more.
    pub fn is_final(self) -> bool {
        matches!(self, RolloutState::Succeeded | RolloutState::Aborted)
    }

    fn refuse(self, action: &str) -> PlatformError {
        PlatformError::PhaseConflict {
            phase: format!("rollout {} (it cannot be {action})", self.as_str()),
        }
    }

    /// **Pause**: only a running rollout.
    pub fn pause(self) -> Result<RolloutState, PlatformError> {
        match self {
            RolloutState::Running => Ok(RolloutState::Paused),
            other => Err(other.refuse("paused")),
        }
    }

    /// **Resume**: a paused or halted one (after the failures were dealt with).
    pub fn resume(self) -> Result<RolloutState, PlatformError> {
        match self {
            RolloutState::Paused | RolloutState::Halted => Ok(RolloutState::Running),
            other => Err(other.refuse("resumed")),
        }
    }

    /// **Abort**: any rollout not yet over; an aborted one never runs again.
    pub fn abort(self) -> Result<RolloutState, PlatformError> {
        if self.is_final() {
            Err(self.refuse("aborted"))
        } else {
            Ok(RolloutState::Aborted)
        }
    }
}

/// What a target is at, as its rollout sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPhase {
    /// Its wave has not started: no deployment yet.
    NotStarted,
    /// Its deployment's phase, with its error codes.
    Deployed {
        /// The deployment's phase.
        phase: Phase,
        /// Its error codes.
        codes: Vec<String>,
    },
    /// The platform refused to deploy to it when its wave started (the device went away or
    /// stopped being compatible since the rollout was made): a failure, with the reason.
    Refused {
        /// Why, as the platform said it.
        reason: String,
    },
}

impl TargetPhase {
    /// Whether it counts toward `maxFailures`.
    pub fn failed(&self) -> bool {
        matches!(
            self,
            TargetPhase::Deployed {
                phase: Phase::FailedToStart | Phase::FailedToUpdate,
                ..
            } | TargetPhase::Refused { .. }
        )
    }

    fn succeeded(&self) -> bool {
        matches!(
            self,
            TargetPhase::Deployed {
                phase: Phase::Succeeded,
                ..
            }
        )
    }
}

/// What a rollout does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Its state from now on.
    pub state: RolloutState,
    /// The wave it is at (from 1; 0 before the first starts).
    pub wave: u32,
    /// The targets (indexes) whose deployments to make now.
    pub start: Vec<usize>,
    /// Why it halted, naming the failed devices and their codes.
    pub halt_reason: Option<String>,
}

/// What a rollout in `state` at `wave` does, with `targets` (each with its wave, from
/// [`crate::rollout::assign`], and its phase) and `device_names` for the halt reason.
pub fn decide(
    state: RolloutState,
    wave: u32,
    max_failures: u32,
    targets: &[(u32, TargetPhase)],
    device_names: &[String],
) -> Decision {
    let stay = |state| Decision {
        state,
        wave,
        start: Vec::new(),
        halt_reason: None,
    };
    if state != RolloutState::Running {
        return stay(state);
    }
    let failed: Vec<usize> = (0..targets.len())
        .filter(|&i| targets[i].1.failed())
        .collect();
    if failed.len() >= max_failures.max(1) as usize {
        return Decision {
            halt_reason: Some(halt_reason(&failed, targets, device_names)),
            ..stay(RolloutState::Halted)
        };
    }
    let last_wave = targets.iter().map(|(w, _)| *w).max().unwrap_or(0);
    if last_wave == 0 {
        return stay(RolloutState::Succeeded);
    }
    let done_through = |w: u32| {
        targets
            .iter()
            .filter(|(tw, _)| *tw <= w)
            .all(|(_, phase)| phase.succeeded())
    };
    if wave >= last_wave {
        return if done_through(last_wave) {
            stay(RolloutState::Succeeded)
        } else {
            stay(RolloutState::Running)
        };
    }
    if wave > 0 && !done_through(wave) {
        return stay(RolloutState::Running);
    }
    let next = wave + 1;
    Decision {
        state: RolloutState::Running,
        wave: next,
        start: (0..targets.len())
            .filter(|&i| targets[i].0 == next && targets[i].1 == TargetPhase::NotStarted)
            .collect(),
        halt_reason: None,
    }
}

/// "Halted after 2 failed deployments: robot-03 (DEP_E151), robot-07 (DEP_E153)."
fn halt_reason(
    failed: &[usize],
    targets: &[(u32, TargetPhase)],
    device_names: &[String],
) -> String {
    let named: Vec<String> = failed
        .iter()
        .map(|&i| {
            let name = device_names.get(i).map_or("a device", String::as_str);
            match &targets[i].1 {
                TargetPhase::Deployed { codes, .. } if !codes.is_empty() => {
                    format!("{name} ({})", codes.join(", "))
                }
                TargetPhase::Refused { reason } => format!("{name} (refused: {reason})"),
                _ => name.to_string(),
            }
        })
        .collect();
    format!(
        "Halted after {} failed deployment{}: {}. Fix what the codes say, then resume or abort.",
        failed.len(),
        if failed.len() == 1 { "" } else { "s" },
        named.join(", ")
    )
}
