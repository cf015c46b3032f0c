//! Fault injection, for tests. It exists only with `--enable-faults` (see `controls`): without
//! it no request is ever altered.
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

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{OriginalUri, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::http::{ErrorResponse, json, parse_body};
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

/// Why a `body` fault cannot produce its body.
#[derive(Debug, thiserror::Error)]
pub enum FaultBodyError {
    /// `bodyBase64` is not base64.
    #[error("bodyBase64 is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The body would exceed [`MAX_FAULT_BODY`].
    #[error("the body would be larger than {MAX_FAULT_BODY} bytes")]
    TooLarge,
}

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
    /// when the base64 is not valid or the result would be too large.
    pub fn body_bytes(&self) -> Result<Vec<u8>, FaultBodyError> {
        use base64::Engine;
        let unit = match (&self.body, &self.body_base64) {
            (_, Some(encoded)) => base64::engine::general_purpose::STANDARD.decode(encoded)?,
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
            .ok_or(FaultBodyError::TooLarge)?;
        let mut bytes = Vec::with_capacity(size);
        bytes.extend_from_slice(prefix);
        for _ in 0..repeat {
            bytes.extend_from_slice(&unit);
        }
        bytes.extend_from_slice(suffix);
        Ok(bytes)
    }
}

/// The active faults.
#[derive(Default)]
pub struct Faults(Mutex<Vec<Fault>>);

impl Faults {
    /// The list; a panic elsewhere while it was held leaves it usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<Fault>> {
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

pub(crate) async fn add_fault(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, ErrorResponse> {
    let fault: Fault = parse_body(&body)?;
    if fault.times == Some(0) {
        return Err(PlatformError::Validation(vec![FieldError::new(
            "times",
            "A fault must affect at least one request: leave times out for every request.",
        )])
        .into());
    }
    if fault.kind == FaultKind::Body {
        if let Err(error) = fault.body_bytes() {
            return Err(PlatformError::Validation(vec![FieldError::new(
                "body",
                error.to_string(),
            )])
            .into());
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

pub(crate) async fn list_faults(State(state): State<AppState>) -> Response {
    let faults = state.faults.lock().clone();
    json(StatusCode::OK, &faults, &Default::default())
}

pub(crate) async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults.lock().clear();
    StatusCode::NO_CONTENT
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
            let mut response = ErrorResponse::new(
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
mod tests;
