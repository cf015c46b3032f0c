//! The volume rows: a volume deployment, the component it mounts into, and the mount path.

use leptos::prelude::*;
use platform::rules::compat::volume_eligibility;

use super::{FieldMessage, TextField};
use crate::pages::deploy::model::{access, field_dom_id};
use crate::pages::deploy::state::use_form;

/// **Add volume**: a running volume deployment, the component it mounts into, an absolute path.
#[component]
pub fn VolumePicker() -> impl IntoView {
    let form = use_form();
    let components = form.package.with_value(|p| {
        p.plans
            .first()
            .map(|plan| plan.components.clone())
            .unwrap_or_default()
    });
    let components = StoredValue::new(components);
    let count = move || form.draft.with(|d| d.volumes.len());
    let rows = move || {
        (0..count())
            .map(|i| {
                let volume_path = format!("volumes[{i}].deploymentId");
                let component_path = format!("volumes[{i}].componentId");
                let volume_id = field_dom_id(&volume_path);
                let component_id = field_dom_id(&component_path);
                let volumes = form
                    .deployments
                    .get_value()
                    .into_iter()
                    .filter(|d| d.package_name == platform::rules::VOLUME_PACKAGE_NAME && d.phase.is_live())
                    .map(|d| {
                        let reason = volume_eligibility(&d).err().map(|r| r.to_string());
                        let text = format!("{} ({})", d.name, d.deployment_id);
                        let text = match &reason { Some(r) => format!("{text}: {r}"), None => text };
                        view! { <option value=d.deployment_id.clone() disabled=reason.is_some()>{text}</option> }
                    })
                    .collect_view();
                let component_options = components
                    .get_value()
                    .into_iter()
                    .map(|c| view! { <option value=c.component_id.clone()>{c.name.clone()}</option> })
                    .collect_view();
                let (vp, vb, cp, cb) = (volume_path.clone(), volume_path.clone(), component_path.clone(), component_path.clone());
                view! {
                    <div class="row-fields">
                        <div class="field grow">
                            <label for=volume_id.clone()>{format!("Volume {}", i + 1)}</label>
                            <select id=volume_id
                                prop:value=move || form.draft.with(|d| d.volumes.get(i).map(|v| v.deployment_id.clone()).unwrap_or_default())
                                on:change=move |ev| { let v = event_target_value(&ev); form.edit(&vp, |d| if let Some(row) = d.volumes.get_mut(i) { row.deployment_id = v; }); }
                                on:blur=move |_| form.touch(&vb)>
                                <option value="">"Choose a volume"</option>
                                {volumes}
                            </select>
                            <FieldMessage path=volume_path />
                        </div>
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
            {rows}
            <button type="button" class="button button-secondary button-small" on:click=move |_| form.edit("volumes", |d| d.volumes.push(Default::default()))>
                "Add volume"
            </button>
        </fieldset>
    }
}
