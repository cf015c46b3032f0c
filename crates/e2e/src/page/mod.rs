//! Reading and driving the console's pages in a test: scripts run in the page, waits with a
//! timeout that fail with what was last seen, and the steps several tests share (an update
//! through its dialog, a device switched in the demo's simulation panel).

mod demo;
mod deploy;
mod deployment;
mod watch;

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::Browser;

pub use demo::{DEMO_WAIT, dismiss_tour, sim_set_device};
pub use deploy::{
    devices_note, pick_deployment, search_and_pick_device, show_other_devices, type_into,
};
pub use deployment::{
    OVERVIEW, ROW_NAMES, code_entry, overview, row, row_id, row_names, tab, update_from_dialog,
    wait_phase,
};
pub use watch::{since_shown, wait_watched, watch, watched};

/// Long enough for any phase change at the backend harness's speed, on a busy machine.
pub const LONG: Duration = Duration::from_secs(30);

/// A CSS selector for the element(s) with this `data-testid`.
pub fn test_id(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Runs `script` (a function body; `arguments[i]` are `args`) in the page.
pub async fn run(browser: &Browser, script: &str, args: Vec<Value>) -> Value {
    browser
        .client()
        .execute(script, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Runs `script` every 100 ms until `done` accepts its value, for at most `timeout`; returns
/// that value. Fails with `what` and the last value seen.
pub async fn wait_for(
    browser: &Browser,
    what: &str,
    timeout: Duration,
    script: &str,
    args: Vec<Value>,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let value = run(browser, script, args.clone()).await;
        if done(&value) {
            return value;
        }
        if Instant::now() >= deadline {
            // A panic in the app often explains what the page never showed.
            let errors: Vec<String> = browser
                .logs()
                .await
                .into_iter()
                .filter(|entry| entry.level == "SEVERE")
                .map(|entry| entry.message)
                .collect();
            panic!(
                "{what}: not within {timeout:?}; last seen {value}\nbrowser console errors:\n{}",
                errors.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first element matching `arguments[0]`, whitespace collapsed (null if none).
pub const TEXT: &str = "const e = document.querySelector(arguments[0]); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null";

/// The text of the element matching `css` (empty when there is none).
pub async fn text(browser: &Browser, css: &str) -> String {
    run(browser, TEXT, vec![json!(css)])
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until the element matching `css` reads `expected`.
pub async fn wait_text(browser: &Browser, css: &str, expected: &str, timeout: Duration) {
    wait_for(
        browser,
        &format!("`{css}` reads {expected:?}"),
        timeout,
        TEXT,
        vec![json!(css)],
        |v| v.as_str() == Some(expected),
    )
    .await;
}

/// Waits for the element matching `css` and clicks it.
pub async fn click(browser: &Browser, css: &str) {
    browser
        .wait_css(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Reloads the current URL (a new page load, as a person pressing F5).
pub async fn reload(browser: &Browser, base: &str) {
    let here = browser.path().await;
    browser.goto(&format!("{base}{here}")).await;
}

/// Waits until the `<dialog>` with this test id is open (or closed).
pub async fn wait_dialog(browser: &Browser, test_id_value: &str, open: bool) {
    wait_for(
        browser,
        &format!("dialog {test_id_value} open = {open}"),
        LONG,
        "const d = document.querySelector(arguments[0]); return !!(d && d.open)",
        vec![json!(test_id(test_id_value))],
        |v| v.as_bool() == Some(open),
    )
    .await;
}

/// Whether the element with this test id is shown: present and not `hidden` (null if absent).
pub const SHOWN: &str =
    "const e = document.querySelector(arguments[0]); return e ? !e.closest('[hidden]') : null";

/// Waits until the element with this test id is shown (`true`) or hidden (`false`).
pub async fn wait_shown(browser: &Browser, test_id_value: &str, shown: bool) {
    wait_for(
        browser,
        &format!("{test_id_value} shown = {shown}"),
        LONG,
        SHOWN,
        vec![json!(test_id(test_id_value))],
        |v| v.as_bool() == Some(shown),
    )
    .await;
}

/// Types into the input with this DOM id (replacing its text) and leaves the field. An `input`
/// event follows, since clearing alone (for an empty value) fires none.
pub async fn fill(browser: &Browser, dom_id: &str, text: &str) {
    let input = browser.wait_css(&format!("#{dom_id}")).await;
    input.clear().await.expect("clear");
    input.send_keys(text).await.expect("type");
    browser
        .eval(&format!(
            "const i = document.getElementById('{dom_id}'); i.dispatchEvent(new Event('input')); i.dispatchEvent(new Event('blur')); return null"
        ))
        .await;
}
