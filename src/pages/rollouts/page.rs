//! One rollout: its package and state, the wave it is at, why it halted (each failed device
//! with its codes and what they mean), the fleet progress bar, **Pause**, **Resume** and
//! **Abort** (confirmed first), and its targets. Its embeddable widget shows the bar and the
//! counts, and tells the dashboard when its state changes. Kept fresh as deployments are.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use platform::rollout::{Rollout, RolloutState, TargetPhase};

use super::targets::TargetsTable;
use super::{StateChip, rollout_path, wave_text};
use crate::api::fleet::RolloutAction;
use crate::api::{ApiError, encode, use_backend};
use crate::components::{
    copy_button::CopyButton,
    fleet_bar::FleetBar,
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    modal::Modal,
    page_header::{Crumb, PageHeader},
    status::ErrorCodeList,
};
use crate::hooks::{Live, poll_every};
use crate::{format, ids};

/// One rollout, by the `:id` in the URL.
#[component]
pub fn RolloutPage() -> impl IntoView {
    by_route_id(false)
}

/// The embeddable widget of one rollout (`/widgets/rollout/:id`).
#[component]
pub fn RolloutWidget() -> impl IntoView {
    by_route_id(true)
}

fn by_route_id(widget: bool) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || {
        let id = id.get();
        view! { <RolloutView id=id widget=widget /> }
    }
}

#[component]
fn RolloutView(id: String, widget: bool) -> impl IntoView {
    let backend = use_backend();
    let live = {
        let id = id.clone();
        Live::start(
            &backend,
            move |backend| {
                let id = id.clone();
                async move { backend.rollout(&id).await }
            },
            |r: &Rollout| poll_every(r.state == RolloutState::Running),
            |_, _| true,
        )
    };
    let rollout = Memo::new(move |_| live.data.get());
    Effect::new(move |_| {
        rollout.with(|r| {
            if let Some(r) = r {
                crate::embed::report_rollout(r);
            }
        });
    });
    let title = Signal::derive(move || {
        rollout.with(|r| {
            r.as_ref().map_or_else(
                || "Rollout".to_string(),
                |r| format!("Rollout of {} {}", r.package_name, r.package_version),
            )
        })
    });
    let has_data = Memo::new(move |_| rollout.with(Option::is_some));
    let targets_of = StoredValue::new(id.clone());
    let body = move || {
        if !has_data.get() {
            return match live.error.get() {
                Some(error) => view! {
                    <LoadError what="this rollout" error=error retry=move |_| live.resume() />
                }
                .into_any(),
                None => view! { <TableSkeleton rows=4 /> }.into_any(),
            };
        }
        untrack(move || {
            view! {
                <Overview rollout=rollout live=live widget=widget />
                {(!widget).then(|| view! {
                    <h2 class="section-title">"Targets"</h2>
                    <TargetsTable rollout_id=targets_of.get_value() polled=live.fetched_at />
                })}
            }
            .into_any()
        })
    };
    let header = if widget {
        let href = rollout_path(&id);
        view! {
            <header class="widget-head" data-testid=ids::ROLLOUT_WIDGET>
                <h1 class="widget-title" data-testid=ids::PAGE_TITLE>
                    <A href=href>{move || title.get()}</A>
                </h1>
            </header>
        }
        .into_any()
    } else {
        view! { <PageHeader title=title trail=vec![Crumb::DEVELOPMENT, Crumb::ROLLOUTS] /> }
            .into_any()
    };
    view! {
        {header}
        <LiveBanner live=live what="this rollout" />
        {body}
    }
}

