//! Fault injection and simulation controls, for tests. They exist only with `--enable-faults`:
//! without it `/__control/…` is 404 and no request is ever altered.
//!
//! A fault applies to requests whose method and path match (`*` matches one path segment):
//! - `status`: answer with that status (and `Retry-After` when given) without running the handler;
//! - `delay`: wait `delayMs`, then handle normally;
//! - `html`: a 200 HTML page instead of JSON;
//! - `malformed`: the real answer's status with a body that is not JSON;
//! - `truncated`: the real answer cut in half;
//! - `drop`: run the handler (the change is committed), then drop the connection after the
//!   first bytes of the answer;
//! - `late`: run the handler now, deliver its answer `delayMs` later (an old answer arriving
//!   after newer ones);
//! - `body`: answer with exactly the given body (`body` text or `bodyBase64` bytes, `repeat`ed,
//!   between `prefix` and `suffix`), `status` (200) and `contentType` (`application/json`),
//!   without running the handler: any malformed, huge or odd answer a test needs.
//!
//! Every API request is recorded (method, path and query, idempotency key, whether it carried
//! credentials, when, and the status answered): `GET /__control/requests` lists them and
//! `DELETE` forgets them, so a test counts exactly what a client sent.
//!
//! With `--token` the controls need the token too.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::{
    Json, Router,
    body::{Body, Bytes, to_bytes},
    extract::{OriginalUri, Path, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::answer;
use crate::http::{ApiError, json, parse_body};
use platform::sim::engine;
use platform::{FieldError, PlatformError};

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with a status code.
    Status,
    /// Wait, then answer normally.
    Delay,
    /// A 200 HTML page.
    Html,
    /// A body that is not JSON.
    Malformed,
    /// Half of the real body.
    Truncated,
    /// Commit, then drop the connection.
    Drop,
    /// Handle now, answer `delayMs` later.
    Late,
    /// Exactly this body, status and content type.
    Body,
}

/// The largest body a `body` fault may produce (after `repeat`).
pub const MAX_FAULT_BODY: usize = 64 * 1024 * 1024;

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// HTTP method to match (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Path to match, `*` for one segment (e.g. `/api/v1/deployments/*`).
    pub path: String,
    /// What to do.
    pub kind: FaultKind,
    /// For `status` and `body`: the status code.
    #[serde(default)]
    pub status: Option<u16>,
    /// For `status`: the Retry-After seconds.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// For `delay` and `late`: milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// For `body`: the body as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// For `body`: the body as base64 bytes (any bytes, invalid UTF-8 included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// For `body`: how many times the body is repeated (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// For `body`: text before the repeated body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// For `body`: text after the repeated body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// For `body`: the Content-Type (`application/json` when absent; empty for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// How many matching requests it affects (every one when absent; at least 1).
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let pattern: Vec<&str> = self.path.trim_end_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        method_ok
            && pattern.len() == actual.len()
            && pattern
                .iter()
                .zip(&actual)
                .all(|(p, a)| *p == "*" || p == a)
    }
}

impl Fault {
    /// The bytes of a `body` fault: `prefix`, the body `repeat` times, `suffix`. An error
    /// sentence when the base64 is not valid or the result would be too large.
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let unit = match (&self.body, &self.body_base64) {
            (_, Some(encoded)) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| format!("bodyBase64 is not base64: {e}"))?,
            (Some(text), None) => text.clone().into_bytes(),
            (None, None) => Vec::new(),
        };
        let prefix = self.prefix.as_deref().unwrap_or_default().as_bytes();
        let suffix = self.suffix.as_deref().unwrap_or_default().as_bytes();
        let repeat = self.repeat.unwrap_or(1) as usize;
        let size = unit
            .len()
            .checked_mul(repeat)
            .and_then(|n| n.checked_add(prefix.len() + suffix.len()))
            .filter(|n| *n <= MAX_FAULT_BODY)
            .ok_or_else(|| format!("the body would be larger than {MAX_FAULT_BODY} bytes"))?;
        let mut bytes = Vec::with_capacity(size);
        bytes.extend_from_slice(prefix);
        for _ in 0..repeat {
            bytes.extend_from_slice(&unit);
        }
        bytes.extend_from_slice(suffix);
        Ok(bytes)
    }
}

