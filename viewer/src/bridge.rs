//! The page's end of the analysis worker, and the messages both ends exchange.
//!
//! Page → worker: a job object `{id, config, metrics, metricsTakenAt, metricsLater,
//! metricsLaterTakenAt, clusterName, cluster}` (texts as JS strings, so a 50 MB dump is
//! copied once, not JSON-escaped). Worker → page: `{kind: "ready"}` once it can take jobs,
//! `{kind: "progress", id, stage}` before each step, then `{kind: "done", id, json, markdown,
//! excerpts, workerMs}` or `{kind: "failed", id, message}`.
//!
//! [`Bridge`] only carries messages; which job runs, and when a worker is started, replaced or
//! stopped, is decided by [`use_worker`](crate::worker_hook::use_worker).

use crate::analysis::{Dump, Job, Outcome};
use crate::model::JobSpec;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::Callback;

/// The worker's module script (written by `build/finish.mjs`): the page's own wasm, started
/// with `worker_main`.
pub const WORKER_URL: &str = "./worker.js";

/// A message from the worker, decoded, or its death.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    Ready,
    Progress {
        id: u32,
        stage: String,
    },
    Finished {
        id: u32,
        outcome: Outcome,
    },
    /// The worker failed to load or trapped: it will answer nothing more, and says why.
    Died(String),
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn get_f64(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

fn opt_f64(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

/// Job `id` as the worker receives it.
pub fn job_message(id: u32, job: &JobSpec) -> JsValue {
    let o = Object::new();
    set(&o, "id", &JsValue::from(id));
    set(&o, "config", &JsValue::from_str(&job.config));
    if let Some((text, at)) = &job.metrics {
        set(&o, "metrics", &JsValue::from_str(text));
        set(&o, "metricsTakenAt", &opt_f64(*at));
    }
    if let Some((text, at)) = &job.metrics_later {
        set(&o, "metricsLater", &JsValue::from_str(text));
        set(&o, "metricsLaterTakenAt", &opt_f64(*at));
    }
    if let Some((name, text)) = &job.cluster {
        set(&o, "clusterName", &JsValue::from_str(name));
        set(&o, "cluster", &JsValue::from_str(text));
    }
    o.into()
}

/// A job as the worker holds it (owned texts), see [`ReceivedJob::job`].
#[derive(Debug, Default)]
pub struct ReceivedJob {
    pub id: u32,
    config: String,
    metrics: Option<(String, Option<f64>)>,
    metrics_later: Option<(String, Option<f64>)>,
    cluster: Option<(String, String)>,
}

impl ReceivedJob {
    pub fn decode(data: &JsValue) -> Option<ReceivedJob> {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let id = get_f64(data, "id")? as u32;
        let dump = |text: &str, at: &str| get_string(data, text).map(|t| (t, get_f64(data, at)));
        Some(ReceivedJob {
            id,
            config: get_string(data, "config")?,
            metrics: dump("metrics", "metricsTakenAt"),
            metrics_later: dump("metricsLater", "metricsLaterTakenAt"),
            cluster: get_string(data, "cluster")
                .map(|t| (get_string(data, "clusterName").unwrap_or_default(), t)),
        })
    }

    pub fn job(&self) -> Job<'_> {
        fn dump(d: Option<&(String, Option<f64>)>) -> Option<Dump<'_>> {
            d.map(|(text, taken_at)| Dump {
                text,
                taken_at: *taken_at,
            })
        }
        Job {
            config: &self.config,
            metrics: dump(self.metrics.as_ref()),
            metrics_later: dump(self.metrics_later.as_ref()),
            cluster: self
                .cluster
                .as_ref()
                .map(|(name, text)| (name.as_str(), text.as_str())),
            // The worker's clock: the core reads none.
            now: Some(js_sys::Date::now() / 1000.0),
        }
    }
}

pub fn ready_message() -> JsValue {
    let o = Object::new();
    set(&o, "kind", &JsValue::from_str("ready"));
    o.into()
}

pub fn progress_message(id: u32, stage: &str) -> JsValue {
    let o = Object::new();
    set(&o, "kind", &JsValue::from_str("progress"));
    set(&o, "id", &JsValue::from(id));
    set(&o, "stage", &JsValue::from_str(stage));
    o.into()
}

