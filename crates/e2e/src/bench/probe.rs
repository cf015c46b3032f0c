//! The JavaScript the bench runs in the page. The same scripts measure the console and the
//! plain-JS baseline: both tables carry the same test ids (`deployments-table`, `row-phase`,
//! rows with `data-id`). Times are `performance.now()` in the page. The scripts of the fleet
//! measures (scrolling, decoding) are in [`fleet`].

pub mod fleet;

use rio_console::ids;

/// Shared by the scripts below (and [`on_new_document`]): the deployments table's body, its
/// rows (spacers and pending rows included), and whether it shows what a run waits for:
/// `want` a number, that many rows (the baseline builds every row); `"screen"`, every row the
/// console's footer says is in view ("rows 1–11 of 19,205") is a loaded deployment row (its
/// `data-index` in the DOM, not a pending row): the console builds only a window of rows. The
/// widget's footer counts the list instead ("50 deployments"): every row it built is loaded.
fn painted() -> String {
    format!(
        r#"
const tableBody = () => {{
  const table = document.querySelector('[data-testid={deployments_table}]');
  return table && table.tBodies[0] ? table.tBodies[0] : null;
}};
const rows = () => {{
  const body = tableBody();
  return body ? body.rows.length : 0;
}};
const screenShown = (body) => {{
  const foot = document.querySelector('[data-testid={deployments_foot}]');
  // The widget's footer counts the list ("50 deployments"): every row it built is loaded.
  if (foot && /^\s*[\d,]+ deployments?\b/.test(foot.textContent)) {{
    return body.querySelector('tr[data-testid={deployment_row}]') !== null
      && body.querySelector('tr[data-testid={pending_row}]') === null;
  }}
  const m = foot && /rows\s+([\d,]+)\s*[–-]\s*([\d,]+)\s+of\s+([\d,]+)/.exec(foot.textContent);
  if (!m) return false;
  const number = (text) => Number(text.replace(/,/g, ""));
  const first = number(m[1]), last = number(m[2]);
  if (!(first >= 1 && last >= first)) return false;
  for (let i = first - 1; i < last; i++) {{
    if (!body.querySelector(`tr[data-testid={deployment_row}][data-index="${{i}}"]`)) return false;
  }}
  return true;
}};
const painted = (want) => {{
  const body = tableBody();
  if (!body) return false;
  return want === "screen" ? screenShown(body) : body.rows.length >= want;
}};
"#,
        deployments_table = ids::DEPLOYMENTS_TABLE,
        deployments_foot = ids::DEPLOYMENTS_FOOT,
        deployment_row = ids::DEPLOYMENT_ROW,
        pending_row = ids::PENDING_ROW,
    )
}

/// Installed before any page script of every document (`Page.addScriptToEvaluateOnNewDocument`):
/// counts the API requests the page starts (even those an offline browser never sends), keeps
/// the wasm instance's memory when the app instantiates it, logs every API answer's body as
/// the page reads it (`Response.text`) with when it was read and when the main thread was next
/// free (a task queued then runs after the microtasks the answer started: the console's decode
/// and what it does with the result), and, with `?bench_rows=N` (or `?bench_rows=screen`, see
/// [`painted`]) in the URL, notes when the deployments table shows them (`rowsAt`) and the
/// frame after (`paintedAt`), `performance.now()` counting from the start of the navigation.
pub fn on_new_document() -> String {
    format!(
        "(() => {{\n{ON_NEW_DOCUMENT}\n{}\n{}\n{WATCH_ROWS}\n}})();",
        fleet::COUNT_WORKER_REQUESTS,
        painted()
    )
}

