//! The console under faults, in a real browser against the reference backend with
//! `--enable-faults`: failing, slow, late, refused and malformed answers, lost connections,
//! a refused token and a lost network. Each case checks what the user sees, exactly how many
//! requests went out (the backend's request log), and that nothing panicked or threw.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::sync::LazyLock;
use std::time::Duration;

use fantoccini::Locator;
use rio_console::ids;
use rio_e2e::page::{
    LONG, click, fill, overview, row, run, since_shown, test_id, wait_dialog, wait_for, wait_phase,
    wait_shown, wait_text, wait_watched, watch, watched,
};
use rio_e2e::{BackendSite, Browser};
use serde_json::{Value, json};
use tokio::time::Instant;

/// The backend's token in the sign-in case: distinctive, so finding it anywhere is no accident.
const TOKEN: &str = "rio-faults-Token-5Kp2Vd";

/// Longer than a stable view's poll interval (15 s) plus slack.
const POLL: Duration = Duration::from_secs(25);

/// The errors a browser logs by itself for a failed answer (not the app's own).
const FAILED_LOADS: [&str; 1] = ["Failed to load resource"];

/// What the tests read as the user does.
static BANNER: LazyLock<String> = LazyLock::new(|| test_id(ids::STALE_BANNER));
static LOAD_ERROR: LazyLock<String> = LazyLock::new(|| test_id(ids::LOAD_ERROR));
static LOADING: LazyLock<String> = LazyLock::new(|| test_id(ids::LOADING));
static GENERATION: LazyLock<String> = LazyLock::new(|| test_id(ids::DEPLOYMENT_GENERATION));
static PHASE: LazyLock<String> = LazyLock::new(|| test_id(ids::DEPLOYMENT_PHASE));
static TITLE: LazyLock<String> = LazyLock::new(|| test_id(ids::PAGE_TITLE));
/// The deployments table's footer ("rows 1–8 of 8"); the list's markup for it changed with
/// the windowed table (it was `p.table-foot`).
static TABLE_FOOT: LazyLock<String> = LazyLock::new(|| test_id(ids::DEPLOYMENTS_FOOT));

/// Starts the backend with faults (plus `extra`) and a browser watching the banners, errors,
/// placeholders and the facts a page shows.
async fn start(extra: &[&str]) -> (BackendSite, Browser) {
    let mut args = vec!["--enable-faults"];
    args.extend_from_slice(extra);
    let site = BackendSite::start(&args).await;
    let browser = Browser::start().await;
    watch(
        &browser,
        &[
            &BANNER,
            &LOAD_ERROR,
            &LOADING,
            &GENERATION,
            &PHASE,
            &TITLE,
            &TABLE_FOOT,
        ],
    )
    .await;
    (site, browser)
}

/// The ID of the deployment named `name`.
async fn id_of(site: &BackendSite, name: &str) -> String {
    let list = site.get_json("/api/v1/deployments").await;
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|d| d["name"] == name))
        .and_then(|d| d["deploymentId"].as_str())
        .unwrap_or_else(|| panic!("no deployment named {name}: {list}"))
        .to_string()
}

/// The browser's reads of the deployments list (any filter), oldest first.
async fn list_reads(site: &BackendSite) -> Vec<Value> {
    site.requests()
        .await
        .into_iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"].as_str().is_some_and(|p| {
                    p == "/api/v1/deployments" || p.starts_with("/api/v1/deployments?")
                })
        })
        .collect()
}

/// The statuses of `requests`, in order (0 while unanswered). A 304 counts as 200: the
/// browser revalidated its cached copy, a good read all the same.
fn statuses(requests: &[Value]) -> Vec<u64> {
    requests
        .iter()
        .map(|r| match r["status"].as_u64() {
            Some(304) => 200,
            status => status.unwrap_or(0),
        })
        .collect()
}

/// Milliseconds between the arrival of two logged requests.
fn gap(first: &Value, second: &Value) -> u64 {
    second["at"].as_u64().unwrap_or(0) - first["at"].as_u64().unwrap_or(0)
}

