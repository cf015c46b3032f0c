//! Deploy rules (docs/product.md §3.2) and update rules (§3.5): the single-field checks, the
//! whole provision request, device / network / dependency / volume eligibility, and the update
//! checks. Every refusal is asserted by its field path or variant and by a word of its sentence.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::BTreeMap;

use platform::errors::{FieldError, PlatformError};
use platform::phase::{Phase, Status};
use platform::rules::compat::{
    DependencyIneligible, Incompatibility, NetworkIneligible, RuntimeNeed, VolumeIneligible,
    dependency_eligibility, device_incompatibilities, network_eligibility, volume_eligibility,
};
use platform::rules::update::{
    NotUpdatable, UpdateBlocked, check_update, component_updatability, update_availability,
};
use platform::rules::validate::{
    label_key_error, label_value_error, mount_path_error, name_error, validate_provision,
};
use platform::rules::{VOLUME_PACKAGE_NAME, World};
use platform::sim::seed;
use platform::time::Millis;
use platform::wire::{
    Architecture, CloudInfra, Component, ComponentContext, ComponentInfo, DependencyRef,
    Deployment, Device, DeviceStatus, Executable, Label, NetworkRef, Package, PackageSummary,
    Parameter, PhaseStatus, Plan, ProvisionRequest, RestartPolicy, Ros, RoutedNetwork, Runtime,
    UpdateRequest, VolumeMount,
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const PKG: &str = "pkg-test";
const PLAN: &str = "plan-test";
/// Cloud component of the test package (ROS noetic, parameter LOG_LEVEL).
const CLOUD: &str = "comp-cloud";
/// Device component of the test package (arm64v8, docker image, ROS noetic, MAP and MAX_SPEED).
const ROBOT: &str = "comp-robot";

fn s(text: &str) -> String {
    text.to_string()
}

fn label(key: &str, value: &str) -> Label {
    Label {
        key: s(key),
        value: s(value),
    }
}

fn docker_exec(name: &str) -> Executable {
    Executable {
        id: format!("exec-{name}"),
        name: s(name),
        docker: Some(format!("registry.example.com/{name}:1.0")),
        build_guid: None,
        cmd: vec![],
    }
}

fn build_exec(name: &str) -> Executable {
    Executable {
        id: format!("exec-{name}"),
        name: s(name),
        docker: None,
        build_guid: Some(format!("build-{name}")),
        cmd: vec![],
    }
}

fn bare_exec(name: &str) -> Executable {
    Executable {
        id: format!("exec-{name}"),
        name: s(name),
        docker: None,
        build_guid: None,
        cmd: vec![format!("roslaunch {name} {name}.launch")],
    }
}

fn param(name: &str, default: &str) -> Parameter {
    Parameter {
        name: s(name),
        default: s(default),
        description: String::new(),
    }
}

fn device_component(
    id: &str,
    name: &str,
    arch: Architecture,
    executables: Vec<Executable>,
) -> Component {
    Component {
        component_id: s(id),
        name: s(name),
        description: String::new(),
        required_runtime: Runtime::Device,
        architecture: Some(arch),
        restart_policy: Some(RestartPolicy::Always),
        ros: Ros::default(),
        cloud_infra: None,
        executables,
        parameters: vec![],
    }
}

fn cloud_component(id: &str, name: &str) -> Component {
    Component {
        component_id: s(id),
        name: s(name),
        description: String::new(),
        required_runtime: Runtime::Cloud,
        architecture: None,
        restart_policy: None,
        ros: Ros::default(),
        cloud_infra: Some(CloudInfra {
            replicas: 1,
            endpoints: vec![],
        }),
        executables: vec![docker_exec(name)],
        parameters: vec![],
    }
}

fn with_ros(mut component: Component, distro: &str) -> Component {
    component.ros = Ros {
        is_ros: true,
        ros_distro: Some(s(distro)),
    };
    component
}

fn with_params(mut component: Component, parameters: &[(&str, &str)]) -> Component {
    component.parameters = parameters
        .iter()
        .map(|(name, default)| param(name, default))
        .collect();
    component
}

fn package_with(components: Vec<Component>) -> Package {
    Package {
        summary: PackageSummary {
            guid: s(PKG),
            package_name: s("fleet-bridge"),
            package_version: s("v1.0.0"),
            description: s("Relays telemetry from robots to the cloud."),
            category: platform::wire::Category::Default,
            is_public: false,
            creator: s("dev@rio.dev"),
            created_at: s("2026-01-01T00:00:00Z"),
        },
        plans: vec![Plan {
            plan_id: s(PLAN),
            plan_name: s("default"),
            components,
        }],
    }
}

fn test_cloud_component() -> Component {
    with_params(
        with_ros(cloud_component(CLOUD, "aggregator"), "noetic"),
        &[("LOG_LEVEL", "info")],
    )
}

fn test_robot_component() -> Component {
    with_params(
        with_ros(
            device_component(
                ROBOT,
                "agent",
                Architecture::Arm64v8,
                vec![docker_exec("agent")],
            ),
            "noetic",
        ),
        &[("MAP", "warehouse-a"), ("MAX_SPEED", "0.8")],
    )
}

/// A ROS package with a cloud component and a device component.
fn test_package() -> Package {
    package_with(vec![test_cloud_component(), test_robot_component()])
}

/// A ROS package with only the device component.
fn device_only_ros_package() -> Package {
    package_with(vec![test_robot_component()])
}

/// A package without ROS, with only the cloud component.
fn non_ros_package() -> Package {
    let mut cloud = test_cloud_component();
    cloud.ros = Ros::default();
    package_with(vec![cloud])
}

fn device(
    uuid: &str,
    name: &str,
    status: DeviceStatus,
    arch: Option<Architecture>,
    vars: &[(&str, &str)],
) -> Device {
    Device {
        uuid: s(uuid),
        name: s(name),
        status,
        architecture: arch,
        config_variables: vars.iter().map(|(k, v)| label(k, v)).collect(),
        labels: vec![],
        last_online: s("2026-01-01T00:00:00Z"),
    }
}

fn docker_device(uuid: &str, name: &str, arch: Architecture) -> Device {
    device(
        uuid,
        name,
        DeviceStatus::Online,
        Some(arch),
        &[("runtime", "dockercompose")],
    )
}

fn preinstalled_device(uuid: &str, name: &str, arch: Architecture, distro: &str) -> Device {
    device(
        uuid,
        name,
        DeviceStatus::Online,
        Some(arch),
        &[
            ("runtime", "preinstalled"),
            ("ros_workspace", "/home/rr/catkin_ws"),
            ("ros_distro", distro),
        ],
    )
}

fn network(
    guid: &str,
    name: &str,
    runtime: Runtime,
    phase: Phase,
    status: Status,
) -> RoutedNetwork {
    RoutedNetwork {
        guid: s(guid),
        name: s(name),
        runtime,
        ros_distro: s("noetic"),
        internal_deployment_status: PhaseStatus { phase, status },
    }
}

fn deployment(id: &str, name: &str, package_name: &str, phase: Phase) -> Deployment {
    Deployment {
        deployment_id: s(id),
        name: s(name),
        package_id: format!("pkg-{package_name}"),
        package_name: s(package_name),
        package_version: s("v1.0.0"),
        plan_id: format!("plan-{package_name}"),
        phase,
        status: Status::Running,
        errors: vec![],
        current_generation: 1,
        creator: s("dev@rio.dev"),
        created_at: s("2026-01-01T00:00:00Z"),
        last_status_update_time: s("2026-01-01T00:00:00Z"),
        labels: vec![],
        dependent_deployments: vec![],
        dependent_deployment_status: BTreeMap::new(),
        routed_networks: vec![],
        volumes: vec![],
        component_info: vec![],
        phase_timeline: vec![],
    }
}

/// The world the provision requests are checked against.
struct Env {
    devices: Vec<Device>,
    networks: Vec<RoutedNetwork>,
    deployments: Vec<Deployment>,
}

impl Env {
    fn new() -> Env {
        Env {
            devices: vec![
                docker_device("dev-robot", "robot-1", Architecture::Arm64v8),
                device(
                    "dev-offline",
                    "robot-2",
                    DeviceStatus::Offline,
                    Some(Architecture::Arm64v8),
                    &[("runtime", "dockercompose")],
                ),
                preinstalled_device("dev-pi", "sensor-pi", Architecture::Arm32v7, "melodic"),
            ],
            networks: vec![
                network(
                    "net-cloud",
                    "floor-net",
                    Runtime::Cloud,
                    Phase::Succeeded,
                    Status::Running,
                ),
                network(
                    "net-device",
                    "robot-lan",
                    Runtime::Device,
                    Phase::Succeeded,
                    Status::Running,
                ),
                network(
                    "net-broken",
                    "staging-net",
                    Runtime::Cloud,
                    Phase::FailedToStart,
                    Status::Error,
                ),
            ],
            deployments: vec![
                deployment("dep-db", "database", "postgres", Phase::Succeeded),
                deployment("dep-starting", "cache", "redis", Phase::Provisioning),
                deployment(
                    "dep-vol",
                    "telemetry-store",
                    VOLUME_PACKAGE_NAME,
                    Phase::Succeeded,
                ),
                deployment(
                    "dep-vol-stopped",
                    "old-store",
                    VOLUME_PACKAGE_NAME,
                    Phase::DeploymentStopped,
                ),
            ],
        }
    }

    fn world(&self) -> World<'_> {
        World {
            devices: &self.devices,
            networks: &self.networks,
            deployments: &self.deployments,
        }
    }

    fn keep_networks(mut self, guids: &[&str]) -> Env {
        self.networks.retain(|n| guids.contains(&n.guid.as_str()));
        self
    }
}

