//! Demo mode with no backend at all, in a real browser: the first-visit tour greets, leads to the
//! pages it names and stays dismissed; the speed chosen in the simulation panel is kept and a
//! deployment at 5× gets to Succeeded; the whole story (deploy, update, break the device, fail
//! with an error code, reset to the seed) is kept across reloads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use fantoccini::key::Key;
use rio_console::ids;
use rio_e2e::page::{
    DEMO_WAIT, LONG, SHOWN, click, code_entry, dismiss_tour, reload, row_names, run,
    sim_set_device, test_id, text, update_from_dialog, wait_for, wait_phase, wait_shown, wait_text,
};
use rio_e2e::{Browser, ConfigJson, open};
use serde_json::{Value, json};

/// A package deploy link: amr-navigation on dev-amr-02 over robot-lan, named `name`.
fn deploy_link(name: &str) -> String {
    format!(
        "/catalog/pkg-amr-navigation/deploy?name={name}&device.comp-amr-nav=dev-amr-02&network=net-robot-lan"
    )
}

/// The `data-testid` (or else the id) of the focused element.
const FOCUSED: &str =
    "const e = document.activeElement; return e ? (e.dataset.testid || e.id) : ''";

/// Waits until the keyboard is on the element with this test id (or DOM id).
async fn wait_focus(browser: &Browser, id: &str) {
    wait_for(
        browser,
        &format!("{id} has the keyboard"),
        LONG,
        FOCUSED,
        Vec::new(),
        |v| v.as_str() == Some(id),
    )
    .await;
}

/// Opens the simulation panel (or closes it) and waits until it is so.
async fn set_panel(browser: &Browser, open: bool) {
    let shown = run(browser, SHOWN, vec![json!(test_id(ids::SIM_PANEL))]).await;
    if shown.as_bool() != Some(open) {
        click(browser, &test_id(ids::SIM_TOGGLE)).await;
    }
    wait_shown(browser, ids::SIM_PANEL, open).await;
}

/// The label of the speed choice `value` ("0.5", "1", "2", "5"), which people click.
fn speed_choice(value: &str) -> String {
    format!(
        "{} label:has(input[type=radio][value=\"{value}\"])",
        test_id(ids::SIM_SPEED)
    )
}

/// Waits until the panel's checked speed is `value` (the panel is open).
async fn wait_speed(browser: &Browser, value: &str) {
    wait_for(
        browser,
        &format!("the speed {value} is checked"),
        LONG,
        "const r = document.querySelector(arguments[0] + ' input[type=radio]:checked'); return r ? r.value : null",
        vec![json!(test_id(ids::SIM_SPEED))],
        |v| v.as_str() == Some(value),
    )
    .await;
}

/// What this page's local storage holds under `key`.
async fn stored(browser: &Browser, key: &str) -> Value {
    run(
        browser,
        "return localStorage.getItem(arguments[0])",
        vec![json!(key)],
    )
    .await
}

/// Resets the demo from the simulation panel (asked, then confirmed) and closes the panel.
async fn reset_demo(browser: &Browser) {
    set_panel(browser, true).await;
    click(browser, &test_id(ids::SIM_RESET)).await;
    wait_text(
        browser,
        &test_id(ids::SIM_RESET),
        "Confirm: forget everything done in this demo",
        LONG,
    )
    .await;
    click(browser, &test_id(ids::SIM_RESET)).await;
    wait_text(browser, &test_id(ids::SIM_RESET), "Reset the demo", LONG).await;
    set_panel(browser, false).await;
}

