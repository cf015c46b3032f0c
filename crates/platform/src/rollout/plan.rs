//! Which devices a rollout targets: those carrying every label of the selector; of those, the
//! compatible ones (the deploy form's reasons for the others), each with the name the pattern
//! gives it. [`preview`] says all of it and creates nothing; [`plan`] refuses a request that
//! cannot become a rollout, with field errors, and gives the targets in wave order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::errors::{FieldError, PlatformError};
use crate::list::{DeviceListRequest, DevicePage, FitFilter};
use crate::rollout::{DEVICE_PLACEHOLDER, RolloutRequest, waves};
use crate::rules::compat::{FitSummary, ReasonCount, device_incompatibilities};
use crate::rules::validate::{label_key_error, label_value_error, name_error};
use crate::wire::{Component, Device, Package, Runtime};

/// Most devices a rollout's targets are named in one field error.
const NAMED: usize = 5;

/// A device the selector matches, and whether the rollout can deploy to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetPreview {
    /// Device ID.
    pub device_id: String,
    /// Device name.
    pub device_name: String,
    /// The deployment's name on this device.
    pub name: String,
    /// Whether the component can run on it.
    pub compatible: bool,
    /// Why not, each a sentence (empty when compatible).
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// `POST /rollouts/preview`: how many devices the selector matches, how many can run the
/// component and why the others cannot, with one page of the devices; nothing is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutPreview {
    /// Devices carrying every label of the selector.
    #[serde(default)]
    pub total: u64,
    /// Of those, how many can run the component.
    #[serde(default)]
    pub compatible: u64,
    /// Why the others cannot, most common first (a device with several reasons counts under
    /// each).
    #[serde(default)]
    pub reasons: Vec<ReasonCount>,
    /// One page of the matching devices, compatible or not, in the order they were registered.
    pub targets: Vec<TargetPreview>,
    /// The token of the next page; `None` (null) on the last one.
    #[serde(rename = "continue", default)]
    pub next: Option<String>,
}

/// Devices one preview page lists unless the request says (`limit`).
pub const PREVIEW_PAGE: usize = 50;

/// The devices-list request a preview page of `package` reads: the selector's devices, judged
/// against the component when the plan has it, `limit` (default [`PREVIEW_PAGE`]) and
/// `continue` from the query string `pairs`. A token of another selector is a 400.
pub fn preview_request(
    request: &RolloutRequest,
    package: &Package,
    pairs: &[(String, String)],
) -> Result<DeviceListRequest, PlatformError> {
    let mut query = selector_query(request);
    query.fit = component_of(request, package).map(|_| FitFilter {
        package_id: request.package_id.clone(),
        component_id: request.component_id.clone(),
        compatible: None,
    });
    let page = DeviceListRequest::from_pairs(pairs)?;
    if page.after.is_some() && page.query != query {
        return Err(PlatformError::BadQuery(
            "This continue token belongs to another selector or component; preview again from the first page.".into(),
        ));
    }
    Ok(DeviceListRequest {
        query,
        limit: Some(page.limit.unwrap_or(PREVIEW_PAGE)),
        after: page.after,
    })
}

impl RolloutPreview {
    /// The preview of `request` from a page of the devices list read with
    /// [`preview_request`] (`page.fit` counts every matching device).
    pub fn from_page(
        request: &RolloutRequest,
        package: &Package,
        page: DevicePage<Device>,
    ) -> RolloutPreview {
        let fit = match page.fit {
            Some(fit) => fit,
            // Without the component, no device can run it (`preview` says why for each).
            None if component_of(request, package).is_none() && page.total > 0 => FitSummary {
                compatible: 0,
                incompatible: page.total,
                reasons: vec![ReasonCount {
                    reason: NO_SUCH_COMPONENT.into(),
                    devices: page.total,
                }],
            },
            None => FitSummary::default(),
        };
        RolloutPreview {
            total: page.total,
            compatible: fit.compatible,
            reasons: fit.reasons,
            targets: preview(request, package, &page.items),
            next: page.next,
        }
    }
}

/// Why no device can run a rollout whose plan lacks its component.
const NO_SUCH_COMPONENT: &str = "The plan has no such component.";

/// The request's component in its plan of `package`, if there is one.
fn component_of<'a>(request: &RolloutRequest, package: &'a Package) -> Option<&'a Component> {
    package
        .plans
        .iter()
        .find(|p| p.plan_id == request.plan_id)
        .and_then(|p| p.component(&request.component_id))
}

/// The selector as a devices-list query: its labels sorted, each once (empty: match nothing,
/// so a caller must not list devices for it).
pub fn selector_query(request: &RolloutRequest) -> crate::list::DeviceQuery {
    let mut labels = request.selector.clone();
    labels.sort_by(|a, b| (&a.key, &a.value).cmp(&(&b.key, &b.value)));
    labels.dedup();
    crate::list::DeviceQuery {
        labels,
        ..crate::list::DeviceQuery::default()
    }
}

