//! Reading and driving the windowed deployments table in a test: what the page holds at one
//! instant (rows, pending rows, footer, focus, scroll position), the invariants every window
//! keeps, the keys and the scroll position, and the API's own answer for a query to compare
//! with.

use std::time::Duration;

use platform::list::{DeploymentQuery, Order, SortKey};
use platform::phase::Phase;
use rio_console::ids;
use serde_json::{Value, json};

use crate::page::{run, test_id, wait_for};
use crate::{BackendSite, Browser};

/// Most rows (loaded and pending) a window may hold: a tall screen and two margins of 8.
pub const MAX_WINDOW_ROWS: usize = 60;

/// Every row's height in CSS pixels.
pub const ROW_HEIGHT: f64 = 56.0;

/// One `<tr>` of the table's body (spacers left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `deployment-row` or `pending-row`.
    pub kind: String,
    /// `data-id` (loaded rows).
    pub id: Option<String>,
    /// `data-index` (loaded rows).
    pub index: Option<usize>,
    /// `aria-rowindex`.
    pub rowindex: usize,
    /// The element's `id`.
    pub dom_id: Option<String>,
    /// Has class `row-focused`.
    pub focused: bool,
    /// The name link's text.
    pub name: Option<String>,
    /// The phase chip's text.
    pub phase: Option<String>,
    /// Its rendered height.
    pub height: f64,
}

impl Row {
    /// Whether the row is still loading.
    pub fn pending(&self) -> bool {
        self.kind == ids::PENDING_ROW
    }

    /// Its place in the whole list, read from `aria-rowindex` (pending rows have no
    /// `data-index`).
    pub fn place(&self) -> usize {
        self.rowindex.saturating_sub(2)
    }
}

/// The table at one instant.
#[derive(Debug, Clone)]
pub struct Table {
    /// The body's rows in DOM order.
    pub rows: Vec<Row>,
    /// `aria-rowcount`.
    pub rowcount: usize,
    /// `aria-activedescendant`.
    pub active: Option<String>,
    /// The footer's text, whitespace collapsed.
    pub foot: String,
    /// The rows error's text, when shown.
    pub rows_error: Option<String>,
    /// The scrolling area.
    pub scroll_top: f64,
    /// Its whole height.
    pub scroll_height: f64,
    /// Its visible height.
    pub client_height: f64,
    /// The header row's height.
    pub head_height: f64,
    /// The two spacers' heights.
    pub spacers: Vec<f64>,
    /// The element with the keyboard focus is the table.
    pub table_focused: bool,
    /// The raw value read.
    pub raw: Value,
}

const READ: &str = r#"
const table = document.querySelector('[data-testid=deployments-table]');
const scroll = document.querySelector('[data-testid=deployments-scroll]');
if (!table || !scroll) return null;
const text = e => e ? e.textContent.replace(/\s+/g, ' ').trim() : null;
const rows = [...table.querySelectorAll('tbody > tr')].filter(tr => !tr.classList.contains('spacer')).map(tr => ({
  kind: tr.dataset.testid || '',
  id: tr.dataset.id ?? null,
  index: tr.dataset.index == null ? null : Number(tr.dataset.index),
  rowindex: Number(tr.getAttribute('aria-rowindex')),
  domId: tr.id || null,
  focused: tr.classList.contains('row-focused'),
  name: text(tr.querySelector('a.row-link')),
  phase: text(tr.querySelector('[data-testid=row-phase]')),
  height: tr.getBoundingClientRect().height,
}));
return {
  rows,
  rowcount: Number(table.getAttribute('aria-rowcount')),
  active: table.getAttribute('aria-activedescendant'),
  foot: text(document.querySelector('[data-testid=deployments-foot]')) || '',
  rowsError: text(document.querySelector('[data-testid=rows-error]')),
  scrollTop: scroll.scrollTop,
  scrollHeight: scroll.scrollHeight,
  clientHeight: scroll.clientHeight,
  headHeight: table.querySelector('thead').getBoundingClientRect().height,
  spacers: [...table.querySelectorAll('tbody > tr.spacer')].map(tr => tr.getBoundingClientRect().height),
  tableFocused: document.activeElement === table,
};
"#;

