//! What the fleet screens read, over HTTP on both stores, against the platform's own rules:
//! devices judged against a component (by profile in the database, device by device in the
//! rule), searched by name and named by ID; a jump into the deployments list (`offset`); a
//! rollout's targets in pages and their changes; a deployment's history in pages; and a
//! database of an earlier version given what these read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use common::{Backing, Server, dashboard, device_package};
use platform::rules::compat::device_incompatibilities;
use platform::wire::{Component, Device, Package};
use reqwest::Method;
use serde_json::{Value, json};

/// Adds a synthetic fleet to `store` through a store of its own, as `seed-fleet` does.
fn seed_fleet(store: &Backing, deployments: usize, devices: usize) {
    let args = ["rio-backend".to_string(), "--speed".into(), "50".into()]
        .into_iter()
        .chain(store.args())
        .collect::<Vec<_>>();
    let options = <backend::Options as clap::Parser>::try_parse_from(args).expect("options");
    backend::open_store(&options)
        .expect("the store opens")
        .seed_fleet(deployments, devices)
        .expect("the fleet is seeded");
}

async fn ok(server: &Server, path: &str) -> Value {
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The device IDs of every page of `path` (which has a query and no `continue`), and the
/// first page.
async fn walk_devices(server: &Server, path: &str) -> (Vec<String>, Value) {
    let first = ok(server, path).await;
    let mut ids = Vec::new();
    let mut page = first.clone();
    loop {
        ids.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["uuid"].as_str().map(str::to_string)),
        );
        match page["continue"].as_str() {
            Some(token) => page = ok(server, &format!("{path}&continue={token}")).await,
            None => break,
        }
    }
    (ids, first)
}

async fn component(server: &Server, package: &str, component: &str) -> Component {
    let package: Package =
        serde_json::from_value(ok(server, &format!("/api/v1/packages/{package}")).await).unwrap();
    package
        .plans
        .iter()
        .find_map(|p| p.component(component).cloned())
        .unwrap()
}

