//! The analysis worker's whole life on the page, in one hook. [`use_worker`] spawns the worker
//! (a moment after the first paint, so it has compiled the wasm by the first Analyze), replaces
//! it when it died, terminates it to cancel a job or to replace a running one, and owns the
//! running job: its id, its step and when it started. The app calls
//! [`UseWorkerHandle::run`] and [`UseWorkerHandle::cancel`], reads
//! [`UseWorkerHandle::running`], and gets each job's end once, through `on_finished`.
//!
//! The bookkeeping is [`Jobs`], pure and tested natively; the hook only adds the [`Bridge`].

use crate::analysis::Outcome;
use crate::bridge::{Bridge, WorkerEvent};
use crate::model::JobSpec;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use yew::prelude::*;

/// The job being analysed.
#[derive(Clone, Debug, PartialEq)]
pub struct Running {
    pub id: u32,
    /// The step the worker is at, as it names it.
    pub stage: String,
    /// When the page handed it over (`performance.now()`, ms).
    pub started_ms: f64,
}

/// How a job ended, as the app hears it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub outcome: Outcome,
    /// From `run` to the outcome arriving on the page, in ms.
    pub total_ms: f64,
}

/// What an event asks of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Nothing shown changed (an event of a replaced or cancelled job).
    None,
    /// The running job's step changed.
    Redraw,
    /// The running job ended.
    Finished(Finished),
}

/// The jobs' bookkeeping: at most one job runs, and only its events count.
#[derive(Clone, Debug, PartialEq)]
pub struct Jobs {
    next_id: u32,
    running: Option<Running>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs {
            next_id: 1,
            running: None,
        }
    }
}

impl Jobs {
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }

    /// Starts a job at `at_ms` in place of any running one; its id.
    pub fn start(&mut self, at_ms: f64) -> u32 {
        let id = self.next_id;
        self.next_id = id.wrapping_add(1);
        self.running = Some(Running {
            id,
            stage: "Starting the analysis".to_owned(),
            started_ms: at_ms,
        });
        id
    }

    /// Stops the running job, if any; it.
    pub fn cancel(&mut self) -> Option<Running> {
        self.running.take()
    }

    /// Applies an event that arrived at `at_ms`. A worker that died ends the running job with
    /// its message.
    pub fn on_event(&mut self, event: WorkerEvent, at_ms: f64) -> Effect {
        let running = self.running.as_ref().map(|r| r.id);
        match event {
            WorkerEvent::Progress { id, stage } => match &mut self.running {
                Some(r) if r.id == id => {
                    r.stage = stage;
                    Effect::Redraw
                }
                _ => Effect::None,
            },
            WorkerEvent::Finished { id, outcome } if running == Some(id) => {
                self.finish(outcome, at_ms)
            }
            WorkerEvent::Died(message) => self.finish(Outcome::Failed(message), at_ms),
            // `Ready` is the bridge's business; a replaced or cancelled job's end is dropped.
            WorkerEvent::Ready | WorkerEvent::Finished { .. } => Effect::None,
        }
    }

    fn finish(&mut self, outcome: Outcome, at_ms: f64) -> Effect {
        match self.running.take() {
            Some(r) => Effect::Finished(Finished {
                outcome,
                total_ms: at_ms - r.started_ms,
            }),
            None => Effect::None,
        }
    }
}

/// What the hook keeps between renders (the page's only reference to the worker).
struct Inner {
    jobs: Jobs,
    bridge: Option<Rc<RefCell<Bridge>>>,
    /// The latest render's callback.
    on_finished: Callback<Finished>,
    redraw: UseForceUpdateHandle,
}

/// Spawns a worker whose events go to the hook.
fn spawn(inner: &Rc<RefCell<Inner>>) -> Result<Rc<RefCell<Bridge>>, String> {
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(inner);
    Bridge::spawn(Callback::from(move |event: WorkerEvent| {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        // The borrow ends before the page hears of it: its callback may run or cancel a job.
        let (effect, on_finished, redraw) = {
            let mut i = inner.borrow_mut();
            let effect = i.jobs.on_event(event, crate::components::now_ms());
            (effect, i.on_finished.clone(), i.redraw.clone())
        };
        match effect {
            Effect::None => {}
            Effect::Redraw => redraw.force_update(),
            Effect::Finished(finished) => {
                redraw.force_update();
                on_finished.emit(finished);
            }
        }
    }))
}

/// The page's handle on the worker, see the module's documentation.
#[derive(Clone)]
pub struct UseWorkerHandle {
    inner: Rc<RefCell<Inner>>,
    /// The running job when this handle was made (the render's view of it).
    running: Option<Running>,
}

