//! Fuzzing with proptest: every decoder the console and the backend use, fed arbitrary bytes,
//! arbitrary JSON and real answers mutated, never panics and decodes the same text the same
//! way twice; the deploy and update rules, fed hostile text and mangled packages, requests,
//! devices and deployments, never panic and always give the same verdict.
//!
//! `cargo test -p platform --test fuzz` runs a short pass (`RIO_FUZZ_CASES`, default 96 cases a
//! property); `make fuzz` runs a long one (`RIO_FUZZ_CASES=20000`, release build).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::BTreeMap;
use std::fmt::Debug;

mod json_mutation;
use json_mutation::{mutate, mutation};

use platform::error_codes;
use platform::rules::World;
use platform::rules::compat::{
    dependency_eligibility, device_incompatibilities, network_eligibility, volume_eligibility,
};
use platform::rules::update::{check_update, component_updatability, update_availability};
use platform::rules::validate::{
    label_key_error, label_value_error, mount_path_error, name_error, parameter_value_error,
    validate_provision,
};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::{
    self, Deployment, Device, HistoryEntry, Label, List, LogPage, Package, PackageSummary,
    ProvisionRequest, RoutedNetwork, UpdateRequest,
};
use platform::{ApiErrorBody, Phase, Status};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Cases per property: `RIO_FUZZ_CASES`, else a short run for `make test`.
fn cases() -> u32 {
    std::env::var("RIO_FUZZ_CASES")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(96)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        // A long run should not stop at proptest's default limit of global rejections.
        max_global_rejects: u32::MAX,
        ..ProptestConfig::default()
    }
}

// =================================================================== hostile text

/// Text people and attackers type into forms, and text a broken backend sends.
#[rustfmt::skip]
const HOSTILE: &[&str] = &[
    "", " ", "  ", "\t", "\n", "\r\n", "\0", "a\0b", "\u{200B}", "nav\u{200B}bot", "\u{FEFF}nav",
    "\u{202E}gnp.exe", "\u{2066}x\u{2069}", "مرحبا", "שלום-1", "nav\u{0301}", "ロボット", "🤖",
    "🤖🤖🤖", "\u{1F1EF}\u{1F1F5}", "e\u{0301}\u{0301}\u{0301}", "\u{10FFFF}", "\u{E0041}",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "data:text/html,<b>x</b>", "'; DROP TABLE deployments; --", "{{7*7}}", "${7*7}", "%00",
    "%2e%2e%2f", "../../etc/passwd", "/data/../etc", "/", "//", "/./.", "/data", "data",
    "C:\\data", "\\\\host\\share", "nav-1", "a", "ab", "abc", "-bad", "bad-", ".bad", "site",
    "Site", "SITE", "site ", " site", "s i t e", "key=value", "a:b", "null", "true", "0", "-1",
    "1e400", "NaN", "Infinity", "DEP_E151", "DEP_E2", "DEP_E999999999999999999999",
    "Succeeded", "FAILED TO UPDATE", "Error ErrImagePull", "  Running  extra ", "ONLINE",
    "preinstalled", "dockercompose", "arm64v8", "AMD64", "on-failure", "never",
    "dep-does-not-exist", "pkg-fleet-dashboard", "plan-fleet-dashboard", "comp-amr-nav",
    "dev-amr-01", "dev-edge-01", "net-floor", "net-robot-lan", "2026-02-30T25:61:61Z",
    "2026-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+99:99", "-0001-01-01T00:00:00Z",
];

/// One hostile string: from the list, random text, or the list's entries combined, padded,
/// repeated past every limit.
fn hostile() -> BoxedStrategy<String> {
    let word = select(HOSTILE).prop_map(str::to_string);
    prop_oneof![
        4 => word.clone(),
        2 => any::<String>(),
        1 => "[ -~]{0,80}",
        1 => (word.clone(), word.clone()).prop_map(|(a, b)| format!("{a}{b}")),
        1 => (word.clone(), 0usize..4, 0usize..4)
            .prop_map(|(w, before, after)| format!("{}{w}{}", " ".repeat(before), " ".repeat(after))),
        1 => (word, prop_oneof![Just(62usize), Just(63), Just(64), Just(65), Just(253),
                                Just(254), Just(4096), Just(4097), 0usize..300])
            .prop_map(|(w, n)| {
                let unit = if w.is_empty() { "x".to_string() } else { w };
                unit.chars().cycle().take(n).collect()
            }),
    ]
    .boxed()
}

