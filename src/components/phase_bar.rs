//! The phase progress bar: In progress → Provisioning → Succeeded, green as each stage is
//! reached, the current stage animated, the failing stage red, grey when stopped. It is a real
//! progress bar for assistive technology, and a live region announces each phase change.

use leptos::prelude::*;
use platform::phase::{Phase, Progress, STAGES, StageState};
use platform::wire::PhaseAt;

use crate::ids;

/// The last transient phase entered before the deployment's current (failed) phase, from its
/// timeline: it tells which stage failed.
pub fn phase_before_failure(timeline: &[PhaseAt]) -> Option<Phase> {
    timeline
        .iter()
        .rev()
        .skip_while(|entry| !entry.phase.is_transient())
        .map(|entry| entry.phase.clone())
        .next()
}

/// The CSS class of a stage.
pub fn stage_class(state: StageState) -> &'static str {
    match state {
        StageState::Pending => "stage stage-pending",
        StageState::Reached => "stage stage-reached",
        StageState::Current => "stage stage-current",
        StageState::Failed => "stage stage-failed",
        StageState::Stopped => "stage stage-stopped",
    }
}

/// Words for a stage's state, read by screen readers after the stage name.
fn stage_words(state: StageState) -> &'static str {
    match state {
        StageState::Pending => "not reached",
        StageState::Reached => "done",
        StageState::Current => "in progress",
        StageState::Failed => "failed",
        StageState::Stopped => "stopped",
    }
}

/// The bar for a phase (and its timeline, which tells where a failure happened).
#[component]
pub fn PhaseBar(
    /// The deployment's phase.
    #[prop(into)]
    phase: Signal<Phase>,
    /// The deployment's phase timeline, oldest first.
    #[prop(into)]
    timeline: Signal<Vec<PhaseAt>>,
) -> impl IntoView {
    let progress = Memo::new(move |_| {
        let before = timeline.with(|t| phase_before_failure(t));
        phase.with(|p| Progress::of(p, before.as_ref()))
    });
    let bar_class = move || match phase.get() {
        Phase::FailedToStart | Phase::FailedToUpdate => "phase-bar phase-bar-failed",
        Phase::DeploymentStopped | Phase::PartiallyDeprovisioned => "phase-bar phase-bar-stopped",
        _ => "phase-bar",
    };
    let value_text = move || {
        let p = progress.get();
        format!("{}: {} of 3 stages done", phase.with(Phase::label), p.value)
    };
    view! {
        <div
            class=bar_class
            role="progressbar"
            aria-label="Deployment phase"
            aria-valuemin="0"
            aria-valuemax="3"
            aria-valuenow=move || progress.get().value.to_string()
            aria-valuetext=value_text
            data-testid=ids::PHASE_BAR
        >
            <ol class="stages">
                {STAGES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let state = Memo::new(move |_| progress.get().stages[i]);
                        view! {
                            <li class=move || stage_class(state.get()) data-stage=*name>
                                <span class="stage-dot" aria-hidden="true"></span>
                                <span class="stage-name">{*name}</span>
                                <span class="visually-hidden">{move || format!(", {}", stage_words(state.get()))}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </div>
        <p class="visually-hidden" aria-live="polite" data-testid=ids::PHASE_ANNOUNCER>
            {move || format!("Deployment phase: {}", phase.with(Phase::label))}
        </p>
    }
}

/// How long the deployment spent in each phase of its timeline; the last one, where it is now,
/// counts until `now`.
pub fn phase_durations(timeline: &[PhaseAt], now_ms: i64) -> Vec<(Phase, Option<i64>)> {
    use platform::time::Millis;
    let at = |entry: &PhaseAt| Millis::parse_rfc3339(&entry.at);
    timeline
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let start = at(entry);
            let end = match timeline.get(i + 1) {
                Some(next) => at(next),
                None => Some(Millis(now_ms)),
            };
            let spent = match (start, end) {
                (Some(start), Some(end)) => Some(end.since(start).max(0)),
                _ => None,
            };
            (entry.phase.clone(), spent)
        })
        .collect()
}
