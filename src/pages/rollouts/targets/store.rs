//! What the console holds of a rollout's targets: chunks of rows read by offset (so a jump
//! anywhere costs one request), updated in place by what changed since the version they were
//! read at, and read again when the set of rows listed changes.

use std::collections::BTreeMap;
use std::ops::Range;

use platform::rollout::{RolloutTarget, TargetChanges, TargetPage};

/// Rows read at a time.
pub const CHUNK: usize = 100;
/// Chunks held before those farthest from the view are dropped.
const MAX_CHUNKS: usize = 30;

/// The targets of one query, as held.
#[derive(Debug, Default, Clone)]
pub struct TargetStore {
    /// Bumped when the query changes: answers of the old one are dropped.
    pub generation: u64,
    /// Rows the query lists (from the latest page).
    pub total: usize,
    /// Whether a page arrived for this query.
    pub listed: bool,
    /// The version to ask changes since.
    pub version: Option<String>,
    chunks: BTreeMap<usize, Vec<RolloutTarget>>,
}

impl TargetStore {
    /// Starts over for a new query; returns its generation.
    pub fn reset(&mut self) -> u64 {
        *self = TargetStore {
            generation: self.generation + 1,
            ..TargetStore::default()
        };
        self.generation
    }

    /// The row at `index`, if held.
    pub fn row(&self, index: usize) -> Option<&RolloutTarget> {
        self.chunks.get(&(index / CHUNK))?.get(index % CHUNK)
    }

    /// The first chunk the rows `range` need that is not held (its offset), if any.
    pub fn wanted(&self, range: Range<usize>) -> Option<usize> {
        if !self.listed {
            return Some(0);
        }
        let end = range.end.min(self.total);
        (range.start / CHUNK..end.div_ceil(CHUNK))
            .find(|k| !self.chunks.contains_key(k))
            .map(|k| k * CHUNK)
    }

    /// Takes the page read from `offset` for generation `generation`, keeping chunks near
    /// `near` when others must go; whether it was taken.
    pub fn apply_page(
        &mut self,
        generation: u64,
        offset: usize,
        page: TargetPage,
        near: usize,
    ) -> bool {
        if generation != self.generation {
            return false;
        }
        self.total = usize::try_from(page.total).unwrap_or(usize::MAX);
        self.listed = true;
        // Changes are asked since the oldest version a held row was read at, so a chunk that
        // was read before the latest changes were applied gets them too.
        let older = |a: &str, b: &str| a.parse::<u64>().ok() < b.parse::<u64>().ok();
        match &self.version {
            Some(held) if !older(&page.resource_version, held) => {}
            _ => self.version = Some(page.resource_version),
        }
        self.chunks.insert(offset / CHUNK, page.items);
        while self.chunks.len() > MAX_CHUNKS {
            let here = near / CHUNK;
            let farthest = self.chunks.keys().copied().max_by_key(|k| k.abs_diff(here));
            match farthest {
                Some(k) => drop(self.chunks.remove(&k)),
                None => break,
            }
        }
        true
    }

    /// Applies what changed: rows held update in place. `false` when the rows listed may have
    /// changed (a target left the query, or one not held changed while a filter is on), so the
    /// view must be read again.
    pub fn apply_changes(&mut self, changes: TargetChanges, filtered: bool) -> bool {
        self.version = Some(changes.resource_version);
        let mut held_all = true;
        for target in changes.items {
            let slot = self
                .chunks
                .values_mut()
                .flat_map(|chunk| chunk.iter_mut())
                .find(|row| row.device_id == target.device_id);
            match slot {
                Some(row) => *row = target,
                None => held_all = false,
            }
        }
        changes.deleted.is_empty() && (held_all || !filtered)
    }

    /// Drops every row (kept: the total, so the view keeps its height while they come again).
    pub fn forget_rows(&mut self) {
        self.chunks.clear();
        self.version = None;
        self.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(i: usize) -> RolloutTarget {
        RolloutTarget::new(&format!("dev-{i}"), &format!("amr-{i}"), "x", 1)
    }

    fn page(offset: usize, len: usize, total: usize, version: &str) -> TargetPage {
        TargetPage {
            items: (offset..offset + len).map(target).collect(),
            next: None,
            total: total as u64,
            resource_version: version.into(),
        }
    }

    #[test]
    fn a_jump_reads_the_one_chunk_it_lands_in() {
        let mut store = TargetStore::default();
        let generation = store.reset();
        assert_eq!(store.wanted(0..20), Some(0));
        assert!(store.apply_page(generation, 0, page(0, CHUNK, 2_000, "5"), 0));
        assert_eq!(store.wanted(0..20), None);
        assert_eq!(store.wanted(1_010..1_030), Some(1_000));
        assert!(store.apply_page(generation, 1_000, page(1_000, CHUNK, 2_000, "6"), 1_000));
        assert_eq!(
            store.row(1_015).map(|t| t.device_id.as_str()),
            Some("dev-1015")
        );
        assert_eq!(
            store.version.as_deref(),
            Some("5"),
            "changes since the oldest"
        );
        store.apply_page(generation, 200, page(200, CHUNK, 2_000, "3"), 200);
        assert_eq!(
            store.version.as_deref(),
            Some("3"),
            "a chunk read before goes back to its version"
        );
        assert!(
            !store.apply_page(generation + 1, 0, page(0, 1, 1, "7"), 0),
            "an old query's"
        );
    }

    #[test]
    fn changes_update_rows_in_place_and_a_departure_asks_for_a_new_read() {
        let mut store = TargetStore::default();
        let generation = store.reset();
        store.apply_page(generation, 0, page(0, 10, 10, "5"), 0);
        let mut changed = target(3);
        changed.refused = Some("offline".into());
        let changes = TargetChanges {
            items: vec![changed.clone()],
            deleted: Vec::new(),
            resource_version: "9".into(),
        };
        assert!(store.apply_changes(changes, false));
        assert_eq!(store.row(3), Some(&changed));
        assert_eq!(store.version.as_deref(), Some("9"));
        let gone = TargetChanges {
            items: Vec::new(),
            deleted: vec!["dev-4".into()],
            resource_version: "10".into(),
        };
        assert!(!store.apply_changes(gone, true));
    }

    #[test]
    fn far_chunks_go_when_too_many_are_held() {
        let mut store = TargetStore::default();
        let generation = store.reset();
        for k in 0..=MAX_CHUNKS {
            store.apply_page(
                generation,
                k * CHUNK,
                page(k * CHUNK, CHUNK, 100_000, "1"),
                k * CHUNK,
            );
        }
        assert!(store.row(0).is_none(), "the farthest from the view went");
        assert!(store.row(MAX_CHUNKS * CHUNK).is_some());
    }
}
