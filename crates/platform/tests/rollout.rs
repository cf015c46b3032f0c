//! The rollout rules: every target in exactly one wave, waves started in order and only after
//! the ones before them Succeeded, a halted rollout starting nothing more, an aborted one never
//! running again; and which devices a rollout targets, with field errors for what cannot
//! become one.

use platform::phase::Phase;
use platform::rollout::{
    RolloutRequest, RolloutState, TargetPhase, Wave, assign, decide, plan, preview, wave_ends,
    waves_error,
};
use platform::sim::{SimConfig, seed};
use platform::time::Millis;
use platform::wire::{Device, Label, Package, Runtime};
use proptest::prelude::*;

fn wave() -> impl Strategy<Value = Wave> {
    prop_oneof![
        (1u32..50).prop_map(Wave::Count),
        (1u8..=100).prop_map(Wave::Percent)
    ]
}

fn usable_waves() -> impl Strategy<Value = Vec<Wave>> {
    proptest::collection::vec(wave(), 0..6).prop_map(|mut waves| {
        waves.push(Wave::Percent(100));
        waves
    })
}

fn phase() -> impl Strategy<Value = TargetPhase> {
    prop_oneof![
        Just(TargetPhase::NotStarted),
        Just(deployed(Phase::InProgress)),
        Just(deployed(Phase::Provisioning)),
        Just(deployed(Phase::Succeeded)),
        Just(deployed(Phase::FailedToStart)),
    ]
}

fn deployed(phase: Phase) -> TargetPhase {
    TargetPhase::Deployed {
        phase,
        codes: Vec::new(),
    }
}

proptest! {
    #[test]
    fn every_target_is_in_exactly_one_wave_and_every_wave_starts_one(
        waves in usable_waves(),
        total in 0usize..400,
    ) {
        prop_assert!(waves_error(&waves).is_none());
        let assigned = assign(&waves, total);
        prop_assert_eq!(assigned.len(), total);
        let ends = wave_ends(&waves, total);
        prop_assert!(ends.len() <= waves.len());
        prop_assert!(ends.windows(2).all(|w| w[0] < w[1]), "{:?}", ends);
        prop_assert_eq!(ends.last().copied().unwrap_or(0), total);
        // Waves numbered 1, 2, … without gaps, in target order, none empty.
        let mut expected = 1;
        for (i, w) in assigned.iter().enumerate() {
            if i > 0 && *w != assigned[i - 1] {
                expected += 1;
            }
            prop_assert_eq!(*w, expected);
        }
        if let (Some(Wave::Count(first)), true) = (waves.first(), total > 0 && waves.len() > 1) {
            prop_assert_eq!(ends[0], (*first as usize).min(total).max(1));
        }
    }

    #[test]
    fn a_halted_rollout_starts_nothing_more(
        phases in proptest::collection::vec(phase(), 1..40),
        wave in 0u32..5,
        max_failures in 1u32..4,
    ) {
        let targets: Vec<(u32, TargetPhase)> = phases
            .into_iter()
            .enumerate()
            .map(|(i, p)| ((i % 4) as u32 + 1, p))
            .collect();
        let halted = decide(RolloutState::Halted, wave, max_failures, &targets, &[]);
        prop_assert_eq!(halted.state, RolloutState::Halted);
        prop_assert!(halted.start.is_empty());
        let running = decide(RolloutState::Running, wave, max_failures, &targets, &[]);
        let failures = targets.iter().filter(|(_, p)| *p == deployed(Phase::FailedToStart)).count();
        if failures >= max_failures as usize {
            prop_assert_eq!(running.state, RolloutState::Halted);
            prop_assert!(running.start.is_empty());
            prop_assert!(running.halt_reason.is_some());
        }
    }

    #[test]
    fn an_aborted_rollout_never_runs_again(
        actions in proptest::collection::vec(0u8..3, 0..12),
        phases in proptest::collection::vec(phase(), 0..20),
    ) {
        let targets: Vec<(u32, TargetPhase)> = phases.into_iter().map(|p| (1, p)).collect();
        let mut state = RolloutState::Aborted;
        for action in actions {
            let next = match action {
                0 => state.pause(),
                1 => state.resume(),
                _ => state.abort(),
            };
            prop_assert!(next.is_err(), "{:?} from aborted", action);
            state = decide(state, 1, 1, &targets, &[]).state;
            prop_assert_eq!(state, RolloutState::Aborted);
        }
    }
}

