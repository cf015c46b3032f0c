//! Component tests of the deployments screens' parts in headless Chromium: the phase progress
//! bar's stages for every phase (and its accessible values), and which components the Update
//! Deployment dialog lets the user choose.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![cfg(target_arch = "wasm32")]

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use platform::phase::Phase;
use platform::sim::seed;
use platform::time::Millis;
use platform::wire::{ComponentInfo, PhaseAt, RestartPolicy, Runtime};
use rio_console::components::phase_bar::PhaseBar;
use rio_console::ids;
use rio_console::pages::deployments::update::{UpdateChoices, choices};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{container, settle};

/// The class word of each stage, in order ("reached", "current", …).
fn stages(root: &web_sys::HtmlElement) -> Vec<String> {
    let items = root.query_selector_all("li[data-stage]").unwrap();
    (0..items.length())
        .map(|i| {
            let class = items
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .class_name();
            class
                .split_whitespace()
                .find_map(|c| c.strip_prefix("stage-"))
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

fn bar(root: &web_sys::HtmlElement) -> web_sys::Element {
    root.query_selector(&format!("[data-testid={}]", ids::PHASE_BAR))
        .unwrap()
        .expect("the bar is rendered")
}

fn at(phase: Phase) -> PhaseAt {
    PhaseAt {
        phase,
        at: "2026-11-29T10:00:00Z".into(),
    }
}

#[wasm_bindgen_test]
async fn phase_bar_maps_every_phase_to_its_stages() {
    let root = container();
    let phase = RwSignal::new(Phase::InProgress);
    let timeline = RwSignal::new(vec![at(Phase::InProgress)]);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <PhaseBar phase=phase timeline=timeline /> }
    });
    settle().await;
    let cases: Vec<(Phase, Vec<Phase>, [&str; 3], &str)> = vec![
        (
            Phase::InProgress,
            vec![Phase::InProgress],
            ["current", "pending", "pending"],
            "0",
        ),
        (
            Phase::Provisioning,
            vec![Phase::InProgress, Phase::Provisioning],
            ["reached", "current", "pending"],
            "1",
        ),
        (
            Phase::Succeeded,
            vec![Phase::InProgress, Phase::Provisioning, Phase::Succeeded],
            ["reached", "reached", "reached"],
            "3",
        ),
        (
            Phase::FailedToStart,
            vec![Phase::InProgress, Phase::FailedToStart],
            ["failed", "pending", "pending"],
            "0",
        ),
        (
            Phase::FailedToStart,
            vec![Phase::InProgress, Phase::Provisioning, Phase::FailedToStart],
            ["reached", "failed", "pending"],
            "1",
        ),
        (
            Phase::FailedToUpdate,
            vec![Phase::Succeeded, Phase::Provisioning, Phase::FailedToUpdate],
            ["reached", "failed", "pending"],
            "1",
        ),
        (
            Phase::DeploymentStopped,
            vec![Phase::Succeeded, Phase::DeploymentStopped],
            ["stopped", "stopped", "stopped"],
            "0",
        ),
        (
            Phase::PartiallyDeprovisioned,
            vec![Phase::Succeeded, Phase::PartiallyDeprovisioned],
            ["stopped", "stopped", "stopped"],
            "0",
        ),
        (
            Phase::Unknown("Exploded".into()),
            vec![],
            ["pending", "pending", "pending"],
            "0",
        ),
    ];
    for (p, history, expected, value) in cases {
        timeline.set(history.into_iter().map(at).collect());
        phase.set(p.clone());
        settle().await;
        assert_eq!(stages(&root), expected, "stages for {p:?}");
        let bar = bar(&root);
        assert_eq!(bar.get_attribute("role").as_deref(), Some("progressbar"));
        assert_eq!(
            bar.get_attribute("aria-valuenow").as_deref(),
            Some(value),
            "value for {p:?}"
        );
        assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("3"));
        let text = bar.get_attribute("aria-valuetext").unwrap_or_default();
        assert!(
            text.starts_with(&p.label()),
            "value text {text:?} names {p:?}"
        );
        let announcer = root
            .query_selector(&format!("[data-testid={}]", ids::PHASE_ANNOUNCER))
            .unwrap()
            .expect("the live region is rendered");
        assert_eq!(
            announcer.get_attribute("aria-live").as_deref(),
            Some("polite")
        );
        assert_eq!(
            announcer.text_content().unwrap_or_default(),
            format!("Deployment phase: {}", p.label())
        );
    }
    let class = bar(&root).class_name();
    assert!(
        !class.contains("failed"),
        "an unknown phase is not shown as a failure"
    );
}

