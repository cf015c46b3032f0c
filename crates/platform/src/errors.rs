//! What can go wrong in an operation, as the API reports it: the error kinds with their HTTP
//! status and snake_case code, the field errors of a 422, and the error body in all three of the
//! platform's forms.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A problem with one field of a request, keyed by its path (`name`, `labels[2].key`,
/// `componentContext.<id>.deviceId`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The request path of the field.
    #[serde(default)]
    pub field: String,
    /// A sentence a person can act on.
    #[serde(default)]
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Why the platform refused or could not do an operation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlatformError {
    /// The request broke rules; each field says which.
    #[error("The request has {} problem(s) to fix.", .0.len())]
    Validation(Vec<FieldError>),
    /// No such object.
    #[error("No {kind} with ID {id} exists.")]
    NotFound {
        /// What was looked for (`deployment`, `package`, …).
        kind: &'static str,
        /// The ID asked for.
        id: String,
    },
    /// The deployment's phase does not allow the operation.
    #[error(
        "The deployment is in phase {phase}; it can be updated only when Succeeded or Failed to update."
    )]
    PhaseConflict {
        /// The phase it is in.
        phase: String,
    },
    /// Someone else changed the deployment since the caller looked.
    #[error(
        "The deployment changed: you saw generation {expected}, it is now at generation {current}. Reload it before updating."
    )]
    GenerationConflict {
        /// The generation the caller saw.
        expected: u64,
        /// The generation it is at.
        current: u64,
    },
    /// Other live deployments depend on this one (or mount it as a volume).
    #[error("Deployments still depend on this one or mount it as a volume: {}. Deprovision them first.", .by.join(", "))]
    InUse {
        /// Names (or IDs) of the deployments that depend on it or mount it.
        by: Vec<String>,
    },
    /// The idempotency key was used before with a different request.
    #[error("This Idempotency-Key was already used for a different request.")]
    IdempotencyMismatch,
    /// A request with the same idempotency key is still being processed.
    #[error("A request with this Idempotency-Key is still being processed; retry shortly.")]
    IdempotencyInFlight,
    /// A query parameter is not one the API understands (`limit=lots`, a forged `continue`).
    #[error("{0}")]
    BadQuery(String),
    /// A `since` resourceVersion older than the change feed keeps, or not from this backend:
    /// the client lists again.
    #[error("{0}")]
    Expired(String),
}

impl PlatformError {
    /// No `kind` (`deployment`, `package`, `device`) with ID `id`.
    pub fn not_found(kind: &'static str, id: &str) -> PlatformError {
        PlatformError::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    /// The API's snake_case error code.
    pub fn code(&self) -> &'static str {
        match self {
            PlatformError::Validation(_) => "validation_failed",
            PlatformError::NotFound { .. } => "not_found",
            PlatformError::PhaseConflict { .. } => "phase_conflict",
            PlatformError::GenerationConflict { .. } => "generation_conflict",
            PlatformError::InUse { .. } => "in_use",
            PlatformError::IdempotencyMismatch => "idempotency_mismatch",
            PlatformError::IdempotencyInFlight => "idempotency_in_flight",
            PlatformError::BadQuery(_) => "malformed_request",
            PlatformError::Expired(_) => "expired",
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            PlatformError::Validation(_) | PlatformError::IdempotencyMismatch => 422,
            PlatformError::NotFound { .. } => 404,
            PlatformError::PhaseConflict { .. }
            | PlatformError::GenerationConflict { .. }
            | PlatformError::InUse { .. }
            | PlatformError::IdempotencyInFlight => 409,
            PlatformError::BadQuery(_) => 400,
            PlatformError::Expired(_) => 410,
        }
    }

    /// The error body the API sends.
    pub fn to_body(&self) -> ApiErrorBody {
        let fields = match self {
            PlatformError::Validation(fields) => fields.clone(),
            _ => Vec::new(),
        };
        ApiErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
            fields,
        }
    }
}

/// An error answer from the API: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiErrorBody {
    /// snake_case code (empty for the platform's older forms).
    pub code: String,
    /// A sentence for the user.
    pub message: String,
    /// Field errors (422 only).
    pub fields: Vec<FieldError>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    error: Detail,
}

