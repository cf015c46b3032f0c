//! Property tests: decoding never panics on any JSON, valid objects round-trip through their
//! JSON, phases parse tolerantly, and the simulator keeps its invariants under any sequence of
//! operations: one history entry per generation, generation + 1 per accepted update, legal phase
//! timelines, stopped stays stopped, the API's answers to each operation (409/422 cases,
//! idempotency keys, forced update failures), dependants that see their dependencies as they
//! are, time that never runs backwards, saved state that restores exactly, and determinism.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

mod json_mutation;
use json_mutation::{mutate, mutation};

use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::{
    Architecture, Category, CloudInfra, Component, ComponentContext, ComponentInfo, DependencyRef,
    DependencyStatus, Deployment, Device, DeviceStatus, Endpoint, Executable, ExecutableStatus,
    HistoryEntry, HistoryStatus, Label, List, LogLine, LogPage, NetworkRef, Package,
    PackageSummary, Parameter, PhaseAt, PhaseStatus, Plan, ProvisionRequest, RestartPolicy, Ros,
    RoutedNetwork, Runtime, UpdateRequest, VolumeMount,
};
use platform::{ApiErrorBody, Phase, PlatformError, Status};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `cases` cases, with failures reported but not saved to a file beside the tests.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// =================================================================== arbitrary JSON

/// Every field name of the API's objects (docs/api.md §4), so random objects hit real fields.
#[rustfmt::skip]
const FIELD_NAMES: &[&str] = &[
    "guid", "packageName", "packageVersion", "description", "category", "isPublic", "creator",
    "CreatedAt", "plans", "planId", "planName", "components", "componentId", "name",
    "requiredRuntime", "architecture", "restart_policy", "ros", "isROS", "ros_distro", "cloudInfra",
    "replicas", "endpoints", "proto", "port", "targetPort", "exposeExternally", "executables", "id",
    "docker", "buildGUID", "cmd", "parameters", "default", "uuid", "status", "config_variables",
    "key", "value", "labels", "last_online", "runtime", "rosDistro", "internalDeploymentStatus",
    "phase", "packageId", "componentContext", "deviceId", "restartPolicy", "routedNetworks",
    "dependentDeployments", "dependentDeploymentId", "volumes", "deploymentId", "mountPath",
    "expectedGeneration", "errors", "currentGeneration", "lastStatusUpdateTime",
    "dependentDeploymentStatus", "componentInfo", "componentID", "errorCode",
    "executablesStatusInfo", "reason", "restartCount", "phaseTimeline", "at", "generation", "time",
    "user", "items", "next", "component", "executable", "stream", "message", "error", "response",
    "code", "fields", "field",
];

/// Words the platform sends, in several spellings, and some that look like them.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "", " ", "Succeeded", "succeeded", "SUCCEEDED", "In progress", "in_progress", "Provisioning",
    "Failed to start", "Failed To Update", "failed-to-update", "Partially deprovisioned",
    "Deployment stopped", "Running", "Pending", "Error", "Stopped", "Unknown", "Error ErrImagePull",
    "Pending ContainerCreating", "Error  ", " Running extra words ", "ONLINE", "OFFLINE",
    "dockercompose", "preinstalled", "cloud", "device", "arm64v8", "amd64", "arm32v7", "always",
    "on-failure", "no", "never", "Default", "Storage", "Communication", "failed", "DEP_E151", "12",
    "-3", "1e400", "null", "true", "{}", "[]", "\u{0}", "é", "🤖",
];

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(FIELD_NAMES).prop_map(str::to_string),
        1 => "[a-zA-Z_]{0,8}",
        1 => any::<String>(),
    ]
}

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(WORDS).prop_map(str::to_string),
        2 => "[ -~]{0,12}",
        1 => any::<String>(),
    ]
}

fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(vec![
            0i64,
            1,
            -1,
            2,
            3,
            255,
            -256,
            i64::MIN,
            i64::MAX,
            4_294_967_296
        ])
        .prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_map(float),
        select(vec![
            1e308,
            -1e308,
            0.5,
            -0.0,
            2.5,
            1e-300,
            4_294_967_296.0,
            1.8e19
        ])
        .prop_map(float),
    ]
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        json_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((json_key(), inner), 0..10)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Decodes `value` as every API type; only a panic fails.
fn decode_as_everything(value: &Value) {
    fn attempt<T: DeserializeOwned>(value: &Value) {
        let _ = serde_json::from_value::<T>(value.clone());
    }
    attempt::<Deployment>(value);
    attempt::<Package>(value);
    attempt::<PackageSummary>(value);
    attempt::<Device>(value);
    attempt::<RoutedNetwork>(value);
    attempt::<HistoryEntry>(value);
    attempt::<LogPage>(value);
    attempt::<ProvisionRequest>(value);
    attempt::<UpdateRequest>(value);
    attempt::<List<Deployment>>(value);
    attempt::<List<PackageSummary>>(value);
    attempt::<List<HistoryEntry>>(value);
    let text = value.to_string();
    let _ = ApiErrorBody::decode(&text);
}

fn decode_bytes_as_everything(bytes: &[u8]) {
    fn attempt<T: DeserializeOwned>(bytes: &[u8]) {
        let _ = serde_json::from_slice::<T>(bytes);
    }
    attempt::<Deployment>(bytes);
    attempt::<Package>(bytes);
    attempt::<PackageSummary>(bytes);
    attempt::<Device>(bytes);
    attempt::<RoutedNetwork>(bytes);
    attempt::<HistoryEntry>(bytes);
    attempt::<LogPage>(bytes);
    attempt::<ProvisionRequest>(bytes);
    attempt::<UpdateRequest>(bytes);
    attempt::<List<Deployment>>(bytes);
    let _ = ApiErrorBody::decode(&String::from_utf8_lossy(bytes));
}

