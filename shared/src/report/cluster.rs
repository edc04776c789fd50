//! The report's `cluster` section: what the exports held (computed by [`crate::cluster::summary`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookSummary {
    pub configuration: String,
    pub name: String,
    pub failure_policy: std::borrow::Cow<'static, str>,
    pub timeout_seconds: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ServiceCounts {
    pub total: usize,
    /// `clusterIP: None`: no virtual IP, so no kube-proxy rules.
    pub headless: usize,
    pub external_name: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClusterReport {
    pub objects: usize,
    pub kinds: BTreeMap<String, usize>,
    /// From `kubectl version -o json`, else `kubernetes_build_info` of the metrics dump.
    pub control_plane_version: Option<String>,
    pub nodes_by_kubelet_version: BTreeMap<String, usize>,
    pub webhooks: Vec<WebhookSummary>,
    pub services: ServiceCounts,
    /// kube-proxy's mode, when the dump has its ConfigMap (empty mode = iptables).
    pub kube_proxy_mode: Option<String>,
    /// What the cluster's own policies audited, when the export has PolicyReports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_reports: Option<PolicyReportSummary>,
}

/// What the cluster's policies audited, for the report's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyReportSummary {
    /// Reports read.
    pub reports: usize,
    /// Distinct resources the results are about.
    pub resources: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub error: usize,
    pub skip: usize,
    /// The engines that wrote them (`source` of the results), sorted.
    pub engines: Vec<String>,
    /// Earliest and latest result timestamp (Unix seconds), when the results carry one.
    pub first_seconds: Option<i64>,
    pub last_seconds: Option<i64>,
}

impl PolicyReportSummary {
    /// One line for the text report, the Markdown and the viewer's summary.
    pub fn line(&self) -> String {
        let engines = if self.engines.is_empty() {
            "unknown engines".to_owned()
        } else {
            self.engines.join(", ")
        };
        let when = match (self.first_seconds, self.last_seconds) {
            (Some(a), Some(b)) if a == b => format!(" at {}", rfc3339(a)),
            (Some(a), Some(b)) => format!(" between {} and {}", rfc3339(a), rfc3339(b)),
            _ => " (no result timestamps)".to_owned(),
        };
        format!(
            "cluster policies ({engines}) audited {} resources in {} reports{when}: {} fail, {} error, {} warn, {} pass, {} skip",
            self.resources, self.reports, self.fail, self.error, self.warn, self.pass, self.skip
        )
    }
}

#[allow(clippy::cast_precision_loss)] // Unix seconds fit an f64 exactly until year 285 million.
fn rfc3339(seconds: i64) -> String {
    crate::time::format_rfc3339(seconds as f64)
}
