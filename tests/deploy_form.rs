//! Component tests of the deploy form's parts in headless Chromium: a device as a choice with
//! the platform's reasons, the picker's note of how the devices found fit, text fields and
//! when their errors show, and the Confirm summary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos_router::components::Router;
use platform::rules::compat::{FitSummary, ReasonCount};
use platform::sim::seed;
use platform::time::Millis;
use platform::wire::Device;
use platform::wire::{Component, Package, ProvisionRequest};
use rio_console::ids;
use rio_console::pages::deploy::{
    confirm::ConfirmSummary,
    fields::TextField,
    fields::device_options::{DeviceOption, FitNote, Showing, summary},
    model::{DeployDraft, LabelRow, access},
    state::FormState,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;

const AGENT: &str = "comp-bridge-agent";

fn bridge() -> Package {
    seed::packages(Millis(0))
        .into_iter()
        .find(|p| p.summary.guid == "pkg-fleet-bridge")
        .expect("the fleet-bridge package is seeded")
}

fn agent(package: &Package) -> Component {
    package.plans[0]
        .component(AGENT)
        .expect("the bridge's device component")
        .clone()
}

/// Builds the form state for the fleet-bridge package from `draft`, provides it, hands it to
/// the test through `sink` and renders `render(form)`.
#[component]
fn FormHarness(
    draft: DeployDraft,
    sink: Arc<Mutex<Option<FormState>>>,
    render: fn(FormState) -> AnyView,
) -> impl IntoView {
    let form = FormState::new(bridge(), draft, seed::networks());
    // What the form would have looked up by ID: every seeded device.
    for device in seed::devices(Millis(0)) {
        form.chosen.pick_device(device);
    }
    provide_context(form);
    *sink.lock().unwrap() = Some(form);
    render(form)
}

/// Mounts `render` over a form starting from `draft`; returns the container, the form state and
/// the handle that keeps the view mounted.
fn mount_form(
    draft: DeployDraft,
    render: fn(FormState) -> AnyView,
) -> (web_sys::HtmlElement, FormState, impl Drop) {
    let container = document()
        .create_element("div")
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>();
    document().body().unwrap().append_child(&container).unwrap();
    let sink = Arc::new(Mutex::new(None));
    let out = sink.clone();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <Router>
                <FormHarness draft=draft sink=sink render=render />
            </Router>
        }
        .into_any()
    });
    let form = out.lock().unwrap().expect("the harness built the form");
    (container, form, handle)
}

fn fresh_draft() -> DeployDraft {
    DeployDraft::new(&bridge())
}

fn name_field(_: FormState) -> AnyView {
    view! {
        <TextField label="Name of deployment" path="name" get=access::name set=access::set_name />
    }
    .into_any()
}

fn confirm_summary(form: FormState) -> AnyView {
    let request = form
        .package
        .with_value(|package| form.draft.get_untracked().to_request(package.plans.first()));
    view! { <ConfirmSummary request=request /> }.into_any()
}

fn dispatch(target: &web_sys::Element, event: &str) {
    target
        .dispatch_event(&web_sys::Event::new(event).unwrap())
        .unwrap();
}

fn by_id(root: &web_sys::HtmlElement, id: &str) -> web_sys::Element {
    root.query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("#{id} is rendered"))
}

fn name_input(root: &web_sys::HtmlElement) -> web_sys::HtmlInputElement {
    by_id(root, "field-name").unchecked_into()
}

fn name_error(root: &web_sys::HtmlElement) -> String {
    by_id(root, "field-name-error")
        .text_content()
        .unwrap_or_default()
}

/// Types `value` into `input` and leaves it, as a user does.
async fn type_and_leave(input: &web_sys::HtmlInputElement, value: &str) {
    input.set_value(value);
    dispatch(input, "input");
    dispatch(input, "blur");
    leptos::task::tick().await;
}

fn seed_device(name: &str) -> Device {
    seed::devices(Millis(0))
        .into_iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("{name} is seeded"))
}

