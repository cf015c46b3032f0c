//! Which devices a rollout targets (the selector, compatibility with the deploy form's
//! reasons, names from the pattern), field errors for what cannot become a rollout, and the
//! Rollout object as the API shows it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

mod common;

use platform::rollout::{RolloutRequest, RolloutState, TargetPhase, Wave, decide, plan, preview};
use platform::sim::{SimConfig, seed};
use platform::time::Millis;
use platform::wire::{Device, Label, Package};

/// The seed's catalog and robots: a package with a device component, and a label its devices
/// share.
fn world() -> (Package, String, String, Vec<Device>) {
    let platform = seed::seeded(3, Millis(1_790_000_000_000), SimConfig::default());
    let devices = platform.devices(None, None);
    let (package, plan, component) = common::device_package(&platform);
    (package, plan, component, devices)
}

fn request(package: &Package, plan: &str, component: &str, selector: Vec<Label>) -> RolloutRequest {
    RolloutRequest {
        package_id: package.summary.guid.clone(),
        plan_id: plan.into(),
        component_id: component.into(),
        name: "nav-{device}".into(),
        selector,
        waves: platform::rollout::default_waves(),
        max_failures: 1,
        ..RolloutRequest::default()
    }
}

#[test]
fn the_preview_lists_matching_devices_with_reasons_and_the_plan_keeps_the_compatible() {
    let (package, plan_id, component, devices) = world();
    let label = devices
        .iter()
        .flat_map(|d| d.labels.iter())
        .next()
        .cloned()
        .expect("seed devices carry labels");
    let request = request(&package, &plan_id, &component, vec![label.clone()]);
    let shown = preview(&request, &package, &devices);
    let matching = devices.iter().filter(|d| label.is_in(&d.labels)).count();
    assert_eq!(shown.len(), matching);
    assert!(shown.iter().all(|t| t.compatible == t.reasons.is_empty()));
    assert!(
        shown
            .iter()
            .all(|t| t.name == format!("nav-{}", t.device_name))
    );
    match plan(&request, &package, &devices) {
        Ok(targets) => {
            assert!(targets.iter().all(|t| t.compatible));
            assert_eq!(targets.len(), shown.iter().filter(|t| t.compatible).count());
        }
        Err(errors) => assert!(
            errors.iter().all(|e| e.field == "selector"),
            "only 'no compatible device' may refuse it: {errors:?}"
        ),
    }
    // An empty selector targets nothing, never the whole fleet.
    assert!(
        preview(
            &RolloutRequest {
                selector: vec![],
                ..request
            },
            &package,
            &devices
        )
        .is_empty()
    );
}

#[test]
fn hostile_input_gets_field_errors_and_nothing_is_planned() {
    let (package, plan_id, component, devices) = world();
    let label = |key: &str, value: &str| Label {
        key: key.into(),
        value: value.into(),
    };
    let base = request(&package, &plan_id, &component, vec![label("site", "tokyo")]);
    let cases: Vec<(RolloutRequest, &str)> = vec![
        (
            RolloutRequest {
                selector: vec![],
                ..base.clone()
            },
            "selector",
        ),
        (
            RolloutRequest {
                selector: vec![label("<script>", "x")],
                ..base.clone()
            },
            "selector[0].key",
        ),
        (
            RolloutRequest {
                selector: vec![label("site", &"v".repeat(300))],
                ..base.clone()
            },
            "selector[0].value",
        ),
        (
            RolloutRequest {
                name: "".into(),
                ..base.clone()
            },
            "name",
        ),
        (
            RolloutRequest {
                waves: vec![Wave::Count(0), Wave::Percent(100)],
                ..base.clone()
            },
            "waves",
        ),
        (
            RolloutRequest {
                waves: vec![Wave::Percent(50)],
                ..base.clone()
            },
            "waves",
        ),
        (
            RolloutRequest {
                max_failures: 0,
                ..base.clone()
            },
            "maxFailures",
        ),
        (
            RolloutRequest {
                component_id: "comp-none".into(),
                ..base.clone()
            },
            "componentId",
        ),
        (
            RolloutRequest {
                plan_id: "plan-none".into(),
                ..base.clone()
            },
            "planId",
        ),
    ];
    for (request, field) in cases {
        let errors = plan(&request, &package, &devices).expect_err(field);
        assert!(
            errors.iter().any(|e| e.field == field),
            "{field}: {errors:?}"
        );
    }
}

