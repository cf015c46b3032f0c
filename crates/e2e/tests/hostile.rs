//! Hostile input, in a real browser against the reference backend: every bad value typed into
//! the deploy form (empty, too short or long, padded, invisible and bidirectional characters,
//! non-Latin letters, markup and `javascript:` payloads, duplicate label keys, huge parameter
//! values, relative mount paths) and every bad choice (a deploy link naming devices, networks
//! and dependencies that do not exist, a device that went offline after it was picked, an
//! Update with nothing updatable chosen) shows its message at its field, and nothing is sent
//! when the console can know; the backend refuses the same payloads with the same 422 field
//! error. Data the backend holds that carries HTML or script (names, labels, error codes, log
//! lines, package, device and network names) shows as text on every page: nothing runs,
//! nothing is injected.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::time::Duration;

use rio_console::ids;
use rio_console::pages::deploy::model::field_dom_id;
use rio_e2e::page::{LONG, click, run, test_id, wait_dialog, wait_for, wait_text};
use rio_e2e::{BackendSite, Browser, deployment_id, get_json, http};
use serde_json::{Value, json};

/// Markup that runs script or adds an element if it is ever parsed as HTML.
const XSS: &str =
    r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b id="pwned">b</b>"#;

/// The package every form case deploys: a cloud and a device component, ROS, parameters.
const BRIDGE: &str = "/catalog/pkg-fleet-bridge/deploy";

/// One hostile value for one field and the message it must show there.
struct Case {
    /// The request path of the field (`name`, `labels[0].key`, …).
    field: &'static str,
    /// What is typed.
    input: String,
    /// The message shown at the field, and in the backend's 422 for that field.
    expected: String,
}

fn case(field: &'static str, input: impl Into<String>, expected: impl Into<String>) -> Case {
    Case {
        field,
        input: input.into(),
        expected: expected.into(),
    }
}

const NAME_CHARS: &str = "is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .";
const KEY_CHARS: &str = "is not allowed in a key: use A–Z, a–z, 0–9, _, . and -.";
const PARAMETER: &str = "componentContext.comp-bridge-agg.parameters.RETENTION_HOURS";
const MOUNT: &str = "volumes[0].mountPath";