fn robot_context(device_id: &str) -> ComponentContext {
    ComponentContext {
        device_id: Some(s(device_id)),
        restart_policy: Some(RestartPolicy::OnFailure),
        parameters: BTreeMap::from([(s("MAP"), s("warehouse-b"))]),
    }
}

/// A request for [`test_package`] that breaks no rule in [`Env::new`].
fn valid_request() -> ProvisionRequest {
    ProvisionRequest {
        name: s("fleet bridge-prod_1.0"),
        package_id: s(PKG),
        plan_id: s(PLAN),
        labels: vec![label("env", "prod"), label("team", "ops")],
        component_context: BTreeMap::from([(s(ROBOT), robot_context("dev-robot"))]),
        routed_networks: vec![NetworkRef {
            guid: s("net-cloud"),
            name: None,
        }],
        dependent_deployments: vec![DependencyRef {
            dependent_deployment_id: s("dep-db"),
        }],
        volumes: vec![VolumeMount {
            deployment_id: s("dep-vol"),
            component_id: s(CLOUD),
            mount_path: s("/data"),
        }],
    }
}

fn net(guid: &str) -> NetworkRef {
    NetworkRef {
        guid: s(guid),
        name: None,
    }
}

fn dep(id: &str) -> DependencyRef {
    DependencyRef {
        dependent_deployment_id: s(id),
    }
}

fn volume(deployment_id: &str, component_id: &str, mount_path: &str) -> VolumeMount {
    VolumeMount {
        deployment_id: s(deployment_id),
        component_id: s(component_id),
        mount_path: s(mount_path),
    }
}

/// The errors of `request` for [`test_package`] in [`Env::new`].
fn check(request: &ProvisionRequest) -> Vec<FieldError> {
    validate_provision(request, &test_package(), &Env::new().world())
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

/// The message of the only error, which must be at `field`.
#[track_caller]
fn single<'a>(errors: &'a [FieldError], field: &str) -> &'a str {
    assert_eq!(fields(errors), [field], "errors: {errors:#?}");
    &errors[0].message
}

/// `text` mentions every word (case-insensitively).
#[track_caller]
fn assert_mentions(text: &str, words: &[&str]) {
    assert!(!text.trim().is_empty(), "empty text");
    for word in words {
        assert!(
            text.to_lowercase().contains(&word.to_lowercase()),
            "{text:?} does not mention {word:?}"
        );
    }
}

/// `text` is a human sentence (capital first, full stop last, several words) mentioning `words`.
#[track_caller]
fn assert_sentence(text: &str, words: &[&str]) {
    assert!(
        text.chars().next().is_some_and(char::is_uppercase),
        "{text:?} does not start with a capital"
    );
    assert!(
        text.trim_end().ends_with('.'),
        "{text:?} does not end with a full stop"
    );
    assert!(
        text.split_whitespace().count() >= 4,
        "{text:?} is not a sentence"
    );
    assert_mentions(text, words);
}

fn name_of(length: usize) -> String {
    "a".repeat(length)
}

// ---------------------------------------------------------------------------------------------
// name_error
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_or_blank_name_is_refused() {
    for name in ["", "   ", "\t \n"] {
        let message = name_error(name).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert_mentions(&message, &["name"]);
    }
}

#[test]
fn name_shorter_than_three_characters_is_refused() {
    for name in ["a", "ab", "7x"] {
        let message = name_error(name).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert_mentions(&message, &["at least 3"]);
    }
}

#[test]
fn name_of_exactly_three_characters_is_accepted() {
    assert_eq!(name_error("abc"), None);
    assert_eq!(name_error("a1b"), None);
}

#[test]
fn name_of_exactly_sixty_four_characters_is_accepted() {
    assert_eq!(name_error(&name_of(64)), None);
}

#[test]
fn name_longer_than_sixty_four_characters_is_refused() {
    let message = name_error(&name_of(65)).unwrap();
    assert_mentions(&message, &["at most 64", "65"]);
    assert!(name_error(&name_of(200)).is_some());
}

#[test]
fn name_is_trimmed_before_it_is_checked() {
    assert_eq!(
        name_error("  abc  "),
        None,
        "surrounding spaces are not part of the name"
    );
    assert_eq!(
        name_error(&format!("  {}  ", name_of(64))),
        None,
        "64 characters once trimmed"
    );
    assert!(name_error("  ab  ").is_some(), "2 characters once trimmed");
    assert_eq!(
        name_error(" -abc").map(|m| m.contains("Start")),
        Some(true),
        "trimmed, it starts with -"
    );
}

#[test]
fn name_must_start_with_a_letter_or_a_digit() {
    for name in ["-abc", "_abc", ".abc"] {
        let message = name_error(name).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert_mentions(&message, &["start", "letter", "digit"]);
    }
    assert_eq!(name_error("1abc"), None);
    assert_eq!(name_error("Zabc"), None);
}

#[test]
fn name_with_a_forbidden_character_is_refused_naming_it() {
    for (name, bad) in [
        ("fleet!", '!'),
        ("a/bc", '/'),
        ("ab:c", ':'),
        ("ab#c", '#'),
        ("nav@home", '@'),
    ] {
        let message = name_error(name).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert!(
            message.contains(&format!("\"{bad}\"")),
            "{message:?} does not name {bad:?}"
        );
    }
    // A character that cannot be seen in quotes is named by its code point.
    for (name, code) in [("ab\tc", "U+0009"), ("ab\u{200B}c", "U+200B")] {
        let message = name_error(name).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert!(
            message.starts_with(&format!("The invisible character {code} ")),
            "{message:?} does not name {code}"
        );
    }
}

#[test]
fn name_with_letters_digits_spaces_dashes_underscores_and_dots_is_accepted() {
    assert_eq!(name_error("Fleet bridge-prod_1.0"), None);
    assert_eq!(name_error("a.b c-d_e"), None);
}

// ---------------------------------------------------------------------------------------------
// label_key_error / label_value_error
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_label_key_is_refused() {
    assert_mentions(&label_key_error("").unwrap(), &["key"]);
}

