//! The console embedded in a dashboard (`docs/embed.md`), in a real browser: the example host page
//! (`dist/embed-example/host.html`) on one loopback origin frames the widgets served by the
//! reference backend on another. The dashboard hands over the token and the widgets show their
//! data without chrome, sized to their content; the theme and the list's route follow the
//! dashboard; phase changes are reported; wrong shapes, wrong windows and wrong origins are not
//! heard, and a page outside `frame-ancestors` cannot frame the console at all; links leave to the
//! top window; a 401 asks once for a token; the token stays out of URLs, storage and the log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::sync::LazyLock;
use std::time::Duration;

use rio_console::ids;
use rio_e2e::browser::{LogEntry, assert_no_errors};
use rio_e2e::page::{
    LONG, ROW_NAMES, click, row, run, test_id, update_from_dialog, wait_for, wait_phase, wait_text,
};
use rio_e2e::{
    BackendSite, Browser, ConfigJson, Site, deployment_id_with_headers, http_with_headers,
};
use serde_json::{Value, json};
use tokio::time::Instant;

/// The backend's token: distinctive, so finding it anywhere is never a coincidence.
const TOKEN: &str = "rio-e2e-Secret-7Qx9wTk";
/// A token the backend refuses.
const WRONG_TOKEN: &str = "rio-e2e-Stale-3Hb8Lm";
/// The label the list widget shows.
const LABEL: &str = "site:tokyo";
/// The deployment the single-deployment widget shows.
const NAME: &str = "amr-nav-tokyo";

const DEPLOYMENT_FRAME: &str = "iframe[data-widget=\"deployment\"]";
const LIST_FRAME: &str = "iframe[data-widget=\"list\"]";
const ROLLOUT_FRAME: &str = "iframe[data-widget=\"rollout\"]";
const WIDGETS: [(&str, &str); 2] = [("deployment", DEPLOYMENT_FRAME), ("list", LIST_FRAME)];

/// Every message the host page received, as `{widget, data}` (a script for the top page).
const MESSAGES: &str = "return window.rioMessages || []";

/// What a widget's document looks like (a script run inside its frame).
static FRAME_STATE: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"
const root = document.documentElement;
return {{
  href: location.href,
  path: location.pathname + location.search,
  theme: root.getAttribute('data-theme'),
  embedded: root.classList.contains('embedded'),
  console: document.querySelector('[data-testid={main}]') !== null,
  header: document.querySelector('[data-testid={header}]') !== null,
  nav: document.querySelector('[data-testid={nav}]') !== null,
  color: document.body ? getComputedStyle(document.body).color : null,
  height: document.body ? Math.ceil(document.body.getBoundingClientRect().height) : null,
}};
"#,
        main = ids::MAIN,
        header = ids::HEADER,
        nav = ids::NAV,
    )
});

/// The host page's widget frames: inline height and laid-out height, by widget.
const FRAME_HEIGHTS: &str = r#"
return Object.fromEntries([...document.querySelectorAll('iframe.widget')]
  .map(f => [f.dataset.widget, {style: f.style.height, box: f.getBoundingClientRect().height}]));
"#;

/// Posts each of `arguments[0]` to every widget frame, from the host page (the frames'
/// parent), with the console's origin (`arguments[1]`) as target.
const POST_TO_WIDGETS: &str = r#"
for (const frame of document.querySelectorAll('iframe.widget')) {
  for (const message of arguments[0]) frame.contentWindow.postMessage(message, arguments[1]);
}
return null;
"#;

/// The body text colour of the console's light and dark themes (`--text` in style/main.css).
const LIGHT_TEXT: &str = "rgb(24, 33, 47)";
const DARK_TEXT: &str = "rgb(230, 235, 241)";

// ---- the dashboard ----

/// A dashboard origin serving `dist/` (so `embed-example/host.html`), the backend that lets it
/// frame the console, and a browser.
struct Dashboard {
    browser: Browser,
    backend: BackendSite,
    host: Site,
    /// The ID of amr-nav-tokyo.
    id: String,
    /// `Bearer <token>` when the backend wants a token, else empty.
    bearer: String,
}

impl Dashboard {
    /// Starts the dashboard's site first, then the backend (at the harness's speed) with
    /// `--frame-ancestors <its origin>` (and `--token` when given) plus `extra`, then the
    /// browser.
    async fn start(token: Option<&str>, extra: &[&str]) -> Dashboard {
        let host = Site::start(ConfigJson::FromDist).await;
        let origin = host.origin();
        let mut args = vec!["--frame-ancestors", origin.as_str()];
        if let Some(token) = token {
            args.extend(["--token", token]);
        }
        args.extend_from_slice(extra);
        let mut dashboard = Dashboard {
            backend: BackendSite::start(&args).await,
            browser: Browser::start().await,
            host,
            id: String::new(),
            bearer: token.map(|t| format!("Bearer {t}")).unwrap_or_default(),
        };
        dashboard.id = dashboard.id_of(NAME).await;
        // Whatever the test does, `finish` fails if a token shows anywhere it could leak.
        if token.is_some() {
            dashboard.browser.keep_secret(TOKEN);
            dashboard.browser.keep_secret(WRONG_TOKEN);
        }
        dashboard
    }

    /// The console's origin (the backend's).
    fn console(&self) -> String {
        self.backend.url("")
    }

    /// The headers that carry the token, if the backend wants one.
    fn headers(&self) -> Vec<(&str, &str)> {
        if self.bearer.is_empty() {
            Vec::new()
        } else {
            vec![("Authorization", self.bearer.as_str())]
        }
    }

    /// A request to the backend with the token (when it has one).
    async fn api(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        http_with_headers(method, &self.backend.url(path), body, &self.headers()).await
    }

    /// The ID of the deployment named `name`.
    async fn id_of(&self, name: &str) -> String {
        deployment_id_with_headers(&self.console(), name, &self.headers()).await
    }

    /// The example host page set up for the console, amr-nav-tokyo and the label.
    fn host_page(&self) -> String {
        self.host.url(&format!(
            "/embed-example/host.html?console={}&deployment={}&label=site%3Atokyo",
            self.console(),
            self.id
        ))
    }

