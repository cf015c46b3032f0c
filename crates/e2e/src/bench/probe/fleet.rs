//! The scripts of the fleet measures: scrolling the windowed table with frame times sampled by
//! `requestAnimationFrame`, reading a list answer with `JSON.parse`, and the answers the
//! console read (logged by [`super::on_new_document`]).

use std::sync::LazyLock;

use rio_console::ids;

/// `execute_async(mode, rows, arrowRows, stepPx, timeoutMs, settleMs)`: scrolls the console's
/// windowed table (or the page, on the baseline) `rows` rows (of 56 px) down from where it is,
/// one step per animation frame, and samples every frame. `mode` `"keys"`: a `keydown` on the
/// table each frame, as a held key repeats (ArrowDown for the first `arrowRows` rows, then
/// PageDown), until the focused row (from `aria-activedescendant`) is `rows` further down;
/// `"wheel"`: the scrolling area's `scrollTop` moved `stepPx` pixels each frame until the first
/// row in view is `rows` further down; `"idle"`: no step, frames sampled for `timeoutMs` (what
/// the machine and the headless browser give a page at rest). Then it samples on until no
/// pending row is in view (at most `settleMs`).
///
/// Resolves `{frames, reached, settled, pendingFrames, pendingMost, pendingRows, pendingInDom,
/// busy, longest, requests, first, last}`: `frames`, ms between consecutive frames (the
/// `requestAnimationFrame` timestamps), `reached` how many of them came before the goal was
/// reached; `settled` ms from the goal to no pending row in view (null: not within
/// `settleMs`); `pendingFrames` frames with a pending row in view, `pendingMost` the most in
/// view at once, `pendingRows` distinct rows seen pending in view, `pendingInDom` the most
/// pending rows in the DOM at once; `busy`/`longest`/`long` main-thread tasks over 50 ms (sum,
/// longest, each `{start, duration}`); `requests` the API requests started; `reads` the API answers the console read
/// (`{url, chars, read, ms}`: ms from read as text to the main thread free, see
/// [`super::on_new_document`]); `first`/`last` the first row in view before and after. Or
/// `{error}`.
pub static SCROLL: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"
const [mode, distance, arrowRows, stepPx, timeout, settle, done] = arguments;
// The baseline's table has no scrolling area of its own: the page scrolls.
const scroller = document.querySelector('[data-testid={deployments_scroll}]') || document.scrollingElement;
const table = document.querySelector('[data-testid={deployments_table}]');
if (!table || !table.tBodies[0]) {{ done({{ error: "no table" }}); return; }}
const ROW = 56;
const head = table.tHead && scroller !== document.scrollingElement ? table.tHead.offsetHeight : 0;
const viewport = Math.max(ROW, scroller.clientHeight - head);
const focused = () => {{
  const id = table.getAttribute("aria-activedescendant");
  const m = id && /(\d+)$/.exec(id);
  return m ? Number(m[1]) : -1;
}};
const firstInView = () => Math.floor(scroller.scrollTop / ROW);
const position = () => (mode === "keys" ? focused() : firstInView());
table.focus({{ preventScroll: true }});
const from = Math.max(0, position());
const goal = from + distance;
const firstBefore = firstInView();
const frames = [];
const pendingRows = new Set();
let pendingFrames = 0, pendingMost = 0, pendingInDom = 0;
let busy = 0, longest = 0;
const long = [];
const tasks = new PerformanceObserver((list) => {{
  for (const e of list.getEntries()) {{
    busy += e.duration;
    longest = Math.max(longest, e.duration);
    long.push({{ start: e.startTime, duration: e.duration }});
  }}
}});
try {{ tasks.observe({{ type: "longtask" }}); }} catch (_) {{}}
const fetchesBefore = window.__bench ? window.__bench.fetches.length : 0;
const decodesBefore = window.__bench ? window.__bench.decodes.length : 0;
// Pending rows in view: their place is `aria-rowindex` less the header row and one.
const pendingInView = () => {{
  const top = scroller.scrollTop;
  const first = Math.floor(top / ROW), end = Math.ceil((top + viewport) / ROW);
  const pending = table.tBodies[0].querySelectorAll('tr[data-testid={pending_row}]');
  pendingInDom = Math.max(pendingInDom, pending.length);
  let seen = 0;
  for (const tr of pending) {{
    const i = Number(tr.getAttribute("aria-rowindex")) - 2;
    if (i >= first && i < end) {{ seen++; pendingRows.add(i); }}
  }}
  if (seen) pendingFrames++;
  pendingMost = Math.max(pendingMost, seen);
  return seen;
}};
const step = () => {{
  if (mode === "keys") {{
    const key = position() - from < arrowRows ? "ArrowDown" : "PageDown";
    table.dispatchEvent(new KeyboardEvent("keydown", {{ key, bubbles: true, cancelable: true }}));
  }} else if (mode === "wheel") {{
    scroller.scrollTop = scroller.scrollTop + stepPx;
  }}
}};
let last = null, reached = null, reachedAt = null, settled = null;
const started = performance.now();
const finish = (error) => {{
  tasks.disconnect();
  const requests = window.__bench ? window.__bench.fetches.slice(fetchesBefore).map((f) => f.url) : [];
  const reads = (window.__bench ? window.__bench.decodes.slice(decodesBefore) : []).map((d) => ({{
    url: d.url, chars: d.chars, read: d.read, ms: d.free === null ? null : d.free - d.read,
  }}));
  done({{
    error, frames, reached, settled, pendingFrames, pendingMost,
    pendingRows: pendingRows.size, pendingInDom, busy, longest, long, requests, reads,
    first: firstBefore, last: firstInView(),
  }});
}};
const frame = (now) => {{
  if (last !== null) frames.push(now - last);
  last = now;
  const pending = pendingInView();
  if (reached === null) {{
    if (position() >= goal) {{ reached = frames.length; reachedAt = now; }}
    else step();
  }}
  if (reached !== null && pending === 0) {{ settled = now - reachedAt; finish(null); return; }}
  if (reached !== null && now - reachedAt > settle) {{ finish(null); return; }}
  if (now - started > timeout) {{ finish(mode === "idle" ? null : "timed out scrolling"); return; }}
  requestAnimationFrame(frame);
}};
requestAnimationFrame(frame);
"#,
        deployments_scroll = ids::DEPLOYMENTS_SCROLL,
        deployments_table = ids::DEPLOYMENTS_TABLE,
        pending_row = ids::PENDING_ROW,
    )
});

