//! The components table of a deployment's Details tab: each component's runtime, device (by
//! name once its devices are read, by ID), restart policy, status and executables.

use leptos::prelude::*;
use platform::wire::{ComponentInfo, Device, Runtime};

use crate::api::use_backend;
use crate::components::status::{StatusChip, status_class};
use crate::ids;
use crate::pages::deployments::update::device_ids;

/// The components table, following `components` (a poll that changes a status rebuilds it).
#[component]
pub(super) fn ComponentsTable(components: Memo<Vec<ComponentInfo>>) -> impl IntoView {
    let backend = use_backend();
    // The names of the devices the components run on (IDs alone when they cannot be read);
    // read again only when the set of devices changes, not on every poll.
    let ids = Memo::new(move |_| components.with(|c| device_ids(c)));
    let devices = LocalResource::new(move || {
        let (backend, ids) = (backend.clone(), ids.get());
        async move {
            if ids.is_empty() {
                return Vec::new();
            }
            backend.devices_by_id(&ids).await.unwrap_or_default()
        }
    });
    let device_name = move |id: &str| -> String {
        devices
            .get()
            .and_then(|devices: Vec<Device>| {
                devices.into_iter().find(|d| d.uuid == id).map(|d| d.name)
            })
            .unwrap_or_else(|| id.to_string())
    };
    view! {
        <div class="table-scroll-x">
            <table class="data-table compact components-table" data-testid=ids::COMPONENTS_TABLE>
                <thead>
                    <tr>
                        <th scope="col">"Component"</th>
                        <th scope="col">"Runtime"</th>
                        <th scope="col">"Device"</th>
                        <th scope="col">"Restart policy"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Executables"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || components.get().into_iter().map(|c| {
                        let device = match (&c.runtime, &c.device_id) {
                            (Runtime::Device, Some(id)) => device_name(id),
                            _ => "—".to_string(),
                        };
                        let codes = c.error_code.clone();
                        view! {
                            <tr>
                                <th scope="row">{c.name.clone()}</th>
                                <td>{c.runtime.to_string()}</td>
                                <td>{device}</td>
                                <td>{c.restart_policy.as_ref().map_or("—".to_string(), |p| p.label().to_string())}</td>
                                <td><StatusChip status=Signal::stored(c.status.clone()) errors=Signal::stored(codes) /></td>
                                <td>
                                    <ul class="exec-list">
                                        {c.executables_status_info.iter().map(|e| view! {
                                            <li>
                                                <span class="exec-name">{e.name.clone()}</span>
                                                <span class=status_class(&e.status)>{e.status.label()}</span>
                                                {(!e.reason.is_empty()).then(|| {
                                                    let class = if e.status == platform::phase::Status::Error { "exec-reason exec-reason-error" } else { "exec-reason" };
                                                    view! { <span class=class>{e.reason.clone()}</span> }
                                                })}
                                                <span class="muted">{format!("{} restart{}", e.restart_count, if e.restart_count == 1 { "" } else { "s" })}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