/// Waits until `count` requests match `filter` in the log; returns them all.
async fn wait_requests(
    site: &BackendSite,
    what: &str,
    timeout: Duration,
    filter: impl Fn(&Value) -> bool,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let seen: Vec<Value> = site.requests().await.into_iter().filter(&filter).collect();
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {timeout:?}; the log has {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether a logged request is the browser's read of `path` (exactly).
fn read_of(path: &str) -> impl Fn(&Value) -> bool + '_ {
    move |r: &Value| r["method"] == "GET" && r["path"] == path
}

/// Whether any text the watcher saw contains `part`.
fn saw(seen: &[Option<String>], part: &str) -> bool {
    seen.iter().flatten().any(|t| t.contains(part))
}

// ---- 1. 5xx on reads ----

#[tokio::test]
async fn failing_list_polls_keep_the_rows_marked_stale_and_recover() {
    let (site, browser) = start(&[]).await;
    browser.goto(&site.url("/deployments")).await;
    browser.wait_test_id(ids::DEPLOYMENTS_TABLE).await;
    wait_watched(&browser, &TABLE_FOOT, "rows are shown", LONG, |s| {
        matches!(s.last(), Some(Some(_)))
    })
    .await;
    let rows = watched(&browser, &TABLE_FOOT)
        .await
        .last()
        .cloned()
        .flatten();
    assert_eq!(list_reads(&site).await.len(), 1, "one read to load");
    site.forget_requests().await;
    // The next three polls fail, each its own way; the fourth answers.
    for status in [503, 502, 500] {
        site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "status", "status": status, "times": 1}))
            .await;
    }
    let seen = wait_watched(
        &browser,
        &BANNER,
        "a stale banner, then none",
        POLL + LONG,
        |s| saw(s, "HTTP 500") && matches!(s.last(), Some(None)),
    )
    .await;
    for status in ["HTTP 503", "HTTP 502", "HTTP 500"] {
        let text = seen
            .iter()
            .flatten()
            .find(|t| t.contains(status))
            .unwrap_or_else(|| panic!("the banner named {status}: {seen:?}"));
        assert!(
            text.contains("Showing deployments as of ") && text.contains("Next try around "),
            "the banner says how old the rows are and when the next try is: {text}"
        );
    }
    let reads = list_reads(&site).await;
    assert_eq!(
        statuses(&reads),
        [503, 502, 500, 200],
        "each failure retried once, then the schedule: {reads:?}"
    );
    // The footer names the rows in view, so it may first read a screen estimated before the
    // table is measured ("rows 1–7 of 7", then "rows 1–6 of 7"): it is never hidden, settles
    // once, and counts the same rows as before the failures.
    let seen = watched(&browser, &TABLE_FOOT).await;
    let shown = since_shown(&seen);
    let last = shown.last().cloned().flatten().unwrap_or_default();
    let settled = shown
        .iter()
        .position(|text| text.as_deref() == Some(last.as_str()))
        .map_or(&[][..], |at| &shown[at..]);
    let total = |text: &str| text.rsplit(" of ").next().unwrap_or_default().to_string();
    assert!(
        shown.iter().all(Option::is_some)
            && settled
                .iter()
                .all(|text| text.as_deref() == Some(last.as_str()))
            && rows.as_deref().map(total) == Some(total(&last)),
        "the rows stayed on screen throughout: {seen:?} (before the failures: {rows:?})"
    );
    browser.finish(&FAILED_LOADS).await;
}

#[tokio::test]
async fn a_failing_deployment_shows_its_last_data_as_stale_until_it_answers() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "amr-nav-tokyo").await;
    let path = format!("/api/v1/deployments/{id}");
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    wait_phase(&browser, "Succeeded", LONG).await;
    site.forget_requests().await;
    site.inject(&json!({"method": "GET", "path": path, "kind": "status", "status": 503}))
        .await;
    // The next poll fails, and the retries after it, until the backend is back.
    let failed = wait_requests(
        &site,
        "two failed reads",
        POLL + LONG,
        read_of(&path),
        |r| r.len() >= 2 && r[1]["status"] == 503,
    )
    .await;
    assert_eq!(statuses(&failed[..2]), [503, 503]);
    let banner = browser.wait_css(&BANNER).await;
    let text = banner.text().await.expect("banner text");
    assert!(
        text.contains("HTTP 503") && text.contains("Showing this deployment as of "),
        "{text}"
    );
    assert_eq!(
        overview(&browser).await["phase"],
        "Succeeded",
        "the last data stays"
    );
    browser.screenshot("faults-stale-banner").await;
    site.clear_faults().await;
    wait_watched(&browser, &BANNER, "the banner goes", LONG, |s| {
        matches!(s.last(), Some(None))
    })
    .await;
    let reads = site.requests_to("GET", &path).await;
    let (last, failures) = reads.split_last().expect("reads");
    assert_eq!(last["status"], 200, "{reads:?}");
    assert!(
        failures.iter().all(|r| r["status"] == 503) && failures.len() >= 2,
        "failures, then one success: {reads:?}"
    );
    // Backing off: the waits between failed reads are not a burst.
    let waits: Vec<u64> = reads.windows(2).map(|w| gap(&w[0], &w[1])).collect();
    assert!(
        waits.iter().sum::<u64>() >= 500,
        "retries are spread out: {waits:?}"
    );
    assert_eq!(
        since_shown(&watched(&browser, &PHASE).await),
        [Some("Succeeded".to_string())],
        "the phase never blinked"
    );
    browser.finish(&FAILED_LOADS).await;
}

