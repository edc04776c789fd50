//! ETCD001–ETCD004: the etcd database, its latency and its growth.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::p99_by;
use crate::metrics::summary::{etcd_size, DB_SIZE_METRICS};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&ETCD001, &ETCD002, &ETCD003, &ETCD004],
    run: Run::Metrics(|cx| {
        let mut findings = Vec::new();
        findings.extend(etcd001(cx));
        findings.extend(etcd002(cx));
        findings.extend(etcd003(cx));
        findings.extend(etcd004(cx));
        findings
    }),
};

/// ## What it does
/// Compares the etcd database size with its quota: `apiserver_storage_size_bytes` (≥ 1.28),
/// `apiserver_storage_db_total_size_in_bytes` (1.26–1.27), `etcd_db_total_size_in_bytes`
/// (≤ 1.25) or etcd's `etcd_mvcc_db_total_size_in_bytes`; the quota from
/// `etcd_server_quota_backend_bytes`, else 8 GiB (EKS).
///
/// ## Why is this bad?
/// At the quota etcd raises a NOSPACE alarm and refuses writes: the cluster is read-only.
pub const ETCD001: Check = Check {
    id: "ETCD001",
    severity: Severity::Critical,
    title: "etcd database near its quota",
    rationale: "When the database reaches its quota etcd raises a NOSPACE alarm and stops accepting writes: the \
                cluster becomes read-only (no new Pods, no scaling, no deployments) until space is reclaimed.",
    remediation: "Find what fills etcd (OBJ001's largest object counts: events, leases, custom resources), delete \
                  what is not needed and fix the producer; on self-managed etcd compact and defragment, or raise \
                  --quota-backend-bytes. On EKS open a support case if the size keeps growing.",
    reference: GUIDE,    needs: &[Need::Family(DB_SIZE_METRICS)],
};

/// ## What it does
/// In an etcd member's dump, compares the space in use with the file size.
///
/// ## Why is this bad?
/// A fragmented database counts against the quota with space it does not use.
pub const ETCD002: Check = Check {
    id: "ETCD002",
    severity: Severity::Warning,
    title: "fragmented etcd database",
    rationale: "Less than half of the database file is in use: the free pages still count against the quota, \
                so etcd can raise NOSPACE with much less data than the quota suggests.",
    remediation: "Defragment the member (etcdctl defrag, one member at a time); EKS does this for you.",
    reference: GUIDE,    needs: &[Need::Family(&["etcd_mvcc_db_total_size_in_use_in_bytes"]), Need::Family(&["etcd_mvcc_db_total_size_in_bytes"])],
};

/// ## What it does
/// p99 of the API server's `etcd_request_duration_seconds` per operation, and in an etcd
/// member's dump WAL fsync and backend commit p99 and `etcd_server_has_leader`. A WAL fsync
/// or backend commit p99 above 1 s (`etcdDiskCriticalP99Seconds`) is critical, as etcd-mixin's
/// `etcdHighFsyncDurations` critical tier.
///
/// ## Why is this bad?
/// Every API request waits on etcd; slow disks or a lost leader stall the whole control plane.
pub const ETCD003: Check = Check {
    id: "ETCD003",
    severity: Severity::Warning,
    title: "slow etcd",
    rationale: "Every API request that reads or writes state waits on etcd; slow disk syncs or a member without \
                a leader stall the whole control plane and surface as API latency and timeouts.",
    remediation: "Give etcd fast dedicated disks (SSD, provisioned IOPS), keep the database small, and check \
                  network latency between members; on EKS, reduce request volume (LIST calls) and object counts.",
    reference: GUIDE,    needs: &[Need::Family(&["etcd_request_duration_seconds", "etcd_disk_wal_fsync_duration_seconds", "etcd_disk_backend_commit_duration_seconds", "etcd_server_has_leader"])],
};

