//! The seeded world for demo mode and the reference backend: packages of every kind, devices of
//! each architecture and runtime (online and offline), routed networks, a volume, and
//! deployments in several phases, one with several generations of history. The deployments
//! are made by running the simulator's own operations over the three days before `now`.

use std::collections::BTreeMap;

use crate::phase::{Phase, Status};
use crate::rules::VOLUME_PACKAGE_NAME;
use crate::sim::{Platform, SimConfig};
use crate::time::Millis;
use crate::wire::*;

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

fn exec(id: &str, name: &str, docker: Option<&str>, cmd: &[&str]) -> Executable {
    Executable {
        id: text(id),
        name: text(name),
        docker: docker.map(text),
        build_guid: None,
        cmd: cmd.iter().map(|c| text(c)).collect(),
    }
}

fn param(name: &str, default: &str, description: &str) -> Parameter {
    Parameter {
        name: text(name),
        default: text(default),
        description: text(description),
    }
}

struct ComponentSpec<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    runtime: Runtime,
    architecture: Option<Architecture>,
    restart: Option<RestartPolicy>,
    ros: Option<&'a str>,
    executables: Vec<Executable>,
    parameters: Vec<Parameter>,
    endpoints: Vec<Endpoint>,
}

fn component(spec: ComponentSpec<'_>) -> Component {
    let cloud = spec.runtime == Runtime::Cloud;
    Component {
        component_id: text(spec.id),
        name: text(spec.name),
        description: text(spec.description),
        required_runtime: spec.runtime,
        architecture: spec.architecture,
        restart_policy: spec.restart,
        ros: Ros {
            is_ros: spec.ros.is_some(),
            ros_distro: spec.ros.map(text),
        },
        cloud_infra: cloud.then_some(CloudInfra {
            replicas: 1,
            endpoints: spec.endpoints,
        }),
        executables: spec.executables,
        parameters: spec.parameters,
    }
}

fn package(
    guid: &str,
    name: &str,
    version: &str,
    description: &str,
    category: Category,
    created: Millis,
    components: Vec<Component>,
) -> Package {
    let is_public = category != Category::Default;
    Package {
        summary: PackageSummary {
            guid: text(guid),
            package_name: text(name),
            package_version: text(version),
            description: text(description),
            category,
            is_public,
            creator: text(if is_public {
                "rapyuta-platform"
            } else {
                SEED_USER
            }),
            created_at: created.to_rfc3339(),
        },
        plans: vec![Plan {
            plan_id: format!("plan-{}", &guid[4..]),
            plan_name: text("default"),
            components,
        }],
    }
}

fn https(name: &str, port: u32) -> Endpoint {
    Endpoint {
        name: text(name),
        proto: text("HTTPS"),
        port: 443,
        target_port: port,
        expose_externally: true,
    }
}