/// `execute_async(url, runs)`: fetches `url` `runs` times (no cache) and reads each answer
/// with `JSON.parse`, as plain JavaScript would. Resolves `{runs: [{status, chars, items,
/// deleted, headers, body, parse}]}` (ms: to the response headers, then to the whole body as
/// text, then to parsed) or `{error}`.
pub const FETCH_PARSE: &str = r#"
const [url, runs, done] = arguments;
const read = (window.__bench && window.__bench.text) || Response.prototype.text;
(async () => {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
    const t1 = performance.now();
    const text = await read.call(response);
    const t2 = performance.now();
    const value = JSON.parse(text);
    const t3 = performance.now();
    out.push({
      status: response.status, chars: text.length,
      items: Array.isArray(value.items) ? value.items.length : null,
      deleted: Array.isArray(value.deleted) ? value.deleted.length : null,
      headers: t1 - t0, body: t2 - t1, parse: t3 - t2,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  done({ runs: out });
})().catch((e) => done({ error: String(e) }));
"#;

/// `execute(from)`: the API answers the page read from number `from` on: `{url, chars, asked,
/// read, free}` (`read`: the body was text; `free`: the main thread was next free, after what
/// the answer started), and how many there are in all.
pub const DECODES: &str = r#"
const [from] = arguments;
const all = window.__bench ? window.__bench.decodes : [];
return { total: all.length, entries: all.slice(from) };
"#;

/// Part of [`super::on_new_document`]: demo mode's requests go to its worker, not to `fetch`;
/// each is counted in `bench.workerRequests` with its path.
pub(super) const COUNT_WORKER_REQUESTS: &str = r#"
  // Demo mode's requests go to its worker: counted by path.
  bench.workerRequests = [];
  if (window.Worker) {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message) {
      try {
        if (typeof message === "string" && message.includes('"type":"request"')) {
          const parsed = JSON.parse(message);
          bench.workerRequests.push({ at: performance.now(), path: String(parsed.path || "") });
        }
      } catch (_) {}
      return post.apply(this, arguments);
    };
  }
"#;
