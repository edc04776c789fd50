//! The report: summary, exports, coverage, charts, findings with their details, and the
//! lines that could not be read. Charts draw the thresholds the report was judged with (its
//! `config`), never the settings being edited, so a mark always agrees with the findings.

use super::coverage::Coverage;
use super::details::Details;
use super::diagnostics::Diagnostics;
use super::export::Export;
use super::findings::Findings;
use super::summary::Summary;
use super::unusable::Unusable;
use crate::charts::etcd_gauge::EtcdGauge;
use crate::charts::latency::VerbLatencyChart;
use crate::charts::objects::ObjectCounts;
use crate::charts::skew::VersionSkew;
use crate::charts::support::SupportChart;
use crate::charts::webhooks::WebhookLatencyChart;
use crate::state::{Loaded, Slot};
use cpguard_core::Severity;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
    /// The findings the table shows (indexes into the report's), see `model::visible`.
    pub visible: Vec<usize>,
    pub shown: [bool; 3],
    pub search: String,
    pub selected: Option<usize>,
    /// Inputs shown as a file card: their lines cannot be jumped to.
    pub large: Vec<Slot>,
    pub on_search: Callback<String>,
    pub on_toggle: Callback<Severity>,
    /// Open a finding's details (`None`: close them).
    pub on_select: Callback<Option<usize>>,
    pub on_jump: Callback<(Slot, u32)>,
    pub on_notice: Callback<String>,
}

#[function_component(ReportView)]
pub fn report_view(props: &Props) -> Html {
    let loaded = &props.loaded;
    let report = &loaded.report;
    let config = &report.config;
    let selected = props.selected.and_then(|i| report.findings.get(i).cloned());
    html! {
        <section class="report" aria-labelledby="report-title" id="report">
            <h2 id="report-title">{"Report"}</h2>
            <Unusable loaded={loaded.clone()} />
            <Summary loaded={loaded.clone()} />
            <Export loaded={loaded.clone()} on_notice={props.on_notice.clone()} />
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
                if let Some(timeline) = crate::model::support_timeline(report) {
                    <SupportChart timeline={timeline} />
                }
            </div>
            <div class="findings-area">
                <Findings
                    loaded={loaded.clone()}
                    visible={props.visible.clone()}
                    shown={props.shown}
                    search={props.search.clone()}
                    selected={props.selected}
                    on_search={props.on_search.clone()}
                    on_toggle={props.on_toggle.clone()}
                    on_select={props.on_select.reform(Some)}
                />
                if let Some(finding) = selected {
                    <Details finding={finding} on_close={props.on_select.reform(|()| None)} />
                }
            </div>
            <Diagnostics loaded={loaded.clone()} large={props.large.clone()} on_jump={props.on_jump.clone()} />
        </section>
    }
}
