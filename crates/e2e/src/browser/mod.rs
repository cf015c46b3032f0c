//! Headless Chromium behind its own ChromeDriver, in a process group that is killed on drop so
//! no browser outlives its test.
//!
//! Every document the browser opens reports Content-Security-Policy violations (a listener
//! installed before any of its own scripts run): each one is logged as an error, so
//! [`Browser::finish`] fails the test on it. A test that handles a secret (a token) names it
//! with [`Browser::keep_secret`], and `finish` then fails if it is in any URL the tab visited or
//! requested, in storage, cookies or the DOM, or anywhere in the browser log.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{Mutex, PoisonError},
    time::Duration,
};

use fantoccini::{
    Client, ClientBuilder, Locator, elements::Element, wd::WebDriverCompatibleCommand,
};
use serde_json::{Value, json};

use crate::screenshot_dir;

/// How long the tests wait for something to appear on screen.
pub const WAIT: Duration = Duration::from_secs(15);

/// A browser session for one test.
pub struct Browser {
    client: Client,
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
    /// Everything [`Browser::logs`] returned so far (it drains the browser's log).
    history: Mutex<Vec<LogEntry>>,
    /// Secrets that must never show (see [`Browser::keep_secret`]).
    secrets: Mutex<Vec<String>>,
}

/// What a CSP violation looks like in the browser log (see [`CSP_WATCH`]).
pub const CSP_VIOLATION: &str = "rio-e2e: Content-Security-Policy violation";

/// Installed in every new document before its own scripts: logs each CSP violation as an
/// error and keeps it in `window.__rioCspViolations`.
const CSP_WATCH: &str = r#"(() => {
  const seen = window.__rioCspViolations = [];
  document.addEventListener('securitypolicyviolation', e => {
    const what = `${e.effectiveDirective || e.violatedDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile || location.href}:${e.lineNumber})`;
    seen.push(what);
    console.error('rio-e2e: Content-Security-Policy violation: ' + what);
  }, true);
})();"#;

/// Where a secret could leak in one document: its URL, the URLs it requested, storage,
/// cookies and the DOM (attributes and text; a field's typed value is not in it).
const SECRET_PLACES: &str = r#"
const storage = s => { try { return Object.keys(s).map(k => k + '=' + s.getItem(k)); } catch (e) { return []; } };
return {
  href: location.href,
  resources: performance.getEntries().map(e => e.name),
  local: storage(localStorage),
  session: storage(sessionStorage),
  cookie: document.cookie,
  frames: [...document.querySelectorAll('iframe')].map(f => f.src),
  dom: document.documentElement.outerHTML,
};
"#;

/// One entry of the browser's console log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// The message, with its source.
    pub message: String,
}