#[test]
fn label_key_of_one_character_is_accepted() {
    assert_eq!(label_key_error("a"), None);
    assert_eq!(label_key_error("7"), None);
}

#[test]
fn label_key_of_sixty_three_characters_is_accepted() {
    assert_eq!(label_key_error(&name_of(63)), None);
}

#[test]
fn label_key_longer_than_sixty_three_characters_is_refused() {
    assert_mentions(
        &label_key_error(&name_of(64)).unwrap(),
        &["at most 63", "64"],
    );
}

#[test]
fn label_key_must_start_and_end_with_a_letter_or_digit() {
    for key in ["-env", "env-", "_env", "env_", ".env", "env.", "-", "."] {
        let message = label_key_error(key).unwrap_or_else(|| panic!("{key:?} was accepted"));
        assert_mentions(&message, &["start", "end"]);
    }
}

#[test]
fn label_key_allows_underscore_dot_and_dash_inside() {
    assert_eq!(label_key_error("app.kubernetes_io-name"), None);
    assert_eq!(label_key_error("A-1.b_2"), None);
}

#[test]
fn label_key_with_any_other_character_is_refused_naming_it() {
    for (key, bad) in [
        ("env key", ' '),
        ("env/x", '/'),
        ("env:x", ':'),
        ("énv", 'é'),
        ("env=x", '='),
    ] {
        let message = label_key_error(key).unwrap_or_else(|| panic!("{key:?} was accepted"));
        assert!(
            message.contains(&format!("\"{bad}\"")),
            "{message:?} does not name {bad:?}"
        );
    }
}

#[test]
fn empty_or_blank_label_value_is_refused() {
    for value in ["", "   "] {
        assert_mentions(&label_value_error(value).unwrap(), &["value"]);
    }
}

#[test]
fn label_value_of_253_characters_is_accepted() {
    assert_eq!(label_value_error(&name_of(253)), None);
}

#[test]
fn label_value_longer_than_253_characters_is_refused() {
    assert_mentions(
        &label_value_error(&name_of(254)).unwrap(),
        &["at most 253", "254"],
    );
}

#[test]
fn label_value_may_hold_any_characters() {
    assert_eq!(label_value_error("Hello, world / ü: 1.0 (beta)"), None);
    assert_eq!(label_value_error("x"), None);
}

// ---------------------------------------------------------------------------------------------
// mount_path_error
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_mount_path_is_refused() {
    for path in ["", "  "] {
        assert_mentions(&mount_path_error(path).unwrap(), &["path"]);
    }
}

#[test]
fn relative_mount_path_is_refused() {
    for path in ["data", "./data", "data/logs", "~/data"] {
        let message = mount_path_error(path).unwrap_or_else(|| panic!("{path:?} was accepted"));
        assert_mentions(&message, &["absolute"]);
    }
}

#[test]
fn mounting_over_the_root_is_refused() {
    assert_mentions(&mount_path_error("/").unwrap(), &["/"]);
}

#[test]
fn mounting_over_the_root_written_with_several_slashes_is_refused() {
    // "//" and "///" name the root directory just as "/" does.
    for path in ["//", "///"] {
        assert!(
            mount_path_error(path).is_some(),
            "{path:?} mounts over / and was accepted"
        );
    }
}

#[test]
fn mount_path_with_a_parent_segment_is_refused() {
    for path in ["/data/..", "/../etc", "/a/../b", "/.."] {
        let message = mount_path_error(path).unwrap_or_else(|| panic!("{path:?} was accepted"));
        assert_mentions(&message, &[".."]);
    }
}

#[test]
fn mount_path_with_dots_inside_a_name_is_accepted() {
    assert_eq!(mount_path_error("/data..old"), None);
    assert_eq!(mount_path_error("/home/.cache"), None);
}

#[test]
fn mount_path_with_spaces_or_control_characters_is_refused() {
    for path in ["/my data", "/data "] {
        let message = mount_path_error(path).unwrap_or_else(|| panic!("{path:?} was accepted"));
        assert_mentions(&message, &["spaces"]);
    }
    for (path, code) in [("/data\t", "U+0009"), ("/da\nta", "U+000A")] {
        let message = mount_path_error(path).unwrap_or_else(|| panic!("{path:?} was accepted"));
        assert_mentions(&message, &[code, "invisible"]);
    }
}

