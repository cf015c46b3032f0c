//! Development > Deployments: the list, a deployment's details with its phase bar, the Update
//! Deployment dialog, history and logs, and deprovisioning.

mod deprovision;
mod details;
mod history;
mod list;
mod logs;
pub mod update;

pub use details::{DeploymentPage, DeploymentWidget};
pub use list::{DeploymentsPage, DeploymentsQuery, DeploymentsWidget, PhaseFilter};

/// The console path of a deployment's page.
pub fn deployment_path(id: &str) -> String {
    format!("/deployments/{}", crate::api::encode(id))
}
