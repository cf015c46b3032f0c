//! The fleet endpoints (docs/api.md §9): rollouts (preview,
//! create, list, read, pause/resume/abort) and bulk actions on selected deployments.

use gloo_net::http::Method;
use platform::bulk::{BulkAction, BulkAnswer, BulkRequest};
use platform::rollout::{
    Rollout, RolloutList, RolloutPreview, RolloutRequest, TargetChanges, TargetPage, TargetQuery,
};

use super::{ApiError, Backend, encode, query_path};

/// A person's action on a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutAction {
    /// **Pause**.
    Pause,
    /// **Resume**.
    Resume,
    /// **Abort**.
    Abort,
}

impl RolloutAction {
    /// The path segment the API takes.
    pub fn word(self) -> &'static str {
        match self {
            RolloutAction::Pause => "pause",
            RolloutAction::Resume => "resume",
            RolloutAction::Abort => "abort",
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            RolloutAction::Pause => "Pause",
            RolloutAction::Resume => "Resume",
            RolloutAction::Abort => "Abort",
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Decode(e.to_string()))
}

impl Backend {
    /// How many devices `request`'s selector matches, how many can run the component and why
    /// the others cannot, with up to `limit` of the devices from `token` (`None`: the first);
    /// nothing made.
    pub async fn rollout_preview(
        &self,
        request: &RolloutRequest,
        limit: usize,
        token: Option<&str>,
    ) -> Result<RolloutPreview, ApiError> {
        let mut pairs = vec![("limit".to_string(), limit.to_string())];
        pairs.extend(token.map(|t| ("continue".to_string(), t.to_string())));
        self.client()
            .change(
                Method::POST,
                &query_path("/rollouts/preview", &pairs),
                Some(json(request)?),
                None,
            )
            .await
    }

    /// Makes a rollout; `idempotency_key` identifies this submission across its retries.
    pub async fn create_rollout(
        &self,
        request: &RolloutRequest,
        idempotency_key: &str,
    ) -> Result<Rollout, ApiError> {
        self.client()
            .change(
                Method::POST,
                "/rollouts",
                Some(json(request)?),
                Some(idempotency_key),
            )
            .await
    }

    /// A page of rollouts, newest first (`after`: the previous page's `continue`).
    pub async fn rollouts(
        &self,
        limit: usize,
        after: Option<&str>,
    ) -> Result<RolloutList, ApiError> {
        let mut path = format!("/rollouts?limit={limit}");
        if let Some(after) = after {
            path.push_str(&format!("&continue={}", encode(after)));
        }
        self.client().get(&path).await
    }

    /// One rollout's summary: its counts, overall and per wave, and its failed targets.
    pub async fn rollout(&self, id: &str) -> Result<Rollout, ApiError> {
        self.client()
            .get(&format!("/rollouts/{}", encode(id)))
            .await
    }

    /// Up to `limit` of rollout `id`'s targets that `query` lists, from the `offset`-th.
    pub async fn rollout_targets(
        &self,
        id: &str,
        query: &TargetQuery,
        limit: usize,
        offset: usize,
    ) -> Result<TargetPage, ApiError> {
        let mut pairs = query.to_pairs();
        pairs.push(("limit".into(), limit.to_string()));
        pairs.push(("offset".into(), offset.to_string()));
        let path = query_path(&format!("/rollouts/{}/targets", encode(id)), &pairs);
        self.client().get(&path).await
    }

    /// What changed in rollout `id`'s targets after version `since`, as `query` lists them;
    /// [`ApiError::Expired`] when the backend no longer knows (read the pages again).
    pub async fn rollout_target_changes(
        &self,
        id: &str,
        query: &TargetQuery,
        since: &str,
    ) -> Result<TargetChanges, ApiError> {
        let mut pairs = query.to_pairs();
        pairs.push(("since".into(), since.to_string()));
        let path = query_path(&format!("/rollouts/{}/targets", encode(id)), &pairs);
        self.client().get(&path).await
    }

    /// **Pause**, **Resume** or **Abort** a rollout.
    pub async fn act_on_rollout(
        &self,
        id: &str,
        action: RolloutAction,
    ) -> Result<Rollout, ApiError> {
        self.client()
            .change(
                Method::POST,
                &format!("/rollouts/{}/{}", encode(id), action.word()),
                None,
                None,
            )
            .await
    }

    /// Updates or deprovisions the deployments `ids`, each judged alone; one key per
    /// submission, so a retry does nothing twice.
    pub async fn bulk(
        &self,
        action: BulkAction,
        ids: Vec<String>,
        idempotency_key: &str,
    ) -> Result<BulkAnswer, ApiError> {
        let request = BulkRequest { action, ids };
        self.client()
            .change(
                Method::POST,
                "/deployments/bulk",
                Some(json(&request)?),
                Some(idempotency_key),
            )
            .await
    }
}
