//! Bulk actions on the deployments list (docs/product.md §6.3): rows are selected with their
//! checkbox (Shift+click for a range of the rows loaded), or all deployments the filter matches
//! (read from the backend, not only the rows in the page); **Update selected** and
//! **Deprovision selected** ask first, naming the count, send one `Idempotency-Key` per
//! submission (so a retry does nothing twice), and show the outcome per deployment.

use std::collections::BTreeMap;

use leptos::prelude::*;
use platform::bulk::{BulkAction, BulkResult, MAX_BULK};
use platform::list::MAX_LIMIT;

use super::query::DeploymentsQuery;
use super::store::Slot;
use super::table::ListView;
use crate::api::{ApiError, Listing, use_backend};
use crate::components::modal::Modal;
use crate::pages::deploy::new_key;
use crate::{format, ids};

/// Which deployments are selected, with their names (for the outcome), and the row a
/// Shift+click range starts from.
#[derive(Clone, Copy)]
pub struct Selection {
    /// Selected deployment IDs with their names.
    pub chosen: RwSignal<BTreeMap<String, String>>,
    /// The last row clicked without Shift.
    anchor: RwSignal<Option<usize>>,
}

impl Selection {
    /// Nothing selected.
    pub fn new() -> Selection {
        Selection {
            chosen: RwSignal::new(BTreeMap::new()),
            anchor: RwSignal::new(None),
        }
    }

    /// Whether `id` is selected.
    pub fn has(&self, id: &str) -> bool {
        self.chosen.with(|c| c.contains_key(id))
    }

    /// A row's checkbox was clicked: it toggles, or with Shift every loaded row from the last
    /// row clicked to this one takes this row's new state.
    pub fn click(&self, list: ListView, index: usize, id: &str, name: &str, shift: bool) {
        let on = !self.has(id);
        let from = self
            .anchor
            .get_untracked()
            .filter(|_| shift)
            .unwrap_or(index);
        let (start, end) = (from.min(index), from.max(index));
        let rows: Vec<(String, String)> = list.store.with_value(|store| {
            (start..=end)
                .filter_map(|i| match store.slot(i) {
                    Slot::Row(d) => Some((d.deployment_id.clone(), d.name.clone())),
                    Slot::Pending => None,
                })
                .collect()
        });
        self.chosen.update(|chosen| {
            for (row_id, row_name) in rows.into_iter().chain([(id.to_string(), name.to_string())]) {
                if on {
                    chosen.insert(row_id, row_name);
                } else {
                    chosen.remove(&row_id);
                }
            }
        });
        self.anchor.set(Some(index));
    }
}

/// Every deployment the list's filter matches, read page by page (the whole list's rows when
/// the backend answers whole lists).
async fn all_matching(
    backend: crate::api::Backend,
    list: ListView,
    query: DeploymentsQuery,
) -> Result<BTreeMap<String, String>, ApiError> {
    let Ok(query) = query.to_list_query() else {
        return Ok(BTreeMap::new());
    };
    let mut found = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        match backend
            .list_deployments(&query, MAX_LIMIT, token.as_deref())
            .await?
        {
            Listing::Page(page) => {
                found.extend(page.items.into_iter().map(|d| (d.deployment_id, d.name)));
                match page.next {
                    Some(next) => token = Some(next),
                    None => return Ok(found),
                }
            }
            Listing::Whole(_) => {
                // The list filters whole lists itself: take its rows.
                return Ok(list.store.with_value(|store| {
                    (0..store.total)
                        .filter_map(|i| match store.slot(i) {
                            Slot::Row(d) => Some((d.deployment_id.clone(), d.name.clone())),
                            Slot::Pending => None,
                        })
                        .collect()
                }));
            }
        }
    }
}

/// What happened to one deployment, in words.
fn outcome_of(result: &BulkResult) -> (&'static str, &'static str) {
    match result.status {
        200..=299 => ("done", "Done"),
        409 => ("conflict", "Conflict"),
        404 => ("refused", "Not found"),
        _ => ("refused", "Refused"),
    }
}

