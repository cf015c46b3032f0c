//! The initial transfer, and start-up: from navigation to the first rows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Bench, Breakdown, RUN_TIMEOUT_MS, Samples, Side};
use crate::bench::report::{Met, Row, group, kb};
use crate::bench::{breakdown, data, probe};
use crate::size;

impl Bench {
    /// What the first load transfers (raw, gzip, brotli) next to the plain-JS baseline's, a
    /// section of the report.
    pub fn transfer(&mut self) {
        let dist = crate::dist_dir();
        let files = size::initial_files(&dist)
            .unwrap_or_else(|e| panic!("read the build in {}: {e}", dist.display()));
        let sizes = size::measure(&dist, &files)
            .unwrap_or_else(|e| panic!("measure the build in {}: {e}", dist.display()));
        let size::Totals { raw, gzip, brotli } = size::totals(&sizes);
        let bench_dir = crate::workspace_root().join("bench");
        let css: Vec<PathBuf> = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "css"))
            .cloned()
            .collect();
        let mut baseline =
            size::measure(&dist, &css).unwrap_or_else(|e| panic!("measure the stylesheet: {e}"));
        baseline.extend(
            size::measure(
                &bench_dir,
                &[
                    bench_dir.join("baseline.html"),
                    bench_dir.join("baseline.js"),
                ],
            )
            .unwrap_or_else(|e| panic!("measure the baseline page: {e}")),
        );
        let base = size::totals(&baseline);
        // What index.html makes the browser fetch before the first screen, as a server that
        // sends the build's .br copies (brotli) or compresses on the fly (gzip) sends it.
        let met = Met::when(gzip <= 400_000 && brotli <= 300_000);
        self.report.rows.push(Row {
            measure: "Initial transfer, gzip (brotli, raw)".into(),
            console: format!("{} ({}, {})", kb(gzip), kb(brotli), kb(raw)),
            baseline: format!("{} ({}, {})", kb(base.gzip), kb(base.brotli), kb(base.raw)),
            ratio: "—".into(),
            target: "≤ 400 KB gzip and ≤ 300 KB brotli (stretch ≤ 200 KB brotli)".into(),
            met,
        });
        let listed: Vec<String> = sizes
            .iter()
            .map(|s| {
                format!(
                    "`{}` {} / {} / {}",
                    s.name,
                    group(s.gzip, ' '),
                    group(s.brotli, ' '),
                    group(s.raw, ' ')
                )
            })
            .collect();
        self.report.notes.push(format!(
            "- Initial transfer, bytes gzip / brotli (quality 11) / raw: {}{}. The target is judged \
             on both.",
            listed.join(", "),
            if brotli <= 200_000 {
                " (stretch target met too)"
            } else {
                ""
            }
        ));
        let worker =
            size::demo_worker_files(&dist, &files).and_then(|worker| size::measure(&dist, &worker));
        self.report.notes.push(match worker {
            Ok(worker) if worker.is_empty() => "- No demo worker in this build.".to_string(),
            Ok(worker) => {
                let w = size::totals(&worker);
                let demo = size::totals(&sizes).plus(w);
                format!(
                    "- Demo worker, loaded when demo mode starts (not in the initial transfer), \
                     bytes gzip / brotli / raw: {} / {} / {}; demo mode in all: {} / {} / {}.",
                    group(w.gzip, ' '),
                    group(w.brotli, ' '),
                    group(w.raw, ' '),
                    group(demo.gzip, ' '),
                    group(demo.brotli, ' '),
                    group(demo.raw, ' ')
                )
            }
            Err(e) => format!("- Demo worker not measured: {e}."),
        });
    }

    /// The wasm's code by crate and by page ([`breakdown`]), a section of the report; when it
    /// cannot be made (no twiggy, a failed build), a note says why and the bench goes on.
    pub fn breakdown(&mut self) {
        eprintln!("bench: size breakdown of the wasm (cargo build, wasm-bindgen, twiggy)");
        let shipped = breakdown::shipped_wasm(&crate::dist_dir());
        match breakdown::run(&crate::workspace_root(), shipped) {
            Ok(section) => self.report.sections.push(section),
            Err(problem) => {
                eprintln!("bench: no size breakdown: {problem}");
                self.report
                    .notes
                    .push(format!("- Size breakdown not made: {problem}."));
            }
        }
    }

    /// Measure 4: From navigation start to the first rows painted (the console: the rows in
    /// view; the baseline: all 50), a fresh page load each run: the deployments page, then the
    /// embeddable widget's page (`/widgets/deployments`, loaded as a dashboard's iframe loads
    /// it).
    pub async fn startup(&mut self) {
        self.startup_of(
            "/deployments?bench_rows=screen",
            "Start-up, 50 deployments: navigation → first rows painted (console: the rows in \
             view; baseline: all 50)",
            "Start-up",
        )
        .await;
        self.startup_of(
            "/widgets/deployments?bench_rows=screen",
            "Start-up of the deployments widget, 50 deployments: navigation → first rows \
             painted",
            "Widget start-up",
        )
        .await;
    }

    async fn startup_of(&mut self, console: &str, measure: &str, label: &str) {
        eprintln!("bench: {label} to the first rows");
        self.server.set_items(data::deployments(50));
        let mut samples = Samples::default();
        let mut steps = Breakdown::default();
        let warm = self.settings.warmup * 2;
        for run in 0..warm + self.per_block() * 2 {
            for side in Side::BOTH {
                let path = match side {
                    Side::Console => console,
                    Side::Baseline => "/bench/baseline.html?auto&bench_rows=50",
                };
                let (mark, page) = self.rows_mark(&self.server.url(path)).await;
                if run >= warm {
                    samples.push(side, mark.painted);
                    let end = |key: &str| page[key]["end"].as_f64();
                    steps.push("wasm loaded", side, end("wasmLoaded"));
                    steps.push("config.json loaded", side, end("config"));
                    steps.push("list requested", side, page["list"]["start"].as_f64());
                    steps.push("answer received", side, end("list"));
                    steps.push("rows in the DOM", side, Some(mark.rows));
                    steps.push("painted", side, Some(mark.painted));
                }
            }
        }
        self.report.rows.push(samples.row(measure, Some(1.5)));
        self.report.notes.push(samples.note(&format!(
            "{label} (a repeat visit: the HTTP cache and Chromium's compiled-wasm cache are warm)"
        )));
        self.report
            .notes
            .push(steps.note(&format!("{label}, ms after navigation start")));
    }

    /// Opens `url` (with `bench_rows` in its query, see [`probe::on_new_document`]) and waits
    /// for the probe's marks: when the wanted rows were there and the frame after, in
    /// `performance.now()` from the navigation's start; and the page's state then (see
    /// [`probe::PAGE_STATE`]).
    pub(super) async fn rows_mark(&self, url: &str) -> (Mark, Value) {
        self.browser.goto(url).await;
        let deadline = Instant::now() + Duration::from_millis(RUN_TIMEOUT_MS);
        loop {
            let state = self.exec(probe::PAGE_STATE, vec![]).await;
            if let (Some(rows), Some(painted)) =
                (state["rowsAt"].as_f64(), state["paintedAt"].as_f64())
            {
                return (Mark { rows, painted }, state);
            }
            if Instant::now() > deadline {
                panic!("the rows never came at {}", self.browser.path().await);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// When a page load showed its rows, in ms after the navigation started.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    /// The wanted rows were in the DOM.
    pub rows: f64,
    /// The frame after (style, layout and paint).
    pub painted: f64,
}
