//! One deployment: header with its ID and actions, the phase progress bar, phase, status and
//! generation, and the Details, History and Logs tabs. Kept fresh by polling (HTTP) or by the
//! simulation (demo); a late or older answer never replaces what is shown.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};
use platform::phase::Phase;
use platform::rules::update::update_availability;
use platform::wire::{DependencyStatus, Deployment, Device, NetworkRef, Runtime};

use super::deployment_path;
use super::deprovision::{DeprovisionDialog, partial_message};
use super::history::HistoryTab;
use super::logs::LogsTab;
use super::update::UpdateDialog;
use crate::api::{encode, use_backend};
use crate::components::{
    copy_button::CopyButton,
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    phase_bar::{PhaseBar, phase_durations},
    status::{ErrorCodeList, PhaseChip, StatusChip},
};
use crate::hooks::{Live, poll_every};
use crate::{format, ids};

/// The details page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Details,
    History,
    Logs,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Details, Tab::History, Tab::Logs];

    fn word(self) -> &'static str {
        match self {
            Tab::Details => "details",
            Tab::History => "history",
            Tab::Logs => "logs",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Details => "Details",
            Tab::History => "History",
            Tab::Logs => "Logs",
        }
    }

    fn from_word(word: &str) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| t.word() == word)
            .unwrap_or(Tab::Details)
    }
}

/// One deployment, by the `:id` in the URL.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    by_route_id(false)
}

/// The embeddable widget of one deployment: its name (opening the full page in the top
/// window), the phase bar, phase, status, generation and the Update Deployment action.
#[component]
pub fn DeploymentWidget() -> impl IntoView {
    by_route_id(true)
}

/// The deployment named by the route's `:id`; a new ID is a new view (its own live data,
/// dialogs and tabs).
fn by_route_id(widget: bool) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || {
        let id = id.get();
        view! { <DeploymentView id=id widget=widget /> }
    }
}

#[component]
fn DeploymentView(id: String, widget: bool) -> impl IntoView {
    let backend = use_backend();
    let query = use_query_map();
    let navigate = use_navigate();
    let live = {
        let id = id.clone();
        Live::start(
            &backend,
            move |backend| {
                let id = id.clone();
                async move { backend.deployment(&id).await }
            },
            |d: &Deployment| poll_every(d.phase.is_transient()),
            // A generation never goes back.
            |old: &Deployment, new: &Deployment| new.current_generation >= old.current_generation,
        )
    };
    let deployment = Memo::new(move |_| live.data.get());
    // A dashboard hears about phase changes of the deployment it shows.
    Effect::new(move |_| {
        deployment.with(|d| {
            if let Some(d) = d {
                crate::embed::report_phase(d);
            }
        });
    });
    let title = Signal::derive(move || {
        deployment.with(|d| {
            d.as_ref()
                .map_or_else(|| "Deployment".to_string(), |d| d.name.clone())
        })
    });
    let tab = Memo::new(move |_| Tab::from_word(&query.read().get("tab").unwrap_or_default()));
    let update_open = RwSignal::new(false);
    let deprovision_target = RwSignal::new(None::<(String, String)>);
    let on_updated = Callback::new(move |d: Deployment| live.set(d));
    let on_reload = Callback::new(move |()| live.refresh());
    let on_deprovisioned = Callback::new(move |d: Deployment| live.set(d));

    // Only whether there is data decides between skeleton and page; the data itself flows
    // into the parts, so a poll re-renders only what changed.
    let has_data = Memo::new(move |_| deployment.with(Option::is_some));
    let body = move || {
        if !has_data.get() {
            return match live.error.get() {
                Some(error) => view! {
                    <LoadError what="this deployment" error=error retry=move |_| live.resume() />
                }
                .into_any(),
                None => view! { <TableSkeleton rows=4 /> }.into_any(),
            };
        }
        let navigate = navigate.clone();
        if widget {
            return view! {
                <Overview deployment=deployment update_open=update_open deprovision_target=deprovision_target live=live widget=true />
            }
            .into_any();
        }
        untrack(move || {
            view! {
                <Overview deployment=deployment update_open=update_open deprovision_target=deprovision_target live=live widget=false />
                <Tabs current=tab navigate=navigate />
                <div role="tabpanel" id="deployment-tabpanel" class="tab-panel" aria-labelledby=move || format!("tab-{}", tab.get().word())>
                    {move || match tab.get() {
                        Tab::Details => view! { <DetailsTab deployment=deployment /> }.into_any(),
                        Tab::History => view! { <HistoryTab deployment=deployment /> }.into_any(),
                        Tab::Logs => view! { <LogsTab deployment=deployment /> }.into_any(),
                    }}
                </div>
            }
            .into_any()
        })
    };
    let header = if widget {
        let href = deployment_path(&id);
        view! {
            <header class="widget-head" data-testid=ids::DEPLOYMENT_WIDGET>
                <h1 class="widget-title" data-testid=ids::PAGE_TITLE>
                    <A href=href>{move || title.get()}</A>
                </h1>
            </header>
        }
        .into_any()
    } else {
        view! { <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::DEPLOYMENTS] /> }
            .into_any()
    };
    view! {
        {header}
        <LiveBanner live=live what="this deployment" />
        {body}
        <UpdateDialog open=update_open deployment=deployment on_updated=on_updated on_reload=on_reload />
        <DeprovisionDialog target=deprovision_target on_done=on_deprovisioned />
    }
}

