//! Starting ChromeDriver and its Chromium in their own process group, and killing the whole
//! group when the session closes or is dropped.

use std::{process::Stdio, sync::Mutex, time::Duration};

use fantoccini::ClientBuilder;
use serde_json::{Value, json};

use super::{Browser, checks::CSP_WATCH};

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
