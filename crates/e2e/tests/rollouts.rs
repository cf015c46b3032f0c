//! Fleet features in a real browser against the reference backend: **Deploy to a fleet** with
//! its live preview (an incompatible robot shown with its reason and left out), the canary
//! wave, a robot taken offline halting the rollout with DEP_E151, Resume after it is back,
//! Pause and Abort, hostile form input refused with nothing made, the rollout widget; bulk
//! deprovision of 30 selected deployments where two are in use; and a rollout in demo mode
//! halted through the Simulation panel.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use rio_console::ids;
use rio_e2e::page::{
    DEMO_WAIT, LONG, TEXT, click, code_entry, dismiss_tour, fill, run, sim_set_device, test_id,
    text, wait_dialog, wait_for,
};
use rio_e2e::{BackendSite, Browser, ConfigJson, get_json, http, open};
use serde_json::{Value, json};

/// A rollout as the backend has it now.
async fn api_rollout(site: &BackendSite, id: &str) -> Value {
    site.get_json(&format!("/api/v1/rollouts/{id}")).await
}

/// Every target of rollout `id`, from the API.
async fn api_targets(site: &BackendSite, id: &str) -> Vec<Value> {
    site.get_json(&format!("/api/v1/rollouts/{id}/targets?limit=1000"))
        .await["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until the page's rollout state chip reads `state`.
async fn wait_state(browser: &Browser, state: &str, timeout: Duration) {
    wait_for(
        browser,
        &format!("the rollout {state}"),
        timeout,
        TEXT,
        vec![json!(test_id(ids::ROLLOUT_STATE))],
        |v| v.as_str() == Some(state),
    )
    .await;
}

/// Chooses `value` in the `<select>` with this DOM id.
async fn choose(browser: &Browser, dom_id: &str, value: &str) {
    run(
        browser,
        "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change')); return s.value",
        vec![json!(dom_id), json!(value)],
    )
    .await;
}

/// The rollout the page shows (its ID from the URL).
async fn rollout_id(browser: &Browser) -> String {
    browser
        .path()
        .await
        .trim_start_matches("/rollouts/")
        .to_string()
}

#[tokio::test]
async fn a_rollout_over_a_labelled_fleet_halts_on_an_offline_robot_and_resumes() {
    // Speed 2: a deployment takes 4 s, time to take a robot offline while its wave starts.
    let site = BackendSite::with_fleet_at_speed(0, "2", &["--enable-faults"]).await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/catalog/pkg-amr-navigation")).await;
    click(&browser, &test_id(ids::DEPLOY_FLEET)).await;
    browser.wait_test_id(ids::FLEET_FORM).await;

    // The preview: the fleet's 200 robots at tokyo and the seed's four, three of which cannot
    // run it (offline, amd64, the preinstalled arm32), each with its reason.
    fill(&browser, "fleet-selector", "site:tokyo").await;
    let summary = format!("{} .preview-summary", test_id(ids::FLEET_PREVIEW));
    rio_e2e::page::wait_text(
        &browser,
        &summary,
        "204 devices match: 201 can run it, 3 cannot.",
        LONG,
    )
    .await;
    let offline = run(
        &browser,
        "const r = [...document.querySelectorAll(arguments[0])].find(r => r.textContent.includes('amr-03')); return r ? [r.dataset.compatible, r.textContent] : null",
        vec![json!(test_id(ids::PREVIEW_ROW))],
    )
    .await;
    assert_eq!(offline[0], "false", "{offline}");
    assert!(
        offline[1].as_str().unwrap_or_default().contains("offline"),
        "{offline}"
    );
    choose(&browser, "fleet-network", "net-robot-lan").await;
    browser.screenshot("rollout-form").await;
    click(&browser, &test_id(ids::REVIEW_ROLLOUT)).await;
    let confirm = test_id(ids::CONFIRM_STEP);
    let summary = wait_for(
        &browser,
        "the Confirm step's counts",
        LONG,
        TEXT,
        vec![json!(confirm)],
        |v| v.as_str().is_some_and(|t| t.contains("201 compatible")),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string();
    assert!(
        summary.contains("201 compatible devices carrying site:tokyo"),
        "{summary}"
    );
    assert!(summary.contains("1, 20, 180 devices"), "{summary}");
    click(&browser, &test_id(ids::CONFIRM_ROLLOUT)).await;

    // The rollout page: the canary alone, then wave 2.
    wait_for(
        &browser,
        "the rollout page",
        LONG,
        "return location.pathname",
        vec![],
        |v| v.as_str().is_some_and(|p| p.starts_with("/rollouts/ro-")),
    )
    .await;
    let id = rollout_id(&browser).await;
    wait_state(&browser, "Running", LONG).await;
    let made = api_targets(&site, &id).await;
    assert_eq!(made.len(), 201);
    assert!(
        made.iter().all(|t| t["deviceName"] != "amr-03"),
        "the offline robot is not targeted"
    );
    rio_e2e::page::wait_text(&browser, &test_id(ids::ROLLOUT_WAVE), "Wave 2 of 3", LONG).await;

    // A wave-2 robot goes offline while its deployment starts: DEP_E151 halts the rollout.
    let now = api_targets(&site, &id).await;
    let victim = now
        .iter()
        .find(|t| t["wave"] == 2 && t["phase"] != "Succeeded")
        .cloned()
        .unwrap_or_else(|| panic!("a wave-2 target still starting: {now:?}"));
    let uuid = victim["deviceId"].as_str().unwrap_or_default().to_string();
    let name = victim["deviceName"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, body) = http(
        "POST",
        &site.url(&format!("/__control/devices/{uuid}/offline")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    wait_state(&browser, "Halted", LONG).await;
    let halt = text(&browser, &test_id(ids::ROLLOUT_HALT)).await;
    assert!(halt.contains(&name) && halt.contains("DEP_E151"), "{halt}");
    let (meaning, _) = code_entry("DEP_E151");
    assert!(
        halt.contains(&meaning),
        "the code's meaning is shown: {halt}"
    );
    browser.screenshot("rollout-halted").await;
    let halted = api_targets(&site, &id).await;
    let started_in_wave_3 = halted
        .iter()
        .filter(|t| t["wave"] == 3 && t.get("deploymentId").is_some())
        .count();
    assert_eq!(started_in_wave_3, 0, "a halted rollout starts nothing more");

    // Back online, resumed: the robot is tried again and the waves go on to the end.
    let (status, body) = http(
        "POST",
        &site.url(&format!("/__control/devices/{uuid}/online")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    click(
        &browser,
        &format!("{}[data-action=resume]", test_id(ids::ROLLOUT_ACTION)),
    )
    .await;
    wait_state(&browser, "Succeeded", Duration::from_secs(60)).await;
    let done = api_rollout(&site, &id).await;
    assert_eq!(done["counts"]["Succeeded"], 201, "{}", done["counts"]);
    // The targets table holds the rows in view, not 201.
    let rows = run(
        &browser,
        "return document.querySelectorAll(arguments[0]).length",
        vec![json!(test_id(ids::TARGET_ROW))],
    )
    .await;
    let rows = rows.as_u64().unwrap_or(0);
    assert!(rows > 0 && rows < 100, "windowed: {rows} rows in the page");
    browser.screenshot("rollout-succeeded").await;
    assert!(
        run(
            &browser,
            "return !document.querySelector(arguments[0])",
            vec![json!(test_id(ids::ROLLOUT_ACTION))]
        )
        .await
        .as_bool()
        .unwrap_or(false),
        "a finished rollout offers no action"
    );
    browser.finish(&[]).await;
}

#[tokio::test]
async fn hostile_input_makes_nothing_and_a_paused_rollout_can_be_aborted() {
    let site = BackendSite::with_fleet_at_speed(0, "1", &["--enable-faults"]).await;
    let browser = Browser::start().await;
    browser
        .goto(&site.url("/catalog/pkg-amr-navigation/rollout"))
        .await;
    browser.wait_test_id(ids::FLEET_FORM).await;
    // What the form can tell at once, by field.
    fill(&browser, "fleet-selector", "site").await;
    fill(&browser, "fleet-waves", "1, 50%").await;
    fill(&browser, "fleet-maxFailures", "0").await;
    click(&browser, &test_id(ids::REVIEW_ROLLOUT)).await;
    for (field, part) in [
        ("selector", "\"site\""),
        ("waves", "100%"),
        ("maxFailures", "1 or more"),
    ] {
        let message = text(&browser, &format!("#fleet-{field}-error")).await;
        assert!(message.contains(part), "{field}: {message}");
    }
    // What the backend refuses: one name for every robot, markup in it.
    fill(&browser, "fleet-selector", "site:osaka").await;
    fill(&browser, "fleet-waves", "1, 100%").await;
    fill(&browser, "fleet-maxFailures", "1").await;
    fill(&browser, "fleet-name", "<b>nav</b>").await;
    choose(&browser, "fleet-network", "net-robot-lan").await;
    click(&browser, &test_id(ids::REVIEW_ROLLOUT)).await;
    click(&browser, &test_id(ids::CONFIRM_ROLLOUT)).await;
    wait_for(
        &browser,
        "the name refused",
        LONG,
        TEXT,
        vec![json!("#fleet-name-error")],
        |v| v.as_str().is_some_and(|t| !t.is_empty()),
    )
    .await;
    assert_eq!(
        run(
            &browser,
            "return document.querySelectorAll('b').length",
            vec![]
        )
        .await,
        json!(0),
        "typed markup stays text"
    );
    let list = get_json(&site.url("/api/v1/rollouts")).await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing made: {list}"
    );

    // A good one, paused, then aborted after a confirmation.
    fill(&browser, "fleet-name", "nav-{device}").await;
    click(&browser, &test_id(ids::REVIEW_ROLLOUT)).await;
    click(&browser, &test_id(ids::CONFIRM_ROLLOUT)).await;
    wait_state(&browser, "Running", LONG).await;
    let id = rollout_id(&browser).await;
    click(
        &browser,
        &format!("{}[data-action=pause]", test_id(ids::ROLLOUT_ACTION)),
    )
    .await;
    wait_state(&browser, "Paused", LONG).await;
    click(
        &browser,
        &format!("{}[data-action=abort]", test_id(ids::ROLLOUT_ACTION)),
    )
    .await;
    wait_dialog(&browser, ids::ABORT_DIALOG, true).await;
    browser.screenshot("rollout-abort-dialog").await;
    click(&browser, &test_id(ids::CONFIRM_ABORT)).await;
    wait_state(&browser, "Aborted", LONG).await;
    let aborted = api_rollout(&site, &id).await;
    assert_eq!(aborted["state"], "aborted");

    // The list, and the widget a dashboard embeds.
    browser.goto(&site.url("/rollouts")).await;
    browser.wait_test_id(ids::ROLLOUTS_TABLE).await;
    let listed = text(&browser, &test_id(ids::ROLLOUTS_TABLE)).await;
    assert!(listed.contains("Aborted"), "{listed}");
    browser.screenshot("rollouts-list").await;
    browser
        .goto(&site.url(&format!("/widgets/rollout/{id}")))
        .await;
    browser.wait_test_id(ids::ROLLOUT_WIDGET).await;
    browser.wait_test_id(ids::FLEET_BAR).await;
    wait_state(&browser, "Aborted", LONG).await;
    browser.screenshot("rollout-widget").await;
    // The refused request is the browser's network log's, not the console's error.
    browser.finish(&["422 (Unprocessable Entity)"]).await;
}

/// A dashboard deployment named `name` (depending on `on`, when given); its ID.
async fn deploy(site: &BackendSite, name: &str, on: Option<&str>) -> String {
    let mut body =
        json!({"name": name, "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"});
    if let Some(on) = on {
        body["dependentDeployments"] = json!([{"dependentDeploymentId": on}]);
    }
    let (status, answer) = site
        .api("POST", "/api/v1/deployments", Some(&body.to_string()))
        .await;
    assert_eq!(status, 201, "{answer}");
    serde_json::from_str::<Value>(&answer).expect("a deployment")["deploymentId"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn bulk_deprovision_of_thirty_refuses_the_two_in_use_and_does_the_rest() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let mut used = Vec::new();
    for n in 1..=2 {
        let base = deploy(&site, &format!("bulk-base-{n}"), None).await;
        used.push(base);
    }
    for n in 1..=28 {
        deploy(&site, &format!("bulk-{n:02}"), None).await;
    }
    // Each base is depended on by a deployment outside the selection, once it runs.
    for (n, base) in used.iter().enumerate() {
        wait_for_phase(&site, base, "Succeeded").await;
        deploy(&site, &format!("dependant-{}", n + 1), Some(base)).await;
    }
    let browser = Browser::start().await;
    browser.goto(&site.url("/deployments?q=bulk-")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    let boxes = test_id(ids::ROW_SELECT);
    // A click, then Shift+click five rows down: a range of five.
    click(&browser, &boxes).await;
    let fifth = run(&browser, "const b = document.querySelectorAll(arguments[0])[4]; b.dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true})); return true", vec![json!(boxes)]).await;
    assert_eq!(fifth, json!(true));
    rio_e2e::page::wait_text(
        &browser,
        &format!("{} strong", test_id(ids::BULK_BAR)),
        "5 selected",
        LONG,
    )
    .await;
    // Every deployment the search matches, not only the rows in the page.
    click(&browser, &test_id(ids::SELECT_ALL_MATCHING)).await;
    rio_e2e::page::wait_text(
        &browser,
        &format!("{} strong", test_id(ids::BULK_BAR)),
        "30 selected",
        LONG,
    )
    .await;
    site.forget_requests().await;
    click(&browser, &test_id(ids::BULK_DEPROVISION)).await;
    wait_dialog(&browser, ids::BULK_DIALOG, true).await;
    let title = text(
        &browser,
        &format!("{} .modal-title", test_id(ids::BULK_DIALOG)),
    )
    .await;
    assert_eq!(title, "Deprovision 30 deployments?");
    click(&browser, &test_id(ids::CONFIRM_BULK)).await;
    browser.wait_test_id(ids::BULK_RESULTS).await;
    let outcomes = run(
        &browser,
        "return [...document.querySelectorAll(arguments[0])].map(r => [r.dataset.outcome, r.textContent])",
        vec![json!(test_id(ids::BULK_RESULT))],
    )
    .await;
    let outcomes = outcomes.as_array().cloned().unwrap_or_default();
    assert_eq!(outcomes.len(), 30, "{outcomes:?}");
    let refused: Vec<&Value> = outcomes.iter().filter(|o| o[0] != "done").collect();
    assert_eq!(refused.len(), 2, "{outcomes:?}");
    for outcome in &refused {
        let line = outcome[1].as_str().unwrap_or_default();
        assert!(
            line.contains("dependant-"),
            "the dependants are named: {line}"
        );
    }
    assert_eq!(
        outcomes[0][0], "conflict",
        "what needs attention comes first"
    );
    browser.screenshot("bulk-results").await;
    let sent = site.requests_to("POST", "/api/v1/deployments/bulk").await;
    assert_eq!(sent.len(), 1, "one request, nothing sent twice: {sent:?}");
    for base in &used {
        let still = get_json(&site.url(&format!("/api/v1/deployments/{base}"))).await;
        assert_eq!(
            still["phase"], "Succeeded",
            "a deployment in use stays: {still}"
        );
    }
    browser.finish(&[]).await;
}

/// Waits (up to 30 s) until the backend says `id` is in `phase`.
async fn wait_for_phase(site: &BackendSite, id: &str, phase: &str) {
    for _ in 0..300 {
        let deployment = site.get_json(&format!("/api/v1/deployments/{id}")).await;
        if deployment["phase"] == phase {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{id} never reached {phase}");
}

#[tokio::test]
async fn demo_a_rollout_over_the_demo_fleet_halts_through_the_panel_and_resumes() {
    let (_site, browser) = open(ConfigJson::FromDist, "/catalog/pkg-amr-navigation/rollout").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    dismiss_tour(&browser).await;
    browser.wait_test_id(ids::FLEET_FORM).await;
    fill(&browser, "fleet-selector", "site:chiba").await;
    let summary = format!("{} .preview-summary", test_id(ids::FLEET_PREVIEW));
    rio_e2e::page::wait_text(
        &browser,
        &summary,
        "8 devices match: 7 can run it, 1 cannot.",
        LONG,
    )
    .await;
    fill(&browser, "fleet-waves", "1, 100%").await;
    click(&browser, &test_id(ids::REVIEW_ROLLOUT)).await;
    wait_for(
        &browser,
        "the Confirm step's counts",
        LONG,
        TEXT,
        vec![json!(test_id(ids::CONFIRM_STEP))],
        |v| {
            v.as_str()
                .is_some_and(|t| t.contains("7 compatible devices"))
        },
    )
    .await;
    click(&browser, &test_id(ids::CONFIRM_ROLLOUT)).await;
    wait_state(&browser, "Running", LONG).await;
    // The canary (amr-chiba-01) succeeds at the platform's pace; the other six start.
    rio_e2e::page::wait_text(
        &browser,
        &test_id(ids::ROLLOUT_WAVE),
        "Wave 2 of 2",
        DEMO_WAIT,
    )
    .await;

    // The panel, narrowed to the site, takes one of them offline while it starts.
    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    run(
        &browser,
        "const i = document.querySelector(arguments[0]); i.value = 'site:chiba'; i.dispatchEvent(new Event('input')); return true",
        vec![json!(test_id(ids::SIM_DEVICE_FILTER))],
    )
    .await;
    click(&browser, &test_id(ids::SIM_TOGGLE)).await;
    sim_set_device(&browser, "dev-amr-chiba-02", false).await;
    wait_state(&browser, "Halted", DEMO_WAIT).await;
    let halt = text(&browser, &test_id(ids::ROLLOUT_HALT)).await;
    assert!(
        halt.contains("amr-chiba-02") && halt.contains("DEP_E151"),
        "{halt}"
    );
    browser.screenshot("rollout-demo-halted").await;

    // Back online and resumed: it is tried again, and the rollout ends.
    sim_set_device(&browser, "dev-amr-chiba-02", true).await;
    click(
        &browser,
        &format!("{}[data-action=resume]", test_id(ids::ROLLOUT_ACTION)),
    )
    .await;
    wait_state(&browser, "Succeeded", DEMO_WAIT).await;
    let succeeded = format!("{}[data-part=Succeeded] strong", test_id(ids::FLEET_COUNT));
    rio_e2e::page::wait_text(&browser, &succeeded, "7", LONG).await;
    browser.finish(&[]).await;
}

/// Each deployment row by name: its phase and generation.
const ROWS: &str = "return Object.fromEntries([...document.querySelectorAll(arguments[0])].map(r => [r.querySelector('a.row-link').textContent.trim(), [r.querySelector(arguments[1]).textContent.trim(), r.querySelector(arguments[2]).textContent.trim()]]))";

#[tokio::test]
async fn demo_update_selected_updates_each_deployment_once() {
    let (_site, browser) = open(ConfigJson::FromDist, "/deployments?q=amr-nav").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    dismiss_tour(&browser).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    // Both navigation deployments settled in a phase that takes an update (the seed's
    // amr-nav-osaka failed its last update), with their generations.
    let args = vec![
        json!(test_id(ids::DEPLOYMENT_ROW)),
        json!(test_id(ids::ROW_PHASE)),
        json!(test_id(ids::ROW_GENERATION)),
    ];
    let settled = |v: &Value| {
        v.as_object().is_some_and(|rows| {
            rows.len() == 2
                && rows.values().all(|r| {
                    ["Succeeded", "Failed to update"].contains(&r[0].as_str().unwrap_or_default())
                })
        })
    };
    let before = wait_for(
        &browser,
        "both amr-nav deployments settled",
        DEMO_WAIT,
        ROWS,
        args.clone(),
        settled,
    )
    .await;
    click(&browser, &test_id(ids::ROW_SELECT)).await;
    click(&browser, &test_id(ids::SELECT_ALL_MATCHING)).await;
    let bar = format!("{} strong", test_id(ids::BULK_BAR));
    rio_e2e::page::wait_text(&browser, &bar, "2 selected", LONG).await;
    click(&browser, &test_id(ids::BULK_UPDATE)).await;
    wait_dialog(&browser, ids::BULK_DIALOG, true).await;
    let title = text(
        &browser,
        &format!("{} .modal-title", test_id(ids::BULK_DIALOG)),
    )
    .await;
    assert_eq!(title, "Update 2 deployments?");
    click(&browser, &test_id(ids::CONFIRM_BULK)).await;
    browser.wait_test_id(ids::BULK_RESULTS).await;
    let outcomes = run(
        &browser,
        "return [...document.querySelectorAll(arguments[0])].map(r => r.dataset.outcome)",
        vec![json!(test_id(ids::BULK_RESULT))],
    )
    .await;
    assert_eq!(outcomes, json!(["done", "done"]));
    let heading = text(&browser, &format!("{} h2", test_id(ids::BULK_RESULTS))).await;
    assert_eq!(heading, "Updated all 2 deployments");
    // Each went one generation up, once.
    let next = |generation: &Value| {
        (generation
            .as_str()
            .unwrap_or_default()
            .parse::<u64>()
            .unwrap_or(0)
            + 1)
        .to_string()
    };
    let expected: Vec<(String, String)> = before
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, row)| (name.clone(), next(&row[1])))
        .collect();
    wait_for(
        &browser,
        "both one generation up",
        DEMO_WAIT,
        ROWS,
        args,
        |v| {
            expected
                .iter()
                .all(|(name, generation)| v[name][1] == generation.as_str())
        },
    )
    .await;
    assert!(
        run(
            &browser,
            "return !document.querySelector(arguments[0])",
            vec![json!(test_id(ids::BULK_BAR))]
        )
        .await
        .as_bool()
        .unwrap_or(false),
        "the selection is cleared"
    );
    browser.finish(&[]).await;
}
