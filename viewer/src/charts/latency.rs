//! API request latency per verb: p50, p90 and p99 on a log scale.

use super::{at, LABEL, VALUE, WIDTH};
use crate::model::{log_position, log_ticks, nice_ceiling};
use cpguard_core::format;
use cpguard_core::metrics::summary::VerbLatency;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub verbs: Vec<VerbLatency>,
}

const BAR: f64 = 7.0;
const ROW: f64 = 3.0 * BAR + 10.0;
/// The scale starts at 1 ms.
const LOW: f64 = 0.001;

fn q(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), format::seconds)
}

#[function_component(VerbLatencyChart)]
pub fn verb_latency(props: &Props) -> Html {
    let high = nice_ceiling(props.verbs.iter().filter_map(|v| v.p99).fold(1.0, f64::max));
    let span = WIDTH - LABEL - VALUE;
    let x = |v: f64| LABEL + span * log_position(v.max(LOW), LOW, high);
    let height = 30.0 + ROW * props.verbs.len() as f64;
    let ticks = log_ticks(LOW, high);
    let rows = props.verbs.iter().enumerate().map(|(i, v)| {
        let y = 24.0 + ROW * i as f64;
        let bar = |n: usize, value: Option<f64>, class: &'static str| match value {
            Some(value) => html! {
                <rect class={class} x={at(LABEL)} y={at(y + BAR * n as f64)} width={at((x(value) - LABEL).max(1.0))} height={at(BAR - 1.0)}>
                    <title>{format!("{} {}: {}", v.verb, ["p50", "p90", "p99"].get(n).copied().unwrap_or(""), format::seconds(value))}</title>
                </rect>
            },
            None => html! {},
        };
        html! {
            <g>
                <text x={at(LABEL - 8.0)} y={at(y + 1.5 * BAR + 4.0)} text-anchor="end" class="label">{v.verb.clone()}</text>
                { bar(0, v.p50, "p50") }
                { bar(1, v.p90, "p90") }
                { bar(2, v.p99, "p99") }
                <text x={at(WIDTH - VALUE + 6.0)} y={at(y + 1.5 * BAR + 4.0)} class="value">{q(v.p99)}</text>
            </g>
        }
    });
    let desc: Vec<String> = props
        .verbs
        .iter()
        .map(|v| {
            format!(
                "{}: p50 {}, p90 {}, p99 {} over {} requests",
                v.verb,
                q(v.p50),
                q(v.p90),
                q(v.p99),
                format::count(v.count)
            )
        })
        .collect();
    html! {
        <figure class="chart wide" id="chart-latency">
            <figcaption>{"API request latency by verb (log scale; the number is p99)"}</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {}", at(height))} role="img" aria-labelledby="chart-latency-title chart-latency-desc">
                <title id="chart-latency-title">{"API request latency by verb"}</title>
                <desc id="chart-latency-desc">{desc.join("; ")}</desc>
                { for ticks.iter().map(|t| html! {
                    <g>
                        <line class="grid" x1={at(x(*t))} x2={at(x(*t))} y1="16" y2={at(height - 4.0)} />
                        <text class="axis" x={at(x(*t))} y="12" text-anchor="middle">{format::seconds(*t)}</text>
                    </g>
                }) }
                { for rows }
            </svg>
            <p class="legend"><span class="key p50"></span>{"p50 "}<span class="key p90"></span>{"p90 "}<span class="key p99"></span>{"p99"}</p>
        </figure>
    }
}
