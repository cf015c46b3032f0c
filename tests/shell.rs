//! Component tests of the shell in headless Chromium: navigation, mode badge, config notice,
//! loading placeholder and page header, mounted with the settings each test chooses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use rio_console::components::{
    layout::Shell,
    page_header::{Crumb, PageHeader},
};
use rio_console::config::{Mode, Settings};
use rio_console::embed::Embedded;
use rio_console::ids;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the page, and the handle that keeps the view mounted.
fn mount(view: impl FnOnce() -> AnyView + 'static) -> (web_sys::HtmlElement, impl Drop) {
    let container = document()
        .create_element("div")
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), view);
    (container, handle)
}

fn find(root: &web_sys::HtmlElement, test_id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("[data-testid=\"{test_id}\"]"))
        .unwrap()
}

fn demo() -> Settings {
    Settings {
        mode: Mode::Demo,
        allowed_origins: vec![],
        notice: None,
    }
}

fn shell_with(settings: Signal<Option<Settings>>) -> (web_sys::HtmlElement, impl Drop) {
    mount(move || {
        view! {
            <Router>
                <Shell settings=settings>
                    <p class="page-body">"page body"</p>
                </Shell>
            </Router>
        }
        .into_any()
    })
}

#[wasm_bindgen_test]
async fn navigation_lists_catalog_and_deployments_under_development() {
    let (root, _handle) = shell_with(Signal::stored(Some(demo())));
    let nav = find(&root, ids::NAV).expect("navigation");
    assert_eq!(nav.get_attribute("aria-label").as_deref(), Some("Main"));
    let text = nav.text_content().unwrap_or_default();
    assert!(text.contains("Development"), "{text}");
    for (href, label) in [("/catalog", "Catalog"), ("/deployments", "Deployments")] {
        let link = nav
            .query_selector(&format!("a[href='{href}']"))
            .unwrap()
            .expect(href);
        assert_eq!(link.text_content().as_deref(), Some(label));
    }
    assert!(find(&root, ids::HEADER).is_some());
}

#[wasm_bindgen_test]
async fn embedded_the_shell_is_its_content_alone() {
    // The embedded variant, mounted by providing the context `App` provides from the URL.
    let (root, _handle) = mount(|| {
        provide_context(Embedded(true));
        view! {
            <Router>
                <Shell settings=Signal::stored(Some(demo()))>
                    <p class="page-body">"page body"</p>
                </Shell>
            </Router>
        }
        .into_any()
    });
    assert!(find(&root, ids::HEADER).is_none(), "no product header");
    assert!(find(&root, ids::NAV).is_none(), "no navigation");
    let main = find(&root, ids::MAIN).expect("main");
    assert_eq!(main.class_name(), "embed-main");
    assert_eq!(
        main.text_content().as_deref(),
        Some("page body"),
        "the page alone"
    );
}

#[wasm_bindgen_test]
async fn demo_mode_shows_the_demo_badge() {
    let (root, _handle) = shell_with(Signal::stored(Some(demo())));
    let badge = find(&root, ids::MODE_BADGE).expect("mode badge");
    assert_eq!(badge.text_content().as_deref(), Some("Demo"));
    assert_eq!(badge.get_attribute("data-mode").as_deref(), Some("demo"));
    assert!(
        find(&root, ids::CONFIG_NOTICE).is_none(),
        "no notice without a config problem"
    );
}

#[wasm_bindgen_test]
async fn http_mode_shows_the_backend_host() {
    let settings = Settings {
        mode: Mode::Http {
            api_base: "https://api.example.com/api/v1".into(),
        },
        ..demo()
    };
    let (root, _handle) = shell_with(Signal::stored(Some(settings)));
    let badge = find(&root, ids::MODE_BADGE).expect("mode badge");
    assert_eq!(badge.get_attribute("data-mode").as_deref(), Some("http"));
    assert_eq!(
        badge.text_content().as_deref(),
        Some("Backend: api.example.com")
    );
    let title = badge.get_attribute("title").unwrap_or_default();
    assert!(title.contains("https://api.example.com/api/v1"), "{title}");
}

#[wasm_bindgen_test]
async fn config_notice_renders_its_text_as_text() {
    let hostile = "config.json is not valid: <img src=x onerror=\"window.pwned=1\">";
    let settings = Settings {
        notice: Some(hostile.into()),
        ..demo()
    };
    let (root, _handle) = shell_with(Signal::stored(Some(settings)));
    let notice = find(&root, ids::CONFIG_NOTICE).expect("notice");
    assert_eq!(notice.text_content().as_deref(), Some(hostile));
    assert!(notice.query_selector("img").unwrap().is_none());
    assert_eq!(notice.get_attribute("role").as_deref(), Some("status"));
}

#[wasm_bindgen_test]
async fn pages_wait_for_settings_behind_a_placeholder() {
    let settings = RwSignal::new(None::<Settings>);
    let (root, _handle) = shell_with(settings.into());
    assert!(
        find(&root, ids::LOADING).is_some(),
        "placeholder while config loads"
    );
    assert!(
        root.query_selector(".page-body").unwrap().is_none(),
        "no page before settings"
    );
    assert!(find(&root, ids::MODE_BADGE).is_none());

    settings.set(Some(demo()));
    leptos::task::tick().await;
    assert!(find(&root, ids::LOADING).is_none(), "placeholder gone");
    assert!(
        root.query_selector(".page-body").unwrap().is_some(),
        "page rendered"
    );
    assert!(find(&root, ids::MODE_BADGE).is_some());
}

#[wasm_bindgen_test]
async fn page_header_names_the_page_in_heading_breadcrumb_and_tab() {
    let (root, _handle) = mount(|| {
        view! {
            <Router>
                <PageHeader
                    title="Deployment"
                    trail=vec![Crumb::DEVELOPMENT, Crumb::DEPLOYMENTS]
                    description="All of it."
                />
            </Router>
        }
        .into_any()
    });
    leptos::task::tick().await;
    let title = find(&root, ids::PAGE_TITLE).expect("title");
    assert_eq!(title.tag_name(), "H1");
    assert_eq!(title.text_content().as_deref(), Some("Deployment"));
    let crumbs = root
        .query_selector(".breadcrumb")
        .unwrap()
        .expect("breadcrumb");
    assert_eq!(
        crumbs.text_content().as_deref(),
        Some("DevelopmentDeploymentsDeployment")
    );
    let parent = crumbs
        .query_selector("a")
        .unwrap()
        .expect("a link to the parent page");
    assert_eq!(
        parent.get_attribute("href").as_deref(),
        Some("/deployments")
    );
    let current = crumbs
        .query_selector("[aria-current=page]")
        .unwrap()
        .expect("current crumb");
    assert_eq!(current.text_content().as_deref(), Some("Deployment"));
    assert_eq!(document().title(), "Deployment · rio console");
}
