//! A synthetic fleet for benchmarks and for trying the console at scale: robots at ten sites
//! (labels `site:` and `robot:`), and deployments made over the last 90 days in realistic
//! phases: most Succeeded (some with several generations), some stopped, a few that failed to
//! start or to update, the newest still In progress or Provisioning, and Error where a robot is
//! offline. Deterministic from the seed; records are made one at a time, so a store can take
//! millions without holding them.

use std::collections::BTreeSet;

use crate::sim::{Record, Rng, SimConfig, seed};
use crate::time::Millis;
use crate::wire::{
    Architecture, ComponentContext, Device, DeviceStatus, Label, NetworkRef, Package,
    ProvisionRequest, RoutedNetwork, UpdateRequest,
};

/// The sites robots are at.
pub const SITES: [&str; 10] = [
    "tokyo",
    "osaka",
    "nagoya",
    "fukuoka",
    "sapporo",
    "sendai",
    "kobe",
    "yokohama",
    "kyoto",
    "hiroshima",
];

/// Who made the fleet's deployments.
pub const FLEET_USER: &str = "fleet-ops@rio.dev";

/// How big a fleet to make.
#[derive(Debug, Clone, Copy)]
pub struct FleetSpec {
    /// Deployments.
    pub deployments: usize,
    /// Robots.
    pub devices: usize,
    /// Seed for IDs and choices.
    pub seed: u64,
    /// The fleet's present.
    pub now: Millis,
}

fn label(key: &str, value: &str) -> Label {
    Label {
        key: key.to_string(),
        value: value.to_string(),
    }
}

/// The fleet's robots: `amr-00000`…, arm64 with Docker Compose and ROS Noetic, one in twenty
/// offline.
pub fn devices(spec: &FleetSpec) -> Vec<Device> {
    (0..spec.devices)
        .map(|i| {
            let name = format!("amr-{i:05}");
            let online = i % 20 != 7;
            Device {
                uuid: format!("dev-fleet-{i:05}"),
                status: if online {
                    DeviceStatus::Online
                } else {
                    DeviceStatus::Offline
                },
                architecture: Some(Architecture::Arm64v8),
                config_variables: vec![
                    label("runtime", "dockercompose"),
                    label("ros_distro", "noetic"),
                ],
                labels: vec![label("site", SITES[i % SITES.len()]), label("robot", &name)],
                last_online: spec
                    .now
                    .plus(if online { 0 } else { -Millis::DAY })
                    .to_rfc3339(),
                name,
            }
        })
        .collect()
}