/// The bar above the table while rows are selected, its confirmation, and the outcome.
#[component]
pub fn BulkBar(
    selection: Selection,
    list: ListView,
    state: Memo<DeploymentsQuery>,
) -> impl IntoView {
    let backend = use_backend();
    let count = Memo::new(move |_| selection.chosen.with(BTreeMap::len));
    let action = RwSignal::new(None::<BulkAction>);
    let dialog = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let key = RwSignal::new(None::<String>);
    let results = RwSignal::new(None::<(BulkAction, Vec<(String, BulkResult)>)>);
    let gathering = RwSignal::new(false);
    let b = backend.clone();
    let select_all = Callback::new(move |_: leptos::ev::MouseEvent| {
        if gathering.get_untracked() {
            return;
        }
        gathering.set(true);
        error.set(None);
        let (backend, query) = (b.clone(), state.get_untracked());
        leptos::task::spawn_local(async move {
            let found = all_matching(backend, list, query).await;
            gathering.set(false);
            match found {
                Ok(found) => selection.chosen.set(found),
                Err(failed) => error.set(Some(failed)),
            }
        });
    });
    let ask = move |chosen: BulkAction| {
        action.set(Some(chosen));
        error.set(None);
        key.set(Some(new_key()));
        dialog.set(true);
    };
    let confirm = move |_| {
        let (Some(chosen), Some(key)) = (action.get_untracked(), key.get_untracked()) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let names = selection.chosen.get_untracked();
        let ids: Vec<String> = names.keys().cloned().collect();
        let backend = backend.clone();
        leptos::task::spawn_local(async move {
            let mut outcome = Vec::new();
            let mut failed = None;
            // At most MAX_BULK a request; each part its own key, the same on a retry.
            for (part, chunk) in ids.chunks(MAX_BULK).enumerate() {
                match backend
                    .bulk(chosen, chunk.to_vec(), &format!("{key}.{part}"))
                    .await
                {
                    Ok(answer) => outcome.extend(answer.results),
                    Err(error) => {
                        failed = Some(error);
                        break;
                    }
                }
            }
            busy.set(false);
            match failed {
                Some(failed) => error.set(Some(failed)),
                None => {
                    let mut named: Vec<(String, BulkResult)> = outcome
                        .into_iter()
                        .map(|r| (names.get(&r.deployment_id).cloned().unwrap_or_default(), r))
                        .collect();
                    // What needs attention first, then by name.
                    named.sort_by(|(a, ra), (b, rb)| {
                        (outcome_of(ra).0 == "done", a).cmp(&(outcome_of(rb).0 == "done", b))
                    });
                    results.set(Some((chosen, named)));
                    selection.chosen.set(BTreeMap::new());
                    dialog.set(false);
                }
            }
        });
    };
    let verb = move || match action.get() {
        Some(BulkAction::Update) => "Update",
        _ => "Deprovision",
    };
    let total = move || list.total();
    view! {
        {move || (count.get() > 0).then(|| view! {
            <div class="bulk-bar" role="region" aria-label="Selected deployments" data-testid=ids::BULK_BAR>
                <strong>{move || format!("{} selected", format::count(count.get()))}</strong>
                {move || (total() > count.get()).then(|| view! {
                    <button type="button" class="link-button" data-testid=ids::SELECT_ALL_MATCHING
                        disabled=move || gathering.get() on:click=move |ev| select_all.run(ev)>
                        {move || if gathering.get() { "Selecting…".to_string() } else { format!("Select all {} matching", format::count(total())) }}
                    </button>
                })}
                <button type="button" class="link-button" on:click=move |_| selection.chosen.set(BTreeMap::new())>"Clear selection"</button>
                <span class="bulk-spacer"></span>
                <button type="button" class="button button-secondary" data-testid=ids::BULK_UPDATE
                    on:click=move |_| ask(BulkAction::Update)>"Update selected"</button>
                <button type="button" class="button button-danger" data-testid=ids::BULK_DEPROVISION
                    on:click=move |_| ask(BulkAction::Deprovision)>"Deprovision selected"</button>
            </div>
        })}
        {move || (!dialog.get()).then(|| error.get()).flatten().map(|e| view! {
            <p class="form-error" role="alert">{format!("Could not select them all: {e}")}</p>
        })}
        <Modal open=dialog title=Signal::derive(move || format!("{} {} deployments?", verb(), format::count(count.get()))) test_id=ids::BULK_DIALOG busy=busy>
            <p>
                {move || match action.get() {
                    Some(BulkAction::Update) => "Every component of each deployment is updated in place, at the generation it is at now. Each deployment is judged alone: one that cannot be updated does not stop the others.",
                    _ => "Each deployment stops its components on the cloud and its devices. One that another deployment still depends on is refused, and the others go ahead.",
                }}
            </p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <div class="modal-actions">
                <button type="button" class="button button-secondary" disabled=move || busy.get() on:click=move |_| dialog.set(false)>"Cancel"</button>
                <button type="button" class=move || if action.get() == Some(BulkAction::Update) { "button" } else { "button button-danger" }
                    data-testid=ids::CONFIRM_BULK disabled=move || busy.get() on:click=confirm.clone()>
                    {move || if busy.get() { "Sending…".to_string() } else { format!("{} {}", verb(), format::count(count.get())) }}
                </button>
            </div>
        </Modal>
        {move || results.get().map(|(done_action, rows)| {
            let ok = rows.iter().filter(|(_, r)| outcome_of(r).0 == "done").count();
            let verb = if done_action == BulkAction::Update { "Updated" } else { "Deprovisioned" };
            let title = match rows.len() - ok {
                0 => format!("{verb} all {} deployments", rows.len()),
                not => format!("{verb} {ok} of {} deployments; {not} could not be", rows.len()),
            };
            view! {
                <section class="panel bulk-results" data-testid=ids::BULK_RESULTS aria-live="polite">
                    <div class="panel-head">
                        <h2 class="bulk-title">{title}</h2>
                        <button type="button" class="button button-secondary button-small" on:click=move |_| results.set(None)>"Dismiss"</button>
                    </div>
                    <div class="table-scroll-x">
                        <table class="data-table compact">
                            <thead><tr><th scope="col">"Deployment"</th><th scope="col">"Outcome"</th><th scope="col">"Why"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(name, result)| {
                                    let (kind, word) = outcome_of(&result);
                                    let why = result.error.as_ref().map(|e| e.message.clone()).unwrap_or_default();
                                    view! {
                                        <tr data-testid=ids::BULK_RESULT data-outcome=kind data-id=result.deployment_id.clone()>
                                            <td>{if name.is_empty() { result.deployment_id.clone() } else { name }}</td>
                                            <td><span class=format!("outcome outcome-{kind}")>{word}</span></td>
                                            <td>{why}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })}
    }
}