/// `pattern` for `device`: every `{device}` replaced by its name.
pub fn name_for(pattern: &str, device: &Device) -> String {
    pattern.trim().replace(DEVICE_PLACEHOLDER, &device.name)
}

/// Every device matching the selector, in `devices`' order, compatible or not, with why not.
/// An empty selector matches nothing (a rollout never targets a whole fleet by accident).
pub fn preview(
    request: &RolloutRequest,
    package: &Package,
    devices: &[Device],
) -> Vec<TargetPreview> {
    if request.selector.is_empty() {
        return Vec::new();
    }
    let component = component_of(request, package);
    devices
        .iter()
        .filter(|d| request.selector.iter().all(|label| label.is_in(&d.labels)))
        .map(|device| {
            let reasons: Vec<String> = match component {
                Some(component) => device_incompatibilities(component, device)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                None => vec![NO_SUCH_COMPONENT.into()],
            };
            TargetPreview {
                device_id: device.uuid.clone(),
                device_name: device.name.clone(),
                name: name_for(&request.name, device),
                compatible: reasons.is_empty(),
                reasons,
            }
        })
        .collect()
}

/// The compatible targets of `request`, in wave order, or what to fix: the selector (labels
/// valid, at least one compatible device), the plan and its device component, the name pattern
/// (every name valid and unique), the waves and the failure threshold.
pub fn plan(
    request: &RolloutRequest,
    package: &Package,
    devices: &[Device],
) -> Result<Vec<TargetPreview>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if request.selector.is_empty() {
        errors.push(FieldError::new(
            "selector",
            "Add a label the target devices carry, such as site:tokyo.",
        ));
    }
    for (i, label) in request.selector.iter().enumerate() {
        if let Some(message) = label_key_error(&label.key) {
            errors.push(FieldError::new(format!("selector[{i}].key"), message));
        }
        if let Some(message) = label_value_error(&label.value) {
            errors.push(FieldError::new(format!("selector[{i}].value"), message));
        }
    }
    match package.plans.iter().find(|p| p.plan_id == request.plan_id) {
        None => errors.push(FieldError::new("planId", "Choose a plan of this package.")),
        Some(plan) => match plan.component(&request.component_id) {
            None => errors.push(FieldError::new(
                "componentId",
                "Choose the plan's device component the devices run.",
            )),
            Some(component) if component.required_runtime != Runtime::Device => {
                errors.push(FieldError::new(
                    "componentId",
                    "This component runs in the cloud; a rollout deploys a device component.",
                ));
            }
            Some(_) => {}
        },
    }
    if let Some(message) = waves::waves_error(&request.waves) {
        errors.push(FieldError::new("waves", message));
    }
    if request.max_failures == 0 {
        errors.push(FieldError::new(
            "maxFailures",
            "Halt at 1 failure or more: 0 would halt before anything starts.",
        ));
    }
    let targets: Vec<TargetPreview> = preview(request, package, devices)
        .into_iter()
        .filter(|t| t.compatible)
        .collect();
    if !request.selector.is_empty() && targets.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "selector",
            "No compatible device carries these labels: nothing would be deployed.",
        ));
    }
    if let Some(error) = names_error(&request.name, &targets) {
        errors.push(error);
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(errors)
    }
}

/// What is wrong with the names the pattern gives `targets`: the pattern itself, a name the
/// name rule refuses, or two targets with one name; each naming the devices.
fn names_error(pattern: &str, targets: &[TargetPreview]) -> Option<FieldError> {
    if pattern.trim().is_empty() {
        return Some(FieldError::new(
            "name",
            "Enter a name pattern, such as nav-{device}.",
        ));
    }
    let invalid: Vec<(&TargetPreview, String)> = targets
        .iter()
        .filter_map(|t| name_error(&t.name).map(|message| (t, message)))
        .collect();
    if let Some((first, message)) = invalid.first() {
        return Some(FieldError::new(
            "name",
            format!(
                "\"{}\" (for {}): {message}{}",
                first.name,
                devices(invalid.iter().map(|(t, _)| *t)),
                if invalid.len() > 1 {
                    " Other devices' names too."
                } else {
                    ""
                }
            ),
        ));
    }
    let mut by_name: BTreeMap<&str, Vec<&TargetPreview>> = BTreeMap::new();
    for target in targets {
        by_name.entry(target.name.trim()).or_default().push(target);
    }
    let (name, same) = by_name.into_iter().find(|(_, same)| same.len() > 1)?;
    Some(FieldError::new(
        "name",
        format!(
            "{} devices would get the name \"{name}\" ({}): put {DEVICE_PLACEHOLDER} in the pattern so each name is different.",
            same.len(),
            devices(same.into_iter())
        ),
    ))
}

/// The first devices' names, and how many more.
fn devices<'a>(targets: impl Iterator<Item = &'a TargetPreview>) -> String {
    let names: Vec<&str> = targets.map(|t| t.device_name.as_str()).collect();
    let shown = names
        .iter()
        .take(NAMED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().saturating_sub(NAMED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}
