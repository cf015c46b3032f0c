//! Log lines written by running components, so the Logs tab has something real to show.

use crate::phase::Phase;
use crate::phase::Status;
use crate::sim::{Rng, SimConfig, state::Record};
use crate::time::Millis;
use crate::wire::{LogLine, Runtime};

/// Lines written per component at most in one `advance`, however long the gap.
const MAX_CATCH_UP: i64 = 200;

const ROS_LINES: &[&str] = &[
    "[INFO] publishing /odom at 10 Hz",
    "[INFO] heartbeat ok",
    "[INFO] received goal, planning path",
    "[INFO] path found ({n} waypoints)",
    "[INFO] battery at {n}%",
    "[WARN] scan message late by {n} ms",
];
const CLOUD_LINES: &[&str] = &[
    "GET /health 200 {n}ms",
    "GET /api/robots 200 {n}ms",
    "POST /api/missions 201 {n}ms",
    "worker pool: {n} jobs queued",
    "WARN slow query took {n}ms",
];
const DEVICE_LINES: &[&str] = &[
    "sensor sample #{n} stored",
    "uplink ok, {n} messages sent",
    "temperature {n} C",
    "WARN retrying upload (attempt {n})",
];

/// Writes the lines due between the record's last write and `now`.
pub fn write_logs(
    record: &mut Record,
    config: &SimConfig,
    rng: &mut Rng,
    seq: &mut u64,
    now: Millis,
) {
    let writing = matches!(
        record.deployment.phase,
        Phase::Succeeded | Phase::Provisioning | Phase::FailedToUpdate
    );
    if !writing || config.log_every_ms <= 0 {
        record.last_log = record.last_log.max(now);
        return;
    }
    let due = now.since(record.last_log) / config.log_every_ms;
    let skip = (due - MAX_CATCH_UP).max(0);
    for step in skip + 1..=due {
        let at = record.last_log.plus(step * config.log_every_ms);
        for component in &record.deployment.component_info {
            if component.status != Status::Running {
                continue;
            }
            let Some(executable) = component.executables_status_info.first() else {
                continue;
            };
            let lines = match (
                &component.runtime,
                component.name.contains("ros") || component.device_id.is_some(),
            ) {
                (Runtime::Cloud, _) => CLOUD_LINES,
                (_, true) if rng.below(2) == 0 => ROS_LINES,
                _ => DEVICE_LINES,
            };
            let template = lines[rng.below(lines.len() as u64) as usize];
            let message = template.replace("{n}", &(rng.below(90) + 3).to_string());
            let stream = if message.contains("WARN") {
                "stderr"
            } else {
                "stdout"
            };
            *seq += 1;
            record.logs.push((
                *seq,
                LogLine {
                    time: at.to_rfc3339(),
                    component: component.name.clone(),
                    executable: executable.name.clone(),
                    stream: stream.into(),
                    message,
                },
            ));
        }
    }
    if due > 0 {
        record.last_log = record.last_log.plus(due * config.log_every_ms);
    }
    let excess = record.logs.len().saturating_sub(config.max_log_lines);
    if excess > 0 {
        record.logs.drain(..excess);
    }
}
