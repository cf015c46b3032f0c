//! `make bench`: measures the release build in headless Chromium against a plain-JavaScript
//! baseline and writes a Markdown report to `target/bench/report.md` (and prints it). Nothing is
//! asserted: the report says which targets are met.
//!
//! Environment: `RIO_BENCH_WINDOW_SECS` (request-rate windows, default 60), `RIO_BENCH_RUNS`
//! (timed runs per figure and side, default 10), `RIO_BENCH_WARMUP` (warm-up runs per block,
//! default 1), `RIO_BACKEND_BIN` (the release `rio-backend` of the fleet measures; default
//! `$CARGO_TARGET_DIR/release/rio-backend`), plus the harness's `RIO_DIST`, `CHROMEDRIVER` and
//! `CHROMIUM`.
//!
//! Usage: `bench [MEASURE...]`, MEASURE one of transfer, breakdown, startup, render, ticks,
//! memory, network, fleet, poll, screens, demo (default: all of them, in that order). `breakdown` builds the
//! console's release wasm with cargo (nothing to do after `trunk build --release`) and needs
//! `wasm-bindgen` and `twiggy`. `fleet`, `poll` and `screens` seed and start the reference
//! backend with 100,000 deployments on 20,000 robots (once for all three).

use std::{process::ExitCode, time::Instant};

use rio_e2e::bench::{Settings, measure::Bench};

/// The measures, in the order they run.
const MEASURES: [&str; 11] = [
    "transfer",
    "breakdown",
    "startup",
    "render",
    "ticks",
    "memory",
    "network",
    "fleet",
    "poll",
    "screens",
    "demo",
];

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(problem) => {
            eprintln!("bench: {problem}");
            return ExitCode::from(2);
        }
    };
    let asked: Vec<String> = std::env::args().skip(1).collect();
    if let Some(unknown) = asked.iter().find(|a| !MEASURES.contains(&a.as_str())) {
        eprintln!(
            "bench: unknown measure {unknown:?} (one of {})",
            MEASURES.join(", ")
        );
        return ExitCode::from(2);
    }
    let wanted = |measure: &&&str| asked.is_empty() || asked.iter().any(|a| a == **measure);
    let dir = rio_e2e::workspace_root().join("target/bench");
    let dir = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::canonicalize(&dir))
        .unwrap_or(dir);
    let path = dir.join("report.md");

    let started = Instant::now();
    let mut bench = Bench::start(settings).await;
    for measure in MEASURES.iter().filter(wanted) {
        match *measure {
            "transfer" => bench.transfer(),
            "breakdown" => bench.breakdown(),
            "startup" => bench.startup().await,
            "render" => {
                bench.render(1_000, 1.0).await;
                bench.render(10_000, 1.0).await;
            }
            "ticks" => bench.ticks().await,
            "memory" => bench.memory().await,
            "network" => bench.network().await,
            "fleet" => bench.fleet().await,
            "poll" => bench.poll().await,
            "screens" => bench.screens().await,
            _ => bench.demo_idle().await,
        }
        // After every measure: a later failure leaves what was measured.
        let text = report(&mut bench, started, Some(measure)).await;
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("bench: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let text = report(&mut bench, started, None).await;
    let written = std::fs::write(&path, &text);
    println!("{text}");
    match written {
        Ok(()) => {
            eprintln!("bench: report written to {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// The report so far; `partial`: the last measure done when more may follow.
async fn report(bench: &mut Bench, started: Instant, partial: Option<&str>) -> String {
    let mut header = bench.environment(started.elapsed()).await;
    if let Some(last) = partial {
        header.insert(
            0,
            format!("**Partial report, written after the {last} measure: the bench has not finished.**\n"),
        );
    }
    bench.report.header = header;
    bench.report.markdown()
}
