//! The request log of `--enable-faults`: every API request is recorded (method, path and query,
//! idempotency key, whether it carried credentials, when, and the status answered);
//! `GET /__control/requests` lists them and `DELETE` forgets them, so a test counts exactly what
//! a client sent.

use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::{
    extract::{OriginalUri, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde::Serialize;

use crate::AppState;
use crate::http::json;

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

pub(crate) async fn list_requests(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &state.requests.list(), &Default::default())
}

pub(crate) async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
