//! The live preview's request, asked a moment after the selector, component or pattern change.

use leptos::prelude::*;

use super::super::draft::FleetDraft;
use super::super::preview::Preview;
use crate::api::Backend;

/// Quiet time after typing before the preview is asked for.
const PREVIEW_DELAY_MS: u64 = 300;

/// The preview of the rollout `draft` describes on plan `plan_id`, asked for again a moment
/// after the selector, component or pattern change.
pub(super) fn live_preview(
    backend: Backend,
    draft: RwSignal<FleetDraft>,
    plan_id: String,
) -> RwSignal<Preview> {
    let preview = RwSignal::new(Preview::Idle);
    let asked = StoredValue::new(0u64);
    // Only what the preview depends on: editing waves or the network asks nothing.
    let asks = Memo::new(move |_| {
        draft.with(|d| {
            let labels = d.labels().unwrap_or_default();
            (!labels.is_empty()).then(|| (labels, d.component_id.clone(), d.name.clone()))
        })
    });
    Effect::new(move |_| {
        let request = asks
            .get()
            .map(|_| draft.with_untracked(|d| d.to_request(&plan_id)));
        let Some(request) = request else {
            preview.set(Preview::Idle);
            return;
        };
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        preview.set(Preview::Loading);
        let backend = backend.clone();
        set_timeout(
            move || {
                if asked.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = backend.rollout_preview(&request).await;
                    if asked.try_get_value() == Some(mine) {
                        preview.set(match answer {
                            Ok(found) => Preview::Ready(found),
                            Err(error) => Preview::Failed(error),
                        });
                    }
                });
            },
            std::time::Duration::from_millis(PREVIEW_DELAY_MS),
        );
    });
    preview
}
