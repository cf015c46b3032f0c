//! Serving the console's Trunk build: the files with a fallback to `index.html` for app routes,
//! a `config.json` pointing the console at this backend, and the CSP. The CSP allows the inline
//! loader script by its SHA-256 hash, computed once at start from the `index.html` read then
//! (and served from then on, so page and hash always agree).
//!
//! Only app routes fall back to `index.html`: paths under `/api` and `/__control`, and paths
//! whose last segment has a file extension (a missing `.js`, `.wasm`, `.css`, `.png`, …), are
//! 404 with the JSON error body, so a missing file or endpoint never arrives as a page.
//!
//! A release build has a brotli (`FILE.br`) and a gzip (`FILE.gz`) copy beside each file worth
//! it (written by `rio-compress`, with the file's modification time). A client whose
//! `Accept-Encoding` accepts one gets it, brotli first, with `Content-Encoding` and the
//! original's `Content-Type`, `Last-Modified`, conditional requests, `HEAD` and ranges as for
//! the file itself; otherwise, or when there is no copy, the file. Every file answer says
//! `Vary: Accept-Encoding`, and the copies are not files of the site themselves (404).

use std::path::{Path, PathBuf};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::http::ErrorResponse;

/// What the site serves and the headers it sends.
#[derive(Debug, Clone)]
pub struct Site {
    /// The Trunk `dist/` directory.
    pub dir: PathBuf,
    /// The Content-Security-Policy header value.
    pub csp: String,
    /// The generated `config.json`.
    pub config_json: String,
    /// `index.html` as read at start (the page the CSP hashes were computed from).
    pub index_html: String,
}

impl Site {
    /// Reads `dir/index.html` and prepares the headers. `frame_ancestors` are the origins
    /// allowed to frame the console (none: `'none'`). Fails when `index.html` cannot be read.
    pub fn new(dir: &Path, frame_ancestors: &[String]) -> std::io::Result<Site> {
        let index = std::fs::read_to_string(dir.join("index.html"))?;
        let csp = content_security_policy(&index, frame_ancestors, &[]);
        let origins: Vec<&String> = frame_ancestors
            .iter()
            .filter(|a| a.contains("://"))
            .collect();
        let config_json = serde_json::json!({
            "apiBase": "/api/v1",
            "demo": false,
            "embed": { "allowedOrigins": origins },
        })
        .to_string();
        Ok(Site {
            dir: dir.to_path_buf(),
            csp,
            config_json,
            index_html: index,
        })
    }
}

/// The console's Content-Security-Policy for the page `index_html`: its inline scripts (Trunk's
/// loader) admitted by SHA-256 hash, wasm by `'wasm-unsafe-eval'`, never `'unsafe-eval'` or
/// `'unsafe-inline'`; demo mode's worker from the console's own origin only (`worker-src`);
/// `frame_ancestors` may frame it (`'none'` when empty); `connect_src` are
/// API origins besides its own (none when the backend serves the console itself).
pub fn content_security_policy(
    index_html: &str,
    frame_ancestors: &[String],
    connect_src: &[String],
) -> String {
    let hashes: Vec<String> = inline_scripts(index_html)
        .into_iter()
        .map(|script| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
            )
        })
        .collect();
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_string()
    } else {
        frame_ancestors.join(" ")
    };
    let connect: String = connect_src
        .iter()
        .map(|origin| format!(" {origin}"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'{connect}; worker-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors {ancestors}",
        hashes.join(" ")
    )
}

/// The text of every `<script>` without a `src` (Trunk's inline loader).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") && !tag.contains(" src =") {
            scripts.push(&rest[body_start..body_start + close]);
        }
        rest = &rest[body_start + close + "</script>".len()..];
    }
    scripts
}