/// The header strip, the phase bar and the key facts.
#[component]
fn Overview(
    deployment: Memo<Option<Deployment>>,
    update_open: RwSignal<bool>,
    deprovision_target: RwSignal<Option<(String, String)>>,
    live: Live<Deployment>,
    /// The widget: no Deprovision action and no creation fact.
    widget: bool,
) -> impl IntoView {
    let backend = use_backend();
    let get = move |f: fn(&Deployment) -> String| {
        Memo::new(move |_| deployment.with(|d| d.as_ref().map(f).unwrap_or_default()))
    };
    let id = get(|d| d.deployment_id.clone());
    let name = get(|d| d.name.clone());
    let package = get(|d| format!("{} {}", d.package_name, d.package_version));
    let package_href = get(|d| format!("/catalog/{}", encode(&d.package_id)));
    let updated_at = get(|d| format::time(&d.last_status_update_time));
    let created = get(|d| {
        format!(
            "{} by {}",
            format::time(&d.created_at),
            if d.creator.is_empty() {
                "—"
            } else {
                &d.creator
            }
        )
    });
    let phase = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map_or(Phase::Unknown(String::new()), |d| d.phase.clone())
        })
    });
    let status = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map_or(platform::phase::Status::Unknown(String::new()), |d| {
                    d.status.clone()
                })
        })
    });
    let errors = Memo::new(move |_| {
        deployment.with(|d| d.as_ref().map(|d| d.errors.clone()).unwrap_or_default())
    });
    let generation =
        Memo::new(move |_| deployment.with(|d| d.as_ref().map_or(0, |d| d.current_generation)));
    let timeline = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.phase_timeline.clone())
                .unwrap_or_default()
        })
    });
    let update_blocked = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .and_then(|d| update_availability(d).err())
                .map(|blocked| blocked.to_string())
        })
    });
    let can_deprovision = Memo::new(move |_| phase.get().is_live());
    let retrying = RwSignal::new(false);
    let retry_error = RwSignal::new(None::<String>);
    let retry = move |_| {
        if retrying.get_untracked() {
            return;
        }
        retrying.set(true);
        retry_error.set(None);
        let (backend, id) = (backend.clone(), id.get_untracked());
        leptos::task::spawn_local(async move {
            match backend.deprovision(&id).await {
                Ok(d) => live.set(d),
                Err(e) => retry_error.set(Some(e.to_string())),
            }
            retrying.set(false);
        });
    };
    view! {
        <section class="detail-head">
            <div class="detail-ids">
                <span class="id-cell">
                    <span class="muted">"ID "</span>
                    <code>{move || id.get()}</code>
                    <CopyButton text=id.get_untracked() what="deployment ID" />
                </span>
                <span class="muted">"Package "</span>
                <A href=move || package_href.get()>{move || package.get()}</A>
            </div>
            <div class="actions detail-actions">
                <button
                    type="button"
                    class="button"
                    data-testid=ids::UPDATE_DEPLOYMENT
                    disabled=move || update_blocked.with(Option::is_some)
                    title=move || update_blocked.get().unwrap_or_default()
                    aria-describedby="update-blocked-reason"
                    on:click=move |_| update_open.set(true)
                >
                    "Update Deployment"
                </button>
                {(!widget).then(|| view! {
                    <button
                        type="button"
                        class="button button-danger-outline"
                        data-testid=ids::DEPROVISION_DEPLOYMENT
                        disabled=move || !can_deprovision.get()
                        on:click=move |_| deprovision_target.set(Some((id.get_untracked(), name.get_untracked())))
                    >
                        "Deprovision Deployment"
                    </button>
                })}
            </div>
        </section>
        <p class="hint action-hint" id="update-blocked-reason" data-testid=ids::UPDATE_BLOCKED>
            {move || update_blocked.get().unwrap_or_default()}
        </p>
        {move || partial_message(&phase.get()).map(|message| {
            let retry = retry.clone();
            view! {
                <div class="notice notice-warning" role="status" data-testid=ids::PARTIAL_NOTICE>
                    <p>
                        <strong>"Partially deprovisioned. "</strong>
                        {message}
                        {move || retry_error.get().map(|e| format!(" The last retry failed: {e}"))}
                    </p>
                    <button type="button" class="button button-small" on:click=retry disabled=move || retrying.get()>
                        {move || if retrying.get() { "Retrying…" } else { "Retry deprovision" }}
                    </button>
                </div>
            }
        })}
        <section class="panel overview">
            <PhaseBar phase=phase timeline=timeline />
            <dl class="facts facts-row">
                <div>
                    <dt>"DEPLOYMENT PHASE"</dt>
                    <dd><PhaseChip phase=phase test_id=ids::DEPLOYMENT_PHASE /></dd>
                </div>
                <div>
                    <dt>"STATUS"</dt>
                    <dd><StatusChip status=status errors=errors test_id=ids::DEPLOYMENT_STATUS /></dd>
                </div>
                <div>
                    <dt>"Deployment Generation"</dt>
                    <dd class="generation" data-testid=ids::DEPLOYMENT_GENERATION>{move || generation.get()}</dd>
                </div>
                <div>
                    <dt>"Last status update"</dt>
                    <dd>{move || updated_at.get()}</dd>
                </div>
                {(!widget).then(|| view! {
                    <div>
                        <dt>"Created"</dt>
                        <dd>{move || created.get()}</dd>
                    </div>
                })}
            </dl>
        </section>
    }
}

