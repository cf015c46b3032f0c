//! The top of every page: breadcrumb, title, and an optional one-line description.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::hooks::use_document_title;
use crate::ids;

/// Breadcrumb, `<h1>` and description; also sets the document title.
#[component]
pub fn PageHeader(
    /// The page title, shown as the `<h1>` and in the browser tab (may change, e.g. once the
    /// package's name is known).
    #[prop(into)]
    title: TextProp,
    /// The trail above the title, outermost first.
    #[prop(optional)]
    trail: Vec<Crumb>,
    /// One sentence under the title.
    #[prop(optional, into)]
    description: Option<String>,
) -> impl IntoView {
    let tab_title = title.clone();
    use_document_title(Signal::derive(move || tab_title.get().to_string()));
    let crumbs = (!trail.is_empty()).then(|| {
        view! {
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <ol>
                    {trail
                        .into_iter()
                        .map(|crumb| match crumb.href {
                            Some(href) => view! {
                                <li>
                                    <A href=href>{crumb.label}</A>
                                </li>
                            }
                            .into_any(),
                            None => view! { <li>{crumb.label}</li> }.into_any(),
                        })
                        .collect_view()}
                    <li aria-current="page">{
                        let title = title.clone();
                        move || title.get().to_string()
                    }</li>
                </ol>
            </nav>
        }
    });
    view! {
        <header class="page-header">
            {crumbs}
            <h1 data-testid=ids::PAGE_TITLE>{move || title.get().to_string()}</h1>
            {description.map(|text| view! { <p class="page-description">{text}</p> })}
        </header>
    }
}

/// One step of a breadcrumb trail: a section name, or a link to a parent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crumb {
    /// The words shown.
    pub label: &'static str,
    /// Where it leads, if it is a page.
    pub href: Option<&'static str>,
}

impl Crumb {
    /// The "Development" section, which is a group, not a page.
    pub const DEVELOPMENT: Crumb = Crumb {
        label: "Development",
        href: None,
    };
    /// The catalog page.
    pub const CATALOG: Crumb = Crumb {
        label: "Catalog",
        href: Some("/catalog"),
    };
    /// The deployments list.
    pub const DEPLOYMENTS: Crumb = Crumb {
        label: "Deployments",
        href: Some("/deployments"),
    };
    /// The rollouts list.
    pub const ROLLOUTS: Crumb = Crumb {
        label: "Rollouts",
        href: Some("/rollouts"),
    };
}
