//! The devices list's filters and pages: `status`, `architecture`, `label` (repeats, all must
//! match), `limit` and `continue`, in the order devices were registered.

use serde::{Deserialize, Serialize};

use super::token::{Versioned, decode_json, version};
use super::{bad, base64url_encode, first, labels, parse_limit};
use crate::errors::PlatformError;
use crate::wire::{Architecture, Device, DeviceStatus, Label};

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
}

impl DeviceQuery {
    /// Whether `device` is listed.
    pub fn matches(&self, device: &Device) -> bool {
        self.status.as_ref().is_none_or(|s| &device.status == s)
            && self
                .architecture
                .as_ref()
                .is_none_or(|a| device.architecture.as_ref() == Some(a))
            && self.labels.iter().all(|label| label.is_in(&device.labels))
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

impl DeviceListRequest {
    /// Reads `status`, `architecture`, `label` (repeats), `limit` and `continue`.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<DeviceListRequest, PlatformError> {
        let labels = labels(pairs)?;
        let query = DeviceQuery {
            status: first(pairs, "status").map(DeviceStatus::parse),
            architecture: first(pairs, "architecture").map(Architecture::parse),
            labels,
        };
        let limit = first(pairs, "limit").map(parse_limit).transpose()?;
        let (query, after) = match first(pairs, "continue") {
            None => (query, None),
            Some(text) => {
                let token: DeviceToken = decode_json(text)?;
                let restated = ["status", "architecture", "label"]
                    .iter()
                    .any(|key| first(pairs, key).is_some());
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
}
