//! `POST /rollouts/preview` over HTTP on both stores: the devices a selector matches, each with
//! its deployment's name and whether the component can run there (and why not); nothing is
//! created.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use common::{Server, device_package};
use reqwest::Method;
use serde_json::{Value, json};

/// Every target of rollout `id`, read from its pages.
async fn targets(server: &Server, id: &str) -> Vec<Value> {
    let (status, page) = server
        .get(&format!("/api/v1/rollouts/{id}/targets?limit=1000"))
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

/// How many targets of rollout `id` have a deployment.
async fn started(server: &Server, id: &str) -> usize {
    targets(server, id)
        .await
        .iter()
        .filter(|t| t.get("deploymentId").is_some())
        .count()
}

/// A rollout request for `label`'s devices.
fn rollout(package: &str, plan: &str, component: &str, label: &Value) -> Value {
    json!({"packageId": package, "planId": plan, "componentId": component,
        "name": "ro-{device}", "selector": [label], "routedNetworks": [{"guid": "net-floor"}],
        "waves": [1, "100%"], "maxFailures": 1})
}

on_both_stores! {
    async fn the_preview_lists_the_matching_devices_and_creates_nothing(store) {
        let server = Server::on(&store, &[]).await;
        let (package, plan, component) = device_package(&server).await;
        let (_, devices) = server.get("/api/v1/devices").await;
        let devices = devices["items"].as_array().cloned().unwrap_or_default();
        let label = devices
            .iter()
            .find_map(|d| d["labels"].as_array().and_then(|l| l.first().cloned()))
            .expect("seed devices carry labels");
        let matching: Vec<&Value> = devices
            .iter()
            .filter(|d| d["labels"].as_array().is_some_and(|l| l.contains(&label)))
            .collect();
        let (_, before) = server.get("/api/v1/deployments?limit=1").await;
        let request = json!({"packageId": package, "planId": plan, "componentId": component,
            "name": "nav-{device}", "selector": [label], "waves": [1, "10%", "100%"], "maxFailures": 1});
        let (status, preview) = server.send(Method::POST, "/api/v1/rollouts/preview", &request).await;
        assert_eq!(status, 200, "{preview}");
        let targets = preview["targets"].as_array().cloned().unwrap_or_default();
        assert_eq!(targets.len(), matching.len(), "{preview}");
        assert_eq!(preview["total"].as_u64(), Some(matching.len() as u64), "{preview}");
        let compatible = targets.iter().filter(|t| t["compatible"] == true).count();
        assert_eq!(preview["compatible"].as_u64(), Some(compatible as u64), "{preview}");
        let held_back: u64 = preview["reasons"].as_array().map_or(0, |r| {
            r.iter().map(|r| r["devices"].as_u64().unwrap_or(0)).sum()
        });
        assert!(held_back >= (targets.len() - compatible) as u64, "{preview}");
        // Paged: one device at a time, the same devices in the same order.
        let mut paged = Vec::new();
        let mut path = "/api/v1/rollouts/preview?limit=1".to_string();
        loop {
            let (status, page) = server.send(Method::POST, &path, &request).await;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["total"], preview["total"]);
            paged.extend(page["targets"].as_array().cloned().unwrap_or_default());
            match page["continue"].as_str() {
                Some(token) => path = format!("/api/v1/rollouts/preview?limit=1&continue={token}"),
                None => break,
            }
        }
        assert_eq!(paged, targets);
        for target in &targets {
            let name = target["deviceName"].as_str().unwrap_or_default();
            assert_eq!(target["name"], format!("nav-{name}"));
            let reasons = target["reasons"].as_array().map_or(0, Vec::len);
            assert_eq!(target["compatible"] == true, reasons == 0, "{target}");
        }
        let (_, after) = server.get("/api/v1/deployments?limit=1").await;
        assert_eq!(after["total"], before["total"], "a preview creates nothing");

        let nobody = json!({"packageId": package, "planId": plan, "componentId": component,
            "name": "x-{device}", "selector": []});
        let (status, empty) = server.send(Method::POST, "/api/v1/rollouts/preview", &nobody).await;
        assert_eq!((status, empty["targets"].as_array().map(Vec::len)), (200, Some(0)));
        let unknown = json!({"packageId": "pkg-none", "selector": [label]});
        let (status, error) = server.send(Method::POST, "/api/v1/rollouts/preview", &unknown).await;
        assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
        let bad = json!({"packageId": package, "selector": [label], "waves": ["lots"]});
        let (status, error) = server.send(Method::POST, "/api/v1/rollouts/preview", &bad).await;
        assert_eq!((status, error["error"]["code"].as_str()), (400, Some("malformed_request")));
    }


    async fn a_rollout_is_made_followed_to_success_and_listed(store) {
        let server = Server::on(&store, &[]).await;
        let (package, plan, component) = device_package(&server).await;
        let label = json!({"key": "site", "value": "tokyo"});
        let request = rollout(&package, &plan, &component, &label);
        let (status, preview) = server.send(Method::POST, "/api/v1/rollouts/preview", &request).await;
        assert_eq!(status, 200, "{preview}");
        let compatible = preview["targets"].as_array().map_or(0, |t| {
            t.iter().filter(|t| t["compatible"] == true).count()
        });
        let (status, made) = server.send(Method::POST, "/api/v1/rollouts", &request).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["state"], "running");
        assert_eq!(made["wave"], 1);
        assert!(made.get("targets").is_none(), "answered without its targets: {made}");
        let id = made["rolloutId"].as_str().unwrap_or_default().to_string();
        let all = targets(&server, &id).await;
        assert_eq!(all.len(), compatible);
        let canary = all[0]["deploymentId"].as_str().unwrap_or_default().to_string();
        let (_, deployment) = server.get(&format!("/api/v1/deployments/{canary}")).await;
        assert!(
            deployment["labels"].as_array().is_some_and(|l| l.contains(&json!({"key": "rollout", "value": id}))),
            "{deployment}"
        );
        // The rollout's deployments' phases move it on, to the end.
        let mut last = Value::Null;
        for _ in 0..200 {
            let (_, now) = server.get(&format!("/api/v1/rollouts/{id}")).await;
            last = now;
            if last["state"] == "succeeded" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(last["state"], "succeeded", "{last}");
        assert_eq!(last["counts"]["Succeeded"], compatible);
        for action in ["pause", "resume", "abort"] {
            let (status, error) = server.send(Method::POST, &format!("/api/v1/rollouts/{id}/{action}"), &Value::Null).await;
            assert_eq!((status, error["error"]["code"].as_str()), (409, Some("phase_conflict")), "{action}");
        }
        let (status, list) = server.get("/api/v1/rollouts?limit=10").await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["items"][0]["rolloutId"], id.as_str());
        assert!(list["items"][0].get("targets").is_none(), "lists carry counts, not targets");
        assert_eq!(server.get("/api/v1/rollouts/ro-missing").await.0, 404);
        assert_eq!(server.get("/api/v1/rollouts?continue=nope").await.0, 400);
    }

    async fn a_rollout_paused_then_aborted_starts_nothing_more(store) {
        let server = Server::on(&store, &[]).await;
        let (package, plan, component) = device_package(&server).await;
        let label = json!({"key": "site", "value": "tokyo"});
        let mut request = rollout(&package, &plan, &component, &label);
        request["waves"] = json!([1, 2, "100%"]);
        let (_, made) = server.send(Method::POST, "/api/v1/rollouts", &request).await;
        let id = made["rolloutId"].as_str().unwrap_or_default().to_string();
        let (status, paused) = server.send(Method::POST, &format!("/api/v1/rollouts/{id}/pause"), &Value::Null).await;
        assert_eq!((status, paused["state"].as_str()), (202, Some("paused")), "{paused}");
        let (status, aborted) = server.send(Method::POST, &format!("/api/v1/rollouts/{id}/abort"), &Value::Null).await;
        assert_eq!((status, aborted["state"].as_str()), (202, Some("aborted")), "{aborted}");
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(started(&server, &id).await, 1, "only the canary");
        let (status, _) = server.send(Method::POST, &format!("/api/v1/rollouts/{id}/resume"), &Value::Null).await;
        assert_eq!(status, 409, "an aborted rollout never resumes");
    }

    async fn one_key_makes_one_rollout_and_bad_requests_make_none(store) {
        let server = Server::on(&store, &[]).await;
        let (package, plan, component) = device_package(&server).await;
        let label = json!({"key": "site", "value": "tokyo"});
        let request = rollout(&package, &plan, &component, &label);
        let send = |body: &Value, key: &str| {
            server
                .client
                .post(server.url("/api/v1/rollouts"))
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(body.to_string())
                .send()
        };
        let (_, before) = server.get("/api/v1/deployments?limit=1").await;
        let requests: Vec<_> = (0..4).map(|_| send(&request, "ro-key-1")).collect();
        let mut ids = Vec::new();
        for response in futures_util::future::join_all(requests).await {
            let response = response.expect("a response");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status == 201 {
                ids.push(body["rolloutId"].as_str().unwrap_or_default().to_string());
            } else {
                assert_eq!(status, 409, "{body}");
            }
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "one rollout for the key: {ids:?}");
        let (_, after) = server.get("/api/v1/deployments?limit=1").await;
        let made = after["total"].as_u64().unwrap_or(0) - before["total"].as_u64().unwrap_or(0);
        let (_, list) = server.get("/api/v1/rollouts").await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
        let started = started(&server, &ids[0]).await;
        assert_eq!(made, started as u64, "each target's deployment made once");

        let mut bad = request.clone();
        bad["name"] = json!("same-name");
        bad["waves"] = json!([1, "50%"]);
        bad["labels"] = json!([{"key": "rollout", "value": "mine"}]);
        let (status, error) = server.send(Method::POST, "/api/v1/rollouts", &bad).await;
        assert_eq!(status, 422, "{error}");
        let fields: Vec<&str> = error["error"]["fields"].as_array().map(|f| f.iter().filter_map(|f| f["field"].as_str()).collect()).unwrap_or_default();
        assert!(fields.contains(&"waves"), "{error}");
        let (_, still) = server.get("/api/v1/rollouts").await;
        assert_eq!(still["items"].as_array().map(Vec::len), Some(1), "nothing made");
    }
}
