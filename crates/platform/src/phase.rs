//! Phases and statuses (two independent axes), the legal phase transitions, and what the phase
//! progress bar shows for a phase.

tolerant_enum! {
    /// Where a deployment is in its lifecycle.
    pub enum Phase {
        /// Request accepted, deployment process started.
        InProgress => "In progress",
        /// Images being pulled, containers being created (also during an update).
        Provisioning => "Provisioning",
        /// Every executable of every component started.
        Succeeded => "Succeeded",
        /// An error happened before Succeeded.
        FailedToStart => "Failed to start",
        /// An update failed on one or more components.
        FailedToUpdate => "Failed to update",
        /// Deprovision could not stop every component; can be retried.
        PartiallyDeprovisioned => "Partially deprovisioned",
        /// Deprovisioned, all components stopped.
        DeploymentStopped => "Deployment stopped",
    }
}

tolerant_enum! {
    /// How a deployment (or component, or executable) is doing right now.
    pub enum Status {
        /// Everything runs.
        Running => "Running",
        /// Pulling or restarting.
        Pending => "Pending",
        /// Failed; error codes say why.
        Error => "Error",
        /// Stopped on purpose.
        Stopped => "Stopped",
    }
}

impl Status {
    /// The platform also sends the word "Unknown"; it lands in `Unknown("Unknown")`.
    /// Shown as "Unknown", or "Unknown (raw)" for words this version does not know.
    pub fn label(&self) -> String {
        match self {
            Status::Unknown(raw)
                if raw.trim().eq_ignore_ascii_case("unknown") || raw.is_empty() =>
            {
                "Unknown".to_string()
            }
            Status::Unknown(raw) => format!("Unknown ({raw})"),
            known => known.as_str().to_string(),
        }
    }
}

impl Phase {
    /// Shown as the platform's words, or "Unknown (raw)" for words this version does not know
    /// ("Unknown" alone when there was no word at all).
    pub fn label(&self) -> String {
        match self {
            Phase::Unknown(raw) if raw.trim().is_empty() => "Unknown".to_string(),
            Phase::Unknown(raw) => format!("Unknown ({raw})"),
            known => known.as_str().to_string(),
        }
    }

    /// The phase's place in the lifecycle (In progress 0 … Deployment stopped 6), the order
    /// `sort=phase` lists in and the index of its per-phase count; `None` for unknown words.
    pub fn rank(&self) -> Option<usize> {
        Phase::KNOWN.iter().position(|known| known == self)
    }

    /// The known phase at `rank`.
    pub fn from_rank(rank: usize) -> Option<Phase> {
        Phase::KNOWN.get(rank).cloned()
    }

    /// In progress or Provisioning: the deployment is moving and should be watched closely.
    pub fn is_transient(&self) -> bool {
        matches!(self, Phase::InProgress | Phase::Provisioning)
    }

    /// Not stopped: a deployment in a live phase still holds resources and can be depended on.
    pub fn is_live(&self) -> bool {
        !matches!(self, Phase::DeploymentStopped)
    }

    /// The phases the deployments list shows by default.
    pub fn live_phases() -> Vec<Phase> {
        Phase::KNOWN
            .iter()
            .filter(|phase| phase.is_live())
            .cloned()
            .collect()
    }

    /// Only Succeeded and Failed to update accept an update.
    pub fn accepts_update(&self) -> bool {
        matches!(self, Phase::Succeeded | Phase::FailedToUpdate)
    }

    /// Whether the lifecycle allows going from `self` to `next`. Staying in a phase is always
    /// allowed (the status may change on its own).
    pub fn can_transition_to(&self, next: &Phase) -> bool {
        use Phase::*;
        if self == next {
            return true;
        }
        let deprovision = matches!(next, DeploymentStopped | PartiallyDeprovisioned);
        match self {
            InProgress => matches!(next, Provisioning | FailedToStart) || deprovision,
            Provisioning => {
                matches!(next, Succeeded | FailedToStart | FailedToUpdate) || deprovision
            }
            Succeeded | FailedToUpdate => matches!(next, Provisioning) || deprovision,
            FailedToStart => deprovision,
            PartiallyDeprovisioned => matches!(next, DeploymentStopped),
            DeploymentStopped => false,
            Unknown(_) => true,
        }
    }
}

/// One stage of the progress bar (In progress → Provisioning → Succeeded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    /// Not reached yet.
    Pending,
    /// Reached and passed (green).
    Reached,
    /// The deployment is in this stage now (animated).
    Current,
    /// The deployment failed in this stage (red).
    Failed,
    /// The deployment was stopped (grey).
    Stopped,
}

