//! The fleet endpoints: bulk actions on selected deployments, and rollouts (preview, create,
//! list, read, pause, resume, abort), each over the platform's rules (`platform::bulk`,
//! `platform::rollout`, `platform::sim::rollouts`).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use platform::PlatformError;
use platform::bulk::{self, BulkAnswer, BulkRequest};
use platform::list::DevicePage;
use platform::rollout::{
    self, RolloutListRequest, RolloutPreview, RolloutRequest, TargetListRequest,
};
use platform::sim::rollouts::{self as runs, Action};
use platform::sim::{Fail, Rows};
use platform::wire::Device;

use crate::AppState;
use crate::api::{answer, both, idempotency_key};
use crate::db::parse_device;
use crate::http::{ErrorResponse, json, parse_body, query_pairs};

/// `POST /deployments/bulk`: each deployment judged alone, in its own transaction, so one
/// refusal (or a slow item) holds no other back; the answer lists every outcome.
pub(crate) async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorResponse> {
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

/// `POST /rollouts/preview?limit=&continue=`: how many devices the selector matches, how many
/// can run the component and why the others cannot (counted by profile), and one page of the
/// devices; nothing is created. Only the matching devices are read.
pub(crate) async fn rollout_preview(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorResponse> {
    let request: RolloutRequest = parse_body(&body)?;
    let pairs = query_pairs(query.as_deref());
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
                let devices = rollout::preview_request(&request, &package, &pairs)?;
                let page = if devices.query.labels.is_empty() {
                    DevicePage {
                        items: Vec::new(),
                        next: None,
                        total: 0,
                        fit: None,
                    }
                } else {
                    let page = both(rows.devices_page(&devices))?;
                    DevicePage {
                        items: page
                            .items
                            .iter()
                            .map(|raw| parse_device(raw.get()))
                            .collect::<Result<Vec<Device>, _>>()
                            .map_err(Fail::Store)?,
                        next: page.next,
                        total: page.total,
                        fit: page.fit,
                    }
                };
                Ok(RolloutPreview::from_page(&request, &package, page))
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &preview, &headers))
}

/// `POST /rollouts`: checks the request, makes the rollout and its first wave, in one
/// transaction; the same `Idempotency-Key` and body return the rollout made the first time.
pub(crate) async fn create_rollout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorResponse> {
    let key = idempotency_key(&headers)?;
    let request: RolloutRequest = parse_body(&body)?;
    let user = state.options.user.clone();
    let config = state.store.config();
    let created = answer(
        state
            .store
            .write(move |rows, now| {
                runs::create(rows, &config, &request, &user, now, key.as_deref())
                    .map(|made| made.summary())
            })
            .await,
    )?;
    Ok(json(StatusCode::CREATED, &created, &headers))
}

/// `GET /rollouts?limit=&continue=`: newest first, without targets.
pub(crate) async fn list_rollouts(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let request = RolloutListRequest::from_pairs(&query_pairs(query.as_deref()))?;
    let page = answer(
        state
            .store
            .read(move |rows, _| rows.rollouts_page(&request).map_err(Fail::Store))
            .await,
    )?;
    Ok(json(StatusCode::OK, &page, &headers))
}

/// `GET /rollouts/{id}`: the rollout's summary (counts overall and per wave, the failed
/// targets), without the other targets.
pub(crate) async fn get_rollout(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let rollout = answer(
        state
            .store
            .read(move |rows, _| {
                rows.rollout_view(&id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("rollout", &id)))
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &rollout, &headers))
}

/// `GET /rollouts/{id}/targets`: a page of the rollout's targets in wave order (`wave`,
/// `phase`, `search`, `limit`, `continue`, `offset`), or what changed in them `since` a version.
pub(crate) async fn rollout_targets(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let request = TargetListRequest::from_pairs(&query_pairs(query.as_deref()))?;
    let targets = answer(
        state
            .store
            .read(move |rows, _| {
                rows.rollout_targets(&id, &request)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("rollout", &id)))?
                    .map_err(Fail::Refused)
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &targets, &headers))
}

/// `POST /rollouts/{id}/pause`, `/resume`, `/abort`: 202 with the rollout; 409 when its
/// state does not allow it.
pub(crate) async fn act_on_rollout(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let Some(action) = Action::parse(&action) else {
        return Err(ErrorResponse::not_found("There is no such endpoint."));
    };
    let config = state.store.config();
    let rollout = answer(
        state
            .store
            .write(move |rows, now| runs::act(rows, &config, &id, action, now).map(|r| r.summary()))
            .await,
    )?;
    Ok(json(StatusCode::ACCEPTED, &rollout, &headers))
}