fn component(id: &str, runtime: Runtime, device: Option<&str>) -> ComponentInfo {
    ComponentInfo {
        component_id: id.into(),
        name: id.trim_start_matches("comp-").into(),
        runtime,
        device_id: device.map(Into::into),
        restart_policy: device.map(|_| RestartPolicy::Always),
        status: platform::phase::Status::Running,
        error_code: Vec::new(),
        parameters: BTreeMap::new(),
        executables_status_info: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn update_dialog_disables_what_cannot_be_updated_and_says_why() {
    let devices = seed::devices(Millis(0));
    let components = vec![
        component("comp-web", Runtime::Cloud, None),
        component("comp-agent", Runtime::Device, Some("dev-amr-01")),
        component("comp-logger", Runtime::Device, Some("dev-sensor-01")),
        component("comp-gone", Runtime::Device, Some("dev-retired")),
    ];
    // Pure: the reasons come from the platform's rules.
    let lines = choices(&components, Some(&devices));
    let blocked: Vec<(&str, bool)> = lines
        .iter()
        .map(|c| (c.id.as_str(), c.blocked.is_some()))
        .collect();
    assert_eq!(
        blocked,
        [
            ("comp-web", false),
            ("comp-agent", false),
            ("comp-logger", true),
            ("comp-gone", true),
        ]
    );
    let logger = &lines[2];
    assert!(
        logger
            .blocked
            .as_deref()
            .unwrap_or("")
            .contains("preinstalled"),
        "{logger:?}"
    );
    assert!(logger.runs_on.contains("sensor"), "{logger:?}");
    // While devices load, device components wait; cloud components can be chosen at once.
    let waiting = choices(&components, None);
    assert!(waiting[0].blocked.is_none());
    assert!(waiting[1..].iter().all(|c| c.blocked.is_some()));

    // Rendered: disabled checkboxes with the reason beside them; ticking fills `chosen`.
    let root = container();
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let error = RwSignal::new(None::<String>);
    let shown = lines.clone();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <UpdateChoices choices=Signal::stored(shown.clone()) chosen=chosen error=error /> }
    });
    settle().await;
    let boxes = root.query_selector_all("input[type=checkbox]").unwrap();
    assert_eq!(boxes.length(), 4);
    let input = |i: u32| {
        boxes
            .item(i)
            .unwrap()
            .unchecked_into::<web_sys::HtmlInputElement>()
    };
    assert!(!input(0).disabled());
    assert!(!input(1).disabled());
    assert!(input(2).disabled());
    assert!(input(3).disabled());
    let reason_id = input(2)
        .get_attribute("aria-describedby")
        .unwrap_or_default();
    let reason = document()
        .get_element_by_id(&reason_id)
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(reason.contains("preinstalled"), "reason shown: {reason:?}");
    input(1).click();
    settle().await;
    assert_eq!(
        chosen.get_untracked().into_iter().collect::<Vec<_>>(),
        ["comp-agent"]
    );
    // A disabled component cannot be ticked.
    input(2).click();
    settle().await;
    assert_eq!(chosen.get_untracked().len(), 1);
    // The "at least one" error shows at the field.
    error.set(Some("Choose at least one component to update.".into()));
    settle().await;
    let fieldset = root.query_selector("fieldset").unwrap().unwrap();
    assert_eq!(
        fieldset.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        fieldset
            .text_content()
            .unwrap_or_default()
            .contains("Choose at least one component")
    );
}

#[wasm_bindgen_test]
async fn status_chip_has_its_codes_button_only_while_there_are_codes() {
    use platform::phase::Status;
    use rio_console::components::status::StatusChip;

    let root = container();
    let errors = RwSignal::new(Vec::<String>::new());
    let status = RwSignal::new(Status::Running);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <leptos_router::components::Router>
                <StatusChip status=status errors=errors />
            </leptos_router::components::Router>
        }
    });
    settle().await;
    let buttons = || {
        root.query_selector_all("button.info-button")
            .unwrap()
            .length()
    };
    let codes = || {
        let links = root.query_selector_all(".codes-popover code").unwrap();
        (0..links.length())
            .map(|i| links.item(i).unwrap().text_content().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(buttons(), 0, "a healthy status carries no button");
    assert!(root.query_selector(".codes-popover").unwrap().is_none());

    status.set(Status::Error);
    errors.set(vec!["DEP_E151".into()]);
    settle().await;
    assert_eq!(buttons(), 1);
    assert_eq!(codes(), ["DEP_E151"]);
    let button = root.query_selector("button.info-button").unwrap().unwrap();

    errors.set(vec!["DEP_E151".into(), "DEP_E153".into()]);
    settle().await;
    assert_eq!(codes(), ["DEP_E151", "DEP_E153"]);
    let same = root.query_selector("button.info-button").unwrap().unwrap();
    assert!(
        button.is_same_node(Some(&same)),
        "more codes keep the button"
    );

    errors.set(Vec::new());
    settle().await;
    assert_eq!(buttons(), 0, "the button goes with the last code");
    assert!(root.query_selector(".codes-popover").unwrap().is_none());
}
