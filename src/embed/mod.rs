//! Embedded mode (`docs/embed.md`): the console inside a dashboard's iframe, without navigation
//! chrome, sized to its content, talking to its parent page over `postMessage`.
//!
//! - [`message`] holds the contract as plain data (shape checks, origins), tested natively.
//! - [`EmbedBridge`] wires it to the browser: it posts `rio:ready`, `rio:resize`,
//!   `rio:navigated`; [`report_phase`] posts `rio:phase` and [`auth_expired`] posts
//!   `rio:auth-expired`; it takes `rio:auth`, `rio:theme` and `rio:navigate` only from the
//!   embedding window at an allowed origin.
//! - The token goes straight into the HTTP client's memory: never into the URL, storage, or
//!   the console log.

pub mod message;

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    time::Duration,
};

use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_location, hooks::use_navigate};
use platform::wire::Deployment;
use serde_json::Value;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::api::{Auth, Backend, use_backend};
use crate::config::Settings;
use message::{ParentMessage, Refusal};

/// How long an embedded console backed by HTTP waits for `rio:auth` before loading anyway (a
/// backend without a token, or a parent that never answers).
const AUTH_GRACE: Duration = Duration::from_millis(1500);

#[derive(Default)]
struct State {
    embedded: Cell<bool>,
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
pub fn init() {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let embedded = message::embed_requested(&search) || path.starts_with(message::WIDGET_PREFIX);
    STATE.with(|s| s.embedded.set(embedded));
    if embedded && let Some(root) = document().document_element() {
        let _ = root.class_list().add_1("embedded");
    }
}

/// Whether the console runs embedded.
pub fn embedded() -> bool {
    STATE.with(|s| s.embedded.get())
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
    if !embedded() {
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
    if !embedded() {
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
pub fn auth_expired() {
    if embedded() && !STATE.with(|s| s.asked_for_auth.replace(true)) {
        post(&message::auth_expired());
    }
}

/// Opens an app path outside the embedded view: in the top window, as a full console page.
pub fn open_top(path: &str) {
    let _ = window().open_with_url_and_target(path, "_top");
}

/// The embedding page's origin as the browser reports it.
fn reported_parent_origin() -> Option<String> {
    // `location.ancestorOrigins` (Chromium, WebKit; not in web-sys).
    let first = js_sys::Reflect::get(&window().location(), &"ancestorOrigins".into())
        .ok()
        .and_then(|list| list.dyn_into::<web_sys::DomStringList>().ok())
        .and_then(|list| list.item(0));
    if first.is_some() {
        return first;
    }
    let referrer = document().referrer();
    message::origin_of(&referrer).map(str::to_string)
}

fn debug(text: &str) {
    web_sys::console::debug_1(&text.into());
}

/// The bridge around the routes: in embedded mode it talks to the parent and (over HTTP) holds
/// the routes back until `rio:auth` arrives or [`AUTH_GRACE`] passes; standalone it only renders
/// its children.
#[component]
pub fn EmbedBridge(children: ChildrenFn) -> impl IntoView {
    if !embedded() {
        return children().into_any();
    }
    let settings = expect_context::<Settings>();
    let backend = use_backend();
    let allowed = settings.allowed_origins.clone();
    // Opened on its own (not in a frame), there is no parent to talk to.
    let framed = window().parent().ok().flatten().is_some_and(|parent| {
        let parent: &wasm_bindgen::JsValue = parent.as_ref();
        !js_sys::Object::is(parent, window().as_ref())
    });
    let target = if framed {
        message::target_origin(reported_parent_origin().as_deref(), &allowed)
    } else {
        None
    };
    if framed && target.is_none() {
        debug(
            "rio console: embedded, but the parent's origin is not in embed.allowedOrigins; no messages will be exchanged",
        );
    }
    let nobody_to_ask = target.is_none();
    STATE.with(|s| *s.target.borrow_mut() = target);

    // Over HTTP, requests wait a moment for the parent's token, when there is a parent to
    // send one (opened on its own, or in a parent it may not talk to, nothing would come).
    let ready = RwSignal::new(!matches!(backend, Backend::Http(_)) || nobody_to_ask);
    // Set once: setting it again would render the routes again from scratch.
    let open = move || {
        if ready.try_get_untracked() == Some(false) {
            ready.set(true);
        }
    };
    if !ready.get_untracked() {
        set_timeout(open, AUTH_GRACE);
    }

    let navigate = use_navigate();
    let on_message = {
        let backend = backend.clone();
        move |event: web_sys::MessageEvent| {
            let from_parent = match (event.source(), window().parent()) {
                (Some(source), Ok(Some(parent))) => {
                    let parent: &wasm_bindgen::JsValue = parent.as_ref();
                    js_sys::Object::is(&source, parent)
                }
                _ => false,
            };
            let data = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|text| text.as_string());
            match message::accept(&event.origin(), from_parent, data.as_deref(), &allowed) {
                Ok(ParentMessage::Auth { token, project }) => {
                    let changed = match &backend {
                        Backend::Http(http) => http.set_auth(Auth {
                            token: Some(token),
                            project,
                        }),
                        Backend::Demo(_) => false,
                    };
                    // The same token again is no answer to rio:auth-expired: ask no more.
                    if changed {
                        STATE.with(|s| s.asked_for_auth.set(false));
                    }
                    open();
                }
                Ok(ParentMessage::Theme(theme)) => {
                    if let Some(root) = document().document_element() {
                        let _ = root.set_attribute("data-theme", theme.as_str());
                    }
                }
                Ok(ParentMessage::Navigate(path)) => navigate(&path, NavigateOptions::default()),
                Err(Refusal::Foreign) => {}
                Err(refusal) => debug(&format!(
                    "rio console: ignored a message from {}: {}",
                    event.origin(),
                    refusal.reason()
                )),
            }
        }
    };
    let listener = window_event_listener(leptos::ev::message, on_message);

    // Links that leave the embedded view open in the top window.
    let leave = Closure::<dyn Fn(web_sys::Event)>::new(send_leaving_links_to_top);
    let _ = document().add_event_listener_with_callback_and_bool(
        "click",
        leave.as_ref().unchecked_ref(),
        true,
    );

    // The content's height, whenever it changes.
    let last_height = Cell::new(0u32);
    let measure = Closure::<dyn Fn()>::new(move || {
        let Some(body) = document().body() else {
            return;
        };
        let height = body.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        if last_height.replace(height) != height {
            post(&message::resize(height));
        }
    });
    let observer = web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()).ok();
    if let (Some(observer), Some(body)) = (&observer, document().body()) {
        observer.observe(&body);
    }

    post(&message::ready(env!("CARGO_PKG_VERSION")));

    // Every route change, the first one included.
    let location = use_location();
    Effect::new(move |_| {
        let search = location.search.get();
        let path = match search.as_str() {
            "" => location.pathname.get(),
            query if query.starts_with('?') => format!("{}{query}", location.pathname.get()),
            query => format!("{}?{query}", location.pathname.get()),
        };
        post(&message::navigated(&path));
    });

    let handles = StoredValue::new_local(Some((leave, measure, observer)));
    on_cleanup(move || {
        listener.remove();
        if let Some(Some((leave, _measure, observer))) = handles.try_update_value(Option::take) {
            let _ = document().remove_event_listener_with_callback_and_bool(
                "click",
                leave.as_ref().unchecked_ref(),
                true,
            );
            if let Some(observer) = observer {
                observer.disconnect();
            }
        }
    });

    view! {
        {move || {
            if ready.get() {
                children().into_any()
            } else {
                view! {
                    <div class="page-loading" aria-busy="true">
                        <span class="visually-hidden" role="status">"Waiting for the dashboard…"</span>
                        <div class="skeleton skeleton-panel"></div>
                    </div>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}

/// A click on a link to another page of the console, inside the frame: let the browser open
/// it in the top window (the router leaves links with a target alone).
fn send_leaving_links_to_top(event: web_sys::Event) {
    let anchor = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let Some(anchor) = anchor else {
        return;
    };
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return;
    }
    let location = window().location();
    let same_origin = location.origin().is_ok_and(|o| o == anchor.origin());
    let same_view = location.pathname().is_ok_and(|p| p == anchor.pathname());
    if same_origin && !same_view {
        anchor.set_target("_top");
    }
}
