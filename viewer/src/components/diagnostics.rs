//! Lines of input that could not be read, each a button that puts the cursor on its line.

use crate::state::{Loaded, Slot};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
    /// Inputs shown as a file card, not a text area: their lines cannot be jumped to.
    pub large: Vec<Slot>,
    /// Put the cursor on this line of this input.
    pub on_jump: Callback<(Slot, u32)>,
}

/// The page lists this many; the exports have all of them.
pub const SHOWN: usize = 200;

#[function_component(Diagnostics)]
pub fn diagnostics(props: &Props) -> Html {
    let all = &props.loaded.report.diagnostics;
    if all.is_empty() {
        return html! {};
    }
    let items: Html = all
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(i, d)| {
            let slot = Slot::of_diagnostic(&d.input);
            let place = match &d.file {
                Some(file) => format!("{} ({file}) line {}", d.input, d.line),
                None => format!("{} line {}", d.input, d.line),
            };
            let level = match d.level {
                cpguard_core::metrics::DiagnosticLevel::Error => "error",
                cpguard_core::metrics::DiagnosticLevel::Warning => "warning",
            };
            let excerpt = props.loaded.excerpts.get(i).cloned().flatten();
            let jumpable = slot.is_some_and(|s| !props.large.contains(&s)) && d.line > 0;
            let label = html! { <><span class={format!("level level-{level}")}>{level}</span>{format!(" {place}: {}", d.message)}</> };
            html! {
                <li>
                    if let (true, Some(slot)) = (jumpable, slot) {
                        <button class="link" onclick={
                            let line = d.line;
                            props.on_jump.reform(move |_: MouseEvent| (slot, line))
                        }>{label}</button>
                    } else {
                        <span>{label}</span>
                    }
                    if let Some(text) = excerpt {
                        <pre class="excerpt">{text}</pre>
                    }
                </li>
            }
        })
        .collect();
    html! {
        <section class="diagnostics" id="diagnostics" aria-labelledby="diagnostics-title">
            <h3 id="diagnostics-title">{format!("Input problems ({})", all.len())}</h3>
            <p class="hint">{ if props.loaded.report.nothing_analysed() {
                "Lines that could not be read. Choose one to go to its line."
            } else {
                "Lines that could not be read; the rest of the input was analysed. Choose one to go to its line."
            } }</p>
            <ol>{items}</ol>
            if all.len() > SHOWN {
                <p class="muted">{format!("…and {} more, in the JSON and Markdown exports.", all.len() - SHOWN)}</p>
            }
        </section>
    }
}
