//! The rollout rules: every target in exactly one wave, waves started in order and only after
//! the ones before them Succeeded, a halted rollout starting nothing more, an aborted one never
//! running again. Which devices it targets is in `rollout_plan.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::phase::Phase;
use platform::rollout::{RolloutState, TargetPhase, Wave, assign, decide, wave_ends, waves_error};
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
