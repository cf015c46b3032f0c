//! The deployments list at fleet scale, in a real browser, against the reference backend filled
//! with a synthetic fleet (`seed-fleet`): the first rows come from one `limit=50` request and
//! the window holds only the rows in view plus a margin; either end is one request away
//! (scrolled to, or End) and matches the API's answer in the other order; the keys move a row
//! focus that Enter opens; rows still on their way stand as pending rows and arrive in place,
//! even when the view moves on while they load. Filters, search and sort are in
//! `fleet_query.rs`, polls in `fleet_changes.rs`, the whole-list backend and the demo in
//! `fleet_whole.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use fantoccini::key::Key;
use platform::list::{Order, SortKey};
use rio_e2e::Browser;
use rio_e2e::list::{
    self, api, api_path, assert_window, count, fleet_site, focus_table, item_ids, list_paths,
    press, query, reversed, scroll_to, shows_top_of, total_of, wait_table, wait_top,
};
use rio_e2e::page::LONG;
use serde_json::json;
use tokio::time::Instant;

/// Deployments in the synthetic fleet.
const FLEET: usize = 20_000;

/// A smaller fleet, for what does not need the whole one.
const SMALL_FLEET: usize = 5_000;

#[tokio::test]
async fn a_fleet_opens_at_the_top_reaches_either_end_in_one_request_and_the_keys_move_a_focus() {
    let started = Instant::now();
    let site = fleet_site(FLEET).await;
    let default = query(None, "", SortKey::Created, Order::Desc);
    let top = api(&site, &default, 50).await;
    let total = total_of(&top);
    assert!(
        (FLEET / 2..=FLEET + 20).contains(&total),
        "the live part of the fleet: {total}"
    );
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    let opened = Instant::now();
    let table = wait_top(&browser, "the first rows and the footer", &top).await;
    eprintln!("first rows shown {:.1?} after opening", opened.elapsed());
    assert_window(&table, total, "at the top");
    let (first, last, of) = table.foot_numbers().expect("rows A–B of N");
    assert_eq!((first, of), (1, total), "{}", table.foot);
    assert!((4..=16).contains(&last), "a screen of rows: {}", table.foot);
    assert_eq!(
        table.foot,
        format!("rows 1–{last} of {}", count(total as u64))
    );
    // The first request asked for the default query's first 50 rows; nothing else was needed.
    let lists = list_paths(&site).await;
    assert_eq!(
        lists.first(),
        Some(&api_path(&default, &[("limit", "50")])),
        "the first list request: {lists:?}"
    );
    assert!(
        lists.iter().all(|p| p.contains("since=") || *p == lists[0]),
        "only the first page was read for the top: {lists:?}"
    );
    // The first ArrowDown puts the row focus on the first row.
    focus_table(&browser).await;
    browser.press(Key::Down.into()).await;
    wait_table(&browser, "ArrowDown focuses row 0", LONG, |t| {
        t.at(0).is_some_and(|r| r.focused) && t.active.as_deref() == Some("deployment-row-0")
    })
    .await;

    // Scrolled to the end: the last rows, read from the bottom in one request, are the API's
    // answer to the same query in the other order.
    site.forget_requests().await;
    scroll_to(&browser, table.scroll_height).await;
    let bottom = api(&site, &reversed(&default), 40).await;
    let end = wait_table(
        &browser,
        "the last rows after scrolling to the end",
        LONG,
        |t| t.at(total - 1).is_some() && t.pending().count() == 0,
    )
    .await;
    assert_window(&end, total, "scrolled to the end");
    let shown: Vec<String> = end.ids().into_iter().rev().collect();
    assert!(
        item_ids(&bottom).starts_with(&shown),
        "the last rows, bottom up: {shown:?}\nthe API in the other order: {:?}",
        item_ids(&bottom)
    );
    let (first, last, _) = end.foot_numbers().expect("rows A–B of N");
    assert_eq!(last, total, "{}", end.foot);
    assert_eq!(first, end.first_in_view() + 1, "{}", end.foot);
    let reads: Vec<String> = list_paths(&site)
        .await
        .into_iter()
        .filter(|p| !p.contains("since="))
        .collect();
    let from_bottom = format!("{}&limit=", api_path(&reversed(&default), &[]));
    assert!(
        reads.len() == 1 && reads[0].starts_with(&from_bottom),
        "one request in the other order reads the end: {reads:?}"
    );

    // Home: back to the top, the first row focused; ArrowDown ×3 and Enter open the 4th row.
    focus_table(&browser).await;
    browser.press(Key::Home.into()).await;
    let home = wait_table(&browser, "Home goes back to the top", LONG, |t| {
        t.scroll_top == 0.0
            && t.at(0).is_some_and(|r| r.focused)
            && t.active.as_deref() == Some("deployment-row-0")
            && shows_top_of(t, &top)
    })
    .await;
    assert_window(&home, total, "back at the top");
    press(&browser, Key::Down.into(), 3).await;
    let fourth = wait_table(&browser, "ArrowDown ×3 focuses the 4th row", LONG, |t| {
        t.active.as_deref() == Some("deployment-row-3") && t.at(3).is_some_and(|r| r.focused)
    })
    .await;
    assert_eq!(fourth.rows.iter().filter(|r| r.focused).count(), 1);
    let id = fourth.at(3).and_then(|r| r.id.clone()).expect("row 3's ID");
    assert_eq!(Some(&id), item_ids(&top).get(3));
    browser.press(Key::Enter.into()).await;
    browser.wait_path(&format!("/deployments/{id}")).await;

    // A new page: End focuses the last row, one request away.
    browser.goto(&site.url("/deployments")).await;
    wait_top(&browser, "the list again", &top).await;
    site.forget_requests().await;
    focus_table(&browser).await;
    browser.press(Key::End.into()).await;
    let at_end = wait_table(&browser, "End focuses and shows the last row", LONG, |t| {
        let active = format!("deployment-row-{}", total - 1);
        t.at(total - 1).is_some_and(|r| r.focused)
            && t.active.as_deref() == Some(active.as_str())
            && t.pending().count() == 0
    })
    .await;
    assert_window(&at_end, total, "after End");
    assert_eq!(
        at_end.at(total - 1).and_then(|r| r.id.clone()),
        item_ids(&bottom).first().cloned(),
        "the last row is the API's first in the other order"
    );
    let last_row_bottom = (total as f64) * list::ROW_HEIGHT;
    assert!(
        at_end.scroll_top + at_end.client_height - at_end.head_height >= last_row_bottom - 1.0,
        "the focused last row is scrolled into view: {:#}",
        at_end.raw
    );
    let reads: Vec<String> = list_paths(&site)
        .await
        .into_iter()
        .filter(|p| !p.contains("since="))
        .collect();
    assert!(
        reads.len() == 1 && reads[0].starts_with(&from_bottom),
        "End is one request away: {reads:?}"
    );
    // PageUp moves the focus a screen up, still in view.
    browser.press(Key::PageUp.into()).await;
    wait_table(&browser, "PageUp moves the focus a screen up", LONG, |t| {
        t.rows.iter().any(|r| {
            r.focused
                && r.index
                    .is_some_and(|i| (total - 20..total - 5).contains(&i))
        })
    })
    .await;

    // The middle: rows still on their way stand as pending rows, then arrive in place. Two
    // slow answers keep them pending long enough to be seen.
    site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "delay", "delayMs": 1500, "times": 2}))
        .await;
    let middle_top = ((total / 2) as f64 * list::ROW_HEIGHT).round();
    scroll_to(&browser, middle_top).await;
    let caught = wait_table(
        &browser,
        "the middle's rows, pending or loaded",
        LONG,
        |t| t.first_in_view() == total / 2,
    )
    .await;
    eprintln!(
        "scrolled to the middle: {} pending rows, {} loaded",
        caught.pending().count(),
        caught.loaded().count()
    );
    assert_window(&caught, total, "in the middle, loading");
    let shot = browser.screenshot("fleet-list-middle-pending").await;
    eprintln!("screenshot {}", shot.display());
    let middle = wait_table(&browser, "the middle's rows arrive", LONG, |t| {
        t.pending().count() == 0 && t.at(total / 2).is_some()
    })
    .await;
    assert_window(&middle, total, "in the middle");
    let (first, _, of) = middle.foot_numbers().expect("rows A–B of N");
    assert_eq!((first, of), (total / 2 + 1, total), "{}", middle.foot);
    browser.screenshot("fleet-list-middle").await;
    // The middle rows are in the list's order: newest first, ties by ID.
    let mut keys = Vec::new();
    for id in middle.ids() {
        let d = site.get_json(&format!("/api/v1/deployments/{id}")).await;
        let created = d["CreatedAt"].as_str().or(d["createdAt"].as_str());
        keys.push((created.unwrap_or_default().to_string(), id));
    }
    assert!(
        keys.windows(2).all(|w| w[0] >= w[1]),
        "the middle rows are newest first: {keys:?}"
    );
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}

