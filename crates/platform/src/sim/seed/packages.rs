//! The seeded packages: user packages of every kind (cloud, device, both, preinstalled, one whose
//! image cannot be pulled) and the public volume and relay packages.

use crate::rules::VOLUME_PACKAGE_NAME;
use crate::time::Millis;
use crate::wire::{
    Architecture, Category, CloudInfra, Component, Endpoint, Executable, Package, PackageSummary,
    Parameter, Plan, RestartPolicy, Ros, Runtime,
};

use super::{BROKEN_IMAGE, SEED_USER, text};

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
