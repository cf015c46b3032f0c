//! The catalog in a real browser (demo mode): search, category filter and sorting live in the
//! URL, so a link reproduces the view; an empty result offers a way back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::sync::LazyLock;

use rio_console::ids;
use rio_e2e::{ConfigJson, open};

static ROW_NAMES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "return [...document.querySelectorAll('[data-testid={}] tbody tr a.row-link')].map(a => a.textContent)",
        ids::CATALOG_TABLE
    )
});

async fn names(browser: &rio_e2e::Browser) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + rio_e2e::browser::WAIT;
    loop {
        let value = browser.eval(&ROW_NAMES).await;
        let names: Vec<String> = value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !names.is_empty() || tokio::time::Instant::now() > deadline {
            return names;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn search_filter_and_sort_live_in_the_url() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.wait_test_id(ids::CATALOG_TABLE).await;
    let all = names(&browser).await;
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "sorted by name by default");
    assert!(all.len() >= 7, "{all:?}");

    let search = browser.wait_test_id(ids::CATALOG_SEARCH).await;
    search.send_keys("fleet").await.expect("type");
    browser.wait_path("/catalog?q=fleet").await;
    assert_eq!(names(&browser).await, ["fleet-bridge", "fleet-dashboard"]);

    browser
        .eval(&format!(
            "const s = document.querySelector('[data-testid={}]'); s.value = 'Storage'; s.dispatchEvent(new Event('change')); return null",
            ids::CATALOG_CATEGORY
        ))
        .await;
    browser.wait_path("/catalog?q=fleet&category=Storage").await;
    browser.wait_test_id(ids::CATALOG_EMPTY).await;
    browser.screenshot("catalog-empty").await;
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.includes('Clear search')).click(); return null").await;
    browser.wait_path("/catalog").await;

    browser.eval("[...document.querySelectorAll('th button')].find(b => b.textContent.includes('Name')).click(); return null").await;
    browser.wait_path("/catalog?desc=1").await;
    let descending = names(&browser).await;
    let mut reversed = sorted.clone();
    reversed.reverse();
    assert_eq!(descending, reversed);

    // The link reproduces the view.
    browser
        .goto(&site.url("/catalog?q=io-public&sort=category"))
        .await;
    browser.wait_test_id(ids::CATALOG_TABLE).await;
    assert_eq!(
        names(&browser).await,
        ["io-public-websocket-relay", "io-public-persistent-volume"]
    );
    let value = browser
        .eval(&format!(
            "return document.querySelector('[data-testid={}]').value",
            ids::CATALOG_SEARCH
        ))
        .await;
    assert_eq!(value.as_str(), Some("io-public"));
    browser.finish(&[]).await;
}
