//! A poll with 100 of 100,000 deployments changed: the `since=` answer against the whole list,
//! in bytes (read from the reference backend here) and in decode time in the browser (the
//! console's own decode, and `JSON.parse` for comparison).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{Value, json};

use super::Bench;
use crate::bench::{data, probe};

/// Deployments changed before each poll.
pub(super) const CHANGED: usize = 100;
/// Longest the console may take to read an answer, in the bench's clock.
const READ_WAIT: Duration = Duration::from_secs(20);

/// What one poll with 100 changed brought.
#[derive(Debug, Default)]
pub(super) struct Polled {
    /// Bytes of the `since=` answer read here, its items and deleted IDs.
    pub bytes: Vec<f64>,
    pub items: Vec<u64>,
    pub deleted: Vec<u64>,
    /// The console's `since=` answer: characters, and ms from read to the main thread free.
    pub chars: Vec<f64>,
    pub decode: Vec<f64>,
    /// Deployments updated before each poll.
    pub updated: Vec<usize>,
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
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                    )
                })
                .collect();
            format!("/api/v1/deployments?{}", pairs.join("&"))
        };
        let mut polled = Polled::default();
        let mut used = HashSet::new();
        let mut version = String::new();
        for run in 0..self.settings.warmup + self.per_block() * 2 {
            // First the console catches up (the last run's deployments have settled), then,
            // hidden, it does not poll: the changes wait for its next one.
            let before = self.decodes_so_far().await;
            self.exec("window.dispatchEvent(new Event('online'));", vec![])
                .await;
            self.console_read(before, "since=").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            self.exec(probe::HIDE, vec![]).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            version = crate::get_json(&self.fleet_url(true, &list(&[("limit", "1")]))).await
                ["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let updated = self
                .update_some(&list(&[("limit", "500")]), &mut used)
                .await;
            let since = self.fleet_url(true, &list(&[("since", &version)]));
            let (_, body) = crate::http("GET", &since, None).await;
            let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let before = self.decodes_so_far().await;
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
                    polled
                        .chars
                        .push(read["chars"].as_f64().unwrap_or(f64::NAN));
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
            .exec_async(
                probe::fleet::FETCH_PARSE,
                vec![json!(since_url), json!(parse_runs)],
            )
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
                    && !u
                        .query_pairs()
                        .any(|(k, _)| k == "continue" || k == "since")
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

    /// Updates [`CHANGED`] deployments (or as many as it finds) down the console's list from
    /// its top (`first`, the path of a page of it), each in a phase that accepts an update
    /// and none updated before (`used`): a poll's changes are 100 ordinary deployments; how
    /// many were updated.
    async fn update_some(&self, first: &str, used: &mut HashSet<String>) -> usize {
        let mut updated = 0;
        let mut path = first.to_string();
        for _page in 0..20 {
            let page = crate::get_json(&self.fleet_url(true, &path)).await;
            for d in page["items"].as_array().into_iter().flatten() {
                if updated == CHANGED {
                    return updated;
                }
                let id = d["deploymentId"].as_str().unwrap_or_default();
                let phase = d["phase"].as_str();
                if used.contains(id) || !matches!(phase, Some("Succeeded" | "Failed to update")) {
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
                let target = self.fleet_url(true, &format!("/api/v1/deployments/{id}"));
                used.insert(id.to_string());
                if crate::http("PATCH", &target, Some(&body)).await.0 == 202 {
                    updated += 1;
                }
            }
            match page["continue"].as_str() {
                Some(token) => path = format!("/api/v1/deployments?continue={token}&limit=500"),
                None => break,
            }
        }
        updated
    }

    /// How many API answers the page read so far.
    async fn decodes_so_far(&self) -> u64 {
        self.exec(probe::fleet::DECODES, vec![json!(0)]).await["total"]
            .as_u64()
            .unwrap_or(0)
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
        let Some(items) = items_only(whole) else {
            return json!({ "error": "the whole list is not `{\"items\": [...], \"continue\": …}`" });
        };
        self.server.set_body(Bytes::from(items));
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
                    e["url"]
                        .as_str()
                        .is_some_and(|u| u.contains("/api/v1/deployments"))
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

/// A page of the reference backend (`{"items":[...],"continue":…,"total":…}`) as a backend
/// that answers whole lists sends it: `{"items":[...]}`, without reading the items.
fn items_only(page: &str) -> Option<String> {
    let end = page.rfind("],\"continue\":")?;
    page.starts_with("{\"items\":[")
        .then(|| format!("{}]}}", &page[..end]))
}

/// Ms from an answer read as text to the main thread free after it.
pub(super) fn decode_ms(read: &Value) -> f64 {
    match (read["read"].as_f64(), read["free"].as_f64()) {
        (Some(read), Some(free)) => free - read,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_becomes_a_whole_list_of_its_items() {
        let page = r#"{"items":[{"deploymentId":"a","labels":[]},{"deploymentId":"b"}],"continue":null,"total":2,"counts":{},"resourceVersion":"7"}"#;
        let whole = items_only(page).expect("a page");
        let back: Value = serde_json::from_str(&whole).expect("JSON");
        assert_eq!(
            back,
            json!({"items": [{"deploymentId": "a", "labels": []}, {"deploymentId": "b"}]})
        );
        assert_eq!(
            items_only(r#"{"items":[],"continue":null}"#).as_deref(),
            Some(r#"{"items":[]}"#)
        );
        assert_eq!(items_only(r#"{"total":0,"items":[]}"#), None);
    }

    #[test]
    fn decode_time_runs_from_read_to_free() {
        assert_eq!(decode_ms(&json!({"read": 10.0, "free": 12.5})), 2.5);
        assert!(decode_ms(&json!({"read": 10.0, "free": null})).is_nan());
    }
}