    /// Opens the host page, types `token` (if any) and presses Embed: both widget frames
    /// are created.
    async fn embed(&self, token: Option<&str>) {
        self.browser.goto(&self.host_page()).await;
        if let Some(token) = token {
            self.browser
                .wait_css("#token")
                .await
                .send_keys(token)
                .await
                .expect("type the token");
        }
        click(&self.browser, "#setup button[type=submit]").await;
        self.browser.wait_css(DEPLOYMENT_FRAME).await;
        self.browser.wait_css(LIST_FRAME).await;
    }

    /// The names of the deployments with the label, in live phases (or all phases), as the
    /// backend has them now.
    async fn labelled(&self, all_phases: bool) -> Vec<String> {
        let (status, body) = self.api("GET", "/api/v1/deployments", None).await;
        assert_eq!(status, 200, "{body}");
        let list: Value = serde_json::from_str(&body).expect("a deployment list");
        let (key, value) = LABEL.split_once(':').expect("key:value");
        let mut names: Vec<String> = list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                d["labels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|l| l["key"] == key && l["value"] == value)
            })
            .filter(|d| all_phases || d["phase"] != "Deployment stopped")
            .filter_map(|d| d["name"].as_str().map(String::from))
            .collect();
        names.sort();
        names
    }

    /// One deployment as the backend has it now.
    async fn deployment(&self, id: &str) -> Value {
        let (status, body) = self
            .api("GET", &format!("/api/v1/deployments/{id}"), None)
            .await;
        assert_eq!(status, 200, "GET /deployments/{id}: {body}");
        serde_json::from_str(&body).expect("a deployment")
    }

    /// Takes a device offline or brings it back through the backend's controls.
    async fn set_device(&self, uuid: &str, state: &str) {
        let (status, body) = self
            .api("POST", &format!("/__control/devices/{uuid}/{state}"), None)
            .await;
        assert_eq!(status, 200, "device {uuid} {state}: {body}");
    }

    /// Deprovisions the deployment named `name` and waits until the backend has it stopped.
    async fn stop(&self, name: &str) {
        let id = self.id_of(name).await;
        let path = format!("/api/v1/deployments/{id}");
        let (status, body) = self.api("DELETE", &path, None).await;
        assert_eq!(status, 202, "deprovision {name}: {body}");
        let deadline = Instant::now() + LONG;
        loop {
            let now = self.deployment(&id).await;
            if now["phase"] == "Deployment stopped" {
                return;
            }
            assert!(Instant::now() < deadline, "{name} never stopped: {now}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Checks the browser log for errors, closes the browser, then stops the servers.
    async fn finish(self, allowed: &[&str]) {
        let Dashboard {
            browser,
            backend,
            host,
            ..
        } = self;
        browser.finish(allowed).await;
        drop((backend, host));
    }
}

// ---- reading the host page and the frames ----

/// The `data` of every message of type `kind` from `widget`, oldest first.
fn received<'a>(messages: &'a Value, widget: &str, kind: &str) -> Vec<&'a Value> {
    messages
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["widget"] == widget && m["data"]["type"] == kind)
        .map(|m| &m["data"])
        .collect()
}

/// Every message the host page received so far (the browser must be in the top page).
async fn messages(browser: &Browser) -> Value {
    run(browser, MESSAGES, Vec::new()).await
}

/// Waits until the host page's messages satisfy `done`; returns them.
async fn wait_messages(browser: &Browser, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    wait_for(browser, what, LONG, MESSAGES, Vec::new(), done).await
}

/// Runs `script` inside the widget frame `frame` and comes back to the top page.
async fn in_frame(browser: &Browser, frame: &str, script: &str, args: Vec<Value>) -> Value {
    browser.enter_frame(frame).await;
    let value = run(browser, script, args).await;
    browser.enter_top().await;
    value
}

/// Waits until the document inside `frame` (see `FRAME_STATE`) satisfies `done`.
async fn wait_frame(
    browser: &Browser,
    frame: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    browser.enter_frame(frame).await;
    let state = wait_for(browser, what, LONG, &FRAME_STATE, Vec::new(), done).await;
    browser.enter_top().await;
    state
}

/// The document inside `frame` now (see `FRAME_STATE`).
async fn frame_state(browser: &Browser, frame: &str) -> Value {
    in_frame(browser, frame, &FRAME_STATE, Vec::new()).await
}

/// Waits until the deployment widget shows amr-nav-tokyo Succeeded at `generation`, and the
/// list widget shows exactly `names` (any order).
async fn wait_widget_data(browser: &Browser, generation: &str, names: &[String]) {
    browser.enter_frame(DEPLOYMENT_FRAME).await;
    wait_text(browser, &test_id(ids::PAGE_TITLE), NAME, LONG).await;
    wait_phase(browser, "Succeeded", LONG).await;
    wait_text(
        browser,
        &test_id(ids::DEPLOYMENT_GENERATION),
        generation,
        LONG,
    )
    .await;
    browser.enter_top().await;
    wait_rows(browser, names).await;
}

/// Waits until the list widget lists exactly `names`, in any order.
async fn wait_rows(browser: &Browser, names: &[String]) {
    browser.enter_frame(LIST_FRAME).await;
    wait_for(
        browser,
        &format!("the list widget lists {names:?}"),
        LONG,
        &ROW_NAMES,
        Vec::new(),
        |v| {
            let mut shown: Vec<&str> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            shown.sort_unstable();
            shown == names.iter().map(String::as_str).collect::<Vec<_>>()
        },
    )
    .await;
    browser.enter_top().await;
}

/// Sets the theme toggle and waits until both frames have `theme` on `<html>` and its colours.
async fn wait_theme(browser: &Browser, theme: &str) {
    let text = if theme == "dark" {
        DARK_TEXT
    } else {
        LIGHT_TEXT
    };
    for (widget, frame) in WIDGETS {
        wait_frame(
            browser,
            frame,
            &format!("the {widget} widget is {theme}"),
            |s| s["theme"] == theme && s["color"] == text,
        )
        .await;
    }
}

