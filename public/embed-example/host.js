// An example dashboard embedding rio console widgets (see the README, "Embedding").
// It follows the console's postMessage contract: it only trusts messages from the console's
// origin and from the frames it created, and always posts with an explicit target origin.
"use strict";

const frames = new Map(); // contentWindow -> {name, iframe}
let consoleOrigin = null;
let theme = "light";

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
for (const name of ["console", "deployment", "label", "rollout"]) {
  if (query.has(name)) $(name).value = query.get(name);
}

function credentials() {
  const token = $("token").value.trim();
  if (!token) return null;
  const project = $("project").value.trim();
  return { type: "rio:auth", token, project: project || null };
}

function send(win, message) {
  if (consoleOrigin) win.postMessage(message, consoleOrigin);
}

function log(widget, data) {
  const item = document.createElement("li");
  item.dataset.widget = widget;
  item.dataset.type = String(data && data.type);
  item.textContent = `${new Date().toLocaleTimeString()}  ${widget}  ${JSON.stringify(data)}`;
  $("log").prepend(item);
  window.rioMessages = window.rioMessages || [];
  window.rioMessages.push({ widget, data });
}

function embed(name, slot, path, title) {
  const iframe = document.createElement("iframe");
  iframe.src = consoleOrigin + path;
  iframe.title = title;
  iframe.dataset.widget = name;
  iframe.className = "widget";
  $(slot).replaceChildren(iframe);
  frames.set(iframe.contentWindow, { name, iframe });
}

addEventListener("message", (event) => {
  const frame = frames.get(event.source);
  if (!frame || event.origin !== consoleOrigin) return; // not one of our widgets
  const data = event.data;
  if (!data || typeof data.type !== "string") return;
  log(frame.name, data);
  switch (data.type) {
    case "rio:ready":
    case "rio:auth-expired": {
      const auth = credentials();
      if (auth) send(event.source, auth);
      send(event.source, { type: "rio:theme", theme });
      break;
    }
    case "rio:resize":
      if (Number.isFinite(data.height)) frame.iframe.style.height = `${Math.min(data.height, 2000)}px`;
      break;
  }
});

$("setup").addEventListener("submit", (event) => {
  event.preventDefault();
  let url;
  try {
    url = new URL($("console").value.trim());
  } catch {
    $("console").setCustomValidity("Enter the console's address, e.g. https://console.example.com");
    $("console").reportValidity();
    return;
  }
  $("console").setCustomValidity("");
  consoleOrigin = url.origin;
  frames.clear();
  const id = $("deployment").value.trim();
  if (id) embed("deployment", "slot-deployment", `/widgets/deployment/${encodeURIComponent(id)}`, "Deployment");
  const rollout = $("rollout").value.trim();
  if (rollout) embed("rollout", "slot-rollout", `/widgets/rollout/${encodeURIComponent(rollout)}`, "Rollout");
  const label = $("label").value.trim();
  if (label) {
    embed("list", "slot-list", `/widgets/deployments?label=${encodeURIComponent(label)}`, `Deployments with label ${label}`);
    $("all-phases").disabled = false;
  }
});

// A new token goes to the widgets at once (they resume if a 401 had stopped them).
for (const id of ["token", "project"]) {
  $(id).addEventListener("change", () => {
    const auth = credentials();
    if (auth) for (const win of frames.keys()) send(win, auth);
  });
}

$("theme").addEventListener("click", () => {
  theme = theme === "light" ? "dark" : "light";
  document.documentElement.dataset.theme = theme;
  $("theme").setAttribute("aria-pressed", String(theme === "dark"));
  $("theme").textContent = theme === "dark" ? "Light theme" : "Dark theme";
  for (const win of frames.keys()) send(win, { type: "rio:theme", theme });
});

$("all-phases").addEventListener("click", () => {
  const label = $("label").value.trim();
  for (const [win, frame] of frames) {
    if (frame.name === "list") {
      send(win, { type: "rio:navigate", path: `/widgets/deployments?label=${encodeURIComponent(label)}&phase=all` });
    }
  }
});
