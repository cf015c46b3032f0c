//! The rollouts list: newest first, a page at a time, each with its package, state, wave, a
//! small fleet bar and when it was made. Kept fresh while any shown rollout is running.

use leptos::prelude::*;
use leptos_router::components::A;
use platform::rollout::{Rollout, RolloutList, RolloutState};

use super::{StateChip, rollout_path, targets_of, wave_text};
use crate::api::{ApiError, use_backend};
use crate::components::{
    empty_state::EmptyState,
    fleet_bar::FleetBar,
    icons::DeployIcon,
    live_banner::LiveBanner,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
};
use crate::hooks::{Live, poll_every};
use crate::{format, ids};

/// Rollouts per page.
const PAGE: usize = 25;

/// Development > Rollouts.
#[component]
pub fn RolloutsPage() -> impl IntoView {
    let backend = use_backend();
    // The first page is live; older pages are loaded on request and kept as they were read.
    let live = Live::start(
        &backend,
        |backend| async move { backend.rollouts(PAGE, None).await },
        |list: &RolloutList| {
            poll_every(list.items.iter().any(|r| r.state == RolloutState::Running))
        },
        |_, _| true,
    );
    let older = RwSignal::new(Vec::<Rollout>::new());
    let next = RwSignal::new(None::<Option<String>>);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<ApiError>);
    let rows = Memo::new(move |_| {
        let mut rows = live
            .data
            .with(|l| l.as_ref().map(|l| l.items.clone()).unwrap_or_default());
        older.with(|older| {
            for rollout in older {
                if !rows.iter().any(|r| r.rollout_id == rollout.rollout_id) {
                    rows.push(rollout.clone());
                }
            }
        });
        rows
    });
    // The token of the next page: the first page's until older pages were loaded.
    let token = move || match next.get() {
        Some(token) => token,
        None => live.data.with(|l| l.as_ref().and_then(|l| l.next.clone())),
    };
    let more = move |_| {
        let Some(after) = token() else {
            return;
        };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        more_error.set(None);
        let backend = backend.clone();
        leptos::task::spawn_local(async move {
            let result = backend.rollouts(PAGE, Some(&after)).await;
            loading_more.set(false);
            match result {
                Ok(page) => {
                    older.update(|o| o.extend(page.items));
                    next.set(Some(page.next));
                }
                Err(error) => more_error.set(Some(error)),
            }
        });
    };
    let body = move || {
        if live.data.with(Option::is_none) {
            return match live.error.get() {
                Some(error) => view! {
                    <LoadError what="the rollouts" error=error retry=move |_| live.resume() />
                }
                .into_any(),
                None => view! { <TableSkeleton rows=5 /> }.into_any(),
            };
        }
        if rows.with(Vec::is_empty) {
            return view! {
                <div data-testid=ids::ROLLOUTS_EMPTY>
                    <EmptyState
                        title="No rollouts yet"
                        body="A rollout deploys one package to every compatible robot that carries a label, wave by wave. Start one from a package's Deploy to a fleet."
                        icon=view! { <DeployIcon /> }.into_any()
                    >
                        <A href="/catalog" attr:class="button">"Open the catalog"</A>
                    </EmptyState>
                </div>
            }
            .into_any();
        }
        view! {
            <section class="panel table-panel">
                <table class="data-table rollouts-table" data-testid=ids::ROLLOUTS_TABLE>
                    <thead>
                        <tr>
                            <th scope="col">"Package"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Wave"</th>
                            <th scope="col">"Targets"</th>
                            <th scope="col">"Created"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| (r.rollout_id.clone(), r.state.as_str(), r.wave, r.counts.iter().map(|(k, n)| format!("{k}={n}")).collect::<Vec<_>>()) let:rollout>
                            <RolloutRow rollout=rollout />
                        </For>
                    </tbody>
                </table>
            </section>
        }
        .into_any()
    };
    view! {
        <PageHeader title="Rollouts" trail=vec![Crumb::DEVELOPMENT] />
        <LiveBanner live=live what="the rollouts" />
        {body}
        <div class="list-more">
            {move || more_error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {move || token().map(|_| view! {
                <button type="button" class="button button-secondary" data-testid=ids::ROLLOUTS_MORE
                    disabled=move || loading_more.get() on:click=more.clone()>
                    {move || if loading_more.get() { "Loading…" } else { "Show older rollouts" }}
                </button>
            })}
        </div>
    }
}

#[component]
fn RolloutRow(rollout: Rollout) -> impl IntoView {
    let href = rollout_path(&rollout.rollout_id);
    let state = rollout.state;
    let wave = wave_text(&rollout);
    let total = targets_of(&rollout);
    let counts = rollout.counts.clone();
    let waves = rollout.waves.clone();
    let created = format!(
        "{} by {}",
        format::time(&rollout.created_at),
        if rollout.creator.is_empty() {
            "—"
        } else {
            &rollout.creator
        }
    );
    view! {
        <tr>
            <td>
                <A href=href attr:class="row-link">
                    {format!("{} {}", rollout.package_name, rollout.package_version)}
                </A>
                <div class="cell-sub"><code>{rollout.rollout_id.clone()}</code></div>
            </td>
            <td><StateChip state=state /></td>
            <td>{wave}</td>
            <td class="rollouts-bar-cell">
                <span class="cell-sub">{format!("{total} devices")}</span>
                <FleetBar counts=counts waves=waves />
            </td>
            <td>{created}</td>
        </tr>
    }
}