/// Runs a rollout of `total` targets with `waves` to the end, every deployment succeeding.
#[test]
fn waves_start_in_order_each_after_the_ones_before_succeeded() {
    let waves = platform::rollout::default_waves();
    let total = 24;
    let mut targets: Vec<(u32, TargetPhase)> = assign(&waves, total)
        .into_iter()
        .map(|w| (w, TargetPhase::NotStarted))
        .collect();
    let (mut state, mut wave) = (RolloutState::Running, 0);
    let mut started_per_wave = Vec::new();
    for _ in 0..20 {
        let decision = decide(state, wave, 1, &targets, &[]);
        state = decision.state;
        wave = decision.wave;
        if !decision.start.is_empty() {
            started_per_wave.push(decision.start.len());
        }
        for i in &decision.start {
            targets[*i].1 = deployed(Phase::InProgress);
        }
        // Nothing succeeds before its wave started; in-flight ones succeed on the next turn.
        let again = decide(state, wave, 1, &targets, &[]);
        assert!(
            again.start.is_empty(),
            "no wave starts while one is in flight"
        );
        for target in targets.iter_mut() {
            if target.1 == deployed(Phase::InProgress) {
                target.1 = deployed(Phase::Succeeded);
            }
        }
        if state == RolloutState::Succeeded {
            break;
        }
    }
    assert_eq!(state, RolloutState::Succeeded);
    assert_eq!(started_per_wave, [1, 2, 21]);
}

#[test]
fn a_halt_names_the_failed_devices_and_their_codes() {
    let targets = vec![
        (1, deployed(Phase::Succeeded)),
        (
            2,
            TargetPhase::Deployed {
                phase: Phase::FailedToStart,
                codes: vec!["DEP_E151".into()],
            },
        ),
        (2, TargetPhase::NotStarted),
    ];
    let names = vec!["robot-01".into(), "robot-02".into(), "robot-03".into()];
    let decision = decide(RolloutState::Running, 2, 1, &targets, &names);
    assert_eq!(decision.state, RolloutState::Halted);
    assert!(decision.start.is_empty());
    let reason = decision.halt_reason.unwrap();
    assert!(reason.contains("robot-02 (DEP_E151)"), "{reason}");
    // Two allowed: one failure does not halt.
    assert_eq!(
        decide(RolloutState::Running, 2, 2, &targets, &names).state,
        RolloutState::Running
    );
}

#[test]
fn pause_resume_and_abort_follow_the_state() {
    use RolloutState::*;
    assert_eq!(Running.pause().unwrap(), Paused);
    assert_eq!(Paused.resume().unwrap(), Running);
    assert_eq!(Halted.resume().unwrap(), Running);
    assert_eq!(Halted.abort().unwrap(), Aborted);
    for refused in [
        Paused.pause(),
        Running.resume(),
        Succeeded.abort(),
        Succeeded.resume(),
    ] {
        assert_eq!(refused.unwrap_err().code(), "phase_conflict");
    }
}

/// The seed's catalog and robots: a package with a device component, and a label its devices
/// share.
fn world() -> (Package, String, String, Vec<Device>) {
    let platform = seed::seeded(3, Millis(1_790_000_000_000), SimConfig::default());
    let devices = platform.devices(None, None);
    let (package, plan, component) = platform
        .all_packages()
        .iter()
        .find_map(|package| {
            package.plans.iter().find_map(|plan| {
                let device = plan
                    .components
                    .iter()
                    .find(|c| c.required_runtime == Runtime::Device)?;
                (plan.components.len() == 1).then(|| {
                    (
                        package.clone(),
                        plan.plan_id.clone(),
                        device.component_id.clone(),
                    )
                })
            })
        })
        .expect("the seed has a package with one device component");
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