/// A valid object of any API type, as JSON, to be mutated.
fn valid_object() -> impl Strategy<Value = Value> {
    fn json<T: Serialize>(value: T) -> Value {
        serde_json::to_value(value).unwrap()
    }
    prop_oneof![
        deployment().prop_map(json),
        package().prop_map(json),
        device().prop_map(json),
        routed_network().prop_map(json),
        history_entry().prop_map(json),
        provision_request().prop_map(json),
        update_request().prop_map(json),
        log_page().prop_map(json),
        vec(deployment(), 0..3).prop_map(|items| json(List { items })),
        (json_string(), json_string(), vec((json_string(), json_string()), 0..3)).prop_map(|(code, message, fields)| {
            serde_json::json!({"error": {"code": code, "message": message,
                "fields": fields.into_iter().map(|(f, m)| serde_json::json!({"field": f, "message": m})).collect::<Vec<_>>()}})
        }),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decoding_arbitrary_json_never_panics(value in json_value()) {
        decode_as_everything(&value);
        decode_as_everything(&serde_json::json!({ "items": [value.clone()] }));
        decode_as_everything(&serde_json::json!({ "error": value.clone() }));
        decode_as_everything(&serde_json::json!({ "response": { "error": value } }));
    }

    #[test]
    fn decoding_mutated_valid_objects_never_panics(mut value in valid_object(), mutations in vec(mutation(json_value()), 1..5)) {
        for mutation in &mutations {
            mutate(&mut value, mutation);
        }
        decode_as_everything(&value);
        decode_bytes_as_everything(value.to_string().as_bytes());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..512)) {
        decode_bytes_as_everything(&bytes);
    }

    #[test]
    fn decoding_damaged_json_text_never_panics(
        value in valid_object(),
        edits in vec((any::<usize>(), any::<u8>(), any::<bool>()), 1..6),
    ) {
        let mut bytes = value.to_string().into_bytes();
        for (at, byte, insert) in edits {
            let at = at % (bytes.len() + 1);
            if insert || at == bytes.len() {
                bytes.insert(at, byte);
            } else {
                bytes[at] = byte;
            }
        }
        decode_bytes_as_everything(&bytes);
    }

    #[test]
    fn error_body_decode_never_panics_on_any_text(text in any::<String>()) {
        let _ = ApiErrorBody::decode(&text);
    }
}

// =================================================================== valid objects

/// Text that survives any field untouched.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[a-zA-Z0-9 ._/:-]{0,16}", 1 => any::<String>()]
}

/// A known value or whatever `parse` makes of any text (parse ∘ as_str is the identity on
/// what parse returns, so both round-trip).
fn tolerant<T: Clone + Debug + 'static>(
    known: &'static [T],
    parse: fn(&str) -> T,
) -> BoxedStrategy<T> {
    prop_oneof![
        3 => select(known),
        1 => prop_oneof![select(WORDS).prop_map(str::to_string), text()].prop_map(move |raw| parse(&raw)),
    ]
    .boxed()
}

/// Error codes as the platform writes them: non-empty, no surrounding blanks.
fn codes() -> impl Strategy<Value = Vec<String>> {
    vec(
        prop_oneof!["DEP_E[1-4][0-9]{2}", "[A-Za-z0-9_]{1,10}"],
        0..3,
    )
}

fn label() -> impl Strategy<Value = Label> {
    (text(), text()).prop_map(|(key, value)| Label { key, value })
}

fn executable() -> impl Strategy<Value = Executable> {
    (
        text(),
        text(),
        option::of(text()),
        option::of(text()),
        vec(text(), 0..3),
    )
        .prop_map(|(id, name, docker, build_guid, cmd)| Executable {
            id,
            name,
            docker,
            build_guid,
            cmd,
        })
}

fn parameter() -> impl Strategy<Value = Parameter> {
    (text(), text(), text()).prop_map(|(name, default, description)| Parameter {
        name,
        default,
        description,
    })
}

fn endpoint() -> impl Strategy<Value = Endpoint> {
    (text(), text(), any::<u32>(), any::<u32>(), any::<bool>()).prop_map(
        |(name, proto, port, target_port, expose_externally)| Endpoint {
            name,
            proto,
            port,
            target_port,
            expose_externally,
        },
    )
}

fn component() -> impl Strategy<Value = Component> {
    let head = (
        text(),
        text(),
        text(),
        tolerant(Runtime::KNOWN, Runtime::parse),
    );
    let device = (
        option::of(tolerant(Architecture::KNOWN, Architecture::parse)),
        option::of(tolerant(RestartPolicy::KNOWN, RestartPolicy::parse)),
        (any::<bool>(), option::of(text()))
            .prop_map(|(is_ros, ros_distro)| Ros { is_ros, ros_distro }),
    );
    let body = (
        option::of(
            (any::<u32>(), vec(endpoint(), 0..3)).prop_map(|(replicas, endpoints)| CloudInfra {
                replicas,
                endpoints,
            }),
        ),
        vec(executable(), 0..3),
        vec(parameter(), 0..3),
    );
    (head, device, body).prop_map(
        |(
            (component_id, name, description, required_runtime),
            (architecture, restart_policy, ros),
            (cloud_infra, executables, parameters),
        )| {
            Component {
                component_id,
                name,
                description,
                required_runtime,
                architecture,
                restart_policy,
                ros,
                cloud_infra,
                executables,
                parameters,
            }
        },
    )
}

fn package_summary() -> impl Strategy<Value = PackageSummary> {
    (
        text(),
        text(),
        text(),
        text(),
        tolerant(Category::KNOWN, Category::parse),
        any::<bool>(),
        text(),
        text(),
    )
        .prop_map(
            |(
                guid,
                package_name,
                package_version,
                description,
                category,
                is_public,
                creator,
                created_at,
            )| PackageSummary {
                guid,
                package_name,
                package_version,
                description,
                category,
                is_public,
                creator,
                created_at,
            },
        )
}

fn package() -> impl Strategy<Value = Package> {
    let plan =
        (text(), text(), vec(component(), 0..3)).prop_map(|(plan_id, plan_name, components)| {
            Plan {
                plan_id,
                plan_name,
                components,
            }
        });
    (package_summary(), vec(plan, 0..3)).prop_map(|(summary, plans)| Package { summary, plans })
}

fn device() -> impl Strategy<Value = Device> {
    (
        text(),
        text(),
        tolerant(DeviceStatus::KNOWN, DeviceStatus::parse),
        option::of(tolerant(Architecture::KNOWN, Architecture::parse)),
        vec(label(), 0..4),
        vec(label(), 0..3),
        text(),
    )
        .prop_map(
            |(uuid, name, status, architecture, config_variables, labels, last_online)| Device {
                uuid,
                name,
                status,
                architecture,
                config_variables,
                labels,
                last_online,
            },
        )
}

fn phase() -> BoxedStrategy<Phase> {
    tolerant(Phase::KNOWN, Phase::parse)
}

fn status() -> BoxedStrategy<Status> {
    tolerant(Status::KNOWN, Status::parse)
}

/// Executable statuses: known ones plus unknown single words (a multi-word unknown status whose
/// first word is known would split on the way back, by design).
fn executable_status_word() -> impl Strategy<Value = Status> {
    prop_oneof![3 => select(Status::KNOWN), 1 => "[A-Za-z0-9_.-]{0,12}".prop_map(|word| Status::parse(&word))]
}

fn routed_network() -> impl Strategy<Value = RoutedNetwork> {
    (
        text(),
        text(),
        tolerant(Runtime::KNOWN, Runtime::parse),
        text(),
        phase(),
        status(),
    )
        .prop_map(
            |(guid, name, runtime, ros_distro, phase, status)| RoutedNetwork {
                guid,
                name,
                runtime,
                ros_distro,
                internal_deployment_status: PhaseStatus { phase, status },
            },
        )
}

fn phase_at() -> impl Strategy<Value = PhaseAt> {
    (phase(), text()).prop_map(|(phase, at)| PhaseAt { phase, at })
}

