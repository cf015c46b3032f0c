//! The Confirm step: the rollout in counts, and **Start rollout**, which creates it.

use std::collections::BTreeMap;

use leptos::{ev::MouseEvent, prelude::*};
use leptos_router::NavigateOptions;
use platform::rollout::wave_ends;

use super::super::draft::FleetDraft;
use super::super::preview::Preview;
use super::super::rollout_path;
use super::draft_key;
use crate::api::{ApiError, Backend};
use crate::components::focus::focus_first_invalid;
use crate::ids;
use crate::pages::deploy::session;

/// The form's signals the Confirm step reads and sets.
#[derive(Clone, Copy)]
pub(super) struct FormSignals {
    /// The form as filled in.
    pub(super) draft: RwSignal<FleetDraft>,
    /// The devices the selector matches.
    pub(super) preview: RwSignal<Preview>,
    /// The backend's refusals, by the form's field.
    pub(super) server_errors: RwSignal<BTreeMap<String, String>>,
    /// The Confirm step is shown (the form hidden).
    pub(super) confirming: RwSignal<bool>,
    /// The key that makes sending the rollout again harmless.
    pub(super) submit_key: RwSignal<Option<String>>,
    /// The rollout is being created.
    pub(super) pending: RwSignal<bool>,
    /// Why the rollout was not created.
    pub(super) submit_error: RwSignal<Option<ApiError>>,
}

/// A server field path as the form's field (`selector[0].key` → `selector`).
fn form_field(path: &str) -> String {
    let head = path.split('[').next().unwrap_or(path);
    if head.starts_with("parameters.") {
        return head.to_string();
    }
    head.split('.').next().unwrap_or(head).to_string()
}

/// **Start rollout**: creates the rollout with the form's key and shows its page; the backend's
/// field errors go back to the form.
pub(super) fn start(
    signals: FormSignals,
    plan_for_submit: String,
    backend_for_start: Backend,
    navigate: impl Fn(&str, NavigateOptions) + Clone + 'static,
) -> impl Fn(MouseEvent) + Clone + 'static {
    let FormSignals {
        draft,
        server_errors,
        confirming,
        submit_key,
        pending,
        submit_error,
        ..
    } = signals;
    move |_| {
        if pending.get_untracked() {
            return;
        }
        let Some(key) = submit_key.get_untracked() else {
            confirming.set(false);
            return;
        };
        let request = draft.with_untracked(|d| d.to_request(&plan_for_submit));
        let package_id = draft.with_untracked(|d| d.package_id.clone());
        let (backend, navigate) = (backend_for_start.clone(), navigate.clone());
        pending.set(true);
        submit_error.set(None);
        leptos::task::spawn_local(async move {
            let result = backend.create_rollout(&request, &key).await;
            pending.set(false);
            match result {
                Ok(made) => {
                    if let Some(storage) = session() {
                        let _ = storage.remove_item(&draft_key(&package_id));
                    }
                    navigate(&rollout_path(&made.rollout_id), NavigateOptions::default());
                }
                Err(ApiError::Invalid { fields, message }) if !fields.is_empty() => {
                    let mut by_field = BTreeMap::new();
                    for field in &fields {
                        by_field
                            .entry(form_field(&field.field))
                            .or_insert(field.message.clone());
                    }
                    server_errors.set(by_field);
                    submit_error.set(Some(ApiError::Invalid { fields, message }));
                    confirming.set(false);
                    focus_first_invalid();
                }
                Err(error) => submit_error.set(Some(error)),
            }
        });
    }
}

/// The Confirm step's view: the devices, waves, names and threshold in words, Back, and
/// **Start rollout** (`start`).
pub(super) fn confirm_step(
    signals: FormSignals,
    start: impl Fn(MouseEvent) + Clone + 'static,
) -> AnyView {
    let FormSignals {
        draft,
        preview,
        confirming,
        pending,
        submit_error,
        ..
    } = signals;
    let waves = draft.with(|d| d.wave_list().unwrap_or_default());
    let total = match preview.get() {
        Preview::Ready(found) => usize::try_from(found.compatible).unwrap_or(usize::MAX),
        // The backend checks the devices itself when the rollout starts.
        Preview::Failed(_) => 0,
        Preview::Idle | Preview::Loading => {
            return view! {
                <section class="panel confirm-step" data-testid=ids::CONFIRM_STEP tabindex="-1" aria-busy="true">
                    <h2>"Start this rollout?"</h2>
                    <p class="hint">"Finding the devices…"</p>
                </section>
            }
            .into_any();
        }
    };
    let sizes: Vec<String> = wave_ends(&waves, total)
        .windows(2)
        .map(|w| (w[1] - w[0]).to_string())
        .collect();
    let first = wave_ends(&waves, total).first().copied().unwrap_or(0);
    let sizes = std::iter::once(first.to_string())
        .chain(sizes)
        .collect::<Vec<_>>()
        .join(", ");
    let (selector, name, threshold) =
        draft.with(|d| (d.selector.clone(), d.name.clone(), d.max_failures.clone()));
    view! {
        <section class="panel confirm-step" data-testid=ids::CONFIRM_STEP tabindex="-1">
            <h2>"Start this rollout?"</h2>
            <dl class="facts">
                <dt>"Devices"</dt><dd>{format!("{total} compatible devices carrying {selector}")}</dd>
                <dt>"Waves"</dt><dd>{format!("{sizes} devices, each after the one before has Succeeded")}</dd>
                <dt>"Names"</dt><dd><code>{name}</code></dd>
                <dt>"Halts"</dt><dd>{format!("after {threshold} failed deployment(s)")}</dd>
            </dl>
            {move || submit_error.get().map(|e| view! { <p class="form-error" role="alert" data-testid=ids::SUBMIT_ERROR>{e.to_string()}</p> })}
            <div class="form-actions">
                <button type="button" class="button button-secondary" disabled=move || pending.get()
                    on:click=move |_| confirming.set(false)>"Back"</button>
                <button type="button" class="button" data-testid=ids::CONFIRM_ROLLOUT disabled=move || pending.get() on:click=start.clone()>
                    {move || if pending.get() { "Starting…" } else { "Start rollout" }}
                </button>
            </div>
        </section>
    }
    .into_any()
}
