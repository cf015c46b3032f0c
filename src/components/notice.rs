//! A banner that tells the user something about the whole console (not about one field).

use leptos::prelude::*;

use crate::components::icons::InfoIcon;

/// How serious a notice is; decides its colour and how assistive technology announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Worth knowing; announced politely.
    Info,
    /// Something did not work as configured; announced politely.
    Warning,
}

/// A full-width banner. `text` is rendered as text, never as HTML.
#[component]
pub fn Notice(
    /// How serious the notice is.
    kind: NoticeKind,
    /// The sentence to show.
    #[prop(into)]
    text: String,
    /// A `data-testid` for tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    let class = match kind {
        NoticeKind::Info => "notice notice-info",
        NoticeKind::Warning => "notice notice-warning",
    };
    view! {
        <div class=class role="status" data-testid=test_id>
            <InfoIcon />
            <p>{text}</p>
        </div>
    }
}
