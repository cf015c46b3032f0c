//! The volume rows: a volume deployment (found by typing part of its name), the component it
//! mounts into, and the mount path.

use leptos::prelude::*;
use platform::rules::{VOLUME_PACKAGE_NAME, compat::Pick};
use platform::wire::Deployment;

use super::deployment_search::DeploymentSearch;
use super::{FieldMessage, TextField};
use crate::api::use_backend;
use crate::pages::deploy::model::{access, field_dom_id};
use crate::pages::deploy::state::use_form;

/// **Add volume**: a running volume deployment, the component it mounts into, an absolute path.
#[component]
pub fn VolumePicker() -> impl IntoView {
    let form = use_form();
    let backend = use_backend();
    let components = form.package.with_value(|p| {
        p.plans
            .first()
            .map(|plan| plan.components.clone())
            .unwrap_or_default()
    });
    let components = StoredValue::new(components);
    // The storage package (every version), whose deployments are volumes: looked up once a
    // volume is added.
    let wanted = Memo::new(move |_| form.draft.with(|d| !d.volumes.is_empty()));
    let package = LocalResource::new(move || {
        let (backend, wanted) = (backend.clone(), wanted.get());
        async move {
            if !wanted {
                return Ok(None);
            }
            backend
                .packages_named(VOLUME_PACKAGE_NAME)
                .await
                .map(|found| Some(found.into_iter().map(|p| p.guid).collect::<Vec<_>>()))
        }
    });
    // `None` while the storage package is looked up (or could not be: said below).
    let volume_packages = Signal::derive(move || package.get().and_then(Result::ok).flatten());
    let package_error = move || {
        package
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{format!("The storage package could not be found: {e}")}</p> })
    };
    let count = move || form.draft.with(|d| d.volumes.len());
    let rows = move || {
        (0..count())
            .map(|i| {
                let volume_path = format!("volumes[{i}].deploymentId");
                let component_path = format!("volumes[{i}].componentId");
                let component_id = field_dom_id(&component_path);
                let edit_path = volume_path.clone();
                let choose = Callback::new(move |deployment: Deployment| {
                    let id = deployment.deployment_id.clone();
                    form.chosen.pick_deployment(deployment);
                    form.edit(&edit_path, |d| {
                        if let Some(row) = d.volumes.get_mut(i) {
                            row.deployment_id = id;
                        }
                    });
                });
                let value = Signal::derive(move || {
                    form.draft.with(|d| {
                        d.volumes
                            .get(i)
                            .map(|v| v.deployment_id.clone())
                            .unwrap_or_default()
                    })
                });
                let component_options = components
                    .get_value()
                    .into_iter()
                    .map(|c| view! { <option value=c.component_id.clone()>{c.name.clone()}</option> })
                    .collect_view();
                let (cp, cb) = (component_path.clone(), component_path.clone());
                view! {
                    <div class="row-fields">
                        <DeploymentSearch
                            label=format!("Volume {}", i + 1)
                            path=volume_path
                            pick=Pick::Volume
                            volume_packages=volume_packages
                            value=value
                            choose=choose
                        />
                        <div class="field">
                            <label for=component_id.clone()>"Component"</label>
                            <select id=component_id
                                prop:value=move || form.draft.with(|d| d.volumes.get(i).map(|v| v.component_id.clone()).unwrap_or_default())
                                on:change=move |ev| { let v = event_target_value(&ev); form.edit(&cp, |d| if let Some(row) = d.volumes.get_mut(i) { row.component_id = v; }); }
                                on:blur=move |_| form.touch(&cb)>
                                <option value="">"Choose"</option>
                                {component_options}
                            </select>
                            <FieldMessage path=component_path />
                        </div>
                        <TextField label="Mount path" path=format!("volumes[{i}].mountPath") key=i.to_string() placeholder="/data"
                            get=access::mount_path set=access::set_mount_path />
                        <button type="button" class="button button-secondary button-small remove" aria-label=format!("Remove volume {}", i + 1)
                            on:click=move |_| form.edit("volumes", |d| { if i < d.volumes.len() { d.volumes.remove(i); } })>
                            "Remove"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="field picker">
            <legend>"Volumes"</legend>
            {package_error}
            {rows}
            <button type="button" class="button button-secondary button-small" on:click=move |_| form.edit("volumes", |d| d.volumes.push(Default::default()))>
                "Add volume"
            </button>
        </fieldset>
    }
}
