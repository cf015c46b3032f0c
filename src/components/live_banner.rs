//! What a live view says when its data is not fresh: stale data with its time and the error,
//! a stop on refused credentials, a pause while offline.

use leptos::prelude::*;

use crate::format;
use crate::hooks::Live;
use crate::ids;

/// The banner above a live view; nothing while all is well.
#[component]
pub fn LiveBanner<T: Send + Sync + Clone + PartialEq + 'static>(
    /// The live data it reports on.
    live: Live<T>,
    /// What is shown ("deployments", "this deployment").
    what: &'static str,
) -> impl IntoView {
    let sign_in = crate::components::sign_in::use_sign_in();
    let embedded = crate::embed::use_embedded();
    let online = RwSignal::new(window().navigator().on_line());
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    let message = move || {
        if !online.get() {
            let since = live
                .fetched_at
                .get()
                .map(|at| format!(" Showing {what} as of {}.", format::clock(at)))
                .unwrap_or_default();
            return Some((
                "notice notice-warning",
                format!(
                    "You are offline; updates are paused and resume when the connection is back.{since}"
                ),
            ));
        }
        let error = live.error.get()?;
        // With nothing shown yet, the page's own load error says it all.
        if live.halted.get() && live.data.with(Option::is_some) {
            let next = if embedded {
                "Updates have stopped until the dashboard passes a new token."
            } else if sign_in.is_some() {
                "Updates have stopped until you sign in again; what is shown is kept."
            } else {
                "Updates have stopped. Sign in again, then reload the page."
            };
            return Some(("notice notice-error", format!("{error} {next}")));
        }
        let shown = live
            .fetched_at
            .get()
            .filter(|_| live.data.with(Option::is_some))
            .map(|at| format!(" Showing {what} as of {}.", format::clock(at)))?;
        let retry = live
            .retry_at
            .get()
            .map(|at| format!(" Next try around {}.", format::clock(at)))
            .unwrap_or_default();
        Some(("notice notice-warning", format!("{error}{shown}{retry}")))
    };
    view! {
        {move || {
            message()
                .map(|(class, text)| {
                    view! {
                        <div class=class role="status" data-testid=ids::STALE_BANNER>
                            <p>{text}</p>
                            <button type="button" class="button button-secondary button-small" on:click=move |_| live.refresh() hidden=move || live.halted.get()>
                                "Retry now"
                            </button>
                            {sign_in.map(|prompt| view! {
                                <button
                                    type="button"
                                    class="button button-small"
                                    data-testid=ids::SIGN_IN_OPEN
                                    on:click=move |_| prompt.open.set(true)
                                    hidden=move || !live.halted.get()
                                >
                                    "Sign in"
                                </button>
                            })}
                        </div>
                    }
                })
        }}
    }
}
