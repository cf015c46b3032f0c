//! Decoding of the platform's JSON objects, over hand-written samples in the real shapes
//! (docs/api.md §4 and §5): tolerant phases and statuses, error codes in every
//! form, compound executable statuses, lenient counts, unknown fields, and missing required
//! fields reported as errors rather than panics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::BTreeMap;

use platform::wire::{
    Architecture, Category, ComponentContext, Deployment, Device, DeviceRuntime, DeviceStatus,
    HistoryEntry, HistoryStatus, List, LogPage, Package, PackageSummary, ProvisionRequest,
    RestartPolicy, RoutedNetwork, Runtime, UpdateRequest, decode,
};
use platform::{ApiErrorBody, FieldError, Phase, Status};

/// A deployment as the platform sends it, with the given `componentInfo` list spliced in.
fn deployment_with_components(component_info: &str) -> String {
    format!(
        r#"{{
  "deploymentId": "dep-a1b2c3d4e5f6",
  "name": "amr-nav",
  "packageId": "pkg-amr-navigation",
  "packageName": "amr-navigation",
  "packageVersion": "v1.4.2",
  "planId": "plan-amr-navigation",
  "phase": "Succeeded",
  "status": "Running",
  "errors": null,
  "currentGeneration": 3,
  "creator": "demo@rio.dev",
  "CreatedAt": "2026-11-23T14:05:09Z",
  "lastStatusUpdateTime": "2026-11-26T14:05:09Z",
  "labels": [{{"key": "env", "value": "dev"}}],
  "dependentDeployments": [{{"dependentDeploymentId": "dep-volume000001"}}],
  "dependentDeploymentStatus": {{"dep-volume000001": {{"name": "telemetry-store", "phase": "Succeeded", "status": "Running"}}}},
  "routedNetworks": [{{"guid": "net-robot-lan", "name": "robot-lan"}}],
  "volumes": [{{"deploymentId": "dep-volume000001", "componentId": "comp-amr-nav", "mountPath": "/data"}}],
  "componentInfo": {component_info},
  "phaseTimeline": [{{"phase": "In progress", "at": "2026-11-23T14:05:09Z"}}, {{"phase": "Provisioning", "at": "2026-11-23T14:05:12Z"}}, {{"phase": "Succeeded", "at": "2026-11-23T14:05:17Z"}}]
}}"#
    )
}

fn component_info(error_code: &str, executables: &str) -> String {
    format!(
        r#"[{{"componentID": "comp-amr-nav", "name": "navigation", "runtime": "device",
            "deviceId": "dev-amr-01", "restartPolicy": "always", "status": "Running",
            "errorCode": {error_code}, "parameters": {{"MAP_NAME": "warehouse-a"}},
            "executablesStatusInfo": {executables}}}]"#
    )
}

fn decode_deployment(text: &str) -> Deployment {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("deployment should decode: {e}\n{text}"))
}

