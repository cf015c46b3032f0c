//! Demo mode's simulation as the console's worker runs it: the platform answering the API
//! ([`serve`]) and the simulation panel's controls under `/__control` (the paths the reference
//! backend's test controls use, plus speed, growing the fleet and the panel's status), moved on
//! by a timer, and the messages between the console and its worker. Native code, so all of it
//! is tested here; the worker itself only moves messages and keeps time.
//!
//! The worker keeps no storage of its own: the console hands it the saved state when it starts
//! it and keeps what the worker asks it to save (local storage is not reachable from a worker).

use serde::{Deserialize, Serialize};

use crate::errors::PlatformError;
use crate::sim::serve::{self, Answer, Request, Target};
use crate::sim::{Platform, SimConfig, demo_fleet};
use crate::time::Millis;

/// The speeds the simulation panel offers (1 is the platform's own pace).
pub const SPEEDS: [f64; 4] = [0.5, 1.0, 2.0, 5.0];
/// The fleet the simulation panel grows the demo to.
pub const GROWN_FLEET: usize = 10_000;
/// Deployments beyond which the demo is not saved without measuring it (a grown fleet).
pub const SAVED_UP_TO: usize = 2_000;
/// The largest saved state, in characters: local storage holds about 5 million per origin,
/// and the console keeps a few small things beside the demo. Deployments, their history and
/// rollouts all count.
pub const SAVE_LIMIT: usize = 4_500_000;
/// Log lines kept per deployment in the browser (local storage is small).
pub const DEMO_LOG_LINES: usize = 150;
/// Ticks between saves while the simulation moves by itself (a change the user asked for is
/// saved at once; phases replay from a saved state at the same times, so a later save loses
/// nothing but a few seconds of progress).
pub const SAVE_EVERY_TICKS: u64 = 10;
/// Who changes things in demo mode.
pub const DEMO_USER: &str = "demo@rio.dev";

/// A message from the console to its worker (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToWorker {
    /// Start the simulation from `state` (as saved; a new seed when absent or unreadable) at
    /// `speed`.
    Start {
        /// The saved state, if any.
        state: Option<String>,
        /// One of [`SPEEDS`].
        speed: f64,
    },
    /// Answer a request to the API (or to `/__control`).
    #[serde(rename_all = "camelCase")]
    Request {
        /// Echoed in the answer.
        id: u64,
        /// `GET`, `POST`, …
        method: String,
        /// The path under the API's base, with its query.
        path: String,
        /// The JSON body, if any.
        body: Option<String>,
        /// The `Idempotency-Key`, if any.
        idempotency_key: Option<String>,
    },
}

/// A message from the worker to the console (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FromWorker {
    /// The worker listens; nothing sent before this arrives is seen.
    Ready,
    /// The answer to request `id`.
    Answer {
        /// The request's `id`.
        id: u64,
        /// HTTP status.
        status: u16,
        /// The JSON body.
        body: String,
    },
    /// The simulation moved (a tick or a change): views showing live data read again.
    Changed,
    /// Keep this state for the next visit.
    Save {
        /// The state, as [`Platform::from_json`] reads it.
        state: String,
    },
    /// The demo grew too big to keep: forget the state kept, so a reload does not bring back
    /// an older one.
    Forget,
}

/// What to do with the storage of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Save {
    /// Keep this state.
    Keep(String),
    /// Forget the state kept (the demo grew too big to keep).
    Forget,
}

/// What the simulation panel shows (`GET /__control/simulation`, and every control's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationStatus {
    /// The speed the simulation runs at.
    pub speed: f64,
    /// Whether the next update of any deployment will fail.
    pub next_update_fails: bool,
    /// Whether the demo is too big to be kept across a reload.
    pub beyond_saving: bool,
    /// Deployments added by the last `POST /__control/grow` (0 otherwise).
    #[serde(default)]
    pub added: usize,
}

/// The simulation's settings at `speed`, with the browser's smaller log.
pub fn config_at(speed: f64) -> SimConfig {
    SimConfig {
        max_log_lines: DEMO_LOG_LINES,
        ..SimConfig::with_speed(speed)
    }
}

/// `speed` if the panel offers it.
pub fn offered_speed(speed: f64) -> Option<f64> {
    SPEEDS.into_iter().find(|offered| *offered == speed)
}

/// The demo: the platform, its speed, and what was saved of it.
#[derive(Debug)]
pub struct Demo {
    platform: Platform,
    speed: f64,
    /// Seeds new worlds (a start without a state, a reset).
    seed: u64,
    /// The revision last saved (`None`: nothing saved yet).
    saved: Option<u64>,
    /// The revision the views were last told about.
    reported: u64,
    /// The state grew past what local storage keeps; nothing is saved until a reset.
    too_big: bool,
    /// Ticks since the state was last saved.
    ticks_unsaved: u64,
}

/// What an answer did besides answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effects {
    /// The simulation changed: tell the views.
    pub changed: bool,
    /// Save the state now.
    pub save: bool,
}

