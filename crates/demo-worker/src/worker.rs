//! The worker's side of the messages: `Start` restores or seeds the demo and starts its timer,
//! `Request`s are answered in order, and the demo's changes and saves go back to the console.

use std::{cell::RefCell, rc::Rc};

use platform::sim::demo::{Demo, Effects, FromWorker, Save, ToWorker};
use platform::sim::serve::Request;
use platform::time::Millis;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// How often the simulation moves on, in milliseconds.
const TICK_MS: i32 = 1_000;

fn now() -> Millis {
    Millis(js_sys::Date::now() as i64)
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    if let Ok(text) = serde_json::to_string(message) {
        // A message that cannot be posted has nobody to receive it.
        let _ = scope.post_message(&text.into());
    }
}

/// Tells the console what `effects` ask for.
fn follow(scope: &DedicatedWorkerGlobalScope, demo: &mut Demo, effects: Effects) {
    if effects.save {
        match demo.save() {
            Some(Save::Keep(state)) => post(scope, &FromWorker::Save { state }),
            Some(Save::Forget) => post(scope, &FromWorker::Forget),
            None => {}
        }
    }
    if effects.changed {
        post(scope, &FromWorker::Changed);
    }
}

/// Listens for the console's messages, then says so.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let demo: Rc<RefCell<Option<Demo>>> = Rc::default();
    let on_message = {
        let (scope, demo) = (scope.clone(), Rc::clone(&demo));
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str::<ToWorker>(&text) {
                // One demo a worker: a second start changes nothing.
                Ok(ToWorker::Start { .. }) if demo.borrow().is_some() => {}
                Ok(ToWorker::Start { state, speed }) => {
                    let mut started =
                        Demo::start(state.as_deref(), speed, js_sys::Date::now() as u64, now());
                    // A new demo is saved at once, as a restored one is kept.
                    follow(
                        &scope,
                        &mut started,
                        Effects {
                            changed: true,
                            save: true,
                        },
                    );
                    *demo.borrow_mut() = Some(started);
                    start_ticking(&scope, &demo);
                }
                Ok(ToWorker::Request {
                    id,
                    method,
                    path,
                    body,
                    idempotency_key,
                }) => {
                    let mut demo = demo.borrow_mut();
                    let (status, body) = match demo.as_mut() {
                        Some(demo) => {
                            let request = Request {
                                method: &method,
                                path: &path,
                                body: body.as_deref(),
                                idempotency_key: idempotency_key.as_deref(),
                            };
                            let (answer, effects) = demo.answer(&request, now());
                            post(
                                &scope,
                                &FromWorker::Answer {
                                    id,
                                    status: answer.status,
                                    body: answer.body,
                                },
                            );
                            follow(&scope, demo, effects);
                            return;
                        }
                        None => (503, not_started()),
                    };
                    post(&scope, &FromWorker::Answer { id, status, body });
                }
                // Not a message of this console: nothing to answer.
                Err(_) => {}
            }
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its listener.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

fn not_started() -> String {
    platform::sim::serve::Answer::error(
        503,
        "unavailable",
        "The demo is still starting; try again in a moment.",
    )
    .body
}

fn start_ticking(scope: &DedicatedWorkerGlobalScope, demo: &Rc<RefCell<Option<Demo>>>) {
    let tick = {
        let (scope, demo) = (scope.clone(), Rc::clone(demo));
        Closure::<dyn FnMut()>::new(move || {
            let mut demo = demo.borrow_mut();
            if let Some(demo) = demo.as_mut() {
                let effects = demo.tick(now());
                follow(&scope, demo, effects);
            }
        })
    };
    let _ = scope.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        TICK_MS,
    );
    tick.forget();
}
