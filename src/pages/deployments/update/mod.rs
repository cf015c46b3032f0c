//! The Update Deployment dialog: every component with an **Update** checkbox (those that cannot
//! be updated in place disabled, with the reason), at least one required; **Update** sends the
//! generation the user saw, so a deployment changed meanwhile is reported (409), never updated
//! twice.

mod choices;

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use platform::rules::update::NO_COMPONENT_CHOSEN;
use platform::wire::{Deployment, UpdateRequest};

pub use choices::{Choice, UpdateChoices, choices, device_ids};

use crate::api::{ApiError, use_backend};
use crate::components::modal::Modal;
use crate::ids;

/// What the dialog shows after **Update** did not go through.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// The deployment changed since the dialog opened (409): nothing was applied.
    Conflict(String),
    /// Any other refusal or failure.
    Failed(ApiError),
    /// No answer: the update may or may not have been applied.
    Unknown(ApiError),
}

/// The Update Deployment dialog for the deployment shown; `on_updated` gets the deployment as
/// the backend answered (Provisioning, generation + 1), `on_reload` asks the page to refresh.
#[component]
pub fn UpdateDialog(
    /// Open or closed.
    open: RwSignal<bool>,
    /// The deployment as shown when the dialog opened.
    #[prop(into)]
    deployment: Signal<Option<Deployment>>,
    /// Called after a successful update.
    on_updated: Callback<Deployment>,
    /// Called by **Reload** after a conflict.
    on_reload: Callback<()>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    view! {
        <Modal open=open title="Update Deployment" test_id=ids::UPDATE_DIALOG busy=busy>
            <UpdateForm open=open busy=busy deployment=deployment on_updated=on_updated on_reload=on_reload />
        </Modal>
    }
}

