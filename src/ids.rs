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
/// A failed load with its retry button.
pub const LOAD_ERROR: &str = "load-error";
/// The catalog's search box.
pub const CATALOG_SEARCH: &str = "catalog-search";
/// The catalog's category filter.
pub const CATALOG_CATEGORY: &str = "catalog-category";
/// The packages table.
pub const CATALOG_TABLE: &str = "catalog-table";
/// "No packages match".
pub const CATALOG_EMPTY: &str = "catalog-empty";
/// The Deploy package button.
pub const DEPLOY_PACKAGE: &str = "deploy-package";
/// The deploy form.
pub const DEPLOY_FORM: &str = "deploy-form";
/// The CREATE DEPLOYMENT button.
pub const CREATE_DEPLOYMENT: &str = "create-deployment";
/// The summary of problems shown when the form is submitted with errors.
pub const FORM_PROBLEMS: &str = "form-problems";
/// The Confirm step.
pub const CONFIRM_STEP: &str = "confirm-step";
/// The Confirm button.
pub const CONFIRM_DEPLOY: &str = "confirm-deploy";
/// The error shown when a submission failed.
pub const SUBMIT_ERROR: &str = "submit-error";
/// Refresh the list of online devices.
pub const REFRESH_DEVICES: &str = "refresh-devices";
/// The deployment page's phase.
pub const DEPLOYMENT_PHASE: &str = "deployment-phase";
/// The deployment page's status.
pub const DEPLOYMENT_STATUS: &str = "deployment-status";
/// The deployment page's generation.
pub const DEPLOYMENT_GENERATION: &str = "deployment-generation";
