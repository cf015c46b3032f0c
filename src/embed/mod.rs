//! Embedded mode (`docs/embed.md`): the console inside a dashboard's iframe, without navigation
//! chrome, sized to its content, talking to its parent page over `postMessage`.
//!
//! - [`message`] holds the contract as plain data (shape checks, origins), tested natively.
//! - [`Embedded`] is whether this console runs embedded, decided once by [`detect`] and
//!   provided as a context by `App` (component tests provide it to mount either variant).
//! - [`EmbedBridge`] wires the contract to the browser: it posts `rio:ready`, `rio:resize`,
//!   `rio:navigated`, and `rio:auth-expired` when the HTTP client counts a refusal;
//!   [`report_phase`] posts `rio:phase`; it takes `rio:auth`, `rio:theme` and `rio:navigate`
//!   only from the embedding window at an allowed origin.
//! - The token goes straight into the HTTP client's memory: never into the URL, storage, or
//!   the console log.

mod bridge;
pub mod message;

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    time::Duration,
};

use leptos::prelude::*;
use platform::wire::Deployment;
use serde_json::Value;

pub use bridge::EmbedBridge;

/// How long an embedded console backed by HTTP waits for `rio:auth` before loading anyway (a
/// backend without a token, or a parent that never answers).
const AUTH_GRACE: Duration = Duration::from_millis(1500);

/// Whether the console runs embedded (in context, provided by `App`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Embedded(pub bool);

/// Whether the console runs embedded: the [`Embedded`] context, standalone when there is none.
pub fn use_embedded() -> bool {
    use_context::<Embedded>().is_some_and(|e| e.0)
}

/// What the bridge keeps while it runs.
#[derive(Default)]
struct State {
    /// The bridge runs (the console is embedded): shown phases are reported.
    active: Cell<bool>,
    /// Where messages go; `None` means the console does not post.
    target: RefCell<Option<String>>,
    /// `rio:auth-expired` was sent and no new token came since.
    asked_for_auth: Cell<bool>,
    /// The last (phase, status, generation) posted or seen per deployment.
    phases: RefCell<HashMap<String, (String, String, u64)>>,
}

thread_local! {
    static STATE: State = State::default();
}

/// Decides, once at start, whether the console runs embedded: `?embed=1` on any route, or a
/// widget route. Marks `<html>` so the styles drop the page background and chrome.
pub fn detect() -> Embedded {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let embedded = message::embed_requested(&search) || path.starts_with(message::WIDGET_PREFIX);
    if embedded && let Some(root) = document().document_element() {
        let _ = root.class_list().add_1("embedded");
    }
    Embedded(embedded)
}

/// Whether shown phases are reported to a parent: the embed bridge runs.
pub fn reporting() -> bool {
    STATE.with(|s| s.active.get())
}

/// Posts a message to the parent at its exact origin (never `*`); nothing when there is no
/// allowed parent.
fn post(value: &Value) {
    let Some(target) = STATE.with(|s| s.target.borrow().clone()) else {
        return;
    };
    let Ok(Some(parent)) = window().parent() else {
        return;
    };
    if let Ok(data) = js_sys::JSON::parse(&value.to_string()) {
        let _ = parent.post_message(&data, &target);
    }
}

/// Posts `rio:phase` when a shown deployment's phase, status or generation differs from what
/// was last seen (the first sight only records it).
pub fn report_phase(deployment: &Deployment) {
    if !reporting() {
        return;
    }
    let now = (
        deployment.phase.as_str().to_string(),
        deployment.status.label(),
        deployment.current_generation,
    );
    let changed = STATE.with(|s| {
        let mut phases = s.phases.borrow_mut();
        let previous = phases.insert(deployment.deployment_id.clone(), now.clone());
        previous.is_some_and(|previous| previous != now)
    });
    if changed {
        post(&message::phase(
            &deployment.deployment_id,
            &now.0,
            &now.1,
            now.2,
        ));
    }
}

/// Posts `rio:phase` (with `rolloutId`) when a shown rollout's state or wave differs from
/// what was last seen (the first sight only records it).
pub fn report_rollout(rollout: &platform::rollout::Rollout) {
    if !reporting() {
        return;
    }
    let now = (
        rollout.state.as_str().to_string(),
        String::new(),
        u64::from(rollout.wave),
    );
    let changed = STATE.with(|s| {
        let mut phases = s.phases.borrow_mut();
        let previous = phases.insert(format!("rollout:{}", rollout.rollout_id), now.clone());
        previous.is_some_and(|previous| previous != now)
    });
    if changed {
        post(&message::rollout_phase(
            &rollout.rollout_id,
            &now.0,
            rollout.wave,
        ));
    }
}

/// The backend answered 401: asks the parent once for a fresh token (again only after one
/// arrived).
fn auth_expired() {
    if reporting() && !STATE.with(|s| s.asked_for_auth.replace(true)) {
        post(&message::auth_expired());
    }
}

/// Opens an app path outside the embedded view: in the top window, as a full console page.
pub fn open_top(path: &str) {
    let _ = window().open_with_url_and_target(path, "_top");
}
