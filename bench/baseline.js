// The plain-JavaScript baseline of `make bench` (see baseline.html): fetch the deployments,
// sort them newest first, and build the console's table markup (same columns, classes and test
// ids) with DOM calls. A refresh compares each deployment with what is shown and touches only
// the cells that changed, as a careful hand-written page would.
"use strict";

(() => {
  const API = "/api/v1/deployments";
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const MEANINGS = {
    DEP_E151: "The device is offline or cannot be reached.",
    DEP_E153: "A cloud component's image could not be pulled, or its source could not be built.",
  };
  const list = document.getElementById("list");
  /** id -> { d, tr, cells } for the rows on screen, and their ids in order. */
  let shown = new Map();
  let order = [];
  let nextId = 1;
  let inFlight = false;
  let again = false;

  const slug = (text) =>
    /^[A-Za-z0-9 -]*$/.test(text) ? text.trim().toLowerCase().replace(/ /g, "-") : "unknown";

  /** "26 Nov 2026" and "12:00 UTC", as the console shows a creation time. */
  function created(rfc3339) {
    const at = new Date(rfc3339);
    if (Number.isNaN(at.getTime())) return [rfc3339 || "—", ""];
    const two = (n) => String(n).padStart(2, "0");
    return [
      `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`,
      `${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`,
    ];
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function codeList(ul, codes) {
    ul.textContent = "";
    for (const code of codes) {
      const li = el("li");
      const link = el("a", "code-link");
      link.href = `/error-codes#${code}`;
      link.title = MEANINGS[code] || "";
      link.append(el("code", "", code));
      li.append(link, el("span", "code-meaning", MEANINGS[code] || ""));
      ul.append(li);
    }
  }

  /** The "i" button and the popover listing `errors`. */
  function codesButton(errors) {
    const n = nextId++;
    const info = el("button", "info-button", "i");
    info.type = "button";
    info.setAttribute("aria-label", "Show error codes");
    info.title = "Show error codes";
    info.setAttribute("popovertarget", `codes-${n}`);
    info.style.setProperty("anchor-name", `--codes-${n}`);
    const popover = el("div", "codes-popover");
    popover.id = `codes-${n}`;
    popover.setAttribute("popover", "auto");
    popover.setAttribute("role", "region");
    popover.setAttribute("aria-label", "Error codes");
    popover.style.setProperty("position-anchor", `--codes-${n}`);
    const list = el("ul", "code-list");
    codeList(list, errors);
    popover.append(list);
    return { info, popover, list };
  }

  function deprovisionLabel(phase) {
    return phase === "Partially deprovisioned" ? "Retry deprovision" : "Deprovision";
  }

  function buildRow(d) {
    const tr = el("tr", "clickable-row");
    tr.dataset.testid = "deployment-row";
    tr.dataset.id = d.deploymentId;

    const nameCell = el("td");
    const name = el("a", "row-link", d.name);
    name.href = `/deployments/${encodeURIComponent(d.deploymentId)}`;
    nameCell.append(name);

    const idCell = el("td");
    idCell.append(el("code", "", d.deploymentId));

    const packageCell = el("td");
    const pkg = el("span", "cell-main", d.packageName);
    const version = el("span", "cell-sub", d.packageVersion);
    packageCell.append(pkg, version);

    const phaseCell = el("td");
    const phase = el("span", `phase phase-${slug(d.phase)}`, d.phase);
    phase.dataset.testid = "row-phase";
    phaseCell.append(phase);

    const statusCell = el("td");
    const wrap = el("span", "status-cell");
    const status = el("span", `status status-${slug(d.status)}`, d.status);
    status.dataset.testid = "row-status";
    // The "i" button and its popover exist only while there are codes, as in the console.
    const codes = d.errors && d.errors.length ? codesButton(d.errors) : null;
    wrap.append(status);
    if (codes) wrap.append(codes.info, codes.popover);
    statusCell.append(wrap);

    const generation = el("td", "numeric", String(d.currentGeneration));
    generation.dataset.testid = "row-generation";

    const createdCell = el("td");
    const [date, clock] = created(d.CreatedAt);
    const day = el("span", "cell-main cell-date", date);
    const time = el("span", "cell-sub", clock);
    createdCell.append(day, time);

    const actions = el("td", "row-actions");
    const stop = el("button", "icon-button icon-button-danger");
    stop.type = "button";
    stop.dataset.testid = "row-deprovision";
    stop.hidden = d.phase === "Deployment stopped";
    stop.setAttribute("aria-label", `${deprovisionLabel(d.phase)} ${d.name}`);
    stop.title = deprovisionLabel(d.phase);
    const icon = el("span", "icon icon-mask icon-stop");
    icon.setAttribute("aria-hidden", "true");
    stop.append(icon);
    actions.append(stop);

    tr.append(nameCell, idCell, packageCell, phaseCell, statusCell, generation, createdCell, actions);
    return { d, tr, cells: { name, pkg, version, phase, status, wrap, codes, generation, day, time, stop } };
  }

  /** Touches only what differs between `old` and `d`. */
  function updateRow(row, d) {
    const old = row.d;
    const c = row.cells;
    if (old.name !== d.name) c.name.textContent = d.name;
    if (old.packageName !== d.packageName) c.pkg.textContent = d.packageName;
    if (old.packageVersion !== d.packageVersion) c.version.textContent = d.packageVersion;
    if (old.phase !== d.phase) {
      c.phase.className = `phase phase-${slug(d.phase)}`;
      c.phase.textContent = d.phase;
      c.stop.hidden = d.phase === "Deployment stopped";
      if (deprovisionLabel(old.phase) !== deprovisionLabel(d.phase)) {
        c.stop.title = deprovisionLabel(d.phase);
      }
    }
    if (old.phase !== d.phase || old.name !== d.name) {
      const label = `${deprovisionLabel(d.phase)} ${d.name}`;
      if (c.stop.getAttribute("aria-label") !== label) c.stop.setAttribute("aria-label", label);
    }
    if (old.status !== d.status) {
      c.status.className = `status status-${slug(d.status)}`;
      c.status.textContent = d.status;
    }
    const oldCodes = (old.errors || []).join(" ");
    const codes = (d.errors || []).join(" ");
    if (oldCodes !== codes) {
      if (!codes) {
        if (c.codes) {
          c.codes.info.remove();
          c.codes.popover.remove();
          c.codes = null;
        }
      } else if (c.codes) {
        codeList(c.codes.list, d.errors);
      } else {
        c.codes = codesButton(d.errors);
        c.wrap.append(c.codes.info, c.codes.popover);
      }
    }
    if (old.currentGeneration !== d.currentGeneration) {
      c.generation.textContent = String(d.currentGeneration);
    }
    if (old.CreatedAt !== d.CreatedAt) {
      const [date, clock] = created(d.CreatedAt);
      c.day.textContent = date;
      c.time.textContent = clock;
    }
    row.d = d;
  }

  function newestFirst(items) {
    return items.slice().sort((a, b) => {
      const byTime = (b.CreatedAt || "").localeCompare(a.CreatedAt || "");
      if (byTime) return byTime;
      return b.name < a.name ? -1 : b.name > a.name ? 1 : 0;
    });
  }

  function header(label) {
    const th = el("th");
    th.scope = "col";
    if (label) th.append(el("button", "sort-button", label));
    return th;
  }

  function render(items) {
    shown = new Map();
    order = items.map((d) => d.deploymentId);
    const panel = el("div", "panel table-panel");
    const table = el("table", "data-table deployments-table");
    table.dataset.testid = "deployments-table";
    const caption = el("caption", "visually-hidden", "Deployments");
    const head = el("thead");
    const headRow = el("tr");
    for (const label of ["Name", "Deployment ID", "Package", "Phase", "Status", "Generation", "Created", ""]) {
      headRow.append(header(label));
    }
    head.append(headRow);
    const body = el("tbody");
    for (const d of items) {
      const row = buildRow(d);
      shown.set(d.deploymentId, row);
      body.append(row.tr);
    }
    table.append(caption, head, body);
    panel.append(table, el("p", "table-foot", `${items.length} of ${items.length} deployments`));
    list.replaceChildren(panel);
  }

  async function fetchItems() {
    const response = await fetch(API, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return newestFirst((await response.json()).items);
  }

  async function load() {
    render(await fetchItems());
  }

  /** Fetches again and applies only the changes (one request at a time). */
  async function refresh() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const items = await fetchItems();
      const sameRows = items.length === order.length && items.every((d, i) => order[i] === d.deploymentId);
      if (!sameRows) {
        render(items);
      } else {
        for (const d of items) updateRow(shown.get(d.deploymentId), d);
      }
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  document.getElementById("load").addEventListener("click", load);
  document.getElementById("clear").addEventListener("click", () => {
    list.textContent = "";
    shown = new Map();
    order = [];
  });
  window.addEventListener("online", refresh);
  if (new URLSearchParams(location.search).has("auto")) load();
})();
