//! The deploy draft in the tab's session storage: saved as the user types, restored on return.

use platform::wire::Package;

use super::model::DeployDraft;

/// Session storage key of a package's draft.
fn draft_key(package_id: &str) -> String {
    format!("rio-console.deploy-draft.{package_id}")
}

pub(crate) fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The draft to start from: a deploy link's query, else the saved draft, else the defaults.
pub(super) fn initial_draft(package: &Package, query: &[(String, String)]) -> DeployDraft {
    let mut fresh = DeployDraft::new(package);
    if fresh.apply_query(query) {
        return fresh;
    }
    session()
        .and_then(|s| s.get_item(&draft_key(&package.summary.guid)).ok().flatten())
        .and_then(|text| serde_json::from_str::<DeployDraft>(&text).ok())
        .filter(|draft| draft.fits(package))
        .unwrap_or(fresh)
}

/// Saves `draft` as the package's draft for this tab.
pub(super) fn save_draft(package_id: &str, draft: &DeployDraft) {
    let text = serde_json::to_string(draft).unwrap_or_default();
    if let Some(storage) = session() {
        let _ = storage.set_item(&draft_key(package_id), &text);
    }
}

/// Forgets the package's saved draft (once it has been deployed).
pub(super) fn forget_draft(package_id: &str) {
    if let Some(storage) = session() {
        let _ = storage.remove_item(&draft_key(package_id));
    }
}
