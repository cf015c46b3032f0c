//! **Deploy to a fleet** (from a package): a label selector with a live preview of the devices
//! it matches (compatible or not, and why not), the device component, a name pattern, the
//! component's parameters, the routed network, the waves and the failure threshold; then a
//! Confirm step with the counts, then the rollout's page. The draft is kept in the session
//! and a deploy link's query fills it, as in the deploy form.

mod confirm;
mod live_preview;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query};
use platform::wire::{Package, RoutedNetwork};

use self::confirm::{FormSignals, confirm_step};
use self::live_preview::live_preview;
use super::draft::{FleetDraft, device_components};
use super::preview::PreviewPanel;
use crate::api::{ApiError, use_backend};
use crate::components::focus::{focus_first_invalid, focus_test_id};
use crate::components::load_state::{LoadError, TableSkeleton};
use crate::components::page_header::{Crumb, PageHeader};
use crate::ids;
use crate::pages::deploy::{QueryPairs, new_key, session};

fn draft_key(package_id: &str) -> String {
    format!("rio-console.fleet-draft.{package_id}")
}

/// The page for the package in the URL.
#[component]
pub fn FleetDeployPage() -> impl IntoView {
    let backend = use_backend();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let b = backend.clone();
    let package = LocalResource::new(move || {
        let (backend, id) = (b.clone(), id());
        async move { backend.package(&id).await }
    });
    let networks = LocalResource::new(move || {
        let backend = backend.clone();
        async move { backend.networks().await }
    });
    let content = move || match (package.get(), networks.get()) {
        (Some(Err(error)), _) | (_, Some(Err(error))) => view! {
            <LoadError what="the package and networks" error=error retry=move |_| {
                package.refetch();
                networks.refetch();
            } />
        }
        .into_any(),
        (Some(Ok(package)), Some(Ok(networks))) => {
            view! { <FleetForm package=package networks=networks /> }.into_any()
        }
        _ => view! { <TableSkeleton rows=6 /> }.into_any(),
    };
    let title = Signal::derive(move || match package.get() {
        Some(Ok(p)) => format!("Deploy {} to a fleet", p.summary.package_name),
        _ => "Deploy to a fleet".to_string(),
    });
    view! {
        <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::CATALOG] />
        {content}
    }
}

