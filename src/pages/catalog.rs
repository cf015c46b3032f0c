//! Development > Catalog: the package list and a package's detail page.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::components::{
    empty_state::EmptyState,
    icons::PackageIcon,
    page_header::{Crumb, PageHeader},
};

/// The package catalog (the table arrives with the catalog work).
#[component]
pub fn CatalogPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Catalog"
            trail=vec![Crumb::DEVELOPMENT]
            description="Packages you can deploy to the cloud and to your devices."
        />
        <EmptyState
            title="The package table is coming next"
            body="Search, category filter and Deploy package arrive with the catalog work. Deployments that already exist are listed under Deployments."
            icon=view! { <PackageIcon /> }.into_any()
        >
            <A href="/deployments" attr:class="button">
                "Go to Deployments"
            </A>
        </EmptyState>
    }
}

/// One package, by the `:id` in the URL.
#[component]
pub fn PackagePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <PageHeader title="Package" trail=vec![Crumb::DEVELOPMENT, Crumb::CATALOG] />
        <section class="panel">
            <dl class="facts">
                <dt>"Package ID"</dt>
                <dd>
                    <code>{id}</code>
                </dd>
            </dl>
            <p class="muted">
                "The package's components, executables and parameters, and Deploy package, are coming next."
            </p>
            <A href="/catalog" attr:class="button button-secondary">
                "Back to Catalog"
            </A>
        </section>
    }
}
