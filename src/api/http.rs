//! The JSON backend over HTTP: auth headers, a timeout on every request (aborted too when the
//! caller goes away), retries with jittered backoff for reads only, and error decoding.

use std::{
    cell::Cell,
    rc::Rc,
    sync::{Arc, Mutex},
    time::Duration,
};

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::{GetValue, LocalStorage, StoredValue};
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;
use crate::api::worker::WorkerLink;

/// Seconds before a request is given up.
pub const TIMEOUT_SECS: u32 = 15;
/// Attempts for a read (the first one included).
pub const READ_ATTEMPTS: u32 = 4;
/// First backoff step and ceiling, in milliseconds.
const BACKOFF_BASE_MS: f64 = 400.0;
const BACKOFF_CAP_MS: f64 = 8_000.0;

/// Credentials sent with every request; kept in memory only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Auth {
    /// Bearer token.
    pub token: Option<String>,
    /// The `project` header.
    pub project: Option<String>,
}

// Hand-written so the token cannot reach a log through `{:?}`.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("project", &self.project)
            .finish()
    }
}

/// A client of the backend at one base URL.
#[derive(Clone)]
pub struct HttpBackend {
    base: String,
    auth: Arc<Mutex<Auth>>,
    /// Bumped when [`HttpBackend::set_auth`] brings new credentials, so loops stopped by a 401
    /// can start again.
    auth_version: leptos::prelude::RwSignal<u64>,
    /// Bumped by every 401 in a standalone console: the sign-in prompt opens on it.
    refused: leptos::prelude::RwSignal<u64>,
    /// Attempts per read: [`READ_ATTEMPTS`] for one-off loads, 1 for polls, which back off on
    /// their own schedule.
    read_attempts: u32,
    /// Where requests go.
    transport: Transport,
}

/// Where a client's requests go.
#[derive(Clone, Copy)]
enum Transport {
    /// `fetch` to the backend's base URL.
    Fetch,
    /// Demo mode's worker, which answers the same paths.
    Worker(StoredValue<Rc<WorkerLink>, LocalStorage>),
}

impl HttpBackend {
    /// A client for `base` (e.g. `/api/v1` or `https://host/api/v1`).
    pub fn new(base: &str) -> HttpBackend {
        HttpBackend {
            base: base.trim_end_matches('/').to_string(),
            auth: Arc::default(),
            auth_version: leptos::prelude::RwSignal::new(0),
            refused: leptos::prelude::RwSignal::new(0),
            read_attempts: READ_ATTEMPTS,
            transport: Transport::Fetch,
        }
    }

    /// A client whose requests demo mode's worker answers (no credentials, no network).
    pub fn worker(link: StoredValue<Rc<WorkerLink>, LocalStorage>) -> HttpBackend {
        HttpBackend {
            transport: Transport::Worker(link),
            ..HttpBackend::new("")
        }
    }

    /// The same client (same credentials) reading once per call: for polling loops, which
    /// schedule their own retries.
    pub fn single_attempt(&self) -> HttpBackend {
        HttpBackend {
            read_attempts: 1,
            ..self.clone()
        }
    }

    /// Replaces the credentials (the embedding bridge hands them over). Returns whether they
    /// changed: only new credentials restart loops stopped by a 401, so a parent answering
    /// every 401 with the same stale token cannot start a request loop.
    pub fn set_auth(&self, auth: Auth) -> bool {
        use leptos::prelude::Update;
        let changed = match self.auth.lock() {
            Ok(mut current) if *current != auth => {
                *current = auth;
                true
            }
            _ => false,
        };
        if changed {
            self.auth_version.update(|v| *v += 1);
        }
        changed
    }

    /// Changes each time new credentials arrive.
    pub fn auth_version(&self) -> leptos::prelude::RwSignal<u64> {
        self.auth_version
    }

