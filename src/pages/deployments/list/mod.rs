//! The deployments table: phase filter, name search, label and sorting in the URL query; rows
//! kept fresh by polling, each row with its own signal so a poll that changes nothing renders
//! nothing; Deprovision from a row. The same table, narrower, is the label widget
//! (`/widgets/deployments?label=site:tokyo`) that dashboards embed.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};
use platform::phase::Phase;
use platform::wire::{Deployment, Label};

use super::deployment_path;
use super::deprovision::DeprovisionDialog;
use crate::api::{encode, use_backend};
use crate::components::{
    empty_state::EmptyState,
    icons::{DeployIcon, StopIcon},
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    sort_header::{SortHeader, SortState},
    status::{PhaseChip, StatusChip},
};
use crate::hooks::{Live, UrlState, poll_every, use_url_state};
use crate::{embed, format, ids};

/// Which phases the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseFilter {
    /// Every phase but Deployment stopped (the default).
    Live,
    /// Every phase.
    All,
    /// One phase.
    Only(Phase),
}

impl PhaseFilter {
    /// The phases to ask the backend for (empty: all).
    pub fn phases(&self) -> Vec<Phase> {
        match self {
            PhaseFilter::Live => Phase::live_phases(),
            PhaseFilter::All => Vec::new(),
            PhaseFilter::Only(phase) => vec![phase.clone()],
        }
    }

    /// Whether a deployment in `phase` belongs in the view.
    pub fn admits(&self, phase: &Phase) -> bool {
        match self {
            PhaseFilter::Live => phase.is_live(),
            PhaseFilter::All => true,
            PhaseFilter::Only(only) => only == phase,
        }
    }

    fn value(&self) -> String {
        match self {
            PhaseFilter::Live => String::new(),
            PhaseFilter::All => "all".into(),
            PhaseFilter::Only(phase) => phase.as_str().to_string(),
        }
    }

    fn from_value(value: &str) -> PhaseFilter {
        match value.trim() {
            "" | "live" => PhaseFilter::Live,
            "all" => PhaseFilter::All,
            other => match Phase::parse(other) {
                Phase::Unknown(_) => PhaseFilter::Live,
                phase => PhaseFilter::Only(phase),
            },
        }
    }
}

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Name.
    Name,
    /// Package name, then version.
    Package,
    /// Phase, in lifecycle order.
    Phase,
    /// Status.
    Status,
    /// Generation.
    Generation,
    /// Creation time (the default, newest first).
    Created,
}

impl SortKey {
    const ALL: [(SortKey, &'static str); 6] = [
        (SortKey::Name, "name"),
        (SortKey::Package, "package"),
        (SortKey::Phase, "phase"),
        (SortKey::Status, "status"),
        (SortKey::Generation, "generation"),
        (SortKey::Created, "created"),
    ];

    fn word(self) -> &'static str {
        SortKey::ALL
            .iter()
            .find(|(key, _)| *key == self)
            .map_or("created", |(_, word)| word)
    }
}

/// The list's view state, kept in the URL query (`?phase=&q=&label=&sort=&desc=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentsQuery {
    /// Name search.
    pub search: String,
    /// Phase filter.
    pub phase: PhaseFilter,
    /// Sort column.
    pub sort: SortKey,
    /// Descending.
    pub descending: bool,
    /// Label selector as written (`site:tokyo`); empty for none.
    pub label: String,
}

impl Default for DeploymentsQuery {
    fn default() -> Self {
        DeploymentsQuery {
            search: String::new(),
            phase: PhaseFilter::Live,
            sort: SortKey::Created,
            descending: true,
            label: String::new(),
        }
    }
}

