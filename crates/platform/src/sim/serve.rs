//! The API (`docs/api.md`) answered by the in-memory platform: a request as method, path with
//! its query, body and `Idempotency-Key` in, a status and a JSON body out. Demo mode's worker
//! answers the console's requests with it, so the console talks to the simulation exactly as it
//! talks to the reference backend, through the same decoding. The backend answers the same
//! paths over its database with the same operations (`engine`) and list rules (`list`).

use serde::Serialize;

use crate::bulk::BulkRequest;
use crate::errors::PlatformError;
use crate::list::{DeviceListRequest, DevicePage, HistoryRequest, ListAnswer, ListRequest};
use crate::rollout::{RolloutListRequest, RolloutPreview, RolloutRequest, TargetListRequest};
use crate::sim::Platform;
use crate::sim::rollouts::Action;
use crate::time::Millis;
use crate::wire::{List, ProvisionRequest, UpdateRequest};

/// Longest accepted `Idempotency-Key` (as the backend).
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// One request to the API, relative to its base (`/deployments?phase=…`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request<'a> {
    /// `GET`, `POST`, `PATCH`, `DELETE`.
    pub method: &'a str,
    /// The path under the API's base, with its query.
    pub path: &'a str,
    /// The JSON body, if any.
    pub body: Option<&'a str>,
    /// The `Idempotency-Key` header, if any.
    pub idempotency_key: Option<&'a str>,
}

/// The API's answer: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The JSON body (an error body for 4xx).
    pub body: String,
}

impl Answer {
    /// `value` as JSON with `status`.
    pub fn json(status: u16, value: &impl Serialize) -> Answer {
        match serde_json::to_string(value) {
            Ok(body) => Answer { status, body },
            Err(error) => Answer::error(500, "internal", &error.to_string()),
        }
    }

    /// A refusal with the platform's error body.
    pub fn refused(error: &PlatformError) -> Answer {
        Answer {
            status: error.http_status(),
            body: error.to_body().to_json(),
        }
    }

    /// An error body with `code` and `message`.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            body: crate::ApiErrorBody {
                code: code.into(),
                message: message.into(),
                fields: Vec::new(),
            }
            .to_json(),
        }
    }

    /// 404: no endpoint at this path.
    pub fn no_endpoint() -> Answer {
        Answer::error(404, "not_found", "There is no such endpoint.")
    }

    /// 405: the path exists, the method does not.
    pub fn method_not_allowed() -> Answer {
        Answer::error(
            405,
            "method_not_allowed",
            "This endpoint does not take that method.",
        )
    }
}

/// A request's path split into decoded segments and its query into decoded pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Path segments, percent-decoded (`/deployments/dep%201` → `["deployments", "dep 1"]`).
    pub segments: Vec<String>,
    /// Query pairs in order, keys repeated as sent.
    pub pairs: Vec<(String, String)>,
}

impl Target {
    /// Splits `path` (with its query).
    pub fn of(path: &str) -> Target {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let pairs = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        Target { segments, pairs }
    }

