//! Serving the console's Trunk build: the files with a fallback to `index.html` for app routes,
//! a `config.json` pointing the console at this backend, and the security headers. The CSP
//! allows the inline loader script by its SHA-256 hash, computed once at start.

use std::path::{Path, PathBuf};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::AppState;

/// What the site serves and the headers it sends.
#[derive(Debug, Clone)]
pub struct Site {
    /// The Trunk `dist/` directory.
    pub dir: PathBuf,
    /// The Content-Security-Policy header value.
    pub csp: String,
    /// The generated `config.json`.
    pub config_json: String,
}

impl Site {
    /// Reads `dir/index.html` and prepares the headers. `frame_ancestors` are the origins
    /// allowed to frame the console (none: `'none'`).
    pub fn new(dir: &Path, frame_ancestors: &[String]) -> Result<Site, String> {
        let index = std::fs::read_to_string(dir.join("index.html"))
            .map_err(|e| format!("{} has no readable index.html ({e}); build the console with `trunk build --release`", dir.display()))?;
        let hashes: Vec<String> = inline_scripts(&index)
            .into_iter()
            .map(|script| {
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD
                        .encode(Sha256::digest(script.as_bytes()))
                )
            })
            .collect();
        let ancestors = if frame_ancestors.is_empty() {
            "'none'".to_string()
        } else {
            frame_ancestors.join(" ")
        };
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
             frame-ancestors {ancestors}",
            hashes.join(" ")
        );
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
        })
    }
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

/// Adds the security headers to every answer of the site.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
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
    if let Some(site) = &state.site
        && let Ok(csp) = HeaderValue::from_str(&site.csp)
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
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
    use super::inline_scripts;

    #[test]
    fn finds_inline_scripts_only() {
        let html =
            "<script src=/a.js></script><script type=module>import x from '/b.js';</script><p>";
        assert_eq!(inline_scripts(html), ["import x from '/b.js';"]);
    }
}
