//! Demo mode: the simulated platform runs in a Web Worker (`crates/demo-worker`, a second wasm
//! loaded only when demo mode starts) and answers the same requests as the JSON backend, so
//! the console reads the demo through the same client and decoding as a real backend. This
//! side starts the worker with the saved state, keeps what it asks to save in local storage,
//! turns its "the simulation moved" reports into the `version` signal live views follow, and
//! sends the simulation panel's controls (`/__control/…`).

use std::rc::Rc;

use gloo_net::http::Method;
use leptos::prelude::*;
use platform::sim::demo::{SimulationStatus, ToWorker, offered_speed};

pub use platform::sim::demo::{GROWN_FLEET, SPEEDS};

use crate::api::worker::{Reports, WORKER_SCRIPT, WorkerLink};
use crate::api::{ApiError, HttpBackend, encode};

/// Where the demo state is kept.
pub const STORAGE_KEY: &str = "rio-console.demo-state";
/// Where the chosen speed is kept (apart from the state, so a reset keeps it).
pub const SPEED_KEY: &str = "rio-console.demo-speed";
/// Where "the first-visit tour was dismissed" is kept (a reset keeps it too).
pub const TOUR_DISMISSED_KEY: &str = "rio-console.demo-tour-dismissed";

/// The simulated platform shared by every view.
#[derive(Clone)]
pub struct DemoBackend {
    /// The client whose requests the worker answers.
    pub client: HttpBackend,
    /// Bumped whenever the simulation changes, so views showing live data can refresh.
    pub version: RwSignal<u64>,
    /// The browser refused to keep the last state (its storage is full).
    pub not_kept: RwSignal<bool>,
    speed: RwSignal<f64>,
}

impl DemoBackend {
    /// Starts the worker with the saved demo (it seeds a new one when there is none) at the
    /// saved speed.
    pub fn start() -> DemoBackend {
        let speed = parse_speed(stored(SPEED_KEY).as_deref());
        let version = RwSignal::new(0u64);
        let not_kept = RwSignal::new(false);
        let script = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .and_then(|base| web_sys::Url::new_with_base(WORKER_SCRIPT, &base).ok())
            .map_or_else(|| WORKER_SCRIPT.to_string(), |url| url.href());
        let link = WorkerLink::start(
            &script,
            &ToWorker::Start {
                state: stored(STORAGE_KEY),
                speed,
            },
            Reports {
                changed: Box::new(move || {
                    version.try_update(|v| *v += 1);
                }),
                save: Box::new(move |state| {
                    let kept = store(STORAGE_KEY, &state);
                    if !kept {
                        // An old, smaller state would come back on reload: better none.
                        forget(STORAGE_KEY);
                    }
                    not_kept.try_set(!kept);
                }),
                forget: Box::new(move || {
                    forget(STORAGE_KEY);
                    not_kept.try_set(true);
                }),
            },
        );
        DemoBackend {
            client: HttpBackend::worker(StoredValue::new_local(Rc::new(link))),
            version,
            not_kept,
            speed: RwSignal::new(speed),
        }
    }

    /// The same demo for a polling loop (reads tried once, as over HTTP).
    pub fn for_polling(&self) -> DemoBackend {
        DemoBackend {
            client: self.client.single_attempt(),
            ..self.clone()
        }
    }

