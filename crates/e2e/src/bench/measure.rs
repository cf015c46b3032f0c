//! Each measure of the bench: the console and the baseline driven the same way in one browser
//! session, timed in the page, requests counted at the server, and the result written as rows
//! and notes of the report.
//!
//! Timed runs come in two blocks per side, interleaved (console, baseline, console, baseline),
//! each block after its own warm-up runs, so a machine that gets busier half-way through
//! weighs on both sides.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use fantoccini::wd::TimeoutConfiguration;
use platform::phase::{Phase, Status};
use platform::time::Millis;
use platform::wire::Deployment;
use serde_json::{Map, Value, json};

use super::report::{Met, Report, Row, group, kb, median, mib, ms, ratio, spread};
use super::server::{Answer, BenchServer};
use super::{Settings, data, probe};
use crate::{Browser, size};

/// The console's navigation links, and the baseline's buttons, that runs click.
const TO_DEPLOYMENTS: &str = r#"a.nav-link[href="/deployments"]"#;
const TO_ERROR_CODES: &str = r#"a.nav-link[href="/error-codes"]"#;
const LOAD: &str = "#load";
const CLEAR: &str = "#clear";
/// Longest a script may take in the page (10,000 rows on a busy machine).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);
/// Visits to the 1,000-row list in the memory measure (a leak grows with them).
const VISITS: usize = 10;
/// Longest a run waits for rows, in page milliseconds.
const RUN_TIMEOUT_MS: u64 = 120_000;
/// The page a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Console,
    Baseline,
}

impl Side {
    const BOTH: [Side; 2] = [Side::Console, Side::Baseline];

    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            Side::Console => "console",
            Side::Baseline => "baseline",
        }
    }
}

/// Samples of one figure, per side.
#[derive(Debug, Default)]
struct Samples([Vec<f64>; 2]);

impl Samples {
    fn push(&mut self, side: Side, value: f64) {
        self.0[side.index()].push(value);
    }

    fn median(&self, side: Side) -> f64 {
        median(&self.0[side.index()])
    }

    /// A row comparing the medians, met when the ratio is at most `target` (none: report only).
    fn row(&self, measure: &str, target: Option<f64>) -> Row {
        let (console, baseline) = (self.median(Side::Console), self.median(Side::Baseline));
        let r = console / baseline;
        Row {
            measure: measure.to_string(),
            console: ms(console),
            baseline: ms(baseline),
            ratio: ratio(console, baseline),
            target: target.map_or("—".into(), |t| format!("≤ {t}×")),
            met: target.map_or(Met::Info, |t| Met::when(r.is_finite() && r <= t)),
        }
    }

    /// The spread of each side, and its runs in the order they ran.
    fn note(&self, measure: &str) -> String {
        let runs = |side: Side| {
            let runs: Vec<String> = self.0[side.index()]
                .iter()
                .map(|x| format!("{x:.0}"))
                .collect();
            format!("{} [{}]", spread(&self.0[side.index()]), runs.join(", "))
        };
        format!(
            "- {measure}: console {}; baseline {}",
            runs(Side::Console),
            runs(Side::Baseline)
        )
    }
}

