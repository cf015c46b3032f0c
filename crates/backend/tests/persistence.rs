//! The store and what clients are told agree: a change the database refuses is not half kept,
//! what a read showed is committed before it is shown, a settled platform is not written by
//! reads, and a state file of earlier versions is imported once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use std::time::Duration;

use common::{Backing, Server, dashboard};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use reqwest::Method;
use serde_json::json;

/// SQL that makes every new label row, and every change to a deployment, fail as a full disk
/// would (inside the transaction, after the deployment's own row was written).
fn refuse_writes(store: &Backing) -> &'static str {
    match store {
        Backing::Sqlite(_) => {
            "CREATE TRIGGER refuse_labels BEFORE INSERT ON deployment_labels BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;
             CREATE TRIGGER refuse_updates BEFORE UPDATE ON deployments BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;"
        }
        Backing::Postgres(_) => {
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$;
             CREATE TRIGGER refuse_labels BEFORE INSERT ON deployment_labels FOR EACH ROW EXECUTE FUNCTION refuse();
             CREATE TRIGGER refuse_updates BEFORE UPDATE ON deployments FOR EACH ROW EXECUTE FUNCTION refuse();"
        }
    }
}

fn allow_writes(store: &Backing) -> &'static str {
    match store {
        Backing::Sqlite(_) => "DROP TRIGGER refuse_labels; DROP TRIGGER refuse_updates;",
        Backing::Postgres(_) => {
            "DROP TRIGGER refuse_labels ON deployment_labels; DROP TRIGGER refuse_updates ON deployments;"
        }
    }
}

/// Runs several statements (the helper reads the first column of one query).
fn run(store: &Backing, statements: &str) {
    match store {
        Backing::Sqlite(dir) => {
            let conn = rusqlite::Connection::open(dir.path().join("rio.db")).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            conn.execute_batch(statements).unwrap();
        }
        Backing::Postgres(_) => {
            store.sql(statements);
        }
    }
}

/// Waits until nothing in the seeded world is still moving.
async fn settle(server: &Server) {
    let id = server.deployment_id("fleet-bridge-dev").await;
    server.wait_phase(&id, "Succeeded").await;
}

