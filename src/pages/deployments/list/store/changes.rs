//! What reaches a list after its rows are loaded: changes since its version, and the answers
//! to the page's own actions. Loaded rows update in place and rows that left go; nothing walks
//! more than the rows held.

use std::collections::{HashMap, HashSet};

use platform::list::{Changes, Cursor, Page, apply};
use platform::wire::Deployment;

use super::{Applied, End, Shape, Store};

impl Store {
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
        let chunks = self
            .head
            .iter_mut()
            .chain(self.tail.iter_mut())
            .filter_map(|c| c.rows.as_mut());
        let islands = self.islands.iter_mut().map(|i| &mut i.rows);
        for rows in chunks.chain(islands) {
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
        // A row put among the first rows moves every island down by one.
        for island in &mut self.islands {
            island.start += inserted;
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

    /// Removes the loaded deployments whose ID is `gone`; how many rows went. Islands move up
    /// by the rows that went above them (from the first rows, and from islands before them).
    fn remove_where(&mut self, gone: impl Fn(&str) -> bool) -> usize {
        let mut removed = 0;
        let mut above = 0;
        for (end, chunks) in [(End::Head, &mut self.head), (End::Tail, &mut self.tail)] {
            for chunk in chunks.iter_mut() {
                if let Some(rows) = chunk.rows.as_mut() {
                    let before = rows.len();
                    rows.retain(|d| !gone(&d.deployment_id));
                    let went = before - rows.len();
                    removed += went;
                    if end == End::Head {
                        above += went;
                    }
                    chunk.len = rows.len();
                }
            }
        }
        self.islands.sort_by_key(|i| i.start);
        for island in &mut self.islands {
            island.start = island.start.saturating_sub(above);
            let before = island.rows.len();
            island.rows.retain(|d| !gone(&d.deployment_id));
            let went = before - island.rows.len();
            removed += went;
            above += went;
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
            .chain(self.islands.iter_mut().flat_map(|i| i.rows.iter_mut()))
            .chain(self.whole.iter_mut());
        let mut found = false;
        for row in rows.filter(|d| d.deployment_id == id) {
            *row = deployment.clone();
            found = true;
        }
        found
    }

    /// Every loaded row of the list (a whole list: those its query shows).
    fn loaded(&self) -> impl Iterator<Item = &Deployment> {
        let whole = self.order.iter().filter_map(|p| self.whole.get(*p));
        let chunks = self.head.iter().chain(&self.tail);
        let islands = self.islands.iter().flat_map(|i| i.rows.iter());
        whole
            .chain(chunks.filter_map(|c| c.rows.as_ref()).flatten())
            .chain(islands)
    }

    /// Calls `f` with every loaded row of the list.
    pub fn each_listed(&self, f: impl FnMut(&Deployment)) {
        self.loaded().for_each(f);
    }

    /// Whether a loaded row is in a phase that moves on by itself (polls come sooner).
    pub fn moving(&self) -> bool {
        self.loaded().any(|d| d.phase.is_transient())
    }
}
