//! Development > Deployments: the deployments list and a deployment's details.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::components::{
    empty_state::EmptyState,
    icons::DeployIcon,
    page_header::{Crumb, PageHeader},
};

/// The deployments list (the table arrives with the deployments work).
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Deployments"
            trail=vec![Crumb::DEVELOPMENT]
            description="Packages running on the cloud and on your devices, with their phase and status."
        />
        <EmptyState
            title="The deployments table is coming next"
            body="Phase and status, generations, updates and history arrive with the deployments work. Start from a package in the Catalog."
            icon=view! { <DeployIcon /> }.into_any()
        >
            <A href="/catalog" attr:class="button">
                "Open the Catalog"
            </A>
        </EmptyState>
    }
}

/// One deployment, by the `:id` in the URL.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <PageHeader title="Deployment" trail=vec![Crumb::DEVELOPMENT, Crumb::DEPLOYMENTS] />
        <section class="panel">
            <dl class="facts">
                <dt>"Deployment ID"</dt>
                <dd>
                    <code>{id}</code>
                </dd>
            </dl>
            <p class="muted">
                "The phase progress bar, status, generation, history and logs of this deployment are coming next."
            </p>
            <A href="/deployments" attr:class="button button-secondary">
                "Back to Deployments"
            </A>
        </section>
    }
}
