//! `make bench-backend`: the reference backend at fleet scale, measured against itself with a
//! small fleet in one run (ratios, never timed assertions). The release `rio-backend` runs as
//! separate processes on SQLite files and on a throwaway PostgreSQL cluster; requests come over
//! loopback from here, one at a time.

mod measure;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use measure::run;

/// A running `rio-backend`; killed when dropped.
pub struct Backend {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the bench needs from its surroundings.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The release `rio-backend`.
    pub binary: PathBuf,
    /// Where databases go.
    pub dir: PathBuf,
    /// A PostgreSQL server to make databases on (`postgres://…/postgres`), if any.
    pub postgres: Option<String>,
    /// Requests timed per figure.
    pub samples: usize,
    /// How long the idle growth is watched.
    pub idle: Duration,
}

impl Setup {
    /// The store arguments for a SQLite file `name` in the bench directory.
    pub fn sqlite(&self, name: &str) -> Vec<String> {
        let path = self.dir.join(name);
        vec!["--state".into(), path.to_string_lossy().into_owned()]
    }

    /// A new database `name` on the PostgreSQL server, and its store arguments.
    pub fn postgres(&self, name: &str) -> Option<Vec<String>> {
        let admin = self.postgres.as_ref()?;
        let psql = |sql: &str| {
            Command::new("psql")
                .args([admin.as_str(), "-qc", sql])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !(psql(&format!("DROP DATABASE IF EXISTS {name}"))
            && psql(&format!("CREATE DATABASE {name}")))
        {
            return None;
        }
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Some(vec!["--database".into(), format!("{base}/{name}")])
    }

    /// Fills a store with a synthetic fleet (the binary's `seed-fleet`); how long it took.
    pub fn seed(&self, store: &[String], deployments: usize, devices: usize) -> Duration {
        seed(&self.binary, store, deployments, devices)
    }

    /// Starts the backend on `store` at the platform's own pace; returns once it answers.
    pub async fn start(&self, store: &[String]) -> (Backend, Duration) {
        self.start_at(store, "1").await
    }

    /// Starts the backend on `store` at `speed`; returns it and how long it took to answer
    /// its first page.
    pub async fn start_at(&self, store: &[String], speed: &str) -> (Backend, Duration) {
        let mut args = vec!["--speed".to_string(), speed.to_string()];
        args.extend_from_slice(store);
        spawn(&self.binary, &args).await
    }
}

/// The release `rio-backend`: `$RIO_BACKEND_BIN`, else `release/rio-backend` in
/// `$CARGO_TARGET_DIR` (or the workspace's `target/`).
pub fn release_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("RIO_BACKEND_BIN") {
        return PathBuf::from(path);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("target"))
        .join("release/rio-backend")
}

/// Fills a store (`--state FILE` or `--database URL`) with a synthetic fleet with `binary`'s
/// `seed-fleet`; how long it took.
pub fn seed(binary: &Path, store: &[String], deployments: usize, devices: usize) -> Duration {
    let started = Instant::now();
    let status = Command::new(binary)
        .args(["seed-fleet", "--deployments", &deployments.to_string()])
        .args(["--devices", &devices.to_string()])
        .args(store)
        .stdout(Stdio::null())
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "seed-fleet failed for {store:?}"
    );
    started.elapsed()
}

/// Starts `binary` on a free loopback port with `args` (store, speed, `--static DIR`…);
/// returns it once it answers a 50-item page, and how long that took.
pub async fn spawn(binary: &Path, args: &[String]) -> (Backend, Duration) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let started = Instant::now();
    let child = Command::new(binary)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
    let backend = Backend {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            let (status, _) =
                crate::http("GET", &backend.url("/api/v1/deployments?limit=50"), None).await;
            if status == 200 {
                return (backend, started.elapsed());
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "rio-backend did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

impl Backend {
    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Bytes a SQLite database takes on disk (with its write-ahead log).
pub fn sqlite_bytes(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::metadata(PathBuf::from(name)).ok()
        })
        .map(|m| m.len())
        .sum()
}