/// One API request as the backend saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path with its query, as sent.
    pub path: String,
    /// The `Idempotency-Key` header, if any.
    pub idempotency_key: Option<String>,
    /// Whether an `Authorization` header came with it (never its value).
    pub authorization: bool,
    /// Milliseconds since the backend started, when the request arrived.
    pub at: u64,
    /// The status answered (none while the answer is being prepared).
    pub status: Option<u16>,
}

/// The API requests seen since start (or the last clear).
pub struct Requests {
    started: std::time::Instant,
    list: Mutex<Vec<RequestRecord>>,
}

impl Default for Requests {
    fn default() -> Requests {
        Requests {
            started: std::time::Instant::now(),
            list: Mutex::default(),
        }
    }
}

impl Requests {
    fn lock(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a request as it arrives; returns its number (for [`Requests::answered`]).
    fn arrived(&self, record: RequestRecord) -> usize {
        let mut list = self.lock();
        list.push(record);
        list.len() - 1
    }

    /// Notes the status answered to request `index` (unless the list was cleared meanwhile).
    fn answered(&self, index: usize, at: u64, status: u16) {
        if let Some(record) = self.lock().get_mut(index)
            && record.at == at
        {
            record.status = Some(status);
        }
    }

    /// Everything recorded, oldest first.
    pub fn list(&self) -> Vec<RequestRecord> {
        self.lock().clone()
    }

    /// Forgets everything recorded.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// Records every API request and its status (outermost, so refused requests count too).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().to_string(),
        |uri| {
            uri.path_and_query()
                .map_or_else(|| uri.path().to_string(), ToString::to_string)
        },
    );
    let headers = request.headers();
    let at = state.requests.now();
    let index = state.requests.arrived(RequestRecord {
        method: request.method().to_string(),
        path,
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        authorization: headers.contains_key(header::AUTHORIZATION),
        at,
        status: None,
    });
    let response = next.run(request).await;
    state
        .requests
        .answered(index, at, response.status().as_u16());
    response
}

/// The active faults.
#[derive(Default)]
pub struct Faults(Mutex<Vec<Fault>>);

impl Faults {
    /// The list; a panic elsewhere while it was held leaves it usable.
    fn lock(&self) -> MutexGuard<'_, Vec<Fault>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the first fault matching the request, counting one use; a fault is removed with
    /// its last use (a count of 0, refused when added, would be used up already).
    fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut faults = self.lock();
        faults.retain(|f| f.times != Some(0));
        let index = faults.iter().position(|f| f.matches(method, path))?;
        let fault = faults[index].clone();
        match &mut faults[index].times {
            Some(n) if *n <= 1 => {
                faults.remove(index);
            }
            Some(n) => *n = n.saturating_sub(1),
            None => {}
        }
        Some(fault)
    }
}

/// The control endpoints (mounted under `/__control`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/devices/{uuid}/{state}", post(set_device))
        .route(
            "/deployments/{id}/fail-next-update",
            post(fail_next_update_of),
        )
        .route("/fail-next-update", post(fail_next_update))
        .route(
            "/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/reset", delete(reset).post(reset))
}

async fn set_device(
    State(state): State<AppState>,
    Path((uuid, wanted)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let online = match wanted.as_str() {
        "online" => true,
        "offline" => false,
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Use /online or /offline.",
            ));
        }
    };
    let config = state.store.config();
    let device = answer(
        state
            .store
            .write(move |rows, now| engine::set_device_online(rows, &config, &uuid, online, now))
            .await,
    )?;
    Ok(Json(device).into_response())
}

