//! What the in-memory platform answers: the catalog, devices, networks, the deployments
//! list (with the platform's list rules), one deployment, its history and its logs.

use std::collections::{BTreeMap, BTreeSet};

use crate::errors::PlatformError;
use crate::list::{self, DeploymentQuery};
use crate::phase::Phase;
use crate::sim::{IdempotencyEntry, Platform, Record, logs, memory};
use crate::wire::{
    Architecture, CatalogFilter, Deployment, Device, DeviceStatus, HistoryEntry, LogPage, Package,
    PackageSummary, RoutedNetwork,
};

impl Platform {
    /// `GET /rollouts`: a page of rollouts, newest first, without their targets.
    pub fn rollouts_page(
        &self,
        request: &crate::rollout::RolloutListRequest,
    ) -> crate::rollout::RolloutList {
        let before = request.before.unwrap_or(u64::MAX);
        let mut items: Vec<(u64, crate::rollout::Rollout)> = self
            .rollouts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, r)| (r, i as u64 + 1))
            .filter(|(_, position)| *position < before)
            .take(request.limit.saturating_add(1))
            .map(|(r, position)| (position, r.rollout.summary()))
            .collect();
        let more = items.len() > request.limit;
        items.truncate(request.limit);
        let next = items
            .last()
            .filter(|_| more)
            .map(|(position, _)| crate::rollout::RolloutListRequest::token(*position));
        crate::rollout::RolloutList {
            items: items.into_iter().map(|(_, r)| r).collect(),
            next,
        }
    }

    /// A rollout with its targets (`GET /rollouts/{id}` answers its summary).
    pub fn rollout(&self, id: &str) -> Result<&crate::rollout::Rollout, PlatformError> {
        self.rollouts
            .iter()
            .find(|r| r.rollout.rollout_id == id)
            .map(|r| &r.rollout)
            .ok_or_else(|| PlatformError::not_found("rollout", id))
    }

    /// Catalog packages matching `search` (name, case-insensitive) and `category`, sorted by
    /// name then version (numbers in versions compared as numbers: `v1.9.0` before `v1.10.0`).
    pub fn packages(&self, search: &str, category: Option<&str>) -> Vec<PackageSummary> {
        CatalogFilter::new(search, category.unwrap_or_default())
            .list(self.packages.iter().map(|p| p.summary.clone()))
    }

    /// One package.
    pub fn package(&self, id: &str) -> Result<Package, PlatformError> {
        self.packages
            .iter()
            .find(|p| p.summary.guid == id)
            .cloned()
            .ok_or_else(|| PlatformError::not_found("package", id))
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
            ..list::DeviceQuery::default()
        };
        self.devices
            .iter()
            .filter(|d| query.matches(d))
            .cloned()
            .collect()
    }

    /// A page of the devices list, in the order they were registered (positions from 1); 404
    /// when the query names a component that does not exist.
    pub fn devices_page(
        &self,
        request: &list::DeviceListRequest,
    ) -> Result<list::DevicePage<Device>, PlatformError> {
        let query = &request.query;
        let package = match &query.fit {
            Some(fit) => Some(self.package(&fit.package_id)?),
            None => None,
        };
        let component = match (&query.fit, &package) {
            (Some(fit), Some(package)) => Some(fit.component(package)?),
            _ => None,
        };
        Ok(list::select_page(
            (1u64..).zip(self.devices.iter()),
            request,
            component,
        ))
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

    /// One deployment.
    pub fn deployment(&self, id: &str) -> Result<Deployment, PlatformError> {
        self.record(id).map(|r| r.deployment.clone())
    }

    /// A deployment's generations, newest first, each with its phases.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, PlatformError> {
        self.history_page(id, &list::HistoryRequest::default())
            .map(|page| page.items)
    }

    /// A page of a deployment's generations, newest first.
    pub fn history_page(
        &self,
        id: &str,
        request: &list::HistoryRequest,
    ) -> Result<list::HistoryPage, PlatformError> {
        let record = self.record(id)?;
        Ok(request.page(&record.book.history, &record.deployment.phase_timeline))
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
            .ok_or_else(|| PlatformError::not_found("deployment", id))
    }
}
