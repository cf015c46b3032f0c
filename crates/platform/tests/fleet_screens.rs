//! What the fleet screens read, answered by the in-memory platform as the backend answers it,
//! and compared with the platform's own rules applied device by device: devices judged against
//! a component (`compatible`, with the summary of why not), searched by name and named by ID;
//! a jump into the deployments list (`offset`); a deployment's history in pages, each
//! generation with its own phases.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::ApiErrorBody;
use platform::list::{DevicePage, HistoryPage, Page};
use platform::rules::compat::device_incompatibilities;
use platform::sim::serve::{Answer, Request, answer};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::{Component, Deployment, Device, Package, Runtime};
use serde::de::DeserializeOwned;

const T0: Millis = Millis(1_790_000_000_000);

fn fleet() -> Platform {
    let mut platform = seed::seeded(11, T0, SimConfig::default());
    platform.grow_fleet(600, T0).unwrap();
    platform.advance(T0.plus(60_000));
    platform
}

fn call<T: DeserializeOwned>(platform: &mut Platform, path: &str, status: u16) -> T {
    let answer = answer(
        platform,
        &Request {
            method: "GET",
            path,
            ..Request::default()
        },
        "u",
        T0.plus(60_000),
    );
    assert_eq!(answer.status, status, "{path}: {}", answer.body);
    serde_json::from_str(&answer.body).expect("the answer decodes")
}

fn refused(platform: &mut Platform, path: &str) -> ApiErrorBody {
    let answer: Answer = answer(
        platform,
        &Request {
            method: "GET",
            path,
            ..Request::default()
        },
        "u",
        T0,
    );
    assert_eq!(answer.status, 400, "{path}: {}", answer.body);
    ApiErrorBody::decode(&answer.body).unwrap()
}

