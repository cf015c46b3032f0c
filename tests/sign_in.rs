//! Component tests of the standalone sign-in prompt in headless Chromium: it opens when the
//! backend refuses the credentials, is a labelled dialog with a password field that has the
//! focus, refuses an empty token, and hands a token over (restarting stopped loops) without
//! leaving it in the DOM or in storage.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use rio_console::api::{Backend, HttpBackend};
use rio_console::components::sign_in::SignIn;
use rio_console::ids;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{container, settle};

/// A token distinctive enough that finding it anywhere is no accident.
const TOKEN: &str = "component-Token-8Zr4";

/// Mounts the prompt around a page for an HTTP backend; returns the container, the backend
/// and the handle that keeps it mounted.
fn mount() -> (web_sys::HtmlElement, HttpBackend, impl Drop) {
    let container = container();
    let http = HttpBackend::new("/api/v1");
    let backend = Backend::Http(http.clone());
    let handle = leptos::mount::mount_to(container.clone(), move || {
        provide_context(backend.clone());
        view! {
            <SignIn>
                <p class="page">"the page"</p>
            </SignIn>
        }
    });
    (container, http, handle)
}

fn dialog(root: &web_sys::HtmlElement) -> web_sys::HtmlDialogElement {
    root.query_selector(&format!("[data-testid=\"{}\"]", ids::SIGN_IN_DIALOG))
        .unwrap()
        .expect("the sign-in dialog")
        .unchecked_into()
}

fn field(root: &web_sys::HtmlElement) -> web_sys::HtmlInputElement {
    root.query_selector(&format!("[data-testid=\"{}\"]", ids::SIGN_IN_TOKEN))
        .unwrap()
        .expect("the token field")
        .unchecked_into()
}

fn submit(root: &web_sys::HtmlElement) {
    root.query_selector(&format!("[data-testid=\"{}\"]", ids::SIGN_IN_SUBMIT))
        .unwrap()
        .expect("the Sign in button")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn a_refusal_opens_an_accessible_prompt_with_the_focus_in_a_password_field() {
    let (root, http, _handle) = mount();
    settle().await;
    assert!(!dialog(&root).open(), "closed until the backend refuses");
    http.refused().update(|n| *n += 1);
    settle().await;
    let dialog = dialog(&root);
    assert!(dialog.open(), "open after a 401");
    let title_id = dialog.get_attribute("aria-labelledby").expect("labelled");
    let title = document().get_element_by_id(&title_id).expect("its title");
    assert_eq!(title.text_content().as_deref(), Some("Sign in required"));
    let text = dialog.text_content().unwrap_or_default();
    assert!(text.contains("HTTP 401"), "it says what happened: {text}");
    let field = field(&root);
    assert_eq!(field.type_(), "password");
    assert_eq!(field.get_attribute("autocomplete").as_deref(), Some("off"));
    let label = root
        .query_selector(&format!("label[for=\"{}\"]", field.id()))
        .unwrap()
        .expect("a label for the field");
    assert_eq!(label.text_content().as_deref(), Some("Access token"));
    let active = document().active_element().expect("a focused element");
    assert_eq!(
        active.get_attribute("data-testid").as_deref(),
        Some(ids::SIGN_IN_TOKEN),
        "the focus moved into the prompt"
    );
}

#[wasm_bindgen_test]
async fn an_empty_token_is_refused_and_a_token_is_handed_over_and_forgotten_by_the_page() {
    let (root, http, _handle) = mount();
    http.refused().update(|n| *n += 1);
    settle().await;
    submit(&root);
    settle().await;
    assert!(dialog(&root).open(), "still open");
    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an error");
    assert_eq!(
        alert.text_content().as_deref(),
        Some("Enter your access token.")
    );
    let before = http.auth_version().get_untracked();
    field(&root).set_value(TOKEN);
    submit(&root);
    settle().await;
    assert!(!dialog(&root).open(), "closed after signing in");
    assert_eq!(
        http.auth_version().get_untracked(),
        before + 1,
        "stopped loops start again"
    );
    // The same token again (typed after another refusal) still counts as a new try.
    http.refused().update(|n| *n += 1);
    settle().await;
    field(&root).set_value(TOKEN);
    submit(&root);
    settle().await;
    assert_eq!(http.auth_version().get_untracked(), before + 2);
    let html = document().document_element().unwrap().outer_html();
    assert!(!html.contains(TOKEN), "not in the DOM");
    let storage = |s: Option<web_sys::Storage>| {
        let s = s.expect("storage");
        (0..s.length().unwrap())
            .filter_map(|i| s.key(i).unwrap())
            .map(|k| format!("{k}={}", s.get_item(&k).unwrap().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(";")
    };
    let local = storage(window().local_storage().unwrap());
    let session = storage(window().session_storage().unwrap());
    assert!(!local.contains(TOKEN) && !session.contains(TOKEN));
    assert!(!window().location().href().unwrap().contains(TOKEN));
    let cookie = js_sys::Reflect::get(&document(), &"cookie".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    assert!(!cookie.contains(TOKEN), "not in a cookie");
}
