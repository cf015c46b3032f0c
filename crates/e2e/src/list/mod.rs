//! Reading and driving the windowed deployments table in a test: what the page holds at one
//! instant (rows, pending rows, footer, focus, scroll position), the invariants every window
//! keeps, the keys and the scroll position, and the API's own answer for a query to compare
//! with.

use std::sync::LazyLock;
use std::time::Duration;

use rio_console::ids;
use serde_json::Value;

use crate::Browser;
use crate::page::{run, wait_for};

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

static READ: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"
const table = document.querySelector('[data-testid={deployments_table}]');
const scroll = document.querySelector('[data-testid={deployments_scroll}]');
if (!table || !scroll) return null;
const text = e => e ? e.textContent.replace(/\s+/g, ' ').trim() : null;
const rows = [...table.querySelectorAll('tbody > tr')].filter(tr => !tr.classList.contains('spacer')).map(tr => ({{
  kind: tr.dataset.testid || '',
  id: tr.dataset.id ?? null,
  index: tr.dataset.index == null ? null : Number(tr.dataset.index),
  rowindex: Number(tr.getAttribute('aria-rowindex')),
  domId: tr.id || null,
  focused: tr.classList.contains('row-focused'),
  name: text(tr.querySelector('a.row-link')),
  phase: text(tr.querySelector('[data-testid={row_phase}]')),
  height: tr.getBoundingClientRect().height,
}}));
return {{
  rows,
  rowcount: Number(table.getAttribute('aria-rowcount')),
  active: table.getAttribute('aria-activedescendant'),
  foot: text(document.querySelector('[data-testid={deployments_foot}]')) || '',
  rowsError: text(document.querySelector('[data-testid={rows_error}]')),
  scrollTop: scroll.scrollTop,
  scrollHeight: scroll.scrollHeight,
  clientHeight: scroll.clientHeight,
  headHeight: table.querySelector('thead').getBoundingClientRect().height,
  spacers: [...table.querySelectorAll('tbody > tr.spacer')].map(tr => tr.getBoundingClientRect().height),
  tableFocused: document.activeElement === table,
}};
"#,
        deployments_table = ids::DEPLOYMENTS_TABLE,
        deployments_scroll = ids::DEPLOYMENTS_SCROLL,
        row_phase = ids::ROW_PHASE,
        deployments_foot = ids::DEPLOYMENTS_FOOT,
        rows_error = ids::ROWS_ERROR,
    )
});

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
    parse(run(browser, &READ, Vec::new()).await)
}

/// Waits until the table satisfies `done`; returns it. Fails with `what` and the last state.
pub async fn wait_table(
    browser: &Browser,
    what: &str,
    timeout: Duration,
    done: impl Fn(&Table) -> bool,
) -> Table {
    let value = wait_for(browser, what, timeout, &READ, Vec::new(), |raw| {
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

mod api;
mod drive;

pub use api::*;
pub use drive::*;
