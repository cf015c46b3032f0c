//! Lists at fleet scale (docs/api.md, "Lists at fleet scale"): the deployments list's filters,
//! sort orders, pages and change feed, and the devices list's pages. The backend's stores, the
//! simulator and the console all read these rules from here:
//! - [`DeploymentQuery`]: what a list shows (phases, labels, search, package) and in what order;
//! - [`ListRequest`]: a query plus `limit`, `continue` and `since`, read from the query string,
//!   every bad value refused with a sentence (400);
//! - [`Page`] and [`Changes`]: the answers, with `total`, per-phase `counts` and
//!   `resourceVersion`;
//! - [`apply`]: the same rules over deployments held in memory (the simulator, and a console
//!   talking to a backend that answers whole lists).

pub mod apply;
mod devices;
mod history;
mod request;
mod token;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::errors::PlatformError;
use crate::phase::Phase;
use crate::time::Millis;
use crate::wire::{Deployment, Label};

pub use devices::{
    DeviceListRequest, DevicePage, DeviceQuery, FitFilter, MAX_DEVICE_IDS, select_page,
};
pub use history::{HistoryPage, HistoryRequest};
pub use request::{ListRequest, parse_limit};
pub(crate) use request::{bad, first, labels, values};
pub use token::{base64url_decode, base64url_encode};

/// Most items one page can hold (`limit`).
pub const MAX_LIMIT: usize = 1000;
/// Most changes one `since` answer carries; past that, the client lists again (410).
pub const MAX_CHANGES: usize = 1000;

/// What a list is ordered by; ties are always broken by `deploymentId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    /// Creation time (the default, newest first).
    #[default]
    Created,
    /// Name.
    Name,
    /// Lifecycle order of the phase (In progress first, Deployment stopped last).
    Phase,
    /// Current generation.
    Generation,
}

impl SortKey {
    /// Every key, as `sort=` spells them.
    pub const ALL: [SortKey; 4] = [
        SortKey::Created,
        SortKey::Name,
        SortKey::Phase,
        SortKey::Generation,
    ];

    /// How `sort=` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Name => "name",
            SortKey::Phase => "phase",
            SortKey::Generation => "generation",
        }
    }

    /// The key `sort=` names, if any.
    pub fn parse(text: &str) -> Option<SortKey> {
        SortKey::ALL
            .into_iter()
            .find(|key| key.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The order used when `order=` is not given: newest first for creation time, ascending
    /// otherwise.
    pub fn default_order(self) -> Order {
        match self {
            SortKey::Created => Order::Desc,
            _ => Order::Asc,
        }
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Smallest first.
    Asc,
    /// Largest first (the default order goes with the default key, creation time).
    #[default]
    Desc,
}

impl Order {
    /// How `order=` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }

    /// The order `order=` names, if any.
    pub fn parse(text: &str) -> Option<Order> {
        match text.trim().to_ascii_lowercase().as_str() {
            "asc" => Some(Order::Asc),
            "desc" => Some(Order::Desc),
            _ => None,
        }
    }
}

/// The value a deployment is sorted by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    /// Creation time (ms), phase rank or generation.
    Int(i64),
    /// Name.
    Text(String),
}

/// How names are compared by `search`: lower-cased (stores keep this form in an indexed column).
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Which deployments a list shows and in what order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeploymentQuery {
    /// Any of these phases (all when empty). Kept in lifecycle order, without repeats.
    #[serde(default, rename = "phase", skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// Every one of these labels (sorted, without repeats).
    #[serde(default, rename = "label", skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Text the name contains, folded with [`fold`]; empty for any name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub search: String,
    /// Only this package's deployments; empty for any.
    #[serde(
        default,
        rename = "packageId",
        skip_serializing_if = "String::is_empty"
    )]
    pub package_id: String,
    /// The sort key.
    #[serde(default)]
    pub sort: SortKey,
    /// The order.
    #[serde(default)]
    pub order: Order,
}

impl DeploymentQuery {
    /// A query with its parts in their canonical form, so two spellings of one query compare
    /// equal (phases in lifecycle order, labels sorted, search folded).
    pub fn new(
        phases: Vec<Phase>,
        labels: Vec<Label>,
        search: &str,
        package_id: &str,
        sort: SortKey,
        order: Order,
    ) -> DeploymentQuery {
        let mut phases = phases;
        phases.sort_by(|a, b| {
            (a.rank().unwrap_or(usize::MAX), a.as_str())
                .cmp(&(b.rank().unwrap_or(usize::MAX), b.as_str()))
        });
        phases.dedup();
        let mut labels: Vec<Label> = labels
            .into_iter()
            .map(|l| Label {
                key: l.key.trim().to_string(),
                value: l.value.trim().to_string(),
            })
            .collect();
        labels.sort();
        labels.dedup();
        DeploymentQuery {
            phases,
            labels,
            search: fold(search),
            package_id: package_id.trim().to_string(),
            sort,
            order,
        }
    }

    /// Whether `phase` passes the phase filter.
    pub fn phase_matches(&self, phase: &Phase) -> bool {
        self.phases.is_empty() || self.phases.contains(phase)
    }

    /// Whether `deployment` passes every filter but the phase one (what `counts` count).
    pub fn matches_except_phase(&self, deployment: &Deployment) -> bool {
        self.labels
            .iter()
            .all(|label| label.is_in(&deployment.labels))
            && (self.search.is_empty() || fold(&deployment.name).contains(&self.search))
            && (self.package_id.is_empty() || deployment.package_id == self.package_id)
    }

    /// Whether `deployment` is in the list.
    pub fn matches(&self, deployment: &Deployment) -> bool {
        self.phase_matches(&deployment.phase) && self.matches_except_phase(deployment)
    }

