//! The lists, answered by the database with the platform's list rules (`platform::list`):
//! filters and keyset pages in SQL on indexed columns, the rows sent as stored (no decoding
//! and encoding again), `total` and `counts` from the counts kept with every change where the
//! filter is the whole fleet, a package or one label, and counted (once per filter and
//! resourceVersion) otherwise.

use std::sync::PoisonError;

use platform::PlatformError;
use platform::list::{
    self, Changes, DeploymentQuery, DeviceListRequest, DevicePage, ListRequest, MAX_CHANGES, Order,
    Page, PhaseCounts, SortKey, SortValue,
};
use platform::wire::{CatalogFilter, Deployment, Package, PackageSummary, catalog_order};
use serde_json::value::RawValue;

use super::driver::{DbError, Dialect, Value, col};
use super::rows::{FLEET_SCOPE, SqlRows, label_scope, package_scope};

/// A stored object, sent as it is.
pub type Raw = Box<RawValue>;

/// Filters cached per process (each with the counts of one resourceVersion).
const CACHED_COUNTS: usize = 64;

fn raw(text: String) -> Result<Raw, DbError> {
    RawValue::from_string(text)
        .map_err(|e| DbError::fatal(format!("a stored object is not JSON: {e}")))
}

/// A WHERE clause being built, with its parameters.
struct Filter {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Filter {
    fn new() -> Filter {
        Filter {
            clauses: Vec::new(),
            params: Vec::new(),
        }
    }

    /// The next parameter's placeholder for `value`.
    fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Lists that match at most this many deployments are found through the indexes of their
/// filters and then sorted; larger ones are read in the sort order until the page is full.
const SMALL: u64 = 2_000;

/// How a list's rows are found. The database's planner cannot know how many rows a label or a
/// phase matches; the kept counts tell us, so we choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Few match: the filters' indexes lead (labels, trigrams of the search, phases), then sort.
    Driven,
    /// Many match: walk the sort order's index and check each row until the page is full.
    Scan,
}

/// The filters of `query` other than the phase (its labels from `labels`, the ones the FROM
/// clause does not already hold).
fn scope_filter(
    filter: &mut Filter,
    query: &DeploymentQuery,
    labels: &[platform::wire::Label],
    dialect: Dialect,
    plan: Plan,
) {
    for label in labels {
        let key = filter.bind(label.key.as_str().into());
        let value = filter.bind(label.value.as_str().into());
        let labelled = format!(
            "SELECT l.deployment_id FROM deployment_labels l WHERE l.key = {key} AND l.value = {value}"
        );
        filter.and(match plan {
            Plan::Driven => format!("d.id IN ({labelled})"),
            Plan::Scan => format!("EXISTS ({labelled} AND l.deployment_id = d.id)"),
        });
    }
    if !query.search.is_empty() {
        let trigrams = plan == Plan::Driven && query.search.chars().count() >= 3;
        match dialect {
            Dialect::Sqlite => {
                if trigrams {
                    let phrase =
                        filter.bind(format!("\"{}\"", query.search.replace('"', "\"\"")).into());
                    filter.and(format!(
                        "d.rowid IN (SELECT rowid FROM deployment_names WHERE deployment_names MATCH {phrase})"
                    ));
                }
                let search = filter.bind(query.search.as_str().into());
                filter.and(format!("instr(d.name_fold, {search}) > 0"));
            }
            Dialect::Postgres => {
                if trigrams {
                    let escaped = query
                        .search
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_");
                    let pattern = filter.bind(format!("%{escaped}%").into());
                    filter.and(format!("d.name_fold LIKE {pattern}"));
                }
                let search = filter.bind(query.search.as_str().into());
                filter.and(format!("strpos(d.name_fold, {search}) > 0"));
            }
        }
    }
    if !query.package_id.is_empty() {
        let package = filter.bind(query.package_id.as_str().into());
        filter.and(format!("d.package_id = {package}"));
    }
}

/// The column `key` sorts on.
fn sort_column(key: SortKey) -> &'static str {
    match key {
        SortKey::Created => "d.created",
        SortKey::Name => "d.name",
        SortKey::Phase => "d.phase_rank",
        SortKey::Generation => "d.generation",
    }
}

fn sort_param(value: &SortValue) -> Value {
    match value {
        SortValue::Int(n) => Value::Int(*n),
        SortValue::Text(t) => Value::Text(t.clone()),
    }
}

fn sort_value(key: SortKey, value: &Value) -> SortValue {
    match key {
        SortKey::Name => SortValue::Text(value.text().to_string()),
        _ => SortValue::Int(value.int()),
    }
}

