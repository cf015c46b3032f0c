//! The release build served by the reference backend, with its strict CSP: the console starts
//! (the loader is allowed by hash, wasm by 'wasm-unsafe-eval') and runs in HTTP mode.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use rio_console::ids;
use rio_e2e::{BackendSite, Browser};

#[tokio::test]
async fn console_runs_under_the_backends_csp_in_http_mode() {
    let site = BackendSite::start(&[]).await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_title("Deployments").await;
    let badge = browser.wait_test_id(ids::MODE_BADGE).await;
    assert_eq!(
        badge.attr("data-mode").await.expect("data-mode").as_deref(),
        Some("http")
    );
    browser
        .wait_text(
            &format!("[data-testid=\"{}\"]", ids::MODE_BADGE),
            &format!("Backend: {}", site.host()),
        )
        .await;
    // A CSP violation would be logged as an error and fail here.
    browser.screenshot("backend-http-mode").await;
    browser.finish(&[]).await;
}