pub fn outcome_message(id: u32, outcome: &Outcome) -> JsValue {
    let o = Object::new();
    set(&o, "id", &JsValue::from(id));
    match outcome {
        Outcome::Done {
            json,
            markdown,
            excerpts,
            worker_ms,
        } => {
            set(&o, "kind", &JsValue::from_str("done"));
            set(&o, "json", &JsValue::from_str(json));
            set(&o, "markdown", &JsValue::from_str(markdown));
            let excerpts = serde_json::to_string(excerpts).unwrap_or_default();
            set(&o, "excerpts", &JsValue::from_str(&excerpts));
            set(&o, "workerMs", &JsValue::from_f64(*worker_ms));
        }
        Outcome::Failed(message) => {
            set(&o, "kind", &JsValue::from_str("failed"));
            set(&o, "message", &JsValue::from_str(message));
        }
    }
    o.into()
}

pub fn decode_event(data: &JsValue) -> Option<WorkerEvent> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let id = || get_f64(data, "id").map(|id| id as u32);
    match get_string(data, "kind")?.as_str() {
        "ready" => Some(WorkerEvent::Ready),
        "progress" => Some(WorkerEvent::Progress {
            id: id()?,
            stage: get_string(data, "stage")?,
        }),
        "done" => Some(WorkerEvent::Finished {
            id: id()?,
            outcome: Outcome::Done {
                json: get_string(data, "json")?,
                markdown: get_string(data, "markdown")?,
                excerpts: serde_json::from_str(&get_string(data, "excerpts")?).ok()?,
                worker_ms: get_f64(data, "workerMs").unwrap_or_default(),
            },
        }),
        "failed" => Some(WorkerEvent::Finished {
            id: id()?,
            outcome: Outcome::Failed(get_string(data, "message")?),
        }),
        _ => None,
    }
}

/// The page's handle on one worker; dropping it terminates the worker. Jobs sent before the
/// worker is ready wait in `queue` (a wasm worker drops messages that arrive before its
/// handler exists).
pub struct Bridge {
    worker: Worker,
    ready: bool,
    queue: Vec<JsValue>,
    /// Whether the worker died (it failed to load, or trapped).
    dead: bool,
    // Kept alive for as long as the worker may call them.
    onmessage_closure: Option<Closure<dyn FnMut(MessageEvent)>>,
    onerror_closure: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("ready", &self.ready)
            .field("dead", &self.dead)
            .finish_non_exhaustive()
    }
}

fn js_error(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

impl Bridge {
    /// Starts a worker; its events (but `Ready`, which the bridge handles) go to `on_event`.
    pub fn spawn(on_event: Callback<WorkerEvent>) -> Result<Rc<RefCell<Bridge>>, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options).map_err(|e| js_error(&e))?;
        let bridge = Rc::new(RefCell::new(Bridge {
            worker: worker.clone(),
            ready: false,
            queue: Vec::new(),
            dead: false,
            onmessage_closure: None,
            onerror_closure: None,
        }));
        let weak: Weak<RefCell<Bridge>> = Rc::downgrade(&bridge);
        let events = on_event.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            match decode_event(&e.data()) {
                Some(WorkerEvent::Ready) => {
                    if let Some(b) = weak.upgrade() {
                        b.borrow_mut().on_ready();
                    }
                }
                Some(event) => events.emit(event),
                None => {}
            }
        });
        let weak: Weak<RefCell<Bridge>> = Rc::downgrade(&bridge);
        // A script error in the worker is an ErrorEvent; a worker script that fails to load
        // fires a plain Event.
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let message = match e.dyn_ref::<ErrorEvent>().map(ErrorEvent::message) {
                Some(m) if !m.is_empty() => m,
                _ => "its script could not be loaded".to_owned(),
            };
            if let Some(b) = weak.upgrade() {
                b.borrow_mut().dead = true;
            }
            on_event.emit(WorkerEvent::Died(format!(
                "The analysis worker stopped: {message}"
            )));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        {
            let mut b = bridge.borrow_mut();
            b.onmessage_closure = Some(onmessage);
            b.onerror_closure = Some(onerror);
        }
        Ok(bridge)
    }

    fn on_ready(&mut self) {
        self.ready = true;
        for message in std::mem::take(&mut self.queue) {
            let _ = self.worker.post_message(&message);
        }
    }

    /// Hands job `id` to the worker (or queues it until the worker is ready).
    pub fn send(&mut self, id: u32, job: &JobSpec) -> Result<(), String> {
        let message = job_message(id, job);
        if self.ready {
            self.worker.post_message(&message).map_err(|e| js_error(&e))
        } else {
            self.queue.push(message);
            Ok(())
        }
    }

    /// Whether the worker has died; a new one must take its jobs.
    pub fn is_dead(&self) -> bool {
        self.dead
    }
}

/// Stops the worker at once, mid-analysis if need be (the only way to cancel wasm), and
/// detaches its handlers so no event arrives for a bridge that is gone.
impl Drop for Bridge {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
