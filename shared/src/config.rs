//! Thresholds of the metrics checks: defaults a user can change (CLI `--config FILE`, JSON or
//! YAML, camelCase; every field optional).

use crate::rules::sysctl::SysctlSettings;
use crate::rules::webhook::WebhookSettings;
use serde::{Deserialize, Serialize};

/// EKS' etcd quota, used when the dump does not carry `etcd_server_quota_backend_bytes`.
pub const DEFAULT_QUOTA_BYTES: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
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
    /// ETCD003: WAL fsync or backend commit p99 above this is critical (etcd-mixin: 1 s).
    pub etcd_disk_critical_p99_seconds: f64,
    /// ETCD004: the quota reached within this many seconds at the measured growth: critical
    /// (etcd-mixin's 4 h), and within the second: a warning (7 d).
    pub etcd_quota_critical_horizon_seconds: f64,
    pub etcd_quota_warn_horizon_seconds: f64,
    /// API001 / CLI001: 5xx share of requests.
    pub error_ratio: f64,
    /// API003: share of requests slower than the SLO.
    pub slow_ratio: f64,
    pub slo_read_resource_seconds: f64,
    pub slo_read_namespace_seconds: f64,
    pub slo_read_cluster_seconds: f64,
    pub slo_write_seconds: f64,
    /// API005: the availability objective whose error budget 5xx and too-slow requests burn.
    pub availability_objective: f64,
    /// API002: share of requests refused with 429, or rejected by APF, worth a finding.
    pub throttled_ratio: f64,
    /// API004: share of requests terminated (kubernetes-mixin: 20 %).
    pub terminated_ratio: f64,
    /// CERT001: the 1st percentile of client certificates' remaining life below these.
    pub cert_expiry_warn_seconds: f64,
    pub cert_expiry_critical_seconds: f64,
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
    /// NET002: `WARM_IP_TARGET` or `MINIMUM_IP_TARGET` at or below this is low.
    pub vpc_cni_low_ip_target: f64,
    /// NET002: a warning from this many Nodes on (info below).
    pub vpc_cni_many_nodes: f64,
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
            etcd_default_quota_bytes: DEFAULT_QUOTA_BYTES,
            etcd_fragmentation_ratio: 0.5,
            etcd_fragmentation_min_in_use_bytes: 100.0 * 1024.0 * 1024.0,
            etcd_request_p99_seconds: 0.5,
            etcd_wal_fsync_p99_seconds: 0.5,
            etcd_backend_commit_p99_seconds: 0.25,
            etcd_disk_critical_p99_seconds: 1.0,
            etcd_quota_critical_horizon_seconds: 4.0 * 3600.0,
            etcd_quota_warn_horizon_seconds: 7.0 * 86_400.0,
            error_ratio: 0.01,
            slow_ratio: 0.01,
            slo_read_resource_seconds: 1.0,
            slo_read_namespace_seconds: 5.0,
            slo_read_cluster_seconds: 30.0,
            slo_write_seconds: 1.0,
            availability_objective: 0.99,
            throttled_ratio: 0.01,
            terminated_ratio: 0.20,
            cert_expiry_warn_seconds: 7.0 * 86_400.0,
            cert_expiry_critical_seconds: 86_400.0,
            webhook_timeout_fraction: 0.5,
            webhook_timeout_seconds: 10.0,
            admission_controller_p99_seconds: 0.5,
            client_p99_seconds: 1.0,
            object_count_warn: 10_000.0,
            vpc_cni_low_ip_target: 5.0,
            vpc_cni_many_nodes: 50.0,
            sysctl_settings: SysctlSettings::default(),
            webhook_settings: WebhookSettings::default(),
        }
    }
}

