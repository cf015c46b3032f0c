//! Phase and status chips (colour plus words), and the error codes behind an Error status.

use leptos::prelude::*;
use leptos_router::components::A;
use platform::error_codes;
use platform::phase::{Phase, Status};

/// The CSS class of a phase chip: `phase phase-failed-to-update`.
pub fn phase_class(phase: &Phase) -> String {
    format!("phase phase-{}", slug(phase.as_str()))
}

/// The CSS class of a status chip: `status status-running`.
pub fn status_class(status: &Status) -> String {
    format!("status status-{}", slug(status.as_str()))
}

fn slug(text: &str) -> String {
    let known = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if known {
        text.trim().to_lowercase().replace(' ', "-")
    } else {
        "unknown".to_string()
    }
}

/// A phase in words with its colour.
#[component]
pub fn PhaseChip(
    /// The phase.
    #[prop(into)]
    phase: Signal<Phase>,
    /// A `data-testid` for tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <span class=move || phase.with(phase_class) data-testid=test_id>
            {move || phase.with(Phase::label)}
        </span>
    }
}

/// A status in words with its colour; with error codes, an "i" button next to it reveals each
/// code with its meaning in a popover (the browser's top layer: never clipped by a scrolling
/// table; Esc or a click elsewhere closes it). The button and popover exist only while there
/// are codes: a table of healthy deployments carries none of them.
#[component]
pub fn StatusChip(
    /// The status.
    #[prop(into)]
    status: Signal<Status>,
    /// Error codes to explain (shown only when there are any).
    #[prop(into)]
    errors: Signal<Vec<String>>,
    /// A `data-testid` for tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    // The button is rebuilt only when codes come or go, not when they change.
    let has_codes = Memo::new(move |_| errors.with(|codes| !codes.is_empty()));
    view! {
        <span class="status-cell">
            <span class=move || status.with(status_class) data-testid=test_id>
                {move || status.with(Status::label)}
            </span>
            {move || has_codes.get().then(|| view! { <CodesButton errors=errors /> })}
        </span>
    }
}

/// The "i" button and its popover of error codes.
#[component]
fn CodesButton(errors: Signal<Vec<String>>) -> impl IntoView {
    let n = next_id();
    let popover_id = format!("codes-{n}");
    // Anchor positioning puts the popover under its button (centred where unsupported). Set
    // through the CSSOM (`style:`), which the strict CSP allows, not a style attribute.
    let anchor = format!("--codes-{n}");
    let placed = anchor.clone();
    let target = popover_id.clone();
    view! {
        <button
            type="button"
            class="info-button"
            aria-label="Show error codes"
            title="Show error codes"
            popovertarget=target
            style:anchor-name=anchor
        >
            "i"
        </button>
        <div class="codes-popover" id=popover_id popover="auto" style:position-anchor=placed role="region" aria-label="Error codes">
            <ErrorCodeList codes=errors compact=true />
        </div>
    }
}

/// Each code linked to its entry on the error codes page, with meaning and recommended action.
#[component]
pub fn ErrorCodeList(
    /// The codes.
    #[prop(into)]
    codes: Signal<Vec<String>>,
    /// Meaning only (for popovers); otherwise meaning and action.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    view! {
        <ul class="code-list">
            {move || {
                codes
                    .get()
                    .into_iter()
                    .map(|code| {
                        let found = error_codes::lookup(&code);
                        view! {
                            <li>
                                <CodeLink code=code.clone() />
                                <span class="code-meaning">{found.meaning()}</span>
                                {(!compact).then(|| view! { <span class="code-action">{found.action()}</span> })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// Codes side by side, each linking to its entry; an em dash when there are none.
#[component]
pub fn CodeLinks(
    /// The codes.
    codes: Vec<String>,
) -> impl IntoView {
    if codes.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    view! {
        <span class="code-links">
            {codes.into_iter().map(|code| view! { <CodeLink code=code /> }).collect_view()}
        </span>
    }
    .into_any()
}

/// A code, linking to its entry on the error codes page (its range's entry when it is not
/// listed itself).
#[component]
pub fn CodeLink(
    /// The code.
    #[prop(into)]
    code: String,
) -> impl IntoView {
    let anchor = error_codes::lookup(&code)
        .info()
        .map(|info| info.code.to_string())
        .unwrap_or_default();
    let href = if anchor.is_empty() {
        "/error-codes".to_string()
    } else {
        format!("/error-codes#{anchor}")
    };
    let title = error_codes::lookup(&code).meaning();
    view! {
        <A href=href attr:class="code-link" attr:title=title>
            <code>{code}</code>
        </A>
    }
}

/// A number unique in this page, for DOM ids.
pub fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