on_both_stores! {
    async fn devices_judged_against_a_component_follow_the_rule_device_by_device(store) {
        seed_fleet(&store, 40, 300);
        let server = Server::on(&store, &["--enable-faults"]).await;
        let (package, _, component_id) = device_package(&server).await;
        let component = component(&server, &package, &component_id).await;
        let all: Vec<Device> =
            serde_json::from_value(ok(&server, "/api/v1/devices").await["items"].clone()).unwrap();
        let judge = |devices: &[Device]| -> (Vec<String>, Vec<String>) {
            let (can, cannot): (Vec<&Device>, Vec<&Device>) = devices
                .iter()
                .partition(|d| device_incompatibilities(&component, d).is_empty());
            (
                can.iter().map(|d| d.uuid.clone()).collect(),
                cannot.iter().map(|d| d.uuid.clone()).collect(),
            )
        };
        let (can, cannot) = judge(&all);
        assert!(!can.is_empty() && !cannot.is_empty(), "{} / {}", can.len(), cannot.len());
        let base = format!("/api/v1/devices?limit=13&packageId={package}&componentId={component_id}");
        let (listed, first) = walk_devices(&server, &format!("{base}&compatible=true")).await;
        assert_eq!(listed, can);
        assert_eq!(first["total"].as_u64(), Some(can.len() as u64));
        assert_eq!(first["fit"]["compatible"].as_u64(), Some(can.len() as u64));
        assert_eq!(first["fit"]["incompatible"].as_u64(), Some(cannot.len() as u64));
        for reason in first["fit"]["reasons"].as_array().cloned().unwrap_or_default() {
            let text = reason["reason"].as_str().unwrap_or_default();
            let holding = all
                .iter()
                .filter(|d| device_incompatibilities(&component, d).iter().any(|r| r.to_string() == text))
                .count();
            assert_eq!(reason["devices"].as_u64(), Some(holding as u64), "{text}");
        }
        let (others, _) = walk_devices(&server, &format!("{base}&compatible=false")).await;
        assert_eq!(others, cannot);

        // Searched: the trigram index (three characters or more) and a short search agree
        // with the rule over the devices whose names match.
        for search in ["amr-0001", "AMR-0001", "r-00", "07"] {
            let matching: Vec<Device> = all
                .iter()
                .filter(|d| d.name.to_lowercase().contains(&search.to_lowercase()))
                .cloned()
                .collect();
            let (can, cannot) = judge(&matching);
            let (listed, first) =
                walk_devices(&server, &format!("{base}&compatible=true&search={search}")).await;
            assert_eq!(listed, can, "{search}");
            assert_eq!(first["fit"]["incompatible"].as_u64(), Some(cannot.len() as u64), "{search}");
        }

        // Named by ID, in registration order; an unknown one is not found.
        let (a, b) = (&all[5].uuid, &all[250].uuid);
        let named = ok(&server, &format!("/api/v1/devices?deviceId={b}&deviceId={a}&deviceId=dev-none")).await;
        let found: Vec<&str> = named["items"].as_array().unwrap().iter().filter_map(|d| d["uuid"].as_str()).collect();
        assert_eq!(found, [a.as_str(), b.as_str()]);

        // A compatible robot going offline moves from one count to the other at once.
        let robot = can.iter().find(|id| id.starts_with("dev-fleet")).unwrap();
        let (status, _) = server.send(Method::POST, &format!("/__control/devices/{robot}/offline"), &Value::Null).await;
        assert_eq!(status, 200);
        let after = ok(&server, &format!("{base}&compatible=true")).await;
        assert_eq!(after["fit"]["compatible"].as_u64(), Some(can.len() as u64 - 1));
        assert_eq!(after["fit"]["incompatible"].as_u64(), Some(cannot.len() as u64 + 1));
        // The counts kept per label (one label: no device is counted) agree with the rule over
        // that label's devices, the robot that went offline included.
        let now: Vec<Device> =
            serde_json::from_value(ok(&server, "/api/v1/devices").await["items"].clone()).unwrap();
        let site = now
            .iter()
            .find(|d| &d.uuid == robot)
            .and_then(|d| d.labels.iter().find(|l| l.key == "site").cloned())
            .unwrap();
        let at_site: Vec<Device> = now.into_iter().filter(|d| site.is_in(&d.labels)).collect();
        let (can_there, cannot_there) = judge(&at_site);
        let there = ok(&server, &format!("{base}&label=site:{}", site.value)).await;
        assert_eq!(there["fit"]["compatible"].as_u64(), Some(can_there.len() as u64), "{there}");
        assert_eq!(there["fit"]["incompatible"].as_u64(), Some(cannot_there.len() as u64));
        assert_eq!(there["total"].as_u64(), Some(at_site.len() as u64));

        for bad in ["compatible=maybe&packageId=p&componentId=c", "componentId=c", "compatible=true"] {
            let (status, body) = server.get(&format!("/api/v1/devices?{bad}")).await;
            assert_eq!((status, body["error"]["code"].as_str()), (400, Some("malformed_request")), "{bad}");
        }
        let (status, _) = server.get(&format!("/api/v1/devices?packageId={package}&componentId=comp-none")).await;
        assert_eq!(status, 404);
    }

    async fn a_jump_reads_the_page_where_the_walked_list_has_it(store) {
        seed_fleet(&store, 1_200, 60);
        let server = Server::on(&store, &[]).await;
        for query in ["", "&label=site:tokyo", "&sort=name", "&phase=Succeeded&order=asc"] {
            let mut all: Vec<String> = Vec::new();
            let mut page = ok(&server, &format!("/api/v1/deployments?limit=1000{query}")).await;
            loop {
                all.extend(page["items"].as_array().unwrap().iter().filter_map(|d| d["deploymentId"].as_str().map(str::to_string)));
                match page["continue"].as_str() {
                    Some(token) => page = ok(&server, &format!("/api/v1/deployments?limit=1000&continue={token}")).await,
                    None => break,
                }
            }
            for offset in [1, all.len() / 2, all.len() - 2] {
                let jumped = ok(&server, &format!("/api/v1/deployments?limit=5&offset={offset}{query}")).await;
                let got: Vec<&str> = jumped["items"].as_array().unwrap().iter().filter_map(|d| d["deploymentId"].as_str()).collect();
                let expected: Vec<&str> = all[offset..(offset + 5).min(all.len())].iter().map(String::as_str).collect();
                assert_eq!(got, expected, "offset {offset}{query}");
                assert_eq!(jumped["total"].as_u64(), Some(all.len() as u64));
            }
        }
        let (status, _) = server.get("/api/v1/deployments?offset=3&since=1").await;
        assert_eq!(status, 400);
    }

    async fn a_rollouts_targets_come_in_pages_and_then_only_what_changed(store) {
        seed_fleet(&store, 10, 60);
        let server = Server::on(&store, &[]).await;
        let (package, plan, component) = device_package(&server).await;
        let request = json!({"packageId": package, "planId": plan, "componentId": component,
            "name": "t-{device}", "selector": [{"key": "site", "value": "tokyo"}],
            "routedNetworks": [{"guid": "net-floor"}], "waves": [1, "100%"], "maxFailures": 5});
        let (status, made) = server.send(Method::POST, "/api/v1/rollouts", &request).await;
        assert_eq!(status, 201, "{made}");
        let id = made["rolloutId"].as_str().unwrap().to_string();
        let summary = ok(&server, &format!("/api/v1/rollouts/{id}")).await;
        assert!(summary.get("targets").is_none(), "{summary}");
        assert_eq!(summary["waveCounts"].as_array().map(Vec::len), Some(2), "{summary}");
        let all = ok(&server, &format!("/api/v1/rollouts/{id}/targets?limit=1000")).await;
        let total = all["total"].as_u64().unwrap();
        assert!(total >= 2, "{all}");
        let one = ok(&server, &format!("/api/v1/rollouts/{id}/targets?limit=1")).await;
        let token = one["continue"].as_str().unwrap();
        let next = ok(&server, &format!("/api/v1/rollouts/{id}/targets?limit=1&continue={token}")).await;
        // The rollout moves on meanwhile (its targets' phases change): the same devices.
        assert_eq!(next["items"][0]["deviceId"], all["items"][1]["deviceId"]);
        let jumped = ok(&server, &format!("/api/v1/rollouts/{id}/targets?offset=1&limit=1")).await;
        assert_eq!(jumped["items"][0]["deviceId"], all["items"][1]["deviceId"]);

        // Nothing changes while nothing moves; once the canary settles, the targets that
        // changed come, and only those.
        let version = all["resourceVersion"].as_str().unwrap().to_string();
        let mut changed = Value::Null;
        for _ in 0..100 {
            changed = ok(&server, &format!("/api/v1/rollouts/{id}/targets?since={version}")).await;
            if changed["items"].as_array().is_some_and(|i| i.len() as u64 == total) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(changed["items"].as_array().map(Vec::len), Some(total as usize), "{changed}");
        let latest = changed["resourceVersion"].as_str().unwrap();
        let quiet = ok(&server, &format!("/api/v1/rollouts/{id}/targets?since={latest}")).await;
        assert!(
            quiet["items"].as_array().is_some_and(|i| i.len() as u64 <= total),
            "{quiet}"
        );
        let (status, _) = server.get(&format!("/api/v1/rollouts/{id}/targets?since=99999999")).await;
        assert_eq!(status, 410);
        let (status, _) = server.get("/api/v1/rollouts/ro-none/targets").await;
        assert_eq!(status, 404);
        let (status, _) = server.get(&format!("/api/v1/rollouts/{id}/targets?wave=x")).await;
        assert_eq!(status, 400);
    }

    async fn history_comes_in_pages_newest_first(store) {
        let server = Server::on(&store, &[]).await;
        let (status, made) = server.send(Method::POST, "/api/v1/deployments", &dashboard("paged-history")).await;
        assert_eq!(status, 201, "{made}");
        let id = made["deploymentId"].as_str().unwrap().to_string();
        let components: Vec<Value> = made["componentInfo"].as_array().unwrap().iter().map(|c| c["componentID"].clone()).collect();
        for generation in 1..=3 {
            server.wait_phase(&id, "Succeeded").await;
            let (status, updated) = server
                .send(Method::PATCH, &format!("/api/v1/deployments/{id}"), &json!({"expectedGeneration": generation, "components": components}))
                .await;
            assert_eq!(status, 202, "{updated}");
        }
        let deployment = server.wait_phase(&id, "Succeeded").await;
        let timeline: Vec<&str> = deployment["phaseTimeline"].as_array().unwrap().iter().filter_map(|p| p["phase"].as_str()).collect();
        assert_eq!(timeline, ["Provisioning", "Succeeded"], "only the current generation's");
        let first = ok(&server, &format!("/api/v1/deployments/{id}/history?limit=3")).await;
        let generations: Vec<u64> = first["items"].as_array().unwrap().iter().filter_map(|e| e["generation"].as_u64()).collect();
        assert_eq!(generations, [4, 3, 2]);
        assert_eq!(first["items"][0]["phases"], deployment["phaseTimeline"]);
        let token = first["continue"].as_str().unwrap();
        let rest = ok(&server, &format!("/api/v1/deployments/{id}/history?limit=3&continue={token}")).await;
        assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(rest["items"][0]["phases"][0]["phase"], "In progress");
        assert!(rest["continue"].is_null());
        let (status, _) = server.get(&format!("/api/v1/deployments/{id}/history?limit=lots")).await;
        assert_eq!(status, 400);
    }

    async fn devices_of_an_earlier_version_get_their_names_and_profiles(store) {
        seed_fleet(&store, 10, 50);
        // As an earlier version left it: no name or profile columns, nothing counted.
        let drop = match &store {
            Backing::Sqlite(_) => "DROP INDEX devices_profile; ALTER TABLE devices DROP COLUMN profile; ALTER TABLE devices DROP COLUMN name_fold; DELETE FROM device_profiles; DROP TABLE device_names;",
            Backing::Postgres(_) => "DROP INDEX devices_profile; DROP INDEX devices_name_trigrams; ALTER TABLE devices DROP COLUMN profile; ALTER TABLE devices DROP COLUMN name_fold; DELETE FROM device_profiles;",
        };
        for statement in drop.split(';').filter(|s| !s.trim().is_empty()) {
            store.sql(statement);
        }
        let server = Server::on(&store, &[]).await;
        let (package, _, component) = device_package(&server).await;
        let all = ok(&server, "/api/v1/devices").await;
        let named = ok(&server, "/api/v1/devices?search=AMR-0004&limit=100").await;
        let expected = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["name"].as_str().is_some_and(|n| n.contains("amr-0004")))
            .count();
        assert!(expected > 0);
        assert_eq!(named["items"].as_array().map(Vec::len), Some(expected));
        let judged = ok(&server, &format!("/api/v1/devices?packageId={package}&componentId={component}")).await;
        let fit = &judged["fit"];
        assert_eq!(
            fit["compatible"].as_u64().unwrap() + fit["incompatible"].as_u64().unwrap(),
            all["total"].as_u64().unwrap(),
            "{judged}"
        );
    }
}
