//! What went wrong talking to the backend, in words a user understands.

use platform::{ApiErrorBody, FieldError};
use thiserror::Error;

/// A failed backend call.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// No answer at all: offline, DNS, refused, CORS.
    #[error("The backend cannot be reached. Check your connection.")]
    Network,
    /// No answer in time.
    #[error("The request timed out: the backend did not answer within {0} seconds.")]
    TimedOut(u32),
    /// 400: the request was malformed.
    #[error("The backend refused the request: {0}")]
    BadRequest(String),
    /// 401/403: the token is missing, expired or not allowed.
    #[error("You are not signed in, or your session has expired: {0}")]
    Unauthorized(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409: wrong phase, generation changed, in use, request in flight.
    #[error("{message}")]
    Conflict {
        /// The API's code (`phase_conflict`, `generation_conflict`, `in_use`, …).
        code: String,
        /// The backend's sentence.
        message: String,
    },
    /// 422: rejected with field errors.
    #[error("{message}")]
    Invalid {
        /// The backend's sentence.
        message: String,
        /// What is wrong with which field.
        fields: Vec<FieldError>,
    },
    /// 410: a list's version is older than the backend keeps changes for; list again.
    #[error("{0}")]
    Expired(String),
    /// 429.
    #[error("The backend is busy{}.", .0.map(|s| format!("; retry in {s} seconds")).unwrap_or_default())]
    RateLimited(Option<u32>),
    /// 5xx.
    #[error("The backend failed (HTTP {status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The backend's sentence, or a description of the answer.
        message: String,
    },
    /// The answer arrived but is not what the API promises.
    #[error("The backend's answer could not be read: {0}")]
    Decode(String),
    /// Demo mode's simulation (its worker) could not start or stopped.
    #[error("The demo's simulation is not running ({0}). Reload the page to start it again.")]
    DemoUnavailable(String),
}

impl ApiError {
    /// The error for an answer with `status` and `body` (any of the three error forms, or
    /// something else entirely) and an optional `Retry-After`.
    pub fn from_answer(status: u16, body: &str, retry_after: Option<u32>) -> ApiError {
        let decoded = ApiErrorBody::decode(body);
        let message = decoded
            .as_ref()
            .map(|b| b.message.trim().to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| describe_body(status, body));
        let code = decoded.as_ref().map(|b| b.code.clone()).unwrap_or_default();
        match status {
            400 => ApiError::BadRequest(message),
            401 | 403 => ApiError::Unauthorized(message),
            404 => ApiError::NotFound(message),
            409 => ApiError::Conflict { code, message },
            410 => ApiError::Expired(message),
            422 => ApiError::Invalid {
                message,
                fields: decoded.map(|b| b.fields).unwrap_or_default(),
            },
            429 => ApiError::RateLimited(retry_after),
            _ => ApiError::Server { status, message },
        }
    }

    /// A temporary failure (no answer, or one saying to try later): reads retry it on their own;
    /// writes offer the person a retry and never resend by themselves.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network | ApiError::TimedOut(_) | ApiError::RateLimited(_) => true,
            ApiError::Server { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Field errors of a 422, if any.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            ApiError::Invalid { fields, .. } => fields,
            _ => &[],
        }
    }
}

impl From<platform::PlatformError> for ApiError {
    fn from(error: platform::PlatformError) -> ApiError {
        let body = error.to_body();
        match error.http_status() {
            422 => ApiError::Invalid {
                message: body.message,
                fields: body.fields,
            },
            409 => ApiError::Conflict {
                code: body.code,
                message: body.message,
            },
            404 => ApiError::NotFound(body.message),
            410 => ApiError::Expired(body.message),
            400 => ApiError::BadRequest(body.message),
            status => ApiError::Server {
                status,
                message: body.message,
            },
        }
    }
}

/// A sentence for an answer that is not an error body (an HTML gateway page, empty, …).
fn describe_body(status: u16, body: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.is_empty() {
        format!("it answered HTTP {status} with no explanation")
    } else if trimmed.starts_with('<') {
        format!(
            "it answered HTTP {status} with a web page instead of data (a proxy or login page may be in the way)"
        )
    } else {
        format!("it answered HTTP {status} with something that is not an error message")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_kinds_with_the_backends_message() {
        let body = r#"{"error": {"code": "generation_conflict", "message": "It changed."}}"#;
        assert_eq!(
            ApiError::from_answer(409, body, None),
            ApiError::Conflict {
                code: "generation_conflict".into(),
                message: "It changed.".into()
            }
        );
        let invalid = ApiError::from_answer(
            422,
            r#"{"error": {"code": "validation_failed", "message": "Fix it.", "fields": [{"field": "name", "message": "Too short."}]}}"#,
            None,
        );
        assert_eq!(invalid.fields(), [FieldError::new("name", "Too short.")]);
        assert_eq!(
            ApiError::from_answer(404, r#"{"error": "gone"}"#, None),
            ApiError::NotFound("gone".into())
        );
        assert_eq!(
            ApiError::from_answer(500, r#"{"response": {"error": "db down"}}"#, None).to_string(),
            "The backend failed (HTTP 500): db down"
        );
        assert_eq!(
            ApiError::from_answer(429, "", Some(7)).to_string(),
            "The backend is busy; retry in 7 seconds."
        );
    }

    #[test]
    fn answers_that_are_not_error_bodies_are_described() {
        let html = ApiError::from_answer(502, "<html>login</html>", None).to_string();
        assert!(html.contains("web page instead of data"), "{html}");
        assert!(
            ApiError::from_answer(503, "", None)
                .to_string()
                .contains("no explanation")
        );
    }

    #[test]
    fn only_temporary_failures_are_retried() {
        assert!(ApiError::Network.is_transient());
        assert!(ApiError::from_answer(503, "", None).is_transient());
        assert!(!ApiError::from_answer(501, "", None).is_transient());
        assert!(!ApiError::from_answer(404, "", None).is_transient());
        assert!(!ApiError::from_answer(422, "", None).is_transient());
    }
}
