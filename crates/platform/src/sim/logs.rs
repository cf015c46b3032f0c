//! Log lines of running components, so the Logs tab has something real to show. Nothing is
//! stored but when which components ran (a few spans per deployment): each line is made from
//! the deployment, its number and its time, the same every time it is read, so a platform that
//! sits idle does not grow.
//!
//! Lines are numbered from 1 per deployment: in a span, each component that runs writes one
//! line every `every` ms. Only the latest `max_log_lines` lines (and the latest spans) can be
//! read; the cursor is a line number.

use serde::{Deserialize, Serialize};

use crate::errors::{FieldError, PlatformError};
use crate::phase::{Phase, Status};
use crate::sim::{Rng, fnv1a, record::Record};
use crate::time::Millis;
use crate::wire::{LogLine, LogPage, Runtime};

/// Spans kept per deployment (older ones are forgotten with their lines).
const MAX_SPANS: usize = 32;

/// A stretch of time during which the same components ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSpan {
    /// When it began.
    pub from: Millis,
    /// When it ended; `None` while it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Millis>,
    /// One line per component every this many ms.
    pub every: i64,
    /// How many lines the deployment wrote before this span.
    pub first_line: u64,
    /// Which components (positions in `componentInfo`) write.
    pub components: Vec<u16>,
}

impl LogSpan {
    /// Lines written in the span by `now` (or by its end).
    fn lines(&self, now: Millis) -> u64 {
        let end = self.until.unwrap_or(now).min(now);
        let steps = end.since(self.from).max(0) / self.every.max(1);
        u64::try_from(steps).unwrap_or(0) * self.components.len() as u64
    }
}

/// After the deployment's components changed at `at`: closes the running span when a different
/// set of components now runs, and opens one for the new set. Whether the spans changed.
pub fn note(record: &mut Record, at: Millis, every: i64) -> bool {
    let deployment = &record.deployment;
    let writing = matches!(
        deployment.phase,
        Phase::Succeeded | Phase::Provisioning | Phase::FailedToUpdate
    );
    let running: Vec<u16> = if writing && every > 0 {
        deployment
            .component_info
            .iter()
            .enumerate()
            .filter(|(_, c)| c.status == Status::Running && !c.executables_status_info.is_empty())
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect()
    } else {
        Vec::new()
    };
    let spans = &mut record.book.log_spans;
    let mut first_line = 0;
    let mut closed = false;
    if let Some(last) = spans.last_mut() {
        if last.until.is_none() {
            if last.components == running && last.every == every {
                return false;
            }
            last.until = Some(at.max(last.from));
            closed = true;
        }
        first_line = last.first_line + last.lines(at.max(last.from));
    }
    let opened = !running.is_empty();
    if opened {
        spans.push(LogSpan {
            from: at,
            until: None,
            every,
            first_line,
            components: running,
        });
    }
    let excess = spans.len().saturating_sub(MAX_SPANS);
    spans.drain(..excess);
    closed || opened
}

/// The `limit` of a logs request: 100 when absent or empty, else a number (clamped to 1–1000
/// when read).
pub fn parse_limit(text: Option<&str>) -> Result<usize, PlatformError> {
    match text {
        None | Some("") => Ok(100),
        Some(text) => text.parse().map_err(|_| {
            PlatformError::BadQuery(format!(
                "limit must be a number from 1 to 1000, not \"{text}\"."
            ))
        }),
    }
}

/// Lines after the line number `after` (from the oldest kept when empty), of one component if
/// given, at most `limit` (1–1000), as of `now`, of the latest `max_lines`.
pub fn page(
    record: &Record,
    component: Option<&str>,
    after: &str,
    limit: usize,
    now: Millis,
    max_lines: usize,
) -> Result<LogPage, PlatformError> {
    let after: u64 = match after.trim() {
        "" => 0,
        text => text.parse().map_err(|_| {
            PlatformError::Validation(vec![FieldError::new(
                "after",
                "This log cursor is not one the platform gave out.",
            )])
        })?,
    };
    let limit = limit.clamp(1, 1000);
    let spans = &record.book.log_spans;
    let total = spans.last().map_or(0, |s| s.first_line + s.lines(now));
    let oldest = spans.first().map_or(0, |s| s.first_line);
    let start = after
        .max(total.saturating_sub(max_lines as u64))
        .max(oldest);
    let mut items = Vec::new();
    let mut next = after;
    let mut span_index = 0;
    for number in start + 1..=total {
        while spans
            .get(span_index)
            .is_some_and(|s| number > s.first_line + s.lines(now))
        {
            span_index += 1;
        }
        let Some(span) = spans.get(span_index) else {
            break;
        };
        let Some(line) = line(record, span, number) else {
            continue;
        };
        if component.is_some_and(|c| !c.is_empty() && line.component != c) {
            continue;
        }
        items.push(line);
        next = number;
        if items.len() == limit {
            break;
        }
    }
    Ok(LogPage {
        items,
        next: next.to_string(),
    })
}

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

/// Line `number` (in `span`), made from the deployment ID and the number.
fn line(record: &Record, span: &LogSpan, number: u64) -> Option<LogLine> {
    let count = span.components.len() as u64;
    let offset = number.checked_sub(span.first_line + 1)?;
    let step = i64::try_from(offset / count.max(1) + 1).ok()?;
    let position = *span
        .components
        .get(usize::try_from(offset % count.max(1)).ok()?)?;
    let component = record
        .deployment
        .component_info
        .get(usize::from(position))?;
    let executable = component.executables_status_info.first()?;
    let mut rng = Rng(fnv1a(record.deployment.deployment_id.as_bytes())
        ^ number.wrapping_mul(0x2545_F491_4F6C_DD1D));
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
    Some(LogLine {
        time: span.from.plus(step.saturating_mul(span.every)).to_rfc3339(),
        component: component.name.clone(),
        executable: executable.name.clone(),
        stream: stream.into(),
        message,
    })
}
