//! The list store against the platform's in-memory list rules standing in for a backend.

use std::ops::Range;

use super::*;
use platform::list::{Changes, MAX_LIMIT, Page};
use platform::list::{ListRequest, SortKey};
use platform::phase::Phase;
use platform::time::Millis;

fn deployment(i: usize, phase: &str) -> Deployment {
    serde_json::from_value(serde_json::json!({
        "deploymentId": format!("dep-{i:06}"),
        "name": format!("robot-{:06}", (i * 7919) % 100_000),
        "phase": phase,
        "CreatedAt": Millis(1_800_000_000_000 + i as i64 * 1_000).to_rfc3339(),
    }))
    .unwrap()
}

fn fleet(n: usize) -> Vec<Deployment> {
    (0..n)
        .map(|i| {
            deployment(
                i,
                if i % 10 == 3 {
                    "In progress"
                } else {
                    "Succeeded"
                },
            )
        })
        .collect()
}

fn query(sort: SortKey, order: Order) -> DeploymentQuery {
    DeploymentQuery::new(Vec::new(), Vec::new(), "", "", sort, order)
}

/// The backend: the platform's reference list over `all`.
fn answer(
    all: &[Deployment],
    query: &DeploymentQuery,
    token: Option<&str>,
    limit: usize,
) -> Page<Deployment> {
    answer_at(all, query, token, limit, None)
}

fn answer_at(
    all: &[Deployment],
    query: &DeploymentQuery,
    token: Option<&str>,
    limit: usize,
    offset: Option<usize>,
) -> Page<Deployment> {
    let mut pairs: Vec<(String, String)> = vec![("limit".into(), limit.to_string())];
    match token {
        Some(token) => pairs.push(("continue".into(), token.into())),
        None => pairs.extend(query.to_pairs()),
    }
    if let Some(offset) = offset {
        pairs.push(("offset".into(), offset.to_string()));
    }
    let request = ListRequest::from_pairs(&pairs).unwrap();
    apply::page(all.iter().map(apply::Entry::of), &request, 7)
}

fn listed(all: &[Deployment], query: &DeploymentQuery, first: usize) -> Store {
    let mut store = Store::default();
    let generation = store.reset(Some(query.clone()));
    let page = answer(all, query, None, first);
    store
        .apply_listing(generation, Listing::Page(page))
        .unwrap();
    store
}

/// Reads what `range` needs until every row in it is there; returns the requests made.
fn fill(store: &mut Store, all: &[Deployment], range: Range<usize>) -> usize {
    let mut requests = 0;
    while let Some(ask) = store.wanted(range.clone()) {
        let page = answer_at(all, &ask.query, ask.token.as_deref(), ask.limit, ask.offset);
        store.apply_chunk(&ask, page, range.start).unwrap();
        requests += 1;
        assert!(requests < 500, "no end to the requests for {range:?}");
    }
    requests
}

fn ids(store: &Store, range: Range<usize>) -> Vec<String> {
    range
        .map(|i| match store.slot(i) {
            Slot::Row(d) => d.deployment_id.clone(),
            Slot::Pending => format!("pending {i}"),
        })
        .collect()
}

fn expected(all: &[Deployment], query: &DeploymentQuery, range: Range<usize>) -> Vec<String> {
    let everything = apply::select(all.iter().map(apply::Entry::of), query);
    everything.order[range]
        .iter()
        .map(|p| all[*p].deployment_id.clone())
        .collect()
}

#[test]
fn the_first_page_shows_the_top_and_the_rest_waits() {
    let all = fleet(10_000);
    let q = query(SortKey::Created, Order::Desc);
    let store = listed(&all, &q, 50);
    assert_eq!(store.total, 10_000);
    assert_eq!(ids(&store, 0..50), expected(&all, &q, 0..50));
    assert_eq!(store.slot(50), Slot::Pending);
    assert_eq!(store.wanted(0..50), None);
}

