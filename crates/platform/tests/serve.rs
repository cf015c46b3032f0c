//! The in-memory platform answers the API's paths (`sim::serve`) as the reference backend does,
//! and demo mode's simulation (`sim::demo`) answers its panel's controls, saves what it should
//! and speaks the worker's messages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::ApiErrorBody;
use platform::list::{Changes, DevicePage, Page};
use platform::sim::demo::{
    DEMO_LOG_LINES, Demo, FromWorker, GROWN_FLEET, SAVE_EVERY_TICKS, SAVE_LIMIT, Save,
    SimulationStatus, ToWorker, config_at,
};
use platform::sim::serve::{Answer, Request, answer};
use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use platform::wire::{Deployment, Device, List, PackageSummary};
use serde::de::DeserializeOwned;

const T0: Millis = Millis(1_790_000_000_000);
const DASHBOARD: &str =
    r#"{"name": "dash-1", "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"}"#;

fn get(path: &str) -> Request<'_> {
    Request {
        method: "GET",
        path,
        ..Request::default()
    }
}

fn ok<T: DeserializeOwned>(answer: &Answer, status: u16) -> T {
    assert_eq!(answer.status, status, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("the answer decodes")
}

fn refused(answer: &Answer, status: u16, code: &str) -> ApiErrorBody {
    assert_eq!(answer.status, status, "{}", answer.body);
    let body = ApiErrorBody::decode(&answer.body).expect("an error body");
    assert_eq!(body.code, code, "{}", answer.body);
    body
}

fn seeded() -> Platform {
    seed::seeded(7, T0, SimConfig::default())
}

#[test]
fn reads_answer_what_the_platform_holds() {
    let mut platform = seeded();
    let packages: List<PackageSummary> =
        ok(&answer(&mut platform, &get("/packages"), "u", T0), 200);
    assert_eq!(packages.items, platform.packages("", None));
    let one = &packages.items[0].guid;
    let path = format!("/packages/{one}");
    let package: serde_json::Value = ok(&answer(&mut platform, &get(&path), "u", T0), 200);
    assert_eq!(package["guid"], one.as_str());
    let missing = answer(&mut platform, &get("/deployments/dep%20none"), "u", T0);
    let body = refused(&missing, 404, "not_found");
    assert!(body.message.contains("dep none"), "{}", body.message);
}

#[test]
fn unknown_paths_and_methods_are_refused() {
    let mut platform = seeded();
    refused(
        &answer(&mut platform, &get("/robots"), "u", T0),
        404,
        "not_found",
    );
    let put = Request {
        method: "PUT",
        path: "/deployments",
        ..Request::default()
    };
    refused(
        &answer(&mut platform, &put, "u", T0),
        405,
        "method_not_allowed",
    );
}

#[test]
fn the_devices_list_pages_in_registration_order() {
    let mut platform = seeded();
    let all = platform.devices(None, None);
    assert!(all.len() > 2, "the seed has devices");
    let mut seen: Vec<Device> = Vec::new();
    let mut path = "/devices?limit=2".to_string();
    loop {
        let page: DevicePage<Device> = ok(&answer(&mut platform, &get(&path), "u", T0), 200);
        assert_eq!(page.total, all.len() as u64);
        assert!(page.items.len() <= 2);
        seen.extend(page.items);
        match page.next {
            Some(token) => path = format!("/devices?limit=2&continue={token}"),
            None => break,
        }
    }
    assert_eq!(seen, all);
    refused(
        &answer(&mut platform, &get("/devices?limit=lots"), "u", T0),
        400,
        "malformed_request",
    );
}

#[test]
fn a_provision_is_made_once_per_idempotency_key() {
    let mut platform = seeded();
    let post = |key| Request {
        method: "POST",
        path: "/deployments",
        body: Some(DASHBOARD),
        idempotency_key: key,
    };
    let first: Deployment = ok(&answer(&mut platform, &post(Some("k1")), "u", T0), 201);
    let again: Deployment = ok(&answer(&mut platform, &post(Some("k1")), "u", T0), 201);
    assert_eq!(first.deployment_id, again.deployment_id);
    let too_long = "k".repeat(256);
    refused(
        &answer(&mut platform, &post(Some(&too_long)), "u", T0),
        400,
        "malformed_request",
    );
    refused(
        &answer(&mut platform, &post(Some("")), "u", T0),
        400,
        "malformed_request",
    );
    let empty = Request {
        body: Some("  "),
        ..post(None)
    };
    let body = refused(
        &answer(&mut platform, &empty, "u", T0),
        400,
        "malformed_request",
    );
    assert!(body.message.contains("empty"), "{}", body.message);
    let invalid = Request {
        body: Some(r#"{"name": "x"}"#),
        ..post(None)
    };
    refused(
        &answer(&mut platform, &invalid, "u", T0),
        422,
        "validation_failed",
    );
}

#[test]
fn lists_page_and_feed_changes_as_the_backend_does() {
    let mut platform = seeded();
    let first: Page<Deployment> = ok(
        &answer(
            &mut platform,
            &get("/deployments?limit=2&sort=name"),
            "u",
            T0,
        ),
        200,
    );
    assert_eq!(first.items.len(), 2);
    let token = first.next.clone().expect("more than two deployments");
    let path = format!("/deployments?limit=2&sort=name&continue={token}");
    let second: Page<Deployment> = ok(&answer(&mut platform, &get(&path), "u", T0), 200);
    assert!(second.items.iter().all(|d| !first.items.contains(d)));
    let since = first.resource_version;
    let post = Request {
        method: "POST",
        path: "/deployments",
        body: Some(DASHBOARD),
        idempotency_key: None,
    };
    let made: Deployment = ok(&answer(&mut platform, &post, "u", T0), 201);
    let path = format!("/deployments?sort=name&since={since}");
    let changes: Changes<Deployment> = ok(&answer(&mut platform, &get(&path), "u", T0), 200);
    assert!(
        changes
            .items
            .iter()
            .any(|d| d.deployment_id == made.deployment_id),
        "the new deployment is a change"
    );
    let future = format!("/deployments?since={}", u64::MAX);
    refused(
        &answer(&mut platform, &get(&future), "u", T0),
        410,
        "expired",
    );
}

#[test]
fn logs_refuse_a_limit_that_is_not_a_number() {
    let mut platform = seeded();
    let id = platform.deployments(&[], "", None)[0].deployment_id.clone();
    let path = format!("/deployments/{id}/logs?limit=many");
    let body = refused(
        &answer(&mut platform, &get(&path), "u", T0),
        400,
        "malformed_request",
    );
    assert!(body.message.contains("\"many\""), "{}", body.message);
    let path = format!("/deployments/{id}/logs");
    let _: serde_json::Value = ok(&answer(&mut platform, &get(&path), "u", T0), 200);
}

fn control<'a>(method: &'a str, path: &'a str, body: Option<&'a str>) -> Request<'a> {
    Request {
        method,
        path,
        body,
        idempotency_key: None,
    }
}

