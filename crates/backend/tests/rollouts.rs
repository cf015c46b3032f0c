//! `POST /rollouts/preview` over HTTP on both stores: the devices a selector matches, each with
//! its deployment's name and whether the component can run there (and why not); nothing is
//! created.

#[macro_use]
mod common;

use common::Server;
use reqwest::Method;
use serde_json::{Value, json};

/// A package whose plan has a device component, and that component.
async fn device_package(server: &Server) -> (String, String, String) {
    let (_, packages) = server.get("/api/v1/packages").await;
    for summary in packages["items"].as_array().cloned().unwrap_or_default() {
        let id = summary["guid"].as_str().unwrap_or_default();
        let (_, package) = server.get(&format!("/api/v1/packages/{id}")).await;
        for plan in package["plans"].as_array().cloned().unwrap_or_default() {
            let component = plan["components"].as_array().and_then(|components| {
                components
                    .iter()
                    .find(|c| c["requiredRuntime"] == "device")
                    .and_then(|c| c["componentId"].as_str().map(str::to_string))
            });
            if let (Some(component), Some(plan)) = (component, plan["planId"].as_str()) {
                return (id.to_string(), plan.to_string(), component);
            }
        }
    }
    panic!("no package with a device component in the seed");
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
}
