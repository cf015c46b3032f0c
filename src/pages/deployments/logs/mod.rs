//! The Logs tab: historical logs with a component filter and paging, a live tail while the
//! deployment runs (polling the logs cursor), and a download as a `.log` file.

mod feed;

use std::time::Duration;

use leptos::prelude::*;
use platform::phase::Phase;
use platform::wire::{Deployment, LogLine};

use self::feed::log_feed;
use crate::{format, ids};

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
    let (feed, fetch) = log_feed(id, component, unavailable);
    let (lines, more, loading) = (feed.lines, feed.more, feed.loading);
    let (loaded, error, tail) = (feed.loaded, feed.error, feed.tail);
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
