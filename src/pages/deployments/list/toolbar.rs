//! The deployments list's toolbar: search by name, the phase filter with how many deployments
//! each choice shows, and the label filter's chip. Everything it sets goes into the URL.

use leptos::prelude::*;
use platform::phase::Phase;

use super::DeploymentsQuery;
use super::query::PhaseFilter;
use super::table::ListView;
use crate::{format, ids};

/// The toolbar over the list held in `list`, reading and setting `state`.
#[component]
pub(super) fn Toolbar(
    state: Memo<DeploymentsQuery>,
    set_state: Callback<DeploymentsQuery>,
    list: ListView,
) -> impl IntoView {
    let on_search = move |ev: leptos::ev::Event| {
        set_state.run(DeploymentsQuery {
            search: event_target_value(&ev),
            ..state.get_untracked()
        })
    };
    let on_phase = move |ev: leptos::ev::Event| {
        set_state.run(DeploymentsQuery {
            phase: PhaseFilter::from_value(&event_target_value(&ev)),
            ..state.get_untracked()
        })
    };
    let label_chip = move || {
        state.with(|s| s.label_filter().ok().flatten()).map(|label| {
            view! {
                <span class="filter-chip" data-testid=ids::LABEL_FILTER>
                    <span class="muted">"Label "</span>
                    <code>{label.selector()}</code>
                    <button
                        type="button"
                        class="chip-clear"
                        aria-label="Clear the label filter"
                        on:click=move |_| set_state.run(DeploymentsQuery { label: String::new(), ..state.get_untracked() })
                    >
                        "×"
                    </button>
                </span>
            }
        })
    };
    // Each phase option with how many deployments it would show (once the backend said).
    let counts = Memo::new(move |_| {
        list.layout.track();
        list.store.with_value(|s| s.counts.clone())
    });
    let option_text = move |label: &str, phases: &[Phase]| {
        counts.with(|counts| match counts {
            None => label.to_string(),
            Some(counts) => {
                let n: u64 = counts
                    .iter()
                    .filter(|(phase, _)| {
                        phases.is_empty() || phases.iter().any(|p| p.as_str() == phase.as_str())
                    })
                    .map(|(_, n)| *n)
                    .sum();
                format!(
                    "{label} ({})",
                    format::count(usize::try_from(n).unwrap_or(usize::MAX))
                )
            }
        })
    };
    view! {
        <div class="toolbar" role="search">
            <label class="toolbar-field">
                <span class="visually-hidden">"Search deployments by name"</span>
                <input
                    type="search"
                    placeholder="Search by name"
                    data-testid=ids::DEPLOYMENTS_SEARCH
                    prop:value=move || state.get().search
                    on:input=on_search
                />
            </label>
            <label class="toolbar-field">
                <span class="toolbar-label">"Phase"</span>
                <select data-testid=ids::DEPLOYMENTS_PHASE prop:value=move || state.get().phase.value() on:change=on_phase>
                    <option value="">{move || option_text("Live phases", &Phase::live_phases())}</option>
                    <option value="all">{move || option_text("All phases", &[])}</option>
                    {Phase::KNOWN
                        .iter()
                        .map(|p| {
                            let phase = p.clone();
                            view! { <option value=p.as_str()>{move || option_text(phase.as_str(), std::slice::from_ref(&phase))}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            {label_chip}
        </div>
    }
}
