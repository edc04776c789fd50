//! The largest stored object counts (`apiserver_storage_objects`), with the OBJ001 threshold.

use super::{at, clip, LABEL, VALUE, WIDTH};
use crate::model::nice_ceiling;
use cpguard_core::format;
use cpguard_core::report::ObjectCount;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub objects: Vec<ObjectCount>,
    /// OBJ001's threshold the report was judged with.
    pub warn: f64,
}

const ROW: f64 = 18.0;
const SHOWN: usize = 10;

#[function_component(ObjectCounts)]
pub fn object_counts(props: &Props) -> Html {
    let top: Vec<&ObjectCount> = props.objects.iter().take(SHOWN).collect();
    let high = nice_ceiling(top.iter().map(|o| o.count).fold(props.warn, f64::max));
    let span = WIDTH - LABEL - VALUE;
    let x = |v: f64| LABEL + span * (v / high).clamp(0.0, 1.0);
    let height = 24.0 + ROW * top.len() as f64;
    let desc: Vec<String> = top
        .iter()
        .map(|o| format!("{} {}", o.resource, format::count(o.count)))
        .collect();
    html! {
        <figure class="chart wide" id="chart-objects">
            <figcaption>{format!("Largest object counts (line: the {} threshold)", format::count(props.warn))}</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {}", at(height))} role="img" aria-labelledby="chart-objects-title chart-objects-desc">
                <title id="chart-objects-title">{"Largest object counts"}</title>
                <desc id="chart-objects-desc">{desc.join(", ")}</desc>
                { for top.iter().enumerate().map(|(i, o)| {
                    let y = 8.0 + ROW * i as f64;
                    let over = o.count > props.warn;
                    html! {
                        <g>
                            <text x={at(LABEL - 8.0)} y={at(y + 11.0)} text-anchor="end" class="label">
                                {clip(&o.resource, 28)}<title>{o.resource.clone()}</title>
                            </text>
                            <rect class={if over { "bar bar-over" } else { "bar" }} x={at(LABEL)} y={at(y)} width={at((x(o.count) - LABEL).max(1.0))} height="13" />
                            <text x={at(WIDTH - VALUE + 6.0)} y={at(y + 11.0)} class="value">{format::count(o.count)}</text>
                        </g>
                    }
                }) }
                <line class="threshold" x1={at(x(props.warn))} x2={at(x(props.warn))} y1="4" y2={at(height - 4.0)}>
                    <title>{format!("OBJ001 above {}", format::count(props.warn))}</title>
                </line>
            </svg>
        </figure>
    }
}
