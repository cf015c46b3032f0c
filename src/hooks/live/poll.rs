//! `Live`'s poll loop: one request at a time, older answers dropped, the next fetch scheduled.

use std::time::Duration;

use leptos::{
    prelude::*,
    task::{spawn_local, spawn_local_scoped_with_cancellation},
};

use super::{Live, page_active};
use crate::api::{ApiError, backoff::POLL_BACKOFF};

impl<T: Clone + PartialEq + Send + Sync + 'static> Live<T> {
    /// Fetches now (or right after the request in flight), whatever the schedule said.
    pub fn refresh(&self) {
        let Some(control) = self.control() else {
            return;
        };
        if control.disposed.get() || self.halted.get_untracked() {
            return;
        }
        if let Some(timer) = control.timer.take() {
            timer.clear();
        }
        if control.in_flight.get() {
            control.again.set(true);
            return;
        }
        if !page_active() {
            // visibilitychange / online call again.
            return;
        }
        control.in_flight.set(true);
        let sequence = control.sequence.get() + 1;
        control.sequence.set(sequence);
        let live = *self;
        let request = (control.fetch)();
        let task = async move {
            let result = request.await;
            live.settle(sequence, result);
        };
        match &control.owner {
            Some(owner) => {
                // A view that is gone fetches nothing more.
                if let Some(owner) = owner.upgrade() {
                    owner.with(|| spawn_local_scoped_with_cancellation(task));
                } else {
                    control.in_flight.set(false);
                }
            }
            None => spawn_local(task),
        }
    }

    /// Whether the last failure was the server asking to wait (429).
    pub(super) fn rate_limited(&self) -> bool {
        self.error
            .try_with_untracked(|e| matches!(e, Some(ApiError::RateLimited(Some(_)))))
            .unwrap_or(false)
    }

    fn settle(&self, sequence: u64, result: Result<T, ApiError>) {
        let Some(control) = self.control() else {
            return;
        };
        control.in_flight.set(false);
        if control.disposed.get() {
            return;
        }
        match result {
            Ok(value) => {
                control.failures.set(0);
                self.retry_at.set(None);
                let newer = sequence > control.shown.get()
                    && self.data.with_untracked(|old| {
                        old.as_ref().is_none_or(|old| (control.accept)(old, &value))
                    });
                if newer {
                    control.shown.set(sequence);
                    // Equal values notify nobody: a poll that changed nothing renders nothing.
                    if self.data.with_untracked(|old| old.as_ref() != Some(&value)) {
                        self.data.set(Some(value));
                    }
                }
                if self.error.with_untracked(Option::is_some) {
                    self.error.set(None);
                }
                self.fetched_at.set(Some(js_sys::Date::now()));
                self.reschedule();
            }
            Err(error) => {
                if matches!(error, ApiError::Unauthorized(_)) {
                    self.halted.set(true);
                    self.error.set(Some(error));
                    return;
                }
                let failures = control.failures.get() + 1;
                control.failures.set(failures);
                let wait = POLL_BACKOFF.wait_ms(&error, failures);
                self.error.set(Some(error));
                if control.again.take() {
                    self.refresh();
                } else if !control.demo {
                    self.retry_at
                        .set(Some(js_sys::Date::now() + f64::from(wait)));
                    self.schedule(Duration::from_millis(u64::from(wait)));
                }
            }
        }
    }

    /// After a good value: the next fetch on the page's schedule (or at once if asked).
    pub(super) fn reschedule(&self) {
        let Some(control) = self.control() else {
            return;
        };
        if control.again.take() {
            self.refresh();
            return;
        }
        if control.demo || control.in_flight.get() {
            return;
        }
        let every = self
            .data
            .with_untracked(|value| value.as_ref().map(|v| (control.every)(v)))
            .unwrap_or(Duration::from_secs(15));
        self.schedule(every);
    }

    pub(super) fn schedule(&self, after: Duration) {
        let Some(control) = self.control() else {
            return;
        };
        if let Some(timer) = control.timer.take() {
            timer.clear();
        }
        let live = *self;
        control
            .timer
            .set(set_timeout_with_handle(move || live.refresh(), after).ok());
    }
}
