//! The devices list's filters and pages: `status`, `architecture`, `label` (repeats, all must
//! match), `search` (the name), `deviceId` (repeats), and a component the devices are judged
//! against (`packageId` and `componentId`, optionally `compatible=true|false` to list only
//! those that can or cannot run it), then `limit` and `continue`, in the order devices were
//! registered.

use serde::{Deserialize, Serialize};

use super::token::{Versioned, decode_json, version};
use super::{bad, base64url_encode, first, fold, labels, parse_limit, values};
use crate::errors::PlatformError;
use crate::rules::compat::{DeviceProfile, FitSummary, incompatibilities};
use crate::wire::{Architecture, Component, Device, DeviceStatus, Label, Package};

/// Most devices one `deviceId` filter names.
pub const MAX_DEVICE_IDS: usize = 100;

/// The component a devices list judges its devices against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitFilter {
    /// The package.
    #[serde(rename = "packageId")]
    pub package_id: String,
    /// Its device component.
    #[serde(rename = "componentId")]
    pub component_id: String,
    /// `true`: only the devices that can run it; `false`: only those that cannot; `None`:
    /// every device (the page's summary still says how they fit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatible: Option<bool>,
}

impl FitFilter {
    /// The component this filter names in `package` (any plan); 404 when it has none.
    pub fn component<'a>(&self, package: &'a Package) -> Result<&'a Component, PlatformError> {
        package
            .plans
            .iter()
            .find_map(|plan| plan.component(&self.component_id))
            .ok_or_else(|| PlatformError::not_found("component", &self.component_id))
    }
}

/// Which devices a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceQuery {
    /// Only devices with this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeviceStatus>,
    /// Only devices of this architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Every one of these labels (sorted, without repeats).
    #[serde(default, rename = "label", skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Text the name contains, folded with [`fold`]; empty for any name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub search: String,
    /// Only these devices (sorted, without repeats); empty for any.
    #[serde(default, rename = "deviceId", skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Only the devices that can (or cannot) run this component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitFilter>,
}

impl DeviceQuery {
    /// Whether `device` passes every filter but the component's.
    pub fn matches(&self, device: &Device) -> bool {
        self.status.as_ref().is_none_or(|s| &device.status == s)
            && self
                .architecture
                .as_ref()
                .is_none_or(|a| device.architecture.as_ref() == Some(a))
            && self.labels.iter().all(|label| label.is_in(&device.labels))
            && (self.search.is_empty() || fold(&device.name).contains(&self.search))
            && (self.ids.is_empty() || self.ids.contains(&device.uuid))
    }

    /// The query-string pairs that ask for this query (values as they are: the client
    /// percent-encodes them); [`DeviceListRequest::from_pairs`] reads them back to it.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let pair = |key: &str, value: &str| (key.to_string(), value.to_string());
        let mut pairs = Vec::new();
        if let Some(status) = &self.status {
            pairs.push(pair("status", status.as_str()));
        }
        if let Some(architecture) = &self.architecture {
            pairs.push(pair("architecture", architecture.as_str()));
        }
        pairs.extend(self.labels.iter().map(|l| pair("label", &l.selector())));
        if !self.search.is_empty() {
            pairs.push(pair("search", &self.search));
        }
        pairs.extend(self.ids.iter().map(|id| pair("deviceId", id)));
        if let Some(fit) = &self.fit {
            pairs.push(pair("packageId", &fit.package_id));
            pairs.push(pair("componentId", &fit.component_id));
            if let Some(compatible) = fit.compatible {
                pairs.push(pair(
                    "compatible",
                    if compatible { "true" } else { "false" },
                ));
            }
        }
        pairs
    }

    /// Whether a device with `profile` passes the component's filter (`component`: the one
    /// [`DeviceQuery::fit`] names; any device passes without one).
    pub fn fits(&self, component: Option<&Component>, profile: &DeviceProfile) -> bool {
        match (&self.fit, component) {
            (Some(fit), Some(component)) => fit
                .compatible
                .is_none_or(|wanted| incompatibilities(component, profile).is_empty() == wanted),
            _ => true,
        }
    }
}

/// A request for the devices list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceListRequest {
    /// Filters.
    pub query: DeviceQuery,
    /// At most this many devices; `None` for all.
    pub limit: Option<usize>,
    /// Continue after the device registered at this position.
    pub after: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct DeviceToken {
    v: u32,
    q: DeviceQuery,
    after: u64,
}

impl Versioned for DeviceToken {
    fn version(&self) -> u32 {
        self.v
    }
}

/// The query-string keys that make up a [`DeviceQuery`].
const QUERY_KEYS: [&str; 8] = [
    "status",
    "architecture",
    "label",
    "search",
    "deviceId",
    "packageId",
    "componentId",
    "compatible",
];

