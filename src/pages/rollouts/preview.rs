//! The live preview of **Deploy to a fleet**: how many devices the selector matches, how many
//! can run the component, and each device with the name it would get or why it cannot.

use leptos::prelude::*;
use platform::rollout::RolloutPreview;

use crate::api::ApiError;
use crate::ids;

/// Devices the preview lists (the counts cover all).
const LISTED: usize = 50;

/// Where the preview is.
#[derive(Clone, PartialEq)]
pub enum Preview {
    /// No usable selector yet.
    Idle,
    /// Asked for.
    Loading,
    /// What the backend found.
    Ready(RolloutPreview),
    /// It could not be asked.
    Failed(ApiError),
}

/// What the selector matches now.
#[component]
pub fn PreviewPanel(preview: RwSignal<Preview>) -> impl IntoView {
    view! {
        <div class="fleet-preview" data-testid=ids::FLEET_PREVIEW aria-live="polite">
            {move || match preview.get() {
                Preview::Idle => view! { <p class="hint">"Write a label to see which devices it matches."</p> }.into_any(),
                Preview::Loading => view! { <p class="hint">"Finding the devices…"</p> }.into_any(),
                Preview::Failed(error) => view! { <p class="form-error" role="alert">{format!("Could not list the devices: {error}")}</p> }.into_any(),
                Preview::Ready(found) => {
                    let total = found.targets.len();
                    let compatible = found.targets.iter().filter(|t| t.compatible).count();
                    let summary = match total {
                        0 => "No device carries these labels.".to_string(),
                        _ => format!("{total} devices match: {compatible} can run it, {} cannot.", total - compatible),
                    };
                    let more = total.saturating_sub(LISTED);
                    view! {
                        <p class="preview-summary"><strong>{summary}</strong></p>
                        {(total > 0).then(|| view! {
                            <div class="table-scroll-x">
                                <table class="data-table compact">
                                    <thead><tr><th scope="col">"Device"</th><th scope="col">"Deployment"</th><th scope="col">"Can run it"</th></tr></thead>
                                    <tbody>
                                        {found.targets.into_iter().take(LISTED).map(|t| view! {
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
                        {(more > 0).then(|| view! { <p class="hint">{format!("and {more} more")}</p> })}
                    }
                    .into_any()
                }
            }}
        </div>
    }
}