/// Every package's device components.
fn device_components(platform: &Platform) -> Vec<(Package, Component)> {
    platform
        .all_packages()
        .iter()
        .flat_map(|package| {
            package
                .plans
                .iter()
                .flat_map(|plan| plan.components.iter())
                .filter(|c| c.required_runtime == Runtime::Device)
                .map(|c| (package.clone(), c.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every page of `path` (which has no `continue`), in order.
fn all_pages(platform: &mut Platform, path: &str) -> (Vec<Device>, DevicePage<Device>) {
    let first: DevicePage<Device> = call(platform, path, 200);
    let mut items = first.items.clone();
    let mut next = first.next.clone();
    while let Some(token) = next {
        let page: DevicePage<Device> = call(platform, &format!("{path}&continue={token}"), 200);
        items.extend(page.items);
        next = page.next;
    }
    (items, first)
}

#[test]
fn devices_judged_against_a_component_are_those_the_rule_accepts() {
    let mut platform = fleet();
    let devices = platform.devices(None, None);
    for (package, component) in device_components(&platform) {
        let base = format!(
            "/devices?limit=7&packageId={}&componentId={}",
            package.summary.guid, component.component_id
        );
        let can: Vec<String> = devices
            .iter()
            .filter(|d| device_incompatibilities(&component, d).is_empty())
            .map(|d| d.uuid.clone())
            .collect();
        let cannot: Vec<String> = devices
            .iter()
            .filter(|d| !device_incompatibilities(&component, d).is_empty())
            .map(|d| d.uuid.clone())
            .collect();
        let (listed, first) = all_pages(&mut platform, &format!("{base}&compatible=true"));
        let listed: Vec<String> = listed.into_iter().map(|d| d.uuid).collect();
        assert_eq!(listed, can, "{}", component.component_id);
        assert_eq!(first.total, can.len() as u64);
        let fit = first.fit.expect("a summary");
        assert_eq!(
            (fit.compatible, fit.incompatible),
            (can.len() as u64, cannot.len() as u64)
        );
        // Every reason counted is a reason of that many devices.
        for reason in &fit.reasons {
            let holding = devices
                .iter()
                .filter(|d| {
                    device_incompatibilities(&component, d)
                        .iter()
                        .any(|r| r.to_string() == reason.reason)
                })
                .count() as u64;
            assert_eq!(holding, reason.devices, "{}", reason.reason);
        }
        let (others, _) = all_pages(&mut platform, &format!("{base}&compatible=false"));
        let others: Vec<String> = others.into_iter().map(|d| d.uuid).collect();
        assert_eq!(others, cannot);
        let (every, all) = all_pages(&mut platform, &base);
        assert_eq!(
            every.len(),
            devices.len(),
            "without compatible: every device"
        );
        assert_eq!(all.fit.map(|f| f.compatible), Some(can.len() as u64));
    }
}

#[test]
fn devices_are_searched_by_name_and_named_by_id() {
    let mut platform = fleet();
    let devices = platform.devices(None, None);
    let page: DevicePage<Device> = call(&mut platform, "/devices?search=AMR-0004&limit=1000", 200);
    let expected: Vec<&str> = devices
        .iter()
        .filter(|d| d.name.to_lowercase().contains("amr-0004"))
        .map(|d| d.uuid.as_str())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        page.items
            .iter()
            .map(|d| d.uuid.as_str())
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(page.total, expected.len() as u64);
    let (a, b) = (&devices[3].uuid, &devices[40].uuid);
    let named: DevicePage<Device> = call(
        &mut platform,
        &format!("/devices?deviceId={b}&deviceId={a}&deviceId=dev-none"),
        200,
    );
    let mut found: Vec<&str> = named.items.iter().map(|d| d.uuid.as_str()).collect();
    found.sort();
    let mut wanted = vec![a.as_str(), b.as_str()];
    wanted.sort();
    assert_eq!(found, wanted, "an unknown ID is simply not found");

    for bad in [
        "/devices?compatible=yes&packageId=p&componentId=c",
        "/devices?packageId=pkg-amr-navigation",
        "/devices?compatible=true",
    ] {
        let error = refused(&mut platform, bad);
        assert_eq!(error.code, "malformed_request");
    }
    let many: String = (0..101).map(|i| format!("&deviceId=d{i}")).collect();
    refused(&mut platform, &format!("/devices?limit=5{many}"));
    let answer = answer(
        &mut platform,
        &Request {
            method: "GET",
            path: "/devices?packageId=pkg-amr-navigation&componentId=comp-none",
            ..Request::default()
        },
        "u",
        T0,
    );
    assert_eq!(answer.status, 404, "{}", answer.body);
}

#[test]
fn a_jump_reads_one_page_where_the_full_list_has_it() {
    let mut platform = fleet();
    let all: Page<Deployment> = call(&mut platform, "/deployments?sort=name", 200);
    for offset in [0usize, 1, 250, all.items.len() - 3] {
        let page: Page<Deployment> = call(
            &mut platform,
            &format!("/deployments?sort=name&offset={offset}&limit=5"),
            200,
        );
        let expected: Vec<&str> = all.items[offset..(offset + 5).min(all.items.len())]
            .iter()
            .map(|d| d.deployment_id.as_str())
            .collect();
        let got: Vec<&str> = page
            .items
            .iter()
            .map(|d| d.deployment_id.as_str())
            .collect();
        assert_eq!(got, expected, "offset {offset}");
        assert_eq!(page.total, all.total);
        if let Some(token) = page.next {
            let next: Page<Deployment> = call(
                &mut platform,
                &format!("/deployments?continue={token}&limit=2"),
                200,
            );
            assert_eq!(
                next.items.first().map(|d| &d.deployment_id),
                all.items.get(offset + 5).map(|d| &d.deployment_id),
                "the page's token reads on from there"
            );
        }
    }
    let past: Page<Deployment> = call(&mut platform, "/deployments?offset=99999&limit=5", 200);
    assert!(past.items.is_empty() && past.next.is_none());
    for bad in [
        "/deployments?offset=-2",
        "/deployments?offset=x",
        "/deployments?offset=3&since=1",
    ] {
        refused(&mut platform, bad);
    }
    let first: Page<Deployment> = call(&mut platform, "/deployments?limit=2", 200);
    let token = first.next.unwrap();
    refused(
        &mut platform,
        &format!("/deployments?continue={token}&offset=4"),
    );
}

#[test]
fn history_comes_in_pages_each_generation_with_its_phases() {
    let mut platform = seed::seeded(11, T0, SimConfig::default());
    let package = platform
        .all_packages()
        .iter()
        .find(|p| p.summary.guid == "pkg-fleet-dashboard")
        .cloned()
        .unwrap();
    let request: platform::wire::ProvisionRequest = serde_json::from_value(serde_json::json!({
        "name": "history-1", "packageId": package.summary.guid,
        "planId": package.plans[0].plan_id
    }))
    .unwrap();
    let mut now = T0;
    let made = platform.provision(&request, "u", now, None).unwrap();
    let id = made.deployment_id;
    let components: Vec<String> = package.plans[0]
        .components
        .iter()
        .map(|c| c.component_id.clone())
        .collect();
    for _ in 0..5 {
        now = now.plus(60_000);
        platform.advance(now);
        let generation = platform.deployment(&id).unwrap().current_generation;
        let update = platform::wire::UpdateRequest {
            expected_generation: generation,
            components: components.clone(),
        };
        platform.update(&id, &update, "u", now).unwrap();
    }
    now = now.plus(60_000);
    platform.advance(now);
    let deployment = platform.deployment(&id).unwrap();
    assert_eq!(deployment.current_generation, 6);
    let current: Vec<String> = deployment
        .phase_timeline
        .iter()
        .map(|p| p.phase.as_str().to_string())
        .collect();
    assert_eq!(
        current,
        ["Provisioning", "Succeeded"],
        "only this generation's"
    );

    let path = format!("/deployments/{id}/history?limit=4");
    let first: HistoryPage = call(&mut platform, &path, 200);
    assert_eq!(
        first.items.iter().map(|e| e.generation).collect::<Vec<_>>(),
        [6, 5, 4, 3]
    );
    assert_eq!(first.items[0].phases, deployment.phase_timeline);
    let token = first.next.unwrap();
    let rest: HistoryPage = call(
        &mut platform,
        &format!("/deployments/{id}/history?limit=4&continue={token}"),
        200,
    );
    assert_eq!(
        rest.items.iter().map(|e| e.generation).collect::<Vec<_>>(),
        [2, 1]
    );
    assert!(rest.next.is_none());
    let first_generation: Vec<&str> = rest.items[1]
        .phases
        .iter()
        .map(|p| p.phase.as_str())
        .collect();
    assert_eq!(
        first_generation,
        ["In progress", "Provisioning", "Succeeded"]
    );
    for bad in ["limit=0", "continue=abc"] {
        refused(&mut platform, &format!("/deployments/{id}/history?{bad}"));
    }
}
