//! The top of every page: breadcrumb, title, and an optional one-line description.

use leptos::prelude::*;

use crate::hooks::use_document_title;
use crate::ids;

/// Breadcrumb, `<h1>` and description; also sets the document title.
#[component]
pub fn PageHeader(
    /// The page title, shown as the `<h1>` and in the browser tab.
    #[prop(into)]
    title: String,
    /// The trail above the title, outermost first (e.g. `["Development"]`).
    #[prop(optional)]
    trail: Vec<&'static str>,
    /// One sentence under the title.
    #[prop(optional, into)]
    description: Option<String>,
) -> impl IntoView {
    use_document_title(title.clone());
    let crumbs = (!trail.is_empty()).then(|| {
        view! {
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <ol>
                    {trail.into_iter().map(|crumb| view! { <li>{crumb}</li> }).collect_view()}
                    <li aria-current="page">{title.clone()}</li>
                </ol>
            </nav>
        }
    });
    view! {
        <header class="page-header">
            {crumbs}
            <h1 data-testid=ids::PAGE_TITLE>{title}</h1>
            {description.map(|text| view! { <p class="page-description">{text}</p> })}
        </header>
    }
}