#[test]
fn a_demo_starts_from_its_saved_state_or_a_new_seed() {
    let mut fresh = Demo::start(None, 2.0, 5, T0);
    let Some(Save::Keep(saved)) = fresh.save() else {
        panic!("a seeded demo is saved");
    };
    assert_eq!(fresh.save(), None, "an unchanged demo is not saved again");
    let restored = Demo::start(Some(&saved), 1.0, 99, T0);
    assert_eq!(
        restored.platform().records().len(),
        fresh.platform().records().len()
    );
    assert_eq!(restored.platform().config(), config_at(1.0));
    let unreadable = Demo::start(Some("[1]"), 7.0, 5, T0);
    assert_eq!(
        unreadable.platform().config(),
        config_at(1.0),
        "7× is not offered"
    );
    assert!(!unreadable.platform().records().is_empty(), "a new seed");
}

#[test]
fn the_panel_controls_answer_with_the_simulations_status() {
    let mut demo = Demo::start(None, 1.0, 5, T0);
    let (status, effects) = demo.answer(&control("GET", "/__control/simulation", None), T0);
    let status: SimulationStatus = ok(&status, 200);
    assert_eq!(status.speed, 1.0);
    assert!(!effects.changed && !effects.save, "a read changes nothing");

    let (answer, effects) = demo.answer(
        &control("PUT", "/__control/speed", Some(r#"{"speed": 5}"#)),
        T0,
    );
    assert_eq!(ok::<SimulationStatus>(&answer, 200).speed, 5.0);
    assert!(effects.changed && effects.save);
    assert_eq!(demo.platform().config(), config_at(5.0));
    let (answer, _) = demo.answer(
        &control("PUT", "/__control/speed", Some(r#"{"speed": 3}"#)),
        T0,
    );
    refused(&answer, 400, "malformed_request");

    let (answer, _) = demo.answer(&control("POST", "/__control/fail-next-update", None), T0);
    assert!(ok::<SimulationStatus>(&answer, 200).next_update_fails);

    let uuid = demo.platform().devices(None, None)[0].uuid.clone();
    let path = format!("/__control/devices/{uuid}/offline");
    let (answer, _) = demo.answer(&control("POST", &path, None), T0);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (answer, _) = demo.answer(
        &control("POST", "/__control/devices/nobody/offline", None),
        T0,
    );
    refused(&answer, 404, "not_found");
    let (answer, _) = demo.answer(&control("POST", "/__control/devices/x/sideways", None), T0);
    refused(&answer, 404, "not_found");
}

#[test]
fn a_grown_demo_is_not_saved_and_a_reset_makes_old_lists_read_again() {
    let mut demo = Demo::start(None, 1.0, 5, T0);
    let (page, _) = demo.answer(&get("/deployments?limit=1"), T0);
    let since = ok::<Page<Deployment>>(&page, 200).resource_version;
    let (answer, _) = demo.answer(&control("POST", "/__control/grow", None), T0);
    let grown: SimulationStatus = ok(&answer, 200);
    assert!(grown.added > 0 && grown.beyond_saving);
    assert_eq!(demo.platform().records().len(), GROWN_FLEET);
    assert_eq!(
        demo.save(),
        Some(Save::Forget),
        "the state kept before is forgotten"
    );
    assert_eq!(demo.save(), None, "and nothing is saved after");

    let (answer, effects) = demo.answer(&control("POST", "/__control/reset", None), T0);
    assert!(!ok::<SimulationStatus>(&answer, 200).beyond_saving);
    assert!(effects.save && matches!(demo.save(), Some(Save::Keep(_))));
    let path = format!("/deployments?since={since}");
    let (answer, _) = demo.answer(&get(&path), T0);
    refused(&answer, 410, "expired");
}

#[test]
fn ticks_announce_and_save_only_what_moved() {
    let mut demo = Demo::start(None, 1.0, 5, T0);
    assert!(
        matches!(demo.save(), Some(Save::Keep(_))),
        "a new demo is saved at once"
    );
    // The seeded demo has deployments on their way: an hour later they have all arrived,
    // which the views hear at once and storage within SAVE_EVERY_TICKS ticks.
    let moved = demo.tick(T0.plus(Millis::HOUR));
    assert!(moved.changed && !moved.save);
    let mut saves = 0;
    for second in 1..=60 {
        let idle = demo.tick(T0.plus(Millis::HOUR + second * 1_000));
        assert!(!idle.changed, "tick {second}");
        if idle.save {
            assert_eq!(
                second as u64,
                SAVE_EVERY_TICKS - 1,
                "the move is saved on time"
            );
            assert!(matches!(demo.save(), Some(Save::Keep(_))));
            saves += 1;
        }
    }
    assert_eq!(saves, 1, "an idle demo saves nothing more");
    assert_eq!(demo.save(), None);
    // A read that moves nothing tells nobody; a change the user asks for is told and saved.
    let (_, read) = demo.answer(&get("/deployments?limit=5"), T0.plus(Millis::HOUR + 61_000));
    assert!(!read.changed && !read.save);
    let uuid = demo.platform().devices(None, None)[0].uuid.clone();
    let path = format!("/__control/devices/{uuid}/offline");
    let (_, changed) = demo.answer(
        &control("POST", &path, None),
        T0.plus(Millis::HOUR + 62_000),
    );
    assert!(changed.changed && changed.save);
    assert!(matches!(demo.save(), Some(Save::Keep(_))));
}

#[test]
fn a_demo_too_big_for_local_storage_says_so_and_is_not_saved() {
    let mut demo = Demo::start(None, 1.0, 5, T0);
    assert!(!demo.beyond_saving());
    // Few deployments, each with a long parameter: the size counts, not the number.
    let package = demo
        .platform()
        .all_packages()
        .iter()
        .find(|p| {
            p.plans.first().is_some_and(|plan| {
                !plan.uses_ros()
                    && plan
                        .components
                        .iter()
                        .all(|c| c.required_runtime == platform::wire::Runtime::Cloud)
                    && plan.components.iter().any(|c| !c.parameters.is_empty())
            })
        })
        .cloned()
        .expect("a cloud package with a parameter");
    let plan = &package.plans[0];
    let component = plan
        .components
        .iter()
        .find(|c| !c.parameters.is_empty())
        .unwrap();
    let long = "x".repeat(4_000);
    let mut made = 0;
    while made * long.len() < SAVE_LIMIT + 100_000 {
        let body = serde_json::json!({
            "name": format!("big-{made}"),
            "packageId": package.summary.guid,
            "planId": plan.plan_id,
            "componentContext": {
                component.component_id.clone(): {"parameters": {component.parameters[0].name.clone(): long}}
            }
        })
        .to_string();
        let request = Request {
            method: "POST",
            path: "/deployments",
            body: Some(&body),
            idempotency_key: None,
        };
        let (answer, _) = demo.answer(&request, T0);
        assert_eq!(answer.status, 201, "{}", answer.body);
        made += 1;
    }
    assert!(
        demo.platform().records().len() < 2_000,
        "well under the old count limit"
    );
    assert_eq!(demo.save(), Some(Save::Forget), "too big to keep");
    assert_eq!(demo.save(), None);
    let (answer, _) = demo.answer(&control("GET", "/__control/simulation", None), T0);
    assert!(ok::<SimulationStatus>(&answer, 200).beyond_saving);
    let (answer, _) = demo.answer(&control("POST", "/__control/reset", None), T0);
    assert!(!ok::<SimulationStatus>(&answer, 200).beyond_saving);
    assert!(
        matches!(demo.save(), Some(Save::Keep(_))),
        "a reset demo is kept again"
    );
}

#[test]
fn the_worker_messages_are_tagged_json() {
    let start = ToWorker::Start {
        state: None,
        speed: 2.0,
    };
    let text = serde_json::to_string(&start).unwrap();
    assert_eq!(text, r#"{"type":"start","state":null,"speed":2.0}"#);
    let request: ToWorker = serde_json::from_str(
        r#"{"type":"request","id":3,"method":"GET","path":"/packages","body":null,"idempotencyKey":"k"}"#,
    )
    .unwrap();
    assert!(matches!(request, ToWorker::Request { id: 3, .. }));
    for message in [
        FromWorker::Ready,
        FromWorker::Changed,
        FromWorker::Answer {
            id: 1,
            status: 200,
            body: "{}".into(),
        },
        FromWorker::Save { state: "{}".into() },
        FromWorker::Forget,
    ] {
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message);
    }
}

#[test]
fn a_faster_demo_shortens_the_stages_and_keeps_the_browser_log_size() {
    let (fast, normal) = (config_at(5.0), config_at(1.0));
    assert_eq!(fast.max_log_lines, DEMO_LOG_LINES);
    assert_eq!(normal.max_log_lines, DEMO_LOG_LINES);
    assert_eq!(fast.provisioning_ms * 5, normal.provisioning_ms);
    assert!(fast.in_progress_ms < normal.in_progress_ms);
}
