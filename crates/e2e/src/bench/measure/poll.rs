//! A poll with 100 of 100,000 deployments changed: the `since=` answer against the whole list,
//! in bytes (read from the reference backend here) and in decode time in the browser (the
//! console's own decode, and `JSON.parse` for comparison).

use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{Value, json};

use super::Bench;
use crate::bench::report::{Met, Row, group, median, mib, ms, percent, spread};
use crate::bench::{data, probe};

/// Deployments changed before each poll.
const CHANGED: usize = 100;
/// The target: the `since=` answer at most this share of the whole list.
const SHARE: f64 = 0.05;
/// Longest the console may take to read an answer, in the bench's clock.
const READ_WAIT: Duration = Duration::from_secs(20);

/// What one poll with 100 changed brought.
#[derive(Debug, Default)]
struct Polled {
    /// Bytes of the `since=` answer read here, its items and deleted IDs.
    bytes: Vec<f64>,
    items: Vec<u64>,
    deleted: Vec<u64>,
    /// The console's `since=` answer: characters, and ms from read to the main thread free.
    chars: Vec<f64>,
    decode: Vec<f64>,
    /// Deployments updated before each poll.
    updated: Vec<usize>,
}

impl Bench {
    /// Measure 8: a poll with 100 of 100,000 changed, against the whole list.
    pub async fn poll(&mut self) {
        eprintln!("bench: a poll with {CHANGED} of 100,000 changed");
        if !self.fleet_backends("Poll, 100 of 100,000 changed").await {
            return;
        }
        self.fleet_list(true).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let query = self.console_query().await;
        let list = |extra: &[(&str, &str)]| {
            let pairs: Vec<String> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(extra.iter().copied())
                .map(|(k, v)| format!("{k}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
                .collect();
            format!("/api/v1/deployments?{}", pairs.join("&"))
        };
        let mut polled = Polled::default();
        let mut version = String::new();
        for run in 0..self.settings.warmup + self.per_block() * 2 {
            // Hidden, the console does not poll: the changes wait for its next one.
            self.exec(probe::HIDE, vec![]).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            version = crate::get_json(&self.fleet_url(true, &list(&[("limit", "1")]))).await
                ["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let updated = self.update_some(&list(&[("limit", "300")])).await;
            let since = self.fleet_url(true, &list(&[("since", &version)]));
            let (_, body) = crate::http("GET", &since, None).await;
            let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let before = self.exec(probe::fleet::DECODES, vec![json!(0)]).await["total"]
                .as_u64()
                .unwrap_or(0);
            self.exec(probe::SHOW, vec![]).await;
            let read = self.console_read(before, "since=").await;
            eprintln!(
                "bench:   poll {run}: {updated} updated, since= answer {} bytes, the console's \
                 read {}",
                body.len(),
                read.as_ref().map_or("none".into(), |r| r.to_string())
            );
            if run >= self.settings.warmup {
                polled.updated.push(updated);
                polled.bytes.push(body.len() as f64);
                let count = |key: &str| answer[key].as_array().map_or(0, |a| a.len() as u64);
                polled.items.push(count("items"));
                polled.deleted.push(count("deleted"));
                if let Some(read) = read {
                    polled.chars.push(read["chars"].as_f64().unwrap_or(f64::NAN));
                    polled.decode.push(decode_ms(&read));
                }
            }
            // The console's one-row page for the counts, and its rows settle.
            tokio::time::sleep(Duration::from_millis(1_500)).await;
        }
        let whole_url = self.fleet_url(true, &list(&[]));
        let started = Instant::now();
        let (status, whole) = crate::http("GET", &whole_url, None).await;
        let served = started.elapsed();
        let since_url = self.fleet_url(true, &list(&[("since", &version)]));
        let parse_runs = self.per_block() * 2;
        let js_since = self
            .exec_async(probe::fleet::FETCH_PARSE, vec![json!(since_url), json!(parse_runs)])
            .await;
        let js_whole = self
            .exec_async(probe::fleet::FETCH_PARSE, vec![json!(whole_url), json!(2)])
            .await;
        let console_whole = self.console_reads_whole(&whole).await;
        self.report_poll(
            &polled,
            (status, whole.len(), served),
            [&js_since, &js_whole],
            &console_whole,
        );
    }

    /// The console's list query, from its first list request: every pair but `limit`,
    /// `continue` and `since`.
    async fn console_query(&self) -> Vec<(String, String)> {
        let urls = self
            .exec(
                "return window.__bench ? window.__bench.fetches.map((f) => f.url) : [];",
                vec![],
            )
            .await;
        let base = url::Url::parse(&self.fleet_url(true, "/")).expect("the backend's URL");
        let first = urls
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(|u| base.join(u).ok())
            .find(|u| {
                u.path().ends_with("/api/v1/deployments")
                    && u.query_pairs().any(|(k, _)| k == "limit")
                    && !u.query_pairs().any(|(k, _)| k == "continue" || k == "since")
            });
        first
            .map(|u| {
                u.query_pairs()
                    .filter(|(k, _)| !matches!(k.as_ref(), "limit" | "continue" | "since"))
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Updates up to [`CHANGED`] deployments among the first of the console's list (`list`, a
    /// path), those in a phase that accepts one; how many were updated.
    async fn update_some(&self, list: &str) -> usize {
        let page = crate::get_json(&self.fleet_url(true, list)).await;
        let mut updated = 0;
        for d in page["items"].as_array().into_iter().flatten() {
            if updated == CHANGED {
                break;
            }
            if !matches!(d["phase"].as_str(), Some("Succeeded" | "Failed to update")) {
                continue;
            }
            let components: Vec<&Value> = d["componentInfo"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| &c["componentID"])
                .collect();
            let body = json!({
                "expectedGeneration": d["currentGeneration"],
                "components": components,
            })
            .to_string();
            let id = d["deploymentId"].as_str().unwrap_or_default();
            let path = format!("/api/v1/deployments/{id}");
            let (status, _) = crate::http("PATCH", &self.fleet_url(true, &path), Some(&body)).await;
            if status == 202 {
                updated += 1;
            }
        }
        updated
    }

    /// The first list answer the console read after answer number `from` whose URL holds
    /// `needle`, once the main thread was free after it (`{url, chars, asked, read, free}`);
    /// an `online` event after 3 s if none came.
    async fn console_read(&self, from: u64, needle: &str) -> Option<Value> {
        let started = Instant::now();
        let mut woken = false;
        while started.elapsed() < READ_WAIT {
            let log = self.exec(probe::fleet::DECODES, vec![json!(from)]).await;
            let found = log["entries"].as_array().into_iter().flatten().find(|e| {
                e["url"].as_str().is_some_and(|u| u.contains(needle)) && e["free"].is_number()
            });
            if let Some(found) = found {
                return Some(found.clone());
            }
            if !woken && started.elapsed() > Duration::from_secs(3) {
                self.exec("window.dispatchEvent(new Event('online'));", vec![])
                    .await;
                woken = true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// The console reading `whole` (the reference backend's list of 100,000, as a backend that
    /// answers whole lists would send it) from the bench's server, in a browser of its own:
    /// `{mark, reads, wasm}` (the list answers it read, see [`Bench::console_read`]) or
    /// `{error}`.
    async fn console_reads_whole(&mut self, whole: &str) -> Value {
        let Some(end) = whole.rfind("],\"continue\":") else {
            return json!({ "error": "the whole list has no `continue` after its items" });
        };
        if !whole.starts_with("{\"items\":[") {
            return json!({ "error": "the whole list does not start with its items" });
        }
        self.server
            .set_body(Bytes::from(format!("{}]}}", &whole[..end])));
        let own = Bench::browser().await;
        let kept = std::mem::replace(&mut self.browser, own);
        let (mark, _) = self
            .rows_mark(&self.server.url("/deployments?bench_rows=screen"))
            .await;
        let mut reads = Vec::new();
        let started = Instant::now();
        while reads.len() < 2 && started.elapsed() < Duration::from_secs(120) {
            let log = self.exec(probe::fleet::DECODES, vec![json!(0)]).await;
            reads = log["entries"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| {
                    e["url"].as_str().is_some_and(|u| u.contains("/api/v1/deployments"))
                        && e["free"].is_number()
                })
                .cloned()
                .collect();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (heap, wasm) = self.memory_now().await;
        std::mem::replace(&mut self.browser, kept).close().await;
        self.server.set_items(data::deployments(50));
        json!({ "painted": mark.painted, "reads": reads, "heap": heap, "wasm": wasm })
    }
}

/// Ms from an answer read as text to the main thread free after it.
fn decode_ms(read: &Value) -> f64 {
    match (read["read"].as_f64(), read["free"].as_f64()) {
        (Some(read), Some(free)) => free - read,
        _ => f64::NAN,
    }
}

impl Bench {
    /// The rows and notes of [`Bench::poll`].
    fn report_poll(
        &mut self,
        polled: &Polled,
        (status, whole_bytes, served): (u16, usize, Duration),
        [js_since, js_whole]: [&Value; 2],
        console_whole: &Value,
    ) {
        let column = |v: &Value, key: &str| -> Vec<f64> {
            v["runs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r[key].as_f64())
                .collect()
        };
        let middle = |values: &[u64]| {
            let floats: Vec<f64> = values.iter().map(|v| *v as f64).collect();
            median(&floats)
        };
        let since_bytes = median(&polled.bytes);
        let whole_items = js_whole["runs"][0]["items"].as_u64().unwrap_or(0) as usize;
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: bytes of the `since=` answer (Console \
                      column) against the whole list (Baseline column)"
                .into(),
            console: format!(
                "{} B ({:.0} items, {:.0} deleted)",
                group(since_bytes as usize, ','),
                middle(&polled.items),
                middle(&polled.deleted)
            ),
            baseline: format!(
                "{} B ({} items)",
                group(whole_bytes, ','),
                group(whole_items, ',')
            ),
            ratio: percent(since_bytes, whole_bytes as f64),
            target: "≤ 5 %".into(),
            met: Met::when(status == 200 && since_bytes / whole_bytes as f64 <= SHARE),
        });
        let reads: Vec<&Value> = console_whole["reads"].as_array().into_iter().flatten().collect();
        let whole_decode = reads.first().map_or(f64::NAN, |r| decode_ms(r));
        let since_decode = median(&polled.decode);
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: the console's decode of the `since=` answer \
                      against that of the whole list (answer read as text → main thread free)"
                .into(),
            console: ms(since_decode),
            baseline: ms(whole_decode),
            ratio: percent(since_decode, whole_decode),
            target: "≤ 5 %".into(),
            met: Met::when(since_decode / whole_decode <= SHARE),
        });
        let (parse_since, parse_whole) = (
            median(&column(js_since, "parse")),
            median(&column(js_whole, "parse")),
        );
        self.report.rows.push(Row {
            measure: "Poll, 100 of 100,000 changed: `JSON.parse` in the page, `since=` answer \
                      against the whole list"
                .into(),
            console: ms(parse_since),
            baseline: ms(parse_whole),
            ratio: percent(parse_since, parse_whole),
            target: "report only".into(),
            met: Met::Info,
        });
        let errors: Vec<&str> = [js_since, js_whole, console_whole]
            .iter()
            .filter_map(|v| v["error"].as_str())
            .collect();
        self.report.notes.push(format!(
            "- Poll with 100 changed: before each poll the page is hidden (the console stops \
             polling), up to {CHANGED} of the first deployments of the console's list that accept \
             an update are updated through the API (`PATCH`, updated per run {:?}), the \
             `since=` answer from the version just before is read here (bytes of the body; the \
             backend does not compress), and the page is shown again: the console polls at once \
             with `since=` its own version. Bytes per run {:?}. The console's decode is timed in \
             the page from the moment its `Response.text()` resolved to the next task on the \
             main thread (a `MessageChannel` message queued then): the console's `serde_json` \
             decode in wasm and what it does at once with the result (rows in view updated; for \
             the whole list, filtered and sorted, and the first rows made); {} [{}] ms for \
             `since=` answers of {:.0} characters.",
            polled.updated,
            polled.bytes.iter().map(|b| *b as u64).collect::<Vec<_>>(),
            spread(&polled.decode),
            polled
                .decode
                .iter()
                .map(|d| format!("{d:.1}"))
                .collect::<Vec<_>>()
                .join(", "),
            median(&polled.chars),
        ));
        let whole_reads: Vec<String> = reads
            .iter()
            .map(|r| {
                format!(
                    "{:.0} characters in {}",
                    r["chars"].as_f64().unwrap_or(f64::NAN),
                    ms(decode_ms(r))
                )
            })
            .collect();
        self.report.notes.push(format!(
            "- The whole list (HTTP {status}, {} bytes, served in {}) is read by the console \
             from the bench's whole-list server (its items only, as a backend that does not \
             page answers), in a browser of its own: first rows painted {} after navigation \
             start; list answers read: {}; then {} wasm, {} JS heap. `JSON.parse` (the same \
             answers fetched again in the console's page on the reference backend, ms to \
             headers / body / parsed): `since=` {}; whole list {}.{}",
            group(whole_bytes, ','),
            ms(served.as_secs_f64() * 1000.0),
            ms(console_whole["painted"].as_f64().unwrap_or(f64::NAN)),
            if whole_reads.is_empty() {
                "none".to_string()
            } else {
                whole_reads.join("; ")
            },
            mib(console_whole["wasm"].as_f64().unwrap_or(f64::NAN)),
            mib(console_whole["heap"].as_f64().unwrap_or(f64::NAN)),
            phases(js_since),
            phases(js_whole),
            if errors.is_empty() {
                String::new()
            } else {
                format!(" Errors: {}.", errors.join("; "))
            }
        ));
    }
}

/// `12.0 / 3.0 / 1.0 ms`: medians of a [`probe::fleet::FETCH_PARSE`] result's runs.
fn phases(result: &Value) -> String {
    let column = |key: &str| -> f64 {
        let values: Vec<f64> = result["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[key].as_f64())
            .collect();
        median(&values)
    };
    format!(
        "{:.1} / {:.1} / {:.1} ms",
        column("headers"),
        column("body"),
        column("parse")
    )
}
