//! The console against the reference backend at fleet scale: the release `rio-backend`, started
//! here on free loopback ports with `--static` (the build the bench measures), one filled with
//! `seed-fleet --deployments 100000 --devices 20000`, one with 50 deployments and 50 robots. A backend that
//! pages: the console asks for a first page of 50, then rows as the view reaches them, and
//! polls with `since=`.

use std::path::PathBuf;
use std::time::Duration;

use rio_console::ids;

use super::startup::Mark;
use super::{Bench, Breakdown, Samples, Side};
use crate::bench::report::{Met, Row, mib, ratio};
use crate::bench_backend::{self, Backend};

/// Deployments and robots in the big fleet.
pub(super) const FLEET: usize = 100_000;
const ROBOTS: usize = 20_000;
/// The small backend: the seeded world's 8 deployments and 8 devices, and 42 of a fleet's.
const SMALL_FLEET: usize = 42;
const SMALL_ROBOTS: usize = 42;
/// The wasm memory target after the list of 100,000 is loaded.
const WASM_TARGET: f64 = 30.0 * 1_048_576.0;

/// The two reference backends; stopped (and their databases removed) when dropped.
pub(super) struct Fleet {
    /// With 100,000 deployments (and the seeded world).
    pub big: Backend,
    /// With 50.
    pub small: Backend,
    /// Deployments each holds, in every phase (the API's `total` without a filter).
    pub totals: (u64, u64),
    /// How long seeding the big one took.
    seeding: Duration,
    dir: PathBuf,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Fleet {
    /// Seeds and starts both backends; what is missing when it cannot.
    async fn start() -> Result<Fleet, String> {
        let binary = bench_backend::release_binary();
        if !binary.is_file() {
            return Err(format!(
                "no release rio-backend at {} (`cargo build --release -p backend`; `make bench` \
                 builds it)",
                binary.display()
            ));
        }
        let dir = crate::workspace_root().join("target/bench/fleet");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let store = |name: &str| {
            vec![
                "--state".to_string(),
                dir.join(name).to_string_lossy().into_owned(),
            ]
        };
        eprintln!("bench: seeding the reference backend with {FLEET} deployments");
        let seeding = bench_backend::seed(&binary, &store("fleet.db"), FLEET, ROBOTS);
        bench_backend::seed(&binary, &store("small.db"), SMALL_FLEET, SMALL_ROBOTS);
        // Speed 20: a deployment the bench updates is Succeeded again within half a second.
        // Faults on: the screens take a robot offline.
        let args = |name: &str| {
            let mut args: Vec<String> = ["--speed", "20", "--enable-faults", "--static"]
                .map(String::from)
                .to_vec();
            args.push(crate::dist_dir().to_string_lossy().into_owned());
            args.extend(store(name));
            args
        };
        let (big, _) = bench_backend::spawn(&binary, &args("fleet.db")).await;
        let (small, _) = bench_backend::spawn(&binary, &args("small.db")).await;
        let total = |backend: &Backend| {
            let url = backend.url("/api/v1/deployments?limit=1");
            async move { crate::get_json(&url).await["total"].as_u64().unwrap_or(0) }
        };
        let totals = (total(&big).await, total(&small).await);
        Ok(Fleet {
            big,
            small,
            totals,
            seeding,
            dir,
        })
    }
}

impl Bench {
    /// The fleet's backends, started on first use; `None` (with a row saying why) when they
    /// cannot be.
    pub(super) async fn fleet_backends(&mut self, what: &str) -> bool {
        if self.fleet.is_none() {
            match Fleet::start().await {
                Ok(fleet) => {
                    self.report.notes.push(format!(
                        "- Fleet: the release `rio-backend` with `--static {}` and `--speed 20`, \
                         one seeded with `seed-fleet --deployments {FLEET} --devices {ROBOTS}` \
                         ({:.1} s; {} deployments in all phases, the seeded world's included), \
                         one with {} (the seeded world's 8 and `--deployments {SMALL_FLEET} \
                         --devices {SMALL_ROBOTS}`).",
                        crate::dist_dir().display(),
                        fleet.seeding.as_secs_f64(),
                        fleet.totals.0,
                        fleet.totals.1,
                    ));
                    self.fleet = Some(fleet);
                }
                Err(problem) => {
                    self.report
                        .rows
                        .push(Row::alone(what, "not measured".into(), "—", Met::No));
                    self.report
                        .notes
                        .push(format!("- {what}: not measured: {problem}"));
                    return false;
                }
            }
        }
        true
    }

