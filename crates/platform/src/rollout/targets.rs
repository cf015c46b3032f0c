//! A rollout's targets in pages (`GET /rollouts/{id}/targets`), in wave order: filtered by
//! `wave`, `phase` (a deployment phase, `pending` or `refused`, repeats) and `search` (the
//! device's or the deployment's name), paged with `limit`, `continue` or `offset`, and what
//! changed `since` a resourceVersion, as the deployments list does it.

use serde::{Deserialize, Serialize};

use super::{PENDING, REFUSED, RolloutTarget};
use crate::errors::PlatformError;
use crate::list::{
    MAX_CHANGES, bad, base64url_encode, check_since, first, fold, parse_limit, values,
};
use crate::phase::Phase;

/// Targets a page holds unless the request says (`limit`).
pub const TARGET_PAGE: usize = 100;

/// Which targets a page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TargetQuery {
    /// Only this wave's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<u32>,
    /// Any of these states (a phase's word, `pending` or `refused`); all when empty.
    #[serde(default, rename = "phase", skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    /// Text the device's or the deployment's name contains, folded; empty for any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub search: String,
}

impl TargetQuery {
    /// Whether `target` is listed.
    pub fn matches(&self, target: &RolloutTarget) -> bool {
        self.wave.is_none_or(|wave| target.wave == wave)
            && (self.states.is_empty() || self.states.iter().any(|s| s == target.state_word()))
            && (self.search.is_empty()
                || fold(&target.device_name).contains(&self.search)
                || fold(&target.name).contains(&self.search))
    }
}

impl TargetQuery {
    /// The query-string pairs that ask for this query (values as they are: the client
    /// percent-encodes them); [`TargetListRequest::from_pairs`] reads them back to it.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(wave) = self.wave {
            pairs.push(("wave".into(), wave.to_string()));
        }
        pairs.extend(self.states.iter().map(|s| ("phase".to_string(), s.clone())));
        if !self.search.is_empty() {
            pairs.push(("search".into(), self.search.clone()));
        }
        pairs
    }
}

/// A state word of the query string in the form targets' counts use it.
fn state(word: &str) -> String {
    let folded = word.trim().to_lowercase();
    if folded == PENDING || folded == REFUSED {
        folded
    } else {
        Phase::parse(word).as_str().to_string()
    }
}

/// `GET /rollouts/{id}/targets`, read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetListRequest {
    /// Filters.
    pub query: TargetQuery,
    /// At most this many (default [`TARGET_PAGE`]).
    pub limit: usize,
    /// After the target at this place of the rollout (from `continue`).
    pub after: Option<usize>,
    /// Skip this many listed targets first.
    pub offset: Option<usize>,
    /// Only what changed after this resourceVersion.
    pub since: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct TargetToken {
    v: u32,
    q: TargetQuery,
    after: usize,
}

/// The version written into target tokens.
const TOKEN_VERSION: u32 = 1;

