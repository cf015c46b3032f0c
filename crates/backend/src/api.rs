//! The `/api/v1` endpoints over the simulator.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use platform::PlatformError;
use platform::list::{DeviceListRequest, HistoryRequest, ListRequest};
use platform::sim::{Fail, Rows, engine, log_page};
use platform::wire::{List, ProvisionRequest, UpdateRequest};

use crate::db::StoreError;
use crate::http::{ErrorResponse, json, json_page, parse_body, query_pairs, query_value};
use crate::{AppState, fleet};

/// Longest accepted `Idempotency-Key` (the platform's rule, also the demo's).
pub use platform::sim::serve::MAX_IDEMPOTENCY_KEY;

/// The API routes (mounted under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/packages", get(list_packages))
        .route("/packages/{id}", get(get_package))
        .route("/devices", get(list_devices))
        .route("/networks", get(list_networks))
        .route("/deployments", get(list_deployments).post(provision))
        .route("/deployments/bulk", axum::routing::post(fleet::bulk))
        .route(
            "/rollouts",
            get(fleet::list_rollouts).post(fleet::create_rollout),
        )
        .route(
            "/rollouts/preview",
            axum::routing::post(fleet::rollout_preview),
        )
        .route("/rollouts/{id}", get(fleet::get_rollout))
        .route("/rollouts/{id}/targets", get(fleet::rollout_targets))
        .route(
            "/rollouts/{id}/{action}",
            axum::routing::post(fleet::act_on_rollout),
        )
        .route(
            "/deployments/{id}",
            get(get_deployment).patch(update).delete(deprovision),
        )
        .route("/deployments/{id}/history", get(history))
        .route("/deployments/{id}/logs", get(logs))
        .fallback(|| async { ErrorResponse::not_found("There is no such endpoint.") })
}

/// The answer of a store call: a database failure is a 500, a refusal its own status.
pub(crate) fn answer<T>(
    result: Result<Result<T, PlatformError>, StoreError>,
) -> Result<T, ErrorResponse> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(refused)) => Err(refused.into()),
        Err(error) => Err(ErrorResponse::internal(error.to_string())),
    }
}

/// A store result inside an operation: a refusal or a database failure.
pub(crate) fn both<T>(
    result: Result<Result<T, PlatformError>, StoreError>,
) -> Result<T, Fail<StoreError>> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(refused)) => Err(Fail::Refused(refused)),
        Err(error) => Err(Fail::Store(error)),
    }
}