/// The facts, the halt reason, the actions and the fleet bar.
#[component]
fn Overview(rollout: Memo<Option<Rollout>>, live: Live<Rollout>, widget: bool) -> impl IntoView {
    let field = move |f: fn(&Rollout) -> String| {
        Memo::new(move |_| rollout.with(|r| r.as_ref().map(f).unwrap_or_default()))
    };
    let id = field(|r| r.rollout_id.clone());
    let package_href = field(|r| format!("/catalog/{}", encode(&r.package_id)));
    let package = field(|r| format!("{} {}", r.package_name, r.package_version));
    let wave = field(wave_text);
    let created = field(|r| {
        format!(
            "{} by {}",
            format::time(&r.created_at),
            if r.creator.is_empty() {
                "—"
            } else {
                &r.creator
            }
        )
    });
    let threshold = field(|r| {
        format!(
            "at {} failed deployment{}",
            r.max_failures,
            if r.max_failures == 1 { "" } else { "s" }
        )
    });
    let state =
        Memo::new(move |_| rollout.with(|r| r.as_ref().map_or(RolloutState::Running, |r| r.state)));
    let counts = Memo::new(move |_| {
        rollout.with(|r| r.as_ref().map(|r| r.counts.clone()).unwrap_or_default())
    });
    let waves = Memo::new(move |_| {
        rollout.with(|r| r.as_ref().map(|r| r.waves.clone()).unwrap_or_default())
    });
    let halt = Memo::new(move |_| rollout.with(|r| r.as_ref().and_then(|r| r.halt_reason.clone())));
    // The failed targets' codes (the summary names them), each once, for their meaning and
    // what to do.
    let codes = Memo::new(move |_| {
        rollout.with(|r| {
            let mut codes: Vec<String> = Vec::new();
            for target in r.iter().flat_map(|r| r.failed_targets.iter()) {
                if let TargetPhase::Deployed { codes: these, .. } = target.target_phase()
                    && target.target_phase().failed()
                {
                    for code in these {
                        if !codes.contains(&code) {
                            codes.push(code);
                        }
                    }
                }
            }
            codes
        })
    });
    view! {
        <section class="panel rollout-overview">
            <div class="panel-head">
                <div class="rollout-facts-head">
                    <StateChip state=state />
                    <span class="rollout-wave" data-testid=ids::ROLLOUT_WAVE>"Wave "{move || wave.get()}</span>
                </div>
                {(!widget).then(|| view! { <Actions rollout=rollout live=live /> })}
            </div>
            {move || halt.get().map(|reason| view! {
                <div class="notice notice-error rollout-halt" role="alert" data-testid=ids::ROLLOUT_HALT>
                    <p>{reason}</p>
                    {move || (!codes.with(Vec::is_empty)).then(|| view! { <ErrorCodeList codes=codes /> })}
                </div>
            })}
            <FleetBar counts=counts waves=waves />
            {(!widget).then(|| view! {
                <dl class="facts">
                    <dt>"Rollout ID"</dt>
                    <dd class="id-cell">
                        <code>{move || id.get()}</code>
                        <CopyButton text=id.get_untracked() what="rollout ID" />
                    </dd>
                    <dt>"Package"</dt>
                    <dd><A href=move || package_href.get()>{move || package.get()}</A></dd>
                    <dt>"Halts"</dt>
                    <dd>{move || threshold.get()}</dd>
                    <dt>"Created"</dt>
                    <dd>{move || created.get()}</dd>
                </dl>
            })}
        </section>
    }
}

/// **Pause**, **Resume** and **Abort** (confirmed first), as the state allows.
#[component]
fn Actions(rollout: Memo<Option<Rollout>>, live: Live<Rollout>) -> impl IntoView {
    let backend = use_backend();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let abort_open = RwSignal::new(false);
    let state = move || rollout.with(|r| r.as_ref().map(|r| r.state));
    let run = Callback::new(move |action: RolloutAction| {
        let Some(id) = rollout.with_untracked(|r| r.as_ref().map(|r| r.rollout_id.clone())) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let backend = backend.clone();
        leptos::task::spawn_local(async move {
            let result = backend.act_on_rollout(&id, action).await;
            busy.set(false);
            match result {
                Ok(updated) => {
                    live.set(updated);
                    abort_open.set(false);
                }
                Err(failed) => {
                    error.set(Some(failed));
                    live.refresh();
                }
            }
        });
    });
    let button = move |action: RolloutAction, shown: fn(RolloutState) -> bool| {
        move || {
            state().filter(|s| shown(*s)).map(|_| {
                let class = if action == RolloutAction::Abort {
                    "button button-danger"
                } else {
                    "button button-secondary"
                };
                view! {
                    <button type="button" class=class data-testid=ids::ROLLOUT_ACTION data-action=action.word()
                        disabled=move || busy.get()
                        on:click=move |_| {
                            if action == RolloutAction::Abort {
                                error.set(None);
                                abort_open.set(true);
                            } else {
                                run.run(action);
                            }
                        }>
                        {action.label()}
                    </button>
                }
            })
        }
    };
    view! {
        <div class="rollout-actions">
            {button(RolloutAction::Pause, |s| s == RolloutState::Running)}
            {button(RolloutAction::Resume, |s| matches!(s, RolloutState::Paused | RolloutState::Halted))}
            {button(RolloutAction::Abort, |s| !s.is_final())}
        </div>
        {move || (!abort_open.get()).then(|| error.get()).flatten().map(|e| view! {
            <p class="form-error rollout-error" role="alert" data-testid=ids::ROLLOUT_ERROR>{e.to_string()}</p>
        })}
        <Modal open=abort_open title="Abort this rollout?" test_id=ids::ABORT_DIALOG busy=busy>
            <p>
                "No more deployments will be started, and an aborted rollout cannot be resumed. "
                "The deployments it made keep running; deprovision them from the deployments list if they should go."
            </p>
            {move || error.get().map(|e| view! {
                <p class="form-error" role="alert" data-testid=ids::ROLLOUT_ERROR>{e.to_string()}</p>
            })}
            <div class="modal-actions">
                <button type="button" class="button button-secondary" disabled=move || busy.get()
                    on:click=move |_| abort_open.set(false)>
                    "Keep it running"
                </button>
                <button type="button" class="button button-danger" data-testid=ids::CONFIRM_ABORT
                    disabled=move || busy.get() on:click=move |_| run.run(RolloutAction::Abort)>
                    {move || if busy.get() { "Aborting…" } else { "Abort rollout" }}
                </button>
            </div>
        </Modal>
    }
}