#[test]
fn absolute_mount_path_is_accepted() {
    for path in ["/data", "/var/lib/app/", "/mnt/vol_1", "/a"] {
        assert_eq!(mount_path_error(path), None, "{path:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// validate_provision: the request as a whole
// ---------------------------------------------------------------------------------------------

#[test]
fn fully_valid_request_has_no_errors() {
    assert_eq!(check(&valid_request()), []);
}

#[test]
fn valid_request_without_optional_parts_has_no_errors() {
    let request = ProvisionRequest {
        labels: vec![],
        dependent_deployments: vec![],
        volumes: vec![],
        component_context: BTreeMap::from([(
            s(ROBOT),
            ComponentContext {
                device_id: Some(s("dev-robot")),
                ..Default::default()
            },
        )]),
        ..valid_request()
    };
    assert_eq!(
        check(&request),
        [],
        "defaults fill the parameters and the restart policy"
    );
}

#[test]
fn bad_name_is_reported_at_name() {
    let request = ProvisionRequest {
        name: s("x"),
        ..valid_request()
    };
    assert_mentions(single(&check(&request), "name"), &["at least 3"]);
}

#[test]
fn request_for_another_package_is_reported_at_package_id() {
    let request = ProvisionRequest {
        package_id: s("pkg-other"),
        ..valid_request()
    };
    assert_mentions(single(&check(&request), "packageId"), &["pkg-other", PKG]);
}

#[test]
fn unknown_plan_is_reported_at_plan_id() {
    let request = ProvisionRequest {
        plan_id: s("plan-ghost"),
        ..valid_request()
    };
    assert_mentions(single(&check(&request), "planId"), &["plan-ghost"]);
}

#[test]
fn bad_label_key_is_reported_at_its_index() {
    let mut request = valid_request();
    request.labels = vec![label("env", "prod"), label("-team", "ops")];
    assert_mentions(single(&check(&request), "labels[1].key"), &["start"]);
}

#[test]
fn empty_label_key_is_reported_at_its_index() {
    let mut request = valid_request();
    request.labels = vec![label("env", "prod"), label("team", "ops"), label("", "x")];
    single(&check(&request), "labels[2].key");
}

#[test]
fn bad_label_value_is_reported_at_its_index() {
    let mut request = valid_request();
    request.labels = vec![label("env", ""), label("team", "ops")];
    assert_mentions(single(&check(&request), "labels[0].value"), &["value"]);
    request.labels = vec![label("env", "prod"), label("team", &name_of(254))];
    single(&check(&request), "labels[1].value");
}

#[test]
fn duplicate_label_key_is_reported_at_its_second_use() {
    let mut request = valid_request();
    request.labels = vec![
        label("env", "prod"),
        label("team", "ops"),
        label("env", "dev"),
    ];
    assert_mentions(
        single(&check(&request), "labels[2].key"),
        &["\"env\"", "unique"],
    );
}

#[test]
fn device_component_without_a_device_is_refused() {
    let mut request = valid_request();
    request.component_context.clear();
    assert_mentions(
        single(&check(&request), "componentContext.comp-robot.deviceId"),
        &["select", "agent"],
    );
    for blank in [None, Some(s("")), Some(s("   "))] {
        request.component_context.insert(
            s(ROBOT),
            ComponentContext {
                device_id: blank.clone(),
                ..Default::default()
            },
        );
        single(&check(&request), "componentContext.comp-robot.deviceId");
    }
}

#[test]
fn device_id_is_trimmed_before_lookup() {
    let mut request = valid_request();
    request
        .component_context
        .insert(s(ROBOT), robot_context("  dev-robot "));
    assert_eq!(check(&request), []);
}

#[test]
fn unknown_device_is_refused() {
    let mut request = valid_request();
    request
        .component_context
        .insert(s(ROBOT), robot_context("dev-ghost"));
    assert_mentions(
        single(&check(&request), "componentContext.comp-robot.deviceId"),
        &["dev-ghost"],
    );
}

#[test]
fn incompatible_device_is_refused_with_its_reasons() {
    let mut request = valid_request();
    request
        .component_context
        .insert(s(ROBOT), robot_context("dev-offline"));
    assert_mentions(
        single(&check(&request), "componentContext.comp-robot.deviceId"),
        &["robot-2", "agent", "offline"],
    );

    request
        .component_context
        .insert(s(ROBOT), robot_context("dev-pi"));
    let errors = check(&request);
    let message = single(&errors, "componentContext.comp-robot.deviceId");
    assert_mentions(message, &["sensor-pi", "arm32v7", "arm64v8", "docker"]);
}

#[test]
fn context_for_an_unknown_component_is_refused() {
    let mut request = valid_request();
    request
        .component_context
        .insert(s("comp-ghost"), ComponentContext::default());
    assert_mentions(
        single(&check(&request), "componentContext.comp-ghost"),
        &["no such component"],
    );
}

#[test]
fn device_for_a_cloud_component_is_refused() {
    let mut request = valid_request();
    request.component_context.insert(
        s(CLOUD),
        ComponentContext {
            device_id: Some(s("dev-robot")),
            ..Default::default()
        },
    );
    assert_mentions(
        single(&check(&request), "componentContext.comp-cloud.deviceId"),
        &["aggregator", "cloud"],
    );
}

#[test]
fn restart_policy_for_a_cloud_component_is_refused() {
    let mut request = valid_request();
    request.component_context.insert(
        s(CLOUD),
        ComponentContext {
            restart_policy: Some(RestartPolicy::Always),
            ..Default::default()
        },
    );
    assert_mentions(
        single(
            &check(&request),
            "componentContext.comp-cloud.restartPolicy",
        ),
        &["cloud", "restart policy"],
    );
}

#[test]
fn unknown_restart_policy_is_refused() {
    let mut request = valid_request();
    request
        .component_context
        .get_mut(ROBOT)
        .unwrap()
        .restart_policy = Some(RestartPolicy::Unknown(s("sometimes")));
    assert_mentions(
        single(
            &check(&request),
            "componentContext.comp-robot.restartPolicy",
        ),
        &["sometimes", "Always"],
    );
}

#[test]
fn each_restart_policy_is_accepted_for_a_device_component() {
    for policy in [
        RestartPolicy::Always,
        RestartPolicy::OnFailure,
        RestartPolicy::No,
    ] {
        let mut request = valid_request();
        request
            .component_context
            .get_mut(ROBOT)
            .unwrap()
            .restart_policy = Some(policy.clone());
        assert_eq!(check(&request), [], "{policy:?}");
    }
}

#[test]
fn empty_parameter_value_is_refused() {
    for value in ["", "  "] {
        let mut request = valid_request();
        request
            .component_context
            .get_mut(ROBOT)
            .unwrap()
            .parameters
            .insert(s("MAX_SPEED"), s(value));
        assert_mentions(
            single(
                &check(&request),
                "componentContext.comp-robot.parameters.MAX_SPEED",
            ),
            &["MAX_SPEED"],
        );
    }
}

#[test]
fn parameter_with_an_empty_default_needs_a_value() {
    let package = package_with(vec![
        with_params(
            test_cloud_component(),
            &[("LOG_LEVEL", "info"), ("API_KEY", "")],
        ),
        test_robot_component(),
    ]);
    let env = Env::new();
    let errors = validate_provision(&valid_request(), &package, &env.world());
    assert_mentions(
        single(&errors, "componentContext.comp-cloud.parameters.API_KEY"),
        &["API_KEY"],
    );

    let mut request = valid_request();
    request.component_context.insert(
        s(CLOUD),
        ComponentContext {
            parameters: BTreeMap::from([(s("API_KEY"), s("secret"))]),
            ..Default::default()
        },
    );
    assert_eq!(validate_provision(&request, &package, &env.world()), []);
}

#[test]
fn unknown_parameter_is_refused() {
    let mut request = valid_request();
    request
        .component_context
        .get_mut(ROBOT)
        .unwrap()
        .parameters
        .insert(s("GHOST"), s("1"));
    assert_mentions(
        single(
            &check(&request),
            "componentContext.comp-robot.parameters.GHOST",
        ),
        &["GHOST", "agent"],
    );
}

#[test]
fn ros_package_without_a_network_asks_for_one_when_a_usable_one_exists() {
    let request = ProvisionRequest {
        routed_networks: vec![],
        ..valid_request()
    };
    let errors = check(&request);
    let message = single(&errors, "routedNetworks");
    assert_mentions(message, &["ROS", "select a routed network"]);
    assert!(!message.contains("none"), "{message:?}");
}

#[test]
fn ros_package_with_a_cloud_component_and_no_usable_cloud_network_says_there_is_none() {
    // The device network runs, but a package with a cloud component cannot use it.
    let env = Env::new().keep_networks(&["net-device", "net-broken"]);
    let request = ProvisionRequest {
        routed_networks: vec![],
        ..valid_request()
    };
    let errors = validate_provision(&request, &test_package(), &env.world());
    assert_mentions(
        single(&errors, "routedNetworks"),
        &["cloud routed network", "there is none", "create one"],
    );
}

#[test]
fn device_only_ros_package_with_no_usable_network_says_there_is_none() {
    let env = Env::new().keep_networks(&["net-broken"]);
    let request = ProvisionRequest {
        routed_networks: vec![],
        volumes: vec![],
        ..valid_request()
    };
    let errors = validate_provision(&request, &device_only_ros_package(), &env.world());
    let message = single(&errors, "routedNetworks");
    assert_mentions(message, &["routed network", "there is none", "create one"]);
    assert!(
        !message.contains("cloud"),
        "a device-only package takes any network: {message:?}"
    );
}

#[test]
fn device_only_ros_package_can_use_a_device_network() {
    let env = Env::new().keep_networks(&["net-device"]);
    let without = ProvisionRequest {
        routed_networks: vec![],
        volumes: vec![],
        ..valid_request()
    };
    let errors = validate_provision(&without, &device_only_ros_package(), &env.world());
    assert_mentions(
        single(&errors, "routedNetworks"),
        &["select a routed network"],
    );

    let with = ProvisionRequest {
        routed_networks: vec![net("net-device")],
        ..without
    };
    assert_eq!(
        validate_provision(&with, &device_only_ros_package(), &env.world()),
        []
    );
}

#[test]
fn package_without_ros_needs_no_routed_network() {
    let env = Env::new().keep_networks(&[]);
    let request = ProvisionRequest {
        routed_networks: vec![],
        component_context: BTreeMap::new(),
        ..valid_request()
    };
    assert_eq!(
        validate_provision(&request, &non_ros_package(), &env.world()),
        []
    );
}

#[test]
fn network_that_is_not_running_is_refused_at_its_index() {
    let request = ProvisionRequest {
        routed_networks: vec![net("net-cloud"), net("net-broken")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "routedNetworks[1]"),
        &["staging-net", "Failed to start", "Error"],
    );
}

#[test]
fn device_network_for_a_package_with_a_cloud_component_is_refused() {
    let request = ProvisionRequest {
        routed_networks: vec![net("net-device")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "routedNetworks[0]"),
        &["robot-lan", "cloud routed network"],
    );
}

#[test]
fn unknown_network_is_refused() {
    let request = ProvisionRequest {
        routed_networks: vec![net("net-cloud"), net("net-ghost")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "routedNetworks[1]"),
        &["net-ghost"],
    );
}

#[test]
fn network_selected_twice_is_refused_at_its_second_use() {
    let request = ProvisionRequest {
        routed_networks: vec![net("net-cloud"), net("net-cloud")],
        ..valid_request()
    };
    assert_mentions(single(&check(&request), "routedNetworks[1]"), &["twice"]);
}

#[test]
fn dependency_that_has_not_succeeded_is_refused() {
    let request = ProvisionRequest {
        dependent_deployments: vec![dep("dep-db"), dep("dep-starting")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "dependentDeployments[1]"),
        &["cache", "Provisioning", "Succeeded"],
    );
}

#[test]
fn unknown_dependency_is_refused() {
    let request = ProvisionRequest {
        dependent_deployments: vec![dep("dep-ghost")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "dependentDeployments[0]"),
        &["dep-ghost"],
    );
}

#[test]
fn dependency_selected_twice_is_refused_at_its_second_use() {
    let request = ProvisionRequest {
        dependent_deployments: vec![dep("dep-db"), dep("dep-vol"), dep("dep-db")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "dependentDeployments[2]"),
        &["twice"],
    );
}

#[test]
fn volume_without_a_deployment_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![volume("", CLOUD, "/data")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[0].deploymentId"),
        &["select a volume"],
    );
}

#[test]
fn unknown_volume_deployment_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![volume("dep-ghost", CLOUD, "/data")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[0].deploymentId"),
        &["dep-ghost"],
    );
}

#[test]
fn volume_that_is_not_a_storage_deployment_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![volume("dep-db", CLOUD, "/data")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[0].deploymentId"),
        &["database", "not a volume"],
    );
}

