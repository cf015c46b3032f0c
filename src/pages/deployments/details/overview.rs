//! The top of a deployment's page and widget: its ID and package, **Update Deployment** and
//! **Deprovision Deployment**, the partial-deprovision notice, the phase progress bar and the key
//! facts (docs/product.md §3.4).

use leptos::prelude::*;
use leptos_router::components::A;
use platform::phase::Phase;
use platform::rules::update::update_availability;
use platform::wire::Deployment;

use super::Shown;
use crate::api::{encode, use_backend};
use crate::components::{
    copy_button::CopyButton,
    phase_bar::PhaseBar,
    status::{PhaseChip, StatusChip},
};
use crate::pages::deployments::deprovision::partial_message;
use crate::{format, ids};

/// The header strip, the phase bar and the key facts.
#[component]
pub(super) fn Overview(
    /// The deployment shown and its dialogs.
    shown: Shown,
    /// The widget: no Deprovision action and no creation fact.
    widget: bool,
) -> impl IntoView {
    let Shown {
        live,
        deployment,
        update_open,
        deprovision_target,
        ..
    } = shown;
    let backend = use_backend();
    let get = move |f: fn(&Deployment) -> String| {
        Memo::new(move |_| deployment.with(|d| d.as_ref().map(f).unwrap_or_default()))
    };
    let id = get(|d| d.deployment_id.clone());
    let name = get(|d| d.name.clone());
    let package = get(|d| format!("{} {}", d.package_name, d.package_version));
    let package_href = get(|d| format!("/catalog/{}", encode(&d.package_id)));
    let updated_at = get(|d| format::time(&d.last_status_update_time));
    let created = get(|d| {
        format!(
            "{} by {}",
            format::time(&d.created_at),
            if d.creator.is_empty() {
                "—"
            } else {
                &d.creator
            }
        )
    });
    let phase = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map_or(Phase::Unknown(String::new()), |d| d.phase.clone())
        })
    });
    let status = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map_or(platform::phase::Status::Unknown(String::new()), |d| {
                    d.status.clone()
                })
        })
    });
    let errors = Memo::new(move |_| {
        deployment.with(|d| d.as_ref().map(|d| d.errors.clone()).unwrap_or_default())
    });
    let generation =
        Memo::new(move |_| deployment.with(|d| d.as_ref().map_or(0, |d| d.current_generation)));
    let timeline = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .map(|d| d.phase_timeline.clone())
                .unwrap_or_default()
        })
    });
    let update_blocked = Memo::new(move |_| {
        deployment.with(|d| {
            d.as_ref()
                .and_then(|d| update_availability(d).err())
                .map(|blocked| blocked.to_string())
        })
    });
    let can_deprovision = Memo::new(move |_| phase.get().is_live());
    let retrying = RwSignal::new(false);
    let retry_error = RwSignal::new(None::<String>);
    let retry = move |_| {
        if retrying.get_untracked() {
            return;
        }
        retrying.set(true);
        retry_error.set(None);
        let (backend, id) = (backend.clone(), id.get_untracked());
        leptos::task::spawn_local(async move {
            match backend.deprovision(&id).await {
                Ok(d) => live.set(d),
                Err(e) => retry_error.set(Some(e.to_string())),
            }
            retrying.set(false);
        });
    };
    view! {
        <section class="detail-head">
            <div class="detail-ids">
                <span class="id-cell">
                    <span class="muted">"ID "</span>
                    <code>{move || id.get()}</code>
                    <CopyButton text=id.get_untracked() what="deployment ID" />
                </span>
                <span class="muted">"Package "</span>
                <A href=move || package_href.get()>{move || package.get()}</A>
            </div>
            <div class="actions detail-actions">
                <button
                    type="button"
                    class="button"
                    data-testid=ids::UPDATE_DEPLOYMENT
                    disabled=move || update_blocked.with(Option::is_some)
                    title=move || update_blocked.get().unwrap_or_default()
                    aria-describedby="update-blocked-reason"
                    on:click=move |_| update_open.set(true)
                >
                    "Update Deployment"
                </button>
                {(!widget).then(|| view! {
                    <button
                        type="button"
                        class="button button-danger-outline"
                        data-testid=ids::DEPROVISION_DEPLOYMENT
                        disabled=move || !can_deprovision.get()
                        on:click=move |_| deprovision_target.set(Some((id.get_untracked(), name.get_untracked())))
                    >
                        "Deprovision Deployment"
                    </button>
                })}
            </div>
        </section>
        <p class="hint action-hint" id="update-blocked-reason" data-testid=ids::UPDATE_BLOCKED>
            {move || update_blocked.get().unwrap_or_default()}
        </p>
        {move || partial_message(&phase.get()).map(|message| {
            let retry = retry.clone();
            view! {
                <div class="notice notice-warning" role="status" data-testid=ids::PARTIAL_NOTICE>
                    <p>
                        <strong>"Partially deprovisioned. "</strong>
                        {message}
                        {move || retry_error.get().map(|e| format!(" The last retry failed: {e}"))}
                    </p>
                    <button type="button" class="button button-small" on:click=retry disabled=move || retrying.get()>
                        {move || if retrying.get() { "Retrying…" } else { "Retry deprovision" }}
                    </button>
                </div>
            }
        })}
        <section class="panel overview">
            <PhaseBar phase=phase timeline=timeline />
            <dl class="facts facts-row">
                <div>
                    <dt>"DEPLOYMENT PHASE"</dt>
                    <dd><PhaseChip phase=phase test_id=ids::DEPLOYMENT_PHASE /></dd>
                </div>
                <div>
                    <dt>"STATUS"</dt>
                    <dd><StatusChip status=status errors=errors test_id=ids::DEPLOYMENT_STATUS /></dd>
                </div>
                <div>
                    <dt>"Deployment Generation"</dt>
                    <dd class="generation" data-testid=ids::DEPLOYMENT_GENERATION>{move || generation.get()}</dd>
                </div>
                <div>
                    <dt>"Last status update"</dt>
                    <dd>{move || updated_at.get()}</dd>
                </div>
                {(!widget).then(|| view! {
                    <div>
                        <dt>"Created"</dt>
                        <dd>{move || created.get()}</dd>
                    </div>
                })}
            </dl>
        </section>
    }
}