/// Mounts one device as a choice for the bridge's agent; returns the container, what was
/// chosen (through the callback) and the mount handle.
fn mount_option(
    device: Device,
    chosen: &str,
) -> (web_sys::HtmlElement, Arc<Mutex<Option<String>>>, impl Drop) {
    let root = common::container();
    let picked = Arc::new(Mutex::new(None));
    let sink = picked.clone();
    let chosen = chosen.to_string();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let sink = sink.clone();
        view! {
            <div role="radiogroup">
                <DeviceOption
                    device=device
                    component=agent(&bridge())
                    group="g"
                    chosen=Signal::stored(chosen)
                    choose=Callback::new(move |d: Device| *sink.lock().unwrap() = Some(d.uuid))
                />
            </div>
        }
    });
    (root, picked, handle)
}

fn radio(root: &web_sys::HtmlElement) -> web_sys::HtmlInputElement {
    root.query_selector("input[type=radio]")
        .unwrap()
        .expect("a radio")
        .unchecked_into()
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_compatible_device_is_a_choice_and_choosing_it_says_so() {
    let (root, picked, _handle) = mount_option(seed_device("edge-01"), "");
    common::settle().await;
    let input = radio(&root);
    assert!(!input.disabled(), "edge-01 can run the agent");
    assert_eq!(input.value(), "dev-edge-01");
    assert!(!input.checked());
    assert_eq!(text(&root, ".option-name"), "edge-01");
    assert!(
        text(&root, ".option-meta").contains("amd64"),
        "{}",
        text(&root, ".option-meta")
    );
    assert!(root.query_selector(".option-reason").unwrap().is_none());
    input.set_checked(true);
    dispatch(&input, "change");
    common::settle().await;
    assert_eq!(picked.lock().unwrap().as_deref(), Some("dev-edge-01"));
}

#[wasm_bindgen_test]
async fn a_device_that_cannot_run_the_component_is_disabled_with_the_platform_reasons() {
    for (name, reason) in [
        ("amr-01", "built for amd64"),
        ("amr-03", "offline"),
        ("sensor-pi-01", "docker"),
    ] {
        let (root, _picked, _handle) = mount_option(seed_device(name), "");
        common::settle().await;
        assert!(radio(&root).disabled(), "{name}");
        let shown = text(&root, ".option-reason");
        assert!(shown.contains(reason), "{name}: {shown}");
    }
}

#[wasm_bindgen_test]
async fn the_chosen_device_is_checked() {
    let (root, _picked, _handle) = mount_option(seed_device("edge-01"), "dev-edge-01");
    common::settle().await;
    assert!(radio(&root).checked());
}

#[wasm_bindgen_test]
async fn the_note_counts_the_matches_and_lists_why_the_others_cannot() {
    let fit = FitSummary {
        compatible: 1_900,
        incompatible: 100,
        reasons: vec![
            ReasonCount {
                reason: "The device is offline (it must be online).".into(),
                devices: 95,
            },
            ReasonCount {
                reason: "The device is arm64v8; this component is built for amd64.".into(),
                devices: 5,
            },
        ],
    };
    let can = summary(Showing::CanRun, "", 1_900, Some(&fit));
    assert_eq!(
        can.text,
        "1,900 of the 2,000 devices can run this component."
    );
    assert!(can.reasons.is_empty());
    let searched = summary(Showing::CanRun, "amr-04", 1_900, Some(&fit));
    assert!(
        searched.text.contains("named like “amr-04”"),
        "{}",
        searched.text
    );
    let cannot = summary(Showing::Cannot, "", 100, Some(&fit));
    assert_eq!(
        cannot.text,
        "100 of the 2,000 devices cannot run this component:"
    );
    let none = summary(Showing::CanRun, "zz", 0, Some(&FitSummary::default()));
    assert_eq!(none.text, "No device is named like “zz”.");

    let root = common::container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <FitNote note=Signal::stored(cannot.clone()) loading=Signal::stored(false) /> }
    });
    common::settle().await;
    let items = root.query_selector_all(".picker-reasons li").unwrap();
    assert_eq!(items.length(), 2);
    let first = items
        .item(0)
        .and_then(|n| n.text_content())
        .unwrap_or_default();
    assert!(
        first.starts_with("95 devices") && first.contains("offline"),
        "{first}"
    );
}