// ---- 2 and 3. changes are never resent on their own ----

/// Opens the AMR navigation package's deploy form, fills it (name `name`, amr-01, robot-lan)
/// and goes to the Confirm step.
async fn fill_navigation_form(site: &BackendSite, browser: &Browser, name: &str) {
    browser
        .goto(&site.url("/catalog/pkg-amr-navigation/deploy"))
        .await;
    browser.wait_test_id(ids::DEPLOY_FORM).await;
    fill(browser, "field-name", name).await;
    click(
        browser,
        "input[name='field-componentContext-comp-amr-nav-deviceId'][value='dev-amr-01']",
    )
    .await;
    browser
        .client()
        .find(Locator::XPath(
            "//label[contains(@class,'option')][.//span[text()='robot-lan']]//input",
        ))
        .await
        .expect("robot-lan option")
        .click()
        .await
        .expect("pick robot-lan");
    click(browser, &test_id(ids::CREATE_DEPLOYMENT)).await;
    browser.wait_test_id(ids::CONFIRM_STEP).await;
}

/// The browser's POSTs creating deployments.
async fn creates(site: &BackendSite) -> Vec<Value> {
    site.requests_to("POST", "/api/v1/deployments").await
}

/// Confirms, waits for the error banner and checks nothing more was sent for a while; then
/// Try again lands on the new deployment, sent with the same idempotency key. Exactly one
/// deployment named `name` exists at the end.
async fn confirm_fail_and_try_again(site: &BackendSite, browser: &Browser, name: &str, says: &str) {
    click(browser, &test_id(ids::CONFIRM_DEPLOY)).await;
    wait_for(
        browser,
        "the submission fails",
        LONG,
        &format!(
            "return document.querySelector('[data-testid={}]')?.textContent ?? document.querySelector('main')?.textContent",
            ids::SUBMIT_ERROR
        ),
        Vec::new(),
        |v| v.as_str().is_some_and(|t| t.contains("Try again")),
    )
    .await;
    let error = browser.wait_test_id(ids::SUBMIT_ERROR).await;
    wait_text(browser, &test_id(ids::SUBMIT_RETRY), "Try again", LONG).await;
    let text = error.text().await.expect("error text");
    assert!(text.contains(says), "{text}");
    assert!(text.contains("cannot create a second deployment"), "{text}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sent = creates(site).await;
    assert_eq!(sent.len(), 1, "never resent on its own: {sent:?}");
    let value = run(
        browser,
        "return document.getElementById('field-name').value",
        Vec::new(),
    )
    .await;
    assert_eq!(value, name, "the form kept its input");
    browser.screenshot(&format!("faults-create-{name}")).await;
    click(browser, &test_id(ids::SUBMIT_RETRY)).await;
    browser.wait_title(name).await;
    let sent = creates(site).await;
    assert_eq!(sent.len(), 2, "one explicit retry: {sent:?}");
    let key = sent[0]["idempotencyKey"].as_str().unwrap_or_default();
    assert!(!key.is_empty(), "{sent:?}");
    assert_eq!(sent[1]["idempotencyKey"], key, "the same key: {sent:?}");
    let list = site
        .get_json(&format!("/api/v1/deployments?search={name}"))
        .await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "exactly one deployment: {list}"
    );
}

#[tokio::test]
async fn a_5xx_on_create_is_not_resent_and_try_again_reuses_the_key() {
    let (site, browser) = start(&[]).await;
    fill_navigation_form(&site, &browser, "nav-after-503").await;
    site.inject(&json!({"method": "POST", "path": "/api/v1/deployments", "kind": "status", "status": 503, "times": 1}))
        .await;
    confirm_fail_and_try_again(&site, &browser, "nav-after-503", "HTTP 503").await;
    browser.finish(&FAILED_LOADS).await;
}

#[tokio::test]
async fn a_lost_answer_to_a_committed_create_makes_no_second_deployment() {
    let (site, browser) = start(&[]).await;
    fill_navigation_form(&site, &browser, "nav-lost-answer").await;
    site.inject(
        &json!({"method": "POST", "path": "/api/v1/deployments", "kind": "drop", "times": 1}),
    )
    .await;
    confirm_fail_and_try_again(&site, &browser, "nav-lost-answer", "cannot be reached").await;
    let created = creates(&site).await;
    assert_eq!(
        statuses(&created),
        [200, 201],
        "the first was committed (its answer lost), the retry answered with it: {created:?}"
    );
    browser.finish(&["net::ERR"]).await;
}

