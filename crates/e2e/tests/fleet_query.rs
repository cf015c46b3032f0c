//! The deployments list's filters at fleet scale, in a real browser, against the reference
//! backend with a synthetic fleet of 20,000: the phase options count what each phase would
//! show, the phase, a search and the sort run on the backend and go into the URL, a query
//! replaced before its answer came drops that answer, the label widget counts in words, and
//! rows past the new query's first page still load as the view reaches them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use platform::list::{DeploymentQuery, Order, SortKey};
use platform::phase::Phase;
use platform::wire::Label;
use rio_console::ids;
use rio_e2e::Browser;
use rio_e2e::list::{
    self, api, assert_window, choose, count, expected_options, fleet_site, list_paths,
    phase_options, query, reversed, scroll_to, search, sort_by, total_of, wait_options, wait_top,
};
use rio_e2e::page::{LONG, test_id};
use serde_json::json;
use tokio::time::Instant;

/// Deployments in the synthetic fleet.
const FLEET: usize = 20_000;

/// A smaller fleet, for what does not need the whole one.
const SMALL_FLEET: usize = 5_000;

#[tokio::test]
async fn phase_counts_search_and_sort_run_on_the_backend_into_the_url_and_drop_old_answers() {
    let started = Instant::now();
    let site = fleet_site(FLEET).await;
    let default = query(None, "", SortKey::Created, Order::Desc);
    let top = api(&site, &default, 50).await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    wait_top(&browser, "the first rows", &top).await;
    let expected = expected_options(&top["counts"]);
    wait_options(
        &browser,
        "the phase options show the API's counts",
        &expected,
    )
    .await;
    eprintln!("phase options: {:?}", phase_options(&browser).await);
    // Package and Status no longer sort.
    let heads = list::headers(&browser).await;
    for (label, sorts) in [
        ("Name", true),
        ("Package", false),
        ("Phase", true),
        ("Status", false),
        ("Generation", true),
        ("Created", true),
    ] {
        assert!(
            heads.iter().any(|(h, s)| h == label && *s == sorts),
            "{label} sortable = {sorts}: {heads:?}"
        );
    }

    // One phase.
    choose(
        &browser,
        &test_id(ids::DEPLOYMENTS_PHASE),
        "Failed to update",
    )
    .await;
    browser
        .wait_path("/deployments?phase=Failed%20to%20update")
        .await;
    let failed = query(
        Some(vec![Phase::FailedToUpdate]),
        "",
        SortKey::Created,
        Order::Desc,
    );
    let answer = api(&site, &failed, 50).await;
    let table = wait_top(&browser, "the Failed to update rows", &answer).await;
    assert_window(&table, total_of(&answer), "one phase");
    assert!(
        table
            .loaded()
            .all(|r| r.phase.as_deref() == Some("Failed to update")),
        "{:#}",
        table.raw
    );
    let shot = browser.screenshot("fleet-list-phase-filter").await;
    eprintln!("screenshot {}", shot.display());

    // A site's name: the counts follow the search.
    search(&browser, "tokyo").await;
    browser
        .wait_path("/deployments?phase=Failed%20to%20update&q=tokyo")
        .await;
    let tokyo = query(
        Some(vec![Phase::FailedToUpdate]),
        "tokyo",
        SortKey::Created,
        Order::Desc,
    );
    let answer = api(&site, &tokyo, 50).await;
    let table = wait_top(&browser, "the rows of tokyo", &answer).await;
    assert!(
        table.names().iter().all(|n| n.contains("tokyo")),
        "{:?}",
        table.names()
    );
    let expected = expected_options(&answer["counts"]);
    wait_options(&browser, "the phase counts under the search", &expected).await;

    // By name, A to Z, then Z to A.
    sort_by(&browser, "Name").await;
    browser
        .wait_path("/deployments?phase=Failed%20to%20update&q=tokyo&sort=name")
        .await;
    let by_name = query(
        Some(vec![Phase::FailedToUpdate]),
        "tokyo",
        SortKey::Name,
        Order::Asc,
    );
    let answer = api(&site, &by_name, 50).await;
    let table = wait_top(&browser, "the rows by name", &answer).await;
    let names = table.names();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "A to Z: {names:?}");
    sort_by(&browser, "Name").await;
    browser
        .wait_path("/deployments?phase=Failed%20to%20update&q=tokyo&sort=name&desc=1")
        .await;
    let answer = api(&site, &reversed(&by_name), 50).await;
    wait_top(&browser, "the rows by name, Z to A", &answer).await;

    // A query replaced before its answer came: that answer, late, is dropped.
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "all").await;
    browser
        .wait_path("/deployments?phase=all&q=tokyo&sort=name&desc=1")
        .await;
    let all_tokyo = query(Some(Vec::new()), "tokyo", SortKey::Name, Order::Desc);
    wait_top(
        &browser,
        "all phases of tokyo",
        &api(&site, &all_tokyo, 50).await,
    )
    .await;
    site.forget_requests().await;
    site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "late", "delayMs": 2500, "times": 1}))
        .await;
    search(&browser, "osaka").await;
    browser
        .wait_path("/deployments?phase=all&q=osaka&sort=name&desc=1")
        .await;
    search(&browser, "kobe").await;
    browser
        .wait_path("/deployments?phase=all&q=kobe&sort=name&desc=1")
        .await;
    let kobe = query(Some(Vec::new()), "kobe", SortKey::Name, Order::Desc);
    let answer = api(&site, &kobe, 50).await;
    wait_top(&browser, "the rows of kobe", &answer).await;
    let lists = list_paths(&site).await;
    assert!(
        lists.first().is_some_and(|p| p.contains("search=osaka")),
        "the late answer was osaka's: {lists:?}"
    );
    let until = Instant::now() + Duration::from_millis(3_500);
    while Instant::now() < until {
        let table = list::read(&browser).await.expect("the table");
        assert!(
            table.names().iter().all(|n| n.contains("kobe"))
                && table.foot_total() == Some(total_of(&answer)),
            "osaka's late answer must not show: {:#}",
            table.raw
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("list requests around the replaced query: {lists:?}");

    // The widget: one label, its count in words.
    let label = Label {
        key: "site".into(),
        value: "tokyo".into(),
    };
    let widget = DeploymentQuery::new(
        Phase::live_phases(),
        vec![label],
        "",
        "",
        SortKey::Created,
        Order::Desc,
    );
    let answer = api(&site, &widget, 1).await;
    browser
        .goto(&site.url("/widgets/deployments?label=site%3Atokyo"))
        .await;
    let expected = format!("{} deployments", count(total_of(&answer) as u64));
    rio_e2e::page::wait_text(&browser, &test_id(ids::DEPLOYMENTS_FOOT), &expected, LONG).await;
    let table = list::read(&browser).await.expect("the widget's table");
    assert_window(&table, total_of(&answer), "the widget");
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}

#[tokio::test]
async fn rows_past_the_first_page_load_after_the_query_changes() {
    let started = Instant::now();
    let site = fleet_site(SMALL_FLEET).await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    let default = query(None, "", SortKey::Created, Order::Desc);
    wait_top(&browser, "the first rows", &api(&site, &default, 50).await).await;
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "all").await;
    browser.wait_path("/deployments?phase=all").await;
    let all = query(Some(Vec::new()), "", SortKey::Created, Order::Desc);
    let answer = api(&site, &all, 50).await;
    let top = wait_top(&browser, "the first rows of all phases", &answer).await;
    eprintln!("footer with the new query's first rows: {:?}", top.foot);
    let before = list_paths(&site).await;
    site.forget_requests().await;
    // Past the first page (50 rows): the rows are read as the view reaches them.
    scroll_to(&browser, 100.0 * list::ROW_HEIGHT).await;
    let deadline = Instant::now() + LONG;
    let table = loop {
        let table = list::read(&browser).await.expect("the table");
        if table.first_in_view() == 100 && table.pending().count() == 0 && table.at(100).is_some() {
            break table;
        }
        if Instant::now() > deadline {
            panic!(
                "rows 101 on never came after the query changed: footer {:?}, {} pending rows; list requests for the new query: {before:?}, then since the scroll: {:?}",
                table.foot,
                table.pending().count(),
                list_paths(&site).await
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_window(&table, total_of(&answer), "past the first page");
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}
