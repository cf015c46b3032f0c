//! Demo mode's simulation panel: take a device offline or bring it back, make the next update
//! fail, start again from the seed. A floating button opens it, on every page.

use leptos::prelude::*;
use platform::wire::{Device, DeviceStatus};

use crate::api::{Backend, DemoBackend, use_backend};
use crate::ids;

/// The panel, in demo mode only.
#[component]
pub fn SimulationPanel() -> impl IntoView {
    match use_backend() {
        Backend::Demo(demo) => view! { <Panel demo=demo /> }.into_any(),
        Backend::Http(_) => ().into_any(),
    }
}

#[component]
fn Panel(demo: DemoBackend) -> impl IntoView {
    let open = RwSignal::new(false);
    let version = demo.version;
    let devices = {
        let demo = demo.clone();
        // Read only while the panel is open: closed, it costs nothing per simulation tick.
        Memo::new(move |_| {
            if !open.get() {
                return Vec::new();
            }
            version.track();
            demo.read(|p| p.devices(None, None))
        })
    };
    let fail_armed = {
        let demo = demo.clone();
        Memo::new(move |_| {
            if !open.get() {
                return false;
            }
            version.track();
            demo.read(|p| p.next_update_fails())
        })
    };
    let message = RwSignal::new(None::<String>);
    let confirm_reset = RwSignal::new(false);
    let fail_next = {
        let demo = demo.clone();
        move |_| {
            message.set(demo.fail_next_update().err().map(|e| e.to_string()));
        }
    };
    let reset = {
        let demo = demo.clone();
        move |_| {
            if confirm_reset.get_untracked() {
                demo.reset();
                confirm_reset.set(false);
                message.set(Some("The demo starts again from its seed.".into()));
            } else {
                confirm_reset.set(true);
            }
        }
    };
    let device_row = {
        let demo = demo.clone();
        move |device: Device| {
            let demo = demo.clone();
            let online = device.status == DeviceStatus::Online;
            let uuid = device.uuid.clone();
            let label = if online {
                "Take offline"
            } else {
                "Bring online"
            };
            let aria = format!("{label}: {}", device.name);
            let toggle = move |_| {
                message.set(
                    demo.set_device_online(&uuid, !online)
                        .err()
                        .map(|e| e.to_string()),
                );
                // The row is replaced: keep the keyboard on this device's new button.
                let selector = format!("[data-testid={}][data-uuid=\"{uuid}\"]", ids::SIM_DEVICE);
                request_animation_frame(move || {
                    if let Some(button) = document()
                        .query_selector(&selector)
                        .ok()
                        .flatten()
                        .and_then(|e| {
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()
                        })
                    {
                        let _ = button.focus();
                    }
                });
            };
            view! {
                <li class="sim-device">
                    <span class=if online { "dot dot-online" } else { "dot dot-offline" } aria-hidden="true"></span>
                    <span class="sim-device-name">{device.name.clone()}</span>
                    <span class="muted">{if online { "online" } else { "offline" }}</span>
                    <button
                        type="button"
                        class="button button-secondary button-small"
                        data-testid=ids::SIM_DEVICE
                        data-uuid=device.uuid.clone()
                        aria-label=aria
                        on:click=toggle
                    >
                        {label}
                    </button>
                </li>
            }
        }
    };
    view! {
        <aside class="sim" aria-label="Simulation">
            <button
                type="button"
                class="sim-toggle"
                data-testid=ids::SIM_TOGGLE
                aria-expanded=move || open.get().to_string()
                aria-controls="sim-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Simulation"
            </button>
            <div class="sim-panel" id="sim-panel" data-testid=ids::SIM_PANEL hidden=move || !open.get()>
                <p class="hint">"This demo simulates the platform in your browser. Break things here and watch the console react."</p>
                <h2 class="sim-title">"Devices"</h2>
                <ul class="sim-devices">
                    // Keyed by device and state: a toggle replaces only that device's row.
                    <For
                        each=move || devices.get()
                        key=|d| (d.uuid.clone(), d.status == DeviceStatus::Online)
                        children=device_row.clone()
                    />
                </ul>
                <h2 class="sim-title">"Updates"</h2>
                <button type="button" class="button button-secondary button-small" data-testid=ids::SIM_FAIL_NEXT on:click=fail_next disabled=move || fail_armed.get()>
                    {move || if fail_armed.get() { "The next update will fail" } else { "Make the next update fail" }}
                </button>
                <h2 class="sim-title">"Start again"</h2>
                <button type="button" class="button button-danger-outline button-small" data-testid=ids::SIM_RESET on:click=reset>
                    {move || if confirm_reset.get() { "Confirm: forget everything done in this demo" } else { "Reset the demo" }}
                </button>
                <p class="hint" role="status">{move || message.get().unwrap_or_default()}</p>
            </div>
        </aside>
    }
}
