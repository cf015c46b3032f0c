//! One file per screen. Pages own their resources and actions.

pub mod catalog;
pub mod deploy;
pub mod deployments;
pub mod error_codes;
pub mod not_found;
pub mod rollouts;
pub mod simulation;
