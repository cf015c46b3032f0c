//! Rollouts through the API the in-memory platform answers (`/rollouts`): made with their
//! first wave, moved on by their deployments' phases, halted by a failure with the device and
//! code named, resumed (the failed target tried again), paused and aborted; idempotent create;
//! hostile requests refused with field errors and nothing made; the list paged newest first.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

mod common;

use platform::ApiErrorBody;
use platform::phase::Phase;
use platform::rollout::{Rollout, RolloutList, RolloutPreview, RolloutState, TargetPage};
use platform::sim::fleet::{self, FleetSpec};
use platform::sim::serve::{Answer, Request, answer};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::Package;
use serde_json::{Value, json};

const T0: Millis = Millis(1_790_000_000_000);
const USER: &str = "ops@rio.dev";
/// In progress then Provisioning, at the default speed.
const STAGES: i64 = 8_000;

struct World {
    platform: Platform,
    now: Millis,
    package: Package,
    plan: String,
    component: String,
}

/// The seed plus 100 fleet robots (ten at each site, all online at tokyo), settled.
fn world() -> World {
    let mut platform = seed::seeded(5, T0, SimConfig::default());
    let spec = FleetSpec {
        deployments: 0,
        devices: 100,
        seed: 5,
        now: T0,
    };
    for device in fleet::devices(&spec) {
        platform.add_device(device);
    }
    platform.advance(T0.plus(60_000));
    let (package, plan, component) = common::device_package(&platform);
    World {
        platform,
        now: T0.plus(60_000),
        package,
        plan,
        component,
    }
}

impl World {
    fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> Answer {
        let text = body.map(Value::to_string);
        let request = Request {
            method,
            path,
            body: text.as_deref(),
            idempotency_key: key,
        };
        answer(&mut self.platform, &request, USER, self.now)
    }

    fn request(&self, selector: &str) -> Value {
        let (key, value) = selector.split_once(':').unwrap_or((selector, ""));
        json!({
            "packageId": self.package.summary.guid,
            "planId": self.plan,
            "componentId": self.component,
            "name": "nav-{device}",
            "selector": [{"key": key, "value": value}],
            "routedNetworks": [{"guid": "net-floor"}],
            "waves": [1, "50%", "100%"],
            "maxFailures": 1,
        })
    }

    /// Makes a rollout; as `get` gives it.
    fn create(&mut self, body: &Value, key: Option<&str>) -> Rollout {
        let answer = self.call("POST", "/rollouts", Some(body), key);
        assert_eq!(answer.status, 201, "{}", answer.body);
        let made: Rollout = serde_json::from_str(&answer.body).expect("a rollout");
        assert!(
            made.targets.is_empty(),
            "a rollout is answered without its targets"
        );
        self.get(&made.rollout_id)
    }

    /// A rollout's summary with every target (read from its pages of targets).
    fn get(&mut self, id: &str) -> Rollout {
        let answer = self.call("GET", &format!("/rollouts/{id}"), None, None);
        assert_eq!(answer.status, 200, "{}", answer.body);
        let mut rollout: Rollout = serde_json::from_str(&answer.body).expect("a rollout");
        assert!(
            rollout.targets.is_empty(),
            "the summary leaves the targets out"
        );
        rollout.targets = self.targets(id, "").items;
        rollout
    }

    /// A page of a rollout's targets (`query`: the query string after `limit=1000`).
    fn targets(&mut self, id: &str, query: &str) -> TargetPage {
        let path = format!("/rollouts/{id}/targets?limit=1000{query}");
        let answer = self.call("GET", &path, None, None);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        serde_json::from_str(&answer.body).expect("a page of targets")
    }

    fn act(&mut self, id: &str, action: &str) -> Answer {
        self.call("POST", &format!("/rollouts/{id}/{action}"), None, None)
    }

    fn wait(&mut self, ms: i64) {
        self.now = self.now.plus(ms);
        self.platform.advance(self.now);
    }

    fn deployments(&self) -> usize {
        self.platform.deployments(&[], "", None).len()
    }
}

fn started(rollout: &Rollout) -> usize {
    rollout
        .targets
        .iter()
        .filter(|t| t.deployment_id.is_some())
        .count()
}

