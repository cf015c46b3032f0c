//! The simulator's lifecycle, update, failure and deprovision paths, on a small world built
//! here so each test controls every device and package it uses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::PlatformError;
use platform::phase::{Phase, Status};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::*;

const T0: Millis = Millis(1_790_000_000_000);
const CONFIG: SimConfig = SimConfig {
    in_progress_ms: 3_000,
    provisioning_ms: 5_000,
    log_every_ms: 1_000,
    max_log_lines: 50,
};

/// The seeded catalog, devices and networks, without deployments.
fn world() -> Platform {
    let mut platform = Platform::empty(42, T0, CONFIG);
    for package in seed::packages(T0) {
        platform.add_package(package);
    }
    for device in seed::devices(T0) {
        platform.add_device(device);
    }
    for network in seed::networks() {
        platform.add_network(network);
    }
    platform.mark_image_unpullable(seed::BROKEN_IMAGE);
    platform
}

fn at(seconds: i64) -> Millis {
    T0.plus(seconds * 1000)
}

fn dashboard(name: &str) -> ProvisionRequest {
    ProvisionRequest {
        name: name.into(),
        package_id: "pkg-fleet-dashboard".into(),
        plan_id: "plan-fleet-dashboard".into(),
        ..Default::default()
    }
}

fn navigation(name: &str, device: &str) -> ProvisionRequest {
    let mut request = ProvisionRequest {
        name: name.into(),
        package_id: "pkg-amr-navigation".into(),
        plan_id: "plan-amr-navigation".into(),
        routed_networks: vec![NetworkRef {
            guid: "net-robot-lan".into(),
            name: None,
        }],
        ..Default::default()
    };
    request.component_context.insert(
        "comp-amr-nav".into(),
        ComponentContext {
            device_id: Some(device.into()),
            ..Default::default()
        },
    );
    request
}

fn phases(deployment: &Deployment) -> Vec<Phase> {
    deployment
        .phase_timeline
        .iter()
        .map(|p| p.phase.clone())
        .collect()
}

#[test]
fn a_deployment_moves_through_in_progress_and_provisioning_to_succeeded() {
    let mut platform = world();
    let created = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap();
    assert_eq!(
        (created.phase.clone(), created.current_generation),
        (Phase::InProgress, 1)
    );
    assert_eq!(created.creator, "ana");
    assert_eq!(
        created.component_info[0].parameters["LOG_LEVEL"], "info",
        "defaults are filled in"
    );
    let id = created.deployment_id;

    platform.advance(at(2));
    assert_eq!(platform.deployment(&id).unwrap().phase, Phase::InProgress);
    platform.advance(at(3));
    assert_eq!(platform.deployment(&id).unwrap().phase, Phase::Provisioning);
    platform.advance(at(8));
    let done = platform.deployment(&id).unwrap();
    assert_eq!(
        (done.phase.clone(), done.status.clone()),
        (Phase::Succeeded, Status::Running)
    );
    assert_eq!(
        phases(&done),
        [Phase::InProgress, Phase::Provisioning, Phase::Succeeded]
    );
    assert_eq!(
        done.phase_timeline[2].at,
        at(8).to_rfc3339(),
        "entered when it was due"
    );
    assert!(
        done.component_info[0]
            .executables_status_info
            .iter()
            .all(|e| e.status == Status::Running)
    );
    let history = platform.history(&id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].status, HistoryStatus::Succeeded);
}

#[test]
fn a_long_gap_replays_every_stage_at_its_own_time() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(3600));
    let done = platform.deployment(&id).unwrap();
    assert_eq!(
        phases(&done),
        [Phase::InProgress, Phase::Provisioning, Phase::Succeeded]
    );
    assert_eq!(done.phase_timeline[1].at, at(3).to_rfc3339());
}

#[test]
fn time_never_runs_backwards() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(10), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(0));
    assert_eq!(platform.now(), at(10));
    platform.advance(at(13));
    assert_eq!(platform.deployment(&id).unwrap().phase, Phase::Provisioning);
}