#[tokio::test]
async fn rows_still_arrive_when_the_view_moves_on_while_they_load() {
    // A person dragging through the list moves the view while rows are on their way: the rows
    // where the view stops must still come.
    let started = Instant::now();
    let site = fleet_site(SMALL_FLEET).await;
    let default = query(None, "", SortKey::Created, Order::Desc);
    let top = api(&site, &default, 50).await;
    let total = total_of(&top);
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    wait_top(&browser, "the first rows", &top).await;
    // The next answer is slow, so the view moves on before it comes.
    site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "delay", "delayMs": 1500, "times": 1}))
        .await;
    site.forget_requests().await;
    scroll_to(&browser, 1_000.0 * list::ROW_HEIGHT).await;
    wait_table(&browser, "row 1,001 is pending", LONG, |t| {
        t.first_in_view() == 1_000 && t.pending().count() > 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    scroll_to(&browser, 1_010.0 * list::ROW_HEIGHT).await;
    let deadline = Instant::now() + LONG;
    let table = loop {
        let table = list::read(&browser).await.expect("the table");
        if table.first_in_view() == 1_010
            && table.pending().count() == 0
            && table.at(1_010).is_some()
        {
            break table;
        }
        if Instant::now() > deadline {
            panic!(
                "the rows where the view stopped (1,011 on) never came: footer {:?}, {} pending rows, {} loaded; list requests since the first scroll: {:?}",
                table.foot,
                table.pending().count(),
                table.loaded().count(),
                list_paths(&site).await
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_window(&table, total, "where the view stopped");
    browser.finish(&[]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}

#[tokio::test]
async fn rows_that_cannot_be_loaded_say_so_and_try_again_loads_them() {
    let started = Instant::now();
    let site = fleet_site(SMALL_FLEET).await;
    let default = query(None, "", SortKey::Created, Order::Desc);
    let top = api(&site, &default, 50).await;
    let total = total_of(&top);
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    wait_top(&browser, "the first rows", &top).await;
    // Every list request fails from now on, until the faults are cleared.
    site.inject(
        &json!({"method": "GET", "path": "/api/v1/deployments", "kind": "status", "status": 503}),
    )
    .await;
    scroll_to(&browser, 2_000.0 * list::ROW_HEIGHT).await;
    let failed = wait_table(&browser, "the rows error", LONG, |t| t.rows_error.is_some()).await;
    let error = failed.rows_error.clone().unwrap_or_default();
    assert!(
        error.starts_with("Some rows could not be loaded") && error.ends_with("Try again"),
        "{error}"
    );
    assert!(
        failed.pending().count() > 0 && failed.first_in_view() == 2_000,
        "the rows stay pending in place: {:#}",
        failed.raw
    );
    assert_window(&failed, total, "rows that could not be loaded");
    browser.screenshot("fleet-list-rows-error").await;
    site.clear_faults().await;
    rio_e2e::page::click(
        &browser,
        &format!(
            "{} button",
            rio_e2e::page::test_id(rio_console::ids::ROWS_ERROR)
        ),
    )
    .await;
    let table = wait_table(&browser, "Try again loads the rows", LONG, |t| {
        t.rows_error.is_none() && t.pending().count() == 0 && t.at(2_000).is_some()
    })
    .await;
    assert_window(&table, total, "after Try again");
    browser.finish(&["status of 503"]).await;
    eprintln!("test took {:.1?}", started.elapsed());
}
