//! The deployments list at fleet scale where the browser does the work: against a backend that
//! answers whole lists (the bench's server, 10,000 deployments built as the bench builds them)
//! the same windowed screen filters, sorts and counts in the browser by the platform's rules,
//! and polls ask for the whole list without parameters; in demo mode the simulation panel grows
//! the fleet to 10,000 and the list follows. The reference backend is in `fleet_list.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::BTreeMap;

use fantoccini::key::Key;
use platform::phase::Phase;
use platform::wire::Deployment;
use rio_console::ids;
use rio_e2e::bench::{data, server::BenchServer};
use rio_e2e::list::{
    Table, assert_window, expected_options, focus_table, list_requests_seen, poll_now, search,
    sort_by, wait_options, wait_table,
};
use rio_e2e::page::{LONG, click, dismiss_tour, test_id, wait_for, wait_shown, wait_text};
use rio_e2e::{Browser, ConfigJson, dist_dir, open, workspace_root};
use serde_json::json;
use tokio::time::Instant;

/// Deployments the whole-list backend answers.
const WHOLE: usize = 10_000;

/// Whether the table shows `expected` (IDs in the list's order) from its first row.
fn shows_top(table: &Table, expected: &[String]) -> bool {
    let shown = table.ids();
    table.pending().count() == 0
        && !shown.is_empty()
        && table.rows.first().is_some_and(|r| r.index == Some(0))
        && expected.starts_with(&shown)
        && table.foot_total() == Some(expected.len())
}

fn ids_of<'a>(items: impl IntoIterator<Item = &'a Deployment>) -> Vec<String> {
    items.into_iter().map(|d| d.deployment_id.clone()).collect()
}

#[tokio::test]
async fn a_whole_list_backend_gets_the_same_window_sorted_searched_and_counted_in_the_browser() {
    let started = Instant::now();
    let server = BenchServer::start(&dist_dir(), &workspace_root().join("bench")).await;
    let items = data::deployments(WHOLE);
    server.set_items(items.clone());
    let browser = Browser::start().await;
    browser.goto(&server.url("/deployments")).await;

    // Every bench deployment is in a live phase, newest first as listed.
    assert!(items.iter().all(|d| d.phase.is_live()));
    let newest = ids_of(&items);
    let table = wait_table(&browser, "the first rows of 10,000", LONG, |t| {
        shows_top(t, &newest)
    })
    .await;
    assert_window(&table, WHOLE, "a whole list at the top");
    assert!(
        table.foot.ends_with(" of 10,000"),
        "the footer counts the whole list: {}",
        table.foot
    );
    let shot = browser.screenshot("fleet-whole-list").await;
    eprintln!("screenshot {}", shot.display());

    // The phase counts, counted here.
    let mut counts: BTreeMap<String, u64> = Phase::KNOWN
        .iter()
        .map(|p| (p.as_str().to_string(), 0))
        .collect();
    for d in &items {
        *counts.entry(d.phase.as_str().to_string()).or_default() += 1;
    }
    let expected = expected_options(&json!(counts));
    wait_options(
        &browser,
        "the phase options count the whole list",
        &expected,
    )
    .await;

    // A poll asks for the whole list, without parameters.
    let before = list_requests_seen(&browser).await;
    poll_now(&browser).await;
    let seen = wait_for(
        &browser,
        "a poll after the first answer",
        LONG,
        "return performance.getEntriesByType('resource').map(e => new URL(e.name)).filter(u => u.pathname === '/api/v1/deployments').map(u => u.pathname + u.search)",
        Vec::new(),
        |v| v.as_array().is_some_and(|a| a.len() > before.len()),
    )
    .await;
    eprintln!("list requests: {seen}");
    let seen: Vec<String> = seen
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert!(
        seen[1..].iter().all(|p| p == "/api/v1/deployments"),
        "after the first, whole lists without parameters: {seen:?}"
    );

    // By name, as the rules say: the name, then the ID.
    sort_by(&browser, "Name").await;
    browser.wait_path("/deployments?sort=name").await;
    let mut by_name: Vec<&Deployment> = items.iter().collect();
    by_name.sort_by(|a, b| (&a.name, &a.deployment_id).cmp(&(&b.name, &b.deployment_id)));
    let by_name = ids_of(by_name);
    let table = wait_table(&browser, "the rows by name", LONG, |t| {
        shows_top(t, &by_name)
    })
    .await;
    assert_window(&table, WHOLE, "by name");

    // End: the last row by name.
    focus_table(&browser).await;
    browser.press(Key::End.into()).await;
    let end = wait_table(&browser, "End shows the last row", LONG, |t| {
        t.at(WHOLE - 1).is_some_and(|r| r.focused) && t.pending().count() == 0
    })
    .await;
    assert_window(&end, WHOLE, "at the end");
    assert_eq!(
        end.at(WHOLE - 1).and_then(|r| r.id.clone()).as_ref(),
        by_name.last()
    );
    let shown = end.ids();
    assert!(
        by_name.ends_with(&shown),
        "the last rows by name: {:?}",
        end.names()
    );

    // A search narrows the list (by the name, case folded), back at the top.
    search(&browser, "Tokyo").await;
    browser.wait_path("/deployments?q=Tokyo&sort=name").await;
    let tokyo: Vec<String> = by_name
        .iter()
        .filter(|id| {
            items
                .iter()
                .find(|d| &d.deployment_id == *id)
                .is_some_and(|d| d.name.to_lowercase().contains("tokyo"))
        })
        .cloned()
        .collect();
    assert!(tokyo.len() < WHOLE / 2 && !tokyo.is_empty());
    let table = wait_table(&browser, "the rows of tokyo", LONG, |t| {
        shows_top(t, &tokyo)
    })
    .await;
    assert_window(&table, tokyo.len(), "searched");
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}

