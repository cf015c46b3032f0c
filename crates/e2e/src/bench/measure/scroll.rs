//! Scrolling 10,000 rows of the list of 100,000 on the reference backend, by keyboard and by
//! wheel-like `scrollTop` steps, with every frame's time taken by `requestAnimationFrame` in
//! the page (see [`probe::fleet::SCROLL`]).

use std::time::Duration;

use serde_json::{Value, json};

use super::Bench;
use crate::bench::report::{Met, Row, group, mib, ms, percentile};
use crate::bench::probe;

/// Rows scrolled in each run.
const DISTANCE: usize = 10_000;
/// Rows the keyboard run moves by ArrowDown before it holds PageDown.
const ARROW_ROWS: usize = 300;
/// Pixels the wheel run scrolls each frame (about 10 rows: a fast fling).
const WHEEL_STEP: usize = 600;
/// The frame time target, at the 95th percentile.
const FRAME_TARGET: f64 = 20.0;
/// Longest a run may take in the page.
const SCROLL_TIMEOUT_MS: u64 = 150_000;

/// One way of scrolling.
#[derive(Debug, Clone, Copy)]
enum Way {
    Keys,
    Wheel,
}

impl Way {
    fn mode(self) -> &'static str {
        match self {
            Way::Keys => "keys",
            Way::Wheel => "wheel",
        }
    }

    fn describe(self) -> String {
        match self {
            Way::Keys => format!(
                "by keyboard (a keydown every frame: ArrowDown for {ARROW_ROWS} rows, then \
                 PageDown)"
            ),
            Way::Wheel => format!("by wheel (scrollTop +{WHEEL_STEP} px every frame)"),
        }
    }
}

impl Bench {
    /// Scrolls 10,000 rows down the list of 100,000 by keyboard, then (a fresh page load) by
    /// wheel; reports frame times and the pending rows seen.
    pub(super) async fn scrolling(&mut self) {
        for way in [Way::Keys, Way::Wheel] {
            eprintln!("bench:   scrolling {DISTANCE} rows {}", way.mode());
            self.fleet_list(true).await;
            let foot = self.footer().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let result = self
                .exec_async(
                    probe::fleet::SCROLL,
                    vec![
                        json!(way.mode()),
                        json!(DISTANCE),
                        json!(ARROW_ROWS),
                        json!(WHEEL_STEP),
                        json!(SCROLL_TIMEOUT_MS),
                    ],
                )
                .await;
            let after = self.footer().await;
            let memory = self.memory_now().await;
            self.report_scroll(way, &result, &foot, &after, memory);
        }
    }

    fn report_scroll(
        &mut self,
        way: Way,
        result: &Value,
        foot: &str,
        after: &str,
        (heap, wasm): (f64, f64),
    ) {
        let frames: Vec<f64> = result["frames"]
            .as_array()
            .map(|frames| frames.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let reached = result["reached"].as_u64().map(|r| r as usize);
        let scrolling = &frames[..reached.unwrap_or(frames.len()).min(frames.len())];
        let (p50, p95, max) = (
            percentile(scrolling, 0.5),
            percentile(scrolling, 0.95),
            percentile(scrolling, 1.0),
        );
        let error = result["error"].as_str();
        let count = |key: &str| result[key].as_u64().unwrap_or(0);
        let what = format!("Scroll {} rows of 100,000 {}", group(DISTANCE, ','), way.describe());
        self.report.rows.push(Row::alone(
            &format!("{what}: frame time p50 / p95 / max"),
            format!(
                "{} / {} / {} ({} frames{})",
                ms(p50),
                ms(p95),
                ms(max),
                scrolling.len(),
                error.map_or(String::new(), |e| format!("; {e}"))
            ),
            &format!("p95 < {FRAME_TARGET:.0} ms"),
            Met::when(error.is_none() && p95 < FRAME_TARGET),
        ));
        self.report.rows.push(Row::alone(
            &format!("{what}: pending rows seen in view"),
            format!(
                "{} rows (most at once {}; in {} of {} frames); {} after the last step",
                count("pendingRows"),
                count("pendingMost"),
                count("pendingFrames"),
                frames.len(),
                result["settled"]
                    .as_f64()
                    .map_or("still pending".into(), |s| format!("none in view {}", ms(s)))
            ),
            "report only",
            Met::Info,
        ));
        let requests: Vec<String> = result["requests"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|url| {
                        let limit = url
                            .split(['?', '&'])
                            .find_map(|pair| pair.strip_prefix("limit="))
                            .unwrap_or("?");
                        let kind = if url.contains("since=") {
                            "since"
                        } else if url.contains("continue=") {
                            "continue"
                        } else {
                            "first"
                        };
                        format!("{kind}/{limit}")
                    })
                    .collect()
            })
            .unwrap_or_default();
        let settling = frames.get(scrolling.len()..).unwrap_or_default();
        self.report.notes.push(format!(
            "- {what}: footer \"{foot}\" before, \"{after}\" after; {} frames scrolling \
             (time between `requestAnimationFrame` callbacks; the step is taken in the \
             callback), then {} frames until no pending row was in view (longest {}); \
             main-thread tasks over \
             50 ms: {} in all, longest {}; most pending rows in the DOM at once {}; {} API \
             requests (kind/limit): {}; then {} wasm, {} JS heap",
            scrolling.len(),
            settling.len(),
            ms(percentile(settling, 1.0)),
            ms(result["busy"].as_f64().unwrap_or(f64::NAN)),
            ms(result["longest"].as_f64().unwrap_or(f64::NAN)),
            count("pendingInDom"),
            requests.len(),
            compress(&requests),
            mib(wasm),
            mib(heap),
        ));
    }
}

/// `a, a, a, b` as `a ×3, b`.
fn compress(items: &[String]) -> String {
    let mut out: Vec<(String, usize)> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some((last, n)) if last == item => *n += 1,
            _ => out.push((item.clone(), 1)),
        }
    }
    if out.is_empty() {
        return "none".into();
    }
    out.iter()
        .map(|(item, n)| {
            if *n == 1 {
                item.clone()
            } else {
                format!("{item} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::compress;

    #[test]
    fn runs_of_the_same_request_are_counted() {
        let list: Vec<String> = ["first/50", "continue/200", "continue/200", "since/?"]
            .map(String::from)
            .to_vec();
        assert_eq!(compress(&list), "first/50, continue/200 ×2, since/?");
        assert_eq!(compress(&[]), "none");
    }
}
