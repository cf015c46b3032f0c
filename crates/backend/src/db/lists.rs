//! The lists, answered by the database with the platform's list rules (`platform::list`):
//! filters and keyset pages in SQL on indexed columns, the rows sent as stored (no decoding
//! and encoding again), `total` and `counts` from the counts kept with every change where the
//! filter is the whole fleet, a package or one label, and counted (once per filter and
//! resourceVersion) otherwise.

use std::sync::PoisonError;

use platform::PlatformError;
use platform::list::{
    self, Changes, DeploymentQuery, ListRequest, MAX_CHANGES, Order, Page, PhaseCounts, SortKey,
};
use platform::wire::Deployment;
use serde_json::value::RawValue;

use super::driver::{Value, col};
use super::error::StoreError;
use super::filter::{
    Filter, Plan, SMALL, scope_filter, sort_column, sort_param, sort_value, take_page,
};
use super::rows::{FLEET_SCOPE, SqlRows, label_scope, package_scope, parse};

/// A stored object, sent as it is.
pub type Raw = Box<RawValue>;

/// Column `i` of every row, each a stored object to send as it is.
pub(super) fn raw_column(rows: Vec<Vec<Value>>, i: usize) -> Result<Vec<Raw>, StoreError> {
    rows.into_iter()
        .map(|row| {
            raw(row
                .into_iter()
                .nth(i)
                .map(Value::into_text)
                .unwrap_or_default())
        })
        .collect()
}

/// Filters cached per process (each with the counts of one resourceVersion).
const CACHED_COUNTS: usize = 64;

/// A stored object's JSON text, checked, to send as it is.
pub(super) fn raw(text: String) -> Result<Raw, StoreError> {
    RawValue::from_string(text).map_err(StoreError::NotJson)
}

