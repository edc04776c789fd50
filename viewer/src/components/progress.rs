//! The running analysis: its step, the time so far, and Cancel.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub stage: String,
    pub started_ms: f64,
    pub on_cancel: Callback<()>,
}

#[function_component(Progress)]
pub fn progress(props: &Props) -> Html {
    let now = use_state(super::now_ms);
    {
        let now = now.clone();
        use_effect_with((), move |()| {
            let tick = gloo::timers::callback::Interval::new(100, move || now.set(super::now_ms()));
            move || drop(tick)
        });
    }
    let elapsed = ((*now - props.started_ms) / 1000.0).max(0.0);
    html! {
        <div class="progress" id="progress" role="status" aria-live="polite">
            <progress aria-label="Analysis in progress"></progress>
            <span class="stage">{format!("{}… {elapsed:.1} s", props.stage)}</span>
            <button id="cancel" onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
        </div>
    }
}
