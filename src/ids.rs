//! Every `data-testid` the console renders, in one place, shared with the browser tests.

/// The product header at the top of every standalone page.
pub const HEADER: &str = "app-header";
/// The main navigation (Development > Catalog, Deployments).
pub const NAV: &str = "main-nav";
/// The slot that shows which mode the console runs in.
pub const MODE_BADGE: &str = "mode-badge";
/// The banner that explains why the runtime config could not be used.
pub const CONFIG_NOTICE: &str = "config-notice";
/// The placeholder shown while the runtime config loads.
pub const LOADING: &str = "app-loading";
/// The `<main>` element holding the current page.
pub const MAIN: &str = "main";
/// The heading of the current page.
pub const PAGE_TITLE: &str = "page-title";
/// The not-found page.
pub const NOT_FOUND: &str = "not-found";
/// The DOM id of `<main>`, target of the skip link.
pub const MAIN_DOM_ID: &str = "main";
