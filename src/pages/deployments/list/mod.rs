//! The deployments list at fleet scale (README, "The list at fleet scale"): search, phase filter with per-phase
//! counts, label and sort in the URL and run by the backend; a windowed table that holds only
//! the rows in view; polls that ask only for what changed (`since=`) and update those rows in
//! place. Against a backend that answers whole lists, the same screen filters, sorts and
//! windows in the browser. The same list, narrower, is the label widget
//! (`/widgets/deployments?label=site:tokyo`) that dashboards embed.

mod bulk;
mod feed;
mod query;
mod row;
mod store;
mod table;

use leptos::prelude::*;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};
use platform::list::SortKey;
use platform::phase::Phase;
use platform::wire::Deployment;

pub use query::{DeploymentsQuery, PhaseFilter};

use super::deployment_path;
use super::deprovision::DeprovisionDialog;
use crate::api::use_backend;
use crate::components::{
    empty_state::EmptyState,
    icons::DeployIcon,
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    sort_header::{SortHeader, SortState},
};
use crate::hooks::use_url_state;
use crate::{embed, format, ids};
use bulk::{BulkBar, Selection};
use table::{ListView, WindowedTable};

/// The deployments list.
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    view! { <DeploymentsList widget=false /> }
}

/// The embeddable list: deployments with one label (`?label=site:tokyo`), name, package, phase,
/// status and generation, each opening its full page in the top window.
#[component]
pub fn DeploymentsWidget() -> impl IntoView {
    view! { <DeploymentsList widget=true /> }
}

