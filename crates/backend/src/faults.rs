//! Fault injection and simulation controls, for tests. They exist only with `--enable-faults`:
//! without it `/__control/…` is 404 and no request is ever altered.
//!
//! A fault applies to requests whose method and path match (`*` matches one path segment):
//! - `status`: answer with that status (and `Retry-After` when given) without running the handler;
//! - `delay`: wait `delayMs`, then handle normally;
//! - `html`: a 200 HTML page instead of JSON;
//! - `malformed`: the real answer's status with a body that is not JSON;
//! - `truncated`: the real answer cut in half;
//! - `drop`: run the handler (the change is committed), then drop the connection.
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
    routing::{delete, post},
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::http::{ApiError, json, parse_body};
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
    /// For `status`: the status code.
    #[serde(default)]
    pub status: Option<u16>,
    /// For `status`: the Retry-After seconds.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// For `delay`: milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
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
    let device = state
        .store
        .change(|p, now| p.set_device_online(&uuid, online, now))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(device).into_response())
}

async fn fail_next_update_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .change(|p, _| p.fail_next_update(Some(&id)))
        .await
        .map_err(ApiError::internal)??;
    Ok(StatusCode::NO_CONTENT)
}

async fn fail_next_update(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state
        .store
        .change(|p, _| p.fail_next_update(None))
        .await
        .map_err(ApiError::internal)??;
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

async fn reset(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    let seed = state.options.seed;
    state
        .store
        .change(|p, now| {
            *p = platform::sim::seed::seeded(seed, now, p.config());
            Ok::<_, ApiError>(())
        })
        .await
        .map_err(ApiError::internal)??;
    state.faults.lock().clear();
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
        FaultKind::Drop => {
            // The handler runs to the end (the change is committed); the answer never arrives.
            let _ = next.run(request).await;
            let failing = futures_util::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by an injected fault",
                ))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_LENGTH, "1000")
                .body(Body::from_stream(failing))
                .unwrap_or_default()
        }
    }
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
            times,
        }
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