/// Collects the browser's log (which `Browser::logs` drains) until `done` accepts everything
/// collected so far; returns it all.
async fn wait_logs(
    browser: &Browser,
    seen: &mut Vec<LogEntry>,
    what: &str,
    done: impl Fn(&[LogEntry]) -> bool,
) {
    let deadline = Instant::now() + LONG;
    loop {
        seen.extend(browser.logs().await);
        if done(seen) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {LONG:?}; the log:\n{}",
            log_text(seen)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn log_text(entries: &[LogEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{} {}", e.level, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many log lines say the console ignored a message from `origin` because `reason`.
fn refusals(entries: &[LogEntry], origin: &str, reason: &str) -> usize {
    let said = format!("rio console: ignored a message from {origin}: {reason}");
    entries.iter().filter(|e| e.message.contains(&said)).count()
}

// ---- 1. auth handoff, chrome, resize ----

#[tokio::test]
async fn the_dashboard_hands_over_the_token_and_the_widgets_show_their_data() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    // Only some deployments have the label (amr-nav-osaka, say, has not).
    let tokyo = dashboard.labelled(false).await;
    assert!(tokyo.iter().any(|n| n == NAME), "{tokyo:?}");
    assert!(!tokyo.iter().any(|n| n == "amr-nav-osaka"), "{tokyo:?}");
    dashboard.id_of("amr-nav-osaka").await;

    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;

    // Both widgets said hello and where they are.
    let console = dashboard.console();
    let seen = wait_messages(
        browser,
        "rio:ready and rio:navigated from both widgets",
        |m| {
            WIDGETS.iter().all(|(w, _)| {
                !received(m, w, "rio:ready").is_empty()
                    && !received(m, w, "rio:navigated").is_empty()
            })
        },
    )
    .await;
    for (widget, _) in WIDGETS {
        let ready = received(&seen, widget, "rio:ready");
        assert_eq!(ready.len(), 1, "one rio:ready from the {widget}: {seen}");
        assert!(
            ready[0]["version"].as_str().is_some_and(|v| !v.is_empty()),
            "{seen}"
        );
    }
    let navigated = |widget| {
        received(&seen, widget, "rio:navigated")
            .first()
            .map(|m| m["path"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        navigated("deployment"),
        json!(format!("/widgets/deployment/{}", dashboard.id)),
        "{seen}"
    );
    assert_eq!(
        navigated("list"),
        json!("/widgets/deployments?label=site%3Atokyo"),
        "{seen}"
    );

    // Embedded: no header or navigation, the embedded look, the widget's own content.
    for (widget, frame) in WIDGETS {
        let state = frame_state(browser, frame).await;
        assert_eq!(state["embedded"], true, "{widget}: {state}");
        assert_eq!(state["console"], true, "{widget}: {state}");
        assert_eq!(state["header"], false, "{widget} has no header: {state}");
        assert_eq!(state["nav"], false, "{widget} has no navigation: {state}");
        assert!(
            state["href"]
                .as_str()
                .is_some_and(|h| h.starts_with(&console)),
            "{widget}: {state}"
        );
    }
    let widget = in_frame(
        browser,
        DEPLOYMENT_FRAME,
        &format!(
            r#"const q = s => document.querySelector(s);
           return {{bar: !!q('[data-testid={phase_bar}]'), update: !!q('[data-testid={update_deployment}]'),
                   deprovision: !!q('[data-testid={deprovision_deployment}]'),
                   status: q('[data-testid={deployment_status}]')?.textContent.trim(),
                   link: q('[data-testid={page_title}] a')?.getAttribute('href')}}"#,
            phase_bar = ids::PHASE_BAR,
            update_deployment = ids::UPDATE_DEPLOYMENT,
            deprovision_deployment = ids::DEPROVISION_DEPLOYMENT,
            deployment_status = ids::DEPLOYMENT_STATUS,
            page_title = ids::PAGE_TITLE
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(
        widget,
        json!({"bar": true, "update": true, "deprovision": false, "status": "Running",
               "link": format!("/deployments/{}", dashboard.id)}),
        "the deployment widget's parts"
    );

    // The frames are as tall as their content: each rio:resize is the body's height, and the
    // host sizes its iframe to the last one.
    for (widget, frame) in WIDGETS {
        let deadline = Instant::now() + LONG;
        loop {
            let content = frame_state(browser, frame).await["height"].as_u64();
            let seen = messages(browser).await;
            let last = received(&seen, widget, "rio:resize")
                .last()
                .and_then(|m| m["height"].as_u64());
            let heights = run(browser, FRAME_HEIGHTS, Vec::new()).await;
            let shown = &heights[widget];
            let sized = last.is_some_and(|h| {
                shown["style"] == format!("{h}px") && shown["box"].as_f64() == Some(h as f64)
            });
            if sized && content.is_some() && content == last {
                assert!(
                    last.is_some_and(|h| h > 100),
                    "the {widget} widget has content: {heights}"
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the {widget} frame never followed its content: content {content:?}, last rio:resize {last:?}, iframe {shown}\n{seen}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let seen = messages(browser).await;
    for (widget, _) in WIDGETS {
        for resize in received(&seen, widget, "rio:resize") {
            assert!(
                resize["height"].as_u64().is_some(),
                "rio:resize carries a height: {seen}"
            );
        }
    }
    wait_theme(browser, "light").await;
    // Tall enough to show both widgets whole.
    browser.resize(1280, 1300).await;
    browser.screenshot("embed-host-light").await;
    dashboard.finish(&[]).await;
}

// ---- 2. theme ----

#[tokio::test]
async fn the_dashboard_switches_the_widgets_theme() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    let tokyo = dashboard.labelled(false).await;
    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;
    // The host answers rio:ready with its theme.
    wait_theme(browser, "light").await;

    browser.resize(1280, 1300).await;
    click(browser, "#theme").await;
    wait_theme(browser, "dark").await;
    assert_eq!(
        run(
            browser,
            "return document.documentElement.dataset.theme",
            Vec::new()
        )
        .await,
        "dark",
        "the host page went dark too"
    );
    browser.screenshot("embed-host-dark").await;

    click(browser, "#theme").await;
    wait_theme(browser, "light").await;
    // Nothing else moved.
    let seen = messages(browser).await;
    for (widget, _) in WIDGETS {
        assert_eq!(
            received(&seen, widget, "rio:navigated").len(),
            1,
            "the theme does not navigate: {seen}"
        );
    }
    dashboard.finish(&[]).await;
}

// ---- 3. rio:phase ----

#[tokio::test]
async fn a_phase_change_is_reported_to_the_dashboard() {
    let dashboard = Dashboard::start(Some(TOKEN), &["--enable-faults"]).await;
    let browser = &dashboard.browser;
    let id = dashboard.id.clone();
    let tokyo = dashboard.labelled(false).await;
    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;
    // First sight is not a change.
    let before = messages(browser).await;
    for (widget, _) in WIDGETS {
        let phases: Vec<&Value> = received(&before, widget, "rio:phase")
            .into_iter()
            .filter(|m| m["deploymentId"] == id.as_str())
            .collect();
        assert!(phases.is_empty(), "nothing changed yet: {before}");
    }

    // The update from inside the widget fails on an offline device: Provisioning, then Failed
    // to update with an error, at generation 2.
    dashboard.set_device("dev-amr-01", "offline").await;
    // Tall enough for the screenshot to show the whole dialog in its frame.
    browser.resize(1280, 1300).await;
    browser.enter_frame(DEPLOYMENT_FRAME).await;
    let after = update_from_dialog(browser, &["comp-amr-nav"], Some("embed-widget-update")).await;
    assert_eq!(after["generation"], "2", "{after}");
    wait_phase(browser, "Failed to update", LONG).await;
    browser.enter_top().await;

    let failed = json!({
        "type": "rio:phase", "deploymentId": id, "phase": "Failed to update",
        "status": "Error", "generation": 2,
    });
    let seen = wait_messages(
        browser,
        "rio:phase Failed to update from both widgets",
        |m| {
            WIDGETS
                .iter()
                .all(|(w, _)| received(m, w, "rio:phase").contains(&&failed))
        },
    )
    .await;
    for (widget, _) in WIDGETS {
        let phases: Vec<&Value> = received(&seen, widget, "rio:phase")
            .into_iter()
            .filter(|m| m["deploymentId"] == id.as_str())
            .collect();
        // Only changes, each of generation 2, moving forward, ending in the failure.
        let names: Vec<&str> = phases.iter().filter_map(|m| m["phase"].as_str()).collect();
        assert!(
            names.ends_with(&["Failed to update"])
                && names
                    .iter()
                    .all(|p| ["Provisioning", "Failed to update"].contains(p)),
            "the {widget} widget's rio:phase for {id}: {names:?}\n{seen}"
        );
        assert!(
            phases
                .iter()
                .all(|m| m["generation"] == 2 && m["status"].is_string()),
            "{seen}"
        );
        assert!(
            phases.windows(2).all(|w| w[0] != w[1]),
            "each rio:phase is a change: {seen}"
        );
    }
    // The widget's own answer is shown at once, so it reported Provisioning first.
    let deployment: Vec<&str> = received(&seen, "deployment", "rio:phase")
        .into_iter()
        .filter(|m| m["deploymentId"] == id.as_str())
        .filter_map(|m| m["phase"].as_str())
        .collect();
    assert_eq!(
        deployment.first(),
        Some(&"Provisioning"),
        "the deployment widget: {seen}"
    );
    let api = dashboard.deployment(&id).await;
    assert_eq!(api["phase"], "Failed to update", "{api}");
    assert_eq!(api["currentGeneration"], 2, "{api}");
    dashboard.finish(&[]).await;
}

// ---- 4. rio:navigate ----

#[tokio::test]
async fn the_dashboard_navigates_the_list_widget() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    // A stopped deployment with the label: only "all phases" shows it.
    let logger = "sensor-logger-tokyo";
    dashboard.stop(logger).await;
    let tokyo = dashboard.labelled(false).await;
    let everything = dashboard.labelled(true).await;
    assert!(
        !tokyo.iter().any(|n| n == logger) && everything.iter().any(|n| n == logger),
        "live {tokyo:?}, all {everything:?}"
    );
    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;

    click(browser, "#all-phases").await;
    let all = "/widgets/deployments?label=site%3Atokyo&phase=all";
    let seen = wait_messages(browser, "rio:navigated with phase=all", |m| {
        received(m, "list", "rio:navigated")
            .iter()
            .any(|n| n["path"] == all)
    })
    .await;
    let state = frame_state(browser, LIST_FRAME).await;
    assert_eq!(state["path"], all, "{state}");
    wait_rows(browser, &everything).await;
    // The other widget stays where it is.
    let deployment = received(&seen, "deployment", "rio:navigated");
    assert_eq!(deployment.len(), 1, "{seen}");
    assert_eq!(
        frame_state(browser, DEPLOYMENT_FRAME).await["path"],
        format!("/widgets/deployment/{}", dashboard.id)
    );
    // The top page did not move.
    assert!(
        browser.path().await.starts_with("/embed-example/host.html"),
        "{}",
        browser.path().await
    );
    dashboard.finish(&[]).await;
}

// ---- 5. refused messages ----

/// A page on another origin that posts the messages in its fragment (JSON `[[frame index,
/// message], …]`) to its parent's frames.
const POSTER: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>poster</title></head><body>
<script>
for (const [index, message] of JSON.parse(decodeURIComponent(location.hash.slice(1)))) {
  parent.frames[index].postMessage(message, "*");
}
document.title = "posted";
</script>
</body></html>"#;

/// Messages the console accepts from its parent at an allowed origin.
fn good_messages() -> Vec<Value> {
    vec![
        json!({"type": "rio:theme", "theme": "dark"}),
        json!({"type": "rio:navigate", "path": "/deployments"}),
        json!({"type": "rio:auth", "token": "rio-e2e-Intruder-1", "project": null}),
    ]
}

#[tokio::test]
async fn messages_of_the_wrong_shape_or_from_the_wrong_window_change_nothing() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    let console = dashboard.console();
    let host_origin = dashboard.host.origin();
    let third = Site::pages(&[("/poster.html", POSTER)]).await;
    let tokyo = dashboard.labelled(false).await;
    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;
    wait_theme(browser, "light").await;
    let mut before = Vec::new();
    for (_, frame) in WIDGETS {
        before.push(frame_state(browser, frame).await);
    }
    let navigated = |m: &Value| {
        WIDGETS
            .iter()
            .map(|(w, _)| received(m, w, "rio:navigated").len())
            .sum::<usize>()
    };
    let navigations = navigated(&messages(browser).await);
    let mut log = Vec::new();
    wait_logs(browser, &mut log, "the log so far", |_| true).await;
    assert_no_errors(&log, &[]);
    let unchanged = |what: &'static str| {
        let before = before.clone();
        async move {
            for ((widget, frame), before) in WIDGETS.iter().zip(&before) {
                let now = frame_state(browser, frame).await;
                for key in ["theme", "path", "color", "href"] {
                    assert_eq!(now[key], before[key], "{what}: the {widget} widget's {key}");
                }
            }
            let seen = messages(browser).await;
            assert_eq!(
                navigated(&seen),
                navigations,
                "{what}: no widget navigated: {seen}"
            );
            let asked: usize = WIDGETS
                .iter()
                .map(|(w, _)| received(&seen, w, "rio:auth-expired").len())
                .sum();
            assert_eq!(asked, 0, "{what}: no token was taken: {seen}");
        }
    };

    // From the parent at the allowed origin, but the wrong shape.
    let bad = [
        (
            json!({"type": "rio:theme", "theme": "purple"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:theme", "theme": ["dark"]}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:navigate", "path": "https://evil.example/"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:navigate", "path": "//evil.example/x"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:navigate", "path": "javascript:alert(1)"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:auth"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:auth", "token": "evil token\r\nX-Evil: 1"}),
            "its fields do not have the expected shape",
        ),
        (
            json!({"type": "rio:ready", "version": "9"}),
            "its type is not one the console accepts",
        ),
        (json!("rio:theme"), "it is not an object with a type"),
        (
            json!("{\"type\":\"rio:theme\",\"theme\":\"dark\"}"),
            "it is not an object with a type",
        ),
        (
            json!(["rio:theme", "dark"]),
            "it is not an object with a type",
        ),
        (json!(42), "it is not an object with a type"),
        (json!(null), "it is not an object with a type"),
        (json!({"theme": "dark"}), "it is not an object with a type"),
    ];
    let payloads: Vec<Value> = bad.iter().map(|(m, _)| m.clone()).collect();
    run(
        browser,
        POST_TO_WIDGETS,
        vec![json!(payloads), json!(console)],
    )
    .await;
    // Each arrives (in both frames) and is said at debug level, without its payload.
    let reasons: Vec<&str> = bad.iter().map(|(_, r)| *r).collect();
    let expected = |reason: &str| 2 * reasons.iter().filter(|r| **r == reason).count();
    wait_logs(
        browser,
        &mut log,
        "both frames ignored every bad shape",
        |l| {
            reasons
                .iter()
                .all(|r| refusals(l, &host_origin, r) >= expected(r))
        },
    )
    .await;
    for reason in &reasons {
        assert_eq!(
            refusals(&log, &host_origin, reason),
            expected(reason),
            "{reason}:\n{}",
            log_text(&log)
        );
    }
    unchanged("after wrong shapes").await;

    // The right shapes, from a page at a third origin inside the dashboard: not the parent,
    // not an allowed origin.
    let orders: Vec<Value> = (0..2)
        .flat_map(|index| good_messages().into_iter().map(move |m| json!([index, m])))
        .collect();
    let fragment = json!(orders)
        .to_string()
        .replace('%', "%25")
        .replace('#', "%23");
    run(
        browser,
        "const f = document.createElement('iframe'); f.id = 'poster'; f.src = arguments[0]; document.body.append(f); return null",
        vec![json!(format!("{}#{fragment}", third.url("/poster.html")))],
    )
    .await;
    wait_logs(
        browser,
        &mut log,
        "both frames ignored the third origin",
        |l| {
            refusals(
                l,
                &third.origin(),
                "its origin is not in embed.allowedOrigins",
            ) >= 6
        },
    )
    .await;
    unchanged("after messages from a third origin").await;

    // The right shapes from the allowed origin, but from another window than the parent (a
    // frame of the dashboard's own origin).
    let script = orders
        .iter()
        .map(|o| format!("parent.frames[{}].postMessage({}, '*');", o[0], o[1]))
        .collect::<String>();
    run(
        browser,
        "const f = document.createElement('iframe'); f.id = 'sibling'; f.srcdoc = '<script>' + arguments[0] + '</' + 'script>'; document.body.append(f); return null",
        vec![json!(script)],
    )
    .await;
    wait_logs(
        browser,
        &mut log,
        "both frames ignored a sibling window",
        |l| refusals(l, &host_origin, "it did not come from the embedding window") >= 6,
    )
    .await;
    unchanged("after messages from another window").await;

    // Nothing said what was in them.
    for secret in ["purple", "evil", "Intruder", "X-Evil", "alert(1)"] {
        assert!(
            log.iter().all(|e| !e.message.contains(secret)),
            "the log shows a payload ({secret}):\n{}",
            log_text(&log)
        );
    }
    // The same theme message from the parent is heard: the refusals above were the rules.
    run(
        browser,
        POST_TO_WIDGETS,
        vec![json!([good_messages()[0]]), json!(console)],
    )
    .await;
    wait_theme(browser, "dark").await;
    assert_no_errors(&log, &[]);
    drop(third);
    dashboard.finish(&[]).await;
}

#[tokio::test]
async fn a_parent_at_an_origin_not_allowed_is_neither_heard_nor_told() {
    // The console in demo mode allowing only some other dashboard; this host page is not it.
    // Its CSP lets this host frame it (the two lists disagree): the console's own check stands.
    let elsewhere = "http://127.0.0.1:9";
    let host = Site::start(ConfigJson::FromDist).await;
    let console = Site::start_framed_by(
        ConfigJson::Body(
            json!({"apiBase": null, "demo": true, "embed": {"allowedOrigins": [elsewhere]}})
                .to_string(),
        ),
        Some(&[host.origin()]),
    )
    .await;
    let browser = Browser::start().await;
    browser
        .goto(&host.url(&format!(
            "/embed-example/host.html?console={}&deployment=dep-none&label=site%3Atokyo",
            console.url("")
        )))
        .await;
    click(&browser, "#setup button[type=submit]").await;
    // The list works (demo data), but says nothing to this parent.
    browser.enter_frame(LIST_FRAME).await;
    wait_for(
        &browser,
        "the demo list shows amr-nav-tokyo",
        LONG,
        &ROW_NAMES,
        Vec::new(),
        |v| v.as_array().is_some_and(|n| n.iter().any(|n| n == NAME)),
    )
    .await;
    browser.enter_top().await;
    let before = frame_state(&browser, LIST_FRAME).await;
    assert_eq!(before["embedded"], true, "{before}");
    run(
        &browser,
        POST_TO_WIDGETS,
        vec![json!(good_messages()), json!(console.url(""))],
    )
    .await;
    let mut log = Vec::new();
    wait_logs(&browser, &mut log, "both frames ignored this parent", |l| {
        refusals(
            l,
            &host.origin(),
            "its origin is not in embed.allowedOrigins",
        ) >= 6
    })
    .await;
    for (widget, frame) in WIDGETS {
        let now = frame_state(&browser, frame).await;
        assert_eq!(now["theme"], Value::Null, "{widget}: {now}");
        assert!(
            now["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/widgets/")),
            "{widget}: {now}"
        );
    }
    assert_eq!(
        messages(&browser).await,
        json!([]),
        "nothing is posted to a parent that is not allowed"
    );
    assert!(
        log.iter().any(|e| e
            .message
            .contains("the parent's origin is not in embed.allowedOrigins")),
        "the console says why it is silent:\n{}",
        log_text(&log)
    );
    assert_no_errors(&log, &[]);
    browser.finish(&[]).await;
}

// ---- 6. frame-ancestors ----

#[tokio::test]
async fn a_page_not_in_frame_ancestors_cannot_frame_the_console() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    // Another origin serving the same host page: not in frame-ancestors.
    let stranger = Site::start(ConfigJson::FromDist).await;
    let page = dashboard
        .host_page()
        .replace(&dashboard.host.origin(), &stranger.origin());
    browser.goto(&page).await;
    browser
        .wait_css("#token")
        .await
        .send_keys(TOKEN)
        .await
        .expect("type the token");
    click(browser, "#setup button[type=submit]").await;
    let mut log = Vec::new();
    wait_logs(browser, &mut log, "the browser refuses both frames", |l| {
        l.iter()
            .filter(|e| e.message.contains("frame-ancestors"))
            .count()
            >= 2
    })
    .await;
    for (widget, frame) in WIDGETS {
        let state = frame_state(browser, frame).await;
        assert_eq!(state["console"], false, "{widget}: {state}");
        assert_eq!(state["embedded"], false, "{widget}: {state}");
        assert!(
            !state["href"]
                .as_str()
                .is_some_and(|h| h.starts_with(&dashboard.console())),
            "the {widget} frame holds no console document: {state}"
        );
    }

    // Meanwhile, in another tab, the allowed dashboard gets both widgets going.
    let blocked = browser.client().window().await.expect("this tab");
    let tab = browser.client().new_window(true).await.expect("a new tab");
    browser
        .client()
        .switch_to_window(tab.handle)
        .await
        .expect("switch tabs");
    dashboard.embed(Some(TOKEN)).await;
    wait_messages(browser, "rio:ready from the allowed dashboard", |m| {
        WIDGETS
            .iter()
            .all(|(w, _)| !received(m, w, "rio:ready").is_empty())
    })
    .await;
    wait_widget_data(browser, "1", &dashboard.labelled(false).await).await;
    browser
        .client()
        .switch_to_window(blocked)
        .await
        .expect("switch back");
    assert_eq!(
        messages(browser).await,
        json!([]),
        "no widget ever spoke to the stranger"
    );
    let refused: Vec<&LogEntry> = log
        .iter()
        .filter(|e| e.level == "SEVERE" && e.message.contains("frame-ancestors"))
        .collect();
    assert!(
        refused
            .iter()
            .all(|e| e.message.contains(&dashboard.host.origin())),
        "the refusal names the allowed ancestor: {refused:?}"
    );
    assert_no_errors(&log, &["frame-ancestors"]);
    drop(stranger);
    dashboard.finish(&["frame-ancestors"]).await;
}

// ---- 7. links to the top window ----

/// Clicks `target` inside `frame` and waits until the top window shows the console's full
/// page at `path` (with its header, not embedded).
async fn leave_to_top(dashboard: &Dashboard, frame: &str, target: &str, path: &str) {
    let browser = &dashboard.browser;
    dashboard.embed(None).await;
    browser.enter_frame(frame).await;
    click(browser, target).await;
    browser.enter_top().await;
    browser.wait_path(path).await;
    let url = browser.client().current_url().await.expect("the url");
    assert_eq!(
        url.origin().ascii_serialization(),
        dashboard.console(),
        "the console's page: {url}"
    );
    browser.wait_test_id(ids::HEADER).await;
    browser.wait_test_id(ids::NAV).await;
    let embedded = run(
        browser,
        "return document.documentElement.classList.contains('embedded')",
        Vec::new(),
    )
    .await;
    assert_eq!(embedded, false, "the full page is standalone ({url})");
}

#[tokio::test]
async fn links_that_leave_the_widget_open_in_the_top_window() {
    // No token here: the full page in the top window has no dashboard to give it one.
    let dashboard = Dashboard::start(None, &[]).await;
    let browser = &dashboard.browser;
    let id = dashboard.id.clone();
    let full = format!("/deployments/{id}");

    // The widget's title links to the full page.
    leave_to_top(
        &dashboard,
        DEPLOYMENT_FRAME,
        &format!("{} a", test_id(ids::PAGE_TITLE)),
        &full,
    )
    .await;
    browser.wait_title(NAME).await;
    wait_phase(browser, "Succeeded", LONG).await;
    browser.screenshot("embed-left-to-full-page").await;

    // The package link beside the ID leaves too, to the catalog.
    let api = dashboard.deployment(&id).await;
    let package = api["packageId"].as_str().expect("packageId").to_string();
    leave_to_top(
        &dashboard,
        DEPLOYMENT_FRAME,
        ".detail-ids a",
        &format!("/catalog/{package}"),
    )
    .await;

    // A list row's name, and the row itself.
    for target in ["a.row-link".to_string(), test_id(ids::ROW_GENERATION)] {
        leave_to_top(
            &dashboard,
            LIST_FRAME,
            &format!("{} {target}", row(&id)),
            &full,
        )
        .await;
        browser.wait_title(NAME).await;
    }

    // "Open in console": the full list with the same label.
    leave_to_top(
        &dashboard,
        LIST_FRAME,
        "a.widget-open",
        "/deployments?label=site%3Atokyo",
    )
    .await;
    browser.wait_title("Deployments").await;
    wait_text(
        browser,
        &format!("{} code", test_id(ids::LABEL_FILTER)),
        LABEL,
        LONG,
    )
    .await;
    dashboard.finish(&[]).await;
}

// ---- 8. 401 mid-session ----

/// How many requests to the API the document inside `frame` has made so far.
async fn api_requests(browser: &Browser, frame: &str) -> u64 {
    in_frame(
        browser,
        frame,
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/')).length",
        Vec::new(),
    )
    .await
    .as_u64()
    .unwrap_or_default()
}

/// Embeds the widgets with a token the backend refuses; waits until each has asked the
/// dashboard for a token (`rio:auth-expired`, exactly that) and says it was refused.
async fn embed_with_a_refused_token(dashboard: &Dashboard) {
    let browser = &dashboard.browser;
    dashboard.embed(Some(WRONG_TOKEN)).await;
    let seen = wait_messages(browser, "rio:auth-expired from both widgets", |m| {
        WIDGETS
            .iter()
            .all(|(w, _)| !received(m, w, "rio:auth-expired").is_empty())
    })
    .await;
    for (widget, frame) in WIDGETS {
        assert_eq!(
            received(&seen, widget, "rio:auth-expired")[0],
            &json!({"type": "rio:auth-expired"}),
            "{seen}"
        );
        browser.enter_frame(frame).await;
        wait_for(
            browser,
            &format!("the {widget} widget says it was refused"),
            LONG,
            &format!("return document.querySelector('[data-testid={load_error}], [data-testid={stale_banner}]')?.textContent.replace(/\\s+/g, ' ').trim() || null", load_error = ids::LOAD_ERROR, stale_banner = ids::STALE_BANNER),
            Vec::new(),
            Value::is_string,
        )
        .await;
        browser.enter_top().await;
    }
}

#[tokio::test]
async fn a_401_asks_the_dashboard_once_for_a_token() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    embed_with_a_refused_token(&dashboard).await;
    browser.screenshot("embed-auth-expired").await;
    // The host answered with the token it has, the same refused one: not a fresh token, so
    // nothing more to ask. Give it a generous while to ask again (it must not).
    let requests: Vec<u64> = {
        let mut counts = Vec::new();
        for (_, frame) in WIDGETS {
            counts.push(api_requests(browser, frame).await);
        }
        counts
    };
    tokio::time::sleep(Duration::from_secs(5)).await;
    let seen = messages(browser).await;
    for ((widget, frame), before) in WIDGETS.iter().zip(requests) {
        let asked = received(&seen, widget, "rio:auth-expired").len();
        let after = api_requests(browser, frame).await;
        assert_eq!(
            asked,
            1,
            "the {widget} widget asked once; it asked {asked} times and made {} more API requests in the last 5 s; {} messages in all, the last ones {}",
            after - before,
            seen.as_array().map_or(0, Vec::len),
            json!(seen.as_array().map(|a| &a[a.len().saturating_sub(6)..]))
        );
    }
    dashboard.finish(&["401 (Unauthorized)"]).await;
}

#[tokio::test]
async fn a_fresh_token_after_a_401_resumes_polling() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    let tokyo = dashboard.labelled(false).await;
    embed_with_a_refused_token(&dashboard).await;

    // The dashboard gets a fresh token and hands it over: the widgets load and poll again.
    let field = browser.wait_css("#token").await;
    field.clear().await.expect("clear the token");
    field.send_keys(TOKEN).await.expect("type the token");
    run(
        browser,
        r#"const token = document.getElementById('token').value;
           for (const f of document.querySelectorAll('iframe.widget'))
             f.contentWindow.postMessage({type: 'rio:auth', token, project: null}, arguments[0]);
           return null"#,
        vec![json!(dashboard.console())],
    )
    .await;
    wait_widget_data(browser, "1", &tokyo).await;
    for (widget, frame) in WIDGETS {
        let left = in_frame(
            browser,
            frame,
            &format!(
                "return document.querySelectorAll('[data-testid={}]').length",
                ids::LOAD_ERROR
            ),
            Vec::new(),
        )
        .await;
        assert_eq!(left, 0, "the {widget} widget's error is gone");
    }
    let asked = |seen: &Value| {
        WIDGETS
            .iter()
            .map(|(w, _)| received(seen, w, "rio:auth-expired").len())
            .collect::<Vec<_>>()
    };
    let before = asked(&messages(browser).await);

    // Polling goes on with the new token: a change on the backend reaches both widgets.
    let (status, body) = dashboard
        .api(
            "PATCH",
            &format!("/api/v1/deployments/{}", dashboard.id),
            Some(&json!({"expectedGeneration": 1, "components": ["comp-amr-nav"]}).to_string()),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    browser.enter_frame(LIST_FRAME).await;
    wait_text(
        browser,
        &format!("{} {}", row(&dashboard.id), test_id(ids::ROW_GENERATION)),
        "2",
        LONG,
    )
    .await;
    browser.enter_top().await;
    browser.enter_frame(DEPLOYMENT_FRAME).await;
    wait_text(browser, &test_id(ids::DEPLOYMENT_GENERATION), "2", LONG).await;
    browser.enter_top().await;
    let seen = messages(browser).await;
    assert_eq!(asked(&seen), before, "no new request for a token: {seen}");
    assert_token_nowhere(browser, &[TOKEN, WRONG_TOKEN], &["401 (Unauthorized)"]).await;
    dashboard.finish(&["401 (Unauthorized)"]).await;
}

// ---- 9. token hygiene ----

/// Fails if the browser log has an error (except `allowed`), or if any of `tokens` is in the
/// messages the widgets posted, or (the harness's check of the secrets the dashboard named
/// with `keep_secret`) in the tab's history, the top page's or a frame's URL, resource URLs,
/// storage, cookies or DOM, or anywhere in the browser log.
async fn assert_token_nowhere(browser: &Browser, tokens: &[&str], allowed: &[&str]) {
    assert_no_errors(&browser.logs().await, allowed);
    let posted = messages(browser).await.to_string();
    for token in tokens {
        assert!(
            !posted.contains(token),
            "the token {token} is in the messages from the widgets: {posted}"
        );
    }
    for (widget, frame) in WIDGETS {
        let resources = in_frame(
            browser,
            frame,
            "return performance.getEntries().length",
            Vec::new(),
        )
        .await;
        assert!(
            resources.as_u64().is_some_and(|n| n > 0),
            "the {widget} frame's resource entries can be read: {resources}"
        );
    }
    browser.assert_secrets_hidden().await;
}

#[tokio::test]
async fn the_token_stays_out_of_urls_storage_and_the_console_log() {
    let dashboard = Dashboard::start(Some(TOKEN), &[]).await;
    let browser = &dashboard.browser;
    let id = dashboard.id.clone();
    let tokyo = dashboard.labelled(false).await;
    let everything = dashboard.labelled(true).await;
    dashboard.embed(Some(TOKEN)).await;
    wait_widget_data(browser, "1", &tokyo).await;

    // The whole flow: theme, navigation, an update from the widget (a PATCH with the token),
    // its phase report.
    click(browser, "#theme").await;
    wait_theme(browser, "dark").await;
    click(browser, "#all-phases").await;
    wait_rows(browser, &everything).await;
    browser.enter_frame(DEPLOYMENT_FRAME).await;
    let after = update_from_dialog(browser, &["comp-amr-nav"], None).await;
    assert_eq!(after["generation"], "2", "{after}");
    wait_phase(browser, "Succeeded", LONG).await;
    browser.enter_top().await;
    wait_messages(browser, "rio:phase for the update", |m| {
        received(m, "deployment", "rio:phase")
            .iter()
            .any(|p| p["deploymentId"] == id.as_str() && p["generation"] == 2)
    })
    .await;
    let api = dashboard.deployment(&id).await;
    assert_eq!(api["currentGeneration"], 2, "{api}");

    assert_token_nowhere(browser, &[TOKEN], &[]).await;
    // The frames' requests did carry it: their resource entries name the API they reached.
    let resources = in_frame(
        browser,
        DEPLOYMENT_FRAME,
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/api/v1/'))",
        Vec::new(),
    )
    .await;
    assert!(
        resources.as_array().is_some_and(|r| !r.is_empty()),
        "{resources}"
    );
    dashboard.finish(&[]).await;
}

#[tokio::test]
async fn the_rollout_widget_shows_its_fleet_in_the_dashboard() {
    let dashboard = Dashboard::start(None, &[]).await;
    let browser = &dashboard.browser;
    let body = json!({
        "packageId": "pkg-amr-navigation", "planId": "plan-amr-navigation",
        "componentId": "comp-amr-nav", "name": "nav-{device}",
        "selector": [{"key": "site", "value": "tokyo"}],
        "routedNetworks": [{"guid": "net-robot-lan"}], "waves": [1, "100%"],
    });
    let (status, made) = dashboard
        .api("POST", "/api/v1/rollouts", Some(&body.to_string()))
        .await;
    assert_eq!(status, 201, "{made}");
    let made: Value = serde_json::from_str(&made).expect("a rollout");
    let id = made["rolloutId"].as_str().unwrap_or_default().to_string();
    let page = format!("{}&rollout={id}", dashboard.host_page());
    browser.goto(&page).await;
    click(browser, "#setup button[type=submit]").await;
    browser.enter_frame(ROLLOUT_FRAME).await;
    browser.wait_test_id(ids::FLEET_BAR).await;
    wait_text(
        browser,
        &format!("[data-testid=\"{}\"]", ids::ROLLOUT_STATE),
        "Succeeded",
        LONG,
    )
    .await;
    let succeeded = format!(
        "[data-testid=\"{}\"][data-part=Succeeded] strong",
        ids::FLEET_COUNT
    );
    wait_text(browser, &succeeded, "1", LONG).await;
    browser.enter_top().await;
    // In view: Chromium does not lay out a cross-origin frame that is off screen.
    browser
        .eval(&format!(
            "document.querySelector('{ROLLOUT_FRAME}').scrollIntoView(); return null"
        ))
        .await;
    browser.screenshot("embed-rollout-widget").await;
    // The frame sizes itself to its content, as the other widgets do.
    let seen = wait_messages(browser, "rio:resize from the rollout widget", |m| {
        !received(m, "rollout", "rio:resize").is_empty()
    })
    .await;
    assert!(
        !received(&seen, "rollout", "rio:ready").is_empty(),
        "{seen}"
    );
    dashboard.finish(&[]).await;
}
