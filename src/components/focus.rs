//! Moving the keyboard after the view changes: to an element by test id or selector, or to the
//! first invalid field of a form. Each waits a frame, since an element just shown (or a dialog
//! just opened) cannot take focus before it renders.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the keyboard to the first element matching `selector` once the view has updated.
pub fn focus_after_render(selector: impl Into<String>) {
    let selector = selector.into();
    request_animation_frame(move || {
        if let Some(element) = html_element(&selector) {
            let _ = element.focus();
        }
    });
}

/// Moves the keyboard to the element with this `data-testid` once the view has updated.
pub fn focus_test_id(test_id: &'static str) {
    focus_after_render(format!("[data-testid={test_id}]"));
}

/// Moves the keyboard to the first field marked invalid, and scrolls it into view.
pub fn focus_first_invalid() {
    request_animation_frame(|| {
        if let Some(element) = html_element("[aria-invalid=true], .field-error:not(:empty)") {
            let _ = element.focus();
            element.scroll_into_view();
        }
    });
}

fn html_element(selector: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}
