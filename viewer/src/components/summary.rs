//! Counts by severity and what the report covers.

use crate::model;
use crate::state::Loaded;
use cpguard_core::format;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
}

#[function_component(Summary)]
pub fn summary(props: &Props) -> Html {
    let report = &props.loaded.report;
    let c = model::counts(report);
    let mut facts = Vec::new();
    if let Some(m) = &report.metrics {
        facts.push(format!(
            "Kubernetes {}",
            m.kubernetes_version.as_deref().unwrap_or("version unknown")
        ));
        facts.push(format!("{} samples", format::count(m.samples as f64)));
        if let Some(window) = &m.window {
            facts.push(window.words());
        }
        if let Some(r) = &m.rates {
            facts.push(format!("{:.1} requests/s", r.requests_per_second));
            if let Some(burn) = r.error_budget_burn {
                facts.push(format!("error budget burn {burn:.1}×"));
            }
        }
    }
    if let Some(cl) = &report.cluster {
        facts.push(format!(
            "{} cluster objects",
            format::count(cl.objects as f64)
        ));
        if let Some(p) = &cl.policy_reports {
            facts.push(p.line());
        }
    }
    let (ran, all) = report.evaluated();
    if ran < all {
        facts.push(format!("{ran} of {all} checks could run"));
    }
    facts.push(format!(
        "analysed in {} ({} in the worker)",
        format::seconds(props.loaded.total_ms / 1000.0),
        format::seconds(props.loaded.worker_ms / 1000.0)
    ));
    html! {
        <div class="summary" id="summary">
            <ul class="counts" aria-label="Findings by severity">
                <li class="count sev-critical" id="count-critical"><strong>{c.critical}</strong>{" critical"}</li>
                <li class="count sev-warning" id="count-warning"><strong>{c.warning}</strong>{" warning"}</li>
                <li class="count sev-info" id="count-info"><strong>{c.info}</strong>{" info"}</li>
            </ul>
            <p class="facts" id="facts">{ facts.into_iter().filter(|f| !f.is_empty()).collect::<Vec<_>>().join(" · ") }</p>
        </div>
    }
}
