//! The deployments and devices lists at fleet scale, over HTTP on both stores: pages walked
//! with `continue` agree with the platform's list rules (`platform::list::apply`) computed over
//! the whole list, pages neither repeat nor skip while the fleet changes, `since` answers
//! changes and refuses what it cannot answer, bad values get 400, `counts` stay right after
//! operations, and a page's weak ETag ignores changes elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

#[macro_use]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{Backing, Server, dashboard};
use platform::list::{DeviceListRequest, ListRequest, Page, PhaseCounts, apply};
use platform::time::Millis;
use platform::wire::{Deployment, Device};
use reqwest::{Method, header};
use serde_json::{Value, json};

/// The page size of walks: small, and dividing nothing.
const PAGE: usize = 97;

/// Adds a synthetic fleet to `store` through a store of its own, as `seed-fleet` does (also
/// while a server runs on it).
fn seed_fleet(store: &Backing, deployments: usize, devices: usize) {
    let args = ["rio-backend".to_string(), "--speed".into(), "50".into()]
        .into_iter()
        .chain(store.args())
        .collect::<Vec<_>>();
    let options = <backend::Options as clap::Parser>::try_parse_from(args).expect("options");
    let fleet = backend::open_store(&options).expect("the store opens");
    fleet
        .seed_fleet(deployments, devices)
        .expect("the fleet is seeded");
}

/// `key=value&…`, written unencoded (values may hold spaces), as pairs.
fn split(query: &str) -> Vec<(&str, &str)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect()
}

