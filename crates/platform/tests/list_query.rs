//! The deployments list's query as a client holds it: written back to query-string pairs that
//! read back to the same query, any odd text included; one order for lists, pages and cursors;
//! a whole list selected in memory as a page of it would be.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::Phase;
use platform::list::{
    Cursor, DeploymentQuery, ListRequest, Order, SortKey, SortValue, apply, sort_value,
};
use platform::time::Millis;
use platform::wire::{Deployment, Label};
use proptest::prelude::*;

fn pair(key: &str, value: &str) -> (String, String) {
    (key.to_string(), value.to_string())
}

fn read(pairs: &[(String, String)]) -> DeploymentQuery {
    ListRequest::from_pairs(pairs).unwrap().query
}

fn label(key: &str, value: &str) -> Label {
    Label {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn defaults_are_left_out() {
    assert_eq!(DeploymentQuery::default().to_pairs(), []);
    let newest_first = DeploymentQuery::new(vec![], vec![], " ", "", SortKey::Created, Order::Desc);
    assert_eq!(newest_first.to_pairs(), []);
    let by_name = DeploymentQuery::new(vec![], vec![], "", "", SortKey::Name, Order::Asc);
    assert_eq!(by_name.to_pairs(), [pair("sort", "name")]);
    let oldest_first = DeploymentQuery::new(vec![], vec![], "", "", SortKey::Created, Order::Asc);
    assert_eq!(oldest_first.to_pairs(), [pair("order", "asc")]);
}

#[test]
fn every_part_is_written_and_reads_back() {
    let query = DeploymentQuery::new(
        vec![
            Phase::Succeeded,
            Phase::InProgress,
            Phase::parse("Exploded"),
        ],
        vec![label("site", "tokyo"), label("env", "a:b c&d=e%20")],
        " Nav & Co=100%+#? ",
        "pkg-amr-navigation",
        SortKey::Generation,
        Order::Desc,
    );
    let pairs = query.to_pairs();
    assert_eq!(
        pairs,
        [
            pair("phase", "In progress"),
            pair("phase", "Succeeded"),
            pair("phase", "Exploded"),
            pair("label", "env:a:b c&d=e%20"),
            pair("label", "site:tokyo"),
            pair("search", "nav & co=100%+#?"),
            pair("packageId", "pkg-amr-navigation"),
            pair("sort", "generation"),
            pair("order", "desc"),
        ]
    );
    assert_eq!(read(&pairs), query);
}

/// Text with the characters query strings, selectors and folding care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 :&=%+#?/\\t\u{a0}éÉΣσςİß漢-]{0,10}",
        ".{0,8}",
        Just(String::new()),
    ]
}

fn phase_word() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(Phase::KNOWN.to_vec()).prop_map(|p| p.as_str().to_string()),
        Just(" in PROGRESS ".to_string()),
        Just("failed-to-start".to_string()),
        text(),
    ]
}