#[component]
fn FleetForm(package: Package, networks: Vec<RoutedNetwork>) -> impl IntoView {
    let backend = use_backend();
    let backend_for_start = backend.clone();
    let navigate = use_navigate();
    let query = use_query::<QueryPairs>();
    let Some(plan) = package.plans.first().cloned() else {
        return view! { <p class="panel">"This package has no plan to deploy."</p> }.into_any();
    };
    let package_id = package.summary.guid.clone();
    let initial = {
        let mut fresh = FleetDraft::new(&package);
        // The robots' own network, when one runs.
        fresh.network = networks
            .iter()
            .find(|n| {
                n.runtime == platform::wire::Runtime::Device
                    && n.internal_deployment_status.phase == platform::phase::Phase::Succeeded
            })
            .map(|n| n.guid.clone())
            .unwrap_or_default();
        let pairs = query.get_untracked().map(|q| q.0).unwrap_or_default();
        if fresh.apply_query(&pairs) {
            fresh
        } else {
            session()
                .and_then(|s| s.get_item(&draft_key(&package_id)).ok().flatten())
                .and_then(|text| serde_json::from_str::<FleetDraft>(&text).ok())
                .filter(|d| d.package_id == package_id)
                .unwrap_or(fresh)
        }
    };
    let draft = RwSignal::new(initial);
    let server_errors = RwSignal::new(BTreeMap::<String, String>::new());
    let reviewed = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let submit_key = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<ApiError>);
    {
        let package_id = package_id.clone();
        Effect::new(move |_| {
            let text = draft.with(|d| serde_json::to_string(d).unwrap_or_default());
            if let Some(storage) = session() {
                let _ = storage.set_item(&draft_key(&package_id), &text);
            }
        });
    }
    let client_errors = Memo::new(move |_| draft.with(FleetDraft::errors));
    let error_of = move |field: &'static str| {
        move || {
            server_errors.with(|e| e.get(field).cloned()).or_else(|| {
                reviewed
                    .get()
                    .then(|| client_errors.with(|e| e.get(field).cloned()))
                    .flatten()
            })
        }
    };
    let edit = move |field: &'static str, change: Box<dyn FnOnce(&mut FleetDraft)>| {
        draft.update(change);
        server_errors.update(|e| {
            e.remove(field);
        });
        submit_key.set(None);
    };

    // The live preview: asked for a moment after the selector, component or pattern change.
    let live = live_preview(backend, draft, plan.plan_id.clone());
    let preview = live.preview;

    let review = move |_| {
        reviewed.set(true);
        submit_error.set(None);
        if !client_errors.with(BTreeMap::is_empty) || !server_errors.with(BTreeMap::is_empty) {
            focus_first_invalid();
            return;
        }
        if submit_key.get_untracked().is_none() {
            submit_key.set(Some(new_key()));
        }
        confirming.set(true);
        focus_test_id(ids::CONFIRM_STEP);
    };
    let signals = FormSignals {
        draft,
        preview,
        server_errors,
        confirming,
        submit_key,
        pending,
        submit_error,
    };
    let start = confirm::start(signals, plan.plan_id.clone(), backend_for_start, navigate);

    let components: Vec<(String, String)> = device_components(&plan)
        .map(|c| (c.component_id.clone(), c.name.clone()))
        .collect();
    let parameters = move || {
        let chosen = draft.with(|d| d.component_id.clone());
        device_components(&plan)
            .find(|c| c.component_id == chosen)
            .map(|c| c.parameters.clone())
            .unwrap_or_default()
    };
    let text_field = move |field: &'static str,
                           label: &'static str,
                           hint: &'static str,
                           get: fn(&FleetDraft) -> String,
                           set: fn(&mut FleetDraft, String)| {
        let id = format!("fleet-{field}");
        let message = error_of(field);
        let invalid = error_of(field);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p class="hint">{hint}</p>
                <input id=id.clone() type="text" autocomplete="off"
                    aria-describedby=format!("{id}-error")
                    aria-invalid=move || if invalid().is_some() { "true" } else { "false" }
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(field, Box::new(move |d| set(d, value)));
                    } />
                <p class="field-error" id=format!("{id}-error") aria-live="polite">{message}</p>
            </div>
        }
    };

    let form = view! {
        <form class="deploy-form fleet-form panel" data-testid=ids::FLEET_FORM on:submit=move |ev| ev.prevent_default()>
            <h2 class="step-title">"Which robots"</h2>
            {text_field("selector", "Label selector", "Every device carrying all these labels, such as site:tokyo (several: site:tokyo, tier:canary).", |d| d.selector.clone(), |d, v| d.selector = v)}
            <PreviewPanel preview=preview more=live.more loading_more=live.loading_more />
            <h2 class="step-title">"What runs on each"</h2>
            <div class="field">
                <label for="fleet-component">"Device component"</label>
                <select id="fleet-component" prop:value=move || draft.with(|d| d.component_id.clone())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        edit("componentId", Box::new(move |d| d.component_id = value));
                    }>
                    {components.into_iter().map(|(id, name)| view! { <option value=id.clone()>{name}</option> }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{error_of("componentId")}</p>
            </div>
            {text_field("name", "Name pattern", "Each deployment's name; {device} stands for the device's name.", |d| d.name.clone(), |d, v| d.name = v)}
            {move || parameters().into_iter().map(|p| {
                let name = p.name.clone();
                let (read, write) = (name.clone(), name.clone());
                let id = format!("fleet-param-{name}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{format!("Parameter {name}")}</label>
                        {(!p.description.is_empty()).then(|| view! { <p class="hint">{p.description.clone()}</p> })}
                        <input id=id type="text" autocomplete="off"
                            prop:value=move || draft.with(|d| d.parameters.get(&read).cloned().unwrap_or_default())
                            on:input=move |ev| {
                                let (value, key) = (event_target_value(&ev), write.clone());
                                edit("parameters", Box::new(move |d| { d.parameters.insert(key, value); }));
                            } />
                        <p class="field-error" aria-live="polite">
                            {move || server_errors.with(|e| e.get(&format!("parameters.{name}")).cloned())}
                        </p>
                    </div>
                }
            }).collect_view()}
            <div class="field">
                <label for="fleet-network">"Routed network"</label>
                <select id="fleet-network" prop:value=move || draft.with(|d| d.network.clone())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        edit("routedNetworks", Box::new(move |d| d.network = value));
                    }>
                    <option value="">"None"</option>
                    {networks.into_iter().map(|n| view! { <option value=n.guid.clone()>{format!("{} ({})", n.name, n.internal_deployment_status.phase.label())}</option> }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{error_of("routedNetworks")}</p>
            </div>
            <h2 class="step-title">"How fast"</h2>
            <div class="row-fields">
                {text_field("waves", "Waves", "Cumulative: a number of devices or a share; the first is the canary, the last must be 100%.", |d| d.waves.clone(), |d, v| d.waves = v)}
                {text_field("maxFailures", "Halt after failures", "Failed deployments that stop the rollout.", |d| d.max_failures.clone(), |d, v| d.max_failures = v)}
            </div>
            {move || submit_error.get().map(|e| view! { <p class="form-error" role="alert" data-testid=ids::SUBMIT_ERROR>{e.to_string()}</p> })}
            <div class="form-actions">
                <button type="button" class="button" data-testid=ids::REVIEW_ROLLOUT on:click=review>"Review rollout"</button>
            </div>
        </form>
    };
    let confirm = move || confirm_step(signals, start.clone());
    view! {
        <div style:display=move || if confirming.get() { "none" } else { "" }>{form}</div>
        {move || confirming.get().then(confirm.clone())}
    }
    .into_any()
}
