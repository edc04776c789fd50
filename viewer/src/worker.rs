//! The analysis worker's side: receives a job, runs `analysis::run`, posts progress and the
//! outcome. `worker.js` (written by `build/finish.mjs`) loads the page's wasm in a module
//! worker and calls [`start`] through the binary's `worker_main` export.

use crate::analysis::{self, Outcome};
use crate::bridge::{self, ReceivedJob};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Takes jobs from the page until the worker is terminated.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(received) = ReceivedJob::decode(&e.data()) else {
            return;
        };
        let id = received.id;
        let now = || post.performance().map_or(0.0, |p| p.now());
        let started = now();
        let mut outcome = analysis::run(&received.job(), &mut |stage| {
            let _ = post.post_message(&bridge::progress_message(id, &stage.label()));
        });
        if let Outcome::Done { worker_ms, .. } = &mut outcome {
            *worker_ms = now() - started;
        }
        drop(received);
        let _ = post.post_message(&bridge::outcome_message(id, &outcome));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&bridge::ready_message());
}
