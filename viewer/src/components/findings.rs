//! The findings table: severity filter, text search, one row per finding (keyboard: Tab to a
//! row, Enter or Space to open its details).

use super::severity_class;
use crate::model;
use crate::state::Loaded;
use cpguard_core::Severity;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
    pub visible: Vec<usize>,
    pub shown: [bool; 3],
    pub search: String,
    pub selected: Option<usize>,
    pub on_search: Callback<String>,
    /// Show or hide a severity.
    pub on_toggle: Callback<Severity>,
    /// Open a finding's details (its index in the report).
    pub on_select: Callback<usize>,
}

#[function_component(Findings)]
pub fn findings(props: &Props) -> Html {
    let report = &props.loaded.report;
    // Nothing could be analysed: the report says so instead (`Unusable`), never "no findings".
    if report.nothing_analysed() {
        return html! {};
    }
    let on_search = {
        let on_search = props.on_search.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                on_search.emit(input.value());
            }
        })
    };
    let toggle = |s: Severity, on: bool| {
        let onclick = props.on_toggle.reform(move |_: MouseEvent| s);
        html! {
            <button class={classes!("toggle", severity_class(s))} aria-pressed={on.to_string()} onclick={onclick} id={format!("filter-{}", s.as_str())}>
                {s.as_str()}
            </button>
        }
    };
    let rows: Html = props
        .visible
        .iter()
        .filter_map(|i| report.findings.get(*i).map(|f| (*i, f)))
        .map(|(i, f)| {
            let select = props.on_select.reform(move |_: MouseEvent| i);
            let key = {
                let on_select = props.on_select.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        on_select.emit(i);
                    }
                })
            };
            let selected = props.selected == Some(i);
            html! {
                <tr key={i} tabindex="0" class={classes!("finding", selected.then_some("selected"))}
                    aria-selected={selected.to_string()} onclick={select} onkeydown={key}>
                    <td><span class={severity_class(f.severity)}>{f.severity.as_str()}</span></td>
                    <td class="check">{f.check.to_string()}</td>
                    <td>{f.title.to_string()}</td>
                    <td class="subject">{model::subject(f)}</td>
                </tr>
            }
        })
        .collect();
    html! {
        <section class="findings" aria-labelledby="findings-title">
            <h3 id="findings-title">{format!("Findings ({} of {})", props.visible.len(), report.findings.len())}</h3>
            <div class="filters" role="group" aria-label="Filter findings">
                <span class="muted">{"Show: "}</span>
                { toggle(Severity::Critical, props.shown[2]) }
                { toggle(Severity::Warning, props.shown[1]) }
                { toggle(Severity::Info, props.shown[0]) }
                <label for="search" class="search-label">{"Search findings"}</label>
                <input type="search" id="search" value={props.search.clone()} oninput={on_search} placeholder="check, object, text…" />
            </div>
            if report.findings.is_empty() && report.evaluated().0 == report.evaluated().1 {
                <p class="ok" id="no-findings">{"No findings: nothing in these inputs threatens the control plane by cpguard's checks."}</p>
            } else if report.findings.is_empty() {
                <p class="muted" id="no-findings">{format!("No findings in the {} of {} checks that could run; the others had nothing to read (see What was checked).", report.evaluated().0, report.evaluated().1)}</p>
            } else if props.visible.is_empty() {
                <p class="muted">{"No finding matches the filter."}</p>
            } else {
                <table id="findings-table">
                    <thead><tr>
                        <th scope="col">{"Severity"}</th>
                        <th scope="col">{"Check"}</th>
                        <th scope="col">{"Title"}</th>
                        <th scope="col">{"Object or metric"}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        </section>
    }
}
