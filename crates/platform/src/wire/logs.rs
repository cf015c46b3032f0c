//! Log lines and their pages.

use serde::{Deserialize, Serialize};

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// When (RFC 3339).
    #[serde(default)]
    pub time: String,
    /// Component name.
    #[serde(default)]
    pub component: String,
    /// Executable name.
    #[serde(default)]
    pub executable: String,
    /// stdout or stderr.
    #[serde(default)]
    pub stream: String,
    /// The text.
    #[serde(default)]
    pub message: String,
}

/// A page of log lines and the cursor for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    /// Lines, oldest first.
    pub items: Vec<LogLine>,
    /// Pass as `after` to get the lines that follow.
    #[serde(default)]
    pub next: String,
}