#[wasm_bindgen_test]
async fn text_field_shows_no_error_until_the_user_leaves_it() {
    let (root, _form, _handle) = mount_form(fresh_draft(), name_field);
    leptos::task::tick().await;
    assert_eq!(
        name_error(&root),
        "",
        "an empty untouched name is not an error yet"
    );
    assert_eq!(
        name_input(&root).get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn a_too_short_name_shows_its_error_after_the_user_leaves_the_field() {
    let (root, form, _handle) = mount_form(fresh_draft(), name_field);
    leptos::task::tick().await;
    let input = name_input(&root);
    input.set_value("x");
    dispatch(&input, "input");
    leptos::task::tick().await;
    assert_eq!(form.draft.get_untracked().name, "x");
    assert_eq!(
        name_error(&root),
        "",
        "no error while the user is still typing"
    );
    dispatch(&input, "blur");
    leptos::task::tick().await;
    assert_eq!(name_error(&root), "Use at least 3 characters (this has 1).");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("field-name-error")
    );
}

#[wasm_bindgen_test]
async fn submitting_reveals_the_errors_of_untouched_fields() {
    let (root, form, _handle) = mount_form(fresh_draft(), name_field);
    leptos::task::tick().await;
    assert_eq!(name_error(&root), "");
    form.submitted.set(true);
    leptos::task::tick().await;
    assert_eq!(name_error(&root), "Enter a name for the deployment.");
    assert_eq!(
        name_input(&root).get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_server_error_shows_until_the_user_edits_the_field() {
    let mut draft = fresh_draft();
    draft.name = "fleet-bridge-dev".into();
    let (root, form, _handle) = mount_form(draft, name_field);
    leptos::task::tick().await;
    assert_eq!(name_input(&root).value(), "fleet-bridge-dev");
    assert_eq!(name_error(&root), "");
    let message = "A deployment with this name already exists.";
    form.server_errors.update(|e| {
        e.insert("name".into(), message.into());
    });
    leptos::task::tick().await;
    assert_eq!(
        name_error(&root),
        message,
        "untouched, yet the server's error shows"
    );
    assert_eq!(
        name_input(&root).get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    type_and_leave(&name_input(&root), "fleet-bridge-dev-2").await;
    assert_eq!(name_error(&root), "", "the edit clears the server's error");
    assert_eq!(
        name_input(&root).get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert!(form.server_errors.get_untracked().is_empty());
}

fn filled_draft() -> DeployDraft {
    let mut draft = fresh_draft();
    draft.name = "tokyo-bridge".into();
    draft.labels.push(LabelRow {
        key: "site".into(),
        value: "tokyo".into(),
    });
    draft.components.get_mut(AGENT).unwrap().device_id = "dev-edge-01".into();
    draft.networks.push("net-floor".into());
    draft
}

#[wasm_bindgen_test]
async fn confirm_summary_shows_the_choices_by_name() {
    let (root, _form, _handle) = mount_form(filled_draft(), confirm_summary);
    leptos::task::tick().await;
    let summary = root
        .query_selector(&format!("[data-testid=\"{}\"]", ids::CONFIRM_STEP))
        .unwrap()
        .expect("the Confirm step");
    let name = summary
        .query_selector(".summary-name")
        .unwrap()
        .and_then(|n| n.text_content());
    assert_eq!(name.as_deref(), Some("tokyo-bridge"));
    let facts = summary
        .query_selector("dl.facts")
        .unwrap()
        .and_then(|d| d.text_content())
        .unwrap_or_default();
    for expected in ["site=tokyo", "edge-01", "floor-net", "fleet-bridge"] {
        assert!(facts.contains(expected), "{expected} in {facts}");
    }
}

#[wasm_bindgen_test]
async fn confirm_summary_json_is_the_request_that_will_be_sent() {
    let (root, form, _handle) = mount_form(filled_draft(), confirm_summary);
    leptos::task::tick().await;
    let json = root
        .query_selector("pre.json")
        .unwrap()
        .and_then(|p| p.text_content())
        .expect("the JSON");
    let request: ProvisionRequest = serde_json::from_str(&json).expect("valid request JSON");
    assert_eq!(
        request.component_context[AGENT].device_id.as_deref(),
        Some("dev-edge-01")
    );
    assert_eq!(request.name, "tokyo-bridge");
    assert_eq!(request.routed_networks[0].guid, "net-floor");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["componentContext"][AGENT]["deviceId"],
        serde_json::json!("dev-edge-01"),
        "the wire name is deviceId"
    );
    let expected = form
        .package
        .with_value(|p| form.draft.get_untracked().to_request(p.plans.first()));
    assert_eq!(request, expected);
}