#[tokio::test]
async fn a_5xx_on_update_is_not_resent_and_update_tries_again() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "fleet-dashboard-prod").await;
    let path = format!("/api/v1/deployments/{id}");
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    wait_phase(&browser, "Succeeded", LONG).await;
    wait_text(&browser, &GENERATION, "3", LONG).await;
    site.inject(
        &json!({"method": "PATCH", "path": path, "kind": "status", "status": 502, "times": 1}),
    )
    .await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    let checkbox = format!(
        "{} input[type=checkbox][value=\"comp-dashboard-web\"]:not([disabled])",
        test_id(ids::UPDATE_DIALOG)
    );
    click(&browser, &checkbox).await;
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    let error = browser.wait_test_id(ids::UPDATE_ERROR).await;
    wait_for(
        &browser,
        "the update error says to press Update",
        LONG,
        &format!(
            "return document.querySelector('[data-testid={}]').textContent",
            ids::UPDATE_ERROR
        ),
        Vec::new(),
        |v| v.as_str().is_some_and(|t| t.contains("press Update")),
    )
    .await;
    let text = error.text().await.expect("error text");
    assert!(
        text.contains("HTTP 502") && text.contains("generation 3"),
        "{text}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        site.requests_to("PATCH", &path).await.len(),
        1,
        "never resent on its own"
    );
    let checked = run(
        &browser,
        "return document.querySelector(arguments[0]).checked",
        vec![json!(checkbox)],
    )
    .await;
    assert_eq!(checked, true, "the dialog kept the choice");
    assert_eq!(
        overview(&browser).await["generation"],
        "3",
        "nothing applied"
    );
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, false).await;
    wait_text(&browser, &GENERATION, "4", LONG).await;
    let patches = site.requests_to("PATCH", &path).await;
    assert_eq!(statuses(&patches), [502, 202], "{patches:?}");
    let api = site.get_json(&path).await;
    assert_eq!(api["currentGeneration"], 4, "one update applied: {api}");
    browser.finish(&FAILED_LOADS).await;
}

// ---- 4. 429 ----

#[tokio::test]
async fn a_429_is_waited_out_and_the_wait_is_shown() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "amr-nav-tokyo").await;
    let path = format!("/api/v1/deployments/{id}");
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    wait_phase(&browser, "Succeeded", LONG).await;
    site.forget_requests().await;
    site.inject(&json!({"method": "GET", "path": path, "kind": "status", "status": 429, "retryAfter": 4, "times": 1}))
        .await;
    let seen = wait_watched(
        &browser,
        &BANNER,
        "the wait shown, then gone",
        POLL + LONG,
        |s| saw(s, "retry in 4 seconds") && matches!(s.last(), Some(None)),
    )
    .await;
    assert!(saw(&seen, "Next try around "), "{seen:?}");
    let reads = site.requests_to("GET", &path).await;
    assert_eq!(statuses(&reads), [429, 200], "{reads:?}");
    assert!(
        gap(&reads[0], &reads[1]) >= 3_900,
        "nothing before Retry-After expired: {reads:?}"
    );
    browser.finish(&FAILED_LOADS).await;
}

// ---- 5. a hung request ----

#[tokio::test]
async fn a_hung_request_is_cut_at_the_timeout_and_polling_goes_on() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "amr-nav-tokyo").await;
    let path = format!("/api/v1/deployments/{id}");
    site.inject(
        &json!({"method": "GET", "path": path, "kind": "delay", "delayMs": 25_000, "times": 1}),
    )
    .await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    let errors = wait_watched(
        &browser,
        &LOAD_ERROR,
        "the load times out",
        Duration::from_secs(40),
        |s| saw(s, "timed out"),
    )
    .await;
    assert!(saw(&errors, "within 15 seconds"), "{errors:?}");
    assert_eq!(
        watched(&browser, &LOADING).await.last(),
        Some(&None),
        "no placeholder left spinning"
    );
    wait_phase(&browser, "Succeeded", LONG).await;
    let busy = run(
        &browser,
        "return document.querySelectorAll('[aria-busy=true]').length",
        Vec::new(),
    )
    .await;
    assert_eq!(busy, 0, "nothing busy once the data is shown");
    let reads = site.requests_to("GET", &path).await;
    assert_eq!(reads.len(), 2, "{reads:?}");
    let cut = gap(&reads[0], &reads[1]);
    assert!(
        (15_000..15_000 + 2_000 + 1_500).contains(&cut),
        "aborted at 15 s, retried within the first backoff: {cut} ms"
    );
    // The schedule goes on: the next poll 15 s after the answer.
    let reads = wait_requests(&site, "the next poll", POLL, read_of(&path), |r| {
        r.len() >= 3
    })
    .await;
    let next = gap(&reads[1], &reads[2]);
    assert!(
        (14_500..18_000).contains(&next),
        "the next poll on schedule: {next} ms"
    );
    browser.finish(&FAILED_LOADS).await;
}