#[test]
fn a_rollout_goes_wave_by_wave_halts_on_a_failure_and_resumes_after_recovery() {
    let mut w = world();
    let body = w.request("site:tokyo");
    let preview: Value =
        serde_json::from_str(&w.call("POST", "/rollouts/preview", Some(&body), None).body)
            .expect("a preview");
    let matching = preview["targets"].as_array().map_or(0, Vec::len);
    let rollout = w.create(&body, None);
    // The offline seed robot at tokyo (and any other incompatible one) is not targeted.
    let compatible = preview["targets"]
        .as_array()
        .map_or(0, |t| t.iter().filter(|t| t["compatible"] == true).count());
    assert!(
        compatible < matching,
        "the seed has an offline robot at tokyo"
    );
    assert_eq!(rollout.targets.len(), compatible);
    assert_eq!(rollout.state, RolloutState::Running);
    assert_eq!(rollout.wave, 1);
    assert_eq!(started(&rollout), 1, "the canary alone");
    let canary = rollout.targets[0]
        .deployment_id
        .clone()
        .expect("the canary");
    let made = w.platform.deployment(&canary).expect("its deployment");
    assert!(
        made.labels
            .iter()
            .any(|l| l.key == "rollout" && l.value == rollout.rollout_id)
    );
    assert_eq!(made.name, format!("nav-{}", rollout.targets[0].device_name));

    // The canary succeeds: wave 2 (half the targets) starts.
    w.wait(STAGES);
    let rollout = w.get(&rollout.rollout_id);
    assert_eq!(rollout.wave, 2);
    let half = rollout.targets.len().div_ceil(2);
    assert_eq!(started(&rollout), half);

    // A wave-2 robot goes offline while its deployment starts: DEP_E151, the rollout halts.
    let victim = rollout.targets[1].clone();
    let path = format!("/__control/devices/{}/offline", victim.device_id);
    w.platform
        .set_device_online(&victim.device_id, false, w.now)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    w.wait(STAGES);
    let halted = w.get(&rollout.rollout_id);
    assert_eq!(halted.state, RolloutState::Halted);
    let reason = halted.halt_reason.clone().unwrap_or_default();
    assert!(reason.contains(&victim.device_name), "{reason}");
    assert!(reason.contains("DEP_E151"), "{reason}");
    assert_eq!(
        started(&halted),
        half,
        "a halted rollout starts nothing more"
    );
    w.wait(STAGES);
    assert_eq!(started(&w.get(&rollout.rollout_id)), half);

    // Back online, resumed: the failed target gets a new deployment; the old one is stopped.
    w.platform
        .set_device_online(&victim.device_id, true, w.now)
        .unwrap_or_else(|e| panic!("online: {e}"));
    let old = victim.deployment_id.clone().expect("the failed deployment");
    let resumed = w.act(&rollout.rollout_id, "resume");
    assert_eq!(resumed.status, 202, "{}", resumed.body);
    let resumed: Rollout = serde_json::from_str(&resumed.body).expect("a rollout");
    assert_eq!(resumed.state, RolloutState::Running);
    assert!(resumed.halt_reason.is_none());
    let resumed = w.get(&resumed.rollout_id);
    let retried = &resumed.targets[1];
    assert!(retried.deployment_id.is_some() && retried.deployment_id != Some(old.clone()));
    assert_eq!(
        w.platform.deployment(&old).map(|d| d.phase).ok(),
        Some(Phase::DeploymentStopped)
    );
    for _ in 0..3 {
        w.wait(STAGES);
    }
    let done = w.get(&rollout.rollout_id);
    assert_eq!(done.state, RolloutState::Succeeded, "{:?}", done.counts);
    assert_eq!(done.wave, 3);
    assert_eq!(
        done.counts.get("Succeeded").copied(),
        Some(done.targets.len() as u64)
    );
    // Over: nothing to resume, pause or abort.
    for action in ["pause", "resume", "abort"] {
        let refused = w.act(&rollout.rollout_id, action);
        assert_eq!(refused.status, 409, "{action}: {}", refused.body);
    }
}

