//! The API's JSON objects, with field names exactly as the platform writes them. Decoding is
//! tolerant: unknown fields are ignored, optional fields default, enums keep unknown words; only a
//! missing id, name or phase fails a decode (as an error, never a panic).

mod catalog;
mod deployment;
mod device;
mod label;
mod logs;
mod network;
mod package;
mod request;

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::phase::Status;

pub use catalog::{CatalogFilter, catalog_order, compare_versions};
pub use deployment::{
    ComponentInfo, DependencyStatus, Deployment, ExecutableStatus, HistoryEntry, HistoryStatus,
    PhaseAt, split_compound_status,
};
pub use device::{Architecture, Device, DeviceRuntime, DeviceStatus};
pub use label::Label;
pub use logs::{LogLine, LogPage};
pub use network::{PhaseStatus, RoutedNetwork};
pub use package::{
    Category, CloudInfra, Component, Endpoint, Executable, Package, PackageSummary, Parameter,
    Plan, RestartPolicy, Ros, Runtime,
};
pub use request::{
    ComponentContext, DependencyRef, NetworkRef, ProvisionRequest, UpdateRequest, VolumeMount,
};

/// A `{"items": [...]}` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// The items.
    pub items: Vec<T>,
}

fn default_runtime() -> Runtime {
    Runtime::Cloud
}

fn unknown_status() -> Status {
    Status::Unknown("Unknown".into())
}

/// Why a JSON answer could not be read as the object expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Decodes an API answer. On top of serde's tolerance, an explicit `null` counts as a missing
/// field (the platform sends both), so only a missing or null id, name or phase fails.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    // Without any `null` in the text, dropping nulls changes nothing: one pass is enough (the
    // reference backend never sends null; a poll of 1,000 deployments decodes about 3× faster).
    if !text.contains("null")
        && let Ok(decoded) = serde_json::from_str(text)
    {
        return Ok(decoded);
    }
    decode_dropping_nulls(text)
}

/// The full decode: every `null` member removed, then read.
fn decode_dropping_nulls<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| DecodeError(format!("the answer is not valid JSON ({e})")))?;
    drop_nulls(&mut value);
    // Back through text rather than `from_value`: one deserializer per type keeps the wasm small.
    serde_json::from_str(&value.to_string())
        .map_err(|e| DecodeError(format!("the answer is not the expected object ({e})")))
}

/// Removes object members whose value is `null`, at every depth.
pub(crate) fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `null`, a string, or a list of strings → a list of non-empty codes.
fn codes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Codes {
        One(String),
        Many(Vec<Option<String>>),
    }
    Ok(match Option::<Codes>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Codes::One(code)) => vec![code],
        Some(Codes::Many(codes)) => codes.into_iter().flatten().collect(),
    }
    .into_iter()
    .map(|code| code.trim().to_string())
    .filter(|code| !code.is_empty())
    .collect())
}

/// A string or a list of strings (commands come both ways).
fn string_or_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(text)) if text.trim().is_empty() => Vec::new(),
        Some(OneOrMany::One(text)) => vec![text],
        Some(OneOrMany::Many(list)) => list,
    })
}

/// Strings, numbers and booleans as text (parameter defaults are sometimes numbers).
fn scalar_as_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(text)) => text,
            Some(other @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                other.to_string()
            }
            Some(_) => {
                return Err(serde::de::Error::custom(
                    "expected a string, number or boolean",
                ));
            }
        },
    )
}

/// A map whose values may be strings, numbers or booleans.
fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (key, text)
        })
        .collect())
}

/// A count that may arrive as a number, a numeric string or null; negatives and garbage are 0.
fn lenient_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
            Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
            _ => 0,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass decode and the null-dropping decode agree (same value, or both refuse) on
    /// a full deployment and on it with each member in turn set to `null`.
    #[test]
    fn the_direct_pass_agrees_with_dropping_nulls() {
        let deployment = r#"{"deploymentId":"dep-1","name":"amr","packageId":"pkg-1",
            "packageName":"nav","packageVersion":"v1","planId":"plan-1","phase":"Succeeded",
            "status":"Running","errors":["DEP_E151"],"currentGeneration":3,"creator":"me",
            "CreatedAt":"2026-01-01T00:00:00Z","lastStatusUpdateTime":"2026-01-01T00:00:00Z",
            "labels":[{"key":"site","value":"tokyo"}],
            "dependentDeployments":[{"dependentDeploymentId":"dep-2"}],
            "dependentDeploymentStatus":{"dep-2":{"name":"x","phase":"Succeeded","status":"Running"}},
            "routedNetworks":[{"guid":"net-1","name":"n"}],
            "volumes":[{"deploymentId":"dep-3","componentId":"c","mountPath":"/data"}],
            "componentInfo":[{"componentID":"comp-1","name":"c","runtime":"device","deviceId":"u",
              "restartPolicy":"always","status":"Running","errorCode":"DEP_E151",
              "parameters":{"RATE":"10"},
              "executablesStatusInfo":[{"id":"e","name":"e","status":"Error ErrImagePull","reason":"r","restartCount":2}]}],
            "phaseTimeline":[{"phase":"In progress","at":"2026-01-01T00:00:00Z"}]}"#;
        let value: serde_json::Value = serde_json::from_str(deployment).unwrap();
        let mut variants = vec![deployment.to_string()];
        fn nulls(value: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            if let serde_json::Value::Object(members) = value {
                for (key, member) in members {
                    path.push(key.clone());
                    out.push(path.clone());
                    nulls(member, path, out);
                    path.pop();
                }
            } else if let serde_json::Value::Array(items) = value {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    nulls(item, path, out);
                    path.pop();
                }
            }
        }
        let mut paths = Vec::new();
        nulls(&value, &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut changed = value.clone();
            let pointer = format!("/{}", path.join("/"));
            if let Some(slot) = changed.pointer_mut(&pointer) {
                *slot = serde_json::Value::Null;
            }
            variants.push(changed.to_string());
        }
        assert!(variants.len() > 40);
        for text in &variants {
            let direct = decode::<Deployment>(text);
            let slow = decode_dropping_nulls::<Deployment>(text);
            match (direct, slow) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("the passes disagree on {text}: {a:?} vs {b:?}"),
            }
        }
    }
}