/// Every hostile value typed into a text field of the deploy form.
fn form_cases() -> Vec<Case> {
    let absolute = "Use an absolute path, starting with /.";
    vec![
        // Name of deployment.
        case("name", "", "Enter a name for the deployment."),
        case("name", "   ", "Enter a name for the deployment."),
        case("name", "ab", "Use at least 3 characters (this has 2)."),
        case(
            "name",
            "   ab   ",
            "Use at least 3 characters (this has 2).",
        ),
        case(
            "name",
            "n".repeat(65),
            "Use at most 64 characters (this has 65).",
        ),
        case(
            "name",
            "n".repeat(10_000),
            "Use at most 64 characters (this has 10000).",
        ),
        case("name", "-nav", "Start the name with a letter or a digit."),
        case(
            "name",
            "<script>alert(1)</script>",
            format!("\"<\" {NAME_CHARS}"),
        ),
        case(
            "name",
            "nav\"><img src=x onerror=alert(1)>",
            format!("\"\"\" {NAME_CHARS}"),
        ),
        case("name", "javascript:alert(1)", format!("\":\" {NAME_CHARS}")),
        case(
            "name",
            "nav\u{200B}bot",
            format!("The invisible character U+200B {NAME_CHARS}"),
        ),
        case(
            "name",
            "\u{202E}nav-1",
            format!("The invisible character U+202E {NAME_CHARS}"),
        ),
        case(
            "name",
            "\u{FEFF}nav-1",
            format!("The invisible character U+FEFF {NAME_CHARS}"),
        ),
        case(
            "name",
            "nav\tbot",
            format!("The invisible character U+0009 {NAME_CHARS}"),
        ),
        case(
            "name",
            "nave\u{0301}",
            format!("The combining mark U+0301 {NAME_CHARS}"),
        ),
        case("name", "مرحبا-1", format!("\"م\" {NAME_CHARS}")),
        case("name", "ロボット", format!("\"ロ\" {NAME_CHARS}")),
        case("name", "🤖 bot", format!("\"🤖\" {NAME_CHARS}")),
        case("name", "１２３", format!("\"１\" {NAME_CHARS}")),
        // Labels.
        case("labels[0].key", "", "Enter a key."),
        case(
            "labels[0].key",
            "k".repeat(64),
            "Use at most 63 characters (this has 64).",
        ),
        case(
            "labels[0].key",
            "-site",
            "Start and end the key with a letter or a digit.",
        ),
        case(
            "labels[0].key",
            "site.",
            "Start and end the key with a letter or a digit.",
        ),
        case(
            "labels[0].key",
            "app.kubernetes.io/name",
            format!("\"/\" {KEY_CHARS}"),
        ),
        case("labels[0].key", "<script>", format!("\"<\" {KEY_CHARS}")),
        case("labels[0].key", "sí", format!("\"í\" {KEY_CHARS}")),
        case(
            "labels[0].key",
            "si\u{200B}te",
            format!("The invisible character U+200B {KEY_CHARS}"),
        ),
        case(
            "labels[1].key",
            "site",
            "The key \"site\" is used twice; keys must be unique.",
        ),
        case(
            "labels[1].key",
            "  site  ",
            "The key \"site\" is used twice; keys must be unique.",
        ),
        case("labels[0].value", "", "Enter a value."),
        case("labels[0].value", "    ", "Enter a value."),
        case(
            "labels[0].value",
            "v".repeat(254),
            "Use at most 253 characters (this has 254).",
        ),
        case(
            "labels[0].value",
            "tokyo\tosaka",
            "The invisible character U+0009 is not allowed in a value.",
        ),
        case(
            "labels[0].value",
            "tokyo\u{202E}",
            "The invisible character U+202E is not allowed in a value.",
        ),
        case(
            "labels[0].value",
            "to\u{200D}kyo",
            "The invisible character U+200D is not allowed in a value.",
        ),
        // Parameters.
        case(PARAMETER, "", "Enter a value for RETENTION_HOURS."),
        case(PARAMETER, "   ", "Enter a value for RETENTION_HOURS."),
        case(
            PARAMETER,
            "9".repeat(4097),
            "Use at most 4096 characters (this has 4097).",
        ),
        case(
            PARAMETER,
            "9".repeat(200_000),
            "Use at most 4096 characters (this has 200000).",
        ),
        case(
            PARAMETER,
            "24\u{0}",
            "The NUL character (U+0000) cannot be passed to a component.",
        ),
        // Volume mount path.
        case(MOUNT, "", "Enter the path to mount the volume at."),
        case(MOUNT, "data", absolute),
        case(MOUNT, "./data", absolute),
        case(MOUNT, "../data", absolute),
        case(MOUNT, "javascript:alert(1)", absolute),
        case(MOUNT, "C:\\data", absolute),
        case(
            MOUNT,
            "/",
            "Mounting over / is not allowed; choose a directory such as /data.",
        ),
        case(
            MOUNT,
            "/./",
            "Mounting over / is not allowed; choose a directory such as /data.",
        ),
        case(MOUNT, "/data/../etc", "Paths cannot contain \"..\"."),
        case(MOUNT, "/my data", "Paths cannot contain spaces."),
        case(
            MOUNT,
            "/data\u{200B}",
            "The invisible character U+200B is not allowed in a path.",
        ),
    ]
}

/// The valid value each field goes back to after its cases.
fn valid_value(field: &str) -> &'static str {
    match field {
        "name" => "hostile-ok",
        "labels[0].key" => "site",
        "labels[0].value" => "tokyo",
        "labels[1].key" => "team",
        "labels[1].value" => "ops",
        PARAMETER => "24",
        MOUNT => "/data",
        other => panic!("no valid value for {other}"),
    }
}

/// What the console sends for `input` typed into `field` (it trims names, label keys and
/// values, and mount paths; parameters go as typed).
fn as_sent(field: &str, input: &str) -> String {
    if field == PARAMETER {
        input.to_string()
    } else {
        input.trim().to_string()
    }
}