#[test]
fn pause_holds_the_next_wave_and_abort_is_for_good() {
    let mut w = world();
    let body = w.request("site:osaka");
    let rollout = w.create(&body, None);
    let id = rollout.rollout_id.clone();
    assert_eq!(w.act(&id, "pause").status, 202);
    w.wait(STAGES);
    let paused = w.get(&id);
    assert_eq!(paused.state, RolloutState::Paused);
    assert_eq!(
        started(&paused),
        1,
        "paused: the canary's success starts nothing"
    );
    assert_eq!(
        paused.targets[0].phase,
        Some(Phase::Succeeded),
        "but its phase is followed"
    );
    assert_eq!(w.act(&id, "pause").status, 409, "already paused");
    assert_eq!(w.act(&id, "resume").status, 202);
    assert!(started(&w.get(&id)) > 1, "resumed: wave 2 starts at once");
    assert_eq!(w.act(&id, "abort").status, 202);
    let aborted = w.get(&id);
    assert_eq!(aborted.state, RolloutState::Aborted);
    let before = started(&aborted);
    for _ in 0..3 {
        w.wait(STAGES);
    }
    assert_eq!(started(&w.get(&id)), before, "aborted: nothing more starts");
    assert_eq!(
        w.act(&id, "resume").status,
        409,
        "an aborted rollout never resumes"
    );
    assert_eq!(w.act(&id, "nudge").status, 404);
    assert_eq!(w.act("ro-missing", "pause").status, 404);
}

#[test]
fn one_key_makes_one_rollout() {
    let mut w = world();
    let body = w.request("site:nagoya");
    let first = w.create(&body, Some("wave-key-1"));
    let count = w.deployments();
    let again = w.create(&body, Some("wave-key-1"));
    assert_eq!(again.rollout_id, first.rollout_id);
    assert_eq!(w.deployments(), count, "nothing made twice");
    let mut other = body.clone();
    other["name"] = json!("other-{device}");
    let refused = w.call("POST", "/rollouts", Some(&other), Some("wave-key-1"));
    assert_eq!(refused.status, 422, "{}", refused.body);
    // A deployment's key and a rollout's never meet.
    let list: RolloutList =
        serde_json::from_str(&w.call("GET", "/rollouts", None, None).body).expect("a list");
    assert_eq!(list.items.len(), 1);
}

#[test]
fn hostile_requests_get_field_errors_and_nothing_is_made() {
    let mut w = world();
    let count = w.deployments();
    let base = w.request("site:tokyo");
    let cases: Vec<(Value, &str)> = vec![
        (json!({"selector": []}), "selector"),
        (
            json!({"selector": [{"key": "si te", "value": "x"}]}),
            "selector[0].key",
        ),
        (
            json!({"selector": [{"key": "site", "value": "mars"}]}),
            "selector",
        ),
        (json!({"name": "nav"}), "name"),
        (json!({"name": "<script>{device}"}), "name"),
        (json!({"waves": [1, "50%"]}), "waves"),
        (json!({"waves": ["-5%", "100%"]}), "waves"),
        (json!({"maxFailures": 0}), "maxFailures"),
        (
            json!({"labels": [{"key": "rollout", "value": "x"}]}),
            "labels[0].key",
        ),
        (
            json!({"parameters": {"NOT_A_PARAMETER": "1"}}),
            "parameters.NOT_A_PARAMETER",
        ),
        (json!({"componentId": "comp-none"}), "componentId"),
        (json!({"packageId": "pkg-none"}), "packageId"),
    ];
    for (change, field) in cases {
        let mut body = base.clone();
        if let (Some(body), Some(change)) = (body.as_object_mut(), change.as_object()) {
            for (key, value) in change {
                body.insert(key.clone(), value.clone());
            }
        }
        let answer = w.call("POST", "/rollouts", Some(&body), None);
        if answer.status == 400 && field == "waves" {
            continue; // not even a request: a wave that is no count or share
        }
        assert_eq!(answer.status, 422, "{change}: {}", answer.body);
        let error = ApiErrorBody::decode(&answer.body).expect("an error body");
        assert!(
            error.fields.iter().any(|f| f.field == field),
            "{change}: {field} in {:?}",
            error.fields
        );
    }
    assert_eq!(w.deployments(), count);
    let list: RolloutList =
        serde_json::from_str(&w.call("GET", "/rollouts", None, None).body).expect("a list");
    assert!(list.items.is_empty());
}

