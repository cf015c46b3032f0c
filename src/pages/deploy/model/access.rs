//! Accessors binding text fields to the draft; `key` is the row index or component/parameter.

use super::DeployDraft;

fn index(key: &str) -> Option<usize> {
    key.parse().ok()
}

fn split(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or((key, ""))
}

/// The deployment name.
pub fn name(d: &DeployDraft, _: &str) -> String {
    d.name.clone()
}
/// Sets the deployment name.
pub fn set_name(d: &mut DeployDraft, _: &str, v: String) {
    d.name = v;
}
/// A label's key.
pub fn label_key(d: &DeployDraft, k: &str) -> String {
    index(k)
        .and_then(|i| d.labels.get(i))
        .map(|l| l.key.clone())
        .unwrap_or_default()
}
/// Sets a label's key.
pub fn set_label_key(d: &mut DeployDraft, k: &str, v: String) {
    if let Some(l) = index(k).and_then(|i| d.labels.get_mut(i)) {
        l.key = v;
    }
}
/// A label's value.
pub fn label_value(d: &DeployDraft, k: &str) -> String {
    index(k)
        .and_then(|i| d.labels.get(i))
        .map(|l| l.value.clone())
        .unwrap_or_default()
}
/// Sets a label's value.
pub fn set_label_value(d: &mut DeployDraft, k: &str, v: String) {
    if let Some(l) = index(k).and_then(|i| d.labels.get_mut(i)) {
        l.value = v;
    }
}
/// A volume's mount path.
pub fn mount_path(d: &DeployDraft, k: &str) -> String {
    index(k)
        .and_then(|i| d.volumes.get(i))
        .map(|v| v.mount_path.clone())
        .unwrap_or_default()
}
/// Sets a volume's mount path.
pub fn set_mount_path(d: &mut DeployDraft, k: &str, v: String) {
    if let Some(row) = index(k).and_then(|i| d.volumes.get_mut(i)) {
        row.mount_path = v;
    }
}
/// A parameter value; `k` is `componentId/NAME`.
pub fn parameter(d: &DeployDraft, k: &str) -> String {
    let (component, name) = split(k);
    d.components
        .get(component)
        .and_then(|c| c.parameters.get(name))
        .cloned()
        .unwrap_or_default()
}
/// Sets a parameter value; `k` is `componentId/NAME`.
pub fn set_parameter(d: &mut DeployDraft, k: &str, v: String) {
    let (component, name) = split(k);
    if let Some(c) = d.components.get_mut(component) {
        c.parameters.insert(name.to_string(), v);
    }
}