#[tokio::test]
async fn the_demo_grows_to_10000_deployments_and_the_list_follows() {
    let started = Instant::now();
    let (_site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    dismiss_tour(&browser).await;
    let small = wait_table(&browser, "the demo's list", LONG, |t| {
        t.foot_total().is_some() && t.pending().count() == 0
    })
    .await;
    let before = small.foot_total().unwrap_or_default();
    assert!(before < 100, "the demo starts small: {}", small.foot);

    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    wait_shown(&browser, ids::SIM_PANEL, true).await;
    let grow = format!("{}:not([disabled])", test_id(ids::SIM_GROW_FLEET));
    wait_text(&browser, &grow, "Grow to 10,000 deployments", LONG).await;
    let clicked = Instant::now();
    click(&browser, &grow).await;
    wait_for(
        &browser,
        "the button is spent once the fleet has grown",
        LONG,
        "const b = document.querySelector(arguments[0]); return b ? b.disabled : null",
        vec![json!(test_id(ids::SIM_GROW_FLEET))],
        |v| v.as_bool() == Some(true),
    )
    .await;
    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    wait_shown(&browser, ids::SIM_PANEL, false).await;
    let grown = wait_table(&browser, "the footer counts the grown fleet", LONG, |t| {
        t.foot_total()
            .is_some_and(|n| (9_000..=10_000).contains(&n))
            && t.pending().count() == 0
    })
    .await;
    let total = grown.foot_total().unwrap_or_default();
    eprintln!(
        "grown to {total} live deployments ({}) in {:.1?}",
        grown.foot,
        clicked.elapsed()
    );
    assert_window(&grown, total, "the grown demo");
    wait_for(
        &browser,
        "All phases counts 10,000",
        LONG,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] option')].map(o => o.textContent.trim())",
            ids::DEPLOYMENTS_PHASE
        ),
        Vec::new(),
        |v| v.as_array().is_some_and(|a| a.iter().any(|o| o == "All phases (10,000)")),
    )
    .await;

    focus_table(&browser).await;
    browser.press(Key::End.into()).await;
    let end = wait_table(&browser, "End shows the last row", LONG, |t| {
        t.foot_total()
            .is_some_and(|n| t.at(n - 1).is_some_and(|r| r.focused))
            && t.pending().count() == 0
    })
    .await;
    let total = end.foot_total().unwrap_or_default();
    assert_window(&end, total, "the grown demo's end");
    let (_, last, _) = end.foot_numbers().expect("rows A–B of N");
    assert_eq!(last, total, "{}", end.foot);
    let shot = browser.screenshot("fleet-demo-grown").await;
    eprintln!("screenshot {}", shot.display());
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}
