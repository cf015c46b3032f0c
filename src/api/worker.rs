//! The console's end of demo mode's worker (`crates/demo-worker`): starts it, hands it the
//! saved demo, sends it requests and resolves their answers, and passes on what the worker
//! reports (the simulation moved, a state to keep). Messages are JSON text of
//! `platform::sim::demo::{ToWorker, FromWorker}`. A worker that cannot start or dies fails
//! every request waiting on it, and every later one, with [`ApiError::DemoUnavailable`].

use std::{cell::RefCell, collections::HashMap, rc::Rc, time::Duration};

use platform::sim::demo::{FromWorker, ToWorker};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use crate::api::error::ApiError;
use crate::api::http::TIMEOUT_SECS;

/// The worker's loader script, next to `index.html` (Trunk names workers after their binary).
pub const WORKER_SCRIPT: &str = "rio-demo_loader.js";

/// What the worker reports besides answers.
pub struct Reports {
    /// The simulation moved.
    pub changed: Box<dyn Fn()>,
    /// Keep this state for the next visit.
    pub save: Box<dyn Fn(String)>,
    /// Forget the state kept (the demo grew too big to keep).
    pub forget: Box<dyn Fn()>,
}

#[derive(Default)]
struct State {
    /// The worker listens (it said `Ready`); messages wait in `queue` until then.
    ready: bool,
    queue: Vec<String>,
    /// Why the worker is gone, once it is.
    failed: Option<String>,
    next_id: u64,
    /// Requests waiting: the function resolving each one's promise.
    waiting: HashMap<u64, js_sys::Function>,
    /// Answers that arrived, until their request takes them.
    answers: HashMap<u64, (u16, String)>,
}

/// A running worker and the requests waiting on it.
pub struct WorkerLink {
    worker: Option<web_sys::Worker>,
    state: Rc<RefCell<State>>,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl WorkerLink {
    /// Starts the worker at `script` and hands it `start` (its first message).
    pub fn start(script: &str, start: &ToWorker, reports: Reports) -> WorkerLink {
        let state = Rc::new(RefCell::new(State::default()));
        let worker = match web_sys::Worker::new(script) {
            Ok(worker) => worker,
            Err(error) => {
                state.borrow_mut().failed = Some(describe(&error));
                return WorkerLink {
                    worker: None,
                    state,
                    _listeners: Vec::new(),
                };
            }
        };
        let on_message = {
            let (state, worker) = (Rc::clone(&state), worker.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(text) = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|e| e.data().as_string())
                else {
                    return;
                };
                match serde_json::from_str::<FromWorker>(&text) {
                    Ok(FromWorker::Ready) => {
                        let queue = {
                            let mut state = state.borrow_mut();
                            state.ready = true;
                            std::mem::take(&mut state.queue)
                        };
                        for message in queue {
                            let _ = worker.post_message(&message.into());
                        }
                    }
                    Ok(FromWorker::Answer { id, status, body }) => {
                        let resolve = {
                            let mut state = state.borrow_mut();
                            let resolve = state.waiting.remove(&id);
                            if resolve.is_some() {
                                state.answers.insert(id, (status, body));
                            }
                            resolve
                        };
                        if let Some(resolve) = resolve {
                            let _ = resolve.call0(&JsValue::NULL);
                        }
                    }
                    Ok(FromWorker::Changed) => (reports.changed)(),
                    Ok(FromWorker::Save { state }) => (reports.save)(state),
                    Ok(FromWorker::Forget) => (reports.forget)(),
                    Err(_) => {}
                }
            })
        };
        let on_error = {
            let state = Rc::clone(&state);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let reason = event
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(|e| e.message())
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "its script could not be loaded".into());
                fail_all(&state, reason);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let link = WorkerLink {
            worker: Some(worker),
            state,
            _listeners: vec![on_message, on_error],
        };
        link.post(start);
        link
    }

    /// Sends `message` now, or once the worker listens.
    fn post(&self, message: &ToWorker) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        let mut state = self.state.borrow_mut();
        match &self.worker {
            Some(worker) if state.ready => {
                let _ = worker.post_message(&text.into());
            }
            _ => state.queue.push(text),
        }
    }

    /// Sends a request and waits for its status and body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        let id = {
            let mut state = self.state.borrow_mut();
            if let Some(reason) = &state.failed {
                return Err(ApiError::DemoUnavailable(reason.clone()));
            }
            state.next_id += 1;
            state.next_id
        };
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            self.state.borrow_mut().waiting.insert(id, resolve);
        });
        // A caller that goes away (its view closed) leaves nothing behind.
        let _forget = Forget {
            state: Rc::clone(&self.state),
            id,
        };
        self.post(&ToWorker::Request {
            id,
            method: method.to_string(),
            path: path.to_string(),
            body,
            idempotency_key: idempotency_key.map(str::to_string),
        });
        let timer = {
            let state = Rc::clone(&self.state);
            leptos::prelude::set_timeout_with_handle(
                move || {
                    let resolve = state.borrow_mut().waiting.remove(&id);
                    if let Some(resolve) = resolve {
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                },
                Duration::from_secs(u64::from(TIMEOUT_SECS)),
            )
            .ok()
        };
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        if let Some(timer) = timer {
            timer.clear();
        }
        let mut state = self.state.borrow_mut();
        match state.answers.remove(&id) {
            Some(answer) => Ok(answer),
            None => Err(match &state.failed {
                Some(reason) => ApiError::DemoUnavailable(reason.clone()),
                None => ApiError::TimedOut(TIMEOUT_SECS),
            }),
        }
    }
}

/// Forgets request `id` (its resolver, an answer nobody took) when dropped.
struct Forget {
    state: Rc<RefCell<State>>,
    id: u64,
}

impl Drop for Forget {
    fn drop(&mut self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.waiting.remove(&self.id);
            state.answers.remove(&self.id);
        }
    }
}

impl Drop for WorkerLink {
    fn drop(&mut self) {
        if let Some(worker) = &self.worker {
            worker.terminate();
        }
    }
}

/// The worker is gone: every waiting request fails with `reason`, and so will later ones.
fn fail_all(state: &Rc<RefCell<State>>, reason: String) {
    let waiting: Vec<js_sys::Function> = {
        let mut state = state.borrow_mut();
        state.failed.get_or_insert(reason);
        state.queue.clear();
        state.waiting.drain().map(|(_, resolve)| resolve).collect()
    };
    for resolve in waiting {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "the browser refused to start it".into())
}
