//! Driving the table as a person would: scrolling, keys, the toolbar, and watching its rows and
//! requests.

use std::sync::LazyLock;

use rio_console::ids;
use serde_json::json;

use crate::Browser;
use crate::page::{run, test_id, wait_for};

/// Sets the scrolling area's `scrollTop` (as a person scrolling there) and returns what the
/// browser made of it.
pub async fn scroll_to(browser: &Browser, top: f64) -> f64 {
    run(
        browser,
        &format!(
            "const s = document.querySelector('[data-testid={}]'); s.scrollTop = arguments[0]; return s.scrollTop",
            ids::DEPLOYMENTS_SCROLL
        ),
        vec![json!(top)],
    )
    .await
    .as_f64()
    .unwrap_or(f64::NAN)
}

/// Puts the keyboard on the table.
pub async fn focus_table(browser: &Browser) {
    let focused = run(
        browser,
        &format!(
            "const t = document.querySelector('[data-testid={}]'); t.focus(); return document.activeElement === t",
            ids::DEPLOYMENTS_TABLE
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(focused, json!(true), "the table takes the keyboard focus");
}

/// Presses `key` (a `fantoccini::key::Key` as char) `times` times.
pub async fn press(browser: &Browser, key: char, times: usize) {
    for _ in 0..times {
        browser.press(key).await;
    }
}

/// Picks `value` in the select matching `css`, as a person would (a `change` event follows).
pub async fn choose(browser: &Browser, css: &str, value: &str) {
    let chosen = run(
        browser,
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value",
        vec![json!(css), json!(value)],
    )
    .await;
    assert_eq!(
        chosen.as_str(),
        Some(value),
        "{css} has an option {value:?}"
    );
}

/// Replaces the search field's text at once (one `input` event, as a paste).
pub async fn search(browser: &Browser, text: &str) {
    run(
        browser,
        "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input', {bubbles: true})); return null",
        vec![json!(test_id(ids::DEPLOYMENTS_SEARCH)), json!(text)],
    )
    .await;
}

/// Clicks the sort button of the column headed `label`.
pub async fn sort_by(browser: &Browser, label: &str) {
    let clicked = run(
        browser,
        &format!(
            "const b = [...document.querySelectorAll('[data-testid={}] th button')].find(b => b.textContent.replace(/[▲▼]/g, '').trim() === arguments[0]); if (!b) return false; b.click(); return true",
            ids::DEPLOYMENTS_TABLE
        ),
        vec![json!(label)],
    )
    .await;
    assert_eq!(clicked, json!(true), "a sort button {label:?}");
}

/// The headers' texts, and which of them are sort buttons.
pub async fn headers(browser: &Browser) -> Vec<(String, bool)> {
    run(
        browser,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] thead th')].map(th => [th.textContent.replace(/[▲▼]/g, '').replace(/\\s+/g, ' ').trim(), !!th.querySelector('button')])",
            ids::DEPLOYMENTS_TABLE
        ),
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_bool().unwrap_or(false),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The phase filter's options as (value, text).
pub async fn phase_options(browser: &Browser) -> Vec<(String, String)> {
    run(
        browser,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] option')].map(o => [o.value, o.textContent.trim()])",
            ids::DEPLOYMENTS_PHASE
        ),
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Tells the page it is back online: every live view fetches at once instead of at its next
/// poll (up to 15 s away while nothing moves).
pub async fn poll_now(browser: &Browser) {
    run(
        browser,
        "window.dispatchEvent(new Event('online')); return null",
        Vec::new(),
    )
    .await;
}

/// Marks the row of deployment `id` with a JS property, so [`still_marked`] can tell whether
/// it is still the same element. Whether the row was there.
pub async fn mark_row(browser: &Browser, id: &str) -> bool {
    run(
        browser,
        "const tr = document.querySelector(arguments[0]); if (!tr) return false; tr.__rioMark = arguments[1]; return true",
        vec![json!(crate::page::row(id)), json!(id)],
    )
    .await
        == json!(true)
}

/// Whether the row of deployment `id` is the element [`mark_row`] marked (`None`: no row).
pub async fn still_marked(browser: &Browser, id: &str) -> Option<bool> {
    run(
        browser,
        "const tr = document.querySelector(arguments[0]); return tr ? tr.__rioMark === arguments[1] : null",
        vec![json!(crate::page::row(id)), json!(id)],
    )
    .await
    .as_bool()
}

/// The URLs of the list requests the page made (`/api/v1/deployments…`, from the resource
/// timing entries), oldest first.
pub async fn list_requests_seen(browser: &Browser) -> Vec<String> {
    run(
        browser,
        "return performance.getEntriesByType('resource').map(e => new URL(e.name)).filter(u => u.pathname === '/api/v1/deployments').map(u => u.pathname + u.search)",
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .filter_map(|u| u.as_str().map(String::from))
            .collect()
    })
    .unwrap_or_default()
}

/// The script that reads the phase filter's options as `[value, text]` pairs.
pub static OPTIONS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "return [...document.querySelectorAll('[data-testid={}] option')].map(o => [o.value, o.textContent.trim()])",
        ids::DEPLOYMENTS_PHASE
    )
});

/// Waits until the phase filter's options read `expected` (see [`expected_options`]).
pub async fn wait_options(browser: &Browser, what: &str, expected: &[(String, String)]) {
    let expected = json!(expected);
    wait_for(
        browser,
        what,
        crate::page::LONG,
        &OPTIONS,
        Vec::new(),
        |v| *v == expected,
    )
    .await;
}
