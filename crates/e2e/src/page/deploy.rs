//! Driving the deploy form's searches as a person does: typing part of a deployment's name into
//! a dependency or volume box and picking what it finds, and switching the device picker to the
//! devices that cannot run the component.

use serde_json::json;

use super::{LONG, click, run, test_id, wait_for};
use crate::Browser;
use rio_console::ids;

/// Types `typed` into the deployment search box with DOM id `dom_id` and picks the first
/// deployment found whose text contains `name`; waits until the box says it is chosen.
pub async fn pick_deployment(browser: &Browser, dom_id: &str, typed: &str, name: &str) {
    type_into(browser, dom_id, typed).await;
    let option = format!("#{dom_id}-options {}", test_id(ids::DEPLOYMENT_OPTION));
    wait_for(
        browser,
        &format!("{name} among what {typed:?} finds"),
        LONG,
        "return [...document.querySelectorAll(arguments[0])].map(o => o.textContent).join(' | ')",
        vec![json!(option)],
        |found| found.as_str().is_some_and(|t| t.contains(name)),
    )
    .await;
    run(
        browser,
        "const o = [...document.querySelectorAll(arguments[0])].find(o => o.textContent.includes(arguments[1])); \
         o.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, cancelable: true})); return null",
        vec![json!(option), json!(name)],
    )
    .await;
    wait_for(
        browser,
        &format!("{name} chosen in #{dom_id}"),
        LONG,
        "const f = document.getElementById(arguments[0]).closest('.field'); const c = f && f.querySelector('.combo-chosen'); return c ? c.textContent : null",
        vec![json!(dom_id)],
        |chosen| chosen.as_str().is_some_and(|t| t.contains(name)),
    )
    .await;
}

/// Focuses the input with DOM id `dom_id` (scrolled to the middle of the view, clear of the
/// sticky header) and types `typed` into it, key by key.
pub async fn type_into(browser: &Browser, dom_id: &str, typed: &str) {
    let input = browser.wait_css(&format!("#{dom_id}")).await;
    run(
        browser,
        "const i = document.getElementById(arguments[0]); i.scrollIntoView({block: 'center'}); i.focus(); return null",
        vec![json!(dom_id)],
    )
    .await;
    input.clear().await.expect("clear");
    input.send_keys(typed).await.expect("type");
}

/// The device picker's note (how the devices found fit the component), once it has counts.
pub async fn devices_note(browser: &Browser) -> String {
    wait_for(
        browser,
        "the device picker's note",
        LONG,
        "const n = document.querySelector(arguments[0]); return n ? n.textContent : null",
        vec![json!(test_id(ids::DEVICES_NOTE))],
        |text| text.as_str().is_some_and(|t| !t.contains("Finding")),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Switches the device picker to the devices that cannot run the component (or back) and
/// waits until it lists them.
pub async fn show_other_devices(browser: &Browser, cannot: bool) {
    click(browser, &test_id(ids::DEVICES_OTHER_SIDE)).await;
    let showing = if cannot { "cannot" } else { "can-run" };
    wait_for(
        browser,
        &format!("the picker shows {showing}"),
        LONG,
        "const o = document.querySelector(arguments[0]); return o && o.getAttribute('data-showing') === arguments[1] && !o.closest('[aria-busy=true]')",
        vec![json!(test_id(ids::DEVICE_OPTIONS)), json!(showing)],
        |done| done.as_bool() == Some(true),
    )
    .await;
}

/// Types `typed` into the device picker's search (the component `component`'s) and picks the
/// device `device_id` once the search lists it.
pub async fn search_and_pick_device(
    browser: &Browser,
    component: &str,
    typed: &str,
    device_id: &str,
) {
    type_into(
        browser,
        &format!("field-componentContext-{component}-deviceId-search"),
        typed,
    )
    .await;
    let radio =
        format!("input[name='field-componentContext-{component}-deviceId'][value='{device_id}']");
    wait_for(
        browser,
        &format!("{device_id} among the devices named like {typed:?}"),
        LONG,
        "const n = document.querySelector(arguments[1]); return !!document.querySelector(arguments[0]) && !!n && n.textContent.includes(arguments[2])",
        vec![json!(radio), json!(test_id(ids::DEVICES_NOTE)), json!(typed.to_lowercase())],
        |found| found.as_bool() == Some(true),
    )
    .await;
    run(
        browser,
        "const r = document.querySelector(arguments[0]); r.scrollIntoView({block: 'center'}); r.click(); return null",
        vec![json!(radio)],
    )
    .await;
}
