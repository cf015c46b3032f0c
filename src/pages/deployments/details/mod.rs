//! One deployment: header with its ID and actions, the phase progress bar, phase, status and
//! generation, and the Details, History and Logs tabs (docs/product.md §3.4–3.6). Kept fresh by
//! polling (HTTP) or by the simulation (demo); a late or older answer never replaces what is
//! shown. The page and the embeddable widget are two thin views over the same parts.

mod components_table;
mod overview;
mod tab;

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};
use platform::wire::Deployment;

use super::deployment_path;
use super::deprovision::DeprovisionDialog;
use super::history::HistoryTab;
use super::logs::LogsTab;
use super::update::UpdateDialog;
use crate::api::use_backend;
use crate::components::{
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    tabs::{self, Tabs, tab_dom_id},
};
use crate::hooks::{Live, poll_every};
use crate::ids;
use overview::Overview;
use tab::DetailsTab;

/// The details page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Details,
    History,
    Logs,
}

impl tabs::Tab for Tab {
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
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Details, Tab::History, Tab::Logs];

    fn from_word(word: &str) -> Tab {
        use tabs::Tab as _;
        Tab::ALL
            .into_iter()
            .find(|t| t.word() == word)
            .unwrap_or(Tab::Details)
    }
}

/// The DOM id of the tab panel.
const PANEL_ID: &str = "deployment-tabpanel";

/// One deployment, by the `:id` in the URL.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    by_route_id(|id| view! { <PageView id=id /> }.into_any())
}

/// The embeddable widget of one deployment: its name (opening the full page in the top
/// window), the phase bar, phase, status, generation and the Update Deployment action.
#[component]
pub fn DeploymentWidget() -> impl IntoView {
    by_route_id(|id| view! { <WidgetView id=id /> }.into_any())
}

/// The deployment named by the route's `:id`; a new ID is a new view (its own live data,
/// dialogs and tabs).
fn by_route_id(view: fn(String) -> AnyView) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view(id.get())
}

/// What the page and the widget share: the deployment, kept live, and its dialogs' state.
#[derive(Clone, Copy)]
struct Shown {
    live: Live<Deployment>,
    deployment: Memo<Option<Deployment>>,
    title: Signal<String>,
    update_open: RwSignal<bool>,
    deprovision_target: RwSignal<Option<(String, String)>>,
}

impl Shown {
    /// Starts following the deployment `id`.
    fn follow(id: &str) -> Shown {
        let backend = use_backend();
        let live = {
            let id = id.to_string();
            Live::start(
                &backend,
                move |backend| {
                    let id = id.clone();
                    async move { backend.deployment(&id).await }
                },
                |d: &Deployment| poll_every(d.phase.is_transient()),
                // A generation never goes back.
                |old: &Deployment, new: &Deployment| {
                    new.current_generation >= old.current_generation
                },
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
        Shown {
            live,
            deployment,
            title,
            update_open: RwSignal::new(false),
            deprovision_target: RwSignal::new(None),
        }
    }

    /// `ready` once the deployment is known; until then a skeleton, or the load error with a
    /// retry. Only whether there is data decides: the data itself flows into the parts, so a
    /// poll re-renders only what changed.
    fn when_loaded(self, ready: impl Fn() -> AnyView + 'static) -> impl Fn() -> AnyView {
        let has_data = Memo::new(move |_| self.deployment.with(Option::is_some));
        move || {
            if !has_data.get() {
                return match self.live.error.get() {
                    Some(error) => view! {
                        <LoadError what="this deployment" error=error retry=move |_| self.live.resume() />
                    }
                    .into_any(),
                    None => view! { <TableSkeleton rows=4 /> }.into_any(),
                };
            }
            untrack(&ready)
        }
    }

    /// The live banner, `body`, and the Update and Deprovision dialogs.
    fn around(self, body: impl IntoView) -> impl IntoView {
        let live = self.live;
        let on_updated = Callback::new(move |d: Deployment| live.set(d));
        let on_reload = Callback::new(move |()| live.refresh());
        let on_deprovisioned = Callback::new(move |d: Deployment| live.set(d));
        view! {
            <LiveBanner live=live what="this deployment" />
            {body}
            <UpdateDialog open=self.update_open deployment=self.deployment on_updated=on_updated on_reload=on_reload />
            <DeprovisionDialog target=self.deprovision_target on_done=on_deprovisioned />
        }
    }
}

/// The full page: breadcrumb header, overview, and the tabs (the chosen one in `?tab=`).
#[component]
fn PageView(id: String) -> impl IntoView {
    let shown = Shown::follow(&id);
    let query = use_query_map();
    let navigate = use_navigate();
    let tab = Memo::new(move |_| Tab::from_word(&query.read().get("tab").unwrap_or_default()));
    let select = move |chosen: Tab| {
        let query = if chosen == Tab::Details {
            String::new()
        } else {
            format!("?tab={}", tabs::Tab::word(chosen))
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
    };
    let deployment = shown.deployment;
    let body = shown.when_loaded(move || {
        view! {
            <Overview shown=shown widget=false />
            <Tabs tabs=&Tab::ALL current=tab select=select.clone() label="Deployment" panel_id=PANEL_ID />
            <div role="tabpanel" id=PANEL_ID class="tab-panel" aria-labelledby=move || tab_dom_id(tab.get())>
                {move || match tab.get() {
                    Tab::Details => view! { <DetailsTab deployment=deployment /> }.into_any(),
                    Tab::History => view! { <HistoryTab deployment=deployment /> }.into_any(),
                    Tab::Logs => view! { <LogsTab deployment=deployment /> }.into_any(),
                }}
            </div>
        }
        .into_any()
    });
    view! {
        <PageHeader title=shown.title trail=vec![Crumb::DEVELOPMENT, Crumb::DEPLOYMENTS] />
        {shown.around(body)}
    }
}

/// The widget: the name linking to the full page, and the overview without its page-only parts.
#[component]
fn WidgetView(id: String) -> impl IntoView {
    let shown = Shown::follow(&id);
    let title = shown.title;
    let body = shown.when_loaded(move || view! { <Overview shown=shown widget=true /> }.into_any());
    view! {
        <header class="widget-head" data-testid=ids::DEPLOYMENT_WIDGET>
            <h1 class="widget-title" data-testid=ids::PAGE_TITLE>
                <A href=deployment_path(&id)>{move || title.get()}</A>
            </h1>
        </header>
        {shown.around(body)}
    }
}
