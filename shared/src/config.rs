//! Thresholds of the metrics checks: defaults a user can change (CLI `--config FILE`, JSON or
//! YAML, camelCase; every field optional).

use crate::rules::sysctl::SysctlSettings;
use crate::rules::webhook::WebhookSettings;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// ETCD001: database size over quota for a warning, and for a critical finding.
    pub etcd_warn_ratio: f64,
    pub etcd_critical_ratio: f64,
    /// Quota when the dump has no `etcd_server_quota_backend_bytes` (EKS: 8 GiB).
    pub etcd_default_quota_bytes: f64,
    /// ETCD002: in-use/total below this, with more than `etcdFragmentationMinInUseBytes` in use.
    pub etcd_fragmentation_ratio: f64,
    pub etcd_fragmentation_min_in_use_bytes: f64,
    /// ETCD003: p99 of `etcd_request_duration_seconds` per operation.
    pub etcd_request_p99_seconds: f64,
    pub etcd_wal_fsync_p99_seconds: f64,
    pub etcd_backend_commit_p99_seconds: f64,
    /// API001 / CLI001: 5xx share of requests.
    pub error_ratio: f64,
    /// API003: share of requests slower than the SLO.
    pub slow_ratio: f64,
    pub slo_read_resource_seconds: f64,
    pub slo_read_namespace_seconds: f64,
    pub slo_read_cluster_seconds: f64,
    pub slo_write_seconds: f64,
    /// ADM001: a webhook's p99 at or above this share of its timeout.
    pub webhook_timeout_fraction: f64,
    /// ADM001: the timeout assumed when the configuration is not known (the Kubernetes default).
    pub webhook_timeout_seconds: f64,
    /// ADM003: admission controller p99.
    pub admission_controller_p99_seconds: f64,
    /// CLI001: client request p99.
    pub client_p99_seconds: f64,
    /// OBJ001: more stored objects of one resource than this.
    pub object_count_warn: f64,
    /// The unsafe-sysctls policy's settings, for SYS001–SYS003 on cluster exports.
    pub sysctl_settings: SysctlSettings,
    /// The webhook-guard policy's settings, for WH001–WH005 on cluster exports.
    pub webhook_settings: WebhookSettings,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            etcd_warn_ratio: 0.80,
            etcd_critical_ratio: 0.95,
            etcd_default_quota_bytes: crate::metrics::summary::DEFAULT_QUOTA_BYTES,
            etcd_fragmentation_ratio: 0.5,
            etcd_fragmentation_min_in_use_bytes: 100.0 * 1024.0 * 1024.0,
            etcd_request_p99_seconds: 0.5,
            etcd_wal_fsync_p99_seconds: 0.5,
            etcd_backend_commit_p99_seconds: 0.25,
            error_ratio: 0.01,
            slow_ratio: 0.01,
            slo_read_resource_seconds: 1.0,
            slo_read_namespace_seconds: 5.0,
            slo_read_cluster_seconds: 30.0,
            slo_write_seconds: 1.0,
            webhook_timeout_fraction: 0.5,
            webhook_timeout_seconds: 10.0,
            admission_controller_p99_seconds: 0.5,
            client_p99_seconds: 1.0,
            object_count_warn: 10_000.0,
            sysctl_settings: SysctlSettings::default(),
            webhook_settings: WebhookSettings::default(),
        }
    }
}