    /// The first value of `key`, if any.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Answers `request` at `now` as the API does; changes are made by `user`. Reads see the
/// platform moved to `now` first.
pub fn answer(platform: &mut Platform, request: &Request<'_>, user: &str, now: Millis) -> Answer {
    platform.advance(now);
    let target = Target::of(request.path);
    let segments: Vec<&str> = target.segments.iter().map(String::as_str).collect();
    let result = match (request.method, segments.as_slice()) {
        ("GET", ["packages"]) => Ok(packages(platform, &target)),
        ("GET", ["packages", id]) => platform.package(id).map(|p| Answer::json(200, &p)),
        ("GET", ["devices"]) => DeviceListRequest::from_pairs(&target.pairs)
            .and_then(|request| platform.devices_page(&request))
            .map(|page| Answer::json(200, &page)),
        ("GET", ["networks"]) => Ok(Answer::json(
            200,
            &List {
                items: platform.networks(),
            },
        )),
        ("GET", ["deployments"]) => deployments(platform, &target),
        ("POST", ["deployments"]) => provision(platform, request, user, now),
        ("POST", ["deployments", "bulk"]) => bulk(platform, request, user, now),
        ("POST", ["rollouts", "preview"]) => rollout_preview(platform, request, &target),
        ("GET", ["rollouts"]) => RolloutListRequest::from_pairs(&target.pairs)
            .map(|request| Answer::json(200, &platform.rollouts_page(&request))),
        ("POST", ["rollouts"]) => create_rollout(platform, request, user, now),
        ("GET", ["rollouts", id]) => platform
            .rollout(id)
            .map(|r| Answer::json(200, &r.summary())),
        ("GET", ["rollouts", id, "targets"]) => TargetListRequest::from_pairs(&target.pairs)
            .and_then(|request| {
                let rollout = platform.rollout(id)?;
                request.answer(&rollout.targets, platform.revision(), platform.epoch())
            })
            .map(|answer| Answer::json(200, &answer)),
        ("POST", ["rollouts", id, action]) => match Action::parse(action) {
            Some(action) => platform
                .act_on_rollout(id, action, now)
                .map(|r| Answer::json(202, &r.summary())),
            None => Ok(Answer::no_endpoint()),
        },
        ("GET", ["deployments", id]) => platform.deployment(id).map(|d| Answer::json(200, &d)),
        ("PATCH", ["deployments", id]) => body::<UpdateRequest>(request.body)
            .and_then(|update| platform.update(id, &update, user, now))
            .map(|d| Answer::json(202, &d)),
        ("DELETE", ["deployments", id]) => {
            platform.deprovision(id, now).map(|d| Answer::json(202, &d))
        }
        ("GET", ["deployments", id, "history"]) => HistoryRequest::from_pairs(&target.pairs)
            .and_then(|request| platform.history_page(id, &request))
            .map(|page| Answer::json(200, &page)),
        ("GET", ["deployments", id, "logs"]) => logs(platform, id, &target),
        (_, ["packages" | "devices" | "networks" | "deployments" | "rollouts"])
        | (_, ["packages" | "deployments" | "rollouts", _])
        | (_, ["deployments", _, "history" | "logs"])
        | (_, ["rollouts", _, "targets"]) => Ok(Answer::method_not_allowed()),
        _ => Ok(Answer::no_endpoint()),
    };
    result.unwrap_or_else(|error| Answer::refused(&error))
}

fn packages(platform: &Platform, target: &Target) -> Answer {
    let items = platform.packages(
        target.value("search").unwrap_or_default(),
        target.value("category"),
    );
    Answer::json(200, &List { items })
}

fn deployments(platform: &Platform, target: &Target) -> Result<Answer, PlatformError> {
    let request = ListRequest::from_pairs(&target.pairs)?;
    Ok(match platform.list(&request)? {
        ListAnswer::Page(page) => Answer::json(200, &page),
        ListAnswer::Changes(changes) => Answer::json(200, &changes),
    })
}

fn provision(
    platform: &mut Platform,
    request: &Request<'_>,
    user: &str,
    now: Millis,
) -> Result<Answer, PlatformError> {
    let key = idempotency_key(request.idempotency_key)?;
    let provision: ProvisionRequest = body(request.body)?;
    platform
        .provision(&provision, user, now, key)
        .map(|d| Answer::json(201, &d))
}

fn bulk(
    platform: &mut Platform,
    request: &Request<'_>,
    user: &str,
    now: Millis,
) -> Result<Answer, PlatformError> {
    let key = idempotency_key(request.idempotency_key)?;
    let bulk: BulkRequest = body(request.body)?;
    bulk.check()?;
    let config = platform.config();
    let Ok(answer) = crate::bulk::apply_all(platform, &config, &bulk, user, now, key);
    Ok(Answer::json(200, &answer))
}

fn create_rollout(
    platform: &mut Platform,
    request: &Request<'_>,
    user: &str,
    now: Millis,
) -> Result<Answer, PlatformError> {
    let key = idempotency_key(request.idempotency_key)?;
    let rollout: RolloutRequest = body(request.body)?;
    platform
        .create_rollout(&rollout, user, now, key)
        .map(|r| Answer::json(201, &r.summary()))
}

fn rollout_preview(
    platform: &Platform,
    request: &Request<'_>,
    target: &Target,
) -> Result<Answer, PlatformError> {
    let rollout: RolloutRequest = body(request.body)?;
    let package = platform.package(&rollout.package_id)?;
    let devices = crate::rollout::preview_request(&rollout, &package, &target.pairs)?;
    let page = if devices.query.labels.is_empty() {
        DevicePage {
            items: Vec::new(),
            next: None,
            total: 0,
            fit: None,
        }
    } else {
        platform.devices_page(&devices)?
    };
    Ok(Answer::json(
        200,
        &RolloutPreview::from_page(&rollout, &package, page),
    ))
}

fn logs(platform: &Platform, id: &str, target: &Target) -> Result<Answer, PlatformError> {
    let limit = crate::sim::parse_log_limit(target.value("limit"))?;
    let component = target.value("component").filter(|c| !c.is_empty());
    let after = target.value("after").unwrap_or_default();
    platform
        .logs(id, component, after, limit)
        .map(|page| Answer::json(200, &page))
}

/// The `Idempotency-Key`: absent, or 1–255 characters.
pub fn idempotency_key(key: Option<&str>) -> Result<Option<&str>, PlatformError> {
    match key {
        Some(key) if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY => {
            Err(PlatformError::BadQuery(format!(
                "The Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters."
            )))
        }
        other => Ok(other),
    }
}

/// A JSON request body, refused with a clear sentence when empty or not what is expected.
pub fn body<T: serde::de::DeserializeOwned>(body: Option<&str>) -> Result<T, PlatformError> {
    let text = body.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(malformed("it is empty; send a JSON object"));
    }
    serde_json::from_str(text).map_err(malformed)
}

/// 400: the body is not the JSON the endpoint expects.
pub fn malformed(detail: impl std::fmt::Display) -> PlatformError {
    PlatformError::BadQuery(format!("The request body is not valid: {detail}."))
}
