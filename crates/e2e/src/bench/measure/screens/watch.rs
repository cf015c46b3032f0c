//! The fleet screens left open or moved: the rollout page's polls while its targets do not
//! change, a jump to row 50,000 of the list, and demo mode left idle with the list open.

use std::time::Duration;

use rio_console::ids;
use serde_json::json;

use super::{Named, POLL_WATCH, kb, screens, tid, until};
use crate::bench::measure::Bench;
use crate::bench::report::{Met, Row, median, ms};

impl Bench {
    /// The rollout page left open on a running rollout whose targets no longer change: the
    /// bytes of each poll (the summary and the targets' changes).
    pub(super) async fn rollout_polls(&mut self, named: &Named) {
        let path = format!("/rollouts/{}", named.rollout);
        self.browser.goto(&self.fleet_url(true, &path)).await;
        let screen = screens()
            .into_iter()
            .find(|s| s.path == "/rollouts/{rollout}");
        if let Some(screen) = screen {
            self.exec_async(&until(&screen.usable), vec![]).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        self.exec("performance.clearResourceTimings(); return null", vec![])
            .await;
        tokio::time::sleep(POLL_WATCH).await;
        let entries = self
            .exec(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/')).map(e => [e.name, e.encodedBodySize || 0, e.transferSize || 0])",
                vec![],
            )
            .await;
        let wire: f64 = entries
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[2].as_f64())
            .sum();
        // A poll: one read of the summary, and the read of the targets' changes after it.
        let mut polls: Vec<f64> = Vec::new();
        for entry in entries.as_array().into_iter().flatten() {
            let name = entry[0].as_str().unwrap_or_default();
            let size = entry[1].as_f64().unwrap_or(0.0);
            if name.contains("/targets") {
                if let Some(last) = polls.last_mut() {
                    *last += size;
                }
            } else if name.contains("/rollouts/") {
                polls.push(size);
            }
        }
        let largest = polls.iter().copied().fold(0.0, f64::max);
        let summary =
            crate::get_json(&self.fleet_url(true, &format!("/api/v1/rollouts/{}", named.rollout)))
                .await;
        self.report.notes.push(format!(
            "- Rollout polls: the page open on rollout {} (state {}, counts {}) for {} s; a poll is a \
             read of its summary and the read of its targets' changes after it; bytes as above, \
             with `transferSize` (on the wire, a 304 counts its headers) {} in all.",
            named.rollout,
            summary["state"],
            summary["counts"],
            POLL_WATCH.as_secs(),
            kb(wire),
        ));
        self.report.rows.push(Row::alone(
            "Rollout page polling a running rollout whose targets do not change: bytes per poll \
             (median / largest)",
            format!(
                "{} / {} ({} polls in {} s)",
                kb(median(&polls)),
                kb(largest),
                polls.len(),
                POLL_WATCH.as_secs()
            ),
            "≤ 10 KB",
            Met::when(!polls.is_empty() && largest <= 10_000.0),
        ));
    }

    /// The list of 100,000 scrolled at once to row 50,000: requests until its rows are shown,
    /// and how long.
    pub(super) async fn far_jump(&mut self) {
        self.browser
            .goto(&self.fleet_url(true, "/deployments"))
            .await;
        let screen = screens().into_iter().find(|s| s.path == "/deployments");
        if let Some(screen) = screen {
            self.exec_async(&until(&screen.usable), vec![]).await;
        }
        let script = format!(
            r#"
const done = arguments[arguments.length - 1];
const scroller = document.querySelector('{table}').closest('.table-scroll');
const asked = window.__bench.fetches.length;
const started = performance.now();
scroller.scrollTop = 50000 * 56;
const check = () => {{
  const row = document.querySelector('{row}[data-index="50003"]');
  if (row && !document.querySelector('{pending}')) {{
    requestAnimationFrame(() => done({{ at: performance.now() - started, requests: window.__bench.fetches.length - asked }}));
  }} else if (performance.now() - started > 30000) {{
    done({{ error: "row 50,003 never came", requests: window.__bench.fetches.length - asked }});
  }} else {{
    requestAnimationFrame(check);
  }}
}};
requestAnimationFrame(check);
"#,
            table = tid(ids::DEPLOYMENTS_TABLE),
            row = tid(ids::DEPLOYMENT_ROW),
            pending = tid(ids::PENDING_ROW),
        );
        let result = self.exec_async(&script, vec![]).await;
        let requests = result["requests"].as_u64().unwrap_or(u64::MAX);
        let at = result["at"].as_f64().unwrap_or(f64::NAN);
        self.report.rows.push(Row::alone(
            "Jump to row 50,000 of 100,000 (scrollTop set at once): requests and time until its \
             rows are painted",
            format!("{requests} request(s), {}", ms(at)),
            "≤ 2 requests, ≤ 1 s",
            Met::when(requests <= 2 && at <= 1_000.0),
        ));
        if let Some(error) = result["error"].as_str() {
            self.report
                .notes
                .push(format!("- Jump to row 50,000: {error}"));
        }
    }

    /// Demo mode left idle for a window with the deployments list open: the list requests its
    /// worker answered (none is the target).
    pub async fn demo_idle(&mut self) {
        eprintln!("bench: demo mode idle");
        self.open("/deployments?demo=1").await;
        let screen = screens().into_iter().find(|s| s.path == "/deployments");
        if let Some(screen) = screen {
            self.exec_async(&until(&screen.usable), vec![]).await;
        }
        // Whatever was moving in the demo's seed settles first.
        tokio::time::sleep(Duration::from_secs(20)).await;
        let before = self
            .exec("return window.__bench.workerRequests.length", vec![])
            .await
            .as_u64()
            .unwrap_or(0);
        tokio::time::sleep(self.settings.window).await;
        let requests = self
            .exec(
                "return window.__bench.workerRequests.slice(arguments[0]).filter(r => r.path.startsWith('/deployments')).length",
                vec![json!(before)],
            )
            .await
            .as_u64()
            .unwrap_or(u64::MAX);
        let per_minute = self.settings.per_minute(requests as usize);
        self.report.rows.push(Row::alone(
            "Demo mode idle with the deployments list open: list requests per minute",
            format!("{per_minute:.0}"),
            "0",
            Met::when(requests == 0),
        ));
    }
}
