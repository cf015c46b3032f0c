//! Compatibility and eligibility: devices for a component ([`device`]), how a set of devices
//! fits one ([`fit`]), routed networks, dependencies and volumes ([`picks`]). Every refusal is
//! a reason with a sentence (`Display`).

mod device;
mod fit;
mod picks;

pub use device::{
    DeviceProfile, Incompatibility, RuntimeNeed, device_incompatibilities, incompatibilities,
};
pub use fit::{FitSummary, ReasonCount};
pub use picks::{
    DependencyIneligible, NetworkIneligible, Pick, VolumeIneligible, dependency_eligibility,
    network_eligibility, volume_eligibility,
};
