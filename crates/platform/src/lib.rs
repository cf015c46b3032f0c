//! The platform's objects, rules and behaviour, shared by the console (wasm) and the reference
//! backend (native). Nothing here touches a UI, the network or a clock: time is passed in.
//!
//! - [`wire`]: the JSON objects of the API, decoded tolerantly.
//! - [`phase`]: phases and statuses, the phase state machine and the progress-bar stages.
//! - [`error_codes`]: the platform's deployment error codes with meaning and action.
//! - [`rules`]: validation and eligibility, each answer a reason a person can read.
//! - [`list`]: the deployments and devices lists at fleet scale: filters, orders, pages, changes.
//! - [`sim`]: the simulated platform behind demo mode and the reference backend.
//! - [`time`]: milliseconds since the Unix epoch and RFC 3339 text.

#[macro_use]
mod tolerant;

pub mod bulk;
pub mod error_codes;
pub mod errors;
pub mod list;
pub mod phase;
pub mod rollout;
pub mod rules;
pub mod sim;
pub mod time;
pub mod wire;

pub use errors::{ApiErrorBody, FieldError, PlatformError};
pub use phase::{Phase, Status};