fn history_entry() -> impl Strategy<Value = HistoryEntry> {
    (
        any::<u64>(),
        text(),
        text(),
        tolerant(HistoryStatus::KNOWN, HistoryStatus::parse),
        vec(text(), 0..3),
        codes(),
        vec(phase_at(), 0..3),
    )
        .prop_map(
            |(generation, time, user, status, components, errors, phases)| HistoryEntry {
                generation,
                time,
                user,
                status,
                components,
                errors,
                phases,
            },
        )
}

fn log_page() -> impl Strategy<Value = LogPage> {
    let line = (text(), text(), text(), text(), text()).prop_map(
        |(time, component, executable, stream, message)| LogLine {
            time,
            component,
            executable,
            stream,
            message,
        },
    );
    (vec(line, 0..4), text()).prop_map(|(items, next)| LogPage { items, next })
}

fn network_ref() -> impl Strategy<Value = NetworkRef> {
    (text(), option::of(text())).prop_map(|(guid, name)| NetworkRef { guid, name })
}

fn dependency_ref() -> impl Strategy<Value = DependencyRef> {
    text().prop_map(|dependent_deployment_id| DependencyRef {
        dependent_deployment_id,
    })
}

fn volume() -> impl Strategy<Value = VolumeMount> {
    (text(), text(), text()).prop_map(|(deployment_id, component_id, mount_path)| VolumeMount {
        deployment_id,
        component_id,
        mount_path,
    })
}

fn provision_request() -> impl Strategy<Value = ProvisionRequest> {
    let context = (
        option::of(text()),
        option::of(tolerant(RestartPolicy::KNOWN, RestartPolicy::parse)),
        btree_map(text(), text(), 0..3),
    )
        .prop_map(|(device_id, restart_policy, parameters)| ComponentContext {
            device_id,
            restart_policy,
            parameters,
        });
    (
        (text(), text(), text(), vec(label(), 0..3)),
        (
            btree_map(text(), context, 0..3),
            vec(network_ref(), 0..3),
            vec(dependency_ref(), 0..3),
            vec(volume(), 0..3),
        ),
    )
        .prop_map(
            |(
                (name, package_id, plan_id, labels),
                (component_context, routed_networks, dependent_deployments, volumes),
            )| {
                ProvisionRequest {
                    name,
                    package_id,
                    plan_id,
                    labels,
                    component_context,
                    routed_networks,
                    dependent_deployments,
                    volumes,
                }
            },
        )
}

fn update_request() -> impl Strategy<Value = UpdateRequest> {
    (any::<u64>(), vec(text(), 0..4)).prop_map(|(expected_generation, components)| UpdateRequest {
        expected_generation,
        components,
    })
}

fn executable_status() -> impl Strategy<Value = ExecutableStatus> {
    let reason = prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9]([A-Za-z0-9 ._-]{0,14}[A-Za-z0-9])?"
    ];
    (
        text(),
        text(),
        executable_status_word(),
        reason,
        any::<u64>(),
    )
        .prop_map(
            |(id, name, status, reason, restart_count)| ExecutableStatus {
                id,
                name,
                status,
                reason,
                restart_count,
            },
        )
}

fn component_info() -> impl Strategy<Value = ComponentInfo> {
    (
        (
            text(),
            text(),
            tolerant(Runtime::KNOWN, Runtime::parse),
            option::of(text()),
        ),
        (
            option::of(tolerant(RestartPolicy::KNOWN, RestartPolicy::parse)),
            status(),
            codes(),
        ),
        (
            btree_map(text(), text(), 0..3),
            vec(executable_status(), 0..3),
        ),
    )
        .prop_map(
            |(
                (component_id, name, runtime, device_id),
                (restart_policy, status, error_code),
                (parameters, executables_status_info),
            )| {
                ComponentInfo {
                    component_id,
                    name,
                    runtime,
                    device_id,
                    restart_policy,
                    status,
                    error_code,
                    parameters,
                    executables_status_info,
                }
            },
        )
}

fn deployment() -> impl Strategy<Value = Deployment> {
    let ids = (text(), text(), text(), text(), text(), text());
    let state = (
        phase(),
        status(),
        codes(),
        any::<u64>(),
        text(),
        text(),
        text(),
    );
    let dependency_status =
        (text(), phase(), status()).prop_map(|(name, phase, status)| DependencyStatus {
            name,
            phase,
            status,
        });
    let links = (
        vec(label(), 0..3),
        vec(dependency_ref(), 0..3),
        btree_map(text(), dependency_status, 0..3),
        vec(network_ref(), 0..3),
        vec(volume(), 0..3),
    );
    let timeline = vec(phase_at(), 0..5);
    let parts = (vec(component_info(), 0..3), timeline);
    (ids, state, links, parts).prop_map(
        |(
            (deployment_id, name, package_id, package_name, package_version, plan_id),
            (
                phase,
                status,
                errors,
                current_generation,
                creator,
                created_at,
                last_status_update_time,
            ),
            (labels, dependent_deployments, dependent_deployment_status, routed_networks, volumes),
            (component_info, phase_timeline),
        )| Deployment {
            deployment_id,
            name,
            package_id,
            package_name,
            package_version,
            plan_id,
            phase,
            status,
            errors,
            current_generation,
            creator,
            created_at,
            last_status_update_time,
            labels,
            dependent_deployments,
            dependent_deployment_status,
            routed_networks,
            volumes,
            component_info,
            phase_timeline,
        },
    )
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    value: &T,
) -> Result<(), TestCaseError> {
    let text =
        serde_json::to_string(value).map_err(|e| TestCaseError::fail(format!("serialise: {e}")))?;
    let again: T = serde_json::from_str(&text)
        .map_err(|e| TestCaseError::fail(format!("decode {text}: {e}")))?;
    prop_assert_eq!(&again, value, "through {}", text);
    let bytes = serde_json::to_vec_pretty(value).unwrap();
    let again: T = serde_json::from_slice(&bytes)
        .map_err(|e| TestCaseError::fail(format!("decode pretty: {e}")))?;
    prop_assert_eq!(&again, value);
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn deployment_round_trips(value in deployment()) {
        round_trip(&value)?;
    }

    #[test]
    fn deployment_list_round_trips(items in vec(deployment(), 0..3)) {
        round_trip(&List { items })?;
    }

    #[test]
    fn package_round_trips(value in package()) {
        round_trip(&value)?;
        round_trip(&value.summary)?;
    }

    #[test]
    fn device_round_trips(value in device()) {
        round_trip(&value)?;
    }

    #[test]
    fn routed_network_round_trips(value in routed_network()) {
        round_trip(&value)?;
    }

    #[test]
    fn history_entry_round_trips(value in history_entry()) {
        round_trip(&value)?;
    }

    #[test]
    fn log_page_round_trips(value in log_page()) {
        round_trip(&value)?;
    }

    #[test]
    fn provision_request_round_trips(value in provision_request()) {
        round_trip(&value)?;
    }

    #[test]
    fn update_request_round_trips(value in update_request()) {
        round_trip(&value)?;
    }

    #[test]
    fn executable_status_with_reason_round_trips(value in executable_status()) {
        round_trip(&value)?;
    }

    #[test]
    fn error_body_round_trips(
        code in "[a-z_]{0,20}",
        message in any::<String>(),
        fields in vec((any::<String>(), any::<String>()), 0..3),
    ) {
        let body = ApiErrorBody {
            code,
            message,
            fields: fields.into_iter().map(|(field, message)| platform::FieldError { field, message }).collect(),
        };
        prop_assert_eq!(ApiErrorBody::decode(&body.to_json()), Some(body));
    }
}

