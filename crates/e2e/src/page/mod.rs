//! Reading and driving the console's pages in a test: scripts run in the page, waits with a
//! timeout that fail with what was last seen, and the steps several tests share (an update
//! through its dialog, a device switched in the demo's simulation panel).

use std::sync::LazyLock;
use std::time::Duration;

use rio_console::ids;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::Browser;

/// Long enough for any phase change at the backend harness's speed, on a busy machine.
pub const LONG: Duration = Duration::from_secs(30);

/// The demo runs at the platform's own pace (3 s In progress, 5 s Provisioning, 1 s ticks).
pub const DEMO_WAIT: Duration = Duration::from_secs(45);

/// A CSS selector for the element(s) with this `data-testid`.
pub fn test_id(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// The Details, History or Logs tab (`word` is `details`, `history` or `logs`).
pub fn tab(word: &str) -> String {
    test_id(&format!("{}-{word}", ids::TAB))
}

/// The deployments table's row of the deployment with this ID.
pub fn row(id: &str) -> String {
    format!(
        "[data-testid=\"{}\"][data-id=\"{id}\"]",
        ids::DEPLOYMENT_ROW
    )
}

/// The meaning and recommended action of `code`, from the platform's table.
pub fn code_entry(code: &str) -> (String, String) {
    let path = crate::workspace_root().join("crates/platform/data/error-codes.tsv");
    let table =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    table
        .lines()
        .skip(1)
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&code) && fields.len() >= 3)
        .map(|fields| (fields[1].to_string(), fields[2].to_string()))
        .unwrap_or_else(|| panic!("{code} is not in {}", path.display()))
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

/// The details page's phase, status, generation, Update button and bar, read at one instant.
pub static OVERVIEW: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"
const text = s => {{ const e = document.querySelector(s); return e ? e.textContent.replace(/\s+/g, ' ').trim() : null; }};
const bar = document.querySelector('[data-testid={phase_bar}]');
const update = document.querySelector('[data-testid={update_deployment}]');
const dialog = document.querySelector('[data-testid={update_dialog}]');
return {{
  dialogOpen: !!(dialog && dialog.open),
  updateError: text('[data-testid={update_error}]'),
  phase: text('[data-testid={deployment_phase}]'),
  status: text('[data-testid={deployment_status}]'),
  generation: text('[data-testid={deployment_generation}]'),
  updateDisabled: update ? update.disabled : null,
  updateTitle: update ? update.title : null,
  blocked: text('[data-testid={update_blocked}]'),
  barClass: bar ? bar.className : null,
  valueNow: bar ? bar.getAttribute('aria-valuenow') : null,
  stages: bar ? [...bar.querySelectorAll('li[data-stage]')].map(li => [li.dataset.stage, li.className]) : [],
}};
"#,
        phase_bar = ids::PHASE_BAR,
        update_deployment = ids::UPDATE_DEPLOYMENT,
        update_dialog = ids::UPDATE_DIALOG,
        update_error = ids::UPDATE_ERROR,
        deployment_phase = ids::DEPLOYMENT_PHASE,
        deployment_status = ids::DEPLOYMENT_STATUS,
        deployment_generation = ids::DEPLOYMENT_GENERATION,
        update_blocked = ids::UPDATE_BLOCKED,
    )
});

/// The details page's overview (see `OVERVIEW`), read now.
pub async fn overview(browser: &Browser) -> Value {
    run(browser, &OVERVIEW, Vec::new()).await
}

/// Waits until the details page shows `phase`.
pub async fn wait_phase(browser: &Browser, phase: &str, timeout: Duration) {
    wait_text(browser, &test_id(ids::DEPLOYMENT_PHASE), phase, timeout).await;
}

/// Opens Update Deployment, ticks `components`, takes the screenshot `shot` (if any), submits
/// and returns the overview read at the first instant the dialog is closed again.
pub async fn update_from_dialog(
    browser: &Browser,
    components: &[&str],
    shot: Option<&str>,
) -> Value {
    let button = browser.wait_test_id(ids::UPDATE_DEPLOYMENT).await;
    assert_eq!(
        button.attr("disabled").await.expect("disabled attribute"),
        None,
        "Update Deployment is enabled: {}",
        overview(browser).await
    );
    button.click().await.expect("click Update Deployment");
    wait_dialog(browser, ids::UPDATE_DIALOG, true).await;
    for component in components {
        // Device components wait for the device list before they can be chosen.
        click(
            browser,
            &format!(
                "{} input[type=checkbox][value=\"{component}\"]:not([disabled])",
                test_id(ids::UPDATE_DIALOG)
            ),
        )
        .await;
    }
    if let Some(shot) = shot {
        browser.screenshot(shot).await;
    }
    click(browser, &test_id(ids::UPDATE_SUBMIT)).await;
    // Either the dialog closes (the update went through) or it says why not.
    let after = wait_for(
        browser,
        "the update dialog closes after Update",
        LONG,
        &OVERVIEW,
        Vec::new(),
        |v| v["dialogOpen"] == false || v["updateError"].is_string(),
    )
    .await;
    assert_eq!(
        after["dialogOpen"], false,
        "the update was refused: {after}"
    );
    after
}

