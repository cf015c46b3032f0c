//! The API's own answers to compare the table with: queries, paths, counts and the request log.

use platform::list::{DeploymentQuery, Order, SortKey};
use platform::phase::Phase;
use serde_json::Value;

use crate::{BackendSite, Browser};

use super::*;

/// A count with thousands separated, as the console writes it: `19,205`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Percent-encodes a query value as the console does.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The list query the console asks for `phases` (the live ones when `None`), `search`, and
/// `sort` in `order`.
pub fn query(
    phases: Option<Vec<Phase>>,
    search: &str,
    sort: SortKey,
    order: Order,
) -> DeploymentQuery {
    DeploymentQuery::new(
        phases.unwrap_or_else(Phase::live_phases),
        Vec::new(),
        search,
        "",
        sort,
        order,
    )
}

/// The same query in the other order (how the console reads from the bottom).
pub fn reversed(query: &DeploymentQuery) -> DeploymentQuery {
    DeploymentQuery {
        order: match query.order {
            Order::Asc => Order::Desc,
            Order::Desc => Order::Asc,
        },
        ..query.clone()
    }
}

/// `/api/v1/deployments?…` for `query`, its pairs in the console's order and encoding, plus
/// `extra` pairs (e.g. `limit=50`).
pub fn api_path(query: &DeploymentQuery, extra: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = query
        .to_pairs()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(extra.iter().copied())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if pairs.is_empty() {
        "/api/v1/deployments".to_string()
    } else {
        format!("/api/v1/deployments?{}", pairs.join("&"))
    }
}

/// The IDs of an API answer's items, in order.
pub fn item_ids(answer: &Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|d| d["deploymentId"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The option texts the phase filter should read for an answer's `counts` (live, all, then one
/// per phase), as (value, text).
pub fn expected_options(counts: &Value) -> Vec<(String, String)> {
    let n = |phase: &Phase| counts[phase.as_str()].as_u64().unwrap_or(0);
    let live: u64 = Phase::live_phases().iter().map(n).sum();
    let all: u64 = Phase::KNOWN.iter().map(n).sum();
    let mut options = vec![
        (String::new(), format!("Live phases ({})", count(live))),
        ("all".to_string(), format!("All phases ({})", count(all))),
    ];
    options.extend(Phase::KNOWN.iter().map(|phase| {
        (
            phase.as_str().to_string(),
            format!("{} ({})", phase.as_str(), count(n(phase))),
        )
    }));
    options
}

// ---- the reference backend with a fleet ----

/// Marks a test's own requests in the backend's request log (as their idempotency key), so
/// [`list_paths`] does not count them as the browser's.
pub const OWN: &str = "rio-e2e-own-request";

/// The reference backend with a synthetic fleet of `deployments`, its controls and request log
/// (`--enable-faults`); prints how long it took to start.
pub async fn fleet_site(deployments: usize) -> BackendSite {
    let started = std::time::Instant::now();
    let site = BackendSite::with_fleet(deployments, &["--enable-faults"]).await;
    eprintln!(
        "the backend with {deployments} deployments started in {:.1?}",
        started.elapsed()
    );
    site
}

/// The API's answer to `query` with `limit` (a request of the test's own, see [`OWN`]).
pub async fn api(site: &BackendSite, query: &DeploymentQuery, limit: usize) -> Value {
    let limit = limit.to_string();
    let url = site.url(&api_path(query, &[("limit", &limit)]));
    let answer = crate::get_json_with_headers(&url, &[("Idempotency-Key", OWN)]).await;
    assert!(answer["items"].is_array(), "the API answered {answer}");
    answer
}

/// An answer's `total`.
pub fn total_of(answer: &Value) -> usize {
    answer["total"].as_u64().expect("a total") as usize
}

/// Whether the table shows the first rows of `answer`: from row 0, nothing pending, its
/// total in the footer.
pub fn shows_top_of(table: &Table, answer: &Value) -> bool {
    let expected = item_ids(answer);
    let shown = table.ids();
    table.pending().count() == 0
        && !shown.is_empty()
        && table.rows.first().is_some_and(|r| r.index == Some(0))
        && expected.starts_with(&shown)
        && table.foot_total() == Some(total_of(answer))
}

/// Waits until the table shows the first rows of `answer`.
pub async fn wait_top(browser: &Browser, what: &str, answer: &Value) -> Table {
    wait_table(browser, what, crate::page::LONG, |t| {
        shows_top_of(t, answer)
    })
    .await
}

/// A request's path and query as the console meant it: gloo-net ends every query it sends
/// with a `&` of its own (`?since=7&`), which says nothing.
pub fn meant(path: &str) -> String {
    path.trim_end_matches('&').to_string()
}

/// The list requests the browser sent since the log was last cleared (paths with queries,
/// see [`meant`]), the test's own left out.
pub async fn list_paths(site: &BackendSite) -> Vec<String> {
    site.requests()
        .await
        .into_iter()
        .filter(|r| r["method"] == "GET" && r["idempotencyKey"] != OWN)
        .filter_map(|r| r["path"].as_str().map(meant))
        .filter(|p| p == "/api/v1/deployments" || p.starts_with("/api/v1/deployments?"))
        .collect()
}

/// Whether a list request asks for one row (the refresh of the total and counts).
pub fn one_row(path: &str) -> bool {
    path.ends_with("?limit=1") || path.ends_with("&limit=1")
}
