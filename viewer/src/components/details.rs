//! One finding in full: message, evidence, remediation and the guide.

use super::severity_class;
use cpguard_core::report::{Evidence, Finding};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub finding: Finding,
    pub on_close: Callback<()>,
}

fn evidence(e: &Evidence) -> Html {
    match e {
        Evidence::Object { object, path } => html! {
            <li><code>{object.clone()}</code>{" at "}<code>{path.clone()}</code></li>
        },
        Evidence::Metric { .. } => html! { <li><code>{e.line()}</code></li> },
    }
}

#[function_component(Details)]
pub fn details(props: &Props) -> Html {
    let f = &props.finding;
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <aside class="details" id="details" aria-labelledby="details-title">
            <div class="details-head">
                <h3 id="details-title">
                    <span class={severity_class(f.severity)}>{f.severity.as_str()}</span>
                    {format!(" {} · {}", f.check, f.title)}
                </h3>
                <button class="small" onclick={close} aria-label="Close the details">{"Close"}</button>
            </div>
            <p class="message" id="details-message">{f.message.clone()}</p>
            if let Some(source) = &f.source {
                <p id="details-source">{format!("Reported by the cluster's {source} policies (PolicyReport)")}</p>
            }
            if !f.evidence.is_empty() {
                <h4>{"Evidence"}</h4>
                <ul class="evidence">{ for f.evidence.iter().map(evidence) }</ul>
            }
            <h4>{"Remediation"}</h4>
            <p id="details-remediation">{f.remediation.to_string()}</p>
            <p><a href={f.reference.to_string()} target="_blank" rel="noopener noreferrer">{"Guide: EKS control plane best practices"}</a></p>
        </aside>
    }
}
