//! The demo's own steps: its pace, its simulation panel and its first-visit tour.

use std::time::Duration;

use rio_console::ids;

use super::{LONG, click, test_id, wait_shown, wait_text};
use crate::Browser;

/// The demo runs at the platform's own pace (3 s In progress, 5 s Provisioning, 1 s ticks).
pub const DEMO_WAIT: Duration = Duration::from_secs(45);

/// Sets a device online or offline through the demo's simulation panel (opened and closed
/// again around the click).
pub async fn sim_set_device(browser: &Browser, uuid: &str, online: bool) {
    let device = format!("{}[data-uuid=\"{uuid}\"]", test_id(ids::SIM_DEVICE));
    click(browser, &test_id(ids::SIM_TOGGLE)).await;
    let (before, after) = if online {
        ("Bring online", "Take offline")
    } else {
        ("Take offline", "Bring online")
    };
    wait_text(browser, &device, before, LONG).await;
    click(browser, &device).await;
    wait_text(browser, &device, after, LONG).await;
    click(browser, &test_id(ids::SIM_TOGGLE)).await;
}

/// Dismisses the demo's first-visit tour ("Got it"): on a first visit its card sits over the
/// bottom-right corner of every page, where it would take the clicks a test aims there.
pub async fn dismiss_tour(browser: &Browser) {
    click(browser, &test_id(ids::DEMO_TOUR_DISMISS)).await;
    wait_shown(browser, ids::DEMO_TOUR, false).await;
}