fn executable_of(status: &str) -> String {
    format!(r#"[{{"id": "exec-amr-nav", "name": "move_base", {status}}}]"#)
}

// ---------------------------------------------------------------- Deployment

#[test]
fn full_deployment_decodes_every_field() {
    let text = deployment_with_components(&component_info(
        "null",
        r#"[{"id": "exec-amr-nav", "name": "move_base", "status": "Running", "reason": "", "restartCount": 0}]"#,
    ));
    let d = decode_deployment(&text);
    assert_eq!(d.deployment_id, "dep-a1b2c3d4e5f6");
    assert_eq!(d.name, "amr-nav");
    assert_eq!(d.package_id, "pkg-amr-navigation");
    assert_eq!(d.package_name, "amr-navigation");
    assert_eq!(d.package_version, "v1.4.2");
    assert_eq!(d.plan_id, "plan-amr-navigation");
    assert_eq!(d.phase, Phase::Succeeded);
    assert_eq!(d.status, Status::Running);
    assert!(d.errors.is_empty());
    assert_eq!(d.current_generation, 3);
    assert_eq!(d.creator, "demo@rio.dev");
    assert_eq!(d.created_at, "2026-11-23T14:05:09Z");
    assert_eq!(d.last_status_update_time, "2026-11-26T14:05:09Z");
    assert_eq!(d.labels.len(), 1);
    assert_eq!(
        (d.labels[0].key.as_str(), d.labels[0].value.as_str()),
        ("env", "dev")
    );
    assert_eq!(
        d.dependent_deployments[0].dependent_deployment_id,
        "dep-volume000001"
    );
    let dependency = &d.dependent_deployment_status["dep-volume000001"];
    assert_eq!(dependency.name, "telemetry-store");
    assert_eq!(
        (&dependency.phase, &dependency.status),
        (&Phase::Succeeded, &Status::Running)
    );
    assert_eq!(d.routed_networks[0].guid, "net-robot-lan");
    assert_eq!(d.routed_networks[0].name.as_deref(), Some("robot-lan"));
    assert_eq!(d.volumes[0].mount_path, "/data");
    assert_eq!(d.volumes[0].component_id, "comp-amr-nav");
    let component = &d.component_info[0];
    assert_eq!(component.component_id, "comp-amr-nav");
    assert_eq!(component.runtime, Runtime::Device);
    assert_eq!(component.device_id.as_deref(), Some("dev-amr-01"));
    assert_eq!(component.restart_policy, Some(RestartPolicy::Always));
    assert_eq!(component.status, Status::Running);
    assert!(component.error_code.is_empty());
    assert_eq!(component.parameters["MAP_NAME"], "warehouse-a");
    let executable = &component.executables_status_info[0];
    assert_eq!(
        (executable.id.as_str(), executable.name.as_str()),
        ("exec-amr-nav", "move_base")
    );
    assert_eq!(
        (
            &executable.status,
            executable.reason.as_str(),
            executable.restart_count
        ),
        (&Status::Running, "", 0)
    );
    let phases: Vec<&Phase> = d.phase_timeline.iter().map(|p| &p.phase).collect();
    assert_eq!(
        phases,
        [&Phase::InProgress, &Phase::Provisioning, &Phase::Succeeded]
    );
    assert_eq!(d.phase_timeline[1].at, "2026-11-23T14:05:12Z");
}

#[test]
fn lowercase_phase_and_status_parse_to_known_values() {
    let text =
        r#"{"deploymentId": "dep-1", "name": "n", "phase": "succeeded", "status": "running"}"#;
    let d = decode_deployment(text);
    assert_eq!(d.phase, Phase::Succeeded);
    assert_eq!(d.status, Status::Running);
}

#[test]
fn failed_to_update_in_title_case_is_the_known_phase() {
    for raw in [
        "Failed To Update",
        "failed to update",
        "FAILED_TO_UPDATE",
        "Failed-to-update",
        "  Failed  to update ",
    ] {
        let text = format!(r#"{{"deploymentId": "dep-1", "name": "n", "phase": "{raw}"}}"#);
        assert_eq!(
            decode_deployment(&text).phase,
            Phase::FailedToUpdate,
            "{raw:?}"
        );
    }
}

#[test]
fn every_known_phase_decodes_from_its_canonical_spelling() {
    for phase in Phase::KNOWN {
        let text = format!(
            r#"{{"deploymentId": "dep-1", "name": "n", "phase": "{}"}}"#,
            phase.as_str()
        );
        assert_eq!(&decode_deployment(&text).phase, phase);
    }
}

#[test]
fn unknown_phase_is_kept_raw_and_labelled_unknown() {
    let text =
        r#"{"deploymentId": "dep-1", "name": "n", "phase": "Hibernating", "status": "Sleepy"}"#;
    let d = decode_deployment(text);
    assert_eq!(d.phase, Phase::Unknown("Hibernating".into()));
    assert_eq!(d.phase.label(), "Unknown (Hibernating)");
    assert_eq!(d.status, Status::Unknown("Sleepy".into()));
    assert_eq!(d.status.label(), "Unknown (Sleepy)");
}

#[test]
fn status_word_unknown_is_labelled_plainly() {
    let text =
        r#"{"deploymentId": "dep-1", "name": "n", "phase": "Provisioning", "status": "Unknown"}"#;
    let d = decode_deployment(text);
    assert!(d.status.is_unknown());
    assert_eq!(d.status.label(), "Unknown");
}

#[test]
fn minimal_deployment_defaults_optional_fields() {
    let d = decode_deployment(r#"{"deploymentId": "dep-1", "name": "n", "phase": "In progress"}"#);
    assert_eq!(d.phase, Phase::InProgress);
    assert_eq!(d.current_generation, 1, "a missing generation is the first");
    assert!(d.status.is_unknown());
    assert!(d.errors.is_empty());
    assert!(d.component_info.is_empty(), "lists may omit components");
    assert!(d.phase_timeline.is_empty());
    assert!(d.labels.is_empty() && d.volumes.is_empty() && d.routed_networks.is_empty());
    assert!(d.dependent_deployment_status.is_empty());
}

#[test]
fn deployment_errors_accept_null_list_and_single_string() {
    let with = |errors: &str| {
        decode_deployment(&format!(
            r#"{{"deploymentId": "dep-1", "name": "n", "phase": "Succeeded", "errors": {errors}}}"#
        ))
        .errors
    };
    assert!(with("null").is_empty());
    assert!(with("[]").is_empty());
    assert_eq!(with(r#"["DEP_E151"]"#), ["DEP_E151"]);
    assert_eq!(
        with(r#"["DEP_E151", "DEP_E156"]"#),
        ["DEP_E151", "DEP_E156"]
    );
    assert_eq!(with(r#""DEP_E153""#), ["DEP_E153"]);
    assert_eq!(
        with(r#"["DEP_E151", null, "", " DEP_E156 "]"#),
        ["DEP_E151", "DEP_E156"],
        "nulls and blanks dropped, codes trimmed"
    );
}

#[test]
fn component_error_code_as_string_is_one_code() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        r#""DEP_E151""#,
        "[]",
    )));
    assert_eq!(d.component_info[0].error_code, ["DEP_E151"]);
}

#[test]
fn component_error_code_as_list_keeps_every_code() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        r#"["DEP_E151", "DEP_E152"]"#,
        "[]",
    )));
    assert_eq!(d.component_info[0].error_code, ["DEP_E151", "DEP_E152"]);
}

#[test]
fn component_error_code_null_or_missing_is_no_code() {
    let d = decode_deployment(&deployment_with_components(&component_info("null", "[]")));
    assert!(d.component_info[0].error_code.is_empty());
    let missing = deployment_with_components(
        r#"[{"componentID": "comp-1", "name": "web", "runtime": "cloud", "status": "Running"}]"#,
    );
    let d = decode_deployment(&missing);
    assert!(d.component_info[0].error_code.is_empty());
    assert_eq!(d.component_info[0].runtime, Runtime::Cloud);
    assert_eq!(d.component_info[0].device_id, None);
}

#[test]
fn compound_executable_status_splits_into_status_and_reason() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        r#"["DEP_E153"]"#,
        r#"[{"id": "e1", "name": "a", "status": "Error ErrImagePull", "restartCount": 0},
            {"id": "e2", "name": "b", "status": "Pending ContainerCreating", "restartCount": 1},
            {"id": "e3", "name": "c", "status": "Running", "restartCount": 2}]"#,
    )));
    let executables = &d.component_info[0].executables_status_info;
    assert_eq!(
        (&executables[0].status, executables[0].reason.as_str()),
        (&Status::Error, "ErrImagePull")
    );
    assert_eq!(
        (&executables[1].status, executables[1].reason.as_str()),
        (&Status::Pending, "ContainerCreating")
    );
    assert_eq!(
        (&executables[2].status, executables[2].reason.as_str()),
        (&Status::Running, "")
    );
}

