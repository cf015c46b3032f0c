//! A deployment's history in pages (`GET /deployments/{id}/history`): newest generation
//! first, `limit` and `continue`. Each entry carries its generation's phases; the current
//! generation's are the deployment's own timeline.

use serde::{Deserialize, Serialize};

use super::token::{Versioned, decode_json, version};
use super::{base64url_encode, first, parse_limit};
use crate::errors::PlatformError;
use crate::wire::{HistoryEntry, PhaseAt};

/// `GET /deployments/{id}/history`, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryRequest {
    /// At most this many generations; `None` for all.
    pub limit: Option<usize>,
    /// Only generations before this one (from the `continue` token).
    pub before: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct HistoryToken {
    v: u32,
    before: u64,
}

impl Versioned for HistoryToken {
    fn version(&self) -> u32 {
        self.v
    }
}

/// One page of a deployment's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// Generations, newest first.
    pub items: Vec<HistoryEntry>,
    /// The token for the older generations; `None` (null) on the last page.
    #[serde(rename = "continue", default)]
    pub next: Option<String>,
}

impl HistoryRequest {
    /// Reads `limit` (1–1000) and `continue`; a bad value is a 400 saying what is accepted.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<HistoryRequest, PlatformError> {
        let limit = first(pairs, "limit").map(parse_limit).transpose()?;
        let before = first(pairs, "continue")
            .map(|text| decode_json::<HistoryToken>(text).map(|t| t.before))
            .transpose()?;
        Ok(HistoryRequest { limit, before })
    }

    /// The page of `history` (oldest first, as a deployment keeps it) this request asks for;
    /// the current generation's entry gets `current`, the deployment's timeline.
    pub fn page(&self, history: &[HistoryEntry], current: &[PhaseAt]) -> HistoryPage {
        let newest = history.last().map(|entry| entry.generation);
        let mut items: Vec<HistoryEntry> = history
            .iter()
            .rev()
            .filter(|entry| self.before.is_none_or(|before| entry.generation < before))
            .take(
                self.limit
                    .map_or(usize::MAX, |limit| limit.saturating_add(1)),
            )
            .cloned()
            .collect();
        let more = self.limit.is_some_and(|limit| items.len() > limit);
        if let Some(limit) = self.limit {
            items.truncate(limit);
        }
        for entry in &mut items {
            if Some(entry.generation) == newest && entry.phases.is_empty() {
                entry.phases = current.to_vec();
            }
        }
        let next = items.last().filter(|_| more).map(|last| {
            let token = HistoryToken {
                v: version(),
                before: last.generation,
            };
            base64url_encode(serde_json::to_string(&token).unwrap_or_default().as_bytes())
        });
        HistoryPage { items, next }
    }
}
