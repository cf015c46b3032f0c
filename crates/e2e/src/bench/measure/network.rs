//! Network discipline: requests per minute at the bench's server while the console shows a
//! list of 50 and the page or the server is in each state of [`Traffic`].

use std::time::{Duration, Instant};

use platform::phase::{Phase, Status};
use platform::wire::Deployment;
use serde_json::{Value, json};

use super::{Bench, Side};
use crate::bench::report::{Met, Row, ms};
use crate::bench::server::Answer;
use crate::bench::{data, probe};

impl Bench {
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
        self.wait_rows(Side::Console, items.len()).await;
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
