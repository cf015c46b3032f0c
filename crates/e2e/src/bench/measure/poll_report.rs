//! The rows and notes of the poll measure ([`super::poll`]).

use std::time::Duration;

use serde_json::Value;

use super::Bench;
use super::poll::{CHANGED, Polled, decode_ms};
use crate::bench::report::{Met, Row, group, median, mib, ms, percent, spread};

/// The target: the `since=` answer at most this share of the whole list.
const SHARE: f64 = 0.05;

impl Bench {
    /// The rows and notes of [`Bench::poll`].
    pub(super) fn report_poll(
        &mut self,
        polled: &Polled,
        (status, whole_bytes, served): (u16, usize, Duration),
        [js_since, js_whole]: [&Value; 2],
        console_whole: &Value,
    ) {
        let column = |v: &Value, key: &str| -> Vec<f64> {
            v["runs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r[key].as_f64())
                .collect()
        };
        let middle = |values: &[u64]| {
            let floats: Vec<f64> = values.iter().map(|v| *v as f64).collect();
            median(&floats)
        };
        let since_bytes = median(&polled.bytes);
        let whole_items = js_whole["runs"][0]["items"].as_u64().unwrap_or(0) as usize;
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: bytes of the `since=` answer (Console \
                      column) against the whole list (Baseline column)"
                .into(),
            console: format!(
                "{} B ({:.0} items, {:.0} deleted)",
                group(since_bytes as usize, ','),
                middle(&polled.items),
                middle(&polled.deleted)
            ),
            baseline: format!(
                "{} B ({} items)",
                group(whole_bytes, ','),
                group(whole_items, ',')
            ),
            ratio: percent(since_bytes, whole_bytes as f64),
            target: "≤ 5 %".into(),
            met: Met::when(status == 200 && since_bytes / whole_bytes as f64 <= SHARE),
        });
        let reads: Vec<&Value> = console_whole["reads"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let whole_decode = reads.first().map_or(f64::NAN, |r| decode_ms(r));
        let since_decode = median(&polled.decode);
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: the console's decode of the `since=` answer \
                      against that of the whole list (answer read as text → main thread free)"
                .into(),
            console: ms(since_decode),
            baseline: ms(whole_decode),
            ratio: percent(since_decode, whole_decode),
            target: "≤ 5 %".into(),
            met: Met::when(since_decode / whole_decode <= SHARE),
        });
        let (parse_since, parse_whole) = (
            median(&column(js_since, "parse")),
            median(&column(js_whole, "parse")),
        );
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: `JSON.parse` in the page, `since=` answer \
                      against the whole list"
                .into(),
            console: ms(parse_since),
            baseline: ms(parse_whole),
            ratio: percent(parse_since, parse_whole),
            target: "report only".into(),
            met: Met::Info,
        });
        let errors: Vec<&str> = [js_since, js_whole, console_whole]
            .iter()
            .filter_map(|v| v["error"].as_str())
            .collect();
        self.report.notes.push(format!(
            "- Poll with 100 changed: before each poll the console catches up (an `online` event: \
             it polls at once) and the page is hidden (the console stops polling), {CHANGED} deployments down the console's list from its top that accept an \
             update, and were not updated before, are updated through the API (`PATCH`, updated per run {:?}), the \
             `since=` answer from the version just before is read here (bytes of the body; the \
             backend does not compress), and the page is shown again: the console polls at once \
             with `since=` its own version. Bytes per run {:?}. The console's decode is timed in \
             the page from the moment its `Response.text()` resolved to the next task on the \
             main thread (a `MessageChannel` message queued then): the console's `serde_json` \
             decode in wasm and what it does at once with the result (rows in view updated; for \
             the whole list, filtered and sorted, and the first rows made); {} [{}] ms for \
             `since=` answers of {:.0} characters.",
            polled.updated,
            polled.bytes.iter().map(|b| *b as u64).collect::<Vec<_>>(),
            spread(&polled.decode),
            polled
                .decode
                .iter()
                .map(|d| format!("{d:.1}"))
                .collect::<Vec<_>>()
                .join(", "),
            median(&polled.chars),
        ));
        let whole_reads: Vec<String> = reads
            .iter()
            .map(|r| {
                format!(
                    "{:.0} characters in {}",
                    r["chars"].as_f64().unwrap_or(f64::NAN),
                    ms(decode_ms(r))
                )
            })
            .collect();
        self.report.notes.push(format!(
            "- The whole list (HTTP {status}, {} bytes, served in {}) is read by the console \
             from the bench's whole-list server (its items only, as a backend that does not \
             page answers), in a browser of its own: first rows painted {} after navigation \
             start; list answers read: {}; then {} wasm, {} JS heap. `JSON.parse` (the same \
             answers fetched again in the console's page on the reference backend, ms to \
             headers / body / parsed): `since=` {}; whole list {}.{}",
            group(whole_bytes, ','),
            ms(served.as_secs_f64() * 1000.0),
            ms(console_whole["painted"].as_f64().unwrap_or(f64::NAN)),
            if whole_reads.is_empty() {
                "none".to_string()
            } else {
                whole_reads.join("; ")
            },
            mib(console_whole["wasm"].as_f64().unwrap_or(f64::NAN)),
            mib(console_whole["heap"].as_f64().unwrap_or(f64::NAN)),
            phases(js_since),
            phases(js_whole),
            if errors.is_empty() {
                String::new()
            } else {
                format!(" Errors: {}.", errors.join("; "))
            }
        ));
    }
}

/// `12.0 / 3.0 / 1.0 ms`: medians of a [`crate::bench::probe::fleet::FETCH_PARSE`] result's runs.
fn phases(result: &Value) -> String {
    let column = |key: &str| -> f64 {
        let values: Vec<f64> = result["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[key].as_f64())
            .collect();
        median(&values)
    };
    format!(
        "{:.1} / {:.1} / {:.1} ms",
        column("headers"),
        column("body"),
        column("parse")
    )
}
