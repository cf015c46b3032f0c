//! The device picker: which device each device component is deployed on. It asks the backend
//! for the devices that can run the component, searched by name as the user types, a page at a
//! time, with the count of all matches; those that match but cannot run it are counted and
//! shown with the platform's reasons when asked. Nothing here reads the whole fleet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use platform::list::{DeviceQuery, FitFilter, fold};
use platform::rules::compat::FitSummary;
use platform::wire::{Component, Device};

use super::FieldMessage;
use super::device_options::{DeviceOption, FitNote, Showing, summary};
use crate::api::{ApiError, use_backend};
use crate::ids;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::use_form;

/// Devices asked for at a time.
pub const PICKER_PAGE: usize = 20;
/// Quiet time after typing before the search goes out.
const SEARCH_DELAY_MS: u64 = 250;

/// What the picker shows now.
#[derive(Debug, Clone, PartialEq, Default)]
struct Shown {
    devices: Vec<Device>,
    next: Option<String>,
    total: u64,
    fit: Option<FitSummary>,
}

/// **Select device for deploying the component**: the devices that can run it, searched by
/// name; the others on request, with the platform's reasons.
#[component]
pub fn DevicePicker(
    /// The device component.
    component: Component,
) -> impl IntoView {
    let form = use_form();
    let backend = use_backend();
    let id = component.component_id.clone();
    let path = format!("componentContext.{id}.deviceId");
    let group = field_dom_id(&path);
    let package_id = form.package.with_value(|p| p.summary.guid.clone());
    let component = StoredValue::new(component);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let showing = RwSignal::new(Showing::CanRun);
    let shown = RwSignal::new(None::<Shown>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // Each request's number: an answer to an older one is dropped.
    let asked = StoredValue::new(0u64);

    let query = move |search: String, showing: Showing| DeviceQuery {
        search,
        fit: Some(FitFilter {
            package_id: package_id.clone(),
            component_id: component.with_value(|c| c.component_id.clone()),
            compatible: Some(showing == Showing::CanRun),
        }),
        ..DeviceQuery::default()
    };
    let load = {
        let backend = backend.clone();
        move |token: Option<String>| {
            let query = query(search.get_untracked(), showing.get_untracked());
            asked.update_value(|n| *n += 1);
            let mine = asked.get_value();
            loading.set(true);
            let backend = backend.clone();
            let package = form.package.get_value();
            spawn_local(async move {
                let answer = backend
                    .device_page(&query, Some(&package), PICKER_PAGE, token.as_deref())
                    .await;
                if asked.try_get_value() != Some(mine) {
                    return;
                }
                loading.set(false);
                match answer {
                    Ok(page) => {
                        error.set(None);
                        shown.update(|shown| {
                            let more = token.is_some();
                            let mut next = Shown {
                                devices: page.items,
                                next: page.next,
                                total: page.total,
                                fit: page.fit,
                            };
                            if more && let Some(before) = shown.take() {
                                let mut devices = before.devices;
                                devices.extend(next.devices);
                                next.devices = devices;
                            }
                            *shown = Some(next);
                        });
                    }
                    Err(failed) => error.set(Some(failed)),
                }
            });
        }
    };
    // The first page, again whenever the search, the side shown or Refresh changes.
    {
        let load = load.clone();
        Effect::new(move |_| {
            search.track();
            showing.track();
            form.refresh.track();
            load(None);
        });
    }
    // The search goes out a moment after typing stops.
    let typed_at = StoredValue::new(0u64);
    let on_type = move |text: String| {
        typed.set(text);
        typed_at.update_value(|n| *n += 1);
        let mine = typed_at.get_value();
        set_timeout(
            move || {
                if typed_at.try_get_value() == Some(mine) {
                    let folded = fold(&typed.get_untracked());
                    if search.get_untracked() != folded {
                        search.set(folded);
                    }
                }
            },
            std::time::Duration::from_millis(SEARCH_DELAY_MS),
        );
    };

    let chosen_id = {
        let id = id.clone();
        Memo::new(move |_| {
            form.draft
                .with(|d| {
                    d.components
                        .get(&id)
                        .map(|c| c.device_id.trim().to_string())
                })
                .unwrap_or_default()
        })
    };
    let choose = {
        let (id, path) = (id.clone(), path.clone());
        Callback::new(move |device: Device| {
            let uuid = device.uuid.clone();
            form.chosen.pick_device(device);
            form.edit(&path, |d| {
                if let Some(c) = d.components.get_mut(&id) {
                    c.device_id = uuid;
                }
            });
            form.touch(&path);
        })
    };
    let option_group = group.clone();
    let options = move || {
        let listed = shown.with(|s| s.as_ref().map(|s| s.devices.clone()).unwrap_or_default());
        // The chosen device stays in view (and in the radio group) whatever the search shows.
        let chosen = chosen_id.get();
        let mut rows: Vec<Device> = Vec::new();
        if !chosen.is_empty()
            && !listed.iter().any(|d| d.uuid == chosen)
            && let Some(device) = form.chosen.device(&chosen)
        {
            rows.push(device);
        }
        rows.extend(listed);
        let group = option_group.clone();
        rows.into_iter()
            .map(|device| {
                view! {
                    <DeviceOption
                        device=device
                        component=component.get_value()
                        group=group.clone()
                        chosen=chosen_id
                        choose=choose
                    />
                }
            })
            .collect_view()
    };
    let note = Signal::derive(move || {
        let (total, fit) =
            shown.with(|s| s.as_ref().map_or((0, None), |s| (s.total, s.fit.clone())));
        summary(showing.get(), &search.get(), total, fit.as_ref())
    });
    let more = move || {
        shown.with(|s| {
            s.as_ref().and_then(|s| {
                let left = s.total.saturating_sub(s.devices.len() as u64);
                (s.next.is_some() && left > 0).then(|| (s.devices.len(), s.total, s.next.clone()))
            })
        })
    };
    let load_more = {
        let load = load.clone();
        move |_| {
            if let Some((_, _, token)) = more() {
                load(token);
            }
        }
    };
    let other_side = move || {
        let fit = shown.with(|s| s.as_ref().and_then(|s| s.fit.clone()))?;
        match showing.get() {
            Showing::CanRun if fit.incompatible > 0 => Some(format!(
                "Show the {} that cannot run it",
                crate::format::count(fit.incompatible as usize)
            )),
            Showing::Cannot => Some("Show the devices that can run it".to_string()),
            Showing::CanRun => None,
        }
    };
    let legend = component.with_value(|c| {
        format!(
            "Select device for deploying the component {} ({})",
            c.name,
            c.architecture
                .as_ref()
                .map_or("any architecture".into(), |a| a.to_string())
        )
    });
    let search_id = format!("{group}-search");
    view! {
        <fieldset class="field picker device-picker" id=group.clone() aria-describedby=format!("{group}-error") aria-busy=move || loading.get().to_string()>
            <legend>{legend}</legend>
            <div class="picker-tools">
                <label class="visually-hidden" for=search_id.clone()>"Search devices by name"</label>
                <input
                    id=search_id
                    class="picker-search"
                    type="search"
                    autocomplete="off"
                    placeholder="Search devices by name"
                    data-testid=ids::DEVICE_SEARCH
                    prop:value=move || typed.get()
                    on:input=move |ev| on_type(event_target_value(&ev))
                />
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid=ids::REFRESH_DEVICES
                    disabled=move || loading.get()
                    on:click=move |_| form.refresh.update(|n| *n += 1)
                >
                    {move || if loading.get() { "Refreshing…" } else { "Refresh the list of online devices" }}
                </button>
            </div>
            <FitNote note=note loading=loading />
            {move || error.get().map(|e| view! {
                <p class="form-error" role="alert">{format!("The devices could not be listed: {e}")}</p>
            })}
            <div class="options" role="radiogroup" data-testid=ids::DEVICE_OPTIONS data-showing=move || showing.get().word()>{options}</div>
            <div class="picker-more">
                {move || more().map(|(held, total, _)| view! {
                    <button type="button" class="button button-secondary button-small" data-testid=ids::DEVICES_MORE
                        disabled=move || loading.get() on:click=load_more.clone()>
                        {format!("Show more ({} of {} shown)", crate::format::count(held), crate::format::count(total as usize))}
                    </button>
                })}
                {move || other_side().map(|text| view! {
                    <button type="button" class="button button-secondary button-small" data-testid=ids::DEVICES_OTHER_SIDE
                        on:click=move |_| showing.update(|s| *s = s.other())>
                        {text}
                    </button>
                })}
            </div>
            <FieldMessage path=path />
        </fieldset>
    }
}
