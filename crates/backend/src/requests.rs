//! A count of the API requests received, by method and path, for tests that must show a client
//! sent nothing (or exactly one request). Only with `--enable-faults`, like the other controls:
//! - `GET /__control/requests`: `{"counts": {"POST /api/v1/deployments": 1, …}}`;
//! - `DELETE /__control/requests`: back to zero.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::{
    Router,
    extract::{OriginalUri, Request, State},
    http::StatusCode,
    middleware::Next,
    response::Response,
    routing::get,
};
use serde::Serialize;

use crate::AppState;
use crate::http::json;

/// Requests received, keyed `"METHOD /path"` (the path without its query).
#[derive(Default)]
pub struct RequestCounts(Mutex<BTreeMap<String, u64>>);

/// The answer of `GET /__control/requests`.
#[derive(Debug, Serialize)]
struct Counts {
    counts: BTreeMap<String, u64>,
}

impl RequestCounts {
    /// The counts; a panic elsewhere while they were held leaves them usable.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one request.
    pub fn record(&self, method: &str, path: &str) {
        *self.lock().entry(format!("{method} {path}")).or_default() += 1;
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    /// Back to zero.
    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// Counts every request that reaches the API, whatever its answer.
pub async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Nested routers see their path without the prefix; counts use the full path.
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_string(),
        |uri| uri.path().to_string(),
    );
    state.requests.record(request.method().as_str(), &path);
    next.run(request).await
}

/// `GET` and `DELETE /requests` (mounted under `/__control`).
pub fn routes() -> Router<AppState> {
    Router::new().route("/requests", get(list).delete(clear))
}

async fn list(State(state): State<AppState>) -> Response {
    let counts = Counts {
        counts: state.requests.snapshot(),
    };
    json(StatusCode::OK, &counts, &Default::default())
}

async fn clear(State(state): State<AppState>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_method_and_path() {
        let counts = RequestCounts::default();
        counts.record("POST", "/api/v1/deployments");
        counts.record("POST", "/api/v1/deployments");
        counts.record("GET", "/api/v1/deployments");
        let seen = counts.snapshot();
        assert_eq!(seen.get("POST /api/v1/deployments"), Some(&2));
        assert_eq!(seen.get("GET /api/v1/deployments"), Some(&1));
        assert_eq!(seen.len(), 2);
        counts.clear();
        assert!(counts.snapshot().is_empty());
    }
}