impl DeviceListRequest {
    /// Reads `status`, `architecture`, `label` (repeats), `search`, `deviceId` (repeats, at
    /// most [`MAX_DEVICE_IDS`]), `packageId` with `componentId` and `compatible`, `limit` and
    /// `continue`; each bad value is a 400 saying what is accepted.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<DeviceListRequest, PlatformError> {
        let labels = labels(pairs)?;
        let mut ids: Vec<String> = values(pairs, "deviceId")
            .map(|id| id.trim().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.len() > MAX_DEVICE_IDS {
            return Err(bad(format!(
                "deviceId names at most {MAX_DEVICE_IDS} devices at once, not {}.",
                ids.len()
            )));
        }
        let query = DeviceQuery {
            status: first(pairs, "status").map(DeviceStatus::parse),
            architecture: first(pairs, "architecture").map(Architecture::parse),
            labels,
            search: fold(first(pairs, "search").unwrap_or_default()),
            ids,
            fit: fit_filter(pairs)?,
        };
        let limit = first(pairs, "limit").map(parse_limit).transpose()?;
        let (query, after) = match first(pairs, "continue") {
            None => (query, None),
            Some(text) => {
                let token: DeviceToken = decode_json(text)?;
                let restated = QUERY_KEYS.iter().any(|key| first(pairs, key).is_some());
                if restated && token.q != query {
                    return Err(bad(
                        "This continue token belongs to another query (its filters differ); list again from the first page.",
                    ));
                }
                (token.q, Some(token.after))
            }
        };
        Ok(DeviceListRequest {
            query,
            limit,
            after,
        })
    }

    /// The `continue` token for a page whose last device was registered at `position`.
    pub fn continue_token(&self, position: u64) -> String {
        let token = DeviceToken {
            v: version(),
            q: self.query.clone(),
            after: position,
        };
        base64url_encode(serde_json::to_string(&token).unwrap_or_default().as_bytes())
    }
}

/// `packageId`, `componentId` and `compatible`: all or none of the first two.
fn fit_filter(pairs: &[(String, String)]) -> Result<Option<FitFilter>, PlatformError> {
    let package = first(pairs, "packageId").map(str::trim);
    let component = first(pairs, "componentId").map(str::trim);
    let compatible = match first(pairs, "compatible").map(|t| t.trim().to_ascii_lowercase()) {
        None => None,
        Some(text) if text == "true" => Some(true),
        Some(text) if text == "false" => Some(false),
        Some(text) => {
            return Err(bad(format!(
                "compatible must be true or false, not \"{text}\"."
            )));
        }
    };
    match (package, component) {
        (Some(package_id), Some(component_id)) => Ok(Some(FitFilter {
            package_id: package_id.to_string(),
            component_id: component_id.to_string(),
            compatible,
        })),
        (None, None) if compatible.is_none() => Ok(None),
        _ => Err(bad(
            "packageId and componentId go together (the component the devices are judged against), and compatible needs them.",
        )),
    }
}

/// The page `request` asks for among `devices` (each with its place in the order devices were
/// registered, from 1, in that order), judged against `component` (the one the query names,
/// if it names one): the rules a store that holds every device applies (the simulator, and a
/// console facing a backend that answers every device).
pub fn select_page<'a>(
    devices: impl IntoIterator<Item = (u64, &'a Device)>,
    request: &DeviceListRequest,
    component: Option<&Component>,
) -> DevicePage<Device> {
    let query = &request.query;
    let after = request.after.unwrap_or(0);
    let candidates: Vec<(u64, &Device, DeviceProfile)> = devices
        .into_iter()
        .filter(|(_, d)| query.matches(d))
        .map(|(position, d)| (position, d, DeviceProfile::of(d)))
        .collect();
    let fit = component
        .map(|component| FitSummary::of(component, candidates.iter().map(|(_, _, p)| (p, 1))));
    let listed: Vec<&(u64, &Device, DeviceProfile)> = candidates
        .iter()
        .filter(|(_, _, profile)| query.fits(component, profile))
        .collect();
    let total = listed.len() as u64;
    let mut items: Vec<(u64, Device)> = listed
        .into_iter()
        .filter(|(position, _, _)| *position > after)
        .take(request.limit.map_or(usize::MAX, |l| l.saturating_add(1)))
        .map(|(position, d, _)| (*position, (*d).clone()))
        .collect();
    let more = request.limit.is_some_and(|limit| items.len() > limit);
    if let Some(limit) = request.limit {
        items.truncate(limit);
    }
    let next = items
        .last()
        .filter(|_| more)
        .map(|(position, _)| request.continue_token(*position));
    DevicePage {
        items: items.into_iter().map(|(_, d)| d).collect(),
        next,
        total,
        fit,
    }
}

/// One page of devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevicePage<T> {
    /// The devices, in the order they were registered.
    pub items: Vec<T>,
    /// The token for the next page; `None` (null) on the last one.
    #[serde(rename = "continue")]
    pub next: Option<String>,
    /// How many devices the whole list holds.
    pub total: u64,
    /// With a component: how the devices matching every other filter fit it (how many can run
    /// it, how many cannot, and why not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitSummary>,
}
