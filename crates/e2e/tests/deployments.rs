//! The deployments screens in a real browser, against the reference backend (HTTP mode) and in
//! demo mode: the phase bar follows a new deployment to Succeeded; an update goes to
//! Provisioning at once with generation + 1 and lands in the history; an update on an offline
//! device fails with DEP_E151 and its meaning; Update is refused while Provisioning, and a
//! deployment changed behind the dialog's back is a conflict, never a second update; components on
//! a preinstalled device cannot be chosen; deprovision from the details (partial while a device
//! is offline, then retried) and from a list row; list rows move on by themselves; the list's
//! filter, search and sort survive a reload; error codes lead to their page; the logs tab pages,
//! filters and follows; the demo does all of it in the browser and keeps it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use rio_console::ids;
use rio_e2e::list::choose;
use rio_e2e::page::{
    DEMO_WAIT, LONG, ROW_NAMES, TEXT, click, code_entry, dismiss_tour, overview, reload, row,
    row_id, row_names, run, sim_set_device, tab, test_id, text, update_from_dialog, wait_dialog,
    wait_for, wait_phase, wait_text,
};
use rio_e2e::{BackendSite, Browser, ConfigJson, deployment_id, get_json, http, open};
use serde_json::{Value, json};
use tokio::time::Instant;

// ---- the backend ----

/// The backend at the harness's speed (20: a whole deployment takes 0.4 s) with the controls.
async fn fast_backend() -> BackendSite {
    BackendSite::start(&["--enable-faults"]).await
}

/// One deployment as the backend has it now.
async fn api_deployment(base: &str, id: &str) -> Value {
    let deployment = get_json(&format!("{base}/api/v1/deployments/{id}")).await;
    assert!(
        deployment["deploymentId"] == id,
        "GET /deployments/{id}: {deployment}"
    );
    deployment
}

