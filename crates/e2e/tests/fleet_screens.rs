//! Every screen at fleet scale, in a real browser against the reference backend seeded with
//! 20,000 deployments on 20,000 robots: a package deployed to a robot found by typing part of
//! its name, with a dependency found by search; that deployment updated, its history paged; a
//! rollout of the 2,000 robots at one site opened and its targets scrolled to the middle; the
//! deployments list jumped to its middle. The backend's request log shows what each screen
//! asked for: pages and searches, never a whole list.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use rio_console::ids;
use rio_e2e::page::{
    LONG, click, fill, pick_deployment, run, search_and_pick_device, tab, test_id, wait_for,
    wait_phase,
};
use rio_e2e::{BackendSite, Browser};
use serde_json::{Value, json};

const DEPLOYMENTS: usize = 20_000;
const ROBOTS: usize = 20_000;

/// The paths (query included) of the API reads the browser sent since the log was cleared.
async fn api_paths(site: &BackendSite) -> Vec<String> {
    site.requests()
        .await
        .iter()
        .filter(|r| r["method"] == "GET")
        .filter_map(|r| r["path"].as_str().map(str::to_string))
        .filter(|p| p.starts_with("/api/"))
        .collect()
}

/// No request read a whole list: every list of deployments or devices had a `limit`, or named
/// what it wanted by ID.
fn assert_nothing_whole(paths: &[String], screen: &str) {
    for path in paths {
        let list = path.starts_with("/api/v1/deployments?")
            || path == "/api/v1/deployments"
            || path.starts_with("/api/v1/devices");
        if list && !path.contains("since=") {
            assert!(
                path.contains("limit=") || path.contains("deviceId="),
                "{screen} read a whole list: {path}"
            );
        }
    }
}

