//! HTTP conventions shared by every endpoint: the error body, JSON answers with an ETag (and
//! 304 on a matching If-None-Match), JSON request bodies, and query strings with repeated keys.
//! What every request passes through (auth, CORS, headers) is in `layers`.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use platform::list::Page;
use platform::sim::fnv1a;
use platform::{ApiErrorBody, PlatformError};
use serde::Serialize;

/// An error answer of the backend: status plus the API's error body (what the console reads
/// into its own `ApiError`).
#[derive(Debug)]
pub struct ErrorResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ApiErrorBody,
}

impl ErrorResponse {
    /// An error with a code and a sentence.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ErrorResponse {
        ErrorResponse {
            status,
            body: ApiErrorBody {
                code: code.into(),
                message: message.into(),
                fields: Vec::new(),
            },
        }
    }

    /// 400: the body is not the JSON the endpoint expects.
    pub fn malformed(detail: impl std::fmt::Display) -> ErrorResponse {
        ErrorResponse::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            format!("The request body is not valid: {detail}."),
        )
    }

    /// 500: the state could not be saved.
    pub fn internal(detail: impl Into<String>) -> ErrorResponse {
        ErrorResponse::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    /// 404: nothing at this address.
    pub fn not_found(message: impl Into<String>) -> ErrorResponse {
        ErrorResponse::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<PlatformError> for ErrorResponse {
    fn from(error: PlatformError) -> ErrorResponse {
        ErrorResponse {
            status: StatusCode::from_u16(error.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: error.to_body(),
        }
    }
}

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body.to_json()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // A refusal holds for this request only: a browser must not answer the next one (a
        // 410 to `since=`, say, which HTTP lets caches keep) from its cache.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// A JSON answer with `status`; GETs also get an ETag and honour If-None-Match.
pub fn json(status: StatusCode, value: &impl Serialize, request_headers: &HeaderMap) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let etag = format!("\"{:016x}\"", fnv1a(&body));
            answer_with_etag(status, body, etag, request_headers)
        }
        Err(e) => {
            ErrorResponse::internal(format!("The answer could not be encoded: {e}")).into_response()
        }
    }
}

/// A page of a list. Its ETag is weak and leaves out the `resourceVersion` (the page's last
/// member): a page whose items and counts did not change is the same page, whatever changed
/// elsewhere, so polling it keeps getting 304.
pub fn json_page<T: Serialize>(page: &Page<T>, request_headers: &HeaderMap) -> Response {
    match serde_json::to_vec(page) {
        Ok(body) => {
            let content = body
                .windows(RESOURCE_VERSION.len())
                .rposition(|w| w == RESOURCE_VERSION)
                .map_or(body.as_slice(), |end| &body[..end]);
            let etag = format!("W/\"{:016x}\"", fnv1a(content));
            answer_with_etag(StatusCode::OK, body, etag, request_headers)
        }
        Err(e) => {
            ErrorResponse::internal(format!("The answer could not be encoded: {e}")).into_response()
        }
    }
}

/// How a page's resourceVersion member starts in its JSON.
const RESOURCE_VERSION: &[u8] = b",\"resourceVersion\":";

fn answer_with_etag(
    status: StatusCode,
    body: Vec<u8>,
    etag: String,
    request_headers: &HeaderMap,
) -> Response {
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if matches && status == StatusCode::OK {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Decodes a JSON request body, answering 400 with a clear message otherwise.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ErrorResponse> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ErrorResponse::malformed("it is empty; send a JSON object"));
    }
    serde_json::from_slice(body).map_err(ErrorResponse::malformed)
}

/// Query pairs in order, keys repeated as sent (`?phase=a&phase=b`).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `key`, if any.
pub fn query_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// An empty body for handlers that only set a status.
pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}