// =================================================================== phases

/// `canonical` respelled: random case, each space a run of spaces, `_` or `-`, blanks around.
fn respelled(canonical: &'static str) -> impl Strategy<Value = String> {
    let words: Vec<&'static str> = canonical.split(' ').collect();
    let n = words.len();
    (
        vec(any::<bool>(), canonical.len()),
        vec("[ _-]{1,3}", n.saturating_sub(1)),
        "[ \t]{0,2}",
        "[ \t\n]{0,2}",
    )
        .prop_map(move |(upper, gaps, before, after)| {
            let mut out = before;
            let mut k = 0;
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    out.push_str(&gaps[i - 1]);
                }
                for c in word.chars() {
                    out.push(if upper[k % upper.len()] {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    });
                    k += 1;
                }
            }
            out.push_str(&after);
            out
        })
}

fn known_phase_and_spelling() -> impl Strategy<Value = (Phase, String)> {
    select(Phase::KNOWN).prop_flat_map(|phase| {
        let canonical: &'static str = Phase::KNOWN.iter().find(|p| **p == phase).unwrap().as_str();
        respelled(canonical).prop_map(move |spelling| (phase.clone(), spelling))
    })
}

fn known_status_and_spelling() -> impl Strategy<Value = (Status, String)> {
    select(Status::KNOWN).prop_flat_map(|status| {
        let canonical: &'static str = Status::KNOWN
            .iter()
            .find(|s| **s == status)
            .unwrap()
            .as_str();
        respelled(canonical).prop_map(move |spelling| (status.clone(), spelling))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn known_phases_parse_back_from_their_spelling(phase in select(Phase::KNOWN)) {
        prop_assert_eq!(Phase::parse(phase.as_str()), phase.clone());
        prop_assert!(!phase.is_unknown());
        prop_assert_eq!(phase.label(), phase.as_str());
        let json = serde_json::to_string(&phase).unwrap();
        prop_assert_eq!(serde_json::from_str::<Phase>(&json).unwrap(), phase);
    }

    #[test]
    fn phase_case_and_spacing_variants_parse_equal((phase, spelling) in known_phase_and_spelling()) {
        prop_assert_eq!(Phase::parse(&spelling), phase.clone(), "{:?}", spelling);
        let json = serde_json::to_string(&spelling).unwrap();
        prop_assert_eq!(serde_json::from_str::<Phase>(&json).unwrap(), phase);
    }

    #[test]
    fn status_case_and_spacing_variants_parse_equal((status, spelling) in known_status_and_spelling()) {
        prop_assert_eq!(Status::parse(&spelling), status, "{:?}", spelling);
    }

    #[test]
    fn any_text_parses_to_a_phase_that_parses_back(raw in prop_oneof![select(WORDS).prop_map(str::to_string), any::<String>()]) {
        let phase = Phase::parse(&raw);
        prop_assert_eq!(Phase::parse(phase.as_str()), phase.clone());
        if let Phase::Unknown(kept) = &phase {
            prop_assert_eq!(kept, &raw, "unknown text is kept as received");
            let label = if raw.trim().is_empty() { "Unknown".to_string() } else { format!("Unknown ({raw})") };
            prop_assert_eq!(phase.label(), label);
        }
        let status = Status::parse(&raw);
        prop_assert_eq!(Status::parse(status.as_str()), status);
    }

    #[test]
    fn transitions_out_of_deployment_stopped_are_illegal(next in select(Phase::KNOWN)) {
        prop_assert_eq!(Phase::DeploymentStopped.can_transition_to(&next), next == Phase::DeploymentStopped);
    }
}

// =================================================================== the simulator

/// 2026-11-26T14:05:09.123Z.
const NOW: i64 = 1_795_701_909_123;

const USER: &str = "prop@rio.dev";
const AMR_DEVICES: &[&str] = &["dev-amr-01", "dev-amr-02", "dev-amr-03"];
const ANY_DEVICES: &[&str] = &[
    "dev-amr-01",
    "dev-amr-02",
    "dev-amr-03",
    "dev-edge-01",
    "dev-sensor-01",
    "dev-lab-01",
    "dev-missing",
];

#[derive(Debug, Clone, Copy)]
enum Generation {
    Current,
    Older,
    Newer,
}

#[derive(Debug, Clone)]
enum Op {
    /// Move time on by this many milliseconds.
    Advance(i64),
    /// Call `advance` with a time this many milliseconds in the past.
    Rewind(i64),
    /// Deploy fleet-dashboard (cloud only) under a fresh name.
    ProvisionDashboard,
    /// Deploy amr-navigation on one of the AMR devices with the robot LAN.
    ProvisionNavigation {
        device: usize,
    },
    /// Deploy fleet-dashboard depending on an existing deployment.
    ProvisionDependent {
        pick: usize,
    },
    /// Deploy fleet-dashboard with one of a few idempotency keys, resending the body first sent
    /// with that key or a new one.
    ProvisionWithKey {
        key: usize,
        same_body: bool,
    },
    /// Update a deployment (with `updatable`, one whose phase accepts updates, if any): the
    /// components whose bit is set (bit 7: a component it lacks).
    Update {
        pick: usize,
        updatable: bool,
        components: u8,
        generation: Generation,
    },
    Deprovision {
        pick: usize,
    },
    SetOnline {
        device: usize,
        online: bool,
    },
    FailNextUpdate {
        pick: usize,
    },
    FailNextAnyUpdate,
}

fn op() -> impl Strategy<Value = Op> {
    let generation = prop_oneof![6 => Just(Generation::Current), 1 => Just(Generation::Older), 1 => Just(Generation::Newer)];
    let components = prop_oneof![7 => 1u8..0x80, 1 => any::<u8>()];
    prop_oneof![
        6 => (0i64..=20_000).prop_map(Op::Advance),
        1 => (1i64..=60_000).prop_map(Op::Rewind),
        2 => Just(Op::ProvisionDashboard),
        2 => any::<usize>().prop_map(|device| Op::ProvisionNavigation { device }),
        2 => any::<usize>().prop_map(|pick| Op::ProvisionDependent { pick }),
        1 => (0usize..3, any::<bool>()).prop_map(|(key, same_body)| Op::ProvisionWithKey { key, same_body }),
        6 => (any::<usize>(), prop::bool::weighted(0.8), components, generation).prop_map(
            |(pick, updatable, components, generation)| Op::Update { pick, updatable, components, generation }
        ),
        2 => any::<usize>().prop_map(|pick| Op::Deprovision { pick }),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(device, online)| Op::SetOnline { device, online }),
        2 => any::<usize>().prop_map(|pick| Op::FailNextUpdate { pick }),
        1 => Just(Op::FailNextAnyUpdate),
    ]
}

/// What an operation did, for the checks.
#[derive(Debug)]
enum Outcome {
    Nothing,
    Advanced,
    Rewound,
    Provisioned(Result<Deployment, PlatformError>),
    ProvisionedWithKey {
        key: String,
        /// The deployment the key created before, when the same body was resent.
        replay_of: Option<String>,
        /// The key was used before with another body.
        other_body: bool,
        result: Result<Deployment, PlatformError>,
    },
    Updated {
        id: String,
        before: Box<Deployment>,
        request: UpdateRequest,
        result: Result<Deployment, PlatformError>,
    },
    Deprovisioned {
        id: String,
        result: Result<Deployment, PlatformError>,
    },
    DeviceSet {
        uuid: &'static str,
        online: bool,
        result: Result<Device, PlatformError>,
    },
    FailArmed {
        id: Option<String>,
        result: Result<(), PlatformError>,
    },
}

struct Run {
    platform: Platform,
    now: Millis,
    names: usize,
    /// Idempotency keys used: the body sent first and the deployment it created.
    keys: BTreeMap<String, (ProvisionRequest, Option<String>)>,
}

impl Run {
    fn new(seed_value: u64, now: Millis) -> Run {
        Run {
            platform: seed::seeded(seed_value, now, SimConfig::default()),
            now,
            names: 0,
            keys: BTreeMap::new(),
        }
    }

    fn fresh_name(&mut self, stem: &str) -> String {
        self.names += 1;
        format!("{stem}-{}", self.names)
    }

    /// Deployment ids in a stable order.
    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .platform
            .deployments(&[], "", None)
            .into_iter()
            .map(|d| d.deployment_id)
            .collect();
        ids.sort();
        ids
    }

    fn pick(&self, pick: usize) -> Option<String> {
        let ids = self.ids();
        (!ids.is_empty()).then(|| ids[pick % ids.len()].clone())
    }

    fn dashboard(&mut self) -> ProvisionRequest {
        ProvisionRequest {
            name: self.fresh_name("dash"),
            package_id: "pkg-fleet-dashboard".into(),
            plan_id: "plan-fleet-dashboard".into(),
            labels: vec![Label {
                key: "env".into(),
                value: "test".into(),
            }],
            ..Default::default()
        }
    }

    fn apply(&mut self, op: &Op) -> Outcome {
        let now = self.now;
        match op {
            Op::Advance(ms) => {
                self.now = self.now.plus(*ms);
                self.platform.advance(self.now);
                Outcome::Advanced
            }
            Op::Rewind(ms) => {
                self.platform.advance(self.platform.now().plus(-ms));
                Outcome::Rewound
            }
            Op::ProvisionDashboard => {
                let request = self.dashboard();
                Outcome::Provisioned(self.platform.provision(&request, USER, now, None))
            }
            Op::ProvisionNavigation { device } => {
                let mut request = ProvisionRequest {
                    name: self.fresh_name("nav"),
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
                        device_id: Some(AMR_DEVICES[device % AMR_DEVICES.len()].into()),
                        ..Default::default()
                    },
                );
                Outcome::Provisioned(self.platform.provision(&request, USER, now, None))
            }
            Op::ProvisionDependent { pick } => {
                let mut request = self.dashboard();
                if let Some(id) = self.pick(*pick) {
                    request.dependent_deployments = vec![DependencyRef {
                        dependent_deployment_id: id,
                    }];
                }
                Outcome::Provisioned(self.platform.provision(&request, USER, now, None))
            }
            Op::ProvisionWithKey { key, same_body } => {
                let key = format!("key-{key}");
                let first = self.keys.get(&key).cloned();
                let (request, replay_of, other_body) = match first {
                    Some((request, created)) if *same_body => (request, created, false),
                    Some(_) => (self.dashboard(), None, true),
                    None => (self.dashboard(), None, false),
                };
                let result = self.platform.provision(&request, USER, now, Some(&key));
                if !self.keys.contains_key(&key) {
                    let created = result.as_ref().ok().map(|d| d.deployment_id.clone());
                    self.keys.insert(key.clone(), (request, created));
                }
                Outcome::ProvisionedWithKey {
                    key,
                    replay_of,
                    other_body,
                    result,
                }
            }
            Op::Update {
                pick,
                updatable,
                components,
                generation,
            } => {
                let accepting: Vec<String> = self
                    .ids()
                    .into_iter()
                    .filter(|id| {
                        self.platform
                            .deployment(id)
                            .is_ok_and(|d| d.phase.accepts_update())
                    })
                    .collect();
                let id = if *updatable && !accepting.is_empty() {
                    accepting[pick % accepting.len()].clone()
                } else if let Some(id) = self.pick(*pick) {
                    id
                } else {
                    return Outcome::Nothing;
                };
                let before = self.platform.deployment(&id).unwrap();
                let mut chosen: Vec<String> = before
                    .component_info
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 7 && components & (1 << i) != 0)
                    .map(|(_, c)| c.component_id.clone())
                    .collect();
                let count = before.component_info.len();
                if chosen.is_empty() && *components & 0x7f != 0 && count > 0 {
                    chosen.push(
                        before.component_info[usize::from(*components) % count]
                            .component_id
                            .clone(),
                    );
                }
                if components & 0x80 != 0 {
                    chosen.push("comp-not-in-this-deployment".into());
                }
                let expected_generation = match generation {
                    Generation::Current => before.current_generation,
                    Generation::Older => before.current_generation - 1,
                    Generation::Newer => before.current_generation + 1,
                };
                let request = UpdateRequest {
                    expected_generation,
                    components: chosen,
                };
                let result = self.platform.update(&id, &request, USER, now);
                Outcome::Updated {
                    id,
                    before: Box::new(before),
                    request,
                    result,
                }
            }
            Op::Deprovision { pick } => {
                let Some(id) = self.pick(*pick) else {
                    return Outcome::Nothing;
                };
                let result = self.platform.deprovision(&id, now);
                Outcome::Deprovisioned { id, result }
            }
            Op::SetOnline { device, online } => {
                let uuid = ANY_DEVICES[device % ANY_DEVICES.len()];
                Outcome::DeviceSet {
                    uuid,
                    online: *online,
                    result: self.platform.set_device_online(uuid, *online, now),
                }
            }
            Op::FailNextUpdate { pick } => {
                let id = self.pick(*pick);
                let result = self
                    .platform
                    .fail_next_update(Some(id.as_deref().unwrap_or("dep-missing")));
                Outcome::FailArmed { id, result }
            }
            Op::FailNextAnyUpdate => Outcome::FailArmed {
                id: None,
                result: self.platform.fail_next_update(None),
            },
        }
    }
}

