//! Bulk actions on selected deployments (docs/api.md, "Fleet rollouts and bulk actions"):
//! update or deprovision many deployments in one request, each judged alone (one refusal stops
//! no other), the outcome per deployment. With an `Idempotency-Key`, a deployment already done
//! by that submission is not done again when it is sent again.

use serde::{Deserialize, Serialize};

use crate::errors::{ApiErrorBody, FieldError, PlatformError};
use crate::sim::engine::{self, Fail};
use crate::sim::{IdempotencyEntry, Rows, SimConfig};
use crate::time::Millis;
use crate::wire::{Deployment, UpdateRequest};

/// Most deployments one bulk request may name.
pub const MAX_BULK: usize = 5_000;

/// What to do to every selected deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BulkAction {
    /// Update every component in place (generation + 1), at the generation it is at now.
    Update,
    /// Deprovision.
    Deprovision,
}

/// `POST /deployments/bulk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkRequest {
    /// What to do.
    pub action: BulkAction,
    /// The deployments, each once.
    pub ids: Vec<String>,
}

/// The outcome for one deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    /// The deployment.
    pub deployment_id: String,
    /// 202 done, 404 no such deployment, 409 its phase or dependants refuse it, 422 refused.
    pub status: u16,
    /// Why not, when not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ItemError>,
}

/// Why one deployment was not done: the API's error code, its sentence, and field errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    /// snake_case code (`phase_conflict`, `in_use`, `not_found`, …).
    #[serde(default)]
    pub code: String,
    /// A sentence for the user.
    #[serde(default)]
    pub message: String,
    /// Field errors (422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl From<ApiErrorBody> for ItemError {
    fn from(body: ApiErrorBody) -> ItemError {
        ItemError {
            code: body.code,
            message: body.message,
            fields: body.fields,
        }
    }
}

/// The answer: one result per deployment, in the request's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkAnswer {
    /// The results.
    pub results: Vec<BulkResult>,
}

impl BulkRequest {
    /// What is wrong with the request as a whole (nothing is done then).
    pub fn check(&self) -> Result<(), PlatformError> {
        if self.ids.is_empty() {
            return Err(PlatformError::BadQuery(
                "Select at least one deployment.".into(),
            ));
        }
        if self.ids.len() > MAX_BULK {
            return Err(PlatformError::BadQuery(format!(
                "At most {MAX_BULK} deployments at once; this names {}.",
                self.ids.len()
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = self.ids.iter().find(|id| !seen.insert(id.as_str())) {
            return Err(PlatformError::BadQuery(format!(
                "{twice} is selected twice; name each deployment once."
            )));
        }
        Ok(())
    }

    /// The key under which the item `id` of the submission `key` is remembered.
    pub fn item_key(key: &str, id: &str) -> String {
        format!("{key}\u{1f}{id}")
    }

    fn item_body(&self, id: &str) -> String {
        let action = match self.action {
            BulkAction::Update => "update",
            BulkAction::Deprovision => "deprovision",
        };
        format!("bulk {action} {id}")
    }
}

/// Does `request`'s action to deployment `id`, alone: its outcome, or a store failure. With
/// `key`, a deployment this submission already did is answered as it is now, not done again.
pub fn apply_one<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &BulkRequest,
    id: &str,
    user: &str,
    now: Millis,
    key: Option<&str>,
) -> Result<BulkResult, R::Error> {
    let outcome = act(rows, config, request, id, user, now, key);
    Ok(match outcome {
        Ok(_) => BulkResult {
            deployment_id: id.to_string(),
            status: 202,
            error: None,
        },
        Err(Fail::Refused(refused)) => BulkResult {
            deployment_id: id.to_string(),
            status: refused.http_status(),
            error: Some(refused.to_body().into()),
        },
        Err(Fail::Store(error)) => return Err(error),
    })
}

/// Does `request`'s action to each of its deployments, each alone, in order.
pub fn apply_all<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &BulkRequest,
    user: &str,
    now: Millis,
    key: Option<&str>,
) -> Result<BulkAnswer, R::Error> {
    let results = request
        .ids
        .iter()
        .map(|id| apply_one(rows, config, request, id, user, now, key))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BulkAnswer { results })
}

fn act<R: Rows + ?Sized>(
    rows: &mut R,
    config: &SimConfig,
    request: &BulkRequest,
    id: &str,
    user: &str,
    now: Millis,
    key: Option<&str>,
) -> Result<Deployment, Fail<R::Error>> {
    let body = request.item_body(id);
    let item_key = key.map(|key| BulkRequest::item_key(key, id));
    if let Some(item_key) = &item_key
        && let Some(done) = rows.idempotency(item_key, now).map_err(Fail::Store)?
    {
        if done.body != body {
            return Err(PlatformError::IdempotencyMismatch.into());
        }
        return rows
            .record(id)
            .map_err(Fail::Store)?
            .map(|r| r.deployment)
            .ok_or_else(|| PlatformError::not_found("deployment", id).into());
    }
    let done = match request.action {
        BulkAction::Deprovision => engine::deprovision(rows, config, id, now)?,
        BulkAction::Update => {
            let record = rows
                .record(id)
                .map_err(Fail::Store)?
                .ok_or_else(|| PlatformError::not_found("deployment", id))?;
            let update = UpdateRequest {
                expected_generation: record.deployment.current_generation,
                components: record
                    .deployment
                    .component_info
                    .iter()
                    .map(|c| c.component_id.clone())
                    .collect(),
            };
            engine::update(rows, config, id, &update, user, now)?
        }
    };
    if let Some(item_key) = &item_key {
        let entry = IdempotencyEntry {
            body,
            deployment_id: id.to_string(),
            at: now,
        };
        rows.remember(item_key, &entry).map_err(Fail::Store)?;
    }
    Ok(done)
}
