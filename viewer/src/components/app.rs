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
use cpguard_core::Severity;
use gloo::storage::{LocalStorage, Storage};
use std::rc::Rc;
use yew::prelude::*;

const METRICS_HINT: &str = "kubectl get --raw /metrics > apiserver.metrics";
const LATER_HINT: &str =
    "the same command a few minutes later: findings then cover the window between the two, with rates";

#[derive(Properties, Default)]
pub struct Props {
    /// The page's first state (the browser tests start from one); by default a fresh page
    /// with the settings saved in this browser.
    #[prop_or_default]
    pub initial: Option<Rc<State>>,
}

/// The same first state: compared by address, as it is only read once (comparing two whole
/// states would ship a deep comparison the page never needs).
impl PartialEq for Props {
    fn eq(&self, other: &Props) -> bool {
        match (&self.initial, &other.initial) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

/// A callback that turns what a child reports into an action.
fn action<T: 'static>(dispatch: &UseReducerDispatcher<State>, to: fn(T) -> Action) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |value: T| dispatch.dispatch(to(value)))
}

/// What the children report, as actions. Made once (the reducer's dispatcher never changes),
/// so children whose data did not change are not redrawn. Fields are named after the props
/// they fill.
#[allow(clippy::struct_field_names)]
struct Handlers {
    on_finished: Callback<Finished>,
    on_edit: Callback<(Slot, Rc<str>)>,
    on_file: Callback<(Slot, Result<FileRead, String>)>,
    on_clear: Callback<Slot>,
    on_taken_at: Callback<(Slot, String)>,
    on_set: Callback<(Vec<String>, serde_json::Value)>,
    on_reset: Callback<()>,
    on_notice: Callback<String>,
    on_search: Callback<String>,
    on_toggle: Callback<Severity>,
    on_select: Callback<Option<usize>>,
    on_jump: Callback<(Slot, u32)>,
}

impl Handlers {
    fn new(d: &UseReducerDispatcher<State>) -> Handlers {
        Handlers {
            on_finished: action(d, |f| Action::Finished {
                outcome: f.outcome,
                total_ms: f.total_ms,
            }),
            on_edit: action(d, |(slot, text)| Action::Edit(slot, text)),
            on_file: action(d, |(slot, read)| match read {
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
            }),
            on_clear: action(d, Action::Clear),
            on_taken_at: action(d, |(slot, text)| Action::SetTakenAt(slot, text)),
            on_set: action(d, |(path, value)| Action::SetSetting(path, value)),
            on_reset: action(d, |()| Action::ResetSettings),
            on_notice: action(d, |notice| Action::Notice(Some(notice))),
            on_search: action(d, Action::SetSearch),
            on_toggle: action(d, Action::ToggleSeverity),
            on_select: action(d, Action::Select),
            on_jump: action(d, |(slot, line)| Action::JumpTo(slot, line)),
        }
    }
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
    let h = {
        let dispatch = dispatch.clone();
        use_memo((), move |()| Handlers::new(&dispatch))
    };
    let worker = use_worker(h.on_finished.clone());

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
    let panel = |slot: Slot, hint: AttrValue| {
        html! {
            <InputPanel
                slot={slot}
                input={state.input(slot).clone()}
                hint={hint}
                jump={state.jump.filter(|j| j.slot == slot)}
                on_edit={h.on_edit.clone()}
                on_file={h.on_file.clone()}
                on_clear={h.on_clear.clone()}
                on_taken_at={h.on_taken_at.clone()}
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
                    { panel(Slot::Metrics, METRICS_HINT.into()) }
                    { panel(Slot::Cluster, cpguard_core::catalog::export_in_one_file().into()) }
                </div>
                <details class="later" open={!state.metrics_later.is_empty()}>
                    <summary>{"Later metrics dump (optional, for rates)"}</summary>
                    { panel(Slot::MetricsLater, LATER_HINT.into()) }
                </details>
                <Settings config={state.config.clone()} on_set={h.on_set.clone()} on_reset={h.on_reset.clone()} on_notice={h.on_notice.clone()} />
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
                    on_search={h.on_search.clone()}
                    on_toggle={h.on_toggle.clone()}
                    on_select={h.on_select.clone()}
                    on_jump={h.on_jump.clone()}
                    on_notice={h.on_notice.clone()}
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
