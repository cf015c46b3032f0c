//! The seeded routed networks: a cloud and a device network that are running, and one that
//! failed to start.

use crate::phase::{Phase, Status};
use crate::wire::{PhaseStatus, RoutedNetwork, Runtime};

use super::text;

fn network(
    guid: &str,
    name: &str,
    runtime: Runtime,
    phase: Phase,
    status: Status,
) -> RoutedNetwork {
    RoutedNetwork {
        guid: text(guid),
        name: text(name),
        runtime,
        ros_distro: text("noetic"),
        internal_deployment_status: PhaseStatus { phase, status },
    }
}

/// The seeded routed networks.
pub fn networks() -> Vec<RoutedNetwork> {
    vec![
        network(
            "net-floor",
            "floor-net",
            Runtime::Cloud,
            Phase::Succeeded,
            Status::Running,
        ),
        network(
            "net-robot-lan",
            "robot-lan",
            Runtime::Device,
            Phase::Succeeded,
            Status::Running,
        ),
        network(
            "net-staging",
            "staging-net",
            Runtime::Cloud,
            Phase::FailedToStart,
            Status::Error,
        ),
    ]
}
