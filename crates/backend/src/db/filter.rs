//! The SQL of the deployments list's filters and orders, and the plan that finds a page's rows.

use platform::list::{DeploymentQuery, SortKey, SortValue};
use platform::wire::Label;

use super::driver::{Dialect, Value};

/// A WHERE clause being built, with its parameters.
pub(super) struct Filter {
    pub(super) clauses: Vec<String>,
    pub(super) params: Vec<Value>,
}

impl Filter {
    pub(super) fn new() -> Filter {
        Filter {
            clauses: Vec::new(),
            params: Vec::new(),
        }
    }

    /// The next parameter's placeholder for `value`.
    pub(super) fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    pub(super) fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// ` LIMIT $n` asking for one row more than `limit` (to know whether more follow), or
    /// nothing for every row.
    pub(super) fn limit(&mut self, limit: Option<usize>) -> String {
        match limit {
            Some(limit) => {
                let placeholder = self.bind(Value::Int(
                    i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1),
                ));
                format!(" LIMIT {placeholder}")
            }
            None => String::new(),
        }
    }

    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Keeps the first `limit` rows of a query made with [`Filter::limit`]; whether more followed.
pub(super) fn take_page(rows: &mut Vec<Vec<Value>>, limit: Option<usize>) -> bool {
    match limit {
        Some(limit) if rows.len() > limit => {
            rows.truncate(limit);
            true
        }
        _ => false,
    }
}

/// Lists that match at most this many deployments are found through the indexes of their
/// filters and then sorted; larger ones are read in the sort order until the page is full.
pub(super) const SMALL: u64 = 2_000;

/// How a list's rows are found. The database's planner cannot know how many rows a label or a
/// phase matches; the kept counts tell us, so we choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// Few match: the filters' indexes lead (labels, trigrams of the search, phases), then sort.
    Driven,
    /// Many match: walk the sort order's index and check each row until the page is full.
    Scan,
}

/// The filters of `query` other than the phase (its labels from `labels`, the ones the FROM
/// clause does not already hold).
pub(super) fn scope_filter(
    filter: &mut Filter,
    query: &DeploymentQuery,
    labels: &[Label],
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
        let trigrams = plan == Plan::Driven;
        name_search(filter, "deployment_names", &query.search, dialect, trigrams);
    }
    if !query.package_id.is_empty() {
        let package = filter.bind(query.package_id.as_str().into());
        filter.and(format!("d.package_id = {package}"));
    }
}

/// Rows of `d` whose folded name contains `search` (folded): with `trigrams`, and a search of
/// three characters or more, the name index of `names` (SQLite's FTS5 table of that name, or
/// PostgreSQL's trigram index on `d.name_fold`) finds the candidates first.
pub(super) fn name_search(
    filter: &mut Filter,
    names: &str,
    search: &str,
    dialect: Dialect,
    trigrams: bool,
) {
    let trigrams = trigrams && search.chars().count() >= 3;
    match dialect {
        Dialect::Sqlite => {
            if trigrams {
                let phrase = filter.bind(format!("\"{}\"", search.replace('"', "\"\"")).into());
                filter.and(format!(
                    "d.rowid IN (SELECT rowid FROM {names} WHERE {names} MATCH {phrase})"
                ));
            }
            let search = filter.bind(search.into());
            filter.and(format!("instr(d.name_fold, {search}) > 0"));
        }
        Dialect::Postgres => {
            if trigrams {
                let escaped = search
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let pattern = filter.bind(format!("%{escaped}%").into());
                filter.and(format!("d.name_fold LIKE {pattern}"));
            }
            let search = filter.bind(search.into());
            filter.and(format!("strpos(d.name_fold, {search}) > 0"));
        }
    }
}

/// The column `key` sorts on.
pub(super) fn sort_column(key: SortKey) -> &'static str {
    match key {
        SortKey::Created => "d.created",
        SortKey::Name => "d.name",
        SortKey::Phase => "d.phase_rank",
        SortKey::Generation => "d.generation",
    }
}

pub(super) fn sort_param(value: &SortValue) -> Value {
    match value {
        SortValue::Int(n) => Value::Int(*n),
        SortValue::Text(t) => Value::Text(t.clone()),
    }
}

pub(super) fn sort_value(key: SortKey, value: &Value) -> SortValue {
    match key {
        SortKey::Name => SortValue::Text(value.text().to_string()),
        _ => SortValue::Int(value.int()),
    }
}