/// Deploys from a deploy link through Create and Confirm; lands on the new deployment's page.
async fn deploy(browser: &Browser, base: &str, name: &str) {
    browser.goto(&format!("{base}{}", deploy_link(name))).await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    click(browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    click(browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_title(name).await;
    browser.wait_test_id(ids::PHASE_BAR).await;
}

/// The deployments list's names, sorted (what the list shows, whatever its order).
async fn listed(browser: &Browser) -> Vec<String> {
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_for(
        browser,
        "the deployments list has rows",
        LONG,
        &format!(
            "return document.querySelectorAll('[data-testid={}]').length",
            ids::DEPLOYMENT_ROW
        ),
        Vec::new(),
        |v| v.as_u64().is_some_and(|n| n > 0),
    )
    .await;
    let mut names = row_names(browser).await;
    names.sort();
    names
}

#[tokio::test]
async fn the_tour_greets_a_first_visit_leads_to_its_pages_and_stays_dismissed() {
    let (site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    wait_shown(&browser, ids::DEMO_TOUR, true).await;
    let tour = text(&browser, &test_id(ids::DEMO_TOUR)).await;
    for part in [
        "simulated in this browser",
        "Deploy a package",
        "Update Deployment",
        "take its device offline",
        "error code",
        "Reset",
    ] {
        assert!(tour.contains(part), "the tour says {part:?}: {tour}");
    }
    // A first visit keeps the keyboard where the page put it.
    assert_ne!(run(&browser, FOCUSED, Vec::new()).await, "demo-tour-title");
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_for(
        &browser,
        "the tour's entrance animation ends",
        LONG,
        "return document.querySelector(arguments[0]).getAnimations().length",
        vec![json!(test_id(ids::DEMO_TOUR))],
        |v| v.as_u64() == Some(0),
    )
    .await;
    browser.screenshot("demo-tour").await;

    // Its links lead to the pages it names, in its order; it stays while the user explores.
    let links = run(
        &browser,
        "return [...document.querySelectorAll(arguments[0] + ' a')].map(a => a.getAttribute('href'))",
        vec![json!(test_id(ids::DEMO_TOUR))],
    )
    .await;
    assert_eq!(
        links,
        json!(["/catalog", "/deployments", "/error-codes"]),
        "the tour's links"
    );
    for (path, title) in [
        ("/catalog", "Catalog"),
        ("/error-codes", "Error codes"),
        ("/deployments", "Deployments"),
    ] {
        click(
            &browser,
            &format!("{} a[href=\"{path}\"]", test_id(ids::DEMO_TOUR)),
        )
        .await;
        browser.wait_path(path).await;
        browser.wait_title(title).await;
        wait_shown(&browser, ids::DEMO_TOUR, true).await;
    }

    // Its "Simulation" opens the panel; the card steps aside while the panel is open.
    click(
        &browser,
        &format!("{} button.link-button", test_id(ids::DEMO_TOUR)),
    )
    .await;
    wait_shown(&browser, ids::SIM_PANEL, true).await;
    wait_shown(&browser, ids::DEMO_TOUR, false).await;
    set_panel(&browser, false).await;
    wait_shown(&browser, ids::DEMO_TOUR, true).await;

    // "Got it": gone, the keyboard on the Simulation button, and still gone after a reload.
    dismiss_tour(&browser).await;
    wait_focus(&browser, ids::SIM_TOGGLE).await;
    reload(&browser, &site.url("")).await;
    browser.wait_title("Deployments").await;
    browser.wait_test_id(ids::SIM_TOGGLE).await;
    wait_shown(&browser, ids::DEMO_TOUR, false).await;

    // "Show the tour" brings it back, with the keyboard on it; Esc dismisses it again.
    set_panel(&browser, true).await;
    run(
        &browser,
        "const p = document.querySelector(arguments[0]); p.scrollTop = p.scrollHeight; return null",
        vec![json!(test_id(ids::SIM_PANEL))],
    )
    .await;
    browser.screenshot("demo-simulation-show-tour").await;
    click(&browser, &test_id(ids::SIM_SHOW_TOUR)).await;
    wait_shown(&browser, ids::SIM_PANEL, false).await;
    wait_shown(&browser, ids::DEMO_TOUR, true).await;
    wait_focus(&browser, "demo-tour-title").await;
    reload(&browser, &site.url("")).await;
    wait_shown(&browser, ids::DEMO_TOUR, true).await;
    click(&browser, "#demo-tour-title").await;
    browser.press(Key::Escape.into()).await;
    wait_shown(&browser, ids::DEMO_TOUR, false).await;
    browser.finish(&[]).await;
}

#[tokio::test]
async fn the_chosen_speed_survives_a_reload_and_a_reset_and_a_fast_deployment_succeeds() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    dismiss_tour(&browser).await;
    set_panel(&browser, true).await;
    let legend = text(&browser, &format!("{} legend", test_id(ids::SIM_SPEED))).await;
    assert_eq!(legend, "Speed");
    let offered = run(
        &browser,
        "return [...document.querySelectorAll(arguments[0] + ' label')].map(l => [l.querySelector('input').value, l.textContent.trim()])",
        vec![json!(test_id(ids::SIM_SPEED))],
    )
    .await;
    assert_eq!(
        offered,
        json!([["0.5", "½×"], ["1", "1×"], ["2", "2×"], ["5", "5×"]])
    );
    wait_speed(&browser, "1").await;

    // 5× by its label, as a person clicks it; kept in this browser.
    click(&browser, &speed_choice("5")).await;
    wait_speed(&browser, "5").await;
    browser.screenshot("demo-simulation-speed").await;
    assert_eq!(stored(&browser, "rio-console.demo-speed").await, "5");
    reload(&browser, &site.url("")).await;
    browser.wait_title("Catalog").await;
    set_panel(&browser, true).await;
    wait_speed(&browser, "5").await;

    // The keyboard moves through the choices (a real radio group).
    click(&browser, &speed_choice("2")).await;
    wait_speed(&browser, "2").await;
    browser.press(Key::Right.into()).await;
    wait_speed(&browser, "5").await;
    assert_eq!(stored(&browser, "rio-console.demo-speed").await, "5");

    // A deployment at 5× goes all the way to Succeeded.
    deploy(&browser, &site.url(""), "nav-fast").await;
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_STATUS), "Running", LONG).await;

    // A reset starts the demo again at the chosen speed.
    reset_demo(&browser).await;
    set_panel(&browser, true).await;
    wait_speed(&browser, "5").await;
    browser.goto(&site.url("/catalog")).await;
    browser.wait_title("Catalog").await;
    set_panel(&browser, true).await;
    wait_speed(&browser, "5").await;

    // A stored speed the panel does not offer reads as 1×.
    run(
        &browser,
        "localStorage.setItem('rio-console.demo-speed', 'warp'); return null",
        Vec::new(),
    )
    .await;
    browser.goto(&site.url("/catalog")).await;
    browser.wait_title("Catalog").await;
    set_panel(&browser, true).await;
    wait_speed(&browser, "1").await;
    browser.finish(&[]).await;
}

