//! A rollout's targets in a windowed table fed by the targets API (docs/api.md §9): only the
//! rows in view (and a margin) exist, read by offset where the view is: a first visit reads the
//! rows in view, scrolling reads the margin and some rows ahead, a jump anywhere is one
//! request, so a rollout over thousands of robots costs what it shows. After each poll
//! of the rollout, only what changed in its targets is asked for and applied in place. Each
//! row: the device, its wave, its deployment (a link) or why there is none, its phase and its
//! status with codes. A search finds devices by name.

mod store;

use leptos::task::spawn_local;
use leptos::{html, prelude::*};
use leptos_router::components::A;
use platform::list::fold;
use platform::rollout::{RolloutTarget, TargetQuery};

use self::store::{READ_AHEAD, TargetStore};
use crate::api::{ApiError, use_backend};
use crate::components::status::{PhaseChip, StatusChip};
use crate::components::window::{MARGIN, Window, px};
use crate::format::count;
use crate::ids;
use crate::pages::deployments::deployment_path;

/// The table's height before it is measured (eight rows).
const FIRST_VIEW: f64 = 448.0;

/// The rows the table's scrolling area can show in this window (its largest height is the
/// window's less 330 px, as the stylesheet says, less the header row): what a first visit
/// reads before the list's length is known.
fn first_view_rows() -> usize {
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .map_or(FIRST_VIEW, |h| (h - 330.0 - 40.0).max(FIRST_VIEW / 2.0));
    (height / crate::components::window::ROW_HEIGHT).ceil() as usize
}
/// Quiet time after typing before the search goes out.
const SEARCH_DELAY_MS: u64 = 250;

/// The targets of rollout `rollout_id`; `polled` changes after each poll of the rollout, and
/// then what changed in its targets is read.
#[component]
pub fn TargetsTable(
    /// The rollout.
    #[prop(into)]
    rollout_id: String,
    /// When the rollout was last read (its polls drive the targets' changes).
    #[prop(into)]
    polled: Signal<Option<f64>>,
) -> impl IntoView {
    let backend = use_backend();
    let store = StoredValue::new(TargetStore::default());
    // Bumped whenever the store changed what the table shows.
    let layout = RwSignal::new(0u64);
    let relayout = move || layout.update(|n| *n += 1);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let query = Memo::new(move |_| TargetQuery {
        search: search.get(),
        ..TargetQuery::default()
    });
    let in_flight = StoredValue::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let scroller = NodeRef::<html::Div>::new();
    let head = NodeRef::<html::Thead>::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(FIRST_VIEW);
    let total = Memo::new(move |_| {
        layout.track();
        store.with_value(|s| s.total)
    });
    let measure = move || {
        if let (Some(scroller), Some(head)) = (scroller.get_untracked(), head.get_untracked()) {
            scroll_top.set(f64::from(scroller.scroll_top()));
            viewport.set(f64::from(scroller.client_height()) - f64::from(head.offset_height()));
        }
    };
    Effect::new(move |_| {
        total.track();
        measure();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let window =
        Memo::new(move |_| Window::of(scroll_top.get(), viewport.get(), total.get(), MARGIN));
    let spacers = Memo::new(move |_| window.get().spacers(total.get()));

    // Once the reader scrolls, the margin and some rows ahead are read too.
    let scrolled = RwSignal::new(false);
    // A new search: the rows go, and the rows in view are read again.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some() {
            store.update_value(TargetStore::reset);
            error.set(None);
            relayout();
        }
    });
    // The rows the view needs and the store lacks: one chunk at a time.
    let id = StoredValue::new(rollout_id);
    {
        let backend = backend.clone();
        Effect::new(move |_| {
            layout.track();
            let (range, ahead) = match (scrolled.get(), window.get()) {
                (true, w) => (w.start..w.end, READ_AHEAD),
                (false, w) => (w.first_seen..w.end_seen.max(first_view_rows()), 0),
            };
            let wanted = store.with_value(|s| s.wanted(range.clone(), ahead));
            let Some(read) = wanted else { return };
            if in_flight.get_value() || error.with_untracked(Option::is_some) {
                return;
            }
            in_flight.set_value(true);
            let generation = store.with_value(|s| s.generation);
            let (backend, query) = (backend.clone(), query.get_untracked());
            spawn_local(async move {
                let page = backend
                    .rollout_targets(&id.get_value(), &query, read.limit, read.offset)
                    .await;
                if in_flight.try_set_value(false).is_some() {
                    return;
                }
                match page {
                    Ok(page) => {
                        store.update_value(|s| {
                            s.apply_page(generation, read.offset, page, range.start);
                        });
                        relayout();
                    }
                    Err(failed) => error.set(Some(failed)),
                }
            });
        });
    }
    // After each poll of the rollout: what changed in its targets, applied in place.
    Effect::new(move |previous: Option<()>| {
        polled.track();
        if previous.is_none() || in_flight.get_value() {
            return;
        }
        let Some(since) = store.with_value(|s| s.version.clone()) else {
            return;
        };
        let generation = store.with_value(|s| s.generation);
        let (backend, query) = (backend.clone(), query.get_untracked());
        in_flight.set_value(true);
        spawn_local(async move {
            let changes = backend
                .rollout_target_changes(&id.get_value(), &query, &since)
                .await;
            if in_flight.try_set_value(false).is_some() {
                return;
            }
            let by_state = !query.states.is_empty();
            store.update_value(|s| {
                if s.generation != generation {
                    return;
                }
                match changes {
                    Ok(changes) => {
                        if !s.apply_changes(changes, by_state) {
                            s.forget_rows();
                        }
                    }
                    // Too old, or a failure: the rows in view are read again.
                    Err(_) => s.forget_rows(),
                }
            });
            relayout();
        });
    });

    let on_type = move |text: String| {
        typed.set(text);
        let mine = typed.get_untracked();
        set_timeout(
            move || {
                if typed.try_get_untracked().as_deref() == Some(mine.as_str()) {
                    let folded = fold(&mine);
                    if search.get_untracked() != folded {
                        search.set(folded);
                    }
                }
            },
            std::time::Duration::from_millis(SEARCH_DELAY_MS),
        );
    };
    let shown = move || {
        layout.track();
        let Window { start, end, .. } = window.get();
        store.with_value(|s| {
            (start..end)
                .map(|i| (i, s.row(i).cloned()))
                .collect::<Vec<_>>()
        })
    };
    let foot = move || {
        let Window {
            first_seen,
            end_seen,
            ..
        } = window.get();
        let listed = store.with_value(|s| s.listed);
        match (total.get(), listed) {
            (_, false) => "Reading the targets…".to_string(),
            (0, true) if !search.with(String::is_empty) => {
                format!(
                    "No target's device or deployment is named like “{}”.",
                    search.get()
                )
            }
            (0, true) => "No targets".to_string(),
            (total, true) => format!(
                "Targets {}–{} of {}",
                count(first_seen + 1),
                count(end_seen),
                count(total)
            ),
        }
    };
    view! {
        <section class="panel table-panel">
            <div class="table-tools">
                <label class="visually-hidden" for="targets-search">"Search the targets by device or deployment name"</label>
                <input id="targets-search" type="search" class="picker-search" autocomplete="off"
                    placeholder="Search devices" data-testid=ids::TARGETS_SEARCH
                    prop:value=move || typed.get() on:input=move |ev| on_type(event_target_value(&ev)) />
            </div>
            {move || error.get().map(|e| view! {
                <div class="notice notice-error" role="alert">
                    <p>{format!("The targets could not be read: {e}")}</p>
                    <button type="button" class="button button-small" on:click=move |_| { error.set(None); relayout(); }>"Try again"</button>
                </div>
            })}
            <div class="table-scroll" node_ref=scroller on:scroll=move |_| {
                scrolled.set(true);
                measure();
            }>
                <table class="data-table targets-table" data-testid=ids::TARGETS_TABLE aria-rowcount=move || (total.get() + 1).to_string()>
                    <thead node_ref=head>
                        <tr>
                            <th scope="col">"Device"</th>
                            <th scope="col">"Wave"</th>
                            <th scope="col">"Deployment"</th>
                            <th scope="col">"Phase"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan="5" style:height=move || px(spacers.get().0)></td>
                        </tr>
                        <For each=shown key=|(i, t)| (*i, t.as_ref().map(|t| serde_json::to_string(t).unwrap_or_default())) let:item>
                            {match item.1 {
                                Some(target) => view! { <TargetRow index=item.0 target=target /> }.into_any(),
                                None => view! { <PendingRow index=item.0 /> }.into_any(),
                            }}
                        </For>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan="5" style:height=move || px(spacers.get().1)></td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <p class="table-foot" data-testid=ids::TARGETS_FOOT>{foot}</p>
        </section>
    }
}

