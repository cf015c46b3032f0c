//! Demo mode's labelled fleet: 24 robots at three warehouse sites (`site:kawasaki`,
//! `site:chiba`, `site:saitama`, all `fleet:amr`), enough for a rollout's waves to show. One
//! robot runs the preinstalled runtime on arm32 and one is offline, so a preview has devices
//! that cannot run a package, each with its reason.

use crate::time::Millis;
use crate::wire::{Architecture, Device, DeviceStatus, Label};

/// The warehouse sites.
pub const SITES: [&str; 3] = ["kawasaki", "chiba", "saitama"];
/// Robots per site.
pub const PER_SITE: usize = 8;

fn label(key: &str, value: &str) -> Label {
    Label {
        key: key.to_string(),
        value: value.to_string(),
    }
}

/// The fleet's robots at `now`.
pub fn devices(now: Millis) -> Vec<Device> {
    let mut devices = Vec::new();
    for site in SITES {
        for n in 1..=PER_SITE {
            let name = format!("amr-{site}-{n:02}");
            let preinstalled = site == "chiba" && n == PER_SITE;
            let online = !(site == "saitama" && n == 5);
            devices.push(Device {
                uuid: format!("dev-{name}"),
                status: if online {
                    DeviceStatus::Online
                } else {
                    DeviceStatus::Offline
                },
                architecture: Some(if preinstalled {
                    Architecture::Arm32v7
                } else {
                    Architecture::Arm64v8
                }),
                config_variables: vec![
                    label(
                        "runtime",
                        if preinstalled {
                            "preinstalled"
                        } else {
                            "dockercompose"
                        },
                    ),
                    label("ros_distro", "noetic"),
                ],
                labels: vec![label("site", site), label("fleet", "amr")],
                last_online: now
                    .plus(if online { 0 } else { -3 * Millis::HOUR })
                    .to_rfc3339(),
                name,
            });
        }
    }
    devices
}

/// Demo mode's platform: the seed plus the fleet.
pub fn seeded(seed: u64, now: Millis, config: super::SimConfig) -> super::Platform {
    let mut platform = super::seed::seeded(seed, now, config);
    for device in devices(now) {
        platform.add_device(device);
    }
    platform
}