impl TargetListRequest {
    /// Reads `wave`, `phase` (repeats), `search`, `limit`, `continue`, `offset` and `since`;
    /// each bad value is a 400 saying what is accepted.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<TargetListRequest, PlatformError> {
        let whole = |key: &str, what: &str| -> Result<Option<u64>, PlatformError> {
            first(pairs, key)
                .map(|text| {
                    text.trim()
                        .parse::<u64>()
                        .map_err(|_| bad(format!("{key} must be {what}, not \"{text}\".")))
                })
                .transpose()
        };
        let wave = whole("wave", "a wave's number (from 1)")?
            .map(|w| u32::try_from(w).unwrap_or(u32::MAX));
        let mut states: Vec<String> = values(pairs, "phase").map(state).collect();
        states.sort();
        states.dedup();
        let query = TargetQuery {
            wave,
            states,
            search: fold(first(pairs, "search").unwrap_or_default()),
        };
        let limit = first(pairs, "limit")
            .map(parse_limit)
            .transpose()?
            .unwrap_or(TARGET_PAGE);
        let since = whole("since", "a resourceVersion from an earlier answer")?;
        let offset = whole("offset", "a whole number of targets to skip")?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        let token = first(pairs, "continue");
        if [token.is_some(), offset.is_some(), since.is_some()]
            .iter()
            .filter(|given| **given)
            .count()
            > 1
        {
            return Err(bad(
                "continue, offset and since cannot be combined: each says where an answer starts.",
            ));
        }
        let (query, after) = match token {
            None => (query, None),
            Some(text) => {
                let token: TargetToken = crate::list::base64url_decode(text.trim())
                    .and_then(|bytes| serde_json::from_slice::<TargetToken>(&bytes).ok())
                    .filter(|t| t.v == TOKEN_VERSION)
                    .ok_or_else(|| {
                        bad("This continue token is not one this backend gave out; list again from the first page.")
                    })?;
                let restated = ["wave", "phase", "search"]
                    .iter()
                    .any(|key| first(pairs, key).is_some());
                if restated && token.q != query {
                    return Err(bad(
                        "This continue token belongs to another query (its filters differ); list again from the first page.",
                    ));
                }
                (token.q, Some(token.after))
            }
        };
        Ok(TargetListRequest {
            query,
            limit,
            after,
            offset,
            since,
        })
    }

    /// The answer among `targets` (a rollout's, in wave order) at the store's `version`, whose
    /// change history starts at `epoch`; 410 when `since` cannot be answered from it.
    pub fn answer(
        &self,
        targets: &[RolloutTarget],
        version: u64,
        epoch: u64,
    ) -> Result<TargetAnswer, PlatformError> {
        if let Some(since) = self.since {
            let changed: Vec<&RolloutTarget> = targets
                .iter()
                .filter(|t| t.resource_version > since)
                .collect();
            check_since(since, epoch, version, changed.len().min(MAX_CHANGES + 1))?;
            let (items, gone): (Vec<&RolloutTarget>, Vec<&RolloutTarget>) =
                changed.into_iter().partition(|t| self.query.matches(t));
            // A target's wave and names never change: only a state filter lets one leave.
            let deleted = if self.query.states.is_empty() {
                Vec::new()
            } else {
                gone.into_iter().map(|t| t.device_id.clone()).collect()
            };
            return Ok(TargetAnswer::Changes(TargetChanges {
                items: items.into_iter().cloned().collect(),
                deleted,
                resource_version: version.to_string(),
            }));
        }
        let listed: Vec<(usize, &RolloutTarget)> = targets
            .iter()
            .enumerate()
            .filter(|(_, t)| self.query.matches(t))
            .collect();
        let start = match (self.after, self.offset) {
            (Some(after), _) => listed.partition_point(|(place, _)| *place <= after),
            (None, Some(offset)) => offset.min(listed.len()),
            (None, None) => 0,
        };
        let end = start.saturating_add(self.limit).min(listed.len());
        let shown = listed.get(start..end).unwrap_or_default();
        let next = match shown.last() {
            Some((place, _)) if end < listed.len() => {
                let token = TargetToken {
                    v: TOKEN_VERSION,
                    q: self.query.clone(),
                    after: *place,
                };
                Some(base64url_encode(
                    serde_json::to_string(&token).unwrap_or_default().as_bytes(),
                ))
            }
            _ => None,
        };
        Ok(TargetAnswer::Page(TargetPage {
            items: shown.iter().map(|(_, t)| (*t).clone()).collect(),
            next,
            total: listed.len() as u64,
            resource_version: version.to_string(),
        }))
    }
}

/// A page of a rollout's targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetPage {
    /// The targets, in wave order.
    pub items: Vec<RolloutTarget>,
    /// The token for the next page; `None` (null) on the last one.
    #[serde(rename = "continue")]
    pub next: Option<String>,
    /// How many targets the filtered list holds.
    pub total: u64,
    /// The version this page shows; pass it as `since` for what changes next.
    pub resource_version: String,
}

/// What changed in a rollout's targets after a resourceVersion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetChanges {
    /// Changed targets the query lists.
    pub items: Vec<RolloutTarget>,
    /// Device IDs of changed targets the query's state filter no longer lists (without one,
    /// none: a target never leaves a wave or changes its names).
    pub deleted: Vec<String>,
    /// The version these changes bring the client to.
    pub resource_version: String,
}

/// A targets answer: a page, or (with `since`) what changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TargetAnswer {
    /// A page.
    Page(TargetPage),
    /// What changed.
    Changes(TargetChanges),
}
