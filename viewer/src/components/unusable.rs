//! Inputs with nothing to analyse: when nothing given could be analysed the report says so in
//! place of the findings, with the reason and what to paste instead; when only part could, a
//! notice above the report names the input.

use crate::model;
use crate::state::Loaded;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
}

#[function_component(Unusable)]
pub fn unusable(props: &Props) -> Html {
    let report = &props.loaded.report;
    if report.unusable_inputs.is_empty() {
        return html! {};
    }
    let items: Html = report
        .unusable_inputs
        .iter()
        .map(|u| {
            html! {
                <li><strong>{model::input_label(&u.input, u.file.as_deref())}</strong>{format!(": {}", u.reason)}</li>
            }
        })
        .collect();
    if report.nothing_analysed() {
        let instead: Html = model::paste_instead(report)
            .into_iter()
            .map(|(what, how)| html! { <li><strong>{what}</strong>{": "}<code>{how}</code></li> })
            .collect();
        html! {
            <section class="unusable" role="alert" id="unusable" aria-labelledby="unusable-title">
                <h3 id="unusable-title">{"Nothing could be analysed"}</h3>
                <p>{"No check could run on what was given, so this is not an all-clear:"}</p>
                <ul>{items}</ul>
                <p>{"Paste instead:"}</p>
                <ul>{instead}</ul>
            </section>
        }
    } else {
        html! {
            <section class="partial" role="status" id="unusable">
                <p><strong>{"Part of the input could not be analysed"}</strong>{": the report covers the rest."}</p>
                <ul>{items}</ul>
            </section>
        }
    }
}