/// A row still to come, the height of the others.
#[component]
fn PendingRow(index: usize) -> impl IntoView {
    view! {
        <tr class="pending-row" aria-rowindex=(index + 2).to_string() aria-busy="true" data-testid=ids::PENDING_ROW>
            {(0..5).map(|_| view! { <td><span class="skeleton skeleton-cell"></span></td> }).collect_view()}
        </tr>
    }
}

#[component]
fn TargetRow(index: usize, target: RolloutTarget) -> impl IntoView {
    let deployment = match (&target.deployment_id, &target.refused) {
        (_, Some(reason)) => view! { <span class="cell-sub target-refused">"Refused: "{reason.clone()}</span> }.into_any(),
        (Some(id), None) => view! {
            <A href=deployment_path(id) attr:class="row-link">{target.name.clone()}</A>
        }
        .into_any(),
        (None, None) => view! { <span class="cell-sub">{format!("{} (wave {} not started)", target.name, target.wave)}</span> }.into_any(),
    };
    let phase = target.phase.clone();
    let status = target.status.clone();
    let errors = target.errors.clone().unwrap_or_default();
    view! {
        <tr data-testid=ids::TARGET_ROW aria-rowindex=(index + 2).to_string() data-device=target.device_name.clone()>
            <td>
                <span class="target-device">{target.device_name.clone()}</span>
                <div class="cell-sub"><code>{target.device_id.clone()}</code></div>
            </td>
            <td>{target.wave.to_string()}</td>
            <td class="target-deployment">{deployment}</td>
            <td>
                {match phase {
                    Some(phase) => view! { <PhaseChip phase=phase test_id=ids::ROW_PHASE /> }.into_any(),
                    None => view! { <span class="cell-sub">"—"</span> }.into_any(),
                }}
            </td>
            <td>
                {match status {
                    Some(status) => view! { <StatusChip status=status errors=errors test_id=ids::ROW_STATUS /> }.into_any(),
                    None => view! { <span class="cell-sub">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}
