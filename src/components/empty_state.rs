//! A centred panel for "nothing here (yet)": an icon, a title, a sentence and optional actions.

use leptos::prelude::*;

/// An empty state; `children` hold its actions (links or buttons).
#[component]
pub fn EmptyState(
    /// A short title.
    #[prop(into)]
    title: String,
    /// One or two sentences under the title.
    #[prop(into)]
    body: String,
    /// The decorative icon.
    icon: AnyView,
    /// Actions under the text.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="panel empty-state">
            <div class="empty-icon">{icon}</div>
            <h2>{title}</h2>
            <p>{body}</p>
            {children.map(|children| view! { <div class="empty-actions">{children()}</div> })}
        </section>
    }
}
