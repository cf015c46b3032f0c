//! What a page shows while its data loads or when loading failed.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::ids;

/// Placeholder rows with the shape of a table, so nothing jumps when data arrives.
#[component]
pub fn TableSkeleton(
    /// How many rows.
    rows: usize,
) -> impl IntoView {
    view! {
        <div class="panel table-skeleton" data-testid=ids::LOADING aria-busy="true">
            <span class="visually-hidden" role="status">"Loading…"</span>
            {(0..rows).map(|_| view! { <div class="skeleton skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// A failed load: what happened, and a way to try again.
#[component]
pub fn LoadError(
    /// What could not be loaded ("the catalog").
    #[prop(into)]
    what: String,
    /// The error.
    error: ApiError,
    /// Called by "Try again".
    #[prop(into)]
    retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="panel load-error" role="alert" data-testid=ids::LOAD_ERROR>
            <h2>{format!("Could not load {what}")}</h2>
            <p>{error.to_string()}</p>
            <button type="button" class="button" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}
