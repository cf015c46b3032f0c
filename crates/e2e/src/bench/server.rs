//! The bench's server, on a free loopback port: the release build (with the SPA fallback),
//! `config.json` pointing at `/api/v1`, a fake API whose deployments the bench sets and changes
//! in-process (and can make fail), and the plain-JS baseline page from `bench/`. Every request
//! to the API is counted, so polling is measured where it lands.

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::RawQuery,
    http::{StatusCode, Uri, header},
    response::{Html, Response},
    routing::get,
};
use platform::wire::Deployment;
use tower_http::services::{ServeDir, ServeFile};

use super::data::list_body;
use crate::Site;

/// How the fake API answers `GET /api/v1/deployments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 with the list.
    Ok,
    /// 503 Service Unavailable, every time.
    Unavailable,
    /// 429 Too Many Requests with `Retry-After` in seconds.
    RateLimited(u32),
}

struct Api {
    items: Vec<Deployment>,
    body: Bytes,
    /// The body is answered to every list request, whatever its filter (see
    /// [`BenchServer::set_body`]).
    raw: bool,
    answer: Answer,
    /// When each `GET /api/v1/deployments` arrived.
    list_requests: Vec<Instant>,
    /// Every other API path asked for.
    other_requests: Vec<String>,
}

/// A running bench server; stops when dropped (with its [`Site`]).
pub struct BenchServer {
    site: Site,
    api: Arc<Mutex<Api>>,
}

impl BenchServer {
    /// Serves `dist` and the baseline page of `bench_dir` (its `{{CSS}}` replaced by the
    /// build's stylesheet). Panics, saying what is missing, when either cannot be read.
    pub async fn start(dist: &Path, bench_dir: &Path) -> BenchServer {
        let index = dist.join("index.html");
        assert!(
            index.is_file(),
            "no release build at {}: run `trunk build --release` first (make bench does)",
            dist.display()
        );
        let css = crate::size::initial_files(dist)
            .unwrap_or_else(|e| panic!("read {}: {e}", index.display()))
            .into_iter()
            .find(|path| path.extension().is_some_and(|e| e == "css"))
            .and_then(|path| {
                path.strip_prefix(dist)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| panic!("{} links no stylesheet", index.display()));
        let read = |name: &str| {
            let path = bench_dir.join(name);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read the baseline page {}: {e}", path.display()))
        };
        let html = read("baseline.html").replace("{{CSS}}", &css);
        let script = read("baseline.js");

        let api = Arc::new(Mutex::new(Api {
            items: Vec::new(),
            body: Bytes::from(list_body(&[])),
            raw: false,
            answer: Answer::Ok,
            list_requests: Vec::new(),
            other_requests: Vec::new(),
        }));
        let list_api = Arc::clone(&api);
        let other_api = Arc::clone(&api);
        let app = Router::new()
            .route(
                "/config.json",
                get(|| async { json(StatusCode::OK, r#"{"apiBase":"/api/v1"}"#) }),
            )
            .route(
                "/api/v1/deployments",
                get(move |RawQuery(query): RawQuery| {
                    let api = Arc::clone(&list_api);
                    async move { list(&api, query.as_deref()) }
                }),
            )
            .route(
                "/api/v1/{*rest}",
                get(move |uri: Uri| {
                    let api = Arc::clone(&other_api);
                    async move {
                        let path = uri.path().to_string();
                        lock(&api).other_requests.push(path.clone());
                        let known = ["/packages", "/devices", "/networks"]
                            .iter()
                            .any(|p| path.ends_with(p));
                        if known {
                            json(StatusCode::OK, r#"{"items":[]}"#)
                        } else {
                            json(
                                StatusCode::NOT_FOUND,
                                r#"{"code":"not_found","message":"not in the bench's fake API"}"#,
                            )
                        }
                    }
                }),
            )
            .route(
                "/bench/baseline.html",
                get(move || async move { Html(html) }),
            )
            .route(
                "/bench/baseline.js",
                get(move || async move {
                    Response::builder()
                        .header(header::CONTENT_TYPE, "text/javascript")
                        .body(Body::from(script))
                        .unwrap_or_default()
                }),
            )
            .fallback_service(ServeDir::new(dist).fallback(ServeFile::new(&index)));

        BenchServer {
            site: Site::serve(app).await,
            api,
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.site.url(path)
    }

    /// Replaces the deployments the API lists.
    pub fn set_items(&self, items: Vec<Deployment>) {
        let body = Bytes::from(list_body(&items));
        let mut api = lock(&self.api);
        api.items = items;
        api.body = body;
        api.raw = false;
    }

    /// Answers every list request with `body` (a whole list, `{"items": [...]}`, made
    /// elsewhere), unfiltered, until [`BenchServer::set_items`].
    pub fn set_body(&self, body: Bytes) {
        let mut api = lock(&self.api);
        api.items = Vec::new();
        api.body = body;
        api.raw = true;
    }

    /// The deployments the API lists now.
    pub fn items(&self) -> Vec<Deployment> {
        lock(&self.api).items.clone()
    }

    /// How the list is answered from now on.
    pub fn set_answer(&self, answer: Answer) {
        lock(&self.api).answer = answer;
    }

    /// How many `GET /api/v1/deployments` arrived so far.
    pub fn list_requests(&self) -> usize {
        lock(&self.api).list_requests.len()
    }

    /// How many `GET /api/v1/deployments` arrived in the last `window`.
    pub fn list_requests_within(&self, window: Duration) -> usize {
        let now = Instant::now();
        lock(&self.api)
            .list_requests
            .iter()
            .filter(|at| now.duration_since(**at) <= window)
            .count()
    }

    /// The other API paths asked for so far.
    pub fn other_requests(&self) -> Vec<String> {
        lock(&self.api).other_requests.clone()
    }
}

fn lock(api: &Mutex<Api>) -> MutexGuard<'_, Api> {
    // A panic elsewhere cannot leave the counters half-written: keep serving.
    api.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body.into())
        .unwrap_or_default()
}

/// `GET /api/v1/deployments[?phase=…&phase=…]`, counted; the list filtered by phase as the
/// reference backend does.
fn list(api: &Mutex<Api>, query: Option<&str>) -> Response {
    let mut api = lock(api);
    api.list_requests.push(Instant::now());
    match api.answer {
        Answer::Ok => {}
        Answer::Unavailable => {
            return json(
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"code":"unavailable","message":"the bench's API is down"}"#,
            );
        }
        Answer::RateLimited(seconds) => {
            let mut response = json(
                StatusCode::TOO_MANY_REQUESTS,
                r#"{"code":"rate_limited","message":"slow down"}"#,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            return response;
        }
    }
    let phases: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key == "phase")
        .map(|(_, value)| value.into_owned())
        .collect();
    let admitted =
        |d: &Deployment| phases.is_empty() || phases.iter().any(|p| p == d.phase.as_str());
    if api.raw || api.items.iter().all(admitted) {
        json(StatusCode::OK, api.body.clone())
    } else {
        let some: Vec<Deployment> = api.items.iter().filter(|d| admitted(d)).cloned().collect();
        json(StatusCode::OK, list_body(&some))
    }
}
