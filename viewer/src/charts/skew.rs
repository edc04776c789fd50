//! Version skew: the control plane's minor version and every kubelet version, by nodes.

use super::at;
use crate::model::{linear_ticks, skew};
use cpguard_core::report::ClusterReport;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cluster: ClusterReport,
}

#[function_component(VersionSkew)]
pub fn version_skew(props: &Props) -> Html {
    let (control, rows) = skew(&props.cluster);
    let behinds: Vec<i64> = rows.iter().filter_map(|r| r.behind).collect();
    let (lo, hi) = (
        behinds.iter().copied().min().unwrap_or(0).min(0),
        behinds.iter().copied().max().unwrap_or(0).max(3),
    );
    // x runs from the newest (left, ahead of the control plane) to the oldest.
    #[allow(clippy::cast_precision_loss)]
    let steps = (i128::from(hi) - i128::from(lo)).max(1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let x = |behind: i64| 60.0 + 520.0 * ((i128::from(behind) - i128::from(lo)) as f64 / steps);
    let control_words = props
        .cluster
        .control_plane_version
        .clone()
        .unwrap_or_else(|| "unknown (give kubectl version -o json or a metrics dump)".to_owned());
    let desc: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}: {} nodes, {}{}",
                r.version,
                r.nodes,
                r.behind.map_or_else(
                    || "skew unknown".to_owned(),
                    |b| format!("{b} minor versions behind")
                ),
                if r.unsupported { ", unsupported" } else { "" }
            )
        })
        .collect();
    html! {
        <figure class="chart wide" id="chart-skew">
            <figcaption>{format!("Version skew: control plane {control_words} vs kubelets")}</figcaption>
            <svg viewBox="0 0 640 110" role="img" aria-labelledby="chart-skew-title chart-skew-desc">
                <title id="chart-skew-title">{"Kubelet versions against the control plane"}</title>
                <desc id="chart-skew-desc">{desc.join("; ")}</desc>
                <line class="grid" x1="40" x2="600" y1="60" y2="60" />
                { for linear_ticks(lo, hi).into_iter().map(|b| html! {
                    <text class="axis" x={at(x(b))} y="100" text-anchor="middle">
                        { match (control, b) {
                            (Some(c), b) => format!("1.{}", i128::from(c) - i128::from(b)),
                            (None, 0) => "control plane".to_owned(),
                            (None, b) => format!("-{b}"),
                        } }
                    </text>
                }) }
                if control.is_some() {
                    <g>
                        <line class="threshold" x1={at(x(0))} x2={at(x(0))} y1="14" y2="86" />
                        <text class="label" x={at(x(0))} y="10" text-anchor="middle">{"control plane"}</text>
                    </g>
                }
                { for rows.iter().filter_map(|r| r.behind.map(|b| (r, b))).map(|(r, b)| {
                    #[allow(clippy::cast_precision_loss)]
                    let radius = 6.0 + (r.nodes as f64).sqrt() * 2.0;
                    html! {
                        <g>
                            <circle class={if r.unsupported { "node node-bad" } else { "node" }} cx={at(x(b))} cy="60" r={at(radius.min(24.0))}>
                                <title>{format!("{}: {} nodes", r.version, r.nodes)}</title>
                            </circle>
                            <text class="value" x={at(x(b))} y="64" text-anchor="middle">{r.nodes}</text>
                        </g>
                    }
                }) }
            </svg>
            <ul class="chart-note">{ for desc.iter().map(|d| html! { <li>{d.clone()}</li> }) }</ul>
        </figure>
    }
}
