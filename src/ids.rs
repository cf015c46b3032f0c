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
/// The device picker's search box.
pub const DEVICE_SEARCH: &str = "device-search";
/// The device picker's list of devices (`data-showing`: `can-run` or `cannot`).
pub const DEVICE_OPTIONS: &str = "device-options";
/// The device picker's line saying how the devices found fit the component.
pub const DEVICES_NOTE: &str = "devices-note";
/// The device picker's **Show more**.
pub const DEVICES_MORE: &str = "devices-more";
/// The device picker's switch to the devices that cannot run the component, and back.
pub const DEVICES_OTHER_SIDE: &str = "devices-other-side";
/// The fleet preview's tally of why devices cannot run the component.
pub const PREVIEW_REASONS: &str = "preview-reasons";
/// The fleet preview's "7 of 12 shown".
pub const PREVIEW_SHOWN: &str = "preview-shown";
/// The fleet preview's **Show more devices**.
pub const PREVIEW_MORE: &str = "preview-more";
/// The rollout targets' search box.
pub const TARGETS_SEARCH: &str = "targets-search";
/// The rollout targets' footer ("Targets 1–8 of 2,000").
pub const TARGETS_FOOT: &str = "targets-foot";
/// The Simulation panel's notice that the demo is too big to be kept across a reload.
pub const SIM_NOT_KEPT: &str = "sim-not-kept";
/// The History tab's **Show older generations**.
pub const HISTORY_MORE: &str = "history-more";
/// A deployment a dependency or volume search found.
pub const DEPLOYMENT_OPTION: &str = "deployment-option";
/// The deployment page's phase.
pub const DEPLOYMENT_PHASE: &str = "deployment-phase";
/// The deployment page's status.
pub const DEPLOYMENT_STATUS: &str = "deployment-status";
/// The deployment page's generation.
pub const DEPLOYMENT_GENERATION: &str = "deployment-generation";
/// The banner over live data that is stale, paused or stopped.
pub const STALE_BANNER: &str = "stale-banner";
/// The deployments list's search box.
pub const DEPLOYMENTS_SEARCH: &str = "deployments-search";
/// The deployments list's phase filter.
pub const DEPLOYMENTS_PHASE: &str = "deployments-phase";
/// The deployments table.
pub const DEPLOYMENTS_TABLE: &str = "deployments-table";
/// "No deployments match".
pub const DEPLOYMENTS_EMPTY: &str = "deployments-empty";
/// One row of the deployments table (its `data-id` is the deployment ID).
pub const DEPLOYMENT_ROW: &str = "deployment-row";
/// The simulation panel's button that grows the demo to a fleet.
pub const SIM_GROW_FLEET: &str = "sim-grow-fleet";
/// A row of the deployments table still being loaded.
pub const PENDING_ROW: &str = "pending-row";
/// The deployments table's scrolling area.
pub const DEPLOYMENTS_SCROLL: &str = "deployments-scroll";
/// The deployments table's footer ("rows 1–50 of 100,000").
pub const DEPLOYMENTS_FOOT: &str = "deployments-foot";
/// The footer's error for rows that could not be loaded, with its retry button.
pub const ROWS_ERROR: &str = "rows-error";
/// A row's phase.
pub const ROW_PHASE: &str = "row-phase";
/// A row's status.
pub const ROW_STATUS: &str = "row-status";
/// A row's generation.
pub const ROW_GENERATION: &str = "row-generation";
/// A row's Deprovision button.
pub const ROW_DEPROVISION: &str = "row-deprovision";
/// The deprovision confirmation dialog.
pub const DEPROVISION_DIALOG: &str = "deprovision-dialog";
/// Its confirming button.
pub const CONFIRM_DEPROVISION: &str = "confirm-deprovision";
/// Why a deprovision failed.
pub const DEPROVISION_ERROR: &str = "deprovision-error";
/// The phase progress bar.
pub const PHASE_BAR: &str = "phase-bar";
/// The live region announcing phase changes.
pub const PHASE_ANNOUNCER: &str = "phase-announcer";
/// The details page's Update Deployment button.
pub const UPDATE_DEPLOYMENT: &str = "update-deployment";
/// Why Update Deployment is disabled.
pub const UPDATE_BLOCKED: &str = "update-blocked";
/// The details page's Deprovision Deployment button.
pub const DEPROVISION_DEPLOYMENT: &str = "deprovision-deployment";
/// The notice of a partial deprovision, with its retry.
pub const PARTIAL_NOTICE: &str = "partial-notice";
/// The details page's error codes.
pub const DEPLOYMENT_ERRORS: &str = "deployment-errors";
/// Time spent in each phase.
pub const PHASE_TIMES: &str = "phase-times";
/// The components table.
pub const COMPONENTS_TABLE: &str = "components-table";
/// The Details, History and Logs tabs (suffix `-details`, `-history`, `-logs`).
pub const TAB: &str = "tab";
/// The Update Deployment dialog.
pub const UPDATE_DIALOG: &str = "update-dialog";
/// Its Update button.
pub const UPDATE_SUBMIT: &str = "update-submit";
/// Why the update was refused (not a conflict).
pub const UPDATE_ERROR: &str = "update-error";
/// "This deployment changed" (409), with its reload button.
pub const UPDATE_CONFLICT: &str = "update-conflict";
/// The reload button of the conflict message.
pub const UPDATE_RELOAD: &str = "update-reload";
/// The history table.
pub const HISTORY_TABLE: &str = "history-table";
/// One history row (its `data-generation` is the generation).
pub const HISTORY_ROW: &str = "history-row";
/// The logs view.
pub const LOGS: &str = "logs";
/// The logs' component filter.
pub const LOGS_COMPONENT: &str = "logs-component";
/// Load the next page of logs.
pub const LOGS_MORE: &str = "logs-more";
/// The live tail switch.
pub const LOGS_LIVE: &str = "logs-live";
/// Why the live tail is unavailable.
pub const LOGS_LIVE_REASON: &str = "logs-live-reason";
/// Download the logs as a file.
pub const LOGS_DOWNLOAD: &str = "logs-download";
/// The error codes table.
pub const ERROR_CODES_TABLE: &str = "error-codes-table";
/// The demo's simulation panel toggle.
pub const SIM_TOGGLE: &str = "sim-toggle";
/// The demo's simulation panel.
pub const SIM_PANEL: &str = "sim-panel";
/// A device's online/offline switch in the simulation panel (its `data-uuid` is the device).
pub const SIM_DEVICE: &str = "sim-device";
/// "Make the next update fail".
pub const SIM_FAIL_NEXT: &str = "sim-fail-next";
/// "Reset the demo".
pub const SIM_RESET: &str = "sim-reset";
/// The simulation speed choice (radio buttons whose `value` is the speed).
pub const SIM_SPEED: &str = "sim-speed";
/// "Show the tour" in the simulation panel.
pub const SIM_SHOW_TOUR: &str = "sim-show-tour";
/// The demo's first-visit tour.
pub const DEMO_TOUR: &str = "demo-tour";
/// The tour's "Got it".
pub const DEMO_TOUR_DISMISS: &str = "demo-tour-dismiss";

