//! The in-memory platform answers the deployments list as the backend does: pages that cover
//! a fleet once in the query's order, filters as `DeploymentQuery::matches` has them, and the
//! `since` change feed with exactly what changed, refused when it cannot be answered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::collections::{BTreeMap, BTreeSet};

use platform::PlatformError;
use platform::list::{
    Changes, DeploymentQuery, ListAnswer, ListRequest, MAX_CHANGES, Order, Page, SortKey, apply,
};
use platform::phase::Phase;
use platform::sim::{Platform, SimConfig, fleet, seed};
use platform::time::Millis;
use platform::wire::{Deployment, ProvisionRequest};

const T0: Millis = Millis(1_790_000_000_000);

fn fleet(deployments: usize) -> Platform {
    let mut platform = seed::seeded(11, T0, SimConfig::default());
    platform.grow_fleet(deployments, T0).unwrap();
    platform
}

fn request(pairs: &[(String, String)], extra: &[(&str, String)]) -> ListRequest {
    let mut pairs = pairs.to_vec();
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    ListRequest::from_pairs(&pairs).unwrap()
}

fn page(platform: &Platform, request: &ListRequest) -> Page<Deployment> {
    match platform.list(request).unwrap() {
        ListAnswer::Page(page) => page,
        ListAnswer::Changes(_) => panic!("a page was asked for"),
    }
}

fn changes(platform: &Platform, query: &DeploymentQuery, since: u64) -> Changes<Deployment> {
    let request = request(&query.to_pairs(), &[("since", since.to_string())]);
    match platform.list(&request).unwrap() {
        ListAnswer::Changes(changes) => changes,
        ListAnswer::Page(_) => panic!("changes were asked for"),
    }
}

fn refusal(platform: &Platform, since: u64) -> PlatformError {
    let request = request(&[], &[("since", since.to_string())]);
    platform.list_changes(&request).unwrap_err()
}

fn ids(deployments: &[Deployment]) -> Vec<String> {
    deployments
        .iter()
        .map(|d| d.deployment_id.clone())
        .collect()
}

#[test]
fn pages_cover_the_fleet_once_in_each_order() {
    let platform = fleet(3_000);
    let everyone: BTreeSet<String> = platform
        .records()
        .iter()
        .map(|r| r.deployment.deployment_id.clone())
        .collect();
    assert_eq!(everyone.len(), 3_000);
    let entries = || {
        platform.records().iter().map(|r| apply::Entry {
            deployment: &r.deployment,
            created: r.book.created,
        })
    };
    for sort in SortKey::ALL {
        for order in [Order::Asc, Order::Desc] {
            let query = DeploymentQuery::new(vec![], vec![], "", "", sort, order);
            let whole = request(&query.to_pairs(), &[]);
            let expected = apply::page(entries(), &whole, platform.revision());
            assert_eq!(page(&platform, &whole), expected);
            assert_eq!(expected.resource_version, platform.revision().to_string());
            // Each before the next in the query's order, by the values the records hold.
            let key = |d: &Deployment| {
                let created = platform
                    .records()
                    .iter()
                    .find(|r| r.deployment == *d)
                    .unwrap();
                query.sort_value(d, created.book.created)
            };
            for (a, b) in expected.items.iter().zip(&expected.items[1..]).step_by(97) {
                let first = query.compare(&key(a), &a.deployment_id, &key(b), &b.deployment_id);
                assert!(first.is_lt(), "{sort:?} {order:?}");
            }
            let mut seen = Vec::new();
            let mut next = request(&query.to_pairs(), &[("limit", "700".into())]);
            loop {
                let page = page(&platform, &next);
                assert_eq!((page.total, &page.counts), (3_000, &expected.counts));
                assert!(page.items.len() <= 700);
                seen.extend(ids(&page.items));
                match page.next {
                    Some(token) => {
                        next = request(&[], &[("continue", token), ("limit", "700".into())]);
                    }
                    None => break,
                }
            }
            assert_eq!(seen, ids(&expected.items), "{sort:?} {order:?}");
            assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), everyone);
        }
    }
}

