//! The list rules over deployments held in memory: the simulator answers with these, the
//! backend's stores are tested against them, and a console talking to a backend that answers
//! whole lists can window, filter and sort with them.

use std::borrow::Borrow;

use super::{Changes, Cursor, DeploymentQuery, ListRequest, Page, PhaseCounts, SortValue};
use crate::time::Millis;
use crate::wire::Deployment;

/// A deployment as a list sees it: the object and when it was created.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The deployment.
    pub deployment: &'a Deployment,
    /// When it was created (the `created` sort key).
    pub created: Millis,
}

impl<'a> Entry<'a> {
    /// A deployment as a client that holds only the wire object sees it: created at its
    /// `CreatedAt` ([`created_of`]).
    pub fn of(deployment: &'a Deployment) -> Entry<'a> {
        Entry {
            deployment,
            created: created_of(deployment),
        }
    }
}

/// When `deployment` was created, read from its `CreatedAt` (RFC 3339); the Unix epoch when
/// that is not a time, so such a deployment sorts as the oldest.
pub fn created_of(deployment: &Deployment) -> Millis {
    Millis::parse_rfc3339(&deployment.created_at).unwrap_or_default()
}

/// The deployments a query lists among entries held in memory, and the counts beside them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Positions (in the order the entries were given) of the entries the query lists, in the
    /// query's order ([`DeploymentQuery::compare`]); its length is the list's `total`.
    pub order: Vec<usize>,
    /// How many entries each phase holds under the filters other than the phase.
    pub counts: PhaseCounts,
}

/// Filters and orders `entries` by `query`: the whole list, not one page of it.
pub fn select<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    query: &DeploymentQuery,
) -> Selection {
    let mut counts = PhaseCounts::default();
    let mut listed: Vec<(SortValue, &str, usize)> = Vec::new();
    for (position, entry) in entries.into_iter().enumerate() {
        let deployment = entry.deployment;
        if !query.matches_except_phase(deployment) {
            continue;
        }
        counts.add(&deployment.phase);
        if query.phase_matches(&deployment.phase) {
            let value = query.sort_value(deployment, entry.created);
            listed.push((value, deployment.deployment_id.as_str(), position));
        }
    }
    listed.sort_by(|(va, a, _), (vb, b, _)| query.compare(va, a, vb, b));
    Selection {
        order: listed
            .into_iter()
            .map(|(_, _, position)| position)
            .collect(),
        counts,
    }
}

/// The page `request` asks for among `entries` (in any order), at `resource_version`.
pub fn page<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    request: &ListRequest,
    resource_version: u64,
) -> Page<Deployment> {
    let query = &request.query;
    let entries: Vec<Entry<'a>> = entries.into_iter().collect();
    let selection = select(entries.iter().copied(), query);
    let listed: Vec<Entry<'a>> = selection
        .order
        .iter()
        .filter_map(|position| entries.get(*position).copied())
        .collect();
    let cursor_of = |entry: &Entry<'_>| Cursor {
        value: query.sort_value(entry.deployment, entry.created),
        id: entry.deployment.deployment_id.clone(),
    };
    // Listed in the order cursors compare in, so the items at or before the cursor lead.
    let start = match (&request.after, request.offset) {
        (Some(after), _) => listed.partition_point(|entry| {
            let Cursor { value, id } = cursor_of(entry);
            !after.is_before(&value, &id, query.order)
        }),
        (None, Some(offset)) => offset.min(listed.len()),
        (None, None) => 0,
    };
    let end = start
        .saturating_add(request.limit.unwrap_or(usize::MAX))
        .min(listed.len());
    let shown = listed.get(start..end).unwrap_or_default();
    let next = match shown.last() {
        Some(last) if end < listed.len() => Some(request.continue_token(&cursor_of(last))),
        _ => None,
    };
    Page {
        items: shown.iter().map(|entry| entry.deployment.clone()).collect(),
        next,
        total: listed.len() as u64,
        counts: selection.counts.to_map(),
        resource_version: resource_version.to_string(),
    }
}

/// The answer to `since`: of the deployments that `changed`, those the query lists are items,
/// the others are deleted (the client drops them if it shows them).
pub fn changes<T, D: Borrow<Deployment>>(
    changed: impl IntoIterator<Item = (D, T)>,
    query: &DeploymentQuery,
    resource_version: u64,
) -> Changes<T> {
    let mut items = Vec::new();
    let mut deleted = Vec::new();
    for (deployment, item) in changed {
        let deployment = deployment.borrow();
        if query.matches(deployment) {
            items.push(item);
        } else {
            deleted.push(deployment.deployment_id.clone());
        }
    }
    Changes {
        items,
        deleted,
        resource_version: resource_version.to_string(),
    }
}
