//! The deploy form (**Deploy package**): every step of docs/product.md §3.2 in order, checked by
//! the platform's rules as the user goes, then **Confirm**, then the new deployment.

pub mod confirm;
mod draft_store;
pub mod fields;
mod form;
pub mod lookups;
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

/// The deploy page for the package in the URL: the package and the routed networks, then the
/// form (devices and deployments are searched as the user goes, never read whole).
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
    let networks = LocalResource::new(move || {
        let backend = backend.clone();
        async move { backend.networks().await }
    });
    let retry = move |_| {
        package.refetch();
        networks.refetch();
    };
    let content = move || match (package.get(), networks.get()) {
        (Some(Err(error)), _) | (_, Some(Err(error))) => {
            view! { <LoadError what="what the form needs" error=error retry=retry /> }.into_any()
        }
        (Some(Ok(package)), Some(Ok(networks))) => {
            view! { <DeployForm package=package networks=networks /> }.into_any()
        }
        _ => view! { <TableSkeleton rows=8 /> }.into_any(),
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
