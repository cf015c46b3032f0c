//! What the console holds of one deployments list, row by row, and what it asks for next.
//!
//! - Against a backend that pages, rows arrive in chunks read from the top (`head`) and from
//!   the bottom (`tail`, the same query in the other order), so the first rows and the last
//!   are each one request away; a row near the rows read is reached from the nearer end, and a
//!   row far from both is read where it is, by its offset (an `island`), so a jump anywhere
//!   is one request. Chunks far from the view drop their rows (keeping their tokens; islands
//!   go whole), so memory stays that of a few screens whatever the fleet.
//! - Against a backend that answers whole lists, every deployment is held once and the view is
//!   an order of positions into it, filtered and sorted by the platform's list rules.
//! - Changes (`since=`) update loaded rows in place: rows do not move under the reader; a new
//!   deployment that sorts among the first loaded rows is inserted there.

use std::collections::{BTreeMap, HashMap};

use platform::list::{DeploymentQuery, Order, apply};
use platform::wire::Deployment;

use crate::api::Listing;

mod changes;
mod chunks;

/// Rows asked for near the view.
pub const CHUNK: usize = 200;
/// Pending rows shown at most while a new query's first answer is on its way.
pub const PLACEHOLDER_ROWS: usize = 12;
/// Rows held before chunks far from the view drop theirs.
pub const MAX_HELD: usize = 3_000;

/// How the backend answers lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Not known yet.
    Unknown,
    /// Pages with `continue`, `total` and `resourceVersion`.
    Paged,
    /// Every deployment at once.
    Whole,
}

/// Which end a chunk was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// From the top, in the list's order.
    Head,
    /// From the bottom, in the other order.
    Tail,
}

/// A request for rows the view needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkAsk {
    /// The list it belongs to ([`Store::generation`]).
    pub generation: u64,
    /// The end it is read from.
    pub end: End,
    /// The chunk it fills or replaces (its place from that end).
    pub slot: usize,
    /// The query, in the order of that end.
    pub query: DeploymentQuery,
    /// Where it starts (`None`: at that end).
    pub token: Option<String>,
    /// How many rows.
    pub limit: usize,
    /// Read from this row of the list, in the list's order (a jump): the rows become an
    /// island there, and `end`, `slot` and `token` do not apply.
    pub offset: Option<usize>,
}

/// Rows read where a jump landed (by offset), away from both ends.
#[derive(Debug, Clone)]
struct Island {
    /// The row of the list its first row is.
    start: usize,
    /// Its rows, in the list's order.
    rows: Vec<Deployment>,
}

#[derive(Debug, Clone)]
struct Chunk {
    /// The token that read it (`None`: its end's first page).
    from: Option<String>,
    /// The token of the chunk after it; `None` when the list ends there.
    next: Option<String>,
    len: usize,
    /// Its rows, in the order of its end; `None` once dropped.
    rows: Option<Vec<Deployment>>,
}

/// A row of the view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot<'a> {
    /// Loaded.
    Row(&'a Deployment),
    /// Still to come.
    Pending,
}

/// What applying an answer changed.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// Loaded deployments whose data changed (their rows update in place).
    pub updated: Vec<Deployment>,
    /// Rows came, went or moved, or the total or counts changed.
    pub layout: bool,
}

/// One list as the console holds it.
#[derive(Debug)]
pub struct Store {
    /// The query listed (`None` until the view has a readable one).
    pub query: Option<DeploymentQuery>,
    /// Bumped by every new query or listing again; answers of an older one are dropped.
    pub generation: u64,
    /// How the backend answers.
    pub shape: Shape,
    /// Rows in the list.
    pub total: usize,
    /// Deployments per phase under the filters other than phase (`None` while unknown).
    pub counts: Option<BTreeMap<String, u64>>,
    /// The version to ask changes since (paged backends).
    pub version: Option<String>,
    /// Whether a listing arrived, for this query or an earlier one.
    pub listed: bool,
    /// Whether this query's first answer is still to come (its rows show as pending).
    pub awaiting: bool,
    head: Vec<Chunk>,
    tail: Vec<Chunk>,
    islands: Vec<Island>,
    whole: Vec<Deployment>,
    order: Vec<usize>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            query: None,
            generation: 0,
            shape: Shape::Unknown,
            total: 0,
            counts: None,
            version: None,
            listed: false,
            awaiting: false,
            head: Vec::new(),
            tail: Vec::new(),
            islands: Vec::new(),
            whole: Vec::new(),
            order: Vec::new(),
        }
    }
}

fn reversed(query: &DeploymentQuery) -> DeploymentQuery {
    let order = match query.order {
        Order::Asc => Order::Desc,
        Order::Desc => Order::Asc,
    };
    DeploymentQuery {
        order,
        ..query.clone()
    }
}

fn held(chunks: &[Chunk]) -> usize {
    chunks
        .iter()
        .filter_map(|c| c.rows.as_ref().map(Vec::len))
        .sum()
}

fn length(chunks: &[Chunk]) -> usize {
    chunks.iter().map(|c| c.len).sum()
}

/// The chunk holding the `at`-th row from its end, and the row's place in it.
fn locate(chunks: &[Chunk], mut at: usize) -> Option<(usize, usize)> {
    for (k, chunk) in chunks.iter().enumerate() {
        if at < chunk.len {
            return Some((k, at));
        }
        at -= chunk.len;
    }
    None
}

