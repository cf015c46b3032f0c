//! The seeded world has everything docs/product.md §4 promises demo mode, and is deterministic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::phase::{Phase, Status};
use platform::rules::VOLUME_PACKAGE_NAME;
use platform::sim::{SimConfig, seed};
use platform::time::Millis;
use platform::wire::*;

const NOW: Millis = Millis(1_795_701_909_000);

#[test]
fn catalog_has_every_kind_of_package() {
    let platform = seed::seeded(1, NOW, SimConfig::default());
    let packages: Vec<Package> = platform
        .packages("", None)
        .iter()
        .map(|p| platform.package(&p.guid).unwrap())
        .collect();
    let plan = |p: &Package| p.plans[0].clone();
    assert!(
        packages.iter().any(|p| plan(p)
            .components
            .iter()
            .all(|c| c.required_runtime == Runtime::Cloud)
            && p.summary.category == Category::Default),
        "cloud only"
    );
    assert!(
        packages.iter().any(|p| plan(p)
            .components
            .iter()
            .all(|c| c.required_runtime == Runtime::Device)),
        "device only"
    );
    assert!(
        packages.iter().any(|p| plan(p).has_cloud_component()
            && plan(p)
                .components
                .iter()
                .any(|c| c.required_runtime == Runtime::Device)
            && plan(p).uses_ros()),
        "hybrid ROS"
    );
    assert!(
        packages.iter().any(|p| p
            .components()
            .any(|c| c.executables.iter().any(|e| !e.needs_docker()))),
        "preinstalled"
    );
    assert!(
        packages
            .iter()
            .any(|p| p.summary.package_name == VOLUME_PACKAGE_NAME
                && p.summary.category == Category::Storage)
    );
    assert!(
        packages
            .iter()
            .any(|p| p.summary.category == Category::Communication)
    );
    assert!(
        packages.iter().any(|p| p.components().any(|c| c
            .executables
            .iter()
            .any(|e| e.docker.as_deref() == Some(seed::BROKEN_IMAGE)))),
        "broken image"
    );
}

#[test]
fn devices_cover_each_architecture_and_runtime_online_and_offline() {
    let platform = seed::seeded(1, NOW, SimConfig::default());
    let devices = platform.devices(None, None);
    for arch in Architecture::KNOWN {
        assert!(
            devices
                .iter()
                .any(|d| d.architecture.as_ref() == Some(arch)),
            "{arch}"
        );
    }
    for runtime in DeviceRuntime::KNOWN {
        assert!(
            devices
                .iter()
                .any(|d| d.runtime().as_ref() == Some(runtime) && d.is_online()),
            "{runtime} online"
        );
        assert!(
            devices
                .iter()
                .any(|d| d.runtime().as_ref() == Some(runtime) && !d.is_online()),
            "{runtime} offline"
        );
    }
    assert!(
        devices
            .iter()
            .any(|d| d.runtime() == Some(DeviceRuntime::Preinstalled)
                && d.config("ros_workspace").is_none()),
        "one without a workspace"
    );
    let networks = platform.networks();
    assert!(
        networks.iter().any(|n| n.runtime == Runtime::Cloud
            && n.internal_deployment_status.status == Status::Running)
    );
    assert!(
        networks.iter().any(|n| n.runtime == Runtime::Device
            && n.internal_deployment_status.status == Status::Running)
    );
    assert!(
        networks
            .iter()
            .any(|n| n.internal_deployment_status.status != Status::Running),
        "one not running"
    );
}

#[test]
fn deployments_span_several_phases_with_a_volume_and_a_long_history() {
    let platform = seed::seeded(1, NOW, SimConfig::default());
    let all = platform.deployments(&[], "", None);
    let phase_of = |name: &str| all.iter().find(|d| d.name == name).map(|d| d.phase.clone());
    assert_eq!(phase_of("telemetry-store"), Some(Phase::Succeeded));
    assert_eq!(phase_of("fleet-dashboard-prod"), Some(Phase::Succeeded));
    assert_eq!(phase_of("amr-nav-tokyo"), Some(Phase::Succeeded));
    assert_eq!(phase_of("amr-nav-osaka"), Some(Phase::FailedToUpdate));
    assert_eq!(phase_of("sensor-logger-tokyo"), Some(Phase::Succeeded));
    assert_eq!(phase_of("vision-detector-test"), Some(Phase::FailedToStart));
    assert_eq!(
        phase_of("fleet-bridge-trial"),
        Some(Phase::DeploymentStopped)
    );
    assert_eq!(phase_of("fleet-bridge-dev"), Some(Phase::InProgress));
    assert!(
        all.iter()
            .any(|d| d.package_name == VOLUME_PACKAGE_NAME && d.phase == Phase::Succeeded)
    );

    let dashboard = all
        .iter()
        .find(|d| d.name == "fleet-dashboard-prod")
        .unwrap();
    assert_eq!(dashboard.current_generation, 3);
    let history = platform.history(&dashboard.deployment_id).unwrap();
    let statuses: Vec<_> = history
        .iter()
        .map(|h| (h.generation, h.status.clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            (3, HistoryStatus::Succeeded),
            (2, HistoryStatus::Failed),
            (1, HistoryStatus::Succeeded)
        ]
    );
    assert!(
        !history[1].errors.is_empty(),
        "the failed generation names its error"
    );
    assert!(
        !platform
            .logs(&dashboard.deployment_id, None, "", 10)
            .unwrap()
            .items
            .is_empty(),
        "running deployments have logs"
    );
    assert_eq!(platform.now(), NOW);
}

#[test]
fn seeding_is_deterministic() {
    let a = seed::seeded(7, NOW, SimConfig::default());
    let b = seed::seeded(7, NOW, SimConfig::default());
    assert_eq!(a.to_json(), b.to_json());
    let c = seed::seeded(8, NOW, SimConfig::default());
    assert_ne!(
        a.deployments(&[], "", None)[0].deployment_id,
        c.deployments(&[], "", None)[0].deployment_id
    );
}
