//! Deploying a package through the form, in a real browser: against the reference backend
//! (HTTP mode) and in demo mode. The hybrid ROS package goes to a compatible online device with
//! a cloud network, a label, a dependency and a volume, and lands on its details; the client
//! rules refuse bad input at the field; a backend 422 lands at its field; a double click on
//! Confirm creates one deployment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use fantoccini::Locator;
use rio_console::ids;
use rio_e2e::page::{
    click, devices_note, dismiss_tour, fill, pick_deployment, search_and_pick_device,
    show_other_devices, test_id, type_into,
};
use rio_e2e::{BackendSite, Browser, ConfigJson, Site, deployment_id, get_json, http};

/// Picks the option whose value is `value` in the select with this DOM id.
async fn select(browser: &Browser, dom_id: &str, value: &str) {
    let script = format!(
        "const s = document.getElementById('{dom_id}'); s.value = '{value}'; s.dispatchEvent(new Event('change')); return s.value"
    );
    assert_eq!(
        browser.eval(&script).await.as_str(),
        Some(value),
        "{dom_id} has an option {value}"
    );
}

/// Fills the fleet-bridge form the way a person would.
async fn fill_bridge_form(browser: &Browser, name: &str) {
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    fill(browser, "field-name", name).await;
    click(
        browser,
        &format!(
            "{} button.button-secondary.button-small",
            test_id(ids::DEPLOY_FORM)
        ),
    )
    .await; // Add label
    fill(browser, "field-labels-0--key", "site").await;
    fill(browser, "field-labels-0--value", "tokyo").await;
    // The device, found by typing part of its name.
    search_and_pick_device(browser, "comp-bridge-agent", "Edge-0", "dev-edge-01").await;
    // floor-net is the only usable cloud network.
    let floor = browser
        .client()
        .find(Locator::XPath(
            "//label[contains(@class,'option')][.//span[text()='floor-net']]//input",
        ))
        .await
        .expect("floor-net option");
    floor.click().await.expect("pick floor-net");
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add dependency').click(); return null").await;
    pick_deployment(
        browser,
        "field-dependentDeployments-0-",
        "nav-tok",
        "amr-nav-tokyo",
    )
    .await;
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add volume').click(); return null").await;
    pick_deployment(
        browser,
        "field-volumes-0--deploymentId",
        "telemetry",
        "telemetry-store",
    )
    .await;
    select(browser, "field-volumes-0--componentId", "comp-bridge-agg").await;
    fill(browser, "field-volumes-0--mountPath", "/data").await;
}

