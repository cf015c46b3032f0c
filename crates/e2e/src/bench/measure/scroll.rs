//! Scrolling 10,000 rows of the list of 100,000 on the reference backend, by keyboard and by
//! wheel-like `scrollTop` steps, with every frame's time taken by `requestAnimationFrame` in
//! the page (see [`probe::fleet::SCROLL`]).

use std::time::Duration;

use serde_json::{Value, json};

use super::Bench;
use crate::bench::probe;
use crate::bench::report::{Met, Row, group, mib, ms, percentile};

/// Rows scrolled in each run.
const DISTANCE: usize = 10_000;
/// Rows the keyboard run moves by ArrowDown before it holds PageDown.
const ARROW_ROWS: usize = 300;
/// Pixels the wheel run scrolls each frame (about 10 rows: a fast fling).
const WHEEL_STEP: usize = 600;
/// How long frames are sampled at rest.
const IDLE_MS: u64 = 3_000;
/// The frame time target, at the 95th percentile.
const FRAME_TARGET: f64 = 20.0;
/// Longest a run may take in the page to reach its goal.
const SCROLL_TIMEOUT_MS: u64 = 150_000;
/// Longest a run waits after its last step for the rows in view to come.
const SETTLE_MS: u64 = 10_000;

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
        self.idle_frames().await;
        for way in [Way::Keys, Way::Wheel] {
            eprintln!("bench:   scrolling {DISTANCE} rows {}", way.mode());
            self.fleet_list(true).await;
            let foot = self.footer().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let result = self
                .exec_async(
                    &probe::fleet::SCROLL,
                    vec![
                        json!(way.mode()),
                        json!(DISTANCE),
                        json!(ARROW_ROWS),
                        json!(WHEEL_STEP),
                        json!(SCROLL_TIMEOUT_MS),
                        json!(SETTLE_MS),
                    ],
                )
                .await;
            let after = self.footer().await;
            let memory = self.memory_now().await;
            self.report_scroll(way, &result, &foot, &after, memory);
        }
    }

    /// Frames with the list of 100,000 shown and nothing at work: what the machine and the
    /// headless browser give a page at rest, beside the scrolling figures.
    async fn idle_frames(&mut self) {
        self.fleet_list(true).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let result = self
            .exec_async(
                &probe::fleet::SCROLL,
                vec![
                    json!("idle"),
                    json!(1),
                    json!(0),
                    json!(0),
                    json!(IDLE_MS),
                    json!(0),
                ],
            )
            .await;
        let frames = frame_times(&result);
        self.report.rows.push(Row::alone(
            &format!(
                "Calibration: frame time with the list of 100,000 shown and nothing scrolled \
                 ({} s) p50 / p95 / max",
                IDLE_MS / 1000
            ),
            format!(
                "{} / {} / {} ({} frames)",
                ms(percentile(&frames, 0.5)),
                ms(percentile(&frames, 0.95)),
                ms(percentile(&frames, 1.0)),
                frames.len(),
            ),
            "report only",
            Met::Info,
        ));
    }

    fn report_scroll(
        &mut self,
        way: Way,
        result: &Value,
        foot: &str,
        after: &str,
        (heap, wasm): (f64, f64),
    ) {
        let frames = frame_times(result);
        let reached = result["reached"].as_u64().map(|r| r as usize);
        let scrolling = &frames[..reached.unwrap_or(frames.len()).min(frames.len())];
        let (p50, p95, max) = (
            percentile(scrolling, 0.5),
            percentile(scrolling, 0.95),
            percentile(scrolling, 1.0),
        );
        let error = result["error"].as_str();
        let count = |key: &str| result[key].as_u64().unwrap_or(0);
        let what = format!(
            "Scroll {} rows of 100,000 {}",
            group(DISTANCE, ','),
            way.describe()
        );
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
                    .map_or("still pending".into(), |s| format!(
                        "none in view {}",
                        ms(s)
                    ))
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
        // The rows the console read on the way: chunk answers, from read to the main thread
        // free (its decode and what it did with them).
        let reads: Vec<(f64, f64)> = result["reads"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["url"].as_str().is_some_and(|u| u.contains("continue=")))
            .map(|r| {
                (
                    r["chars"].as_f64().unwrap_or(f64::NAN),
                    r["ms"].as_f64().unwrap_or(f64::NAN),
                )
            })
            .collect();
        let chunk_ms: Vec<f64> = reads.iter().map(|r| r.1).collect();
        let longest = longest_tasks(result);
        let chunk_chars: Vec<f64> = reads.iter().map(|r| r.0).collect();
        self.report.notes.push(format!(
            "- {what}: footer \"{foot}\" before, \"{after}\" after; {} frames scrolling \
             (time between `requestAnimationFrame` callbacks; the step is taken in the \
             callback), then {} frames until no pending row was in view (longest {}); \
             main-thread tasks over \
             50 ms: {} in all, longest {}; most pending rows in the DOM at once {}; {} API \
             requests (kind/limit): {}; {} chunk answers read (median {:.0} characters), each \
             from read to the main thread free in median {}, p95 {}, max {}; longest tasks: \
             {}; then {} wasm, {} JS heap",
            scrolling.len(),
            settling.len(),
            ms(percentile(settling, 1.0)),
            ms(result["busy"].as_f64().unwrap_or(f64::NAN)),
            ms(result["longest"].as_f64().unwrap_or(f64::NAN)),
            count("pendingInDom"),
            requests.len(),
            compress(&requests),
            reads.len(),
            percentile(&chunk_chars, 0.5),
            ms(percentile(&chunk_ms, 0.5)),
            ms(percentile(&chunk_ms, 0.95)),
            ms(percentile(&chunk_ms, 1.0)),
            longest,
            mib(wasm),
            mib(heap),
        ));
    }
}

/// The three longest main-thread tasks of a [`probe::fleet::SCROLL`] result, each with the API
/// answers the console read during it: `429 ms (a continue answer of 180,000 characters)`.
fn longest_tasks(result: &Value) -> String {
    let mut tasks: Vec<(f64, f64)> = result["long"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t["start"].as_f64()?, t["duration"].as_f64()?)))
        .collect();
    tasks.sort_by(|a, b| b.1.total_cmp(&a.1));
    let reads = result["reads"].as_array().cloned().unwrap_or_default();
    let described: Vec<String> = tasks
        .iter()
        .take(3)
        .map(|(start, duration)| {
            let during: Vec<String> = reads
                .iter()
                .filter(|r| {
                    r["read"]
                        .as_f64()
                        .is_some_and(|at| at >= *start && at <= start + duration)
                })
                .map(|r| {
                    let url = r["url"].as_str().unwrap_or_default();
                    let kind = if url.contains("since=") {
                        "since"
                    } else if url.contains("continue=") {
                        "continue"
                    } else {
                        "first-page"
                    };
                    format!(
                        "a {kind} answer of {} characters",
                        group(r["chars"].as_u64().unwrap_or(0) as usize, ',')
                    )
                })
                .collect();
            format!(
                "{duration:.0} ms ({})",
                if during.is_empty() {
                    "no answer read in it".to_string()
                } else {
                    during.join(", ")
                }
            )
        })
        .collect();
    if described.is_empty() {
        "none".into()
    } else {
        described.join("; ")
    }
}

/// The frame times of a [`probe::fleet::SCROLL`] result, in ms.
fn frame_times(result: &Value) -> Vec<f64> {
    result["frames"]
        .as_array()
        .map(|frames| frames.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
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