const ON_NEW_DOCUMENT: &str = r#"
  if (window.__bench) return;
  const bench = (window.__bench = {
    fetches: [], decodes: [], wasmMemory: null, rowsAt: null, paintedAt: null,
  });
  performance.setResourceTimingBufferSize(10000);
  const fetch = window.fetch;
  window.fetch = function (input) {
    try {
      const url = typeof input === "string" ? input : (input && input.url) || String(input);
      if (url.includes("/api/")) bench.fetches.push({ at: performance.now(), url });
    } catch (_) {}
    return fetch.apply(this, arguments);
  };
  // The bench's own reads use `bench.text`, and are not logged.
  const text = Response.prototype.text;
  bench.text = text;
  Response.prototype.text = function () {
    const url = this.url;
    const asked = performance.now();
    return text.call(this).then((body) => {
      if (url.includes("/api/")) {
        const entry = { url, chars: body.length, asked, read: performance.now(), free: null };
        bench.decodes.push(entry);
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { entry.free = performance.now(); };
        channel.port2.postMessage(null);
      }
      return body;
    });
  };
  const keep = (result) => {
    const instance = result && (result.instance || result);
    if (instance && instance.exports && instance.exports.memory) {
      bench.wasmMemory = instance.exports.memory;
    }
    return result;
  };
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    if (typeof original === "function") {
      WebAssembly[name] = function () {
        return original.apply(this, arguments).then(keep);
      };
    }
  }
"#;

const WATCH_ROWS: &str = r#"
  const wanted = /[?&]bench_rows=(\d+|screen)/.exec(location.search);
  if (wanted) {
    const want = wanted[1] === "screen" ? "screen" : Number(wanted[1]);
    const observer = new MutationObserver(() => {
      if (!painted(want)) return;
      bench.rowsAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { bench.paintedAt = performance.now(); }, 0));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  }
"#;

/// Shared by the scripts below: the resource timing of the last list request.
const LIST: &str = r#"(() => {
  const all = performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("/api/v1/deployments"));
  return all.length ? all[all.length - 1] : null;
})"#;

/// `execute_async(selector, want, timeoutMs)`: clicks `selector` and times until the table
/// shows `want`, a number of rows or `"screen"` (see [`painted`]) (`dom`: the mutation that
/// completed them; `frame`: the next frame after it, style, layout and paint included;
/// `requested`/`received`: when the list request started and its answer arrived). Resolves `{dom, frame, rows, requested, received}` or `{error, rows}`.
pub fn render() -> String {
    format!(
        r#"{painted}
const [selector, want, timeout, done] = arguments;
const link = document.querySelector(selector);
if (!link) {{ done({{ error: "nothing matches " + selector, rows: rows() }}); return; }}
let finished = false;
const finish = (result) => {{
  if (finished) return;
  finished = true;
  observer.disconnect();
  clearTimeout(timer);
  done(result);
}};
const observer = new MutationObserver(() => {{
  if (!painted(want)) return;
  const dom = performance.now() - start;
  observer.disconnect();
  requestAnimationFrame(() =>
    setTimeout(() => {{
      const frame = performance.now() - start;
      const list = {LIST}();
      finish({{
        dom, frame, rows: rows(),
        requested: list ? list.startTime - start : null,
        received: list ? list.responseEnd - start : null,
      }});
    }}, 0));
}});
observer.observe(document.body, {{ childList: true, subtree: true, characterData: true }});
const timer = setTimeout(() => finish({{ error: "timed out", rows: rows() }}), timeout);
performance.clearResourceTimings();
const start = performance.now();
link.click();
"#,
        painted = painted()
    )
}

/// `execute_async(selector, timeoutMs)`: clicks `selector` (when given) and waits until the
/// table is gone, then a little longer for the page to settle. Resolves `{gone}` (ms until the
/// table was gone) or `{error}`.
pub fn clear() -> String {
    format!(
        r#"{painted}
const [selector, timeout, done] = arguments;
if (selector) {{
  const link = document.querySelector(selector);
  if (!link) {{ done({{ error: "nothing matches " + selector }}); return; }}
  link.click();
}}
const start = performance.now();
const wait = () => {{
  if (rows() === 0) {{
    const gone = performance.now() - start;
    setTimeout(() => done({{ gone }}), 150);
  }}
  else if (performance.now() - start > timeout) done({{ error: "the table stayed", rows: rows() }});
  else requestAnimationFrame(wait);
}};
wait();
"#,
        painted = painted()
    )
}