/// What the checks remember of a deployment between steps.
#[derive(Debug, Clone)]
struct Seen {
    deployment: Deployment,
    /// Oldest first.
    history: Vec<HistoryEntry>,
}

/// Which updates were told to fail, as the caller sees it.
#[derive(Debug, Default)]
struct Armed {
    ids: BTreeSet<String>,
    any: bool,
    /// Deployments whose running update must end in Failed to update.
    must_fail: BTreeSet<String>,
}

/// Checks one operation's own answer against the API contract and the doc comments; returns the
/// id of the deployment whose update was accepted, if any.
fn check_outcome(
    outcome: &Outcome,
    platform: &Platform,
    before: &BTreeMap<String, Seen>,
    armed: &mut Armed,
) -> Result<Option<String>, TestCaseError> {
    match outcome {
        Outcome::Nothing | Outcome::Advanced | Outcome::Provisioned(Err(_)) => Ok(None),
        // Checked on its own, by advancing_to_an_earlier_time_changes_nothing.
        Outcome::Rewound => Ok(None),
        Outcome::Provisioned(Ok(deployment)) => {
            prop_assert_eq!(
                &deployment.phase,
                &Phase::InProgress,
                "a new deployment is In progress"
            );
            prop_assert_eq!(deployment.current_generation, 1);
            prop_assert!(
                !before.contains_key(&deployment.deployment_id),
                "a new deployment reused an id"
            );
            Ok(None)
        }
        Outcome::ProvisionedWithKey {
            key,
            replay_of,
            other_body,
            result,
        } => {
            if *other_body {
                prop_assert_eq!(
                    result.as_ref().err(),
                    Some(&PlatformError::IdempotencyMismatch),
                    "key {} resent with another body",
                    key
                );
            } else if let Some(first) = replay_of {
                let replayed = result
                    .as_ref()
                    .map_err(|e| TestCaseError::fail(format!("replay of {key}: {e:?}")))?;
                prop_assert_eq!(
                    &replayed.deployment_id,
                    first,
                    "key {} replayed another deployment",
                    key
                );
            } else if let Ok(deployment) = result {
                prop_assert_eq!(&deployment.phase, &Phase::InProgress);
                prop_assert!(
                    !before.contains_key(&deployment.deployment_id),
                    "a new deployment reused an id"
                );
            }
            Ok(None)
        }
        Outcome::Updated {
            id,
            before: old,
            request,
            result,
        } => {
            let stale = request.expected_generation != old.current_generation;
            match result {
                Ok(after) => {
                    prop_assert!(
                        !stale,
                        "an update with a stale generation was accepted: {:?}",
                        request
                    );
                    prop_assert!(old.phase.accepts_update(), "updated from {:?}", old.phase);
                    prop_assert_eq!(
                        &after.phase,
                        &Phase::Provisioning,
                        "an accepted update is Provisioning at once"
                    );
                    prop_assert_eq!(after.current_generation, old.current_generation + 1);
                    let newest = platform.history(id).unwrap().into_iter().next().unwrap();
                    prop_assert_eq!(newest.generation, after.current_generation);
                    prop_assert_eq!(&newest.status, &HistoryStatus::InProgress);
                    prop_assert_eq!(&newest.components, &request.components);
                    prop_assert_eq!(newest.user.as_str(), USER);
                    if armed.ids.remove(id) || std::mem::take(&mut armed.any) {
                        armed.must_fail.insert(id.clone());
                    }
                    Ok(Some(id.clone()))
                }
                Err(error) => {
                    if stale {
                        prop_assert_eq!(
                            error,
                            &PlatformError::GenerationConflict {
                                expected: request.expected_generation,
                                current: old.current_generation
                            }
                        );
                    } else if !old.phase.accepts_update() {
                        prop_assert!(
                            matches!(error, PlatformError::PhaseConflict { .. }),
                            "{:?}",
                            error
                        );
                    } else {
                        prop_assert!(matches!(error, PlatformError::Validation(_)), "{:?}", error);
                    }
                    Ok(None)
                }
            }
        }
        Outcome::Deprovisioned { id, result } => {
            let was_live = before
                .get(id)
                .is_some_and(|seen| seen.deployment.phase.is_live());
            let live_dependants: Vec<&str> = before
                .values()
                .filter(|seen| seen.deployment.phase.is_live())
                .filter(|seen| {
                    seen.deployment
                        .dependent_deployments
                        .iter()
                        .any(|d| &d.dependent_deployment_id == id)
                        || seen
                            .deployment
                            .volumes
                            .iter()
                            .any(|v| &v.deployment_id == id)
                })
                .map(|seen| seen.deployment.name.as_str())
                .collect();
            match result {
                Ok(after) => {
                    prop_assert!(
                        matches!(
                            after.phase,
                            Phase::DeploymentStopped | Phase::PartiallyDeprovisioned
                        ),
                        "deprovisioned {} is {:?}",
                        id,
                        after.phase
                    );
                    prop_assert!(
                        !was_live || live_dependants.is_empty(),
                        "{} was deprovisioned while {:?} depend on it",
                        id,
                        live_dependants
                    );
                    armed.must_fail.remove(id);
                }
                Err(PlatformError::InUse { by }) => {
                    prop_assert!(
                        !live_dependants.is_empty(),
                        "{} refused as in use by {:?}",
                        id,
                        by
                    );
                    let mut by = by.clone();
                    by.sort();
                    let mut expected: Vec<String> =
                        live_dependants.iter().map(|s| s.to_string()).collect();
                    expected.sort();
                    prop_assert_eq!(by, expected);
                }
                Err(error) => prop_assert!(false, "deprovision of {} failed: {:?}", id, error),
            }
            Ok(None)
        }
        Outcome::DeviceSet {
            uuid,
            online,
            result,
        } => {
            match result {
                Ok(device) => {
                    prop_assert_eq!(device.uuid.as_str(), *uuid);
                    prop_assert_eq!(device.is_online(), *online);
                }
                Err(error) => prop_assert!(
                    matches!(error, PlatformError::NotFound { .. }) && *uuid == "dev-missing",
                    "{}: {:?}",
                    uuid,
                    error
                ),
            }
            Ok(None)
        }
        Outcome::FailArmed {
            id: Some(id),
            result,
        } => {
            prop_assert!(result.is_ok());
            armed.ids.insert(id.clone());
            Ok(None)
        }
        Outcome::FailArmed { id: None, result } => {
            prop_assert!(result.is_ok());
            armed.any = true;
            Ok(None)
        }
    }
}