on_both_stores! {
    async fn a_change_the_database_refuses_is_not_half_kept(store) {
        let server = Server::on(&store, &[]).await;
        settle(&server).await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        let (_, before) = server.get("/api/v1/deployments?limit=50").await;

        run(&store, refuse_writes(&store));
        let mut labelled = dashboard("web-unsaved");
        labelled["labels"] = json!([{"key": "env", "value": "dev"}]);
        let (status, error) = server
            .send(Method::POST, "/api/v1/deployments", &labelled)
            .await;
        assert_eq!((status, error["error"]["code"].as_str()), (500, Some("internal")), "{error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains("the disk is full"),
            "{error}"
        );
        let update = json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]});
        let path = format!("/api/v1/deployments/{id}");
        assert_eq!(server.send(Method::PATCH, &path, &update).await.0, 500);

        let (status, after) = server.get("/api/v1/deployments?limit=50").await;
        assert_eq!(status, 200);
        assert_eq!(after["items"], before["items"], "nothing of either change is visible");
        assert_eq!(after["counts"], before["counts"], "counts are as they were");
        assert_eq!(
            store.sql("SELECT count(*) FROM deployments WHERE name = 'web-unsaved'"),
            ["0"],
            "the deployment's own row was rolled back with the failed label"
        );
        let (_, dashboard_now) = server.get(&path).await;
        assert_eq!(
            (dashboard_now["currentGeneration"].as_u64(), dashboard_now["phase"].as_str()),
            (Some(3), Some("Succeeded")),
        );

        run(&store, allow_writes(&store));
        let (status, created) = server
            .send(Method::POST, "/api/v1/deployments", &labelled)
            .await;
        assert_eq!(status, 201, "{created}");
        let created_id = created["deploymentId"].as_str().unwrap();
        assert_eq!(
            store.sql(&format!("SELECT name FROM deployments WHERE id = '{created_id}'")),
            ["web-unsaved"]
        );
    }

    async fn what_a_read_showed_is_committed(store) {
        let server = Server::on(&store, &[]).await;
        let (status, created) = server
            .send(Method::POST, "/api/v1/deployments", &dashboard("web-seen"))
            .await;
        assert_eq!(status, 201);
        let id = created["deploymentId"].as_str().unwrap().to_string();
        let phase = |store: &Backing| {
            store.sql(&format!("SELECT phase_rank FROM deployments WHERE id = '{id}'"))
        };
        assert_eq!(phase(&store), ["0"], "In progress when created");
        // Only reads from here: they move the deployment to Succeeded and commit that first.
        server.wait_phase(&id, "Succeeded").await;
        assert_eq!(phase(&store), ["2"], "Succeeded in the database");
        let book = store.sql(&format!("SELECT book FROM deployments WHERE id = '{id}'"));
        let book: serde_json::Value = serde_json::from_str(&book[0]).unwrap();
        assert_eq!(book["history"][0]["status"], "succeeded");
    }

    async fn reads_of_a_settled_platform_write_nothing(store) {
        let server = Server::on(&store, &[]).await;
        settle(&server).await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        let version = store.sql("SELECT value FROM meta WHERE key = 'rv'");
        for _ in 0..20 {
            for path in [
                "/api/v1/deployments".to_string(),
                "/api/v1/deployments?limit=2&label=site:tokyo".into(),
                format!("/api/v1/deployments/{id}"),
                format!("/api/v1/deployments/{id}/logs"),
                format!("/api/v1/deployments/{id}/history"),
                "/api/v1/devices?limit=3".into(),
            ] {
                assert_eq!(server.get(&path).await.0, 200, "{path}");
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(server.get("/api/v1/deployments").await.0, 200);
        assert_eq!(
            store.sql("SELECT value FROM meta WHERE key = 'rv'"),
            version,
            "no write while only time passes and clients read"
        );
    }
}

#[tokio::test]
async fn a_state_file_of_earlier_versions_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let now = Millis(1_790_000_000_000);
    let mut platform = seed::seeded(3, now, SimConfig::default());
    let kept = platform
        .provision(
            &serde_json::from_value(dashboard("kept-from-json")).unwrap(),
            "ana",
            now,
            None,
        )
        .unwrap();
    std::fs::write(&file, platform.to_json()).unwrap();
    let file_arg = file.to_str().unwrap();

    let server = Server::start(&["--state", file_arg]).await;
    let path = format!("/api/v1/deployments/{}", kept.deployment_id);
    let (status, found) = server.get(&path).await;
    assert_eq!(
        (status, found["name"].as_str()),
        (200, Some("kept-from-json"))
    );
    let (_, all) = server.get("/api/v1/deployments").await;
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        platform.records().len()
    );
    let (status, _) = server
        .send(
            Method::POST,
            "/api/v1/deployments",
            &dashboard("made-after-import"),
        )
        .await;
    assert_eq!(status, 201);
    drop(server);
    assert!(
        dir.path().join("state.db").is_file(),
        "the database is beside the file"
    );
    assert_eq!(
        Platform::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap(),
        Platform::from_json(&platform.to_json()).unwrap(),
        "the file is left as it was"
    );

    // Started again on the same file: the database is used, nothing is imported twice.
    let server = Server::start(&["--state", file_arg]).await;
    let (_, all) = server.get("/api/v1/deployments").await;
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), platform.records().len() + 1, "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "kept-from-json").count(), 1);
    assert!(names.contains(&"made-after-import"));
}

#[tokio::test]
async fn a_state_file_that_cannot_be_read_is_an_error_not_a_fresh_world() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "{broken").unwrap();
    let options = <backend::Options as clap::Parser>::try_parse_from([
        "rio-backend",
        "--state",
        file.to_str().unwrap(),
    ])
    .unwrap();
    let error = backend::AppState::new(options).err().unwrap().to_string();
    assert!(error.contains("state.json"), "{error}");
    assert!(
        !dir.path().join("state.db").exists(),
        "no database is made from nothing"
    );
}
