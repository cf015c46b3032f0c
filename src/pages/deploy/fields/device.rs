//! The device picker: which device each device component is deployed on.

use leptos::prelude::*;
use platform::rules::compat::device_incompatibilities;
use platform::wire::Component;

use super::FieldMessage;
use crate::ids;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::use_form;

/// **Select device for deploying the component**: compatible online devices first, the others
/// disabled with the platform's reasons.
#[component]
pub fn DevicePicker(
    /// The device component.
    component: Component,
    /// Refetches the devices.
    #[prop(into)]
    refresh: Callback<()>,
    /// True while devices are being fetched.
    #[prop(into)]
    loading: Signal<bool>,
) -> impl IntoView {
    let form = use_form();
    let id = component.component_id.clone();
    let path = format!("componentContext.{id}.deviceId");
    let group = field_dom_id(&path);
    let component = StoredValue::new(component);
    let options = {
        let (id, path, group) = (id.clone(), path.clone(), group.clone());
        move || {
            let mut devices: Vec<_> = form
                .devices
                .get()
                .into_iter()
                .map(|d| {
                    let reasons = component.with_value(|c| device_incompatibilities(c, &d));
                    (d, reasons)
                })
                .collect();
            devices.sort_by_key(|(d, reasons)| (!reasons.is_empty(), d.name.clone()));
            if devices.is_empty() {
                return view! { <p class="muted">"No devices are registered in this project."</p> }
                    .into_any();
            }
            devices
                .into_iter()
                .map(|(device, reasons)| {
                    let (id, path) = (id.clone(), path.clone());
                    let uuid = device.uuid.clone();
                    let checked_uuid = uuid.clone();
                    let checked_id = id.clone();
                    let disabled = !reasons.is_empty();
                    let runtime = device.runtime().map_or("runtime unknown".to_string(), |r| r.to_string());
                    let meta = format!(
                        "{} · {} · {}",
                        device.architecture.as_ref().map_or("unknown architecture".into(), |a| a.to_string()),
                        runtime,
                        device.status.as_str().to_lowercase()
                    );
                    let reason = reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
                    view! {
                        <label class="option" class:option-disabled=disabled>
                            <input
                                type="radio"
                                name=group.clone()
                                value=uuid.clone()
                                disabled=disabled
                                prop:checked=move || {
                                    form.draft.with(|d| d.components.get(&checked_id).is_some_and(|c| c.device_id == checked_uuid))
                                }
                                on:change=move |_| {
                                    let uuid = uuid.clone();
                                    form.edit(&path, |d| {
                                        if let Some(c) = d.components.get_mut(&id) {
                                            c.device_id = uuid;
                                        }
                                    });
                                    form.touch(&path);
                                }
                            />
                            <span class="option-main">
                                <span class="option-name">{device.name.clone()}</span>
                                <span class="option-meta">{meta}</span>
                                {disabled.then(|| view! { <span class="option-reason">{reason}</span> })}
                            </span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let legend = component.with_value(|c| {
        format!(
            "Select device for deploying the component {} ({})",
            c.name,
            c.architecture
                .as_ref()
                .map_or("any architecture".into(), |a| a.to_string())
        )
    });
    view! {
        <fieldset class="field picker" id=group.clone() aria-describedby=format!("{group}-error")>
            <legend>{legend}</legend>
            <div class="picker-tools">
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid=ids::REFRESH_DEVICES
                    disabled=move || loading.get()
                    on:click=move |_| refresh.run(())
                >
                    {move || if loading.get() { "Refreshing…" } else { "Refresh the list of online devices" }}
                </button>
            </div>
            <div class="options" role="radiogroup">{options}</div>
            <FieldMessage path=path />
        </fieldset>
    }
}
