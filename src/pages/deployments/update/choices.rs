//! The dialog's checkbox list: each component, where it runs, and why it cannot be updated.

use std::collections::BTreeSet;

use leptos::prelude::*;
use platform::rules::update::component_updatability;
use platform::wire::{ComponentInfo, Device, Runtime};

/// One line of the dialog: a component and why it cannot be updated, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Component ID.
    pub id: String,
    /// Component name.
    pub name: String,
    /// Where it runs, in words.
    pub runs_on: String,
    /// Why it cannot be updated in place (`None`: it can).
    pub blocked: Option<String>,
}

/// The devices `components` run on, each once: all a deployment's page reads of the fleet.
pub fn device_ids(components: &[ComponentInfo]) -> Vec<String> {
    let mut ids: Vec<String> = components
        .iter()
        .filter_map(|c| c.device_id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The dialog's lines for `components`, given the project's devices (`None` while they load:
/// device components wait).
pub fn choices(components: &[ComponentInfo], devices: Option<&[Device]>) -> Vec<Choice> {
    components
        .iter()
        .map(|component| {
            let device_name = devices.and_then(|devices| {
                component
                    .device_id
                    .as_deref()
                    .and_then(|id| devices.iter().find(|d| d.uuid == id))
                    .map(|d| d.name.clone())
            });
            let runs_on = match component.runtime {
                Runtime::Cloud => "Cloud".to_string(),
                _ => match &device_name {
                    Some(name) => format!("Device {name}"),
                    None => "Device".to_string(),
                },
            };
            let blocked = match (component.runtime == Runtime::Cloud, devices) {
                (true, _) => None,
                (false, None) => Some("Checking its device…".to_string()),
                (false, Some(devices)) => component_updatability(component, devices)
                    .err()
                    .map(|reason| reason.to_string()),
            };
            Choice {
                id: component.component_id.clone(),
                name: component.name.clone(),
                runs_on,
                blocked,
            }
        })
        .collect()
}

/// The checkbox list; `chosen` holds the IDs ticked.
#[component]
pub fn UpdateChoices(
    /// The lines.
    #[prop(into)]
    choices: Signal<Vec<Choice>>,
    /// The component IDs chosen.
    chosen: RwSignal<BTreeSet<String>>,
    /// The field's error ("Choose at least one component"), if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="field update-choices" aria-invalid=move || error.with(Option::is_some).to_string() aria-describedby="update-choices-error">
            <legend>"Components to update"</legend>
            <ul class="options">
                {move || {
                    choices
                        .get()
                        .into_iter()
                        .map(|choice| {
                            let id = choice.id.clone();
                            let toggle_id = id.clone();
                            let checked_id = id.clone();
                            let disabled = choice.blocked.is_some();
                            let dom_id = format!("update-{}", id);
                            let reason_id = format!("update-reason-{}", id);
                            let class = if disabled { "option option-disabled" } else { "option" };
                            view! {
                                <li class=class>
                                    <input
                                        type="checkbox"
                                        id=dom_id.clone()
                                        value=id.clone()
                                        disabled=disabled
                                        aria-describedby=reason_id.clone()
                                        prop:checked=move || !disabled && chosen.with(|c| c.contains(&checked_id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                if on {
                                                    c.insert(toggle_id.clone());
                                                } else {
                                                    c.remove(&toggle_id);
                                                }
                                            });
                                        }
                                    />
                                    <label for=dom_id class="option-main">
                                        <span class="option-name">{choice.name.clone()}</span>
                                        <span class="option-meta">{choice.runs_on.clone()}</span>
                                        <span class="option-reason" id=reason_id>{choice.blocked.clone().unwrap_or_default()}</span>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="field-error" id="update-choices-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </fieldset>
    }
}
