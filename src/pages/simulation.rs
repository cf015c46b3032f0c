//! Demo mode's simulation panel: take a device offline or bring it back, make the next update
//! fail, choose the speed, start again from the seed. A floating button opens it, on every page.
//! The first-visit tour (`components::demo_tour`, shown by the layout) shares its state.

use leptos::prelude::*;
use platform::wire::{Device, DeviceStatus};

use crate::api::demo::{GROWN_FLEET, SPEEDS, speed_label};
use crate::api::{Backend, DemoBackend, use_backend};
use crate::components::demo_tour::{DemoUi, focus_after_render};
use crate::{format, ids};

/// Devices listed in the panel (a grown fleet has a thousand robots).
const SHOWN_DEVICES: usize = 12;

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
    let ui = DemoUi::use_context();
    let open = ui.panel_open;
    let version = demo.version;
    let devices = {
        let demo = demo.clone();
        // Read only while the panel is open: closed, it costs nothing per simulation tick.
        Memo::new(move |_| {
            if !open.get() {
                return Vec::new();
            }
            version.track();
            let mut devices = demo.read(|p| p.devices(None, None));
            devices.truncate(SHOWN_DEVICES);
            devices
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
    let grown = {
        let demo = demo.clone();
        Memo::new(move |_| {
            if !open.get() {
                return false;
            }
            version.track();
            demo.beyond_saving()
        })
    };
    let grow = {
        let demo = demo.clone();
        move |_| {
            message.set(Some(match demo.grow_fleet() {
                Ok(0) => format!("The demo already holds {} deployments.", format::count(GROWN_FLEET)),
                Ok(added) => format!(
                    "Added {} deployments on the fleet's robots. They last until you reload the page.",
                    format::count(added)
                ),
                Err(error) => error.to_string(),
            }));
        }
    };
    let confirm_reset = RwSignal::new(false);
    let show_tour = move |_| ui.show_tour();
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
                focus_after_render(format!(
                    "[data-testid={}][data-uuid=\"{uuid}\"]",
                    ids::SIM_DEVICE
                ));
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
    let speed_choice = {
        let demo = demo.clone();
        move |speed: f64| {
            let demo = demo.clone();
            let checked = {
                let demo = demo.clone();
                move || demo.speed() == speed
            };
            view! {
                <label class="sim-speed-option">
                    <input
                        type="radio"
                        name="sim-speed"
                        value=speed.to_string()
                        prop:checked=checked
                        on:change=move |_| demo.set_speed(speed)
                    />
                    <span>{speed_label(speed)}</span>
                </label>
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
                <fieldset class="sim-speed" data-testid=ids::SIM_SPEED aria-describedby="sim-speed-hint">
                    <legend class="sim-title">"Speed"</legend>
                    <div class="sim-speed-options">{SPEEDS.into_iter().map(speed_choice).collect_view()}</div>
                    <p class="hint" id="sim-speed-hint">"How fast phases move; 1× is the platform's own pace."</p>
                </fieldset>
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
                <h2 class="sim-title">"Fleet"</h2>
                <button type="button" class="button button-secondary button-small" data-testid=ids::SIM_GROW_FLEET on:click=grow disabled=move || grown.get()>
                    {format!("Grow to {} deployments", format::count(GROWN_FLEET))}
                </button>
                <p class="hint">"Robots at ten sites with months of deployments, to try the lists at fleet scale."</p>
                <h2 class="sim-title">"Start again"</h2>
                <button type="button" class="button button-danger-outline button-small" data-testid=ids::SIM_RESET on:click=reset>
                    {move || if confirm_reset.get() { "Confirm: forget everything done in this demo" } else { "Reset the demo" }}
                </button>
                <p class="hint" role="status">{move || message.get().unwrap_or_default()}</p>
                <div class="sim-footer">
                    <button type="button" class="link-button" data-testid=ids::SIM_SHOW_TOUR on:click=show_tour>
                        "Show the tour"
                    </button>
                </div>
            </div>
        </aside>
    }
}
