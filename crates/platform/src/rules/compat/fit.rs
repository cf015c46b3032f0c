//! How a set of devices fits a component, counted by profile: what the devices list and the
//! rollout preview answer beside their pages.

use serde::{Deserialize, Serialize};

use super::device::{DeviceProfile, incompatibilities};
use crate::wire::Component;

/// How many devices share one reason they cannot run a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    /// The reason, a sentence.
    pub reason: String,
    /// How many devices it holds back.
    pub devices: u64,
}

/// How a set of devices fits a component: how many can run it, how many cannot, and why not
/// (a device with several reasons is counted under each).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FitSummary {
    /// Devices that can run it.
    pub compatible: u64,
    /// Devices that cannot.
    pub incompatible: u64,
    /// Why not, most common first.
    #[serde(default)]
    pub reasons: Vec<ReasonCount>,
}

impl FitSummary {
    /// The summary of devices counted by profile (`profiles`: each profile with how many devices
    /// have it), judged against `component`.
    pub fn of<'a>(
        component: &Component,
        profiles: impl IntoIterator<Item = (&'a DeviceProfile, u64)>,
    ) -> FitSummary {
        let mut summary = FitSummary::default();
        let mut tally: Vec<ReasonCount> = Vec::new();
        for (profile, devices) in profiles {
            let reasons = incompatibilities(component, profile);
            if reasons.is_empty() {
                summary.compatible += devices;
                continue;
            }
            summary.incompatible += devices;
            for reason in reasons {
                let reason = reason.to_string();
                match tally.iter_mut().find(|r| r.reason == reason) {
                    Some(known) => known.devices += devices,
                    None => tally.push(ReasonCount { reason, devices }),
                }
            }
        }
        tally.sort_by(|a, b| {
            b.devices
                .cmp(&a.devices)
                .then_with(|| a.reason.cmp(&b.reason))
        });
        summary.reasons = tally;
        summary
    }
}
