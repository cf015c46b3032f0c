//! Every endpoint and convention of the API, over HTTP against the backend in-process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use common::{Server, assert_exactly_one_applied, dashboard, statuses};
use platform::time::Millis;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn malformed_bodies_get_400_with_a_clear_message() {
    let server = Server::start(&[]).await;
    let id = server.deployment_id("fleet-dashboard-prod").await;
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/deployments".to_string(),
            "{\"name\": ",
        ),
        (Method::POST, "/api/v1/deployments".to_string(), ""),
        (Method::POST, "/api/v1/deployments".to_string(), "[1, 2]"),
        (
            Method::PATCH,
            format!("/api/v1/deployments/{id}"),
            "{\"expectedGeneration\": \"three\"}",
        ),
        (
            Method::PATCH,
            format!("/api/v1/deployments/{id}"),
            "\u{0}\u{1}",
        ),
    ] {
        let response = server
            .client
            .request(method, server.url(&path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body:?}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "malformed_request");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("The request body is not valid")
        );
    }
}

#[tokio::test]
async fn unknown_endpoints_answer_404_with_the_error_body() {
    let server = Server::start(&[]).await;
    let (status, error) = server.get("/api/v1/robots").await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = server.get("/elsewhere").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_token_is_required_when_configured_and_project_is_echoed() {
    let server = Server::start(&["--token", "s3cret"]).await;
    let url = server.url("/api/v1/packages");
    let missing = server.client.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let wrong = server
        .client
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = server
        .client
        .get(&url)
        .bearer_auth("s3cret")
        .header("project", "proj-42")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert_eq!(right.headers()["project"], "proj-42");

    let open = Server::start(&[]).await;
    let anyone = open
        .client
        .get(open.url("/api/v1/packages"))
        .bearer_auth("whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(anyone.status(), 200, "without --token anything is accepted");
}

#[tokio::test]
async fn cors_answers_only_the_allowed_origins() {
    let server = Server::start(&["--allow-origin", "http://dash.example:9000"]).await;
    let url = server.url("/api/v1/packages");
    let allowed = server
        .client
        .get(&url)
        .header("origin", "http://dash.example:9000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://dash.example:9000"
    );
    let other = server
        .client
        .get(&url)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let preflight = server
        .client
        .request(Method::OPTIONS, server.url("/api/v1/deployments"))
        .header("origin", "http://dash.example:9000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "idempotency-key, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("idempotency-key")
    );
}

#[tokio::test]
async fn bodies_that_are_not_declared_json_get_415() {
    let server = Server::start(&[]).await;
    let id = server.deployment_id("fleet-dashboard-prod").await;
    let body = dashboard("web-cross-site").to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
    ] {
        let mut request = server
            .client
            .post(server.url("/api/v1/deployments"))
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "{content_type:?}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{content_type:?}"
        );
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "unsupported_media_type");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("application/json")
        );
    }
    let patch = server
        .client
        .patch(server.url(&format!("/api/v1/deployments/{id}")))
        .header("content-type", "text/plain")
        .body(json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 415);
    let (_, named) = server
        .get("/api/v1/deployments?search=web-cross-site")
        .await;
    assert!(
        named["items"].as_array().unwrap().is_empty(),
        "nothing was created"
    );
    let (_, unchanged) = server.get(&format!("/api/v1/deployments/{id}")).await;
    assert_eq!(unchanged["currentGeneration"], 3, "nothing was updated");

    let declared = server
        .client
        .post(server.url("/api/v1/deployments"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 201, "parameters are allowed");
    let bodyless = server
        .client
        .delete(server.url(&format!("/api/v1/deployments/{id}")))
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bodyless.status(),
        202,
        "without a body the type does not matter"
    );
}

