//! The `rio-backend` binary itself: its help, a hard kill (even during many writes) that loses
//! nothing acknowledged, a graceful stop, `seed-fleet`, and several processes on one
//! PostgreSQL database behaving as one backend.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Backing, assert_exactly_one_applied, statuses};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_rio-backend");

struct Running {
    child: Child,
    base: String,
    client: reqwest::Client,
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

async fn start(store: &Backing) -> Running {
    start_at(store, "50").await
}

async fn start_at(store: &Backing, speed: &str) -> Running {
    // Port 0 and the address the process says it bound: a port picked here and handed over
    // could be taken meanwhile by another test's process, and this test would then talk to
    // (and be killed with) that one.
    let mut child = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--speed", speed])
        .args(store.args())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rio-backend");
    let stdout = child.stdout.take().expect("a piped stdout");
    // Wrapped at once so the process is killed and reaped on every path, panics included.
    let mut running = Running {
        child,
        base: String::new(),
        client: reqwest::Client::new(),
    };
    let (found, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut found = Some(found);
        // Read to the end so the process never blocks on a full pipe.
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on ".len()..];
                let end = rest.find(|c: char| c.is_whitespace() || c == '\u{1b}');
                if let Some(found) = found.take() {
                    let _ = found.send(rest[..end.unwrap_or(rest.len())].to_string());
                }
            }
        }
    });
    running.base = address
        .recv_timeout(Duration::from_secs(60))
        .expect("rio-backend said where it listens");
    for _ in 0..400 {
        if running
            .client
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

impl Running {
    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let response = self.request(method, path, body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn wait_phase(&self, id: &str, phase: &str) -> Value {
        for _ in 0..400 {
            let (_, deployment) = self.get(&format!("/api/v1/deployments/{id}")).await;
            if deployment["phase"] == phase {
                return deployment;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{id} never reached {phase}");
    }
}

fn web(name: &str) -> Value {
    json!({"name": name, "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"})
}

#[test]
fn help_lists_every_option_and_command() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--token",
        "--state",
        "--database",
        "--static",
        "--frame-ancestors",
        "--allow-origin",
        "--speed",
        "--enable-faults",
        "seed-fleet",
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

#[test]
fn a_database_that_is_not_there_is_refused_at_start_with_its_address() {
    let port = free_port();
    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(format!("postgres://rio:secret@127.0.0.1:{port}/nowhere"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains(&format!("127.0.0.1:{port}/nowhere")), "{log}");
    assert!(!log.contains("secret"), "the password is not logged: {log}");
}

#[test]
fn seed_fleet_fills_a_database_that_then_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fleet.db");
    let output = Command::new(BINARY)
        .args([
            "seed-fleet",
            "--deployments",
            "3000",
            "--devices",
            "200",
            "--state",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("added 3000 deployments on 200 robots")
    );
    let again = Command::new(BINARY)
        .args(["seed-fleet", "--deployments", "10", "--state"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!again.status.success(), "a second fleet is refused");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Backing::Sqlite(dir);
        std::fs::rename(store_path(&store, "fleet.db"), store_path(&store, "rio.db")).unwrap();
        let server = start(&store).await;
        let (status, page) = server
            .get("/api/v1/deployments?limit=50&label=site:osaka")
            .await;
        assert_eq!(status, 200);
        assert_eq!(page["items"].as_array().unwrap().len(), 50);
        let total = page["total"].as_u64().unwrap();
        assert!(
            (200..=400).contains(&total),
            "about a tenth of 3000: {total}"
        );
        let (_, robots) = server.get("/api/v1/devices?label=site:osaka&limit=5").await;
        assert_eq!(
            robots["total"], 22,
            "the fleet's 20 robots at Osaka and the 2 seeded there"
        );
        assert_eq!(robots["items"].as_array().unwrap().len(), 5);
    });
}

fn store_path(store: &Backing, name: &str) -> std::path::PathBuf {
    match store {
        Backing::Sqlite(dir) => dir.path().join(name),
        Backing::Postgres(_) => unreachable!("a SQLite store"),
    }
}

on_both_stores! {
    async fn a_hard_kill_loses_no_acknowledged_change(store) {
        let server = start(&store).await;
        let (_, created) = server.send(reqwest::Method::POST, "/api/v1/deployments", &web("kept-web")).await;
        let id = created["deploymentId"].as_str().unwrap().to_string();
        server.wait_phase(&id, "Succeeded").await;
        let update = json!({"expectedGeneration": 1, "components": ["comp-dashboard-web"]});
        let (status, _) = server
            .send(reqwest::Method::PATCH, &format!("/api/v1/deployments/{id}"), &update)
            .await;
        assert_eq!(status, 202);
        drop(server); // SIGKILL, no chance to finish anything

        let server = start(&store).await;
        let (_, restored) = server.get(&format!("/api/v1/deployments/{id}")).await;
        assert_eq!(restored["name"], "kept-web");
        assert_eq!(restored["currentGeneration"], 2);
        let (_, history) = server.get(&format!("/api/v1/deployments/{id}/history")).await;
        assert_eq!(history["items"].as_array().unwrap().len(), 2);
    }

    async fn a_hard_kill_during_twenty_writes_loses_none_that_was_acknowledged(store) {
        let server = start(&store).await;
        let writes: Vec<_> = (0..20)
            .map(|i| {
                let request = server.request(reqwest::Method::POST, "/api/v1/deployments", &web(&format!("burst-{i}")));
                tokio::spawn(async move {
                    match request.send().await {
                        Ok(response) if response.status() == 201 => {
                            response.json::<Value>().await.ok().and_then(|d| d["deploymentId"].as_str().map(str::to_string))
                        }
                        _ => None,
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(15)).await;
        let mut server = server;
        server.child.kill().unwrap(); // SIGKILL while writes are under way
        let _ = server.child.wait();
        let mut acknowledged = Vec::new();
        for write in writes {
            acknowledged.extend(write.await.unwrap());
        }
        drop(server);

        let server = start(&store).await;
        for id in &acknowledged {
            let (status, found) = server.get(&format!("/api/v1/deployments/{id}")).await;
            assert_eq!(status, 200, "{id} was acknowledged ({} of 20) but is gone", acknowledged.len());
            assert!(found["name"].as_str().unwrap().starts_with("burst-"));
        }
        let (_, all) = server.get("/api/v1/deployments?search=burst-").await;
        let kept = all["items"].as_array().unwrap().len();
        assert!(kept >= acknowledged.len() && kept <= 20, "{kept} kept, {} acknowledged", acknowledged.len());
    }

    async fn what_a_client_saw_survives_a_hard_kill_and_a_slower_restart(store) {
        let server = start(&store).await;
        let (_, created) = server.send(reqwest::Method::POST, "/api/v1/deployments", &web("seen-web")).await;
        let id = created["deploymentId"].as_str().unwrap().to_string();
        server.wait_phase(&id, "Succeeded").await;
        drop(server); // SIGKILL

        // So slow that nothing would reach Succeeded again within the test.
        let server = start_at(&store, "0.0001").await;
        let (_, restored) = server.get(&format!("/api/v1/deployments/{id}")).await;
        assert_eq!(restored["phase"], "Succeeded", "the phase did not go backwards");
        let (_, history) = server.get(&format!("/api/v1/deployments/{id}/history")).await;
        assert_eq!(history["items"][0]["status"], "succeeded");
    }

    async fn sigterm_stops_gracefully_and_the_store_opens_again(store) {
        let mut server = start(&store).await;
        let (status, _) = server.send(reqwest::Method::POST, "/api/v1/deployments", &web("before-stop")).await;
        assert_eq!(status, 201);
        let pid = server.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let mut exited = None;
        for _ in 0..100 {
            if let Some(status) = server.child.try_wait().unwrap() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(exited.is_some_and(|s| s.success()), "exits 0 after SIGTERM: {exited:?}");
        drop(server);
        let server = start(&store).await;
        let (_, found) = server.get("/api/v1/deployments?search=before-stop").await;
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
    }
}

/// Two backend processes on one PostgreSQL database.
async fn two_on_postgres() -> (Backing, Running, Running) {
    let store = Backing::postgres();
    let first = start(&store).await;
    let second = start(&store).await;
    (store, first, second)
}

#[tokio::test]
async fn twenty_updates_over_two_processes_apply_exactly_once() {
    let (_store, a, b) = two_on_postgres().await;
    let (_, created) = a
        .send(
            reqwest::Method::POST,
            "/api/v1/deployments",
            &web("shared-web"),
        )
        .await;
    let id = created["deploymentId"].as_str().unwrap().to_string();
    a.wait_phase(&id, "Succeeded").await;
    let path = format!("/api/v1/deployments/{id}");
    let body = json!({"expectedGeneration": 1, "components": ["comp-dashboard-web"]});
    let requests = (0..20)
        .map(|i| if i % 2 == 0 { &a } else { &b }.request(reqwest::Method::PATCH, &path, &body))
        .collect();
    assert_exactly_one_applied(&statuses(requests).await);
    for server in [&a, &b] {
        let (_, deployment) = server.get(&path).await;
        assert_eq!(deployment["currentGeneration"], 2);
        let (_, history) = server.get(&format!("{path}/history")).await;
        assert_eq!(history["items"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_create_retried_on_the_other_process_creates_nothing() {
    let (_store, a, b) = two_on_postgres().await;
    let send = |server: &Running| {
        server
            .request(
                reqwest::Method::POST,
                "/api/v1/deployments",
                &web("once-web"),
            )
            .header("idempotency-key", "retry-7")
            .send()
    };
    let (first, second) = tokio::join!(send(&a), send(&b));
    let mut ids = Vec::new();
    for response in [first.unwrap(), second.unwrap()] {
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert!(status == 201 || status == 409, "{status} {body}");
        if status == 201 {
            ids.push(body["deploymentId"].as_str().unwrap().to_string());
        }
    }
    // And once more, after both answered, on the other process.
    let (status, again) = b
        .send(
            reqwest::Method::POST,
            "/api/v1/deployments",
            &web("once-web"),
        )
        .await;
    assert_eq!(
        status, 201,
        "a request without the key is a new deployment: {again}"
    );
    let retried = send(&b).await.unwrap();
    assert_eq!(retried.status(), 201);
    let retried: Value = retried.json().await.unwrap();
    ids.push(retried["deploymentId"].as_str().unwrap().to_string());
    ids.dedup();
    assert_eq!(ids.len(), 1, "one deployment for the key: {ids:?}");
    let (_, named) = a.get("/api/v1/deployments?search=once-web").await;
    assert_eq!(
        named["items"].as_array().unwrap().len(),
        2,
        "the keyed one and the unkeyed one"
    );
}

#[tokio::test]
async fn a_change_feed_read_on_one_process_sees_writes_made_on_the_other() {
    let (_store, a, b) = two_on_postgres().await;
    let (_, page) = a.get("/api/v1/deployments?limit=5").await;
    let version = page["resourceVersion"].as_str().unwrap().to_string();
    let (_, created) = b
        .send(
            reqwest::Method::POST,
            "/api/v1/deployments",
            &web("fed-web"),
        )
        .await;
    let id = created["deploymentId"].as_str().unwrap();
    let (status, changes) = a.get(&format!("/api/v1/deployments?since={version}")).await;
    assert_eq!(status, 200, "{changes}");
    let changed: Vec<&str> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deploymentId"].as_str().unwrap())
        .collect();
    assert!(changed.contains(&id), "{changes}");
    assert!(
        changes["resourceVersion"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > version.parse::<u64>().unwrap()
    );
}

#[tokio::test]
async fn two_processes_watching_one_deployment_move_it_once() {
    let (_store, a, b) = two_on_postgres().await;
    let (_, created) = a
        .send(
            reqwest::Method::POST,
            "/api/v1/deployments",
            &web("watched-web"),
        )
        .await;
    let id = created["deploymentId"].as_str().unwrap().to_string();
    let path = format!("/api/v1/deployments/{id}");
    let watch = |server: &Running| {
        let request = server.client.get(format!("{}{path}", server.base));
        async move {
            for _ in 0..400 {
                let deployment: Value = request
                    .try_clone()
                    .unwrap()
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                if deployment["phase"] == "Succeeded" {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            panic!("never Succeeded");
        }
    };
    tokio::join!(watch(&a), watch(&b), watch(&a), watch(&b));
    let (_, deployment) = b.get(&path).await;
    let timeline: Vec<&str> = deployment["phaseTimeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    assert_eq!(timeline, ["In progress", "Provisioning", "Succeeded"]);
    let (_, history) = a.get(&format!("{path}/history")).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(history["items"][0]["status"], "succeeded");
}

#[tokio::test]
async fn a_process_killed_during_writes_loses_nothing_the_other_still_serves() {
    let (_store, a, mut b) = two_on_postgres().await;
    let writes: Vec<_> = (0..20)
        .map(|i| {
            let server = if i % 2 == 0 { &a } else { &b };
            let request = server.request(
                reqwest::Method::POST,
                "/api/v1/deployments",
                &web(&format!("split-{i}")),
            );
            tokio::spawn(async move {
                match request.send().await {
                    Ok(response) if response.status() == 201 => response
                        .json::<Value>()
                        .await
                        .ok()
                        .and_then(|d| d["deploymentId"].as_str().map(str::to_string)),
                    _ => None,
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(15)).await;
    b.child.kill().unwrap(); // SIGKILL one of the two while writes are under way
    let _ = b.child.wait();
    let mut acknowledged = Vec::new();
    for write in writes {
        acknowledged.extend(write.await.unwrap());
    }
    assert!(!acknowledged.is_empty(), "the surviving process answered");
    for id in &acknowledged {
        let (status, _) = a.get(&format!("/api/v1/deployments/{id}")).await;
        assert_eq!(
            status, 200,
            "{id} was acknowledged but the surviving process does not know it"
        );
    }
    let (status, _) = a
        .send(
            reqwest::Method::POST,
            "/api/v1/deployments",
            &web("after-the-kill"),
        )
        .await;
    assert_eq!(status, 201, "the surviving process keeps writing");
}