async fn fail_next_update_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    answer(
        state
            .store
            .write(move |rows, _| engine::fail_next_update(rows, Some(&id)))
            .await,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fail_next_update(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    answer(
        state
            .store
            .write(|rows, _| engine::fail_next_update(rows, None))
            .await,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_fault(State(state): State<AppState>, body: Bytes) -> Result<StatusCode, ApiError> {
    let fault: Fault = parse_body(&body)?;
    if fault.times == Some(0) {
        return Err(PlatformError::Validation(vec![FieldError::new(
            "times",
            "A fault must affect at least one request: leave times out for every request.",
        )])
        .into());
    }
    if fault.kind == FaultKind::Body {
        if let Err(message) = fault.body_bytes() {
            return Err(PlatformError::Validation(vec![FieldError::new("body", message)]).into());
        }
        if let Some(content_type) = &fault.content_type
            && HeaderValue::from_str(content_type).is_err()
        {
            return Err(PlatformError::Validation(vec![FieldError::new(
                "contentType",
                "The content type must be a valid header value.",
            )])
            .into());
        }
    }
    state.faults.lock().push(fault);
    Ok(StatusCode::CREATED)
}

async fn list_faults(State(state): State<AppState>) -> Response {
    let faults = state.faults.lock().clone();
    json(StatusCode::OK, &faults, &Default::default())
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults.lock().clear();
    StatusCode::NO_CONTENT
}

async fn list_requests(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &state.requests.list(), &Default::default())
}

async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state
        .store
        .reset()
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    state.store.forget_counts();
    state.faults.lock().clear();
    state.requests.clear();
    Ok(StatusCode::NO_CONTENT)
}

/// Applies the matching fault, if any, around the handler.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Nested routers see their path without the prefix; faults are written with the full path.
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_string(),
        |uri| uri.path().to_string(),
    );
    let fault = state.faults.take(request.method().as_str(), &path);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    match fault.kind {
        FaultKind::Status => {
            let status = fault
                .status
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut response = ApiError::new(
                status,
                "injected_fault",
                format!("Injected fault: HTTP {}.", status.as_u16()),
            )
            .into_response();
            if let Some(seconds) = fault.retry_after
                && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(1_000))).await;
            next.run(request).await
        }
        FaultKind::Html => {
            let page = "<!DOCTYPE html><html><body><h1>Gateway login</h1><p>Please sign in.</p></body></html>";
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
        }
        FaultKind::Malformed | FaultKind::Truncated => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let body = if fault.kind == FaultKind::Malformed {
                bytes::Bytes::from_static(b"{\"items\": [ {\"deploymentId\": ,,, }")
            } else {
                bytes.slice(..bytes.len() / 2)
            };
            let mut response = Response::from_parts(parts, Body::from(body));
            response.headers_mut().remove(header::CONTENT_LENGTH);
            response
        }
        FaultKind::Late => {
            let response = next.run(request).await;
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(1_000))).await;
            response
        }
        FaultKind::Body => body_answer(&fault),
        FaultKind::Drop => {
            // The handler runs to the end (the change is committed); the answer never arrives.
            let _ = next.run(request).await;
            // The status line and a first piece go out, so the client knows an answer had
            // begun: a browser retries by itself a request whose connection closed before any
            // answer (a stale keep-alive connection), which would hide the loss.
            use futures_util::StreamExt;
            let failing = futures_util::stream::once(async {
                Ok(bytes::Bytes::from_static(b"{\"deploymentId\": "))
            })
            .chain(futures_util::stream::once(async {
                // Time for the first piece to leave before the connection goes.
                tokio::time::sleep(Duration::from_millis(200)).await;
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by an injected fault",
                ))
            }));
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_LENGTH, "1000")
                .body(Body::from_stream(failing))
                .unwrap_or_default()
        }
    }
}

