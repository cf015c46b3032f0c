//! The windowed table: a scrolling area whose height stands for the whole list, holding only
//! the rows in view and a margin (the rest is two spacers), reading the rows it lacks as the
//! view reaches them, with a keyboard row focus and the list's size for screen readers.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use platform::wire::Deployment;
use wasm_bindgen::JsCast;

use super::bulk::Selection;
use super::row::{DeploymentRow, Mounted, PendingRow, row_dom_id};
use super::store::{Slot, Store};
use crate::api::{ApiError, Backend, Listing};
use crate::components::window::{MARGIN, ROW_HEIGHT, Window, next_focus, px, scroll_to_show};
use crate::{format, ids};

/// A row of the window.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Row(usize, Box<Deployment>),
    Pending(usize),
}

impl Item {
    /// Rows are kept while their deployment stays at the same place.
    fn key(&self) -> String {
        match self {
            Item::Row(index, d) => format!("{}@{index}", d.deployment_id),
            Item::Pending(index) => format!("@{index}"),
        }
    }
}

/// The list as the table sees it.
#[derive(Clone, Copy)]
pub struct ListView {
    /// What is held.
    pub store: StoredValue<Store>,
    /// Bumped when rows came, went or moved, or the total changed.
    pub layout: RwSignal<u64>,
    /// The rows in the page.
    pub mounted: Mounted,
    /// The row with the keyboard focus.
    pub focus: RwSignal<Option<usize>>,
    /// The scrolling area's position, in pixels below the header.
    pub scroll_top: RwSignal<f64>,
}

impl ListView {
    /// A view of an empty store.
    pub fn new() -> ListView {
        ListView {
            store: StoredValue::new(Store::default()),
            layout: RwSignal::new(0),
            mounted: Mounted::new(),
            focus: RwSignal::new(None),
            scroll_top: RwSignal::new(0.0),
        }
    }

    /// Rows came, went or moved.
    pub fn relayout(&self) {
        self.layout.update(|v| *v += 1);
    }

    /// Rows in the list (follows the layout).
    pub fn total(&self) -> usize {
        self.layout.track();
        self.store.with_value(|s| s.total)
    }
}