/// Where the time of a figure goes: named milestones per side, as medians.
#[derive(Debug, Default)]
struct Breakdown(Vec<(&'static str, Samples)>);

impl Breakdown {
    fn push(&mut self, what: &'static str, side: Side, value: Option<f64>) {
        let Some(value) = value else { return };
        match self.0.iter_mut().find(|(name, _)| *name == what) {
            Some((_, samples)) => samples.push(side, value),
            None => {
                let mut samples = Samples::default();
                samples.push(side, value);
                self.0.push((what, samples));
            }
        }
    }

    /// `- {measure}, medians: console: a 1.0 ms, b 2.0 ms; baseline: a 0.5 ms`.
    fn note(&self, measure: &str) -> String {
        let side = |side: Side| {
            let parts: Vec<String> = self
                .0
                .iter()
                .filter(|(_, samples)| !samples.0[side.index()].is_empty())
                .map(|(name, samples)| format!("{name} {}", ms(samples.median(side))))
                .collect();
            if parts.is_empty() {
                "—".to_string()
            } else {
                parts.join(", ")
            }
        };
        format!(
            "- {measure}, medians: console: {}; baseline: {}",
            side(Side::Console),
            side(Side::Baseline)
        )
    }
}

/// The browser, the server and the report being written.
pub struct Bench {
    browser: Browser,
    server: BenchServer,
    settings: Settings,
    /// What the measures found so far.
    pub report: Report,
    /// Poll-tick runs so far (each flips another tenth of the rows).
    flips: usize,
    /// The machine's load average when the bench started.
    load_at_start: String,
}

impl Bench {
    /// Starts the server and the browser.
    pub async fn start(settings: Settings) -> Bench {
        let server =
            BenchServer::start(&crate::dist_dir(), &crate::workspace_root().join("bench")).await;
        Bench {
            browser: Bench::browser().await,
            server,
            settings,
            report: Report::default(),
            flips: 0,
            load_at_start: load_average(),
        }
    }

    /// A new browser with long script timeouts and the probe installed for every document.
    async fn browser() -> Browser {
        let browser = Browser::start().await;
        browser
            .client()
            .update_timeouts(TimeoutConfiguration::new(
                Some(SCRIPT_TIMEOUT),
                Some(SCRIPT_TIMEOUT),
                None,
            ))
            .await
            .unwrap_or_else(|e| panic!("set the WebDriver timeouts: {e}"));
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": probe::ON_NEW_DOCUMENT }),
            )
            .await;
        browser
    }

    /// Runs `script` (a function body) in the page.
    async fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        crate::page::run(&self.browser, script, args).await
    }

    /// Runs `script` (a function body ending by calling its last argument) in the page.
    async fn exec_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.browser
            .client()
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn open(&self, path: &str) {
        self.browser.goto(&self.server.url(path)).await;
    }

    /// A full garbage collection, so one run's garbage is not collected during the next.
    async fn collect_garbage(&self) {
        let _ = self
            .browser
            .try_cdp("HeapProfiler.collectGarbage", json!({}))
            .await;
    }

    /// Waits for `n` rows (a setup step: panics, saying so, when they never come).
    async fn wait_rows(&self, n: usize) {
        let result = self
            .exec_async(&probe::wait_rows(), vec![json!(n), json!(RUN_TIMEOUT_MS)])
            .await;
        if let Some(error) = result["error"].as_str() {
            panic!(
                "waiting for {n} rows at {}: {error} ({} rows)",
                self.browser.path().await,
                result["rows"]
            );
        }
    }

    /// Leaves the table (the console to Error codes, the baseline's Clear) and waits until it
    /// is gone.
    async fn leave_table(&self, side: Side) -> Option<f64> {
        let back = match side {
            Side::Console => TO_ERROR_CODES,
            Side::Baseline => CLEAR,
        };
        let result = self
            .exec_async(&probe::clear(), vec![json!(back), json!(RUN_TIMEOUT_MS)])
            .await;
        if let Some(error) = result["error"].as_str() {
            panic!("leaving the table ({}): {error}", side.name());
        }
        result["gone"].as_f64()
    }

    /// Opens the page a render run starts from, and returns what to click.
    async fn open_before_table(&self, side: Side) -> &'static str {
        let (path, go) = match side {
            Side::Console => ("/error-codes", TO_DEPLOYMENTS),
            Side::Baseline => ("/bench/baseline.html", LOAD),
        };
        self.open(path).await;
        self.browser.wait_css(go).await;
        go
    }

    /// Clicks `go` and times until `n` rows are there (see [`probe::render`]); panics, saying
    /// so, when they never come.
    async fn render_once(&self, side: Side, go: &str, n: usize) -> Value {
        let result = self
            .exec_async(
                &probe::render(),
                vec![json!(go), json!(n), json!(RUN_TIMEOUT_MS)],
            )
            .await;
        if let Some(error) = result["error"].as_str() {
            panic!(
                "render {n} rows ({}): {error}, {} rows",
                side.name(),
                result["rows"]
            );
        }
        result
    }

    /// Timed runs per block (two blocks per side).
    fn per_block(&self) -> usize {
        self.settings.runs.div_ceil(2)
    }

    /// The header: date, machine, browser, settings, how to reproduce. Needs a page open.
    pub async fn environment(&self, took: Duration) -> Vec<String> {
        let version = match self.browser.try_cdp("Browser.getVersion", json!({})).await {
            Ok(v) => v["product"].as_str().unwrap_or_default().to_string(),
            Err(e) => format!("unknown ({e})"),
        };
        let page = self.exec(probe::PAGE_STATE, vec![]).await;
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, name)| name.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let s = self.settings;
        vec![
            format!("- Date: {} (UTC)", Millis(now).to_rfc3339()),
            format!(
                "- Browser: {version}, headless (`navigator.hardwareConcurrency` {})",
                page["hardwareConcurrency"]
            ),
            format!(
                "- Machine: {cpu}, {cores} cores; load average (1, 5, 15 min) at the start {}, at \
                 the end {} (other work on the machine slows both sides)",
                self.load_at_start,
                load_average()
            ),
            format!("- Build: {}", crate::dist_dir().display()),
            format!(
                "- Runs: every timing is the median of {} runs per side after {} warm-up runs \
                 (renders and poll ticks: two blocks of {} timed runs per side, each after {} \
                 warm-up runs, console and baseline blocks alternating; start-up: console and \
                 baseline page loads alternating); request rates over {} s windows, scaled to \
                 a minute",
                self.per_block() * 2,
                s.warmup * 2,
                self.per_block(),
                s.warmup,
                s.window.as_secs()
            ),
            format!("- The whole bench took {:.1} min", took.as_secs_f64() / 60.0),
            "- Reproduce: `make bench` (release build, then this report in `target/bench/report.md`); \
             quicker and rougher: `RIO_BENCH_WINDOW_SECS=10 RIO_BENCH_RUNS=4 cargo run -p rio-e2e \
             --bin bench [transfer startup render ticks memory network]` (a window under 15 s \
             cannot see the stable 15 s polls)"
                .to_string(),
            String::new(),
            "Speed figures are ratios to a plain-JavaScript page (`bench/baseline.html`) doing the same \
             work in the same browser session; milliseconds are for context only. Nothing is asserted."
                .to_string(),
        ]
    }

    /// Measure 1: What the first page load transfers, gzip and raw.
    pub fn transfer(&mut self) {
        let dist = crate::dist_dir();
        let files = size::initial_files(&dist)
            .unwrap_or_else(|e| panic!("read the build in {}: {e}", dist.display()));
        let sizes = size::measure(&dist, &files)
            .unwrap_or_else(|e| panic!("measure the build in {}: {e}", dist.display()));
        let (raw, gzip) = size::totals(&sizes);
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
        let (base_raw, base_gzip) = size::totals(&baseline);
        let met = if gzip <= 150_000 {
            Met::Yes
        } else {
            Met::when(gzip <= 200_000)
        };
        self.report.rows.push(Row {
            measure: "Initial transfer, gzip (raw)".into(),
            console: format!("{} ({})", kb(gzip), kb(raw)),
            baseline: format!("{} ({})", kb(base_gzip), kb(base_raw)),
            ratio: "—".into(),
            target: "≤ 200 KB (stretch ≤ 150 KB)".into(),
            met,
        });
        let listed: Vec<String> = sizes
            .iter()
            .map(|s| {
                format!(
                    "`{}` {} / {}",
                    s.name,
                    group(s.gzip, ' '),
                    group(s.raw, ' ')
                )
            })
            .collect();
        self.report.notes.push(format!(
            "- Initial transfer, bytes gzip / raw: {}{}. Brotli not measured: no brotli crate in \
             Cargo.lock.",
            listed.join(", "),
            if gzip <= 150_000 {
                " (stretch target met too)"
            } else {
                ""
            }
        ));
    }

    /// Measure 4: From navigation start to 50 rows in the DOM, a fresh page load each run.
    pub async fn startup(&mut self) {
        eprintln!("bench: start-up to 50 rows");
        self.server.set_items(data::deployments(50));
        let mut samples = Samples::default();
        let mut steps = Breakdown::default();
        let warm = self.settings.warmup * 2;
        for run in 0..warm + self.per_block() * 2 {
            for side in Side::BOTH {
                let path = match side {
                    Side::Console => "/deployments?bench_rows=50",
                    Side::Baseline => "/bench/baseline.html?auto&bench_rows=50",
                };
                self.open(path).await;
                let (at, page) = self.rows_mark().await;
                if run >= warm {
                    samples.push(side, at);
                    let end = |key: &str| page[key]["end"].as_f64();
                    steps.push("wasm loaded", side, end("wasmLoaded"));
                    steps.push("config.json loaded", side, end("config"));
                    steps.push("list requested", side, page["list"]["start"].as_f64());
                    steps.push("answer received", side, end("list"));
                    steps.push("50 rows", side, Some(at));
                }
            }
        }
        self.report
            .rows
            .push(samples.row("Start-up: navigation → 50 rows in the DOM", Some(2.0)));
        self.report.notes.push(samples.note(
            "Start-up (a repeat visit: the HTTP cache and Chromium's compiled-wasm cache are warm)",
        ));
        self.report
            .notes
            .push(steps.note("Start-up, ms after navigation start"));
    }

    /// The probe's `performance.now()` when the wanted rows were there (after a navigation),
    /// and the page's state then (see [`probe::PAGE_STATE`]).
    async fn rows_mark(&self) -> (f64, Value) {
        let deadline = Instant::now() + Duration::from_millis(RUN_TIMEOUT_MS);
        loop {
            let state = self.exec(probe::PAGE_STATE, vec![]).await;
            if let Some(at) = state["rowsAt"].as_f64() {
                return (at, state);
            }
            if Instant::now() > deadline {
                panic!("the rows never came at {}", self.browser.path().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Measure 2: From a click to `n` rows: the console navigating to its list, the baseline
    /// fetching and building the table.
    pub async fn render(&mut self, n: usize, target: f64) {
        eprintln!("bench: render {n} rows");
        self.server.set_items(data::deployments(n));
        let (mut dom, mut frame) = (Samples::default(), Samples::default());
        let mut steps = Breakdown::default();
        // Every run, warm-up included: a cost that grows with visits shows here.
        let mut leaving = Samples::default();
        for _block in 0..2 {
            for side in Side::BOTH {
                let go = self.open_before_table(side).await;
                for run in 0..self.settings.warmup + self.per_block() {
                    self.collect_garbage().await;
                    let result = self.render_once(side, go, n).await;
                    let gone = self.leave_table(side).await;
                    leaving.push(side, gone.unwrap_or(f64::NAN));
                    eprintln!(
                        "bench:   {} run {run}: rows {} ms, frame {} ms, left in {} ms",
                        side.name(),
                        result["dom"],
                        result["frame"],
                        gone.unwrap_or(f64::NAN)
                    );
                    if run >= self.settings.warmup {
                        dom.push(side, result["dom"].as_f64().unwrap_or(f64::NAN));
                        frame.push(side, result["frame"].as_f64().unwrap_or(f64::NAN));
                        steps.push("list requested", side, result["requested"].as_f64());
                        steps.push("answer received", side, result["received"].as_f64());
                        steps.push("rows in the DOM", side, result["dom"].as_f64());
                        steps.push("next frame", side, result["frame"].as_f64());
                        steps.push("(then leaving: table gone after)", side, gone);
                    }
                }
            }
        }
        let label = group(n, ',');
        self.report.rows.push(dom.row(
            &format!("Render {label} rows: click → rows in the DOM"),
            Some(target),
        ));
        self.report.rows.push(frame.row(
            &format!("Render {label} rows: click → next frame painted"),
            None,
        ));
        self.report
            .notes
            .push(dom.note(&format!("Render {label} rows, to the DOM")));
        self.report
            .notes
            .push(frame.note(&format!("Render {label} rows, to the next frame")));
        self.report
            .notes
            .push(steps.note(&format!("Render {label} rows, ms after the click")));
        self.report.notes.push(leaving.note(&format!(
            "Leaving the {label} rows after each run, warm-up runs included, in run order \
             (each block starts from a fresh page load)"
        )));
    }

    /// Flips the phase of every tenth row (another tenth each run) at the server; returns the
    /// phase each flipped row should show.
    fn flip(&mut self, count: usize) -> Map<String, Value> {
        let mut items: Vec<Deployment> = self.server.items();
        let step = (items.len() / count.max(1)).max(1);
        let offset = self.flips % step;
        self.flips += 1;
        let mut expect = Map::new();
        for d in items.iter_mut().skip(offset).step_by(step).take(count) {
            d.phase = data::flipped(&d.phase);
            expect.insert(d.deployment_id.clone(), json!(d.phase.label()));
        }
        self.server.set_items(items);
        expect
    }

    /// Measure 3: Poll ticks with 1,000 rows: one that changes nothing, and one where 100 rows change
    /// phase.
    pub async fn ticks(&mut self) {
        eprintln!("bench: poll ticks with 1,000 rows");
        let n = 1_000;
        self.server.set_items(data::deployments(n));
        let mut changed = Samples::default();
        let mut steps = Breakdown::default();
        let mut quiet_steps = Breakdown::default();
        // Per side: the most records a no-change tick made (table, rest of the page), the
        // records of the changing ticks, requests per tick at the server.
        let mut quiet: [Vec<Value>; 2] = Default::default();
        let mut loud: [Vec<Value>; 2] = Default::default();
        let mut requests: [Vec<usize>; 2] = Default::default();
        for _block in 0..2 {
            for side in Side::BOTH {
                self.open(match side {
                    Side::Console => "/deployments",
                    Side::Baseline => "/bench/baseline.html?auto",
                })
                .await;
                self.wait_rows(n).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
                for _ in 0..2 {
                    let before = self.server.list_requests();
                    let result = self.tick(None).await;
                    quiet_steps.push("answer received", side, result["received"].as_f64());
                    quiet_steps.push("long tasks", side, result["busy"].as_f64());
                    requests[side.index()].push(self.server.list_requests() - before);
                    quiet[side.index()].push(result);
                }
                for run in 0..self.settings.warmup + self.per_block() {
                    let expect = self.flip(100);
                    let before = self.server.list_requests();
                    let result = self.tick(Some(expect)).await;
                    requests[side.index()].push(self.server.list_requests() - before);
                    if run >= self.settings.warmup {
                        changed.push(side, result["changed"].as_f64().unwrap_or(f64::NAN));
                        steps.push("answer received", side, result["received"].as_f64());
                        steps.push("all 100 shown", side, result["changed"].as_f64());
                        steps.push("long tasks", side, result["busy"].as_f64());
                    }
                    loud[side.index()].push(result);
                }
            }
        }
        let most = |results: &[Value], key: &str| {
            results
                .iter()
                .map(|r| r[key].as_u64().unwrap_or(u64::MAX))
                .max()
                .unwrap_or(0)
        };
        let (c, b) = (Side::Console.index(), Side::Baseline.index());
        let quiet_console = most(&quiet[c], "table");
        self.report.rows.push(Row {
            measure: "Poll tick, nothing changed (1,000 rows): DOM mutations in the table".into(),
            console: format!(
                "{quiet_console} (rest of the page: {})",
                most(&quiet[c], "outside")
            ),
            baseline: format!(
                "{} (rest of the page: {})",
                most(&quiet[b], "table"),
                most(&quiet[b], "outside")
            ),
            ratio: "—".into(),
            target: "0".into(),
            met: Met::when(quiet_console == 0),
        });
        let per_tick = |results: &[Value]| {
            let mean = |key: &str| {
                results
                    .iter()
                    .map(|r| r[key].as_u64().unwrap_or(0))
                    .sum::<u64>() as f64
                    / results.len().max(1) as f64
            };
            (
                mean("table"),
                mean("expectedPhase"),
                mean("expectedOther"),
                mean("otherRows"),
            )
        };
        let (total, phase, other_cells, other_rows) = per_tick(&loud[c]);
        let describe = |(total, phase, other_cells, other_rows): (f64, f64, f64, f64)| {
            format!(
                "{total:.0} per tick: {phase:.0} in the phase cells, {other_cells:.0} elsewhere in those rows, {other_rows:.0} in other rows"
            )
        };
        self.report.rows.push(Row {
            measure: "Poll tick, 100 rows change phase: DOM mutations".into(),
            console: describe((total, phase, other_cells, other_rows)),
            baseline: describe(per_tick(&loud[b])),
            ratio: "—".into(),
            target: "only in those 100 rows".into(),
            met: Met::when(other_rows == 0.0 && total > 0.0),
        });
        self.report.rows.push(changed.row(
            "Poll tick, 100 rows change phase: trigger → all 100 shown",
            Some(1.2),
        ));
        self.report.notes.push(changed.note(
            "Poll tick with 100 changes (trigger: an `online` event; both pages fetch at once on it)",
        ));
        self.report
            .notes
            .push(steps.note("Poll tick with 100 changes, ms after the trigger"));
        self.report.notes.push(quiet_steps.note(
            "Poll tick with no change, ms after the trigger (long tasks: main-thread tasks over \
             50 ms, summed)",
        ));
        for side in Side::BOTH {
            let i = side.index();
            let all: Vec<&Value> = quiet[i].iter().chain(loud[i].iter()).collect();
            let mut kinds = Map::new();
            for result in &all {
                if let Some(map) = result["kinds"].as_object() {
                    for (kind, count) in map {
                        let sum = kinds.get(kind).and_then(Value::as_u64).unwrap_or(0)
                            + count.as_u64().unwrap_or(0);
                        kinds.insert(kind.clone(), json!(sum));
                    }
                }
            }
            let kinds: Vec<String> = kinds
                .iter()
                .map(|(kind, count)| format!("{kind} ×{count}"))
                .collect();
            let errors: Vec<&str> = all.iter().filter_map(|r| r["error"].as_str()).collect();
            self.report.notes.push(format!(
                "- Poll ticks, {}: requests at the server per tick {:?}; mutation records over all {} ticks: {}{}",
                side.name(),
                requests[i],
                all.len(),
                if kinds.is_empty() {
                    "none".into()
                } else {
                    kinds.join(", ")
                },
                if errors.is_empty() {
                    String::new()
                } else {
                    format!("; errors: {}", errors.join(", "))
                }
            ));
        }
    }

    /// One poll tick (see [`probe::tick`]).
    async fn tick(&self, expect: Option<Map<String, Value>>) -> Value {
        let expect = expect.map_or(Value::Null, Value::Object);
        let settle = if expect.is_null() { 600 } else { 300 };
        self.exec_async(
            &probe::tick(),
            vec![expect, json!(settle), json!(RUN_TIMEOUT_MS)],
        )
        .await
    }

    /// The JS heap in use after a full collection (DevTools' `Runtime.getHeapUsage`, else
    /// `performance.memory`), and the wasm linear memory.
    async fn memory_now(&self) -> (f64, f64) {
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

    /// Measure 6: Memory after load, with 1,000 rows, after ten visits to them, and with
    /// 10,000 rows (report only).
    pub async fn memory(&mut self) {
        eprintln!("bench: memory");
        let mut found: [Vec<(f64, f64)>; 2] = Default::default();
        // Per side and visit to the 1,000-row list: ms to leave it, and memory once left.
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
        let after_visits = format!("after {VISITS} visits to the 1,000-row list, left");
        for (i, what) in [
            "after load",
            "with 1,000 rows",
            after_visits.as_str(),
            "with 10,000 rows",
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
             baseline's empty page), the 1,000-row list shown and left ten times, then 10,000 rows."
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
                "- Visits 1–{VISITS} to the 1,000-row list, {}: ms to leave it [{}]; JS heap MiB \
                 once left [{}]{wasm}",
                side.name(),
                list(&|v| v.0, 1.0),
                list(&|v| v.1.0, 1_048_576.0),
            ));
        }
    }

    /// Counts the requests of one window at the server (and the API requests the page
    /// started) and reports them per minute; `ok(per_minute, started_by_the_page)` says whether
    /// that meets `target`.
    async fn rate(&mut self, measure: &str, target: &str, ok: impl Fn(f64, usize) -> bool) {
        let fetches = |state: &Value| state["fetches"].as_u64().unwrap_or(0) as usize;
        let server_before = self.server.list_requests();
        let page_before = fetches(&self.exec(probe::FETCHES, vec![]).await);
        tokio::time::sleep(self.settings.window).await;
        let server = self.server.list_requests() - server_before;
        let page = fetches(&self.exec(probe::FETCHES, vec![]).await) - page_before;
        let per_minute = self.settings.per_minute(server);
        let page_note = if page == server {
            String::new()
        } else {
            format!("; the page started {page}")
        };
        self.report_rate(Row::alone(
            measure,
            format!(
                "{per_minute:.1}/min ({server} in {} s{page_note})",
                self.settings.window.as_secs()
            ),
            target,
            Met::when(ok(per_minute, page)),
        ));
    }

    /// Reports how long after `started` the next request reached the server (`before`: the
    /// count then), then lets the page settle.
    async fn first_request(&mut self, measure: &str, before: usize, started: Instant) {
        let back = self.next_request_after(before, started).await;
        self.report_rate(Row::alone(
            measure,
            back.map_or("none within 10 s".into(), ms),
            "at once (≤ 1 s)",
            Met::when(back.is_some_and(|t| t <= 1_000.0)),
        ));
        tokio::time::sleep(Duration::from_secs(3)).await;
    }

    /// Milliseconds until the next request reaches the server after `trigger` ran (None: not
    /// within 10 s).
    async fn next_request_after(&self, before: usize, started: Instant) -> Option<f64> {
        while started.elapsed() < Duration::from_secs(10) {
            if self.server.list_requests() > before {
                return Some(started.elapsed().as_secs_f64() * 1000.0);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        None
    }

    /// Wakes the page (an `online` event) and waits until its request reached the server;
    /// false when none came within 10 s.
    async fn wake_and_wait(&self) -> bool {
        let before = self.server.list_requests();
        self.exec("window.dispatchEvent(new Event('online'));", vec![])
            .await;
        let sent = self
            .next_request_after(before, Instant::now())
            .await
            .is_some();
        // Its answer lands and the next attempt is scheduled.
        tokio::time::sleep(Duration::from_millis(300)).await;
        sent
    }

    fn report_rate(&mut self, row: Row) {
        // Printed as it comes: these take a window each.
        eprintln!("bench:   {} → {}", row.measure, row.console);
        self.report.rows.push(row);
    }

    /// Puts the page (or the server) in the state `traffic` counts; returns what to add to
    /// the row's name, and whether the state could be set up.
    async fn enter(&mut self, traffic: Traffic, items: &mut [Deployment]) -> (String, bool) {
        match traffic {
            Traffic::Stable => (String::new(), true),
            Traffic::Moving => {
                items[0].phase = Phase::InProgress;
                items[0].status = Status::Pending;
                self.server.set_items(items.to_vec());
                let sent = self.wake_and_wait().await;
                tokio::time::sleep(Duration::from_secs(2)).await;
                (String::new(), sent)
            }
            Traffic::Hidden => {
                let state = self.exec(probe::HIDE, vec![]).await;
                tokio::time::sleep(Duration::from_secs(2)).await;
                (format!(" (visibilityState {state})"), state == "hidden")
            }
            Traffic::Offline => {
                let _ = self.browser.try_cdp("Network.enable", json!({})).await;
                let emulated = self
                    .browser
                    .try_cdp("Network.emulateNetworkConditions", offline(true))
                    .await;
                if let Err(e) = &emulated {
                    self.report
                        .notes
                        .push(format!("- Offline emulation failed: {e}"));
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
                let on_line = self.exec(probe::FETCHES, vec![]).await["online"].clone();
                (format!(" (navigator.onLine {on_line})"), emulated.is_ok())
            }
            Traffic::Failing => {
                items[0].phase = Phase::Succeeded;
                items[0].status = Status::Running;
                self.server.set_items(items.to_vec());
                self.server.set_answer(Answer::Unavailable);
                // Five failures first (each `online` event retries at once), then the backoff
                // alone is counted.
                let start = self.server.list_requests();
                let mut tries = 0;
                while self.server.list_requests() - start < 5 && tries < 10 {
                    self.wake_and_wait().await;
                    tries += 1;
                }
                let failures = self.server.list_requests() - start;
                (
                    if failures < 5 {
                        format!(" (only {failures} failures before the window)")
                    } else {
                        String::new()
                    },
                    failures >= 5,
                )
            }
            Traffic::Limited => {
                self.server.set_answer(Answer::RateLimited(20));
                let sent = self.wake_and_wait().await;
                (String::new(), sent)
            }
        }
    }

    /// Undoes [`Bench::enter`], timing the first request when the page comes back.
    async fn leave(&mut self, traffic: Traffic) {
        let before = self.server.list_requests();
        let started = Instant::now();
        match traffic {
            Traffic::Hidden => {
                self.exec(probe::SHOW, vec![]).await;
                self.first_request("Visible again → first request", before, started)
                    .await;
            }
            Traffic::Offline => {
                let _ = self
                    .browser
                    .try_cdp("Network.emulateNetworkConditions", offline(false))
                    .await;
                self.first_request("Online again → first request", before, started)
                    .await;
            }
            // The console keeps waiting out the last Retry-After, as it should.
            Traffic::Limited => self.server.set_answer(Answer::Ok),
            Traffic::Stable | Traffic::Moving | Traffic::Failing => {}
        }
    }

    /// Measure 5: Requests per minute at the server: list stable, one deployment transient, tab hidden,
    /// browser offline, persistent 503s, 429 with Retry-After.
    pub async fn network(&mut self) {
        eprintln!(
            "bench: network discipline ({} s windows)",
            self.settings.window.as_secs()
        );
        let mut items = data::deployments(50);
        self.server.set_items(items.clone());
        self.open("/deployments").await;
        self.wait_rows(items.len()).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        for traffic in Traffic::ALL {
            let (detail, ready) = self.enter(traffic, &mut items).await;
            self.rate(
                &format!("{}{detail}", traffic.measure()),
                traffic.target(),
                |per_minute, page| ready && traffic.met(per_minute, page),
            )
            .await;
            self.leave(traffic).await;
        }
        let others = self.server.other_requests();
        self.report.notes.push(format!(
            "- Request rates are counted at the bench's server (`GET /api/v1/deployments`); \
             \"the page started\" counts `fetch` calls to `/api/` in the page when they differ \
             (requests an offline browser never sends). Hidden: `document.visibilityState` and \
             `document.hidden` overridden on `document` plus a `visibilitychange` event. Offline: \
             DevTools `Network.emulateNetworkConditions`. Other API paths asked for during the \
             whole bench: {}.",
            if others.is_empty() {
                "none".to_string()
            } else {
                others.join(", ")
            }
        ));
    }
}

/// What the page is doing while its requests are counted, in the order the bench goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Traffic {
    /// The list shown, nothing moving.
    Stable,
    /// One deployment In progress.
    Moving,
    /// The tab hidden, one deployment In progress.
    Hidden,
    /// The browser offline, one deployment In progress.
    Offline,
    /// Every answer a 503 (after five failures).
    Failing,
    /// Every answer a 429 with `Retry-After: 20`.
    Limited,
}

impl Traffic {
    const ALL: [Traffic; 6] = [
        Traffic::Stable,
        Traffic::Moving,
        Traffic::Hidden,
        Traffic::Offline,
        Traffic::Failing,
        Traffic::Limited,
    ];

    fn measure(self) -> &'static str {
        match self {
            Traffic::Stable => "Requests/min, list shown and stable",
            Traffic::Moving => "Requests/min, one deployment In progress",
            Traffic::Hidden => "Requests/min, tab hidden, one In progress",
            Traffic::Offline => "Requests/min, browser offline, one In progress",
            Traffic::Failing => "Requests/min under persistent 503s, after the 5th failure",
            Traffic::Limited => "Requests/min under 429 with Retry-After: 20",
        }
    }

    fn target(self) -> &'static str {
        match self {
            Traffic::Stable => "≈ 4 (every 15 s)",
            Traffic::Moving => "≈ 30 (every 2 s)",
            Traffic::Hidden | Traffic::Offline => "0",
            Traffic::Failing => "≤ 3",
            Traffic::Limited => "≤ 3 (one per 20 s)",
        }
    }

    /// Whether `per_minute` requests at the server (and `page` started by the page in the
    /// window) meet the target.
    fn met(self, per_minute: f64, page: usize) -> bool {
        match self {
            Traffic::Stable => (3.0..=5.0).contains(&per_minute),
            Traffic::Moving => (25.0..=31.0).contains(&per_minute),
            Traffic::Hidden | Traffic::Offline => per_minute == 0.0 && page == 0,
            Traffic::Failing | Traffic::Limited => per_minute <= 3.0,
        }
    }
}

/// DevTools' network conditions: offline, or back to normal.
fn offline(offline: bool) -> Value {
    json!({
        "offline": offline, "latency": 0,
        "downloadThroughput": -1, "uploadThroughput": -1
    })
}

/// The 1, 5 and 15 minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
