//! The History tab: the generations, newest first and a page at a time, with who applied each,
//! how it ended, the components it updated and the error codes of a failed one.

use leptos::prelude::*;
use platform::wire::{Deployment, HistoryEntry, HistoryStatus};

use crate::api::use_backend;
use crate::components::{
    load_state::{LoadError, TableSkeleton},
    status::CodeLinks,
};
use crate::{format, ids};

/// Generations read at a time.
pub const HISTORY_PAGE: usize = 20;

/// The generations shown and where the next older page starts.
#[derive(Debug, Clone, PartialEq, Default)]
struct Shown {
    entries: Vec<HistoryEntry>,
    next: Option<String>,
}

/// The history table of the deployment shown, newest first, a page at a time: its first page
/// is read again when the generation changes or the current one ends (not on every phase
/// change); older pages, once read, do not change.
#[component]
pub fn HistoryTab(deployment: Memo<Option<Deployment>>) -> impl IntoView {
    let backend = use_backend();
    let key = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref().map(|d| {
                (
                    d.deployment_id.clone(),
                    d.current_generation,
                    d.phase.is_transient(),
                )
            })
        })
    });
    let b = backend.clone();
    let first = LocalResource::new(move || {
        let (backend, key) = (b.clone(), key.get());
        async move {
            match key {
                Some((id, _, _)) => backend.history(&id, HISTORY_PAGE, None).await.map(Some),
                None => Ok(None),
            }
        }
    });
    // The last answer stays on screen while the next one loads: no flicker on each change.
    let shown = RwSignal::new(None::<Result<Shown, crate::api::ApiError>>);
    // Bumped whenever a first page lands: an older page asked for before it does not fit.
    let firsts = StoredValue::new(0u64);
    Effect::new(move |_| match first.get() {
        Some(Ok(Some(page))) => shown.update(|shown| {
            firsts.update_value(|n| *n += 1);
            // Older pages already read stay below the new first page.
            let oldest = page.items.last().map_or(0, |e| e.generation);
            let (older, next) = match shown {
                Some(Ok(before)) if before.entries.len() > HISTORY_PAGE => (
                    before
                        .entries
                        .iter()
                        .filter(|e| e.generation < oldest)
                        .cloned()
                        .collect::<Vec<_>>(),
                    before.next.clone(),
                ),
                _ => (Vec::new(), page.next.clone()),
            };
            let mut entries = page.items;
            entries.extend(older);
            *shown = Some(Ok(Shown { entries, next }));
        }),
        Some(Err(error)) => shown.set(Some(Err(error))),
        _ => {}
    });
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<crate::api::ApiError>);
    let older = move |_| {
        let token = shown.with_untracked(|s| match s {
            Some(Ok(s)) => s.next.clone(),
            _ => None,
        });
        let (Some(token), Some((id, _, _))) = (token, key.get_untracked()) else {
            return;
        };
        loading_more.set(true);
        more_error.set(None);
        let backend = backend.clone();
        let asked_after = firsts.get_value();
        leptos::task::spawn_local(async move {
            let page = backend.history(&id, HISTORY_PAGE, Some(&token)).await;
            loading_more.try_set(false);
            if firsts.try_get_value() != Some(asked_after) {
                // A newer first page replaced what this page continued.
                return;
            }
            match page {
                Ok(page) => {
                    shown.try_update(|shown| {
                        if let Some(Ok(shown)) = shown {
                            shown.entries.extend(page.items);
                            shown.next = page.next;
                        }
                    });
                }
                Err(error) => drop(more_error.try_set(Some(error))),
            }
        });
    };
    // Component names by ID, for the "updated" column.
    let names = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.component_info
                        .iter()
                        .map(|c| (c.component_id.clone(), c.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    move || match shown.get() {
        None => view! { <TableSkeleton rows=3 /> }.into_any(),
        Some(Err(error)) => view! {
            <LoadError what="the history" error=error retry=move |_| first.refetch() />
        }
        .into_any(),
        Some(Ok(shown)) if shown.entries.is_empty() => view! {
            <p class="panel muted">"No generations recorded yet."</p>
        }
        .into_any(),
        Some(Ok(Shown { entries, next })) => {
            let names = names.get();
            let name_of = move |id: &str| {
                names
                    .iter()
                    .find(|(cid, _)| cid == id)
                    .map_or_else(|| id.to_string(), |(_, name)| name.clone())
            };
            view! {
                <div class="panel table-panel">
                    <table class="data-table" data-testid=ids::HISTORY_TABLE>
                        <caption class="visually-hidden">"Generations, newest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Time"</th>
                                <th scope="col">"Generation"</th>
                                <th scope="col">"User"</th>
                                <th scope="col">"Deployment Status"</th>
                                <th scope="col">"Components updated"</th>
                                <th scope="col">"Error codes"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {entries
                                .into_iter()
                                .map(|entry| {
                                    let components = if entry.generation == 1 && entry.components.is_empty() {
                                        "All (first deployment)".to_string()
                                    } else {
                                        entry.components.iter().map(|id| name_of(id)).collect::<Vec<_>>().join(", ")
                                    };
                                    view! {
                                        <tr data-testid=ids::HISTORY_ROW data-generation=entry.generation.to_string() data-status=entry.status.as_str().to_string()>
                                            <td class="nowrap">{format::time(&entry.time)}</td>
                                            <td class="numeric">{entry.generation}</td>
                                            <td>{entry.user.clone()}</td>
                                            <td><HistoryStatusCell status=entry.status.clone() /></td>
                                            <td>{components}</td>
                                            <td><CodeLinks codes=entry.errors.clone() /></td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    {next.is_some().then(|| {
                        let older = older.clone();
                        view! {
                            <div class="table-foot history-more">
                                <button type="button" class="button button-secondary button-small" data-testid=ids::HISTORY_MORE
                                    disabled=move || loading_more.get() on:click=older>
                                    {move || if loading_more.get() { "Reading older generations…" } else { "Show older generations" }}
                                </button>
                                {move || more_error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                            </div>
                        }
                    })}
                </div>
            }
            .into_any()
        }
    }
}

/// A generation's outcome: an icon (green tick, red cross, spinner) and its words.
#[component]
fn HistoryStatusCell(status: HistoryStatus) -> impl IntoView {
    let (class, icon, words) = match &status {
        HistoryStatus::Succeeded => ("history-status history-success", "✓", "Success".to_string()),
        HistoryStatus::Failed => ("history-status history-failure", "✕", "Failure".to_string()),
        HistoryStatus::InProgress => (
            "history-status history-progress",
            "◌",
            "In progress".to_string(),
        ),
        HistoryStatus::Unknown(raw) if raw.trim().is_empty() => {
            ("history-status", "?", "Unknown".to_string())
        }
        HistoryStatus::Unknown(raw) => ("history-status", "?", format!("Unknown ({raw})")),
    };
    view! {
        <span class=class>
            <span class="history-icon" aria-hidden="true">{icon}</span>
            <span>{words}</span>
        </span>
    }
}
