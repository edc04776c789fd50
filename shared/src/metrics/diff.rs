//! Two dumps of the same API server process, taken minutes apart: per-series differences.
//!
//! Counters and histograms (and summaries' `_count`/`_sum`) become `later − earlier`; gauges
//! keep the later value. The result is an ordinary [`Exposition`], so every check runs on it
//! unchanged, over the window between the dumps. It refuses when the two dumps come from
//! different processes (EKS load-balances at least two API servers, so two `kubectl get --raw`
//! calls can reach different ones) or a counter went down (a restart between the dumps).

use super::{Exposition, MetricType, Sample};
use std::collections::HashMap;

/// Why two dumps have no difference to analyse.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DiffError {
    #[error(
        "the two dumps come from different API server processes (process_start_time_seconds {earlier} vs {later}); \
         EKS runs at least two API servers behind a load balancer, so take both dumps again until they match"
    )]
    DifferentProcess { earlier: f64, later: f64 },
    #[error(
        "counter {series} went down from {earlier} to {later} (later dump, line {line}): the API server restarted between the dumps, or they come from different servers"
    )]
    CounterWentDown {
        series: String,
        earlier: f64,
        later: f64,
        line: u32,
    },
}

/// A series' identity: its name and its labels in a fixed order.
fn key(sample: &Sample<'_>) -> String {
    let mut labels: Vec<_> = sample.labels().collect();
    labels.sort_unstable();
    let mut out = sample.name.to_string();
    out.push('{');
    for (k, v) in labels {
        out.push_str(&k);
        out.push_str("=\"");
        out.push_str(&v);
        out.push_str("\",");
    }
    out.push('}');
    out
}

fn cumulative(kind: MetricType, family_name: &str, sample_name: &str) -> bool {
    let suffix = sample_name.strip_prefix(family_name).unwrap_or_default();
    match kind {
        MetricType::Counter | MetricType::Histogram => true,
        MetricType::Summary => matches!(suffix, "_count" | "_sum"),
        MetricType::Untyped => ["_total", "_count", "_sum", "_bucket"]
            .iter()
            .any(|s| sample_name.ends_with(s)),
        _ => false,
    }
}

fn start_time(dump: &Exposition<'_>) -> Option<f64> {
    dump.family("process_start_time_seconds")
        .and_then(|f| f.samples.first())
        .map(|s| s.value)
}

/// `later − earlier` per cumulative series; series new in `later` count from zero.
pub fn difference<'l>(
    earlier: &Exposition<'_>,
    later: &Exposition<'l>,
) -> Result<Exposition<'l>, DiffError> {
    if let (Some(a), Some(b)) = (start_time(earlier), start_time(later)) {
        if a != b {
            return Err(DiffError::DifferentProcess {
                earlier: a,
                later: b,
            });
        }
    }
    let before: HashMap<String, f64> = earlier
        .families
        .iter()
        .flat_map(|f| f.samples.iter())
        .map(|s| (key(s), s.value))
        .collect();
    let mut out = later.clone();
    for family in &mut out.families {
        let (kind, name) = (family.kind, family.name.to_string());
        for sample in &mut family.samples {
            if !cumulative(kind, &name, &sample.name) {
                continue;
            }
            let series = key(sample);
            let then = before.get(&series).copied().unwrap_or(0.0);
            if sample.value < then {
                return Err(DiffError::CounterWentDown {
                    series,
                    earlier: then,
                    later: sample.value,
                    line: sample.line,
                });
            }
            sample.value -= then;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::parse;

    #[test]
    fn counters_subtract_and_gauges_stay() {
        let earlier = parse("process_start_time_seconds 100\n# TYPE req_total counter\nreq_total{code=\"200\"} 10\n# TYPE size gauge\nsize 5\n");
        let later = parse("process_start_time_seconds 100\n# TYPE req_total counter\nreq_total{code=\"200\"} 25\nreq_total{code=\"500\"} 2\n# TYPE size gauge\nsize 7\n");
        let diff = difference(&earlier, &later).unwrap();
        let values: Vec<f64> = diff
            .family("req_total")
            .unwrap()
            .samples
            .iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(values, vec![15.0, 2.0]);
        assert_eq!(diff.family("size").unwrap().samples[0].value, 7.0);
    }

    #[test]
    fn refuses_other_processes_and_resets() {
        let a = parse("process_start_time_seconds 100\n");
        let b = parse("process_start_time_seconds 200\n");
        assert_eq!(
            difference(&a, &b).unwrap_err(),
            DiffError::DifferentProcess {
                earlier: 100.0,
                later: 200.0
            }
        );
        let a = parse("# TYPE req_total counter\nreq_total{code=\"200\"} 10\n");
        let b = parse("# TYPE req_total counter\nreq_total{code=\"200\"} 3\n");
        let err = difference(&a, &b).unwrap_err();
        assert_eq!(err.to_string(), "counter req_total{code=\"200\",} went down from 10 to 3 (later dump, line 2): the API server restarted between the dumps, or they come from different servers");
    }
}