/// `execute_async(want, timeoutMs)`: waits until the table shows `want` (a number of rows, or
/// `"screen"`: see [`painted`]), and one more frame. Resolves `{rows}` or `{error, rows}`.
pub fn wait_rows() -> String {
    format!(
        r#"{painted}
const [want, timeout, done] = arguments;
const start = performance.now();
const wait = () => {{
  if (painted(want)) requestAnimationFrame(() => setTimeout(() => done({{ rows: rows() }}), 0));
  else if (performance.now() - start > timeout) done({{ error: "timed out", rows: rows() }});
  else setTimeout(wait, 20);
}};
wait();
"#,
        painted = painted()
    )
}

/// `execute_async(expect, settleMs, timeoutMs)`: a poll tick. Dispatches `online` on the window
/// (both pages fetch at once on it), records every DOM mutation in the table and in the rest of
/// the page, and with `expect` (`{id: phase}`) times until every listed row that is in the DOM
/// when it starts (`watched` of them: the console makes only the rows in view, the baseline
/// all) shows its new phase. Without `expect` it ends `settleMs` after the answer arrived; with
/// it, `settleMs` after the last watched row changed. Resolves `{changed, received, busy,
/// requests, table, outside, watched, expectedPhase, expectedOther, otherRows, kinds}`
/// (`received`: when the answer arrived; `busy`: ms of main-thread tasks longer than 50 ms).
pub fn tick() -> String {
    format!("const LIST = {LIST};\n{}", tick_body())
}

fn tick_body() -> String {
    format!(
        r#"
const [expect, settle, timeout, done] = arguments;
const table = document.querySelector('[data-testid={deployments_table}]');
if (!table) {{ done({{ error: "no table" }}); return; }}
// Only the changed rows in the DOM are watched: the console makes only the rows in view.
const inDom = new Set();
for (const tr of table.tBodies[0].rows) if (tr.dataset.id) inDom.add(tr.dataset.id);
const ids = expect ? Object.keys(expect).filter((id) => inDom.has(id)) : [];
const tableRecords = [];
const outside = [];
let changed = null;
const check = () => {{
  if (!expect || !ids.length || changed !== null) return;
  const byId = new Map();
  for (const tr of table.tBodies[0].rows) byId.set(tr.dataset.id, tr);
  for (const id of ids) {{
    const tr = byId.get(id);
    const chip = tr && tr.querySelector('[data-testid={row_phase}]');
    if (!chip || chip.textContent.trim() !== expect[id]) return;
  }}
  changed = performance.now() - start;
}};
const inTable = new MutationObserver((list) => {{ tableRecords.push(...list); check(); }});
const inPage = new MutationObserver((list) => {{
  for (const r of list) if (!table.contains(r.target)) outside.push(r);
}});
const what = {{ subtree: true, childList: true, characterData: true, attributes: true }};
// Main-thread tasks over 50 ms while the tick runs (decoding, diffing, rendering).
let busy = 0;
const tasks = new PerformanceObserver((list) => {{
  for (const e of list.getEntries()) if (e.startTime >= start) busy += e.duration;
}});
try {{ tasks.observe({{ type: "longtask" }}); }} catch (_) {{}}
inTable.observe(table, what);
inPage.observe(document.body, what);
performance.clearResourceTimings();
const requestsBefore = window.__bench ? window.__bench.fetches.length : 0;
const describe = (r) => {{
  const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
  const name = node
    ? node.tagName.toLowerCase() +
      (typeof node.className === "string" && node.className ? "." + node.className.split(" ")[0] : "")
    : "?";
  return `${{r.type}}${{r.attributeName ? " " + r.attributeName : ""}} on ${{name}}`;
}};
const finish = (error) => {{
  inTable.disconnect();
  inPage.disconnect();
  tasks.disconnect();
  clearInterval(poll);
  let expectedPhase = 0, expectedOther = 0, otherRows = 0;
  const kinds = {{}};
  for (const r of tableRecords) {{
    const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    const tr = node && node.closest("tbody tr");
    const id = tr ? tr.dataset.id : null;
    const phase = !!(node && node.closest('[data-testid={row_phase}]'));
    if (id !== null && expect && id in expect) {{
      if (phase) expectedPhase++; else expectedOther++;
    }} else {{
      otherRows++;
    }}
    const kind = describe(r);
    kinds[kind] = (kinds[kind] || 0) + 1;
  }}
  for (const r of outside) {{
    const kind = "outside the table: " + describe(r);
    kinds[kind] = (kinds[kind] || 0) + 1;
  }}
  const list = LIST();
  done({{
    error, changed, busy,
    received: list && list.responseEnd > 0 ? list.responseEnd - start : null,
    requests: window.__bench ? window.__bench.fetches.length - requestsBefore : null,
    table: tableRecords.length, outside: outside.length, watched: ids.length,
    expectedPhase, expectedOther, otherRows, kinds,
  }});
}};
let settling = false;
const poll = setInterval(() => {{
  if (settling) return;
  if (performance.now() - start > timeout) {{ finish("timed out"); return; }}
  const list = LIST();
  const answered = list !== null && list.responseEnd > 0;
  if (expect && ids.length ? changed !== null : answered) {{
    settling = true;
    setTimeout(() => finish(null), settle);
  }}
}}, 10);
const start = performance.now();
window.dispatchEvent(new Event("online"));
"#,
        deployments_table = ids::DEPLOYMENTS_TABLE,
        row_phase = ids::ROW_PHASE,
    )
}