impl Demo {
    /// Restores `saved` (or seeds a new demo from `seed` when there is none or it is not
    /// readable) at `speed` (1× unless offered).
    pub fn start(saved: Option<&str>, speed: f64, seed: u64, now: Millis) -> Demo {
        let speed = offered_speed(speed).unwrap_or(1.0);
        let config = config_at(speed);
        let platform = saved
            .and_then(|text| Platform::from_json(text).ok())
            .map(|mut platform| {
                platform.set_config(config);
                platform
            })
            .unwrap_or_else(|| demo_fleet::seeded(seed, now, config));
        Demo {
            reported: platform.revision(),
            platform,
            speed,
            seed,
            saved: None,
            too_big: false,
            ticks_unsaved: 0,
        }
    }

    /// The simulated platform.
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// Moves the simulation to `now`: a change to tell the views only when something moved
    /// (log lines are made from the time), and a save every [`SAVE_EVERY_TICKS`] ticks while
    /// something moved since the last one. An idle demo neither reports nor saves anything.
    pub fn tick(&mut self, now: Millis) -> Effects {
        self.platform.advance(now);
        self.ticks_unsaved += 1;
        let mut effects = self.effects(false);
        effects.save = self.ticks_unsaved >= SAVE_EVERY_TICKS && self.unsaved();
        effects
    }

    /// What to tell the console: a change when `asked` (a change the user asked for, even a
    /// refused one, which is saved at once) or when the platform moved since the views were
    /// last told.
    fn effects(&mut self, asked: bool) -> Effects {
        let revision = self.platform.revision();
        let changed = asked || revision != self.reported;
        self.reported = revision;
        Effects {
            changed,
            save: asked,
        }
    }

    /// Whether the platform moved since the state was last saved.
    fn unsaved(&self) -> bool {
        self.saved != Some(self.platform.revision())
    }

    /// What to do with the saved state: keep this one when it changed since the last one kept
    /// and fits local storage; forget the one kept when the demo just grew too big (nothing is
    /// saved then until a reset); nothing otherwise.
    pub fn save(&mut self) -> Option<Save> {
        if !self.unsaved() || self.too_big {
            return None;
        }
        self.saved = Some(self.platform.revision());
        self.ticks_unsaved = 0;
        if self.platform.records().len() > SAVED_UP_TO {
            self.too_big = true;
            return Some(Save::Forget);
        }
        let state = self.platform.to_json();
        if state.len() > SAVE_LIMIT {
            self.too_big = true;
            return Some(Save::Forget);
        }
        Some(Save::Keep(state))
    }

    /// Whether the demo grew too big to be kept across a reload.
    pub fn beyond_saving(&self) -> bool {
        self.too_big || self.platform.records().len() > SAVED_UP_TO
    }

    /// Answers a request to the API or to `/__control` at `now`.
    pub fn answer(&mut self, request: &Request<'_>, now: Millis) -> (Answer, Effects) {
        let target = Target::of(request.path);
        if target.segments.first().map(String::as_str) == Some("__control") {
            let answer = self
                .control(request, &target, now)
                .unwrap_or_else(|error| Answer::refused(&error));
            let asked = (200..300).contains(&answer.status) && request.method != "GET";
            return (answer, self.effects(asked));
        }
        let answer = serve::answer(&mut self.platform, request, DEMO_USER, now);
        // A change the user asked for (even a refused one) is saved and shown at once; a read
        // that moved the platform on tells the other views too.
        let asked = request.method != "GET";
        (answer, self.effects(asked))
    }

    fn status(&self, added: usize) -> SimulationStatus {
        SimulationStatus {
            speed: self.speed,
            next_update_fails: self.platform.next_update_fails(),
            beyond_saving: self.beyond_saving(),
            added,
        }
    }

    fn control(
        &mut self,
        request: &Request<'_>,
        target: &Target,
        now: Millis,
    ) -> Result<Answer, PlatformError> {
        let segments: Vec<&str> = target.segments.iter().map(String::as_str).collect();
        match (request.method, &segments[1..]) {
            ("GET", ["simulation"]) => {
                self.platform.advance(now);
            }
            ("POST", ["devices", uuid, state @ ("online" | "offline")]) => {
                self.platform
                    .set_device_online(uuid, *state == "online", now)?;
            }
            ("POST", ["fail-next-update"]) => self.platform.fail_next_update(None)?,
            ("PUT", ["speed"]) => {
                #[derive(Deserialize)]
                struct Speed {
                    speed: f64,
                }
                let Speed { speed } = serve::body(request.body)?;
                // A fixed sentence: formatting the float would add float formatting's code to
                // the worker.
                let speed = offered_speed(speed).ok_or_else(|| {
                    PlatformError::BadQuery("The demo runs at ½×, 1×, 2× or 5× only.".into())
                })?;
                // Time so far passes at the old speed; running stages keep their start times.
                self.platform.advance(now);
                self.platform.set_config(config_at(speed));
                self.speed = speed;
            }
            ("POST", ["grow"]) => {
                let added = self.platform.grow_fleet(GROWN_FLEET, now)?;
                return Ok(Answer::json(200, &self.status(added)));
            }
            ("POST", ["reset"]) => {
                self.seed = self.seed.wrapping_add(1);
                let mut fresh = demo_fleet::seeded(self.seed, now, self.platform.config());
                // Lists showing the old world read the new one again (their `since` is refused).
                fresh.succeed(&self.platform);
                self.platform = fresh;
                self.too_big = false;
            }
            _ => return Ok(Answer::no_endpoint()),
        }
        Ok(Answer::json(200, &self.status(0)))
    }
}
