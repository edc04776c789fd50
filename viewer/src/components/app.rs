//! The page: inputs on top, then progress or errors, then the report.

use super::coverage::Coverage;
use super::details::Details;
use super::diagnostics::Diagnostics;
use super::export::Export;
use super::findings::Findings;
use super::input_panel::InputPanel;
use super::progress::Progress;
use super::settings::Settings;
use super::summary::Summary;
use super::unusable::Unusable;
use crate::bridge::{Bridge, WorkerEvent};
use crate::charts::etcd_gauge::EtcdGauge;
use crate::charts::latency::VerbLatencyChart;
use crate::charts::objects::ObjectCounts;
use crate::charts::skew::VersionSkew;
use crate::charts::webhooks::WebhookLatencyChart;
use crate::model;
use crate::state::{Action, Slot, State, Status, SETTINGS_KEY};
use gloo::storage::{LocalStorage, Storage};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

const METRICS_HINT: &str = "kubectl get --raw /metrics > apiserver.metrics";
const CLUSTER_HINT: &str = "kubectl get nodes,pods,deploy,ds,sts,rs,job,cronjob,svc,cm,validatingwebhookconfigurations,mutatingwebhookconfigurations -A -o yaml > cluster.yaml";
const LATER_HINT: &str =
    "the same command a few minutes later: findings then cover the window between the two, with rates";

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        State::with_saved_settings(LocalStorage::get::<serde_json::Value>(SETTINGS_KEY).ok())
    });
    // Settings are remembered in this browser (defaults are not stored).
    use_effect_with(state.config.clone(), |config| {
        if *config == crate::state::default_config() {
            LocalStorage::delete(SETTINGS_KEY);
        } else {
            let _ = LocalStorage::set(SETTINGS_KEY, config);
        }
    });
    let bridge: Rc<RefCell<Option<Rc<RefCell<Bridge>>>>> = use_mut_ref(|| None);

    let on_event = {
        let dispatch = state.dispatcher();
        Callback::from(move |event: WorkerEvent| match event {
            WorkerEvent::Ready => {}
            WorkerEvent::Progress { id, stage } => {
                dispatch.dispatch(Action::Progress { id, stage });
            }
            WorkerEvent::Finished { id, outcome } => dispatch.dispatch(Action::Finished {
                id,
                outcome,
                at_ms: super::now_ms(),
            }),
        })
    };

    // Start the worker once the page has rendered, so it has compiled the wasm by the first Analyze.
    {
        let bridge = bridge.clone();
        let on_event = on_event.clone();
        use_effect_with((), move |()| {
            // A moment after the first paint, not during it.
            let start = gloo::timers::callback::Timeout::new(200, move || {
                if bridge.borrow().is_none() {
                    *bridge.borrow_mut() = Bridge::spawn(on_event).ok();
                }
            });
            move || drop(start)
        });
    }

    let analyze = {
        let state = state.clone();
        let bridge = bridge.clone();
        Callback::from(move |_: MouseEvent| {
            let now_s = js_sys::Date::now() / 1000.0;
            let job = match model::job(&state, now_s) {
                Ok(job) => job,
                Err(message) => return state.dispatch(Action::Invalid(message)),
            };
            // One job at a time: a new one replaces (terminates) a running one.
            if state.is_running() {
                if let Some(old) = bridge.borrow_mut().take() {
                    old.borrow().terminate();
                }
            }
            // A worker that died (failed to load, or trapped) is replaced by a fresh one.
            let existing = bridge.borrow().clone().filter(|b| !b.borrow().is_dead());
            let handle = match existing {
                Some(b) => b,
                None => match Bridge::spawn(on_event.clone()) {
                    Ok(b) => {
                        *bridge.borrow_mut() = Some(b.clone());
                        b
                    }
                    Err(e) => {
                        return state.dispatch(Action::Invalid(format!(
                            "Could not start the analysis worker: {e}"
                        )))
                    }
                },
            };
            state.dispatch(Action::Started {
                id: job.id,
                at_ms: super::now_ms(),
            });
            let sent = handle.borrow_mut().send(&job);
            if let Err(e) = sent {
                state.dispatch(Action::Invalid(format!(
                    "Could not send the inputs to the worker: {e}"
                )));
            }
        })
    };

    let cancel = {
        let state = state.clone();
        let bridge = bridge.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(old) = bridge.borrow_mut().take() {
                old.borrow().terminate();
            }
            state.dispatch(Action::Cancel);
        })
    };

    let sample = {
        let dispatch = state.dispatcher();
        let analyze = analyze.clone();
        Callback::from(move |e: MouseEvent| {
            dispatch.dispatch(Action::LoadSample);
            // Analyse what was just loaded: the reducer has applied it by the next tick.
            let analyze = analyze.clone();
            gloo::timers::callback::Timeout::new(0, move || analyze.emit(e)).forget();
        })
    };

    let dispatch = state.dispatcher();
    let running = state.is_running();
    let panel = |slot: Slot, hint: &'static str| {
        html! {
            <InputPanel
                slot={slot}
                input={state.input(slot).clone()}
                hint={hint}
                jump={state.jump.filter(|j| j.slot == slot)}
                dispatch={dispatch.clone()}
            />
        }
    };

    html! {
        <>
        <header class="top">
            <h1>{"cpguard"}<span class="tagline">{" · control plane report"}</span></h1>
            <p class="privacy" id="privacy">
                {"Everything runs in this browser tab: what you paste or drop is analysed here and never leaves the page. The page has no network access at all."}
            </p>
        </header>
        <main>
            <section class="inputs" aria-labelledby="inputs-title">
                <h2 id="inputs-title">{"Inputs"}</h2>
                <div class="grid2">
                    { panel(Slot::Metrics, METRICS_HINT) }
                    { panel(Slot::Cluster, CLUSTER_HINT) }
                </div>
                <details class="later" open={!state.metrics_later.is_empty()}>
                    <summary>{"Later metrics dump (optional, for rates)"}</summary>
                    { panel(Slot::MetricsLater, LATER_HINT) }
                </details>
                <Settings config={state.config.clone()} dispatch={dispatch.clone()} />
                <div class="actions">
                    <button id="analyze" class="primary" onclick={analyze} disabled={running}>{"Analyze"}</button>
                    <button id="sample" onclick={sample} disabled={running}>{"Try a sample"}</button>
                </div>
            </section>
            {
                match &state.status {
                    Status::Running { stage, started_ms, .. } => html! {
                        <Progress stage={stage.clone()} started_ms={*started_ms} oncancel={cancel} />
                    },
                    Status::Failed(message) => html! {
                        <div class="error" role="alert" id="error">
                            <strong>{"Could not analyse the inputs. "}</strong>{message.clone()}
                        </div>
                    },
                    Status::Idle => html! {},
                }
            }
            { report_view(&state) }
        </main>
        <div class="notice" role="status" aria-live="polite" id="notice">
            { state.notice.clone().unwrap_or_default() }
        </div>
        </>
    }
}