#[test]
fn filters_list_what_the_query_matches() {
    let platform = fleet(2_000);
    for text in [
        "phase=Succeeded",
        "phase=Failed to start&phase=Deployment stopped&sort=name",
        "label=site:tokyo",
        "label=site:tokyo&label=env:dev&sort=generation&order=desc",
        "search=NAV-OSAKA",
        "packageId=pkg-fleet-dashboard&phase=Failed to start",
        "phase=Exploded&label=site:tokyo",
        "phase=In progress&phase=Provisioning&search=dashboard&label=site:kobe",
    ] {
        let pairs: Vec<(String, String)> = text
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let request = request(&pairs, &[]);
        let query = &request.query;
        let page = page(&platform, &request);
        let listed: BTreeSet<String> = ids(&page.items).into_iter().collect();
        let matching: BTreeSet<String> = platform
            .records()
            .iter()
            .filter(|r| query.matches(&r.deployment))
            .map(|r| r.deployment.deployment_id.clone())
            .collect();
        assert_eq!(listed, matching, "{text}");
        assert!(
            !matching.is_empty() || text.contains("kobe") || text.contains("Exploded"),
            "{text}: none to compare"
        );
        assert_eq!(page.total as usize, matching.len());
        let mut counts: BTreeMap<String, u64> = Phase::KNOWN
            .iter()
            .map(|p| (p.as_str().into(), 0))
            .collect();
        for record in platform.records() {
            if query.matches_except_phase(&record.deployment) {
                *counts
                    .entry(record.deployment.phase.as_str().into())
                    .or_default() += 1;
            }
        }
        assert_eq!(page.counts, counts, "{text}");
    }
}

fn dashboard(name: &str) -> ProvisionRequest {
    ProvisionRequest {
        name: name.into(),
        package_id: "pkg-fleet-dashboard".into(),
        plan_id: "plan-fleet-dashboard".into(),
        ..Default::default()
    }
}

/// Something done to the platform.
type Step = Box<dyn Fn(&mut Platform)>;

/// The deployments that differ from `before`, and those that are new.
fn differing(platform: &Platform, before: &BTreeMap<String, Deployment>) -> BTreeSet<String> {
    platform
        .records()
        .iter()
        .filter(|r| before.get(&r.deployment.deployment_id) != Some(&r.deployment))
        .map(|r| r.deployment.deployment_id.clone())
        .collect()
}

fn snapshot(platform: &Platform) -> BTreeMap<String, Deployment> {
    platform
        .records()
        .iter()
        .map(|r| (r.deployment.deployment_id.clone(), r.deployment.clone()))
        .collect()
}

#[test]
fn since_answers_exactly_what_changed() {
    let mut platform = fleet(2_000);
    let everything = DeploymentQuery::default();
    let succeeded = DeploymentQuery::new(
        vec![Phase::Succeeded],
        vec![],
        "",
        "",
        SortKey::Created,
        Order::Desc,
    );
    let mut steps: Vec<Step> = vec![
        Box::new(|p| p.advance(T0.plus(60_000))),
        Box::new(|p| {
            p.provision(&dashboard("fresh"), "ana", T0.plus(61_000), None)
                .unwrap();
        }),
        Box::new(|p| p.advance(T0.plus(120_000))),
    ];
    let stopped = platform
        .records()
        .iter()
        .find(|r| {
            r.deployment.phase == Phase::Succeeded && r.deployment.creator == fleet::FLEET_USER
        })
        .map(|r| r.deployment.deployment_id.clone())
        .unwrap();
    let target = stopped.clone();
    steps.push(Box::new(move |p| {
        p.deprovision(&target, T0.plus(121_000)).unwrap();
    }));
    let mut last_gone = BTreeSet::new();
    for step in &mut steps {
        let since = platform.revision();
        let before = snapshot(&platform);
        step(&mut platform);
        let changed = differing(&platform, &before);
        assert!(!changed.is_empty());
        let all = changes(&platform, &everything, since);
        assert_eq!(all.resource_version, platform.revision().to_string());
        assert!(all.deleted.is_empty());
        assert_eq!(
            ids(&all.items).into_iter().collect::<BTreeSet<_>>(),
            changed
        );
        let only = changes(&platform, &succeeded, since);
        let listed: BTreeSet<String> = ids(&only.items).into_iter().collect();
        let gone: BTreeSet<String> = only.deleted.iter().cloned().collect();
        assert!(only.items.iter().all(|d| d.phase == Phase::Succeeded));
        assert_eq!(&listed | &gone, changed);
        for id in &gone {
            assert_ne!(platform.deployment(id).unwrap().phase, Phase::Succeeded);
        }
        let now = changes(&platform, &everything, platform.revision());
        assert!(
            now.items.is_empty() && now.deleted.is_empty(),
            "nothing since now"
        );
        last_gone = gone;
    }
    // The deprovisioned one left the Succeeded list: it came back in `deleted`.
    assert_eq!(last_gone, BTreeSet::from([stopped]));
}

