//! The Logs tab's lines: paged from the first line, and the live tail's polling with backoff.

use std::time::Duration;

use leptos::{
    prelude::*,
    task::{spawn_local, spawn_local_scoped_with_cancellation},
};
use platform::wire::LogLine;

use crate::api::{ApiError, backoff::POLL_BACKOFF, use_backend};
use crate::hooks::live::page_active;

/// Lines per page.
const PAGE: usize = 200;
/// Lines kept on screen; the oldest go first beyond this.
const KEEP: usize = 10_000;
/// How often the live tail asks for new lines.
const TAIL_EVERY: Duration = Duration::from_secs(2);

/// The lines shown and where their fetching stands.
#[derive(Clone, Copy)]
pub(super) struct LogFeed {
    /// Each line with its key on screen.
    pub(super) lines: RwSignal<Vec<(u64, LogLine)>>,
    /// Another page follows the lines shown.
    pub(super) more: RwSignal<bool>,
    /// A request is out.
    pub(super) loading: RwSignal<bool>,
    /// The first page has arrived.
    pub(super) loaded: RwSignal<bool>,
    /// The last request's error, until one succeeds.
    pub(super) error: RwSignal<Option<ApiError>>,
    /// The live tail is on.
    pub(super) tail: RwSignal<bool>,
}

/// The lines of deployment `id` for `component` (all when empty), fetched from the first line
/// again whenever either changes, and new ones followed while the live tail is on (turned off
/// while `unavailable` gives a reason); with the fetch of the next page (`true`: the tail's).
pub(super) fn log_feed(
    id: Memo<String>,
    component: RwSignal<String>,
    unavailable: Memo<Option<&'static str>>,
) -> (LogFeed, impl Fn(bool) + Clone + 'static) {
    let backend = use_backend();
    // Each line with a number that only grows: the key that lets new lines be added (and old
    // ones trimmed) without rebuilding the others.
    let lines = RwSignal::new(Vec::<(u64, LogLine)>::new());
    let next_line = StoredValue::new(0u64);
    let cursor = RwSignal::new(String::new());
    let more = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let tail = RwSignal::new(false);
    // Each reset starts a new run; answers from an older run are dropped.
    let run = StoredValue::new(0u64);
    // The live tail backs off after failures: no tick before this time (browser ms).
    let tail_failures = StoredValue::new(0u32);
    let tail_wait_until = StoredValue::new(0f64);
    // Requests run under this view and are aborted with it.
    // Weak: effects of this view hold the fetch, and a strong handle would keep the view alive.
    let owner = Owner::current().map(|owner| owner.downgrade());
    let polling = backend.for_polling();

    let fetch = {
        let backend = backend.clone();
        move |append_tail: bool| {
            if loading.get_untracked() {
                return;
            }
            loading.set(true);
            let this_run = run.get_value();
            let (backend, id, component, after) = (
                if append_tail {
                    polling.clone()
                } else {
                    backend.clone()
                },
                id.get_untracked(),
                component.get_untracked(),
                cursor.get_untracked(),
            );
            let limit = if append_tail { 1000 } else { PAGE };
            let task = async move {
                let result = backend.logs(&id, &component, &after, limit).await;
                // An answer for an earlier component (or a view already gone) changes nothing.
                if run.try_get_value() != Some(this_run) {
                    return;
                }
                loading.set(false);
                loaded.set(true);
                match result {
                    Ok(page) => {
                        tail_failures.set_value(0);
                        if error.with_untracked(Option::is_some) {
                            error.set(None);
                        }
                        let full = page.items.len() >= limit;
                        let got_lines = !page.items.is_empty();
                        if got_lines {
                            let mut seq = next_line.get_value();
                            lines.update(|lines| {
                                for line in page.items {
                                    seq += 1;
                                    lines.push((seq, line));
                                }
                                let excess = lines.len().saturating_sub(KEEP);
                                lines.drain(..excess);
                            });
                            next_line.set_value(seq);
                        }
                        if !page.next.is_empty() {
                            cursor.set(page.next);
                        } else if got_lines {
                            // No cursor to go on from: asking again would repeat these lines.
                            more.set(false);
                            tail.set(false);
                            return;
                        }
                        if !append_tail {
                            more.set(full);
                        }
                    }
                    Err(e) => {
                        if matches!(e, ApiError::Unauthorized(_)) {
                            tail.set(false);
                        }
                        if append_tail {
                            let failures = tail_failures.get_value() + 1;
                            tail_failures.set_value(failures);
                            let wait = POLL_BACKOFF.wait_ms(&e, failures);
                            tail_wait_until.set_value(js_sys::Date::now() + f64::from(wait));
                        }
                        if error.with_untracked(|old| old.as_ref() != Some(&e)) {
                            error.set(Some(e));
                        }
                    }
                }
            };
            match &owner {
                Some(owner) => {
                    // A view that is gone fetches nothing more.
                    if let Some(owner) = owner.upgrade() {
                        owner.with(|| spawn_local_scoped_with_cancellation(task));
                    }
                }
                None => spawn_local(task),
            }
        }
    };
    // A new component (or deployment) starts again from the first line.
    {
        let fetch = fetch.clone();
        Effect::new(move |_| {
            let _ = (id.get(), component.get());
            run.update_value(|r| *r += 1);
            lines.set(Vec::new());
            tail_failures.set_value(0);
            tail_wait_until.set_value(0.0);
            cursor.set(String::new());
            more.set(false);
            loaded.set(false);
            loading.set(false);
            fetch(false);
        });
    }
    Effect::new(move |_| {
        if unavailable.get().is_some() {
            tail.set(false);
        }
    });
    // The live tail: new lines every couple of seconds, never while hidden or offline.
    {
        let fetch = fetch.clone();
        let handle = set_interval_with_handle(
            move || {
                let due = js_sys::Date::now() >= tail_wait_until.get_value();
                if tail.get_untracked() && page_active() && due {
                    fetch(true);
                }
            },
            TAIL_EVERY,
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    let feed = LogFeed {
        lines,
        more,
        loading,
        loaded,
        error,
        tail,
    };
    (feed, fetch)
}
