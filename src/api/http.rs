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

use crate::api::backoff::{READ_BACKOFF, sleep};
use crate::api::error::ApiError;
use crate::api::worker::WorkerLink;

/// Seconds before a request is given up.
pub const TIMEOUT_SECS: u32 = 15;
/// Attempts for a read (the first one included).
pub const READ_ATTEMPTS: u32 = 4;

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
    /// Bumped by every 401: a standalone console's sign-in prompt opens on it, an embedded
    /// console's bridge asks the parent for a token.
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

    /// Changes each time the backend refuses the credentials (401): the sign-in prompt and the
    /// embed bridge listen.
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
                    sleep(READ_BACKOFF.wait_ms(&error, attempt)).await;
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
                use leptos::prelude::Update;
                self.refused.update(|n| *n += 1);
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

#[cfg(test)]
mod tests {
    use super::*;

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
