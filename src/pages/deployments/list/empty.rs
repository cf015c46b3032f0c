//! What an empty deployments list says, and the ways out of it.

use leptos::prelude::*;
use leptos_router::components::A;

use super::DeploymentsQuery;
use super::table::ListView;
use crate::components::{empty_state::EmptyState, icons::DeployIcon};
use crate::ids;

/// What an empty list says, and the ways out of it.
pub(super) fn empty_state(
    state: Memo<DeploymentsQuery>,
    list: ListView,
    clear: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if let Ok(Some(label)) = state.with_untracked(DeploymentsQuery::label_filter) {
        let body = format!(
            "No deployment in these phases has the label {}. Deployments get labels when they are deployed.",
            label.selector()
        );
        return view! {
            <div data-testid=ids::DEPLOYMENTS_EMPTY>
                <EmptyState title="No deployments with this label" body=body icon=view! { <DeployIcon /> }.into_any() />
            </div>
        }
        .into_any();
    }
    // Nothing at all in any phase, and nothing narrowed: a new project.
    let none_at_all = list.store.with_value(|s| {
        s.counts
            .as_ref()
            .is_some_and(|counts| counts.values().all(|n| *n == 0))
    }) && !state.with_untracked(DeploymentsQuery::narrows);
    let (title, body) = if none_at_all {
        (
            "No deployments yet",
            "Deploy a package from the Catalog; it appears here with its phase and status.",
        )
    } else {
        (
            "No deployments match",
            "No deployment matches this phase filter and search.",
        )
    };
    view! {
        <div data-testid=ids::DEPLOYMENTS_EMPTY>
            <EmptyState title=title body=body icon=view! { <DeployIcon /> }.into_any()>
                <button type="button" class="button button-secondary" on:click=move |_| clear()>
                    "Clear search and filter"
                </button>
                <A href="/catalog" attr:class="button">
                    "Open the Catalog"
                </A>
            </EmptyState>
        </div>
    }
    .into_any()
}