/// The names of the three stages, in order.
pub const STAGES: [&str; 3] = ["In progress", "Provisioning", "Succeeded"];

/// What the phase progress bar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The state of each of the three stages.
    pub stages: [StageState; 3],
    /// Stages reached (0–3), for `aria-valuenow`.
    pub value: u8,
}

impl Progress {
    /// The bar for `phase`. `before_failure` is the last transient phase before a failure (from
    /// the phase timeline): it marks which stage failed. Without it, Provisioning is assumed.
    pub fn of(phase: &Phase, before_failure: Option<&Phase>) -> Progress {
        use StageState::*;
        let stages = match phase {
            Phase::InProgress => [Current, Pending, Pending],
            Phase::Provisioning => [Reached, Current, Pending],
            Phase::Succeeded => [Reached, Reached, Reached],
            Phase::FailedToStart if before_failure == Some(&Phase::InProgress) => {
                [Failed, Pending, Pending]
            }
            Phase::FailedToStart | Phase::FailedToUpdate => [Reached, Failed, Pending],
            Phase::PartiallyDeprovisioned | Phase::DeploymentStopped => [Stopped, Stopped, Stopped],
            Phase::Unknown(_) => [Pending, Pending, Pending],
        };
        let value = stages.iter().filter(|stage| **stage == Reached).count() as u8;
        Progress { stages, value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_parse_case_insensitively() {
        assert_eq!(Phase::parse("Failed To Update"), Phase::FailedToUpdate);
        assert_eq!(Phase::parse("failed to update"), Phase::FailedToUpdate);
        assert_eq!(Phase::parse("SUCCEEDED"), Phase::Succeeded);
        assert_eq!(Phase::parse("in_progress"), Phase::InProgress);
        assert_eq!(Phase::parse("Exploded"), Phase::Unknown("Exploded".into()));
        assert_eq!(Phase::parse("Exploded").label(), "Unknown (Exploded)");
    }

    #[test]
    fn statuses_keep_unknown_text() {
        assert_eq!(Status::parse("running"), Status::Running);
        assert_eq!(Status::parse("Unknown").label(), "Unknown");
        assert_eq!(Status::parse("Weird").label(), "Unknown (Weird)");
        assert_eq!(Status::parse("ERROR"), Status::Error);
    }

    #[test]
    fn only_succeeded_and_failed_to_update_accept_updates() {
        let accepting: Vec<_> = Phase::KNOWN.iter().filter(|p| p.accepts_update()).collect();
        assert_eq!(accepting, [&Phase::Succeeded, &Phase::FailedToUpdate]);
    }

    #[test]
    fn lifecycle_transitions() {
        use Phase::*;
        assert!(InProgress.can_transition_to(&Provisioning));
        assert!(Provisioning.can_transition_to(&Succeeded));
        assert!(Provisioning.can_transition_to(&FailedToStart));
        assert!(Succeeded.can_transition_to(&Provisioning));
        assert!(FailedToUpdate.can_transition_to(&Provisioning));
        assert!(PartiallyDeprovisioned.can_transition_to(&DeploymentStopped));
        assert!(Succeeded.can_transition_to(&DeploymentStopped));
        assert!(
            !FailedToStart.can_transition_to(&Provisioning),
            "no update from Failed to start"
        );
        assert!(
            !InProgress.can_transition_to(&Succeeded),
            "Provisioning comes first"
        );
        assert!(!DeploymentStopped.can_transition_to(&Provisioning));
        assert!(!Succeeded.can_transition_to(&InProgress));
    }

    #[test]
    fn progress_bar_stages() {
        use StageState::*;
        assert_eq!(
            Progress::of(&Phase::InProgress, None).stages,
            [Current, Pending, Pending]
        );
        assert_eq!(
            Progress::of(&Phase::Provisioning, None).stages,
            [Reached, Current, Pending]
        );
        let done = Progress::of(&Phase::Succeeded, None);
        assert_eq!((done.stages, done.value), ([Reached, Reached, Reached], 3));
        assert_eq!(
            Progress::of(&Phase::FailedToUpdate, None).stages,
            [Reached, Failed, Pending]
        );
        assert_eq!(
            Progress::of(&Phase::FailedToStart, Some(&Phase::InProgress)).stages,
            [Failed, Pending, Pending]
        );
        assert_eq!(
            Progress::of(&Phase::DeploymentStopped, None).stages,
            [Stopped; 3]
        );
        assert_eq!(Progress::of(&Phase::Unknown("x".into()), None).value, 0);
    }
}
