//! The report's `cluster` section: what the exports hold, counted in one pass.

use super::{policyreport, Object};
use crate::k8s::WebhookKind;
use crate::report::{ClusterReport, WebhookSummary};
use crate::rules::webhook::Effective;
use serde::Deserialize;

/// Counts what the exports hold; `control_plane` is the version to show for the control plane.
pub fn summary(objects: &[Object], control_plane: Option<&str>) -> ClusterReport {
    let mut report = ClusterReport {
        objects: objects.len(),
        control_plane_version: control_plane.map(str::to_owned),
        ..ClusterReport::default()
    };
    for object in objects {
        *report.kinds.entry(object.kind().to_owned()).or_default() += 1;
        if WebhookKind::of_configuration(object.kind()).is_some() {
            let config = object.as_webhook_configuration();
            for webhook in config.webhooks.iter().flatten() {
                let effective = Effective::of(config.api_version.as_deref(), webhook);
                report.webhooks.push(WebhookSummary {
                    configuration: object.reference(),
                    name: webhook.name.as_deref().unwrap_or_default().to_owned(),
                    failure_policy: effective.failure_policy().into(),
                    timeout_seconds: effective.timeout_seconds,
                });
            }
        }
        if let Some(version) = object.kubelet_version() {
            *report
                .nodes_by_kubelet_version
                .entry(version.to_owned())
                .or_default() += 1;
        }
        if object.kind() == "Service" {
            let spec = object.spec.as_ref();
            report.services.total += 1;
            if spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
                report.services.headless += 1;
            }
            if spec.and_then(|s| s.service_type.as_deref()) == Some("ExternalName") {
                report.services.external_name += 1;
            }
        }
    }
    report.kube_proxy_mode = proxy_mode(objects).map(|(mode, _)| mode);
    report.policy_reports = policyreport::summary(objects);
    report
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProxyConfig {
    mode: Option<String>,
}

/// kube-proxy's mode, with the ConfigMap it came from; `None` when the dump lacks it.
pub fn proxy_mode(objects: &[Object]) -> Option<(String, String)> {
    objects
        .iter()
        .filter(|o| {
            o.kind() == "ConfigMap" && o.metadata.namespace.as_deref() == Some("kube-system")
        })
        .find_map(|o| {
            let name = o.metadata.name.as_deref()?;
            let key = match name {
                "kube-proxy-config" => "config",
                "kube-proxy" => "config.conf",
                _ => return None,
            };
            let text = o.data.as_ref()?.get(key)?;
            let config: ProxyConfig = crate::cluster::decode_yaml(text.as_str()).ok()?;
            let mode = config
                .mode
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "iptables".to_owned());
            Some((mode, o.reference()))
        })
}
