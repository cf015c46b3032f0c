//! The reference backend serving the release build (`--static dist`), in-process on a free
//! loopback port: the console as users run it against a backend, with its real headers.

use clap::Parser;

use crate::dist_dir;

/// A running backend with the console; stops when dropped.
pub struct BackendSite {
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl BackendSite {
    /// Starts `rio-backend --static dist --speed 20` plus `extra` arguments.
    pub async fn start(extra: &[&str]) -> BackendSite {
        BackendSite::start_at_speed("20", extra).await
    }

    /// Starts `rio-backend --static dist --speed <speed>` plus `extra` arguments (speed 1 lets
    /// a test watch the transient phases).
    pub async fn start_at_speed(speed: &str, extra: &[&str]) -> BackendSite {
        let dist = dist_dir();
        let dist = dist.to_string_lossy().into_owned();
        let mut args = vec!["rio-backend", "--static", dist.as_str(), "--speed", speed];
        args.extend_from_slice(extra);
        let options = backend::Options::try_parse_from(args).expect("valid backend options");
        let state = backend::AppState::new(options)
            .unwrap_or_else(|e| panic!("the backend cannot start: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let task = tokio::spawn(async move {
            let _ = backend::serve(state, listener, std::future::pending()).await;
        });
        BackendSite { base, task }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for BackendSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}