    /// A person typed a token into the sign-in prompt: it becomes the credential (the project
    /// stays), and loops stopped by a 401 start again, once, even when it is the token they
    /// had (typing it again is asking to try again).
    pub fn sign_in(&self, token: String) {
        use leptos::prelude::Update;
        let project = self.auth.lock().ok().and_then(|a| a.project.clone());
        let changed = self.set_auth(Auth {
            token: Some(token),
            project,
        });
        if !changed {
            self.auth_version.update(|v| *v += 1);
        }
    }

    /// Changes each time the backend refuses the credentials (401) in a standalone console.
    pub fn refused(&self) -> leptos::prelude::RwSignal<u64> {
        self.refused
    }

    /// GETs `path` and decodes it, retrying temporary failures with jittered backoff.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.send(Method::GET, path, None, None).await {
                Ok(text) => {
                    return platform::wire::decode(&text).map_err(|e| ApiError::Decode(e.0));
                }
                Err(error) if error.is_transient() && attempt < self.read_attempts => {
                    sleep(backoff_ms(&error, attempt)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Sends a change once (never retried automatically: the user decides, and a POST reuses
    /// its `Idempotency-Key` so a retry cannot create a second deployment).
    pub async fn change<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ApiError> {
        let text = self.send(method, path, body, idempotency_key).await?;
        platform::wire::decode(&text).map_err(|e| ApiError::Decode(e.0))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<String, ApiError> {
        if let Transport::Worker(link) = self.transport {
            let link = link
                .try_get_value()
                .ok_or_else(|| ApiError::DemoUnavailable("the page is closing".into()))?;
            let (status, text) = link
                .request(method.as_str(), path, body, idempotency_key)
                .await?;
            return if (200..300).contains(&status) {
                readable("application/json", text)
            } else {
                Err(ApiError::from_answer(status, &text, None))
            };
        }
        let abort = AbortOnDrop::new();
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (timed_out, controller) = (Rc::clone(&timed_out), abort.0.clone());
            leptos::prelude::set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    if let Some(controller) = controller {
                        controller.abort();
                    }
                },
                Duration::from_secs(u64::from(TIMEOUT_SECS)),
            )
            .ok()
        };
        let signal = abort.0.as_ref().map(web_sys::AbortController::signal);
        let mut request = RequestBuilder::new(&format!("{}{path}", self.base))
            .method(method)
            .header("Accept", "application/json")
            .abort_signal(signal.as_ref());
        if let Ok(auth) = self.auth.lock() {
            if let Some(token) = &auth.token {
                request = request.header("Authorization", &format!("Bearer {token}"));
            }
            if let Some(project) = &auth.project {
                request = request.header("project", project);
            }
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let outcome = async {
            let response = match body {
                Some(body) => {
                    request
                        .header("Content-Type", "application/json")
                        .body(body)
                        .map_err(|_| ApiError::Network)?
                        .send()
                        .await
                }
                None => request.send().await,
            }
            .map_err(|_| ApiError::Network)?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.trim().parse().ok());
            let content_type = response.headers().get("content-type").unwrap_or_default();
            let text = response.text().await.map_err(|_| ApiError::Network)?;
            if status == 401 {
                if crate::embed::embedded() {
                    crate::embed::auth_expired();
                } else {
                    use leptos::prelude::Update;
                    self.refused.update(|n| *n += 1);
                }
            }
            if (200..300).contains(&status) {
                readable(&content_type, text)
            } else {
                Err(ApiError::from_answer(status, &text, retry_after))
            }
        }
        .await;
        if let Some(timer) = timer {
            timer.clear();
        }
        match outcome {
            Err(ApiError::Network) if timed_out.get() => Err(ApiError::TimedOut(TIMEOUT_SECS)),
            other => other,
        }
    }
}

/// A successful answer's body, unless it plainly is not data: empty, or a web page (a proxy's
/// or a sign-in page answering 200 in the backend's place).
fn readable(content_type: &str, text: String) -> Result<String, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::Decode("the answer is empty".into()));
    }
    let html = content_type
        .to_ascii_lowercase()
        .split(';')
        .next()
        .is_some_and(|t| t.trim() == "text/html");
    if html || text.trim_start().starts_with('<') {
        return Err(ApiError::Decode(
            "it is a web page, not data (a proxy or sign-in page may be in the way)".into(),
        ));
    }
    Ok(text)
}