#[test]
fn volume_that_has_not_succeeded_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![
            volume("dep-vol", CLOUD, "/data"),
            volume("dep-vol-stopped", ROBOT, "/logs"),
        ],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[1].deploymentId"),
        &["old-store", "Deployment stopped"],
    );
}

#[test]
fn volume_without_a_component_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![volume("dep-vol", "", "/data")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[0].componentId"),
        &["select the component"],
    );
}

#[test]
fn volume_for_an_unknown_component_is_refused() {
    let request = ProvisionRequest {
        volumes: vec![volume("dep-vol", "comp-ghost", "/data")],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[0].componentId"),
        &["comp-ghost"],
    );
}

#[test]
fn volume_with_a_bad_mount_path_is_refused() {
    for path in ["", "data", "/", "/a/../b", "/my data"] {
        let request = ProvisionRequest {
            volumes: vec![volume("dep-vol", CLOUD, path)],
            ..valid_request()
        };
        assert_eq!(
            single(&check(&request), "volumes[0].mountPath"),
            mount_path_error(path).unwrap(),
            "{path:?}"
        );
    }
}

#[test]
fn two_volumes_at_the_same_path_of_one_component_are_refused() {
    let request = ProvisionRequest {
        volumes: vec![
            volume("dep-vol", CLOUD, "/data"),
            volume("dep-vol", CLOUD, "/data/"),
        ],
        ..valid_request()
    };
    assert_mentions(
        single(&check(&request), "volumes[1].mountPath"),
        &["already mounted"],
    );
}

#[test]
fn same_mount_path_in_two_components_is_accepted() {
    let request = ProvisionRequest {
        volumes: vec![
            volume("dep-vol", CLOUD, "/data"),
            volume("dep-vol", ROBOT, "/data"),
        ],
        ..valid_request()
    };
    assert_eq!(check(&request), []);
}

#[test]
fn request_with_several_problems_reports_all_of_them() {
    let mut request = ProvisionRequest {
        name: s("!"),
        labels: vec![
            label("env", "prod"),
            label("env", ""),
            label("bad key", "x"),
        ],
        routed_networks: vec![net("net-broken")],
        dependent_deployments: vec![dep("dep-starting"), dep("dep-ghost")],
        volumes: vec![volume("dep-db", "comp-ghost", "relative")],
        ..valid_request()
    };
    request
        .component_context
        .insert(s("comp-ghost"), ComponentContext::default());
    request
        .component_context
        .insert(s(ROBOT), robot_context("dev-ghost"));
    request
        .component_context
        .get_mut(ROBOT)
        .unwrap()
        .parameters
        .insert(s("MAP"), s(""));

    let errors = check(&request);
    let mut got = fields(&errors);
    got.sort_unstable();
    let mut expected = vec![
        "name",
        "labels[1].key",
        "labels[1].value",
        "labels[2].key",
        "componentContext.comp-ghost",
        "componentContext.comp-robot.deviceId",
        "componentContext.comp-robot.parameters.MAP",
        "routedNetworks[0]",
        "dependentDeployments[0]",
        "dependentDeployments[1]",
        "volumes[0].deploymentId",
        "volumes[0].componentId",
        "volumes[0].mountPath",
    ];
    expected.sort_unstable();
    assert_eq!(got, expected, "errors: {errors:#?}");
    assert!(errors.iter().all(|e| !e.message.trim().is_empty()));
}

#[test]
fn seeded_requests_follow_the_rules() {
    let at = Millis(1_800_000_000_000);
    let packages = seed::packages(at);
    let (devices, networks) = (seed::devices(at), seed::networks());
    let world = World {
        devices: &devices,
        networks: &networks,
        deployments: &[],
    };
    let nav = packages
        .iter()
        .find(|p| p.summary.guid == "pkg-amr-navigation")
        .unwrap();
    let plan_id = nav.plans[0].plan_id.clone();
    let mut request = ProvisionRequest {
        name: s("amr-nav-test"),
        package_id: s("pkg-amr-navigation"),
        plan_id,
        routed_networks: vec![net("net-robot-lan")],
        ..Default::default()
    };
    request.component_context.insert(
        s("comp-amr-nav"),
        ComponentContext {
            device_id: Some(s("dev-amr-01")),
            ..Default::default()
        },
    );
    assert_eq!(validate_provision(&request, nav, &world), []);

    request
        .component_context
        .get_mut("comp-amr-nav")
        .unwrap()
        .device_id = Some(s("dev-amr-03"));
    assert_mentions(
        single(
            &validate_provision(&request, nav, &world),
            "componentContext.comp-amr-nav.deviceId",
        ),
        &["amr-03", "offline"],
    );
}

// ---------------------------------------------------------------------------------------------
// RuntimeNeed / device_incompatibilities
// ---------------------------------------------------------------------------------------------

fn arm64_component(executables: Vec<Executable>) -> Component {
    device_component("comp-x", "worker", Architecture::Arm64v8, executables)
}

#[test]
fn runtime_need_follows_the_executables() {
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![docker_exec("a")])),
        RuntimeNeed::Docker
    );
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![build_exec("a")])),
        RuntimeNeed::Docker
    );
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![docker_exec("a"), build_exec("b")])),
        RuntimeNeed::Docker
    );
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![bare_exec("a"), bare_exec("b")])),
        RuntimeNeed::Preinstalled
    );
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![docker_exec("a"), bare_exec("b")])),
        RuntimeNeed::Conflicting
    );
    assert_eq!(RuntimeNeed::of(&arm64_component(vec![])), RuntimeNeed::Any);
}

#[test]
fn image_with_a_command_still_needs_docker() {
    let mut executable = docker_exec("nav");
    executable.cmd = vec![s("roslaunch nav nav.launch")];
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![executable])),
        RuntimeNeed::Docker
    );
}

#[test]
fn blank_image_and_build_count_as_a_bare_command() {
    let executable = Executable {
        docker: Some(s("  ")),
        build_guid: Some(s("")),
        ..bare_exec("x")
    };
    assert_eq!(
        RuntimeNeed::of(&arm64_component(vec![executable])),
        RuntimeNeed::Preinstalled
    );
}

#[test]
fn compatible_docker_device_has_no_incompatibilities() {
    let component = with_ros(
        arm64_component(vec![docker_exec("a"), build_exec("b")]),
        "noetic",
    );
    assert_eq!(
        device_incompatibilities(
            &component,
            &docker_device("d", "robot", Architecture::Arm64v8)
        ),
        []
    );
}

