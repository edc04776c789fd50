//! The page: inputs on top, then progress or errors, then the report. The one component
//! that holds the state: it gives its children data and `on_*` callbacks, and runs the
//! analysis through [`use_worker`].

use super::input_panel::{FileRead, InputPanel};
use super::progress::Progress;
use super::report::ReportView;
use super::settings::Settings;
use crate::model;
use crate::state::{Action, Slot, State, SETTINGS_KEY};
use crate::worker_hook::{use_worker, Finished};
use gloo::storage::{LocalStorage, Storage};
use std::rc::Rc;
use yew::prelude::*;

const METRICS_HINT: &str = "kubectl get --raw /metrics > apiserver.metrics";
const CLUSTER_HINT: &str = "kubectl get nodes,pods,deploy,ds,sts,rs,job,cronjob,svc,cm,validatingwebhookconfigurations,mutatingwebhookconfigurations -A -o yaml > cluster.yaml";
const LATER_HINT: &str =
    "the same command a few minutes later: findings then cover the window between the two, with rates";

#[derive(Properties, PartialEq, Default)]
pub struct Props {
    /// The page's first state (the browser tests start from one); by default a fresh page
    /// with the settings saved in this browser.
    #[prop_or_default]
    pub initial: Option<Rc<State>>,
}

/// A callback that turns what a child reports into an action. Made once: the reducer's
/// dispatcher never changes, so children whose data did not change are not redrawn.
#[hook]
fn use_action<T: 'static>(
    dispatch: &UseReducerDispatcher<State>,
    action: fn(T) -> Action,
) -> Callback<T> {
    let dispatch = dispatch.clone();
    use_callback((), move |value: T, (): &()| {
        dispatch.dispatch(action(value));
    })
}

#[function_component(App)]
pub fn app(props: &Props) -> Html {
    let state = {
        let initial = props.initial.clone();
        use_reducer(move || match initial {
            Some(state) => Rc::unwrap_or_clone(state),
            None => State::with_saved_settings(
                LocalStorage::get::<serde_json::Value>(SETTINGS_KEY).ok(),
            ),
        })
    };
    // Settings are remembered in this browser (defaults are not stored).
    use_effect_with(state.config.clone(), |config| {
        if *config == crate::state::default_config() {
            LocalStorage::delete(SETTINGS_KEY);
        } else {
            let _ = LocalStorage::set(SETTINGS_KEY, config);
        }
    });
    let dispatch = state.dispatcher();
    let on_finished = use_action(&dispatch, |f: Finished| Action::Finished {
        outcome: f.outcome,
        total_ms: f.total_ms,
    });
    let worker = use_worker(on_finished);

    let on_edit = use_action(&dispatch, |(slot, text): (Slot, Rc<str>)| {
        Action::Edit(slot, text)
    });
    let on_file = use_action(
        &dispatch,
        |(slot, read): (Slot, Result<FileRead, String>)| match read {
            Ok(FileRead {
                file,
                text,
                modified,
            }) => Action::FileLoaded {
                slot,
                file,
                text,
                modified,
            },
            Err(message) => Action::FileFailed(slot, message),
        },
    );
    let on_clear = use_action(&dispatch, Action::Clear);
    let on_taken_at = use_action(&dispatch, |(slot, text): (Slot, String)| {
        Action::SetTakenAt(slot, text)
    });
    let on_set = use_action(
        &dispatch,
        |(path, value): (Vec<String>, serde_json::Value)| Action::SetSetting(path, value),
    );
    let on_reset = use_action(&dispatch, |()| Action::ResetSettings);
    let on_notice = use_action(&dispatch, |notice: String| Action::Notice(Some(notice)));
    let on_search = use_action(&dispatch, Action::SetSearch);
    let on_toggle = use_action(&dispatch, Action::ToggleSeverity);
    let on_select = use_action(&dispatch, Action::Select);
    let on_jump = use_action(&dispatch, |(slot, line): (Slot, u32)| {
        Action::JumpTo(slot, line)
    });

    let analyze = {
        let state = state.clone();
        let worker = worker.clone();
        Callback::from(move |()| {
            let now_s = js_sys::Date::now() / 1000.0;
            match model::job(&state, now_s) {
                Ok(job) => {
                    state.dispatch(Action::Started);
                    if let Err(message) = worker.run(&job) {
                        state.dispatch(Action::Invalid(message));
                    }
                }
                Err(message) => state.dispatch(Action::Invalid(message)),
            }
        })
    };

    let cancel = {
        let dispatch = dispatch.clone();
        let worker = worker.clone();
        Callback::from(move |()| {
            if worker.cancel() {
                dispatch.dispatch(Action::Cancelled);
            }
        })
    };

    let sample = {
        let dispatch = dispatch.clone();
        let analyze = analyze.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::LoadSample);
            // Analyse what was just loaded: the reducer has applied it by the next tick.
            let analyze = analyze.clone();
            gloo::timers::callback::Timeout::new(0, move || analyze.emit(())).forget();
        })
    };

    let running = worker.running().is_some();
    let panel = |slot: Slot, hint: &'static str| {
        html! {
            <InputPanel
                slot={slot}
                input={state.input(slot).clone()}
                hint={hint}
                jump={state.jump.filter(|j| j.slot == slot)}
                on_edit={on_edit.clone()}
                on_file={on_file.clone()}
                on_clear={on_clear.clone()}
                on_taken_at={on_taken_at.clone()}
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
                <Settings config={state.config.clone()} on_set={on_set} on_reset={on_reset} on_notice={on_notice.clone()} />
                <div class="actions">
                    <button id="analyze" class="primary" onclick={analyze.reform(|_: MouseEvent| ())} disabled={running}>{"Analyze"}</button>
                    <button id="sample" onclick={sample} disabled={running}>{"Try a sample"}</button>
                </div>
            </section>
            if let Some(job) = worker.running() {
                <Progress stage={job.stage.clone()} started_ms={job.started_ms} on_cancel={cancel} />
            } else if let Some(message) = &state.error {
                <div class="error" role="alert" id="error">
                    <strong>{"Could not analyse the inputs. "}</strong>{message.clone()}
                </div>
            }
            if let Some(loaded) = &state.loaded {
                <ReportView
                    loaded={loaded.clone()}
                    visible={model::visible(&state, &loaded.report)}
                    shown={state.shown}
                    search={state.search.clone()}
                    selected={state.selected}
                    large={Slot::ALL.into_iter().filter(|s| state.input(*s).is_large()).collect::<Vec<_>>()}
                    on_search={on_search}
                    on_toggle={on_toggle}
                    on_select={on_select}
                    on_jump={on_jump}
                    on_notice={on_notice}
                />
            } else {
                <section class="empty" id="empty">
                    <h2>{"No report yet"}</h2>
                    <p>{"Paste a metrics dump or a cluster export above (or drop a file on its box), then choose Analyze. No cluster at hand? Try a sample."}</p>
                </section>
            }
        </main>
        <div class="notice" role="status" aria-live="polite" id="notice">
            { state.notice.clone().unwrap_or_default() }
        </div>
        </>
    }
}