fn parse(raw: Value) -> Option<Table> {
    if raw.is_null() {
        return None;
    }
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let string = |v: &Value| v.as_str().map(String::from);
    let rows = raw["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| Row {
                    kind: r["kind"].as_str().unwrap_or_default().to_string(),
                    id: string(&r["id"]),
                    index: r["index"].as_u64().map(|i| i as usize),
                    rowindex: r["rowindex"].as_u64().unwrap_or(0) as usize,
                    dom_id: string(&r["domId"]),
                    focused: r["focused"].as_bool().unwrap_or(false),
                    name: string(&r["name"]),
                    phase: string(&r["phase"]),
                    height: num(&r["height"]),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Table {
        rows,
        rowcount: raw["rowcount"].as_u64().unwrap_or(0) as usize,
        active: string(&raw["active"]),
        foot: raw["foot"].as_str().unwrap_or_default().to_string(),
        rows_error: string(&raw["rowsError"]),
        scroll_top: num(&raw["scrollTop"]),
        scroll_height: num(&raw["scrollHeight"]),
        client_height: num(&raw["clientHeight"]),
        head_height: num(&raw["headHeight"]),
        spacers: raw["spacers"]
            .as_array()
            .map(|s| s.iter().map(num).collect())
            .unwrap_or_default(),
        table_focused: raw["tableFocused"].as_bool().unwrap_or(false),
        raw,
    })
}