/// The whole demo with no backend, in the tour's order: deploy a package, watch it succeed,
/// update it, take its device offline and update again (it fails with DEP_E151), bring the
/// device back, reset: the seed again, the tour still dismissed. Each step survives a reload.
#[tokio::test]
async fn the_whole_story_without_a_backend_survives_reloads_until_a_reset() {
    let (site, browser) = open(ConfigJson::FromDist, "/deployments").await;
    let base = site.url("");
    browser.wait_text(&test_id(ids::MODE_BADGE), "Demo").await;
    let seed = listed(&browser).await;
    assert!(
        seed.iter().any(|n| n == "amr-nav-tokyo"),
        "the seed is listed: {seed:?}"
    );

    // The tour's first step: the Catalog, then a package's deploy link.
    click(
        &browser,
        &format!("{} a[href=\"/catalog\"]", test_id(ids::DEMO_TOUR)),
    )
    .await;
    browser.wait_title("Catalog").await;
    dismiss_tour(&browser).await;
    deploy(&browser, &base, "nav-story").await;
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    reload(&browser, &base).await;
    browser.wait_title("nav-story").await;
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "1", LONG).await;

    // Update Deployment: generation 2, kept.
    let after = update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["generation"], "2", "{after}");
    wait_phase(&browser, "Succeeded", DEMO_WAIT).await;
    reload(&browser, &base).await;
    browser.wait_title("nav-story").await;
    wait_text(&browser, &test_id(ids::DEPLOYMENT_GENERATION), "2", LONG).await;

    // Its device offline, update again: Failed to update with the code and its meaning, kept.
    sim_set_device(&browser, "dev-amr-02", false).await;
    update_from_dialog(&browser, &["comp-amr-nav"], None).await;
    wait_phase(&browser, "Failed to update", DEMO_WAIT).await;
    let (meaning, _) = code_entry("DEP_E151");
    let errors = text(&browser, &test_id(ids::DEPLOYMENT_ERRORS)).await;
    assert!(
        errors.contains("DEP_E151") && errors.contains(&meaning),
        "{errors}"
    );
    browser.screenshot("demo-story-failed-to-update").await;
    reload(&browser, &base).await;
    browser.wait_title("nav-story").await;
    wait_phase(&browser, "Failed to update", LONG).await;
    let errors = text(&browser, &test_id(ids::DEPLOYMENT_ERRORS)).await;
    assert!(errors.contains("DEP_E151"), "{errors}");

    // The device back online; the next update is armed to fail (so a reset has more to undo).
    sim_set_device(&browser, "dev-amr-02", true).await;
    set_panel(&browser, true).await;
    click(&browser, &test_id(ids::SIM_FAIL_NEXT)).await;
    wait_text(
        &browser,
        &test_id(ids::SIM_FAIL_NEXT),
        "The next update will fail",
        LONG,
    )
    .await;
    set_panel(&browser, false).await;

    // Reset: the seed again, nav-story gone, nothing armed; kept; the tour stays dismissed.
    reset_demo(&browser).await;
    browser.goto(&site.url("/deployments")).await;
    wait_for(
        &browser,
        "the list is the seed again",
        LONG,
        &format!(
            "return [...document.querySelectorAll('[data-testid={}] a.row-link')].map(a => a.textContent.trim()).sort()",
            ids::DEPLOYMENT_ROW
        ),
        Vec::new(),
        |v| *v == json!(seed),
    )
    .await;
    reload(&browser, &base).await;
    assert_eq!(listed(&browser).await, seed);
    set_panel(&browser, true).await;
    wait_text(
        &browser,
        &test_id(ids::SIM_FAIL_NEXT),
        "Make the next update fail",
        LONG,
    )
    .await;
    set_panel(&browser, false).await;
    wait_shown(&browser, ids::DEMO_TOUR, false).await;
    browser.finish(&[]).await;
}
