//! Reusable views: they take data and signals and emit callbacks; they never fetch.

pub mod copy_button;
pub mod demo_tour;
pub mod empty_state;
pub mod fleet_bar;
pub mod focus;
pub mod icons;
pub mod layout;
pub mod live_banner;
pub mod load_state;
pub mod modal;
pub mod mode_badge;
pub mod notice;
pub mod page_header;
pub mod phase_bar;
pub mod sign_in;
pub mod sort_header;
pub mod status;
pub mod tabs;
pub mod window;