/// Aborts the fetch when the future holding it is dropped (its view went away).
struct AbortOnDrop(Option<web_sys::AbortController>);

impl AbortOnDrop {
    fn new() -> AbortOnDrop {
        AbortOnDrop(web_sys::AbortController::new().ok())
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// How long to wait before attempt `attempt + 1` of a read.
fn backoff_ms(error: &ApiError, attempt: u32) -> u32 {
    jittered_wait_ms(error, attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS)
}

/// How long to wait after the `failures`-th failure in a row: the server's Retry-After when it
/// gave one, else a random time between half and all of `base · 2^(failures-1)`, at most `cap`
/// ("equal jitter": spread out like full jitter, but never a burst of near-zero waits).
pub fn jittered_wait_ms(error: &ApiError, failures: u32, base_ms: f64, cap_ms: f64) -> u32 {
    wait_ms(error, failures, base_ms, cap_ms, js_sys::Math::random())
}

/// [`jittered_wait_ms`] with the random draw `random` in `[0, 1)` given.
fn wait_ms(error: &ApiError, failures: u32, base_ms: f64, cap_ms: f64, random: f64) -> u32 {
    if let ApiError::RateLimited(Some(seconds)) = error {
        // Honoured, up to ten minutes (a wild value must not overflow a browser timer).
        return (*seconds).min(600).saturating_mul(1000);
    }
    let exponent = failures.saturating_sub(1).min(30) as i32;
    let ceiling = (base_ms * 2f64.powi(exponent)).min(cap_ms);
    (ceiling / 2.0 * (1.0 + random.clamp(0.0, 1.0))) as u32
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u32) as i32,
            )
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_from_half_to_all_of_the_ceiling_up_to_the_cap() {
        let error = ApiError::Network;
        for (failures, low, high) in [(1, 1_000, 2_000), (5, 16_000, 32_000), (6, 30_000, 60_000)] {
            assert_eq!(wait_ms(&error, failures, 2_000.0, 60_000.0, 0.0), low);
            assert_eq!(
                wait_ms(&error, failures, 2_000.0, 60_000.0, 0.999_999),
                high - 1
            );
        }
        assert_eq!(wait_ms(&error, u32::MAX, 2_000.0, 60_000.0, 0.0), 30_000);
    }

    #[test]
    fn after_the_fifth_failure_at_most_three_tries_a_minute() {
        // The shortest waits the draws allow, from the sixth try on.
        let error = ApiError::Network;
        let shortest: u32 = (5..8)
            .map(|n| wait_ms(&error, n, 2_000.0, 60_000.0, 0.0))
            .sum();
        assert!(shortest >= 60_000, "three waits take {shortest} ms");
    }

    #[test]
    fn retry_after_is_honoured_up_to_ten_minutes() {
        let wait = |s| wait_ms(&ApiError::RateLimited(Some(s)), 1, 2_000.0, 60_000.0, 0.0);
        assert_eq!(wait(20), 20_000);
        assert_eq!(wait(u32::MAX), 600_000);
    }

    #[test]
    fn empty_answers_and_web_pages_are_not_data() {
        let page = "<!DOCTYPE html><html><body>Sign in</body></html>";
        for (content_type, body) in [
            ("application/json", ""),
            ("application/json", "  \n"),
            ("text/html; charset=utf-8", "{\"items\": []}"),
            ("Text/HTML", "{}"),
            ("application/json", page),
            ("", page),
        ] {
            assert!(
                matches!(
                    readable(content_type, body.into()),
                    Err(ApiError::Decode(_))
                ),
                "{content_type:?} {body:?}"
            );
        }
        for content_type in ["application/json", "text/plain", ""] {
            assert_eq!(
                readable(content_type, "{\"items\": []}".into()),
                Ok("{\"items\": []}".to_string()),
                "JSON is read whatever it is labelled ({content_type:?})"
            );
        }
    }
}
