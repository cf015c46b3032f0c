//! A package's page (`/catalog/<id>`): its facts, its components, and **Deploy package** /
//! **Deploy to a fleet**.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use platform::wire::{Component, Package, Runtime};

use crate::api::{encode, use_backend};
use crate::components::{
    copy_button::CopyButton,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
};
use crate::{format, ids};

/// One package, by the `:id` in the URL.
#[component]
pub fn PackagePage() -> impl IntoView {
    let backend = use_backend();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let package = LocalResource::new(move || {
        let (backend, id) = (backend.clone(), id());
        async move { backend.package(&id).await }
    });
    let content = move || match package.get() {
        None => view! { <TableSkeleton rows=4 /> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadError what="this package" error=error retry=move |_| package.refetch() /> }
                .into_any()
        }
        Some(Ok(package)) => view! { <PackageDetails package=package /> }.into_any(),
    };
    let title = Signal::derive(move || match package.get() {
        Some(Ok(p)) => p.summary.package_name,
        _ => "Package".to_string(),
    });
    view! {
        <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::CATALOG] />
        {content}
    }
}

#[component]
fn PackageDetails(package: Package) -> impl IntoView {
    let summary = package.summary.clone();
    let deploy = format!("/catalog/{}/deploy", encode(&summary.guid));
    let plan = package.plans.first().cloned();
    let deployable = plan.as_ref().is_some_and(|p| !p.components.is_empty());
    // A rollout runs one device component per robot.
    let fleet = plan
        .as_ref()
        .is_some_and(|p| {
            p.components
                .iter()
                .any(|c| c.required_runtime == Runtime::Device)
        })
        .then(|| format!("/catalog/{}/rollout", encode(&summary.guid)));
    view! {
        <section class="panel">
            <div class="panel-head">
                <p class="lead">{summary.description.clone()}</p>
                {deployable.then(|| view! {
                    <div class="panel-actions">
                        {fleet.map(|href| view! {
                            <A href=href attr:class="button button-secondary" attr:data-testid=ids::DEPLOY_FLEET>
                                "Deploy to a fleet"
                            </A>
                        })}
                        <A href=deploy attr:class="button" attr:data-testid=ids::DEPLOY_PACKAGE>
                            "Deploy package"
                        </A>
                    </div>
                })}
            </div>
            <dl class="facts">
                <dt>"Package ID"</dt>
                <dd class="id-cell">
                    <code>{summary.guid.clone()}</code>
                    <CopyButton text=summary.guid.clone() what="package ID" />
                </dd>
                <dt>"Version"</dt>
                <dd>{summary.package_version.clone()}</dd>
                <dt>"Category"</dt>
                <dd>{summary.category.to_string()}{summary.is_public.then_some(" (public)")}</dd>
                <dt>"Creator"</dt>
                <dd>{summary.creator.clone()}</dd>
                <dt>"Created"</dt>
                <dd>{format::time(&summary.created_at)}</dd>
                {plan.as_ref().map(|plan| view! {
                    <dt>"Plan ID"</dt>
                    <dd class="id-cell">
                        <code>{plan.plan_id.clone()}</code>
                        <CopyButton text=plan.plan_id.clone() what="plan ID" />
                    </dd>
                })}
            </dl>
        </section>
        <h2 class="section-title">"Components"</h2>
        {plan
            .map(|plan| plan.components.into_iter().map(|c| view! { <ComponentCard component=c /> }).collect_view())}
    }
}

#[component]
fn ComponentCard(component: Component) -> impl IntoView {
    let runtime = match component.required_runtime {
        Runtime::Device => "Device",
        Runtime::Cloud => "Cloud",
        Runtime::Unknown(_) => "Unknown",
    };
    let ros = if component.ros.is_ros {
        format!(
            "Yes ({})",
            component
                .ros
                .ros_distro
                .clone()
                .unwrap_or_else(|| "any distro".into())
        )
    } else {
        "No".into()
    };
    let endpoints = component
        .cloud_infra
        .as_ref()
        .map(|c| c.endpoints.clone())
        .unwrap_or_default();
    let replicas = component.cloud_infra.as_ref().map(|c| c.replicas);
    view! {
        <section class="panel component-card">
            <h3>{component.name.clone()} <span class="chip">{runtime}</span></h3>
            {(!component.description.is_empty()).then(|| view! { <p class="muted">{component.description.clone()}</p> })}
            <dl class="facts">
                <dt>"Runtime"</dt>
                <dd>{runtime}</dd>
                {component.architecture.clone().map(|a| view! { <dt>"Architecture"</dt><dd>{a.to_string()}</dd> })}
                <dt>"ROS"</dt>
                <dd>{ros}</dd>
                {component.restart_policy.clone().map(|r| view! { <dt>"Restart policy"</dt><dd>{r.label().to_string()}</dd> })}
                {replicas.map(|r| view! { <dt>"Replicas"</dt><dd>{r}</dd> })}
            </dl>
            <h4>"Executables"</h4>
            <ul class="plain-list">
                {component
                    .executables
                    .iter()
                    .map(|e| {
                        let source = match (&e.docker, &e.build_guid) {
                            (Some(image), _) => format!("Docker image {image}"),
                            (None, Some(build)) => format!("Build {build}"),
                            _ => "Bare command (preinstalled devices)".to_string(),
                        };
                        let cmd = e.cmd.join(" ");
                        view! {
                            <li>
                                <strong>{e.name.clone()}</strong>
                                ": "
                                {source}
                                {(!cmd.is_empty()).then(|| view! { <div><code>{cmd.clone()}</code></div> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!endpoints.is_empty()).then(|| view! {
                <h4>"Endpoints"</h4>
                <ul class="plain-list">
                    {endpoints.iter().map(|e| {
                        let text = format!("{} {} {} → {}{}", e.name, e.proto, e.port, e.target_port, if e.expose_externally { " (external)" } else { "" });
                        view! { <li>{text}</li> }
                    }).collect_view()}
                </ul>
            })}
            {(!component.parameters.is_empty()).then(|| view! {
                <h4>"Parameters"</h4>
                <div class="table-scroll-x">
                    <table class="data-table compact parameters-table">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Default"</th><th scope="col">"Description"</th></tr></thead>
                        <tbody>
                            {component.parameters.iter().map(|p| view! {
                                <tr><td><code>{p.name.clone()}</code></td><td>{p.default.clone()}</td><td>{p.description.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}
