//! What the in-memory platform answers: the catalog, devices, networks, the deployments
//! list (with the platform's list rules), one deployment, its history and its logs.

use std::collections::{BTreeMap, BTreeSet};

use crate::errors::PlatformError;
use crate::list::{
    self, Changes, DeploymentQuery, DeviceListRequest, DevicePage, ListRequest, Page, apply::Entry,
};
use crate::phase::Phase;
use crate::sim::{IdempotencyEntry, Platform, Record, logs, memory, not_found};
use crate::wire::{
    Architecture, CatalogFilter, Deployment, Device, DeviceStatus, HistoryEntry, LogPage, Package,
    PackageSummary, RoutedNetwork, catalog_order,
};

impl Platform {
    /// Catalog packages matching `search` (name, case-insensitive) and `category`, sorted by
    /// name then version (numbers in versions compared as numbers: `v1.9.0` before `v1.10.0`).
    pub fn packages(&self, search: &str, category: Option<&str>) -> Vec<PackageSummary> {
        let filter = CatalogFilter::new(search, category.unwrap_or_default());
        let mut found: Vec<PackageSummary> = self
            .packages
            .iter()
            .map(|p| p.summary.clone())
            .filter(|p| filter.matches(p))
            .collect();
        found.sort_by(catalog_order);
        found
    }

    /// One package.
    pub fn package(&self, id: &str) -> Result<Package, PlatformError> {
        self.packages
            .iter()
            .find(|p| p.summary.guid == id)
            .cloned()
            .ok_or_else(|| not_found("package", id))
    }

    /// Every package with its plans, in the order they were added.
    pub fn all_packages(&self) -> &[Package] {
        &self.packages
    }

    /// Devices, optionally only those with `status` and `architecture`.
    pub fn devices(
        &self,
        status: Option<&DeviceStatus>,
        architecture: Option<&Architecture>,
    ) -> Vec<Device> {
        let query = list::DeviceQuery {
            status: status.cloned(),
            architecture: architecture.cloned(),
            labels: Vec::new(),
        };
        self.devices
            .iter()
            .filter(|d| query.matches(d))
            .cloned()
            .collect()
    }

    /// A page of the devices list (in the order they were registered).
    pub fn devices_page(&self, request: &DeviceListRequest) -> DevicePage<Device> {
        let listed: Vec<(u64, &Device)> = (1..)
            .zip(&self.devices)
            .filter(|(_, d)| request.query.matches(d))
            .collect();
        let total = listed.len() as u64;
        let mut rest = listed
            .into_iter()
            .filter(|(position, _)| request.after.is_none_or(|after| *position > after));
        let mut items = Vec::new();
        let mut last = None;
        for (position, device) in rest.by_ref().take(request.limit.unwrap_or(usize::MAX)) {
            items.push(device.clone());
            last = Some(position);
        }
        let next = match (rest.next(), last) {
            (Some(_), Some(position)) => Some(request.continue_token(position)),
            _ => None,
        };
        DevicePage { items, next, total }
    }

    /// Routed networks.
    pub fn networks(&self) -> Vec<RoutedNetwork> {
        self.networks.clone()
    }

    /// Images whose pull fails.
    pub fn unpullable_images(&self) -> &BTreeSet<String> {
        &self.unpullable_images
    }

    /// Every deployment with its bookkeeping, in the order they were made.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Remembered idempotency keys.
    pub fn idempotency_keys(&self) -> &BTreeMap<String, IdempotencyEntry> {
        &self.idempotency
    }

    /// Deployments whose next update is set to fail, and whether the next update of any is.
    pub fn update_failures(&self) -> (&BTreeSet<String>, bool) {
        (&self.fail_next_update, self.fail_next_any_update)
    }

    /// Deployments in any of `phases` (all when empty) whose name contains `search`, of
    /// `package_id` if given; in the list's default order (newest first), without paging.
    pub fn deployments(
        &self,
        phases: &[Phase],
        search: &str,
        package_id: Option<&str>,
    ) -> Vec<Deployment> {
        let query = DeploymentQuery::new(
            phases.to_vec(),
            Vec::new(),
            search,
            package_id.unwrap_or_default(),
            list::SortKey::Created,
            list::Order::Desc,
        );
        let mut found: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| query.matches(&r.deployment))
            .collect();
        found.sort_by(|a, b| {
            (b.book.created, &b.deployment.deployment_id)
                .cmp(&(a.book.created, &a.deployment.deployment_id))
        });
        found.into_iter().map(|r| r.deployment.clone()).collect()
    }

    /// A page of the deployments list, or (with `since`) what changed.
    pub fn list(&self, request: &ListRequest) -> Result<Page<Deployment>, PlatformError> {
        let entries = self.records.iter().map(|r| Entry {
            deployment: &r.deployment,
            created: r.book.created,
        });
        Ok(list::apply::page(entries, request, self.revision))
    }

    /// What changed after the resourceVersion `since`, as `query` sees it.
    pub fn changes(
        &self,
        query: &DeploymentQuery,
        since: u64,
    ) -> Result<Changes<Deployment>, PlatformError> {
        let changed = memory::changed_since(self, since);
        list::check_since(since, self.epoch, self.revision, changed.len())?;
        let changed = changed
            .into_iter()
            .map(|r| (&r.deployment, r.deployment.clone()));
        Ok(list::apply::changes(changed, query, self.revision))
    }

    /// One deployment.
    pub fn deployment(&self, id: &str) -> Result<Deployment, PlatformError> {
        self.record(id).map(|r| r.deployment.clone())
    }

    /// A deployment's generations, newest first.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, PlatformError> {
        let record = self.record(id)?;
        Ok(record.book.history.iter().rev().cloned().collect())
    }

    /// Log lines after the cursor `after` (from the start when empty), of one component if
    /// given, at most `limit` (1–1000).
    pub fn logs(
        &self,
        id: &str,
        component: Option<&str>,
        after: &str,
        limit: usize,
    ) -> Result<LogPage, PlatformError> {
        let record = self.record(id)?;
        logs::page(
            record,
            component,
            after,
            limit,
            self.now,
            self.config.max_log_lines,
        )
    }

    pub(super) fn record(&self, id: &str) -> Result<&Record, PlatformError> {
        memory::position(self, id)
            .and_then(|i| self.records.get(i))
            .ok_or_else(|| not_found("deployment", id))
    }
}