/// Checks the lifecycle read from a timeline: a first start ends Succeeded or Failed to start,
/// an update ends Succeeded or Failed to update; returns how many updates it shows.
fn timeline_updates(id: &str, timeline: &[&Phase]) -> Result<u64, TestCaseError> {
    let mut updates = 0;
    let mut first_start = true;
    for pair in timeline.windows(2) {
        match (pair[0], pair[1]) {
            (Phase::Succeeded | Phase::FailedToUpdate, Phase::Provisioning) => {
                updates += 1;
                first_start = false;
            }
            (Phase::Provisioning, Phase::FailedToStart) => {
                prop_assert!(
                    first_start,
                    "{}: an update ended Failed to start: {:?}",
                    id,
                    timeline
                );
            }
            (Phase::Provisioning, Phase::FailedToUpdate) => {
                prop_assert!(
                    !first_start,
                    "{}: a first start ended Failed to update: {:?}",
                    id,
                    timeline
                );
            }
            _ => {}
        }
    }
    Ok(updates)
}

/// Checks every deployment against what was seen before the step; returns what is seen now.
fn check_world(
    platform: &Platform,
    before: &BTreeMap<String, Seen>,
    outcome: Option<&Outcome>,
    accepted_update: Option<&str>,
    armed: &mut Armed,
) -> Result<BTreeMap<String, Seen>, TestCaseError> {
    let mut seen = BTreeMap::new();
    for deployment in platform.deployments(&[], "", None) {
        let id = deployment.deployment_id.clone();
        let generation = deployment.current_generation;

        // One history entry per generation, 1..=current, newest first.
        let newest_first = platform
            .history(&id)
            .map_err(|e| TestCaseError::fail(format!("history of {id}: {e}")))?;
        let generations: Vec<u64> = newest_first.iter().map(|entry| entry.generation).collect();
        let expected: Vec<u64> = (1..=generation).rev().collect();
        prop_assert_eq!(
            &generations,
            &expected,
            "history generations of {} at generation {}",
            id,
            generation
        );
        let history: Vec<HistoryEntry> = newest_first.into_iter().rev().collect();

        // Only the newest generation can still be in progress, and it is exactly while the
        // deployment is In progress or Provisioning.
        for entry in &history[..history.len().saturating_sub(1)] {
            prop_assert_ne!(
                &entry.status,
                &HistoryStatus::InProgress,
                "{}: finished generation {} in progress",
                id,
                entry.generation
            );
        }
        if let Some(newest) = history.last() {
            prop_assert_eq!(
                newest.status == HistoryStatus::InProgress,
                deployment.phase.is_transient(),
                "{}: newest generation {:?} while {:?}",
                id,
                newest.status,
                deployment.phase
            );
        }

        // The deployment carries its current generation's phases; each generation of the
        // history carries its own, and together they are the whole timeline.
        let newest_phases = history.last().map(|e| e.phases.clone()).unwrap_or_default();
        prop_assert_eq!(
            &deployment.phase_timeline,
            &newest_phases,
            "{}: the deployment's timeline is not its generation's",
            id
        );
        let whole: Vec<PhaseAt> = history.iter().flat_map(|e| e.phases.clone()).collect();
        // The timeline starts In progress, moves only by legal steps, ends in the phase, and
        // shows one update per generation after the first.
        let timeline: Vec<&Phase> = whole.iter().map(|p| &p.phase).collect();
        prop_assert_eq!(
            timeline.first().copied(),
            Some(&Phase::InProgress),
            "{} timeline {:?}",
            id,
            timeline
        );
        prop_assert_eq!(
            timeline.last().copied(),
            Some(&deployment.phase),
            "{} timeline {:?}",
            id,
            timeline
        );
        for pair in timeline.windows(2) {
            prop_assert!(
                pair[0].can_transition_to(pair[1]),
                "{}: illegal {:?} -> {:?} in {:?}",
                id,
                pair[0],
                pair[1],
                timeline
            );
        }
        let updates = timeline_updates(&id, &timeline)?;
        prop_assert_eq!(
            updates + 1,
            generation,
            "{}: {} updates in the timeline at generation {}",
            id,
            updates,
            generation
        );
        for pair in whole.windows(2) {
            let (a, b) = (
                Millis::parse_rfc3339(&pair[0].at),
                Millis::parse_rfc3339(&pair[1].at),
            );
            prop_assert!(
                a.is_some() && b.is_some() && a <= b,
                "{}: timeline times {:?}",
                id,
                whole
            );
        }

        match before.get(&id) {
            Some(old) => {
                let bump = u64::from(accepted_update == Some(id.as_str()));
                prop_assert_eq!(
                    generation,
                    old.deployment.current_generation + bump,
                    "{}: generation went {} -> {} ({} accepted update)",
                    id,
                    old.deployment.current_generation,
                    generation,
                    bump
                );
                if old.deployment.phase == Phase::DeploymentStopped {
                    prop_assert_eq!(
                        &deployment.phase,
                        &Phase::DeploymentStopped,
                        "{} left Deployment stopped",
                        id
                    );
                }
                let old_timeline: Vec<PhaseAt> =
                    old.history.iter().flat_map(|e| e.phases.clone()).collect();
                prop_assert!(
                    whole.len() >= old_timeline.len()
                        && whole[..old_timeline.len()] == old_timeline[..],
                    "{}: the timeline was rewritten: {:?} then {:?}",
                    id,
                    old_timeline,
                    whole
                );
                // Finished generations never change.
                let finished = old.history.len().saturating_sub(1);
                prop_assert_eq!(
                    &history[..finished],
                    &old.history[..finished],
                    "{}: finished generations changed",
                    id
                );
            }
            None => {
                let created = match outcome {
                    Some(Outcome::Provisioned(Ok(d))) => Some(&d.deployment_id),
                    Some(Outcome::ProvisionedWithKey { result: Ok(d), .. }) => {
                        Some(&d.deployment_id)
                    }
                    _ => None,
                };
                prop_assert!(
                    outcome.is_none() || created == Some(&id),
                    "{} appeared without a provision",
                    id
                );
                if outcome.is_some() {
                    prop_assert_eq!(generation, 1);
                }
            }
        }

        // An update told to fail ends in Failed to update.
        if armed.must_fail.contains(&id) && !deployment.phase.is_transient() {
            armed.must_fail.remove(&id);
            prop_assert_eq!(
                &deployment.phase,
                &Phase::FailedToUpdate,
                "{}: the update told to fail ended {:?}",
                id,
                deployment.phase
            );
        }

        seen.insert(
            id,
            Seen {
                deployment,
                history,
            },
        );
    }
    for id in before.keys() {
        prop_assert!(seen.contains_key(id), "deployment {} vanished", id);
    }
    Ok(seen)
}