#[test]
fn since_is_refused_outside_the_history_and_past_too_many_changes() {
    let platform = fleet(2_000);
    assert_eq!(platform.epoch(), 0, "made here: every change is known");
    for since in [platform.revision() + 1, u64::MAX, 0] {
        let error = refusal(&platform, since);
        assert_eq!(
            (error.http_status(), error.code()),
            (410, "expired"),
            "{since}"
        );
    }
    assert!(
        refusal(&platform, 0)
            .to_string()
            .contains(&MAX_CHANGES.to_string())
    );
    let versions: Vec<u64> = {
        let mut v: Vec<u64> = platform.records().iter().map(|r| r.book.version).collect();
        v.sort_unstable();
        v
    };
    // Exactly MAX_CHANGES changed after this version: answered; one more: refused.
    let edge = versions[versions.len() - MAX_CHANGES - 1];
    assert_eq!(
        changes(&platform, &DeploymentQuery::default(), edge)
            .items
            .len(),
        MAX_CHANGES
    );
    assert_eq!(refusal(&platform, edge - 1).code(), "expired");
    let error = platform.list_changes(&request(&[], &[])).unwrap_err();
    assert_eq!(error.http_status(), 400);
}

#[test]
fn a_restored_platform_answers_since_only_from_the_restore_on() {
    let mut platform = seed::seeded(3, T0, SimConfig::default());
    let at_save = platform.revision();
    let mut restored = Platform::from_json(&platform.to_json()).unwrap();
    assert_eq!(restored, platform);
    assert_eq!(restored.epoch(), at_save);
    assert_eq!(refusal(&restored, at_save - 1).code(), "expired");
    assert!(
        changes(&restored, &DeploymentQuery::default(), at_save)
            .items
            .is_empty()
    );
    let made = restored
        .provision(&dashboard("after"), "ana", T0.plus(1_000), None)
        .unwrap();
    let after = changes(&restored, &DeploymentQuery::default(), at_save);
    assert_eq!(ids(&after.items), [made.deployment_id]);
    platform.advance(T0.plus(1_000));
    assert_eq!(platform.epoch(), 0);
}

#[test]
fn a_platform_that_succeeds_another_refuses_the_old_history() {
    let mut old = seed::seeded(11, T0, SimConfig::default());
    old.advance(T0.plus(60_000));
    let seen = old.revision();
    let mut fresh = seed::seeded(12, T0, SimConfig::default());
    fresh.succeed(&old);
    assert!(fresh.revision() > seen);
    assert!(matches!(refusal(&fresh, seen), PlatformError::Expired(_)));
    // Its own versions are answered as usual.
    let now = fresh.revision();
    assert!(
        changes(&fresh, &DeploymentQuery::default(), now)
            .items
            .is_empty()
    );
}
