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
}

impl DemoBackend {
    /// Restores the saved demo (or seeds a new one) and starts its timer.
    pub fn start() -> DemoBackend {
        let config = SimConfig {
            max_log_lines: DEMO_LOG_LINES,
            ..SimConfig::default()
        };
        let platform = load()
            .map(|mut platform| {
                platform.set_config(config);
                platform
            })
            .unwrap_or_else(|| seed::seeded(js_sys::Date::now() as u64, now(), config));
        let backend = DemoBackend {
            platform: Arc::new(Mutex::new(platform)),
            version: RwSignal::new(0),
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

    /// Starts the demo again from the seed, forgetting everything done in it.
    pub fn reset(&self) {
        let config = self.lock().config();
        let fresh = seed::seeded(js_sys::Date::now() as u64, now(), config);
        self.change(|p, _| *p = fresh);
    }

    fn save(&self) {
        if let Some(storage) = local_storage() {
            let json = self.lock().to_json();
            let _ = storage.set_item(STORAGE_KEY, &json);
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved demo, if there is one this version can read.
fn load() -> Option<Platform> {
    let text = local_storage()?.get_item(STORAGE_KEY).ok()??;
    Platform::from_json(&text).ok()
}