/// The names in the deployments table, in the order shown (a script).
pub static ROW_NAMES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "return [...document.querySelectorAll('[data-testid={}] a.row-link')].map(a => a.textContent.trim())",
        ids::DEPLOYMENT_ROW
    )
});

/// The names in the deployments table, in the order shown (see `ROW_NAMES`).
pub async fn row_names(browser: &Browser) -> Vec<String> {
    run(browser, &ROW_NAMES, Vec::new())
        .await
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Sets a device online or offline through the demo's simulation panel (opened and closed
/// again around the click).
pub async fn sim_set_device(browser: &Browser, uuid: &str, online: bool) {
    let device = format!("{}[data-uuid=\"{uuid}\"]", test_id(ids::SIM_DEVICE));
    click(browser, &test_id(ids::SIM_TOGGLE)).await;
    let (before, after) = if online {
        ("Bring online", "Take offline")
    } else {
        ("Take offline", "Bring online")
    };
    wait_text(browser, &device, before, LONG).await;
    click(browser, &device).await;
    wait_text(browser, &device, after, LONG).await;
    click(browser, &test_id(ids::SIM_TOGGLE)).await;
}

/// The ID of the deployments table's row named `name` (waits for the row).
pub async fn row_id(browser: &Browser, name: &str) -> String {
    wait_for(
        browser,
        &format!("a row for {name}"),
        LONG,
        &format!(
            "const a = [...document.querySelectorAll('[data-testid={}] a.row-link')].find(a => a.textContent.trim() === arguments[0]); return a ? a.closest('tr').dataset.id : null",
            ids::DEPLOYMENT_ROW
        ),
        vec![json!(name)],
        Value::is_string,
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
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

/// Dismisses the demo's first-visit tour ("Got it"): on a first visit its card sits over the
/// bottom-right corner of every page, where it would take the clicks a test aims there.
pub async fn dismiss_tour(browser: &Browser) {
    click(browser, &test_id(ids::DEMO_TOUR_DISMISS)).await;
    wait_shown(browser, ids::DEMO_TOUR, false).await;
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

/// Records, in every document opened from now on (from its very start), each change of what
/// the elements matching `selectors` read (`null` while absent or hidden), with the time: so a
/// test sees states too brief to poll for. Read them with [`watched`].
pub async fn watch(browser: &Browser, selectors: &[&str]) {
    let script = format!(
        r#"(() => {{
  const selectors = {};
  const seen = window.__rioSeen = window.__rioSeen || [];
  const last = {{}};
  const check = () => {{
    for (const s of selectors) {{
      const e = document.querySelector(s);
      const text = e && !e.closest('[hidden]') ? e.textContent.replace(/\s+/g, ' ').trim() : null;
      if (text !== last[s]) {{ last[s] = text; seen.push({{s, text, t: Date.now()}}); }}
    }}
  }};
  new MutationObserver(check).observe(document, {{subtree: true, childList: true, characterData: true, attributes: true}});
}})();"#,
        json!(selectors)
    );
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": script }),
        )
        .await;
}

/// What [`watch`] recorded in the current document for `selector`, in order: the texts it
/// read (`None` while absent or hidden).
pub async fn watched(browser: &Browser, selector: &str) -> Vec<Option<String>> {
    run(
        browser,
        "return (window.__rioSeen || []).filter(e => e.s === arguments[0]).map(e => e.text)",
        vec![json!(selector)],
    )
    .await
    .as_array()
    .map(|list| list.iter().map(|v| v.as_str().map(String::from)).collect())
    .unwrap_or_default()
}

/// `seen` (from [`watched`]) from the first time the element was shown: what it read since.
pub fn since_shown(seen: &[Option<String>]) -> &[Option<String>] {
    let first = seen.iter().position(Option::is_some).unwrap_or(seen.len());
    &seen[first..]
}

/// Waits until [`watched`] for `selector` satisfies `done`; returns it.
pub async fn wait_watched(
    browser: &Browser,
    selector: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(&[Option<String>]) -> bool,
) -> Vec<Option<String>> {
    let deadline = Instant::now() + timeout;
    loop {
        let seen = watched(browser, selector).await;
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {timeout:?}; `{selector}` read {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