// ---- 6. the page never goes back ----

#[tokio::test]
async fn an_old_list_answer_arriving_last_is_dropped() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "fleet-dashboard-prod").await;
    let phase = format!("{} {}", row(&id), test_id(ids::ROW_PHASE));
    watch(&browser, &[phase.as_str()]).await;
    browser.goto(&site.url("/deployments")).await;
    wait_text(&browser, &phase, "Succeeded", LONG).await;
    site.forget_requests().await;
    // The next poll is read now and answered 8 s later, after the page moved on.
    site.inject(&json!({"method": "GET", "path": "/api/v1/deployments", "kind": "late", "delayMs": 8_000, "times": 1}))
        .await;
    wait_requests(
        &site,
        "the poll reached the backend",
        POLL,
        |r| r["method"] == "GET",
        |r| !r.is_empty(),
    )
    .await;
    click(
        &browser,
        &format!("{} {}", row(&id), test_id(ids::ROW_DEPROVISION)),
    )
    .await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, false).await;
    // The old answer (still listing it as Succeeded) arrives, and is dropped.
    wait_requests(
        &site,
        "the old answer was sent",
        LONG,
        |r| r["method"] == "GET",
        |r| r.first().is_some_and(|r| r["status"].is_u64()),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        since_shown(&watched(&browser, &phase).await),
        [Some("Succeeded".to_string()), None],
        "the stopped deployment never came back"
    );
    assert_eq!(
        list_reads(&site).await.len(),
        1,
        "one poll in flight at a time"
    );
    browser.finish(&[]).await;
}

#[tokio::test]
async fn an_answer_with_a_lower_generation_is_dropped() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "fleet-dashboard-prod").await;
    let path = format!("/api/v1/deployments/{id}");
    let mut older = site.get_json(&path).await;
    assert_eq!(older["currentGeneration"], 3);
    older["currentGeneration"] = json!(2);
    older["phase"] = json!("Failed to update");
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    wait_text(&browser, &GENERATION, "3", LONG).await;
    site.forget_requests().await;
    site.inject(&json!({"method": "GET", "path": path, "kind": "body", "body": older.to_string(), "times": 1}))
        .await;
    wait_requests(&site, "the poll was answered", POLL, read_of(&path), |r| {
        r.first().is_some_and(|r| r["status"].is_u64())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        since_shown(&watched(&browser, &GENERATION).await),
        [Some("3".to_string())]
    );
    assert_eq!(
        since_shown(&watched(&browser, &PHASE).await),
        [Some("Succeeded".to_string())]
    );
    let banner = watched(&browser, &BANNER).await;
    assert!(
        banner.iter().all(Option::is_none),
        "an old answer is not an error: {banner:?}"
    );
    assert_eq!(site.requests_to("GET", &path).await.len(), 1);
    browser.finish(&[]).await;
}

// ---- 7. malformed answers ----