/// Adds the CSP to every answer of the site (`nosniff` and `no-referrer` are on every answer
/// of the backend, see [`crate::layers::security_headers`]).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Some(site) = &state.site
        && let Ok(csp) = HeaderValue::from_str(&site.csp)
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// Around the build's files (tower-http's `ServeDir`, which picks the `.br`/`.gz` copy the
/// request's `Accept-Encoding` allows): `Vary: Accept-Encoding` on every answer, so no cache
/// hands a compressed answer to a client that did not ask for it, and a request for a copy
/// itself (`/app.js.br`, `/app.js.gz`) is 404, so each file of the site has one address.
pub async fn precompressed(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_compressed_copy(path) {
        return ErrorResponse::not_found(format!("There is no file {path}.")).into_response();
    }
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// True when the path's last segment (percent-decoded, as `ServeDir` reads it) ends in `.br`
/// or `.gz`: a compressed copy of a file of the build, not a file of the site.
pub fn is_compressed_copy(path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let last = decoded.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.').is_some_and(|(name, suffix)| {
        !name.is_empty() && (suffix.eq_ignore_ascii_case("br") || suffix.eq_ignore_ascii_case("gz"))
    })
}

/// True for `/api`, `/__control` and every path under them.
pub fn is_backend_path(path: &str) -> bool {
    ["/api", "/__control"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// True when the last segment ends in a file extension (`app.js`, `logo.png`, `.env`): the
/// request is for a file, not for a page of the app.
pub fn looks_like_a_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.').is_some_and(|(_, extension)| {
        !extension.is_empty()
            && extension.len() <= 10
            && extension.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// What is not a file of the build: `index.html` for the app's routes, 404 for the rest.
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    if is_backend_path(path) {
        return ErrorResponse::not_found("There is no such endpoint.").into_response();
    }
    if looks_like_a_file(path) {
        return ErrorResponse::not_found(format!("There is no file {path}.")).into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = ErrorResponse::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "The console's pages can only be read (GET).",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let page = state
        .site
        .as_ref()
        .map(|site| site.index_html.clone())
        .unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        page,
    )
        .into_response()
}

/// The generated `config.json`.
pub async fn config_json(State(state): State<AppState>) -> Response {
    let body = state
        .site
        .as_ref()
        .map(|s| s.config_json.clone())
        .unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{
        content_security_policy, inline_scripts, is_backend_path, is_compressed_copy,
        looks_like_a_file,
    };

    #[test]
    fn the_csp_admits_inline_scripts_by_hash_only() {
        let csp = content_security_policy(
            "<script>boot()</script><script src=/app.js></script>",
            &[],
            &[],
        );
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(csp.contains("worker-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        let open = content_security_policy(
            "",
            &["https://dash.example".into()],
            &["https://api.example".into()],
        );
        assert!(
            open.contains("connect-src 'self' https://api.example;"),
            "{open}"
        );
        assert!(
            open.ends_with("frame-ancestors https://dash.example"),
            "{open}"
        );
    }

    #[test]
    fn backend_paths_and_file_names_are_recognised() {
        for path in [
            "/api",
            "/api/",
            "/api/v2/x",
            "/__control",
            "/__control/faults",
        ] {
            assert!(is_backend_path(path), "{path}");
        }
        for path in [
            "/",
            "/apis",
            "/api-docs",
            "/deployments/dep-1",
            "/__controls",
        ] {
            assert!(!is_backend_path(path), "{path}");
        }
        for path in [
            "/app-1.js",
            "/app-1_bg.wasm",
            "/x/style.css",
            "/logo.png",
            "/.env",
        ] {
            assert!(looks_like_a_file(path), "{path}");
        }
        for path in [
            "/",
            "/catalog",
            "/deployments/dep-123",
            "/v1.2/",
            "/trailing.",
            "/catalog/pkg-1/deploy",
        ] {
            assert!(!looks_like_a_file(path), "{path}");
        }
    }

    #[test]
    fn compressed_copies_are_recognised_however_written() {
        for path in [
            "/app-1.js.br",
            "/app-1_bg.wasm.gz",
            "/x/style.css.BR",
            "/app-1.js%2Ebr",
            "/app-1.js%2egz",
        ] {
            assert!(is_compressed_copy(path), "{path}");
        }
        for path in [
            "/app-1.js",
            "/",
            "/.br",
            "/catalog",
            "/brands",
            "/x.gzip",
            "/a.br/b",
        ] {
            assert!(!is_compressed_copy(path), "{path}");
        }
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html =
            "<script src=/a.js></script><script type=module>import x from '/b.js';</script><p>";
        assert_eq!(inline_scripts(html), ["import x from '/b.js';"]);
    }
}