#[test]
fn the_end_is_one_request_away_and_a_jump_anywhere_is_one_more() {
    let all = fleet(10_000);
    for (sort, order) in [
        (SortKey::Created, Order::Desc),
        (SortKey::Name, Order::Asc),
        (SortKey::Phase, Order::Asc),
    ] {
        let q = query(sort, order);
        let mut store = listed(&all, &q, 50);
        assert_eq!(fill(&mut store, &all, 9_950..10_000), 1, "{sort:?}");
        assert_eq!(
            ids(&store, 9_950..10_000),
            expected(&all, &q, 9_950..10_000)
        );
        // Row 5,000, far from both ends: one request where it is.
        let steps = fill(&mut store, &all, 5_010..5_040);
        assert_eq!(steps, 1, "{sort:?}: a jump is one request");
        assert_eq!(ids(&store, 5_010..5_040), expected(&all, &q, 5_010..5_040));
        // A view across two chunks there: one more.
        assert_eq!(fill(&mut store, &all, 5_180..5_220), 1);
        assert_eq!(ids(&store, 5_180..5_220), expected(&all, &q, 5_180..5_220));
        // Just below the first page: read on from the top.
        let ask = store.wanted(60..80).unwrap();
        assert_eq!((ask.end, ask.offset), (End::Head, None));
        fill(&mut store, &all, 60..80);
        assert_eq!(ids(&store, 60..80), expected(&all, &q, 60..80));
    }
}

#[test]
fn scrolling_through_everything_holds_a_few_screens_and_dropped_rows_come_back() {
    let all = fleet(12_000);
    let q = query(SortKey::Name, Order::Asc);
    let mut store = listed(&all, &q, 50);
    let mut at = 0;
    while at < 12_000 {
        let range = at..(at + 40).min(12_000);
        fill(&mut store, &all, range.clone());
        assert_eq!(ids(&store, range.clone()), expected(&all, &q, range));
        assert!(
            store.held() <= MAX_HELD + MAX_LIMIT,
            "{} held",
            store.held()
        );
        at += 150;
    }
    // Back to the top: the first rows were dropped and are read again.
    assert_eq!(store.slot(0), Slot::Pending);
    fill(&mut store, &all, 0..40);
    assert_eq!(ids(&store, 0..40), expected(&all, &q, 0..40));
}

#[test]
fn jumping_around_holds_a_few_screens_and_every_jump_lands_right() {
    let all = fleet(50_000);
    let q = query(SortKey::Created, Order::Desc);
    let mut store = listed(&all, &q, 50);
    for at in [
        25_000, 3_000, 47_000, 12_345, 30_000, 8_000, 40_000, 20_000, 35_000, 25_000,
    ] {
        // A jump, then a few screens of scrolling from there.
        for step in 0..20 {
            let range = at + step * 25..at + step * 25 + 30;
            assert!(fill(&mut store, &all, range.clone()) <= 2, "{at}");
            assert_eq!(ids(&store, range.clone()), expected(&all, &q, range));
        }
        assert!(
            store.held() <= MAX_HELD + MAX_LIMIT,
            "{} held",
            store.held()
        );
    }
}

#[test]
fn answers_for_another_list_are_dropped() {
    let all = fleet(300);
    let q = query(SortKey::Created, Order::Desc);
    let mut store = listed(&all, &q, 50);
    let ask = store.wanted(100..120).unwrap();
    let page = answer(&all, &ask.query, ask.token.as_deref(), ask.limit);
    store.reset(Some(query(SortKey::Name, Order::Asc)));
    assert_eq!(store.apply_chunk(&ask, page.clone(), 0), None);
    let old = store.generation - 1;
    assert_eq!(store.apply_listing(old, Listing::Page(page)), None);
}

#[test]
fn changes_update_loaded_rows_in_place_remove_deleted_ones_and_insert_new_ones_at_the_top() {
    let mut all = fleet(1_000);
    let q = query(SortKey::Created, Order::Desc);
    let mut store = listed(&all, &q, 100);
    let top = ids(&store, 0..1)[0].clone();
    // One row moves on, one leaves, one is new, one changed far below (not loaded).
    let mut moved = all.iter().find(|d| d.deployment_id == top).unwrap().clone();
    moved.phase = Phase::Succeeded;
    moved.current_generation = 2;
    let gone = ids(&store, 5..6)[0].clone();
    let fresh = deployment(5_000, "Provisioning");
    let mut far = all[10].clone();
    far.current_generation = 9;
    all.push(fresh.clone());
    let changes = Changes {
        items: vec![moved.clone(), fresh.clone(), far],
        deleted: vec![gone.clone()],
        resource_version: "8".into(),
    };
    let applied = store
        .apply_changes(store.generation, changes, None)
        .unwrap();
    assert_eq!(applied.updated, vec![moved.clone()]);
    assert!(applied.layout);
    assert_eq!(store.version.as_deref(), Some("8"));
    assert_eq!(store.total, 1_000);
    assert_eq!(store.slot(0), Slot::Row(&fresh));
    assert_eq!(store.slot(1), Slot::Row(&moved));
    assert!(!ids(&store, 0..100).contains(&gone));
    // Nothing changed: nothing to do.
    let quiet = Changes {
        items: Vec::new(),
        deleted: Vec::new(),
        resource_version: "8".into(),
    };
    assert_eq!(
        store.apply_changes(store.generation, quiet, None),
        Some(Applied::default())
    );
}

