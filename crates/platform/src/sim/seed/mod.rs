//! The seeded world for demo mode and the reference backend: packages of every kind, devices of
//! each architecture and runtime (online and offline), routed networks, a volume, and
//! deployments in several phases, one with several generations of history. The deployments
//! are made by running the simulator's own operations over the three days before `now`.

mod devices;
mod networks;
mod packages;

use std::collections::BTreeMap;

use crate::sim::{Platform, SimConfig};
use crate::time::Millis;
use crate::wire::{
    ComponentContext, DependencyRef, Label, NetworkRef, ProvisionRequest, UpdateRequest,
    VolumeMount,
};

pub use devices::devices;
pub use networks::networks;
pub use packages::packages;

/// The image that cannot be pulled (the broken package uses it).
pub const BROKEN_IMAGE: &str = "registry.example.com/vision/detector:missing";

/// Who made the seeded deployments.
pub const SEED_USER: &str = "demo@rio.dev";

fn text(s: &str) -> String {
    s.to_string()
}

fn var(key: &str, value: &str) -> Label {
    Label {
        key: text(key),
        value: text(value),
    }
}

fn request(name: &str, package: &str, labels: &[(&str, &str)]) -> ProvisionRequest {
    ProvisionRequest {
        name: text(name),
        package_id: text(package),
        plan_id: format!("plan-{}", &package[4..]),
        labels: labels.iter().map(|(k, v)| var(k, v)).collect(),
        ..Default::default()
    }
}

fn on_device(request: &mut ProvisionRequest, component: &str, device: &str) {
    request.component_context.insert(
        text(component),
        ComponentContext {
            device_id: Some(text(device)),
            restart_policy: None,
            parameters: BTreeMap::new(),
        },
    );
}

/// The seeded world at `now`, with ids from `seed`.
pub fn seeded(seed: u64, now: Millis, config: SimConfig) -> Platform {
    let start = now.plus(-3 * Millis::DAY);
    let mut platform = Platform::empty(seed, start, config);
    for package in packages(start) {
        platform.add_package(package);
    }
    for device in devices(now) {
        platform.add_device(device);
    }
    for network in networks() {
        platform.add_network(network);
    }
    platform.mark_image_unpullable(BROKEN_IMAGE);
    // Operations run on a three-day timeline; errors here would be a bug in the seed itself,
    // and the seed tests assert every step succeeds.
    let mut at = start;
    let mut step = |hours: i64| {
        at = at.plus(hours * Millis::HOUR);
        at
    };

    let volume = platform
        .provision(
            &request(
                "telemetry-store",
                "pkg-persistent-volume",
                &[("env", "prod")],
            ),
            SEED_USER,
            step(1),
            None,
        )
        .ok();
    let mut dashboard = request(
        "fleet-dashboard-prod",
        "pkg-fleet-dashboard",
        &[("env", "prod"), ("team", "ops")],
    );
    if let Some(volume) = &volume {
        dashboard.volumes = vec![VolumeMount {
            deployment_id: volume.deployment_id.clone(),
            component_id: text("comp-dashboard-web"),
            mount_path: text("/data"),
        }];
    }
    if let Ok(dashboard) = platform.provision(&dashboard, SEED_USER, step(1), None) {
        // Generation 2 fails, generation 3 fixes it: three generations of history.
        let id = &dashboard.deployment_id;
        let web = || vec![text("comp-dashboard-web")];
        let _ = platform.fail_next_update(Some(id));
        let gen2 = UpdateRequest {
            expected_generation: 1,
            components: web(),
        };
        let _ = platform.update(id, &gen2, SEED_USER, step(20));
        let gen3 = UpdateRequest {
            expected_generation: 2,
            components: web(),
        };
        let _ = platform.update(id, &gen3, "ops@rio.dev", step(2));
    }
    let mut nav = request("amr-nav-tokyo", "pkg-amr-navigation", &[("site", "tokyo")]);
    on_device(&mut nav, "comp-amr-nav", "dev-amr-01");
    nav.routed_networks = vec![NetworkRef {
        guid: text("net-robot-lan"),
        name: None,
    }];
    let _ = platform.provision(&nav, SEED_USER, step(3), None);

    let mut osaka = request("amr-nav-osaka", "pkg-amr-navigation", &[("site", "osaka")]);
    on_device(&mut osaka, "comp-amr-nav", "dev-amr-02");
    osaka.routed_networks = vec![NetworkRef {
        guid: text("net-robot-lan"),
        name: None,
    }];
    if let Ok(osaka) = platform.provision(&osaka, SEED_USER, step(1), None) {
        let _ = platform.fail_next_update(Some(&osaka.deployment_id));
        let _ = platform.update(
            &osaka.deployment_id,
            &UpdateRequest {
                expected_generation: 1,
                components: vec![text("comp-amr-nav")],
            },
            SEED_USER,
            step(5),
        );
    }

    let mut sensors = request(
        "sensor-logger-tokyo",
        "pkg-sensor-logger",
        &[("site", "tokyo")],
    );
    on_device(&mut sensors, "comp-sensor-logger", "dev-sensor-01");
    sensors.routed_networks = vec![NetworkRef {
        guid: text("net-robot-lan"),
        name: None,
    }];
    if let Some(volume) = &volume {
        sensors.dependent_deployments = vec![DependencyRef {
            dependent_deployment_id: volume.deployment_id.clone(),
        }];
    }
    let _ = platform.provision(&sensors, SEED_USER, step(2), None);

    let _ = platform.provision(
        &request(
            "vision-detector-test",
            "pkg-vision-detector",
            &[("env", "dev")],
        ),
        SEED_USER,
        step(4),
        None,
    );

    let mut old = request("fleet-bridge-trial", "pkg-fleet-bridge", &[("env", "dev")]);
    on_device(&mut old, "comp-bridge-agent", "dev-edge-01");
    old.routed_networks = vec![NetworkRef {
        guid: text("net-floor"),
        name: None,
    }];
    if let Ok(old) = platform.provision(&old, SEED_USER, step(6), None) {
        let _ = platform.deprovision(&old.deployment_id, step(8));
    }

    let mut bridge = request(
        "fleet-bridge-dev",
        "pkg-fleet-bridge",
        &[("env", "dev"), ("site", "tokyo")],
    );
    on_device(&mut bridge, "comp-bridge-agent", "dev-edge-01");
    bridge.routed_networks = vec![NetworkRef {
        guid: text("net-floor"),
        name: None,
    }];
    let _ = platform.provision(
        &bridge,
        SEED_USER,
        now.plus(-config.in_progress_ms / 2),
        None,
    );
    platform.advance(now);
    platform
}