#[tokio::test]
async fn deploy_the_hybrid_ros_package_against_the_backend() {
    let site = BackendSite::start(&[]).await;
    let dependency = deployment_id(&site.url(""), "amr-nav-tokyo").await;
    let browser = Browser::start().await;
    browser.goto(&site.url("/catalog/pkg-fleet-bridge")).await;
    click(&browser, &test_id(ids::DEPLOY_PACKAGE)).await;
    browser.wait_path("/catalog/pkg-fleet-bridge/deploy").await;
    fill_bridge_form(&browser, "bridge-e2e").await;
    browser.screenshot("deploy-form").await;
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    let summary = browser.wait_test_id(ids::CONFIRM_STEP).await;
    let text = summary.text().await.expect("summary");
    for expected in [
        "bridge-e2e",
        "site=tokyo",
        "edge-01",
        "floor-net",
        "amr-nav-tokyo",
        "telemetry-store",
        "/data",
    ] {
        assert!(
            text.contains(expected),
            "the summary shows {expected}: {text}"
        );
    }
    browser.screenshot("deploy-confirm").await;
    // Two quick clicks: one deployment.
    browser
        .eval(&format!(
            "const b = document.querySelector('[data-testid={}]'); b.click(); b.click(); return null",
            ids::CONFIRM_DEPLOY
        ))
        .await;
    let deadline = tokio::time::Instant::now() + rio_e2e::browser::WAIT;
    while !browser.path().await.starts_with("/deployments/dep-") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never reached the details page"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser.wait_title("bridge-e2e").await;
    browser.wait_test_id(ids::DEPLOYMENT_PHASE).await;
    let list = get_json(&site.url("/api/v1/deployments?search=bridge-e2e")).await;
    let items = list["items"].as_array().expect("a list");
    assert_eq!(items.len(), 1, "exactly one deployment was created");
    assert_eq!(items[0]["labels"][0]["key"], "site");
    assert_eq!(items[0]["volumes"][0]["mountPath"], "/data");
    assert_eq!(
        items[0]["dependentDeployments"][0]["dependentDeploymentId"],
        dependency
    );
    browser.screenshot("deployment-created").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn client_rules_refuse_bad_input_at_the_field() {
    let site = Site::start(ConfigJson::FromDist).await;
    let browser = Browser::start().await;
    browser
        .goto(&site.url("/catalog/pkg-fleet-bridge/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    fill(&browser, "field-name", "x").await;
    browser
        .wait_text(
            "#field-name-error",
            "Use at least 3 characters (this has 1).",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.getElementById('field-name').getAttribute('aria-invalid')")
            .await
            .as_str(),
        Some("true")
    );
    fill(&browser, "field-name", "-bad").await;
    browser
        .wait_text(
            "#field-name-error",
            "Start the name with a letter or a digit.",
        )
        .await;
    // The devices that cannot run the agent are counted; shown on request, disabled, with the
    // platform's reasons.
    let note = devices_note(&browser).await;
    assert!(note.contains("can run this component"), "{note}");
    show_other_devices(&browser, true).await;
    let note = devices_note(&browser).await;
    assert!(
        note.contains("cannot run this component") && note.contains("offline"),
        "{note}"
    );
    let reasons = browser
        .eval("return [...document.querySelectorAll('.option-disabled .option-reason')].map(e => e.textContent).join(' | ')")
        .await;
    let reasons = reasons.as_str().unwrap_or_default().to_string();
    assert!(
        reasons.contains("built for amd64"),
        "architecture reason: {reasons}"
    );
    assert!(reasons.contains("offline"), "offline reason: {reasons}");
    // Submitting shows every remaining problem at its field.
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    browser.wait_test_id(ids::FORM_PROBLEMS).await;
    browser
        .wait_text(
            "#field-componentContext-comp-bridge-agent-deviceId-error",
            "Select a device for agent.",
        )
        .await;
    let network = browser
        .wait_css("#field-routedNetworks-error")
        .await
        .text()
        .await
        .expect("text");
    assert!(network.contains("select a routed network"), "{network}");
    browser.screenshot("deploy-form-errors").await;
    // The draft survives a reload.
    browser
        .goto(&site.url("/catalog/pkg-fleet-bridge/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    let kept = browser
        .eval("return document.getElementById('field-name').value")
        .await;
    assert_eq!(kept.as_str(), Some("-bad"), "what the user typed is kept");
    browser.finish(&[]).await;
}

#[tokio::test]
async fn deploy_in_demo_mode_and_land_on_the_details() {
    let site = Site::start(ConfigJson::FromDist).await;
    let browser = Browser::start().await;
    // A deploy link pre-fills the form.
    browser
        .goto(&site.url("/catalog/pkg-amr-navigation/deploy?name=nav-demo&label=site:osaka&device.comp-amr-nav=dev-amr-02&network=net-robot-lan"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    dismiss_tour(&browser).await;
    let name = browser
        .eval("return document.getElementById('field-name').value")
        .await;
    assert_eq!(name.as_str(), Some("nav-demo"));
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    browser.wait_test_id(ids::CONFIRM_STEP).await;
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_title("nav-demo").await;
    let phase = browser
        .wait_test_id(ids::DEPLOYMENT_PHASE)
        .await
        .text()
        .await
        .expect("phase");
    assert!(
        ["In progress", "Provisioning", "Succeeded"].contains(&phase.as_str()),
        "{phase}"
    );
    // The demo moves on by itself and survives a reload.
    browser
        .wait_text(&test_id(ids::DEPLOYMENT_PHASE), "Succeeded")
        .await;
    let here = browser.path().await;
    browser.goto(&site.url(&here)).await;
    browser
        .wait_text(&test_id(ids::DEPLOYMENT_PHASE), "Succeeded")
        .await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn a_backend_422_lands_at_its_field() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let browser = Browser::start().await;
    browser
        .goto(&site.url("/catalog/pkg-amr-navigation/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    fill(&browser, "field-name", "nav-422").await;
    click(
        &browser,
        "input[name='field-componentContext-comp-amr-nav-deviceId'][value='dev-amr-01']",
    )
    .await;
    let lan = browser
        .client()
        .find(Locator::XPath(
            "//label[contains(@class,'option')][.//span[text()='robot-lan']]//input",
        ))
        .await
        .expect("robot-lan option");
    lan.click().await.expect("pick robot-lan");
    // The device goes offline after the form loaded: only the backend knows.
    let (status, _) = http(
        "POST",
        &site.url("/__control/devices/dev-amr-01/offline"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_test_id(ids::SUBMIT_ERROR).await;
    let message = browser
        .wait_css("#field-componentContext-comp-amr-nav-deviceId-error")
        .await;
    let deadline = tokio::time::Instant::now() + rio_e2e::browser::WAIT;
    loop {
        let text = message.text().await.unwrap_or_default();
        if text.contains("offline") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the backend's reason shows at the device field: {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let name = browser
        .eval("return document.getElementById('field-name').value")
        .await;
    assert_eq!(name.as_str(), Some("nav-422"), "the form kept its input");
    browser.screenshot("deploy-backend-422").await;
    browser
        .finish(&["the server responded with a status of 422"])
        .await;
}

#[tokio::test]
async fn deploy_the_hybrid_ros_package_in_demo_mode() {
    let site = Site::start(ConfigJson::FromDist).await;
    let browser = Browser::start().await;
    browser
        .goto(&site.url("/catalog/pkg-fleet-bridge/deploy"))
        .await;
    dismiss_tour(&browser).await;
    fill_bridge_form(&browser, "bridge-demo").await;
    click(&browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    let summary = browser
        .wait_test_id(ids::CONFIRM_STEP)
        .await
        .text()
        .await
        .expect("summary");
    assert!(
        summary.contains("telemetry-store") && summary.contains("amr-nav-tokyo"),
        "{summary}"
    );
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_title("bridge-demo").await;
    browser
        .wait_text(&test_id(ids::DEPLOYMENT_PHASE), "Succeeded")
        .await;
    browser.screenshot("deployment-created-demo").await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn every_kind_of_field_refuses_bad_input_with_its_message() {
    let site = Site::start(ConfigJson::FromDist).await;
    let browser = Browser::start().await;
    browser
        .goto(&site.url("/catalog/pkg-fleet-bridge/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add label').click(); return null").await;
    fill(&browser, "field-labels-0--key", "-site").await;
    browser
        .wait_text(
            "#field-labels-0--key-error",
            "Start and end the key with a letter or a digit.",
        )
        .await;
    fill(&browser, "field-labels-0--value", " ").await;
    browser
        .wait_text("#field-labels-0--value-error", "Enter a value.")
        .await;
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add volume').click(); return null").await;
    fill(&browser, "field-volumes-0--mountPath", "data").await;
    browser
        .wait_text(
            "#field-volumes-0--mountPath-error",
            "Use an absolute path, starting with /.",
        )
        .await;
    fill(
        &browser,
        "field-componentContext-comp-bridge-agg-parameters-RETENTION_HOURS",
        "",
    )
    .await;
    browser
        .wait_text(
            "#field-componentContext-comp-bridge-agg-parameters-RETENTION_HOURS-error",
            "Enter a value for RETENTION_HOURS.",
        )
        .await;
    // Only Succeeded deployments can be dependencies: a search that finds others says so.
    browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Add dependency').click(); return null").await;
    type_into(
        &browser,
        "field-dependentDeployments-0-",
        "vision-detector-t",
    )
    .await;
    browser
        .wait_text(
            "#field-dependentDeployments-0--note",
            "No Succeeded deployment matches. 1 more deployment matches but cannot be chosen (1 Failed to start): only Succeeded deployments can be dependencies.",
        )
        .await;
    // The device network cannot serve a package with a cloud component.
    let lan = browser
        .eval("const l = [...document.querySelectorAll('.option')].find(l => l.textContent.includes('robot-lan')); return [l.querySelector('input').disabled, l.textContent]")
        .await;
    assert_eq!(lan[0].as_bool(), Some(true));
    assert!(
        lan[1]
            .as_str()
            .unwrap_or_default()
            .contains("needs a cloud routed network"),
        "{lan}"
    );
    browser.screenshot("deploy-field-rules").await;
    browser.finish(&[]).await;
}
