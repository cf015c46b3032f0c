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

/// The page `request` asks for among `entries` (in any order), at `resource_version`.
pub fn page<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    request: &ListRequest,
    resource_version: u64,
) -> Page<Deployment> {
    let query = &request.query;
    let mut counts = PhaseCounts::default();
    let mut listed: Vec<(SortValue, &Deployment)> = Vec::new();
    for entry in entries {
        let deployment = entry.deployment;
        if !query.matches_except_phase(deployment) {
            continue;
        }
        counts.add(&deployment.phase);
        if query.phase_matches(&deployment.phase) {
            listed.push((query.sort_value(deployment, entry.created), deployment));
        }
    }
    let total = listed.len() as u64;
    listed.sort_by(|(va, a), (vb, b)| {
        let order = (va, a.deployment_id.as_str()).cmp(&(vb, b.deployment_id.as_str()));
        match query.order {
            super::Order::Asc => order,
            super::Order::Desc => order.reverse(),
        }
    });
    let mut rest = listed.into_iter().filter(|(value, deployment)| {
        request
            .after
            .as_ref()
            .is_none_or(|cursor| cursor.is_before(value, &deployment.deployment_id, query.order))
    });
    let limit = request.limit.unwrap_or(usize::MAX);
    let mut items = Vec::new();
    let mut last = None;
    for (value, deployment) in rest.by_ref().take(limit) {
        items.push(deployment.clone());
        last = Some(Cursor {
            value,
            id: deployment.deployment_id.clone(),
        });
    }
    let next = match (rest.next(), last) {
        (Some(_), Some(cursor)) => Some(request.continue_token(&cursor)),
        _ => None,
    };
    Page {
        items,
        next,
        total,
        counts: counts.to_map(),
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