/// What a deployment shows of its dependencies is what they show themselves, and a Succeeded
/// deployment with a dependency that is not Succeeded/Running is in Error with DEP_E156
/// (docs/product.md §3.4: every dependency must read Running; Record::refresh_runtime_status).
fn check_dependency_views(platform: &Platform) -> Result<(), TestCaseError> {
    let seen: BTreeMap<String, Deployment> = platform
        .deployments(&[], "", None)
        .into_iter()
        .map(|d| (d.deployment_id.clone(), d))
        .collect();
    for (id, deployment) in &seen {
        let name = &deployment.name;
        let mut down = Vec::new();
        for reference in &deployment.dependent_deployments {
            let dependency_id = &reference.dependent_deployment_id;
            let Some(dependency) = seen.get(dependency_id) else {
                down.push(format!("{dependency_id} (missing)"));
                continue;
            };
            let view = deployment.dependent_deployment_status.get(dependency_id);
            prop_assert_eq!(
                view,
                Some(&DependencyStatus {
                    name: dependency.name.clone(),
                    phase: dependency.phase.clone(),
                    status: dependency.status.clone()
                }),
                "{} ({}) sees its dependency {} out of date",
                name,
                id,
                dependency_id
            );
            if dependency.phase != Phase::Succeeded || dependency.status != Status::Running {
                down.push(format!(
                    "{} is {:?}/{:?}",
                    dependency.name, dependency.phase, dependency.status
                ));
            }
        }
        if deployment.phase == Phase::Succeeded && !down.is_empty() {
            prop_assert!(
                deployment.status == Status::Error
                    && deployment.errors.iter().any(|code| code == "DEP_E156"),
                "{} ({}) is Succeeded/{:?} with errors {:?} though its dependency {}",
                name,
                id,
                deployment.status,
                deployment.errors,
                down.join(", ")
            );
        }
    }
    Ok(())
}

