//! What the console holds of a rollout's targets: rows by their place in the list, read by
//! offset where the view is (so a jump anywhere costs one request, and a first visit reads the
//! rows in view, no more), updated in place by what changed since the version they were read
//! at, and read again when the set of rows listed changes.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use platform::rollout::{RolloutTarget, TargetChanges, TargetPage};

/// Most rows one read asks for.
pub const MAX_READ: usize = 100;
/// Rows read ahead of the view once the reader scrolls.
pub const READ_AHEAD: usize = 50;
/// Rows held before those farthest from the view are dropped.
const MAX_HELD: usize = 3_000;

/// A read the view needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    /// The first row.
    pub offset: usize,
    /// How many.
    pub limit: usize,
}

/// The targets of one query, as held.
#[derive(Debug, Default, Clone)]
pub struct TargetStore {
    /// Bumped when what is held is dropped: answers to earlier reads are not taken.
    pub generation: u64,
    /// Rows the query lists (from the latest page).
    pub total: usize,
    /// Whether a page arrived for this query.
    pub listed: bool,
    /// The version to ask changes since.
    pub version: Option<String>,
    rows: BTreeMap<usize, RolloutTarget>,
}

impl TargetStore {
    /// Starts over for a new query.
    pub fn reset(&mut self) {
        *self = TargetStore {
            generation: self.generation + 1,
            ..TargetStore::default()
        };
    }

    /// The row at `index`, if held.
    pub fn row(&self, index: usize) -> Option<&RolloutTarget> {
        self.rows.get(&index)
    }

    /// The read the rows `range` need, if any: from the first row missing, the rows missing
    /// after it in the range, and `ahead` more (up to a row held or the end).
    pub fn wanted(&self, range: Range<usize>, ahead: usize) -> Option<Read> {
        if !self.listed {
            return Some(Read {
                offset: 0,
                limit: range.len().clamp(1, MAX_READ),
            });
        }
        let end = range.end.min(self.total);
        let first = (range.start..end).find(|i| !self.rows.contains_key(i))?;
        let next_held = self
            .rows
            .range(first..)
            .next()
            .map_or(self.total, |(i, _)| *i);
        let limit = (end - first + ahead)
            .min(next_held - first)
            .clamp(1, MAX_READ);
        Some(Read {
            offset: first,
            limit,
        })
    }

    /// Takes the page read from `offset` for generation `generation`, keeping rows near
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
        // Changes are asked since the oldest version a held row was read at, so rows read
        // before the latest changes were applied get them too.
        let older = |a: &str, b: &str| a.parse::<u64>().ok() < b.parse::<u64>().ok();
        match &self.version {
            Some(held) if !older(&page.resource_version, held) => {}
            _ => self.version = Some(page.resource_version),
        }
        for (i, target) in page.items.into_iter().enumerate() {
            self.rows.insert(offset + i, target);
        }
        while self.rows.len() > MAX_HELD {
            let (Some(first), Some(last)) = (
                self.rows.keys().next().copied(),
                self.rows.keys().next_back().copied(),
            ) else {
                break;
            };
            let far = if near.abs_diff(first) > near.abs_diff(last) {
                first
            } else {
                last
            };
            self.rows.remove(&far);
        }
        true
    }

    /// Applies what changed: rows held update in place. `false` when the rows listed may have
    /// changed, so the view must be read again: a row held left the query, or, under a state
    /// filter (`by_state`; wave and names never change), a target not held changed and may
    /// have joined it.
    pub fn apply_changes(&mut self, changes: TargetChanges, by_state: bool) -> bool {
        self.version = Some(changes.resource_version);
        let places: HashMap<String, usize> = self
            .rows
            .iter()
            .map(|(i, row)| (row.device_id.clone(), *i))
            .collect();
        let mut held_all = true;
        for target in changes.items {
            match places.get(&target.device_id) {
                Some(i) => drop(self.rows.insert(*i, target)),
                None => held_all = false,
            }
        }
        let left = changes.deleted.iter().any(|id| places.contains_key(id));
        !left && (held_all || !by_state)
    }

    /// Drops every row (kept: the total, so the view keeps its height while they come again).
    pub fn forget_rows(&mut self) {
        self.rows.clear();
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
    fn a_first_visit_reads_the_rows_in_view_and_a_jump_the_rows_where_it_lands() {
        let mut store = TargetStore::default();
        store.reset();
        let generation = store.generation;
        assert_eq!(
            store.wanted(0..9, 0),
            Some(Read {
                offset: 0,
                limit: 9
            })
        );
        assert!(store.apply_page(generation, 0, page(0, 9, 2_000, "5"), 0));
        assert_eq!(store.wanted(0..9, 0), None);
        // Scrolled: the margin and some rows ahead.
        assert_eq!(
            store.wanted(0..17, READ_AHEAD),
            Some(Read {
                offset: 9,
                limit: 58
            })
        );
        // A jump: where it lands.
        let jump = store.wanted(1_000..1_017, READ_AHEAD).unwrap();
        assert_eq!(jump.offset, 1_000);
        assert!(store.apply_page(
            generation,
            1_000,
            page(1_000, jump.limit, 2_000, "6"),
            1_000
        ));
        assert_eq!(
            store.row(1_015).map(|t| t.device_id.as_str()),
            Some("dev-1015")
        );
        assert_eq!(
            store.version.as_deref(),
            Some("5"),
            "changes since the oldest"
        );
        store.apply_page(generation, 200, page(200, 10, 2_000, "3"), 200);
        assert_eq!(
            store.version.as_deref(),
            Some("3"),
            "rows read before take their version"
        );
        assert!(
            !store.apply_page(generation + 1, 0, page(0, 1, 1, "7"), 0),
            "an old read's"
        );
        // A read stops at the next rows held.
        assert_eq!(
            store.wanted(190..200, READ_AHEAD),
            Some(Read {
                offset: 190,
                limit: 10
            })
        );
    }

    #[test]
    fn changes_update_rows_in_place_and_a_departure_asks_for_a_new_read() {
        let mut store = TargetStore::default();
        store.reset();
        store.apply_page(store.generation, 0, page(0, 10, 10, "5"), 0);
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
        let elsewhere = TargetChanges {
            items: vec![target(500)],
            deleted: vec!["dev-900".into()],
            resource_version: "10".into(),
        };
        assert!(
            store.apply_changes(elsewhere, false),
            "rows not held, no state filter"
        );
        let joined = TargetChanges {
            items: vec![target(500)],
            deleted: Vec::new(),
            resource_version: "11".into(),
        };
        assert!(
            !store.apply_changes(joined, true),
            "it may have joined the filter"
        );
        let gone = TargetChanges {
            items: Vec::new(),
            deleted: vec!["dev-4".into()],
            resource_version: "12".into(),
        };
        assert!(!store.apply_changes(gone, true), "a row held left");
    }

    #[test]
    fn far_rows_go_when_too_many_are_held() {
        let mut store = TargetStore::default();
        store.reset();
        let generation = store.generation;
        for k in 0..=MAX_HELD / MAX_READ {
            let offset = k * MAX_READ;
            store.apply_page(
                generation,
                offset,
                page(offset, MAX_READ, 100_000, "1"),
                offset,
            );
        }
        assert!(store.row(0).is_none(), "the farthest from the view went");
        assert!(store.row(MAX_HELD).is_some());
    }
}
