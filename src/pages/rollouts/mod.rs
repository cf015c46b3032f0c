//! Development > Rollouts: the list of rollouts, one rollout's page (the fleet progress bar,
//! its targets, Pause, Resume, Abort), its embeddable widget, and **Deploy to a fleet**
//! (docs/product.md §6.2).

mod draft;
mod list;
mod new;
mod page;
mod preview;
mod targets;

use leptos::prelude::*;
use platform::rollout::{Rollout, RolloutState};

pub use list::RolloutsPage;
pub use new::FleetDeployPage;
pub use page::{RolloutPage, RolloutWidget};

use crate::ids;

/// The console path of a rollout's page.
pub fn rollout_path(id: &str) -> String {
    format!("/rollouts/{}", crate::api::encode(id))
}

/// A rollout's state in words.
pub fn state_label(state: RolloutState) -> &'static str {
    match state {
        RolloutState::Running => "Running",
        RolloutState::Paused => "Paused",
        RolloutState::Halted => "Halted",
        RolloutState::Succeeded => "Succeeded",
        RolloutState::Aborted => "Aborted",
    }
}

/// The state as a chip, coloured as phases are (running blue, halted red, done green,
/// paused amber, aborted grey).
#[component]
pub fn StateChip(
    /// The state.
    #[prop(into)]
    state: Signal<RolloutState>,
) -> impl IntoView {
    view! {
        <span class=move || format!("phase rollout-{}", state.get().as_str()) data-testid=ids::ROLLOUT_STATE>
            {move || state_label(state.get())}
        </span>
    }
}

/// "2 of 3" (wave 0, before the first starts, reads "–").
pub fn wave_text(rollout: &Rollout) -> String {
    let total = platform::rollout::wave_ends(&rollout.waves, targets_of(rollout)).len();
    if rollout.wave == 0 {
        format!("– of {total}")
    } else {
        format!("{} of {total}", rollout.wave)
    }
}

/// How many targets the rollout has (from its counts, which lists carry too).
pub fn targets_of(rollout: &Rollout) -> usize {
    usize::try_from(rollout.counts.values().sum::<u64>()).unwrap_or(0)
}
