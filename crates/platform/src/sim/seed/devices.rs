//! The seeded devices: each architecture and runtime, online and offline, on three sites.

use crate::time::Millis;
use crate::wire::{Architecture, Device, DeviceStatus, Label};

use super::{text, var};

fn device(
    uuid: &str,
    name: &str,
    online: bool,
    arch: Architecture,
    vars: Vec<Label>,
    labels: Vec<Label>,
    at: Millis,
) -> Device {
    Device {
        uuid: text(uuid),
        name: text(name),
        status: if online {
            DeviceStatus::Online
        } else {
            DeviceStatus::Offline
        },
        architecture: Some(arch),
        config_variables: vars,
        labels,
        last_online: at.to_rfc3339(),
    }
}

/// The seeded devices.
pub fn devices(at: Millis) -> Vec<Device> {
    use Architecture::*;
    let docker = || var("runtime", "dockercompose");
    let site = |s: &str| vec![var("site", s)];
    vec![
        device(
            "dev-amr-01",
            "amr-01",
            true,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("tokyo"),
            at,
        ),
        device(
            "dev-amr-02",
            "amr-02",
            true,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("osaka"),
            at,
        ),
        device(
            "dev-amr-03",
            "amr-03",
            false,
            Arm64v8,
            vec![docker(), var("ros_distro", "noetic")],
            site("tokyo"),
            at.plus(-2 * Millis::DAY),
        ),
        device(
            "dev-edge-01",
            "edge-01",
            true,
            Amd64,
            vec![docker()],
            site("tokyo"),
            at,
        ),
        device(
            "dev-sensor-01",
            "sensor-pi-01",
            true,
            Arm32v7,
            vec![
                var("runtime", "preinstalled"),
                var("ros_distro", "melodic"),
                var("ros_workspace", "/home/rr/catkin_ws"),
            ],
            site("tokyo"),
            at,
        ),
        device(
            "dev-sensor-02",
            "sensor-pi-02",
            true,
            Arm32v7,
            vec![var("runtime", "preinstalled"), var("ros_distro", "melodic")],
            site("osaka"),
            at,
        ),
        device(
            "dev-lab-01",
            "lab-pc-01",
            false,
            Amd64,
            vec![
                var("runtime", "preinstalled"),
                var("ros_distro", "noetic"),
                var("ros_workspace", "/opt/ws"),
            ],
            site("lab"),
            at.plus(-5 * Millis::DAY),
        ),
    ]
}
