//! A rollout's targets in a windowed table: only the rows in view (and a margin) exist, so a
//! rollout over thousands of robots renders as fast as one over ten. Each row: the device, its
//! wave, its deployment (a link) or why there is none, its phase and its status with codes.

use leptos::{html, prelude::*};
use leptos_router::components::A;

use platform::rollout::{Rollout, RolloutTarget};

use crate::components::status::{PhaseChip, StatusChip};
use crate::components::window::{MARGIN, Window, px};
use crate::ids;
use crate::pages::deployments::deployment_path;

/// The table's height before it is measured (eight rows).
const FIRST_VIEW: f64 = 448.0;

/// The targets of `rollout`, windowed.
#[component]
pub fn TargetsTable(rollout: Memo<Option<Rollout>>) -> impl IntoView {
    let targets = Memo::new(move |_| {
        rollout.with(|r| r.as_ref().map(|r| r.targets.clone()).unwrap_or_default())
    });
    let total = Memo::new(move |_| targets.with(Vec::len));
    let scroller = NodeRef::<html::Div>::new();
    let head = NodeRef::<html::Thead>::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(FIRST_VIEW);
    let measure = move || {
        if let (Some(scroller), Some(head)) = (scroller.get_untracked(), head.get_untracked()) {
            scroll_top.set(f64::from(scroller.scroll_top()));
            viewport.set(f64::from(scroller.client_height()) - f64::from(head.offset_height()));
        }
    };
    Effect::new(move |_| {
        total.track();
        measure();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let window =
        Memo::new(move |_| Window::of(scroll_top.get(), viewport.get(), total.get(), MARGIN));
    let spacers = Memo::new(move |_| window.get().spacers(total.get()));
    let shown = move || {
        let Window { start, end, .. } = window.get();
        targets.with(|targets| {
            targets
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, target)| (start + i, target))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel table-panel">
            <div class="table-scroll" node_ref=scroller on:scroll=move |_| measure()>
                <table class="data-table targets-table" data-testid=ids::TARGETS_TABLE aria-rowcount=move || (total.get() + 1).to_string()>
                    <thead node_ref=head>
                        <tr>
                            <th scope="col">"Device"</th>
                            <th scope="col">"Wave"</th>
                            <th scope="col">"Deployment"</th>
                            <th scope="col">"Phase"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan="5" style:height=move || px(spacers.get().0)></td>
                        </tr>
                        <For each=shown key=|(i, t)| (*i, serde_json::to_string(t).unwrap_or_default()) let:item>
                            <TargetRow index=item.0 target=item.1 />
                        </For>
                        <tr class="spacer" aria-hidden="true">
                            <td colspan="5" style:height=move || px(spacers.get().1)></td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <p class="table-foot">
                {move || {
                    let Window { first_seen, end_seen, .. } = window.get();
                    match total.get() {
                        0 => "No targets".to_string(),
                        total => format!("Targets {}–{} of {total}", first_seen + 1, end_seen),
                    }
                }}
            </p>
        </section>
    }
}

#[component]
fn TargetRow(index: usize, target: RolloutTarget) -> impl IntoView {
    let deployment = match (&target.deployment_id, &target.refused) {
        (_, Some(reason)) => view! { <span class="cell-sub target-refused">"Refused: "{reason.clone()}</span> }.into_any(),
        (Some(id), None) => view! {
            <A href=deployment_path(id) attr:class="row-link">{target.name.clone()}</A>
        }
        .into_any(),
        (None, None) => view! { <span class="cell-sub">{format!("{} (wave {} not started)", target.name, target.wave)}</span> }.into_any(),
    };
    let phase = target.phase.clone();
    let status = target.status.clone();
    let errors = target.errors.clone().unwrap_or_default();
    view! {
        <tr data-testid=ids::TARGET_ROW aria-rowindex=(index + 2).to_string() data-device=target.device_name.clone()>
            <td>
                <span class="target-device">{target.device_name.clone()}</span>
                <div class="cell-sub"><code>{target.device_id.clone()}</code></div>
            </td>
            <td>{target.wave.to_string()}</td>
            <td class="target-deployment">{deployment}</td>
            <td>
                {match phase {
                    Some(phase) => view! { <PhaseChip phase=phase test_id=ids::ROW_PHASE /> }.into_any(),
                    None => view! { <span class="cell-sub">"—"</span> }.into_any(),
                }}
            </td>
            <td>
                {match status {
                    Some(status) => view! { <StatusChip status=status errors=errors test_id=ids::ROW_STATUS /> }.into_any(),
                    None => view! { <span class="cell-sub">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}