#[test]
fn a_whole_list_is_filtered_sorted_and_counted_by_the_platform_rules() {
    let all = fleet(2_000);
    let q = DeploymentQuery::new(
        vec![Phase::InProgress],
        Vec::new(),
        "robot-0",
        "",
        SortKey::Name,
        Order::Asc,
    );
    let mut store = Store::default();
    let generation = store.reset(Some(q.clone()));
    let applied = store
        .apply_listing(generation, Listing::Whole(all.clone()))
        .unwrap();
    assert!(applied.layout);
    let reference = answer(&all, &q, None, MAX_LIMIT);
    assert_eq!(store.total as u64, reference.total);
    assert_eq!(store.counts.as_ref(), Some(&reference.counts));
    let shown = ids(&store, 0..store.total);
    let wanted: Vec<String> = reference
        .items
        .iter()
        .map(|d| d.deployment_id.clone())
        .collect();
    assert_eq!(shown, wanted);
    assert_eq!(
        store.wanted(0..50),
        None,
        "a whole list needs no more requests"
    );
    // The same list again changes nothing; one deployment changed updates its row only.
    let again = store
        .apply_listing(generation, Listing::Whole(all.clone()))
        .unwrap();
    assert_eq!(again, Applied::default());
    let mut next = all.clone();
    next[3].current_generation = 4;
    let applied = store
        .apply_listing(generation, Listing::Whole(next.clone()))
        .unwrap();
    assert_eq!(applied.updated, vec![next[3].clone()]);
    assert!(!applied.layout);
}

#[test]
fn an_action_answer_updates_its_row_or_takes_it_out_of_a_list_that_no_longer_holds_it() {
    let all = fleet(500);
    let live = DeploymentQuery::new(
        Phase::live_phases(),
        Vec::new(),
        "",
        "",
        SortKey::Created,
        Order::Desc,
    );
    let mut store = listed(&all, &live, 100);
    let total = store.total;
    let Slot::Row(first) = store.slot(0) else {
        panic!("the first row is loaded")
    };
    let mut updated = first.clone();
    updated.current_generation += 1;
    let applied = store.take_own(&updated);
    assert_eq!(applied.updated, vec![updated.clone()]);
    assert!(!applied.layout);
    let mut stopped = updated.clone();
    stopped.phase = Phase::DeploymentStopped;
    let applied = store.take_own(&stopped);
    assert!(applied.layout);
    assert_eq!(store.total, total - 1);
    assert!(!ids(&store, 0..50).contains(&stopped.deployment_id));
}

#[test]
fn a_new_query_asks_for_no_rows_until_its_first_page_is_in() {
    let all = fleet(1_000);
    let q = query(SortKey::Name, Order::Asc);
    let mut store = listed(&all, &q, 50);
    let generation = store.reset(Some(query(SortKey::Created, Order::Asc)));
    assert!(store.awaiting);
    assert_eq!(store.wanted(0..400), None);
    let page = answer(&all, store.query.as_ref().unwrap(), None, 50);
    store
        .apply_listing(generation, Listing::Page(page))
        .unwrap();
    assert!(store.wanted(0..400).is_some());
}

#[test]
fn islands_move_with_the_rows_added_and_removed_above_them() {
    let mut all = fleet(10_000);
    let q = query(SortKey::Created, Order::Desc);
    let mut store = listed(&all, &q, 50);
    fill(&mut store, &all, 5_000..5_030);
    // Two new deployments at the top: the island moves down by two.
    let new: Vec<Deployment> = (20_000..20_002)
        .map(|i| deployment(i, "In progress"))
        .collect();
    all.extend(new.iter().cloned());
    let changes = Changes {
        items: new,
        deleted: Vec::new(),
        resource_version: "8".into(),
    };
    store
        .apply_changes(store.generation, changes, None)
        .unwrap();
    assert_eq!(ids(&store, 5_002..5_030), expected(&all, &q, 5_002..5_030));
    // One of the first rows and one in the island go: the rest of it moves up.
    let first = ids(&store, 3..4)[0].clone();
    let inside = ids(&store, 5_010..5_011)[0].clone();
    all.retain(|d| d.deployment_id != first && d.deployment_id != inside);
    let changes = Changes {
        items: Vec::new(),
        deleted: vec![first, inside],
        resource_version: "9".into(),
    };
    store
        .apply_changes(store.generation, changes, None)
        .unwrap();
    assert_eq!(ids(&store, 5_001..5_025), expected(&all, &q, 5_001..5_025));
}
