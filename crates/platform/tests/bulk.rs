//! Bulk actions through the API the in-memory platform answers (`POST /deployments/bulk`): each
//! deployment judged alone, the outcome per deployment, nothing done twice for one
//! `Idempotency-Key`, and refusals of the request as a whole.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::ApiErrorBody;
use platform::bulk::{BulkAnswer, MAX_BULK};
use platform::phase::Phase;
use platform::sim::serve::{Request, answer};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::Deployment;

const T0: Millis = Millis(1_790_000_000_000);

fn seeded() -> Platform {
    let mut platform = seed::seeded(9, T0, SimConfig::default());
    platform.advance(T0.plus(60_000));
    platform
}

fn bulk(platform: &mut Platform, body: &str, key: Option<&str>) -> (u16, String) {
    let request = Request {
        method: "POST",
        path: "/deployments/bulk",
        body: Some(body),
        idempotency_key: key,
    };
    let answer = answer(platform, &request, "ops@rio.dev", T0.plus(61_000));
    (answer.status, answer.body)
}

fn results(platform: &mut Platform, body: &str, key: Option<&str>) -> BulkAnswer {
    let (status, body) = bulk(platform, body, key);
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("a bulk answer")
}

fn body(action: &str, ids: &[String]) -> String {
    serde_json::json!({ "action": action, "ids": ids }).to_string()
}

fn deployment(platform: &Platform, id: &str) -> Deployment {
    platform.deployment(id).expect("the deployment")
}

#[test]
fn a_bulk_deprovision_judges_each_deployment_alone() {
    let mut platform = seeded();
    let live: Vec<Deployment> = platform
        .deployments(&[], "", None)
        .into_iter()
        .filter(|d| d.phase.is_live())
        .collect();
    // A live deployment another live one depends on, and its dependant.
    let (used, by) = live
        .iter()
        .find_map(|d| {
            let by = live.iter().find(|other| {
                other
                    .dependent_deployments
                    .iter()
                    .any(|dep| dep.dependent_deployment_id == d.deployment_id)
            })?;
            Some((d.deployment_id.clone(), by.name.clone()))
        })
        .expect("the seed has a deployment in use");
    let free: Vec<String> = live
        .iter()
        .filter(|d| d.deployment_id != used)
        .filter(|d| {
            !live.iter().any(|o| {
                o.dependent_deployments
                    .iter()
                    .any(|x| x.dependent_deployment_id == d.deployment_id)
            })
        })
        .map(|d| d.deployment_id.clone())
        .take(2)
        .collect();
    assert_eq!(free.len(), 2, "two deployments nothing depends on");
    let mut ids = vec![used.clone(), "dep-nobody".to_string()];
    ids.extend(free.iter().cloned());
    let answer = results(&mut platform, &body("deprovision", &ids), Some("k-1"));
    let statuses: Vec<(String, u16)> = answer
        .results
        .iter()
        .map(|r| (r.deployment_id.clone(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (used.clone(), 409),
            ("dep-nobody".to_string(), 404),
            (free[0].clone(), 202),
            (free[1].clone(), 202)
        ]
    );
    let refused = answer.results[0].error.as_ref().expect("why not");
    assert_eq!(refused.code, "in_use");
    assert!(
        refused.message.contains(&by),
        "the dependant is named: {}",
        refused.message
    );
    for id in &free {
        let phase = deployment(&platform, id).phase;
        assert!(
            matches!(
                phase,
                Phase::DeploymentStopped | Phase::PartiallyDeprovisioned
            ),
            "{id} deprovisioned: {phase:?}"
        );
    }
    assert!(
        deployment(&platform, &used).phase.is_live(),
        "the one in use keeps running"
    );
}

#[test]
fn one_key_updates_each_deployment_once_whatever_the_retries() {
    let mut platform = seeded();
    let succeeded: Vec<String> = platform
        .deployments(&[Phase::Succeeded], "", None)
        .into_iter()
        .map(|d| d.deployment_id)
        .collect();
    let before: Vec<u64> = succeeded
        .iter()
        .map(|id| deployment(&platform, id).current_generation)
        .collect();
    let update = body("update", &succeeded);
    let first = results(&mut platform, &update, Some("k-update"));
    let done: Vec<bool> = first.results.iter().map(|r| r.status == 202).collect();
    assert!(done.iter().filter(|d| **d).count() >= 2, "{first:?}");
    // Refused ones say why: a component that cannot be updated in place.
    for refused in first.results.iter().filter(|r| r.status != 202) {
        assert_eq!(refused.status, 422, "{refused:?}");
        assert!(!refused.error.as_ref().expect("a reason").fields.is_empty());
    }
    for _ in 0..2 {
        let again = results(&mut platform, &update, Some("k-update"));
        assert_eq!(again, first, "a retry answers the same");
    }
    let after: Vec<u64> = succeeded
        .iter()
        .map(|id| deployment(&platform, id).current_generation)
        .collect();
    let expected: Vec<u64> = before
        .iter()
        .zip(&done)
        .map(|(g, done)| if *done { g + 1 } else { *g })
        .collect();
    assert_eq!(after, expected, "each done deployment updated once");
    // Another submission is another request: now Provisioning, the phase refuses it.
    let again = results(&mut platform, &update, Some("k-other"));
    for (result, done) in again.results.iter().zip(&done) {
        if *done {
            assert_eq!(result.status, 409, "{result:?}");
        }
    }
    // The same key with another action is refused for what that key already did.
    let mixed = results(
        &mut platform,
        &body("deprovision", &succeeded),
        Some("k-update"),
    );
    for (result, done) in mixed.results.iter().zip(&done) {
        if *done {
            assert_eq!(result.status, 422, "{result:?}");
        }
    }
}

#[test]
fn a_request_that_cannot_be_judged_is_refused_whole() {
    let mut platform = seeded();
    let id = platform.deployments(&[], "", None)[0].deployment_id.clone();
    let before = deployment(&platform, &id);
    let too_many: Vec<String> = (0..=MAX_BULK).map(|i| format!("dep-{i}")).collect();
    for bad in [
        body("deprovision", &[]),
        body("deprovision", &[id.clone(), id.clone()]),
        body("deprovision", &too_many),
        body("restart", std::slice::from_ref(&id)),
        "{}".to_string(),
        String::new(),
    ] {
        let (status, text) = bulk(&mut platform, &bad, None);
        assert_eq!(status, 400, "{bad:.80}: {text}");
        let error = ApiErrorBody::decode(&text).expect("an error body");
        assert_eq!(error.code, "malformed_request");
    }
    assert_eq!(deployment(&platform, &id), before, "nothing was done");
}