/// One line of help per setting, by its camelCase key (`sysctlSettings.x` for the policies'):
/// the viewer's settings panel shows them; a test keeps the list complete.
pub const HELP: &[(&str, &str)] = &[
    ("etcdWarnRatio", "ETCD001: database size over quota for a warning (0.80 = 80 %)."),
    ("etcdCriticalRatio", "ETCD001: database size over quota for a critical finding."),
    ("etcdDefaultQuotaBytes", "Quota assumed when the dump has no etcd_server_quota_backend_bytes (EKS: 8 GiB)."),
    ("etcdFragmentationRatio", "ETCD002: in-use over total size below this is fragmentation worth a defrag."),
    ("etcdFragmentationMinInUseBytes", "ETCD002: only when more than this many bytes are in use."),
    ("etcdRequestP99Seconds", "ETCD003: p99 of etcd_request_duration_seconds per operation."),
    ("etcdWalFsyncP99Seconds", "ETCD003: p99 of etcd's WAL fsync (etcd member dumps)."),
    ("etcdBackendCommitP99Seconds", "ETCD003: p99 of etcd's backend commit (etcd member dumps)."),
    ("etcdDiskCriticalP99Seconds", "ETCD003: WAL fsync or backend commit p99 above this is critical (etcd-mixin's etcdHighFsyncDurations: 1 s)."),
    ("etcdQuotaCriticalHorizonSeconds", "ETCD004: critical when the growth between the two dumps reaches the quota within this (etcd-mixin: 4 h)."),
    ("etcdQuotaWarnHorizonSeconds", "ETCD004: a warning when it reaches the quota within this (7 d)."),
    ("errorRatio", "API001 / CLI001: share of requests answered 5xx."),
    ("slowRatio", "API003: share of requests slower than their SLO."),
    ("sloReadResourceSeconds", "API003: SLO of a read of one object."),
    ("sloReadNamespaceSeconds", "API003: SLO of a namespace-scoped list."),
    ("sloReadClusterSeconds", "API003: SLO of a cluster-scoped list."),
    ("sloWriteSeconds", "API003: SLO of a write."),
    ("availabilityObjective", "API005: availability objective whose error budget 5xx and too-slow requests burn (kubernetes-mixin: 0.99)."),
    ("throttledRatio", "API002: share of requests refused with 429 (or rejected by APF) worth a finding."),
    ("terminatedRatio", "API004: share of requests the API server terminated (kubernetes-mixin's KubeAPITerminatedRequests: 0.20)."),
    ("certExpiryWarnSeconds", "CERT001: a warning when 1 % of client certificates expire within this (kubernetes-mixin: 7 d)."),
    ("certExpiryCriticalSeconds", "CERT001: critical when 1 % of client certificates expire within this (kubernetes-mixin: 1 d)."),
    ("webhookTimeoutFraction", "ADM001: a webhook's p99 at or above this share of its timeout."),
    ("webhookTimeoutSeconds", "ADM001: the timeout assumed when the webhook's configuration is not in the cluster export."),
    ("admissionControllerP99Seconds", "ADM003: p99 of a built-in admission controller."),
    ("clientP99Seconds", "CLI001: p99 of the API server's own client requests."),
    ("objectCountWarn", "OBJ001: more stored objects of one resource than this."),
    ("vpcCniLowIpTarget", "NET002: the VPC CNI's WARM_IP_TARGET or MINIMUM_IP_TARGET at or below this is low (every few Pods call the EC2 API)."),
    ("vpcCniManyNodes", "NET002: a warning from this many Nodes on, info below."),
    ("sysctlSettings.allowedUnsafeSysctls", "SYS001: sysctls allowed on top of the baseline list (exact, or ending in *)."),
    ("sysctlSettings.forbiddenSysctls", "SYS002: sysctls always refused, even safe ones; * alone refuses all."),
    ("sysctlSettings.podSecurityVersion", "SYS001: latest or v1.N, the Pod Security Standards version whose baseline list applies."),
    ("webhookSettings.maxTimeoutSeconds", "WH002: reject fail-closed webhooks whose timeout is above this (1-30); empty: warn above 10 s."),
    ("webhookSettings.requireKubeSystemExclusion", "WH003: reject, not just warn about, fail-closed webhooks that reach kube-system."),
    ("webhookSettings.rejectWarnings", "WH001-WH005: reject for every finding (the in-cluster setting: the audit scanner records rejections only)."),
    ("webhookSettings.exemptWebhooks", "WH001-WH005: configuration/webhook or configuration/* never rejected (still warned about)."),
];

/// The help line of a setting, by its key (see [`HELP`]).
pub fn help(key: &str) -> Option<&'static str> {
    HELP.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                let key = format!("{prefix}{k}");
                if v.is_object() {
                    keys(v, &format!("{key}."), out);
                } else {
                    out.push(key);
                }
            }
        }
    }

    #[test]
    fn every_setting_has_help_and_every_help_a_setting() {
        let mut all = Vec::new();
        keys(
            &serde_json::to_value(Config::default()).unwrap(),
            "",
            &mut all,
        );
        let mut documented: Vec<String> = HELP.iter().map(|(k, _)| (*k).to_owned()).collect();
        all.sort();
        documented.sort();
        assert_eq!(all, documented);
        assert_eq!(
            help("errorRatio"),
            Some("API001 / CLI001: share of requests answered 5xx.")
        );
    }
}
