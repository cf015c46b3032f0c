//! The routed network picker, including networks a deploy link named but the list lacks.

use leptos::prelude::*;
use platform::rules::compat::network_eligibility;

use super::FieldMessage;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::use_form;

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
