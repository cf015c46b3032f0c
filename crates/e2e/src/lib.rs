//! End-to-end harness for rio console: a static server for the release build, and a headless
//! Chromium driven over WebDriver. Both are started by the tests and stopped when dropped.

pub mod backend_site;
pub mod browser;
pub mod site;
pub mod size;

use std::path::PathBuf;

pub use backend_site::BackendSite;
pub use browser::Browser;
pub use site::{ConfigJson, Site};

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Trunk release build the tests load: `$RIO_DIST`, or `dist/` in the workspace.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("RIO_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

/// Where screenshots are saved: `target/screenshots/` in the workspace.
pub fn screenshot_dir() -> PathBuf {
    workspace_root().join("target/screenshots")
}

/// Serves the release build with `config`, starts a browser and opens `path`.
pub async fn open(config: ConfigJson, path: &str) -> (Site, Browser) {
    let site = Site::start(config).await;
    let browser = Browser::start().await;
    browser.goto(&site.url(path)).await;
    (site, browser)
}
