//! The dependency rows: deployments this one depends on, each found by typing part of its
//! name (only Succeeded deployments can be picked).

use leptos::prelude::*;
use platform::rules::compat::Pick;
use platform::wire::Deployment;

use super::deployment_search::DeploymentSearch;
use crate::pages::deploy::state::use_form;

/// **Add dependency**: rows picking deployments by name; only Succeeded ones can be chosen.
#[component]
pub fn DependencyPicker() -> impl IntoView {
    let form = use_form();
    let count = move || form.draft.with(|d| d.dependencies.len());
    let rows = move || {
        (0..count())
            .map(|i| {
                let path = format!("dependentDeployments[{i}]");
                let edit_path = path.clone();
                let choose = Callback::new(move |deployment: Deployment| {
                    let id = deployment.deployment_id.clone();
                    form.chosen.pick_deployment(deployment);
                    form.edit(&edit_path, |d| {
                        if let Some(slot) = d.dependencies.get_mut(i) {
                            *slot = id;
                        }
                    });
                });
                let value = Signal::derive(move || {
                    form.draft
                        .with(|d| d.dependencies.get(i).cloned().unwrap_or_default())
                });
                view! {
                    <div class="row-fields">
                        <DeploymentSearch
                            label=format!("Dependency {}", i + 1)
                            path=path
                            pick=Pick::Dependency
                            volume_packages=Signal::stored(None::<Vec<String>>)
                            value=value
                            choose=choose
                        />
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
