//! A button that copies an ID to the clipboard and says so.

use std::time::Duration;

use leptos::prelude::*;

/// Copies `text`; the label changes to "Copied" for two seconds (announced politely).
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    text: String,
    /// What it is, for the accessible name ("Copy package ID").
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let label = format!("Copy {what}");
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
            set_timeout(move || copied.set(false), Duration::from_secs(2));
        }
    };
    view! {
        <button type="button" class="copy-button" on:click=copy aria-label=label.clone() title=label>
            <span aria-live="polite">{move || if copied.get() { "Copied" } else { "Copy" }}</span>
        </button>
    }
}
