//! Demo mode's simulation panel: take a device offline or bring it back, make the next update
//! fail, choose the speed, start again from the seed. A floating button opens it, on every page.
//! The first-visit tour (`components::demo_tour`, shown by the layout) shares its state.

use leptos::{prelude::*, task::spawn_local};
use platform::list::DevicePage;
use platform::sim::demo::SimulationStatus;
use platform::wire::{Device, DeviceStatus};

use crate::api::demo::{GROWN_FLEET, SPEEDS, speed_label, speed_value};
use crate::api::{ApiError, Backend, DemoBackend, use_backend};
use crate::components::demo_tour::DemoUi;
use crate::components::focus::focus_after_render;
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

/// The devices the panel lists and the simulation's status.
async fn read_panel(
    demo: &DemoBackend,
    label: Option<platform::wire::Label>,
) -> Result<(Vec<Device>, SimulationStatus), ApiError> {
    let mut path = format!("/devices?limit={SHOWN_DEVICES}");
    if let Some(label) = label {
        path.push_str(&format!("&label={}", crate::api::encode(&label.selector())));
    }
    let shown = demo.client.get::<DevicePage<Device>>(&path).await?;
    Ok((shown.items, demo.status().await?))
}

#[component]
fn Panel(demo: DemoBackend) -> impl IntoView {
    let ui = DemoUi::use_context();
    let open = ui.panel_open;
    let version = demo.version;
    let devices = RwSignal::new(Vec::<Device>::new());
    let status = RwSignal::new(None::<SimulationStatus>);
    let message = RwSignal::new(None::<String>);
    // The devices shown: those with one label (`site:chiba`), to reach a fleet's robots.
    let filter = RwSignal::new(String::new());
    let shown_label = Memo::new(move |_| filter.with(|f| platform::wire::Label::from_selector(f)));
    // Read only while the panel is open: closed, it costs nothing per simulation tick. The
    // newest read wins (an older answer arriving late is dropped).
    let reads = StoredValue::new(0u64);
    {
        let demo = demo.clone();
        Effect::new(move |_| {
            if !open.get() {
                return;
            }
            version.track();
            let label = shown_label.get();
            reads.update_value(|n| *n += 1);
            let read = reads.get_value();
            let demo = demo.clone();
            spawn_local(async move {
                let read_now = read_panel(&demo, label).await;
                if reads.try_get_value() != Some(read) {
                    return;
                }
                match read_now {
                    Ok((shown, now)) => {
                        devices.try_set(shown);
                        status.try_set(Some(now));
                    }
                    Err(error) => {
                        message.try_set(Some(error.to_string()));
                    }
                }
            });
        });
    }
    let fail_armed = move || status.get().is_some_and(|s| s.next_update_fails);
    let grown = move || status.get().is_some_and(|s| s.beyond_saving);
    let not_kept = demo.not_kept;
    let growing = RwSignal::new(false);
    let grow = {
        let demo = demo.clone();
        move |_| {
            let demo = demo.clone();
            growing.set(true);
            message.set(Some(format!(
                "Growing the demo to {} deployments…",
                format::count(GROWN_FLEET)
            )));
            spawn_local(async move {
                let said = match demo.grow_fleet().await {
                    Ok(0) => format!(
                        "The demo already holds {} deployments.",
                        format::count(GROWN_FLEET)
                    ),
                    Ok(added) => format!(
                        "Added {} deployments on the fleet's robots. They last until you reload the page.",
                        format::count(added)
                    ),
                    Err(error) => error.to_string(),
                };
                growing.try_set(false);
                message.try_set(Some(said));
            });
        }
    };
    let confirm_reset = RwSignal::new(false);
    let show_tour = move |_| ui.show_tour();
    let fail_next = {
        let demo = demo.clone();
        move |_| {
            let demo = demo.clone();
            spawn_local(async move {
                match demo.fail_next_update().await {
                    Ok(now) => {
                        status.try_set(Some(now));
                        message.try_set(None);
                    }
                    Err(error) => {
                        message.try_set(Some(error.to_string()));
                    }
                }
            });
        }
    };
    let reset = {
        let demo = demo.clone();
        move |_| {
            if confirm_reset.get_untracked() {
                confirm_reset.set(false);
                let demo = demo.clone();
                spawn_local(async move {
                    let said = match demo.reset().await {
                        Ok(()) => "The demo starts again from its seed.".to_string(),
                        Err(error) => error.to_string(),
                    };
                    message.try_set(Some(said));
                });
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
            let label_now = shown_label;
            let toggle = move |_| {
                let (demo, uuid) = (demo.clone(), uuid.clone());
                spawn_local(async move {
                    let outcome = demo.set_device_online(&uuid, !online).await;
                    message.try_set(outcome.err().map(|e| e.to_string()));
                    let shown_label = label_now.get_untracked();
                    if let Ok((shown, now)) = read_panel(&demo, shown_label).await {
                        devices.try_set(shown);
                        status.try_set(Some(now));
                    }
                    // The row is replaced: keep the keyboard on this device's new button.
                    focus_after_render(format!(
                        "[data-testid={}][data-uuid=\"{uuid}\"]",
                        ids::SIM_DEVICE
                    ));
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
                        value=speed_value(speed)
                        prop:checked=checked
                        on:change=move |_| {
                            let demo = demo.clone();
                            spawn_local(async move {
                                if let Err(error) = demo.set_speed(speed).await {
                                    message.try_set(Some(error.to_string()));
                                }
                            });
                        }
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
                <label class="sim-filter">
                    <span class="hint">"Only devices with the label"</span>
                    <input type="search" placeholder="site:chiba" data-testid=ids::SIM_DEVICE_FILTER
                        prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
                </label>
                <ul class="sim-devices">
                    // Keyed by device and state: a toggle replaces only that device's row.
                    <For
                        each=move || devices.get()
                        key=|d| (d.uuid.clone(), d.status == DeviceStatus::Online)
                        children=device_row.clone()
                    />
                </ul>
                <h2 class="sim-title">"Updates"</h2>
                <button type="button" class="button button-secondary button-small" data-testid=ids::SIM_FAIL_NEXT on:click=fail_next disabled=fail_armed>
                    {move || if fail_armed() { "The next update will fail" } else { "Make the next update fail" }}
                </button>
                <h2 class="sim-title">"Fleet"</h2>
                <button type="button" class="button button-secondary button-small" data-testid=ids::SIM_GROW_FLEET on:click=grow disabled=move || grown() || growing.get()>
                    {format!("Grow to {} deployments", format::count(GROWN_FLEET))}
                </button>
                <p class="hint">"Robots at ten sites with months of deployments, to try the lists at fleet scale."</p>
                {move || (grown() || not_kept.get()).then(|| view! {
                    <p class="notice-inline" role="status" data-testid=ids::SIM_NOT_KEPT>
                        "This demo is too big for this browser's storage, so it lasts until you reload the page. Reset it to keep your demo across reloads again."
                    </p>
                })}
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