/// Hides the page as far as scripts can tell (`document.visibilityState`, `document.hidden`)
/// and tells it (`visibilitychange`); `show` undoes it.
pub const HIDE: &str = r#"
Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
return document.visibilityState;
"#;

/// Makes the page visible again (see [`HIDE`]).
pub const SHOW: &str = r#"
delete document.visibilityState;
delete document.hidden;
document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
return document.visibilityState;
"#;

/// The API requests the page started so far, and whether the browser says it is online.
pub const FETCHES: &str = r#"
return { fetches: window.__bench ? window.__bench.fetches.length : null, online: navigator.onLine };
"#;

/// `execute_async(afterCount, timeoutMs)`: ms from now until the page starts API request number
/// `afterCount + 1` (null when none started in time).
pub const NEXT_FETCH: &str = r#"
const [after, timeout, done] = arguments;
const start = performance.now();
const wait = () => {
  const fetches = window.__bench ? window.__bench.fetches : [];
  if (fetches.length > after) done(Math.max(0, fetches[after].at - start));
  else if (performance.now() - start > timeout) done(null);
  else setTimeout(wait, 5);
};
wait();
"#;

/// The wasm instance's linear memory in bytes (null without one), the start-up marks (rows
/// shown, the frame after), and when the wasm, `config.json` and the list were fetched
/// (`{start, end}` after navigation start).
pub const PAGE_STATE: &str = r#"
const bench = window.__bench || {};
const pick = (part) => {
  const e = performance.getEntriesByType("resource").find((e) => e.name.includes(part));
  return e ? { start: e.startTime, end: e.responseEnd } : null;
};
return {
  wasmLoaded: pick(".wasm"),
  config: pick("/config.json"),
  list: pick("/api/v1/deployments"),
  wasm: bench.wasmMemory ? bench.wasmMemory.buffer.byteLength : null,
  rowsAt: bench.rowsAt === undefined ? null : bench.rowsAt,
  paintedAt: bench.paintedAt === undefined ? null : bench.paintedAt,
  hardwareConcurrency: navigator.hardwareConcurrency,
  userAgent: navigator.userAgent,
};
"#;
