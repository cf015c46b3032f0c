//! Reading the rows a view lacks: from the nearer end of the list when they are near it, by
//! offset where a jump landed far from both ends, a dropped chunk again from its own token, and
//! dropping the rows farthest from the view when too many are held.

use std::ops::Range;

use platform::list::{MAX_LIMIT, Page};
use platform::wire::Deployment;

use super::{
    Applied, CHUNK, Chunk, ChunkAsk, End, Island, MAX_HELD, Shape, Slot, Store, held, length,
    locate, reversed,
};

impl Store {
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
            offset: None,
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
        // A gap: read on from the nearer end when the row is near it; far from both, read the
        // chunk the row is in where it is (a jump costs one request, wherever it lands).
        let from_head = index - in_head;
        let from_tail = from_end - in_tail;
        if from_head >= CHUNK && from_tail >= CHUNK {
            let start = index / CHUNK * CHUNK;
            return Some(ChunkAsk {
                offset: Some(start),
                ..ask(End::Head, 0, None, CHUNK)
            });
        }
        let end = if self.done(End::Tail) || (!self.done(End::Head) && from_head <= from_tail) {
            End::Head
        } else {
            End::Tail
        };
        let chunks = match end {
            End::Head => &self.head,
            End::Tail => &self.tail,
        };
        let token = match chunks.last() {
            None => None,
            Some(last) => Some(last.next.clone()?),
        };
        Some(ask(end, chunks.len(), token, CHUNK))
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
        if let Some(start) = ask.offset {
            self.total = usize::try_from(page.total).unwrap_or(usize::MAX);
            self.counts = Some(page.counts);
            self.islands.retain(|i| i.start != start);
            self.islands.push(Island {
                start,
                rows: page.items,
            });
            self.drop_far_rows(End::Head, usize::MAX, near);
            return Some(Applied {
                updated: Vec::new(),
                layout: true,
            });
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
    /// never those of the chunk just read; islands farther than any chunk go first, whole.
    fn drop_far_rows(&mut self, keep_end: End, keep: usize, near: usize) {
        let distance = |span: Range<usize>| {
            if near < span.start {
                span.start - near
            } else {
                near.saturating_sub(span.end)
            }
        };
        while held(&self.head) + held(&self.tail) + self.island_rows() > MAX_HELD
            && self.islands.len() > 1
        {
            let farthest = (0..self.islands.len()).max_by_key(|k| {
                let island = &self.islands[*k];
                distance(island.start..island.start + island.rows.len())
            });
            match farthest {
                Some(k) => drop(self.islands.remove(k)),
                None => break,
            }
        }
        while held(&self.head) + held(&self.tail) > MAX_HELD {
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
}
