//! The page for any path the console does not know.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::components::page_header::PageHeader;
use crate::ids;

/// Says which path was not found and offers the ways back.
#[component]
pub fn NotFound() -> impl IntoView {
    let location = use_location();
    view! {
        <div data-testid=ids::NOT_FOUND>
            <PageHeader title="Page not found" />
            <section class="panel">
                <p>
                    "There is no page at " <code class="path">{move || location.pathname.get()}</code>
                    ". It may have moved, or the link may be mistyped."
                </p>
                <div class="actions">
                    <A href="/catalog" attr:class="button">
                        "Go to the Catalog"
                    </A>
                    <A href="/deployments" attr:class="button button-secondary">
                        "Go to Deployments"
                    </A>
                </div>
            </section>
        </div>
    }
}