#[tokio::test]
async fn every_api_answer_has_the_security_headers_and_varies_by_origin() {
    let server = Server::start(&["--allow-origin", "http://dash.example:9000"]).await;
    for (path, origin) in [
        ("/api/v1/packages", None),
        ("/api/v1/packages", Some("http://evil.example")),
        ("/api/v1/packages", Some("http://dash.example:9000")),
        ("/api/v1/packages/pkg-nope", None),
        ("/api/v1/robots", None),
    ] {
        let mut request = server.client.get(server.url(path));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap();
        let headers = response.headers();
        assert_eq!(
            headers["x-content-type-options"], "nosniff",
            "{path} {origin:?}"
        );
        assert_eq!(
            headers["referrer-policy"], "no-referrer",
            "{path} {origin:?}"
        );
        let vary: Vec<&str> = headers
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(vary, ["Origin"], "{path} {origin:?}");
        assert!(
            headers.get("content-security-policy").is_none(),
            "the CSP is the site's"
        );
    }
    let preflight = server
        .client
        .request(Method::OPTIONS, server.url("/api/v1/deployments"))
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.headers()["vary"], "Origin");
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let server = Server::start(&["--token", "s3cret"]).await;
    for (authorization, expected) in [
        ("bearer s3cret", 200),
        ("BEARER s3cret", 200),
        ("Bearer s3cret", 200),
        ("Bearer S3CRET", 401),
        ("Bearer s3cret-and-more", 401),
        ("Basic s3cret", 401),
    ] {
        let response = server
            .client
            .get(server.url("/api/v1/networks"))
            .header("authorization", authorization)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{authorization}");
    }
}