#[component]
fn DeploymentsList(widget: bool) -> impl IntoView {
    let backend = use_backend();
    let (state, set_state) = use_url_state::<DeploymentsQuery>(if widget {
        "/widgets/deployments"
    } else {
        "/deployments"
    });
    let list = ListView::new();
    let live = feed::start(&backend, state, list);

    let on_search = move |ev: leptos::ev::Event| {
        set_state.run(DeploymentsQuery {
            search: event_target_value(&ev),
            ..state.get_untracked()
        })
    };
    let on_phase = move |ev: leptos::ev::Event| {
        set_state.run(DeploymentsQuery {
            phase: PhaseFilter::from_value(&event_target_value(&ev)),
            ..state.get_untracked()
        })
    };
    let sort_header = move |key: SortKey, label: &'static str| {
        let sorted =
            Signal::derive(move || state.with(|s| SortState::of(s.sort == key, s.descending)));
        let on_sort = Callback::new(move |()| set_state.run(state.get_untracked().sorted_by(key)));
        view! { <SortHeader label=label state=sorted on_sort=on_sort /> }
    };
    let clear = move || set_state.run(DeploymentsQuery::default());

    let navigate = use_navigate();
    let embedded = embed::use_embedded();
    let open = Callback::new(move |id: String| {
        let href = deployment_path(&id);
        if embedded {
            // Outside the embedded view: the full page, in the top window.
            embed::open_top(&href);
        } else {
            navigate(&href, NavigateOptions::default());
        }
    });
    // Deprovision from a row: the dialog asks first.
    let deprovision_target = RwSignal::new(None::<(String, String)>);
    // One click handler for all rows (none per row): a row's deprovision button asks first; a
    // click elsewhere in a row, outside its links and controls, opens the deployment.
    let on_rows_click = Callback::new(move |ev: leptos::ev::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let closest = |selector: &str| target.closest(selector).ok().flatten();
        let Some(id) = closest("tr[data-id]").and_then(|tr| tr.get_attribute("data-id")) else {
            return;
        };
        if closest(&format!("button[data-testid={}]", ids::ROW_DEPROVISION)).is_some() {
            if let Some(name) = list.mounted.name(&id) {
                deprovision_target.set(Some((id, name)));
            }
            return;
        }
        // Links, buttons and selected text keep their own meaning.
        if closest("a, button, input, code, .codes-popover, .select-cell").is_some() {
            return;
        }
        open.run(id);
    });
    let on_deprovisioned = Callback::new(move |deployment: Deployment| {
        let applied = list.store.try_update_value(|s| s.take_own(&deployment));
        if let Some(applied) = applied {
            for deployment in &applied.updated {
                list.mounted.show(deployment);
            }
            if applied.layout {
                list.relayout();
            }
        }
    });

    // The table is made once the first answer is in; rows follow their own signals.
    let listed = Memo::new(move |_| {
        list.layout.track();
        list.store.with_value(|s| s.listed)
    });
    let empty = Memo::new(move |_| {
        let total = list.total();
        total == 0 && !list.store.with_value(|s| s.awaiting)
    });
    let label_problem = Memo::new(move |_| state.with(|s| s.label_filter().err()));
    let columns = if widget { 4 } else { 9 };
    let selection = (!widget).then(Selection::new);
    let table = move || {
        if let Some(problem) = label_problem.get() {
            return view! {
                <div class="notice notice-error" role="alert" data-testid=ids::LABEL_FILTER_ERROR>
                    <p>{problem}</p>
                </div>
            }
            .into_any();
        }
        if !listed.get() {
            return match live.error.get() {
                Some(error) => view! {
                    <LoadError what="the deployments" error=error retry=move |_| live.resume() />
                }
                .into_any(),
                None => view! { <TableSkeleton rows=6 /> }.into_any(),
            };
        }
        if empty.get() {
            return empty_state(state, list, clear).into_any();
        }
        let full = !widget;
        let head = view! {
            {full.then(|| view! { <th scope="col" class="select-cell"><span class="visually-hidden">"Select"</span></th> })}
            {sort_header(SortKey::Name, "Name")}
            {full.then(|| view! { <th scope="col">"Deployment ID"</th> })}
            {full.then(|| view! { <th scope="col">"Package"</th> })}
            {sort_header(SortKey::Phase, "Phase")}
            <th scope="col">"Status"</th>
            {sort_header(SortKey::Generation, "Generation")}
            {full.then(|| sort_header(SortKey::Created, "Created"))}
            {full.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
        }
        .into_any();
        view! {
            <WindowedTable
                list=list
                backend=backend.clone()
                widget=widget
                columns=columns
                head=head
                open=open
                on_click=on_rows_click
                selection=selection
            />
        }
        .into_any()
    };
    let label_chip = move || {
        state.with(|s| s.label_filter().ok().flatten()).map(|label| {
            view! {
                <span class="filter-chip" data-testid=ids::LABEL_FILTER>
                    <span class="muted">"Label "</span>
                    <code>{label.selector()}</code>
                    <button
                        type="button"
                        class="chip-clear"
                        aria-label="Clear the label filter"
                        on:click=move |_| set_state.run(DeploymentsQuery { label: String::new(), ..state.get_untracked() })
                    >
                        "×"
                    </button>
                </span>
            }
        })
    };
    // Each phase option with how many deployments it would show (once the backend said).
    let counts = Memo::new(move |_| {
        list.layout.track();
        list.store.with_value(|s| s.counts.clone())
    });
    let option_text = move |label: &str, phases: &[Phase]| {
        counts.with(|counts| match counts {
            None => label.to_string(),
            Some(counts) => {
                let n: u64 = counts
                    .iter()
                    .filter(|(phase, _)| {
                        phases.is_empty() || phases.iter().any(|p| p.as_str() == phase.as_str())
                    })
                    .map(|(_, n)| *n)
                    .sum();
                format!(
                    "{label} ({})",
                    format::count(usize::try_from(n).unwrap_or(usize::MAX))
                )
            }
        })
    };
    let header = if widget {
        view! {
            <header class="widget-head">
                <h1 class="widget-title" data-testid=ids::PAGE_TITLE>
                    "Deployments"
                    {move || state.with(|s| s.label_filter().ok().flatten()).map(|l| view! { <code class="widget-label">{l.selector()}</code> })}
                </h1>
                <A href=move || format!("/deployments{}", state.get().to_query()) attr:class="widget-open">
                    "Open in console"
                </A>
            </header>
        }
        .into_any()
    } else {
        view! {
        <PageHeader
            title="Deployments"
            trail=vec![Crumb::DEVELOPMENT]
            description="Packages running on the cloud and on your devices, with their phase and status."
        />
        <div class="toolbar" role="search">
            <label class="toolbar-field">
                <span class="visually-hidden">"Search deployments by name"</span>
                <input
                    type="search"
                    placeholder="Search by name"
                    data-testid=ids::DEPLOYMENTS_SEARCH
                    prop:value=move || state.get().search
                    on:input=on_search
                />
            </label>
            <label class="toolbar-field">
                <span class="toolbar-label">"Phase"</span>
                <select data-testid=ids::DEPLOYMENTS_PHASE prop:value=move || state.get().phase.value() on:change=on_phase>
                    <option value="">{move || option_text("Live phases", &Phase::live_phases())}</option>
                    <option value="all">{move || option_text("All phases", &[])}</option>
                    {Phase::KNOWN
                        .iter()
                        .map(|p| {
                            let phase = p.clone();
                            view! { <option value=p.as_str()>{move || option_text(phase.as_str(), std::slice::from_ref(&phase))}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            {label_chip}
        </div>
        }
        .into_any()
    };
    let bulk =
        selection.map(|selection| view! { <BulkBar selection=selection list=list state=state /> });
    view! {
        {header}
        <LiveBanner live=live what="deployments" />
        {bulk}
        {table}
        <DeprovisionDialog target=deprovision_target on_done=on_deprovisioned />
    }
}

/// What an empty list says, and the ways out of it.
fn empty_state(
    state: Memo<DeploymentsQuery>,
    list: ListView,
    clear: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if let Ok(Some(label)) = state.with_untracked(DeploymentsQuery::label_filter) {
        let body = format!(
            "No deployment in these phases has the label {}. Deployments get labels when they are deployed.",
            label.selector()
        );
        return view! {
            <div data-testid=ids::DEPLOYMENTS_EMPTY>
                <EmptyState title="No deployments with this label" body=body icon=view! { <DeployIcon /> }.into_any() />
            </div>
        }
        .into_any();
    }
    // Nothing at all in any phase, and nothing narrowed: a new project.
    let none_at_all = list.store.with_value(|s| {
        s.counts
            .as_ref()
            .is_some_and(|counts| counts.values().all(|n| *n == 0))
    }) && !state.with_untracked(DeploymentsQuery::narrows);
    let (title, body) = if none_at_all {
        (
            "No deployments yet",
            "Deploy a package from the Catalog; it appears here with its phase and status.",
        )
    } else {
        (
            "No deployments match",
            "No deployment matches this phase filter and search.",
        )
    };
    view! {
        <div data-testid=ids::DEPLOYMENTS_EMPTY>
            <EmptyState title=title body=body icon=view! { <DeployIcon /> }.into_any()>
                <button type="button" class="button button-secondary" on:click=move |_| clear()>
                    "Clear search and filter"
                </button>
                <A href="/catalog" attr:class="button">
                    "Open the Catalog"
                </A>
            </EmptyState>
        </div>
    }
    .into_any()
}