impl SqlRows<'_> {
    /// A page of the deployments list (`request.since` is answered by [`Self::changes`]).
    pub fn page(&mut self, request: &ListRequest) -> Result<Page<Raw>, DbError> {
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
        if let Some(after) = &request.after {
            let value = filter.bind(sort_param(&after.value));
            let after_id = filter.bind(after.id.as_str().into());
            filter.and(format!(
                "({column}, {id}) {comparison} ({value}, {after_id})"
            ));
        }
        let limit = match request.limit {
            Some(limit) => format!(" LIMIT {}", filter.bind(Value::Int(limit as i64 + 1))),
            None => String::new(),
        };
        let sql = format!(
            "SELECT d.id, {column}, d.deployment FROM {from}{} ORDER BY {column} {direction}, {id} {direction}{limit}",
            filter.sql()
        );
        let mut rows = self.db.query(&sql, &filter.params)?;
        let more = request.limit.is_some_and(|limit| rows.len() > limit);
        if more {
            rows.truncate(request.limit.unwrap_or(0));
        }
        let next = rows.last().filter(|_| more).map(|last| {
            request.continue_token(&list::Cursor {
                value: sort_value(query.sort, col(last, 1)),
                id: col(last, 0).text().to_string(),
            })
        });
        let items = rows
            .into_iter()
            .map(|row| {
                raw(row
                    .into_iter()
                    .nth(2)
                    .map(Value::into_text)
                    .unwrap_or_default())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            next,
            total,
            counts: counts.to_map(),
            resource_version: version.to_string(),
        })
    }

    /// Deployments per phase under the query's filters other than the phase.
    fn counts(&mut self, query: &DeploymentQuery, version: i64) -> Result<PhaseCounts, DbError> {
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
    ) -> Result<Result<Changes<Raw>, PlatformError>, DbError> {
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
            let deployment: Deployment = serde_json::from_str(&text)
                .map_err(|e| DbError::fatal(format!("a stored deployment cannot be read: {e}")))?;
            changed.push((deployment, raw(text)?));
        }
        Ok(Ok(list::apply::changes(changed, query, version)))
    }

    /// A page of the devices list.
    pub fn devices_page(
        &mut self,
        request: &DeviceListRequest,
    ) -> Result<DevicePage<Raw>, DbError> {
        let query = &request.query;
        let mut filter = Filter::new();
        if let Some(status) = &query.status {
            let status = filter.bind(status.as_str().into());
            filter.and(format!("d.status = {status}"));
        }
        if let Some(architecture) = &query.architecture {
            let architecture = filter.bind(architecture.as_str().into());
            filter.and(format!("d.architecture = {architecture}"));
        }
        for label in &query.labels {
            let key = filter.bind(label.key.as_str().into());
            let value = filter.bind(label.value.as_str().into());
            filter.and(format!(
                "EXISTS (SELECT 1 FROM device_labels l WHERE l.key = {key} AND l.value = {value} AND l.uuid = d.uuid)"
            ));
        }
        let total_sql = format!("SELECT count(*) FROM devices d{}", filter.sql());
        let total = self
            .db
            .query(&total_sql, &filter.params)?
            .first()
            .and_then(|r| r.first())
            .map_or(0, Value::int);
        if let Some(after) = request.after {
            let after = filter.bind(Value::Int(i64::try_from(after).unwrap_or(i64::MAX)));
            filter.and(format!("d.seq > {after}"));
        }
        let limit = match request.limit {
            Some(limit) => format!(" LIMIT {}", filter.bind(Value::Int(limit as i64 + 1))),
            None => String::new(),
        };
        let sql = format!(
            "SELECT d.seq, d.body FROM devices d{} ORDER BY d.seq{limit}",
            filter.sql()
        );
        let mut rows = self.db.query(&sql, &filter.params)?;
        let more = request.limit.is_some_and(|limit| rows.len() > limit);
        if more {
            rows.truncate(request.limit.unwrap_or(0));
        }
        let next = rows
            .last()
            .filter(|_| more)
            .map(|last| request.continue_token(u64::try_from(col(last, 0).int()).unwrap_or(0)));
        let items = rows
            .into_iter()
            .map(|row| {
                raw(row
                    .into_iter()
                    .nth(1)
                    .map(Value::into_text)
                    .unwrap_or_default())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DevicePage {
            items,
            next,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// A deployment as stored, to send as it is.
    pub fn deployment_raw(&mut self, id: &str) -> Result<Option<Raw>, DbError> {
        let rows = self.db.query(
            "SELECT deployment FROM deployments WHERE id = $1",
            &[id.into()],
        )?;
        rows.into_iter()
            .next()
            .and_then(|row| row.into_iter().next())
            .map(|text| raw(text.into_text()))
            .transpose()
    }

    /// Every catalog package, in the order they were added.
    pub fn all_packages(&mut self) -> Result<Vec<Package>, DbError> {
        self.db
            .query("SELECT body FROM packages ORDER BY seq", &[])?
            .into_iter()
            .map(|row| {
                serde_json::from_str(col(&row, 0).text())
                    .map_err(|e| DbError::fatal(format!("a stored package cannot be read: {e}")))
            })
            .collect()
    }

    /// The catalog as `GET /packages` lists it.
    pub fn packages(
        &mut self,
        search: &str,
        category: Option<&str>,
    ) -> Result<Vec<PackageSummary>, DbError> {
        let filter = CatalogFilter::new(search, category.unwrap_or_default());
        let mut found: Vec<PackageSummary> = self
            .all_packages()?
            .into_iter()
            .map(|p| p.summary)
            .filter(|p| filter.matches(p))
            .collect();
        found.sort_by(catalog_order);
        Ok(found)
    }
}