/// ## What it does
/// With two dumps, the database's growth between them projected forward, as etcd-mixin's
/// `etcdExcessiveDatabaseGrowth` does with `predict_linear`: critical when the quota would be
/// reached within 4 h (`etcdQuotaCriticalHorizonSeconds`), a warning within 7 d
/// (`etcdQuotaWarnHorizonSeconds`). Reads the report's `rates` (the same growth it shows).
///
/// ## Why is this bad?
/// A database that grows steadily reaches its quota on a date one can compute; at the quota
/// the cluster becomes read-only. A short span between the dumps extrapolates noise
/// (compaction makes the size a sawtooth): take them an hour or more apart.
pub const ETCD004: Check = Check {
    id: "ETCD004",
    severity: Severity::Critical,
    title: "etcd database reaches its quota soon",
    rationale: "At the growth measured between the two dumps the database reaches its quota soon; at the quota \
                etcd raises NOSPACE and the cluster becomes read-only.",
    remediation: "Find what is being written (OBJ001's object counts, the busiest write verbs and resources) and \
                  stop the producer (Events, Leases, custom resources written in a loop); take the dumps again \
                  further apart to confirm the trend.",
    reference: GUIDE,
    needs: &[
        Need::Family(DB_SIZE_METRICS),
        Need::TwoDumps { min_seconds: 0 },
    ],
};

pub fn etcd001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(etcd) = etcd_size(cx.dump, cx.config.etcd_default_quota_bytes) else {
        return Vec::new();
    };
    let ratio = etcd.db_size_bytes / etcd.quota_bytes;
    let severity = if ratio >= cx.config.etcd_critical_ratio {
        Severity::Critical
    } else if ratio >= cx.config.etcd_warn_ratio {
        Severity::Warning
    } else {
        return Vec::new();
    };
    let quota_source = if etcd.quota_from_dump {
        "etcd_server_quota_backend_bytes"
    } else {
        "the EKS quota; the dump has no etcd_server_quota_backend_bytes"
    };
    let message = format!(
        "the etcd database is {} of its {} quota ({}; size from {}, quota from {}): at the quota etcd raises NOSPACE and the cluster becomes read-only",
        format::bytes(etcd.db_size_bytes),
        format::bytes(etcd.quota_bytes),
        format::percent(ratio),
        etcd.source_metric,
        quota_source
    );
    vec![Finding::with_severity(
        &ETCD001,
        severity,
        message,
        vec![Evidence::metric(
            &etcd.source_metric,
            &[],
            etcd.db_size_bytes,
        )],
    )]
}

pub fn etcd002(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let value = |name: &str| {
        cx.dump
            .family(name)
            .and_then(|f| f.samples.first())
            .map(|s| s.value)
    };
    let (Some(in_use), Some(total)) = (
        value("etcd_mvcc_db_total_size_in_use_in_bytes"),
        value("etcd_mvcc_db_total_size_in_bytes"),
    ) else {
        return Vec::new();
    };
    if total <= 0.0
        || in_use <= cx.config.etcd_fragmentation_min_in_use_bytes
        || in_use / total >= cx.config.etcd_fragmentation_ratio
    {
        return Vec::new();
    }
    let message = format!(
        "only {} of the {} database file is in use ({}); the rest still counts against the quota",
        format::bytes(in_use),
        format::bytes(total),
        format::percent(in_use / total)
    );
    vec![Finding::new(
        &ETCD002,
        message,
        vec![
            Evidence::metric("etcd_mvcc_db_total_size_in_use_in_bytes", &[], in_use),
            Evidence::metric("etcd_mvcc_db_total_size_in_bytes", &[], total),
        ],
    )]
}

pub fn etcd003(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Labels changed in 1.34 ({operation,type} → {group,operation,resource}): group by name.
    for (group, p99) in p99_by(cx.dump, "etcd_request_duration_seconds", &["operation"]) {
        let operation = group.key(0);
        if p99 > cx.config.etcd_request_p99_seconds {
            let message = format!(
                "etcd {operation} requests: p99 {} {} over {} requests (threshold {})",
                format::seconds(p99),
                cx.window,
                format::count(group.count()),
                format::seconds(cx.config.etcd_request_p99_seconds)
            );
            out.push(Finding::new(
                &ETCD003,
                message,
                vec![Evidence::metric(
                    "etcd_request_duration_seconds",
                    &[("operation", operation), ("quantile", "0.99")],
                    p99,
                )],
            ));
        }
    }
    for (name, limit, what) in [
        (
            "etcd_disk_wal_fsync_duration_seconds",
            cx.config.etcd_wal_fsync_p99_seconds,
            "WAL fsync",
        ),
        (
            "etcd_disk_backend_commit_duration_seconds",
            cx.config.etcd_backend_commit_p99_seconds,
            "backend commit",
        ),
    ] {
        let critical = cx.config.etcd_disk_critical_p99_seconds;
        for (_, p99) in p99_by(cx.dump, name, &[]) {
            if p99 > limit {
                let (severity, threshold) = if p99 > critical {
                    (Severity::Critical, critical)
                } else {
                    (Severity::Warning, limit)
                };
                let message = format!(
                    "etcd {what} p99 is {} {} (threshold {}{}): the disk is too slow for etcd",
                    format::seconds(p99),
                    cx.window,
                    format::seconds(threshold),
                    if severity == Severity::Critical {
                        ", critical"
                    } else {
                        ""
                    }
                );
                out.push(Finding::with_severity(
                    &ETCD003,
                    severity,
                    message,
                    vec![Evidence::metric(name, &[("quantile", "0.99")], p99)],
                ));
            }
        }
    }
    if let Some(sample) = cx
        .dump
        .family("etcd_server_has_leader")
        .and_then(|f| f.samples.first())
    {
        if sample.value == 0.0 {
            let message =
                "this etcd member has no leader: it cannot serve writes or linearizable reads"
                    .to_owned();
            out.push(Finding::with_severity(
                &ETCD003,
                Severity::Critical,
                message,
                vec![Evidence::metric("etcd_server_has_leader", &[], 0.0)],
            ));
        }
    }
    out
}