// =================================================================== arbitrary JSON

/// Field names of the API's objects, so random objects hit real fields.
#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "guid", "packageName", "packageVersion", "description", "category", "isPublic", "creator",
    "CreatedAt", "plans", "planId", "planName", "components", "componentId", "name",
    "requiredRuntime", "architecture", "restart_policy", "ros", "isROS", "ros_distro",
    "cloudInfra", "replicas", "endpoints", "proto", "port", "targetPort", "exposeExternally",
    "executables", "id", "docker", "buildGUID", "cmd", "parameters", "default", "uuid", "status",
    "config_variables", "key", "value", "labels", "last_online", "runtime", "rosDistro",
    "internalDeploymentStatus", "phase", "packageId", "componentContext", "deviceId",
    "restartPolicy", "routedNetworks", "dependentDeployments", "dependentDeploymentId",
    "volumes", "deploymentId", "mountPath", "expectedGeneration", "errors", "currentGeneration",
    "lastStatusUpdateTime", "dependentDeploymentStatus", "componentInfo", "componentID",
    "errorCode", "executablesStatusInfo", "reason", "restartCount", "phaseTimeline", "at",
    "generation", "time", "user", "items", "next", "component", "executable", "stream",
    "message", "error", "response", "code", "fields", "field",
];

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(vec![0i64, 1, -1, 3, i64::MIN, i64::MAX, 4_294_967_296]).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
    .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        hostile().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 128, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec(
                (
                    prop_oneof![4 => select(FIELDS).prop_map(str::to_string), 1 => hostile()],
                    inner
                ),
                0..10
            )
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
    .boxed()
}

// =================================================================== real answers

/// The seeded world as the backend serves it, once per test process.
struct RealWorld {
    platform: Platform,
    packages: Vec<Package>,
    devices: Vec<Device>,
    networks: Vec<RoutedNetwork>,
    deployments: Vec<Deployment>,
    /// Every kind of answer the console decodes, as JSON.
    answers: Vec<Value>,
}

fn real_world() -> &'static RealWorld {
    static WORLD: std::sync::OnceLock<RealWorld> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let start = Millis(1_780_000_000_000);
        let mut platform = seed::seeded(7, start, SimConfig::with_speed(50.0));
        // Let phases move and logs be written, so every kind of answer has content.
        platform.advance(start.plus(60_000));
        let summaries = platform.packages("", None);
        let packages: Vec<Package> = summaries
            .iter()
            .filter_map(|s| platform.package(&s.guid).ok())
            .collect();
        let devices = platform.devices(None, None);
        let networks = platform.networks();
        let deployments = platform.deployments(&[], "", None);
        let to = |value: &dyn erased::Json| value.json();
        let mut answers = vec![
            to(&List {
                items: summaries.clone(),
            }),
            to(&List {
                items: devices.clone(),
            }),
            to(&List {
                items: networks.clone(),
            }),
            to(&List {
                items: deployments.clone(),
            }),
        ];
        answers.extend(packages.iter().map(|p| to(p)));
        for deployment in &deployments {
            answers.push(to(deployment));
            if let Ok(history) = platform.history(&deployment.deployment_id) {
                answers.push(to(&List { items: history }));
            }
            if let Ok(page) = platform.logs(&deployment.deployment_id, None, "", 20) {
                answers.push(to(&page));
            }
        }
        answers.push(
            json!({"error": {"code": "validation_failed", "message": "Invalid.",
            "fields": [{"field": "name", "message": "Enter a name for the deployment."}]}}),
        );
        answers.push(json!({"error": "Old style."}));
        answers.push(json!({"response": {"error": "Older style."}}));
        RealWorld {
            platform,
            packages,
            devices,
            networks,
            deployments,
            answers,
        }
    })
}

/// Serialising any wire type without naming it (for the answer table above).
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

// =================================================================== decoders

/// Decodes `text` as `T` twice through the console's decoder: no panic, same outcome.
fn decode_twice<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<(), TestCaseError> {
    let first = wire::decode::<T>(text);
    let second = wire::decode::<T>(text);
    prop_assert_eq!(&first, &second, "decoding is not deterministic: {}", text);
    Ok(())
}

