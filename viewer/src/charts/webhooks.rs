//! Admission webhook latency: each webhook's p99 against its timeout (its own when the cluster
//! export has its configuration, else the assumed default).

use super::{at, clip, LABEL, VALUE, WIDTH};
use crate::model::nice_ceiling;
use cpguard_core::format;
use cpguard_core::metrics::summary::WebhookLatency;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub webhooks: Vec<WebhookLatency>,
    /// The timeout ADM001 assumed where the configuration is unknown, as the report was judged.
    pub default_timeout: f64,
    /// ADM001's share of the timeout: bars at or above it are drawn as findings.
    pub fraction: f64,
}

const ROW: f64 = 20.0;
const SHOWN: usize = 12;

#[function_component(WebhookLatencyChart)]
pub fn webhook_latency(props: &Props) -> Html {
    let top: Vec<&WebhookLatency> = props.webhooks.iter().take(SHOWN).collect();
    let timeout = |w: &WebhookLatency| w.timeout_seconds.unwrap_or(props.default_timeout);
    let high = nice_ceiling(
        top.iter()
            .map(|w| w.p99.unwrap_or(0.0).max(timeout(w)))
            .fold(0.0, f64::max),
    );
    let span = WIDTH - LABEL - VALUE;
    let x = |v: f64| LABEL + span * (v / high).clamp(0.0, 1.0);
    let height = 30.0 + ROW * top.len() as f64;
    let desc: Vec<String> = top
        .iter()
        .map(|w| {
            format!(
                "{} ({}): p99 {} of a {} timeout",
                w.name,
                w.kind,
                w.p99.map_or_else(|| "-".to_owned(), format::seconds),
                format::seconds(timeout(w))
            )
        })
        .collect();
    html! {
        <figure class="chart wide" id="chart-webhooks">
            <figcaption>{"Admission webhook p99 latency (mark: its timeout)"}</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {}", at(height))} role="img" aria-labelledby="chart-webhooks-title chart-webhooks-desc">
                <title id="chart-webhooks-title">{"Admission webhook p99 latency"}</title>
                <desc id="chart-webhooks-desc">{desc.join("; ")}</desc>
                <text class="axis" x={at(LABEL)} y="12">{"0"}</text>
                <text class="axis" x={at(LABEL + span)} y="12" text-anchor="end">{format::seconds(high)}</text>
                { for top.iter().enumerate().map(|(i, w)| {
                    let y = 20.0 + ROW * i as f64;
                    let p99 = w.p99.unwrap_or(0.0);
                    let t = timeout(w);
                    let near = p99 >= props.fraction * t;
                    html! {
                        <g>
                            <text x={at(LABEL - 8.0)} y={at(y + 11.0)} text-anchor="end" class="label">
                                {clip(&w.name, 28)}<title>{format!("{} ({})", w.name, w.kind)}</title>
                            </text>
                            <rect class={if near { "bar bar-over" } else { "bar" }} x={at(LABEL)} y={at(y)} width={at((x(p99) - LABEL).max(1.0))} height="13" />
                            <line class="threshold" x1={at(x(t))} x2={at(x(t))} y1={at(y - 2.0)} y2={at(y + 15.0)}>
                                <title>{format!("timeout {}; ADM001 from {}", format::seconds(t), format::seconds(props.fraction * t))}</title>
                            </line>
                            <text x={at(WIDTH - VALUE + 6.0)} y={at(y + 11.0)} class="value">{w.p99.map_or_else(|| "-".to_owned(), format::seconds)}</text>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}
