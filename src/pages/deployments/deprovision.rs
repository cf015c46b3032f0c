//! Deprovisioning, asked for first: from a row of the list or from the details page.

use leptos::{prelude::*, task::spawn_local};
use platform::phase::Phase;
use platform::wire::Deployment;

use crate::api::{ApiError, use_backend};
use crate::components::modal::Modal;
use crate::ids;

/// Asks "Deprovision …?" while `target` holds a deployment (ID, name); on success hands the
/// deployment as the backend answered to `on_done` and closes.
#[component]
pub fn DeprovisionDialog(
    /// The deployment to deprovision (ID, name); `None` closes the dialog.
    target: RwSignal<Option<(String, String)>>,
    /// Called with the deprovisioned deployment.
    on_done: Callback<Deployment>,
) -> impl IntoView {
    let backend = use_backend();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        let wanted = target.with(Option::is_some);
        if wanted {
            error.set(None);
        }
        open.set(wanted);
    });
    Effect::new(move |_| {
        if !open.get() && target.with_untracked(Option::is_some) {
            target.set(None);
        }
    });
    let confirm = move |_| {
        let Some((id, _)) = target.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let backend = backend.clone();
        spawn_local(async move {
            let result = backend.deprovision(&id).await;
            busy.set(false);
            match result {
                Ok(deployment) => {
                    // The page may be gone (the user navigated away meanwhile).
                    on_done.try_run(deployment);
                    open.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let name = move || target.get().map(|(_, name)| name).unwrap_or_default();
    let title = Signal::derive(move || format!("Deprovision {}?", name()));
    view! {
        <Modal open=open title=title test_id=ids::DEPROVISION_DIALOG busy=busy>
            <p>
                "Every component of "<strong>{name}</strong>
                " stops, on the cloud and on its devices. This cannot be undone; deploy the package again to bring it back."
            </p>
            {move || {
                error
                    .get()
                    .map(|e| {
                        let hint = match &e {
                            ApiError::Conflict { code, .. } if code == "in_use" => {
                                " Deprovision the deployments that depend on it first."
                            }
                            _ => "",
                        };
                        view! {
                            <p class="form-error" role="alert" data-testid=ids::DEPROVISION_ERROR>
                                {format!("Not deprovisioned: {e}{hint}")}
                            </p>
                        }
                    })
            }}
            <div class="modal-actions">
                <button type="button" class="button button-secondary" autofocus on:click=move |_| open.set(false) disabled=move || busy.get()>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button-danger"
                    data-testid=ids::CONFIRM_DEPROVISION
                    on:click=confirm.clone()
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()
                >
                    {move || if busy.get() { "Deprovisioning…" } else if error.with(Option::is_some) { "Try again" } else { "Deprovision" }}
                </button>
            </div>
        </Modal>
    }
}

/// What a partial deprovision means for the user, or `None` for any other phase.
pub fn partial_message(phase: &Phase) -> Option<&'static str> {
    (phase == &Phase::PartiallyDeprovisioned).then_some(
        "Some components could not be stopped, usually because their device is offline. Bring the device back online, then retry.",
    )
}
