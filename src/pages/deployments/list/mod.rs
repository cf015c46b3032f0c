//! The deployments list at fleet scale (docs/product.md §6.1): search, phase filter with
//! per-phase counts, label and sort in the URL and run by the backend; a windowed table that
//! holds only the rows in view; polls that ask only for what changed (`since=`) and update those rows in
//! place. Against a backend that answers whole lists, the same screen filters, sorts and
//! windows in the browser. The same list, narrower, is the label widget
//! (`/widgets/deployments?label=site:tokyo`) that dashboards embed: the page and the widget
//! are two thin views over the same parts.

mod bulk;
mod empty;
mod feed;
mod query;
mod row;
mod store;
mod table;
mod toolbar;

use leptos::prelude::*;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};
use platform::list::SortKey;
use platform::wire::Deployment;

pub use query::{DeploymentsQuery, PhaseFilter};

use super::deployment_path;
use super::deprovision::DeprovisionDialog;
use crate::api::{Backend, use_backend};
use crate::components::{
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    sort_header::{SortHeader, SortState},
};
use crate::hooks::{Live, use_url_state};
use crate::{embed, ids};
use bulk::{BulkBar, Selection};
use empty::empty_state;
use feed::Fetched;
use table::{ListView, WindowedTable};
use toolbar::Toolbar;

/// The deployments list.
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    let shared = Shared::start("/deployments");
    let Shared {
        state,
        set_state,
        list,
        ..
    } = shared;
    let selection = Selection::new();
    let head = move || {
        view! {
            <th scope="col" class="select-cell"><span class="visually-hidden">"Select"</span></th>
            {shared.sort_header(SortKey::Name, "Name")}
            <th scope="col">"Deployment ID"</th>
            <th scope="col">"Package"</th>
            {shared.sort_header(SortKey::Phase, "Phase")}
            <th scope="col">"Status"</th>
            {shared.sort_header(SortKey::Generation, "Generation")}
            {shared.sort_header(SortKey::Created, "Created")}
            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
        }
        .into_any()
    };
    view! {
        <PageHeader
            title="Deployments"
            trail=vec![Crumb::DEVELOPMENT]
            description="Packages running on the cloud and on your devices, with their phase and status."
        />
        <Toolbar state=state set_state=set_state list=list />
        <LiveBanner live=shared.live what="deployments" />
        <BulkBar selection=selection list=list state=state />
        {shared.table(false, 9, head, Some(selection))}
        {shared.deprovision_dialog()}
    }
}

/// The embeddable list: deployments with one label (`?label=site:tokyo`), name, package, phase,
/// status and generation, each opening its full page in the top window.
#[component]
pub fn DeploymentsWidget() -> impl IntoView {
    let shared = Shared::start("/widgets/deployments");
    let state = shared.state;
    let head = move || {
        view! {
            {shared.sort_header(SortKey::Name, "Name")}
            {shared.sort_header(SortKey::Phase, "Phase")}
            <th scope="col">"Status"</th>
            {shared.sort_header(SortKey::Generation, "Generation")}
        }
        .into_any()
    };
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
        <LiveBanner live=shared.live what="deployments" />
        {shared.table(true, 4, head, None)}
        {shared.deprovision_dialog()}
    }
}

/// What the page and the widget share: the query in the URL, the rows held and their feed,
/// opening a row, and deprovisioning from one.
#[derive(Clone, Copy)]
struct Shared {
    backend: StoredValue<Backend, LocalStorage>,
    state: Memo<DeploymentsQuery>,
    set_state: Callback<DeploymentsQuery>,
    list: ListView,
    live: Live<Fetched>,
    open: Callback<String>,
    on_rows_click: Callback<leptos::ev::MouseEvent>,
    deprovision_target: RwSignal<Option<(String, String)>>,
}

impl Shared {
    /// The list whose query lives in the URL at `path`, fed from the backend.
    fn start(path: &'static str) -> Shared {
        let backend = use_backend();
        let (state, set_state) = use_url_state::<DeploymentsQuery>(path);
        let list = ListView::new();
        let live = feed::start(&backend, state, list);

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
        Shared {
            backend: StoredValue::new_local(backend),
            state,
            set_state,
            list,
            live,
            open,
            on_rows_click,
            deprovision_target,
        }
    }

    /// A sortable column header.
    fn sort_header(self, key: SortKey, label: &'static str) -> impl IntoView + use<> {
        let (state, set_state) = (self.state, self.set_state);
        let sorted =
            Signal::derive(move || state.with(|s| SortState::of(s.sort == key, s.descending)));
        let on_sort = Callback::new(move |()| set_state.run(state.get_untracked().sorted_by(key)));
        view! { <SortHeader label=label state=sorted on_sort=on_sort /> }
    }

    /// The table once the first answer is in (rows follow their own signals); before it, a
    /// skeleton or the load error; the label filter's problem, or the empty state, instead.
    fn table<H>(
        self,
        widget: bool,
        columns: usize,
        head: H,
        selection: Option<Selection>,
    ) -> impl IntoView + use<H>
    where
        H: Fn() -> AnyView + Send + Sync + 'static,
    {
        let shared = self;
        let Shared { list, state, .. } = shared;
        let clear = move || shared.set_state.run(DeploymentsQuery::default());
        let listed = Memo::new(move |_| {
            list.layout.track();
            list.store.with_value(|s| s.listed)
        });
        let empty = Memo::new(move |_| {
            let total = list.total();
            total == 0 && !list.store.with_value(|s| s.awaiting)
        });
        let label_problem = Memo::new(move |_| state.with(|s| s.label_filter().err()));
        move || {
            if let Some(problem) = label_problem.get() {
                return view! {
                    <div class="notice notice-error" role="alert" data-testid=ids::LABEL_FILTER_ERROR>
                        <p>{problem}</p>
                    </div>
                }
                .into_any();
            }
            if !listed.get() {
                return match shared.live.error.get() {
                    Some(error) => view! {
                        <LoadError what="the deployments" error=error retry=move |_| shared.live.resume() />
                    }
                    .into_any(),
                    None => view! { <TableSkeleton rows=6 /> }.into_any(),
                };
            }
            if empty.get() {
                return empty_state(state, list, clear).into_any();
            }
            view! {
                <WindowedTable
                    list=list
                    backend=shared.backend.get_value()
                    widget=widget
                    columns=columns
                    head=head()
                    open=shared.open
                    on_click=shared.on_rows_click
                    selection=selection
                />
            }
            .into_any()
        }
    }

    /// The dialog that asks before deprovisioning from a row, and takes the answer in.
    fn deprovision_dialog(self) -> impl IntoView + use<> {
        let list = self.list;
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
        view! { <DeprovisionDialog target=self.deprovision_target on_done=on_deprovisioned /> }
    }
}
