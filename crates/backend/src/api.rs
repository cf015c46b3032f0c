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
use platform::phase::Phase;
use platform::wire::{Architecture, DeviceStatus, List, ProvisionRequest, UpdateRequest};

use crate::AppState;
use crate::http::{ApiError, json, parse_body, query_pairs, query_value};

/// Longest accepted `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The API routes (mounted under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/packages", get(list_packages))
        .route("/packages/{id}", get(get_package))
        .route("/devices", get(list_devices))
        .route("/networks", get(list_networks))
        .route("/deployments", get(list_deployments).post(provision))
        .route(
            "/deployments/{id}",
            get(get_deployment).patch(update).delete(deprovision),
        )
        .route("/deployments/{id}/history", get(history))
        .route("/deployments/{id}/logs", get(logs))
        .fallback(|| async { ApiError::not_found("There is no such endpoint.") })
}

async fn list_packages(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(query.as_deref());
    let search = query_value(&pairs, "search").unwrap_or_default();
    let category = query_value(&pairs, "category");
    let items = state
        .store
        .read(|p| p.packages(search, category))
        .await
        .map_err(ApiError::internal)?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn get_package(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let package = state
        .store
        .read(|p| p.package(&id))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::OK, &package, &headers))
}

async fn list_devices(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(query.as_deref());
    let status = query_value(&pairs, "status")
        .filter(|s| !s.is_empty())
        .map(DeviceStatus::parse);
    let architecture = query_value(&pairs, "architecture")
        .filter(|a| !a.is_empty())
        .map(Architecture::parse);
    let items = state
        .store
        .read(|p| p.devices(status.as_ref(), architecture.as_ref()))
        .await
        .map_err(ApiError::internal)?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn list_networks(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(|p| p.networks())
        .await
        .map_err(ApiError::internal)?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn list_deployments(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(query.as_deref());
    let phases: Vec<Phase> = pairs
        .iter()
        .filter(|(k, v)| k == "phase" && !v.is_empty())
        .map(|(_, v)| Phase::parse(v))
        .collect();
    let search = query_value(&pairs, "search").unwrap_or_default();
    let package_id = query_value(&pairs, "packageId");
    let items = state
        .store
        .read(|p| p.deployments(&phases, search, package_id))
        .await
        .map_err(ApiError::internal)?;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn get_deployment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let deployment = state
        .store
        .read(|p| p.deployment(&id))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::OK, &deployment, &headers))
}

async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(|p| p.history(&id))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::OK, &List { items }, &headers))
}

async fn logs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(query.as_deref());
    let component = query_value(&pairs, "component").filter(|c| !c.is_empty());
    let after = query_value(&pairs, "after").unwrap_or_default();
    let limit = match query_value(&pairs, "limit") {
        None | Some("") => 100,
        Some(text) => text.parse().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_request",
                format!("limit must be a number from 1 to 1000, not \"{text}\"."),
            )
        })?,
    };
    let page = state
        .store
        .read(|p| p.logs(&id, component, after, limit))
        .await
        .map_err(ApiError::internal)??;
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
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::malformed("the Idempotency-Key header is not text"))?;
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(ApiError::new(
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
            return ApiError::from(platform::PlatformError::IdempotencyInFlight).into_response();
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
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let request: ProvisionRequest = parse_body(&body)?;
    let user = state.options.user.clone();
    let created = state
        .store
        .change(|p, now| p.provision(&request, &user, now, key.as_deref()))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::CREATED, &created, &headers))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: UpdateRequest = parse_body(&body)?;
    let user = state.options.user.clone();
    let updated = state
        .store
        .change(|p, now| p.update(&id, &request, &user, now))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::ACCEPTED, &updated, &headers))
}

async fn deprovision(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let stopped = state
        .store
        .change(|p, now| p.deprovision(&id, now))
        .await
        .map_err(ApiError::internal)??;
    Ok(json(StatusCode::ACCEPTED, &stopped, &headers))
}

/// 404 with the error body, for unknown paths outside the API and the site.
pub async fn not_found() -> ApiError {
    ApiError::not_found("There is nothing at this address.")
}
