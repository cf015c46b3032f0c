//! A static server for the Trunk `dist/` on a free loopback port, with the SPA fallback to
//! `index.html` and a `config.json` chosen by each test.

use std::net::SocketAddr;

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
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
        let dist = dist_dir();
        let index = dist.join("index.html");
        assert!(
            index.is_file(),
            "no release build at {}: run `trunk build --release` first (make test does)",
            dist.display()
        );
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
        Site::serve(app.fallback_service(files)).await
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

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}
