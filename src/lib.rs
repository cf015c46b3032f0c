//! rio console: a deployment console for a cloud robotics platform.
//!
//! `App` loads the runtime config, provides it, and routes between the screens. Everything is in
//! the library so the browser component tests can mount it.

pub mod api;
pub mod components;
pub mod config;
pub mod embed;
pub mod format;
pub mod hooks;
pub mod ids;
pub mod pages;

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{Redirect, Route, Router, Routes},
    path,
};

use crate::api::BackendProvider;
use crate::components::layout::Shell;
use crate::components::sign_in::SignIn;
use crate::config::{Settings, demo_forced_by_query, load_runtime_config};
use crate::embed::EmbedBridge;
use crate::pages::{
    catalog::{CatalogPage, PackagePage},
    deploy::DeployPage,
    deployments::{DeploymentPage, DeploymentWidget, DeploymentsPage, DeploymentsWidget},
    error_codes::ErrorCodesPage,
    not_found::NotFound,
    rollouts::{FleetDeployPage, RolloutPage, RolloutWidget, RolloutsPage},
    simulation::SimulationPanel,
};

/// How long the console waits for `config.json` before falling back to demo mode.
const CONFIG_TIMEOUT_SECS: u32 = 8;

/// The whole console: config loading, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    // Read before any route renders: a redirect would drop the query.
    let embedded = embed::detect();
    provide_context(embedded);
    let demo_forced = window()
        .location()
        .search()
        .map(|search| demo_forced_by_query(&search))
        .unwrap_or(false);
    let settings = LocalResource::new(move || async move {
        Settings::resolve(load_runtime_config(CONFIG_TIMEOUT_SECS).await, demo_forced)
    });
    view! {
        <Router>
            <Shell settings=Signal::derive(move || settings.get())>
                <BackendProvider>
                    <SignIn>
                        <EmbedBridge>
                            <AppRoutes />
                        </EmbedBridge>
                    </SignIn>
                    {(!embedded.0).then(|| view! { <SimulationPanel /> })}
                </BackendProvider>
            </Shell>
        </Router>
    }
}

/// The console's routes; `/` opens the catalog. `/widgets/…` are the embeddable widgets.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route
                path=path!("/")
                view=|| {
                    view! {
                        <Redirect
                            path="/catalog"
                            options=NavigateOptions {
                                replace: true,
                                ..Default::default()
                            }
                        />
                    }
                }
            />
            <Route path=path!("/catalog") view=CatalogPage />
            <Route path=path!("/catalog/:id") view=PackagePage />
            <Route path=path!("/catalog/:id/deploy") view=DeployPage />
            <Route path=path!("/catalog/:id/rollout") view=FleetDeployPage />
            <Route path=path!("/deployments") view=DeploymentsPage />
            <Route path=path!("/deployments/:id") view=DeploymentPage />
            <Route path=path!("/rollouts") view=RolloutsPage />
            <Route path=path!("/rollouts/:id") view=RolloutPage />
            <Route path=path!("/error-codes") view=ErrorCodesPage />
            <Route path=path!("/widgets/deployment/:id") view=DeploymentWidget />
            <Route path=path!("/widgets/deployments") view=DeploymentsWidget />
            <Route path=path!("/widgets/rollout/:id") view=RolloutWidget />
        </Routes>
    }
}
