//! The app shell in a real browser, loading the release build: it starts clean, routes, handles
//! unknown paths, picks its mode from config.json and the URL, and works by keyboard.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use fantoccini::key::Key;
use rio_console::ids;
use rio_e2e::page::test_id;
use rio_e2e::{ConfigJson, open};

const CURRENT_NAV: &str =
    "return document.querySelector('.app-nav [aria-current=page]').textContent.trim()";

#[tokio::test]
async fn shell_loads_without_console_errors_and_opens_the_catalog() {
    let (_site, browser) = open(ConfigJson::FromDist, "/").await;
    browser.wait_path("/catalog").await;
    browser.wait_title("Catalog").await;
    browser.wait_test_id(ids::HEADER).await;
    browser.wait_test_id(ids::NAV).await;
    let title = browser.eval("return document.title").await;
    assert_eq!(title.as_str(), Some("Catalog · rio console"));
    // The shipped config.json has no apiBase: demo mode, without a warning.
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    let script = format!(
        "return document.querySelectorAll('{}').length",
        test_id(ids::CONFIG_NOTICE)
    );
    assert_eq!(browser.eval(&script).await.as_u64(), Some(0));
    browser.screenshot("catalog").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn each_nav_link_routes_to_its_page() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.wait_title("Catalog").await;

    let link = browser.wait_css(".app-nav a[href='/deployments']").await;
    link.click().await.expect("click Deployments");
    browser.wait_path("/deployments").await;
    browser.wait_title("Deployments").await;
    assert_eq!(
        browser.eval(CURRENT_NAV).await.as_str(),
        Some("Deployments")
    );
    browser.screenshot("deployments").await;

    let link = browser.wait_css(".app-nav a[href='/catalog']").await;
    link.click().await.expect("click Catalog");
    browser.wait_path("/catalog").await;
    browser.wait_title("Catalog").await;

    // Deep links to the detail routes load their object; an unknown id is said plainly, as text.
    browser.goto(&site.url("/deployments/dep-%3Cb%3E42")).await;
    browser.wait_title("Deployment").await;
    let error = browser.wait_test_id(ids::LOAD_ERROR).await;
    let text = error.text().await.expect("error text");
    assert!(
        text.contains("No deployment with ID dep-<b>42 exists."),
        "{text}"
    );
    assert_eq!(
        browser.eval(CURRENT_NAV).await.as_str(),
        Some("Deployments"),
        "the section stays highlighted"
    );
    browser.screenshot("deployment-not-found").await;

    // The breadcrumb leads back to the list.
    let crumb = browser.wait_css(".breadcrumb a[href='/deployments']").await;
    crumb.click().await.expect("click the breadcrumb");
    browser.wait_path("/deployments").await;

    browser.goto(&site.url("/catalog/pkg-fleet-bridge")).await;
    browser.wait_title("fleet-bridge").await;
    browser
        .wait_text(".facts dd code", "pkg-fleet-bridge")
        .await;
    browser.screenshot("package-details").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn unknown_path_shows_the_not_found_page() {
    let (site, browser) = open(ConfigJson::FromDist, "/no/such/page").await;
    for path in ["/no/such/page", "/catalog/pkg-1/extra"] {
        browser.goto(&site.url(path)).await;
        browser.wait_test_id(ids::NOT_FOUND).await;
        browser.wait_title("Page not found").await;
        browser.wait_text(".path", path).await;
    }
    browser.screenshot("not-found").await;
    let back = browser
        .wait_css(&format!("{} a[href='/catalog']", test_id(ids::NOT_FOUND)))
        .await;
    back.click().await.expect("click back");
    browser.wait_path("/catalog").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn api_base_selects_http_mode_and_demo_query_forces_demo() {
    let config = r#"{"apiBase": "http://127.0.0.1:9/api/v1", "embed": {"allowedOrigins": []}}"#;
    let (site, browser) = open(ConfigJson::Body(config.into()), "/deployments").await;
    let badge = browser.wait_test_id(ids::MODE_BADGE).await;
    assert_eq!(
        badge.attr("data-mode").await.expect("data-mode").as_deref(),
        Some("http")
    );
    browser
        .wait_text(&test_id(ids::MODE_BADGE), "Backend: 127.0.0.1:9")
        .await;
    // Nothing answers there: the list says so and offers to try again.
    browser
        .wait_text(
            &format!("{} h2", test_id(ids::LOAD_ERROR)),
            "Could not load the deployments",
        )
        .await;

    browser.goto(&site.url("/deployments?demo=1")).await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    let badge = browser.wait_test_id(ids::MODE_BADGE).await;
    assert_eq!(
        badge.attr("data-mode").await.expect("data-mode").as_deref(),
        Some("demo")
    );
    browser.screenshot("demo-badge").await;
    // The browser logs the refused requests to the unreachable backend.
    browser.finish(&["127.0.0.1:9/api/v1"]).await;
}

#[tokio::test]
async fn missing_config_falls_back_to_demo_with_a_notice() {
    let (_site, browser) = open(ConfigJson::Missing, "/catalog").await;
    let notice = browser.wait_test_id(ids::CONFIG_NOTICE).await;
    let text = notice.text().await.expect("notice text");
    assert!(
        text.contains("HTTP 404") && text.contains("demo mode"),
        "{text}"
    );
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    browser.wait_title("Catalog").await;
    browser.screenshot("config-missing").await;
    // The browser itself logs the failed request; nothing else may be logged as an error.
    browser
        .finish(&["config.json - Failed to load resource"])
        .await;
}

#[tokio::test]
async fn malformed_config_falls_back_to_demo_with_a_notice() {
    let body = r#"{"apiBase": <script>alert(1)</script>"#;
    let (_site, browser) = open(ConfigJson::Body(body.into()), "/deployments").await;
    let notice = browser.wait_test_id(ids::CONFIG_NOTICE).await;
    let text = notice.text().await.expect("notice text");
    assert!(
        text.contains("config.json is not valid") && text.contains("demo mode"),
        "{text}"
    );
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    browser.wait_title("Deployments").await;
    let scripts = browser
        .eval("return document.querySelectorAll('main script').length")
        .await;
    assert_eq!(scripts.as_u64(), Some(0), "config text must render as text");
    browser.finish(&[]).await;
}

#[tokio::test]
async fn keyboard_reaches_skip_link_and_navigation() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.wait_title("Catalog").await;

    browser.press(Key::Tab.into()).await;
    let focused = browser
        .eval("return document.activeElement.textContent")
        .await;
    assert_eq!(focused.as_str().map(str::trim), Some("Skip to content"));
    let visible = browser
        .eval("return document.activeElement.getBoundingClientRect().top >= 0")
        .await;
    assert_eq!(
        visible.as_bool(),
        Some(true),
        "the focused skip link is on screen"
    );
    browser.press(Key::Enter.into()).await;
    let focused = browser.eval("return document.activeElement.id").await;
    assert_eq!(focused.as_str(), Some(ids::MAIN_DOM_ID));

    // From the top of a fresh page: skip link, brand, Catalog, Deployments.
    browser.goto(&site.url("/catalog")).await;
    browser.wait_title("Catalog").await;
    for _ in 0..4 {
        browser.press(Key::Tab.into()).await;
    }
    let focused = browser
        .eval("return document.activeElement.getAttribute('href')")
        .await;
    assert_eq!(focused.as_str(), Some("/deployments"));
    let outline = browser
        .eval("return getComputedStyle(document.activeElement).outlineStyle")
        .await;
    assert_ne!(outline.as_str(), Some("none"), "focus is visible");
    browser.screenshot("keyboard-focus").await;
    browser.press(Key::Enter.into()).await;
    browser.wait_path("/deployments").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn narrow_screens_and_dark_scheme_are_followed() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.resize(390, 844).await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_title("Deployments").await;
    let fits = browser
        .eval("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(
        fits.as_bool(),
        Some(true),
        "no horizontal scrolling on a phone"
    );
    let nav_visible = browser
        .eval("const r = document.querySelector('.app-nav a[href=\"/catalog\"]').getBoundingClientRect(); return r.width > 0 && r.bottom <= window.innerHeight")
        .await;
    assert_eq!(
        nav_visible.as_bool(),
        Some(true),
        "navigation stays on screen"
    );
    browser.screenshot("deployments-narrow").await;

    let luminance = "const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return (c[0] + c[1] + c[2]) / 3";
    let light = browser.eval(luminance).await.as_f64().expect("a colour");
    browser.resize(1280, 800).await;
    browser.emulate_color_scheme("dark").await;
    let dark = browser.eval(luminance).await.as_f64().expect("a colour");
    assert!(light > 200.0 && dark < 60.0, "light {light}, dark {dark}");
    browser.screenshot("deployments-dark").await;
    browser.finish(&[]).await;
}