#[test]
fn invalid_requests_are_refused_with_field_errors_and_create_nothing() {
    let mut platform = world();
    let error = platform
        .provision(&dashboard("x"), "ana", at(0), None)
        .unwrap_err();
    let PlatformError::Validation(fields) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(fields[0].field, "name");
    assert_eq!(error.http_status(), 422);
    let error = platform
        .provision(
            &ProvisionRequest {
                package_id: "pkg-nope".into(),
                ..dashboard("web")
            },
            "ana",
            at(0),
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&error, PlatformError::Validation(f) if f[0].field == "packageId"),
        "{error:?}"
    );
    assert!(platform.deployments(&[], "", None).is_empty());
}

#[test]
fn an_update_goes_to_provisioning_at_once_and_bumps_the_generation_by_one() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let request = UpdateRequest {
        expected_generation: 1,
        components: vec!["comp-dashboard-web".into()],
    };
    let updated = platform.update(&id, &request, "bo", at(10)).unwrap();
    assert_eq!(
        (updated.phase.clone(), updated.current_generation),
        (Phase::Provisioning, 2)
    );
    assert_eq!(updated.component_info[0].status, Status::Pending);
    let history = platform.history(&id).unwrap();
    assert_eq!(
        (
            history[0].generation,
            history[0].status.clone(),
            history[0].user.as_str()
        ),
        (2, HistoryStatus::InProgress, "bo")
    );
    assert_eq!(history[0].components, ["comp-dashboard-web"]);

    platform.advance(at(15));
    let done = platform.deployment(&id).unwrap();
    assert_eq!(
        (done.phase.clone(), done.status.clone()),
        (Phase::Succeeded, Status::Running)
    );
    assert_eq!(
        platform.history(&id).unwrap()[0].status,
        HistoryStatus::Succeeded
    );
}

#[test]
fn updates_are_refused_outside_succeeded_and_on_a_stale_generation() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    let request = UpdateRequest {
        expected_generation: 1,
        components: vec!["comp-dashboard-web".into()],
    };
    let error = platform.update(&id, &request, "bo", at(1)).unwrap_err();
    assert!(
        matches!(error, PlatformError::PhaseConflict { .. }),
        "{error:?}"
    );
    assert_eq!(error.http_status(), 409);

    platform.advance(at(8));
    platform.update(&id, &request, "bo", at(9)).unwrap();
    platform.advance(at(20));
    let error = platform.update(&id, &request, "cy", at(21)).unwrap_err();
    assert_eq!(
        error,
        PlatformError::GenerationConflict {
            expected: 1,
            current: 2
        }
    );
    assert_eq!(
        platform.deployment(&id).unwrap().current_generation,
        2,
        "nothing applied"
    );
    assert_eq!(platform.history(&id).unwrap().len(), 2);
}

#[test]
fn a_forced_update_failure_ends_in_failed_to_update_and_can_be_updated_again() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    platform.fail_next_update(Some(&id)).unwrap();
    let request = UpdateRequest {
        expected_generation: 1,
        components: vec!["comp-dashboard-web".into()],
    };
    platform.update(&id, &request, "bo", at(10)).unwrap();
    platform.advance(at(15));
    let failed = platform.deployment(&id).unwrap();
    assert_eq!(
        (failed.phase.clone(), failed.status.clone()),
        (Phase::FailedToUpdate, Status::Error)
    );
    assert_eq!(failed.errors, ["DEP_E155"], "cloud executables failed");
    let history = platform.history(&id).unwrap();
    assert_eq!(
        (history[0].status.clone(), history[0].errors.clone()),
        (HistoryStatus::Failed, vec!["DEP_E155".to_string()])
    );

    let retry = UpdateRequest {
        expected_generation: 2,
        components: vec!["comp-dashboard-web".into()],
    };
    platform.update(&id, &retry, "bo", at(16)).unwrap();
    platform.advance(at(21));
    let fixed = platform.deployment(&id).unwrap();
    assert_eq!(
        (fixed.phase, fixed.current_generation, fixed.errors.len()),
        (Phase::Succeeded, 3, 0)
    );
}