impl SqlRows<'_> {
    /// A page of the deployments list (`request.since` is answered by [`Self::changes`]).
    pub fn page(&mut self, request: &ListRequest) -> Result<Page<Raw>, StoreError> {
        let query = &request.query;
        let version = self.meta("rv")?;
        let counts = self.counts(query, version)?;
        let total = counts.total(query);
        let plan = if total <= SMALL {
            Plan::Driven
        } else {
            Plan::Scan
        };
        let mut filter = Filter::new();
        // Many deployments with a label, newest first (the fleet's usual view): the label's
        // own index, kept in creation order, leads, and only the page's rows are read.
        let lead = match (plan, query.sort, query.labels.as_slice()) {
            (Plan::Scan, SortKey::Created, [first, ..]) => Some(first),
            _ => None,
        };
        let (from, column, id) = match lead {
            Some(label) => {
                let key = filter.bind(label.key.as_str().into());
                let value = filter.bind(label.value.as_str().into());
                filter.and(format!("l0.key = {key} AND l0.value = {value}"));
                (
                    "deployment_labels l0 JOIN deployments d ON d.id = l0.deployment_id",
                    "l0.created",
                    "l0.deployment_id",
                )
            }
            None => ("deployments d", sort_column(query.sort), "d.id"),
        };
        let others = &query.labels[usize::from(lead.is_some())..];
        scope_filter(&mut filter, query, others, self.dialect, plan);
        if let Some(ranks) = query.phase_ranks() {
            let placeholders: Vec<String> = ranks
                .iter()
                .map(|rank| filter.bind(Value::Int(*rank as i64)))
                .collect();
            // `+` keeps the phase index out when many rows match: the sort order's index leads.
            let column = match plan {
                Plan::Driven => "d.phase_rank",
                Plan::Scan => "+d.phase_rank",
            };
            filter.and(if placeholders.is_empty() {
                "1 = 0".to_string()
            } else {
                format!("{column} IN ({})", placeholders.join(", "))
            });
        }
        let (comparison, direction) = match query.order {
            Order::Asc => (">", "ASC"),
            Order::Desc => ("<", "DESC"),
        };
        // A jump (`offset`): the item before the offset, found through the same filters and
        // index reading only the sort column, is where the page continues from.
        let mut after = request.after.clone();
        if let Some(offset) = request.offset.filter(|n| *n > 0) {
            let skip = filter.bind(Value::Int(i64::try_from(offset - 1).unwrap_or(i64::MAX)));
            let sql = format!(
                "SELECT {id}, {column} FROM {from}{} ORDER BY {column} {direction}, {id} {direction} LIMIT 1 OFFSET {skip}",
                filter.sql()
            );
            let found = self.db.query(&sql, &filter.params)?;
            filter.params.pop();
            match found.first() {
                Some(row) => {
                    after = Some(list::Cursor {
                        value: sort_value(query.sort, col(row, 1)),
                        id: col(row, 0).text().to_string(),
                    });
                }
                None => filter.and("1 = 0".to_string()),
            }
        }
        if let Some(after) = &after {
            let value = filter.bind(sort_param(&after.value));
            let after_id = filter.bind(after.id.as_str().into());
            filter.and(format!(
                "({column}, {id}) {comparison} ({value}, {after_id})"
            ));
        }
        let limit = filter.limit(request.limit);
        let sql = format!(
            "SELECT d.id, {column}, d.deployment FROM {from}{} ORDER BY {column} {direction}, {id} {direction}{limit}",
            filter.sql()
        );
        let mut rows = self.db.query(&sql, &filter.params)?;
        let more = take_page(&mut rows, request.limit);
        let next = rows.last().filter(|_| more).map(|last| {
            request.continue_token(&list::Cursor {
                value: sort_value(query.sort, col(last, 1)),
                id: col(last, 0).text().to_string(),
            })
        });
        let items = raw_column(rows, 2)?;
        Ok(Page {
            items,
            next,
            total,
            counts: counts.to_map(),
            resource_version: version.to_string(),
        })
    }

    /// Deployments per phase under the query's filters other than the phase.
    fn counts(&mut self, query: &DeploymentQuery, version: i64) -> Result<PhaseCounts, StoreError> {
        let kept = match (
            query.labels.as_slice(),
            query.search.is_empty(),
            query.package_id.is_empty(),
        ) {
            ([], true, true) => Some(FLEET_SCOPE.to_string()),
            ([], true, false) => Some(package_scope(&query.package_id)),
            ([label], true, true) => Some(label_scope(&label.key, &label.value)),
            _ => None,
        };
        let mut counts = PhaseCounts::default();
        if let Some(scope) = kept {
            let rows = self.db.query(
                "SELECT phase_rank, n FROM counts WHERE scope = $1",
                &[scope.into()],
            )?;
            for row in rows {
                if let Some(slot) = usize::try_from(col(&row, 0).int())
                    .ok()
                    .and_then(|r| counts.0.get_mut(r))
                {
                    *slot = u64::try_from(col(&row, 1).int()).unwrap_or(0);
                }
            }
            return Ok(counts);
        }
        let key = serde_json::to_string(&(&query.labels, &query.search, &query.package_id))
            .unwrap_or_default();
        let version = u64::try_from(version).unwrap_or(0);
        let cached = self
            .counts_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .filter(|(at, _)| *at == version)
            .map(|(_, counts)| *counts);
        if let Some(counts) = cached {
            return Ok(counts);
        }
        let mut filter = Filter::new();
        scope_filter(
            &mut filter,
            query,
            &query.labels,
            self.dialect,
            Plan::Driven,
        );
        let sql = format!(
            "SELECT d.phase_rank, count(*) FROM deployments d{} GROUP BY d.phase_rank",
            filter.sql()
        );
        for row in self.db.query(&sql, &filter.params)? {
            if let Some(slot) = usize::try_from(col(&row, 0).int())
                .ok()
                .and_then(|r| counts.0.get_mut(r))
            {
                *slot = u64::try_from(col(&row, 1).int()).unwrap_or(0);
            }
        }
        let mut cache = self
            .counts_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CACHED_COUNTS {
            cache.retain(|_, (at, _)| *at == version);
            if cache.len() >= CACHED_COUNTS {
                cache.clear();
            }
        }
        cache.insert(key, (version, counts));
        Ok(counts)
    }

    /// What changed after `since`, as `query` lists it; 410 when `since` is not from this
    /// store's history or too much changed.
    pub fn changes(
        &mut self,
        query: &DeploymentQuery,
        since: u64,
    ) -> Result<Result<Changes<Raw>, PlatformError>, StoreError> {
        let version = u64::try_from(self.meta("rv")?).unwrap_or(0);
        let epoch = u64::try_from(self.meta("epoch")?).unwrap_or(0);
        let after = i64::try_from(since).unwrap_or(i64::MAX);
        let rows = self.db.query(
            "SELECT deployment FROM deployments WHERE rv > $1 ORDER BY rv LIMIT $2",
            &[after.into(), Value::Int(MAX_CHANGES as i64 + 1)],
        )?;
        if let Err(error) = list::check_since(since, epoch, version, rows.len()) {
            return Ok(Err(error));
        }
        let mut changed = Vec::with_capacity(rows.len());
        for row in rows {
            let text = row
                .into_iter()
                .next()
                .map(Value::into_text)
                .unwrap_or_default();
            let deployment: Deployment = parse(&text, "deployment")?;
            changed.push((deployment, raw(text)?));
        }
        Ok(Ok(list::apply::changes(changed, query, version)))
    }
}
