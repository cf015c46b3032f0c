//! The in-memory platform's deployments list at fleet scale, answered as the backend answers
//! it (docs/api.md, "Lists at fleet scale"): pages with `total`, `counts` and
//! `resourceVersion`, and the `since` change feed from the index of versions, with the
//! platform's list rules ([`crate::list`]) in one place for both.

use crate::errors::PlatformError;
use crate::list::{self, Changes, ListAnswer, ListRequest, MAX_CHANGES, Page, apply};
use crate::sim::{Platform, memory};
use crate::wire::Deployment;

impl Platform {
    /// The deployments list as the API answers it: what changed after `request.since` when it
    /// is given ([`Platform::list_changes`]), else the page asked for
    /// ([`Platform::list_page`]).
    pub fn list(&self, request: &ListRequest) -> Result<ListAnswer<Deployment>, PlatformError> {
        match request.since {
            Some(_) => self.list_changes(request).map(ListAnswer::Changes),
            None => self.list_page(request).map(ListAnswer::Page),
        }
    }

    /// The page `request` asks for (filters, order, `limit`, `continue`; `since` is not looked
    /// at), at the current revision. Sorts the deployments the query lists on every call.
    pub fn list_page(&self, request: &ListRequest) -> Result<Page<Deployment>, PlatformError> {
        let entries = self.records.iter().map(|record| apply::Entry {
            deployment: &record.deployment,
            created: record.book.created,
        });
        Ok(apply::page(entries, request, self.revision))
    }

    /// The deployments that changed after `request.since`, as `request.query` lists them:
    /// `items` it lists, `deleted` the IDs it no longer lists. Refused (410, list again) when
    /// `since` is older than [`Platform::epoch`] or newer than [`Platform::revision`], or more
    /// than [`MAX_CHANGES`] deployments changed; 400 without `since`. Costs what changed, not
    /// what the fleet holds.
    pub fn list_changes(
        &self,
        request: &ListRequest,
    ) -> Result<Changes<Deployment>, PlatformError> {
        let Some(since) = request.since else {
            return Err(PlatformError::BadQuery(
                "A change feed needs since, a resourceVersion from an earlier answer.".into(),
            ));
        };
        let changed = memory::changed_since(self, since, MAX_CHANGES + 1);
        list::check_since(since, self.epoch(), self.revision, changed.len())?;
        let changed = changed
            .into_iter()
            .map(|record| (&record.deployment, record.deployment.clone()));
        Ok(apply::changes(changed, &request.query, self.revision))
    }

    /// The oldest resourceVersion a `since` is answered from: 0 for a platform made in this
    /// process, the revision it was restored at for one read with [`Platform::from_json`].
    pub fn epoch(&self) -> u64 {
        memory::epoch(self)
    }

    /// Makes this platform the successor of one it replaces (a demo started again): its
    /// versions continue after the old platform's, and it answers no `since` from the old
    /// history (410, so lists read again instead of applying changes of another world).
    pub fn succeed(&mut self, previous: &Platform) {
        self.revision = self.revision.max(previous.revision) + 1;
        memory::set_epoch(self, self.revision);
    }
}
