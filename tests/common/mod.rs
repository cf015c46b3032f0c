//! Helpers shared by the component test files.

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// A fresh `<div>` appended to the page's body, to mount a component into.
pub fn container() -> web_sys::HtmlElement {
    let container = document()
        .create_element("div")
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>();
    document().body().unwrap().append_child(&container).unwrap();
    container
}

/// Lets effects and DOM updates run.
pub async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}