async fn list_packages(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let pairs = query_pairs(query.as_deref());
    let search = query_value(&pairs, "search")
        .unwrap_or_default()
        .to_string();
    let category = query_value(&pairs, "category").map(str::to_string);
    let items = answer(
        state
            .store
            .read(move |rows, _| {
                rows.packages(&search, category.as_deref())
                    .map_err(Fail::Store)
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn get_package(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let package = answer(
        state
            .store
            .read(move |rows, _| {
                rows.package(&id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("package", &id)))
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &package, &headers))
}

async fn list_devices(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let request = DeviceListRequest::from_pairs(&query_pairs(query.as_deref()))?;
    let page = answer(
        state
            .store
            .read(move |rows, _| both(rows.devices_page(&request)))
            .await,
    )?;
    Ok(json(StatusCode::OK, &page, &headers))
}

async fn list_networks(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let items = answer(
        state
            .store
            .read(|rows, _| rows.networks().map_err(Fail::Store))
            .await,
    )?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn list_deployments(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let request = ListRequest::from_pairs(&query_pairs(query.as_deref()))?;
    if let Some(since) = request.since {
        let query = request.query;
        let changes = answer(
            state
                .store
                .read(move |rows, _| both(rows.changes(&query, since)))
                .await,
        )?;
        return Ok(json(StatusCode::OK, &changes, &headers));
    }
    let page = answer(
        state
            .store
            .read(move |rows, _| rows.page(&request).map_err(Fail::Store))
            .await,
    )?;
    Ok(json_page(&page, &headers))
}

async fn get_deployment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let deployment = answer(
        state
            .store
            .read(move |rows, _| {
                rows.deployment_raw(&id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("deployment", &id)))
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &deployment, &headers))
}

async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let request = HistoryRequest::from_pairs(&query_pairs(query.as_deref()))?;
    let page = answer(
        state
            .store
            .read(move |rows, _| {
                let record = rows
                    .record(&id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("deployment", &id)))?;
                Ok(request.page(&record.book.history, &record.deployment.phase_timeline))
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &page, &headers))
}

async fn logs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let pairs = query_pairs(query.as_deref());
    let component = query_value(&pairs, "component")
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let after = query_value(&pairs, "after").unwrap_or_default().to_string();
    let limit = platform::sim::parse_log_limit(query_value(&pairs, "limit"))?;
    let max_lines = state.store.config().max_log_lines;
    let page = answer(
        state
            .store
            .read(move |rows, now| {
                let record = rows
                    .record(&id)
                    .map_err(Fail::Store)?
                    .ok_or_else(|| Fail::Refused(PlatformError::not_found("deployment", &id)))?;
                log_page(&record, component.as_deref(), &after, limit, now, max_lines)
                    .map_err(Fail::Refused)
            })
            .await,
    )?;
    Ok(json(StatusCode::OK, &page, &headers))
}

/// Keys of POSTs being processed right now.
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<String>>);

struct InFlightGuard {
    set: Arc<InFlight>,
    key: String,
}

impl InFlight {
    /// The set; a panic elsewhere while it was held leaves it usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.set.lock().remove(&self.key);
    }
}

/// The `Idempotency-Key` of a request: absent, or 1–255 characters of text.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ErrorResponse> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ErrorResponse::malformed("the Idempotency-Key header is not text"))?;
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(ErrorResponse::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            format!("The Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters."),
        ));
    }
    Ok(Some(key.to_string()))
}

/// A POST whose `Idempotency-Key` is still being processed gets 409; the key is held until
/// the answer is complete (injected delays included).
pub async fn idempotency_in_flight(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match idempotency_key(request.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(error) => return error.into_response(),
    };
    let _guard = {
        if !state.in_flight.lock().insert(key.clone()) {
            return ErrorResponse::from(platform::PlatformError::IdempotencyInFlight)
                .into_response();
        }
        InFlightGuard {
            set: Arc::clone(&state.in_flight),
            key,
        }
    };
    next.run(request).await
}

async fn provision(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorResponse> {
    let key = idempotency_key(&headers)?;
    let request: ProvisionRequest = parse_body(&body)?;
    let user = state.options.user.clone();
    let config = state.store.config();
    let created = answer(
        state
            .store
            .write(move |rows, now| {
                engine::provision(rows, &config, &request, &user, now, key.as_deref())
            })
            .await,
    )?;
    Ok(json(StatusCode::CREATED, &created, &headers))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorResponse> {
    let request: UpdateRequest = parse_body(&body)?;
    let user = state.options.user.clone();
    let config = state.store.config();
    let updated = answer(
        state
            .store
            .write(move |rows, now| engine::update(rows, &config, &id, &request, &user, now))
            .await,
    )?;
    Ok(json(StatusCode::ACCEPTED, &updated, &headers))
}

async fn deprovision(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ErrorResponse> {
    let config = state.store.config();
    let stopped = answer(
        state
            .store
            .write(move |rows, now| engine::deprovision(rows, &config, &id, now))
            .await,
    )?;
    Ok(json(StatusCode::ACCEPTED, &stopped, &headers))
}

/// 404 with the error body, for unknown paths outside the API and the site.
pub async fn not_found() -> ErrorResponse {
    ErrorResponse::not_found("There is nothing at this address.")
}
