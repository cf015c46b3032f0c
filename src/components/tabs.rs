//! A tab strip (WAI-ARIA tabs): one button per tab, the chosen one in the tab order, arrow keys,
//! Home and End moving between tabs. The page decides where the choice lives (the URL, for a
//! deployment's tabs) and renders the panel.

use leptos::prelude::*;

use crate::ids;

/// A tab: the word that names it (in the URL, its DOM id and test id) and its label.
pub trait Tab: Copy + PartialEq + Send + Sync + 'static {
    /// The tab's word, e.g. `history`.
    fn word(self) -> &'static str;
    /// The tab's label on screen.
    fn label(self) -> &'static str;
}

/// The DOM id of a tab's button (`tab-<word>`), which labels the panel.
pub fn tab_dom_id(tab: impl Tab) -> String {
    format!("tab-{}", tab.word())
}

/// The tab strip over `tabs`; `select` is told the tab chosen by click or key, then the
/// keyboard moves to that tab.
#[component]
pub fn Tabs<T, S>(
    /// Every tab, in order.
    tabs: &'static [T],
    /// The tab shown.
    current: Memo<T>,
    /// Chooses a tab.
    select: S,
    /// The strip's accessible name.
    label: &'static str,
    /// The DOM id of the panel the tabs control.
    panel_id: &'static str,
) -> impl IntoView
where
    T: Tab,
    S: Fn(T) + Clone + 'static,
{
    let go = move |tab: T| {
        select(tab);
        if let Some(el) = document()
            .get_element_by_id(&tab_dom_id(tab))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
        {
            let _ = el.focus();
        }
    };
    let count = tabs.len();
    view! {
        <div class="tabs" role="tablist" aria-label=label>
            {tabs
                .iter()
                .copied()
                .enumerate()
                .map(|(i, tab)| {
                    let go_click = go.clone();
                    let go_key = go.clone();
                    let keydown = move |ev: leptos::ev::KeyboardEvent| {
                        let next = match ev.key().as_str() {
                            "ArrowRight" => tabs[(i + 1) % count],
                            "ArrowLeft" => tabs[(i + count - 1) % count],
                            "Home" => tabs[0],
                            "End" => tabs[count - 1],
                            _ => return,
                        };
                        ev.prevent_default();
                        go_key(next);
                    };
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=tab_dom_id(tab)
                            data-testid=format!("{}-{}", ids::TAB, tab.word())
                            aria-selected=move || (current.get() == tab).to_string()
                            aria-controls=panel_id
                            tabindex=move || if current.get() == tab { "0" } else { "-1" }
                            on:click=move |_| go_click(tab)
                            on:keydown=keydown
                        >
                            {tab.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
