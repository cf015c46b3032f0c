//! One row of the deployments table, and a placeholder for a row still to come. A row owns its
//! deployment's signal and registers it, so a change arriving by poll updates that row alone.

use std::collections::HashMap;

use leptos::prelude::*;
use platform::phase::Phase;
use platform::wire::Deployment;

use super::super::deployment_path;
use super::bulk::Selection;
use super::table::ListView;
use crate::components::{
    icons::StopIcon,
    status::{PhaseChip, StatusChip},
};
use crate::{format, ids};

/// The rows in the page by deployment ID, each with a mark so a row that is replaced by a new
/// one for the same deployment (after rows above it came or went) does not unregister it.
#[derive(Clone, Copy)]
pub struct Mounted(
    StoredValue<HashMap<String, (u64, RwSignal<Deployment>)>>,
    StoredValue<u64>,
);

impl Mounted {
    /// An empty register.
    pub fn new() -> Mounted {
        Mounted(StoredValue::new(HashMap::new()), StoredValue::new(0))
    }

    /// Shows `deployment` in its row, if that row is in the page; only a changed value
    /// notifies.
    pub fn show(&self, deployment: &Deployment) {
        let row = self
            .0
            .with_value(|rows| rows.get(&deployment.deployment_id).map(|(_, row)| *row));
        if let Some(row) = row
            && row.try_with_untracked(|d| d != deployment) == Some(true)
        {
            row.set(deployment.clone());
        }
    }

    /// The name of a row's deployment.
    pub fn name(&self, id: &str) -> Option<String> {
        self.0.with_value(|rows| {
            rows.get(id)
                .and_then(|(_, row)| row.try_with_untracked(|d| d.name.clone()))
        })
    }

    fn register(&self, row: RwSignal<Deployment>) {
        let id = row.with_untracked(|d| d.deployment_id.clone());
        let mut mark = 0;
        self.1.update_value(|next| {
            *next += 1;
            mark = *next;
        });
        self.0.update_value(|rows| {
            rows.insert(id.clone(), (mark, row));
        });
        let rows = self.0;
        on_cleanup(move || {
            rows.update_value(|rows| {
                if rows.get(&id).is_some_and(|(m, _)| *m == mark) {
                    rows.remove(&id);
                }
            });
        });
    }
}

/// The `id` of the row at `index` (for `aria-activedescendant`).
pub fn row_dom_id(index: usize) -> String {
    format!("deployment-row-{index}")
}

/// One row; each cell follows only its own value.
#[component]
pub fn DeploymentRow(
    /// The deployment as loaded.
    deployment: Deployment,
    /// Its place in the whole list (0-based).
    index: usize,
    /// The row with the keyboard focus.
    focus: RwSignal<Option<usize>>,
    /// Where the row registers its signal.
    mounted: Mounted,
    /// The narrow widget row: no ID, creation time or actions.
    widget: bool,
    /// Bulk selection (a checkbox first in the row), on the full page.
    selection: Option<Selection>,
    /// The list, for Shift+click ranges.
    list: ListView,
) -> impl IntoView {
    let row = RwSignal::new(deployment);
    mounted.register(row);
    // The ID, name, package and creation time of a deployment never change: rendered once.
    let (id, name, package, version, created) = row.with_untracked(|d| {
        let created = format::time(&d.created_at);
        let (date, time) = match created.split_once(", ") {
            Some((date, time)) => (date.to_string(), time.to_string()),
            None => (created.clone(), String::new()),
        };
        (
            d.deployment_id.clone(),
            d.name.clone(),
            d.package_name.clone(),
            d.package_version.clone(),
            (date, time),
        )
    });
    let href = deployment_path(&id);
    // What a poll can change: a cell re-reads its field when the row changes, and the DOM is
    // touched only when the text or attribute differs.
    let phase = Signal::derive(move || row.with(|d| d.phase.clone()));
    let status = Signal::derive(move || row.with(|d| d.status.clone()));
    let errors = Memo::new(move |_| row.with(|d| d.errors.clone()));
    let generation = move || row.with(|d| d.current_generation);
    let focused = move || focus.get() == Some(index);
    let deprovision_label = move || {
        if phase.get() == Phase::PartiallyDeprovisioned {
            "Retry deprovision"
        } else {
            "Deprovision"
        }
    };
    view! {
        <tr
            class="clickable-row list-row"
            class:row-focused=focused
            id=row_dom_id(index)
            aria-rowindex=index + 2
            data-testid=ids::DEPLOYMENT_ROW
            data-id=id.clone()
            data-index=index
        >
            {selection.map(|selection| {
                let (id, name) = (id.clone(), name.clone());
                let label = format!("Select {name}");
                let checked_id = id.clone();
                view! {
                    <td class="select-cell">
                        <input type="checkbox" data-testid=ids::ROW_SELECT aria-label=label
                            prop:checked=move || selection.has(&checked_id)
                            on:click=move |ev: leptos::ev::MouseEvent| {
                                selection.click(list, index, &id, &name, ev.shift_key());
                            } />
                    </td>
                }
            })}
            <td>
                // A plain link (the router handles its clicks): an `<A>` per row would follow
                // the location for `aria-current`, a subscriber per row to one signal.
                <a href=href.clone() class="row-link" tabindex="-1" title=name.clone()>{name.clone()}</a>
                {widget.then(|| view! {
                    <span class="cell-sub">{format!("{package} {version}")}</span>
                })}
            </td>
            {(!widget).then(|| view! {
                <td>
                    <code class="cell-id">{id.clone()}</code>
                </td>
            })}
            {(!widget).then(|| view! {
                <td>
                    <span class="cell-main">{package.clone()}</span>
                    <span class="cell-sub">{version.clone()}</span>
                </td>
            })}
            <td><PhaseChip phase=phase test_id=ids::ROW_PHASE /></td>
            <td><StatusChip status=status errors=errors test_id=ids::ROW_STATUS /></td>
            <td class="numeric" data-testid=ids::ROW_GENERATION>{generation}</td>
            {(!widget).then(|| view! {
            <td>
                <span class="cell-main cell-date">{created.0.clone()}</span>
                <span class="cell-sub">{created.1.clone()}</span>
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="icon-button icon-button-danger"
                    data-testid=ids::ROW_DEPROVISION
                    hidden=move || !phase.get().is_live()
                    aria-label={
                        let name = name.clone();
                        move || format!("{} {}", deprovision_label(), name)
                    }
                    title=deprovision_label
                >
                    <StopIcon />
                </button>
            </td>
            })}
        </tr>
    }
}

/// A row still on its way: the shape of a row, so nothing moves when it arrives.
#[component]
pub fn PendingRow(
    /// Its place in the whole list (0-based).
    index: usize,
    /// How many cells a row has.
    columns: usize,
) -> impl IntoView {
    view! {
        <tr class="list-row pending-row" aria-rowindex=index + 2 aria-busy="true" data-testid=ids::PENDING_ROW>
            {(0..columns)
                .map(|_| view! { <td><span class="skeleton skeleton-cell"></span></td> })
                .collect_view()}
        </tr>
    }
}