    /// `path` on the big (or the small) backend.
    pub(super) fn fleet_url(&self, big: bool, path: &str) -> String {
        let fleet = self.fleet.as_ref().expect("the fleet's backends started");
        if big {
            fleet.big.url(path)
        } else {
            fleet.small.url(path)
        }
    }

    /// Measure 7: the console against the reference backend with 100,000 deployments: start-up
    /// against 50, wasm memory once the list is loaded, scrolling 10,000 rows.
    pub async fn fleet(&mut self) {
        eprintln!("bench: the reference backend with {FLEET} deployments");
        if !self
            .fleet_backends("Fleet of 100,000 (reference backend)")
            .await
        {
            return;
        }
        self.fleet_startup().await;
        self.fleet_memory().await;
        self.scrolling().await;
    }

    /// A fresh page load of the list on the big (or the small) backend, until the rows in view
    /// are painted.
    pub(super) async fn fleet_list(&self, big: bool) -> (Mark, serde_json::Value) {
        self.rows_mark(&self.fleet_url(big, "/deployments?bench_rows=screen"))
            .await
    }

    /// Navigation → the rows in view painted, 100,000 deployments against 50, page loads
    /// alternating.
    async fn fleet_startup(&mut self) {
        // The 100,000 in the console's column, the 50 in the baseline's.
        let mut samples = Samples::default();
        let mut steps = Breakdown::default();
        let warm = self.settings.warmup * 2;
        for run in 0..warm + self.per_block() * 2 {
            for (side, big) in [(Side::Console, true), (Side::Baseline, false)] {
                let (mark, page) = self.fleet_list(big).await;
                if run >= warm {
                    samples.push(side, mark.painted);
                    let end = |key: &str| page[key]["end"].as_f64();
                    steps.push("wasm loaded", side, end("wasmLoaded"));
                    steps.push("first page requested", side, page["list"]["start"].as_f64());
                    steps.push("first page received", side, end("list"));
                    steps.push("rows in the DOM", side, Some(mark.rows));
                    steps.push("painted", side, Some(mark.painted));
                }
            }
        }
        self.report.rows.push(samples.row(
            "Fleet start-up, reference backend: navigation → first rows painted (first page of \
             50), 100,000 deployments (Console column) against 50 (Baseline column)",
            Some(1.2),
        ));
        self.report.notes.push(
            samples
                .note("Fleet start-up (console column: 100,000 deployments; baseline column: 50)")
                .replace("; baseline ", "; with 50 "),
        );
        self.report.notes.push(
            steps
                .note("Fleet start-up, ms after navigation start (100,000; then 50)")
                .replace("; baseline:", "; with 50:"),
        );
        self.report.notes.push(
            "- Fleet start-up: \"first rows painted\" is every row the footer says is in view \
             present as a loaded row (not pending), then the next frame; a fresh page load each \
             run, the two backends alternating (each its own origin, both warm after the \
             warm-up runs)."
                .to_string(),
        );
    }

    /// The list footer's text ("rows 1–11 of 19,205").
    pub(super) async fn footer(&self) -> String {
        self.exec(
            &format!(
                "const f = document.querySelector('[data-testid=\"{}\"]'); \
             return f ? f.textContent.trim() : null;",
                ids::DEPLOYMENTS_FOOT
            ),
            vec![],
        )
        .await
        .as_str()
        .unwrap_or("none")
        .to_string()
    }

    /// Wasm memory once the list of 100,000 is loaded, against 50.
    async fn fleet_memory(&mut self) {
        let mut found = Vec::new();
        let mut foot = String::new();
        for big in [true, false] {
            self.fleet_list(big).await;
            if big {
                foot = self.footer().await;
            }
            tokio::time::sleep(Duration::from_millis(1_000)).await;
            found.push(self.memory_now().await);
        }
        let (heap, wasm) = found[0];
        let show = |(heap, wasm): (f64, f64)| format!("{} wasm ({} JS heap)", mib(wasm), mib(heap));
        self.report.rows.push(Row {
            measure: "Fleet memory: wasm linear memory once the list of 100,000 is loaded \
                      (Baseline column: 50)"
                .into(),
            console: show((heap, wasm)),
            baseline: show(found[1]),
            ratio: ratio(wasm, found[1].1),
            target: "≤ 30 MiB".into(),
            met: Met::when(wasm.is_finite() && wasm <= WASM_TARGET),
        });
        self.report.notes.push(format!(
            "- Fleet memory: a fresh page load of the list, 1 s after the rows in view were \
             painted (footer \"{foot}\"), after a forced full GC; wasm memory never shrinks, so \
             it is the peak so far."
        ));
    }
}