#[test]
fn compound_status_reason_keeps_the_rest_of_the_words() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        "null",
        &executable_of(r#""status": "error   Back-off pulling image""#),
    )));
    let executable = &d.component_info[0].executables_status_info[0];
    assert_eq!(executable.status, Status::Error);
    assert_eq!(executable.reason, "Back-off pulling image");
}

#[test]
fn explicit_reason_takes_precedence_over_compound_status() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        "null",
        &executable_of(r#""status": "Error ErrImagePull", "reason": "ImagePullBackOff""#),
    )));
    let executable = &d.component_info[0].executables_status_info[0];
    assert_eq!(
        (&executable.status, executable.reason.as_str()),
        (&Status::Error, "ImagePullBackOff")
    );
}

#[test]
fn blank_or_null_reason_falls_back_to_the_compound_rest() {
    for reason in [r#""reason": """#, r#""reason": "   ""#, r#""reason": null"#] {
        let d = decode_deployment(&deployment_with_components(&component_info(
            "null",
            &executable_of(&format!(
                r#""status": "Pending ContainerCreating", {reason}"#
            )),
        )));
        let executable = &d.component_info[0].executables_status_info[0];
        assert_eq!(
            (&executable.status, executable.reason.as_str()),
            (&Status::Pending, "ContainerCreating"),
            "{reason}"
        );
    }
}

#[test]
fn single_word_status_with_explicit_reason_keeps_both() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        "null",
        &executable_of(r#""status": "Pending", "reason": "ContainerCreating""#),
    )));
    let executable = &d.component_info[0].executables_status_info[0];
    assert_eq!(
        (&executable.status, executable.reason.as_str()),
        (&Status::Pending, "ContainerCreating")
    );
}

#[test]
fn unknown_multi_word_executable_status_is_kept_whole() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        "null",
        &executable_of(r#""status": "Crash Loop""#),
    )));
    let executable = &d.component_info[0].executables_status_info[0];
    assert_eq!(executable.status, Status::Unknown("Crash Loop".into()));
    assert_eq!(executable.reason, "");
}

