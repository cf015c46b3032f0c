//! The device picker's views: one device as a choice (its architecture, runtime and status,
//! disabled with the platform's reasons when it cannot run the component), and the line that
//! says how the devices found fit the component.

use leptos::prelude::*;
use platform::rules::compat::{FitSummary, device_incompatibilities};
use platform::wire::{Component, Device};

use crate::format::count;

/// Which devices the picker lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    /// Those that can run the component.
    CanRun,
    /// Those that cannot, with why.
    Cannot,
}

impl Showing {
    /// The other side.
    pub fn other(self) -> Showing {
        match self {
            Showing::CanRun => Showing::Cannot,
            Showing::Cannot => Showing::CanRun,
        }
    }

    /// A word for tests and styles.
    pub fn word(self) -> &'static str {
        match self {
            Showing::CanRun => "can-run",
            Showing::Cannot => "cannot",
        }
    }
}

/// What the picker says above its devices: a sentence, and the reasons some cannot run it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Note {
    /// The sentence.
    pub text: String,
    /// Each reason with how many devices it holds back (shown with the devices that cannot).
    pub reasons: Vec<(String, u64)>,
}

fn devices(n: u64) -> String {
    format!(
        "{} device{}",
        count(n as usize),
        if n == 1 { "" } else { "s" }
    )
}

/// The note for `showing` devices found with `search` (folded; empty for all), `total` listed,
/// and how every match fits the component (`fit`, while known).
pub fn summary(showing: Showing, search: &str, total: u64, fit: Option<&FitSummary>) -> Note {
    let Some(fit) = fit else {
        return Note {
            text: "Finding the devices…".into(),
            reasons: Vec::new(),
        };
    };
    let matching = if search.is_empty() {
        String::new()
    } else {
        format!(" named like “{search}”")
    };
    let all = fit.compatible + fit.incompatible;
    let text = match (showing, all) {
        (_, 0) if search.is_empty() => "No devices are registered in this project.".to_string(),
        (_, 0) => format!("No device is named like “{search}”."),
        (Showing::CanRun, _) if fit.compatible == 0 => format!(
            "None of the {}{matching} can run this component.",
            devices(all)
        ),
        (Showing::CanRun, _) => format!(
            "{} of the {}{matching} can run this component.",
            count(fit.compatible as usize),
            devices(all)
        ),
        (Showing::Cannot, _) => format!(
            "{} of the {}{matching} cannot run this component:",
            count(total as usize),
            devices(all)
        ),
    };
    Note {
        text,
        reasons: match showing {
            Showing::Cannot => fit
                .reasons
                .iter()
                .map(|r| (r.reason.clone(), r.devices))
                .collect(),
            Showing::CanRun => Vec::new(),
        },
    }
}

/// The picker's note, announced politely as it changes.
#[component]
pub fn FitNote(
    /// What to say.
    #[prop(into)]
    note: Signal<Note>,
    /// A request is on its way.
    #[prop(into)]
    loading: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="picker-note" role="status" aria-live="polite" data-testid=crate::ids::DEVICES_NOTE>
            <p>
                {move || note.with(|n| n.text.clone())}
                {move || loading.get().then(|| view! { <span class="muted">" Searching…"</span> })}
            </p>
            {move || {
                let reasons = note.with(|n| n.reasons.clone());
                (!reasons.is_empty()).then(|| view! {
                    <ul class="picker-reasons">
                        {reasons.into_iter().map(|(reason, n)| view! {
                            <li><strong>{devices(n)}</strong>": "{reason}</li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}

/// One device as a choice: a radio in the picker's group, disabled with the platform's reasons
/// when the device cannot run `component`.
#[component]
pub fn DeviceOption(
    /// The device.
    device: Device,
    /// The component it would run.
    component: Component,
    /// The radio group's name.
    #[prop(into)]
    group: String,
    /// The device chosen now.
    #[prop(into)]
    chosen: Signal<String>,
    /// Called when the user chooses this device.
    choose: Callback<Device>,
) -> impl IntoView {
    let reasons = device_incompatibilities(&component, &device);
    let disabled = !reasons.is_empty();
    let reason = reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let runtime = device
        .runtime()
        .map_or("runtime unknown".to_string(), |r| r.to_string());
    let meta = format!(
        "{} · {} · {}",
        device
            .architecture
            .as_ref()
            .map_or("unknown architecture".into(), |a| a.to_string()),
        runtime,
        device.status.as_str().to_lowercase()
    );
    let uuid = device.uuid.clone();
    let checked = uuid.clone();
    let name = device.name.clone();
    view! {
        <label class="option" class:option-disabled=disabled>
            <input
                type="radio"
                name=group
                value=uuid
                disabled=disabled
                prop:checked=move || chosen.with(|c| *c == checked)
                on:change=move |_| choose.run(device.clone())
            />
            <span class="option-main">
                <span class="option-name">{name}</span>
                <span class="option-meta">{meta}</span>
                {disabled.then(|| view! { <span class="option-reason">{reason}</span> })}
            </span>
        </label>
    }
}
