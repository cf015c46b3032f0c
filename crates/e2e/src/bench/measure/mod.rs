//! Each measure of the bench: the console and the baseline driven the same way in one browser
//! session, timed in the page, requests counted at the server, and the result written as rows
//! and notes of the report.
//!
//! Timed runs come in two blocks per side, interleaved (console, baseline, console, baseline),
//! each block after its own warm-up runs, so a machine that gets busier half-way through
//! weighs on both sides.
//!
//! The console shows a windowed table: only the rows in view (and a margin) are in the DOM.
//! Where the baseline is waited for until it built every row, the console is waited for until
//! every row in view is there (`"screen"`, see [`probe`]).
//!
//! - [`startup`]: the initial transfer, and navigation → first rows;
//! - [`render`]: a click → first rows, 1,000 and 10,000 deployments in a whole list;
//! - [`ticks`]: poll ticks, none and 100 changed;
//! - [`memory`]: JS heap and wasm memory;
//! - [`network`]: requests per minute in each state of the page;
//! - [`fleet`]: the reference backend with 100,000 deployments: start-up against 50, memory,
//!   scrolling ([`scroll`]), and a poll with 100 changed ([`poll`]);
//! - [`screens`]: every screen at 100,000 deployments / 20,000 robots against 50 / 50, and more.

mod fleet;
mod memory;
mod network;
mod poll;
mod poll_report;
mod render;
mod screens;
mod scroll;
mod startup;
mod ticks;

use std::time::Duration;

use fantoccini::wd::TimeoutConfiguration;
use platform::time::Millis;
use serde_json::{Value, json};

use super::report::{Met, Report, Row, median, ms, ratio, spread};
use super::server::BenchServer;
use super::{Settings, probe};
use crate::Browser;

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

    /// What a run waits for in a list of `n`: the baseline builds every row, the console the
    /// rows in view (see [`probe`]).
    fn want(self, n: usize) -> Value {
        match self {
            Side::Console => json!("screen"),
            Side::Baseline => json!(n),
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
    /// The reference backends of the fleet measures, once started.
    fleet: Option<fleet::Fleet>,
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
            fleet: None,
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
                json!({ "source": probe::on_new_document() }),
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

    /// Opens `path` on the bench's server.
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

    /// Waits until `side` shows a list of `n` (every row, or the rows in view: see
    /// [`Side::want`]); a setup step: panics, saying so, when they never come.
    async fn wait_rows(&self, side: Side, n: usize) {
        let result = self
            .exec_async(
                &probe::wait_rows(),
                vec![side.want(n), json!(RUN_TIMEOUT_MS)],
            )
            .await;
        if let Some(error) = result["error"].as_str() {
            panic!(
                "waiting for a list of {n} at {}: {error} ({} rows)",
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

    /// Clicks `go` and times until a list of `n` is shown (every row, or the rows in view: see
    /// [`Side::want`] and [`probe::render`]); panics, saying so, when they never come.
    async fn render_once(&self, side: Side, go: &str, n: usize) -> Value {
        let result = self
            .exec_async(
                &probe::render(),
                vec![json!(go), side.want(n), json!(RUN_TIMEOUT_MS)],
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
            format!(
                "- The whole bench took {:.1} min",
                took.as_secs_f64() / 60.0
            ),
            "- Reproduce: `make bench` (release builds of the console and of `rio-backend`, then \
             this report in `target/bench/report.md`); quicker and rougher: \
             `RIO_BENCH_WINDOW_SECS=10 RIO_BENCH_RUNS=4 cargo run -p rio-e2e --bin bench \
             [transfer breakdown startup render ticks memory network fleet poll]` (a window \
             under 15 s cannot see the stable 15 s polls; `fleet` and `poll` need \
             `cargo build --release -p backend` first)"
                .to_string(),
            String::new(),
            "Speed figures against the bench's whole-list server are ratios to a plain-JavaScript \
             page (`bench/baseline.html`, which builds every row) doing the same work in the same \
             browser session; the fleet figures are ratios within the console against the \
             reference backend (100,000 deployments against 50, a `since=` answer against the \
             whole list). Milliseconds are for context only. Nothing is asserted."
                .to_string(),
        ]
    }
}

/// The 1, 5 and 15 minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_waited_for_until_its_rows_in_view_and_the_baseline_every_row() {
        assert_eq!(Side::Console.want(10_000), json!("screen"));
        assert_eq!(Side::Baseline.want(10_000), json!(10_000));
    }
}
