//! The live preview's requests: the first page, asked a moment after the selector, component or
//! pattern change, and the next pages on request.

use leptos::prelude::*;

use super::super::draft::FleetDraft;
use super::super::preview::{PREVIEW_PAGE, Preview};
use crate::api::Backend;

/// Quiet time after typing before the preview is asked for.
const PREVIEW_DELAY_MS: u64 = 300;

/// The live preview of the rollout `draft` describes on plan `plan_id`.
#[derive(Clone, Copy)]
pub(super) struct LivePreview {
    /// What it shows.
    pub preview: RwSignal<Preview>,
    /// Reads the next page of devices.
    pub more: Callback<()>,
    /// The next page is being read.
    pub loading_more: RwSignal<bool>,
}

/// Starts the preview of `draft`: asked for again a moment after the selector, component or
/// pattern change; a new question drops the answers to the old one.
pub(super) fn live_preview(
    backend: Backend,
    draft: RwSignal<FleetDraft>,
    plan_id: String,
) -> LivePreview {
    let preview = RwSignal::new(Preview::Idle);
    let loading_more = RwSignal::new(false);
    let asked = StoredValue::new(0u64);
    let plan = StoredValue::new(plan_id);
    // Only what the preview depends on: editing waves or the network asks nothing.
    let asks = Memo::new(move |_| {
        draft.with(|d| {
            let labels = d.labels().unwrap_or_default();
            (!labels.is_empty()).then(|| (labels, d.component_id.clone(), d.name.clone()))
        })
    });
    let first = backend.clone();
    Effect::new(move |_| {
        let request = asks
            .get()
            .map(|_| draft.with_untracked(|d| d.to_request(&plan.get_value())));
        let Some(request) = request else {
            preview.set(Preview::Idle);
            return;
        };
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        preview.set(Preview::Loading);
        let backend = first.clone();
        set_timeout(
            move || {
                if asked.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = backend.rollout_preview(&request, PREVIEW_PAGE, None).await;
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
    let more = Callback::new(move |()| {
        let token = preview.with_untracked(|p| match p {
            Preview::Ready(found) => found.next.clone(),
            _ => None,
        });
        let Some(token) = token else { return };
        let mine = asked.get_value();
        let request = draft.with_untracked(|d| d.to_request(&plan.get_value()));
        let backend = backend.clone();
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            let answer = backend
                .rollout_preview(&request, PREVIEW_PAGE, Some(&token))
                .await;
            loading_more.try_set(false);
            if asked.try_get_value() != Some(mine) {
                return;
            }
            match answer {
                Ok(page) => preview.update(|p| {
                    if let Preview::Ready(found) = p {
                        found.targets.extend(page.targets);
                        found.next = page.next;
                    }
                }),
                Err(error) => preview.set(Preview::Failed(error)),
            }
        });
    });
    LivePreview {
        preview,
        more,
        loading_more,
    }
}