impl DeploymentsQuery {
    /// Reads the query; unknown values fall back to the defaults.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> DeploymentsQuery {
        let sort = get("sort")
            .and_then(|word| {
                SortKey::ALL
                    .iter()
                    .find(|(_, w)| *w == word)
                    .map(|(key, _)| *key)
            })
            .unwrap_or(SortKey::Created);
        let descending = match get("desc").as_deref() {
            Some("1") => true,
            Some("0") => false,
            _ => sort == SortKey::Created,
        };
        DeploymentsQuery {
            search: get("q").unwrap_or_default(),
            phase: PhaseFilter::from_value(&get("phase").unwrap_or_default()),
            sort,
            descending,
            label: get("label").unwrap_or_default(),
        }
    }

    /// The label the view is narrowed to; `Err` with a sentence when it is not `key:value`.
    pub fn label_filter(&self) -> Result<Option<Label>, String> {
        if self.label.trim().is_empty() {
            return Ok(None);
        }
        Label::from_selector(&self.label).map(Some).ok_or_else(|| {
            format!(
                "\"{}\" is not a label filter. Write it as key:value, for example label=site:tokyo.",
                self.label
            )
        })
    }

    /// The query string (with `?`, or empty for the defaults).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let phase = self.phase.value();
        if !phase.is_empty() {
            parts.push(format!("phase={}", encode(&phase)));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode(&self.search)));
        }
        if !self.label.is_empty() {
            parts.push(format!("label={}", encode(&self.label)));
        }
        if self.sort != SortKey::Created {
            parts.push(format!("sort={}", self.sort.word()));
        }
        if self.descending != (self.sort == SortKey::Created) {
            parts.push(format!("desc={}", u8::from(self.descending)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Whether a deployment is in the view (none when the label filter cannot be read).
    pub fn admits(&self, deployment: &Deployment) -> bool {
        let search = self.search.trim().to_lowercase();
        let labelled = match self.label_filter() {
            Ok(None) => true,
            Ok(Some(label)) => label.is_in(&deployment.labels),
            Err(_) => false,
        };
        labelled
            && self.phase.admits(&deployment.phase)
            && (search.is_empty() || deployment.name.to_lowercase().contains(&search))
    }

    /// The order of two deployments in the view.
    pub fn compare(&self, a: &Deployment, b: &Deployment) -> std::cmp::Ordering {
        let phase_rank = |d: &Deployment| {
            Phase::KNOWN
                .iter()
                .position(|p| p == &d.phase)
                .unwrap_or(Phase::KNOWN.len())
        };
        let order = match self.sort {
            SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortKey::Package => (a.package_name.to_lowercase(), &a.package_version)
                .cmp(&(b.package_name.to_lowercase(), &b.package_version)),
            SortKey::Phase => phase_rank(a).cmp(&phase_rank(b)),
            SortKey::Status => a.status.label().cmp(&b.status.label()),
            SortKey::Generation => a.current_generation.cmp(&b.current_generation),
            SortKey::Created => a.created_at.cmp(&b.created_at),
        }
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.deployment_id.cmp(&b.deployment_id));
        if self.descending {
            order.reverse()
        } else {
            order
        }
    }
}

/// One row's data; its signal changes only when that deployment changed.
type Row = RwSignal<Deployment>;

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
    let live = Live::start(
        &backend,
        move |backend| {
            let phases = state.get_untracked().phase.phases();
            async move { backend.deployments(&phases).await }
        },
        |all: &Vec<Deployment>| poll_every(all.iter().any(|d| d.phase.is_transient())),
        |_, _| true,
    );
    // A new phase filter asks the backend again (search and sort are applied here).
    let phases = Memo::new(move |_| state.get().phase.phases());
    Effect::new(move |previous: Option<()>| {
        // `with` (not `track`) so the memo computes and this effect subscribes to it.
        phases.with(|_| ());
        if previous.is_some() {
            // Answers to the old filter are dropped.
            live.invalidate();
        }
    });

    // Keyed rows: a signal per deployment, set only when that deployment changed.
    // Row signals belong to the page, not to the effect below (an effect disposes what it
    // created each time it runs again).
    // Weak: a strong handle kept by the page's own effect would keep the page alive forever.
    let page = Owner::current().map(|owner| owner.downgrade());
    let rows = StoredValue::new(HashMap::<String, Row>::new());
    let ids_in_order = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        live.data.with(|data| {
            let Some(all) = data else { return };
            rows.update_value(|rows| {
                // Rows that left are forgotten, not disposed: a view still being torn down
                // may read them once more (they go with the page).
                // (A set, not a scan per row: 10,000 rows would be 50 million comparisons.)
                let present: HashSet<&str> = all.iter().map(|d| d.deployment_id.as_str()).collect();
                rows.retain(|id, _| present.contains(id.as_str()));
                for deployment in all {
                    match rows.get(&deployment.deployment_id) {
                        Some(row) => {
                            if row.with_untracked(|d| d != deployment) {
                                row.set(deployment.clone());
                            }
                        }
                        None => {
                            rows.insert(
                                deployment.deployment_id.clone(),
                                match page.as_ref().and_then(WeakOwner::upgrade) {
                                    Some(page) => page.with(|| RwSignal::new(deployment.clone())),
                                    None => RwSignal::new(deployment.clone()),
                                },
                            );
                        }
                    }
                }
            });
            if embed::embedded() {
                let view = state.get_untracked();
                for deployment in all.iter().filter(|d| view.admits(d)) {
                    embed::report_phase(deployment);
                }
            }
            let ids: Vec<String> = all.iter().map(|d| d.deployment_id.clone()).collect();
            if ids_in_order.with_untracked(|old| old != &ids) {
                ids_in_order.set(ids);
            }
        });
    });
    let shown = Memo::new(move |_| {
        let state = state.get();
        let mut shown: Vec<(String, Row)> = ids_in_order.with(|ids| {
            rows.with_value(|rows| {
                ids.iter()
                    .filter_map(|id| rows.get(id).map(|row| (id.clone(), *row)))
                    .filter(|(_, row)| row.with(|d| state.admits(d)))
                    .collect()
            })
        });
        shown.sort_by(|(_, a), (_, b)| a.with(|a| b.with(|b| state.compare(a, b))));
        shown
    });
    let total = Memo::new(move |_| ids_in_order.with(Vec::len));

    let on_search = {
        move |ev: leptos::ev::Event| {
            set_state.run(DeploymentsQuery {
                search: event_target_value(&ev),
                ..state.get_untracked()
            })
        }
    };
    let on_phase = {
        move |ev: leptos::ev::Event| {
            set_state.run(DeploymentsQuery {
                phase: PhaseFilter::from_value(&event_target_value(&ev)),
                ..state.get_untracked()
            })
        }
    };
    let sort_header = {
        move |key: SortKey, label: &'static str| {
            let sorted =
                Signal::derive(move || state.with(|s| SortState::of(s.sort == key, s.descending)));
            let on_sort = Callback::new(move |()| {
                let current = state.get_untracked();
                let descending = if current.sort == key {
                    !current.descending
                } else {
                    key == SortKey::Created
                };
                set_state.run(DeploymentsQuery {
                    sort: key,
                    descending,
                    ..current
                });
            });
            view! { <SortHeader label=label state=sorted on_sort=on_sort /> }
        }
    };
    let clear = move || set_state.run(DeploymentsQuery::default());

    // Deprovision from a row: the dialog asks first.
    let deprovision_target = RwSignal::new(None::<(String, String)>);
    // One click handler for all rows (none per row): a row's deprovision button asks first; a
    // click elsewhere in a row, outside its links and controls, opens the deployment.
    let navigate = use_navigate();
    let on_rows_click = move |ev: leptos::ev::MouseEvent| {
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
            let name = rows.with_value(|rows| {
                rows.get(&id)
                    .and_then(|row| row.try_with_untracked(|d| d.name.clone()))
            });
            if let Some(name) = name {
                deprovision_target.set(Some((id, name)));
            }
            return;
        }
        // Links, buttons and selected text keep their own meaning.
        if closest("a, button, code, .codes-popover").is_some() {
            return;
        }
        let href = deployment_path(&id);
        if embed::embedded() {
            // Outside the embedded view: the full page, in the top window.
            embed::open_top(&href);
        } else {
            navigate(&href, NavigateOptions::default());
        }
    };
    let on_deprovisioned = Callback::new(move |deployment: Deployment| {
        // Through the live data, so a poll sent before the answer cannot undo it.
        live.update(|all| {
            if let Some(old) = all
                .iter_mut()
                .find(|d| d.deployment_id == deployment.deployment_id)
            {
                *old = deployment;
            }
        });
    });

    // The table is rebuilt only when it appears or disappears; rows follow their own signals.
    let has_data = Memo::new(move |_| live.data.with(Option::is_some));
    let nothing_shown = Memo::new(move |_| shown.with(Vec::is_empty));
    let table = move || {
        if !has_data.get() {
            return match live.error.get() {
                Some(error) => view! {
                    <LoadError what="the deployments" error=error retry=move |_| live.resume() />
                }
                .into_any(),
                None => view! { <TableSkeleton rows=6 /> }.into_any(),
            };
        }
        if let Err(problem) = state.with(DeploymentsQuery::label_filter) {
            return view! {
                <div class="notice notice-error" role="alert" data-testid=ids::LABEL_FILTER_ERROR>
                    <p>{problem}</p>
                </div>
            }
            .into_any();
        }
        if nothing_shown.get() {
            if let Ok(Some(label)) = state.with(DeploymentsQuery::label_filter) {
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
            let (title, body) = if total.get() == 0
                && state.with(|s| s.phase == PhaseFilter::Live && s.search.is_empty())
            {
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
            return view! {
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
            .into_any();
        }
        let full = !widget;
        view! {
            <div class="panel table-panel">
                <table class="data-table deployments-table" class:widget-table=widget data-testid=ids::DEPLOYMENTS_TABLE>
                    <caption class="visually-hidden">"Deployments"</caption>
                    <thead>
                        <tr>
                            {sort_header(SortKey::Name, "Name")}
                            {full.then(|| view! { <th scope="col">"Deployment ID"</th> })}
                            {full.then(|| sort_header(SortKey::Package, "Package"))}
                            {sort_header(SortKey::Phase, "Phase")}
                            {sort_header(SortKey::Status, "Status")}
                            {sort_header(SortKey::Generation, "Generation")}
                            {full.then(|| sort_header(SortKey::Created, "Created"))}
                            {full.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody on:click=on_rows_click.clone()>
                        <For each=move || shown.get() key=|(id, _)| id.clone() let:item>
                            <DeploymentRow row=item.1 widget=widget />
                        </For>
                    </tbody>
                </table>
                <p class="table-foot" aria-live="polite">
                    {move || {
                        let count = shown.with(Vec::len);
                        if widget {
                            // The widget's reader did not choose the rest; "of 7" would puzzle.
                            format!("{count} deployment{}", if count == 1 { "" } else { "s" })
                        } else {
                            format!("{count} of {} deployments", total.get())
                        }
                    }}
                </p>
            </div>
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
                    <option value="">"Live phases"</option>
                    <option value="all">"All phases"</option>
                    {Phase::KNOWN
                        .iter()
                        .map(|p| view! { <option value=p.as_str()>{p.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            {label_chip}
        </div>
        }
        .into_any()
    };
    view! {
        {header}
        <LiveBanner live=live what="deployments" />
        {table}
        <DeprovisionDialog target=deprovision_target on_done=on_deprovisioned />
    }
}

/// One row; each cell follows only its own value.
#[component]
fn DeploymentRow(
    row: Row,
    /// The narrow widget row: no ID, creation time or actions.
    widget: bool,
) -> impl IntoView {
    // The ID, name, package and creation time of a deployment never change: rendered once.
    let (id, name, package, version, created) = row.with_untracked(|d| {
        let created = format::time(&d.created_at);
        let (date, time) = match created.split_once(", ") {
            Some((date, time)) => (date.to_string(), time.to_string()),
            None => (created.clone(), String::new()),
        };
        (
            d.deployment_id.clone(),
            d.name.clone(),
            d.package_name.clone(),
            d.package_version.clone(),
            (date, time),
        )
    });
    let href = deployment_path(&id);
    // What a poll can change: a cell re-reads its field when the row changes, and the DOM is
    // touched only when the text or attribute differs.
    let phase = Signal::derive(move || row.with(|d| d.phase.clone()));
    let status = Signal::derive(move || row.with(|d| d.status.clone()));
    let errors = Memo::new(move |_| row.with(|d| d.errors.clone()));
    let generation = move || row.with(|d| d.current_generation);
    let deprovision_label = move || {
        if phase.get() == Phase::PartiallyDeprovisioned {
            "Retry deprovision"
        } else {
            "Deprovision"
        }
    };
    view! {
        <tr class="clickable-row" data-testid=ids::DEPLOYMENT_ROW data-id=id.clone()>
            <td>
                // A plain link (the router handles its clicks): an `<A>` per row would follow
                // the location for `aria-current`, a thousand subscribers to one signal.
                <a href=href.clone() class="row-link">{name.clone()}</a>
                {widget.then(|| view! {
                    <span class="cell-sub">{format!("{package} {version}")}</span>
                })}
            </td>
            {(!widget).then(|| view! {
                <td>
                    <code>{id.clone()}</code>
                </td>
            })}
            {(!widget).then(|| view! {
                <td>
                    <span class="cell-main">{package.clone()}</span>
                    <span class="cell-sub">{version.clone()}</span>
                </td>
            })}
            <td><PhaseChip phase=phase test_id=ids::ROW_PHASE /></td>
            <td><StatusChip status=status errors=errors test_id=ids::ROW_STATUS /></td>
            <td class="numeric" data-testid=ids::ROW_GENERATION>{generation}</td>
            {(!widget).then(|| view! {
            <td>
                <span class="cell-main cell-date">{created.0.clone()}</span>
                <span class="cell-sub">{created.1.clone()}</span>
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="icon-button icon-button-danger"
                    data-testid=ids::ROW_DEPROVISION
                    hidden=move || !phase.get().is_live()
                    aria-label={
                        let name = name.clone();
                        move || format!("{} {}", deprovision_label(), name)
                    }
                    title=deprovision_label
                >
                    <StopIcon />
                </button>
            </td>
            })}
        </tr>
    }
}

impl UrlState for DeploymentsQuery {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        DeploymentsQuery::from_pairs(get)
    }

    fn write(&self) -> String {
        self.to_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::sim::{SimConfig, seed};
    use platform::time::Millis;

    fn query(pairs: &[(&str, &str)]) -> DeploymentsQuery {
        DeploymentsQuery::from_pairs(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_are_live_phases_newest_first_and_leave_no_query() {
        let default = query(&[]);
        assert_eq!(default, DeploymentsQuery::default());
        assert_eq!(default.to_query(), "");
        assert_eq!(default.phase.phases(), Phase::live_phases());
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_query_round_trips() {
        let views = [
            DeploymentsQuery {
                search: "amr nav".into(),
                phase: PhaseFilter::Only(Phase::FailedToUpdate),
                sort: SortKey::Generation,
                descending: true,
                label: "site:tokyo".into(),
            },
            DeploymentsQuery {
                search: String::new(),
                phase: PhaseFilter::All,
                sort: SortKey::Created,
                descending: false,
                label: String::new(),
            },
            DeploymentsQuery {
                search: "ü&=?".into(),
                phase: PhaseFilter::Live,
                sort: SortKey::Name,
                descending: false,
                label: "env: dev ".into(),
            },
        ];
        for view in views {
            let text = view.to_query();
            let pairs: Vec<(String, String)> = text
                .trim_start_matches('?')
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), percent_decode(v)))
                .collect();
            let back = DeploymentsQuery::from_pairs(|key| {
                pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
            });
            assert_eq!(back, view, "{text}");
        }
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let view = query(&[("phase", "Exploded"), ("sort", "colour"), ("desc", "maybe")]);
        assert_eq!(view, DeploymentsQuery::default());
        assert_eq!(
            query(&[("phase", "failed to update")]).phase,
            PhaseFilter::Only(Phase::FailedToUpdate)
        );
    }

    #[test]
    fn filter_and_sort_over_the_seed() {
        let world = seed::seeded(7, Millis(1_800_000_000_000), SimConfig::default());
        let all = world.deployments(&[], "", None);
        let view = query(&[("q", "AMR"), ("sort", "name")]);
        let mut shown: Vec<&Deployment> = all.iter().filter(|d| view.admits(d)).collect();
        shown.sort_by(|a, b| view.compare(a, b));
        let names: Vec<&str> = shown.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["amr-nav-osaka", "amr-nav-tokyo"]);
        // The default filter hides stopped deployments; "all" shows them.
        assert!(all.iter().any(|d| d.phase == Phase::DeploymentStopped));
        assert!(
            all.iter()
                .filter(|d| query(&[]).admits(d))
                .all(|d| d.phase.is_live())
        );
        assert_eq!(
            all.iter()
                .filter(|d| query(&[("phase", "all")]).admits(d))
                .count(),
            all.len()
        );
    }

    #[test]
    fn a_label_narrows_the_view_and_a_bad_one_shows_nothing() {
        let world = seed::seeded(7, Millis(1_800_000_000_000), SimConfig::default());
        let all = world.deployments(&[], "", None);
        let tokyo = query(&[("label", "site:tokyo"), ("phase", "all")]);
        let names: Vec<&str> = all
            .iter()
            .filter(|d| tokyo.admits(d))
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["fleet-bridge-dev", "sensor-logger-tokyo", "amr-nav-tokyo"]
        );
        let bad = query(&[("label", "tokyo")]);
        let problem = bad.label_filter().unwrap_err();
        assert!(problem.contains("key:value"), "{problem}");
        assert!(all.iter().all(|d| !bad.admits(d)));
        assert_eq!(query(&[("label", "")]).label_filter(), Ok(None));
    }
}
