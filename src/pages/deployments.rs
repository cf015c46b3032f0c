//! Development > Deployments: the deployments list and a deployment's details.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use platform::error_codes;
use platform::wire::Deployment;

use crate::api::{Backend, use_backend};
use crate::components::{
    copy_button::CopyButton,
    empty_state::EmptyState,
    icons::DeployIcon,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
};
use crate::{format, ids};

/// How often a deployment that is moving is refreshed.
const TRANSIENT_POLL: Duration = Duration::from_secs(2);
/// How often a stable deployment is refreshed.
const STABLE_POLL: Duration = Duration::from_secs(15);

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

/// One deployment, by the `:id` in the URL: its phase, status and generation, kept fresh.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    let backend = use_backend();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // Demo data moves on in this browser and the resource follows it; HTTP data is polled.
    let is_demo = matches!(backend, Backend::Demo(_));
    let demo = backend.clone();
    let deployment = LocalResource::new(move || {
        let (backend, id) = (backend.clone(), id());
        let _ = demo.demo_version();
        async move { backend.deployment(&id).await }
    });
    let transient =
        Memo::new(move |_| matches!(deployment.get(), Some(Ok(d)) if d.phase.is_transient()));
    let poll = RwSignal::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let every = if transient.get() {
            TRANSIENT_POLL
        } else {
            STABLE_POLL
        };
        if let Some(handle) = poll.get_untracked() {
            handle.clear();
        }
        if !is_demo {
            poll.set(set_interval_with_handle(move || deployment.refetch(), every).ok());
        }
    });
    on_cleanup(move || {
        if let Some(handle) = poll.get_untracked() {
            handle.clear();
        }
    });
    let title = Signal::derive(move || match deployment.get() {
        Some(Ok(d)) => d.name,
        _ => "Deployment".to_string(),
    });
    let content = move || {
        match deployment.get() {
        None => view! { <TableSkeleton rows=4 /> }.into_any(),
        Some(Err(error)) => view! { <LoadError what="this deployment" error=error retry=move |_| deployment.refetch() /> }.into_any(),
        Some(Ok(d)) => view! { <DeploymentSummary deployment=d /> }.into_any(),
    }
    };
    view! {
        <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::DEPLOYMENTS] />
        {content}
    }
}

#[component]
fn DeploymentSummary(deployment: Deployment) -> impl IntoView {
    let status_class = format!(
        "status status-{}",
        deployment.status.as_str().to_lowercase()
    );
    let phase_class = format!(
        "phase phase-{}",
        deployment.phase.as_str().to_lowercase().replace(' ', "-")
    );
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>"Deployment ID"</dt>
                <dd class="id-cell">
                    <code>{deployment.deployment_id.clone()}</code>
                    <CopyButton text=deployment.deployment_id.clone() what="deployment ID" />
                </dd>
                <dt>"Package"</dt>
                <dd>{format!("{} {}", deployment.package_name, deployment.package_version)}</dd>
                <dt>"DEPLOYMENT PHASE"</dt>
                <dd><span class=phase_class data-testid=ids::DEPLOYMENT_PHASE>{deployment.phase.label()}</span></dd>
                <dt>"STATUS"</dt>
                <dd><span class=status_class data-testid=ids::DEPLOYMENT_STATUS>{deployment.status.label()}</span></dd>
                <dt>"Deployment Generation"</dt>
                <dd data-testid=ids::DEPLOYMENT_GENERATION>{deployment.current_generation}</dd>
                <dt>"Last status update"</dt>
                <dd>{format::time(&deployment.last_status_update_time)}</dd>
                <dt>"Created"</dt>
                <dd>{format::time(&deployment.created_at)}</dd>
            </dl>
            {(!deployment.errors.is_empty()).then(|| view! {
                <h2 class="section-title">"Errors"</h2>
                <ul class="plain-list">
                    {deployment.errors.iter().map(|code| {
                        let found = error_codes::lookup(code);
                        view! { <li><code>{code.clone()}</code>" "{found.meaning()}" "<span class="muted">{found.action()}</span></li> }
                    }).collect_view()}
                </ul>
            })}
            <p class="muted">"The phase progress bar, history and logs of this deployment are coming next."</p>
        </section>
    }
}
