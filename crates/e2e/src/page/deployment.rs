//! The deployment pages: the deployments table's rows, the details page's tabs and overview,
//! an update through its dialog, and the platform's table of error codes.

use std::sync::LazyLock;
use std::time::Duration;

use rio_console::ids;
use serde_json::{Value, json};

use super::{LONG, click, run, test_id, wait_dialog, wait_for, wait_text};
use crate::Browser;

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
