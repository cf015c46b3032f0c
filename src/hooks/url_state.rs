//! A page's view state (search, filters, sorting) kept in the URL query, so a link or a reload
//! reproduces the view.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

/// View state that reads from and writes to a URL query.
pub trait UrlState: Clone + PartialEq + Send + Sync + 'static {
    /// Reads the query (unknown values fall back to defaults).
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self;
    /// The query string (with `?`, or empty for the defaults).
    fn write(&self) -> String;
}

/// The state in the URL of the page at `path`, and a way to change it (replacing the history
/// entry, keeping the scroll position).
pub fn use_url_state<Q: UrlState>(path: &'static str) -> (Memo<Q>, Callback<Q>) {
    let query = use_query_map();
    let navigate = use_navigate();
    let state = Memo::new(move |_| {
        let query = query.read();
        Q::read(&|key| query.get(key))
    });
    let set = Callback::new(move |next: Q| {
        navigate(
            &format!("{path}{}", next.write()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    });
    (state, set)
}