fn report_view(state: &UseReducerHandle<State>) -> Html {
    let Some(loaded) = state.loaded.clone() else {
        return html! {
            <section class="empty" id="empty">
                <h2>{"No report yet"}</h2>
                <p>{"Paste a metrics dump or a cluster export above (or drop a file on its box), then choose Analyze. No cluster at hand? Try a sample."}</p>
            </section>
        };
    };
    let report = &loaded.report;
    let dispatch = state.dispatcher();
    let visible = model::visible(state, report);
    let selected = state.selected.and_then(|i| report.findings.get(i).cloned());
    let config: cpguard_core::Config =
        serde_json::from_value(state.config.clone()).unwrap_or_default();
    html! {
        <section class="report" aria-labelledby="report-title" id="report">
            <h2 id="report-title">{"Report"}</h2>
            <Unusable loaded={loaded.clone()} />
            <Summary loaded={loaded.clone()} />
            <Export loaded={loaded.clone()} dispatch={dispatch.clone()} />
            <Coverage loaded={loaded.clone()} />
            <div class="charts">
                if let Some(m) = &report.metrics {
                    if let Some(etcd) = &m.etcd {
                        <EtcdGauge etcd={etcd.clone()} warn={config.etcd_warn_ratio} critical={config.etcd_critical_ratio} />
                    }
                    if !m.requests_by_verb.is_empty() {
                        <VerbLatencyChart verbs={m.requests_by_verb.clone()} />
                    }
                    if !m.objects.is_empty() {
                        <ObjectCounts objects={m.objects.clone()} warn={config.object_count_warn} />
                    }
                    if !m.webhooks.is_empty() {
                        <WebhookLatencyChart webhooks={m.webhooks.clone()} default_timeout={config.webhook_timeout_seconds} fraction={config.webhook_timeout_fraction} />
                    }
                }
                if let Some(c) = &report.cluster {
                    if !c.nodes_by_kubelet_version.is_empty() {
                        <VersionSkew cluster={c.clone()} />
                    }
                }
            </div>
            <div class="findings-area">
                <Findings
                    loaded={loaded.clone()}
                    visible={visible}
                    shown={state.shown}
                    search={state.search.clone()}
                    selected={state.selected}
                    dispatch={dispatch.clone()}
                />
                if let Some(finding) = selected {
                    <Details finding={finding} dispatch={dispatch.clone()} />
                }
            </div>
            <Diagnostics loaded={loaded.clone()} large={Slot::ALL.iter().filter(|s| state.input(**s).is_large()).copied().collect::<Vec<_>>()} dispatch={dispatch} />
        </section>
    }
}