impl Browser {
    /// Starts ChromeDriver on a free port and opens a 1280×800 headless Chromium session.
    pub async fn start() -> Browser {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = tokio::process::Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver}: {e} (install chromium-driver)")
            });
        let profile = tempfile::tempdir().expect("a temporary profile directory");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--window-size=1280,800", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        // Up to ~30 s: Chromium starts slowly on a loaded two-core machine.
        for _ in 0..300 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    let browser = Browser {
                        client,
                        driver,
                        _profile: profile,
                        history: Mutex::default(),
                        secrets: Mutex::default(),
                    };
                    browser
                        .cdp(
                            "Page.addScriptToEvaluateOnNewDocument",
                            json!({ "source": CSP_WATCH }),
                        )
                        .await;
                    return browser;
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("chromedriver on port {port} did not open a session: {last_error}");
    }

    /// The WebDriver client, for anything the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The path (and query) of the current URL.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits for the element with this `data-testid`.
    pub async fn wait_test_id(&self, test_id: &str) -> Element {
        self.wait_css(&format!("[data-testid=\"{test_id}\"]")).await
    }

    /// Waits for the first element matching `css`.
    pub async fn wait_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for `{css}`: {e}"))
    }

    /// Waits until the element matching `css` reads exactly `text`, with runs of whitespace
    /// (line breaks included) counted as one space.
    pub async fn wait_text(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = String::new();
        while tokio::time::Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(current) = element.text().await
            {
                if current.split_whitespace().collect::<Vec<_>>().join(" ") == text {
                    return;
                }
                seen = current;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("`{css}` never read {text:?}; last seen {seen:?}");
    }

    /// Waits until the page's `<h1>` reads `title`.
    pub async fn wait_title(&self, title: &str) {
        self.wait_text(
            &format!("[data-testid=\"{}\"]", rio_console::ids::PAGE_TITLE),
            title,
        )
        .await;
    }

    /// Waits until the current path equals `path`.
    pub async fn wait_path(&self, path: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = String::new();
        while tokio::time::Instant::now() < deadline {
            seen = self.path().await;
            if seen == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the URL path never became {path}; it is {seen}");
    }

    /// Switches the commands that follow (finding, clicking, scripts) into the `<iframe>`
    /// matching `css` in the current browsing context (waiting for it). Cross-origin frames
    /// too: WebDriver is not bound by the same-origin policy.
    pub async fn enter_frame(&self, css: &str) {
        self.wait_css(css)
            .await
            .enter_frame()
            .await
            .unwrap_or_else(|e| panic!("switch into the frame `{css}`: {e}"));
    }

    /// Switches the commands that follow back to the top-level page (from any frame depth).
    pub async fn enter_top(&self) {
        self.client
            .issue_cmd(Raw {
                path: "frame",
                body: json!({ "id": null }),
            })
            .await
            .unwrap_or_else(|e| panic!("switch to the top-level page: {e}"));
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Presses and releases one key (a `fantoccini::key::Key` as char, or a plain char).
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(actions)
            .await
            .expect("key press");
    }

    /// Emulates `prefers-color-scheme` (through the DevTools protocol).
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    /// Resizes the window.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize window");
    }

    /// Sends a DevTools protocol command through ChromeDriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.try_cdp(cmd, params)
            .await
            .unwrap_or_else(|e| panic!("DevTools command {cmd}: {e}"))
    }

    /// [`Browser::cdp`] for a command that may be missing from this Chromium: the error
    /// instead of a panic.
    pub async fn try_cdp(
        &self,
        cmd: &str,
        params: Value,
    ) -> Result<Value, fantoccini::error::CmdError> {
        self.client
            .issue_cmd(Raw {
                path: "goog/cdp/execute",
                body: json!({ "cmd": cmd, "params": params }),
            })
            .await
    }

    /// Everything the page logged to the console since the last call.
    pub async fn logs(&self) -> Vec<LogEntry> {
        let entries = self.read_logs().await;
        self.history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(entries.iter().cloned());
        entries
    }

    async fn read_logs(&self) -> Vec<LogEntry> {
        let value = self
            .client
            .issue_cmd(Raw {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await
            .unwrap_or_else(|e| panic!("read the browser log: {e}"));
        value
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| LogEntry {
                        level: entry["level"].as_str().unwrap_or_default().to_string(),
                        message: entry["message"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails the test if the page logged an error or threw, except messages containing one of
    /// `allowed`. Panics from the wasm app and uncaught exceptions are logged as errors.
    pub async fn assert_no_console_errors(&self, allowed: &[&str]) {
        assert_no_errors(&self.logs().await, allowed);
    }

    /// Checks the console for errors (see `assert_no_console_errors`), that no document had a
    /// CSP violation and that no secret leaked (see [`Browser::keep_secret`]), then closes the
    /// session.
    pub async fn finish(self, allowed: &[&str]) {
        self.assert_no_console_errors(allowed).await;
        self.assert_no_csp_violations().await;
        self.assert_secrets_hidden().await;
        self.close().await;
    }

    /// Fails the test if any document of this session reported a CSP violation, even one
    /// whose log line a test read (and so drained) itself.
    pub async fn assert_no_csp_violations(&self) {
        self.logs().await;
        let violations: Vec<String> = self
            .history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|entry| entry.message.contains(CSP_VIOLATION))
            .map(|entry| entry.message.clone())
            .collect();
        assert!(
            violations.is_empty(),
            "the page broke its Content-Security-Policy:\n{}",
            violations.join("\n")
        );
    }

    /// Names a secret (a token) the test hands the console: from now on [`Browser::finish`]
    /// fails if it shows anywhere a page could leak it.
    pub fn keep_secret(&self, secret: &str) {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(secret.to_string());
    }

    /// Fails if a secret named with [`Browser::keep_secret`] is in a URL this tab visited
    /// (its navigation history), in the top document's or any frame's URL, requested URLs,
    /// local or session storage, cookies or DOM, or anywhere in the browser log so far. Leaves
    /// the commands in the top-level page.
    pub async fn assert_secrets_hidden(&self) {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if secrets.is_empty() {
            return;
        }
        self.enter_top().await;
        let mut places = vec![
            (
                "the tab's navigation history".to_string(),
                self.try_cdp("Page.getNavigationHistory", json!({}))
                    .await
                    .unwrap_or_default(),
            ),
            (
                "the top document".to_string(),
                self.eval(SECRET_PLACES).await,
            ),
        ];
        let frames = self
            .eval("return document.querySelectorAll('iframe').length")
            .await
            .as_u64()
            .unwrap_or_default();
        for index in 0..frames {
            let Ok(index) = u16::try_from(index) else {
                break;
            };
            if self.client.enter_frame(index).await.is_ok() {
                if let Ok(value) = self.client.execute(SECRET_PLACES, Vec::new()).await {
                    places.push((format!("frame {index}"), value));
                }
                self.enter_top().await;
            }
        }
        self.logs().await;
        let log: Vec<String> = self
            .history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|entry| entry.message.clone())
            .collect();
        places.push(("the browser log".to_string(), json!(log)));
        for (place, value) in &places {
            let text = value.to_string();
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "the secret {secret} is in {place}: {text}"
                );
            }
        }
        assert!(
            places[0].1["entries"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "the navigation history was read: {}",
            places[0].1
        );
    }

    /// Saves a PNG of the viewport as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Ends the session and stops the browser and its driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        kill_group(&mut self.driver);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

/// Fails the test if `entries` (read with [`Browser::logs`]) hold an error, except messages
/// containing one of `allowed`: for a test that reads the log itself, since reading drains it.
pub fn assert_no_errors(entries: &[LogEntry], allowed: &[&str]) {
    let errors: Vec<&str> = entries
        .iter()
        .filter(|entry| entry.level == "SEVERE")
        .map(|entry| entry.message.as_str())
        .filter(|message| !allowed.iter().any(|allowed| message.contains(allowed)))
        .collect();
    assert!(
        errors.is_empty(),
        "the browser console has errors:\n{}",
        errors.join("\n")
    );
}

/// Kills ChromeDriver and the Chromium it started (same process group).
fn kill_group(driver: &mut tokio::process::Child) {
    if let Some(pid) = driver.id() {
        // SAFETY: signalling a process group we created; no memory is involved.
        unsafe {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
    }
    let _ = driver.start_kill();
    let _ = driver.try_wait();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// A ChromeDriver extension command: POST `/session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct Raw {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Raw {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
