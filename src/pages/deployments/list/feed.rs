//! Keeping the list fresh: the first page of the query, then only what changed (`since=`), a
//! new listing when the backend says the version is too old (410); against a backend that
//! answers whole lists, the whole list again. A new query drops the answers of the old one.

use leptos::prelude::*;
use platform::list::{Changes, Page};
use platform::wire::Deployment;

use super::query::DeploymentsQuery;
use super::store::Shape;
use super::table::ListView;
use crate::api::{ApiError, Backend, Listing};
use crate::embed;
use crate::hooks::{Live, poll_every};

/// Rows asked for first: a tall screen of them.
pub const FIRST_PAGE: usize = 50;

/// What a poll brought.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// Nothing was asked (the query cannot be read).
    Nothing,
    /// A first answer for generation `.0`.
    Listed(u64, Listing),
    /// Changes for generation `.0`, with a fresh one-row page for the total and counts when
    /// some came.
    Changed(u64, Changes<Deployment>, Option<Page<Deployment>>),
}

impl Fetched {
    /// Whether what came holds a deployment in a phase that moves on by itself.
    fn moving(&self) -> bool {
        let moving = |items: &[Deployment]| items.iter().any(|d| d.phase.is_transient());
        match self {
            Fetched::Nothing => false,
            Fetched::Listed(_, Listing::Page(page)) => moving(&page.items),
            Fetched::Listed(_, Listing::Whole(items)) => moving(items),
            Fetched::Changed(_, changes, _) => moving(&changes.items),
        }
    }
}

/// Starts the feed of the list `state` asks for into `list`.
pub fn start(backend: &Backend, state: Memo<DeploymentsQuery>, list: ListView) -> Live<Fetched> {
    let query = Memo::new(move |_| state.with(|s| s.to_list_query().ok()));
    list.store.update_value(|s| {
        s.reset(query.get_untracked());
    });
    let live = Live::start(
        backend,
        move |backend| poll(backend, list),
        // The answer itself counts: the store takes it only after this schedule is made.
        move |fetched: &Fetched| {
            poll_every(fetched.moving() || list.store.with_value(|s| s.moving()))
        },
        |_, _| true,
    );
    // A new query: the old rows and the answers still coming for them go.
    Effect::new(move |previous: Option<()>| {
        let query = query.get();
        if previous.is_some() {
            list.store.update_value(|s| {
                s.reset(query);
            });
            list.focus.set(None);
            list.scroll_top.set(0.0);
            list.relayout();
            live.invalidate();
        }
    });
    Effect::new(move |_| {
        live.data.with(|fetched| {
            if let Some(fetched) = fetched {
                take(fetched, list, live);
            }
        })
    });
    live
}

/// One poll: what the store needs next.
async fn poll(backend: Backend, list: ListView) -> Result<Fetched, ApiError> {
    let (generation, query, version, shape) = list
        .store
        .with_value(|s| (s.generation, s.query.clone(), s.version.clone(), s.shape));
    let Some(query) = query else {
        return Ok(Fetched::Nothing);
    };
    let listed = |listing| Fetched::Listed(generation, listing);
    match (shape, version) {
        (Shape::Whole, _) => backend
            .all_deployments()
            .await
            .map(|all| listed(Listing::Whole(all))),
        (Shape::Paged, Some(since)) => match backend.deployment_changes(&query, &since).await {
            Ok(changes) => {
                let fresh = if changes.items.is_empty() && changes.deleted.is_empty() {
                    None
                } else {
                    match backend.list_deployments(&query, 1, None).await {
                        Ok(Listing::Page(page)) => Some(page),
                        _ => None,
                    }
                };
                Ok(Fetched::Changed(generation, changes, fresh))
            }
            // Too old for the backend: list again.
            Err(ApiError::Expired(_)) => backend
                .list_deployments(&query, FIRST_PAGE, None)
                .await
                .map(listed),
            Err(error) => Err(error),
        },
        _ => backend
            .list_deployments(&query, FIRST_PAGE, None)
            .await
            .map(listed),
    }
}

/// Applies what a poll brought: changed rows update in place, the table re-lays out only when
/// rows came, went or moved.
fn take(fetched: &Fetched, list: ListView, live: Live<Fetched>) {
    let first_whole = list.store.with_value(|s| {
        s.shape == Shape::Unknown && s.query.as_ref().is_some_and(|q| !q.phases.is_empty())
    });
    let applied = list
        .store
        .try_update_value(|s| match fetched.clone() {
            Fetched::Nothing => None,
            Fetched::Listed(generation, listing) => s.apply_listing(generation, listing),
            Fetched::Changed(generation, changes, fresh) => {
                s.apply_changes(generation, changes, fresh)
            }
        })
        .flatten();
    let Some(applied) = applied else { return };
    if matches!(fetched, Fetched::Listed(..)) && embed::reporting() {
        // First sight of the rows the embedding dashboard is told about.
        list.store
            .with_value(|s| s.each_listed(embed::report_phase));
    }
    for deployment in &applied.updated {
        list.mounted.show(deployment);
        embed::report_phase(deployment);
    }
    if applied.layout {
        list.relayout();
    }
    // A backend that answers whole lists may have filtered the first one by phase: the whole
    // list, for the counts of every phase, at once.
    if first_whole && list.store.with_value(|s| s.shape == Shape::Whole) {
        live.refresh();
    }
}
