//! `make bench`: the console measured in headless Chromium against a plain-JavaScript baseline
//! (`bench/baseline.html`) in the same browser session. Speed figures are ratios of medians;
//! nothing is asserted, the report says what meets its target.
//!
//! - [`data`]: the deployment lists, built with the platform's wire types;
//! - [`server`]: the release build, a fake API the bench controls and counts, the baseline;
//! - [`probe`]: the scripts run in the page;
//! - [`measure`]: each measure, as rows and notes of the [`report`];
//! - [`breakdown`]: the wasm's code by crate and by page, a section of the report.

pub mod breakdown;
pub mod data;
pub mod measure;
pub mod probe;
pub mod report;
pub mod server;

use std::time::Duration;

/// What the environment asks of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// How long each request-rate window lasts (`RIO_BENCH_WINDOW_SECS`, default 60).
    pub window: Duration,
    /// Timed runs per figure and side (`RIO_BENCH_RUNS`, default 10).
    pub runs: usize,
    /// Warm-up runs before each block of timed runs (`RIO_BENCH_WARMUP`, default 1).
    pub warmup: usize,
}

impl Settings {
    /// Reads the environment; a value that is not a number is an error worth stopping for.
    pub fn from_env() -> Result<Settings, String> {
        let read = |name: &str, default: u64| -> Result<u64, String> {
            match std::env::var(name) {
                Err(_) => Ok(default),
                Ok(text) => text
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name} must be a whole number, not {text:?}")),
            }
        };
        Ok(Settings {
            window: Duration::from_secs(read("RIO_BENCH_WINDOW_SECS", 60)?.max(1)),
            runs: read("RIO_BENCH_RUNS", 10)?.max(1) as usize,
            warmup: read("RIO_BENCH_WARMUP", 1)? as usize,
        })
    }

    /// Requests counted in one window, per minute.
    pub fn per_minute(&self, count: usize) -> f64 {
        count as f64 * 60.0 / self.window.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scale_to_a_minute() {
        let quick = Settings {
            window: Duration::from_secs(15),
            runs: 10,
            warmup: 2,
        };
        assert_eq!(quick.per_minute(1), 4.0);
        let full = Settings {
            window: Duration::from_secs(60),
            ..quick
        };
        assert_eq!(full.per_minute(30), 30.0);
    }
}