/// `pairs` as a query string.
fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// GET `path`, which must answer 200.
async fn get_ok(server: &Server, path: &str) -> Value {
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The `key` of every item of a page.
fn field(page: &Value, key: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {page}"))
        .iter()
        .map(|item| item[key].as_str().expect("a text field").to_string())
        .collect()
}

fn ids(page: &Value) -> Vec<String> {
    field(page, "deploymentId")
}

fn deployments(page: &Value) -> Vec<Deployment> {
    serde_json::from_value(page["items"].clone()).expect("deployments")
}

fn counts(page: &Value) -> BTreeMap<String, u64> {
    serde_json::from_value(page["counts"].clone()).unwrap_or_else(|_| panic!("counts in {page}"))
}

/// Deployments per phase among `items`, as `counts` spells them.
fn tally(items: &[Deployment]) -> BTreeMap<String, u64> {
    let mut counts = PhaseCounts::default();
    items.iter().for_each(|d| counts.add(&d.phase));
    counts.to_map()
}

fn version(page: &Value) -> u64 {
    page["resourceVersion"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a resourceVersion in {page}"))
}

/// Waits until nothing is In progress or Provisioning; returns the whole list then.
async fn settle(server: &Server) -> (Vec<Deployment>, Value) {
    for _ in 0..400 {
        let page = get_ok(server, "/api/v1/deployments").await;
        if page["counts"]["In progress"] == 0 && page["counts"]["Provisioning"] == 0 {
            return (deployments(&page), page);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deployments never settled");
}

/// What the platform's list rules answer for `query` over `all`.
fn reference(all: &[Deployment], query: &[(&str, &str)]) -> Page<Deployment> {
    let request = ListRequest::from_pairs(&owned(query)).expect("a valid query");
    let entries = all.iter().map(|d| apply::Entry {
        deployment: d,
        created: Millis::parse_rfc3339(&d.created_at).expect("an RFC 3339 CreatedAt"),
    });
    apply::page(entries, &request, 0)
}

/// Every page of `path?query` with `limit`, following `continue` (sent alone on odd pages, with
/// the query restated on even ones); only the last page may lack a token.
async fn walk(server: &Server, path: &str, query: &[(&str, &str)], limit: usize) -> Vec<Value> {
    let limit = limit.to_string();
    let mut pages: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut pairs = vec![("limit", limit.as_str())];
        if token.is_none() || pages.len().is_multiple_of(2) {
            pairs.extend_from_slice(query);
        }
        if let Some(token) = &token {
            pairs.push(("continue", token.as_str()));
        }
        let page = get_ok(server, &format!("{path}?{}", encode(&pairs))).await;
        token = page["continue"].as_str().map(str::to_string);
        pages.push(page);
        if token.is_none() {
            return pages;
        }
        assert!(pages.len() < 2000, "{path} {query:?} never ends");
    }
}

/// Panics naming the first place `seen` and `want` part.
fn assert_same_order(seen: &[String], want: &[String], what: &str) {
    if seen != want {
        let at = seen.iter().zip(want).position(|(a, b)| a != b);
        panic!(
            "{what}: {} listed, {} expected; first difference at {at:?}: {:?} vs {:?}",
            seen.len(),
            want.len(),
            at.map(|i| &seen[i]),
            at.map(|i| &want[i]),
        );
    }
}

/// Walks `query` in pages of `limit` and checks the pages against the rules over `all`.
async fn assert_pages_follow_the_rules(
    server: &Server,
    all: &[Deployment],
    query: &str,
    limit: usize,
) {
    let query = split(query);
    let expected = reference(all, &query);
    let pages = walk(server, "/api/v1/deployments", &query, limit).await;
    let mut seen = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page["total"], expected.total, "{query:?}, page {n}: total");
        assert_eq!(counts(page), expected.counts, "{query:?}, page {n}: counts");
        let items = ids(page);
        if n + 1 < pages.len() {
            assert_eq!(items.len(), limit, "{query:?}, page {n} is not full");
        }
        seen.extend(items);
    }
    let want: Vec<String> = expected
        .items
        .into_iter()
        .map(|d| d.deployment_id)
        .collect();
    assert_same_order(&seen, &want, &format!("{query:?}"));
}

/// A dashboard deployment with `labels` written `key:value,…`.
fn labelled(name: &str, labels: &str) -> Value {
    let mut body = dashboard(name);
    body["labels"] = labels
        .split(',')
        .filter_map(|label| label.split_once(':'))
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    body
}

async fn create(server: &Server, body: &Value) -> String {
    let (status, created) = server.send(Method::POST, "/api/v1/deployments", body).await;
    assert_eq!(status, 201, "{created}");
    created["deploymentId"].as_str().unwrap().to_string()
}

/// A new generation of a Succeeded dashboard deployment.
async fn update(server: &Server, id: &str) {
    let path = format!("/api/v1/deployments/{id}");
    let current = get_ok(server, &path).await;
    let body = json!({
        "expectedGeneration": current["currentGeneration"],
        "components": ["comp-dashboard-web"],
    });
    let (status, answer) = server.send(Method::PATCH, &path, &body).await;
    assert_eq!(status, 202, "PATCH {id}: {answer}");
}

async fn deprovision(server: &Server, id: &str) {
    let path = format!("/api/v1/deployments/{id}");
    let (status, answer) = server.send(Method::DELETE, &path, &json!({})).await;
    assert_eq!(status, 202, "DELETE {id}: {answer}");
}

async fn control(server: &Server, path: &str) {
    let path = format!("/__control/{path}");
    let (status, answer) = server.send(Method::POST, &path, &json!({})).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
}

/// Asserts an error answer with `status`, `code` and a message containing `fragment`.
async fn assert_refused(server: &Server, path: &str, status: u16, code: &str, fragment: &str) {
    let (got, error) = server.get(path).await;
    assert_eq!(got, status, "{path}: {error}");
    assert_eq!(error["error"]["code"], code, "{path}: {error}");
    let message = error["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "{path}: {message:?} lacks {fragment:?}"
    );
}

/// The counts `path` answers equal its own items' phases (the page and counts are one snapshot).
async fn assert_counts_match_items(server: &Server, path: &str) -> Value {
    let page = get_ok(server, path).await;
    let items = deployments(&page);
    assert_eq!(counts(&page), tally(&items), "{path}: counts vs its items");
    assert_eq!(page["total"], items.len(), "{path}: total");
    page
}

/// GET `url` with If-None-Match: `etag`.
async fn get_if_none_match(server: &Server, url: &str, etag: &str) -> reqwest::Response {
    let request = server.client.get(url).header(header::IF_NONE_MATCH, etag);
    request.send().await.expect("GET")
}

on_both_stores! {
    async fn pages_walked_with_continue_follow_the_list_rules_on_a_fleet(store) {
        // Over 2,000 deployments: the store may plan lists that match many rows differently.
        seed_fleet(&store, 2500, 120);
        let server = Server::on(&store, &[]).await;
        // Names a locale's collation or a case-sensitive search would order or match otherwise.
        for (name, labels) in [
            ("Nav-Osaka-Upper", "site:osaka"),
            ("NAV-OSAKA-AMR-shout", "site:osaka,env:dev"),
            ("nav osaka spaced", ""),
            ("nav_osaka.under", "env:dev"),
            ("0nav-osaka-first", "site:osaka"),
        ] {
            create(&server, &labelled(name, labels)).await;
        }
        let (all, whole) = settle(&server).await;
        assert!(all.len() >= 2505, "{} deployments", all.len());
        let newest_first: Vec<String> =
            reference(&all, &[]).items.into_iter().map(|d| d.deployment_id).collect();
        assert_same_order(&ids(&whole), &newest_first, "the unpaged list");
        for phase in ["Succeeded", "Failed to start", "Failed to update", "Deployment stopped"] {
            assert!(counts(&whole)[phase] > 0, "no {phase} in the fleet: {}", whole["counts"]);
        }

        let mut queries: Vec<String> = vec![String::new()];
        for sort in ["created", "name", "phase", "generation"] {
            queries.push(format!("sort={sort}"));
            for order in ["asc", "desc"] {
                queries.push(format!("sort={sort}&order={order}"));
            }
        }
        queries.extend(
            [
                "phase=Succeeded",
                "phase=succeeded&sort=name",
                "phase=Failed to start&phase=Deployment stopped",
                "phase=Failed to update&phase=Deployment stopped&sort=phase&order=desc",
                "phase=Bogus",
                "phase=Succeeded&phase=Bogus&sort=generation",
                "label=site:osaka",
                "label= site : osaka &label=site:osaka&sort=name",
                "label=site:osaka&label=env:dev",
                "label=env:dev&label=site:kobe&sort=generation&order=desc",
                "label=site:atlantis",
                "search=OsAkA-AmR-000",
                "search= NAV-osaka &sort=name&order=desc",
                "search=Dashboard-KOBE&sort=created&order=asc",
                "search=_",
                "search=%&sort=name",
                "search=v_o",
                "search=a.u&label=env:dev",
                "search=na\"v",
                "search=os*&sort=name",
                "search=amr-0001&phase=Succeeded&sort=generation",
                "packageId=pkg-amr-navigation",
                "packageId=pkg-fleet-dashboard&sort=name",
                "label=site:tokyo&phase=Succeeded&sort=name&order=desc",
                "packageId=pkg-amr-navigation&label=env:dev&sort=generation",
                "search=nav&phase=Deployment stopped&phase=Failed to update&sort=phase",
                "label=site:kyoto&search=dashboard&packageId=pkg-fleet-dashboard",
                "label=site:osaka&search=osaka&phase=Succeeded&order=asc",
            ]
            .map(String::from),
        );
        for query in &queries {
            assert_pages_follow_the_rules(&server, &all, query, PAGE).await;
        }
        // The largest pages, and pages of one.
        assert_pages_follow_the_rules(&server, &all, "", 1000).await;
        let few = "label=site:osaka&label=env:dev&sort=name";
        assert_pages_follow_the_rules(&server, &all, few, 1).await;
        let after = get_ok(&server, "/api/v1/deployments?limit=1").await;
        assert_eq!(version(&after), version(&whole), "the fleet moved while it was walked");
    }

    async fn pages_neither_repeat_nor_skip_while_rows_are_added_and_changed(store) {
        seed_fleet(&store, 400, 40);
        let server = Server::on(&store, &[]).await;
        let (all, _) = settle(&server).await;
        let before: BTreeSet<String> = all.iter().map(|d| d.deployment_id.clone()).collect();
        let mut targets: Vec<String> = all
            .iter()
            .filter(|d| d.package_id == "pkg-fleet-dashboard" && d.phase.as_str() == "Succeeded")
            .map(|d| d.deployment_id.clone())
            .collect();
        assert!(targets.len() > 60, "{} Succeeded dashboards", targets.len());
        for (walk, query) in ["sort=created&order=desc", "sort=name&order=asc"].iter().enumerate() {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let mut token: Option<String> = None;
            for n in 0.. {
                assert!(n < 100, "{query}: the walk never ends");
                let mut pairs = split(query);
                pairs.push(("limit", "37"));
                if let Some(token) = &token {
                    pairs.push(("continue", token.as_str()));
                }
                let path = format!("/api/v1/deployments?{}", encode(&pairs));
                let page = get_ok(&server, &path).await;
                for id in ids(&page) {
                    *seen.entry(id).or_default() += 1;
                }
                token = page["continue"].as_str().map(str::to_string);
                if token.is_none() {
                    break;
                }
                // Between pages: new rows at both ends of either order, a new generation and a
                // deprovisioned one somewhere in the fleet.
                create(&server, &dashboard(&format!("aaa-{walk}-{n}"))).await;
                create(&server, &dashboard(&format!("zzz-{walk}-{n}"))).await;
                if let Some(id) = targets.pop() {
                    update(&server, &id).await;
                }
                if let Some(id) = targets.pop() {
                    deprovision(&server, &id).await;
                }
            }
            let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
            assert!(twice.is_empty(), "{query}: listed more than once: {twice:?}");
            let skipped: Vec<_> = before.iter().filter(|id| !seen.contains_key(*id)).collect();
            assert!(skipped.is_empty(), "{query}: never listed: {skipped:?}");
        }
    }

    async fn since_answers_changes_and_refuses_versions_it_cannot_answer(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        settle(&server).await;
        let start = version(&get_ok(&server, "/api/v1/deployments?limit=5").await);
        let succeeded = get_ok(&server, "/api/v1/deployments?phase=Succeeded&limit=5").await;
        assert_eq!(version(&succeeded), start);

        let new = create(&server, &dashboard("since-web")).await;
        let updated = server.deployment_id("fleet-dashboard-prod").await;
        let old = get_ok(&server, &format!("/api/v1/deployments/{updated}")).await;
        update(&server, &updated).await;
        let stopped = server.deployment_id("vision-detector-test").await;
        deprovision(&server, &stopped).await;
        server.wait_phase(&new, "Succeeded").await;
        server.wait_phase(&updated, "Succeeded").await;
        settle(&server).await;

        let changes = get_ok(&server, &format!("/api/v1/deployments?since={start}")).await;
        let changed = ids(&changes);
        for id in [&new, &updated, &stopped] {
            let times = changed.iter().filter(|c| c == &id).count();
            assert_eq!(times, 1, "{id} once in {changes}");
        }
        assert_eq!(changes["deleted"], json!([]), "unfiltered, every change is an item");
        let latest = version(&changes);
        assert!(latest > start, "{latest} after {start}");
        let now = deployments(&changes);
        let now = now.iter().find(|d| d.deployment_id == updated).unwrap();
        assert_eq!(old["currentGeneration"].as_u64().map(|g| g + 1), Some(now.current_generation));

        let path = format!("/api/v1/deployments?phase=Succeeded&since={start}");
        let filtered = get_ok(&server, &path).await;
        let listed = ids(&filtered);
        assert!(listed.contains(&new) && listed.contains(&updated), "{filtered}");
        assert!(!listed.contains(&stopped), "{filtered}");
        let phases: BTreeSet<String> =
            deployments(&filtered).iter().map(|d| d.phase.as_str().to_string()).collect();
        assert_eq!(phases, BTreeSet::from(["Succeeded".to_string()]), "{filtered}");
        assert_eq!(filtered["deleted"], json!([stopped]), "moved out of the filter");
        assert_eq!(version(&filtered), latest);

        let nothing = get_ok(&server, &format!("/api/v1/deployments?since={latest}")).await;
        assert_eq!((&nothing["items"], &nothing["deleted"]), (&json!([]), &json!([])));
        assert_eq!(version(&nothing), latest);
        let future = format!("/api/v1/deployments?since={}", latest + 1);
        assert_refused(&server, &future, 410, "expired", "list again").await;

        control(&server, "reset").await;
        for old in [start, latest] {
            let path = format!("/api/v1/deployments?since={old}");
            assert_refused(&server, &path, 410, "expired", "list again").await;
        }
        let (_, page) = settle(&server).await;
        assert_counts_match_items(&server, "/api/v1/deployments?label=site:tokyo").await;
        let fleet = assert_counts_match_items(&server, "/api/v1/deployments?search=FLEET-").await;
        assert_eq!(fleet["total"], 3, "the seeded fleet-… names after the reset: {fleet}");

        let path = format!("/api/v1/deployments?since={}", version(&page));
        get_ok(&server, &path).await;
        // Exactly 1000 changed deployments are answered; one more is too many.
        seed_fleet(&store, 1000, 30);
        let answer = get_ok(&server, &path).await;
        let answered = ids(&answer).len() + answer["deleted"].as_array().unwrap().len();
        assert_eq!(answered, 1000);
        create(&server, &dashboard("since-one-more")).await;
        assert_refused(&server, &path, 410, "expired", "More than 1000").await;
    }

    async fn bad_list_values_get_400_naming_what_is_accepted(store) {
        let server = Server::on(&store, &[]).await;
        let token = |page: Value| page["continue"].as_str().unwrap().to_string();
        let created = token(get_ok(&server, "/api/v1/deployments?limit=2").await);
        let named = token(get_ok(&server, "/api/v1/deployments?limit=2&sort=name").await);
        let online = token(get_ok(&server, "/api/v1/devices?limit=2&status=ONLINE").await);
        let foreign = platform::list::base64url_encode(br#"{"v":2,"q":{},"k":1,"i":"dep-x"}"#);
        let limit = "limit must be a number from 1 to 1000";
        let another = "another query";
        let cases = [
            ("limit=0".to_string(), limit),
            ("limit=1001".into(), limit),
            ("limit=ten".into(), limit),
            ("limit=-5".into(), limit),
            ("limit=2.5".into(), limit),
            ("continue=not-a-token".into(), "continue token"),
            (format!("continue={foreign}"), "continue token"),
            ("sort=size".into(), "created, name, phase or generation"),
            ("order=upward".into(), "asc or desc"),
            ("label=site".into(), "key:value"),
            ("label=site:".into(), "key:value"),
            ("label=:tokyo".into(), "key:value"),
            ("label=site:tokyo&label=env".into(), "key:value"),
            ("since=yesterday".into(), "whole number"),
            ("since=-3".into(), "whole number"),
            ("since=1.5".into(), "whole number"),
            (format!("since=1&continue={created}"), "cannot be combined"),
            (format!("continue={created}&label=site:osaka"), another),
            (format!("continue={named}&sort=created"), another),
            (format!("continue={named}&sort=name&order=desc"), another),
        ];
        for (query, fragment) in cases {
            let path = format!("/api/v1/deployments?{query}");
            assert_refused(&server, &path, 400, "malformed_request", fragment).await;
        }
        let named_again = format!("continue={named}&sort=name");
        for query in ["limit=1", "limit=1000", "sort=NAME&order=DESC", &named_again] {
            get_ok(&server, &format!("/api/v1/deployments?{query}")).await;
        }
        let devices = [
            ("limit=0".to_string(), limit),
            ("limit=many".into(), limit),
            ("label=x".into(), "key:value"),
            ("continue=not-a-token".into(), "continue token"),
            (format!("continue={created}"), "continue token"),
            (format!("continue={online}&status=OFFLINE"), another),
        ];
        for (query, fragment) in devices {
            let path = format!("/api/v1/devices?{query}");
            assert_refused(&server, &path, 400, "malformed_request", fragment).await;
        }
    }

    async fn device_pages_cover_every_device_once_and_filters_total_right(store) {
        seed_fleet(&store, 50, 120);
        let server = Server::on(&store, &["--enable-faults"]).await;
        for uuid in ["dev-fleet-00003", "dev-fleet-00013", "dev-amr-02"] {
            control(&server, &format!("devices/{uuid}/offline")).await;
        }
        let whole = get_ok(&server, "/api/v1/devices").await;
        let all: Vec<Device> = serde_json::from_value(whole["items"].clone()).unwrap();
        assert!(all.len() >= 127, "{} devices", all.len());
        assert_eq!((&whole["total"], &whole["continue"]), (&json!(all.len()), &Value::Null));
        let uuids: BTreeSet<&str> = all.iter().map(|d| d.uuid.as_str()).collect();
        assert_eq!(uuids.len(), all.len(), "a device listed twice");
        let queries = [
            "",
            "label=site:osaka",
            "status=ONLINE",
            "status=OFFLINE",
            "status=offline&label=site:tokyo",
            "label=site:osaka&label=robot:amr-00001",
            "architecture=arm64v8&status=ONLINE",
        ];
        let mut totals = Vec::new();
        for query in queries.map(split) {
            let request = DeviceListRequest::from_pairs(&owned(&query)).unwrap();
            let want: Vec<String> =
                all.iter().filter(|d| request.query.matches(d)).map(|d| d.uuid.clone()).collect();
            let mut seen = Vec::new();
            for page in walk(&server, "/api/v1/devices", &query, 7).await {
                assert_eq!(page["total"], want.len(), "{query:?}: total");
                seen.extend(field(&page, "uuid"));
            }
            assert_same_order(&seen, &want, &format!("devices {query:?}"));
            totals.push(want.len());
        }
        let other = all.iter().filter(|d| !matches!(d.status.as_str(), "ONLINE" | "OFFLINE"));
        assert_eq!(totals[2] + totals[3] + other.count(), all.len(), "{totals:?}");
        assert!(totals[1] > 0 && totals[1] < all.len(), "site:osaka {totals:?}");
        assert!(totals[3] >= 3 && totals[4] >= 1 && totals[5] == 1, "{totals:?}");
    }

    async fn counts_stay_right_after_operations_and_a_device_going_offline(store) {
        let server = Server::on(&store, &["--enable-faults"]).await;
        settle(&server).await;
        let a = create(&server, &labelled("counts-a", "site:tokyo")).await;
        let b = create(&server, &labelled("counts-b", "site:tokyo,env:dev")).await;
        create(&server, &dashboard("counts-c")).await;
        update(&server, &server.deployment_id("fleet-dashboard-prod").await).await;
        deprovision(&server, &server.deployment_id("fleet-bridge-dev").await).await;
        // Mid-flight, every answer's counts are those of its own items.
        assert_counts_match_items(&server, "/api/v1/deployments").await;
        assert_counts_match_items(&server, "/api/v1/deployments?label=site:tokyo").await;
        server.wait_phase(&a, "Succeeded").await;
        server.wait_phase(&b, "Succeeded").await;
        update(&server, &a).await;
        deprovision(&server, &b).await;
        control(&server, "devices/dev-amr-01/offline").await;
        for round in ["offline", "online again"] {
            let (all, _) = settle(&server).await;
            assert!(all.iter().all(|d| d.name.contains('-')), "search=- must match every name");
            let whole = assert_counts_match_items(&server, "/api/v1/deployments").await;
            let tokyo = "/api/v1/deployments?label=site:tokyo";
            let site = assert_counts_match_items(&server, tokyo).await;
            assert!(counts(&site)["Deployment stopped"] >= 1, "{round}: {site}");
            // The same sets through filters the kept counters do not cover (counted in SQL).
            let everything = get_ok(&server, "/api/v1/deployments?search=-&limit=1").await;
            assert_eq!(counts(&everything), counts(&whole), "{round}: fleet counters vs counted");
            let counted = get_ok(&server, &format!("{tokyo}&search=-&limit=1")).await;
            assert_eq!(counts(&counted), counts(&site), "{round}: label counters vs counted");
            for (phase, n) in counts(&site) {
                let query = encode(&[("phase", &phase), ("limit", "1")]);
                let page = get_ok(&server, &format!("{tokyo}&{query}")).await;
                assert_eq!(page["total"], n, "{round}: {query}");
            }
            control(&server, "devices/dev-amr-01/online").await;
        }
    }

    async fn a_page_etag_ignores_changes_elsewhere_but_not_to_the_page(store) {
        let server = Server::on(&store, &[]).await;
        settle(&server).await;
        let path = "/api/v1/deployments?label=site:osaka&limit=5";
        let url = server.url(path);
        let first = server.client.get(&url).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let page: Value = first.json().await.unwrap();

        create(&server, &dashboard("etag-elsewhere")).await;
        let again = get_if_none_match(&server, &url, &etag).await;
        assert_eq!(again.status(), 304, "nothing on the page changed");
        let fresh = get_ok(&server, path).await;
        assert!(version(&fresh) > version(&page), "the version moved elsewhere");

        create(&server, &labelled("etag-osaka", "site:osaka")).await;
        let changed = get_if_none_match(&server, &url, &etag).await;
        assert_eq!(changed.status(), 200, "a deployment joined the page");
        assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), etag);
        let page: Value = changed.json().await.unwrap();
        assert!(field(&page, "name").contains(&"etag-osaka".to_string()), "{page}");
    }
}
