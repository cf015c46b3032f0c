//! The deploy form's fields: text inputs with their errors, and the pickers for devices,
//! networks, dependencies and volumes. Devices and deployments are searched on the backend,
//! a few at a time; each refusal shows the platform's own reason.

mod dependency;
mod deployment_search;
mod device;
pub mod device_options;
mod network;
mod restart;
mod volume;

use leptos::prelude::*;

use super::model::{DeployDraft, field_dom_id};
use super::state::use_form;

pub use dependency::{DependencyPicker, DependencyPickerProps};
pub use deployment_search::{DeploymentSearch, DeploymentSearchProps};
pub use device::{DevicePicker, DevicePickerProps, PICKER_PAGE};
pub use network::{NetworkPicker, NetworkPickerProps};
pub use restart::{RestartPolicyField, RestartPolicyFieldProps};
pub use volume::{VolumePicker, VolumePickerProps};

/// The error under a field (announced when it appears).
#[component]
pub fn FieldMessage(
    /// The field's request path.
    #[prop(into)]
    path: String,
) -> impl IntoView {
    let form = use_form();
    let id = format!("{}-error", field_dom_id(&path));
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || form.error(&path)}
        </p>
    }
}

/// A labelled text input bound to one string of the draft.
#[component]
pub fn TextField(
    /// The label.
    #[prop(into)]
    label: String,
    /// The field's request path (for errors).
    #[prop(into)]
    path: String,
    /// Reads the value from the draft.
    get: fn(&DeployDraft, &str) -> String,
    /// Writes the value into the draft.
    set: fn(&mut DeployDraft, &str, String),
    /// The key `get`/`set` use (a component ID, a row index, …).
    #[prop(into, optional)]
    key: String,
    /// A hint under the label.
    #[prop(optional_no_strip)]
    hint: Option<String>,
    /// Placeholder text.
    #[prop(into, optional)]
    placeholder: String,
) -> impl IntoView {
    let form = use_form();
    let id = field_dom_id(&path);
    let described = format!("{id}-error");
    let (path_input, path_blur, path_invalid) = (path.clone(), path.clone(), path.clone());
    let (key_get, key_set) = (key.clone(), key);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <input
                id=id
                type="text"
                autocomplete="off"
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=move || if form.error(&path_invalid).is_some() { "true" } else { "false" }
                prop:value=move || form.draft.with(|d| get(d, &key_get))
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    form.edit(&path_input, |d| set(d, &key_set, value));
                }
                on:blur=move |_| form.touch(&path_blur)
            />
            <FieldMessage path=path />
        </div>
    }
}