#[test]
fn the_list_is_newest_first_in_pages_without_targets() {
    let mut w = world();
    let mut ids = Vec::new();
    for site in ["kobe", "kyoto", "sendai"] {
        let body = w.request(&format!("site:{site}"));
        ids.push(w.create(&body, None).rollout_id);
    }
    let first: RolloutList =
        serde_json::from_str(&w.call("GET", "/rollouts?limit=2", None, None).body).expect("a page");
    assert_eq!(
        first
            .items
            .iter()
            .map(|r| &r.rollout_id)
            .collect::<Vec<_>>(),
        vec![&ids[2], &ids[1]]
    );
    assert!(
        first
            .items
            .iter()
            .all(|r| r.targets.is_empty() && !r.counts.is_empty())
    );
    let token = first.next.expect("a second page");
    let second: RolloutList = serde_json::from_str(
        &w.call(
            "GET",
            &format!("/rollouts?limit=2&continue={token}"),
            None,
            None,
        )
        .body,
    )
    .expect("a page");
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].rollout_id, ids[0]);
    assert!(second.next.is_none());
    assert_eq!(
        w.call("GET", "/rollouts?continue=nope", None, None).status,
        400
    );
    assert_eq!(w.call("GET", "/rollouts?limit=0", None, None).status, 400);
    assert_eq!(
        w.call("GET", "/rollouts/ro-missing", None, None).status,
        404
    );
    assert_eq!(w.call("DELETE", "/rollouts", None, None).status, 405);
}

#[test]
fn the_demo_fleet_shows_waves_and_a_robot_that_cannot_run_the_package() {
    let mut platform = platform::sim::demo_fleet::seeded(5, T0, SimConfig::default());
    let mut w = world();
    std::mem::swap(&mut w.platform, &mut platform);
    for site in platform::sim::demo_fleet::SITES {
        let body = w.request(&format!("site:{site}"));
        let answer = w.call("POST", "/rollouts/preview", Some(&body), None);
        let preview: Value = serde_json::from_str(&answer.body).expect("a preview");
        let targets = preview["targets"].as_array().cloned().unwrap_or_default();
        assert_eq!(targets.len(), platform::sim::demo_fleet::PER_SITE, "{site}");
        let cannot = targets.iter().filter(|t| t["compatible"] == false).count();
        let expected = usize::from(site != "kawasaki");
        assert_eq!(cannot, expected, "{site}: {preview}");
    }
}

#[test]
fn the_summary_counts_each_wave_and_names_the_failures_without_the_targets() {
    let mut w = world();
    let body = w.request("site:tokyo");
    let rollout = w.create(&body, None);
    let id = rollout.rollout_id.clone();
    let answer = w.call("GET", &format!("/rollouts/{id}"), None, None);
    let summary: Rollout = serde_json::from_str(&answer.body).unwrap();
    assert!(!answer.body.contains("\"targets\""), "{}", answer.body);
    assert_eq!(summary.wave_counts.len(), 3, "three waves");
    let mut summed = std::collections::BTreeMap::<String, u64>::new();
    for wave in &summary.wave_counts {
        for (state, n) in wave {
            *summed.entry(state.clone()).or_default() += n;
        }
    }
    assert_eq!(summed, summary.counts, "the waves add up to the whole");
    assert_eq!(
        summary.wave_counts[0].values().sum::<u64>(),
        1,
        "the canary"
    );
    assert!(summary.failed_targets.is_empty());

    // A failure is named in the summary with its codes.
    w.wait(STAGES);
    let victim = w.get(&id).targets[1].clone();
    w.platform
        .set_device_online(&victim.device_id, false, w.now)
        .unwrap();
    w.wait(STAGES);
    let answer = w.call("GET", &format!("/rollouts/{id}"), None, None);
    let halted: Rollout = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(halted.state, RolloutState::Halted);
    assert_eq!(halted.failed_targets.len(), 1);
    assert_eq!(halted.failed_targets[0].device_id, victim.device_id);
    assert!(
        halted.failed_targets[0]
            .errors
            .as_ref()
            .is_some_and(|codes| codes.contains(&"DEP_E151".to_string())),
        "{:?}",
        halted.failed_targets
    );
}