fn request_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        proptest::collection::vec(phase_word(), 0..4),
        proptest::collection::vec((text(), text()), 0..4),
        text(),
        text(),
        proptest::option::of(proptest::sample::select(vec![
            "created",
            "name",
            "phase",
            "generation",
            " NAME ",
        ])),
        proptest::option::of(proptest::sample::select(vec!["asc", "desc", "DESC"])),
    )
        .prop_map(|(phases, labels, search, package, sort, order)| {
            let mut pairs: Vec<(String, String)> =
                phases.iter().map(|p| pair("phase", p)).collect();
            pairs.extend(
                labels
                    .iter()
                    .map(|(k, v)| pair("label", &format!("{k}:{v}"))),
            );
            pairs.push(pair("search", &search));
            pairs.push(pair("packageId", &package));
            pairs.extend(sort.map(|s| pair("sort", s)));
            pairs.extend(order.map(|o| pair("order", o)));
            pairs
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every query a request can ask for (every canonical query) is written as pairs that
    /// read back to it.
    #[test]
    fn written_pairs_read_back_to_the_query(pairs in request_pairs()) {
        let Ok(request) = ListRequest::from_pairs(&pairs) else {
            return Ok(());
        };
        let query = request.query;
        let written = query.to_pairs();
        prop_assert_eq!(&ListRequest::from_pairs(&written).unwrap().query, &query, "{:?}", written);
        prop_assert!(written.iter().all(|(_, v)| !v.trim().is_empty()));
    }

    /// Lists, pages and cursors agree on which entry comes first.
    #[test]
    fn cursors_and_lists_order_alike(
        a in (0i64..4, "[ab]{1,2}"),
        b in (0i64..4, "[ab]{1,2}"),
        asc in any::<bool>(),
    ) {
        let order = if asc { Order::Asc } else { Order::Desc };
        let query = DeploymentQuery::new(vec![], vec![], "", "", SortKey::Generation, order);
        let (va, vb) = (SortValue::Int(a.0), SortValue::Int(b.0));
        let first = query.compare(&va, &a.1, &vb, &b.1);
        let cursor = Cursor { value: va.clone(), id: a.1.clone() };
        prop_assert_eq!(cursor.is_before(&vb, &b.1, order), first.is_lt());
        prop_assert_eq!(query.compare(&vb, &b.1, &va, &a.1), first.reverse());
        prop_assert_eq!(first.is_eq(), a == b);
    }
}

fn deployment(id: &str, name: &str, phase: &Phase, created: &str, site: &str) -> Deployment {
    serde_json::from_value(serde_json::json!({
        "deploymentId": id, "name": name, "phase": phase.as_str(), "packageId": "pkg-a",
        "CreatedAt": created, "labels": [{"key": "site", "value": site}],
    }))
    .unwrap()
}

#[test]
fn a_client_with_wire_objects_selects_as_a_page_would() {
    let deployments: Vec<Deployment> = (0..40)
        .map(|i| {
            let created = Millis(1_790_000_000_000 + (i as i64 % 7) * 1_000).to_rfc3339();
            let site = if i % 3 == 0 { "tokyo" } else { "osaka" };
            let phase = &Phase::KNOWN[i % 5];
            deployment(
                &format!("dep-{i:02}"),
                &format!("amr-{}", i % 4),
                phase,
                &created,
                site,
            )
        })
        .collect();
    assert_eq!(
        apply::created_of(&deployments[1]),
        Millis(1_790_000_001_000)
    );
    let mut odd = deployments[0].clone();
    odd.created_at = "yesterday".into();
    assert_eq!(apply::created_of(&odd), Millis(0), "not a time: the oldest");
    for text in [
        "",
        "sort=name",
        "sort=phase&order=desc",
        "label=site:tokyo&phase=Succeeded",
    ] {
        let pairs: Vec<(String, String)> = text
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| pair(k, v))
            .collect();
        let request = ListRequest::from_pairs(&pairs).unwrap();
        let query = &request.query;
        let selection = apply::select(deployments.iter().map(apply::Entry::of), query);
        let page = apply::page(deployments.iter().map(apply::Entry::of), &request, 1);
        let selected: Vec<&Deployment> = selection.order.iter().map(|p| &deployments[*p]).collect();
        let paged: Vec<&Deployment> = page.items.iter().collect();
        assert_eq!(selected, paged, "{text}");
        assert_eq!(selection.counts.to_map(), page.counts);
        assert_eq!(selection.counts.total(query), page.total);
        // In the query's order, each before the next.
        let key = |d: &Deployment| sort_value(query.sort, d, apply::created_of(d));
        for pair in selected.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let order = query.compare(&key(a), &a.deployment_id, &key(b), &b.deployment_id);
            assert!(
                order.is_lt(),
                "{text}: {} {}",
                a.deployment_id,
                b.deployment_id
            );
        }
    }
}
