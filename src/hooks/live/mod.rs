//! Live data: a value fetched now and again on a schedule, the way every live screen needs it.
//!
//! - The next fetch is scheduled by the page (about 2 s while something moves, 15 s otherwise).
//! - No request while the tab is hidden or the browser is offline; one at once on return.
//! - Errors keep the last good value (marked stale) and back off with jitter (between half and
//!   all of a doubling wait); a 429's `Retry-After` is honoured; 401/403 stop the loop and say
//!   so.
//! - One request at a time, and a response older than the value shown (an answer to a request
//!   sent before the page set a newer value itself) is dropped: data never goes back.
//! - In demo mode there is no timer: the simulation's version drives a fetch when it moves.

mod poll;

use std::{cell::Cell, cell::RefCell, future::Future, rc::Rc, time::Duration};

use leptos::{ev, prelude::*, reactive::owner::WeakOwner};

use crate::api::{ApiError, Backend};

/// A value kept fresh; copy it freely into views.
pub struct Live<T: Send + Sync + 'static> {
    /// The last good value (`None` until the first answer).
    pub data: RwSignal<Option<T>>,
    /// The error of the last attempt, while it has not been followed by a success: with
    /// `data` present, what is shown is stale.
    pub error: RwSignal<Option<ApiError>>,
    /// When `data` last arrived (browser ms).
    pub fetched_at: RwSignal<Option<f64>>,
    /// Polling stopped for good: the backend refused the credentials.
    pub halted: RwSignal<bool>,
    /// When the next automatic fetch happens after a failure (browser ms).
    pub retry_at: RwSignal<Option<f64>>,
    control: StoredValue<Rc<Control<T>>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Live<T> {}

type Accept<T> = Box<dyn Fn(&T, &T) -> bool>;
type Fetch<T> = Rc<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<T, ApiError>>>>>;

struct Control<T> {
    fetch: Fetch<T>,
    /// The delay before the next fetch after a good value.
    every: Box<dyn Fn(&T) -> Duration>,
    /// Whether `new` may replace `old` (e.g. never a lower generation).
    accept: Accept<T>,
    demo: bool,
    timer: Cell<Option<TimeoutHandle>>,
    in_flight: Cell<bool>,
    again: Cell<bool>,
    /// Bumped by every request and every value set by the page.
    sequence: Cell<u64>,
    /// The sequence of the value shown.
    shown: Cell<u64>,
    failures: Cell<u32>,
    disposed: Cell<bool>,
    listeners: RefCell<Vec<WindowListenerHandle>>,
    /// The view that owns this data: requests run under it and are dropped (aborted) with it.
    /// Weak, since this control lives in that owner's arena: a strong handle would keep the
    /// view, and everything it made, alive after it left the screen.
    owner: Option<WeakOwner>,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Live<T> {
    /// Starts fetching with `fetch` (called with a backend that reads once per call), every
    /// `every(value)` after a success, keeping only values `accept(old, new)` allows.
    pub fn start<F, Fut>(
        backend: &Backend,
        fetch: F,
        every: impl Fn(&T) -> Duration + 'static,
        accept: impl Fn(&T, &T) -> bool + 'static,
    ) -> Live<T>
    where
        F: Fn(Backend) -> Fut + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let polling = backend.for_polling();
        let fetch: Fetch<T> = Rc::new(move || Box::pin(fetch(polling.clone())));
        let control = Rc::new(Control {
            fetch,
            every: Box::new(every),
            accept: Box::new(accept),
            demo: backend.is_demo(),
            timer: Cell::new(None),
            in_flight: Cell::new(false),
            again: Cell::new(false),
            sequence: Cell::new(0),
            shown: Cell::new(0),
            failures: Cell::new(0),
            disposed: Cell::new(false),
            listeners: RefCell::new(Vec::new()),
            owner: Owner::current().map(|owner| owner.downgrade()),
        });
        let live = Live {
            data: RwSignal::new(None),
            error: RwSignal::new(None),
            fetched_at: RwSignal::new(None),
            halted: RwSignal::new(false),
            retry_at: RwSignal::new(None),
            control: StoredValue::new_local(Rc::clone(&control)),
        };
        // Back in view or back online: fetch at once.
        let wake = move || {
            if !page_active() {
                return;
            }
            // A wait the server asked for (429) still holds; otherwise fetch now.
            let wait = live
                .retry_at
                .try_get_untracked()
                .flatten()
                .map(|at| at - js_sys::Date::now())
                .filter(|left| *left > 0.0);
            match wait {
                Some(left) if live.rate_limited() => {
                    live.schedule(Duration::from_millis(left as u64))
                }
                _ => live.refresh(),
            }
        };
        control.listeners.borrow_mut().extend([
            window_event_listener(ev::visibilitychange, move |_| wake()),
            window_event_listener(ev::online, move |_| wake()),
        ]);
        if let Some(auth) = backend.auth_version_signal() {
            // New credentials (from the embedding dashboard): a loop stopped by a 401 starts
            // again, once.
            Effect::new(move |previous: Option<()>| {
                auth.track();
                if previous.is_some() && live.halted.try_get_untracked() == Some(true) {
                    live.resume();
                }
            });
        }
        if let Some(version) = backend.demo_version_signal() {
            // The simulation moved: read it again (no timers, no network).
            Effect::new(move |_| {
                version.track();
                live.refresh();
            });
        } else {
            live.refresh();
        }
        on_cleanup(move || {
            let Some(control) = live.control() else {
                return;
            };
            control.disposed.set(true);
            if let Some(timer) = control.timer.take() {
                timer.clear();
            }
            for listener in control.listeners.borrow_mut().drain(..) {
                listener.remove();
            }
        });
        live
    }

    fn control(&self) -> Option<Rc<Control<T>>> {
        self.control.try_get_value()
    }

    /// Shows a value the page got itself (the answer to an update, say): newer than any
    /// request in flight, so their answers are dropped.
    pub fn set(&self, value: T) {
        if let Some(control) = self.control() {
            let sequence = control.sequence.get() + 1;
            control.sequence.set(sequence);
            control.shown.set(sequence);
        }
        self.data.set(Some(value));
        self.error.set(None);
        self.fetched_at.set(Some(js_sys::Date::now()));
        self.reschedule();
    }

    /// Applies a change to the value shown (e.g. one item replaced by the answer to an action),
    /// as newer than any request in flight.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        let Some(mut value) = self.data.try_get_untracked().flatten() else {
            return;
        };
        change(&mut value);
        self.set(value);
    }

    /// Forgets the requests in flight (their answers are dropped) and fetches now: for when
    /// what the fetch asks for changed (a new filter).
    pub fn invalidate(&self) {
        if let Some(control) = self.control() {
            let sequence = control.sequence.get() + 1;
            control.sequence.set(sequence);
            control.shown.set(sequence);
            control.again.set(control.in_flight.get());
        }
        self.refresh();
    }

    /// Starts again after polling stopped (new credentials).
    pub fn resume(&self) {
        if let Some(control) = self.control() {
            control.failures.set(0);
        }
        self.halted.set(false);
        self.refresh();
    }
}

/// The tab is visible and the browser online: requests may go out.
pub fn page_active() -> bool {
    let visible = document().visibility_state() != web_sys::VisibilityState::Hidden;
    let online = window().navigator().on_line();
    visible && online
}

/// How often a view refreshes: about 2 s while something it shows moves, 15 s otherwise.
pub fn poll_every(moving: bool) -> Duration {
    if moving {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(15)
    }
}