/// A deployment's history as the backend has it now, newest first.
async fn api_history(base: &str, id: &str) -> Vec<Value> {
    let history = get_json(&format!("{base}/api/v1/deployments/{id}/history")).await;
    history["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("GET /deployments/{id}/history: {history}"))
}

/// Takes a device offline or brings it back (`/__control/devices/{uuid}/{state}`).
async fn set_device(base: &str, uuid: &str, state: &str) {
    let (status, body) = http(
        "POST",
        &format!("{base}/__control/devices/{uuid}/{state}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "device {uuid} {state}: {body}");
}

// ---- the page ----

/// Waits until the element matching `css` contains `part`; returns its text.
async fn wait_contains(browser: &Browser, css: &str, part: &str, timeout: Duration) -> String {
    wait_for(
        browser,
        &format!("`{css}` contains {part:?}"),
        timeout,
        TEXT,
        vec![json!(css)],
        |v| v.as_str().is_some_and(|t| t.contains(part)),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Waits until no element matches `css`.
async fn wait_gone(browser: &Browser, css: &str, timeout: Duration) {
    wait_for(
        browser,
        &format!("`{css}` goes away"),
        timeout,
        "return document.querySelector(arguments[0]) === null",
        vec![json!(css)],
        |v| v.as_bool() == Some(true),
    )
    .await;
}

/// Whether the `<dialog>` with this test id is open.
async fn dialog_open(browser: &Browser, test_id_value: &str) -> bool {
    run(
        browser,
        "const d = document.querySelector(arguments[0]); return !!(d && d.open)",
        vec![json!(test_id(test_id_value))],
    )
    .await
    .as_bool()
    .unwrap_or(false)
}

/// The class of each stage of the phase bar, by stage name.
fn stage_classes(overview: &Value) -> Vec<(String, String)> {
    overview["stages"]
        .as_array()
        .map(|stages| {
            stages
                .iter()
                .map(|s| {
                    (
                        s[0].as_str().unwrap_or_default().to_string(),
                        s[1].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts every stage of the bar has class `stage-<state>` for the states given in order.
fn assert_stages(overview: &Value, states: [&str; 3]) {
    let stages = stage_classes(overview);
    let names: Vec<&str> = stages.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["In progress", "Provisioning", "Succeeded"],
        "the bar's stages: {overview}"
    );
    for ((name, class), state) in stages.iter().zip(states) {
        assert!(
            class
                .split_whitespace()
                .any(|c| c == format!("stage-{state}")),
            "stage {name} should be {state}, its class is {class:?} ({overview})"
        );
    }
}

/// Opens the History tab and waits for the row of `generation`; returns every row as
/// (generation, status, text), newest first.
async fn history_rows(browser: &Browser, generation: u64) -> Vec<(String, String, String)> {
    click(browser, &tab("history")).await;
    let wanted = generation.to_string();
    let rows = wait_for(
        browser,
        &format!("the history shows generation {generation}"),
        LONG,
        &format!(
            r#"return [...document.querySelectorAll('[data-testid={}]')]
             .map(r => [r.dataset.generation, r.dataset.status, r.textContent.replace(/\s+/g, ' ').trim()])"#,
            ids::HISTORY_ROW
        ),
        Vec::new(),
        |v| {
            v.as_array().is_some_and(|rows| {
                rows.iter()
                    .any(|r| r[0].as_str() == Some(wanted.as_str()) && r[1] != "in_progress")
            })
        },
    )
    .await;
    rows.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r[0].as_str().unwrap_or_default().to_string(),
                        r[1].as_str().unwrap_or_default().to_string(),
                        r[2].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until the table shows exactly `expected`, in this order.
async fn wait_rows(browser: &Browser, expected: &[&str]) {
    wait_for(
        browser,
        &format!("the table lists {expected:?}"),
        LONG,
        &ROW_NAMES,
        Vec::new(),
        |v| {
            v.as_array().is_some_and(|names| {
                names
                    .iter()
                    .map(|n| n.as_str().unwrap_or_default())
                    .eq(expected.iter().copied())
            })
        },
    )
    .await;
}

/// Waits until the row's Deprovision button is named `label` (its tooltip) and `label name`
/// (for assistive technology).
async fn wait_row_action(browser: &Browser, id: &str, label: &str, name: &str) {
    let css = format!("{} {}", row(id), test_id(ids::ROW_DEPROVISION));
    let expected = json!([label, format!("{label} {name}"), false]);
    wait_for(
        browser,
        &format!("the row action of {name} is {label:?}"),
        LONG,
        "const b = document.querySelector(arguments[0]); return b ? [b.title, b.getAttribute('aria-label'), b.hidden] : null",
        vec![json!(css)],
        |v| *v == expected,
    )
    .await;
}

/// The number of log lines on screen.
async fn log_lines(browser: &Browser) -> usize {
    run(
        browser,
        &format!(
            "return document.querySelectorAll('[data-testid={}] tr.log-line').length",
            ids::LOGS
        ),
        Vec::new(),
    )
    .await
    .as_u64()
    .unwrap_or_default() as usize
}

async fn wait_log_lines(browser: &Browser, what: &str, done: impl Fn(u64) -> bool) -> u64 {
    wait_for(
        browser,
        what,
        LONG,
        &format!(
            "return document.querySelectorAll('[data-testid={}] tr.log-line').length",
            ids::LOGS
        ),
        Vec::new(),
        |v| v.as_u64().is_some_and(&done),
    )
    .await
    .as_u64()
    .unwrap_or_default()
}

// ---- HTTP mode ----

#[tokio::test]
async fn a_new_deployment_moves_along_the_phase_bar_to_succeeded() {
    // At speed 1 a deployment spends 3 s In progress and 5 s Provisioning: time enough to watch.
    let site = BackendSite::start_at_speed("1", &["--enable-faults"]).await;
    let browser = Browser::start().await;
    // Load the console once, so opening the details later is quick.
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    let body = json!({"name": "dash-e2e", "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"});
    let (status, answer) = http(
        "POST",
        &site.url("/api/v1/deployments"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let created: Value = serde_json::from_str(&answer).expect("a deployment");
    assert_eq!(created["phase"], "In progress", "{created}");
    let id = created["deploymentId"]
        .as_str()
        .expect("deploymentId")
        .to_string();

    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    browser.wait_title("dash-e2e").await;
    browser.wait_test_id(ids::PHASE_BAR).await;
    // Watch the page: every sample must show a bar that agrees with the phase.
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + LONG;
    loop {
        let now = overview(&browser).await;
        let phase = now["phase"].as_str().unwrap_or_default().to_string();
        match phase.as_str() {
            "In progress" => {
                assert_eq!(now["valueNow"], "0", "{now}");
                assert_stages(&now, ["current", "pending", "pending"]);
            }
            "Provisioning" => {
                assert_eq!(now["valueNow"], "1", "{now}");
                assert_stages(&now, ["reached", "current", "pending"]);
            }
            "Succeeded" => {
                assert_eq!(now["valueNow"], "3", "{now}");
                assert_stages(&now, ["reached", "reached", "reached"]);
            }
            other => panic!("a new deployment shows the phase {other:?}: {now}"),
        }
        if seen.last() != Some(&phase) {
            if phase == "Provisioning" && !seen.iter().any(|p| p == "Provisioning") {
                browser.screenshot("deployments-details-provisioning").await;
            }
            seen.push(phase.clone());
        }
        if phase == "Succeeded" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never reached Succeeded; phases seen {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("phases seen on the details page: {seen:?}");
    let order = ["In progress", "Provisioning", "Succeeded"];
    let ranks: Vec<usize> = seen
        .iter()
        .map(|p| order.iter().position(|o| o == p).unwrap_or(usize::MAX))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] < w[1]),
        "the phases go forward only: {seen:?}"
    );
    assert!(
        seen.len() >= 2,
        "a transient phase was shown before Succeeded: {seen:?}"
    );

    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Running", LONG).await;
    let now = overview(&browser).await;
    assert_eq!(now["generation"], "1", "{now}");
    assert_eq!(now["updateDisabled"], false, "{now}");
    assert_eq!(now["blocked"], "", "{now}");
    assert!(
        !now["barClass"]
            .as_str()
            .unwrap_or_default()
            .contains("failed"),
        "{now}"
    );
    wait_text(
        &browser,
        &test_id(ids::PHASE_ANNOUNCER),
        "Deployment phase: Succeeded",
        LONG,
    )
    .await;
    let bar = browser.wait_test_id(ids::PHASE_BAR).await;
    assert_eq!(
        bar.attr("role").await.expect("role").as_deref(),
        Some("progressbar")
    );
    assert_eq!(
        bar.attr("aria-valuemax").await.expect("max").as_deref(),
        Some("3")
    );
    browser.screenshot("deployments-details").await;
    let api = api_deployment(&site.url(""), &id).await;
    assert_eq!(api["phase"], "Succeeded");
    assert_eq!(api["currentGeneration"], 1);
    browser.finish(&[]).await;
}

#[tokio::test]
async fn an_update_goes_to_provisioning_at_once_and_lands_in_the_history() {
    let site = fast_backend().await;
    let base = site.url("");
    let id = deployment_id(&base, "amr-nav-tokyo").await;
    let browser = Browser::start().await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "1", LONG).await;

    let after = update_from_dialog(
        &browser,
        &["comp-amr-nav"],
        Some("deployments-update-dialog"),
    )
    .await;
    // The answer is shown at once: Provisioning, generation 2, Update refused with the reason.
    assert_eq!(after["phase"], "Provisioning", "{after}");
    assert_eq!(after["generation"], "2", "{after}");
    assert_eq!(after["updateDisabled"], true, "{after}");
    assert_stages(&after, ["reached", "current", "pending"]);
    let blocked = after["blocked"].as_str().unwrap_or_default();
    assert!(blocked.contains("wait until it has finished"), "{after}");

    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Running", LONG).await;
    assert_eq!(overview(&browser).await["generation"], "2");

    let rows = history_rows(&browser, 2).await;
    browser
        .wait_path(&format!("/deployments/{id}?tab=history"))
        .await;
    let generations: Vec<&str> = rows.iter().map(|(g, _, _)| g.as_str()).collect();
    assert_eq!(generations, ["2", "1"], "newest first: {rows:?}");
    let (_, status, row_text) = &rows[0];
    assert_eq!(status, "succeeded", "{rows:?}");
    assert!(
        row_text.contains("developer@rio.dev"),
        "the user: {row_text}"
    );
    assert!(row_text.contains("navigation"), "the component: {row_text}");
    assert!(row_text.contains("Success"), "{row_text}");
    browser.screenshot("deployments-history").await;

    let api = api_deployment(&base, &id).await;
    assert_eq!(api["currentGeneration"], 2, "{api}");
    let history = api_history(&base, &id).await;
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0]["user"], "developer@rio.dev");
    browser.finish(&[]).await;
}

#[tokio::test]
async fn an_update_on_an_offline_device_fails_with_its_error_code() {
    let site = fast_backend().await;
    let base = site.url("");
    let id = deployment_id(&base, "amr-nav-tokyo").await;
    set_device(&base, "dev-amr-01", "offline").await;
    let browser = Browser::start().await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", LONG).await;

    let after = update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["phase"], "Provisioning", "{after}");
    assert_eq!(after["generation"], "2", "{after}");
    wait_phase(&browser, "Failed to update", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Error", LONG).await;
    let now = overview(&browser).await;
    assert!(
        now["barClass"]
            .as_str()
            .unwrap_or_default()
            .contains("phase-bar-failed"),
        "the bar is red: {now}"
    );
    assert_stages(&now, ["reached", "failed", "pending"]);
    assert_eq!(now["generation"], "2", "{now}");

    let (meaning, action) = code_entry("DEP_E151");
    let errors = wait_contains(&browser, &test_id(ids::DEPLOYMENT_ERRORS), "DEP_E151", LONG).await;
    assert!(errors.contains(&meaning), "the meaning: {errors}");
    assert!(errors.contains(&action), "the action: {errors}");
    let href = run(
        &browser,
        &format!(
            "const a = document.querySelector('[data-testid={}] a.code-link'); return a ? a.getAttribute('href') : null",
            ids::DEPLOYMENT_ERRORS
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(href.as_str(), Some("/error-codes#DEP_E151"));
    browser.screenshot("deployments-failed-to-update").await;

    let rows = history_rows(&browser, 2).await;
    assert_eq!(rows[0].0, "2", "{rows:?}");
    assert_eq!(rows[0].1, "failed", "{rows:?}");
    assert!(rows[0].2.contains("DEP_E151"), "{rows:?}");
    assert!(rows[0].2.contains("Failure"), "{rows:?}");

    // Live logs are off in Failed to update; the historical ones stay.
    click(&browser, &tab("logs")).await;
    browser.wait_test_id(ids::LOGS).await;
    let live = browser.wait_test_id(ids::LOGS_LIVE).await;
    assert!(
        live.attr("disabled").await.expect("disabled").is_some(),
        "the live tail is disabled"
    );
    wait_contains(
        &browser,
        &test_id(ids::LOGS_LIVE_REASON),
        "Live logs are disabled",
        LONG,
    )
    .await;
    wait_log_lines(&browser, "the logs up to the failure", |n| n > 0).await;
    browser
        .screenshot("deployments-logs-failed-to-update")
        .await;

    // The device is back: Update Deployment is on, and this time it works.
    set_device(&base, "dev-amr-01", "online").await;
    click(&browser, &tab("details")).await;
    let now = overview(&browser).await;
    assert_eq!(now["updateDisabled"], false, "{now}");
    assert_eq!(now["blocked"], "", "{now}");
    let after = update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["phase"], "Provisioning", "{after}");
    assert_eq!(after["generation"], "3", "{after}");
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Running", LONG).await;
    wait_gone(&browser, &test_id(ids::DEPLOYMENT_ERRORS), LONG).await;
    let api = api_deployment(&base, &id).await;
    assert_eq!(api["phase"], "Succeeded", "{api}");
    assert_eq!(api["currentGeneration"], 3, "{api}");
    browser.finish(&[]).await;
}

#[tokio::test]
async fn update_waits_for_provisioning_and_a_concurrent_change_is_a_conflict() {
    let site = fast_backend().await;
    let base = site.url("");
    let id = deployment_id(&base, "fleet-dashboard-prod").await;
    let browser = Browser::start().await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    browser.wait_title("fleet-dashboard-prod").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "3", LONG).await;

    // While Provisioning, Update Deployment is disabled and says why (tooltip and text).
    let after = update_from_dialog(&browser, &["comp-dashboard-web"], None).await;
    assert_eq!(after["phase"], "Provisioning", "{after}");
    assert_eq!(after["generation"], "4", "{after}");
    assert_eq!(after["updateDisabled"], true, "{after}");
    assert_eq!(
        after["blocked"].as_str(),
        Some("Not available in phase Provisioning: wait until it has finished."),
        "{after}"
    );
    assert_eq!(
        after["updateTitle"], after["blocked"],
        "the tooltip: {after}"
    );
    wait_phase(&browser, "Succeeded", LONG).await;
    let now = overview(&browser).await;
    assert_eq!(now["updateDisabled"], false, "{now}");
    assert_eq!(now["generation"], "4", "{now}");

    // Someone else updates the deployment while the dialog is open.
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    click(
        &browser,
        &format!(
            "{} input[type=checkbox][value=\"comp-dashboard-web\"]:not([disabled])",
            test_id(ids::UPDATE_DIALOG)
        ),
    )
    .await;
    let behind = json!({"expectedGeneration": 4, "components": ["comp-dashboard-web"]});
    let (status, answer) = http(
        "PATCH",
        &site.url(&format!("/api/v1/deployments/{id}")),
        Some(&behind.to_string()),
    )
    .await;
    assert_eq!(status, 202, "the update behind the page's back: {answer}");
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    let conflict = wait_contains(
        &browser,
        &test_id(ids::UPDATE_CONFLICT),
        "changed since you opened this dialog",
        LONG,
    )
    .await;
    assert!(conflict.contains("Nothing was updated"), "{conflict}");
    assert!(
        dialog_open(&browser, ids::UPDATE_DIALOG).await,
        "the dialog stays open"
    );
    let submit = browser.wait_test_id(ids::UPDATE_SUBMIT).await;
    assert!(
        submit.attr("disabled").await.expect("disabled").is_some(),
        "Update cannot be sent again from a stale dialog"
    );
    browser.screenshot("deployments-update-conflict").await;

    // Exactly one update happened: generation 4 → 5, five generations in all.
    let api = api_deployment(&base, &id).await;
    assert_eq!(api["currentGeneration"], 5, "{api}");
    let history = api_history(&base, &id).await;
    assert_eq!(history.len(), 5, "{history:?}");
    assert_eq!(history[0]["generation"], 5);

    // Reload shows the deployment as it is now.
    click(&browser, &test_id(ids::UPDATE_RELOAD)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, false).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "5", LONG).await;
    wait_phase(&browser, "Succeeded", LONG).await;
    assert_eq!(api_deployment(&base, &id).await["currentGeneration"], 5);
    browser
        .finish(&["the server responded with a status of 409"])
        .await;
}

#[tokio::test]
async fn the_update_dialog_refuses_what_cannot_be_updated_in_place() {
    let site = fast_backend().await;
    let base = site.url("");
    let id = deployment_id(&base, "sensor-logger-tokyo").await;
    let browser = Browser::start().await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    browser.wait_title("sensor-logger-tokyo").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    // Its only component runs on a preinstalled device: listed, disabled, with the reason.
    let reason = wait_contains(
        &browser,
        "#update-reason-comp-sensor-logger",
        "preinstalled",
        LONG,
    )
    .await;
    assert!(
        reason.contains("sensor-pi-01"),
        "names the device: {reason}"
    );
    let checkbox = browser
        .wait_css(&format!(
            "{} input[type=checkbox][value=\"comp-sensor-logger\"]",
            test_id(ids::UPDATE_DIALOG)
        ))
        .await;
    assert!(
        checkbox.attr("disabled").await.expect("disabled").is_some(),
        "a component on a preinstalled device cannot be chosen"
    );
    browser
        .screenshot("deployments-update-dialog-preinstalled")
        .await;
    // Nothing chosen: the dialog says so and sends nothing.
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_text(
        &browser,
        "#update-choices-error",
        "Choose at least one component to update.",
        LONG,
    )
    .await;
    assert!(dialog_open(&browser, ids::UPDATE_DIALOG).await);
    let api = api_deployment(&base, &id).await;
    assert_eq!(api["currentGeneration"], 1, "nothing was updated: {api}");
    assert_eq!(api_history(&base, &id).await.len(), 1);
    browser.finish(&[]).await;
}

#[tokio::test]
async fn deprovision_from_the_details_and_retry_a_partial_one() {
    let site = fast_backend().await;
    let base = site.url("");
    let tokyo = deployment_id(&base, "amr-nav-tokyo").await;
    let osaka = deployment_id(&base, "amr-nav-osaka").await;
    let browser = Browser::start().await;

    // A plain deprovision: asked first, then Deployment stopped with a grey bar.
    browser
        .goto(&site.url(&format!("/deployments/{tokyo}")))
        .await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    click(&browser, &test_id(ids::DEPROVISION_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    wait_contains(
        &browser,
        &test_id(ids::DEPROVISION_DIALOG),
        "Deprovision amr-nav-tokyo?",
        LONG,
    )
    .await;
    browser.screenshot("deployments-deprovision-confirm").await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    wait_phase(&browser, "Deployment stopped", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Stopped", LONG).await;
    let now = overview(&browser).await;
    assert!(
        now["barClass"]
            .as_str()
            .unwrap_or_default()
            .contains("phase-bar-stopped"),
        "the bar is grey: {now}"
    );
    assert_stages(&now, ["stopped", "stopped", "stopped"]);
    assert_eq!(now["updateDisabled"], true, "{now}");
    assert!(
        now["blocked"]
            .as_str()
            .unwrap_or_default()
            .contains("deprovisioned"),
        "{now}"
    );
    let deprovision = browser.wait_test_id(ids::DEPROVISION_DEPLOYMENT).await;
    assert!(
        deprovision
            .attr("disabled")
            .await
            .expect("disabled")
            .is_some(),
        "a stopped deployment cannot be deprovisioned again"
    );
    browser.screenshot("deployments-stopped").await;
    assert_eq!(
        api_deployment(&base, &tokyo).await["phase"],
        "Deployment stopped"
    );

    // Its device is offline: Partially deprovisioned, with a notice and a retry.
    set_device(&base, "dev-amr-02", "offline").await;
    browser
        .goto(&site.url(&format!("/deployments/{osaka}")))
        .await;
    browser.wait_title("amr-nav-osaka").await;
    wait_phase(&browser, "Failed to update", LONG).await;
    click(&browser, &test_id(ids::DEPROVISION_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    wait_phase(&browser, "Partially deprovisioned", LONG).await;
    let notice = wait_contains(
        &browser,
        &test_id(ids::PARTIAL_NOTICE),
        "Partially deprovisioned.",
        LONG,
    )
    .await;
    assert!(notice.contains("Retry deprovision"), "{notice}");
    assert_stages(&overview(&browser).await, ["stopped", "stopped", "stopped"]);
    wait_contains(&browser, &test_id(ids::DEPLOYMENT_ERRORS), "DEP_E151", LONG).await;
    browser
        .screenshot("deployments-partially-deprovisioned")
        .await;
    assert_eq!(
        api_deployment(&base, &osaka).await["phase"],
        "Partially deprovisioned"
    );

    // The list offers the retry too; the stopped one has left the live phases.
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_text(
        &browser,
        &format!("{} {}", row(&osaka), test_id(ids::ROW_PHASE)),
        "Partially deprovisioned",
        LONG,
    )
    .await;
    wait_row_action(&browser, &osaka, "Retry deprovision", "amr-nav-osaka").await;
    wait_gone(&browser, &row(&tokyo), LONG).await;

    // The device is back: retry from the notice finishes it.
    set_device(&base, "dev-amr-02", "online").await;
    browser
        .goto(&site.url(&format!("/deployments/{osaka}")))
        .await;
    wait_phase(&browser, "Partially deprovisioned", LONG).await;
    click(
        &browser,
        &format!("{} button", test_id(ids::PARTIAL_NOTICE)),
    )
    .await;
    wait_phase(&browser, "Deployment stopped", LONG).await;
    wait_gone(&browser, &test_id(ids::PARTIAL_NOTICE), LONG).await;
    wait_gone(&browser, &test_id(ids::DEPLOYMENT_ERRORS), LONG).await;
    assert_eq!(
        api_deployment(&base, &osaka).await["phase"],
        "Deployment stopped"
    );
    browser.finish(&[]).await;
}

#[tokio::test]
async fn deprovision_from_a_list_row_asks_first_and_refuses_a_deployment_in_use() {
    let site = fast_backend().await;
    let base = site.url("");
    let dashboard = deployment_id(&base, "fleet-dashboard-prod").await;
    let volume = deployment_id(&base, "telemetry-store").await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_row_action(&browser, &dashboard, "Deprovision", "fleet-dashboard-prod").await;

    click(
        &browser,
        &format!("{} {}", row(&dashboard), test_id(ids::ROW_DEPROVISION)),
    )
    .await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    wait_contains(
        &browser,
        &test_id(ids::DEPROVISION_DIALOG),
        "Deprovision fleet-dashboard-prod?",
        LONG,
    )
    .await;
    assert_eq!(
        browser.path().await,
        "/deployments",
        "the row's button does not open the row"
    );
    browser.screenshot("deployments-deprovision-dialog").await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    // Stopped deployments are not among the live phases shown by default.
    wait_gone(&browser, &row(&dashboard), LONG).await;
    assert_eq!(
        api_deployment(&base, &dashboard).await["phase"],
        "Deployment stopped"
    );

    // A volume still mounted by a live deployment is refused, and the dialog says why.
    click(
        &browser,
        &format!("{} {}", row(&volume), test_id(ids::ROW_DEPROVISION)),
    )
    .await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    let error = wait_contains(
        &browser,
        &test_id(ids::DEPROVISION_ERROR),
        "Deprovision the deployments that depend on it first.",
        LONG,
    )
    .await;
    assert!(error.contains("Not deprovisioned"), "{error}");
    assert!(
        dialog_open(&browser, ids::DEPROVISION_DIALOG).await,
        "the dialog stays open with the reason"
    );
    browser.screenshot("deployments-deprovision-in-use").await;
    run(
        &browser,
        &format!(
            "[...document.querySelectorAll('[data-testid={}] button')].find(b => b.textContent.trim() === 'Cancel').click(); return null",
            ids::DEPROVISION_DIALOG
        ),
        Vec::new(),
    )
    .await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    assert_eq!(api_deployment(&base, &volume).await["phase"], "Succeeded");
    wait_text(
        &browser,
        &format!("{} {}", row(&volume), test_id(ids::ROW_PHASE)),
        "Succeeded",
        LONG,
    )
    .await;

    // With every phase shown, the stopped deployment is there, with nothing left to deprovision.
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "all").await;
    browser.wait_path("/deployments?phase=all").await;
    wait_text(
        &browser,
        &format!("{} {}", row(&dashboard), test_id(ids::ROW_PHASE)),
        "Deployment stopped",
        LONG,
    )
    .await;
    let hidden = run(
        &browser,
        "const b = document.querySelector(arguments[0]); return b ? b.hidden : null",
        vec![json!(format!(
            "{} {}",
            row(&dashboard),
            test_id(ids::ROW_DEPROVISION)
        ))],
    )
    .await;
    assert_eq!(hidden, json!(true), "no Deprovision on a stopped row");
    browser
        .finish(&["the server responded with a status of 409"])
        .await;
}

#[tokio::test]
async fn list_rows_follow_their_deployments_without_a_reload() {
    // At speed 1 the seeded fleet-bridge-dev is still In progress when the page opens, and a
    // new deployment takes 8 s to reach Succeeded: the rows must move on by themselves.
    let site = BackendSite::start_at_speed("1", &["--enable-faults"]).await;
    let base = site.url("");
    let bridge = deployment_id(&base, "fleet-bridge-dev").await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    let first = text(
        &browser,
        &format!("{} {}", row(&bridge), test_id(ids::ROW_PHASE)),
    )
    .await;
    eprintln!("fleet-bridge-dev first shown as {first:?}");
    wait_text(
        &browser,
        &format!("{} {}", row(&bridge), test_id(ids::ROW_PHASE)),
        "Succeeded",
        LONG,
    )
    .await;
    wait_text(
        &browser,
        &format!("{} {}", row(&bridge), test_id(ids::ROW_STATUS)),
        "Running",
        LONG,
    )
    .await;

    // A deployment made elsewhere shows up, newest first, and reaches Succeeded on its own.
    let body = json!({"name": "dash-live", "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"});
    let (status, answer) = http(
        "POST",
        &site.url("/api/v1/deployments"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let created: Value = serde_json::from_str(&answer).expect("a deployment");
    let id = created["deploymentId"]
        .as_str()
        .expect("deploymentId")
        .to_string();
    // The list polls every 15 s while nothing it shows moves: the row may take that long.
    wait_for(
        &browser,
        "the new deployment's row appears",
        LONG,
        "return document.querySelector(arguments[0]) !== null",
        vec![json!(row(&id))],
        |v| v.as_bool() == Some(true),
    )
    .await;
    wait_text(
        &browser,
        &format!("{} {}", row(&id), test_id(ids::ROW_PHASE)),
        "Succeeded",
        LONG,
    )
    .await;
    wait_text(
        &browser,
        &format!("{} {}", row(&id), test_id(ids::ROW_GENERATION)),
        "1",
        LONG,
    )
    .await;
    let names = row_names(&browser).await;
    assert_eq!(
        names.first().map(String::as_str),
        Some("dash-live"),
        "newest first: {names:?}"
    );
    browser.screenshot("deployments-list-live").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn list_filter_search_and_sort_survive_a_reload() {
    let site = fast_backend().await;
    let base = site.url("");
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_title("Deployments").await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    // The live phases by default: the stopped trial is not listed.
    let osaka = deployment_id(&base, "amr-nav-osaka").await;
    wait_text(
        &browser,
        &format!("{} {}", row(&osaka), test_id(ids::ROW_PHASE)),
        "Failed to update",
        LONG,
    )
    .await;
    let names = row_names(&browser).await;
    for name in [
        "amr-nav-tokyo",
        "amr-nav-osaka",
        "fleet-dashboard-prod",
        "fleet-bridge-dev",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(
        !names.iter().any(|n| n == "fleet-bridge-trial"),
        "a stopped deployment is not live: {names:?}"
    );
    let dashboard = deployment_id(&base, "fleet-dashboard-prod").await;
    wait_text(
        &browser,
        &format!("{} {}", row(&dashboard), test_id(ids::ROW_GENERATION)),
        "3",
        LONG,
    )
    .await;
    browser.screenshot("deployments-list").await;

    // Search, phase and sort go into the URL.
    let search = browser.wait_test_id(ids::DEPLOYMENTS_SEARCH).await;
    search.send_keys("fleet").await.expect("type");
    browser.wait_path("/deployments?q=fleet").await;
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "all").await;
    browser.wait_path("/deployments?phase=all&q=fleet").await;
    run(
        &browser,
        &format!(
            "[...document.querySelectorAll('[data-testid={}] th button')].find(b => b.textContent.includes('Name')).click(); return null",
            ids::DEPLOYMENTS_TABLE
        ),
        Vec::new(),
    )
    .await;
    browser
        .wait_path("/deployments?phase=all&q=fleet&sort=name")
        .await;
    let all_fleet = [
        "fleet-bridge-dev",
        "fleet-bridge-trial",
        "fleet-dashboard-prod",
    ];
    wait_rows(&browser, &all_fleet).await;

    // A reload (or the link) reproduces the view.
    reload(&browser, &base).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_rows(&browser, &all_fleet).await;
    let controls = run(
        &browser,
        &format!(
            "return [document.querySelector('[data-testid={deployments_search}]').value, document.querySelector('[data-testid={deployments_phase}]').value, document.querySelector('[data-testid={deployments_table}] th[aria-sort=ascending] button')?.textContent.replace(/[▲▼]/g, '').trim()]",
            deployments_search = ids::DEPLOYMENTS_SEARCH,
            deployments_phase = ids::DEPLOYMENTS_PHASE,
            deployments_table = ids::DEPLOYMENTS_TABLE
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(controls, json!(["fleet", "all", "Name"]), "after a reload");

    // One phase: the stopped trial goes.
    choose(&browser, &test_id(ids::DEPLOYMENTS_PHASE), "Succeeded").await;
    browser
        .wait_path("/deployments?phase=Succeeded&q=fleet&sort=name")
        .await;
    wait_rows(&browser, &["fleet-bridge-dev", "fleet-dashboard-prod"]).await;
    reload(&browser, &base).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_rows(&browser, &["fleet-bridge-dev", "fleet-dashboard-prod"]).await;
    let phase = run(
        &browser,
        &format!(
            "return document.querySelector('[data-testid={}]').value",
            ids::DEPLOYMENTS_PHASE
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(phase.as_str(), Some("Succeeded"));

    // Nothing matches: said plainly, with a way back.
    run(
        &browser,
        &format!(
            "const i = document.querySelector('[data-testid={}]'); i.value = 'zzz'; i.dispatchEvent(new Event('input', {{bubbles: true}})); return null",
            ids::DEPLOYMENTS_SEARCH
        ),
        Vec::new(),
    )
    .await;
    browser
        .wait_path("/deployments?phase=Succeeded&q=zzz&sort=name")
        .await;
    browser.wait_test_id(ids::DEPLOYMENTS_EMPTY).await;
    run(
        &browser,
        &format!(
            "[...document.querySelectorAll('[data-testid={}] button')].find(b => b.textContent.includes('Clear search')).click(); return null",
            ids::DEPLOYMENTS_EMPTY
        ),
        Vec::new(),
    )
    .await;
    browser.wait_path("/deployments").await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_text(
        &browser,
        &format!("{} {}", row(&osaka), test_id(ids::ROW_PHASE)),
        "Failed to update",
        LONG,
    )
    .await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn error_codes_behind_the_i_lead_to_their_page() {
    let site = fast_backend().await;
    let base = site.url("");
    let osaka = deployment_id(&base, "amr-nav-osaka").await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;

    // A deployment in error: the "i" shows its codes with their meaning.
    let codes: Vec<String> = api_deployment(&base, &osaka).await["errors"]
        .as_array()
        .map(|codes| {
            codes
                .iter()
                .filter_map(|c| c.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let code = codes
        .first()
        .unwrap_or_else(|| panic!("amr-nav-osaka has error codes: {codes:?}"))
        .clone();
    let (meaning, _) = code_entry(&code);
    wait_text(
        &browser,
        &format!("{} {}", row(&osaka), test_id(ids::ROW_STATUS)),
        "Error",
        LONG,
    )
    .await;
    let popover = format!("{} .codes-popover", row(&osaka));
    let hidden = run(
        &browser,
        "return !document.querySelector(arguments[0]).matches(':popover-open')",
        vec![json!(popover)],
    )
    .await;
    assert_eq!(hidden, json!(true), "the codes wait for the i");
    click(&browser, &format!("{} button.info-button", row(&osaka))).await;
    wait_for(
        &browser,
        "the codes popover opens",
        LONG,
        "return document.querySelector(arguments[0]).matches(':popover-open')",
        vec![json!(popover)],
        |v| v.as_bool() == Some(true),
    )
    .await;
    let shown = text(&browser, &popover).await;
    assert!(shown.contains(&code), "{shown}");
    assert!(shown.contains(&meaning), "the meaning: {shown}");
    assert_eq!(
        browser.path().await,
        "/deployments",
        "the i does not open the row"
    );
    browser.screenshot("deployments-error-popover").await;

    click(&browser, &format!("{popover} a.code-link")).await;
    browser.wait_title("Error codes").await;
    let location = run(
        &browser,
        "return location.pathname + location.hash",
        Vec::new(),
    )
    .await;
    assert_eq!(location, json!(format!("/error-codes#{code}")));
    browser.wait_test_id(ids::ERROR_CODES_TABLE).await;
    let entry = wait_contains(
        &browser,
        &format!("{} tr[id=\"{code}\"]", test_id(ids::ERROR_CODES_TABLE)),
        &meaning,
        LONG,
    )
    .await;
    assert!(entry.contains(&code), "{entry}");
    let in_view = run(
        &browser,
        "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight",
        vec![json!(code)],
    )
    .await;
    assert_eq!(in_view, json!(true), "the code's entry is in view");
    browser.screenshot("deployments-error-codes").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn logs_page_filter_by_component_and_follow_live() {
    let site = fast_backend().await;
    let base = site.url("");
    let dashboard = deployment_id(&base, "fleet-dashboard-prod").await;
    let bridge = deployment_id(&base, "fleet-bridge-dev").await;
    let browser = Browser::start().await;

    // A deployment that ran for days: a first page, then more.
    browser
        .goto(&site.url(&format!("/deployments/{dashboard}?tab=logs")))
        .await;
    browser.wait_title("fleet-dashboard-prod").await;
    browser.wait_test_id(ids::LOGS).await;
    let first = wait_log_lines(&browser, "the first page of logs", |n| n > 0).await;
    assert_eq!(first, 200, "one page of 200 lines");
    let more = browser.wait_test_id(ids::LOGS_MORE).await;
    assert_eq!(more.attr("hidden").await.expect("hidden"), None);
    let download = browser.wait_test_id(ids::LOGS_DOWNLOAD).await;
    assert_eq!(download.attr("disabled").await.expect("disabled"), None);
    let live = browser.wait_test_id(ids::LOGS_LIVE).await;
    assert_eq!(
        live.attr("disabled").await.expect("disabled"),
        None,
        "a Succeeded deployment can be followed"
    );
    browser.screenshot("deployments-logs").await;
    more.click().await.expect("click Load more");
    wait_log_lines(&browser, "the next page of logs", |n| n > 200).await;

    // Two components: the filter keeps one.
    browser
        .goto(&site.url(&format!("/deployments/{bridge}?tab=logs")))
        .await;
    browser.wait_title("fleet-bridge-dev").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    let tab_selected = run(
        &browser,
        &format!(
            "return document.querySelector('{}').getAttribute('aria-selected')",
            tab("logs")
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(tab_selected, json!("true"));
    choose(&browser, &test_id(ids::LOGS_COMPONENT), "aggregator").await;
    let sources = wait_for(
        &browser,
        "only aggregator lines",
        LONG,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] tr.log-line .log-source')].map(e => e.textContent)",
            ids::LOGS
        ),
        Vec::new(),
        |v| {
            v.as_array().is_some_and(|sources| {
                !sources.is_empty()
                    && sources
                        .iter()
                        .all(|s| s.as_str().is_some_and(|s| s.starts_with("aggregator/")))
            })
        },
    )
    .await;
    assert!(
        sources.as_array().is_some_and(|s| !s.is_empty()),
        "{sources}"
    );

    // The live tail brings new lines on its own.
    let before = log_lines(&browser).await;
    click(&browser, &test_id(ids::LOGS_LIVE)).await;
    wait_text(
        &browser,
        &test_id(ids::LOGS_LIVE_REASON),
        "Following new lines as they arrive.",
        LONG,
    )
    .await;
    wait_log_lines(&browser, "new lines from the live tail", |n| {
        n as usize > before
    })
    .await;
    let sources = run(
        &browser,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] tr.log-line .log-source')].every(e => e.textContent.startsWith('aggregator/'))",
            ids::LOGS
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(sources, json!(true), "the tail keeps the filter");
    browser.screenshot("deployments-logs-live").await;
    browser.finish(&[]).await;
}

// ---- demo mode ----

#[tokio::test]
async fn demo_update_persists_across_a_reload_and_deprovision() {
    let (site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    dismiss_tour(&browser).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_for(
        &browser,
        "the seeded deployments are listed",
        LONG,
        &ROW_NAMES,
        Vec::new(),
        |v| {
            v.as_array().is_some_and(|names| {
                ["amr-nav-tokyo", "amr-nav-osaka", "fleet-dashboard-prod"]
                    .iter()
                    .all(|n| names.iter().any(|m| m == n))
            })
        },
    )
    .await;
    browser.screenshot("deployments-list-demo").await;

    // Open the Succeeded navigation deployment from its row.
    let id = row_id(&browser, "amr-nav-tokyo").await;
    wait_text(
        &browser,
        &format!("{} {}", row(&id), test_id(ids::ROW_PHASE)),
        "Succeeded",
        DEMO_WAIT,
    )
    .await;
    click(&browser, &format!("{} a.row-link", row(&id))).await;
    browser.wait_path(&format!("/deployments/{id}")).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "1", LONG).await;

    let after = update_from_dialog(
        &browser,
        &["comp-amr-nav"],
        Some("deployments-update-dialog-demo"),
    )
    .await;
    assert_eq!(after["phase"], "Provisioning", "{after}");
    assert_eq!(after["generation"], "2", "{after}");
    assert_eq!(after["updateDisabled"], true, "{after}");
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Running", LONG).await;
    browser.screenshot("deployments-details-demo").await;

    // The demo keeps it across a reload.
    reload(&browser, &site.url("")).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "2", LONG).await;
    let rows = history_rows(&browser, 2).await;
    assert_eq!(rows[0].0, "2", "{rows:?}");
    assert_eq!(rows[0].1, "succeeded", "{rows:?}");
    assert!(rows[0].2.contains("demo@rio.dev"), "{rows:?}");
    browser.screenshot("deployments-history-demo").await;

    // Deprovision it; that is kept too.
    click(&browser, &tab("details")).await;
    click(&browser, &test_id(ids::DEPROVISION_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    wait_phase(&browser, "Deployment stopped", LONG).await;
    reload(&browser, &site.url("")).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Deployment stopped", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "2", LONG).await;
    browser.finish(&[]).await;
}

/// Demo mode, the failure story by hand: the simulation panel takes the device offline, the
/// update fails with DEP_E151, the panel brings the device back, the next update succeeds; a
/// device offline during deprovision leaves it Partially deprovisioned until a retry.
#[tokio::test]
async fn demo_failure_story_through_the_simulation_panel() {
    let (_site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    dismiss_tour(&browser).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    let id = row_id(&browser, "amr-nav-tokyo").await;

    // The panel: amr-01 goes offline.
    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    browser.wait_test_id(ids::SIM_DEVICE).await;
    browser.screenshot("deployments-simulation-panel").await;
    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    sim_set_device(&browser, "dev-amr-01", false).await;

    click(&browser, &format!("{} a.row-link", row(&id))).await;
    browser.wait_title("amr-nav-tokyo").await;
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    let after = update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["phase"], "Provisioning", "{after}");
    wait_phase(&browser, "Failed to update", DEMO_WAIT).await;
    let errors = text(&browser, &test_id(ids::DEPLOYMENT_ERRORS)).await;
    let (meaning, _) = code_entry("DEP_E151");
    assert!(errors.contains("DEP_E151"), "{errors}");
    assert!(errors.contains(&meaning), "{errors}");
    browser
        .screenshot("deployments-demo-failed-to-update")
        .await;

    // Back online: the update is allowed again and goes through.
    sim_set_device(&browser, "dev-amr-01", true).await;
    let after = update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["generation"], "3", "{after}");
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    let rows = history_rows(&browser, 3).await;
    let statuses: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(statuses, ["succeeded", "failed", "succeeded"], "{rows:?}");
    click(&browser, &tab("details")).await;

    // Offline again, deprovision: partial, then a retry once it is back finishes it.
    sim_set_device(&browser, "dev-amr-01", false).await;
    click(&browser, &test_id(ids::DEPROVISION_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    wait_phase(&browser, "Partially deprovisioned", LONG).await;
    browser.wait_test_id(ids::PARTIAL_NOTICE).await;
    sim_set_device(&browser, "dev-amr-01", true).await;
    click(
        &browser,
        &format!("{} button", test_id(ids::PARTIAL_NOTICE)),
    )
    .await;
    wait_phase(&browser, "Deployment stopped", LONG).await;
    browser.finish(&[]).await;
}
