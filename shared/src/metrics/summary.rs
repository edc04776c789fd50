//! The figures the report's `metrics` section carries, computed from one dump.

use super::quantile::{bucket_quantile, Bucket};
use super::{parse_value, Exposition};

use std::collections::BTreeMap;

/// The database-size metrics, newest first: `apiserver_storage_size_bytes` (≥ 1.28),
/// `apiserver_storage_db_total_size_in_bytes` (1.26–1.27), `etcd_db_total_size_in_bytes`
/// (≤ 1.25), and etcd's own `etcd_mvcc_db_total_size_in_bytes`.
pub const DB_SIZE_METRICS: &[&str] = &[
    "apiserver_storage_size_bytes",
    "apiserver_storage_db_total_size_in_bytes",
    "etcd_db_total_size_in_bytes",
    "etcd_mvcc_db_total_size_in_bytes",
];

pub use crate::config::DEFAULT_QUOTA_BYTES;
pub use crate::report::metrics::{EtcdSize, ResourceLatency, VerbLatency, WebhookLatency};

/// Per webhook (`name`, `type`): the quantiles of its admission latency, slowest p99 first.
pub fn webhook_latency(
    dump: &Exposition<'_>,
    timeouts: &super::timeouts::WebhookTimeouts,
) -> Vec<WebhookLatency> {
    let Some(family) = dump.family("apiserver_admission_webhook_admission_duration_seconds") else {
        return Vec::new();
    };
    let mut out: Vec<WebhookLatency> = super::query::histogram_by(family, &["name", "type"])
        .into_iter()
        .map(|group| {
            let name = group.key(0).to_owned();
            WebhookLatency {
                timeout_seconds: timeouts.lookup(group.key(1), &name).map(|(t, _)| t.seconds),
                kind: group.key(1).to_owned(),
                count: group.count(),
                p50: group.quantile(0.5).filter(|v| v.is_finite()),
                p90: group.quantile(0.9).filter(|v| v.is_finite()),
                p99: group.quantile(0.99).filter(|v| v.is_finite()),
                name,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.p99
            .unwrap_or(-1.0)
            .total_cmp(&a.p99.unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// `kubernetes_build_info{git_version}`.
pub fn kubernetes_version(dump: &Exposition<'_>) -> Option<String> {
    dump.family("kubernetes_build_info")?
        .samples
        .iter()
        .find_map(|s| s.label("git_version").map(std::borrow::Cow::into_owned))
}

/// Database size (maximum over the series of the newest size metric present) against the quota.
pub fn etcd_size(dump: &Exposition<'_>, default_quota_bytes: f64) -> Option<EtcdSize> {
    let (source_metric, family) = DB_SIZE_METRICS.iter().find_map(|name| {
        dump.family(name)
            .filter(|f| !f.samples.is_empty())
            .map(|f| (*name, f))
    })?;
    let db_size_bytes = family
        .samples
        .iter()
        .map(|s| s.value)
        .filter(|v| !v.is_nan())
        .fold(f64::NAN, f64::max);
    if db_size_bytes.is_nan() {
        return None;
    }
    let quota = dump
        .family("etcd_server_quota_backend_bytes")
        .and_then(|f| f.samples.first())
        .map(|s| s.value)
        .filter(|v| *v > 0.0);
    Some(EtcdSize {
        db_size_bytes,
        quota_bytes: quota.unwrap_or(default_quota_bytes),
        source_metric: source_metric.into(),
        quota_from_dump: quota.is_some(),
    })
}

/// Per `verb` of `apiserver_request_duration_seconds`: the `_bucket` series summed over every
/// other label (Prometheus' `sum by (verb, le)`), then `histogram_quantile`. `count` is the
/// summed `+Inf` bucket.
pub fn requests_by_verb(dump: &Exposition<'_>) -> Vec<VerbLatency> {
    let Some(family) = dump.family("apiserver_request_duration_seconds") else {
        return Vec::new();
    };
    let mut by_verb: BTreeMap<std::borrow::Cow<'_, str>, Vec<Bucket>> = BTreeMap::new();
    for sample in family.series("_bucket") {
        let (Some(verb), Some(le)) = (
            sample.label("verb"),
            sample.label("le").as_deref().and_then(parse_value),
        ) else {
            continue;
        };
        by_verb.entry(verb).or_default().push(Bucket {
            upper_bound: le,
            count: sample.value,
        });
    }
    by_verb
        .into_iter()
        .map(|(verb, buckets)| {
            let count = buckets
                .iter()
                .filter(|b| b.upper_bound == f64::INFINITY)
                .map(|b| b.count)
                .sum();
            let q = |p| Some(bucket_quantile(p, &buckets).value).filter(|v: &f64| v.is_finite());
            VerbLatency {
                verb: verb.into_owned(),
                count,
                p50: q(0.5),
                p90: q(0.9),
                p99: q(0.99),
            }
        })
        .collect()
}

/// `histogram_quantile` by `verb` and `resource` of `apiserver_request_duration_seconds`, the
/// `limit` busiest first.
pub fn requests_by_resource(dump: &Exposition<'_>, limit: usize) -> Vec<ResourceLatency> {
    let Some(family) = dump.family("apiserver_request_duration_seconds") else {
        return Vec::new();
    };
    let mut out: Vec<ResourceLatency> = super::query::histogram_by(family, &["verb", "resource"])
        .into_iter()
        .map(|g| ResourceLatency {
            verb: g.key(0).to_owned(),
            resource: g.key(1).to_owned(),
            count: g.count(),
            p50: g.quantile(0.5).filter(|v| v.is_finite()),
            p90: g.quantile(0.9).filter(|v| v.is_finite()),
            p99: g.quantile(0.99).filter(|v| v.is_finite()),
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .total_cmp(&a.count)
            .then_with(|| (&a.verb, &a.resource).cmp(&(&b.verb, &b.resource)))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::parse;

    const DUMP: &str = "\
kubernetes_build_info{git_version=\"v1.31.2-eks-1234\",major=\"1\",minor=\"31\"} 1
apiserver_storage_db_total_size_in_bytes{endpoint=\"a\"} 100
apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 2.5e6
apiserver_storage_size_bytes{storage_cluster_id=\"etcd-1\"} 3.5e6
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"pods\",le=\"0.1\"} 8
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"pods\",le=\"1\"} 9
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"pods\",le=\"+Inf\"} 10
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"nodes\",le=\"0.1\"} 2
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"nodes\",le=\"1\"} 10
apiserver_request_duration_seconds_bucket{verb=\"GET\",resource=\"nodes\",le=\"+Inf\"} 10
apiserver_request_duration_seconds_sum{verb=\"GET\",resource=\"pods\"} 3
";

    #[test]
    fn version_size_and_verbs() {
        let dump = parse(DUMP);
        assert_eq!(
            kubernetes_version(&dump).as_deref(),
            Some("v1.31.2-eks-1234")
        );
        let etcd = etcd_size(&dump, DEFAULT_QUOTA_BYTES);
        assert_eq!(
            etcd,
            Some(EtcdSize {
                db_size_bytes: 3.5e6,
                quota_bytes: DEFAULT_QUOTA_BYTES,
                source_metric: "apiserver_storage_size_bytes".into(),
                quota_from_dump: false
            })
        );
        let by_resource = requests_by_resource(&dump, 10);
        assert_eq!(
            by_resource
                .iter()
                .map(|r| (r.resource.as_str(), r.count))
                .collect::<Vec<_>>(),
            vec![("nodes", 10.0), ("pods", 10.0)]
        );
        // nodes: le 0.1 → 2, le 1 → 10; p50 is rank 5 in (0.1, 1]: 0.1 + 0.9 * 3/8.
        assert!((by_resource[0].p50.unwrap_or_default() - (0.1 + 0.9 * 3.0 / 8.0)).abs() < 1e-12);
        let verbs = requests_by_verb(&dump);
        assert_eq!(verbs.len(), 1);
        // Summed: le 0.1 → 10, le 1 → 19, +Inf → 20. p50: rank 10 ≤ 10 in the first bucket → 0.1.
        assert_eq!(verbs[0].count, 20.0);
        assert_eq!(verbs[0].p50, Some(0.1));
        // p90: rank 18 in (0.1, 1]: 0.1 + 0.9 * (8/9).
        assert!((verbs[0].p90.unwrap_or_default() - (0.1 + 0.9 * 8.0 / 9.0)).abs() < 1e-12);
        // p99: rank 19.8 > 19 → +Inf bucket → second-highest bound.
        assert_eq!(verbs[0].p99, Some(1.0));
    }
}
