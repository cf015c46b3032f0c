//! The form itself: its steps in order, **CREATE DEPLOYMENT**, **Confirm**, and the submission.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query},
};
use platform::wire::{Package, Runtime};

use super::confirm::ConfirmSummary;
use super::draft_store::{forget_draft, initial_draft, save_draft};
use super::fields::{
    DependencyPicker, DevicePicker, NetworkPicker, RestartPolicyField, TextField, VolumePicker,
};
use super::lookups::look_up_choices;
use super::model::{self, LabelRow, access};
use super::state::{FormState, use_form};
use super::{QueryPairs, new_key};
use crate::api::{ApiError, use_backend};
use crate::components::focus::{focus_first_invalid, focus_test_id};
use crate::ids;
use crate::pages::deployments::deployment_path;

/// Which step the form is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Form,
    Confirm,
}

#[component]
pub(super) fn DeployForm(
    package: Package,
    networks: Vec<platform::wire::RoutedNetwork>,
) -> impl IntoView {
    let query = use_query::<QueryPairs>();
    let pairs = query.get_untracked().map(|q| q.0).unwrap_or_default();
    let draft = initial_draft(&package, &pairs);
    let form = FormState::new(package.clone(), draft, networks);
    provide_context(form);
    look_up_choices(form, use_backend());
    let package_id = package.summary.guid.clone();
    Effect::new(move |_| form.draft.with(|d| save_draft(&package_id, d)));
    let step = RwSignal::new(Step::Form);
    let pending = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<ApiError>);
    let plan = package
        .plans
        .first()
        .cloned()
        .unwrap_or_else(|| platform::wire::Plan {
            plan_id: String::new(),
            plan_name: String::new(),
            components: Vec::new(),
        });
    let requires_network = plan.uses_ros();
    let has_cloud = plan.has_cloud_component();
    let device_components: Vec<_> = plan
        .components
        .iter()
        .filter(|c| c.required_runtime == Runtime::Device)
        .cloned()
        .collect();
    let has_devices = !device_components.is_empty();
    let plan = StoredValue::new(plan);

    let problems = Memo::new(move |_| {
        form.client_errors.with(|e| e.len()) + form.server_errors.with(|e| e.len())
    });
    let create = move |_| {
        form.submitted.set(true);
        submit_error.set(None);
        if problems.get_untracked() > 0 {
            focus_first_invalid();
            return;
        }
        if form.submit_key.get_untracked().is_none() {
            form.submit_key.set(Some(new_key()));
        }
        step.set(Step::Confirm);
        focus_test_id(ids::CONFIRM_STEP);
    };
    let backend = use_backend();
    let navigate = use_navigate();
    let confirm = move |_| {
        if pending.get_untracked() {
            return;
        }
        let Some(key) = form.submit_key.get_untracked() else {
            step.set(Step::Form);
            return;
        };
        let request = plan.with_value(|p| form.draft.with_untracked(|d| d.to_request(Some(p))));
        let package_id = form.package.with_value(|p| p.summary.guid.clone());
        let (backend, navigate) = (backend.clone(), navigate.clone());
        pending.set(true);
        submit_error.set(None);
        leptos::task::spawn_local(async move {
            let result = backend.provision(&request, &key).await;
            pending.set(false);
            match result {
                Ok(created) => {
                    forget_draft(&package_id);
                    navigate(
                        &deployment_path(&created.deployment_id),
                        NavigateOptions::default(),
                    );
                }
                Err(ApiError::Invalid { fields, message }) if !fields.is_empty() => {
                    form.server_errors.set(model::errors_by_field(&fields));
                    submit_error.set(Some(ApiError::Invalid { fields, message }));
                    step.set(Step::Form);
                    focus_first_invalid();
                }
                Err(error) => submit_error.set(Some(error)),
            }
        });
    };
    let back = move |_| {
        step.set(Step::Form);
        submit_error.set(None);
    };

    let labels = move || {
        (0..form.draft.with(|d| d.labels.len()))
            .map(|i| view! {
                <div class="row-fields">
                    <TextField label=format!("Label {} key", i + 1) path=format!("labels[{i}].key") key=i.to_string()
                        get=access::label_key set=access::set_label_key />
                    <TextField label=format!("Label {} value", i + 1) path=format!("labels[{i}].value") key=i.to_string()
                        get=access::label_value set=access::set_label_value />
                    <button type="button" class="button button-secondary button-small remove" aria-label=format!("Remove label {}", i + 1)
                        on:click=move |_| form.edit("labels", |d| { if i < d.labels.len() { d.labels.remove(i); } })>
                        "Remove"
                    </button>
                </div>
            })
            .collect_view()
    };
    let parameters = plan.with_value(|plan| {
        plan.components
            .iter()
            .filter(|c| !c.parameters.is_empty())
            .map(|c| {
                let id = c.component_id.clone();
                view! {
                    <fieldset class="field picker">
                        <legend>{format!("Parameters of {}", c.name)}</legend>
                        {c.parameters.iter().map(|p| {
                            let key = format!("{id}/{}", p.name);
                            view! {
                                <TextField label=p.name.clone() path=format!("componentContext.{id}.parameters.{}", p.name) key=key
                                    hint=(!p.description.is_empty()).then(|| p.description.clone())
                                    get=access::parameter set=access::set_parameter />
                            }
                        }).collect_view()}
                    </fieldset>
                }
            })
            .collect_view()
    });
    let devices_section = device_components
        .iter()
        .cloned()
        .map(|c| view! { <DevicePicker component=c /> })
        .collect_view();
    let restart_section = device_components
        .into_iter()
        .map(|c| view! { <RestartPolicyField component=c /> })
        .collect_view();
    let summary = move || {
        let request = plan.with_value(|p| form.draft.with(|d| d.to_request(Some(p))));
        view! { <ConfirmSummary request=request /> }
    };
    let retry = confirm.clone();
    let error_banner = move || {
        submit_error.get().map(|error| {
            // A temporary failure (the deployment may even have been created): the person may
            // retry, with the same idempotency key.
            let retryable = error.is_transient();
            let text = match &error {
                ApiError::Invalid { .. } => "The backend refused the request; the fields below say why.".to_string(),
                _ if retryable => format!("{error} Nothing was sent again and nothing you entered was lost. Try again when you are ready: it is the same request, so it cannot create a second deployment."),
                other => other.to_string(),
            };
            let retry = retry.clone();
            view! {
                <div class="notice notice-error" role="alert" data-testid=ids::SUBMIT_ERROR>
                    <p>{text}</p>
                    {(retryable && step.get_untracked() == Step::Confirm).then(|| view! {
                        <button type="button" class="button button-small" data-testid=ids::SUBMIT_RETRY on:click=retry disabled=move || pending.get()>
                            "Try again"
                        </button>
                    })}
                </div>
            }
        })
    };
    view! {
        {error_banner}
        <form class="panel deploy-form" data-testid=ids::DEPLOY_FORM novalidate hidden=move || step.get() != Step::Form on:submit=move |ev| ev.prevent_default()>
                {move || (form.submitted.get() && problems.get() > 0).then(|| view! {
                    <div class="notice notice-warning" role="alert" data-testid=ids::FORM_PROBLEMS>
                        <p>{format!("{} problem(s) to fix before deploying; each is shown at its field.", problems.get())}</p>
                    </div>
                })}
                <FormLevelErrors />
                <h2 class="step-title">"1. Name"</h2>
                <TextField label="Name of deployment" path="name" hint=Some("3–64 characters: letters A–Z, digits, spaces, - _ . (start with a letter or digit)".to_string())
                    get=access::name set=access::set_name />
                <h2 class="step-title">"2. Labels"</h2>
                {labels}
                <button type="button" class="button button-secondary button-small" on:click=move |_| form.edit("labels", |d| d.labels.push(LabelRow::default()))>
                    "Add label"
                </button>
                {has_devices.then(|| view! { <h2 class="step-title">"3. Devices"</h2> })}
                {devices_section}
                <h2 class="step-title">"4. Routed Network"</h2>
                <NetworkPicker required=requires_network has_cloud=has_cloud />
                <h2 class="step-title">"5. Dependencies"</h2>
                <DependencyPicker />
                <h2 class="step-title">"6. Volumes"</h2>
                <VolumePicker />
                {has_devices.then(|| view! { <h2 class="step-title">"7. Restart policy"</h2> })}
                {restart_section}
                <h2 class="step-title">"8. Parameters"</h2>
                {parameters}
                <div class="form-actions">
                    <button type="button" class="button button-primary" data-testid=ids::CREATE_DEPLOYMENT on:click=create>
                        "CREATE DEPLOYMENT"
                    </button>
                </div>
            </form>
        {move || (step.get() == Step::Confirm).then(|| view! {
            <section class="panel" aria-labelledby="confirm-title">
                <h2 id="confirm-title" tabindex="-1">"Confirm"</h2>
                <p class="muted">"This is exactly what will be deployed."</p>
                {summary}
                <div class="form-actions">
                    <button type="button" class="button button-secondary" on:click=back disabled=move || pending.get()>
                        "Back to edit"
                    </button>
                    <button type="button" class="button button-primary" data-testid=ids::CONFIRM_DEPLOY on:click=confirm.clone() disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        {move || if pending.get() { "Deploying…" } else { "Confirm" }}
                    </button>
                </div>
            </section>
        })}
    }
}

/// Errors for paths that have no field of their own (package, plan, unknown component).
#[component]
fn FormLevelErrors() -> impl IntoView {
    let form = use_form();
    let shown = move || {
        let known = |path: &str| {
            path == "name"
                || path.starts_with("labels[")
                || path.starts_with("routedNetworks")
                || path.starts_with("dependentDeployments[")
                || path.starts_with("volumes[")
                || (path.starts_with("componentContext.") && path.matches('.').count() >= 2)
        };
        let mut all: Vec<(String, String)> = form.server_errors.get().into_iter().collect();
        if form.submitted.get() {
            all.extend(form.client_errors.get());
        }
        all.retain(|(path, _)| !known(path));
        all.dedup();
        all
    };
    view! {
        {move || {
            let items = shown();
            (!items.is_empty()).then(|| view! {
                <ul class="notice notice-error form-errors" role="alert">
                    {items.into_iter().map(|(_, message)| view! { <li>{message}</li> }).collect_view()}
                </ul>
            })
        }}
    }
}
