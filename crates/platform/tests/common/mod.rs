//! What the rollout tests share: the seed's package whose plan has one component, a device one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use platform::sim::Platform;
use platform::wire::{Package, Runtime};

/// The package, its plan's ID and its device component's ID.
pub fn device_package(platform: &Platform) -> (Package, String, String) {
    platform
        .all_packages()
        .iter()
        .find_map(|package| {
            package.plans.iter().find_map(|plan| {
                let device = plan
                    .components
                    .iter()
                    .find(|c| c.required_runtime == Runtime::Device)?;
                (plan.components.len() == 1).then(|| {
                    (
                        package.clone(),
                        plan.plan_id.clone(),
                        device.component_id.clone(),
                    )
                })
            })
        })
        .expect("the seed has a package with one device component")
}