    async fn control(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<SimulationStatus, ApiError> {
        self.client
            .change(method, &format!("/__control/{path}"), body, None)
            .await
    }

    /// What the simulation panel shows.
    pub async fn status(&self) -> Result<SimulationStatus, ApiError> {
        self.client.get("/__control/simulation").await
    }

    /// Takes a device offline or brings it back (the simulation panel).
    pub async fn set_device_online(&self, uuid: &str, online: bool) -> Result<(), ApiError> {
        let state = if online { "online" } else { "offline" };
        let path = format!("/__control/devices/{}/{state}", encode(uuid));
        self.client
            .change::<serde_json::Value>(Method::POST, &path, None, None)
            .await
            .map(|_| ())
    }

    /// Makes the next update of any deployment fail (the simulation panel).
    pub async fn fail_next_update(&self) -> Result<SimulationStatus, ApiError> {
        self.control(Method::POST, "fail-next-update", None).await
    }

    /// How many times faster than the platform's own pace the simulation runs (tracked: a view
    /// reading it follows changes).
    pub fn speed(&self) -> f64 {
        self.speed.get()
    }

    /// Runs the simulation `speed` times faster (one of `SPEEDS`; anything else is 1×) from
    /// now on, and keeps the choice for the next visit. Running stages keep their start times.
    pub async fn set_speed(&self, speed: f64) -> Result<(), ApiError> {
        let speed = offered_speed(speed).unwrap_or(1.0);
        self.speed.set(speed);
        let _ = store(SPEED_KEY, speed_text(speed).0);
        let body = serde_json::json!({ "speed": speed }).to_string();
        self.control(Method::PUT, "speed", Some(body))
            .await
            .map(|_| ())
    }

    /// Grows the demo to [`GROWN_FLEET`] deployments with the synthetic fleet's robots, to try
    /// the console at fleet scale; how many deployments were added.
    pub async fn grow_fleet(&self) -> Result<usize, ApiError> {
        self.control(Method::POST, "grow", None)
            .await
            .map(|status| status.added)
    }

    /// Starts the demo again from the seed, forgetting everything done in it (not its speed).
    pub async fn reset(&self) -> Result<(), ApiError> {
        self.control(Method::POST, "reset", None).await.map(|_| ())
    }
}

/// A stored speed; 1× when there is none or it is not one the panel offers.
pub fn parse_speed(stored: Option<&str>) -> f64 {
    stored
        .and_then(|text| {
            let text = text.trim();
            SPEEDS
                .into_iter()
                .find(|speed| speed_text(*speed).0 == text)
        })
        .unwrap_or(1.0)
}

/// How an offered speed is stored and shown (a table, not float formatting and parsing, which
/// would add their code to the wasm for four values).
fn speed_text(speed: f64) -> (&'static str, &'static str) {
    [
        (0.5, "0.5", "½×"),
        (1.0, "1", "1×"),
        (2.0, "2", "2×"),
        (5.0, "5", "5×"),
    ]
    .into_iter()
    .find(|(offered, _, _)| *offered == speed)
    .map_or(("1", "1×"), |(_, stored, label)| (stored, label))
}

/// How a speed is written in a form value and in storage: "0.5", "1", "2", "5".
pub fn speed_value(speed: f64) -> &'static str {
    speed_text(speed).0
}

/// How a speed is shown: "½×", "1×", "2×", "5×".
pub fn speed_label(speed: f64) -> &'static str {
    speed_text(speed).1
}

/// Whether the first-visit tour was dismissed in this browser.
pub fn tour_dismissed() -> bool {
    stored(TOUR_DISMISSED_KEY).is_some_and(|value| value == "true")
}

/// Remembers whether the first-visit tour is dismissed.
pub fn set_tour_dismissed(dismissed: bool) {
    let _ = store(TOUR_DISMISSED_KEY, if dismissed { "true" } else { "false" });
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Keeps `value` under `key`; whether the browser kept it (without local storage, in private
/// mode, or with its storage full, it lasts this visit only).
fn store(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// Forgets what is kept under `key`.
fn forget(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_speed_is_used_only_when_the_panel_offers_it() {
        assert_eq!(parse_speed(Some("5")), 5.0);
        assert_eq!(parse_speed(Some("0.5")), 0.5);
        assert_eq!(parse_speed(Some(" 2 ")), 2.0);
        for bad in ["", "fast", "3", "0", "-2", "NaN", "inf", "1e400", "5x"] {
            assert_eq!(parse_speed(Some(bad)), 1.0, "{bad:?}");
        }
        assert_eq!(parse_speed(None), 1.0);
    }

    #[test]
    fn every_offered_speed_is_stored_as_text_that_reads_back() {
        for speed in SPEEDS {
            assert_eq!(parse_speed(Some(speed_text(speed).0)), speed);
            // What earlier builds stored (`f64::to_string`) still reads back.
            assert_eq!(parse_speed(Some(&speed.to_string())), speed);
        }
    }

    #[test]
    fn speeds_are_labelled_as_multipliers() {
        let labels: Vec<&str> = SPEEDS.into_iter().map(speed_label).collect();
        assert_eq!(labels, ["½×", "1×", "2×", "5×"]);
    }
}
