//! Headless Chromium behind its own ChromeDriver, in a process group that is killed on drop so
//! no browser outlives its test.
//!
//! Every document the browser opens reports Content-Security-Policy violations (a listener
//! installed before any of its own scripts run): each one is logged as an error, so
//! [`Browser::finish`] fails the test on it. A test that handles a secret (a token) names it
//! with [`Browser::keep_secret`], and `finish` then fails if it is in any URL the tab visited or
//! requested, in storage, cookies or the DOM, or anywhere in the browser log.

mod checks;
mod devtools;
mod logs;
mod process;

use std::{path::PathBuf, sync::Mutex, time::Duration};

use fantoccini::{Client, Locator, elements::Element};
use serde_json::{Value, json};

use crate::screenshot_dir;
use devtools::Raw;

pub use checks::CSP_VIOLATION;
pub use logs::{LogEntry, assert_no_errors};

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

impl Browser {
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

    /// Saves a PNG of the viewport as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }
}
