//! etcd's database size against its quota, as a half-circle gauge, with ETCD001's two
//! thresholds as ticks.

use super::at;
use cpguard_core::format;
use cpguard_core::metrics::summary::EtcdSize;
use std::f64::consts::PI;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub etcd: EtcdSize,
    /// ETCD001's thresholds (shares of the quota) the report was judged with.
    pub warn: f64,
    pub critical: f64,
}

/// The point at `share` (0..1) along the gauge's arc, from the left end.
fn point(share: f64, r: f64) -> (f64, f64) {
    let angle = PI * (1.0 - share.clamp(0.0, 1.0));
    (120.0 + r * angle.cos(), 110.0 - r * angle.sin())
}

fn arc(from: f64, to: f64, r: f64) -> String {
    let (x0, y0) = point(from, r);
    let (x1, y1) = point(to, r);
    format!(
        "M {} {} A {r} {r} 0 0 1 {} {}",
        at(x0),
        at(y0),
        at(x1),
        at(y1)
    )
}

#[function_component(EtcdGauge)]
pub fn etcd_gauge(props: &Props) -> Html {
    let e = &props.etcd;
    let share = if e.quota_bytes > 0.0 {
        e.db_size_bytes / e.quota_bytes
    } else {
        0.0
    };
    let level = if share >= props.critical {
        "critical"
    } else if share >= props.warn {
        "warning"
    } else {
        "ok"
    };
    let quota = if e.quota_from_dump {
        "quota"
    } else {
        "quota (EKS default, not in the dump)"
    };
    let words = format!(
        "{} of {} {quota} ({})",
        format::bytes(e.db_size_bytes),
        format::bytes(e.quota_bytes),
        format::percent(share)
    );
    let tick = |s: f64, level: &str| {
        let (x0, y0) = point(s, 70.0);
        let (x1, y1) = point(s, 100.0);
        html! {
            <line class="tick" x1={at(x0)} y1={at(y0)} x2={at(x1)} y2={at(y1)}>
                <title>{format!("{level} from {}", format::percent(s))}</title>
            </line>
        }
    };
    html! {
        <figure class="chart" id="chart-etcd">
            <figcaption>{"etcd database size vs quota"}</figcaption>
            <svg viewBox="0 0 240 140" role="img" aria-labelledby="chart-etcd-title chart-etcd-desc">
                <title id="chart-etcd-title">{"etcd database size vs quota"}</title>
                <desc id="chart-etcd-desc">{words.clone()}</desc>
                <path class="gauge-track" d={arc(0.0, 1.0, 85.0)} />
                if share > 0.0 {
                    <path class={format!("gauge-value gauge-{level}")} d={arc(0.0, share.min(1.0), 85.0)} />
                }
                { tick(props.warn, "warning") }
                { tick(props.critical, "critical") }
                <text x="120" y="100" class="gauge-number" text-anchor="middle">{format::percent(share)}</text>
                <text x="120" y="130" class="gauge-caption" text-anchor="middle">{format!("{} of {}", format::bytes(e.db_size_bytes), format::bytes(e.quota_bytes))}</text>
            </svg>
            <p class="chart-note">{words}{format!(" · from {}", e.source_metric)}</p>
        </figure>
    }
}
