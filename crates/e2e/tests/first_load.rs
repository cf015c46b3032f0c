//! What the first load fetches: demo mode starts its simulation in a worker (a second wasm,
//! `rio-demo_bg.wasm`), which the console fetches only then. Against the reference backend,
//! the console and its embeddable widget never fetch it. Read from the page's resource timing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use rio_e2e::list::wait_table;
use rio_e2e::page::LONG;
use rio_e2e::{BackendSite, Browser, ConfigJson, open};

/// The URLs the page fetched so far, and those its workers fetched.
const FETCHED: &str = "return performance.getEntriesByType('resource').map(e => e.name)";

async fn fetched(browser: &Browser) -> Vec<String> {
    browser
        .eval(FETCHED)
        .await
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn demo_files(names: &[String]) -> Vec<&String> {
    names.iter().filter(|n| n.contains("rio-demo")).collect()
}

#[tokio::test]
async fn demo_mode_starts_its_simulation_in_a_worker_and_lists_from_it() {
    let (_site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    wait_table(&browser, "the demo's deployments", LONG, |t| {
        !t.rows.is_empty() && t.pending().count() == 0
    })
    .await;
    let names = fetched(&browser).await;
    assert!(
        names.iter().any(|n| n.ends_with("/rio-demo_loader.js")),
        "demo mode started its worker: {names:#?}"
    );
    browser.finish(&[]).await;
}

#[tokio::test]
async fn the_console_and_its_widget_never_fetch_the_demo_against_a_backend() {
    let site = BackendSite::start(&[]).await;
    let browser = Browser::start().await;
    for path in ["/deployments", "/widgets/deployments"] {
        browser.goto(&site.url(path)).await;
        wait_table(&browser, "the backend's deployments", LONG, |t| {
            !t.rows.is_empty() && t.pending().count() == 0
        })
        .await;
        let names = fetched(&browser).await;
        assert!(
            names.iter().any(|n| n.ends_with(".wasm")),
            "the resource timing lists the console's wasm at {path}: {names:#?}"
        );
        assert!(
            demo_files(&names).is_empty(),
            "{path} fetched the demo: {:#?}",
            demo_files(&names)
        );
    }
    browser.finish(&[]).await;
}
