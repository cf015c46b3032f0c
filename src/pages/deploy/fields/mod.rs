//! The deploy form's fields: text inputs with their errors, and the pickers for devices,
//! networks, dependencies and volumes. Each refusal shows the platform's own reason.

use leptos::prelude::*;
use platform::rules::compat::{
    dependency_eligibility, device_incompatibilities, network_eligibility, volume_eligibility,
};
use platform::wire::{Component, RestartPolicy};

use super::model::{DeployDraft, access, field_dom_id};
use super::state::use_form;
use crate::ids;

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

/// **Routed Network**: every network, the unusable ones disabled with the reason.
#[component]
pub fn NetworkPicker(
    /// Whether the package needs one (a ROS component).
    required: bool,
    /// Whether the package has a cloud component (then only cloud networks).
    has_cloud: bool,
) -> impl IntoView {
    let form = use_form();
    let networks = form.networks.get_value();
    let usable = networks
        .iter()
        .any(|n| network_eligibility(n, has_cloud).is_ok());
    // The error of the chosen network `guid`, at its position in the request (`always`: shown
    // before the user touched anything, for choices that came from a deploy link).
    let network_error = move |guid: &str, always: bool| {
        let position = form
            .draft
            .with(|d| d.networks.iter().position(|g| g == guid))?;
        let path = format!("routedNetworks[{position}]");
        if always {
            form.error(&path)
                .or_else(|| form.client_errors.with(|e| e.get(&path).cloned()))
        } else {
            form.error(&path)
        }
    };
    // Chosen IDs that are not in the list (a deploy link can name anything): said, and removable.
    let known: Vec<String> = networks.iter().map(|n| n.guid.clone()).collect();
    let unknown = move || {
        let chosen = form.draft.with(|d| d.networks.clone());
        chosen
            .into_iter()
            .filter(|guid| !known.contains(guid))
            .map(|guid| {
                let removed = guid.clone();
                view! {
                    <li class="field-error" role="alert">
                        {network_error(&guid, true)}
                        " "
                        <button type="button" class="button button-secondary button-small"
                            on:click=move |_| form.edit("routedNetworks", |d| d.networks.retain(|g| g != &removed))>
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let legend = if required {
        "Routed Network (required: this package uses ROS)"
    } else {
        "Routed Network (optional)"
    };
    view! {
        <fieldset class="field picker" id=field_dom_id("routedNetworks")>
            <legend>{legend}</legend>
            {(!usable).then(|| view! {
                <p class="notice-inline">
                    "No routed network can be used right now. "
                    <a href="https://docs.rapyuta.io/" target="_blank" rel="noopener noreferrer">"Create a routed network"</a>
                    " that is Succeeded and Running, then come back."
                </p>
            })}
            <div class="options">
                {networks.into_iter().enumerate().map(|(i, network)| {
                    let reason = network_eligibility(&network, has_cloud).err().map(|r| r.to_string());
                    let disabled = reason.is_some();
                    let guid = network.guid.clone();
                    let checked_guid = guid.clone();
                    let meta = format!("{} · {} / {}", network.runtime, network.internal_deployment_status.phase.label(), network.internal_deployment_status.status.label());
                    let message_guid = guid.clone();
                    let message_id = format!("{}-error", field_dom_id(&format!("routedNetworks-{i}")));
                    view! {
                        <label class="option" class:option-disabled=disabled>
                            <input
                                type="checkbox"
                                disabled=disabled
                                prop:checked=move || form.draft.with(|d| d.networks.contains(&checked_guid))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let guid = guid.clone();
                                    form.edit("routedNetworks", |d| {
                                        d.networks.retain(|g| g != &guid);
                                        if on { d.networks.push(guid); }
                                    });
                                    form.touch("routedNetworks");
                                }
                            />
                            <span class="option-main">
                                <span class="option-name">{network.name.clone()}</span>
                                <span class="option-meta">{meta}</span>
                                {reason.map(|r| view! { <span class="option-reason">{r}</span> })}
                            </span>
                            // Errors are keyed by the position in the request, not in this list.
                            <p class="field-error" id=message_id aria-live="polite">
                                {move || network_error(&message_guid, false)}
                            </p>
                        </label>
                    }
                }).collect_view()}
            </div>
            <ul class="unknown-choices">{unknown}</ul>
            <FieldMessage path="routedNetworks" />
        </fieldset>
    }
}

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