on_both_stores! {
    async fn catalog_lists_searches_filters_and_shows_a_package(store) {
        let server = Server::on(&store, &[]).await;
        let (status, list) = server.get("/api/v1/packages").await;
        assert_eq!(status, 200);
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["packageName"].as_str().unwrap())
            .collect();
        assert!(
            names.len() >= 6 && names.windows(2).all(|w| w[0] <= w[1]),
            "{names:?}"
        );
        let (_, found) = server.get("/api/v1/packages?search=NAV").await;
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
        let (_, storage) = server.get("/api/v1/packages?category=Storage").await;
        assert_eq!(
            storage["items"][0]["packageName"],
            "io-public-persistent-volume"
        );
        let (status, package) = server.get("/api/v1/packages/pkg-fleet-bridge").await;
        assert_eq!(status, 200);
        assert_eq!(
            package["plans"][0]["components"].as_array().unwrap().len(),
            2
        );
        assert_eq!(
            package["CreatedAt"].as_str().map(|t| t.ends_with('Z')),
            Some(true)
        );
        let (status, error) = server.get("/api/v1/packages/pkg-nope").await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
    }

    async fn devices_and_networks_are_listed_and_filtered(store) {
        let server = Server::on(&store, &[]).await;
        let (_, all) = server.get("/api/v1/devices").await;
        let (status, online_arm) = server
            .get("/api/v1/devices?status=ONLINE&architecture=arm64v8")
            .await;
        assert_eq!(status, 200, "{online_arm}");
        let online_arm = online_arm["items"].as_array().unwrap();
        let uuids: Vec<&str> = online_arm
            .iter()
            .map(|d| d["uuid"].as_str().unwrap())
            .collect();
        // The seed has online arm64v8 robots (amr-01, amr-02), an offline one (amr-03) and an
        // online amd64 edge computer (edge-01).
        assert!(!online_arm.is_empty(), "nothing matched");
        assert!(
            online_arm.len() < all["items"].as_array().unwrap().len(),
            "{uuids:?}"
        );
        assert!(
            online_arm
                .iter()
                .all(|d| d["status"] == "ONLINE" && d["architecture"] == "arm64v8"),
            "{online_arm:?}"
        );
        assert!(uuids.contains(&"dev-amr-01"), "{uuids:?}");
        for other in ["dev-amr-03", "dev-edge-01"] {
            assert!(!uuids.contains(&other), "{other} does not match: {uuids:?}");
        }
        let (status, networks) = server.get("/api/v1/networks").await;
        assert_eq!(status, 200);
        assert!(networks["items"][0]["internalDeploymentStatus"]["phase"].is_string());
    }

    async fn deployments_filter_by_repeated_phase_search_and_package(store) {
        let server = Server::on(&store, &[]).await;
        let (_, all) = server.get("/api/v1/deployments").await;
        let total = all["items"].as_array().unwrap().len();
        let (_, some) = server
            .get("/api/v1/deployments?phase=Succeeded&phase=Failed%20to%20start")
            .await;
        let some = some["items"].as_array().unwrap();
        assert!(!some.is_empty() && some.len() < total);
        assert!(
            some.iter()
                .all(|d| d["phase"] == "Succeeded" || d["phase"] == "Failed to start")
        );
        let (status, named) = server.get("/api/v1/deployments?search=TOKYO").await;
        assert_eq!(status, 200, "{named}");
        let names: Vec<&str> = named["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        // The seed has amr-nav-tokyo and sensor-logger-tokyo; amr-nav-osaka, and
        // fleet-bridge-dev (labelled site=tokyo, but search is by name), do not match.
        assert!(!names.is_empty(), "nothing matched");
        assert!(names.len() < total, "{names:?}");
        assert!(names.iter().all(|n| n.contains("tokyo")), "{names:?}");
        assert!(names.contains(&"amr-nav-tokyo"), "{names:?}");
        for other in ["amr-nav-osaka", "fleet-bridge-dev"] {
            assert!(!names.contains(&other), "{other} does not match: {names:?}");
        }
        let (_, of_package) = server
            .get("/api/v1/deployments?packageId=pkg-amr-navigation")
            .await;
        assert_eq!(of_package["items"].as_array().unwrap().len(), 2);
    }

    async fn every_get_has_an_etag_and_a_matching_if_none_match_gets_304(store) {
        let server = Server::on(&store, &[]).await;
        // The seeded deployment still starting would change the list's counts mid-test.
        let starting = server.deployment_id("fleet-bridge-dev").await;
        server.wait_phase(&starting, "Succeeded").await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        // Stopped: its logs no longer grow, so the page is the same from one request to the next.
        let stopped = server.deployment_id("fleet-bridge-trial").await;
        for path in [
            "/api/v1/packages".to_string(),
            "/api/v1/packages/pkg-fleet-dashboard".into(),
            "/api/v1/devices".into(),
            "/api/v1/networks".into(),
            format!("/api/v1/deployments/{id}"),
            format!("/api/v1/deployments/{id}/history"),
            format!("/api/v1/deployments/{stopped}/logs"),
            format!("/api/v1/deployments/{stopped}/logs?limit=3"),
            "/api/v1/deployments?phase=Deployment%20stopped".into(),
        ] {
            let first = server.client.get(server.url(&path)).send().await.unwrap();
            assert_eq!(first.status(), 200, "{path}");
            let etag = first.headers()["etag"].to_str().unwrap().to_string();
            let again = server
                .client
                .get(server.url(&path))
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304, "{path}");
            assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
            assert!(again.bytes().await.unwrap().is_empty());
            let stale = server
                .client
                .get(server.url(&path))
                .header("if-none-match", "\"other\"")
                .send()
                .await
                .unwrap();
            assert_eq!(stale.status(), 200, "{path}");
        }
    }

    async fn provision_creates_a_deployment_that_moves_to_succeeded(store) {
        let server = Server::on(&store, &[]).await;
        let (status, created) = server
            .send(Method::POST, "/api/v1/deployments", &dashboard("web-new"))
            .await;
        assert_eq!(status, 201);
        assert_eq!(
            (
                created["phase"].as_str(),
                created["currentGeneration"].as_u64()
            ),
            (Some("In progress"), Some(1))
        );
        assert_eq!(created["creator"], "developer@rio.dev");
        let id = created["deploymentId"].as_str().unwrap();
        let done = server.wait_phase(id, "Succeeded").await;
        assert_eq!(done["status"], "Running");
        let (_, history) = server
            .get(&format!("/api/v1/deployments/{id}/history"))
            .await;
        assert_eq!(history["items"][0]["status"], "succeeded");
    }

    async fn invalid_provision_requests_get_422_with_fields(store) {
        let server = Server::on(&store, &[]).await;
        let mut request = dashboard("x");
        request["labels"] = json!([{"key": "-bad", "value": ""}]);
        let (status, error) = server
            .send(Method::POST, "/api/v1/deployments", &request)
            .await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some("validation_failed"))
        );
        let fields: Vec<&str> = error["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "labels[0].key", "labels[0].value"]);
        assert!(error["error"]["message"].as_str().unwrap().len() > 10);
    }

    async fn one_idempotency_key_creates_one_deployment(store) {
        let server = Server::on(&store, &[]).await;
        let post = |body: serde_json::Value, key: &'static str| {
            let request = server
                .client
                .post(server.url("/api/v1/deployments"))
                .header("idempotency-key", key)
                .header("content-type", "application/json")
                .body(body.to_string());
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (status, response.json::<serde_json::Value>().await.unwrap())
            }
        };
        let (first_status, first) = post(dashboard("web-once"), "key-1").await;
        let (second_status, second) = post(dashboard("web-once"), "key-1").await;
        assert_eq!((first_status, second_status), (201, 201));
        assert_eq!(first["deploymentId"], second["deploymentId"]);
        let (_, named) = server.get("/api/v1/deployments?search=web-once").await;
        assert_eq!(named["items"].as_array().unwrap().len(), 1);
        let (status, error) = post(dashboard("web-other"), "key-1").await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some("idempotency_mismatch"))
        );
        let long = "k".repeat(256);
        let response = server
            .client
            .post(server.url("/api/v1/deployments"))
            .header("idempotency-key", long)
            .header("content-type", "application/json")
            .body(dashboard("web-long").to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }

    async fn a_key_still_in_flight_gets_409(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        let fault = json!({"method": "POST", "path": "/api/v1/deployments", "kind": "delay", "delayMs": 600, "times": 1});
        assert_eq!(
            server
                .send(Method::POST, "/__control/faults", &fault)
                .await
                .0,
            201
        );
        let slow = {
            let request = server
                .client
                .post(server.url("/api/v1/deployments"))
                .header("idempotency-key", "slow")
                .header("content-type", "application/json")
                .body(dashboard("web-slow").to_string());
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let second = server
            .client
            .post(server.url("/api/v1/deployments"))
            .header("idempotency-key", "slow")
            .header("content-type", "application/json")
            .body(dashboard("web-slow").to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(second.status(), 409);
        let error: serde_json::Value = second.json().await.unwrap();
        assert_eq!(error["error"]["code"], "idempotency_in_flight");
        assert_eq!(slow.await.unwrap(), 201);
    }

    async fn update_bumps_the_generation_and_refuses_conflicts(store) {
        let server = Server::on(&store, &[]).await;
        let id = server.deployment_id("amr-nav-tokyo").await;
        let path = format!("/api/v1/deployments/{id}");
        let request = json!({"expectedGeneration": 1, "components": ["comp-amr-nav"]});
        let (status, updated) = server.send(Method::PATCH, &path, &request).await;
        assert_eq!(status, 202);
        assert_eq!(
            (
                updated["phase"].as_str(),
                updated["currentGeneration"].as_u64()
            ),
            (Some("Provisioning"), Some(2))
        );

        let (status, error) = server.send(Method::PATCH, &path, &request).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("generation_conflict"))
        );
        let now = json!({"expectedGeneration": 2, "components": ["comp-amr-nav"]});
        let (status, error) = server.send(Method::PATCH, &path, &now).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("phase_conflict")),
            "still Provisioning"
        );
        server.wait_phase(&id, "Succeeded").await;
        let (status, error) = server
            .send(
                Method::PATCH,
                &path,
                &json!({"expectedGeneration": 2, "components": []}),
            )
            .await;
        assert_eq!(
            (status, error["error"]["fields"][0]["field"].as_str()),
            (422, Some("components"))
        );
        let (status, _) = server
            .send(Method::PATCH, "/api/v1/deployments/dep-nope", &now)
            .await;
        assert_eq!(status, 404);
    }

    async fn twenty_parallel_updates_with_one_generation_apply_exactly_once(store) {
        let server = Server::on(&store, &[]).await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        let path = server.url(&format!("/api/v1/deployments/{id}"));
        let body = json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]}).to_string();
        let requests = (0..20)
            .map(|_| {
                server
                    .client
                    .patch(&path)
                    .header("content-type", "application/json")
                    .body(body.clone())
            })
            .collect();
        assert_exactly_one_applied(&statuses(requests).await);
        let (_, deployment) = server.get(&format!("/api/v1/deployments/{id}")).await;
        assert_eq!(deployment["currentGeneration"], 4);
        let (_, history) = server
            .get(&format!("/api/v1/deployments/{id}/history"))
            .await;
        assert_eq!(history["items"].as_array().unwrap().len(), 4);
    }

    async fn deprovision_stops_and_refuses_when_in_use(store) {
        let server = Server::on(&store, &[]).await;
        let volume = server.deployment_id("telemetry-store").await;
        let (status, error) = server
            .send(
                Method::DELETE,
                &format!("/api/v1/deployments/{volume}"),
                &json!({}),
            )
            .await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("in_use"))
        );
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("sensor-logger-tokyo")
        );
        let id = server.deployment_id("vision-detector-test").await;
        let response = server
            .client
            .delete(server.url(&format!("/api/v1/deployments/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let stopped: serde_json::Value = response.json().await.unwrap();
        assert_eq!(stopped["phase"], "Deployment stopped");
        assert_eq!(
            server
                .send(Method::DELETE, "/api/v1/deployments/dep-nope", &json!({}))
                .await
                .0,
            404
        );
    }

    async fn history_is_newest_first_and_logs_page_with_a_cursor(store) {
        let server = Server::on(&store, &[]).await;
        let id = server.deployment_id("fleet-dashboard-prod").await;
        let (_, history) = server
            .get(&format!("/api/v1/deployments/{id}/history"))
            .await;
        let generations: Vec<u64> = history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["generation"].as_u64().unwrap())
            .collect();
        assert_eq!(generations, [3, 2, 1]);
        assert_eq!(history["items"][1]["status"], "failed");
        let (status, first) = server
            .get(&format!("/api/v1/deployments/{id}/logs?limit=5"))
            .await;
        assert_eq!(status, 200);
        let first_items = first["items"].as_array().unwrap();
        assert_eq!(first_items.len(), 5);
        let next = first["next"].as_str().unwrap();
        let (_, rest) = server
            .get(&format!(
                "/api/v1/deployments/{id}/logs?after={next}&component=web&limit=5"
            ))
            .await;
        let rest_items = rest["items"].as_array().unwrap();
        assert_eq!(rest_items.len(), 5, "the second page is full: {rest}");
        assert!(rest_items.iter().all(|line| line["component"] == "web"));
        // The dashboard has one component writing one line per step: the second page starts
        // strictly after the first page's last line.
        let time = |line: &serde_json::Value| {
            Millis::parse_rfc3339(line["time"].as_str().unwrap()).expect("RFC 3339 time")
        };
        assert!(
            time(&rest_items[0]) > time(&first_items[4]),
            "{} is not after {}",
            rest_items[0],
            first_items[4]
        );
        let cursor = |page: &serde_json::Value| page["next"].as_str().unwrap().parse::<u64>().unwrap();
        assert!(cursor(&rest) > cursor(&first), "the cursor moves forward");
        assert_eq!(
            server
                .get(&format!("/api/v1/deployments/{id}/logs?limit=lots"))
                .await
                .0,
            400
        );
        assert_eq!(
            server
                .get(&format!("/api/v1/deployments/{id}/logs?after=nope"))
                .await
                .0,
            422
        );
        assert_eq!(server.get("/api/v1/deployments/dep-nope/logs").await.0, 404);
    }

    async fn a_volume_mounted_by_a_live_deployment_cannot_be_deprovisioned(store) {
        let server = Server::on(&store, &[]).await;
        // The seeded sensor logger depends on the volume: stop it, the dashboard still mounts it.
        let sensors = server.deployment_id("sensor-logger-tokyo").await;
        let (status, stopped) = server
            .send(
                Method::DELETE,
                &format!("/api/v1/deployments/{sensors}"),
                &json!({}),
            )
            .await;
        assert_eq!(
            (status, stopped["phase"].as_str()),
            (202, Some("Deployment stopped"))
        );
        let volume = server.deployment_id("telemetry-store").await;
        let (status, error) = server
            .send(
                Method::DELETE,
                &format!("/api/v1/deployments/{volume}"),
                &json!({}),
            )
            .await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("in_use"))
        );
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("fleet-dashboard-prod"), "{message}");
        assert!(!message.contains("sensor-logger-tokyo"), "{message}");
        let (_, still) = server.get(&format!("/api/v1/deployments/{volume}")).await;
        assert_eq!(still["phase"], "Succeeded");
    }

    async fn deprovision_with_an_offline_device_is_partial_and_a_retry_finishes_it(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        let id = server.deployment_id("amr-nav-tokyo").await;
        let path = format!("/api/v1/deployments/{id}");
        let (status, _) = server
            .send(
                Method::POST,
                "/__control/devices/dev-amr-01/offline",
                &json!({}),
            )
            .await;
        assert_eq!(status, 200);
        let first = server
            .client
            .delete(server.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 202);
        let partial: serde_json::Value = first.json().await.unwrap();
        assert_eq!(
            (partial["phase"].as_str(), partial["status"].as_str()),
            (Some("Partially deprovisioned"), Some("Error"))
        );
        assert_eq!(partial["errors"], json!(["DEP_E151"]));
        let (_, seen) = server.get(&path).await;
        assert_eq!(seen["phase"], "Partially deprovisioned", "it stays partial");

        let retry = server
            .client
            .delete(server.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(retry.status(), 202);
        let stopped: serde_json::Value = retry.json().await.unwrap();
        assert_eq!(
            (stopped["phase"].as_str(), stopped["status"].as_str()),
            (Some("Deployment stopped"), Some("Stopped"))
        );
        let timeline: Vec<&str> = stopped["phaseTimeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["phase"].as_str().unwrap())
            .collect();
        assert!(
            timeline.ends_with(&["Partially deprovisioned", "Deployment stopped"]),
            "{timeline:?}"
        );
    }

}

#[tokio::test]
async fn search_works_for_a_postgresql_role_that_may_not_create_extensions() {
    let store = common::Backing::postgres();
    let common::Backing::Postgres(url) = &store else {
        unreachable!("a PostgreSQL store");
    };
    let database = url.rsplit('/').next().unwrap_or_default().to_string();
    let role = format!("{database}_limited");
    // May create tables in the public schema, not extensions in the database.
    store.sql(&format!(
        "CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {database} TO {role}; GRANT CREATE, USAGE ON SCHEMA public TO {role}"
    ));
    let limited = url.replacen("postgres@", &format!("{role}@"), 1);
    let server = Server::start(&["--database", &limited]).await;
    let (status, found) = server.get("/api/v1/deployments?search=NAV-T&limit=5").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "amr-nav-tokyo");
    assert_eq!(
        store.sql("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"),
        ["0"],
        "the extension was not made"
    );
}