impl Table {
    /// The loaded rows.
    pub fn loaded(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.pending())
    }

    /// The pending rows.
    pub fn pending(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.pending())
    }

    /// The loaded rows' IDs, in order.
    pub fn ids(&self) -> Vec<String> {
        self.loaded().filter_map(|r| r.id.clone()).collect()
    }

    /// The loaded rows' names, in order.
    pub fn names(&self) -> Vec<String> {
        self.loaded().filter_map(|r| r.name.clone()).collect()
    }

    /// The loaded row at `index` of the whole list.
    pub fn at(&self, index: usize) -> Option<&Row> {
        self.loaded().find(|r| r.index == Some(index))
    }

    /// The footer's "rows A–B of N" as (A, B, N), ignoring a " · loading rows…" after it.
    pub fn foot_numbers(&self) -> Option<(usize, usize, usize)> {
        let text = self.foot.split(" · ").next()?.trim();
        let rest = text.strip_prefix("rows ")?;
        let (range, total) = rest.split_once(" of ")?;
        let (first, last) = range.split_once('–')?;
        let n = |s: &str| s.trim().replace(',', "").parse::<usize>().ok();
        Some((n(first)?, n(last)?, n(total)?))
    }

    /// The footer's total ("rows A–B of N" or, in the widget, "N deployments").
    pub fn foot_total(&self) -> Option<usize> {
        if let Some((_, _, total)) = self.foot_numbers() {
            return Some(total);
        }
        let text = self.foot.split(" · ").next()?.trim();
        let number = text.split(' ').next()?;
        number.replace(',', "").parse().ok()
    }

    /// The first row in view, as the scroll position says (0-based).
    pub fn first_in_view(&self) -> usize {
        (self.scroll_top / ROW_HEIGHT).floor() as usize
    }

    /// What breaks the windowed table's contract for a list of `total` rows: at most
    /// [`MAX_WINDOW_ROWS`] rows, contiguous places, each row's `aria-rowindex`, `id` and
    /// `data-index` agreeing, 56 px rows, spacers and scroll height standing for the rest,
    /// `aria-rowcount` = total + 1, no deployment twice. Empty when all holds.
    pub fn problems(&self, total: usize) -> Vec<String> {
        let mut problems = Vec::new();
        if self.rows.len() > MAX_WINDOW_ROWS {
            problems.push(format!(
                "{} rows in the DOM (at most {MAX_WINDOW_ROWS})",
                self.rows.len()
            ));
        }
        if self.rowcount != total + 1 {
            problems.push(format!("aria-rowcount {} for {total} rows", self.rowcount));
        }
        for pair in self.rows.windows(2) {
            if pair[1].place() != pair[0].place() + 1 {
                problems.push(format!(
                    "rows {} and {} are next to each other",
                    pair[0].place(),
                    pair[1].place()
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for row in &self.rows {
            if (row.height - ROW_HEIGHT).abs() > 0.5 {
                problems.push(format!("row {} is {} px high", row.place(), row.height));
            }
            if row.place() >= total {
                problems.push(format!("row {} is past the end ({total})", row.place()));
            }
            if row.pending() {
                continue;
            }
            let Some(index) = row.index else {
                problems.push(format!("a loaded row without data-index: {row:?}"));
                continue;
            };
            if row.rowindex != index + 2 {
                problems.push(format!("row {index} has aria-rowindex {}", row.rowindex));
            }
            if row.dom_id.as_deref() != Some(format!("deployment-row-{index}").as_str()) {
                problems.push(format!("row {index} has id {:?}", row.dom_id));
            }
            if let Some(id) = &row.id
                && !seen.insert(id.clone())
            {
                problems.push(format!("{id} is shown twice"));
            }
        }
        if let (Some(first), Some(last)) = (self.rows.first(), self.rows.last()) {
            let above = first.place() as f64 * ROW_HEIGHT;
            let below = total.saturating_sub(last.place() + 1) as f64 * ROW_HEIGHT;
            let spacers = &self.spacers;
            if spacers.len() != 2
                || (spacers[0] - above).abs() > 1.0
                || (spacers[1] - below).abs() > 1.0
            {
                problems.push(format!(
                    "spacers {spacers:?} for {above} px above and {below} px below"
                ));
            }
        }
        let body = self.scroll_height - self.head_height;
        let whole = total as f64 * ROW_HEIGHT;
        // A short list leaves the scrolling area taller than its rows.
        if whole > self.client_height && (body - whole).abs() > 2.0 {
            problems.push(format!(
                "the scroll height {} (header {}) does not stand for {total} rows of {ROW_HEIGHT} px",
                self.scroll_height, self.head_height
            ));
        }
        problems
    }
}

/// The table now (`None` while there is none).
pub async fn read(browser: &Browser) -> Option<Table> {
    parse(run(browser, READ, Vec::new()).await)
}

/// Waits until the table satisfies `done`; returns it. Fails with `what` and the last state.
pub async fn wait_table(
    browser: &Browser,
    what: &str,
    timeout: Duration,
    done: impl Fn(&Table) -> bool,
) -> Table {
    let value = wait_for(browser, what, timeout, READ, Vec::new(), |raw| {
        parse(raw.clone()).is_some_and(|t| done(&t))
    })
    .await;
    parse(value).expect("a table")
}

/// Fails the test with the table's state when it breaks the window's contract.
pub fn assert_window(table: &Table, total: usize, when: &str) {
    let problems = table.problems(total);
    assert!(
        problems.is_empty(),
        "{when}: the windowed table breaks its contract:\n{}\n{:#}",
        problems.join("\n"),
        table.raw
    );
}

/// Sets the scrolling area's `scrollTop` (as a person scrolling there) and returns what the
/// browser made of it.
pub async fn scroll_to(browser: &Browser, top: f64) -> f64 {
    run(
        browser,
        "const s = document.querySelector('[data-testid=deployments-scroll]'); s.scrollTop = arguments[0]; return s.scrollTop",
        vec![json!(top)],
    )
    .await
    .as_f64()
    .unwrap_or(f64::NAN)
}

/// Puts the keyboard on the table.
pub async fn focus_table(browser: &Browser) {
    let focused = run(
        browser,
        "const t = document.querySelector('[data-testid=deployments-table]'); t.focus(); return document.activeElement === t",
        Vec::new(),
    )
    .await;
    assert_eq!(focused, json!(true), "the table takes the keyboard focus");
}

/// Presses `key` (a `fantoccini::key::Key` as char) `times` times.
pub async fn press(browser: &Browser, key: char, times: usize) {
    for _ in 0..times {
        browser.press(key).await;
    }
}

/// Picks `value` in the select matching `css`, as a person would (a `change` event follows).
pub async fn choose(browser: &Browser, css: &str, value: &str) {
    let chosen = run(
        browser,
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value",
        vec![json!(css), json!(value)],
    )
    .await;
    assert_eq!(
        chosen.as_str(),
        Some(value),
        "{css} has an option {value:?}"
    );
}

/// Replaces the search field's text at once (one `input` event, as a paste).
pub async fn search(browser: &Browser, text: &str) {
    run(
        browser,
        "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input', {bubbles: true})); return null",
        vec![json!(test_id(ids::DEPLOYMENTS_SEARCH)), json!(text)],
    )
    .await;
}

/// Clicks the sort button of the column headed `label`.
pub async fn sort_by(browser: &Browser, label: &str) {
    let clicked = run(
        browser,
        "const b = [...document.querySelectorAll('[data-testid=deployments-table] th button')].find(b => b.textContent.replace(/[▲▼]/g, '').trim() === arguments[0]); if (!b) return false; b.click(); return true",
        vec![json!(label)],
    )
    .await;
    assert_eq!(clicked, json!(true), "a sort button {label:?}");
}

/// The headers' texts, and which of them are sort buttons.
pub async fn headers(browser: &Browser) -> Vec<(String, bool)> {
    run(
        browser,
        "return [...document.querySelectorAll('[data-testid=deployments-table] thead th')].map(th => [th.textContent.replace(/[▲▼]/g, '').replace(/\\s+/g, ' ').trim(), !!th.querySelector('button')])",
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_bool().unwrap_or(false),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The phase filter's options as (value, text).
pub async fn phase_options(browser: &Browser) -> Vec<(String, String)> {
    run(
        browser,
        "return [...document.querySelectorAll('[data-testid=deployments-phase] option')].map(o => [o.value, o.textContent.trim()])",
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Tells the page it is back online: every live view fetches at once instead of at its next
/// poll (up to 15 s away while nothing moves).
pub async fn poll_now(browser: &Browser) {
    run(
        browser,
        "window.dispatchEvent(new Event('online')); return null",
        Vec::new(),
    )
    .await;
}

/// Marks the row of deployment `id` with a JS property, so [`still_marked`] can tell whether
/// it is still the same element. Whether the row was there.
pub async fn mark_row(browser: &Browser, id: &str) -> bool {
    run(
        browser,
        "const tr = document.querySelector(arguments[0]); if (!tr) return false; tr.__rioMark = arguments[1]; return true",
        vec![json!(crate::page::row(id)), json!(id)],
    )
    .await
        == json!(true)
}

/// Whether the row of deployment `id` is the element [`mark_row`] marked (`None`: no row).
pub async fn still_marked(browser: &Browser, id: &str) -> Option<bool> {
    run(
        browser,
        "const tr = document.querySelector(arguments[0]); return tr ? tr.__rioMark === arguments[1] : null",
        vec![json!(crate::page::row(id)), json!(id)],
    )
    .await
    .as_bool()
}

/// The URLs of the list requests the page made (`/api/v1/deployments…`, from the resource
/// timing entries), oldest first.
pub async fn list_requests_seen(browser: &Browser) -> Vec<String> {
    run(
        browser,
        "return performance.getEntriesByType('resource').map(e => new URL(e.name)).filter(u => u.pathname === '/api/v1/deployments').map(u => u.pathname + u.search)",
        Vec::new(),
    )
    .await
    .as_array()
    .map(|list| {
        list.iter()
            .filter_map(|u| u.as_str().map(String::from))
            .collect()
    })
    .unwrap_or_default()
}

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

/// The script that reads the phase filter's options as `[value, text]` pairs.
pub const OPTIONS: &str = "return [...document.querySelectorAll('[data-testid=deployments-phase] option')].map(o => [o.value, o.textContent.trim()])";

/// Waits until the phase filter's options read `expected` (see [`expected_options`]).
pub async fn wait_options(browser: &Browser, what: &str, expected: &[(String, String)]) {
    let expected = json!(expected);
    wait_for(browser, what, crate::page::LONG, OPTIONS, Vec::new(), |v| {
        *v == expected
    })
    .await;
}
