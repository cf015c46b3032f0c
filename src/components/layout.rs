//! The standalone layout: product header with the mode badge, the navigation, and `<main>`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::demo_tour::{DemoTourBanner, DemoUi};
use crate::components::icons::{DeployIcon, InfoIcon, LogoMark, PackageIcon, RolloutIcon};
use crate::components::mode_badge::ModeBadge;
use crate::components::notice::{Notice, NoticeKind};
use crate::config::{Mode, Settings};
use crate::ids;

/// Header, navigation and main area. `children` (the routes) render once `settings` is known,
/// with the settings provided as context; until then a loading placeholder holds their place.
#[component]
pub fn Shell(
    /// The resolved runtime settings, `None` while `config.json` loads.
    #[prop(into)]
    settings: Signal<Option<Settings>>,
    /// The page content (routes).
    children: ChildrenFn,
) -> impl IntoView {
    let embedded = crate::embed::use_embedded();
    let skip_to_main = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let main = document()
            .get_element_by_id(ids::MAIN_DOM_ID)
            .and_then(|main| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(main).ok());
        if let Some(main) = main {
            let _ = main.focus();
        }
    };
    let content = move || match settings.get() {
        Some(settings) => {
            let notice = settings.notice.clone().map(|text| {
                view! { <Notice kind=NoticeKind::Warning text=text test_id=ids::CONFIG_NOTICE /> }
            });
            // Demo mode, standalone: the simulation panel and the first-visit tour share state.
            let tour = (settings.mode == Mode::Demo && !embedded).then(|| {
                provide_context(DemoUi::new());
                view! { <DemoTourBanner /> }
            });
            provide_context(settings);
            view! {
                {notice}
                {tour}
                {children()}
            }
            .into_any()
        }
        None => view! { <PageLoading /> }.into_any(),
    };
    if embedded {
        // Inside a dashboard's frame: the content only, sized to itself.
        return view! {
            <main class="embed-main" id=ids::MAIN_DOM_ID tabindex="-1" data-testid=ids::MAIN>
                {content}
            </main>
        }
        .into_any();
    }
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>
            "Skip to content"
        </a>
        <div class="app">
            <header class="app-header" data-testid=ids::HEADER>
                <A href="/catalog" attr:class="brand">
                    <LogoMark />
                    <span class="brand-name">"rio"<span class="brand-light">" console"</span></span>
                </A>
                <div class="header-spacer"></div>
                <div class="mode-slot" aria-live="polite">
                    {move || settings.get().map(|settings| view! { <ModeBadge mode=settings.mode /> })}
                </div>
            </header>
            <nav class="app-nav" aria-label="Main" data-testid=ids::NAV>
                <p class="nav-group" id="nav-development">"Development"</p>
                <ul aria-labelledby="nav-development">
                    <li>
                        <A href="/catalog" attr:class="nav-link">
                            <PackageIcon />
                            <span>"Catalog"</span>
                        </A>
                    </li>
                    <li>
                        <A href="/deployments" attr:class="nav-link">
                            <DeployIcon />
                            <span>"Deployments"</span>
                        </A>
                    </li>
                    <li>
                        <A href="/rollouts" attr:class="nav-link">
                            <RolloutIcon />
                            <span>"Rollouts"</span>
                        </A>
                    </li>
                </ul>
                <p class="nav-group" id="nav-help">"Help"</p>
                <ul aria-labelledby="nav-help">
                    <li>
                        <A href="/error-codes" attr:class="nav-link">
                            <InfoIcon />
                            <span>"Error codes"</span>
                        </A>
                    </li>
                </ul>
            </nav>
            <main class="app-main" id=ids::MAIN_DOM_ID tabindex="-1" data-testid=ids::MAIN>
                {content}
            </main>
        </div>
    }
    .into_any()
}

/// Placeholder with the page's shape while the runtime config loads, so nothing jumps after.
#[component]
fn PageLoading() -> impl IntoView {
    view! {
        <div class="page-loading" data-testid=ids::LOADING aria-busy="true">
            <span class="visually-hidden" role="status">"Loading the console…"</span>
            <div class="skeleton skeleton-crumb"></div>
            <div class="skeleton skeleton-title"></div>
            <div class="skeleton skeleton-panel"></div>
        </div>
    }
}