#[test]
fn compatible_preinstalled_device_has_no_incompatibilities() {
    let component = with_ros(arm64_component(vec![bare_exec("a")]), "noetic");
    let device = preinstalled_device("d", "robot", Architecture::Arm64v8, "noetic");
    assert_eq!(device_incompatibilities(&component, &device), []);
    let plain = arm64_component(vec![bare_exec("a")]);
    assert_eq!(
        device_incompatibilities(&plain, &device),
        [],
        "non-ROS component on a preinstalled device"
    );
}

#[test]
fn component_without_an_architecture_runs_on_any_cpu() {
    let mut component = arm64_component(vec![docker_exec("a")]);
    component.architecture = None;
    for arch in Architecture::KNOWN {
        assert_eq!(
            device_incompatibilities(&component, &docker_device("d", "robot", arch.clone())),
            [],
            "{arch}"
        );
    }
}

#[test]
fn cloud_component_is_incompatible_with_every_device() {
    let component = cloud_component("comp-web", "web");
    let reasons = device_incompatibilities(
        &component,
        &docker_device("d", "robot", Architecture::Amd64),
    );
    assert_eq!(reasons, [Incompatibility::CloudComponent]);
    assert_sentence(&reasons[0].to_string(), &["cloud"]);
}

#[test]
fn offline_device_is_incompatible() {
    let component = arm64_component(vec![docker_exec("a")]);
    let mut device = docker_device("d", "robot", Architecture::Arm64v8);
    device.status = DeviceStatus::Offline;
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(
        reasons,
        [Incompatibility::Offline {
            status: s("OFFLINE")
        }]
    );
    assert_sentence(&reasons[0].to_string(), &["offline", "online"]);

    device.status = DeviceStatus::Initializing;
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(
        reasons,
        [Incompatibility::Offline {
            status: s("INITIALIZING")
        }]
    );
    assert_sentence(&reasons[0].to_string(), &["initializing"]);
}

#[test]
fn device_of_another_architecture_is_incompatible() {
    let component = arm64_component(vec![docker_exec("a")]);
    let reasons = device_incompatibilities(
        &component,
        &docker_device("d", "robot", Architecture::Amd64),
    );
    assert_eq!(
        reasons,
        [Incompatibility::Architecture {
            device: s("amd64"),
            needed: Architecture::Arm64v8
        }]
    );
    assert_sentence(&reasons[0].to_string(), &["amd64", "arm64v8"]);
}

#[test]
fn device_of_unknown_architecture_is_incompatible_with_a_component_that_names_one() {
    let component = arm64_component(vec![docker_exec("a")]);
    let mut device = docker_device("d", "robot", Architecture::Arm64v8);
    device.architecture = None;
    let reasons = device_incompatibilities(&component, &device);
    assert!(
        matches!(
            &reasons[..],
            [Incompatibility::Architecture {
                needed: Architecture::Arm64v8,
                ..
            }]
        ),
        "{reasons:?}"
    );
    assert_sentence(&reasons[0].to_string(), &["unknown", "arm64v8"]);
}

#[test]
fn images_on_a_preinstalled_device_need_docker() {
    let component = arm64_component(vec![docker_exec("a")]);
    let device = preinstalled_device("d", "robot", Architecture::Arm64v8, "noetic");
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(reasons, [Incompatibility::NeedsDocker]);
    assert_sentence(&reasons[0].to_string(), &["docker"]);
}

#[test]
fn bare_commands_on_a_docker_device_need_a_preinstalled_device() {
    let component = arm64_component(vec![bare_exec("a")]);
    let reasons = device_incompatibilities(
        &component,
        &docker_device("d", "robot", Architecture::Arm64v8),
    );
    assert_eq!(reasons, [Incompatibility::NeedsPreinstalled]);
    assert_sentence(&reasons[0].to_string(), &["preinstalled"]);
}

#[test]
fn component_mixing_images_and_bare_commands_runs_nowhere() {
    let component = arm64_component(vec![docker_exec("a"), bare_exec("b")]);
    for device in [
        docker_device("d", "robot", Architecture::Arm64v8),
        preinstalled_device("p", "pi", Architecture::Arm64v8, "noetic"),
    ] {
        let reasons = device_incompatibilities(&component, &device);
        assert_eq!(
            reasons,
            [Incompatibility::ConflictingExecutables],
            "{}",
            device.name
        );
        assert_sentence(&reasons[0].to_string(), &["docker images", "bare commands"]);
    }
}

#[test]
fn device_without_a_runtime_is_incompatible() {
    let component = arm64_component(vec![docker_exec("a")]);
    for vars in [
        &[][..],
        &[("runtime", "  ")][..],
        &[("ros_distro", "noetic")][..],
    ] {
        let device = device(
            "d",
            "robot",
            DeviceStatus::Online,
            Some(Architecture::Arm64v8),
            vars,
        );
        let reasons = device_incompatibilities(&component, &device);
        assert_eq!(reasons, [Incompatibility::UnknownRuntime], "{vars:?}");
        assert_sentence(&reasons[0].to_string(), &["runtime"]);
    }
}

#[test]
fn device_with_an_unrecognised_runtime_runs_neither_images_nor_commands() {
    let device = device(
        "d",
        "robot",
        DeviceStatus::Online,
        Some(Architecture::Arm64v8),
        &[("runtime", "podman")],
    );
    for component in [
        arm64_component(vec![docker_exec("a")]),
        arm64_component(vec![bare_exec("a")]),
    ] {
        let reasons = device_incompatibilities(&component, &device);
        assert_eq!(
            reasons,
            [Incompatibility::UnsupportedRuntime {
                runtime: "podman".into()
            }]
        );
        assert_sentence(&reasons[0].to_string(), &["podman"]);
    }
}

#[test]
fn docker_runtime_is_read_case_insensitively_and_by_its_alias() {
    let component = arm64_component(vec![docker_exec("a")]);
    for runtime in ["dockercompose", "DockerCompose", "docker"] {
        let device = device(
            "d",
            "robot",
            DeviceStatus::Online,
            Some(Architecture::Arm64v8),
            &[("runtime", runtime)],
        );
        assert_eq!(
            device_incompatibilities(&component, &device),
            [],
            "{runtime}"
        );
    }
}

#[test]
fn preinstalled_device_without_a_ros_workspace_is_incompatible() {
    let component = arm64_component(vec![bare_exec("a")]);
    let device = device(
        "d",
        "robot",
        DeviceStatus::Online,
        Some(Architecture::Arm64v8),
        &[("runtime", "preinstalled"), ("ros_distro", "noetic")],
    );
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(reasons, [Incompatibility::MissingRosWorkspace]);
    assert_sentence(&reasons[0].to_string(), &["ros_workspace"]);
}

#[test]
fn preinstalled_device_without_a_ros_distro_cannot_run_a_ros_component() {
    let component = with_ros(arm64_component(vec![bare_exec("a")]), "noetic");
    let device = device(
        "d",
        "robot",
        DeviceStatus::Online,
        Some(Architecture::Arm64v8),
        &[("runtime", "preinstalled"), ("ros_workspace", "/ws")],
    );
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(reasons, [Incompatibility::MissingRosDistro]);
    assert_sentence(&reasons[0].to_string(), &["ros_distro"]);
    let plain = arm64_component(vec![bare_exec("a")]);
    assert_eq!(
        device_incompatibilities(&plain, &device),
        [],
        "a non-ROS component needs no distro"
    );
}

#[test]
fn preinstalled_device_with_another_ros_distro_is_incompatible() {
    let component = with_ros(arm64_component(vec![bare_exec("a")]), "noetic");
    let device = preinstalled_device("d", "robot", Architecture::Arm64v8, "melodic");
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(
        reasons,
        [Incompatibility::RosDistroMismatch {
            device: s("melodic"),
            needed: s("noetic")
        }]
    );
    assert_sentence(&reasons[0].to_string(), &["melodic", "noetic"]);
}

