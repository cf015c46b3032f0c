//! Simulation controls and injected faults: absent by default, each kind working when enabled.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use common::{Server, dashboard};
use reqwest::Method;
use serde_json::json;

/// A console build with only `index.html`, for `--static`.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><html><body>console</body></html>",
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn control_endpoints_do_not_exist_without_the_flag() {
    let dist = dist();
    for args in [vec![], vec!["--static", dist.path().to_str().unwrap()]] {
        let server = Server::start(&args).await;
        for path in [
            "/__control/faults",
            "/__control/fail-next-update",
            "/__control/devices/dev-amr-01/offline",
            "/__control/reset",
        ] {
            let (status, error) = server
                .send(
                    Method::POST,
                    path,
                    &json!({"path": "/api/v1/packages", "kind": "status"}),
                )
                .await;
            assert_eq!(
                (status, error["error"]["code"].as_str()),
                (404, Some("not_found")),
                "{path} {args:?}"
            );
            let (status, error) = server.get(path).await;
            assert_eq!(
                (status, error["error"]["code"].as_str()),
                (404, Some("not_found")),
                "GET {path} {args:?}"
            );
        }
        assert_eq!(server.get("/api/v1/packages").await.0, 200, "{args:?}");
    }
}

#[tokio::test]
async fn with_a_token_the_controls_need_it_too() {
    let server = Server::start(&["--enable-faults", "--token", "s3cret"]).await;
    let fault = json!({"path": "/api/v1/networks", "kind": "status", "status": 503});
    for (method, path) in [
        (Method::POST, "/__control/faults"),
        (Method::GET, "/__control/faults"),
        (Method::POST, "/__control/devices/dev-amr-01/offline"),
        (Method::POST, "/__control/reset"),
    ] {
        let response = server
            .client
            .request(method.clone(), server.url(path))
            .header("content-type", "application/json")
            .body(fault.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "unauthorized");
    }
    let networks = || {
        server
            .client
            .get(server.url("/api/v1/networks"))
            .bearer_auth("s3cret")
            .send()
    };
    assert_eq!(
        networks().await.unwrap().status(),
        200,
        "no fault was added"
    );
    let added = server
        .client
        .post(server.url("/__control/faults"))
        .bearer_auth("s3cret")
        .header("content-type", "application/json")
        .body(fault.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    assert_eq!(networks().await.unwrap().status(), 503);
}

#[tokio::test]
async fn a_fault_for_zero_requests_is_refused_and_the_faults_keep_working() {
    let server = Server::start(&["--enable-faults"]).await;
    let (status, error) = server
        .send(
            Method::POST,
            "/__control/faults",
            &json!({"path": "/api/v1/networks", "kind": "status", "status": 503, "times": 0}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (422, Some("validation_failed"))
    );
    assert_eq!(error["error"]["fields"][0]["field"], "times");
    assert_eq!(
        server.get("/api/v1/networks").await.0,
        200,
        "nothing was added"
    );
    let (_, listed) = server.get("/__control/faults").await;
    assert_eq!(listed, json!([]));

    let (status, error) = server
        .send(
            Method::POST,
            "/__control/faults",
            &json!({"kind": "status"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("malformed_request")),
        "a fault without a path is malformed, with the JSON error body"
    );

    add(
        &server,
        json!({"path": "/api/v1/networks", "kind": "status", "status": 503, "times": 1}),
    )
    .await;
    assert_eq!(server.get("/api/v1/networks").await.0, 503);
    assert_eq!(server.get("/api/v1/networks").await.0, 200);
}

async fn add(server: &Server, fault: serde_json::Value) {
    assert_eq!(
        server
            .send(Method::POST, "/__control/faults", &fault)
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn a_status_fault_answers_with_its_code_and_retry_after() {
    let server = Server::start(&["--enable-faults"]).await;
    add(&server, json!({"method": "GET", "path": "/api/v1/deployments/*", "kind": "status", "status": 429, "retryAfter": 7, "times": 1})).await;
    let id = server.deployment_id("amr-nav-tokyo").await;
    let response = server
        .client
        .get(server.url(&format!("/api/v1/deployments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(
        server.get(&format!("/api/v1/deployments/{id}")).await.0,
        200,
        "used up after one request"
    );
}

#[tokio::test]
async fn html_malformed_and_truncated_bodies() {
    let server = Server::start(&["--enable-faults"]).await;
    add(
        &server,
        json!({"path": "/api/v1/packages", "kind": "html", "times": 1}),
    )
    .await;
    let html = server
        .client
        .get(server.url("/api/v1/packages"))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text().await.unwrap().contains("<html>"));

    add(
        &server,
        json!({"path": "/api/v1/packages", "kind": "malformed", "times": 1}),
    )
    .await;
    let text = server
        .client
        .get(server.url("/api/v1/packages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );

    let full = server
        .client
        .get(server.url("/api/v1/packages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    add(
        &server,
        json!({"path": "/api/v1/packages", "kind": "truncated", "times": 1}),
    )
    .await;
    let cut = server
        .client
        .get(server.url("/api/v1/packages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cut.len() < full.len()
            && full.starts_with(&cut)
            && serde_json::from_str::<serde_json::Value>(&cut).is_err()
    );
}

#[tokio::test]
async fn a_delay_holds_the_answer() {
    let server = Server::start(&["--enable-faults"]).await;
    add(
        &server,
        json!({"path": "/api/v1/networks", "kind": "delay", "delayMs": 400, "times": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    assert_eq!(server.get("/api/v1/networks").await.0, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
}

#[tokio::test]
async fn a_body_fault_answers_exactly_its_bytes_status_and_type() {
    let server = Server::start(&["--enable-faults"]).await;
    add(
        &server,
        json!({"path": "/api/v1/networks", "kind": "body", "bodyBase64": "eyJpdGVtcyI6IFv/XX0=", "status": 203, "contentType": "text/plain", "times": 1}),
    )
    .await;
    let odd = server
        .client
        .get(server.url("/api/v1/networks"))
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), 203);
    assert_eq!(odd.headers()["content-type"], "text/plain");
    assert_eq!(&odd.bytes().await.unwrap()[..], b"{\"items\": [\xff]}");
    add(
        &server,
        json!({"path": "/api/v1/networks", "kind": "body", "prefix": "[", "body": "0,", "repeat": 3, "suffix": "0]", "times": 1}),
    )
    .await;
    let (status, repeated) = server.get("/api/v1/networks").await;
    assert_eq!((status, repeated), (200, json!([0, 0, 0, 0])));
    let (status, error) = server
        .send(
            Method::POST,
            "/__control/faults",
            &json!({"path": "/api/v1/networks", "kind": "body", "bodyBase64": "%%%"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("body"))
    );
    assert_eq!(server.get("/api/v1/networks").await.0, 200, "used up");
}

#[tokio::test]
async fn the_request_log_counts_what_clients_sent_refused_ones_too() {
    let server = Server::start(&["--enable-faults", "--token", "s3cret"]).await;
    let log = |method: Method| {
        server
            .client
            .request(method, server.url("/__control/requests"))
            .bearer_auth("s3cret")
            .send()
    };
    assert_eq!(server.get("/api/v1/networks?x=1").await.0, 401);
    let answered = server
        .client
        .post(server.url("/api/v1/deployments"))
        .bearer_auth("s3cret")
        .header("idempotency-key", "k-1")
        .header("content-type", "application/json")
        .body(dashboard("web-logged").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    let list: serde_json::Value = log(Method::GET).await.unwrap().json().await.unwrap();
    let seen: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["path"].as_str().unwrap().to_string(),
                r["status"].as_u64(),
                r["authorization"].as_bool(),
                r["idempotencyKey"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "GET".into(),
                "/api/v1/networks?x=1".into(),
                Some(401),
                Some(false),
                None
            ),
            (
                "POST".into(),
                "/api/v1/deployments".into(),
                Some(201),
                Some(true),
                Some("k-1".into())
            ),
        ]
    );
    assert!(
        !list.to_string().contains("s3cret"),
        "never the token: {list}"
    );
    assert_eq!(log(Method::DELETE).await.unwrap().status(), 204);
    let list: serde_json::Value = log(Method::GET).await.unwrap().json().await.unwrap();
    assert_eq!(list, json!([]));
}

on_both_stores! {
    async fn a_dropped_connection_still_commits_the_change(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        add(
            &server,
            json!({"method": "POST", "path": "/api/v1/deployments", "kind": "drop", "times": 1}),
        )
        .await;
        let lost = server
            .client
            .post(server.url("/api/v1/deployments"))
            .header("idempotency-key", "lost-1")
            .header("content-type", "application/json")
            .body(dashboard("web-lost").to_string())
            .send()
            .await;
        let failed = match lost {
            Err(_) => true,
            Ok(response) => response.bytes().await.is_err(),
        };
        assert!(failed, "the answer never arrives");
        let retry = server
            .client
            .post(server.url("/api/v1/deployments"))
            .header("idempotency-key", "lost-1")
            .header("content-type", "application/json")
            .body(dashboard("web-lost").to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(retry.status(), 201);
        let (_, named) = server.get("/api/v1/deployments?search=web-lost").await;
        assert_eq!(
            named["items"].as_array().unwrap().len(),
            1,
            "the retry created nothing new"
        );
    }

    async fn controls_take_a_device_offline_and_fail_the_next_update(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        let id = server.deployment_id("amr-nav-tokyo").await;
        let (status, device) = server
            .send(
                Method::POST,
                "/__control/devices/dev-amr-01/offline",
                &json!({}),
            )
            .await;
        assert_eq!((status, device["status"].as_str()), (200, Some("OFFLINE")));
        let (_, deployment) = server.get(&format!("/api/v1/deployments/{id}")).await;
        assert_eq!(
            (
                deployment["status"].as_str(),
                deployment["errors"][0].as_str()
            ),
            (Some("Error"), Some("DEP_E151"))
        );
        server
            .send(
                Method::POST,
                "/__control/devices/dev-amr-01/online",
                &json!({}),
            )
            .await;

        let dashboard_id = server.deployment_id("fleet-dashboard-prod").await;
        assert_eq!(
            server
                .send(
                    Method::POST,
                    &format!("/__control/deployments/{dashboard_id}/fail-next-update"),
                    &json!({})
                )
                .await
                .0,
            204
        );
        let request = json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]});
        assert_eq!(
            server
                .send(
                    Method::PATCH,
                    &format!("/api/v1/deployments/{dashboard_id}"),
                    &request
                )
                .await
                .0,
            202
        );
        let failed = server.wait_phase(&dashboard_id, "Failed to update").await;
        assert_eq!(failed["currentGeneration"], 4);

        assert_eq!(
            server
                .send(Method::POST, "/__control/reset", &json!({}))
                .await
                .0,
            204
        );
        let (_, reset) = server
            .get(&format!(
                "/api/v1/deployments/{}",
                server.deployment_id("fleet-dashboard-prod").await
            ))
            .await;
        assert_eq!(reset["currentGeneration"], 3, "reset brings back the seed");
    }

    async fn a_late_answer_is_the_state_when_the_request_arrived(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        let path = format!("/api/v1/deployments/{id}");
        add(
            &server,
            json!({"method": "GET", "path": path, "kind": "late", "delayMs": 1500, "times": 1}),
        )
        .await;
        let late = {
            let (client, url) = (server.client.clone(), server.url(&path));
            tokio::spawn(async move {
                client
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let request = json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]});
        assert_eq!(server.send(Method::PATCH, &path, &request).await.0, 202);
        let old = late.await.unwrap();
        assert_eq!(old["currentGeneration"], 3, "read before the update: {old}");
        assert_eq!(server.get(&path).await.1["currentGeneration"], 4);
    }

}
