//! `POST /deployments/bulk` over HTTP on both stores: each deployment judged alone (done, in
//! use, unknown), one `Idempotency-Key` doing each deployment once however often it is sent,
//! and requests that cannot be judged refused whole.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use common::{Server, dashboard};
use reqwest::Method;
use serde_json::{Value, json};

async fn bulk(server: &Server, body: &Value, key: Option<&str>) -> (u16, Value) {
    let mut request = server
        .client
        .post(server.url("/api/v1/deployments/bulk"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn statuses(answer: &Value) -> Vec<u64> {
    answer["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|r| r["status"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

/// Creates `n` dashboards and waits until they run; their IDs.
async fn running_dashboards(server: &Server, prefix: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let (status, created) = server
            .send(
                Method::POST,
                "/api/v1/deployments",
                &dashboard(&format!("{prefix}-{i}")),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        ids.push(created["deploymentId"].as_str().unwrap().to_string());
    }
    for id in &ids {
        server.wait_phase(id, "Succeeded").await;
    }
    ids
}

on_both_stores! {
    async fn each_deployment_is_judged_alone_and_in_use_ones_name_their_dependants(store) {
        let server = Server::on(&store, &[]).await;
        let (_, list) = server.get("/api/v1/deployments").await;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        let live = |d: &Value| !matches!(d["phase"].as_str(), Some("Deployment stopped"));
        let (used, by) = items
            .iter()
            .filter(|d| live(d))
            .find_map(|d| {
                let id = d["deploymentId"].as_str()?;
                let dependant = items.iter().filter(|o| live(o)).find(|o| {
                    o["dependentDeployments"].as_array().is_some_and(|deps| {
                        deps.iter().any(|x| x["dependentDeploymentId"] == id)
                    })
                })?;
                Some((id.to_string(), dependant["name"].as_str()?.to_string()))
            })
            .expect("the seed has a deployment in use");
        let free = running_dashboards(&server, "bulk-free", 2).await;
        let ids = json!([used, "dep-nobody", free[0], free[1]]);
        let (status, answer) = bulk(&server, &json!({"action": "deprovision", "ids": ids}), Some("b-1")).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(statuses(&answer), [409, 404, 202, 202]);
        assert_eq!(answer["results"][0]["error"]["code"], "in_use");
        let message = answer["results"][0]["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&by), "names {by}: {message}");
        for id in &free {
            server.wait_phase(id, "Deployment stopped").await;
        }
        let (_, still) = server.get(&format!("/api/v1/deployments/{used}")).await;
        assert_ne!(still["phase"], "Deployment stopped");
    }

    async fn one_key_updates_each_deployment_once(store) {
        let server = Server::on(&store, &[]).await;
        let ids = running_dashboards(&server, "bulk-update", 3).await;
        let body = json!({"action": "update", "ids": ids});
        let (_, first) = bulk(&server, &body, Some("b-update")).await;
        assert_eq!(statuses(&first), [202, 202, 202], "{first}");
        for _ in 0..2 {
            let (_, again) = bulk(&server, &body, Some("b-update")).await;
            assert_eq!(again["results"], first["results"]);
        }
        for id in &ids {
            let (_, deployment) = server.get(&format!("/api/v1/deployments/{id}")).await;
            assert_eq!(deployment["currentGeneration"], 2, "updated once: {deployment}");
        }
        let (_, history) = server.get(&format!("/api/v1/deployments/{}/history", ids[0])).await;
        assert_eq!(history["items"].as_array().map(Vec::len), Some(2));
    }

    async fn a_request_that_cannot_be_judged_is_refused_whole(store) {
        let server = Server::on(&store, &[]).await;
        for body in [
            json!({"action": "deprovision", "ids": []}),
            json!({"action": "deprovision", "ids": ["dep-a", "dep-a"]}),
            json!({"action": "restart", "ids": ["dep-a"]}),
            json!({"ids": ["dep-a"]}),
        ] {
            let (status, error) = bulk(&server, &body, None).await;
            assert_eq!((status, error["error"]["code"].as_str()), (400, Some("malformed_request")), "{body}");
        }
        let (status, _) = bulk(&server, &json!({"action": "deprovision", "ids": ["dep-a"]}), Some("")).await;
        assert_eq!(status, 400, "an empty key");
    }
}