/// What the page makes of a malformed answer to its first read.
enum Outcome {
    /// Refused with a sentence containing this; the retry then shows the real data.
    Refused(&'static str),
    /// Read: the page shows the deployment, its phase reading this.
    Shown(&'static str),
}

/// Answers the first read of amr-nav-tokyo with the `body` fault `fault` (its other fields),
/// opens its page and checks `outcome`, the reads sent and the console.
async fn malformed(name: &str, fault: impl Fn(&Value) -> Value, outcome: Outcome) {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "amr-nav-tokyo").await;
    let path = format!("/api/v1/deployments/{id}");
    let real = site.get_json(&path).await;
    let mut body = fault(&real);
    body["method"] = json!("GET");
    body["path"] = json!(path);
    body["kind"] = json!("body");
    body["times"] = json!(1);
    site.inject(&body).await;
    site.forget_requests().await;
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    match outcome {
        Outcome::Refused(says) => {
            let seen = wait_watched(&browser, &LOAD_ERROR, name, LONG, |s| saw(s, says)).await;
            assert!(
                saw(&seen, "The backend's answer could not be read"),
                "{name}: {seen:?}"
            );
            wait_phase(&browser, "Succeeded", LONG).await;
            wait_text(&browser, &TITLE, "amr-nav-tokyo", LONG).await;
            assert_eq!(
                statuses(&site.requests_to("GET", &path).await),
                [200, 200],
                "{name}: the bad answer, then one retry"
            );
        }
        Outcome::Shown(phase) => {
            wait_phase(&browser, phase, LONG).await;
            let errors = watched(&browser, &LOAD_ERROR).await;
            assert!(
                errors.iter().all(Option::is_none),
                "{name}: no error: {errors:?}"
            );
            assert_eq!(
                site.requests_to("GET", &path).await.len(),
                1,
                "{name}: read once"
            );
        }
    }
    browser.finish(&[]).await;
}

/// The real answer as text with its last `}` cut off, for appending members.
fn open_object(real: &Value) -> String {
    let text = real.to_string();
    text[..text.len() - 1].to_string()
}

#[tokio::test]
async fn malformed_truncated_json() {
    malformed(
        "truncated",
        |real| {
            let text = real.to_string();
            json!({"body": &text[..text.len() / 2]})
        },
        Outcome::Refused("not valid JSON"),
    )
    .await;
}

#[tokio::test]
async fn malformed_wrong_types() {
    malformed(
        "wrong types",
        |real| {
            let mut wrong = real.clone();
            wrong["currentGeneration"] = json!("three");
            wrong["name"] = json!(42);
            json!({"body": wrong.to_string()})
        },
        Outcome::Refused("not the expected object"),
    )
    .await;
}

#[tokio::test]
async fn malformed_null_required_fields() {
    malformed(
        "null required fields",
        |real| {
            let mut nulls = real.clone();
            nulls["deploymentId"] = Value::Null;
            nulls["phase"] = Value::Null;
            json!({"body": nulls.to_string()})
        },
        Outcome::Refused("not the expected object"),
    )
    .await;
}

#[tokio::test]
async fn malformed_unknown_phase_is_shown_as_it_is() {
    malformed(
        "unknown phase",
        |real| {
            let mut odd = real.clone();
            odd["phase"] = json!("Hibernating");
            json!({"body": odd.to_string()})
        },
        Outcome::Shown("Unknown (Hibernating)"),
    )
    .await;
}

#[tokio::test]
async fn malformed_huge_number() {
    malformed(
        "huge number",
        |real| {
            let text = real.to_string().replace(
                "\"currentGeneration\":1",
                "\"currentGeneration\":184467440737095516150000",
            );
            assert!(text.contains("184467440737095516150000"), "{text}");
            json!({"body": text})
        },
        Outcome::Refused("not the expected object"),
    )
    .await;
}

#[tokio::test]
async fn malformed_html_page_with_200() {
    malformed(
        "HTML with 200",
        |_| {
            json!({"body": "<!DOCTYPE html><html><body><h1>Gateway sign-in</h1></body></html>", "contentType": "text/html; charset=utf-8"})
        },
        Outcome::Refused("web page, not data"),
    )
    .await;
}

#[tokio::test]
async fn malformed_empty_body() {
    malformed(
        "empty body",
        |_| json!({"body": ""}),
        Outcome::Refused("the answer is empty"),
    )
    .await;
}

#[tokio::test]
async fn malformed_very_large_body_is_read() {
    // About 8 MB: the deployment with a long unknown member.
    malformed(
        "very large body",
        |real| {
            json!({"prefix": format!("{},\"padding\":\"", open_object(real)), "body": "0123456789abcdef", "repeat": 500_000, "suffix": "\"}"})
        },
        Outcome::Shown("Succeeded"),
    )
    .await;
}

#[tokio::test]
async fn malformed_deeply_nested_arrays() {
    malformed(
        "deeply nested arrays",
        |real| {
            // With a null in it, the answer is read as a JSON value first: the depth is bounded.
            json!({"prefix": format!("{},\"note\":null,\"nested\":", open_object(real)), "body": "[", "repeat": 100_000, "suffix": format!("{}}}", "]".repeat(100_000))})
        },
        Outcome::Refused("recursion limit"),
    )
    .await;
}

#[tokio::test]
async fn malformed_invalid_utf8_is_read_with_replacement_characters() {
    malformed(
        "invalid UTF-8",
        |real| {
            let text = real.to_string().replace("amr-nav-tokyo", "amr-nav-\u{1}");
            let mut bytes = text.into_bytes();
            for byte in bytes.iter_mut().filter(|b| **b == 1) {
                *byte = 0xFF;
            }
            use base64::Engine;
            json!({"bodyBase64": base64::engine::general_purpose::STANDARD.encode(bytes)})
        },
        Outcome::Shown("Succeeded"),
    )
    .await;
}

#[tokio::test]
async fn malformed_wrong_content_type_with_json_is_read() {
    malformed(
        "wrong content type",
        |real| json!({"body": real.to_string(), "contentType": "text/plain"}),
        Outcome::Shown("Succeeded"),
    )
    .await;
}

#[tokio::test]
async fn malformed_extra_fields_are_accepted() {
    malformed(
        "extra fields",
        |real| {
            let mut extra = real.clone();
            extra["futureField"] = json!({"nested": [1, 2, {"deep": true}]});
            extra["componentInfo"][0]["alsoNew"] = json!("x");
            json!({"body": extra.to_string()})
        },
        Outcome::Shown("Succeeded"),
    )
    .await;
}

// ---- 8. conflicts ----

#[tokio::test]
async fn a_409_on_update_and_on_deprovision_is_explained_and_overwrites_nothing() {
    let (site, browser) = start(&[]).await;
    let id = id_of(&site, "fleet-dashboard-prod").await;
    let path = format!("/api/v1/deployments/{id}");
    browser.goto(&site.url(&format!("/deployments/{id}"))).await;
    wait_text(&browser, &GENERATION, "3", LONG).await;
    click(&browser, &test_id(ids::UPDATE_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::UPDATE_DIALOG, true).await;
    click(
        &browser,
        &format!(
            "{} input[type=checkbox][value=\"comp-dashboard-web\"]:not([disabled])",
            test_id(ids::UPDATE_DIALOG)
        ),
    )
    .await;
    // Someone else updates it meanwhile.
    let (status, body) = site
        .api(
            "PATCH",
            &path,
            Some(
                &json!({"expectedGeneration": 3, "components": ["comp-dashboard-web"]}).to_string(),
            ),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    site.forget_requests().await;
    click(&browser, &test_id(ids::UPDATE_SUBMIT)).await;
    wait_text(
        &browser,
        &format!("{} strong", test_id(ids::UPDATE_CONFLICT)),
        "This deployment changed since you opened this dialog.",
        LONG,
    )
    .await;
    assert_eq!(statuses(&site.requests_to("PATCH", &path).await), [409]);
    let api = site.get_json(&path).await;
    assert_eq!(
        api["currentGeneration"], 4,
        "the other update stands alone: {api}"
    );

    // A volume mounted by a live deployment cannot be deprovisioned.
    let volume = id_of(&site, "telemetry-store").await;
    let volume_path = format!("/api/v1/deployments/{volume}");
    browser
        .goto(&site.url(&format!("/deployments/{volume}")))
        .await;
    wait_phase(&browser, "Succeeded", LONG).await;
    click(&browser, &test_id(ids::DEPROVISION_DEPLOYMENT)).await;
    wait_dialog(&browser, ids::DEPROVISION_DIALOG, true).await;
    click(&browser, &test_id(ids::CONFIRM_DEPROVISION)).await;
    wait_for(
        &browser,
        "the dialog says why",
        LONG,
        &format!(
            "return document.querySelector('[data-testid={}]')?.textContent || null",
            ids::DEPROVISION_ERROR
        ),
        Vec::new(),
        |v| {
            v.as_str()
                .is_some_and(|t| t.contains("Not deprovisioned") && t.contains("depend on it"))
        },
    )
    .await;
    assert_eq!(
        statuses(&site.requests_to("DELETE", &volume_path).await),
        [409]
    );
    assert_eq!(site.get_json(&volume_path).await["phase"], "Succeeded");
    browser.finish(&FAILED_LOADS).await;
}

// ---- 9. 401 mid-session, standalone ----

/// Waits until the sign-in prompt is open with the focus in its token field (a password field).
async fn wait_prompt(browser: &Browser) {
    wait_dialog(browser, ids::SIGN_IN_DIALOG, true).await;
    wait_for(
        browser,
        "the focus is in the token field",
        LONG,
        "const a = document.activeElement; return a ? [a.dataset.testid || null, a.type] : null",
        Vec::new(),
        |v| *v == json!([ids::SIGN_IN_TOKEN, "password"]),
    )
    .await;
}

/// Types the token into the prompt and submits it with Enter.
async fn sign_in(browser: &Browser, token: &str) {
    browser
        .wait_test_id(ids::SIGN_IN_TOKEN)
        .await
        .send_keys(&format!("{token}\u{e007}"))
        .await
        .expect("type the token");
}

#[tokio::test]
async fn a_401_stops_polling_and_the_sign_in_prompt_resumes_it_once() {
    let (site, browser) = start(&["--token", TOKEN]).await;
    browser.keep_secret(TOKEN);
    browser.goto(&site.url("/deployments")).await;
    // No token yet: refused, and the prompt asks for one.
    wait_prompt(&browser).await;
    browser.screenshot("faults-sign-in-prompt").await;
    let reads = list_reads(&site).await;
    assert_eq!(statuses(&reads), [401], "{reads:?}");
    sign_in(&browser, TOKEN).await;
    wait_dialog(&browser, ids::SIGN_IN_DIALOG, false).await;
    wait_watched(&browser, &TABLE_FOOT, "rows are shown", LONG, |s| {
        matches!(s.last(), Some(Some(_)))
    })
    .await;
    let reads = list_reads(&site).await;
    assert_eq!(statuses(&reads), [401, 200], "one retry with the token");
    assert_eq!(reads[1]["authorization"], true);
    let field = run(
        &browser,
        &format!(
            "return document.querySelector('[data-testid={}]')?.value ?? ''",
            ids::SIGN_IN_TOKEN
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(field, "", "the typed token left the field");

    // Mid-session the backend refuses it: polling stops, the prompt asks again.
    site.forget_requests().await;
    site.inject(
        &json!({"method": "GET", "path": "/api/v1/deployments", "kind": "status", "status": 401}),
    )
    .await;
    wait_prompt(&browser).await;
    assert_eq!(statuses(&list_reads(&site).await), [401]);
    // Esc: the rows and the banner stay.
    browser.press('\u{e00c}').await;
    wait_dialog(&browser, ids::SIGN_IN_DIALOG, false).await;
    let banner = browser.wait_css(&BANNER).await;
    let text = banner.text().await.expect("banner");
    assert!(
        text.contains("Updates have stopped until you sign in again"),
        "{text}"
    );
    wait_shown(&browser, ids::SIGN_IN_OPEN, true).await;
    browser.screenshot("faults-sign-in-banner").await;
    // Longer than the poll interval: nothing more is sent.
    tokio::time::sleep(Duration::from_secs(17)).await;
    assert_eq!(list_reads(&site).await.len(), 1, "polling stopped");
    assert!(
        matches!(watched(&browser, &TABLE_FOOT).await.last(), Some(Some(_))),
        "the rows stayed"
    );

    // A token the backend still refuses: exactly one retry, then the prompt again.
    click(&browser, &test_id(ids::SIGN_IN_OPEN)).await;
    wait_prompt(&browser).await;
    sign_in(&browser, TOKEN).await;
    wait_requests(
        &site,
        "one retry",
        LONG,
        |r| r["method"] == "GET",
        |r| r.len() == 2 && r[1]["status"].is_u64(),
    )
    .await;
    wait_prompt(&browser).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(statuses(&list_reads(&site).await), [401, 401], "one retry");
    // Accepted now: one read, and the banner goes.
    site.clear_faults().await;
    sign_in(&browser, TOKEN).await;
    wait_dialog(&browser, ids::SIGN_IN_DIALOG, false).await;
    wait_watched(&browser, &BANNER, "the banner goes", LONG, |s| {
        matches!(s.last(), Some(None))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(statuses(&list_reads(&site).await), [401, 401, 200]);
    browser.finish(&FAILED_LOADS).await;
}

// ---- 10. offline ----

/// Emulates losing (or regaining) the network in this tab.
async fn set_offline(browser: &Browser, offline: bool) {
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        )
        .await;
}

#[tokio::test]
async fn offline_pauses_polling_and_coming_back_reads_once() {
    let (site, browser) = start(&[]).await;
    browser.goto(&site.url("/deployments")).await;
    wait_watched(&browser, &TABLE_FOOT, "rows are shown", LONG, |s| {
        matches!(s.last(), Some(Some(_)))
    })
    .await;
    site.forget_requests().await;
    let went = run(&browser, "return Date.now()", Vec::new()).await;
    set_offline(&browser, true).await;
    wait_watched(&browser, &BANNER, "the offline banner", LONG, |s| {
        saw(s, "You are offline")
    })
    .await;
    let shown = run(
        &browser,
        "return window.__rioSeen.find(e => e.s === arguments[0] && (e.text || '').includes('You are offline')).t",
        vec![json!(*BANNER)],
    )
    .await;
    let after = shown.as_f64().unwrap_or(f64::MAX) - went.as_f64().unwrap_or_default();
    assert!(after < 1_000.0, "the banner within a second: {after} ms");
    // Longer than the poll interval: nothing is sent.
    tokio::time::sleep(Duration::from_secs(17)).await;
    assert_eq!(list_reads(&site).await.len(), 0, "paused while offline");
    set_offline(&browser, false).await;
    wait_watched(&browser, &BANNER, "the banner goes", LONG, |s| {
        matches!(s.last(), Some(None))
    })
    .await;
    wait_requests(
        &site,
        "one read on return",
        LONG,
        |r| r["method"] == "GET",
        |r| !r.is_empty(),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        statuses(&list_reads(&site).await),
        [200],
        "exactly one read"
    );
    browser.finish(&[]).await;
}