/// The seeded packages.
pub fn packages(at: Millis) -> Vec<Package> {
    use Architecture::*;
    use Runtime::*;
    let day = Millis::DAY;
    vec![
        package(
            "pkg-fleet-dashboard",
            "fleet-dashboard",
            "v2.3.0",
            "Web dashboard showing every robot's position, battery and mission on a live map, with alerts when a robot stalls.",
            Category::Default,
            at.plus(-30 * day),
            vec![component(ComponentSpec {
                id: "comp-dashboard-web",
                name: "web",
                description: "The dashboard web server",
                runtime: Cloud,
                architecture: None,
                restart: None,
                ros: None,
                executables: vec![exec(
                    "exec-dashboard-web",
                    "web",
                    Some("registry.example.com/fleet/dashboard:2.3.0"),
                    &[],
                )],
                parameters: vec![
                    param("LOG_LEVEL", "info", "debug, info, warn or error"),
                    param(
                        "MAP_TILE_URL",
                        "https://tiles.example.com/{z}/{x}/{y}.png",
                        "Map tiles",
                    ),
                ],
                endpoints: vec![https("dashboard", 8080)],
            })],
        ),
        package(
            "pkg-amr-navigation",
            "amr-navigation",
            "v1.4.2",
            "Autonomous navigation stack for mobile robots: localisation, path planning and obstacle avoidance.",
            Category::Default,
            at.plus(-25 * day),
            vec![component(ComponentSpec {
                id: "comp-amr-nav",
                name: "navigation",
                description: "move_base with the site map",
                runtime: Device,
                architecture: Some(Arm64v8),
                restart: Some(RestartPolicy::Always),
                ros: Some("noetic"),
                executables: vec![exec(
                    "exec-amr-nav",
                    "move_base",
                    Some("registry.example.com/amr/navigation:1.4.2"),
                    &["roslaunch amr_nav nav.launch"],
                )],
                parameters: vec![
                    param("MAP_NAME", "warehouse-a", "Map to load"),
                    param("MAX_SPEED", "0.8", "Metres per second"),
                ],
                endpoints: vec![],
            })],
        ),
        package(
            "pkg-fleet-bridge",
            "fleet-bridge",
            "v0.9.1",
            "Relays robot telemetry from the device to a cloud aggregator over ROS topics.",
            Category::Default,
            at.plus(-20 * day),
            vec![
                component(ComponentSpec {
                    id: "comp-bridge-agg",
                    name: "aggregator",
                    description: "Cloud side: collects telemetry",
                    runtime: Cloud,
                    architecture: None,
                    restart: None,
                    ros: Some("noetic"),
                    executables: vec![exec(
                        "exec-bridge-agg",
                        "aggregator",
                        Some("registry.example.com/fleet/aggregator:0.9.1"),
                        &[],
                    )],
                    parameters: vec![param("RETENTION_HOURS", "24", "How long telemetry is kept")],
                    endpoints: vec![https("telemetry", 9000)],
                }),
                component(ComponentSpec {
                    id: "comp-bridge-agent",
                    name: "agent",
                    description: "Device side: publishes telemetry",
                    runtime: Device,
                    architecture: Some(Amd64),
                    restart: Some(RestartPolicy::OnFailure),
                    ros: Some("noetic"),
                    executables: vec![exec(
                        "exec-bridge-agent",
                        "agent",
                        Some("registry.example.com/fleet/agent:0.9.1"),
                        &[],
                    )],
                    parameters: vec![param("RATE_HZ", "5", "Publish rate")],
                    endpoints: vec![],
                }),
            ],
        ),
        package(
            "pkg-sensor-logger",
            "sensor-logger",
            "v3.0.0",
            "Records sensor readings on the device with a preinstalled ROS workspace.",
            Category::Default,
            at.plus(-15 * day),
            vec![component(ComponentSpec {
                id: "comp-sensor-logger",
                name: "logger",
                description: "rosbag recorder",
                runtime: Device,
                architecture: Some(Arm32v7),
                restart: Some(RestartPolicy::No),
                ros: Some("melodic"),
                executables: vec![exec(
                    "exec-sensor-logger",
                    "recorder",
                    None,
                    &["roslaunch sensor_logger record.launch"],
                )],
                parameters: vec![param("TOPICS", "/imu /temperature", "Topics to record")],
                endpoints: vec![],
            })],
        ),
        package(
            "pkg-vision-detector",
            "vision-detector",
            "v0.1.0",
            "Object detection service for camera streams (its image has been removed from the registry).",
            Category::Default,
            at.plus(-10 * day),
            vec![component(ComponentSpec {
                id: "comp-vision",
                name: "detector",
                description: "GPU object detector",
                runtime: Cloud,
                architecture: None,
                restart: None,
                ros: None,
                executables: vec![exec("exec-vision", "detector", Some(BROKEN_IMAGE), &[])],
                parameters: vec![param("MODEL", "yolo-small", "Model to load")],
                endpoints: vec![],
            })],
        ),
        package(
            "pkg-persistent-volume",
            VOLUME_PACKAGE_NAME,
            "v1.0.0",
            "Persistent storage that other deployments mount as a volume.",
            Category::Storage,
            at.plus(-90 * day),
            vec![component(ComponentSpec {
                id: "comp-volume",
                name: "volume",
                description: "Block storage",
                runtime: Cloud,
                architecture: None,
                restart: None,
                ros: None,
                executables: vec![exec(
                    "exec-volume",
                    "volume",
                    Some("platform/persistent-volume:1.0"),
                    &[],
                )],
                parameters: vec![param("CAPACITY_GIB", "32", "Size in GiB")],
                endpoints: vec![],
            })],
        ),
        package(
            "pkg-websocket-relay",
            "io-public-websocket-relay",
            "v1.2.0",
            "Relays ROS topics to browsers over WebSocket.",
            Category::Communication,
            at.plus(-60 * day),
            vec![component(ComponentSpec {
                id: "comp-relay",
                name: "relay",
                description: "rosbridge server",
                runtime: Cloud,
                architecture: None,
                restart: None,
                ros: Some("noetic"),
                executables: vec![exec(
                    "exec-relay",
                    "rosbridge",
                    Some("platform/rosbridge:1.2"),
                    &[],
                )],
                parameters: vec![],
                endpoints: vec![https("websocket", 9090)],
            })],
        ),
    ]
}

