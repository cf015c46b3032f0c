//! Demo mode at fleet scale: the synthetic fleet grown inside the in-memory platform, robots
//! added once, IDs that collide with nothing, a platform that still moves and saves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::BTreeSet;
use std::time::Instant;

use platform::list::{ListAnswer, ListRequest};
use platform::phase::Phase;
use platform::sim::{MAX_GROWN_FLEET, Platform, SimConfig, seed};
use platform::time::Millis;

const T0: Millis = Millis(1_790_000_000_000);

fn total(platform: &Platform) -> u64 {
    let request = ListRequest::from_pairs(&[("limit".into(), "1".into())]).unwrap();
    match platform.list(&request).unwrap() {
        ListAnswer::Page(page) => page.total,
        ListAnswer::Changes(_) => panic!("a page was asked for"),
    }
}

fn unique_ids(platform: &Platform) -> bool {
    let ids: BTreeSet<&str> = platform
        .records()
        .iter()
        .map(|r| r.deployment.deployment_id.as_str())
        .collect();
    ids.len() == platform.records().len()
}

fn transient(platform: &Platform) -> usize {
    platform
        .records()
        .iter()
        .filter(|r| r.deployment.phase.is_transient())
        .count()
}

#[test]
fn a_grown_fleet_lists_moves_and_saves() {
    let mut platform = seed::seeded(5, T0, SimConfig::default());
    let seeded = platform.records().len();
    let devices = platform.devices(None, None).len();
    let started = Instant::now();
    let added = platform.grow_fleet(10_000, T0).unwrap();
    let grown_in = started.elapsed();
    assert_eq!(added, 10_000 - seeded);
    assert_eq!(total(&platform), 10_000);
    assert!(unique_ids(&platform));
    assert_eq!(platform.devices(None, None).len(), devices + 1_000);

    let revision = platform.revision();
    assert_eq!(platform.grow_fleet(10_000, T0).unwrap(), 0);
    assert_eq!(platform.grow_fleet(50, T0).unwrap(), 0);
    assert_eq!(
        platform.revision(),
        revision,
        "nothing to add changes nothing"
    );

    let started = Instant::now();
    let text = platform.to_json();
    let saved_in = started.elapsed();
    let started = Instant::now();
    let restored = Platform::from_json(&text).unwrap();
    let restored_in = started.elapsed();
    assert_eq!(restored, platform);
    let by_name = ListRequest::from_pairs(&[
        ("sort".into(), "name".into()),
        ("limit".into(), "100".into()),
    ])
    .unwrap();
    let started = Instant::now();
    platform.list_page(&by_name).unwrap();
    let paged_in = started.elapsed();
    let poll = ListRequest::from_pairs(&[("since".into(), revision.to_string())]).unwrap();
    let started = Instant::now();
    assert!(platform.list_changes(&poll).unwrap().items.is_empty());
    let polled_in = started.elapsed();
    eprintln!(
        "grow to 10,000: {grown_in:?}; to_json: {} bytes in {saved_in:?}; from_json: \
         {restored_in:?}; a page by name: {paged_in:?}; a poll with nothing changed: {polled_in:?}",
        text.len()
    );

    assert!(transient(&platform) > 0, "the newest are still starting");
    platform.advance(T0.plus(10 * Millis::MINUTE));
    assert!(platform.revision() > revision);
    assert_eq!(transient(&platform), 0, "and they finish");
    let made = platform
        .provision(
            &platform::wire::ProvisionRequest {
                name: "after-the-fleet".into(),
                package_id: "pkg-fleet-dashboard".into(),
                plan_id: "plan-fleet-dashboard".into(),
                ..Default::default()
            },
            "ana",
            T0.plus(11 * Millis::MINUTE),
            None,
        )
        .unwrap();
    assert_eq!(made.phase, Phase::InProgress);
    assert_eq!(total(&platform), 10_001);
}

#[test]
fn growing_again_adds_robots_once_and_ids_that_collide_with_nothing() {
    let mut platform = seed::seeded(5, T0, SimConfig::default());
    let before = platform.devices(None, None).len();
    platform.grow_fleet(200, T0).unwrap();
    assert_eq!(platform.devices(None, None).len(), before + 20);
    platform
        .set_device_online("dev-fleet-00003", false, T0.plus(1_000))
        .unwrap();
    let added = platform.grow_fleet(3_000, T0.plus(2_000)).unwrap();
    assert_eq!(added, 2_800);
    assert_eq!(total(&platform), 3_000);
    assert!(unique_ids(&platform));
    let devices = platform.devices(None, None);
    let uuids: BTreeSet<&str> = devices.iter().map(|d| d.uuid.as_str()).collect();
    assert_eq!(uuids.len(), devices.len(), "no robot twice");
    assert_eq!(devices.len(), before + 300);
    let robot = devices
        .iter()
        .find(|d| d.uuid == "dev-fleet-00003")
        .unwrap();
    assert_eq!(
        robot.status,
        platform::wire::DeviceStatus::Offline,
        "kept as it was"
    );
}

#[test]
fn a_fleet_id_already_taken_is_replaced() {
    let platform = seed::seeded(5, T0, SimConfig::default());
    // What the next grow will make, from the same state.
    let mut probe = platform.clone();
    probe.grow_fleet(100, T0).unwrap();
    let fleet_id = probe
        .records()
        .last()
        .unwrap()
        .deployment
        .deployment_id
        .clone();
    // The same state, one of whose deployments already has that ID.
    let taken = platform.records()[0].deployment.deployment_id.clone();
    let text = platform.to_json().replace(&taken, &fleet_id);
    let mut platform = Platform::from_json(&text).unwrap();
    assert!(
        platform.deployment(&fleet_id).is_ok(),
        "taken before the grow"
    );
    let held = platform.records().len();
    assert_eq!(platform.grow_fleet(100, T0).unwrap(), 100 - held);
    assert_eq!(platform.records().len(), 100);
    assert!(unique_ids(&platform));
    // The same fleet was made, the one whose ID was taken under another.
    let made: BTreeSet<&str> = probe.records()[held..]
        .iter()
        .map(|r| r.deployment.deployment_id.as_str())
        .filter(|id| *id != fleet_id)
        .collect();
    let grown: BTreeSet<&str> = platform.records()[held..]
        .iter()
        .map(|r| r.deployment.deployment_id.as_str())
        .collect();
    assert_eq!(grown.len(), made.len() + 1);
    assert!(grown.is_superset(&made));
    assert_eq!(
        platform
            .records()
            .iter()
            .filter(|r| r.deployment.deployment_id == fleet_id)
            .count(),
        1
    );
}

#[test]
fn a_fleet_too_big_or_without_its_packages_is_refused() {
    let mut platform = seed::seeded(5, T0, SimConfig::default());
    let before = platform.clone();
    let error = platform.grow_fleet(MAX_GROWN_FLEET + 1, T0).unwrap_err();
    assert_eq!(error.http_status(), 400);
    assert!(error.to_string().contains("20000"), "{error}");
    assert_eq!(platform, before, "refused: nothing changed");
    let mut empty = Platform::empty(1, T0, SimConfig::default());
    let error = empty.grow_fleet(10, T0).unwrap_err();
    assert_eq!(error.http_status(), 404);
    assert_eq!(empty.grow_fleet(0, T0).unwrap(), 0);
}