/// The label the deployments list is narrowed to (`?label=site:tokyo`), with its clear button.
pub const LABEL_FILTER: &str = "label-filter";
/// The error shown when `?label=` is not `key:value`.
pub const LABEL_FILTER_ERROR: &str = "label-filter-error";
/// The single-deployment widget (`/widgets/deployment/:id`).
pub const DEPLOYMENT_WIDGET: &str = "deployment-widget";
/// The sign-in prompt (a standalone console over HTTP, after a 401).
pub const SIGN_IN_DIALOG: &str = "sign-in-dialog";
/// The prompt's token field (a password field).
pub const SIGN_IN_TOKEN: &str = "sign-in-token";
/// The prompt's Sign in button.
pub const SIGN_IN_SUBMIT: &str = "sign-in-submit";
/// The stale-data banner's Sign in button (opens the prompt again).
pub const SIGN_IN_OPEN: &str = "sign-in-open";
/// The deploy form's Try again after a failed submission.
pub const SUBMIT_RETRY: &str = "submit-retry";

/// The fleet progress bar of a rollout.
pub const FLEET_BAR: &str = "fleet-bar";
/// One count of the fleet bar's legend (`data-part` names it).
pub const FLEET_COUNT: &str = "fleet-count";
/// The rollouts list's table.
pub const ROLLOUTS_TABLE: &str = "rollouts-table";
/// The rollouts list when there are none.
pub const ROLLOUTS_EMPTY: &str = "rollouts-empty";
/// "Load more" under the rollouts list.
pub const ROLLOUTS_MORE: &str = "rollouts-more";
/// A rollout's state chip.
pub const ROLLOUT_STATE: &str = "rollout-state";
/// A rollout's wave ("2 of 3").
pub const ROLLOUT_WAVE: &str = "rollout-wave";
/// Why a rollout halted.
pub const ROLLOUT_HALT: &str = "rollout-halt";
/// A rollout's action buttons (`data-action` names each).
pub const ROLLOUT_ACTION: &str = "rollout-action";
/// The abort confirmation.
pub const ABORT_DIALOG: &str = "abort-dialog";
/// Its confirm button.
pub const CONFIRM_ABORT: &str = "confirm-abort";
/// What an action on a rollout got back when it failed.
pub const ROLLOUT_ERROR: &str = "rollout-error";
/// A rollout's targets table.
pub const TARGETS_TABLE: &str = "targets-table";
/// One target row.
pub const TARGET_ROW: &str = "target-row";
/// The embeddable rollout widget.
pub const ROLLOUT_WIDGET: &str = "rollout-widget";
/// **Deploy to a fleet** on a package.
pub const DEPLOY_FLEET: &str = "deploy-fleet";
/// The fleet deploy form.
pub const FLEET_FORM: &str = "fleet-form";
/// The live preview of a selector.
pub const FLEET_PREVIEW: &str = "fleet-preview";
/// One device of the preview.
pub const PREVIEW_ROW: &str = "preview-row";
/// The fleet form's button to the Confirm step.
pub const REVIEW_ROLLOUT: &str = "review-rollout";
/// The Confirm step's button that makes the rollout.
pub const CONFIRM_ROLLOUT: &str = "confirm-rollout";
/// A row's selection checkbox in the deployments list.
pub const ROW_SELECT: &str = "row-select";
/// The bulk actions bar.
pub const BULK_BAR: &str = "bulk-bar";
/// "Select all N matching".
pub const SELECT_ALL_MATCHING: &str = "select-all-matching";
/// **Update selected**.
pub const BULK_UPDATE: &str = "bulk-update";
/// **Deprovision selected**.
pub const BULK_DEPROVISION: &str = "bulk-deprovision";
/// The bulk confirmation dialog.
pub const BULK_DIALOG: &str = "bulk-dialog";
/// Its confirm button.
pub const CONFIRM_BULK: &str = "confirm-bulk";
/// The outcome of a bulk action, per deployment.
pub const BULK_RESULTS: &str = "bulk-results";
/// One outcome row (`data-outcome` says done, conflict, refused).
pub const BULK_RESULT: &str = "bulk-result";
/// The simulation panel's device filter (a label).
pub const SIM_DEVICE_FILTER: &str = "sim-device-filter";