impl UseWorkerHandle {
    /// The job being analysed, as of this render.
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }

    /// Hands `job` to the worker. One job at a time: a running one is stopped (its worker
    /// terminated), and a worker that died is replaced by a fresh one. Errs, saying why, when
    /// no worker could take it.
    pub fn run(&self, job: &JobSpec) -> Result<(), String> {
        let redraw = {
            let mut inner = self.inner.borrow_mut();
            let replaced = inner.jobs.cancel().is_some();
            if replaced || inner.bridge.as_ref().is_some_and(|b| b.borrow().is_dead()) {
                inner.bridge = None;
            }
            let bridge = if let Some(b) = &inner.bridge {
                b.clone()
            } else {
                let b = spawn(&self.inner)
                    .map_err(|e| format!("Could not start the analysis worker: {e}"))?;
                inner.bridge = Some(b.clone());
                b
            };
            let id = inner.jobs.start(crate::components::now_ms());
            let sent = bridge.borrow_mut().send(id, job);
            if let Err(e) = sent {
                inner.jobs.cancel();
                inner.bridge = None;
                return Err(format!("Could not send the inputs to the worker: {e}"));
            }
            inner.redraw.clone()
        };
        redraw.force_update();
        Ok(())
    }

    /// Stops the running job (terminating its worker, the only way to stop wasm); whether
    /// there was one.
    pub fn cancel(&self) -> bool {
        let (cancelled, redraw) = {
            let mut inner = self.inner.borrow_mut();
            let cancelled = inner.jobs.cancel().is_some();
            if cancelled {
                inner.bridge = None;
            }
            (cancelled, inner.redraw.clone())
        };
        if cancelled {
            redraw.force_update();
        }
        cancelled
    }
}

/// The analysis worker, see the module's documentation. `on_finished` hears of every job that
/// ends other than by `cancel` or by being replaced.
#[hook]
pub fn use_worker(on_finished: Callback<Finished>) -> UseWorkerHandle {
    let redraw = use_force_update();
    let inner = {
        let on_finished = on_finished.clone();
        use_mut_ref(move || Inner {
            jobs: Jobs::default(),
            bridge: None,
            on_finished,
            redraw,
        })
    };
    inner.borrow_mut().on_finished = on_finished;
    {
        let inner = inner.clone();
        use_effect_with((), move |()| {
            // A moment after the first paint, not during it.
            let warm = {
                let inner = inner.clone();
                gloo::timers::callback::Timeout::new(200, move || {
                    if inner.borrow().bridge.is_none() {
                        let bridge = spawn(&inner).ok();
                        inner.borrow_mut().bridge = bridge;
                    }
                })
            };
            move || {
                drop(warm);
                inner.borrow_mut().bridge = None;
            }
        });
    }
    let running = inner.borrow().jobs.running().cloned();
    UseWorkerHandle { inner, running }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(json: &str) -> Outcome {
        Outcome::Done {
            json: json.to_owned(),
            markdown: String::new(),
            excerpts: Vec::new(),
            worker_ms: 1.0,
        }
    }

    #[test]
    fn only_the_running_jobs_events_count() {
        let mut jobs = Jobs::default();
        assert_eq!(jobs.start(100.0), 1);
        // A second Analyze replaces the first job: what the first one says is dropped.
        assert_eq!(jobs.start(200.0), 2);
        let progress = |id: u32, stage: &str| WorkerEvent::Progress {
            id,
            stage: stage.to_owned(),
        };
        assert_eq!(jobs.on_event(progress(1, "old"), 210.0), Effect::None);
        assert_eq!(
            jobs.running(),
            Some(&Running {
                id: 2,
                stage: "Starting the analysis".to_owned(),
                started_ms: 200.0
            })
        );
        assert_eq!(
            jobs.on_event(progress(2, "Parsing the metrics dump"), 220.0),
            Effect::Redraw
        );
        assert_eq!(
            jobs.running().map(|r| r.stage.as_str()),
            Some("Parsing the metrics dump")
        );
        let stale = WorkerEvent::Finished {
            id: 1,
            outcome: done("stale"),
        };
        assert_eq!(jobs.on_event(stale, 230.0), Effect::None);
        let fresh = WorkerEvent::Finished {
            id: 2,
            outcome: done("{}"),
        };
        assert_eq!(
            jobs.on_event(fresh.clone(), 450.0),
            Effect::Finished(Finished {
                outcome: done("{}"),
                total_ms: 250.0
            })
        );
        assert_eq!(jobs.running(), None);
        // Heard once: a repeat finds nothing running.
        assert_eq!(jobs.on_event(fresh, 460.0), Effect::None);
        assert_eq!(jobs.start(500.0), 3);
    }

    #[test]
    fn a_dead_worker_fails_the_running_job_with_its_reason() {
        let mut jobs = Jobs::default();
        let died = || WorkerEvent::Died("The analysis worker stopped: boom".to_owned());
        // Dying while idle (the warm-up worker failed to load) ends nothing.
        assert_eq!(jobs.on_event(died(), 1.0), Effect::None);
        jobs.start(10.0);
        assert_eq!(
            jobs.on_event(died(), 15.0),
            Effect::Finished(Finished {
                outcome: Outcome::Failed("The analysis worker stopped: boom".to_owned()),
                total_ms: 5.0
            })
        );
        assert_eq!(jobs.running(), None);
    }

    #[test]
    fn cancel_stops_only_a_running_job() {
        let mut jobs = Jobs::default();
        assert_eq!(jobs.cancel(), None);
        let id = jobs.start(0.0);
        assert_eq!(jobs.cancel().map(|r| r.id), Some(id));
        let late = WorkerEvent::Finished {
            id,
            outcome: done("{}"),
        };
        assert_eq!(jobs.on_event(late, 1.0), Effect::None);
    }
}