#[test]
fn ros_distro_is_compared_case_insensitively() {
    let component = with_ros(arm64_component(vec![bare_exec("a")]), "noetic");
    let device = preinstalled_device("d", "robot", Architecture::Arm64v8, "Noetic");
    assert_eq!(device_incompatibilities(&component, &device), []);
}

#[test]
fn several_incompatibilities_are_reported_together() {
    let component = with_ros(arm64_component(vec![docker_exec("a")]), "noetic");
    let device = device(
        "d",
        "robot",
        DeviceStatus::Offline,
        Some(Architecture::Arm32v7),
        &[("runtime", "preinstalled"), ("ros_distro", "melodic")],
    );
    let reasons = device_incompatibilities(&component, &device);
    assert_eq!(
        reasons,
        [
            Incompatibility::Offline {
                status: s("OFFLINE")
            },
            Incompatibility::Architecture {
                device: s("arm32v7"),
                needed: Architecture::Arm64v8
            },
            Incompatibility::NeedsDocker,
            Incompatibility::MissingRosWorkspace,
            Incompatibility::RosDistroMismatch {
                device: s("melodic"),
                needed: s("noetic")
            },
        ]
    );
    for reason in &reasons {
        assert_sentence(&reason.to_string(), &["device"]);
    }
}

#[test]
fn seeded_devices_and_components_match_as_described() {
    let at = Millis(1_800_000_000_000);
    let packages = seed::packages(at);
    let devices = seed::devices(at);
    let component = |id: &str| {
        packages
            .iter()
            .flat_map(|p| p.components())
            .find(|c| c.component_id == id)
            .unwrap()
    };
    let device = |uuid: &str| devices.iter().find(|d| d.uuid == uuid).unwrap();

    let nav = component("comp-amr-nav");
    assert_eq!(device_incompatibilities(nav, device("dev-amr-01")), []);
    assert_eq!(
        device_incompatibilities(nav, device("dev-amr-03")),
        [Incompatibility::Offline {
            status: s("OFFLINE")
        }]
    );

    let logger = component("comp-sensor-logger");
    assert_eq!(
        device_incompatibilities(logger, device("dev-sensor-01")),
        []
    );
    assert_eq!(
        device_incompatibilities(logger, device("dev-sensor-02")),
        [Incompatibility::MissingRosWorkspace]
    );
    assert_eq!(
        device_incompatibilities(logger, device("dev-edge-01")),
        [
            Incompatibility::Architecture {
                device: s("amd64"),
                needed: Architecture::Arm32v7
            },
            Incompatibility::NeedsPreinstalled,
        ]
    );
    assert_eq!(
        device_incompatibilities(component("comp-dashboard-web"), device("dev-edge-01")),
        [Incompatibility::CloudComponent]
    );
}

// ---------------------------------------------------------------------------------------------
// network_eligibility / dependency_eligibility / volume_eligibility
// ---------------------------------------------------------------------------------------------

#[test]
fn running_cloud_network_is_eligible_for_any_package() {
    let net = network(
        "n",
        "floor-net",
        Runtime::Cloud,
        Phase::Succeeded,
        Status::Running,
    );
    assert_eq!(network_eligibility(&net, true), Ok(()));
    assert_eq!(network_eligibility(&net, false), Ok(()));
}

#[test]
fn running_device_network_is_eligible_for_a_device_only_package() {
    let net = network(
        "n",
        "robot-lan",
        Runtime::Device,
        Phase::Succeeded,
        Status::Running,
    );
    assert_eq!(network_eligibility(&net, false), Ok(()));
}

#[test]
fn device_network_is_not_eligible_for_a_package_with_a_cloud_component() {
    let net = network(
        "n",
        "robot-lan",
        Runtime::Device,
        Phase::Succeeded,
        Status::Running,
    );
    let reason = network_eligibility(&net, true).unwrap_err();
    assert_eq!(reason, NetworkIneligible::DeviceNetworkForCloudPackage);
    assert_sentence(&reason.to_string(), &["cloud routed network"]);
}

#[test]
fn network_that_has_not_succeeded_is_not_eligible() {
    for phase in Phase::KNOWN
        .iter()
        .filter(|p| **p != Phase::Succeeded)
        .cloned()
        .chain([Phase::Unknown(s("Weird"))])
    {
        let net = network(
            "n",
            "floor-net",
            Runtime::Cloud,
            phase.clone(),
            Status::Running,
        );
        let reason = network_eligibility(&net, false).unwrap_err();
        assert_eq!(
            reason,
            NetworkIneligible::NotRunning {
                phase: phase.clone(),
                status: Status::Running
            }
        );
        assert_sentence(
            &reason.to_string(),
            &[&phase.label(), "Succeeded and Running"],
        );
    }
}

#[test]
fn succeeded_network_that_is_not_running_is_not_eligible() {
    for status in [
        Status::Pending,
        Status::Error,
        Status::Stopped,
        Status::Unknown(s("Unknown")),
    ] {
        let net = network(
            "n",
            "floor-net",
            Runtime::Cloud,
            Phase::Succeeded,
            status.clone(),
        );
        let reason = network_eligibility(&net, true).unwrap_err();
        assert_eq!(
            reason,
            NetworkIneligible::NotRunning {
                phase: Phase::Succeeded,
                status: status.clone()
            }
        );
        assert_sentence(&reason.to_string(), &[&status.label()]);
    }
}

#[test]
fn not_running_is_reported_before_the_runtime_mismatch() {
    let net = network(
        "n",
        "robot-lan",
        Runtime::Device,
        Phase::Provisioning,
        Status::Pending,
    );
    assert_eq!(
        network_eligibility(&net, true),
        Err(NetworkIneligible::NotRunning {
            phase: Phase::Provisioning,
            status: Status::Pending
        })
    );
}

#[test]
fn only_succeeded_deployments_are_eligible_dependencies() {
    assert_eq!(
        dependency_eligibility(&deployment("d", "db", "postgres", Phase::Succeeded)),
        Ok(())
    );
    for phase in Phase::KNOWN
        .iter()
        .filter(|p| **p != Phase::Succeeded)
        .cloned()
        .chain([Phase::Unknown(s("Weird"))])
    {
        let reason =
            dependency_eligibility(&deployment("d", "db", "postgres", phase.clone())).unwrap_err();
        assert_eq!(
            reason,
            DependencyIneligible::NotSucceeded {
                phase: phase.clone()
            }
        );
        assert_sentence(&reason.to_string(), &[&phase.label(), "Succeeded"]);
    }
}

#[test]
fn succeeded_volume_deployment_is_eligible() {
    assert_eq!(
        volume_eligibility(&deployment(
            "v",
            "store",
            VOLUME_PACKAGE_NAME,
            Phase::Succeeded
        )),
        Ok(())
    );
}

#[test]
fn deployment_of_another_package_is_not_a_volume() {
    for phase in [Phase::Succeeded, Phase::Provisioning] {
        let reason = volume_eligibility(&deployment("d", "db", "postgres", phase)).unwrap_err();
        assert_eq!(reason, VolumeIneligible::NotAVolume);
        assert_sentence(&reason.to_string(), &["not a volume", VOLUME_PACKAGE_NAME]);
    }
}

#[test]
fn volume_that_has_not_succeeded_is_not_eligible() {
    for phase in Phase::KNOWN.iter().filter(|p| **p != Phase::Succeeded) {
        let reason = volume_eligibility(&deployment(
            "v",
            "store",
            VOLUME_PACKAGE_NAME,
            phase.clone(),
        ))
        .unwrap_err();
        assert_eq!(
            reason,
            VolumeIneligible::NotRunning {
                phase: phase.clone()
            }
        );
        assert_sentence(&reason.to_string(), &[&phase.label(), "Succeeded"]);
    }
}