#[test]
fn names_must_pass_the_name_rule_and_differ_naming_the_devices() {
    let (package, plan_id, component, mut devices) = world();
    let fleet = Label {
        key: "fleet".into(),
        value: "test".into(),
    };
    for device in &mut devices {
        device.labels.push(fleet.clone());
    }
    let base = request(&package, &plan_id, &component, vec![fleet]);
    let targets = plan(&base, &package, &devices).expect("the seed's robots can run it");
    assert!(
        targets.len() >= 2,
        "two compatible robots at least: {targets:?}"
    );
    let same = plan(
        &RolloutRequest {
            name: "nav".into(),
            ..base.clone()
        },
        &package,
        &devices,
    )
    .expect_err("one name for several devices");
    assert!(
        same.iter()
            .any(|e| e.field == "name" && e.message.contains("{device}")),
        "{same:?}"
    );
    let bad = plan(
        &RolloutRequest {
            name: "<b>{device}".into(),
            ..base
        },
        &package,
        &devices,
    )
    .expect_err("a name the rule refuses");
    assert!(
        bad.iter()
            .any(|e| e.field == "name" && e.message.contains("<")),
        "{bad:?}"
    );
}

#[test]
fn a_rollout_reads_back_and_counts_its_targets_per_phase() {
    let text = r#"{"rolloutId": "ro-1", "packageId": "pkg-1", "state": "halted",
        "haltReason": "Halted after 1 failed deployment: robot-02 (DEP_E151). Fix what the codes say, then resume or abort.",
        "CreatedAt": "2026-12-01T00:00:00Z", "wave": 2, "waves": [1, "10%", "100%"],
        "maxFailures": 1, "somethingNew": true,
        "targets": [
            {"deviceId": "d1", "deviceName": "robot-01", "wave": 1, "deploymentId": "dep-1",
             "phase": "Succeeded", "status": "Running", "errors": null},
            {"deviceId": "d2", "deviceName": "robot-02", "wave": 2, "deploymentId": "dep-2",
             "phase": "Failed to start", "status": "Error", "errors": ["DEP_E151"]},
            {"deviceId": "d3", "deviceName": "robot-03", "wave": 3}
        ]}"#;
    let rollout: platform::rollout::Rollout = platform::wire::decode(text).unwrap();
    assert_eq!(rollout.state, RolloutState::Halted);
    let counts = platform::rollout::counts(&rollout.targets);
    assert_eq!(counts.get("Succeeded"), Some(&1));
    assert_eq!(counts.get("Failed to start"), Some(&1));
    assert_eq!(counts.get(platform::rollout::PENDING), Some(&1));
    let phases: Vec<(u32, TargetPhase)> = rollout
        .targets
        .iter()
        .map(|t| (t.wave, t.target_phase()))
        .collect();
    let names: Vec<String> = rollout
        .targets
        .iter()
        .map(|t| t.device_name.clone())
        .collect();
    let again = decide(
        RolloutState::Running,
        rollout.wave,
        rollout.max_failures,
        &phases,
        &names,
    );
    assert_eq!(again.halt_reason.as_deref(), rollout.halt_reason.as_deref());
}

#[test]
fn the_simulation_answers_the_preview_as_the_rule_gives_it() {
    use platform::sim::serve::{Request, answer};
    let mut platform = seed::seeded(3, Millis(1_790_000_000_000), SimConfig::default());
    let (package, plan_id, component, devices) = world();
    let label = devices
        .iter()
        .flat_map(|d| d.labels.iter())
        .next()
        .cloned()
        .expect("seed devices carry labels");
    let request = request(&package, &plan_id, &component, vec![label.clone(), label]);
    let body = serde_json::to_string(&request).unwrap();
    let answered = answer(
        &mut platform,
        &Request {
            method: "POST",
            path: "/rollouts/preview",
            body: Some(&body),
            idempotency_key: None,
        },
        "u",
        Millis(1_790_000_000_000),
    );
    assert_eq!(answered.status, 200, "{}", answered.body);
    let shown: platform::rollout::RolloutPreview = serde_json::from_str(&answered.body).unwrap();
    assert!(!shown.targets.is_empty());
    assert_eq!(shown.targets, preview(&request, &package, &devices));
}