/// The tab strip; the chosen tab lives in the URL (`?tab=history`). Arrow keys move between
/// tabs.
#[component]
fn Tabs<N>(current: Memo<Tab>, navigate: N) -> impl IntoView
where
    N: Fn(&str, NavigateOptions) + Clone + 'static,
{
    let go = move |tab: Tab| {
        let query = if tab == Tab::Details {
            String::new()
        } else {
            format!("?tab={}", tab.word())
        };
        let path = window().location().pathname().unwrap_or_default();
        navigate(
            &format!("{path}{query}"),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
        if let Some(el) = document()
            .get_element_by_id(&format!("tab-{}", tab.word()))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
        {
            let _ = el.focus();
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Deployment">
            {Tab::ALL
                .into_iter()
                .enumerate()
                .map(|(i, tab)| {
                    let go_click = go.clone();
                    let go_key = go.clone();
                    let keydown = move |ev: leptos::ev::KeyboardEvent| {
                        let next = match ev.key().as_str() {
                            "ArrowRight" => Tab::ALL[(i + 1) % 3],
                            "ArrowLeft" => Tab::ALL[(i + 2) % 3],
                            "Home" => Tab::ALL[0],
                            "End" => Tab::ALL[2],
                            _ => return,
                        };
                        ev.prevent_default();
                        go_key(next);
                    };
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=format!("tab-{}", tab.word())
                            data-testid=format!("{}-{}", ids::TAB, tab.word())
                            aria-selected=move || (current.get() == tab).to_string()
                            aria-controls="deployment-tabpanel"
                            tabindex=move || if current.get() == tab { "0" } else { "-1" }
                            on:click=move |_| go_click(tab)
                            on:keydown=keydown
                        >
                            {tab.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Errors, time in each phase, components, labels, dependencies, networks, volumes and
/// parameters.
#[component]
fn DetailsTab(deployment: Memo<Option<Deployment>>) -> impl IntoView {
    let backend = use_backend();
    // Device names for the components table (IDs alone when they cannot be loaded).
    let devices = LocalResource::new(move || {
        let backend = backend.clone();
        async move { backend.devices().await.unwrap_or_default() }
    });
    let device_name = move |id: &str| -> String {
        devices
            .get()
            .and_then(|devices: Vec<Device>| {
                devices.into_iter().find(|d| d.uuid == id).map(|d| d.name)
            })
            .unwrap_or_else(|| id.to_string())
    };
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
                <table class="data-table compact" data-testid=ids::COMPONENTS_TABLE>
                    <thead>
                        <tr>
                            <th scope="col">"Component"</th>
                            <th scope="col">"Runtime"</th>
                            <th scope="col">"Device"</th>
                            <th scope="col">"Restart policy"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Executables"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || components.get().into_iter().map(|c| {
                            let device = match (&c.runtime, &c.device_id) {
                                (Runtime::Device, Some(id)) => device_name(id),
                                _ => "—".to_string(),
                            };
                            let codes = c.error_code.clone();
                            view! {
                                <tr>
                                    <th scope="row">{c.name.clone()}</th>
                                    <td>{c.runtime.to_string()}</td>
                                    <td>{device}</td>
                                    <td>{c.restart_policy.as_ref().map_or("—".to_string(), |p| p.label().to_string())}</td>
                                    <td><StatusChip status=Signal::stored(c.status.clone()) errors=Signal::stored(codes) /></td>
                                    <td>
                                        <ul class="exec-list">
                                            {c.executables_status_info.iter().map(|e| view! {
                                                <li>
                                                    <span class="exec-name">{e.name.clone()}</span>
                                                    <span class=crate::components::status::status_class(&e.status)>{e.status.label()}</span>
                                                    {(!e.reason.is_empty()).then(|| {
                                                        let class = if e.status == platform::phase::Status::Error { "exec-reason exec-reason-error" } else { "exec-reason" };
                                                        view! { <span class=class>{e.reason.clone()}</span> }
                                                    })}
                                                    <span class="muted">{format!("{} restart{}", e.restart_count, if e.restart_count == 1 { "" } else { "s" })}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
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
                        <table class="data-table compact">
                            <thead><tr><th scope="col">"Component"</th><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                            <tbody>
                                {parameters.get().into_iter().map(|(component, name, value)| view! {
                                    <tr><td>{component}</td><td><code>{name}</code></td><td class="break"><code>{value}</code></td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
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
