//! A static server for the Trunk `dist/` on a free loopback port, with the SPA fallback to
//! `index.html` and a `config.json` chosen by each test. Every answer carries the console's
//! production Content-Security-Policy (the backend's own definition, for this `index.html`,
//! the config's `embed.allowedOrigins` as frame ancestors and its `apiBase` origin as an API
//! origin), so the whole suite runs under it.

use std::net::SocketAddr;

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower_http::services::{ServeDir, ServeFile};

use crate::dist_dir;

/// What the server answers for `/config.json`.
#[derive(Debug, Clone)]
pub enum ConfigJson {
    /// The file Trunk copied into `dist/` (demo mode).
    FromDist,
    /// 404, as when the file was never deployed.
    Missing,
    /// This body, served as JSON.
    Body(String),
}

/// A running static server; stops when dropped.
pub struct Site {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Site {
    /// Serves the release build with the given `config.json`. Panics (failing the test) when
    /// `dist/` has not been built.
    pub async fn start(config: ConfigJson) -> Site {
        Site::start_framed_by(config, None).await
    }

    /// [`Site::start`] with the CSP's `frame-ancestors` set to `frame_ancestors` (when given)
    /// instead of the config's `embed.allowedOrigins`: a deployment whose two lists disagree,
    /// where the console's own origin check is what stands.
    pub async fn start_framed_by(config: ConfigJson, frame_ancestors: Option<&[String]>) -> Site {
        let dist = dist_dir();
        let index = dist.join("index.html");
        assert!(
            index.is_file(),
            "no release build at {}: run `trunk build --release` first (make test does)",
            dist.display()
        );
        let csp = console_csp(&index, &config, frame_ancestors);
        let files = ServeDir::new(&dist).fallback(ServeFile::new(&index));
        let mut app = Router::new();
        match config {
            ConfigJson::FromDist => {}
            ConfigJson::Missing => {
                app = app.route("/config.json", get(|| async { StatusCode::NOT_FOUND }));
            }
            ConfigJson::Body(body) => {
                app = app.route(
                    "/config.json",
                    get(move || async move {
                        ([("content-type", "application/json")], body).into_response()
                    }),
                );
            }
        }
        let app = app.fallback_service(files).layer(middleware::from_fn(
            move |request: Request, next: Next| {
                let csp = csp.clone();
                async move { with_csp(csp, request, next).await }
            },
        ));
        Site::serve(app).await
    }

    /// Serves only these HTML pages (`(path, html)`, paths starting with `/`) on a free
    /// loopback port of its own: another origin for a test, e.g. a page that embeds the console
    /// or posts messages to it. Anything else is 404.
    pub async fn pages(pages: &[(&str, &str)]) -> Site {
        let mut app = Router::new();
        for (path, html) in pages {
            let html = html.to_string();
            app = app.route(path, get(move || async move { axum::response::Html(html) }));
        }
        Site::serve(app).await
    }

    /// Serves `app` on a free loopback port of its own (the bench's server builds its own).
    pub async fn serve(app: Router) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Site { addr, task }
    }

    /// `http://127.0.0.1:PORT`: the site's origin, as `postMessage` and `frame-ancestors`
    /// name it.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// The backend's CSP for the build's `index.html` and what `config` allows.
fn console_csp(
    index: &std::path::Path,
    config: &ConfigJson,
    frame_ancestors: Option<&[String]>,
) -> Option<HeaderValue> {
    let html = std::fs::read_to_string(index).unwrap_or_default();
    let config: serde_json::Value = match config {
        ConfigJson::Body(body) => serde_json::from_str(body).unwrap_or_default(),
        ConfigJson::FromDist | ConfigJson::Missing => serde_json::Value::Null,
    };
    let ancestors: Vec<String> = match frame_ancestors {
        Some(origins) => origins.to_vec(),
        None => config["embed"]["allowedOrigins"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o.as_str().map(String::from))
            .collect(),
    };
    let api: Vec<String> = config["apiBase"]
        .as_str()
        .and_then(|base| url::Url::parse(base).ok())
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .into_iter()
        .collect();
    let csp = backend::site::content_security_policy(&html, &ancestors, &api);
    HeaderValue::from_str(&csp).ok()
}

/// Adds the console's CSP to every answer, except the example dashboard's pages
/// (`/embed-example/…`): a dashboard is another application with its own policy (it frames
/// the console from another origin), and only stands in for one here.
async fn with_csp(csp: Option<HeaderValue>, request: Request, next: Next) -> Response {
    let dashboard = request.uri().path().starts_with("/embed-example/");
    let mut response = next.run(request).await;
    if let Some(csp) = csp.filter(|_| !dashboard) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}
