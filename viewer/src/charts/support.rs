//! The EKS support timeline: the control-plane minor and each kubelet minor against the
//! embedded calendar (standard, then extended support), today marked.

use super::at;
use crate::model::{SupportRow, SupportTimeline};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub timeline: SupportTimeline,
}

const LEFT: f64 = 150.0;
const WIDTH: f64 = 470.0;
const ROW: f64 = 26.0;

#[function_component(SupportChart)]
pub fn support_chart(props: &Props) -> Html {
    let t = &props.timeline;
    let span = (t.end - t.start).max(1.0);
    let x = |day: f64| LEFT + WIDTH * ((day - t.start) / span).clamp(0.0, 1.0);
    #[allow(clippy::cast_precision_loss)]
    let height = 40.0 + ROW * t.rows.len() as f64 + 24.0;
    let bottom = height - 24.0;
    let desc: Vec<String> = t.rows.iter().map(SupportRow::words).collect();
    let today_anchor = match x(t.today) {
        x if x > LEFT + WIDTH - 60.0 => "end",
        x if x < LEFT + 60.0 => "start",
        _ => "middle",
    };
    html! {
        <figure class="chart wide" id="chart-support">
            <figcaption>{format!("EKS support on {} (calendar compiled {})", t.today_text, t.compiled)}</figcaption>
            <svg viewBox={format!("0 0 640 {}", at(height))} role="img" aria-labelledby="chart-support-title chart-support-desc">
                <title id="chart-support-title">{"Control-plane and kubelet minors against the EKS support calendar"}</title>
                <desc id="chart-support-desc">{desc.join("; ")}</desc>
                { for t.years.iter().map(|(year, day)| html! {
                    <g>
                        <line class="grid" x1={at(x(*day))} x2={at(x(*day))} y1="30" y2={at(bottom)} />
                        <text class="axis" x={at(x(*day))} y={at(bottom + 16.0)} text-anchor="middle">{year}</text>
                    </g>
                }) }
                { for t.rows.iter().enumerate().map(|(i, r)| {
                    #[allow(clippy::cast_precision_loss)]
                    let y = 36.0 + ROW * i as f64;
                    html! {
                        <g class="support-row">
                            <text class="label" x={at(LEFT - 8.0)} y={at(y + 13.0)} text-anchor="end">{r.label.clone()}</text>
                            if let (Some(std), Some(ext)) = (r.end_of_standard, r.end_of_extended) {
                                <rect class="support-standard" x={at(x(t.start))} y={at(y)} width={at(x(std) - x(t.start))} height="18">
                                    <title>{format!("1.{}: standard support to {}", r.minor, r.standard_text)}</title>
                                </rect>
                                <rect class="support-extended" x={at(x(std))} y={at(y)} width={at(x(ext) - x(std))} height="18">
                                    <title>{format!("1.{}: extended support to {}", r.minor, r.extended_text)}</title>
                                </rect>
                            } else {
                                <text class="value" x={at(LEFT + 4.0)} y={at(y + 13.0)}>{format!("not in the calendar: {}", r.status)}</text>
                            }
                        </g>
                    }
                }) }
                <line class="threshold" id="support-today" x1={at(x(t.today))} x2={at(x(t.today))} y1="24" y2={at(bottom)} />
                // Anchored so the label stays inside the chart at either end of the axis.
                <text class="label" x={at(x(t.today))} y="18" text-anchor={today_anchor}>{format!("today {}", t.today_text)}</text>
            </svg>
            <p class="legend"><span class="key support-key-standard"></span>{"standard support (to its end; the calendar lists no start)"}<span class="key support-key-extended"></span>{"extended support (billed extra)"}</p>
            <ul class="chart-note">{ for desc.iter().map(|d| html! { <li>{d.clone()}</li> }) }</ul>
        </figure>
    }
}
