//! The fleet screens: each screen of the console from navigation (or the click that opens it)
//! to usable, and the bytes it read from the API, against the reference backend with 100,000
//! deployments on 20,000 robots and against the same with 50 and 50, in one run; the rollout
//! page's polls of a running 2,000-robot rollout; a jump to row 50,000 of the list; and demo
//! mode left idle with the list open.

use std::time::Duration;

use rio_console::ids;
use serde_json::{Value, json};

mod watch;

use super::Bench;
use crate::bench::report::{Met, Row, median, ms};

/// Runs per screen and backend.
const RUNS: usize = 5;
/// How long the rollout page is watched while nothing changes.
const POLL_WATCH: Duration = Duration::from_secs(20);

/// The API bytes the page read so far: the bodies of its API answers as sent (a body the
/// browser's cache revalidated, a 304, counts as the body it reused).
const API_BYTES: &str = "performance.getEntriesByType('resource').filter(e => e.name.includes('/api/')).reduce((n, e) => n + (e.encodedBodySize || 0), 0)";

/// An async script (its last argument the callback) that waits, frame by frame, until
/// `usable` (a JavaScript expression) holds, then answers the time after the next frame
/// (`performance.now()`, from the navigation) and the API bytes read by then.
fn until(usable: &str) -> String {
    format!(
        r#"
const done = arguments[arguments.length - 1];
const started = performance.now();
const check = () => {{
  let ok = false;
  try {{ ok = !!({usable}); }} catch (_) {{}}
  if (ok) {{
    requestAnimationFrame(() => done({{ at: performance.now(), bytes: {API_BYTES} }}));
  }} else if (performance.now() - started > 60000) {{
    done({{ error: "not usable within 60 s", at: performance.now() }});
  }} else {{
    requestAnimationFrame(check);
  }}
}};
check();
"#
    )
}

/// A CSS selector for a test id.
fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// One screen: where it is, and when it is usable.
struct Screen {
    name: &'static str,
    /// The path on each backend (`{deployment}` and `{rollout}` replaced).
    path: &'static str,
    /// A JavaScript expression true once the screen can be used.
    usable: String,
    /// Clicked after the page is usable; then timed from the click (the Update dialog).
    click: Option<&'static str>,
}

fn screens() -> Vec<Screen> {
    vec![
        Screen {
            name: "Deployments list",
            path: "/deployments",
            usable: format!(
                "document.querySelector('{}') && !document.querySelector('{}')",
                tid(ids::DEPLOYMENT_ROW),
                tid(ids::PENDING_ROW)
            ),
            click: None,
        },
        Screen {
            name: "Deploy form (device package)",
            path: "/catalog/pkg-amr-navigation/deploy",
            usable: format!(
                "document.querySelector('{} input[type=radio]:not([disabled])') && !document.querySelector('{}').textContent.includes('Finding')",
                tid(ids::DEVICE_OPTIONS),
                tid(ids::DEVICES_NOTE)
            ),
            click: None,
        },
        Screen {
            name: "Deployment page",
            path: "/deployments/{deployment}",
            usable: format!(
                "document.querySelector('{}') && [...document.querySelectorAll('{} tbody td:nth-child(3)')].some(td => td.textContent.startsWith('amr-'))",
                tid(ids::DEPLOYMENT_PHASE),
                tid(ids::COMPONENTS_TABLE)
            ),
            click: None,
        },
        Screen {
            name: "Update dialog (click → choices)",
            path: "/deployments/{deployment}",
            usable: format!(
                "(() => {{ const d = document.querySelector('{}'); return d && d.open && d.querySelector('.update-choices input[type=checkbox]') && !d.textContent.includes('Checking'); }})()",
                tid(ids::UPDATE_DIALOG)
            ),
            click: Some(ids::UPDATE_DEPLOYMENT),
        },
        Screen {
            name: "Rollout page (a rollout of the robots at one site)",
            path: "/rollouts/{rollout}",
            usable: format!(
                "document.querySelector('{}') && /^Targets 1/.test(document.querySelector('{}').textContent)",
                tid(ids::TARGET_ROW),
                tid(ids::TARGETS_FOOT)
            ),
            click: None,
        },
        Screen {
            name: "Fleet preview (`site:tokyo`)",
            path: "/catalog/pkg-amr-navigation/rollout?selector=site:tokyo",
            usable: format!(
                "(() => {{ const s = document.querySelector('{} .preview-summary'); return s && /match/.test(s.textContent) && document.querySelector('{}'); }})()",
                tid(ids::FLEET_PREVIEW),
                tid(ids::PREVIEW_ROW)
            ),
            click: None,
        },
        Screen {
            name: "Catalog",
            path: "/catalog",
            usable: format!(
                "document.querySelector('{} tbody tr a')",
                tid(ids::CATALOG_TABLE)
            ),
            click: None,
        },
    ]
}

