//! End-to-end harness for rio console: a static server for the release build, and a headless
//! Chromium driven over WebDriver. Both are started by the tests and stopped when dropped.

// A test harness: a failed expectation here is a failed test or benchmark, never a user's app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod backend_site;
pub mod bench;
pub mod bench_backend;
pub mod browser;
pub mod list;
pub mod page;
pub mod site;
pub mod size;

use std::path::PathBuf;

pub use backend_site::BackendSite;
pub use browser::Browser;
pub use site::{ConfigJson, Site};

/// The workspace root (two levels above this crate). Read when the tests run (cargo sets
/// `CARGO_MANIFEST_DIR` then): a path compiled in could name another checkout that shares the
/// build directory, since cargo reuses a path crate's build across checkouts.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../..")
}

/// The Trunk release build the tests load: `$RIO_DIST`, or `dist/` in the workspace.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("RIO_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

/// Where screenshots are saved: `target/screenshots/` in the workspace.
pub fn screenshot_dir() -> PathBuf {
    workspace_root().join("target/screenshots")
}

/// Serves the release build with `config`, starts a browser and opens `path`.
pub async fn open(config: ConfigJson, path: &str) -> (Site, Browser) {
    let site = Site::start(config).await;
    let browser = Browser::start().await;
    browser.goto(&site.url(path)).await;
    (site, browser)
}

/// A plain HTTP/1.1 request to a loopback server (for checks through the API beside the
/// browser): returns the status and the body.
pub async fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    http_with_headers(method, url, body, &[]).await
}

/// [`http`] with extra request headers, e.g. `[("Authorization", "Bearer T")]` for a backend
/// started with `--token T`.
pub async fn http_with_headers(
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .unwrap_or_else(|e| panic!("connect {host}: {e}"));
    let body = body.unwrap_or_default();
    let content_type = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{content_type}{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// GET `url` and parse the JSON body (Null when it is not JSON).
pub async fn get_json(url: &str) -> serde_json::Value {
    get_json_with_headers(url, &[]).await
}

/// [`get_json`] with extra request headers (see [`http_with_headers`]).
pub async fn get_json_with_headers(url: &str, headers: &[(&str, &str)]) -> serde_json::Value {
    let (_, body) = http_with_headers("GET", url, None, headers).await;
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

/// The ID of the deployment named `name` on the backend at `base` (`http://127.0.0.1:PORT`).
pub async fn deployment_id(base: &str, name: &str) -> String {
    deployment_id_with_headers(base, name, &[]).await
}

/// [`deployment_id`] with extra request headers, e.g. the bearer token of a backend started
/// with `--token` (see [`http_with_headers`]).
pub async fn deployment_id_with_headers(
    base: &str,
    name: &str,
    headers: &[(&str, &str)],
) -> String {
    let list = get_json_with_headers(&format!("{base}/api/v1/deployments"), headers).await;
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|d| d["name"] == name))
        .and_then(|d| d["deploymentId"].as_str())
        .unwrap_or_else(|| panic!("the backend has no deployment named {name}: {list}"))
        .to_string()
}
