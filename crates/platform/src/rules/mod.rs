//! The platform's rules. Each answers with reasons a person can read, never a bare boolean:
//! - [`compat`]: which devices can run a component, which networks, dependencies and volumes can
//!   be picked;
//! - [`validate`]: a whole provision request against its package and the current world;
//! - [`update`]: whether a deployment, and which of its components, can be updated in place.

pub mod compat;
pub mod update;
pub mod validate;

use crate::wire::{Deployment, Device, RoutedNetwork};

/// The package name of the public storage package; its deployments are volumes.
pub const VOLUME_PACKAGE_NAME: &str = "io-public-persistent-volume";

/// What the rules look at besides the request itself.
#[derive(Debug, Clone, Copy)]
pub struct World<'a> {
    /// Every device of the project.
    pub devices: &'a [Device],
    /// Every routed network.
    pub networks: &'a [RoutedNetwork],
    /// Every deployment (any phase).
    pub deployments: &'a [Deployment],
}

impl<'a> World<'a> {
    /// The device with this ID.
    pub fn device(&self, uuid: &str) -> Option<&'a Device> {
        self.devices.iter().find(|device| device.uuid == uuid)
    }

    /// The routed network with this ID.
    pub fn network(&self, guid: &str) -> Option<&'a RoutedNetwork> {
        self.networks.iter().find(|network| network.guid == guid)
    }

    /// The deployment with this ID.
    pub fn deployment(&self, id: &str) -> Option<&'a Deployment> {
        self.deployments
            .iter()
            .find(|deployment| deployment.deployment_id == id)
    }
}