    /// The ranks of the phases asked for; `None` when any phase will do. Unknown words match no
    /// deployment, so they add no rank.
    pub fn phase_ranks(&self) -> Option<Vec<usize>> {
        (!self.phases.is_empty()).then(|| self.phases.iter().filter_map(Phase::rank).collect())
    }

    /// The value `deployment` (created at `created`) is sorted by.
    pub fn sort_value(&self, deployment: &Deployment, created: Millis) -> SortValue {
        sort_value(self.sort, deployment, created)
    }

    /// Which of two deployments comes first in the query's order: `a` (sorted by `a_value`,
    /// ID `a_id`) is `Less` when it is listed before `b`. Ties of the value are broken by the
    /// ID, in the same direction. Lists, pages and cursors all order by this.
    pub fn compare(
        &self,
        a_value: &SortValue,
        a_id: &str,
        b_value: &SortValue,
        b_id: &str,
    ) -> Ordering {
        in_order(self.order, (a_value, a_id), (b_value, b_id))
    }

    /// Whether the query filters on something besides the phase.
    pub fn has_scope_filter(&self) -> bool {
        !self.labels.is_empty() || !self.search.is_empty() || !self.package_id.is_empty()
    }
}

/// The value `deployment` (created at `created`) is sorted by under `key`.
pub fn sort_value(key: SortKey, deployment: &Deployment, created: Millis) -> SortValue {
    match key {
        SortKey::Created => SortValue::Int(created.0),
        SortKey::Name => SortValue::Text(deployment.name.clone()),
        SortKey::Phase => SortValue::Int(phase_sort_rank(&deployment.phase)),
        SortKey::Generation => {
            SortValue::Int(i64::try_from(deployment.current_generation).unwrap_or(i64::MAX))
        }
    }
}

/// A phase's rank as `sort=phase` orders it (unknown words last).
pub fn phase_sort_rank(phase: &Phase) -> i64 {
    phase.rank().map_or(i64::from(u8::MAX), |rank| rank as i64)
}

/// Where a page ends: the last item's sort value and ID. The next page starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The sort value.
    pub value: SortValue,
    /// The deployment ID (the tie-breaker).
    pub id: String,
}

impl Cursor {
    /// Whether an item with `value` and `id` comes after the cursor in `order`.
    pub fn is_before(&self, value: &SortValue, id: &str, order: Order) -> bool {
        in_order(order, (value, id), (&self.value, self.id.as_str())) == Ordering::Greater
    }
}

/// `a` against `b` in `order`: the value, then the ID (the one place lists are ordered).
fn in_order(order: Order, a: (&SortValue, &str), b: (&SortValue, &str)) -> Ordering {
    let ascending = a.cmp(&b);
    match order {
        Order::Asc => ascending,
        Order::Desc => ascending.reverse(),
    }
}

/// How many deployments are in each phase, by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhaseCounts(pub [u64; 7]);

impl PhaseCounts {
    /// Adds one deployment in `phase` (unknown phases are not counted).
    pub fn add(&mut self, phase: &Phase) {
        if let Some(slot) = phase.rank().and_then(|rank| self.0.get_mut(rank)) {
            *slot += 1;
        }
    }

    /// How many match the query's phase filter.
    pub fn total(&self, query: &DeploymentQuery) -> u64 {
        match query.phase_ranks() {
            None => self.0.iter().sum(),
            Some(ranks) => ranks.iter().filter_map(|rank| self.0.get(*rank)).sum(),
        }
    }

    /// The answer's `counts`: every known phase by its name.
    pub fn to_map(&self) -> BTreeMap<String, u64> {
        Phase::KNOWN
            .iter()
            .zip(self.0)
            .map(|(phase, n)| (phase.as_str().to_string(), n))
            .collect()
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items, in the query's order.
    pub items: Vec<T>,
    /// The token for the next page; `None` (null) on the last one.
    #[serde(rename = "continue")]
    pub next: Option<String>,
    /// How many items the whole list holds.
    pub total: u64,
    /// How many deployments each phase holds under the filters other than the phase.
    pub counts: BTreeMap<String, u64>,
    /// The version of the data this page shows; pass it as `since` to get what changes next.
    #[serde(rename = "resourceVersion")]
    pub resource_version: String,
}

/// What changed after a resourceVersion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes<T> {
    /// Changed deployments that the query lists.
    pub items: Vec<T>,
    /// IDs of changed deployments the query no longer lists (or that are gone).
    pub deleted: Vec<String>,
    /// The version these changes bring the client to.
    #[serde(rename = "resourceVersion")]
    pub resource_version: String,
}

/// A deployments list answer: a page, or (when the request has `since`) what changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ListAnswer<T = Deployment> {
    /// A page of the list.
    Page(Page<T>),
    /// What changed after `since`.
    Changes(Changes<T>),
}

/// Whether a `since` answer can be given: `since` must come from this backend's current
/// history (`epoch` ≤ since ≤ `current`, the store's first and latest versions), and at most
/// [`MAX_CHANGES`] deployments may have changed since (`changed`, counted up to one more).
pub fn check_since(
    since: u64,
    epoch: u64,
    current: u64,
    changed: usize,
) -> Result<(), PlatformError> {
    if since > current || since < epoch {
        return Err(PlatformError::Expired(format!(
            "resourceVersion {since} is not one this backend can answer from (it keeps {epoch} to {current}); list again."
        )));
    }
    if changed > MAX_CHANGES {
        return Err(PlatformError::Expired(format!(
            "More than {MAX_CHANGES} items of this list changed since resourceVersion {since}; list again."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
