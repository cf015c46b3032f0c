//! The reference backend serving the release build (`--static dist`), in-process on a free
//! loopback port: the console as users run it against a backend, with its real headers. With
//! `--enable-faults` it also injects faults and counts the API requests a test's browser sent.

use clap::Parser;
use serde_json::Value;

use crate::dist_dir;

/// A running backend with the console; stops when dropped.
pub struct BackendSite {
    base: String,
    /// The `--token` it was started with, sent with the test's own requests.
    token: Option<String>,
    task: tokio::task::JoinHandle<()>,
    /// The directory of a seeded state file ([`BackendSite::with_fleet`]), removed on drop.
    _state: Option<tempfile::TempDir>,
}

/// How many robots [`BackendSite::with_fleet`] puts a fleet on.
pub const FLEET_DEVICES: usize = 2_000;

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
        let token = options.token.clone();
        let state = backend::AppState::new(options)
            .unwrap_or_else(|e| panic!("the backend cannot start: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let task = tokio::spawn(async move {
            let _ = backend::serve(state, listener, std::future::pending()).await;
        });
        BackendSite {
            base,
            token,
            task,
            _state: None,
        }
    }

    /// The backend (at speed 20, with `extra` arguments) over a SQLite file of its own that
    /// `rio-backend seed-fleet --deployments <deployments> --devices 2000` filled first: the
    /// seeded world plus a synthetic fleet. Prints how long seeding took.
    pub async fn with_fleet(deployments: usize, extra: &[&str]) -> BackendSite {
        BackendSite::with_fleet_at_speed(deployments, "20", extra).await
    }

    /// [`BackendSite::with_fleet`] at `speed` (a slower one leaves time to act while a wave
    /// starts).
    pub async fn with_fleet_at_speed(
        deployments: usize,
        speed: &str,
        extra: &[&str],
    ) -> BackendSite {
        BackendSite::with_fleet_on(deployments, FLEET_DEVICES, speed, extra).await
    }

    /// [`BackendSite::with_fleet_at_speed`] with the fleet on `devices` robots.
    pub async fn with_fleet_on(
        deployments: usize,
        devices: usize,
        speed: &str,
        extra: &[&str],
    ) -> BackendSite {
        let dir = tempfile::tempdir().expect("a temporary directory for the state");
        let file = dir.path().join("fleet.db");
        let state = file.to_string_lossy().into_owned();
        let seeding = tokio::task::spawn_blocking({
            let state = state.clone();
            move || {
                let count = deployments.to_string();
                let robots = devices.to_string();
                let options = backend::Options::try_parse_from([
                    "rio-backend",
                    "--state",
                    state.as_str(),
                    "--speed",
                    "20",
                    "seed-fleet",
                    "--deployments",
                    count.as_str(),
                    "--devices",
                    robots.as_str(),
                ])
                .expect("valid seed-fleet options");
                let started = std::time::Instant::now();
                let store = backend::open_store(&options)
                    .unwrap_or_else(|e| panic!("open the state to seed: {e}"));
                let report = store
                    .seed_fleet(deployments, devices)
                    .unwrap_or_else(|e| panic!("seed a fleet of {deployments}: {e}"));
                eprintln!(
                    "seeded {} deployments on {} robots in {:.1} s ({:.1} s with opening)",
                    report.deployments,
                    report.devices,
                    report.seconds,
                    started.elapsed().as_secs_f64()
                );
            }
        });
        seeding.await.expect("seeding the fleet");
        let mut args = vec!["--state", state.as_str()];
        args.extend_from_slice(extra);
        let mut site = BackendSite::start_at_speed(speed, &args).await;
        site._state = Some(dir);
        site
    }

    /// A request of the test's own (not the browser's) to `path`, with the token when the
    /// backend has one: the status and the body.
    pub async fn api(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let bearer = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .as_deref()
            .map(|b| vec![("Authorization", b)])
            .unwrap_or_default();
        crate::http_with_headers(method, &self.url(path), body, &headers).await
    }

    /// [`BackendSite::api`] for a GET whose body is JSON (Null when it is not).
    pub async fn get_json(&self, path: &str) -> Value {
        let (_, body) = self.api("GET", path, None).await;
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    /// Injects a fault (`--enable-faults`), e.g.
    /// `{"method": "GET", "path": "/api/v1/deployments", "kind": "status", "status": 503, "times": 1}`.
    pub async fn inject(&self, fault: &Value) {
        let (status, body) = self
            .api("POST", "/__control/faults", Some(&fault.to_string()))
            .await;
        assert_eq!(status, 201, "inject {fault}: {body}");
    }

    /// Removes every fault not used up yet.
    pub async fn clear_faults(&self) {
        let (status, body) = self.api("DELETE", "/__control/faults", None).await;
        assert_eq!(status, 204, "clear the faults: {body}");
    }

    /// Every API request the backend saw since start or [`BackendSite::forget_requests`]:
    /// `{method, path, idempotencyKey, authorization, at, status}`, oldest first.
    pub async fn requests(&self) -> Vec<Value> {
        match self.get_json("/__control/requests").await {
            Value::Array(list) => list,
            other => panic!("the request log is not a list: {other}"),
        }
    }

    /// The requests with this method and exactly this path (query included), oldest first.
    pub async fn requests_to(&self, method: &str, path: &str) -> Vec<Value> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r["method"] == method && r["path"] == path)
            .collect()
    }

    /// Forgets the requests seen so far.
    pub async fn forget_requests(&self) {
        let (status, body) = self.api("DELETE", "/__control/requests", None).await;
        assert_eq!(status, 204, "clear the request log: {body}");
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