pub fn etcd004(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(rates) = cx.rates else {
        return Vec::new();
    };
    let (Some(growth), Some(until), Some(etcd)) = (
        rates.db_growth_bytes_per_second,
        rates.seconds_until_quota,
        etcd_size(cx.dump, cx.config.etcd_default_quota_bytes),
    ) else {
        return Vec::new();
    };
    let (severity, horizon) = if until <= cx.config.etcd_quota_critical_horizon_seconds {
        (
            Severity::Critical,
            cx.config.etcd_quota_critical_horizon_seconds,
        )
    } else if until <= cx.config.etcd_quota_warn_horizon_seconds {
        (Severity::Warning, cx.config.etcd_quota_warn_horizon_seconds)
    } else {
        return Vec::new();
    };
    let message = format!(
        "the etcd database grew {} {} ({}/h, from {}); at that pace it reaches its {} quota in {} (within {}): at the quota etcd raises NOSPACE and the cluster becomes read-only",
        format::bytes(growth * rates.seconds),
        cx.window,
        format::bytes(growth * 3600.0),
        etcd.source_metric,
        format::bytes(etcd.quota_bytes),
        format::duration(until),
        format::duration(horizon)
    );
    vec![Finding::with_severity(
        &ETCD004,
        severity,
        message,
        vec![Evidence::metric(
            &etcd.source_metric,
            &[],
            etcd.db_size_bytes,
        )],
    )]
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    #[test]
    fn size_against_quota() {
        let found = run(
            "etcd001",
            "apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 7.0e9\n",
        );
        assert_eq!(found, vec!["warning ETCD001: the etcd database is 6.5 GiB of its 8.0 GiB quota (81.49 %; size from apiserver_storage_size_bytes, quota from the EKS quota; the dump has no etcd_server_quota_backend_bytes): at the quota etcd raises NOSPACE and the cluster becomes read-only"]);
        let found = run("etcd001", "etcd_mvcc_db_total_size_in_bytes 2.1e9\netcd_server_quota_backend_bytes 2.147483648e+09\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "critical ETCD001: the etcd database is 2.0 GiB of its 2.0 GiB quota (97.79 %"
            ),
            "{found:?}"
        );
        assert!(run("etcd001", "apiserver_storage_size_bytes 1e9\n").is_empty());
        assert!(run("etcd001", "").is_empty());
    }

    #[test]
    fn fragmentation_and_leader() {
        let found = run(
            "etcd002",
            "etcd_mvcc_db_total_size_in_use_in_bytes 2e8\netcd_mvcc_db_total_size_in_bytes 1e9\n",
        );
        assert_eq!(found, vec!["warning ETCD002: only 190.7 MiB of the 953.7 MiB database file is in use (20.00 %); the rest still counts against the quota"]);
        assert!(run(
            "etcd002",
            "etcd_mvcc_db_total_size_in_use_in_bytes 2e7\netcd_mvcc_db_total_size_in_bytes 1e9\n"
        )
        .is_empty());
        let found = run("etcd003", "etcd_server_has_leader 0\n");
        assert_eq!(found, vec!["critical ETCD003: this etcd member has no leader: it cannot serve writes or linearizable reads"]);
    }

    #[test]
    fn request_latency_by_operation_in_both_label_schemas() {
        let old = "# TYPE etcd_request_duration_seconds histogram\n\
                   etcd_request_duration_seconds_bucket{operation=\"list\",type=\"/registry/pods\",le=\"0.5\"} 90\n\
                   etcd_request_duration_seconds_bucket{operation=\"list\",type=\"/registry/pods\",le=\"1\"} 95\n\
                   etcd_request_duration_seconds_bucket{operation=\"list\",type=\"/registry/pods\",le=\"+Inf\"} 100\n";
        let new = old.replace("type=\"/registry/pods\"", "group=\"\",resource=\"pods\"");
        for dump in [old.to_owned(), new] {
            let found = run("etcd003", &dump);
            assert_eq!(found, vec!["warning ETCD003: etcd list requests: p99 1.00 s since apiserver start over 100 requests (threshold 500 ms)"]);
        }
    }

    /// Two dumps an hour apart through `analyze`: ETCD004 reads the report's own rates.
    fn growth(before: f64, after: f64) -> Vec<String> {
        let dump = |size: f64| {
            format!("process_start_time_seconds 1000\napiserver_request_total{{code=\"200\"}} 1\napiserver_storage_size_bytes{{storage_cluster_id=\"etcd-0\"}} {size}\n")
        };
        let (earlier, later) = (dump(before), dump(after));
        let inputs = crate::Inputs {
            metrics: Some(crate::MetricsInput {
                text: &earlier,
                taken_at: Some(10_000.0),
            }),
            metrics_later: Some(crate::MetricsInput {
                text: &later,
                taken_at: Some(13_600.0),
            }),
            cluster: &[],
            now: None,
        };
        let report = crate::analyze(&inputs, &crate::Config::default()).unwrap();
        report
            .findings
            .iter()
            .filter(|f| f.check == "ETCD004")
            .map(|f| format!("{} {}", f.severity.as_str(), f.message))
            .collect()
    }

    #[test]
    fn growth_projected_to_the_quota() {
        // 7.0e9 → 7.9e9 in 1 h: 250,000 B/s; (8,589,934,592 − 7.9e9) / 250,000 = 2,759.7 s,
        // 45 min: within 4 h, critical.
        assert_eq!(growth(7.0e9, 7.9e9), vec!["critical the etcd database grew 858.3 MiB in the 1 h 0 min between the dumps (858.3 MiB/h, from apiserver_storage_size_bytes); at that pace it reaches its 8.0 GiB quota in 45 min (within 4 h 0 min): at the quota etcd raises NOSPACE and the cluster becomes read-only"]);
        // 7.0e9 → 7.1e9: 27,777.8 B/s; 1,489,934,592 / 27,777.8 = 53,637.6 s = 14 h 53 min:
        // within 7 d, a warning.
        let found = growth(7.0e9, 7.1e9);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("warning the etcd database grew 95.4 MiB"), "{found:?}");
        assert!(found[0].contains("quota in 14 h 53 min (within 7 d 0 h)"), "{found:?}");
        // 1 MB/h: 2.5e9 / 277.8 B/s = 9e6 s = 104 d, beyond 7 d; no growth or shrinking: none.
        assert!(growth(6.0e9, 6.001e9).is_empty());
        assert!(growth(7.0e9, 7.0e9).is_empty());
        assert!(growth(7.0e9, 6.0e9).is_empty());
    }

    #[test]
    fn disk_latency_critical_tier() {
        // WAL fsync: 100 syncs, 90 within 0.5 s, all within 2 s: p99 = 0.5 + 1.5 × 9/10 = 1.85 s,
        // over 1 s: critical. Backend commit: 95 within 0.25 s, all within 0.5 s: p99 = 0.25 +
        // 0.25 × 4/5 = 0.45 s, over 0.25 s only: a warning.
        let dump = "# TYPE etcd_disk_wal_fsync_duration_seconds histogram\n\
                    etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.5\"} 90\n\
                    etcd_disk_wal_fsync_duration_seconds_bucket{le=\"2\"} 100\n\
                    etcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"} 100\n\
                    # TYPE etcd_disk_backend_commit_duration_seconds histogram\n\
                    etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.25\"} 95\n\
                    etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.5\"} 100\n\
                    etcd_disk_backend_commit_duration_seconds_bucket{le=\"+Inf\"} 100\n";
        assert_eq!(run("etcd003", dump), vec![
            "critical ETCD003: etcd WAL fsync p99 is 1.85 s since apiserver start (threshold 1.00 s, critical): the disk is too slow for etcd",
            "warning ETCD003: etcd backend commit p99 is 450 ms since apiserver start (threshold 250 ms): the disk is too slow for etcd",
        ]);
    }
}
