//! Component tests of the deploy form's parts in headless Chromium: the device picker with the
//! platform's reasons, text fields and when their errors show, and the Confirm summary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos_router::components::Router;
use platform::sim::seed;
use platform::time::Millis;
use platform::wire::{Component, Package, ProvisionRequest};
use rio_console::ids;
use rio_console::pages::deploy::{
    confirm::ConfirmSummary,
    fields::{DevicePicker, TextField},
    model::{DeployDraft, LabelRow, access},
    state::FormState,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    let devices = Signal::stored(seed::devices(Millis(0)));
    let form = FormState::new(bridge(), draft, devices, seed::networks(), Vec::new());
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

fn device_picker(_: FormState) -> AnyView {
    view! {
        <DevicePicker
            component=agent(&bridge())
            refresh=Callback::new(|_| {})
            loading=Signal::stored(false)
        />
    }
    .into_any()
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

/// One device as the picker shows it.
struct DeviceOption {
    name: String,
    disabled: bool,
    reason: String,
    radio: web_sys::HtmlInputElement,
}

fn device_options(root: &web_sys::HtmlElement) -> Vec<DeviceOption> {
    let list = root
        .query_selector("[role=radiogroup]")
        .unwrap()
        .expect("the list of devices");
    let mut options = Vec::new();
    let mut next = list.first_element_child();
    while let Some(label) = next {
        let text_of = |selector: &str| {
            label
                .query_selector(selector)
                .unwrap()
                .and_then(|e| e.text_content())
                .unwrap_or_default()
        };
        let radio = label
            .query_selector("input[type=radio]")
            .unwrap()
            .expect("a radio per device")
            .unchecked_into::<web_sys::HtmlInputElement>();
        options.push(DeviceOption {
            name: text_of(".option-name"),
            disabled: radio.disabled(),
            reason: text_of(".option-reason"),
            radio,
        });
        next = label.next_element_sibling();
    }
    options
}

fn option<'a>(options: &'a [DeviceOption], name: &str) -> &'a DeviceOption {
    options
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
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

#[wasm_bindgen_test]
async fn device_picker_lists_the_compatible_online_device_first_and_enabled() {
    let (root, _form, _handle) = mount_form(fresh_draft(), device_picker);
    leptos::task::tick().await;
    let options = device_options(&root);
    assert_eq!(
        options.len(),
        seed::devices(Millis(0)).len(),
        "every device"
    );
    assert_eq!(options[0].name, "edge-01");
    assert!(!options[0].disabled, "edge-01 can be chosen");
    assert!(options[0].reason.is_empty(), "{}", options[0].reason);
    assert!(
        options[1..].iter().all(|o| o.disabled),
        "edge-01 is the only compatible device"
    );
    let legend = root
        .query_selector("legend")
        .unwrap()
        .and_then(|l| l.text_content())
        .unwrap_or_default();
    assert!(
        legend.contains("agent") && legend.contains("amd64"),
        "{legend}"
    );
    assert!(
        root.query_selector(&format!("[data-testid=\"{}\"]", ids::REFRESH_DEVICES))
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn device_picker_disables_incompatible_devices_with_the_platform_reason() {
    let (root, _form, _handle) = mount_form(fresh_draft(), device_picker);
    leptos::task::tick().await;
    let options = device_options(&root);
    for name in ["amr-01", "amr-02", "amr-03"] {
        let arm = option(&options, name);
        assert!(arm.disabled, "{name} is arm64");
        assert!(
            arm.reason.contains("built for amd64"),
            "{name}: {}",
            arm.reason
        );
    }
    for name in ["amr-03", "lab-pc-01"] {
        let offline = option(&options, name);
        assert!(offline.disabled, "{name} is offline");
        assert!(
            offline.reason.to_lowercase().contains("offline"),
            "{name}: {}",
            offline.reason
        );
    }
    for name in ["sensor-pi-01", "sensor-pi-02", "lab-pc-01"] {
        let preinstalled = option(&options, name);
        assert!(preinstalled.disabled, "{name} is preinstalled");
        assert!(
            preinstalled.reason.contains("docker"),
            "{name}: {}",
            preinstalled.reason
        );
    }
}

#[wasm_bindgen_test]
async fn choosing_a_device_puts_it_into_the_draft() {
    let (root, form, _handle) = mount_form(fresh_draft(), device_picker);
    leptos::task::tick().await;
    let options = device_options(&root);
    let edge = option(&options, "edge-01");
    assert!(!edge.radio.checked(), "nothing is chosen at first");
    edge.radio.set_checked(true);
    dispatch(&edge.radio, "change");
    leptos::task::tick().await;
    assert_eq!(
        form.draft.get_untracked().components[AGENT].device_id,
        "dev-edge-01"
    );
    let options = device_options(&root);
    assert!(option(&options, "edge-01").radio.checked());
    let error = by_id(
        &root,
        "field-componentContext-comp-bridge-agent-deviceId-error",
    )
    .text_content()
    .unwrap_or_default();
    assert!(
        error.is_empty(),
        "a compatible choice has no error: {error}"
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