#[test]
fn targets_come_in_pages_filtered_and_then_only_what_changed() {
    let mut w = world();
    let body = w.request("site:tokyo");
    let rollout = w.create(&body, None);
    let id = rollout.rollout_id.clone();
    let all = rollout.targets.clone();
    assert!(all.len() >= 5, "{}", all.len());

    // Pages of two cover every target once, in wave order.
    let mut seen = Vec::new();
    let mut path = format!("/rollouts/{id}/targets?limit=2");
    loop {
        let answer = w.call("GET", &path, None, None);
        let page: TargetPage = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(page.total, all.len() as u64);
        seen.extend(page.items.into_iter().map(|t| t.device_id));
        match page.next {
            Some(token) => path = format!("/rollouts/{id}/targets?limit=2&continue={token}"),
            None => break,
        }
    }
    let expected: Vec<String> = all.iter().map(|t| t.device_id.clone()).collect();
    assert_eq!(seen, expected);

    // A jump, a wave, a state, a search.
    let jumped = w.targets(&id, "&offset=3");
    assert_eq!(
        jumped.items.first().map(|t| &t.device_id),
        Some(&all[3].device_id)
    );
    let wave3 = w.targets(&id, "&wave=3");
    assert!(!wave3.items.is_empty() && wave3.items.iter().all(|t| t.wave == 3));
    let pending = w.targets(&id, "&phase=pending");
    assert_eq!(pending.total, all.len() as u64 - 1, "all but the canary");
    let name = all[2].device_name.clone();
    let found = w.targets(&id, &format!("&search={}", name.to_uppercase()));
    assert!(found.items.iter().any(|t| t.device_name == name));
    assert!(found.total < all.len() as u64);

    // Nothing changed: nothing comes; the canary succeeds and wave 2 starts: those come.
    let version = w.targets(&id, "").resource_version;
    let path = format!("/rollouts/{id}/targets?since={version}");
    let none: Value = serde_json::from_str(&w.call("GET", &path, None, None).body).unwrap();
    assert_eq!(none["items"], json!([]), "{none}");
    w.wait(STAGES);
    let changed: Value = serde_json::from_str(&w.call("GET", &path, None, None).body).unwrap();
    let items = changed["items"].as_array().cloned().unwrap_or_default();
    let half = all.len().div_ceil(2);
    assert_eq!(
        items.len(),
        half,
        "the canary and the rest of wave 2: {changed}"
    );
    assert!(items.iter().all(|t| t["wave"].as_u64() <= Some(2)));
    // Filtered by state, a changed target outside it is deleted (the canary, which was not
    // pending, and wave 2's, which are not any more).
    let path = format!("/rollouts/{id}/targets?phase=pending&since={version}");
    let left: Value = serde_json::from_str(&w.call("GET", &path, None, None).body).unwrap();
    assert_eq!(
        left["deleted"].as_array().map(Vec::len),
        Some(half),
        "{left}"
    );

    for bad in [
        "limit=0",
        "wave=first",
        "since=soon",
        "offset=-1",
        "continue=nope",
        "offset=2&since=1",
    ] {
        let answer = w.call("GET", &format!("/rollouts/{id}/targets?{bad}"), None, None);
        assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
    }
    let future = format!("/rollouts/{id}/targets?since=999999999");
    assert_eq!(w.call("GET", &future, None, None).status, 410);
    assert_eq!(
        w.call("GET", "/rollouts/ro-missing/targets", None, None)
            .status,
        404
    );
}

#[test]
fn the_preview_counts_every_match_and_pages_the_devices() {
    let mut w = world();
    let body = w.request("site:tokyo");
    let path = "/rollouts/preview?limit=3";
    let first: RolloutPreview =
        serde_json::from_str(&w.call("POST", path, Some(&body), None).body).unwrap();
    let everything: RolloutPreview = serde_json::from_str(
        &w.call("POST", "/rollouts/preview?limit=1000", Some(&body), None)
            .body,
    )
    .unwrap();
    assert_eq!(first.targets.len(), 3);
    assert_eq!(first.total, everything.targets.len() as u64);
    let compatible = everything.targets.iter().filter(|t| t.compatible).count() as u64;
    assert_eq!(first.compatible, compatible);
    let cannot: u64 = first.total - first.compatible;
    assert!(cannot > 0, "the seed has an offline robot at tokyo");
    assert!(
        first
            .reasons
            .iter()
            .any(|r| r.reason.contains("offline") && r.devices >= 1),
        "{:?}",
        first.reasons
    );
    let token = first.next.clone().expect("more than one page");
    let second: RolloutPreview = serde_json::from_str(
        &w.call(
            "POST",
            &format!("/rollouts/preview?limit=3&continue={token}"),
            Some(&body),
            None,
        )
        .body,
    )
    .unwrap();
    assert_eq!(
        second.targets.first().map(|t| &t.device_id),
        everything.targets.get(3).map(|t| &t.device_id)
    );
    // A token of another selector is refused.
    let other = w.request("site:osaka");
    let answer = w.call(
        "POST",
        &format!("/rollouts/preview?continue={token}"),
        Some(&other),
        None,
    );
    assert_eq!(answer.status, 400, "{}", answer.body);
}
