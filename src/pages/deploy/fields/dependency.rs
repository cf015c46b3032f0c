//! The dependency rows: deployments this one depends on.

use leptos::prelude::*;
use platform::rules::compat::dependency_eligibility;

use super::FieldMessage;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::use_form;

/// **Add dependency**: rows picking deployments by ID (name and phase beside it); only
/// Succeeded ones can be chosen.
#[component]
pub fn DependencyPicker() -> impl IntoView {
    let form = use_form();
    let count = move || form.draft.with(|d| d.dependencies.len());
    let rows = move || {
        (0..count())
            .map(|i| {
                let path = format!("dependentDeployments[{i}]");
                let select_id = field_dom_id(&path);
                let deployments = form.deployments.get_value();
                let options = deployments
                    .into_iter()
                    .filter(|d| d.phase.is_live())
                    .map(|d| {
                        let reason = dependency_eligibility(&d).err().map(|r| r.to_string());
                        let text = format!("{} — {} ({})", d.deployment_id, d.name, d.phase.label());
                        let text = match &reason { Some(r) => format!("{text}: {r}"), None => text };
                        view! { <option value=d.deployment_id.clone() disabled=reason.is_some()>{text}</option> }
                    })
                    .collect_view();
                let (edit_path, blur_path) = (path.clone(), path.clone());
                view! {
                    <div class="row-fields">
                        <div class="field grow">
                            <label for=select_id.clone()>{format!("Dependency {}", i + 1)}</label>
                            <select
                                id=select_id
                                prop:value=move || form.draft.with(|d| d.dependencies.get(i).cloned().unwrap_or_default())
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    form.edit(&edit_path, |d| if let Some(slot) = d.dependencies.get_mut(i) { *slot = value; });
                                }
                                on:blur=move |_| form.touch(&blur_path)
                            >
                                <option value="">"Choose a deployment"</option>
                                {options}
                            </select>
                            <FieldMessage path=path />
                        </div>
                        <button type="button" class="button button-secondary button-small remove" aria-label=format!("Remove dependency {}", i + 1)
                            on:click=move |_| form.edit("dependentDeployments", |d| { if i < d.dependencies.len() { d.dependencies.remove(i); } })>
                            "Remove"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="field picker">
            <legend>"Dependencies"</legend>
            {rows}
            <button type="button" class="button button-secondary button-small" on:click=move |_| form.edit("dependentDeployments", |d| d.dependencies.push(String::new()))>
                "Add dependency"
            </button>
        </fieldset>
    }
}