/// Sets the text input for `field` as typing would (an `input` event, then leaving it);
/// returns the value the input holds.
async fn set(browser: &Browser, field: &str, value: &str) -> String {
    run(
        browser,
        "const i = document.getElementById(arguments[0]); i.value = arguments[1]; \
         i.dispatchEvent(new Event('input', {bubbles: true})); i.dispatchEvent(new Event('blur')); return i.value",
        vec![json!(field_dom_id(field)), json!(value)],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Clicks a button by its text.
async fn press(browser: &Browser, text: &str) {
    run(
        browser,
        "const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[0]); b.click(); return null",
        vec![json!(text)],
    )
    .await;
}

/// Clicks the element matching `css` from a script (a sticky header cannot take the click).
async fn js_click(browser: &Browser, css: &str) {
    browser.wait_css(css).await;
    run(
        browser,
        "document.querySelector(arguments[0]).click(); return null",
        vec![json!(css)],
    )
    .await;
}

/// Picks the option of the select `field` whose text contains `text`.
async fn pick(browser: &Browser, field: &str, text: &str) {
    let picked = run(
        browser,
        "const s = document.getElementById(arguments[0]); const o = [...s.options].find(o => !o.disabled && o.textContent.includes(arguments[1])); \
         if (!o) return null; s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true})); return o.value",
        vec![json!(field_dom_id(field)), json!(text)],
    )
    .await;
    assert!(picked.is_string(), "{field} has an option with {text}");
}

/// How many requests the backend received, by `"METHOD /path"` (query left out), from its
/// request log.
async fn requests(site: &BackendSite) -> Value {
    let mut counts = serde_json::Map::new();
    for request in site.requests().await {
        let path = request["path"].as_str().unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        let key = format!("{} {path}", request["method"].as_str().unwrap_or_default());
        let seen = counts.get(&key).and_then(Value::as_u64).unwrap_or(0);
        counts.insert(key, json!(seen + 1));
    }
    Value::Object(counts)
}

/// How many times `key` (`"POST /api/v1/deployments"`) was requested.
async fn count(site: &BackendSite, key: &str) -> u64 {
    requests(site).await[key].as_u64().unwrap_or(0)
}

const POSTS: &str = "POST /api/v1/deployments";

/// Whether a markup payload ran or added an element (a script).
const INJECTED: &str = r#"
return {
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  elements: document.querySelectorAll('img[src="x"], [onerror], [onload], #pwned, b#pwned').length,
  scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
};
"#;

async fn assert_nothing_injected(browser: &Browser, page: &str) {
    let seen = run(browser, INJECTED, Vec::new()).await;
    assert_eq!(
        seen,
        json!({"pwned": null, "elements": 0, "scripts": 0}),
        "markup from data ran or was added on {page}"
    );
}

/// The text shown at `field` (its error line).
fn error_css(field: &str) -> String {
    format!("#{}-error", field_dom_id(field))
}

/// Fills the fleet-bridge form with valid values (two labels, the docker device, the cloud
/// network, a volume at /data).
async fn fill_valid_form(browser: &Browser) {
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    set(browser, "name", valid_value("name")).await;
    for (i, field) in ["labels[0]", "labels[1]"].iter().enumerate() {
        press(browser, "Add label").await;
        browser
            .wait_css(&format!("#{}", field_dom_id(&format!("{field}.key"))))
            .await;
        assert_eq!(i + 1, label_rows(browser).await);
        for leaf in ["key", "value"] {
            let path = format!("{field}.{leaf}");
            set(browser, &path, valid_value(&path)).await;
        }
    }
    click(
        browser,
        "input[name='field-componentContext-comp-bridge-agent-deviceId'][value='dev-edge-01']",
    )
    .await;
    run(
        browser,
        "const l = [...document.querySelectorAll('label.option')].find(l => l.textContent.includes('floor-net')); l.querySelector('input').click(); return null",
        Vec::new(),
    )
    .await;
    press(browser, "Add volume").await;
    browser
        .wait_css(&format!("#{}", field_dom_id("volumes[0].deploymentId")))
        .await;
    rio_e2e::page::pick_deployment(
        browser,
        &field_dom_id("volumes[0].deploymentId"),
        "telemetry",
        "telemetry-store",
    )
    .await;
    pick(browser, "volumes[0].componentId", "aggregator").await;
    set(browser, MOUNT, "/data").await;
}

async fn label_rows(browser: &Browser) -> usize {
    run(
        browser,
        "return document.querySelectorAll('[id^=field-labels-][id$=--key]').length",
        Vec::new(),
    )
    .await
    .as_u64()
    .unwrap_or(0) as usize
}

/// Presses CREATE DEPLOYMENT; returns whether the Confirm step appeared.
async fn create(browser: &Browser) -> bool {
    click(browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    run(
        browser,
        "return !!document.querySelector(arguments[0])",
        vec![json!(test_id(ids::CONFIRM_STEP))],
    )
    .await
        == json!(true)
}

/// Scrolls the field into view and saves a screenshot.
async fn shot(browser: &Browser, field: &str, name: &str) {
    run(
        browser,
        "document.getElementById(arguments[0]).scrollIntoView({block: 'center'}); return null",
        vec![json!(field_dom_id(field))],
    )
    .await;
    browser.screenshot(name).await;
}

#[tokio::test]
async fn the_deploy_form_refuses_hostile_input_at_the_field_and_sends_nothing() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let browser = Browser::start().await;
    browser.goto(&site.url(BRIDGE)).await;
    fill_valid_form(&browser).await;
    assert!(create(&browser).await, "the valid form reaches Confirm");
    press(&browser, "Back to edit").await;
    let cases = form_cases();
    let before = count(&site, POSTS).await;
    for case in &cases {
        let held = set(&browser, case.field, &case.input).await;
        assert_eq!(
            held.chars().count(),
            case.input.chars().count(),
            "the input keeps what was typed into {}",
            case.field
        );
        assert!(
            !create(&browser).await,
            "{} = {:?} got to Confirm",
            case.field,
            case.input
        );
        wait_text(&browser, &error_css(case.field), &case.expected, LONG).await;
        match case.field {
            "name" if case.input.starts_with('\u{202E}') => {
                shot(&browser, "name", "hostile-name-bidi").await
            }
            MOUNT if case.input == "data" => shot(&browser, MOUNT, "hostile-mount-path").await,
            "labels[1].key" => shot(&browser, "labels[1].key", "hostile-duplicate-key").await,
            _ => {}
        }
        set(&browser, case.field, valid_value(case.field)).await;
        wait_text(&browser, &error_css(case.field), "", LONG).await;
    }
    assert_eq!(
        count(&site, POSTS).await,
        before,
        "no deployment request was sent for any of {} hostile values: {}",
        cases.len(),
        requests(&site).await
    );
    // The same form, valid again, is sent exactly once: the count above means something.
    assert!(create(&browser).await);
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    wait_for(
        &browser,
        "the details page of the new deployment",
        LONG,
        "return location.pathname",
        Vec::new(),
        |path| {
            path.as_str()
                .is_some_and(|p| p.starts_with("/deployments/dep-"))
        },
    )
    .await;
    assert_eq!(count(&site, POSTS).await, before + 1);
    assert_nothing_injected(&browser, "the deploy form").await;
    browser.finish(&[]).await;
}

/// The backend refuses each payload the console blocks, with the same message at the same
/// field (the request as the console would have built it, sent straight to the API).
#[tokio::test]
async fn the_backend_refuses_every_blocked_payload_with_the_same_field_error() {
    let site = BackendSite::start(&[]).await;
    let volume = deployment_id(&site.url(""), "telemetry-store").await;
    let base = json!({
        "name": "hostile-ok", "packageId": "pkg-fleet-bridge", "planId": "plan-fleet-bridge",
        "labels": [{"key": "site", "value": "tokyo"}, {"key": "team", "value": "ops"}],
        "componentContext": {
            "comp-bridge-agent": {"deviceId": "dev-edge-01"},
            "comp-bridge-agg": {"parameters": {"RETENTION_HOURS": "24"}},
        },
        "routedNetworks": [{"guid": "net-floor"}],
        "volumes": [{"deploymentId": volume, "componentId": "comp-bridge-agg", "mountPath": "/data"}],
    });
    let post = |body: String| {
        let url = site.url("/api/v1/deployments");
        async move { http("POST", &url, Some(&body)).await }
    };
    let (status, created) = post(base.to_string()).await;
    assert_eq!(status, 201, "the base request is valid: {created}");
    for case in form_cases() {
        let mut body = base.clone();
        let sent = Value::String(as_sent(case.field, &case.input));
        match case.field {
            "name" => body["name"] = sent,
            PARAMETER => {
                body["componentContext"]["comp-bridge-agg"]["parameters"]["RETENTION_HOURS"] = sent
            }
            MOUNT => body["volumes"][0]["mountPath"] = sent,
            label => {
                let (row, leaf) = label
                    .strip_prefix("labels[")
                    .and_then(|rest| rest.split_once("]."))
                    .unwrap_or_else(|| panic!("unexpected field {label}"));
                let row: usize = row.parse().expect("a row");
                body["labels"][row][leaf] = sent;
            }
        }
        let (status, answer) = post(body.to_string()).await;
        let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        let fields = answer["error"]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(status, 422, "{} = {:?}: {answer}", case.field, case.input);
        assert_eq!(
            fields,
            vec![json!({"field": case.field, "message": case.expected})],
            "{} = {:?}",
            case.field,
            case.input
        );
    }
    // Payloads only a hand-written request can carry.
    let xss_component = format!("componentContext.{XSS}");
    let raw: Vec<(Value, &str, &str)> = vec![
        (
            json!({"name": "nav\nbot"}),
            "name",
            "The invisible character U+000A",
        ),
        (
            json!({"name": "nav\u{0}bot"}),
            "name",
            "The invisible character U+0000",
        ),
        (
            json!({"labels": [{"key": " site", "value": "x"}]}),
            "labels[0].key",
            "\" \" is not allowed in a key",
        ),
        (
            json!({"labels": [{"key": "site", "value": "a\nb"}]}),
            "labels[0].value",
            "U+000A is not allowed in a value",
        ),
        (
            json!({"componentContext": {"comp-bridge-agent": {"deviceId": XSS}}}),
            "componentContext.comp-bridge-agent.deviceId",
            "No device with ID <img",
        ),
        (
            json!({"componentContext": {"comp-bridge-agent": {"deviceId": "dev-edge-01", "restartPolicy": "<script>"}}}),
            "componentContext.comp-bridge-agent.restartPolicy",
            "\"<script>\" is not a restart policy",
        ),
        (
            json!({"componentContext": {XSS: {}}}),
            &xss_component,
            "The package has no such component.",
        ),
        (
            json!({"routedNetworks": [{"guid": "javascript:alert(1)"}]}),
            "routedNetworks[0]",
            "No routed network with ID javascript:alert(1) exists.",
        ),
        (
            json!({"dependentDeployments": [{"dependentDeploymentId": XSS}]}),
            "dependentDeployments[0]",
            "No deployment with ID <img",
        ),
        (
            json!({"volumes": [{"deploymentId": volume, "componentId": "comp-bridge-agg", "mountPath": "/data\n"}]}),
            "volumes[0].mountPath",
            "U+000A is not allowed in a path",
        ),
    ];
    for (change, field, expected) in raw {
        let mut body = base.clone();
        for (key, value) in change.as_object().into_iter().flatten() {
            body[key] = value.clone();
        }
        let (status, answer) = post(body.to_string()).await;
        let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        assert_eq!(status, 422, "{change}: {answer}");
        let message = answer["error"]["fields"]
            .as_array()
            .and_then(|fields| fields.iter().find(|f| f["field"] == field))
            .and_then(|f| f["message"].as_str())
            .unwrap_or_else(|| panic!("no error at {field} for {change}: {answer}"))
            .to_string();
        assert!(message.contains(expected), "{field}: {message}");
    }
    // Bodies that are not the request at all are 400, never a crash.
    for body in [
        "{\"name\": \"\\ud800\"}".to_string(),
        "{\"name\": 12}".to_string(),
        "\"just a string\"".to_string(),
        format!("{{\"name\": \"{}\"", "x".repeat(100_000)),
    ] {
        let (status, _) = post(body.clone()).await;
        assert_eq!(status, 400, "{}", &body[..body.len().min(40)]);
    }
    // Update requests: the update dialog's rule and what only a hand-written request carries.
    let dashboard = deployment_id(&site.url(""), "fleet-dashboard-prod").await;
    let url = site.url(&format!("/api/v1/deployments/{dashboard}"));
    let generation = get_json(&url).await["currentGeneration"]
        .as_u64()
        .unwrap_or(0);
    for (components, field, expected) in [
        (
            json!([]),
            "components",
            "Choose at least one component to update.",
        ),
        (
            json!([XSS]),
            "components[0]",
            "The deployment has no component <img",
        ),
        (
            json!(["comp-dashboard-web", "comp-dashboard-web"]),
            "components[1]",
            "This component is listed twice.",
        ),
        (
            json!(["javascript:alert(1)"]),
            "components[0]",
            "The deployment has no component javascript:alert(1).",
        ),
    ] {
        let body = json!({"expectedGeneration": generation, "components": components}).to_string();
        let (status, answer) = http("PATCH", &url, Some(&body)).await;
        let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        assert_eq!(status, 422, "{components}: {answer}");
        let message = answer["error"]["fields"]
            .as_array()
            .and_then(|fields| fields.iter().find(|f| f["field"] == field))
            .and_then(|f| f["message"].as_str())
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(expected), "{components}: {answer}");
    }
    for body in [
        json!({"expectedGeneration": "1", "components": ["comp-dashboard-web"]}),
        json!({"expectedGeneration": -1, "components": ["comp-dashboard-web"]}),
        json!({"expectedGeneration": 1e40, "components": ["comp-dashboard-web"]}),
        json!({"expectedGeneration": generation, "components": "comp-dashboard-web"}),
    ] {
        let (status, _) = http("PATCH", &url, Some(&body.to_string())).await;
        assert_eq!(status, 400, "{body}");
    }
    assert_eq!(
        get_json(&url).await["currentGeneration"].as_u64(),
        Some(generation),
        "no refused update changed the deployment"
    );
}

/// A deploy link can name anything: IDs that do not exist and markup land at their fields,
/// shown as text, and nothing is sent.
#[tokio::test]
async fn a_hostile_deploy_link_lands_at_the_fields_as_text() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let browser = Browser::start().await;
    let device = "<script>window.__pwned=3</script>";
    let network = "javascript:window.__pwned=4";
    let dependency = "\"><img src=x onerror=\"window.__pwned=5\">";
    let query: String = [
        ("name", "<img src=x onerror=\"window.__pwned=6\">"),
        ("label", "<b id=pwned>x</b>:y"),
        ("device.comp-bridge-agent", device),
        ("network", network),
        ("dependency", dependency),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", rio_console::api::encode(v)))
    .collect::<Vec<_>>()
    .join("&");
    browser.goto(&site.url(&format!("{BRIDGE}?{query}"))).await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    assert!(
        !create(&browser).await,
        "a hostile link never gets to Confirm"
    );
    wait_text(
        &browser,
        &error_css("name"),
        &format!("\"<\" {NAME_CHARS}"),
        LONG,
    )
    .await;
    wait_text(
        &browser,
        &error_css("labels[0].key"),
        &format!("\"<\" {KEY_CHARS}"),
        LONG,
    )
    .await;
    wait_text(
        &browser,
        &error_css("componentContext.comp-bridge-agent.deviceId"),
        &format!("No device with ID {device} exists."),
        LONG,
    )
    .await;
    wait_text(
        &browser,
        &error_css("dependentDeployments[0]"),
        &format!("No deployment with ID {dependency} exists."),
        LONG,
    )
    .await;
    // A network that does not exist is said, with a way to drop it.
    wait_for(
        &browser,
        "the unknown network is named at the network field",
        LONG,
        "const u = document.querySelector('.unknown-choices'); return u ? u.textContent : null",
        Vec::new(),
        |text| {
            text.as_str().is_some_and(|t| {
                t.contains(&format!("No routed network with ID {network} exists."))
            })
        },
    )
    .await;
    shot(&browser, "name", "hostile-deploy-link").await;
    assert_nothing_injected(&browser, "a hostile deploy link").await;
    click(&browser, ".unknown-choices button").await;
    wait_for(
        &browser,
        "Remove drops the unknown network",
        LONG,
        "return document.querySelectorAll('.unknown-choices li').length",
        Vec::new(),
        |n| n == &json!(0),
    )
    .await;
    assert_eq!(count(&site, POSTS).await, 0, "{}", requests(&site).await);
    // The dependency the link names is looked up by its ID, which the backend answers 404.
    browser
        .finish(&["the server responded with a status of 404"])
        .await;
}

/// A device that goes offline after it was picked: once the list is refreshed the console
/// knows and sends nothing; before that only the backend knows, and its 422 lands at the
/// device field with the form kept.
#[tokio::test]
async fn a_device_that_went_offline_after_it_was_picked_is_refused_at_its_field() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let browser = Browser::start().await;
    browser.goto(&site.url(BRIDGE)).await;
    fill_valid_form(&browser).await;
    let device_field = error_css("componentContext.comp-bridge-agent.deviceId");
    let offline = |state: &'static str| {
        let url = site.url(&format!("/__control/devices/dev-edge-01/{state}"));
        async move { assert_eq!(http("POST", &url, None).await.0, 200) }
    };
    // Offline, and the user refreshes the list: the console knows.
    offline("offline").await;
    js_click(&browser, &test_id(ids::REFRESH_DEVICES)).await;
    assert!(!create(&browser).await);
    wait_for(
        &browser,
        "the device field says the picked device is offline",
        LONG,
        rio_e2e::page::TEXT,
        vec![json!(device_field)],
        |text| {
            text.as_str()
                .is_some_and(|t| t.starts_with("edge-01 cannot run agent") && t.contains("offline"))
        },
    )
    .await;
    assert_eq!(count(&site, POSTS).await, 0);
    // Online again; picked; offline after the list was fetched: only the backend knows.
    offline("online").await;
    js_click(&browser, &test_id(ids::REFRESH_DEVICES)).await;
    wait_text(&browser, &device_field, "", LONG).await;
    offline("offline").await;
    assert!(create(&browser).await, "the console cannot know yet");
    click(&browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    browser.wait_test_id(ids::SUBMIT_ERROR).await;
    wait_for(
        &browser,
        "the backend's reason shows at the device field",
        LONG,
        rio_e2e::page::TEXT,
        vec![json!(device_field)],
        |text| text.as_str().is_some_and(|t| t.contains("offline")),
    )
    .await;
    assert_eq!(count(&site, POSTS).await, 1, "one request, refused");
    let kept = run(
        &browser,
        "return document.getElementById('field-name').value",
        Vec::new(),
    )
    .await;
    assert_eq!(kept.as_str(), Some("hostile-ok"), "the form kept its input");
    browser
        .finish(&["the server responded with a status of 422"])
        .await;
}

