//! The state file and the memory agree: a change whose save fails is not kept, and what a
//! client was shown is on disk before it is shown.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Server, dashboard};
use platform::phase::Phase;
use platform::sim::Platform;
use platform::wire::HistoryStatus;
use reqwest::Method;
use serde_json::json;

fn saved(path: &Path) -> Platform {
    Platform::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Makes every later save fail, whoever runs the tests (root included): the state file becomes
/// a directory that is not empty, so the rename onto it fails.
fn break_the_state_file(path: &Path) {
    std::fs::remove_file(path).unwrap();
    std::fs::create_dir(path).unwrap();
    std::fs::write(path.join("occupied"), "").unwrap();
}

fn repair_the_state_file(path: &Path) {
    std::fs::remove_dir_all(path).unwrap();
}

#[tokio::test]
async fn a_change_that_cannot_be_saved_is_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let server = Server::start(&["--state", state.to_str().unwrap()]).await;
    let id = server.deployment_id("fleet-dashboard-prod").await;
    // Let the seeded deployment that is still starting finish, so reads have nothing to save.
    server
        .wait_phase(&server.deployment_id("fleet-bridge-dev").await, "Succeeded")
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.get("/api/v1/deployments").await.0, 200);

    break_the_state_file(&state);
    let (status, error) = server
        .send(
            Method::POST,
            "/api/v1/deployments",
            &dashboard("web-unsaved"),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (500, Some("internal"))
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot save the state"),
        "{error}"
    );
    let update = json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]});
    let path = format!("/api/v1/deployments/{id}");
    assert_eq!(server.send(Method::PATCH, &path, &update).await.0, 500);

    let (status, named) = server.get("/api/v1/deployments?search=web-unsaved").await;
    assert_eq!(status, 200);
    assert!(
        named["items"].as_array().unwrap().is_empty(),
        "the unsaved deployment is not in memory either: {named}"
    );
    let (_, dashboard_now) = server.get(&path).await;
    assert_eq!(
        (
            dashboard_now["currentGeneration"].as_u64(),
            dashboard_now["phase"].as_str()
        ),
        (Some(3), Some("Succeeded")),
        "the unsaved update is not in memory either"
    );

    repair_the_state_file(&state);
    let (status, created) = server
        .send(
            Method::POST,
            "/api/v1/deployments",
            &dashboard("web-unsaved"),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let on_disk = saved(&state);
    assert!(
        on_disk
            .deployment(created["deploymentId"].as_str().unwrap())
            .is_ok()
    );
    assert_eq!(on_disk.deployment(&id).unwrap().current_generation, 3);
}

#[tokio::test]
async fn what_a_read_showed_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let server = Server::start(&["--state", state.to_str().unwrap()]).await;
    let (status, created) = server
        .send(Method::POST, "/api/v1/deployments", &dashboard("web-seen"))
        .await;
    assert_eq!(status, 201);
    let id = created["deploymentId"].as_str().unwrap();
    assert_eq!(
        saved(&state).deployment(id).unwrap().phase,
        Phase::InProgress
    );

    // Only reads from here: they move the deployment to Succeeded and must save that.
    server.wait_phase(id, "Succeeded").await;
    let on_disk = saved(&state);
    assert_eq!(on_disk.deployment(id).unwrap().phase, Phase::Succeeded);
    assert_eq!(
        on_disk.history(id).unwrap()[0].status,
        HistoryStatus::Succeeded
    );
}