#[component]
fn UpdateForm(
    open: RwSignal<bool>,
    busy: RwSignal<bool>,
    deployment: Signal<Option<Deployment>>,
    on_updated: Callback<Deployment>,
    on_reload: Callback<()>,
) -> impl IntoView {
    let backend = use_backend();
    // What the user saw when the dialog opened: the update is asked against this generation.
    let seen = deployment.get_untracked();
    let generation = seen.as_ref().map_or(0, |d| d.current_generation);
    let components = seen
        .as_ref()
        .map(|d| d.component_info.clone())
        .unwrap_or_default();
    let deployment_id = seen.map(|d| d.deployment_id).unwrap_or_default();
    // Only the devices its components run on, by ID.
    let device_ids = device_ids(&components);
    let devices = {
        let backend = backend.clone();
        LocalResource::new(move || {
            let (backend, ids) = (backend.clone(), device_ids.clone());
            async move { backend.devices_by_id(&ids).await }
        })
    };
    let choices = Signal::derive(move || match devices.get() {
        Some(Ok(devices)) => choices(&components, Some(&devices)),
        _ => choices(&components, None),
    });
    let devices_error = move || match devices.get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let field_error = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    Effect::new(move |_| {
        if chosen.with(|c| !c.is_empty()) {
            field_error.set(None);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // Only components still updatable count (a device may have changed meanwhile).
        let updatable: Vec<String> = choices.with_untracked(|choices| {
            choices
                .iter()
                .filter(|c| c.blocked.is_none())
                .filter(|c| chosen.with_untracked(|set| set.contains(&c.id)))
                .map(|c| c.id.clone())
                .collect()
        });
        if updatable.is_empty() {
            field_error.set(Some(NO_COMPONENT_CHOSEN.into()));
            return;
        }
        let request = UpdateRequest {
            expected_generation: generation,
            components: updatable,
        };
        busy.set(true);
        outcome.set(None);
        let (backend, id) = (backend.clone(), deployment_id.clone());
        spawn_local(async move {
            let result = backend.update(&id, &request).await;
            busy.set(false);
            match result {
                Ok(updated) => {
                    // The page may be gone (the user navigated away meanwhile).
                    on_updated.try_run(updated);
                    open.set(false);
                }
                Err(ApiError::Conflict { message, .. }) => {
                    outcome.set(Some(Outcome::Conflict(message)));
                }
                Err(e @ (ApiError::Network | ApiError::TimedOut(_))) => {
                    // The update may have been applied: never suggest it was not.
                    outcome.set(Some(Outcome::Unknown(e)));
                }
                Err(ApiError::Invalid { message, fields }) => {
                    let detail: Vec<String> = fields.iter().map(|f| f.message.clone()).collect();
                    outcome.set(Some(Outcome::Failed(ApiError::Invalid {
                        message: if detail.is_empty() {
                            message
                        } else {
                            format!("{message} {}", detail.join(" "))
                        },
                        fields,
                    })));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let conflict = move || match outcome.get() {
        Some(Outcome::Conflict(message)) => Some(message),
        _ => None,
    };
    let failed = move || match outcome.get() {
        Some(Outcome::Failed(e)) => Some(e),
        _ => None,
    };
    let unknown = move || match outcome.get() {
        Some(Outcome::Unknown(e)) => Some(e),
        _ => None,
    };
    view! {
        <form class="update-form" on:submit=submit novalidate>
            <p class="muted">
                {format!(
                    "The chosen components are recreated with the package's current images; the deployment goes to Provisioning and its generation becomes {}.",
                    generation + 1,
                )}
            </p>
            // The list appears once devices are known, so nothing is rebuilt under the user's focus.
            {move || {
                if devices.with(Option::is_none) {
                    view! { <p class="muted" role="status">"Checking the devices of this deployment…"</p> }.into_any()
                } else {
                    view! { <UpdateChoices choices=choices chosen=chosen error=field_error /> }.into_any()
                }
            }}
            {move || devices_error().map(|e| view! {
                <p class="form-error" role="alert">{format!("Device components cannot be checked: {e}")}</p>
            })}
            {move || conflict().map(|message| view! {
                <div class="form-error conflict" role="alert" data-testid=ids::UPDATE_CONFLICT>
                    <p>
                        <strong>"This deployment changed since you opened this dialog. "</strong>
                        {message}
                        " Nothing was updated."
                    </p>
                    <button
                        type="button"
                        class="button button-small"
                        data-testid=ids::UPDATE_RELOAD
                        on:click=move |_| {
                            on_reload.run(());
                            open.set(false);
                        }
                    >
                        "Reload deployment"
                    </button>
                </div>
            })}
            {move || unknown().map(|e| view! {
                <div class="form-error conflict" role="alert" data-testid=ids::UPDATE_ERROR>
                    <p>
                        {format!("{e} ")}
                        "The update may or may not have been applied. Reload the deployment to see its generation before trying again."
                    </p>
                    <button type="button" class="button button-small" on:click=move |_| {
                        on_reload.run(());
                        open.set(false);
                    }>
                        "Reload deployment"
                    </button>
                </div>
            })}
            {move || failed().map(|e| {
                let text = if e.is_transient() {
                    format!("Not updated: {e} Nothing is sent again on its own; press Update to try again. It carries generation {generation}, so it can never be applied twice.")
                } else {
                    format!("Not updated: {e}")
                };
                view! { <p class="form-error" role="alert" data-testid=ids::UPDATE_ERROR>{text}</p> }
            })}
            <div class="modal-actions">
                <button type="button" class="button button-secondary" on:click=move |_| open.set(false) disabled=move || busy.get()>
                    "Cancel"
                </button>
                <button
                    type="submit"
                    class="button"
                    data-testid=ids::UPDATE_SUBMIT
                    disabled=move || busy.get() || conflict().is_some() || unknown().is_some()
                    aria-busy=move || busy.get().to_string()
                >
                    {move || if busy.get() { "Updating…" } else { "Update" }}
                </button>
            </div>
        </form>
    }
}
