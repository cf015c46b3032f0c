//! The Details tab of a deployment: errors, time in each phase, components, labels,
//! dependencies, networks, volumes and parameters (docs/product.md §3.4).

use leptos::prelude::*;
use leptos_router::components::A;
use platform::wire::{DependencyStatus, Deployment, NetworkRef};

use super::components_table::ComponentsTable;
use crate::components::{
    phase_bar::phase_durations,
    status::{ErrorCodeList, PhaseChip, StatusChip},
};
use crate::pages::deployments::deployment_path;
use crate::{format, ids};

/// Errors, time in each phase, components, labels, dependencies, networks, volumes and
/// parameters.
#[component]
pub(super) fn DetailsTab(deployment: Memo<Option<Deployment>>) -> impl IntoView {
    // Each section follows only its own part of the deployment: a poll that changes the
    // status rebuilds the components table, not the labels (nor a link the user focused).
    let part = move |pick: fn(&Deployment) -> Vec<String>| {
        Memo::new(move |_| deployment.with(|d| d.as_ref().map(pick).unwrap_or_default()))
    };
    let errors = part(|d| d.errors.clone());
    let has_errors = Memo::new(move |_| errors.with(|e| !e.is_empty()));
    let components = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.component_info.clone())
                .unwrap_or_default()
        })
    });
    let timeline = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.phase_timeline.clone())
                .unwrap_or_default()
        })
    });
    let labels = part(|d| {
        d.labels
            .iter()
            .map(|l| format!("{}: {}", l.key, l.value))
            .collect()
    });
    let dependencies = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.dependent_deployments
                        .iter()
                        .map(|dep| {
                            let id = dep.dependent_deployment_id.clone();
                            let seen = d.dependent_deployment_status.get(&id).cloned();
                            (id, seen)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let networks = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.routed_networks.clone())
                .unwrap_or_default()
        })
    });
    let volumes = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.volumes
                        .iter()
                        .map(|v| {
                            let component = d
                                .component_info
                                .iter()
                                .find(|c| c.component_id == v.component_id)
                                .map_or_else(|| v.component_id.clone(), |c| c.name.clone());
                            (v.mount_path.clone(), component, v.deployment_id.clone())
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let parameters = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.component_info
                        .iter()
                        .flat_map(|c| {
                            c.parameters
                                .iter()
                                .map(|(k, v)| (c.name.clone(), k.clone(), v.clone()))
                                .collect::<Vec<_>>()
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        {move || has_errors.get().then(|| view! {
            <section class="panel panel-error" data-testid=ids::DEPLOYMENT_ERRORS>
                <h2 class="section-title">"Errors"</h2>
                <ErrorCodeList codes=errors />
            </section>
        })}
        <div class="detail-grid">
            <section class="panel">
                <h2 class="section-title">"Components"</h2>
                <ComponentsTable components=components />
            </section>
            <section class="panel" data-testid=ids::PHASE_TIMES>
                <h2 class="section-title">"Time in each phase"</h2>
                {move || {
                let durations = phase_durations(&timeline.get(), js_sys::Date::now() as i64);
                let count = durations.len();
                if durations.is_empty() {
                    view! { <p class="muted">"No phase changes recorded."</p> }.into_any()
                } else {
                    view! {
                        <ol class="timeline">
                            {durations.into_iter().enumerate().map(|(i, (phase, spent))| view! {
                                <li>
                                    <PhaseChip phase=Signal::stored(phase) />
                                    <span class="timeline-time">{
                                        let spent = spent.map_or("—".to_string(), format::duration);
                                        if i + 1 == count { format!("{spent} so far") } else { spent }
                                    }</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}}
            </section>
            <ListSection title="Labels" empty="No labels." class="chips" items=labels item=|l: String| view! { <li class="chip">{l}</li> } />
            <ListSection
                title="Dependencies"
                empty="No dependencies."
                note=Signal::derive(move || {
                    let all_running = dependencies.with(|deps| {
                        deps.iter().all(|(_, seen)| {
                            seen.as_ref().is_some_and(|s| s.status == platform::phase::Status::Running)
                        })
                    });
                    (!all_running).then_some("Not every dependency reads Running: this deployment may not work until they do.")
                })
                items=dependencies
                item=|(id, seen): (String, Option<DependencyStatus>)| {
                    let href = deployment_path(&id);
                    let name = seen.as_ref().map(|s| s.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| id.clone());
                    view! {
                        <li class="dependency">
                            <A href=href>{name}</A>
                            {seen.map(|s| view! {
                                <PhaseChip phase=Signal::stored(s.phase) />
                                <StatusChip status=Signal::stored(s.status) errors=Signal::stored(Vec::new()) />
                            })}
                        </li>
                    }
                }
            />
            <ListSection
                title="Routed networks"
                empty="No routed networks."
                items=networks
                item=|n: NetworkRef| view! {
                    <li>{n.name.clone().unwrap_or_else(|| n.guid.clone())}" "<code class="muted">{n.guid.clone()}</code></li>
                }
            />
            <ListSection
                title="Volumes"
                empty="No volumes."
                items=volumes
                item=|(mount_path, component, volume_id): (String, String, String)| view! {
                    <li>
                        <code>{mount_path}</code>" in "{component}" from "
                        <A href=deployment_path(&volume_id)>{volume_id.clone()}</A>
                    </li>
                }
            />
            <section class="panel">
                <h2 class="section-title">"Parameters"</h2>
                {move || if parameters.with(Vec::is_empty) {
                    view! { <p class="muted">"No parameters."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll-x">
                            <table class="data-table compact">
                                <thead><tr><th scope="col">"Component"</th><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                                <tbody>
                                    {parameters.get().into_iter().map(|(component, name, value)| view! {
                                        <tr><td>{component}</td><td><code>{name}</code></td><td class="break"><code>{value}</code></td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

/// A panel listing `items`, or saying `empty` when there are none; `note` (a warning) above the
/// list when given.
#[component]
fn ListSection<T, F, V>(
    title: &'static str,
    empty: &'static str,
    items: Memo<Vec<T>>,
    item: F,
    #[prop(default = "plain-list")] class: &'static str,
    #[prop(optional, into)] note: Signal<Option<&'static str>>,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <section class="panel">
            <h2 class="section-title">{title}</h2>
            {move || {
                if items.with(Vec::is_empty) {
                    return view! { <p class="muted">{empty}</p> }.into_any();
                }
                let item = item.clone();
                view! {
                    {note.get().map(|note| view! { <p class="hint warning-text">{note}</p> })}
                    <ul class=class>{items.get().into_iter().map(item).collect_view()}</ul>
                }
                .into_any()
            }}
        </section>
    }
}
