//! The cluster half of a report: the rules the policies enforce, run over every object of the
//! dumps, the version skew checks, and the `cluster` section of the JSON.

use super::Object;
use crate::checks::versions;
use crate::report::{Evidence, Finding};
use crate::rules::sysctl::{SysctlPolicy, KINDS};
use crate::rules::webhook::{check_configuration, Effective, WebhookSettings};
use crate::rules::Violation;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookSummary {
    pub configuration: String,
    pub name: String,
    pub failure_policy: &'static str,
    pub timeout_seconds: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceCounts {
    pub total: usize,
    /// `clusterIP: None`: no virtual IP, so no kube-proxy rules.
    pub headless: usize,
    pub external_name: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterReport {
    pub objects: usize,
    pub kinds: BTreeMap<String, usize>,
    /// From `kubectl version -o json`, else `kubernetes_build_info` of the metrics dump.
    pub control_plane_version: Option<String>,
    pub nodes_by_kubelet_version: BTreeMap<String, usize>,
    pub webhooks: Vec<WebhookSummary>,
    pub services: ServiceCounts,
}

fn finding(v: &Violation, object: &Object) -> Finding {
    let mut f = Finding::new(
        v.check,
        format!("{}: {}", object.reference(), v.message),
        vec![Evidence::Object {
            object: object.reference(),
            path: v.path.clone(),
        }],
    );
    f.severity = v.check.severity;
    f
}

/// Runs the cluster checks over every object.
pub fn check(
    objects: &[Object],
    control_plane: Option<&str>,
    sysctls: &SysctlPolicy,
    webhooks: &WebhookSettings,
) -> (Vec<Finding>, ClusterReport) {
    let mut findings = Vec::new();
    let mut report = ClusterReport {
        objects: objects.len(),
        control_plane_version: control_plane.map(str::to_owned),
        ..ClusterReport::default()
    };
    let mut nodes = Vec::new();
    for object in objects {
        *report.kinds.entry(object.kind().to_owned()).or_default() += 1;
        match object.kind() {
            kind if KINDS.iter().any(|(k, _)| *k == kind) => {
                findings.extend(
                    sysctls
                        .check_workload(&object.as_workload())
                        .iter()
                        .map(|v| finding(v, object)),
                );
            }
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
                let config = object.as_webhook_configuration();
                findings.extend(
                    check_configuration(&config, webhooks)
                        .iter()
                        .map(|v| finding(v, object)),
                );
                for webhook in config.webhooks.iter().flatten() {
                    let effective = Effective::of(config.api_version.as_deref(), webhook);
                    report.webhooks.push(WebhookSummary {
                        configuration: object.reference(),
                        name: webhook.name.clone().unwrap_or_default(),
                        failure_policy: effective.failure_policy(),
                        timeout_seconds: effective.timeout_seconds,
                    });
                }
            }
            "Node" => {
                if let Some(version) = object
                    .status
                    .as_ref()
                    .and_then(|s| s.node_info.as_ref())
                    .and_then(|n| n.kubelet_version.clone())
                {
                    *report
                        .nodes_by_kubelet_version
                        .entry(version.clone())
                        .or_default() += 1;
                    nodes.push((object.reference(), version));
                }
            }
            "Service" => {
                let spec = object.spec.as_ref();
                report.services.total += 1;
                if spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
                    report.services.headless += 1;
                }
                if spec.and_then(|s| s.service_type.as_deref()) == Some("ExternalName") {
                    report.services.external_name += 1;
                }
            }
            _ => {}
        }
    }
    if let Some(cp) = control_plane {
        findings.extend(versions::check(cp, &nodes));
    }
    (findings, report)
}