// ---------------------------------------------------------------------------------------------
// update_availability / component_updatability / check_update
// ---------------------------------------------------------------------------------------------

fn all_phases() -> Vec<Phase> {
    Phase::KNOWN
        .iter()
        .cloned()
        .chain([Phase::Unknown(s("Rebooting"))])
        .collect()
}

#[test]
fn only_succeeded_and_failed_to_update_accept_an_update() {
    for phase in all_phases() {
        let result = update_availability(&deployment("d", "app", "app", phase.clone()));
        if matches!(phase, Phase::Succeeded | Phase::FailedToUpdate) {
            assert_eq!(result, Ok(()), "{phase:?}");
        } else {
            assert_eq!(
                result,
                Err(UpdateBlocked {
                    phase: phase.clone()
                }),
                "{phase:?}"
            );
        }
    }
}

#[test]
fn update_blocked_reason_names_the_phase() {
    for phase in all_phases()
        .into_iter()
        .filter(|p| !matches!(p, Phase::Succeeded | Phase::FailedToUpdate))
    {
        let blocked =
            update_availability(&deployment("d", "app", "app", phase.clone())).unwrap_err();
        assert_sentence(&blocked.to_string(), &[&phase.label()]);
    }
}

#[test]
fn update_blocked_reason_says_what_to_do() {
    let why = |phase: Phase| UpdateBlocked { phase }.to_string();
    assert_mentions(&why(Phase::InProgress), &["wait"]);
    assert_mentions(&why(Phase::Provisioning), &["wait"]);
    assert_mentions(&why(Phase::FailedToStart), &["deploy it again"]);
    assert_mentions(&why(Phase::DeploymentStopped), &["deprovisioned"]);
    assert_mentions(&why(Phase::PartiallyDeprovisioned), &["deprovisioned"]);
}

fn info(id: &str, name: &str, runtime: Runtime, device_id: Option<&str>) -> ComponentInfo {
    ComponentInfo {
        component_id: s(id),
        name: s(name),
        runtime,
        device_id: device_id.map(s),
        restart_policy: None,
        status: Status::Running,
        error_code: vec![],
        parameters: BTreeMap::new(),
        executables_status_info: vec![],
    }
}

fn update_devices() -> Vec<Device> {
    vec![
        docker_device("dev-robot", "robot-1", Architecture::Arm64v8),
        preinstalled_device("dev-pi", "sensor-pi", Architecture::Arm32v7, "melodic"),
    ]
}

/// A deployment at generation 3 with a cloud component, a docker device component and a
/// preinstalled device component.
fn updatable_deployment(phase: Phase) -> Deployment {
    Deployment {
        current_generation: 3,
        component_info: vec![
            info("comp-web", "web", Runtime::Cloud, None),
            info("comp-agent", "agent", Runtime::Device, Some("dev-robot")),
            info("comp-logger", "logger", Runtime::Device, Some("dev-pi")),
        ],
        ..deployment("dep-app", "app", "fleet-bridge", phase)
    }
}

fn update(expected_generation: u64, components: &[&str]) -> UpdateRequest {
    UpdateRequest {
        expected_generation,
        components: components.iter().map(|c| s(c)).collect(),
    }
}

#[test]
fn cloud_component_is_updatable() {
    assert_eq!(
        component_updatability(&info("c", "web", Runtime::Cloud, None), &[]),
        Ok(())
    );
    assert_eq!(
        component_updatability(&info("c", "web", Runtime::Cloud, None), &update_devices()),
        Ok(())
    );
}

#[test]
fn component_on_a_docker_device_is_updatable() {
    let component = info("c", "agent", Runtime::Device, Some("dev-robot"));
    assert_eq!(
        component_updatability(&component, &update_devices()),
        Ok(())
    );
}

#[test]
fn component_on_a_preinstalled_device_is_not_updatable() {
    let component = info("c", "logger", Runtime::Device, Some("dev-pi"));
    let reason = component_updatability(&component, &update_devices()).unwrap_err();
    assert_eq!(
        reason,
        NotUpdatable::PreinstalledDevice {
            device: s("sensor-pi")
        }
    );
    assert_sentence(&reason.to_string(), &["sensor-pi", "preinstalled"]);
}

#[test]
fn component_whose_device_is_gone_is_not_updatable() {
    for device_id in [None, Some("dev-ghost")] {
        let component = info("c", "agent", Runtime::Device, device_id);
        let reason = component_updatability(&component, &update_devices()).unwrap_err();
        assert_eq!(reason, NotUpdatable::DeviceMissing, "{device_id:?}");
        assert_sentence(&reason.to_string(), &["no longer registered"]);
    }
}

#[test]
fn valid_update_is_accepted_from_succeeded_and_failed_to_update() {
    for phase in [Phase::Succeeded, Phase::FailedToUpdate] {
        let deployment = updatable_deployment(phase);
        assert_eq!(
            check_update(
                &deployment,
                &update(3, &["comp-web", "comp-agent"]),
                &update_devices()
            ),
            Ok(())
        );
    }
}

#[test]
fn stale_generation_is_a_generation_conflict_before_anything_else() {
    // Wrong phase and no components too: the generation is checked first.
    let deployment = updatable_deployment(Phase::Provisioning);
    for expected in [2, 4] {
        let error =
            check_update(&deployment, &update(expected, &[]), &update_devices()).unwrap_err();
        assert_eq!(
            error,
            PlatformError::GenerationConflict {
                expected,
                current: 3
            }
        );
    }
}

#[test]
fn blocked_phase_is_a_phase_conflict_before_the_components() {
    for phase in all_phases()
        .into_iter()
        .filter(|p| !matches!(p, Phase::Succeeded | Phase::FailedToUpdate))
    {
        let deployment = updatable_deployment(phase.clone());
        let error =
            check_update(&deployment, &update(3, &["comp-ghost"]), &update_devices()).unwrap_err();
        assert_eq!(
            error,
            PlatformError::PhaseConflict {
                phase: phase.label()
            },
            "{phase:?}"
        );
    }
}

#[test]
fn update_without_components_is_refused() {
    let error = check_update(
        &updatable_deployment(Phase::Succeeded),
        &update(3, &[]),
        &update_devices(),
    )
    .unwrap_err();
    let PlatformError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_mentions(single(&errors, "components"), &["at least one"]);
}

#[test]
fn update_of_an_unknown_component_is_refused() {
    let error = check_update(
        &updatable_deployment(Phase::Succeeded),
        &update(3, &["comp-web", "comp-ghost"]),
        &update_devices(),
    )
    .unwrap_err();
    let PlatformError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_mentions(single(&errors, "components[1]"), &["comp-ghost"]);
}

#[test]
fn component_listed_twice_is_refused_at_its_second_use() {
    let error = check_update(
        &updatable_deployment(Phase::Succeeded),
        &update(3, &["comp-web", "comp-agent", "comp-web"]),
        &update_devices(),
    )
    .unwrap_err();
    let PlatformError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_mentions(single(&errors, "components[2]"), &["twice"]);
}

#[test]
fn component_that_cannot_be_updated_in_place_is_refused() {
    let error = check_update(
        &updatable_deployment(Phase::Succeeded),
        &update(3, &["comp-logger", "comp-web"]),
        &update_devices(),
    )
    .unwrap_err();
    let PlatformError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_mentions(
        single(&errors, "components[0]"),
        &["logger", "sensor-pi", "preinstalled"],
    );
}

#[test]
fn every_component_problem_is_reported_together() {
    let error = check_update(
        &updatable_deployment(Phase::FailedToUpdate),
        &update(
            3,
            &[
                "comp-ghost",
                "comp-logger",
                "comp-web",
                "comp-web",
                "comp-agent",
            ],
        ),
        &update_devices(),
    )
    .unwrap_err();
    let PlatformError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        fields(&errors),
        ["components[0]", "components[1]", "components[3]"]
    );
}
