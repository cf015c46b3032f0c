//! The fleet endpoints: bulk actions on selected deployments and the rollout preview, each
//! over the platform's rules (`platform::bulk`, `platform::rollout`).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use platform::PlatformError;
use platform::bulk::{self, BulkAnswer, BulkRequest};
use platform::list::DeviceListRequest;
use platform::rollout::{self, RolloutPreview, RolloutRequest};
use platform::sim::{Fail, Rows};
use platform::wire::Device;

use crate::AppState;
use crate::api::{answer, idempotency_key};
use crate::http::{ApiError, json, parse_body};

/// `POST /deployments/bulk`: each deployment judged alone, in its own transaction, so one
/// refusal (or a slow item) holds no other back; the answer lists every outcome.
pub(crate) async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let request: BulkRequest = parse_body(&body)?;
    request.check()?;
    let config = state.store.config();
    // Shared, not copied, by every item's transaction.
    let request = Arc::new(request);
    let mut results = Vec::with_capacity(request.ids.len());
    for id in &request.ids {
        let (request, id, key) = (Arc::clone(&request), id.clone(), key.clone());
        let user = state.options.user.clone();
        let result = answer(
            state
                .store
                .write(move |rows, now| {
                    bulk::apply_one(rows, &config, &request, &id, &user, now, key.as_deref())
                        .map_err(Fail::Store)
                })
                .await,
        )?;
        results.push(result);
    }
    Ok(json(StatusCode::OK, &BulkAnswer { results }, &headers))
}

/// `POST /rollouts/preview`: the devices the selector matches, compatible or not and why;
/// nothing is created. Only the matching devices are read (the selector is a devices query).
pub(crate) async fn rollout_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: RolloutRequest = parse_body(&body)?;
    let preview = answer(
        state
            .store
            .read(move |rows, _| {
                let package = rows
                    .package(&request.package_id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| {
                        Fail::Refused(PlatformError::not_found("package", &request.package_id))
                    })?;
                let query = rollout::selector_query(&request);
                let devices: Vec<Device> = if query.labels.is_empty() {
                    Vec::new()
                } else {
                    let page = rows
                        .devices_page(&DeviceListRequest {
                            query,
                            limit: None,
                            after: None,
                        })
                        .map_err(Fail::Store)?;
                    page.items
                        .iter()
                        .filter_map(|raw| serde_json::from_str(raw.get()).ok())
                        .collect()
                };
                Ok(RolloutPreview {
                    targets: rollout::preview(&request, &package, &devices),
                })
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &preview, &headers))
}
