//! The deploy form (**Deploy package**): every step of docs/product.md §3.2 in order, checked by
//! the platform's rules as the user goes, then **Confirm**, then the new deployment.

pub mod confirm;
mod draft_store;
pub mod fields;
mod form;
pub mod model;
pub mod state;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::use_backend;
use crate::components::load_state::{LoadError, TableSkeleton};
use crate::components::page_header::{Crumb, PageHeader};
use form::DeployForm;

pub(crate) use draft_store::session;

/// A new idempotency key for one submission.
pub(crate) fn new_key() -> String {
    let part = || {
        format!(
            "{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        )
    };
    format!("deploy-{}{}{}{}", part(), part(), part(), part())
}

/// The deploy page for the package in the URL.
#[component]
pub fn DeployPage() -> impl IntoView {
    let backend = use_backend();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let b = backend.clone();
    let package = LocalResource::new(move || {
        let (backend, id) = (b.clone(), id());
        async move { backend.package(&id).await }
    });
    let b = backend.clone();
    let devices = LocalResource::new(move || {
        let backend = b.clone();
        async move { backend.devices().await }
    });
    let b = backend.clone();
    let networks = LocalResource::new(move || {
        let backend = b.clone();
        async move { backend.networks().await }
    });
    let b = backend;
    let deployments = LocalResource::new(move || {
        let backend = b.clone();
        async move { backend.deployments(&[]).await }
    });
    let devices_loading = RwSignal::new(false);
    let last_devices = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = devices.get() {
            last_devices.set(list);
            devices_loading.set(false);
        }
    });
    let refresh = Callback::new(move |_| {
        devices_loading.set(true);
        devices.refetch();
    });
    let retry = move |_| {
        package.refetch();
        devices.refetch();
        networks.refetch();
        deployments.refetch();
    };
    let content = move || {
        let first_error = [
            package.get().and_then(|r| r.err()),
            networks.get().and_then(|r| r.err()),
            deployments.get().and_then(|r| r.err()),
            devices.get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next();
        if let Some(error) = first_error {
            return view! { <LoadError what="what the form needs" error=error retry=retry /> }
                .into_any();
        }
        match (package.get(), networks.get(), deployments.get(), devices.get()) {
            (Some(Ok(package)), Some(Ok(networks)), Some(Ok(deployments)), Some(Ok(_))) => view! {
                <DeployForm package=package networks=networks deployments=deployments devices=last_devices refresh=refresh loading=devices_loading />
            }
            .into_any(),
            _ => view! { <TableSkeleton rows=8 /> }.into_any(),
        }
    };
    let title = Signal::derive(move || match package.get() {
        Some(Ok(p)) => format!("Deploy {}", p.summary.package_name),
        _ => "Deploy package".to_string(),
    });
    view! {
        <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::CATALOG] />
        {content}
    }
}

/// The raw query pairs of the URL (repeated keys kept).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct QueryPairs(pub(crate) Vec<(String, String)>);

impl leptos_router::params::Params for QueryPairs {
    fn from_map(
        map: &leptos_router::params::ParamsMap,
    ) -> Result<Self, leptos_router::params::ParamsError> {
        let mut pairs = Vec::new();
        for (key, value) in map.clone() {
            pairs.push((key.to_string(), value));
        }
        Ok(QueryPairs(pairs))
    }
}
