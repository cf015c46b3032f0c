//! The restart policy of a device component: the package default unless modified.

use leptos::prelude::*;
use platform::wire::{Component, RestartPolicy};

use super::FieldMessage;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::use_form;

/// **Restart policy** of a device component: the package default, or another after **Modify**.
#[component]
pub fn RestartPolicyField(
    /// The device component.
    component: Component,
) -> impl IntoView {
    let form = use_form();
    let id = component.component_id.clone();
    let path = format!("componentContext.{id}.restartPolicy");
    let select_id = field_dom_id(&path);
    let default = component
        .restart_policy
        .clone()
        .unwrap_or(RestartPolicy::Always);
    let chosen = {
        let id = id.clone();
        move || {
            form.draft
                .with(|d| d.components.get(&id).and_then(|c| c.restart_policy.clone()))
        }
    };
    let modifying = RwSignal::new(chosen().is_some());
    let default_label = default.label().to_string();
    let current = {
        let chosen = chosen.clone();
        let default = default.clone();
        move || {
            chosen()
                .unwrap_or_else(|| default.clone())
                .as_str()
                .to_string()
        }
    };
    let set_policy = {
        let (id, path) = (id.clone(), path.clone());
        move |ev: leptos::ev::Event| {
            let policy = RestartPolicy::parse(&event_target_value(&ev));
            form.edit(&path, |d| {
                if let Some(c) = d.components.get_mut(&id) {
                    c.restart_policy = Some(policy);
                }
            });
        }
    };
    view! {
        <div class="field">
            <span class="field-label" id=format!("{select_id}-label")>{format!("Restart policy of {}", component.name)}</span>
            <Show
                when=move || modifying.get()
                fallback=move || view! {
                    <div class="inline">
                        <span>{format!("{default_label} (package default)")}</span>
                        <button type="button" class="button button-secondary button-small" on:click=move |_| modifying.set(true)>
                            "Modify"
                        </button>
                    </div>
                }
            >
                <select id=select_id.clone() aria-labelledby=format!("{select_id}-label") prop:value=current.clone() on:change=set_policy.clone()>
                    {RestartPolicy::KNOWN.iter().map(|p| view! { <option value=p.as_str()>{p.label().to_string()}</option> }).collect_view()}
                </select>
            </Show>
            <FieldMessage path=path />
        </div>
    }
}
