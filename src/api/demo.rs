//! Demo mode: the platform simulator running in the browser, ticked by a timer on the
//! browser's clock, its state kept in local storage so a reload keeps what the user did.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use leptos::prelude::*;
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;

use crate::api::ApiError;

/// Where the demo state is kept.
pub const STORAGE_KEY: &str = "rio-console.demo-state";
/// Where the chosen speed is kept (apart from the state, so a reset keeps it).
pub const SPEED_KEY: &str = "rio-console.demo-speed";
/// Where "the first-visit tour was dismissed" is kept (a reset keeps it too).
pub const TOUR_DISMISSED_KEY: &str = "rio-console.demo-tour-dismissed";
/// The speeds the simulation panel offers (1 is the platform's own pace).
pub const SPEEDS: [f64; 4] = [0.5, 1.0, 2.0, 5.0];
/// The fleet the simulation panel grows the demo to.
pub const GROWN_FLEET: usize = 10_000;
/// Deployments up to which the demo is saved in local storage (about 5 MB in all); a bigger
/// (grown) fleet lasts until the page is reloaded.
const SAVED_UP_TO: usize = 2_000;
/// Log lines kept per deployment in the browser (local storage is small).
const DEMO_LOG_LINES: usize = 150;
/// How often the simulation moves on.
const TICK: Duration = Duration::from_secs(1);
/// Ticks between saves when nothing was changed by the user.
const SAVE_EVERY_TICKS: u64 = 10;

/// The browser's clock.
pub fn now() -> Millis {
    Millis(js_sys::Date::now() as i64)
}

/// The simulated platform shared by every view.
#[derive(Clone)]
pub struct DemoBackend {
    platform: Arc<Mutex<Platform>>,
    /// Bumped whenever the simulation changes, so views showing live data can refresh.
    pub version: RwSignal<u64>,
    speed: RwSignal<f64>,
}

impl DemoBackend {
    /// Restores the saved demo (or seeds a new one) at the saved speed and starts its timer.
    pub fn start() -> DemoBackend {
        let speed = parse_speed(stored(SPEED_KEY).as_deref());
        let config = config_at(speed);
        let platform = load()
            .map(|mut platform| {
                platform.set_config(config);
                platform
            })
            .unwrap_or_else(|| seed::seeded(js_sys::Date::now() as u64, now(), config));
        let backend = DemoBackend {
            platform: Arc::new(Mutex::new(platform)),
            version: RwSignal::new(0),
            speed: RwSignal::new(speed),
        };
        backend.save();
        let ticking = backend.clone();
        let _ = set_interval_with_handle(move || ticking.tick(), TICK);
        backend
    }

    fn tick(&self) {
        self.lock().advance(now());
        self.version.update(|v| *v += 1);
        // Phases replay from the saved state at the same times, so saving after each change
        // (below) is enough; this only keeps log lines across reloads.
        if self
            .version
            .get_untracked()
            .is_multiple_of(SAVE_EVERY_TICKS)
        {
            self.save();
        }
    }

    /// The simulation (single-threaded in the browser; a poisoned lock cannot happen with
    /// panic = abort, and would still hold a usable state).
    fn lock(&self) -> MutexGuard<'_, Platform> {
        self.platform
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a read on the simulation at the browser's time.
    pub fn read<T>(&self, read: impl FnOnce(&Platform) -> T) -> T {
        let mut platform = self.lock();
        platform.advance(now());
        read(&platform)
    }

    /// Runs a change, then saves and tells the views.
    pub fn change<T>(&self, change: impl FnOnce(&mut Platform, Millis) -> T) -> T {
        let result = change(&mut self.lock(), now());
        self.save();
        self.version.update(|v| *v += 1);
        result
    }

    /// Takes a device offline or brings it back (the simulation panel).
    pub fn set_device_online(&self, uuid: &str, online: bool) -> Result<(), ApiError> {
        self.change(|p, now| p.set_device_online(uuid, online, now))
            .map(|_| ())
            .map_err(ApiError::from)
    }

    /// Makes the next update of any deployment fail (the simulation panel).
    pub fn fail_next_update(&self) -> Result<(), ApiError> {
        self.change(|p, _| p.fail_next_update(None))
            .map_err(ApiError::from)
    }

    /// How many times faster than the platform's own pace the simulation runs (tracked: a view
    /// reading it follows changes).
    pub fn speed(&self) -> f64 {
        self.speed.get()
    }

    /// Runs the simulation `speed` times faster (one of `SPEEDS`; anything else is 1×) from
    /// now on, and keeps the choice for the next visit. Running stages keep their start times.
    pub fn set_speed(&self, speed: f64) {
        let speed = offered_speed(speed).unwrap_or(1.0);
        self.change(|p, now| {
            // Time so far passes at the old speed.
            p.advance(now);
            p.set_config(config_at(speed));
        });
        self.speed.set(speed);
        store(SPEED_KEY, speed_text(speed).0);
    }

    /// Grows the demo to [`GROWN_FLEET`] deployments with the synthetic fleet's robots, to try
    /// the console at fleet scale; how many deployments were added.
    pub fn grow_fleet(&self) -> Result<usize, ApiError> {
        self.change(|p, now| p.grow_fleet(GROWN_FLEET, now))
            .map_err(ApiError::from)
    }

    /// Whether the demo is too big to be kept across a reload.
    pub fn beyond_saving(&self) -> bool {
        self.lock().records().len() > SAVED_UP_TO
    }

    /// Starts the demo again from the seed, forgetting everything done in it (not its speed).
    pub fn reset(&self) {
        let config = self.lock().config();
        let mut fresh = seed::seeded(js_sys::Date::now() as u64, now(), config);
        // Lists showing the old world read the new one again (their `since` is refused).
        self.change(|p, _| {
            fresh.succeed(p);
            *p = fresh;
        });
    }

    /// Keeps the demo in local storage; a grown fleet is not kept (it would not fit, and
    /// writing it every few seconds would cost more than the simulation itself).
    fn save(&self) {
        let platform = self.lock();
        if platform.records().len() > SAVED_UP_TO {
            return;
        }
        let json = platform.to_json();
        drop(platform);
        store(STORAGE_KEY, &json);
    }
}

/// The simulation's settings at `speed`, with the browser's smaller log.
fn config_at(speed: f64) -> SimConfig {
    SimConfig {
        max_log_lines: DEMO_LOG_LINES,
        ..SimConfig::with_speed(speed)
    }
}

/// `speed` if the panel offers it.
fn offered_speed(speed: f64) -> Option<f64> {
    SPEEDS.into_iter().find(|offered| *offered == speed)
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
    store(TOUR_DISMISSED_KEY, if dismissed { "true" } else { "false" });
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Keeps `value` under `key`; without local storage (private mode) it lasts this visit only.
fn store(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// The saved demo, if there is one this version can read.
fn load() -> Option<Platform> {
    Platform::from_json(&stored(STORAGE_KEY)?).ok()
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

    #[test]
    fn a_faster_speed_shortens_the_stages_and_keeps_the_browser_log_size() {
        let fast = config_at(5.0);
        let normal = config_at(1.0);
        assert_eq!(fast.max_log_lines, DEMO_LOG_LINES);
        assert_eq!(normal.max_log_lines, DEMO_LOG_LINES);
        assert_eq!(fast.provisioning_ms * 5, normal.provisioning_ms);
        assert!(fast.in_progress_ms < normal.in_progress_ms);
    }
}
