//! The Logs tab: historical logs with a component filter and paging, a live tail while the
//! deployment runs (polling the logs cursor), and a download as a `.log` file.

use std::time::Duration;

use leptos::{
    prelude::*,
    task::{spawn_local, spawn_local_scoped_with_cancellation},
};
use platform::phase::Phase;
use platform::wire::{Deployment, LogLine};

use crate::api::{ApiError, backoff::POLL_BACKOFF, use_backend};
use crate::hooks::live::page_active;
use crate::{format, ids};

/// Lines per page.
const PAGE: usize = 200;
/// Lines kept on screen; the oldest go first beyond this.
const KEEP: usize = 10_000;
/// How often the live tail asks for new lines.
const TAIL_EVERY: Duration = Duration::from_secs(2);

/// Why the live tail is unavailable for a phase, if it is.
pub fn live_tail_unavailable(phase: &Phase) -> Option<&'static str> {
    match phase {
        Phase::FailedToUpdate => Some(
            "Live logs are disabled while the deployment is in Failed to update; the logs up to the failure stay here.",
        ),
        Phase::DeploymentStopped => Some("The deployment is stopped: it writes no new logs."),
        Phase::PartiallyDeprovisioned => {
            Some("The deployment is being deprovisioned: it writes no new logs.")
        }
        Phase::FailedToStart => Some("The deployment never started: it writes no new logs."),
        _ => None,
    }
}

/// One line as written to the downloaded file.
pub fn log_file_line(line: &LogLine) -> String {
    format!(
        "{} {}/{} [{}] {}",
        line.time, line.component, line.executable, line.stream, line.message
    )
}

