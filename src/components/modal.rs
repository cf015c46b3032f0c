//! A modal dialog on the browser's own `<dialog>`: the page behind is inert (focus stays in
//! the dialog), Esc closes it, and focus returns to what opened it.

use leptos::{html, prelude::*};

use crate::components::status::next_id;

/// A modal dialog shown while `open` is true. Its content is rendered only while it is open,
/// so each opening starts fresh.
#[component]
pub fn Modal(
    /// Open or closed; the dialog sets it to false when the user closes it (Esc).
    open: RwSignal<bool>,
    /// The dialog's heading.
    #[prop(into)]
    title: TextProp,
    /// A `data-testid` for tests.
    #[prop(optional)]
    test_id: &'static str,
    /// While true, Esc does not close the dialog (a request is in flight).
    #[prop(optional, into)]
    busy: Signal<bool>,
    /// The body.
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let heading_id = format!("dialog-title-{}", next_id());
    let labelled_by = heading_id.clone();
    Effect::new(move |_| {
        let want = open.get();
        let Some(dialog) = node.get() else {
            return;
        };
        if want && !dialog.open() {
            let active = document()
                .active_element()
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
            opener.set_value(active);
            let _ = dialog.show_modal();
        } else if !want && dialog.open() {
            dialog.close();
        }
    });
    let on_close = move |_| {
        if busy.get_untracked() {
            // A request is in flight (the browser may close on a second Esc regardless):
            // stay open so its outcome is shown.
            if let Some(dialog) = node.get_untracked() {
                let _ = dialog.show_modal();
            }
            return;
        }
        open.set(false);
        // Back to what opened the dialog, unless it is gone or disabled now (the action
        // changed the page): then to the page's main area.
        let opener = opener
            .get_value()
            .filter(|el| el.is_connected() && !el.has_attribute("disabled") && !el.hidden());
        match opener {
            Some(opener) => {
                let _ = opener.focus();
            }
            None => {
                if let Some(main) = document()
                    .get_element_by_id(crate::ids::MAIN_DOM_ID)
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = main.focus();
                }
            }
        }
    };
    let on_cancel = move |ev: leptos::ev::Event| {
        if busy.get_untracked() {
            ev.prevent_default();
        }
    };
    view! {
        <dialog
            node_ref=node
            class="modal"
            aria-labelledby=labelled_by
            data-testid=test_id
            on:close=on_close
            on:cancel=on_cancel
        >
            <h2 id=heading_id class="modal-title">{move || title.get().to_string()}</h2>
            {move || open.get().then(|| children())}
        </dialog>
    }
}
