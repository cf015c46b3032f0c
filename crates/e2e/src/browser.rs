//! Headless Chromium behind its own ChromeDriver, in a process group that is killed on drop so
//! no browser outlives its test.

use std::{path::PathBuf, process::Stdio, time::Duration};

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
}

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
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                    };
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

    /// Checks the console for errors (see `assert_no_console_errors`), then closes the session.
    pub async fn finish(self, allowed: &[&str]) {
        self.assert_no_console_errors(allowed).await;
        self.close().await;
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
