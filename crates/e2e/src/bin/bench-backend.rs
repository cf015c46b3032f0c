//! `make bench-backend`: the reference backend with 100,000 deployments against itself with a
//! small fleet, on SQLite and on PostgreSQL with two processes. Writes a Markdown report to
//! `target/bench/backend.md` (and prints it). Nothing is asserted.
//!
//! Environment: `RIO_BACKEND_BIN` (the release `rio-backend`; default
//! `$CARGO_TARGET_DIR/release/rio-backend`), `RIO_BENCH_SAMPLES` (requests a figure, default
//! 200), `RIO_BENCH_IDLE_SECS` (how long the idle growth is watched, default 600),
//! `RIO_TEST_POSTGRES` (a PostgreSQL server to use; without it a throwaway cluster is started
//! with `scripts/postgres.sh`).

use std::process::{Command, ExitCode};
use std::time::Duration;

use rio_e2e::bench_backend::{Setup, run};

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> ExitCode {
    let root = rio_e2e::workspace_root();
    let binary = rio_e2e::bench_backend::release_binary();
    if !binary.is_file() {
        eprintln!(
            "bench-backend: no {} (cargo build --release -p backend)",
            binary.display()
        );
        return ExitCode::from(2);
    }
    let out_dir = root.join("target/bench");
    let dir = out_dir.join("backend");
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("bench-backend: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let cluster = out_dir.join("postgres");
    let script = root.join("scripts/postgres.sh");
    let (postgres, started_cluster) = match std::env::var("RIO_TEST_POSTGRES") {
        Ok(url) => (Some(url), false),
        Err(_) => {
            let _ = std::fs::remove_dir_all(&cluster);
            let output = Command::new(&script).arg("start").arg(&cluster).output();
            match output {
                Ok(output) if output.status.success() => (
                    Some(String::from_utf8_lossy(&output.stdout).trim().to_string()),
                    true,
                ),
                _ => {
                    eprintln!(
                        "bench-backend: no PostgreSQL cluster could be started; measuring SQLite only"
                    );
                    (None, false)
                }
            }
        }
    };
    let setup = Setup {
        binary,
        dir,
        postgres,
        samples: number("RIO_BENCH_SAMPLES", 200) as usize,
        idle: Duration::from_secs(number("RIO_BENCH_IDLE_SECS", 600)),
    };
    let report = run(&setup).await;
    if started_cluster {
        let _ = Command::new(&script).arg("stop").arg(&cluster).status();
    }
    println!("{report}");
    let path = out_dir.join("backend.md");
    match std::fs::write(&path, report) {
        Ok(()) => {
            eprintln!("bench-backend: report written to {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench-backend: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
