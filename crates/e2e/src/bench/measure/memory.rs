//! Memory: the JS heap after a full collection and the wasm instance's linear memory, each
//! side in a browser of its own, against the bench's whole-list server.

use std::time::Duration;

use serde_json::json;

use super::{Bench, Side, VISITS};
use crate::bench::report::{Met, Row, mib, ratio};
use crate::bench::{data, probe};

impl Bench {
    /// The JS heap in use after a full collection (DevTools' `Runtime.getHeapUsage`, else
    /// `performance.memory`), and the wasm linear memory, in bytes.
    pub(super) async fn memory_now(&self) -> (f64, f64) {
        self.collect_garbage().await;
        let heap = match self
            .browser
            .try_cdp("Runtime.getHeapUsage", json!({}))
            .await
        {
            Ok(usage) => usage["usedSize"].as_f64().unwrap_or(f64::NAN),
            Err(_) => self
                .exec(
                    "return performance.memory ? performance.memory.usedJSHeapSize : null;",
                    vec![],
                )
                .await
                .as_f64()
                .unwrap_or(f64::NAN),
        };
        let wasm = self.exec(probe::PAGE_STATE, vec![]).await["wasm"]
            .as_f64()
            .unwrap_or(f64::NAN);
        (heap, wasm)
    }

    /// Measure 6: Memory after load, with a list of 1,000, after ten visits to it, and with a
    /// list of 10,000 (report only; the console holds the whole list and makes the rows in
    /// view, the baseline makes every row).
    pub async fn memory(&mut self) {
        eprintln!("bench: memory");
        let mut found: [Vec<(f64, f64)>; 2] = Default::default();
        // Per side and visit to the list of 1,000: ms to leave it, and memory once left.
        let mut visits: [Vec<(f64, (f64, f64))>; 2] = Default::default();
        for side in Side::BOTH {
            // A browser of its own: nothing of the other side (or the back-forward cache) in
            // the heap.
            let own = Bench::browser().await;
            let kept = std::mem::replace(&mut self.browser, own);
            let go = self.open_before_table(side).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            found[side.index()].push(self.memory_now().await);
            self.server.set_items(data::deployments(1_000));
            for visit in 0..VISITS {
                self.render_once(side, go, 1_000).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                if visit == 0 {
                    found[side.index()].push(self.memory_now().await);
                }
                let gone = self.leave_table(side).await.unwrap_or(f64::NAN);
                visits[side.index()].push((gone, self.memory_now().await));
            }
            if let Some((_, memory)) = visits[side.index()].last() {
                found[side.index()].push(*memory);
            }
            self.server.set_items(data::deployments(10_000));
            self.render_once(side, go, 10_000).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            found[side.index()].push(self.memory_now().await);
            self.leave_table(side).await;
            std::mem::replace(&mut self.browser, kept).close().await;
        }
        let show = |(heap, wasm): (f64, f64)| {
            if wasm.is_finite() {
                format!("{} JS + {} wasm", mib(heap), mib(wasm))
            } else {
                format!("{} JS", mib(heap))
            }
        };
        let after_visits = format!("after {VISITS} visits to the list of 1,000, left");
        for (i, what) in [
            "after load",
            "with a list of 1,000",
            after_visits.as_str(),
            "with a list of 10,000",
        ]
        .iter()
        .enumerate()
        {
            let (console, baseline) = (found[0][i], found[1][i]);
            let total = |(heap, wasm): (f64, f64)| heap + if wasm.is_finite() { wasm } else { 0.0 };
            self.report.rows.push(Row {
                measure: format!("Memory {what} (JS heap + wasm linear memory)"),
                console: show(console),
                baseline: show(baseline),
                ratio: ratio(total(console), total(baseline)),
                target: "report only".into(),
                met: Met::Info,
            });
        }
        self.report.notes.push(
            "- Memory: used JS heap after a forced full GC (DevTools `Runtime.getHeapUsage`), plus the \
             wasm instance's linear memory (`memory.buffer.byteLength`, kept by wrapping \
             `WebAssembly.instantiateStreaming`; it never shrinks, so it is the peak so far). Each \
             side in a browser of its own: the start page (the console's Error codes, the \
             baseline's empty page), the list of 1,000 shown and left ten times, then a list of \
             10,000 (the console holds the whole list, the rows in view in the DOM; the baseline \
             every row)."
                .to_string(),
        );
        // One visit: ms to leave the list, then (JS heap, wasm memory) in bytes.
        type Visit = (f64, (f64, f64));
        for side in Side::BOTH {
            let list = |f: &dyn Fn(&Visit) -> f64, unit: f64| {
                visits[side.index()]
                    .iter()
                    .map(|v| format!("{:.1}", f(v) / unit))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let wasm = if visits[side.index()].iter().any(|v| v.1.1.is_finite()) {
                format!("; wasm MiB [{}]", list(&|v| v.1.1, 1_048_576.0))
            } else {
                String::new()
            };
            self.report.notes.push(format!(
                "- Visits 1–{VISITS} to the list of 1,000, {}: ms to leave it [{}]; JS heap MiB \
                 once left [{}]{wasm}",
                side.name(),
                list(&|v| v.0, 1.0),
                list(&|v| v.1.0, 1_048_576.0),
            ));
        }
    }
}