/// Waits (through the API) until deployment `id` is Succeeded.
async fn settled(site: &BackendSite, id: &str) {
    for _ in 0..400 {
        if site.get_json(&format!("/api/v1/deployments/{id}")).await["phase"] == "Succeeded" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never settled");
}

#[tokio::test]
async fn at_fleet_scale_every_screen_reads_what_it_shows() {
    let site = BackendSite::with_fleet_on(DEPLOYMENTS, ROBOTS, "20", &["--enable-faults"]).await;
    let browser = Browser::start().await;

    // A dependency to find: one of the fleet's Succeeded dashboards.
    let found = site
        .get_json("/api/v1/deployments?search=dashboard-osaka&phase=Succeeded&limit=1&sort=name")
        .await;
    let dependency = found["items"][0]["name"]
        .as_str()
        .expect("a dashboard")
        .to_string();

    // Deploy: a robot found by typing part of its name, a dependency found by search.
    site.forget_requests().await;
    browser
        .goto(&site.url("/catalog/pkg-amr-navigation/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    fill(&browser, "field-name", "nav-at-scale").await;
    search_and_pick_device(&browser, "comp-amr-nav", "AMR-01234", "dev-fleet-01234").await;
    run(
        &browser,
        "const l = [...document.querySelectorAll('label.option')].find(l => l.textContent.includes('robot-lan')); l.querySelector('input').click(); return null",
        Vec::new(),
    )
    .await;
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add dependency').click(); return null").await;
    let typed = &dependency[..dependency.len() - 2];
    pick_deployment(
        &browser,
        "field-dependentDeployments-0-",
        typed,
        &dependency,
    )
    .await;
    browser.screenshot("fleet-deploy-form").await;
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    let summary = browser
        .wait_test_id(ids::CONFIRM_STEP)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("amr-01234") && summary.contains(&dependency),
        "{summary}"
    );
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_title("nav-at-scale").await;
    let paths = api_paths(&site).await;
    assert_nothing_whole(&paths, "the deploy form");
    assert!(
        paths
            .iter()
            .any(|p| p.contains("/devices?") && p.contains("search=amr-01234")),
        "the device was searched on the backend: {paths:?}"
    );

    // Update it, from the dialog that names its device.
    wait_phase(&browser, "Succeeded", LONG).await;
    let id = browser
        .path()
        .await
        .trim_start_matches("/deployments/")
        .to_string();
    site.forget_requests().await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    let choice = format!(
        "{} input[type=checkbox][value=\"comp-amr-nav\"]:not([disabled])",
        test_id(ids::UPDATE_DIALOG)
    );
    browser.wait_css(&choice).await;
    let dialog = browser
        .wait_test_id(ids::UPDATE_DIALOG)
        .await
        .text()
        .await
        .unwrap();
    assert!(dialog.contains("Device amr-01234"), "{dialog}");
    click(&browser, &choice).await;
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    browser
        .wait_text(&test_id(ids::DEPLOYMENT_GENERATION), "2")
        .await;
    let paths = api_paths(&site).await;
    assert!(
        paths.iter().any(|p| p.contains("deviceId=dev-fleet-01234")),
        "the dialog read its device by ID: {paths:?}"
    );
    assert_nothing_whole(&paths, "the update dialog");

    // Twenty more generations: History shows the newest 20, then the older ones on request.
    for generation in 2..=22 {
        settled(&site, &id).await;
        let body = json!({"expectedGeneration": generation, "components": ["comp-amr-nav"]});
        let (status, answer) = site
            .api(
                "PATCH",
                &format!("/api/v1/deployments/{id}"),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(status, 202, "{answer}");
    }
    settled(&site, &id).await;
    wait_phase(&browser, "Succeeded", LONG).await;
    click(&browser, &tab("history")).await;
    let rows = format!(
        "{} [data-testid=\"{}\"]",
        test_id(ids::HISTORY_TABLE),
        ids::HISTORY_ROW
    );
    let count = "return document.querySelectorAll(arguments[0]).length";
    wait_for(
        &browser,
        "the newest 20 generations",
        LONG,
        count,
        vec![json!(rows)],
        |n| n == &json!(20),
    )
    .await;
    click(&browser, &test_id(ids::HISTORY_MORE)).await;
    wait_for(
        &browser,
        "all 23 generations",
        LONG,
        count,
        vec![json!(rows)],
        |n| n == &json!(23),
    )
    .await;
    let oldest = run(
        &browser,
        "const r = [...document.querySelectorAll(arguments[0])]; return r[r.length - 1].dataset.generation",
        vec![json!(rows)],
    )
    .await;
    assert_eq!(oldest, json!("1"));
    browser.screenshot("fleet-history").await;

    // A rollout of the robots at one site: its targets scrolled to the middle.
    let request = json!({
        "packageId": "pkg-amr-navigation", "planId": "plan-amr-navigation",
        "componentId": "comp-amr-nav", "name": "e2e-{device}",
        "selector": [{"key": "site", "value": "tokyo"}],
        "routedNetworks": [{"guid": "net-robot-lan"}], "waves": [1, "100%"], "maxFailures": 50
    });
    let (status, made) = site
        .api("POST", "/api/v1/rollouts", Some(&request.to_string()))
        .await;
    assert_eq!(status, 201, "{made}");
    let made: Value = serde_json::from_str(&made).unwrap();
    let rollout = made["rolloutId"].as_str().unwrap().to_string();
    let total = made["counts"]
        .as_object()
        .map(|c| c.values().filter_map(Value::as_u64).sum::<u64>())
        .unwrap_or(0);
    assert!(total >= 1_800, "the robots at tokyo: {total}");
    // Settled first: while 2,000 deployments start at once, more than a poll's worth of
    // targets change between polls, and the table reads its rows again each time (410).
    for _ in 0..600 {
        if site.get_json(&format!("/api/v1/rollouts/{rollout}")).await["state"] == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    site.forget_requests().await;
    browser
        .goto(&site.url(&format!("/rollouts/{rollout}")))
        .await;
    browser.wait_test_id(ids::TARGET_ROW).await;
    let middle = total / 2;
    run(
        &browser,
        "document.querySelector(arguments[0]).closest('.table-scroll').scrollTop = arguments[1] * 56; return null",
        vec![json!(test_id(ids::TARGETS_TABLE)), json!(middle)],
    )
    .await;
    wait_for(
        &browser,
        "the middle of the targets",
        LONG,
        "const f = document.querySelector(arguments[0]); return f ? f.textContent : null",
        vec![json!(test_id(ids::TARGETS_FOOT))],
        |text| {
            text.as_str().is_some_and(|t| {
                t.starts_with(&format!(
                    "Targets {}",
                    rio_console::format::count(middle as usize + 1)
                ))
            })
        },
    )
    .await;
    wait_for(
        &browser,
        "the middle rows read",
        LONG,
        "return document.querySelectorAll(arguments[0]).length > 0 && !document.querySelector(arguments[1])",
        vec![json!(test_id(ids::TARGET_ROW)), json!(test_id(ids::PENDING_ROW))],
        |done| done == &json!(true),
    )
    .await;
    browser.screenshot("fleet-rollout-targets").await;
    let paths = api_paths(&site).await;
    let target_pages: Vec<&String> = paths
        .iter()
        .filter(|p| p.contains("/targets") && !p.contains("since="))
        .collect();
    let offsets: Vec<u64> = target_pages
        .iter()
        .filter_map(|p| p.split("offset=").nth(1))
        .filter_map(|o| o.split('&').next()?.parse().ok())
        .collect();
    assert!(
        offsets
            .iter()
            .any(|o| (middle.saturating_sub(50)..=middle).contains(o)),
        "the middle was read where it is: {target_pages:?}"
    );
    assert!(
        target_pages.len() <= 4,
        "a page to start, one or two for the middle: {target_pages:?}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with(&format!("/rollouts/{rollout}")) && p.contains("targets=")),
        "{paths:?}"
    );

    // The deployments list, jumped to its middle: one read there.
    browser.goto(&site.url("/deployments?phase=all")).await;
    browser.wait_test_id(ids::DEPLOYMENT_ROW).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    site.forget_requests().await;
    let row = 10_000;
    run(
        &browser,
        "document.querySelector(arguments[0]).closest('.table-scroll').scrollTop = arguments[1] * 56; return null",
        vec![json!(test_id(ids::DEPLOYMENTS_TABLE)), json!(row)],
    )
    .await;
    wait_for(
        &browser,
        "row 10,003 read",
        LONG,
        "return !!document.querySelector(arguments[0]) && !document.querySelector(arguments[1])",
        vec![
            json!(format!(
                "{}[data-index=\"{}\"]",
                test_id(ids::DEPLOYMENT_ROW),
                row + 3
            )),
            json!(test_id(ids::PENDING_ROW)),
        ],
        |done| done == &json!(true),
    )
    .await;
    let paths = api_paths(&site).await;
    let pages: Vec<&String> = paths
        .iter()
        .filter(|p| p.starts_with("/api/v1/deployments?") && !p.contains("since="))
        .collect();
    assert!(
        !pages.is_empty() && pages.len() <= 2 && pages.iter().all(|p| p.contains("offset=")),
        "a jump is a read where it lands: {pages:?}"
    );
    browser.screenshot("fleet-list-jump").await;
    browser.finish(&[]).await;
}
