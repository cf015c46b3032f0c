//! What the console holds of one deployments list, row by row, and what it asks for next.
//!
//! - Against a backend that pages, rows arrive in chunks read from the top (`head`) and from
//!   the bottom (`tail`, the same query in the other order), so the first rows and the last
//!   are each one request away; a row in between is reached from the nearer end. Chunks far
//!   from the view drop their rows (keeping their tokens), so memory stays that of a few
//!   screens whatever the fleet.
//! - Against a backend that answers whole lists, every deployment is held once and the view is
//!   an order of positions into it, filtered and sorted by the platform's list rules.
//! - Changes (`since=`) update loaded rows in place: rows do not move under the reader; a new
//!   deployment that sorts among the first loaded rows is inserted there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use platform::list::{Changes, Cursor, DeploymentQuery, MAX_LIMIT, Order, Page, apply};
use platform::wire::Deployment;

use crate::api::Listing;

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
                if index < in_head {
                    locate(&self.head, index).and_then(|(k, at)| self.row(End::Head, k, at))
                } else {
                    let from_end = self.total.checked_sub(index + 1);
                    from_end
                        .and_then(|j| locate(&self.tail, j))
                        .and_then(|(k, at)| self.row(End::Tail, k, at))
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

    /// Whether an end has been read to the other end of the list.
    fn done(&self, end: End) -> bool {
        self.chunks(end).last().is_some_and(|c| c.next.is_none())
    }

    /// The first request the rows `range` still need, if any.
    pub fn wanted(&self, range: Range<usize>) -> Option<ChunkAsk> {
        // The first page of a new query is already asked for.
        if self.shape != Shape::Paged || self.awaiting {
            return None;
        }
        let query = self.query.as_ref()?;
        let in_head = length(&self.head);
        let in_tail = length(&self.tail);
        let index = range
            .clone()
            .find(|i| *i < self.total && self.slot(*i) == Slot::Pending)?;
        let ask = |end: End, slot: usize, token: Option<String>, limit: usize| ChunkAsk {
            generation: self.generation,
            end,
            slot,
            query: match end {
                End::Head => query.clone(),
                End::Tail => reversed(query),
            },
            token,
            limit: limit.clamp(1, MAX_LIMIT),
        };
        // A dropped chunk is read again from its own token.
        if index < in_head {
            let (k, _) = locate(&self.head, index)?;
            let chunk = self.head.get(k)?;
            return Some(ask(End::Head, k, chunk.from.clone(), chunk.len));
        }
        let from_end = self.total - 1 - index;
        if from_end < in_tail {
            let (k, _) = locate(&self.tail, from_end)?;
            let chunk = self.tail.get(k)?;
            return Some(ask(End::Tail, k, chunk.from.clone(), chunk.len));
        }
        // A gap: read on from the nearer end, in one long step when the row is far.
        let from_head = index - in_head;
        let from_tail = from_end - in_tail;
        let end = if self.done(End::Tail) || (!self.done(End::Head) && from_head <= from_tail) {
            End::Head
        } else {
            End::Tail
        };
        let (gap, chunks) = match end {
            End::Head => (from_head, &self.head),
            End::Tail => (from_tail, &self.tail),
        };
        let token = match chunks.last() {
            None => None,
            Some(last) => Some(last.next.clone()?),
        };
        let limit = if gap >= CHUNK { MAX_LIMIT } else { CHUNK };
        Some(ask(end, chunks.len(), token, limit))
    }

    /// Takes the answer to `ask`, keeping rows near `near` when others must go; `None` when the
    /// answer belongs to another list or place.
    pub fn apply_chunk(
        &mut self,
        ask: &ChunkAsk,
        page: Page<Deployment>,
        near: usize,
    ) -> Option<Applied> {
        if ask.generation != self.generation || self.shape != Shape::Paged {
            return None;
        }
        let chunks = self.chunks_mut(ask.end);
        if ask.slot > chunks.len() {
            return None;
        }
        let chunk = Chunk {
            from: ask.token.clone(),
            next: page.next,
            len: page.items.len(),
            rows: Some(page.items),
        };
        if ask.slot == chunks.len() {
            chunks.push(chunk);
        } else if let Some(old) = chunks.get_mut(ask.slot) {
            *old = chunk;
        }
        self.total = usize::try_from(page.total).unwrap_or(usize::MAX);
        self.counts = Some(page.counts);
        // An end read through to the other holds the whole list.
        if self.done(ask.end) {
            self.total = length(self.chunks(ask.end));
        }
        self.drop_far_rows(ask.end, ask.slot, near);
        Some(Applied {
            updated: Vec::new(),
            layout: true,
        })
    }

    /// The rows of a chunk as indices of the view.
    fn span(&self, end: End, chunk: usize) -> Range<usize> {
        let chunks = self.chunks(end);
        let before = length(&chunks[..chunk.min(chunks.len())]);
        let len = chunks.get(chunk).map_or(0, |c| c.len);
        match end {
            End::Head => before..before + len,
            End::Tail => {
                let end_at = self.total.saturating_sub(before);
                end_at.saturating_sub(len)..end_at
            }
        }
    }

    /// Drops the rows of the chunks farthest from `near` while more than [`MAX_HELD`] are held,
    /// never those of the chunk just read.
    fn drop_far_rows(&mut self, keep_end: End, keep: usize, near: usize) {
        while held(&self.head) + held(&self.tail) > MAX_HELD {
            let distance = |span: Range<usize>| {
                if near < span.start {
                    span.start - near
                } else {
                    near.saturating_sub(span.end)
                }
            };
            let farthest = [End::Head, End::Tail]
                .into_iter()
                .flat_map(|end| (0..self.chunks(end).len()).map(move |k| (end, k)))
                .filter(|(end, k)| {
                    !(*end == keep_end && *k == keep)
                        && self.chunks(*end).get(*k).is_some_and(|c| c.rows.is_some())
                })
                .max_by_key(|(end, k)| distance(self.span(*end, *k)));
            let Some((end, k)) = farthest else { return };
            if let Some(chunk) = self.chunks_mut(end).get_mut(k) {
                chunk.rows = None;
            }
        }
    }

    /// How many rows are held now.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        match self.shape {
            Shape::Whole => self.whole.len(),
            _ => held(&self.head) + held(&self.tail),
        }
    }

    /// Takes changes since [`Self::version`] (and, when some came, a fresh one-row page of the
    /// query for the total and counts).
    pub fn apply_changes(
        &mut self,
        generation: u64,
        changes: Changes<Deployment>,
        fresh: Option<Page<Deployment>>,
    ) -> Option<Applied> {
        if generation != self.generation || self.shape != Shape::Paged {
            return None;
        }
        self.version = Some(changes.resource_version);
        let deleted: HashSet<&str> = changes.deleted.iter().map(String::as_str).collect();
        let mut changed: HashMap<&str, &Deployment> = changes
            .items
            .iter()
            .map(|d| (d.deployment_id.as_str(), d))
            .collect();
        let mut applied = Applied::default();
        let removed = self.remove_where(|id| deleted.contains(id));
        for chunk in self.head.iter_mut().chain(self.tail.iter_mut()) {
            let Some(rows) = chunk.rows.as_mut() else {
                continue;
            };
            for row in rows.iter_mut() {
                if let Some(new) = changed.remove(row.deployment_id.as_str())
                    && row != new
                {
                    *row = new.clone();
                    applied.updated.push(new.clone());
                }
            }
        }
        let mut inserted = 0;
        for new in changed.into_values() {
            if self.insert_in_head(new) {
                inserted += 1;
            }
        }
        let (total, counts) = (self.total, self.counts.clone());
        self.total = (self.total + inserted).saturating_sub(removed);
        if let Some(fresh) = fresh {
            self.total = usize::try_from(fresh.total).unwrap_or(usize::MAX);
            self.counts = Some(fresh.counts);
        }
        applied.layout =
            removed > 0 || inserted > 0 || total != self.total || counts != self.counts;
        Some(applied)
    }

    /// Puts a deployment that was not loaded among the first rows, when it sorts before the
    /// last of the rows loaded without a gap from the top (or the whole list is loaded).
    fn insert_in_head(&mut self, new: &Deployment) -> bool {
        let Some(query) = self.query.clone() else {
            return false;
        };
        let key = |d: &Deployment| Cursor {
            value: query.sort_value(d, apply::created_of(d)),
            id: d.deployment_id.clone(),
        };
        let new_value = query.sort_value(new, apply::created_of(new));
        let whole_list = self.done(End::Head) && self.head.iter().all(|c| c.rows.is_some());
        let last = self.head.len().saturating_sub(1);
        for (k, chunk) in self.head.iter_mut().enumerate() {
            let Some(rows) = chunk.rows.as_mut() else {
                return false;
            };
            // The first row the new one comes before.
            let place = rows
                .iter()
                .position(|row| !key(row).is_before(&new_value, &new.deployment_id, query.order));
            match place {
                Some(at) => {
                    rows.insert(at, new.clone());
                }
                None if whole_list && k == last => rows.push(new.clone()),
                None => continue,
            }
            chunk.len = rows.len();
            return true;
        }
        false
    }

    /// Takes a newer deployment the page got itself (the answer to an action): its row
    /// updates, or leaves when the query no longer lists it (a deprovisioned deployment under
    /// the live phases).
    pub fn take_own(&mut self, deployment: &Deployment) -> Applied {
        let listed = self.query.as_ref().is_some_and(|q| q.matches(deployment));
        match self.shape {
            Shape::Whole => {
                let mut whole = self.whole.clone();
                for row in whole.iter_mut() {
                    if row.deployment_id == deployment.deployment_id {
                        *row = deployment.clone();
                    }
                }
                self.replace_whole(whole)
            }
            _ if listed => Applied {
                updated: if self.replace(deployment) {
                    vec![deployment.clone()]
                } else {
                    Vec::new()
                },
                layout: false,
            },
            _ => {
                let removed = self.remove_where(|id| id == deployment.deployment_id);
                self.total = self.total.saturating_sub(removed);
                Applied {
                    updated: Vec::new(),
                    layout: removed > 0,
                }
            }
        }
    }

    /// Removes the loaded deployments whose ID is `gone`; how many rows went.
    fn remove_where(&mut self, gone: impl Fn(&str) -> bool) -> usize {
        let mut removed = 0;
        for chunk in self.head.iter_mut().chain(self.tail.iter_mut()) {
            if let Some(rows) = chunk.rows.as_mut() {
                let before = rows.len();
                rows.retain(|d| !gone(&d.deployment_id));
                removed += before - rows.len();
                chunk.len = rows.len();
            }
        }
        removed
    }

    /// Replaces a loaded deployment with a newer one; whether it was loaded.
    fn replace(&mut self, deployment: &Deployment) -> bool {
        let id = deployment.deployment_id.as_str();
        let rows = self
            .head
            .iter_mut()
            .chain(self.tail.iter_mut())
            .filter_map(|c| c.rows.as_mut())
            .flatten()
            .chain(self.whole.iter_mut());
        let mut found = false;
        for row in rows.filter(|d| d.deployment_id == id) {
            *row = deployment.clone();
            found = true;
        }
        found
    }

    /// Calls `f` with every loaded row of the list.
    pub fn each_listed(&self, mut f: impl FnMut(&Deployment)) {
        match self.shape {
            Shape::Whole => self
                .order
                .iter()
                .filter_map(|p| self.whole.get(*p))
                .for_each(f),
            _ => self
                .head
                .iter()
                .chain(&self.tail)
                .filter_map(|c| c.rows.as_ref())
                .flatten()
                .for_each(&mut f),
        }
    }

    /// Whether a loaded row is in a phase that moves on by itself (polls come sooner).
    pub fn moving(&self) -> bool {
        let moving = |d: &Deployment| d.phase.is_transient();
        match self.shape {
            Shape::Whole => self.whole.iter().any(moving),
            _ => self
                .head
                .iter()
                .chain(&self.tail)
                .filter_map(|c| c.rows.as_ref())
                .flatten()
                .any(moving),
        }
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