/// The Update dialog refuses an Update with nothing updatable chosen, even with a disabled
/// checkbox forced on in the page, and sends nothing.
#[tokio::test]
async fn the_update_dialog_refuses_an_empty_or_forced_choice_and_sends_nothing() {
    let site = BackendSite::start(&["--enable-faults"]).await;
    let browser = Browser::start().await;
    let patches = |id: &str| format!("PATCH /api/v1/deployments/{id}");
    let choice_error = "#update-choices-error";
    let message = "Choose at least one component to update.";
    // A cloud deployment: Update with nothing ticked, then ticked and unticked.
    let dashboard = deployment_id(&site.url(""), "fleet-dashboard-prod").await;
    browser
        .goto(&site.url(&format!("/deployments/{dashboard}")))
        .await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    let checkbox = format!(
        "{} input[type=checkbox][value=\"comp-dashboard-web\"]:not([disabled])",
        test_id(ids::UPDATE_DIALOG)
    );
    browser.wait_css(&checkbox).await;
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_text(&browser, choice_error, message, LONG).await;
    click(&browser, &checkbox).await;
    wait_text(&browser, choice_error, "", LONG).await;
    click(&browser, &checkbox).await;
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_text(&browser, choice_error, message, LONG).await;
    browser.screenshot("hostile-update-nothing-chosen").await;
    assert_eq!(count(&site, &patches(&dashboard)).await, 0);
    // A component on a preinstalled device: its checkbox forced on in the page counts for
    // nothing.
    let sensors = deployment_id(&site.url(""), "sensor-logger-tokyo").await;
    browser
        .goto(&site.url(&format!("/deployments/{sensors}")))
        .await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    // The device component's checkbox is disabled once the devices are known.
    wait_for(
        &browser,
        "the preinstalled device's component disabled",
        LONG,
        &format!(
            "return document.querySelector('[data-testid={}] input[type=checkbox][disabled]') !== null",
            ids::UPDATE_DIALOG
        ),
        Vec::new(),
        |v| *v == json!(true),
    )
    .await;
    let forced = run(
        &browser,
        &format!(
            "const c = document.querySelector('[data-testid={}] input[type=checkbox][disabled]'); \
         if (!c) return null; c.disabled = false; c.click(); return c.checked",
            ids::UPDATE_DIALOG
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(forced, json!(true), "a disabled checkbox was forced on");
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_text(&browser, choice_error, message, LONG).await;
    assert_eq!(
        count(&site, &patches(&sensors)).await,
        0,
        "{}",
        requests(&site).await
    );
    assert_nothing_injected(&browser, "the update dialog").await;
    browser.finish(&[]).await;
}

// =================================================================== stored payloads

/// Adds `XSS` to every display text of the saved state (names, descriptions, messages,
/// reasons, users, label values, error codes, phases of one deployment), leaving IDs alone.
fn poison(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(members) => {
            for (k, member) in members.iter_mut() {
                poison(member, Some(k));
            }
        }
        Value::Array(items) => {
            let is_codes = matches!(key, Some("errors" | "errorCode"));
            for item in items.iter_mut() {
                poison(item, key);
            }
            if is_codes {
                items.push(Value::String(format!("DEP_E151{XSS}")));
            }
        }
        Value::String(text) => {
            let display = matches!(
                key,
                Some(
                    "name"
                        | "description"
                        | "message"
                        | "reason"
                        | "creator"
                        | "user"
                        | "value"
                        | "packageName"
                )
            );
            if display && text != platform::rules::VOLUME_PACKAGE_NAME {
                text.push_str(XSS);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn markup_in_backend_data_shows_as_text_and_never_runs() {
    use platform::sim::{SimConfig, seed};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let state = dir.path().join("state.json");
    let now = platform::time::Millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0),
    );
    let mut world = seed::seeded(1, now, SimConfig::with_speed(20.0));
    // Logs written by running components.
    world.advance(now.plus(30_000));
    let mut json_state: Value = serde_json::from_str(&world.to_json()).expect("the state");
    poison(&mut json_state, None);
    // One deployment in a phase nobody knows, spelled as markup.
    if let Some(record) = json_state["records"].get_mut(0) {
        record["deployment"]["phase"] = Value::String(format!("Paused{XSS}"));
    }
    std::fs::write(&state, json_state.to_string()).expect("write the state");
    let state_arg = state.to_string_lossy().into_owned();
    let site = BackendSite::start(&["--enable-faults", "--state", &state_arg]).await;
    let list = get_json(&site.url("/api/v1/deployments")).await;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let named = |name: &str| {
        items
            .iter()
            .find(|d| d["name"].as_str().is_some_and(|n| n.starts_with(name)))
            .and_then(|d| d["deploymentId"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no deployment {name}: {list}"))
    };
    let dashboard = named("fleet-dashboard-prod");
    let sensors = named("sensor-logger-tokyo");
    let browser = Browser::start().await;
    let pages = [
        "/catalog".to_string(),
        "/catalog/pkg-fleet-bridge".to_string(),
        "/deployments?phase=all".to_string(),
        format!("/deployments/{dashboard}"),
        format!("/deployments/{dashboard}?tab=history"),
        format!("/deployments/{dashboard}?tab=logs"),
        format!("/deployments/{sensors}"),
        BRIDGE.to_string(),
        format!("/widgets/deployment/{dashboard}"),
        format!(
            "/widgets/deployments?label={}",
            rio_console::api::encode(&format!("site:tokyo{XSS}"))
        ),
    ];
    for page in &pages {
        browser.goto(&site.url(page)).await;
        // The payload is on the page, as text.
        wait_for(
            &browser,
            &format!("the payload shows as text on {page}"),
            LONG,
            "return document.body.textContent.includes(arguments[0])",
            vec![json!("<img src=x onerror=\"window.__pwned=1\">")],
            |shown| shown == &json!(true),
        )
        .await;
        assert_nothing_injected(&browser, page).await;
    }
    // The Update dialog lists component and device names from the backend.
    browser
        .goto(&site.url(&format!("/deployments/{sensors}")))
        .await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    wait_for(
        &browser,
        "the dialog shows the device name as text",
        LONG,
        &format!(
            "const d = document.querySelector('[data-testid={}]'); return d ? d.textContent : ''",
            ids::UPDATE_DIALOG
        ),
        Vec::new(),
        |text| {
            text.as_str()
                .is_some_and(|t| t.contains("sensor-pi-01<img"))
        },
    )
    .await;
    assert_nothing_injected(&browser, "the update dialog").await;
    browser.screenshot("hostile-stored-markup").await;
    browser.finish(&[]).await;
}