/// The table; `head` is its header row, `columns` its number of cells a row, `open` opens a
/// deployment by ID, and `on_click` gets clicks in the body.
#[component]
pub fn WindowedTable(
    list: ListView,
    backend: Backend,
    widget: bool,
    columns: usize,
    head: AnyView,
    open: Callback<String>,
    on_click: Callback<leptos::ev::MouseEvent>,
    /// Row checkboxes for bulk actions (the full page).
    #[prop(optional_no_strip)]
    selection: Option<Selection>,
) -> impl IntoView {
    let scroller = NodeRef::<html::Div>::new();
    let header = NodeRef::<html::Thead>::new();
    // Before the first measurement: about a screen of rows.
    let viewport = RwSignal::new(12.0 * ROW_HEIGHT);
    let measure = move || {
        let (Some(scroller), Some(header)) = (scroller.get_untracked(), header.get_untracked())
        else {
            return;
        };
        let height = f64::from(scroller.client_height()) - f64::from(header.offset_height());
        if (height - viewport.get_untracked()).abs() >= 1.0 && height > 0.0 {
            viewport.set(height);
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let window =
        Memo::new(move |_| Window::of(list.scroll_top.get(), viewport.get(), list.total(), MARGIN));
    let items = Memo::new(move |_| {
        list.layout.track();
        let window = window.get();
        list.store.with_value(|store| {
            (window.start..window.end)
                .map(|i| match store.slot(i) {
                    Slot::Row(d) => Item::Row(i, Box::new(d.clone())),
                    Slot::Pending => Item::Pending(i),
                })
                .collect::<Vec<_>>()
        })
    });

    // Rows the window lacks are read one request at a time, until none is missing.
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(None::<ApiError>);
    // Requests belong to the table, not to the effect below: a run of the effect (the view
    // moved) must not cancel the request in flight.
    let table_owner = Owner::current();
    Effect::new(move |_| {
        list.layout.track();
        let window = window.get();
        if loading.get_untracked() || failed.with_untracked(Option::is_some) {
            return;
        }
        let Some(ask) = list
            .store
            .with_value(|s| s.wanted(window.start..window.end))
        else {
            return;
        };
        loading.set(true);
        let backend = backend.clone();
        let task = async move {
            let answer = match ask.offset {
                Some(offset) => {
                    backend
                        .list_deployments_at(&ask.query, ask.limit, offset)
                        .await
                }
                None => {
                    backend
                        .list_deployments(&ask.query, ask.limit, ask.token.as_deref())
                        .await
                }
            };
            loading.set(false);
            match answer {
                Ok(Listing::Page(page)) => {
                    let near = window.first_seen;
                    // Even an answer for another list looks again at what the view lacks.
                    list.store.update_value(|s| {
                        s.apply_chunk(&ask, page, near);
                    });
                    list.relayout();
                }
                // The backend stopped paging: the next poll lists again.
                Ok(Listing::Whole(_)) => {}
                Err(error) => failed.set(Some(error)),
            }
        };
        match &table_owner {
            Some(owner) => owner.with(|| spawn_local_scoped_with_cancellation(task)),
            None => spawn_local_scoped_with_cancellation(task),
        }
    });
    let retry = move |_| {
        failed.set(None);
        list.relayout();
    };

    // A position set by the page (the top, for a new query) moves the scrolling area; one the
    // area reported itself is already there.
    Effect::new(move |_| {
        let top = list.scroll_top.get();
        if let Some(scroller) = scroller.get()
            && (f64::from(scroller.scroll_top()) - top).abs() >= 1.0
        {
            scroller.set_scroll_top(top.round() as i32);
        }
    });
    let on_scroll = move |_| {
        if let Some(scroller) = scroller.get_untracked() {
            list.scroll_top.set(f64::from(scroller.scroll_top()));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Keys inside a row's own controls keep their meaning.
        if ev.target() != ev.current_target() {
            return;
        }
        let total = list.store.with_value(|s| s.total);
        let key = ev.key();
        if key == "Enter" {
            let id = list.focus.get_untracked().and_then(|at| {
                list.store.with_value(|s| match s.slot(at) {
                    Slot::Row(d) => Some(d.deployment_id.clone()),
                    Slot::Pending => None,
                })
            });
            if let Some(id) = id {
                ev.prevent_default();
                open.run(id);
            }
            return;
        }
        let page = (viewport.get_untracked() / ROW_HEIGHT).floor() as usize;
        let Some(next) = next_focus(&key, list.focus.get_untracked(), total, page) else {
            return;
        };
        ev.prevent_default();
        list.focus.set(Some(next));
        let Some(scroller) = scroller.get_untracked() else {
            return;
        };
        let top = f64::from(scroller.scroll_top());
        if let Some(to) = scroll_to_show(next, top, viewport.get_untracked()) {
            scroller.set_scroll_top(to.round() as i32);
        }
    };
    // A click on a row moves the keyboard focus there too.
    let on_body_click = move |ev: leptos::ev::MouseEvent| {
        let index = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("tr[data-index]").ok().flatten())
            .and_then(|tr| tr.get_attribute("data-index"))
            .and_then(|text| text.parse::<usize>().ok());
        if index.is_some() {
            list.focus.set(index);
        }
        on_click.run(ev);
    };

    let spacers = Memo::new(move |_| window.get().spacers(list.total()));
    let foot = move || {
        let total = list.total();
        let window = window.get();
        if widget {
            // The widget's reader did not choose the rest; "of 7" would puzzle.
            return format!(
                "{} deployment{}",
                format::count(total),
                if total == 1 { "" } else { "s" }
            );
        }
        if total == 0 {
            return String::new();
        }
        format!(
            "rows {}–{} of {}",
            format::count(window.first_seen + 1),
            format::count(window.end_seen),
            format::count(total)
        )
    };
    view! {
        <div class="panel table-panel">
            <div class="table-scroll" class:widget-table-scroll=widget node_ref=scroller on:scroll=on_scroll data-testid=ids::DEPLOYMENTS_SCROLL>
                <table
                    class="data-table deployments-table"
                    class:widget-table=widget
                    role="grid"
                    aria-readonly="true"
                    aria-label="Deployments"
                    aria-rowcount=move || list.total() + 1
                    aria-activedescendant=move || list.focus.get().map(row_dom_id)
                    tabindex="0"
                    on:keydown=on_keydown
                    data-testid=ids::DEPLOYMENTS_TABLE
                >
                    <thead node_ref=header>
                        <tr aria-rowindex="1">{head}</tr>
                    </thead>
                    <tbody on:click=on_body_click>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan=columns style:height=move || px(spacers.get().0)></td>
                        </tr>
                        <For each=move || items.get() key=Item::key let:item>
                            {match item {
                                Item::Row(index, deployment) => view! {
                                    <DeploymentRow deployment=*deployment index=index focus=list.focus mounted=list.mounted widget=widget selection=selection list=list />
                                }
                                .into_any(),
                                Item::Pending(index) => view! { <PendingRow index=index columns=columns /> }.into_any(),
                            }}
                        </For>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan=columns style:height=move || px(spacers.get().1)></td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <div class="table-foot">
                <p data-testid=ids::DEPLOYMENTS_FOOT>
                    {foot}
                    {move || loading.get().then(|| view! { <span class="muted">" · loading rows…"</span> })}
                </p>
                {move || failed.get().map(|error| view! {
                    <p class="rows-error" role="alert" data-testid=ids::ROWS_ERROR>
                        {format!("Some rows could not be loaded: {error}")}
                        " "
                        <button type="button" class="link-button" on:click=retry>"Try again"</button>
                    </p>
                })}
            </div>
        </div>
    }
}
