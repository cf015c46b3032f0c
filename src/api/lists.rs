//! The deployments list at fleet scale (docs/api.md §8): a page of a query, the next page from a `continue`
//! token, and what changed `since` a version. A backend that answers whole lists (no
//! `continue`, `total` or `resourceVersion`) is told apart here, so the list can do the rest in
//! the browser.

use std::collections::BTreeMap;

use platform::list::{Changes, DeploymentQuery, Page};
use platform::wire::Deployment;
use serde::Deserialize;

use super::{ApiError, Backend, query_path};

/// What a search for deployments found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Found {
    /// The first deployments listed.
    pub items: Vec<Deployment>,
    /// Deployments per phase matching every filter but the phase one.
    pub counts: BTreeMap<String, u64>,
}

/// The first answer to a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    /// A page of a backend that pages.
    Page(Page<Deployment>),
    /// The whole list of a backend that does not.
    Whole(Vec<Deployment>),
}

/// A list answer of either kind.
#[derive(Deserialize)]
struct Answer {
    items: Vec<Deployment>,
    #[serde(rename = "continue", default)]
    next: Option<String>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    counts: Option<BTreeMap<String, u64>>,
    #[serde(rename = "resourceVersion", default)]
    resource_version: Option<String>,
}

impl Answer {
    fn listing(self) -> Listing {
        match (self.total, self.resource_version) {
            (Some(total), Some(resource_version)) => Listing::Page(Page {
                items: self.items,
                next: self.next,
                total,
                counts: self.counts.unwrap_or_default(),
                resource_version,
            }),
            _ => Listing::Whole(self.items),
        }
    }
}

/// The query string pairs of a list request: the query itself, or only the token that carries
/// it.
fn pairs(
    query: &DeploymentQuery,
    limit: Option<usize>,
    token: Option<&str>,
    since: Option<&str>,
) -> Vec<(String, String)> {
    let mut pairs = match token {
        Some(token) => vec![("continue".to_string(), token.to_string())],
        None => query.to_pairs(),
    };
    if let Some(limit) = limit {
        pairs.push(("limit".into(), limit.to_string()));
    }
    if let Some(since) = since {
        pairs.push(("since".into(), since.to_string()));
    }
    pairs
}

fn path(pairs: &[(String, String)]) -> String {
    query_path("/deployments", pairs)
}

impl Backend {
    /// Up to `limit` deployments of `query` from `token` (`None`: the first page); a backend
    /// that does not page answers the whole list.
    pub async fn list_deployments(
        &self,
        query: &DeploymentQuery,
        limit: usize,
        token: Option<&str>,
    ) -> Result<Listing, ApiError> {
        let pairs = pairs(query, Some(limit), token, None);
        self.client()
            .get::<Answer>(&path(&pairs))
            .await
            .map(Answer::listing)
    }

    /// Up to `limit` deployments of `query` from its `offset`-th on (a jump into the middle of
    /// the list); a backend that does not page answers the whole list.
    pub async fn list_deployments_at(
        &self,
        query: &DeploymentQuery,
        limit: usize,
        offset: usize,
    ) -> Result<Listing, ApiError> {
        let mut pairs = pairs(query, Some(limit), None, None);
        pairs.push(("offset".into(), offset.to_string()));
        self.client()
            .get::<Answer>(&path(&pairs))
            .await
            .map(Answer::listing)
    }

    /// Up to `limit` deployments `query` lists, first in its order, with the per-phase counts of
    /// every deployment its other filters match (what a search box says beside its answers).
    /// Against a backend that answers whole lists the rules run here.
    pub async fn find_deployments(
        &self,
        query: &DeploymentQuery,
        limit: usize,
    ) -> Result<Found, ApiError> {
        Ok(match self.list_deployments(query, limit, None).await? {
            Listing::Page(page) => Found {
                items: page.items,
                counts: page.counts,
            },
            Listing::Whole(all) => {
                let selection = platform::list::apply::select(
                    all.iter().map(platform::list::apply::Entry::of),
                    query,
                );
                Found {
                    items: selection
                        .order
                        .iter()
                        .take(limit)
                        .filter_map(|p| all.get(*p).cloned())
                        .collect(),
                    counts: selection.counts.to_map(),
                }
            }
        })
    }

    /// Every deployment, for a backend that answers whole lists (filters are applied here).
    pub async fn all_deployments(&self) -> Result<Vec<Deployment>, ApiError> {
        self.client()
            .get::<Answer>("/deployments")
            .await
            .map(|a| a.items)
    }

    /// What changed in `query`'s list after version `since`; [`ApiError::Expired`] when the
    /// backend no longer knows (list again).
    pub async fn deployment_changes(
        &self,
        query: &DeploymentQuery,
        since: &str,
    ) -> Result<Changes<Deployment>, ApiError> {
        let pairs = pairs(query, None, None, Some(since));
        self.client().get(&path(&pairs)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::list::{Order, SortKey};
    use platform::phase::Phase;

    #[test]
    fn a_query_is_sent_whole_and_a_continued_page_only_by_its_token() {
        let query = DeploymentQuery::new(
            vec![Phase::Succeeded],
            Vec::new(),
            "amr nav",
            "",
            SortKey::Name,
            Order::Asc,
        );
        assert_eq!(
            path(&pairs(&query, Some(50), None, None)),
            "/deployments?phase=Succeeded&search=amr%20nav&sort=name&limit=50"
        );
        assert_eq!(
            path(&pairs(&query, Some(200), Some("abc-_"), None)),
            "/deployments?continue=abc-_&limit=200"
        );
        assert!(path(&pairs(&query, None, None, Some("42"))).ends_with("&since=42"));
    }

    #[test]
    fn answers_without_paging_fields_are_whole_lists() {
        let whole: Answer = serde_json::from_str(r#"{"items": []}"#).unwrap();
        assert!(matches!(whole.listing(), Listing::Whole(_)));
        let page: Answer = serde_json::from_str(
            r#"{"items": [], "continue": null, "total": 0, "counts": {}, "resourceVersion": "3"}"#,
        )
        .unwrap();
        assert!(matches!(page.listing(), Listing::Page(_)));
    }
}
