//! The deployments list kept fresh at fleet scale, in a real browser, against the reference
//! backend with a synthetic fleet of 20,000: polls ask only for what changed (`since=`), a
//! change updates its row in place (the same element) and a deprovisioned deployment leaves
//! the live list, with a one-row request for the new total and counts and no listing again; a
//! 410 lists again with nothing said to the reader, and polls then ask for changes again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use platform::list::{Order, SortKey};
use rio_console::ids;
use rio_e2e::Browser;
use rio_e2e::list::{
    self, Table, api, api_path, assert_window, choose, expected_options, fleet_site, item_ids,
    list_paths, mark_row, meant, one_row, poll_now, query, still_marked, total_of, wait_options,
    wait_top,
};
use rio_e2e::page::{LONG, TEXT, row, run, test_id};
use serde_json::{Value, json};
use tokio::time::Instant;

/// Deployments in the synthetic fleet.
const FLEET: usize = 20_000;

/// Tells the page to poll until `done` accepts the table (polls every 15 s on their own).
async fn poll_until(browser: &Browser, what: &str, done: impl Fn(&Table) -> bool) -> Table {
    let deadline = Instant::now() + LONG;
    loop {
        poll_now(browser).await;
        let wait = Instant::now() + Duration::from_millis(1_500);
        while Instant::now() < wait {
            if let Some(table) = list::read(browser).await
                && done(&table)
            {
                return table;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if Instant::now() > deadline {
            let table = list::read(browser).await;
            panic!(
                "{what}: not within {LONG:?}; last seen {:#?}",
                table.map(|t| t.raw)
            );
        }
    }
}

/// The first `n` rows of `answer` that are Succeeded and Running, skipping `except`.
fn settled(answer: &Value, shown: usize, except: &[&str]) -> Vec<(String, u64, Vec<String>)> {
    answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .take(shown)
        .filter(|d| d["phase"] == "Succeeded" && d["status"] == "Running")
        .filter(|d| !except.contains(&d["deploymentId"].as_str().unwrap_or_default()))
        .map(|d| {
            let components = d["componentInfo"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["componentID"].as_str().map(String::from))
                .collect();
            (
                d["deploymentId"].as_str().unwrap_or_default().to_string(),
                d["currentGeneration"].as_u64().unwrap_or(0),
                components,
            )
        })
        .collect()
}

/// The list requests since the log was cleared that are neither `since=` polls nor the
/// one-row refresh of the total and counts.
fn listings(paths: &[String]) -> Vec<&String> {
    paths
        .iter()
        .filter(|p| !p.contains("since=") && !one_row(p))
        .collect()
}

#[tokio::test]
async fn polls_ask_only_for_changes_update_rows_in_place_and_a_410_lists_again() {
    let started = Instant::now();
    let site = fleet_site(FLEET).await;
    let all = query(Some(Vec::new()), "", SortKey::Created, Order::Desc);
    let answer = api(&site, &all, 50).await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments?phase=all")).await;
    let table = wait_top(&browser, "all phases", &answer).await;
    let picks = settled(&answer, table.loaded().count(), &[]);
    assert!(
        picks.len() >= 2,
        "two settled deployments among the first rows: {picks:?}"
    );
    let (updated, generation, components) = picks[0].clone();
    let stopped = picks[1].0.clone();
    assert!(mark_row(&browser, &updated).await && mark_row(&browser, &stopped).await);
    site.forget_requests().await;

    // Updated and deprovisioned behind the page's back: the two rows change in place.
    let body = json!({"expectedGeneration": generation, "components": components});
    let (status, text) = site
        .api(
            "PATCH",
            &format!("/api/v1/deployments/{updated}"),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 202, "update {updated}: {text}");
    let (status, text) = site
        .api("DELETE", &format!("/api/v1/deployments/{stopped}"), None)
        .await;
    assert_eq!(status, 202, "deprovision {stopped}: {text}");
    let cell = |id: &str, what: &str| format!("{} {}", row(id), test_id(what));
    let script = format!(
        "const t = s => {{ const e = document.querySelector(s); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null; }}; return [t('{}'), t('{}'), t('{}')]",
        cell(&updated, ids::ROW_GENERATION),
        cell(&updated, ids::ROW_PHASE),
        cell(&stopped, ids::ROW_PHASE),
    );
    let want = json!([
        (generation + 1).to_string(),
        "Succeeded",
        "Deployment stopped"
    ]);
    let deadline = Instant::now() + LONG;
    loop {
        poll_now(&browser).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let seen = run(&browser, &script, Vec::new()).await;
        if seen == want {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the rows never changed in place: {seen}"
        );
    }
    assert_eq!(
        still_marked(&browser, &updated).await,
        Some(true),
        "the updated row is the same element"
    );
    assert_eq!(
        still_marked(&browser, &stopped).await,
        Some(true),
        "the stopped row is the same element"
    );
    let paths = list_paths(&site).await;
    assert!(
        paths.iter().any(|p| p.contains("since=")),
        "polls carried since=: {paths:?}"
    );
    assert!(
        paths.iter().any(|p| one_row(p)),
        "a change refreshed the total and counts with limit=1: {paths:?}"
    );
    assert!(listings(&paths).is_empty(), "no listing again: {paths:?}");

    // The live phases: a deprovisioned deployment leaves the list; rows above it stay.
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "").await;
    browser.wait_path("/deployments").await;
    let live = query(None, "", SortKey::Created, Order::Desc);
    let answer = api(&site, &live, 50).await;
    let table = wait_top(&browser, "the live phases", &answer).await;
    assert!(
        !table.ids().contains(&stopped),
        "a stopped deployment is not live"
    );
    let before = total_of(&answer);
    let gone = settled(&answer, table.loaded().count(), &[&updated])
        .into_iter()
        .map(|p| p.0)
        .find(|id| table.at(0).and_then(|r| r.id.as_ref()) != Some(id))
        .expect("a settled deployment below the first row");
    let first = table.at(0).and_then(|r| r.id.clone()).expect("row 0");
    assert!(mark_row(&browser, &first).await);
    site.forget_requests().await;
    let (status, text) = site
        .api("DELETE", &format!("/api/v1/deployments/{gone}"), None)
        .await;
    assert_eq!(status, 202, "deprovision {gone}: {text}");
    let after = poll_until(&browser, "the deprovisioned row leaves the list", |t| {
        !t.ids().contains(&gone) && t.foot_total() == Some(before - 1)
    })
    .await;
    assert_window(&after, before - 1, "after a row left");
    assert_eq!(
        still_marked(&browser, &first).await,
        Some(true),
        "row 0 stayed the same element"
    );
    let answer = api(&site, &live, 50).await;
    assert!(
        item_ids(&answer).starts_with(&after.ids()),
        "the rows are the API's: {:?}",
        after.ids()
    );
    let paths = list_paths(&site).await;
    assert!(listings(&paths).is_empty(), "no listing again: {paths:?}");
    let expected = expected_options(&answer["counts"]);
    wait_options(&browser, "the phase counts follow the change", &expected).await;

    // Too old for the backend (410): listed again, with nothing said and the rows in place.
    site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "status", "status": 410, "times": 1}))
        .await;
    site.forget_requests().await;
    let deadline = Instant::now() + LONG;
    let log = loop {
        poll_now(&browser).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let log = site.requests().await;
        let expired = log.iter().position(|r| r["status"] == 410);
        let relisted = expired.and_then(|at| {
            log[at + 1..].iter().position(|r| {
                r["status"] == 200
                    && r["path"].as_str().map(meant) == Some(api_path(&live, &[("limit", "50")]))
            })
        });
        if relisted.is_some() {
            break log;
        }
        assert!(
            Instant::now() < deadline,
            "no listing after the 410: {log:#?}"
        );
    };
    let expired = log.iter().find(|r| r["status"] == 410).expect("the 410");
    assert!(
        expired["path"]
            .as_str()
            .is_some_and(|p| p.contains("since=")),
        "the 410 answered a since poll: {expired}"
    );
    let table = wait_top(&browser, "the rows after listing again", &answer).await;
    assert_window(&table, before - 1, "after the 410");
    let errors = run(
        &browser,
        &format!(
            "return [...document.querySelectorAll('[role=alert], [data-testid={rows_error}], [data-testid={load_error}], [data-testid={stale_banner}]')].map(e => e.textContent.trim())",
            rows_error = ids::ROWS_ERROR,
            load_error = ids::LOAD_ERROR,
            stale_banner = ids::STALE_BANNER
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(errors, json!([]), "nothing is said about a 410");
    // The listing brought a version: the next poll asks for changes again.
    site.forget_requests().await;
    let deadline = Instant::now() + LONG;
    loop {
        poll_now(&browser).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let paths = list_paths(&site).await;
        if paths.iter().any(|p| p.contains("since=")) {
            assert!(listings(&paths).is_empty(), "{paths:?}");
            break;
        }
        if Instant::now() >= deadline {
            // What the page itself sent and got (the backend's log shows only what reached it).
            let sent = run(
                &browser,
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/deployments?')).slice(-6).map(e => [e.name.replace(/^.*\\?/, '?'), e.responseStatus, e.transferSize])",
                Vec::new(),
            )
            .await;
            panic!(
                "after the 410 and a new listing, polls never asked since= again; the backend saw only listings: {paths:?}\nthe page's last list requests [query, status, bytes transferred]: {sent:#}\nthe backend's log of the 410: {log:#?}"
            );
        }
    }
    let foot = run(&browser, TEXT, vec![json!(test_id(ids::DEPLOYMENTS_FOOT))]).await;
    eprintln!("footer after the 410: {foot}");
    // The browser logs the 410 answer itself as a failed resource.
    browser.finish(&["status of 410"]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}
