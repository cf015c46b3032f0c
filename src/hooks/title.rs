//! Keeps `document.title` in step with the page, so tabs and screen readers name the screen.

use leptos::prelude::*;

/// The product name that ends every document title.
pub const PRODUCT_NAME: &str = "rio console";

/// Sets the document title to `"{title} · rio console"` and follows it when it changes.
pub fn use_document_title(title: impl Into<Signal<String>>) {
    let title = title.into();
    Effect::new(move |_| {
        document().set_title(&format!("{} · {PRODUCT_NAME}", title.get()));
    });
}
