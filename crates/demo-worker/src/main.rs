//! The demo worker: runs [`platform::sim::demo::Demo`] off the console's main thread. It only
//! moves messages (JSON text, `platform::sim::demo::{ToWorker, FromWorker}`) and keeps time;
//! everything it answers is decided, and tested, in the platform crate. Trunk builds it as a
//! second wasm (`rio-demo_bg.wasm`, started by `rio-demo_loader.js`) that the console loads
//! only in demo mode.

#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
