//! The request count under `--enable-faults`: every API request counted by method and path,
//! whatever its answer, and reset on DELETE; absent without the flag.

mod common;

use common::{Server, dashboard};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn api_requests_are_counted_by_method_and_path() {
    let server = Server::start(&["--enable-faults"]).await;
    let (status, counts) = server.get("/__control/requests").await;
    assert_eq!(status, 200);
    assert_eq!(counts, json!({"counts": {}}), "nothing counted yet");
    assert_eq!(server.get("/api/v1/packages").await.0, 200);
    assert_eq!(server.get("/api/v1/packages").await.0, 200);
    let mut refused = dashboard("x");
    refused["name"] = json!("<script>");
    let (status, _) = server
        .send(Method::POST, "/api/v1/deployments", &refused)
        .await;
    assert_eq!(status, 422, "a refused request counts too");
    let (_, counts) = server.get("/__control/requests").await;
    assert_eq!(
        counts,
        json!({"counts": {"GET /api/v1/packages": 2, "POST /api/v1/deployments": 1}}),
        "the controls themselves are not counted"
    );
    let (status, _) = server
        .send(Method::DELETE, "/__control/requests", &json!({}))
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        server.get("/__control/requests").await.1,
        json!({"counts": {}})
    );
}

#[tokio::test]
async fn the_count_does_not_exist_without_the_flag() {
    let server = Server::start(&[]).await;
    let (status, error) = server.get("/__control/requests").await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}