/// The logs of the deployment shown.
#[component]
pub fn LogsTab(deployment: Memo<Option<Deployment>>) -> impl IntoView {
    let backend = use_backend();
    let id = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.deployment_id.clone())
                .unwrap_or_default()
        })
    });
    let name = Memo::new(move |_| {
        deployment.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default())
    });
    let components = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.component_info
                        .iter()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let phase = Memo::new(move |_| deployment.with(|d| d.as_ref().map(|d| d.phase.clone())));
    let unavailable = Memo::new(move |_| phase.get().and_then(|p| live_tail_unavailable(&p)));

    let component = RwSignal::new(String::new());
    // Each line with a number that only grows: the key that lets new lines be added (and old
    // ones trimmed) without rebuilding the others.
    let lines = RwSignal::new(Vec::<(u64, LogLine)>::new());
    let next_line = StoredValue::new(0u64);
    let cursor = RwSignal::new(String::new());
    let more = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let tail = RwSignal::new(false);
    // Each reset starts a new run; answers from an older run are dropped.
    let run = StoredValue::new(0u64);
    // The live tail backs off after failures: no tick before this time (browser ms).
    let tail_failures = StoredValue::new(0u32);
    let tail_wait_until = StoredValue::new(0f64);
    // Requests run under this view and are aborted with it.
    // Weak: effects of this view hold the fetch, and a strong handle would keep the view alive.
    let owner = Owner::current().map(|owner| owner.downgrade());
    let polling = backend.for_polling();

    let fetch = {
        let backend = backend.clone();
        move |append_tail: bool| {
            if loading.get_untracked() {
                return;
            }
            loading.set(true);
            let this_run = run.get_value();
            let (backend, id, component, after) = (
                if append_tail {
                    polling.clone()
                } else {
                    backend.clone()
                },
                id.get_untracked(),
                component.get_untracked(),
                cursor.get_untracked(),
            );
            let limit = if append_tail { 1000 } else { PAGE };
            let task = async move {
                let result = backend.logs(&id, &component, &after, limit).await;
                // An answer for an earlier component (or a view already gone) changes nothing.
                if run.try_get_value() != Some(this_run) {
                    return;
                }
                loading.set(false);
                loaded.set(true);
                match result {
                    Ok(page) => {
                        tail_failures.set_value(0);
                        if error.with_untracked(Option::is_some) {
                            error.set(None);
                        }
                        let full = page.items.len() >= limit;
                        let got_lines = !page.items.is_empty();
                        if got_lines {
                            let mut seq = next_line.get_value();
                            lines.update(|lines| {
                                for line in page.items {
                                    seq += 1;
                                    lines.push((seq, line));
                                }
                                let excess = lines.len().saturating_sub(KEEP);
                                lines.drain(..excess);
                            });
                            next_line.set_value(seq);
                        }
                        if !page.next.is_empty() {
                            cursor.set(page.next);
                        } else if got_lines {
                            // No cursor to go on from: asking again would repeat these lines.
                            more.set(false);
                            tail.set(false);
                            return;
                        }
                        if !append_tail {
                            more.set(full);
                        }
                    }
                    Err(e) => {
                        if matches!(e, ApiError::Unauthorized(_)) {
                            tail.set(false);
                        }
                        if append_tail {
                            let failures = tail_failures.get_value() + 1;
                            tail_failures.set_value(failures);
                            let wait = POLL_BACKOFF.wait_ms(&e, failures);
                            tail_wait_until.set_value(js_sys::Date::now() + f64::from(wait));
                        }
                        if error.with_untracked(|old| old.as_ref() != Some(&e)) {
                            error.set(Some(e));
                        }
                    }
                }
            };
            match &owner {
                Some(owner) => {
                    // A view that is gone fetches nothing more.
                    if let Some(owner) = owner.upgrade() {
                        owner.with(|| spawn_local_scoped_with_cancellation(task));
                    }
                }
                None => spawn_local(task),
            }
        }
    };
    // A new component (or deployment) starts again from the first line.
    {
        let fetch = fetch.clone();
        Effect::new(move |_| {
            let _ = (id.get(), component.get());
            run.update_value(|r| *r += 1);
            lines.set(Vec::new());
            tail_failures.set_value(0);
            tail_wait_until.set_value(0.0);
            cursor.set(String::new());
            more.set(false);
            loaded.set(false);
            loading.set(false);
            fetch(false);
        });
    }
    Effect::new(move |_| {
        if unavailable.get().is_some() {
            tail.set(false);
        }
    });
    // The live tail: new lines every couple of seconds, never while hidden or offline.
    {
        let fetch = fetch.clone();
        let handle = set_interval_with_handle(
            move || {
                let due = js_sys::Date::now() >= tail_wait_until.get_value();
                if tail.get_untracked() && page_active() && due {
                    fetch(true);
                }
            },
            TAIL_EVERY,
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    let load_more = {
        let fetch = fetch.clone();
        move |_| fetch(false)
    };
    let no_lines = Memo::new(move |_| lines.with(Vec::is_empty));
    let download = move |_| {
        let text: String = lines
            .with_untracked(|lines| lines.iter().map(|(_, l)| log_file_line(l) + "\n").collect());
        let which = component.get_untracked();
        let file = format!(
            "{}{}.log",
            name.get_untracked(),
            if which.is_empty() {
                String::new()
            } else {
                format!("-{which}")
            }
        );
        save_text(&file, &text);
    };
    view! {
        <section class="panel logs" data-testid=ids::LOGS>
            <div class="toolbar logs-toolbar">
                <label class="toolbar-field">
                    <span class="toolbar-label">"Component"</span>
                    <select data-testid=ids::LOGS_COMPONENT prop:value=move || component.get() on:change=move |ev| component.set(event_target_value(&ev))>
                        <option value="">"All components"</option>
                        {move || components.get().into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="toolbar-field checkbox-field">
                    <input
                        type="checkbox"
                        data-testid=ids::LOGS_LIVE
                        prop:checked=move || tail.get()
                        disabled=move || unavailable.with(Option::is_some)
                        aria-describedby="logs-live-reason"
                        on:change=move |ev| tail.set(event_target_checked(&ev))
                    />
                    <span>"Live tail"</span>
                </label>
                <button type="button" class="button button-secondary button-small" data-testid=ids::LOGS_DOWNLOAD on:click=download disabled=move || lines.with(Vec::is_empty)>
                    "Download .log"
                </button>
            </div>
            <p class="hint" id="logs-live-reason" data-testid=ids::LOGS_LIVE_REASON>
                {move || unavailable.get().unwrap_or(if tail.get() { "Following new lines as they arrive." } else { "" })}
            </p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{format!("Could not load logs: {e}")}</p> })}
            <div class="log-view" role="log" aria-live="off" tabindex="0" aria-label="Log lines">
                {move || {
                    if !loaded.get() {
                        return view! { <p class="muted">"Loading logs…"</p> }.into_any();
                    }
                    if no_lines.get() {
                        return view! { <p class="muted">"No log lines yet."</p> }.into_any();
                    }
                    view! {
                        <table class="log-table">
                            <tbody>
                                <For each=move || lines.get() key=|(seq, _)| *seq let:item>
                                    <LogRow line=item.1 />
                                </For>
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </div>
            <div class="logs-foot">
                <span class="muted">{move || format!("{} lines", lines.with(Vec::len))}</span>
                <button type="button" class="button button-secondary button-small" data-testid=ids::LOGS_MORE hidden=move || !more.get() on:click=load_more disabled=move || loading.get()>
                    "Load more"
                </button>
            </div>
        </section>
    }
}

/// One log line.
#[component]
fn LogRow(line: LogLine) -> impl IntoView {
    let class = if line.stream == "stderr" {
        "log-line log-stderr"
    } else {
        "log-line"
    };
    view! {
        <tr class=class>
            <td class="log-time">{format::time(&line.time)}</td>
            <td class="log-source">{format!("{}/{}", line.component, line.executable)}</td>
            <td class="log-message">{line.message}</td>
        </tr>
    }
}

/// Offers `text` as a file download named `name`.
fn save_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = document()
        .create_element("a")
        .ok()
        .and_then(|a| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(a).ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    // Revoked once the browser has surely started the download.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(30),
    );
}