/// Every answer type the console decodes (`src/api`), the error body in all its forms, and the
/// backend's saved state.
fn decode_everything(text: &str) -> Result<(), TestCaseError> {
    decode_twice::<List<PackageSummary>>(text)?;
    decode_twice::<Package>(text)?;
    decode_twice::<List<Device>>(text)?;
    decode_twice::<List<RoutedNetwork>>(text)?;
    decode_twice::<List<Deployment>>(text)?;
    decode_twice::<Deployment>(text)?;
    decode_twice::<List<HistoryEntry>>(text)?;
    decode_twice::<LogPage>(text)?;
    // What the backend reads from clients.
    decode_twice::<ProvisionRequest>(text)?;
    decode_twice::<UpdateRequest>(text)?;
    prop_assert_eq!(ApiErrorBody::decode(text), ApiErrorBody::decode(text));
    let _ = Platform::from_json(text);
    Ok(())
}

/// The text-level readers: label selectors, times, error codes, phases, statuses, versions.
fn read_words(text: &str) -> Result<(), TestCaseError> {
    let _ = Label::from_selector(text);
    let _ = Millis::parse_rfc3339(text);
    let lookup = error_codes::lookup(text);
    let _ = (lookup.meaning(), lookup.action(), lookup.info());
    let phase = Phase::parse(text);
    prop_assert_eq!(Phase::parse(phase.as_str()), phase.clone());
    let _ = (phase.label(), phase.is_transient(), phase.is_live());
    let status = Status::parse(text);
    prop_assert_eq!(Status::parse(status.as_str()), status.clone());
    let _ = wire::split_compound_status(text);
    let _ = wire::compare_versions(text, "v1.10.0");
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoders_survive_arbitrary_bytes(bytes in vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        decode_everything(&text)?;
        read_words(&text)?;
    }

    #[test]
    fn decoders_survive_arbitrary_json(value in json_value()) {
        decode_everything(&value.to_string())?;
        decode_everything(&json!({"items": [value.clone(), value.clone()]}).to_string())?;
        decode_everything(&json!({"error": value.clone()}).to_string())?;
        decode_everything(&json!({"response": {"error": value}}).to_string())?;
    }

    #[test]
    fn decoders_survive_mutated_real_answers(
        pick in any::<prop::sample::Index>(),
        mutations in vec(mutation(json_value()), 1..6),
    ) {
        let world = real_world();
        let mut value = pick.get(&world.answers).clone();
        for mutation in &mutations {
            mutate(&mut value, mutation);
        }
        decode_everything(&value.to_string())?;
        decode_everything(&serde_json::to_string_pretty(&value).unwrap_or_default())?;
    }

    #[test]
    fn decoders_survive_damaged_answer_text(
        pick in any::<prop::sample::Index>(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let world = real_world();
        let mut bytes = pick.get(&world.answers).to_string().into_bytes();
        for (at, byte, kind) in edits {
            let at = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => bytes[at] = byte,
                _ => bytes.truncate(at),
            }
        }
        decode_everything(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn text_readers_survive_hostile_words(text in hostile()) {
        read_words(&text)?;
    }
}

// =================================================================== rules

/// A provision request for a real package, with hostile text and real or made-up IDs anywhere.
fn hostile_request() -> impl Strategy<Value = (usize, ProvisionRequest)> {
    let world = real_world();
    let device_ids: Vec<String> = world.devices.iter().map(|d| d.uuid.clone()).collect();
    let network_ids: Vec<String> = world.networks.iter().map(|n| n.guid.clone()).collect();
    let deployment_ids: Vec<String> = world
        .deployments
        .iter()
        .map(|d| d.deployment_id.clone())
        .collect();
    let id = |real: Vec<String>| prop_oneof![3 => select(real), 1 => hostile()];
    let package_count = world.packages.len();
    (
        0..package_count,
        hostile(),
        vec((hostile(), hostile()), 0..4),
        vec((any::<prop::sample::Index>(), id(device_ids), hostile(), vec((hostile(), hostile()), 0..3), any::<bool>()), 0..4),
        vec(id(network_ids), 0..3),
        vec(id(deployment_ids.clone()), 0..3),
        vec((id(deployment_ids), any::<prop::sample::Index>(), hostile()), 0..3),
    )
        .prop_map(move |(package, name, labels, contexts, networks, dependencies, volumes)| {
            let world = real_world();
            let package_value = &world.packages[package];
            let plan = package_value.plans.first();
            let component_ids: Vec<String> = plan
                .map(|p| p.components.iter().map(|c| c.component_id.clone()).collect())
                .unwrap_or_default();
            let component = |index: &prop::sample::Index, made_up: &str| -> String {
                if component_ids.is_empty() {
                    made_up.to_string()
                } else {
                    index.get(&component_ids).clone()
                }
            };
            let mut request = json!({
                "name": name,
                "packageId": package_value.summary.guid,
                "planId": plan.map(|p| p.plan_id.clone()).unwrap_or_default(),
                "labels": labels.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "routedNetworks": networks.iter().map(|g| json!({"guid": g})).collect::<Vec<_>>(),
                "dependentDeployments": dependencies.iter().map(|d| json!({"dependentDeploymentId": d})).collect::<Vec<_>>(),
                "volumes": volumes.iter().map(|(d, c, p)| json!({"deploymentId": d, "componentId": component(c, p), "mountPath": p})).collect::<Vec<_>>(),
            });
            let mut context = serde_json::Map::new();
            for (index, device, policy, parameters, real_policy) in &contexts {
                let parameters: BTreeMap<&String, &String> = parameters.iter().map(|(k, v)| (k, v)).collect();
                let policy = if *real_policy { "on-failure" } else { policy.as_str() };
                context.insert(
                    component(index, device),
                    json!({"deviceId": device, "restartPolicy": policy, "parameters": parameters}),
                );
            }
            request["componentContext"] = Value::Object(context);
            let request = serde_json::from_value(request).unwrap_or_else(|_| ProvisionRequest {
                name: String::new(),
                package_id: String::new(),
                plan_id: String::new(),
                labels: Vec::new(),
                component_context: BTreeMap::new(),
                routed_networks: Vec::new(),
                dependent_deployments: Vec::new(),
                volumes: Vec::new(),
            });
            (package, request)
        })
}

/// Validates twice and checks the verdict is the same, each error named and worded.
fn validate_twice(
    request: &ProvisionRequest,
    package: &Package,
    world: &World<'_>,
) -> Result<Vec<platform::FieldError>, TestCaseError> {
    let first = validate_provision(request, package, world);
    let second = validate_provision(request, package, world);
    prop_assert_eq!(&first, &second, "validation is not deterministic");
    for error in &first {
        prop_assert!(
            !error.field.is_empty() && !error.message.trim().is_empty(),
            "{:?}",
            error
        );
    }
    Ok(first)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn single_field_rules_never_panic_and_agree_with_themselves(text in hostile()) {
        for rule in [name_error, label_key_error, label_value_error, mount_path_error] {
            prop_assert_eq!(rule(&text), rule(&text));
        }
        prop_assert_eq!(parameter_value_error("RATE", &text), parameter_value_error("RATE", &text));
        // The name is checked trimmed: padding never changes the verdict.
        prop_assert_eq!(name_error(&text), name_error(&format!("  {text}  ")));
        // Accepted text holds nothing invisible.
        if label_value_error(&text).is_none() {
            prop_assert!(!text.chars().any(|c| c != ' ' && platform::rules::validate::is_invisible(c)));
        }
    }

    #[test]
    fn provision_validation_of_hostile_requests_is_total_and_deterministic((package, request) in hostile_request()) {
        let world = real_world();
        let view = World { devices: &world.devices, networks: &world.networks, deployments: &world.deployments };
        let errors = validate_twice(&request, &world.packages[package], &view)?;
        // The whole request and the single-field checks agree on the name.
        prop_assert_eq!(
            errors.iter().find(|e| e.field == "name").map(|e| e.message.clone()),
            name_error(&request.name)
        );
        // What validation accepts, the simulator deploys.
        if errors.is_empty() {
            let mut platform = world.platform.clone();
            let now = platform.now();
            let created = platform.provision(&request, "fuzz", now, None);
            prop_assert!(created.is_ok(), "{:?}", created);
        }
    }

    #[test]
    fn provision_validation_of_mangled_packages_and_worlds_never_panics(
        (package, request) in hostile_request(),
        package_mutations in vec(mutation(json_value()), 0..4),
        request_mutations in vec(mutation(json_value()), 0..4),
        world_mutations in vec(mutation(json_value()), 0..4),
    ) {
        let world = real_world();
        let mut package_json = serde_json::to_value(&world.packages[package]).unwrap_or_default();
        package_mutations.iter().for_each(|m| mutate(&mut package_json, m));
        let mut request_json = serde_json::to_value(&request).unwrap_or_default();
        request_mutations.iter().for_each(|m| mutate(&mut request_json, m));
        let mut world_json = json!({
            "devices": world.devices, "networks": world.networks, "deployments": world.deployments,
        });
        world_mutations.iter().for_each(|m| mutate(&mut world_json, m));
        let devices: Vec<Device> = wire::decode(&world_json["devices"].to_string()).unwrap_or_default();
        let networks: Vec<RoutedNetwork> = wire::decode(&world_json["networks"].to_string()).unwrap_or_default();
        let deployments: Vec<Deployment> = wire::decode(&world_json["deployments"].to_string()).unwrap_or_default();
        let view = World { devices: &devices, networks: &networks, deployments: &deployments };
        if let (Ok(package), Ok(request)) = (
            wire::decode::<Package>(&package_json.to_string()),
            wire::decode::<ProvisionRequest>(&request_json.to_string()),
        ) {
            validate_twice(&request, &package, &view)?;
            for component in package.components() {
                for device in &devices {
                    prop_assert_eq!(device_incompatibilities(component, device), device_incompatibilities(component, device));
                }
            }
        }
        for network in &networks {
            prop_assert_eq!(network_eligibility(network, true), network_eligibility(network, true));
            let _ = network_eligibility(network, false);
        }
        for deployment in &deployments {
            prop_assert_eq!(dependency_eligibility(deployment), dependency_eligibility(deployment));
            prop_assert_eq!(volume_eligibility(deployment), volume_eligibility(deployment));
        }
    }

    #[test]
    fn update_checks_of_hostile_requests_never_panic_and_are_deterministic(
        pick in any::<prop::sample::Index>(),
        generation in prop_oneof![Just(None), any::<u64>().prop_map(Some)],
        components in vec(prop_oneof![2 => Just(None), 1 => hostile().prop_map(Some)], 0..5),
        deployment_mutations in vec(mutation(json_value()), 0..4),
        device_mutations in vec(mutation(json_value()), 0..3),
    ) {
        let world = real_world();
        let mut deployment_json = serde_json::to_value(pick.get(&world.deployments)).unwrap_or_default();
        deployment_mutations.iter().for_each(|m| mutate(&mut deployment_json, m));
        let Ok(deployment) = wire::decode::<Deployment>(&deployment_json.to_string()) else {
            return Ok(());
        };
        let mut devices_json = serde_json::to_value(&world.devices).unwrap_or_default();
        device_mutations.iter().for_each(|m| mutate(&mut devices_json, m));
        let devices: Vec<Device> = wire::decode(&devices_json.to_string()).unwrap_or_default();
        // Real component IDs (None) mixed with hostile ones.
        let ids: Vec<String> = deployment.component_info.iter().map(|c| c.component_id.clone()).collect();
        let request = UpdateRequest {
            expected_generation: generation.unwrap_or(deployment.current_generation),
            components: components
                .into_iter()
                .enumerate()
                .map(|(i, c)| c.unwrap_or_else(|| ids.get(i % ids.len().max(1)).cloned().unwrap_or_default()))
                .collect(),
        };
        let first = check_update(&deployment, &request, &devices);
        prop_assert_eq!(&first, &check_update(&deployment, &request, &devices));
        prop_assert_eq!(update_availability(&deployment), update_availability(&deployment));
        for component in &deployment.component_info {
            prop_assert_eq!(component_updatability(component, &devices), component_updatability(component, &devices));
        }
        // What the check accepts, the simulator applies.
        if first.is_ok() && devices == world.devices && world.deployments.iter().any(|d| d == &deployment) {
            let mut platform = world.platform.clone();
            let now = platform.now();
            let updated = platform.update(&deployment.deployment_id, &request, "fuzz", now);
            prop_assert!(updated.is_ok(), "{:?}", updated);
        }
    }
}