#[test]
fn restart_count_accepts_number_string_and_null() {
    let count = |value: &str| {
        let d = decode_deployment(&deployment_with_components(&component_info(
            "null",
            &executable_of(&format!(r#""status": "Running", "restartCount": {value}"#)),
        )));
        d.component_info[0].executables_status_info[0].restart_count
    };
    assert_eq!(count("4"), 4);
    assert_eq!(count(r#""7""#), 7);
    assert_eq!(count(r#"" 12 ""#), 12);
    assert_eq!(count("null"), 0);
    assert_eq!(count("-3"), 0, "negatives count as 0");
    assert_eq!(count(r#""lots""#), 0, "garbage counts as 0");
    assert_eq!(count("2.5"), 0, "non-integers count as 0");
}

#[test]
fn restart_count_missing_is_zero() {
    let d = decode_deployment(&deployment_with_components(&component_info(
        "null",
        &executable_of(r#""status": "Running""#),
    )));
    assert_eq!(
        d.component_info[0].executables_status_info[0].restart_count,
        0
    );
}

#[test]
fn component_parameters_accept_numbers_booleans_and_null() {
    let d = decode_deployment(&deployment_with_components(
        r#"[{"componentID": "comp-1", "name": "web", "parameters": {"RATE": 10, "DEBUG": true, "SPEED": 0.8, "EMPTY": null, "NAME": "x"}}]"#,
    ));
    let parameters = &d.component_info[0].parameters;
    assert_eq!(parameters["RATE"], "10");
    assert_eq!(parameters["DEBUG"], "true");
    assert_eq!(parameters["SPEED"], "0.8");
    assert_eq!(parameters["EMPTY"], "");
    assert_eq!(parameters["NAME"], "x");
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let text = r#"{
      "deploymentId": "dep-1", "name": "n", "phase": "Succeeded", "status": "Running",
      "inUse": false, "usedBy": "", "provisionContext": {"tools": [], "nested": {"deep": [1, 2, {"x": null}]}},
      "labels": [{"key": "env", "value": "dev", "id": 17, "uuid": "lbl-1"}],
      "dependentDeployments": [{"dependentDeploymentId": "dep-2", "extra": true}],
      "dependentDeploymentStatus": {"dep-2": {"name": "b", "phase": "Succeeded", "status": "Running", "errorCode": null}},
      "routedNetworks": [{"guid": "net-1", "name": "lan", "bindParameters": {}}],
      "volumes": [{"deploymentId": "dep-3", "componentId": "c", "mountPath": "/data", "subPath": "x"}],
      "componentInfo": [{"componentID": "c", "name": "web", "isDeviceComponent": false, "extra": [1],
         "executablesStatusInfo": [{"id": "e", "name": "web", "status": "Running", "metadata": {"a": 1}}]}],
      "phaseTimeline": [{"phase": "In progress", "at": "2026-01-01T00:00:00Z", "by": "me"}],
      "z": 1.5e300
    }"#;
    let d = decode_deployment(text);
    assert_eq!(d.phase, Phase::Succeeded);
    assert_eq!(d.labels[0].key, "env");
    assert_eq!(d.dependent_deployments[0].dependent_deployment_id, "dep-2");
    assert_eq!(
        d.dependent_deployment_status["dep-2"].phase,
        Phase::Succeeded
    );
    assert_eq!(d.routed_networks[0].guid, "net-1");
    assert_eq!(d.volumes[0].deployment_id, "dep-3");
    assert_eq!(
        d.component_info[0].executables_status_info[0].status,
        Status::Running
    );
    assert_eq!(d.phase_timeline[0].phase, Phase::InProgress);
}

#[test]
fn deployment_missing_a_required_field_is_an_error() {
    let full = serde_json::json!({"deploymentId": "dep-1", "name": "n", "phase": "Succeeded", "status": "Running"});
    assert!(serde_json::from_value::<Deployment>(full.clone()).is_ok());
    for field in ["deploymentId", "name", "phase"] {
        let mut value = full.clone();
        value.as_object_mut().unwrap().remove(field);
        let error = serde_json::from_value::<Deployment>(value.clone()).expect_err(field);
        assert!(
            error.to_string().contains(field),
            "the error names {field}: {error}"
        );
        let text = serde_json::to_string(&value).unwrap();
        assert!(
            serde_json::from_str::<Deployment>(&text).is_err(),
            "{field} missing from text"
        );
    }
}

#[test]
fn dependency_status_without_a_phase_is_an_error() {
    let text = r#"{"deploymentId": "dep-1", "name": "n", "phase": "Succeeded",
                   "dependentDeploymentStatus": {"dep-2": {"name": "b", "status": "Running"}}}"#;
    assert!(serde_json::from_str::<Deployment>(text).is_err());
}

#[test]
fn wrongly_typed_required_fields_are_errors_not_panics() {
    for text in [
        r#"{"deploymentId": 5, "name": "n", "phase": "Succeeded"}"#,
        r#"{"deploymentId": "d", "name": null, "phase": "Succeeded"}"#,
        r#"{"deploymentId": "d", "name": "n", "phase": 3}"#,
        r#"{"deploymentId": "d", "name": "n", "phase": ["Succeeded"]}"#,
        r#"{"deploymentId": "d", "name": "n", "phase": "Succeeded", "currentGeneration": -1}"#,
        r#"[]"#,
        r#""Succeeded""#,
        r#"null"#,
    ] {
        assert!(serde_json::from_str::<Deployment>(text).is_err(), "{text}");
    }
}

// ---------------------------------------------------------------- Packages

const PACKAGE: &str = r#"{
  "guid": "pkg-amr-navigation", "packageName": "amr-navigation", "packageVersion": "v1.4.2",
  "description": "Autonomous navigation stack", "category": "Default", "isPublic": false,
  "creator": "demo@rio.dev", "CreatedAt": "2026-11-01T00:00:00Z", "ownerProject": "project-x",
  "plans": [{
    "planId": "plan-amr-navigation", "planName": "default", "singleton": false,
    "components": [
      {"componentId": "comp-amr-nav", "name": "navigation", "description": "move_base",
       "requiredRuntime": "device", "architecture": "arm64v8", "restart_policy": "on-failure",
       "ros": {"isROS": true, "ros_distro": "noetic", "topics": []},
       "executables": [{"id": "exec-amr-nav", "name": "move_base", "docker": "registry.example.com/amr/navigation:1.4.2",
                        "cmd": ["roslaunch amr_nav nav.launch"], "simulationOptions": {}}],
       "parameters": [{"name": "RATE", "default": 10, "description": "Hz"},
                      {"name": "MAX_SPEED", "default": 0.8, "description": ""},
                      {"name": "MAP_NAME", "default": "warehouse-a", "description": "Map"},
                      {"name": "VERBOSE", "default": true},
                      {"name": "EMPTY", "default": null}]},
      {"componentId": "comp-web", "name": "web", "requiredRuntime": "cloud",
       "cloudInfra": {"replicas": 2, "endpoints": [{"name": "web", "proto": "HTTPS", "port": 443, "targetPort": 80, "exposeExternally": true}]},
       "executables": [{"id": "exec-web", "name": "web", "buildGUID": "build-123", "cmd": "serve --port 80"},
                       {"id": "exec-bare", "name": "bare", "cmd": ["rosrun pkg node"]}]}
    ]
  }]
}"#;

#[test]
fn package_decodes_plans_components_executables_and_parameters() {
    let package: Package = serde_json::from_str(PACKAGE).unwrap();
    assert_eq!(package.summary.guid, "pkg-amr-navigation");
    assert_eq!(package.summary.package_name, "amr-navigation");
    assert_eq!(package.summary.package_version, "v1.4.2");
    assert_eq!(package.summary.category, Category::Default);
    assert!(!package.summary.is_public);
    assert_eq!(package.summary.created_at, "2026-11-01T00:00:00Z");
    let plan = package.plan("plan-amr-navigation").expect("the plan");
    assert_eq!(plan.plan_name, "default");
    assert_eq!(plan.components.len(), 2);
    assert!(plan.uses_ros());
    assert!(plan.has_cloud_component());

    let nav = plan.component("comp-amr-nav").unwrap();
    assert_eq!(nav.required_runtime, Runtime::Device);
    assert_eq!(nav.architecture, Some(Architecture::Arm64v8));
    assert_eq!(nav.restart_policy, Some(RestartPolicy::OnFailure));
    assert_eq!(nav.restart_policy.as_ref().unwrap().label(), "On-failure");
    assert!(nav.ros.is_ros);
    assert_eq!(nav.ros.ros_distro.as_deref(), Some("noetic"));
    assert_eq!(nav.cloud_infra, None);
    assert_eq!(
        nav.executables[0].docker.as_deref(),
        Some("registry.example.com/amr/navigation:1.4.2")
    );
    assert_eq!(nav.executables[0].cmd, ["roslaunch amr_nav nav.launch"]);
    assert!(nav.executables[0].needs_docker());
    let defaults: Vec<(&str, &str)> = nav
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.default.as_str()))
        .collect();
    assert_eq!(
        defaults,
        [
            ("RATE", "10"),
            ("MAX_SPEED", "0.8"),
            ("MAP_NAME", "warehouse-a"),
            ("VERBOSE", "true"),
            ("EMPTY", "")
        ]
    );
    assert_eq!(nav.parameters[0].description, "Hz");

    let web = plan.component("comp-web").unwrap();
    assert_eq!(web.required_runtime, Runtime::Cloud);
    assert_eq!(web.architecture, None);
    assert_eq!(web.restart_policy, None);
    assert!(!web.ros.is_ros);
    let infra = web.cloud_infra.as_ref().unwrap();
    assert_eq!(infra.replicas, 2);
    let endpoint = &infra.endpoints[0];
    assert_eq!(
        (
            endpoint.name.as_str(),
            endpoint.proto.as_str(),
            endpoint.port,
            endpoint.target_port,
            endpoint.expose_externally
        ),
        ("web", "HTTPS", 443, 80, true)
    );
    assert_eq!(web.executables[0].build_guid.as_deref(), Some("build-123"));
    assert_eq!(
        web.executables[0].cmd,
        ["serve --port 80"],
        "a command may come as one string"
    );
    assert!(web.executables[0].needs_docker());
    assert!(
        !web.executables[1].needs_docker(),
        "a bare command needs a preinstalled device"
    );
    assert_eq!(package.components().count(), 2);
}

#[test]
fn package_summary_reads_created_at_with_capital_c() {
    let text = r#"{"guid": "pkg-1", "packageName": "talker", "packageVersion": "v1.0.0", "description": "Says hello",
                   "category": "Communication", "isPublic": true, "creator": "rapyuta-platform",
                   "CreatedAt": "2026-10-01T08:00:00Z", "updatedAt": "ignored"}"#;
    let summary: PackageSummary = serde_json::from_str(text).unwrap();
    assert_eq!(summary.created_at, "2026-10-01T08:00:00Z");
    assert_eq!(summary.category, Category::Communication);
    assert!(summary.is_public);
    assert_eq!(summary.creator, "rapyuta-platform");
    assert_eq!(summary.description, "Says hello");
}

#[test]
fn package_summary_defaults_and_tolerant_category() {
    let summary: PackageSummary =
        serde_json::from_str(r#"{"guid": "pkg-1", "packageName": "talker"}"#).unwrap();
    assert_eq!(summary.category, Category::Default);
    assert_eq!(summary.package_version, "");
    assert!(!summary.is_public);
    let storage: PackageSummary =
        serde_json::from_str(r#"{"guid": "pkg-1", "packageName": "v", "category": "storage"}"#)
            .unwrap();
    assert_eq!(storage.category, Category::Storage);
    let odd: PackageSummary =
        serde_json::from_str(r#"{"guid": "pkg-1", "packageName": "v", "category": "Simulation"}"#)
            .unwrap();
    assert_eq!(odd.category, Category::Unknown("Simulation".into()));
}

#[test]
fn package_list_decodes_from_items() {
    let text = r#"{"items": [{"guid": "pkg-1", "packageName": "a"}, {"guid": "pkg-2", "packageName": "b", "x": 1}], "total": 2}"#;
    let list: List<PackageSummary> = serde_json::from_str(text).unwrap();
    let ids: Vec<&str> = list.items.iter().map(|p| p.guid.as_str()).collect();
    assert_eq!(ids, ["pkg-1", "pkg-2"]);
}

#[test]
fn package_missing_guid_or_name_is_an_error() {
    let full: serde_json::Value = serde_json::from_str(PACKAGE).unwrap();
    for field in ["guid", "packageName"] {
        let mut value = full.clone();
        value.as_object_mut().unwrap().remove(field);
        let text = serde_json::to_string(&value).unwrap();
        assert!(
            serde_json::from_str::<Package>(&text).is_err(),
            "Package without {field}"
        );
        assert!(
            serde_json::from_str::<PackageSummary>(&text).is_err(),
            "PackageSummary without {field}"
        );
    }
}

#[test]
fn component_and_plan_missing_ids_are_errors() {
    let no_plan_id = r#"{"guid": "pkg-1", "packageName": "a", "plans": [{"planName": "default"}]}"#;
    assert!(serde_json::from_str::<Package>(no_plan_id).is_err());
    let no_component_id = r#"{"guid": "pkg-1", "packageName": "a", "plans": [{"planId": "p", "components": [{"name": "x"}]}]}"#;
    assert!(serde_json::from_str::<Package>(no_component_id).is_err());
    let no_component_name = r#"{"guid": "pkg-1", "packageName": "a", "plans": [{"planId": "p", "components": [{"componentId": "c"}]}]}"#;
    assert!(serde_json::from_str::<Package>(no_component_name).is_err());
}

#[test]
fn package_with_only_required_fields_has_no_plans() {
    let package: Package =
        serde_json::from_str(r#"{"guid": "pkg-1", "packageName": "a"}"#).unwrap();
    assert!(package.plans.is_empty());
    assert!(package.plan("default").is_none());
    assert_eq!(package.components().count(), 0);
}

// ---------------------------------------------------------------- Devices

const DEVICE: &str = r#"{
  "uuid": "dev-amr-01", "name": "amr-01", "status": "ONLINE", "architecture": "arm64v8",
  "config_variables": [{"key": "runtime", "value": "dockercompose", "id": 1},
                       {"key": "ros_distro", "value": "noetic"},
                       {"key": "ros_workspace", "value": "/home/rr/ws"}],
  "labels": [{"key": "site", "value": "tokyo"}],
  "last_online": "2026-11-26T14:05:09Z", "host_name": "amr-01.local", "saltMinionInfo": {}
}"#;

#[test]
fn device_decodes_with_config_variables_and_runtime() {
    let device: Device = serde_json::from_str(DEVICE).unwrap();
    assert_eq!(device.uuid, "dev-amr-01");
    assert_eq!(device.name, "amr-01");
    assert_eq!(device.status, DeviceStatus::Online);
    assert!(device.is_online());
    assert_eq!(device.architecture, Some(Architecture::Arm64v8));
    assert_eq!(device.runtime(), Some(DeviceRuntime::Docker));
    assert_eq!(device.config("ros_distro"), Some("noetic"));
    assert_eq!(device.config("ros_workspace"), Some("/home/rr/ws"));
    assert_eq!(device.config("missing"), None);
    assert_eq!(device.labels[0].value, "tokyo");
    assert_eq!(device.last_online, "2026-11-26T14:05:09Z");
}

#[test]
fn device_runtime_preinstalled_and_absent() {
    let preinstalled: Device = serde_json::from_str(
        r#"{"uuid": "d", "name": "pi", "status": "online",
            "config_variables": [{"key": "runtime", "value": "Preinstalled"}, {"key": "ros_workspace", "value": " "}]}"#,
    )
    .unwrap();
    assert_eq!(preinstalled.runtime(), Some(DeviceRuntime::Preinstalled));
    assert_eq!(
        preinstalled.status,
        DeviceStatus::Online,
        "status compares case-insensitively"
    );
    assert_eq!(
        preinstalled.config("ros_workspace"),
        None,
        "a blank value counts as absent"
    );

    let bare: Device = serde_json::from_str(r#"{"uuid": "d", "name": "x"}"#).unwrap();
    assert_eq!(bare.runtime(), None);
    assert_eq!(
        bare.status,
        DeviceStatus::Offline,
        "a missing status is offline"
    );
    assert!(!bare.is_online());
    assert_eq!(bare.architecture, None);

    let odd: Device = serde_json::from_str(
        r#"{"uuid": "d", "name": "x", "status": "REBOOTING", "architecture": "riscv64",
            "config_variables": [{"key": "runtime", "value": "podman"}]}"#,
    )
    .unwrap();
    assert_eq!(odd.status, DeviceStatus::Unknown("REBOOTING".into()));
    assert_eq!(
        odd.architecture,
        Some(Architecture::Unknown("riscv64".into()))
    );
    assert_eq!(odd.runtime(), Some(DeviceRuntime::Unknown("podman".into())));
}

#[test]
fn device_missing_uuid_or_name_is_an_error() {
    let full: serde_json::Value = serde_json::from_str(DEVICE).unwrap();
    for field in ["uuid", "name"] {
        let mut value = full.clone();
        value.as_object_mut().unwrap().remove(field);
        assert!(
            serde_json::from_value::<Device>(value).is_err(),
            "Device without {field}"
        );
    }
}

#[test]
fn device_list_decodes_from_items() {
    let text = format!(
        r#"{{"items": [{DEVICE}, {{"uuid": "dev-2", "name": "b", "status": "OFFLINE"}}]}}"#
    );
    let list: List<Device> = serde_json::from_str(&text).unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[1].status, DeviceStatus::Offline);
}

// ---------------------------------------------------------------- Routed networks

#[test]
fn routed_network_decodes_its_own_phase_and_status() {
    let text = r#"{"guid": "net-floor", "name": "floor-net", "runtime": "cloud", "rosDistro": "noetic",
                   "internalDeploymentStatus": {"phase": "Succeeded", "status": "Running", "errorCode": null},
                   "shared": false}"#;
    let network: RoutedNetwork = serde_json::from_str(text).unwrap();
    assert_eq!(network.guid, "net-floor");
    assert_eq!(network.name, "floor-net");
    assert_eq!(network.runtime, Runtime::Cloud);
    assert_eq!(network.ros_distro, "noetic");
    assert_eq!(network.internal_deployment_status.phase, Phase::Succeeded);
    assert_eq!(network.internal_deployment_status.status, Status::Running);
}

#[test]
fn routed_network_with_lowercase_failed_phase() {
    let text = r#"{"guid": "net-x", "name": "x", "runtime": "device",
                   "internalDeploymentStatus": {"phase": "failed to start", "status": "error"}}"#;
    let network: RoutedNetwork = serde_json::from_str(text).unwrap();
    assert_eq!(network.runtime, Runtime::Device);
    assert_eq!(
        network.internal_deployment_status.phase,
        Phase::FailedToStart
    );
    assert_eq!(network.internal_deployment_status.status, Status::Error);
}

#[test]
fn routed_network_without_its_own_status_is_unknown_and_round_trips() {
    for text in [
        r#"{"guid": "net-x", "name": "x"}"#,
        r#"{"guid": "net-x", "name": "x", "internalDeploymentStatus": null}"#,
    ] {
        let network: RoutedNetwork = decode(text).unwrap();
        let status = &network.internal_deployment_status;
        assert!(
            status.phase.is_unknown() && status.status.is_unknown(),
            "{text}"
        );
        assert_eq!(status.phase.label(), "Unknown");
        assert_eq!(status.status.label(), "Unknown");
        let again: RoutedNetwork =
            serde_json::from_str(&serde_json::to_string(&network).unwrap()).unwrap();
        assert_eq!(again, network);
    }
}

#[test]
fn routed_network_missing_required_fields_is_an_error() {
    for text in [
        r#"{"name": "x", "internalDeploymentStatus": {"phase": "Succeeded"}}"#,
        r#"{"guid": "net-x", "internalDeploymentStatus": {"phase": "Succeeded"}}"#,
        r#"{"guid": "net-x", "name": "x", "internalDeploymentStatus": {"status": "Running"}}"#,
    ] {
        assert!(
            serde_json::from_str::<RoutedNetwork>(text).is_err(),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------- History and logs

#[test]
fn history_entry_in_progress_decodes() {
    let text = r#"{"generation": 4, "time": "2026-11-26T14:05:09Z", "user": "ops@rio.dev",
                   "status": "in_progress", "components": ["comp-dashboard-web"], "errors": null, "note": "x"}"#;
    let entry: HistoryEntry = serde_json::from_str(text).unwrap();
    assert_eq!(entry.generation, 4);
    assert_eq!(entry.status, HistoryStatus::InProgress);
    assert_eq!(entry.user, "ops@rio.dev");
    assert_eq!(entry.time, "2026-11-26T14:05:09Z");
    assert_eq!(entry.components, ["comp-dashboard-web"]);
    assert!(entry.errors.is_empty());
}

#[test]
fn history_entries_with_succeeded_failed_and_unknown_status() {
    let text = r#"{"items": [
        {"generation": 3, "status": "succeeded", "components": ["c"]},
        {"generation": 2, "status": "failed", "components": ["c"], "errors": ["DEP_E155"]},
        {"generation": 1, "status": "IN PROGRESS"},
        {"generation": 0, "status": "rolled_back", "errors": "DEP_E401"}]}"#;
    let list: List<HistoryEntry> = serde_json::from_str(text).unwrap();
    let statuses: Vec<&HistoryStatus> = list.items.iter().map(|e| &e.status).collect();
    assert_eq!(
        statuses,
        [
            &HistoryStatus::Succeeded,
            &HistoryStatus::Failed,
            &HistoryStatus::InProgress,
            &HistoryStatus::Unknown("rolled_back".into())
        ]
    );
    assert_eq!(list.items[1].errors, ["DEP_E155"]);
    assert_eq!(list.items[3].errors, ["DEP_E401"]);
}

#[test]
fn history_entry_missing_generation_is_an_error() {
    assert!(serde_json::from_str::<HistoryEntry>(r#"{"status": "succeeded"}"#).is_err());
}

#[test]
fn history_entry_missing_or_null_status_is_unknown_and_round_trips() {
    let entry: HistoryEntry = serde_json::from_str(r#"{"generation": 1}"#).unwrap();
    assert_eq!(entry.status, HistoryStatus::Unknown(String::new()));
    assert!(entry.status.is_unknown());
    let null: HistoryEntry = decode(r#"{"generation": 1, "status": null}"#).unwrap();
    assert_eq!(null, entry);
    let again: HistoryEntry =
        serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
    assert_eq!(again, entry);
}

#[test]
fn log_page_decodes_lines_and_cursor() {
    let text = r#"{"items": [
        {"time": "2026-11-26T14:05:09Z", "component": "listener", "executable": "listener", "stream": "stdout", "message": "hello", "level": "info"},
        {"time": "2026-11-26T14:05:11Z", "component": "listener", "executable": "listener", "stream": "stderr", "message": "[WARN] late"}],
      "next": "42"}"#;
    let page: LogPage = serde_json::from_str(text).unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].message, "hello");
    assert_eq!(page.items[1].stream, "stderr");
    assert_eq!(page.next, "42");
    let last: LogPage = serde_json::from_str(r#"{"items": [{}]}"#).unwrap();
    assert_eq!(last.next, "");
    assert_eq!(last.items[0].message, "");
    assert!(
        serde_json::from_str::<LogPage>(r#"{"next": "1"}"#).is_err(),
        "items are required"
    );
}

// ---------------------------------------------------------------- Lists

#[test]
fn deployment_list_decodes_items_without_components() {
    let text = r#"{"items": [
        {"deploymentId": "dep-1", "name": "a", "phase": "Succeeded", "status": "Running", "currentGeneration": 3},
        {"deploymentId": "dep-2", "name": "b", "phase": "provisioning", "status": "Pending"},
        {"deploymentId": "dep-3", "name": "c", "phase": "Deployment stopped", "status": "Stopped", "errors": ["DEP_E151"]}
      ], "pageToken": null}"#;
    let list: List<Deployment> = serde_json::from_str(text).unwrap();
    let phases: Vec<&Phase> = list.items.iter().map(|d| &d.phase).collect();
    assert_eq!(
        phases,
        [
            &Phase::Succeeded,
            &Phase::Provisioning,
            &Phase::DeploymentStopped
        ]
    );
    assert!(list.items.iter().all(|d| d.component_info.is_empty()));
    assert_eq!(list.items[0].current_generation, 3);
    assert_eq!(list.items[2].errors, ["DEP_E151"]);
}

#[test]
fn list_with_one_bad_item_is_an_error_not_a_panic() {
    let text = r#"{"items": [{"deploymentId": "dep-1", "name": "a", "phase": "Succeeded"}, {"deploymentId": "dep-2", "name": "b"}]}"#;
    assert!(serde_json::from_str::<List<Deployment>>(text).is_err());
    assert!(
        serde_json::from_str::<List<Deployment>>(r#"{"item": []}"#).is_err(),
        "items are required"
    );
    let empty: List<Deployment> = serde_json::from_str(r#"{"items": []}"#).unwrap();
    assert!(empty.items.is_empty());
}

// ---------------------------------------------------------------- Requests

const PROVISION_REQUEST: &str = r#"{"name": "amr-nav", "packageId": "pkg-…", "planId": "plan-…",
 "labels": [{"key": "env", "value": "dev"}],
 "componentContext": {"<componentId>": {"deviceId": "<uuid>", "restartPolicy": "on-failure",
                                        "parameters": {"RATE": "10"}}},
 "routedNetworks": [{"guid": "net-…"}],
 "dependentDeployments": [{"dependentDeploymentId": "dep-…"}],
 "volumes": [{"deploymentId": "dep-…", "componentId": "<componentId>", "mountPath": "/data"}]}"#;

#[test]
fn provision_request_sample_from_the_contract_decodes() {
    let request: ProvisionRequest = serde_json::from_str(PROVISION_REQUEST).unwrap();
    assert_eq!(request.name, "amr-nav");
    assert_eq!(request.package_id, "pkg-…");
    assert_eq!(request.plan_id, "plan-…");
    assert_eq!(request.labels.len(), 1);
    assert_eq!(
        (
            request.labels[0].key.as_str(),
            request.labels[0].value.as_str()
        ),
        ("env", "dev")
    );
    let context = &request.component_context["<componentId>"];
    assert_eq!(
        context,
        &ComponentContext {
            device_id: Some("<uuid>".into()),
            restart_policy: Some(RestartPolicy::OnFailure),
            parameters: BTreeMap::from([("RATE".to_string(), "10".to_string())]),
        }
    );
    assert_eq!(request.routed_networks[0].guid, "net-…");
    assert_eq!(request.routed_networks[0].name, None);
    assert_eq!(
        request.dependent_deployments[0].dependent_deployment_id,
        "dep-…"
    );
    assert_eq!(request.volumes[0].deployment_id, "dep-…");
    assert_eq!(request.volumes[0].component_id, "<componentId>");
    assert_eq!(request.volumes[0].mount_path, "/data");
}

#[test]
fn provision_request_round_trips_through_its_own_json() {
    let request: ProvisionRequest = serde_json::from_str(PROVISION_REQUEST).unwrap();
    let again: ProvisionRequest =
        serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
    assert_eq!(again, request);
}

#[test]
fn provision_request_with_restart_policy_never_reads_as_no() {
    let text = r#"{"name": "x", "componentContext": {"c": {"restartPolicy": "Never"}, "d": {"restartPolicy": "no"}}}"#;
    let request: ProvisionRequest = serde_json::from_str(text).unwrap();
    assert_eq!(
        request.component_context["c"].restart_policy,
        Some(RestartPolicy::No)
    );
    assert_eq!(
        request.component_context["d"].restart_policy,
        Some(RestartPolicy::No)
    );
    assert_eq!(RestartPolicy::No.label(), "Never");
    assert!(request.component_context["c"].parameters.is_empty());
}

#[test]
fn empty_provision_request_decodes_to_defaults() {
    let request: ProvisionRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(request, ProvisionRequest::default());
}

#[test]
fn update_request_sample_from_the_contract_decodes() {
    let request: UpdateRequest =
        serde_json::from_str(r#"{"expectedGeneration": 3, "components": ["<componentId>", "…"]}"#)
            .unwrap();
    assert_eq!(request.expected_generation, 3);
    assert_eq!(request.components, ["<componentId>", "…"]);
    let again: UpdateRequest =
        serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
    assert_eq!(again, request);
}

#[test]
fn update_request_without_expected_generation_is_an_error() {
    assert!(serde_json::from_str::<UpdateRequest>(r#"{"components": ["c"]}"#).is_err());
    assert!(
        serde_json::from_str::<UpdateRequest>(
            r#"{"expectedGeneration": "3", "components": ["c"]}"#
        )
        .is_err()
    );
    let bare: UpdateRequest = serde_json::from_str(r#"{"expectedGeneration": 1}"#).unwrap();
    assert!(bare.components.is_empty());
}

// ---------------------------------------------------------------- Error bodies

#[test]
fn error_body_full_form_with_fields() {
    let text = r#"{"error": {"code": "validation_failed", "message": "The request has 2 problem(s) to fix.",
                   "fields": [{"field": "name", "message": "Enter a name for the deployment."},
                              {"field": "componentContext.comp-amr-nav.deviceId", "message": "Select a device."}],
                   "traceId": "abc"}}"#;
    let body = ApiErrorBody::decode(text).unwrap();
    assert_eq!(body.code, "validation_failed");
    assert_eq!(body.message, "The request has 2 problem(s) to fix.");
    assert_eq!(
        body.fields,
        [
            FieldError::new("name", "Enter a name for the deployment."),
            FieldError::new("componentContext.comp-amr-nav.deviceId", "Select a device.")
        ]
    );
}

#[test]
fn error_body_full_form_without_fields() {
    let body =
        ApiErrorBody::decode(r#"{"error": {"code": "generation_conflict", "message": "Reload."}}"#)
            .unwrap();
    assert_eq!(
        (body.code.as_str(), body.message.as_str()),
        ("generation_conflict", "Reload.")
    );
    assert!(body.fields.is_empty());
}

#[test]
fn error_body_older_string_form() {
    let body = ApiErrorBody::decode(r#"{"error": "deployment not found"}"#).unwrap();
    assert_eq!(
        body,
        ApiErrorBody {
            code: String::new(),
            message: "deployment not found".into(),
            fields: vec![]
        }
    );
}

#[test]
fn error_body_oldest_response_form() {
    let body =
        ApiErrorBody::decode(r#"{"response": {"error": "invalid token", "status": 401}}"#).unwrap();
    assert_eq!(
        body,
        ApiErrorBody {
            code: String::new(),
            message: "invalid token".into(),
            fields: vec![]
        }
    );
}

#[test]
fn error_body_round_trips_through_to_json() {
    let body = ApiErrorBody {
        code: "validation_failed".into(),
        message: "Fix it.".into(),
        fields: vec![FieldError::new("labels[0].key", "Enter a key.")],
    };
    assert_eq!(ApiErrorBody::decode(&body.to_json()), Some(body));
}

#[test]
fn text_that_is_no_error_body_decodes_to_none() {
    for text in [
        "",
        "<html>502 Bad Gateway</html>",
        "null",
        "[]",
        r#"{"items": []}"#,
        r#"{"error": 5}"#,
        r#"{"response": "x"}"#,
        "{\"error\": ",
    ] {
        assert_eq!(ApiErrorBody::decode(text), None, "{text:?}");
    }
}

#[test]
fn explicit_nulls_read_as_missing_through_decode() {
    let text = r#"{"deploymentId": "dep-1", "name": "web", "phase": "succeeded", "status": null,
        "creator": null, "errors": null, "currentGeneration": null,
        "componentInfo": [{"componentID": "c1", "name": null, "status": null, "errorCode": null,
            "executablesStatusInfo": [{"id": "e1", "name": "x", "status": null, "reason": null, "restartCount": null}]}]}"#;
    let deployment: Deployment = platform::wire::decode(text).unwrap();
    assert_eq!(deployment.phase, Phase::Succeeded);
    assert_eq!(deployment.creator, "");
    assert_eq!(deployment.current_generation, 1);
    assert_eq!(
        deployment.component_info[0].executables_status_info[0].restart_count,
        0
    );
    let missing = platform::wire::decode::<Deployment>(
        r#"{"deploymentId": "dep-1", "name": "web", "phase": null}"#,
    );
    assert!(
        missing.unwrap_err().0.contains("phase"),
        "a null phase is still a missing phase"
    );
    assert!(
        platform::wire::decode::<Deployment>("{")
            .unwrap_err()
            .0
            .contains("not valid JSON")
    );
}

#[test]
fn a_null_error_member_falls_back_to_the_older_form() {
    let body = ApiErrorBody::decode(r#"{"error": null, "response": {"error": "x"}}"#).unwrap();
    assert_eq!(body.message, "x");
}
