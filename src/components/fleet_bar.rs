//! The fleet progress bar of a rollout: one bar of its targets, stacked by where they are
//! (Succeeded green, starting blue, failed or refused red, stopped grey, not started pale),
//! with a mark where each wave ends, and a legend with the counts in words. Assistive
//! technology reads it as a progress bar (targets Succeeded of all) plus the legend.

use std::collections::BTreeMap;

use leptos::prelude::*;
use platform::rollout::{PENDING, REFUSED, Wave, wave_ends};

use crate::ids;

/// One stack of the bar: what it counts, its words and its class.
struct Part {
    keys: &'static [&'static str],
    label: &'static str,
    class: &'static str,
}

/// The stacks, left to right.
const PARTS: [Part; 5] = [
    Part {
        keys: &["Succeeded"],
        label: "Succeeded",
        class: "fleet-part fleet-succeeded",
    },
    Part {
        keys: &["In progress", "Provisioning"],
        label: "Starting",
        class: "fleet-part fleet-starting",
    },
    Part {
        keys: &["Failed to start", "Failed to update", REFUSED],
        label: "Failed",
        class: "fleet-part fleet-failed",
    },
    Part {
        keys: &["Deployment stopped", "Partially deprovisioned"],
        label: "Stopped",
        class: "fleet-part fleet-stopped",
    },
    Part {
        keys: &[PENDING],
        label: "Not started",
        class: "fleet-part fleet-pending",
    },
];

/// `n` of `total` as a CSS width with two decimals, without float formatting.
fn share(n: u64, total: u64) -> String {
    if total == 0 {
        return "0%".into();
    }
    let hundredths = n.saturating_mul(10_000) / total;
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// The bar for `counts` (targets per phase, as the API gives them) and `waves`.
#[component]
pub fn FleetBar(
    /// Targets per phase (`pending`, `refused` and the phases).
    #[prop(into)]
    counts: Signal<BTreeMap<String, u64>>,
    /// The rollout's waves, for the marks.
    #[prop(into)]
    waves: Signal<Vec<Wave>>,
) -> impl IntoView {
    let sums = Memo::new(move |_| {
        counts.with(|counts| {
            let parts: Vec<u64> = PARTS
                .iter()
                .map(|part| {
                    part.keys
                        .iter()
                        .map(|k| counts.get(*k).copied().unwrap_or(0))
                        .sum()
                })
                .collect();
            let total: u64 = counts.values().sum();
            (parts, total)
        })
    });
    let total = move || sums.with(|(_, total)| *total);
    let done = move || sums.with(|(parts, _)| parts.first().copied().unwrap_or(0));
    let marks = move || {
        let total = total();
        let ends = waves.with(|w| wave_ends(w, usize::try_from(total).unwrap_or(0)));
        ends.into_iter()
            .map(|end| end as u64)
            .take_while(|end| *end < total)
            .map(|end| {
                view! { <span class="fleet-mark" style:left=share(end, total) aria-hidden="true"></span> }
            })
            .collect_view()
    };
    view! {
        <div class="fleet-bar-wrap" data-testid=ids::FLEET_BAR>
            <div
                class="fleet-bar"
                role="progressbar"
                aria-label="Targets succeeded"
                aria-valuemin="0"
                aria-valuemax=move || total().to_string()
                aria-valuenow=move || done().to_string()
                aria-valuetext=move || format!("{} of {} targets succeeded", done(), total())
            >
                {move || {
                    sums.with(|(parts, total)| {
                        PARTS
                            .iter()
                            .zip(parts.iter())
                            .filter(|(_, n)| **n > 0)
                            .map(|(part, n)| view! { <span class=part.class style:width=share(*n, *total)></span> })
                            .collect_view()
                    })
                }}
                {marks}
            </div>
            <ul class="fleet-legend">
                {move || {
                    sums.with(|(parts, _)| {
                        PARTS
                            .iter()
                            .zip(parts.iter())
                            .map(|(part, n)| {
                                view! {
                                    <li data-testid=ids::FLEET_COUNT data-part=part.label>
                                        <span class=format!("{} fleet-swatch", part.class) aria-hidden="true"></span>
                                        {part.label}": "<strong>{n.to_string()}</strong>
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_are_percentages_with_two_decimals() {
        assert_eq!(share(1, 3), "33.33%");
        assert_eq!(share(3, 3), "100.00%");
        assert_eq!(share(0, 0), "0%");
        assert_eq!(share(1, 24), "4.16%");
    }
}
