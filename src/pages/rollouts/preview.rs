//! The live preview of **Deploy to a fleet**: how many devices the selector matches, how many
//! can run the component and why the others cannot (counted over every match by the backend),
//! and the devices a page at a time, each with the name it would get or why it cannot.

use leptos::prelude::*;
use platform::rollout::RolloutPreview;

use crate::api::ApiError;
use crate::format::count;
use crate::ids;

/// Devices the preview lists per page.
pub const PREVIEW_PAGE: usize = 25;

/// Where the preview is.
#[derive(Clone, PartialEq)]
pub enum Preview {
    /// No usable selector yet.
    Idle,
    /// Asked for.
    Loading,
    /// What the backend found (the pages read so far, their targets together).
    Ready(RolloutPreview),
    /// It could not be asked.
    Failed(ApiError),
}

fn devices(n: u64) -> String {
    format!(
        "{} device{}",
        count(n as usize),
        if n == 1 { "" } else { "s" }
    )
}

/// What the selector matches now; `more` reads the next page of devices.
#[component]
pub fn PreviewPanel(
    /// The preview.
    preview: RwSignal<Preview>,
    /// Reads the next page of devices.
    more: Callback<()>,
    /// A next page is being read.
    #[prop(into)]
    loading_more: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="fleet-preview" data-testid=ids::FLEET_PREVIEW aria-live="polite">
            {move || match preview.get() {
                Preview::Idle => view! { <p class="hint">"Write a label to see which devices it matches."</p> }.into_any(),
                Preview::Loading => view! { <p class="hint">"Finding the devices…"</p> }.into_any(),
                Preview::Failed(error) => view! { <p class="form-error" role="alert">{format!("Could not list the devices: {error}")}</p> }.into_any(),
                Preview::Ready(found) => {
                    let summary = match found.total {
                        0 => "No device carries these labels.".to_string(),
                        total => format!(
                            "{} match: {} can run it, {} cannot.",
                            devices(total),
                            count(found.compatible as usize),
                            count(total.saturating_sub(found.compatible) as usize)
                        ),
                    };
                    let listed = found.targets.len();
                    let shown = (found.total > 0).then(|| {
                        let more = found.next.is_some() && (listed as u64) < found.total;
                        format!(
                            "{} of {} shown{}",
                            count(listed),
                            count(found.total as usize),
                            if more { "" } else { " (all)" }
                        )
                    });
                    let has_more = found.next.is_some();
                    view! {
                        <p class="preview-summary"><strong>{summary}</strong></p>
                        {(!found.reasons.is_empty()).then(|| view! {
                            <ul class="picker-reasons" data-testid=ids::PREVIEW_REASONS>
                                {found.reasons.iter().map(|r| view! {
                                    <li><strong>{devices(r.devices)}</strong>": "{r.reason.clone()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        {(listed > 0).then(|| view! {
                            <div class="table-scroll-x">
                                <table class="data-table compact">
                                    <thead><tr><th scope="col">"Device"</th><th scope="col">"Deployment"</th><th scope="col">"Can run it"</th></tr></thead>
                                    <tbody>
                                        {found.targets.into_iter().map(|t| view! {
                                            <tr data-testid=ids::PREVIEW_ROW data-compatible=t.compatible.to_string()>
                                                <td>{t.device_name}</td>
                                                <td><code>{t.name}</code></td>
                                                <td>{if t.compatible { "Yes".to_string() } else { format!("No: {}", t.reasons.join(" ")) }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        <div class="preview-foot">
                            {shown.map(|shown| view! { <p class="hint" data-testid=ids::PREVIEW_SHOWN>{shown}</p> })}
                            {has_more.then(|| view! {
                                <button type="button" class="button button-secondary button-small" data-testid=ids::PREVIEW_MORE
                                    disabled=move || loading_more.get() on:click=move |_| more.run(())>
                                    {move || if loading_more.get() { "Reading…" } else { "Show more devices" }}
                                </button>
                            })}
                        </div>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}