/// The answer of a `body` fault (checked when it was added).
fn body_answer(fault: &Fault) -> Response {
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = Response::new(Body::from(fault.body_bytes().unwrap_or_default()));
    *response.status_mut() = status;
    let content_type = fault.content_type.as_deref().unwrap_or("application/json");
    if !content_type.is_empty()
        && let Ok(value) = HeaderValue::from_str(content_type)
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(times: Option<u32>) -> Fault {
        Fault {
            method: None,
            path: "/api/v1/packages".into(),
            kind: FaultKind::Status,
            status: Some(503),
            retry_after: None,
            delay_ms: None,
            body: None,
            body_base64: None,
            repeat: None,
            prefix: None,
            suffix: None,
            content_type: None,
            times,
        }
    }

    #[test]
    fn a_body_fault_builds_its_bytes_and_refuses_what_it_cannot() {
        let mut body = Fault {
            kind: FaultKind::Body,
            body: Some("[".into()),
            repeat: Some(3),
            prefix: Some("{\"items\": ".into()),
            suffix: Some("]]]}".into()),
            ..fault(None)
        };
        assert_eq!(body.body_bytes().unwrap(), b"{\"items\": [[[]]]}");
        body.body_base64 = Some("/w==".into());
        body.repeat = None;
        body.prefix = None;
        body.suffix = None;
        assert_eq!(body.body_bytes().unwrap(), [0xff], "bytes win over text");
        body.body_base64 = Some("not base64!".into());
        assert!(body.body_bytes().unwrap_err().contains("base64"));
        body.body_base64 = None;
        body.repeat = Some(u32::MAX);
        assert!(body.body_bytes().unwrap_err().contains("larger"));
        body.body = None;
        body.repeat = None;
        assert_eq!(body.body_bytes().unwrap(), b"", "an empty body");
    }

    #[test]
    fn a_body_answer_has_the_status_content_type_and_no_cache() {
        let answer = body_answer(&Fault {
            kind: FaultKind::Body,
            status: Some(502),
            body: Some("<html></html>".into()),
            content_type: Some("text/html".into()),
            ..fault(None)
        });
        assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(answer.headers()[header::CONTENT_TYPE], "text/html");
        assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
        let bare = body_answer(&Fault {
            kind: FaultKind::Body,
            status: None,
            content_type: Some(String::new()),
            ..fault(None)
        });
        assert_eq!(bare.status(), StatusCode::OK);
        assert!(bare.headers().get(header::CONTENT_TYPE).is_none());
    }

    #[test]
    fn the_request_log_records_in_order_and_forgets_on_clear() {
        let requests = Requests::default();
        let record = |path: &str| RequestRecord {
            method: "GET".into(),
            path: path.into(),
            idempotency_key: None,
            authorization: false,
            at: 5,
            status: None,
        };
        let first = requests.arrived(record("/a"));
        let second = requests.arrived(record("/b"));
        requests.answered(second, 5, 503);
        requests.answered(first, 5, 200);
        let list = requests.list();
        assert_eq!(
            list.iter()
                .map(|r| (r.path.as_str(), r.status))
                .collect::<Vec<_>>(),
            [("/a", Some(200)), ("/b", Some(503))]
        );
        requests.clear();
        requests.answered(first, 5, 500);
        assert!(
            requests.list().is_empty(),
            "a late answer after a clear is not recorded"
        );
    }

    #[test]
    fn a_fault_is_used_times_times_and_a_zero_count_never() {
        let faults = Faults::default();
        faults.lock().push(fault(Some(0)));
        assert_eq!(faults.take("GET", "/api/v1/packages"), None, "no panic");
        assert!(faults.lock().is_empty());
        faults.lock().push(fault(Some(2)));
        assert!(faults.take("GET", "/api/v1/packages").is_some());
        assert!(faults.take("GET", "/api/v1/packages").is_some());
        assert_eq!(faults.take("GET", "/api/v1/packages"), None);
        faults.lock().push(fault(Some(u32::MAX)));
        assert!(faults.take("GET", "/api/v1/packages").is_some());
        assert_eq!(faults.lock()[0].times, Some(u32::MAX - 1));
    }

    #[test]
    fn a_poisoned_fault_list_still_works() {
        let faults = std::sync::Arc::new(Faults::default());
        let holder = std::sync::Arc::clone(&faults);
        let _ = std::thread::spawn(move || {
            let _held = holder.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(faults.0.is_poisoned());
        faults.lock().push(fault(None));
        assert!(faults.take("GET", "/api/v1/packages").is_some());
    }
}
