//! The synthetic fleet ([`fleet`]) grown inside the in-memory platform, so demo mode can be
//! tried at fleet scale: robots added once, deployments added until the platform holds as many
//! as asked, each a change the list's feed reports.

use std::collections::HashMap;

use crate::errors::PlatformError;
use crate::sim::fleet::{self, FleetSpec};
use crate::sim::{Platform, Rows, memory};
use crate::time::Millis;
use crate::wire::Device;

/// Most deployments [`Platform::grow_fleet`] fills the in-memory platform to (a browser keeps
/// it in memory and saves it whole).
pub const MAX_GROWN_FLEET: usize = 20_000;

/// Deployments per robot, as `seed-fleet`'s defaults (10,000 on 1,000 robots).
const DEPLOYMENTS_PER_ROBOT: usize = 10;

/// The packages the fleet's deployments are made from.
const FLEET_PACKAGES: [&str; 2] = ["pkg-amr-navigation", "pkg-fleet-dashboard"];

impl Platform {
    /// Adds the synthetic fleet's deployments (and the robots they run on) until the platform
    /// holds `deployments` in all, first moving it to `now`; how many were added (0 when it
    /// holds that many already). Robots are the fleet's `dev-fleet-…` devices, one per ten
    /// deployments asked for, each added once (a robot already there is used as it is); new
    /// deployments get IDs no deployment has. Refused above [`MAX_GROWN_FLEET`] (400), and
    /// when the catalog lacks the fleet's packages (404).
    pub fn grow_fleet(&mut self, deployments: usize, now: Millis) -> Result<usize, PlatformError> {
        if deployments > MAX_GROWN_FLEET {
            return Err(PlatformError::BadQuery(format!(
                "The simulated platform holds at most {MAX_GROWN_FLEET} deployments; {deployments} were asked for."
            )));
        }
        let missing = deployments.saturating_sub(self.records.len());
        if missing == 0 {
            return Ok(0);
        }
        if let Some(absent) = FLEET_PACKAGES.into_iter().find(|id| {
            !self
                .packages
                .iter()
                .any(|p| p.summary.guid == *id && !p.plans.is_empty())
        }) {
            return Err(PlatformError::not_found("package", absent));
        }
        self.advance(now);
        let spec = FleetSpec {
            deployments: missing,
            devices: (deployments / DEPLOYMENTS_PER_ROBOT).max(1),
            seed: self.rng.next_u64(),
            now: self.now,
        };
        let robots = self.add_robots(&spec);
        let (packages, networks, config) =
            (self.packages.clone(), self.networks.clone(), self.config);
        let mut added = 0;
        for mut record in fleet::records(&spec, &packages, &networks, &robots, &config) {
            if memory::has_id(self, &record.deployment.deployment_id) {
                let Ok(id) = self.new_deployment_id();
                record.deployment.deployment_id = id;
            }
            record.book.version = 0;
            memory::insert(self, record);
            added += 1;
        }
        Ok(added)
    }

    /// The fleet's robots as the platform has them: those it lacks are added, those it has
    /// (perhaps taken offline since) are kept as they are.
    fn add_robots(&mut self, spec: &FleetSpec) -> Vec<Device> {
        let known: HashMap<String, usize> = self
            .devices
            .iter()
            .enumerate()
            .map(|(i, device)| (device.uuid.clone(), i))
            .collect();
        let mut robots = Vec::with_capacity(spec.devices);
        let mut new = Vec::new();
        for robot in fleet::devices(spec) {
            match known.get(&robot.uuid).and_then(|i| self.devices.get(*i)) {
                Some(existing) => robots.push(existing.clone()),
                None => {
                    robots.push(robot.clone());
                    new.push(robot);
                }
            }
        }
        if !new.is_empty() {
            self.devices.extend(new);
            self.touch();
        }
        robots
    }
}