#[derive(Serialize, Deserialize)]
struct Detail {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldError>,
}

impl ApiErrorBody {
    /// The JSON the API sends.
    pub fn to_json(&self) -> String {
        let envelope = Envelope {
            error: Detail {
                code: self.code.clone(),
                message: self.message.clone(),
                fields: self.fields.clone(),
            },
        };
        serde_json::to_string(&envelope).unwrap_or_else(|_| String::from("{\"error\":{}}"))
    }

    /// Reads any of the three forms: `{"error": {...}}`, `{"error": "<message>"}` and
    /// `{"response": {"error": "<message>"}}`. `None` when the text is none of them.
    /// An explicit `null` anywhere reads as a missing member (as in [`crate::wire::decode`]).
    pub fn decode(text: &str) -> Option<ApiErrorBody> {
        let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
        crate::wire::drop_nulls(&mut value);
        let error = value
            .get("error")
            .or_else(|| value.get("response")?.get("error"))?;
        match error {
            serde_json::Value::String(message) => Some(ApiErrorBody {
                message: message.clone(),
                ..Default::default()
            }),
            serde_json::Value::Object(_) => {
                let detail: Detail = serde_json::from_value(error.clone()).ok()?;
                Some(ApiErrorBody {
                    code: detail.code,
                    message: detail.message,
                    fields: detail.fields,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_error_forms_decode() {
        let full = r#"{"error": {"code": "validation_failed", "message": "Fix it.",
                       "fields": [{"field": "name", "message": "Name is required."}]}}"#;
        let body = ApiErrorBody::decode(full).unwrap();
        assert_eq!(body.code, "validation_failed");
        assert_eq!(body.fields, [FieldError::new("name", "Name is required.")]);
        assert_eq!(
            ApiErrorBody::decode(r#"{"error": "boom"}"#)
                .unwrap()
                .message,
            "boom"
        );
        assert_eq!(
            ApiErrorBody::decode(r#"{"response": {"error": "old"}}"#)
                .unwrap()
                .message,
            "old"
        );
        assert_eq!(ApiErrorBody::decode("<html>"), None);
        assert_eq!(ApiErrorBody::decode(r#"{"items": []}"#), None);
    }

    #[test]
    fn nulls_in_error_bodies_read_as_missing() {
        let body = ApiErrorBody::decode(r#"{"error": {"code": null, "message": "boom"}}"#).unwrap();
        assert_eq!((body.code.as_str(), body.message.as_str()), ("", "boom"));
        let body =
            ApiErrorBody::decode(r#"{"error": {"code": "x", "message": "m", "fields": null}}"#)
                .unwrap();
        assert_eq!((body.code.as_str(), body.fields.len()), ("x", 0));
        let body = ApiErrorBody::decode(
            r#"{"error": {"code": "validation_failed", "message": null,
                "fields": [{"field": "name", "message": null}]}}"#,
        )
        .unwrap();
        assert_eq!(body.message, "");
        assert_eq!(body.fields, [FieldError::new("name", "")]);
        assert_eq!(
            ApiErrorBody::decode(r#"{"error": null, "response": {"error": "old"}}"#)
                .unwrap()
                .message,
            "old"
        );
    }

    #[test]
    fn errors_carry_status_code_and_a_sentence() {
        let error = PlatformError::GenerationConflict {
            expected: 3,
            current: 4,
        };
        assert_eq!(
            (error.http_status(), error.code()),
            (409, "generation_conflict")
        );
        let body = ApiErrorBody::decode(&error.to_body().to_json()).unwrap();
        assert!(body.message.contains("generation 3") && body.message.contains("generation 4"));
        let invalid = PlatformError::Validation(vec![FieldError::new("name", "Too short.")]);
        assert_eq!(invalid.http_status(), 422);
        assert_eq!(
            ApiErrorBody::decode(&invalid.to_body().to_json())
                .unwrap()
                .fields
                .len(),
            1
        );
    }
}