/// The fleet's deployments, oldest first, made lazily. `packages`, `networks` and `devices`
/// are the world they run in (the seeded catalog and networks, and [`devices`]).
pub fn records<'a>(
    spec: &'a FleetSpec,
    packages: &'a [Package],
    networks: &'a [RoutedNetwork],
    devices: &'a [Device],
    config: &'a SimConfig,
) -> impl Iterator<Item = Record> + 'a {
    let navigation = packages
        .iter()
        .find(|p| p.summary.guid == "pkg-amr-navigation");
    let dashboard = packages
        .iter()
        .find(|p| p.summary.guid == "pkg-fleet-dashboard");
    let span = 90 * Millis::DAY;
    let settle = config.in_progress_ms + config.provisioning_ms;
    let fresh = (spec.deployments / 200).max(1);
    let unpullable: BTreeSet<String> = [seed::BROKEN_IMAGE.to_string()].into();
    (0..spec.deployments).filter_map(move |i| {
        let mut rng = Rng(spec.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let device = devices.get(i % devices.len().max(1));
        let on_robot = device.is_some() && rng.below(10) < 7;
        let package = if on_robot { navigation? } else { dashboard? };
        let site = device
            .and_then(|d| d.labels.first())
            .map_or(SITES[i % SITES.len()], |l| l.value.as_str());
        let created = if i + fresh >= spec.deployments {
            spec.now.plus(-(rng.below(settle.max(1) as u64) as i64))
        } else {
            spec.now
                .plus(-span + span * i as i64 / spec.deployments.max(1) as i64)
        };
        let mut request = ProvisionRequest {
            name: String::new(),
            package_id: package.summary.guid.clone(),
            plan_id: package.plans.first()?.plan_id.clone(),
            labels: vec![
                label("site", site),
                label("env", if rng.below(5) == 0 { "dev" } else { "prod" }),
            ],
            ..Default::default()
        };
        let mut world: Vec<Device> = Vec::new();
        match device.filter(|_| on_robot) {
            Some(device) => {
                request.name = format!("nav-{site}-{}-{i}", device.name);
                request.labels.push(label("robot", &device.name));
                request.component_context.insert(
                    "comp-amr-nav".into(),
                    ComponentContext {
                        device_id: Some(device.uuid.clone()),
                        ..Default::default()
                    },
                );
                request.routed_networks = vec![NetworkRef {
                    guid: "net-robot-lan".into(),
                    name: None,
                }];
                world.push(device.clone());
            }
            None => request.name = format!("dashboard-{site}-{i}"),
        }
        // A random-looking prefix and the position: unique for any fleet size.
        let id = format!("dep-{:04x}{i:08x}", rng.next_u64() >> 48);
        let mut record = Record::new(id, &request, package, networks, FLEET_USER, created);
        let every = config.log_every_ms;
        let roll = rng.below(1000);
        let offline_at_start = roll < 20;
        let start_world: Vec<Device> = world
            .iter()
            .cloned()
            .map(|mut d| {
                if offline_at_start {
                    d.status = DeviceStatus::Offline;
                }
                d
            })
            .collect();
        // A cloud deployment that fails to start could not pull its image.
        let pull: BTreeSet<String> = if offline_at_start && world.is_empty() {
            record.book.images.values().flatten().cloned().collect()
        } else {
            BTreeSet::new()
        };
        let started = created.plus(settle);
        record.advance_phases(config, &start_world, &pull, spec.now);
        if started < spec.now && !offline_at_start {
            // Generations after the first, a day or more apart, while time allows.
            let updates = match roll {
                20..=29 => 1,
                _ if rng.below(10) < 3 => 1 + rng.below(3),
                _ => 0,
            };
            let mut at = started;
            for generation in 0..updates {
                at = at.plus(Millis::DAY + rng.below(Millis::DAY as u64) as i64);
                if at.plus(settle) >= spec.now {
                    break;
                }
                let fail = (20..30).contains(&roll) && generation + 1 == updates;
                let components = record
                    .deployment
                    .component_info
                    .iter()
                    .map(|c| c.component_id.clone())
                    .collect();
                let update = UpdateRequest {
                    expected_generation: record.deployment.current_generation,
                    components,
                };
                record.start_update(&update, FLEET_USER, fail, at, every);
                record.advance_phases(config, &world, &unpullable, spec.now);
            }
            if (30..80).contains(&roll) {
                let stop = at.plus(rng.below(30 * Millis::DAY as u64) as i64);
                if stop < spec.now {
                    record.deprovision(&world, stop, every);
                }
            }
        }
        record.refresh_runtime_status(&world, &Default::default(), spec.now, every);
        Some(record)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::Phase;

    #[test]
    fn a_fleet_has_realistic_phases_labels_and_generations() {
        let config = SimConfig::default();
        let spec = FleetSpec {
            deployments: 2_000,
            devices: 300,
            seed: 7,
            now: Millis(1_790_000_000_000),
        };
        let devices = devices(&spec);
        let packages = seed::packages(spec.now);
        let networks = seed::networks();
        let records: Vec<Record> =
            records(&spec, &packages, &networks, &devices, &config).collect();
        assert_eq!(records.len(), 2_000);
        let count = |phase: Phase| {
            records
                .iter()
                .filter(|r| r.deployment.phase == phase)
                .count()
        };
        assert!(
            count(Phase::Succeeded) > 1_600,
            "{}",
            count(Phase::Succeeded)
        );
        for phase in [
            Phase::DeploymentStopped,
            Phase::FailedToStart,
            Phase::FailedToUpdate,
        ] {
            assert!(
                count(phase.clone()) > 5,
                "{phase}: {}",
                count(phase.clone())
            );
        }
        assert!(count(Phase::InProgress) + count(Phase::Provisioning) >= 5);
        assert!(records.iter().any(|r| r.deployment.current_generation >= 3));
        assert!(
            records
                .iter()
                .all(|r| r.deployment.labels.iter().any(|l| l.key == "site"))
        );
        let ids: BTreeSet<&str> = records
            .iter()
            .map(|r| r.deployment.deployment_id.as_str())
            .collect();
        assert_eq!(ids.len(), records.len(), "IDs are unique");
        assert!(
            records
                .iter()
                .any(|r| r.deployment.errors.contains(&"DEP_E151".to_string())),
            "robots that are offline show Error"
        );
    }
}