#[test]
fn the_global_failure_switch_fails_only_the_next_update() {
    let mut platform = world();
    let a = platform
        .provision(&dashboard("web-a"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    let b = platform
        .provision(&dashboard("web-b"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    platform.fail_next_update(None).unwrap();
    let request = UpdateRequest {
        expected_generation: 1,
        components: vec!["comp-dashboard-web".into()],
    };
    platform.update(&a, &request, "bo", at(9)).unwrap();
    platform.update(&b, &request, "bo", at(9)).unwrap();
    platform.advance(at(20));
    assert_eq!(
        platform.deployment(&a).unwrap().phase,
        Phase::FailedToUpdate
    );
    assert_eq!(platform.deployment(&b).unwrap().phase, Phase::Succeeded);
}

#[test]
fn a_device_component_on_an_offline_device_fails_to_start_with_dep_e151() {
    let mut platform = world();
    let id = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform
        .set_device_online("dev-amr-01", false, at(4))
        .unwrap();
    platform.advance(at(8));
    let failed = platform.deployment(&id).unwrap();
    assert_eq!(
        (failed.phase.clone(), failed.status.clone()),
        (Phase::FailedToStart, Status::Error)
    );
    assert_eq!(failed.errors, ["DEP_E151"]);
    assert_eq!(failed.component_info[0].error_code, ["DEP_E151"]);
    let error = platform
        .update(
            &id,
            &UpdateRequest {
                expected_generation: 1,
                components: vec!["comp-amr-nav".into()],
            },
            "bo",
            at(9),
        )
        .unwrap_err();
    assert!(
        matches!(error, PlatformError::PhaseConflict { .. }),
        "no update from Failed to start"
    );
}

#[test]
fn an_update_while_the_device_is_offline_fails_to_update_with_dep_e151() {
    let mut platform = world();
    let id = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    platform
        .set_device_online("dev-amr-01", false, at(9))
        .unwrap();
    let running = platform.deployment(&id).unwrap();
    assert_eq!(
        (running.phase.clone(), running.status.clone()),
        (Phase::Succeeded, Status::Error),
        "runtime error after start"
    );
    platform
        .update(
            &id,
            &UpdateRequest {
                expected_generation: 1,
                components: vec!["comp-amr-nav".into()],
            },
            "bo",
            at(10),
        )
        .unwrap();
    platform.advance(at(15));
    let failed = platform.deployment(&id).unwrap();
    assert_eq!(
        (failed.phase, failed.errors),
        (Phase::FailedToUpdate, vec!["DEP_E151".to_string()])
    );
}

#[test]
fn a_device_coming_back_online_clears_the_runtime_error() {
    let mut platform = world();
    let id = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    platform
        .set_device_online("dev-amr-01", false, at(9))
        .unwrap();
    assert_eq!(platform.deployment(&id).unwrap().errors, ["DEP_E151"]);
    platform
        .set_device_online("dev-amr-01", true, at(10))
        .unwrap();
    let back = platform.deployment(&id).unwrap();
    assert_eq!((back.status, back.errors.len()), (Status::Running, 0));
}

#[test]
fn an_image_that_cannot_be_pulled_fails_to_start_with_dep_e153() {
    let mut platform = world();
    let request = ProvisionRequest {
        name: "vision".into(),
        package_id: "pkg-vision-detector".into(),
        plan_id: "plan-vision-detector".into(),
        ..Default::default()
    };
    let id = platform
        .provision(&request, "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let failed = platform.deployment(&id).unwrap();
    assert_eq!(
        (failed.phase.clone(), failed.errors.clone()),
        (Phase::FailedToStart, vec!["DEP_E153".to_string()])
    );
    let executable = &failed.component_info[0].executables_status_info[0];
    assert_eq!(
        (executable.status.clone(), executable.reason.as_str()),
        (Status::Error, "ErrImagePull")
    );
}

#[test]
fn a_dependency_in_error_puts_its_dependant_in_error_with_dep_e156() {
    let mut platform = world();
    let base = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let mut request = dashboard("web");
    request.dependent_deployments = vec![DependencyRef {
        dependent_deployment_id: base.clone(),
    }];
    let id = platform
        .provision(&request, "ana", at(9), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(17));
    assert_eq!(platform.deployment(&id).unwrap().status, Status::Running);
    assert_eq!(
        platform
            .deployment(&id)
            .unwrap()
            .dependent_deployment_status[&base]
            .status,
        Status::Running
    );

    platform
        .set_device_online("dev-amr-01", false, at(18))
        .unwrap();
    let dependant = platform.deployment(&id).unwrap();
    assert_eq!(
        (dependant.phase.clone(), dependant.status.clone()),
        (Phase::Succeeded, Status::Error)
    );
    assert_eq!(dependant.errors, ["DEP_E156"]);
    assert_eq!(
        dependant.dependent_deployment_status[&base].status,
        Status::Error
    );
}

#[test]
fn deprovision_stops_everything() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let stopped = platform.deprovision(&id, at(9)).unwrap();
    assert_eq!(
        (stopped.phase.clone(), stopped.status.clone()),
        (Phase::DeploymentStopped, Status::Stopped)
    );
    assert!(
        stopped
            .component_info
            .iter()
            .all(|c| c.status == Status::Stopped)
    );
    let again = platform.deprovision(&id, at(10)).unwrap();
    assert_eq!(
        again.phase_timeline.len(),
        stopped.phase_timeline.len(),
        "deprovisioning twice changes nothing"
    );
    assert_eq!(
        platform.deployments(&Phase::live_phases(), "", None).len(),
        0
    );
}

#[test]
fn deprovision_with_an_offline_device_is_partial_and_a_retry_finishes_it() {
    let mut platform = world();
    let id = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    platform
        .set_device_online("dev-amr-01", false, at(9))
        .unwrap();
    let partial = platform.deprovision(&id, at(10)).unwrap();
    assert_eq!(
        (partial.phase.clone(), partial.errors.clone()),
        (Phase::PartiallyDeprovisioned, vec!["DEP_E151".to_string()])
    );
    let stopped = platform.deprovision(&id, at(11)).unwrap();
    assert_eq!(stopped.phase, Phase::DeploymentStopped);
}

#[test]
fn a_deployment_that_others_depend_on_cannot_be_deprovisioned() {
    let mut platform = world();
    let base = platform
        .provision(&dashboard("base"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let mut request = dashboard("user");
    request.dependent_deployments = vec![DependencyRef {
        dependent_deployment_id: base.clone(),
    }];
    let user = platform
        .provision(&request, "ana", at(9), None)
        .unwrap()
        .deployment_id;
    let error = platform.deprovision(&base, at(10)).unwrap_err();
    assert_eq!(
        error,
        PlatformError::InUse {
            by: vec!["user".into()]
        }
    );
    assert_eq!(error.http_status(), 409);
    platform.deprovision(&user, at(11)).unwrap();
    assert_eq!(
        platform.deprovision(&base, at(12)).unwrap().phase,
        Phase::DeploymentStopped
    );
}

#[test]
fn the_same_idempotency_key_and_body_create_one_deployment() {
    let mut platform = world();
    let first = platform
        .provision(&dashboard("web"), "ana", at(0), Some("key-1"))
        .unwrap();
    let replay = platform
        .provision(&dashboard("web"), "ana", at(1), Some("key-1"))
        .unwrap();
    assert_eq!(first.deployment_id, replay.deployment_id);
    assert_eq!(platform.deployments(&[], "", None).len(), 1);
    let error = platform
        .provision(&dashboard("other"), "ana", at(2), Some("key-1"))
        .unwrap_err();
    assert_eq!(
        (error.http_status(), error.code()),
        (422, "idempotency_mismatch")
    );
    // Keys are forgotten after 24 hours.
    let later = platform
        .provision(&dashboard("web"), "ana", at(25 * 3600), Some("key-1"))
        .unwrap();
    assert_ne!(later.deployment_id, first.deployment_id);
}

#[test]
fn unknown_ids_are_not_found() {
    let mut platform = world();
    assert!(matches!(
        platform.deployment("dep-nope"),
        Err(PlatformError::NotFound {
            kind: "deployment",
            ..
        })
    ));
    assert!(matches!(
        platform.history("dep-nope"),
        Err(PlatformError::NotFound { .. })
    ));
    assert!(matches!(
        platform.deprovision("dep-nope", at(0)),
        Err(PlatformError::NotFound { .. })
    ));
    assert!(matches!(
        platform.package("pkg-nope"),
        Err(PlatformError::NotFound {
            kind: "package",
            ..
        })
    ));
    assert!(matches!(
        platform.set_device_online("dev-nope", true, at(0)),
        Err(PlatformError::NotFound { kind: "device", .. })
    ));
    assert_eq!(
        platform.deployment("dep-nope").unwrap_err().http_status(),
        404
    );
}

#[test]
fn running_components_write_logs_that_page_with_a_cursor() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    assert!(
        platform.logs(&id, None, "", 100).unwrap().items.is_empty(),
        "nothing before it runs"
    );
    platform.advance(at(18));
    let first = platform.logs(&id, None, "", 4).unwrap();
    assert_eq!(first.items.len(), 4);
    assert!(
        first
            .items
            .iter()
            .all(|line| line.component == "web" && !line.message.is_empty())
    );
    let rest = platform.logs(&id, None, &first.next, 100).unwrap();
    assert_eq!(rest.items.len(), 6, "ten seconds at one line a second");
    assert_ne!(first.items.last(), rest.items.first());
    let tail = platform.logs(&id, None, &rest.next, 100).unwrap();
    assert!(tail.items.is_empty());
    assert_eq!(tail.next, rest.next, "an empty page keeps the cursor");
    assert!(
        platform
            .logs(&id, Some("other"), "", 100)
            .unwrap()
            .items
            .is_empty()
    );
    assert!(matches!(
        platform.logs(&id, None, "garbage", 10),
        Err(PlatformError::Validation(_))
    ));
    platform.advance(at(3600));
    assert_eq!(
        platform.logs(&id, None, "", 1000).unwrap().items.len(),
        CONFIG.max_log_lines,
        "old lines are dropped"
    );
}

#[test]
fn queries_filter_and_sort() {
    let mut platform = world();
    let names: Vec<String> = platform
        .packages("", None)
        .into_iter()
        .map(|p| p.package_name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(platform.packages("NAV", None).len(), 1);
    assert_eq!(platform.packages("", Some("storage")).len(), 1);
    assert_eq!(
        platform
            .devices(Some(&DeviceStatus::Online), Some(&Architecture::Arm64v8))
            .len(),
        2
    );
    platform
        .provision(&dashboard("web-one"), "ana", at(0), None)
        .unwrap();
    platform
        .provision(&dashboard("web-two"), "ana", at(1), None)
        .unwrap();
    let listed: Vec<String> = platform
        .deployments(&[], "web", None)
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(listed, ["web-two", "web-one"], "newest first");
    assert_eq!(platform.deployments(&[Phase::Succeeded], "", None).len(), 0);
    assert_eq!(
        platform
            .deployments(&[], "", Some("pkg-fleet-dashboard"))
            .len(),
        2
    );
}

#[test]
fn speed_scales_every_duration() {
    let fast = SimConfig::with_speed(10.0);
    assert_eq!((fast.in_progress_ms, fast.provisioning_ms), (300, 500));
    assert_eq!(SimConfig::with_speed(0.0), SimConfig::default());
    assert_eq!(SimConfig::with_speed(f64::NAN), SimConfig::default());
}

#[test]
fn state_round_trips_and_a_wrong_format_is_refused() {
    let mut platform = world();
    platform
        .provision(&dashboard("web"), "ana", at(0), Some("k"))
        .unwrap();
    platform.advance(at(30));
    let restored = Platform::from_json(&platform.to_json()).unwrap();
    assert_eq!(restored, platform);
    assert!(Platform::from_json("{}").is_err());
    let other = platform
        .to_json()
        .replacen("\"format\":2", "\"format\":99", 1);
    assert!(
        Platform::from_json(&other)
            .unwrap_err()
            .contains("format 99")
    );
}

#[test]
fn a_device_id_with_blanks_is_stored_as_validated_and_runs() {
    let mut platform = world();
    let created = platform
        .provision(&navigation("nav-osaka", " dev-amr-02 "), "ana", at(0), None)
        .unwrap();
    assert_eq!(
        created.component_info[0].device_id.as_deref(),
        Some("dev-amr-02"),
        "stored trimmed, as validation read it"
    );
    platform.advance(at(8));
    let done = platform.deployment(&created.deployment_id).unwrap();
    assert_eq!(
        (done.phase, done.status, done.errors),
        (Phase::Succeeded, Status::Running, Vec::<String>::new()),
        "the device is online: no DEP_E151"
    );
}

#[test]
fn a_volume_mounted_by_a_live_deployment_cannot_be_deprovisioned() {
    let mut platform = world();
    let volume = platform
        .provision(
            &ProvisionRequest {
                name: "store".into(),
                package_id: "pkg-persistent-volume".into(),
                plan_id: "plan-persistent-volume".into(),
                ..Default::default()
            },
            "ana",
            at(0),
            None,
        )
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let mut request = dashboard("web");
    request.volumes = vec![VolumeMount {
        deployment_id: volume.clone(),
        component_id: "comp-dashboard-web".into(),
        mount_path: "/data".into(),
    }];
    let web = platform
        .provision(&request, "ana", at(9), None)
        .unwrap()
        .deployment_id;
    let error = platform.deprovision(&volume, at(10)).unwrap_err();
    assert_eq!(
        error,
        PlatformError::InUse {
            by: vec!["web".into()]
        }
    );
    assert_eq!((error.http_status(), error.code()), (409, "in_use"));
    assert_eq!(
        platform.deployment(&volume).unwrap().phase,
        Phase::Succeeded,
        "nothing was stopped"
    );
    platform.deprovision(&web, at(11)).unwrap();
    assert_eq!(
        platform.deprovision(&volume, at(12)).unwrap().phase,
        Phase::DeploymentStopped,
        "a stopped deployment no longer holds its volume"
    );
}

#[test]
fn the_revision_moves_with_every_operation_and_every_visible_change_only() {
    let mut platform = world();
    let start = platform.revision();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    let provisioned = platform.revision();
    assert_ne!(provisioned, start, "an operation moves it");

    platform.advance(at(1));
    assert_eq!(platform.revision(), provisioned, "nothing visible changed");
    platform.advance(at(3));
    let provisioning = platform.revision();
    assert_ne!(provisioning, provisioned, "In progress → Provisioning");
    platform.advance(at(8));
    let succeeded = platform.revision();
    assert_ne!(succeeded, provisioning, "Succeeded, history succeeded");
    platform.advance(at(20));
    assert!(
        !platform.logs(&id, None, "", 100).unwrap().items.is_empty(),
        "logs were written"
    );
    assert_eq!(
        platform.revision(),
        succeeded,
        "log lines alone do not count"
    );

    platform
        .set_device_online("dev-amr-01", false, at(21))
        .unwrap();
    let offline = platform.revision();
    assert_ne!(offline, succeeded);
    platform.fail_next_update(None).unwrap();
    assert_ne!(platform.revision(), offline);
    let before = platform.revision();
    assert!(platform.deprovision("dep-nope", at(22)).is_err());
    assert_eq!(
        platform.revision(),
        before,
        "a refused operation changes nothing"
    );

    let restored = Platform::from_json(&platform.to_json()).unwrap();
    assert_eq!(
        restored.revision(),
        platform.revision(),
        "saved with the state"
    );
}

#[test]
fn a_runtime_status_change_moves_the_revision() {
    let mut platform = world();
    let id = platform
        .provision(&navigation("nav", "dev-amr-01"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let running = platform.revision();
    // The device is replaced by one that is offline: the deployment on it follows at once.
    let mut device = platform
        .devices(None, None)
        .into_iter()
        .find(|d| d.uuid == "dev-amr-01")
        .unwrap();
    device.status = DeviceStatus::Offline;
    platform.add_device(device);
    assert_eq!(platform.deployment(&id).unwrap().status, Status::Error);
    assert_ne!(platform.revision(), running, "the status change moves it");
    let offline = platform.revision();
    platform.advance(at(9));
    assert_eq!(
        platform.revision(),
        offline,
        "time alone changes nothing more"
    );
}

#[test]
fn versions_sort_as_numbers_in_the_catalog() {
    let mut platform = world();
    let base = platform.package("pkg-fleet-dashboard").unwrap();
    for (guid, version) in [
        ("pkg-v9", "v1.9.0"),
        ("pkg-v10", "v1.10.0"),
        ("pkg-v2", "v1.2.0"),
    ] {
        let mut package = base.clone();
        package.summary.guid = guid.into();
        package.summary.package_name = "zz-versions".into();
        package.summary.package_version = version.into();
        platform.add_package(package);
    }
    let versions: Vec<String> = platform
        .packages("zz-versions", None)
        .into_iter()
        .map(|p| p.package_version)
        .collect();
    assert_eq!(versions, ["v1.2.0", "v1.9.0", "v1.10.0"]);
}

#[test]
fn the_generation_saturates_instead_of_overflowing() {
    let mut platform = world();
    let id = platform
        .provision(&dashboard("web"), "ana", at(0), None)
        .unwrap()
        .deployment_id;
    platform.advance(at(8));
    let text = platform.to_json();
    assert!(text.contains("\"currentGeneration\":1"));
    let mut platform = Platform::from_json(&text.replacen(
        "\"currentGeneration\":1",
        &format!("\"currentGeneration\":{}", u64::MAX),
        1,
    ))
    .unwrap();
    let updated = platform
        .update(
            &id,
            &UpdateRequest {
                expected_generation: u64::MAX,
                components: vec!["comp-dashboard-web".into()],
            },
            "ana",
            at(9),
        )
        .unwrap();
    assert_eq!(updated.current_generation, u64::MAX);
}

#[test]
fn a_state_saved_in_format_1_is_read() {
    let mut platform = world();
    platform
        .provision(&dashboard("web"), "ana", at(0), Some("k"))
        .unwrap();
    platform.advance(at(30));
    // Format 1 kept each record's bookkeeping beside its deployment, not under `book`.
    let mut old: serde_json::Value = serde_json::from_str(&platform.to_json()).unwrap();
    old["format"] = 1.into();
    for record in old["records"].as_array_mut().unwrap() {
        let book = record["book"].as_object().unwrap().clone();
        let fields = record.as_object_mut().unwrap();
        fields.remove("book");
        fields.extend(book);
    }
    let restored = Platform::from_json(&old.to_string()).unwrap();
    assert_eq!(restored.records(), platform.records());
    assert_eq!(
        restored.to_json(),
        platform.to_json(),
        "saved again in format 2"
    );
}

#[test]
fn a_state_that_is_not_an_object_is_refused_not_upgraded() {
    // serde reads a struct from an array, so `[1]` looks like format 1 to the first reading.
    for text in ["[1]", "[1, 2]", "[2]", "1", "null"] {
        let error = Platform::from_json(text).map(|_| ()).unwrap_err();
        assert!(
            error.contains("not readable") || error.contains("format"),
            "{text}: {error}"
        );
    }
}
