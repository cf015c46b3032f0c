//! The middleware every request passes: bearer-token auth and the echoed `project` header,
//! JSON-only request bodies, CORS for the allowed origins, the security headers on every answer,
//! and the request log line.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::AppState;
use crate::http::ErrorResponse;

/// True when `authorization` is `Bearer <token>`: the scheme in any case, the token compared
/// in constant time.
pub fn bearer_matches(authorization: Option<&str>, token: &str) -> bool {
    let Some((scheme, given)) = authorization.and_then(|v| v.trim().split_once(' ')) else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && constant_time_eq(given.trim().as_bytes(), token.as_bytes())
}

/// Compares every byte whatever the first difference, so the time taken does not tell how much
/// of a guess was right (only whether its length was).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)));
    difference == 0
}

/// Requires `Authorization: Bearer <token>` when the server has a token; echoes `project`.
pub async fn auth_and_project(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let project = request.headers().get("project").cloned();
    if let Some(token) = &state.options.token
        && request.method() != Method::OPTIONS
    {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if !bearer_matches(given, token) {
            let message = if given.is_some() {
                "The token is not valid. Sign in again or pass a fresh token."
            } else {
                "This backend needs a token: send Authorization: Bearer <token>."
            };
            let mut response =
                ErrorResponse::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
                    .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    let mut response = next.run(request).await;
    if let Some(project) = project {
        response.headers_mut().insert("project", project);
    }
    response
}

/// True when the request carries a body (a non-zero `Content-Length`, or a chunked one).
fn has_body(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_LENGTH) {
        Some(length) => length
            .to_str()
            .ok()
            .and_then(|l| l.trim().parse::<u64>().ok())
            .is_none_or(|l| l > 0),
        None => headers.contains_key(header::TRANSFER_ENCODING),
    }
}

/// True for `application/json`, with or without parameters (`; charset=utf-8`).
pub fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A request with a body must say it is JSON: 415 otherwise. Browsers send bodies across sites
/// without asking only as text/plain, forms or multipart, so this also stops those requests.
pub async fn require_json_body(request: Request, next: Next) -> Response {
    let headers = request.headers();
    if has_body(headers) && !is_json(headers.get(header::CONTENT_TYPE)) {
        return ErrorResponse::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the request body as JSON, with Content-Type: application/json.",
        )
        .into_response();
    }
    next.run(request).await
}

/// CORS for the `--allow-origin` values only: preflights answered, other origins get nothing.
pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let allowed = origin
        .as_ref()
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| {
            state
                .options
                .allow_origin
                .iter()
                .any(|allowed| allowed == o)
        });
    if request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        let mut response = StatusCode::NO_CONTENT.into_response();
        vary_origin(response.headers_mut());
        if allowed {
            add_cors(response.headers_mut(), origin);
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, PATCH, DELETE"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(
                    "authorization, content-type, idempotency-key, if-none-match, project",
                ),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        return response;
    }
    let mut response = next.run(request).await;
    if allowed {
        add_cors(response.headers_mut(), origin);
    }
    vary_origin(response.headers_mut());
    response
}

/// Every API answer depends on `Origin` (CORS headers or none), so caches must key on it.
fn vary_origin(headers: &mut HeaderMap) {
    let present = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|name| name.trim().eq_ignore_ascii_case("origin") || name.trim() == "*")
        })
    });
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

fn add_cors(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("etag, retry-after, project"),
    );
}

/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on every answer (API,
/// controls and site alike); the site adds its CSP on top.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Logs every request with its status and duration (structured fields, via tracing).
pub async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis() as u64;
    if status >= 500 {
        tracing::warn!(%method, path, status, ms, "request failed");
    } else {
        tracing::info!(%method, path, status, ms, "request");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_the_token_exact() {
        for good in [
            "Bearer s3cret",
            "bearer s3cret",
            "BEARER  s3cret",
            " Bearer s3cret ",
        ] {
            assert!(bearer_matches(Some(good), "s3cret"), "{good:?}");
        }
        for bad in [
            "Bearer s3cre",
            "Bearer s3cret2",
            "Bearer S3CRET",
            "Basic s3cret",
            "Bearers3cret",
            "s3cret",
            "Bearer ",
            "",
        ] {
            assert!(!bearer_matches(Some(bad), "s3cret"), "{bad:?}");
        }
        assert!(!bearer_matches(None, "s3cret"));
    }

    #[test]
    fn constant_time_eq_compares_whole_slices() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"xbc"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn json_content_types() {
        let json = |v: &'static str| is_json(Some(&HeaderValue::from_static(v)));
        assert!(json("application/json"));
        assert!(json("application/json; charset=utf-8"));
        assert!(json("Application/JSON;charset=UTF-8"));
        assert!(!json("text/plain"));
        assert!(!json("application/jsonp"));
        assert!(!json("application/x-www-form-urlencoded"));
        assert!(!is_json(None));
    }
}
