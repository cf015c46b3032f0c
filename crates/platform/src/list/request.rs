//! Reading a deployments list request from its query string: every filter, order, page and
//! change-feed parameter, each bad value refused with a sentence saying what is accepted.

use super::token;
use super::{Cursor, DeploymentQuery, MAX_LIMIT, Order, SortKey};
use crate::errors::PlatformError;
use crate::phase::Phase;
use crate::wire::Label;

/// A request for the deployments list, read from its query string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRequest {
    /// Filters and order.
    pub query: DeploymentQuery,
    /// At most this many items (1–[`MAX_LIMIT`]); `None` for every item.
    pub limit: Option<usize>,
    /// Continue after this item (from `continue`).
    pub after: Option<Cursor>,
    /// Skip this many items first (a jump into the middle of the list; never with `continue`).
    pub offset: Option<usize>,
    /// Only what changed after this resourceVersion.
    pub since: Option<u64>,
}

/// The query-string keys that make up a [`DeploymentQuery`].
const QUERY_KEYS: [&str; 6] = ["phase", "label", "search", "packageId", "sort", "order"];

impl ListRequest {
    /// Reads `phase` (repeats), `label` (repeats), `search`, `packageId`, `sort`, `order`,
    /// `limit`, `continue`, `offset` and `since`. Bad values are refused with a sentence saying what is
    /// accepted (400); unknown phase words are kept and match nothing.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<ListRequest, PlatformError> {
        let phases = values(pairs, "phase").map(Phase::parse).collect();
        let labels = labels(pairs)?;
        let sort = match first(pairs, "sort") {
            None => SortKey::Created,
            Some(text) => SortKey::parse(text).ok_or_else(|| {
                bad(format!(
                    "sort must be one of created, name, phase or generation, not \"{text}\"."
                ))
            })?,
        };
        let order = match first(pairs, "order") {
            None => sort.default_order(),
            Some(text) => Order::parse(text)
                .ok_or_else(|| bad(format!("order must be asc or desc, not \"{text}\".")))?,
        };
        let query = DeploymentQuery::new(
            phases,
            labels,
            first(pairs, "search").unwrap_or_default(),
            first(pairs, "packageId").unwrap_or_default(),
            sort,
            order,
        );
        let limit = first(pairs, "limit").map(parse_limit).transpose()?;
        let since = match first(pairs, "since") {
            None => None,
            Some(text) => Some(text.trim().parse::<u64>().map_err(|_| {
                bad(format!(
                    "since must be a resourceVersion from an earlier answer (a whole number), not \"{text}\"."
                ))
            })?),
        };
        let offset = match first(pairs, "offset") {
            None => None,
            Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
                bad(format!(
                    "offset must be a whole number of items to skip, not \"{text}\"."
                ))
            })?),
        };
        if offset.is_some() && since.is_some() {
            return Err(bad(
                "since and offset cannot be combined: offset jumps into a list, since asks for changes.",
            ));
        }
        let (query, after) = match first(pairs, "continue") {
            None => (query, None),
            Some(_) if offset.is_some() => {
                return Err(bad(
                    "continue and offset cannot be combined: a continue token already says where the page starts.",
                ));
            }
            Some(_) if since.is_some() => {
                return Err(bad(
                    "since and continue cannot be combined: continue pages a list, since asks for changes.",
                ));
            }
            Some(text) => {
                let (from_token, cursor) = token::decode_list(text)?;
                let restated = QUERY_KEYS.iter().any(|key| first(pairs, key).is_some());
                if restated && from_token != query {
                    return Err(bad(
                        "This continue token belongs to another query (its filters or order differ); list again from the first page.",
                    ));
                }
                (from_token, Some(cursor))
            }
        };
        Ok(ListRequest {
            query,
            limit,
            after,
            offset,
            since,
        })
    }

    /// The `continue` token for a page that ended at `cursor`.
    pub fn continue_token(&self, cursor: &Cursor) -> String {
        token::encode_list(&self.query, cursor)
    }
}

impl DeploymentQuery {
    /// The query-string pairs that ask for this query: `phase` and `label` (`key:value`)
    /// repeated, then `search`, `packageId`, `sort` and `order`, each left out when it says
    /// what the list does anyway (no filter, `sort=created`, the sort's default order). Values
    /// are as they are: the client percent-encodes them. [`ListRequest::from_pairs`] reads
    /// them back to this query.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let pair = |key: &str, value: &str| (key.to_string(), value.to_string());
        let mut pairs: Vec<(String, String)> = self
            .phases
            .iter()
            .map(|phase| pair("phase", phase.as_str()))
            .chain(
                self.labels
                    .iter()
                    .map(|label| pair("label", &label.selector())),
            )
            .collect();
        if !self.search.is_empty() {
            pairs.push(pair("search", &self.search));
        }
        if !self.package_id.is_empty() {
            pairs.push(pair("packageId", &self.package_id));
        }
        if self.sort != SortKey::Created {
            pairs.push(pair("sort", self.sort.as_str()));
        }
        if self.order != self.sort.default_order() {
            pairs.push(pair("order", self.order.as_str()));
        }
        pairs
    }
}

/// The non-blank values of `key`, in order.
pub(crate) fn values<'a, 'k>(
    pairs: &'a [(String, String)],
    key: &'k str,
) -> impl Iterator<Item = &'a str> + use<'a, 'k> {
    pairs
        .iter()
        .filter(move |(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

/// The first non-blank value of `key`.
pub(crate) fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    values(pairs, key).next()
}

/// The `label` values (`key:value`), sorted and without repeats.
pub(crate) fn labels(pairs: &[(String, String)]) -> Result<Vec<Label>, PlatformError> {
    let mut labels = values(pairs, "label")
        .map(|text| {
            Label::from_selector(text).ok_or_else(|| {
                bad(format!(
                    "label must be written key:value, such as site:tokyo; \"{text}\" is not."
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    labels.sort();
    labels.dedup();
    Ok(labels)
}

/// Reads `limit`: 1 to [`MAX_LIMIT`].
pub fn parse_limit(text: &str) -> Result<usize, PlatformError> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            bad(format!(
                "limit must be a number from 1 to {MAX_LIMIT}, not \"{text}\"."
            ))
        })
}

/// A 400 with `message`.
pub(crate) fn bad(message: impl Into<String>) -> PlatformError {
    PlatformError::BadQuery(message.into())
}
