//! The `rio-backend` binary itself: its help, persistence across a hard kill, and a graceful
//! stop that saves the state.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_rio-backend");

struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(args: &[&str]) -> Running {
    start_at("50", args).await
}

async fn start_at(speed: &str, args: &[&str]) -> Running {
    let port = free_port();
    let child = Command::new(BINARY)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--speed", speed])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rio-backend");
    // Wrapped at once so the process is killed and reaped on every path, panics included.
    let running = Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{}/api/v1/networks", running.base))
            .send()
            .await
            .is_ok()
        {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("rio-backend did not start");
}

#[test]
fn help_lists_every_option() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--token",
        "--state",
        "--static",
        "--frame-ancestors",
        "--allow-origin",
        "--speed",
        "--enable-faults",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn a_bad_speed_is_refused_at_start() {
    let output = Command::new(BINARY)
        .args(["--speed", "0", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("--speed must be a positive number"));
}

#[tokio::test]
async fn a_hard_kill_loses_no_acknowledged_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let client = reqwest::Client::new();

    let server = start(&["--state", state_arg]).await;
    let body = json!({"name": "kept-web", "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"});
    let created: serde_json::Value = client
        .post(format!("{}/api/v1/deployments", server.base))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["deploymentId"].as_str().unwrap().to_string();
    let url = format!("{}/api/v1/deployments/{id}", server.base);
    for _ in 0..200 {
        let current: serde_json::Value =
            client.get(&url).send().await.unwrap().json().await.unwrap();
        if current["phase"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let update = json!({"expectedGeneration": 1, "components": ["comp-dashboard-web"]});
    let updated = client
        .patch(&url)
        .header("content-type", "application/json")
        .body(update.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 202);
    drop(server); // SIGKILL, no chance to flush

    let server = start(&["--state", state_arg]).await;
    let url = format!("{}/api/v1/deployments/{id}", server.base);
    let restored: serde_json::Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(restored["name"], "kept-web");
    assert_eq!(restored["currentGeneration"], 2);
    let history: serde_json::Value = client
        .get(format!("{url}/history"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn sigterm_stops_gracefully_and_saves() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut server = start(&["--state", state.to_str().unwrap()]).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = server.child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        exited.is_some_and(|s| s.success()),
        "exits 0 after SIGTERM: {exited:?}"
    );
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(platform::sim::Platform::from_json(&saved).is_ok());
}

#[tokio::test]
async fn what_a_client_saw_survives_a_hard_kill_and_a_slower_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let client = reqwest::Client::new();

    let server = start(&["--state", state_arg]).await;
    let body = json!({"name": "seen-web", "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"});
    let created: serde_json::Value = client
        .post(format!("{}/api/v1/deployments", server.base))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["deploymentId"].as_str().unwrap().to_string();
    let url = format!("{}/api/v1/deployments/{id}", server.base);
    let mut seen = serde_json::Value::Null;
    for _ in 0..200 {
        seen = client.get(&url).send().await.unwrap().json().await.unwrap();
        if seen["phase"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen["phase"], "Succeeded", "only reads moved it there");
    drop(server); // SIGKILL, no chance to flush

    // So slow that nothing would reach Succeeded again within the test.
    let server = start_at("0.0001", &["--state", state_arg]).await;
    let url = format!("{}/api/v1/deployments/{id}", server.base);
    let restored: serde_json::Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        restored["phase"], "Succeeded",
        "the phase did not go backwards"
    );
    let history: serde_json::Value = client
        .get(format!("{url}/history"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["status"], "succeeded");
}