fn device(
    uuid: &str,
    name: &str,
    online: bool,
    arch: Architecture,
    vars: Vec<Label>,
    labels: Vec<Label>,
    at: Millis,
) -> Device {
    Device {
        uuid: text(uuid),
        name: text(name),
        status: if online {
            DeviceStatus::Online
        } else {
            DeviceStatus::Offline
        },
        architecture: Some(arch),
        config_variables: vars,
        labels,
        last_online: at.to_rfc3339(),
    }
}

/// The seeded devices.
pub fn devices(at: Millis) -> Vec<Device> {
    use Architecture::*;
    let docker = || var("runtime", "dockercompose");
    let site = |s: &str| vec![var("site", s)];
    vec![
        device(
            "dev-amr-01",
            "amr-01",
            true,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("tokyo"),
            at,
        ),
        device(
            "dev-amr-02",
            "amr-02",
            true,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("osaka"),
            at,
        ),
        device(
            "dev-amr-03",
            "amr-03",
            false,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("tokyo"),
            at.plus(-2 * Millis::DAY),
        ),
        device(
            "dev-edge-01",
            "edge-01",
            true,
            Amd64,
            vec![docker()],
            site("tokyo"),
            at,
        ),
        device(
            "dev-sensor-01",
            "sensor-pi-01",
            true,
            Arm32v7,
            vec![
                var("runtime", "preinstalled"),
                var("ros_distro", "melodic"),
                var("ros_workspace", "/home/rr/catkin_ws"),
            ],
            site("tokyo"),
            at,
        ),
        device(
            "dev-sensor-02",
            "sensor-pi-02",
            true,
            Arm32v7,
            vec![var("runtime", "preinstalled"), var("ros_distro", "melodic")],
            site("osaka"),
            at,
        ),
        device(
            "dev-lab-01",
            "lab-pc-01",
            false,
            Amd64,
            vec![
                var("runtime", "preinstalled"),
                var("ros_distro", "noetic"),
                var("ros_workspace", "/opt/ws"),
            ],
            site("lab"),
            at.plus(-5 * Millis::DAY),
        ),
    ]
}

fn network(
    guid: &str,
    name: &str,
    runtime: Runtime,
    phase: Phase,
    status: Status,
) -> RoutedNetwork {
    RoutedNetwork {
        guid: text(guid),
        name: text(name),
        runtime,
        ros_distro: text("noetic"),
        internal_deployment_status: PhaseStatus { phase, status },
    }
}

/// The seeded routed networks.
pub fn networks() -> Vec<RoutedNetwork> {
    vec![
        network(
            "net-floor",
            "floor-net",
            Runtime::Cloud,
            Phase::Succeeded,
            Status::Running,
        ),
        network(
            "net-robot-lan",
            "robot-lan",
            Runtime::Device,
            Phase::Succeeded,
            Status::Running,
        ),
        network(
            "net-staging",
            "staging-net",
            Runtime::Cloud,
            Phase::FailedToStart,
            Status::Error,
        ),
    ]
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