/// A screen's figures on one backend: the median time, the median API bytes.
#[derive(Debug, Clone, Copy)]
struct Figures {
    ms: f64,
    bytes: f64,
}

/// What each backend holds that the screens name.
#[derive(Debug, Clone, Default)]
struct Named {
    deployment: String,
    rollout: String,
    targets: u64,
}

impl Bench {
    /// The fleet screens, 100,000 deployments on 20,000 robots against 50 and 50.
    pub async fn screens(&mut self) {
        eprintln!("bench: the fleet screens");
        if !self.fleet_backends("Fleet screens").await {
            return;
        }
        let mut named = [Named::default(), Named::default()];
        for (slot, big) in [(0, true), (1, false)] {
            match self.name_things(big).await {
                Ok(found) => named[slot] = found,
                Err(problem) => {
                    self.report.rows.push(Row::alone(
                        "Fleet screens",
                        "not measured".into(),
                        "—",
                        Met::No,
                    ));
                    self.report
                        .notes
                        .push(format!("- Fleet screens: not measured: {problem}"));
                    return;
                }
            }
        }
        for screen in screens() {
            let mut figures = Vec::new();
            for (big, things) in [(true, &named[0]), (false, &named[1])] {
                figures.push(self.screen_figures(&screen, big, things).await);
            }
            let (fleet, small) = (figures[0], figures[1]);
            let time = fleet.ms / small.ms;
            let bytes = fleet.bytes / small.bytes.max(1.0);
            self.report.rows.push(Row {
                measure: format!(
                    "Fleet screen: {} (100,000 deployments / 20,000 robots against 50 / 50)",
                    screen.name
                ),
                console: format!("{}, {}", ms(fleet.ms), kb(fleet.bytes)),
                baseline: format!("{}, {}", ms(small.ms), kb(small.bytes)),
                ratio: format!("{time:.2}× time, {bytes:.2}× bytes"),
                target: "≤ 1.5× time, ≤ 2× bytes".into(),
                met: Met::when(time <= 1.5 && bytes <= 2.0),
            });
        }
        self.report.notes.push(format!(
            "- Fleet screens: each screen opened by a fresh page load ({RUNS} runs per backend, \
             the two alternating, medians), timed from the navigation (the Update dialog: from \
             the click on Update Deployment) to the frame after it became usable (its rows, \
             choices or counts on screen, device names in place of IDs); bytes are the bodies of \
             every API answer the page read by then (`encodedBodySize`; a body revalidated from \
             the browser's cache counts in full). The rollout is made for the bench at one site \
             (targets: {} and {}).",
            named[0].targets, named[1].targets
        ));
        self.rollout_polls(&named[0]).await;
        self.far_jump().await;
    }