/// Where two values differ, as JSON paths with both values (at most 12).
fn differences<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<String>) {
        if a == b || out.len() >= 12 {
            return;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() && x.keys().eq(y.keys()) => {
                for (key, value) in x {
                    walk(format!("{path}.{key}"), value, &y[key], out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    walk(format!("{path}[{i}]"), v, w, out);
                }
            }
            _ => {
                let cut = |v: &Value| v.to_string().chars().take(300).collect::<String>();
                out.push(format!("{path}: {} -> {}", cut(a), cut(b)));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        String::new(),
        &serde_json::to_value(before).unwrap(),
        &serde_json::to_value(after).unwrap(),
        &mut out,
    );
    out
}

/// Everything the API shows: the time, deployments (by name and id) with their history and how
/// many log lines up to which cursor, devices, networks and packages.
#[derive(Debug, PartialEq, Serialize)]
struct Observable {
    now: Millis,
    deployments: BTreeMap<String, Observed>,
    devices: Vec<Device>,
    networks: Vec<RoutedNetwork>,
    packages: Vec<PackageSummary>,
}

#[derive(Debug, PartialEq, Serialize)]
struct Observed {
    deployment: Deployment,
    history: Vec<HistoryEntry>,
    log_lines: usize,
    log_cursor: String,
}

fn observable(platform: &Platform) -> Observable {
    let deployments = platform
        .deployments(&[], "", None)
        .into_iter()
        .map(|deployment| {
            let id = &deployment.deployment_id;
            let history = platform.history(id).unwrap();
            let logs = platform.logs(id, None, "", 1000).unwrap();
            let key = format!("{} {id}", deployment.name);
            let observed = Observed {
                deployment,
                history,
                log_lines: logs.items.len(),
                log_cursor: logs.next,
            };
            (key, observed)
        })
        .collect();
    Observable {
        now: platform.now(),
        deployments,
        devices: platform.devices(None, None),
        networks: platform.networks(),
        packages: platform.packages("", None),
    }
}

fn check_restores(platform: &Platform) -> Result<(), TestCaseError> {
    let json = platform.to_json();
    prop_assert!(!json.is_empty(), "to_json wrote nothing");
    let restored = Platform::from_json(&json).map_err(TestCaseError::fail)?;
    prop_assert!(restored == *platform, "the restored state differs");
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn simulator_keeps_its_invariants_under_any_operations(
        seed_value in any::<u64>(),
        offset in 0i64..Millis::DAY,
        ops in vec(op(), 0..40),
    ) {
        let mut run = Run::new(seed_value, Millis(NOW + offset));
        let mut armed = Armed::default();
        let mut seen = check_world(&run.platform, &BTreeMap::new(), None, None, &mut armed)?;
        let mut time = run.platform.now();
        check_restores(&run.platform)?;
        for (step, op) in ops.iter().enumerate() {
            let outcome = run.apply(op);
            let accepted = check_outcome(&outcome, &run.platform, &seen, &mut armed)?;
            seen = check_world(&run.platform, &seen, Some(&outcome), accepted.as_deref(), &mut armed)?;
            prop_assert!(run.platform.now() >= time, "time ran backwards at step {}", step);
            time = run.platform.now();
            if step % 15 == 14 || step + 1 == ops.len() {
                check_restores(&run.platform)?;
            }
        }
    }

    #[test]
    fn dependants_see_their_dependencies_as_they_are(
        seed_value in any::<u64>(),
        offset in 0i64..Millis::DAY,
        ops in vec(op(), 0..40),
    ) {
        let mut run = Run::new(seed_value, Millis(NOW + offset));
        check_dependency_views(&run.platform).map_err(|e| TestCaseError::fail(format!("in the seed: {e}")))?;
        for (step, op) in ops.iter().enumerate() {
            let _ = run.apply(op);
            check_dependency_views(&run.platform)
                .map_err(|e| TestCaseError::fail(format!("after step {step} ({op:?}): {e}")))?;
        }
    }

    #[test]
    fn advancing_to_an_earlier_time_changes_nothing(
        seed_value in any::<u64>(),
        offset in 0i64..Millis::DAY,
        ops in vec(op(), 0..40),
        back in 1i64..=60_000,
    ) {
        // Platform::advance: "A `now` earlier than the platform's time changes nothing (time
        // never runs backwards)." Checked after every operation, whatever it was, on everything
        // the API shows (internal bookkeeping such as when logs were last written may move).
        let mut run = Run::new(seed_value, Millis(NOW + offset));
        for (step, op) in ops.iter().enumerate() {
            let _ = run.apply(op);
            let mut rewound = run.platform.clone();
            rewound.advance(run.platform.now().plus(-back));
            let (expected, seen) = (observable(&run.platform), observable(&rewound));
            prop_assert!(
                seen == expected,
                "advance to an earlier time changed the platform after step {} ({:?}): {:#?}",
                step,
                op,
                differences(&expected, &seen)
            );
        }
    }

    #[test]
    fn simulator_is_deterministic(
        seed_value in any::<u64>(),
        offset in 0i64..Millis::DAY,
        ops in vec(op(), 0..40),
    ) {
        let replay = || {
            let mut run = Run::new(seed_value, Millis(NOW + offset));
            let trace: Vec<String> = ops
                .iter()
                .map(|op| format!("{:?}", run.apply(op)))
                .collect();
            (trace, run.platform.to_json())
        };
        let (first_trace, first_state) = replay();
        let (second_trace, second_state) = replay();
        prop_assert_eq!(first_trace, second_trace);
        prop_assert!(first_state == second_state, "the same seed and operations gave different states");
    }
}
