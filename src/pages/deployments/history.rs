//! The History tab: every generation, newest first, with who applied it, how it ended, the
//! components it updated and the error codes of a failed one.

use leptos::prelude::*;
use platform::wire::{Deployment, HistoryEntry, HistoryStatus};

use crate::api::use_backend;
use crate::components::{
    load_state::{LoadError, TableSkeleton},
    status::CodeLinks,
};
use crate::{format, ids};

/// The history table of the deployment shown; reloaded when its generation or phase changes.
#[component]
pub fn HistoryTab(deployment: Memo<Option<Deployment>>) -> impl IntoView {
    let backend = use_backend();
    let key = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref().map(|d| {
                (
                    d.deployment_id.clone(),
                    d.current_generation,
                    d.phase.clone(),
                )
            })
        })
    });
    let history = LocalResource::new(move || {
        let (backend, key) = (backend.clone(), key.get());
        async move {
            match key {
                Some((id, _, _)) => backend.history(&id).await,
                None => Ok(Vec::new()),
            }
        }
    });
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
    // The last answer stays on screen while the next one loads: no flicker on each change.
    let shown = RwSignal::new(None::<Result<Vec<HistoryEntry>, crate::api::ApiError>>);
    Effect::new(move |_| {
        if let Some(result) = history.get() {
            shown.set(Some(result));
        }
    });
    move || match shown.get() {
        None => view! { <TableSkeleton rows=3 /> }.into_any(),
        Some(Err(error)) => view! {
            <LoadError what="the history" error=error retry=move |_| history.refetch() />
        }
        .into_any(),
        Some(Ok(entries)) if entries.is_empty() => view! {
            <p class="panel muted">"No generations recorded yet."</p>
        }
        .into_any(),
        Some(Ok(entries)) => {
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
