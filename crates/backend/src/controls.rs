//! The test controls under `/__control`, only with `--enable-faults` (without it those paths
//! are 404): simulation controls (a device offline or online, the next update failing, a reset
//! to the seed), injected faults (`faults`) and the request log (`requests`). With `--token`
//! they need the token too.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use platform::sim::engine;

use crate::AppState;
use crate::api::answer;
use crate::faults::{add_fault, clear_faults, list_faults};
use crate::http::ErrorResponse;
use crate::requests::{clear_requests, list_requests};

/// The control endpoints (mounted under `/__control`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/devices/{uuid}/{state}", post(set_device))
        .route(
            "/deployments/{id}/fail-next-update",
            post(fail_next_update_of),
        )
        .route("/fail-next-update", post(fail_next_update))
        .route(
            "/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/reset", delete(reset).post(reset))
}

async fn set_device(
    State(state): State<AppState>,
    Path((uuid, wanted)): Path<(String, String)>,
) -> Result<Response, ErrorResponse> {
    let online = match wanted.as_str() {
        "online" => true,
        "offline" => false,
        _ => {
            return Err(ErrorResponse::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Use /online or /offline.",
            ));
        }
    };
    let config = state.store.config();
    let device = answer(
        state
            .store
            .write(move |rows, now| engine::set_device_online(rows, &config, &uuid, online, now))
            .await,
    )?;
    Ok(Json(device).into_response())
}

async fn fail_next_update_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ErrorResponse> {
    answer(
        state
            .store
            .write(move |rows, _| engine::fail_next_update(rows, Some(&id)))
            .await,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fail_next_update(State(state): State<AppState>) -> Result<StatusCode, ErrorResponse> {
    answer(
        state
            .store
            .write(|rows, _| engine::fail_next_update(rows, None))
            .await,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn reset(State(state): State<AppState>) -> Result<StatusCode, ErrorResponse> {
    state
        .store
        .reset()
        .await
        .map_err(|e| ErrorResponse::internal(e.to_string()))?;
    state.store.forget_counts();
    state.faults.lock().clear();
    state.requests.clear();
    Ok(StatusCode::NO_CONTENT)
}
