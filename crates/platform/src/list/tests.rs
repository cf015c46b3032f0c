use super::*;
use crate::wire::Deployment;

fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.replace("%20", " "))
        })
        .collect()
}

fn request(query: &str) -> Result<ListRequest, PlatformError> {
    ListRequest::from_pairs(&pairs(query))
}

fn message(error: PlatformError) -> String {
    assert_eq!(error.http_status(), 400, "{error}");
    error.to_string()
}

fn deployment(id: &str, name: &str, phase: Phase, labels: &[(&str, &str)]) -> Deployment {
    let text = serde_json::json!({
        "deploymentId": id, "name": name, "phase": phase.as_str(), "packageId": "pkg-a",
        "labels": labels.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
    });
    serde_json::from_value(text).unwrap()
}

#[test]
fn no_parameters_list_everything_newest_first() {
    let request = request("").unwrap();
    assert_eq!(request.query.sort, SortKey::Created);
    assert_eq!(request.query.order, Order::Desc);
    assert_eq!(
        (request.limit, request.after, request.since),
        (None, None, None)
    );
}

#[test]
fn bad_values_are_refused_with_what_is_accepted() {
    assert!(message(request("limit=0").unwrap_err()).contains("1 to 1000"));
    assert!(message(request("limit=1001").unwrap_err()).contains("1 to 1000"));
    assert!(message(request("limit=lots").unwrap_err()).contains("\"lots\""));
    assert!(
        message(request("sort=size").unwrap_err()).contains("created, name, phase or generation")
    );
    assert!(message(request("order=up").unwrap_err()).contains("asc or desc"));
    assert!(message(request("label=site").unwrap_err()).contains("key:value"));
    assert!(message(request("label=:tokyo").unwrap_err()).contains("key:value"));
    assert!(message(request("since=-1").unwrap_err()).contains("resourceVersion"));
    assert!(
        message(request("continue=garbage").unwrap_err()).contains("not one this backend gave out")
    );
    assert!(
        message(request("continue=e30").unwrap_err()).contains("not one this backend gave out")
    );
}

#[test]
fn spellings_of_one_query_are_equal() {
    let a = request(
        "phase=succeeded&phase=In%20progress&label=site:tokyo&label=env:dev&search=%20Nav%20",
    )
    .unwrap();
    let b = request("label=env:dev&phase=In progress&label=%20site%20:%20tokyo&phase=Succeeded&search=nav&sort=created&order=desc").unwrap();
    assert_eq!(a.query, b.query);
    assert_eq!(a.query.phases, [Phase::InProgress, Phase::Succeeded]);
    assert_eq!(a.query.search, "nav");
}

#[test]
fn a_continue_token_carries_its_query_and_refuses_another() {
    let first = request("label=site:tokyo&sort=name&limit=2").unwrap();
    let cursor = Cursor {
        value: SortValue::Text("amr-02".into()),
        id: "dep-2".into(),
    };
    let token = first.continue_token(&cursor);
    let next = request(&format!("continue={token}")).unwrap();
    assert_eq!(next.query, first.query);
    assert_eq!(next.after, Some(cursor.clone()));
    let restated = request(&format!("continue={token}&label=site:tokyo&sort=name")).unwrap();
    assert_eq!(restated.after, Some(cursor));
    let other = request(&format!("continue={token}&label=site:osaka&sort=name")).unwrap_err();
    assert!(message(other).contains("another query"));
    let both = request(&format!("continue={token}&since=3")).unwrap_err();
    assert!(message(both).contains("cannot be combined"));
}

#[test]
fn pages_cover_the_list_once_in_order() {
    let deployments: Vec<Deployment> = (0..23)
        .map(|i| {
            let phase = Phase::KNOWN[i % 7].clone();
            let site = if i % 3 == 0 { "tokyo" } else { "osaka" };
            deployment(
                &format!("dep-{i:02}"),
                &format!("amr-{}", i % 5),
                phase,
                &[("site", site)],
            )
        })
        .collect();
    let entries = || {
        deployments.iter().enumerate().map(|(i, d)| apply::Entry {
            deployment: d,
            created: Millis(1_000 + (i as i64 / 2)),
        })
    };
    for query in [
        "",
        "sort=name",
        "sort=phase&order=desc",
        "sort=generation",
        "label=site:tokyo",
        "search=AMR-1",
        "phase=Succeeded&phase=Failed%20to%20start",
    ] {
        let whole = apply::page(entries(), &request(query).unwrap(), 9);
        let mut seen = Vec::new();
        let mut next = format!("{query}&limit=4");
        loop {
            let page = apply::page(entries(), &request(&next).unwrap(), 9);
            assert!(page.items.len() <= 4);
            assert_eq!(page.total, whole.total, "{query}");
            assert_eq!(page.counts, whole.counts);
            seen.extend(page.items.iter().map(|d| d.deployment_id.clone()));
            match page.next {
                Some(token) => next = format!("continue={token}&limit=4"),
                None => break,
            }
        }
        let expected: Vec<String> = whole
            .items
            .iter()
            .map(|d| d.deployment_id.clone())
            .collect();
        assert_eq!(seen, expected, "{query}");
        assert_eq!(whole.total as usize, expected.len());
    }
    let tokyo = apply::page(
        entries(),
        &request("label=site:tokyo&phase=Succeeded").unwrap(),
        9,
    );
    assert_eq!(
        tokyo.counts.values().sum::<u64>(),
        8,
        "counts ignore the phase filter"
    );
    assert_eq!(tokyo.total, tokyo.counts["Succeeded"]);
}

#[test]
fn changes_split_into_listed_and_gone() {
    let query = request("phase=Succeeded").unwrap().query;
    let listed = deployment("dep-1", "a", Phase::Succeeded, &[]);
    let gone = deployment("dep-2", "b", Phase::DeploymentStopped, &[]);
    let changes = apply::changes([(&listed, 1), (&gone, 2)], &query, 12);
    assert_eq!(changes.items, [1]);
    assert_eq!(changes.deleted, ["dep-2"]);
    assert_eq!(changes.resource_version, "12");
}

#[test]
fn since_is_answered_only_within_the_kept_history() {
    assert!(check_since(5, 2, 9, 3).is_ok());
    for (since, changed) in [(10, 0), (1, 0), (5, MAX_CHANGES + 1)] {
        let error = check_since(since, 2, 9, changed).unwrap_err();
        assert_eq!((error.http_status(), error.code()), (410, "expired"));
    }
}

#[test]
fn device_requests_read_filters_and_tokens() {
    let pairs = pairs("label=site:tokyo&status=online&limit=2");
    let request = DeviceListRequest::from_pairs(&pairs).unwrap();
    assert_eq!(request.limit, Some(2));
    let token = request.continue_token(7);
    let next = DeviceListRequest::from_pairs(&[("continue".into(), token)]).unwrap();
    assert_eq!((next.query, next.after), (request.query, Some(7)));
    assert!(DeviceListRequest::from_pairs(&[("limit".into(), "0".into())]).is_err());
}