impl Store {
    /// Starts over with `query` (the shape learnt stays); returns the new generation. Until
    /// its first answer, up to a screen of pending rows stands where the old rows were, so the
    /// table does not jump.
    pub fn reset(&mut self, query: Option<DeploymentQuery>) -> u64 {
        let generation = self.generation + 1;
        *self = Store {
            awaiting: query.is_some(),
            query,
            generation,
            shape: self.shape,
            listed: self.listed,
            total: self.total.min(PLACEHOLDER_ROWS),
            counts: self.counts.take(),
            ..Store::default()
        };
        generation
    }

    /// Takes a first answer for generation `generation`; `None` when it belongs to another.
    pub fn apply_listing(&mut self, generation: u64, listing: Listing) -> Option<Applied> {
        if generation != self.generation {
            return None;
        }
        self.listed = true;
        self.awaiting = false;
        Some(match listing {
            Listing::Page(page) => {
                self.shape = Shape::Paged;
                self.total = usize::try_from(page.total).unwrap_or(usize::MAX);
                self.counts = Some(page.counts);
                self.version = Some(page.resource_version);
                let len = page.items.len();
                if page.next.is_none() {
                    self.total = len;
                }
                self.head = vec![Chunk {
                    from: None,
                    next: page.next,
                    len,
                    rows: Some(page.items),
                }];
                self.tail.clear();
                self.islands.clear();
                Applied {
                    updated: Vec::new(),
                    layout: true,
                }
            }
            Listing::Whole(items) => {
                self.shape = Shape::Whole;
                self.replace_whole(items)
            }
        })
    }

    /// A whole list again: rows whose deployment changed update, the order is made again.
    fn replace_whole(&mut self, items: Vec<Deployment>) -> Applied {
        let before: HashMap<&str, &Deployment> = self
            .whole
            .iter()
            .map(|d| (d.deployment_id.as_str(), d))
            .collect();
        let updated: Vec<Deployment> = items
            .iter()
            .filter(|d| {
                before
                    .get(d.deployment_id.as_str())
                    .is_some_and(|old| *old != *d)
            })
            .cloned()
            .collect();
        drop(before);
        let old_order: Vec<String> = self
            .order
            .iter()
            .filter_map(|p| self.whole.get(*p))
            .map(|d| d.deployment_id.clone())
            .collect();
        let old_counts = self.counts.clone();
        self.whole = items;
        self.select();
        let same_order = self.order.len() == old_order.len()
            && self
                .order
                .iter()
                .zip(&old_order)
                .all(|(p, id)| self.whole.get(*p).is_some_and(|d| &d.deployment_id == id));
        Applied {
            updated,
            layout: !same_order || old_counts != self.counts,
        }
    }

    /// Filters and sorts the whole list by the query (the platform's rules).
    fn select(&mut self) {
        let Some(query) = &self.query else {
            self.order.clear();
            self.total = 0;
            return;
        };
        let selection = apply::select(self.whole.iter().map(apply::Entry::of), query);
        self.total = selection.order.len();
        self.counts = Some(selection.counts.to_map());
        self.order = selection.order;
    }

    /// The row at `index` of the view.
    pub fn slot(&self, index: usize) -> Slot<'_> {
        let found = match self.shape {
            Shape::Whole => self.order.get(index).and_then(|p| self.whole.get(*p)),
            Shape::Unknown => None,
            Shape::Paged => {
                let in_head = length(&self.head);
                let from_end = self.total.checked_sub(index + 1);
                if index < in_head {
                    locate(&self.head, index).and_then(|(k, at)| self.row(End::Head, k, at))
                } else if let Some(row) = from_end
                    .and_then(|j| locate(&self.tail, j))
                    .and_then(|(k, at)| self.row(End::Tail, k, at))
                {
                    Some(row)
                } else {
                    self.islands.iter().find_map(|island| {
                        index
                            .checked_sub(island.start)
                            .and_then(|at| island.rows.get(at))
                    })
                }
            }
        };
        found.map_or(Slot::Pending, Slot::Row)
    }

    fn row(&self, end: End, chunk: usize, at: usize) -> Option<&Deployment> {
        self.chunks(end).get(chunk)?.rows.as_ref()?.get(at)
    }

    fn chunks(&self, end: End) -> &Vec<Chunk> {
        match end {
            End::Head => &self.head,
            End::Tail => &self.tail,
        }
    }

    fn chunks_mut(&mut self, end: End) -> &mut Vec<Chunk> {
        match end {
            End::Head => &mut self.head,
            End::Tail => &mut self.tail,
        }
    }

    /// Rows held in islands.
    fn island_rows(&self) -> usize {
        self.islands.iter().map(|i| i.rows.len()).sum()
    }

    /// Whether an end has been read to the other end of the list.
    fn done(&self, end: End) -> bool {
        self.chunks(end).last().is_some_and(|c| c.next.is_none())
    }

    /// How many rows are held now.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        match self.shape {
            Shape::Whole => self.whole.len(),
            _ => held(&self.head) + held(&self.tail) + self.island_rows(),
        }
    }
}

#[cfg(test)]
mod tests;