    /// A deployment on a robot (Succeeded, so it can be updated) and a running rollout of the
    /// robots at one site, on the big (or the small) backend.
    async fn name_things(&self, big: bool) -> Result<Named, String> {
        let url = |path: &str| self.fleet_url(big, path);
        let list = crate::get_json(&url(
            "/api/v1/deployments?packageId=pkg-amr-navigation&phase=Succeeded&limit=1",
        ))
        .await;
        let deployment = list["items"][0]["deploymentId"]
            .as_str()
            .ok_or_else(|| format!("no Succeeded robot deployment: {list}"))?
            .to_string();
        let rollout = json!({
            "packageId": "pkg-amr-navigation", "planId": "plan-amr-navigation",
            "componentId": "comp-amr-nav", "name": "bench-{device}",
            "selector": [{"key": "site", "value": "tokyo"}],
            "routedNetworks": [{"guid": "net-robot-lan"}],
            "waves": [1, "100%"], "maxFailures": 1000
        });
        let (status, made) =
            crate::http("POST", &url("/api/v1/rollouts"), Some(&rollout.to_string())).await;
        let made: Value = serde_json::from_str(&made).unwrap_or(Value::Null);
        let id = made["rolloutId"]
            .as_str()
            .ok_or_else(|| format!("the rollout was not made ({status}): {made}"))?
            .to_string();
        // One robot of wave 2 goes offline before its wave starts: its deployment is refused
        // then, a failure under the threshold, so the rollout keeps running once every other
        // robot has Succeeded, with nothing left to change.
        let page = crate::get_json(&url(&format!(
            "/api/v1/rollouts/{id}/targets?wave=2&limit=1"
        )))
        .await;
        let victim = page["items"][0]["deviceId"]
            .as_str()
            .ok_or_else(|| format!("no target in wave 2: {page}"))?
            .to_string();
        crate::http(
            "POST",
            &url(&format!("/__control/devices/{victim}/offline")),
            None,
        )
        .await;
        let mut targets = 0;
        for _ in 0..1_200 {
            let summary = crate::get_json(&url(&format!("/api/v1/rollouts/{id}"))).await;
            let counts = &summary["counts"];
            let total: u64 = counts
                .as_object()
                .map(|c| c.values().filter_map(Value::as_u64).sum())
                .unwrap_or(0);
            let settled =
                counts["Succeeded"].as_u64().unwrap_or(0) + counts["refused"].as_u64().unwrap_or(0);
            if total > 0 && settled == total && summary["state"] == "running" {
                targets = total;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if targets == 0 {
            return Err("the rollout never settled".into());
        }
        Ok(Named {
            deployment,
            rollout: id,
            targets,
        })
    }

    /// The median time and bytes of `screen` on the big (or the small) backend.
    async fn screen_figures(&self, screen: &Screen, big: bool, named: &Named) -> Figures {
        let path = screen
            .path
            .replace("{deployment}", &named.deployment)
            .replace("{rollout}", &named.rollout);
        let mut times = Vec::new();
        let mut bytes = Vec::new();
        for run in 0..=RUNS {
            self.browser.goto(&self.fleet_url(big, &path)).await;
            let script = match screen.click {
                None => until(&screen.usable),
                Some(button) => {
                    let ready = self
                        .exec_async(
                            &until(&format!(
                                "document.querySelector('{}:not([disabled])')",
                                tid(button)
                            )),
                            vec![],
                        )
                        .await;
                    let before = ready["bytes"].as_f64().unwrap_or(0.0);
                    let clicked = self
                        .exec(
                            &format!(
                                "const at = performance.now(); document.querySelector('{}').click(); return at",
                                tid(button)
                            ),
                            vec![],
                        )
                        .await
                        .as_f64()
                        .unwrap_or(0.0);
                    let result = self.exec_async(&until(&screen.usable), vec![]).await;
                    if run > 0 {
                        times.push(result["at"].as_f64().unwrap_or(f64::NAN) - clicked);
                        bytes.push(result["bytes"].as_f64().unwrap_or(f64::NAN) - before);
                    }
                    continue;
                }
            };
            let result = self.exec_async(&script, vec![]).await;
            if let Some(error) = result["error"].as_str() {
                eprintln!(
                    "bench: {} ({}): {error}",
                    screen.name,
                    if big { "fleet" } else { "small" }
                );
            }
            // The first run warms the browser's cache of the console's files.
            if run > 0 {
                times.push(result["at"].as_f64().unwrap_or(f64::NAN));
                bytes.push(result["bytes"].as_f64().unwrap_or(f64::NAN));
            }
        }
        Figures {
            ms: median(&times),
            bytes: median(&bytes),
        }
    }
}

/// Bytes as kilobytes (1,000 bytes), one decimal.
fn kb(bytes: f64) -> String {
    if bytes.is_finite() {
        format!("{:.1} KB", bytes / 1_000.0)
    } else {
        "—".into()
    }
}
