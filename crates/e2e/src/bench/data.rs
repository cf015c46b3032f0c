//! Realistic deployment lists for the benchmarks, built with the platform's wire types: varied
//! names, packages, phases (mostly Succeeded/Running, none transient and none stopped, so the
//! default list filter shows them all and the console polls on its stable 15 s schedule),
//! labels, generations, timestamps and one component each, newest first as the API lists them.

use std::collections::BTreeMap;

use platform::phase::{Phase, Status};
use platform::time::Millis;
use platform::wire::{ComponentInfo, Deployment, ExecutableStatus, Label, PhaseAt, Runtime};

const APPS: [&str; 12] = [
    "amr-nav",
    "sensor-logger",
    "fleet-bridge",
    "map-server",
    "lidar-driver",
    "telemetry",
    "camera-stream",
    "arm-control",
    "docking",
    "battery-monitor",
    "path-planner",
    "ros-bridge",
];
const SITES: [&str; 8] = [
    "tokyo", "osaka", "berlin", "austin", "lyon", "seoul", "porto", "oslo",
];
const VERSIONS: [&str; 6] = ["1.0.0", "1.2.3", "1.4.2", "2.0.0-rc.1", "2.1.0", "3.0.7"];
const PEOPLE: [&str; 5] = [
    "aiko@example.com",
    "ben@example.com",
    "chloe@example.com",
    "dmitri@example.com",
    "eva@example.com",
];
/// Creation times step back from here (2026-11-26T12:00:00Z), one every 37 minutes.
const NEWEST: Millis = Millis(1_795_694_400_000);

/// A small xorshift generator: the same list on every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `count` deployments, newest first, identical on every call.
pub fn deployments(count: usize) -> Vec<Deployment> {
    let mut dice = Dice(0x5EED_F00D_1234_5678);
    (0..count).map(|i| deployment(i, &mut dice)).collect()
}

fn deployment(i: usize, dice: &mut Dice) -> Deployment {
    let app = APPS[dice.below(APPS.len())];
    let site = SITES[dice.below(SITES.len())];
    let version = VERSIONS[dice.below(VERSIONS.len())];
    let (phase, status, errors) = match dice.below(100) {
        0..=79 => (Phase::Succeeded, Status::Running, vec![]),
        80..=89 => (
            Phase::FailedToUpdate,
            Status::Error,
            vec!["DEP_E151".to_string()],
        ),
        90..=95 => (
            Phase::FailedToStart,
            Status::Error,
            vec!["DEP_E153".to_string()],
        ),
        _ => (Phase::PartiallyDeprovisioned, Status::Stopped, vec![]),
    };
    let created = NEWEST.plus(-(i as i64) * 37 * Millis::MINUTE);
    let updated = created.plus((dice.below(600) as i64 + 8) * Millis::SECOND);
    let generation = 1 + dice.below(12) as u64;
    let env = if dice.below(4) == 0 { "dev" } else { "prod" };
    let id = format!("dep-{:012x}", (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A));
    let component = ComponentInfo {
        component_id: format!("comp-{:08x}", i * 7919),
        name: app.to_string(),
        runtime: if i.is_multiple_of(3) {
            Runtime::Cloud
        } else {
            Runtime::Device
        },
        device_id: (!i.is_multiple_of(3)).then(|| format!("dev-{site}-{:02}", i % 17)),
        restart_policy: None,
        status: status.clone(),
        error_code: errors.clone(),
        parameters: BTreeMap::from([
            ("SITE".to_string(), site.to_string()),
            ("LOG_LEVEL".to_string(), "info".to_string()),
        ]),
        executables_status_info: vec![ExecutableStatus {
            id: format!("exec-{:08x}", i * 104_729),
            name: format!("{app}-main"),
            status: status.clone(),
            reason: String::new(),
            restart_count: dice.below(3) as u64,
        }],
    };
    Deployment {
        deployment_id: id,
        name: format!("{app}-{site}-{i:05}"),
        package_id: format!("pkg-{app}-{}", version.replace('.', "-")),
        package_name: app.to_string(),
        package_version: version.to_string(),
        plan_id: "plan-default".to_string(),
        phase: phase.clone(),
        status,
        errors,
        current_generation: generation,
        creator: PEOPLE[dice.below(PEOPLE.len())].to_string(),
        created_at: created.to_rfc3339(),
        last_status_update_time: updated.to_rfc3339(),
        labels: vec![
            Label {
                key: "site".into(),
                value: site.into(),
            },
            Label {
                key: "env".into(),
                value: env.into(),
            },
        ],
        dependent_deployments: vec![],
        dependent_deployment_status: BTreeMap::new(),
        routed_networks: vec![],
        volumes: vec![],
        component_info: vec![component],
        phase_timeline: vec![
            PhaseAt {
                phase: Phase::InProgress,
                at: created.to_rfc3339(),
            },
            PhaseAt {
                phase: Phase::Provisioning,
                at: created.plus(3 * Millis::SECOND).to_rfc3339(),
            },
            PhaseAt {
                phase,
                at: updated.to_rfc3339(),
            },
        ],
    }
}

/// The phase a deployment is flipped to by a poll-tick run: Succeeded ↔ Failed to update (both
/// stable and live, so the row stays shown, nothing starts moving, and only the phase cell
/// changes).
pub fn flipped(phase: &Phase) -> Phase {
    if *phase == Phase::Succeeded {
        Phase::FailedToUpdate
    } else {
        Phase::Succeeded
    }
}

/// The `{"items": [...]}` body the API answers with.
pub fn list_body(items: &[Deployment]) -> String {
    serde_json::json!({ "items": items }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_varied_stable_live_and_newest_first() {
        let all = deployments(1_000);
        assert_eq!(all, deployments(1_000), "the same list every time");
        let ids: std::collections::HashSet<&str> =
            all.iter().map(|d| d.deployment_id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "unique ids");
        assert!(
            all.iter()
                .all(|d| d.phase.is_live() && !d.phase.is_transient())
        );
        let succeeded = all.iter().filter(|d| d.phase == Phase::Succeeded).count();
        assert!((700..900).contains(&succeeded), "{succeeded} Succeeded");
        assert!(all.iter().any(|d| d.phase == Phase::FailedToUpdate));
        assert!(
            all.windows(2).all(|w| w[0].created_at > w[1].created_at),
            "newest first"
        );
        let body = list_body(&all[..3]);
        let back: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(back["items"][0]["deploymentId"], all[0].deployment_id);
        assert_eq!(back["items"][0]["phase"], "Succeeded");
        assert_eq!(flipped(&Phase::Succeeded), Phase::FailedToUpdate);
        assert_eq!(flipped(&Phase::FailedToUpdate), Phase::Succeeded);
    }
}
