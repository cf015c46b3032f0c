//! Reading the browser's console log, and failing a test on the errors in it.

use std::sync::PoisonError;

use serde_json::json;

use super::{Browser, devtools::Raw};

/// One entry of the browser's console log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// The message, with its source.
    pub message: String,
}

impl Browser {
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
