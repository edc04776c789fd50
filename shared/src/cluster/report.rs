//! The cluster half of a report: the rules the policies enforce, run over every object of the
//! dumps, the version skew checks, and the `cluster` section of the JSON.

use super::Object;
use crate::checks::{auth, network, serviceaccounts, versions};
use crate::report::{Evidence, Finding};
use crate::rules::sysctl::{SysctlPolicy, KINDS};
use crate::rules::webhook::{check_configuration, Effective, WebhookSettings};
use crate::rules::Violation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub configuration: String,
    pub name: String,
    pub failure_policy: std::borrow::Cow<'static, str>,
    pub timeout_seconds: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCounts {
    pub total: usize,
    /// `clusterIP: None`: no virtual IP, so no kube-proxy rules.
    pub headless: usize,
    pub external_name: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    pub policy_reports: Option<super::policyreport::PolicyReportSummary>,
}

fn finding(v: &Violation, object: &Object) -> Finding {
    let reference = object.reference();
    let message = format!("{reference}: {}", v.message);
    Finding::new(
        v.check,
        message,
        vec![Evidence::Object {
            object: reference,
            path: v.path.clone(),
        }],
    )
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
                        name: webhook.name.as_deref().unwrap_or_default().to_owned(),
                        failure_policy: effective.failure_policy().into(),
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
    findings.extend(network::check(objects));
    findings.extend(auth::check(objects));
    findings.extend(serviceaccounts::check(objects));
    report.kube_proxy_mode = network::proxy_mode(objects).map(|(mode, _)| mode);
    let (mut audited, summary) = super::policyreport::check(objects);
    super::policyreport::cross_reference(&mut findings, &mut audited);
    findings.extend(audited);
    report.policy_reports = summary;
    (findings, report)
}

#[cfg(test)]
mod tests {
    use crate::cluster::load;
    use crate::rules::sysctl::SysctlPolicy;
    use crate::rules::webhook::WebhookSettings;

    fn run(yaml: &str) -> Vec<String> {
        let loaded = load(yaml);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let (findings, _) = super::check(
            &loaded.objects,
            None,
            &SysctlPolicy::baseline_latest(),
            &WebhookSettings::default(),
        );
        findings
            .iter()
            .map(|f| format!("{} {}", f.check, f.message))
            .collect()
    }

    fn services(n: usize, headless: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            let ip = if i < headless { "None" } else { "10.100.0.1" };
            out.push_str(&format!("---\nkind: Service\nmetadata: {{name: s{i}, namespace: default}}\nspec: {{clusterIP: {ip}}}\n"));
        }
        out
    }

    #[test]
    fn kube_proxy_iptables_with_many_services() {
        let eks = "kind: ConfigMap\nmetadata: {name: kube-proxy-config, namespace: kube-system}\ndata:\n  config: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: \"iptables\"\n";
        assert_eq!(run(&format!("{eks}{}", services(1001, 0))), vec!["NET001 kube-proxy runs in iptables mode (ConfigMap/kube-system/kube-proxy-config) in front of 1001 Services with proxy rules (more than 1000)"]);
        // Headless Services get no proxy rules.
        assert!(run(&format!("{eks}{}", services(1001, 1))).is_empty());
        let kubeadm_empty_mode = "kind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n    mode: \"\"\n";
        assert_eq!(
            run(&format!("{kubeadm_empty_mode}{}", services(1001, 0))).len(),
            1
        );
        let ipvs = eks.replace("\"iptables\"", "ipvs");
        assert!(run(&format!("{ipvs}{}", services(1001, 0))).is_empty());
    }

    #[test]
    fn aws_auth() {
        let yaml = "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n    - rolearn: arn:aws:iam::111122223333:role/teams/admin\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:instance-profile/eks-nodes\n      username: x\n    - rolearn: arn:aws:iam::111122223333:role/no-name\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n";
        assert_eq!(run(yaml), vec![
            "AUTH003 ConfigMap/kube-system/aws-auth: data.mapRoles[1] role ARN arn:aws:iam::111122223333:role/teams/admin has an IAM path, so it never matches",
            "AUTH005 ConfigMap/kube-system/aws-auth: data.mapRoles[1] grants system:masters",
            "AUTH004 ConfigMap/kube-system/aws-auth: data.mapRoles[2] maps the instance profile arn:aws:iam::111122223333:instance-profile/eks-nodes",
            "AUTH002 ConfigMap/kube-system/aws-auth: data.mapRoles[3] has no rolearn or no username",
            "AUTH006 ConfigMap/kube-system/aws-auth: data.mapUsers maps 1 IAM users",
        ]);
        let broken = "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/a\n     username: bad-indent\n";
        let found = run(broken);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "AUTH001 ConfigMap/kube-system/aws-auth: data.mapRoles is not valid YAML ("
            ),
            "{found:?}"
        );
        assert!(
            found[0].ends_with("): the authenticator drops the whole key"),
            "{found:?}"
        );
    }

    #[test]
    fn legacy_token_secrets() {
        let yaml = "kind: Secret\nmetadata: {name: build-robot-token, namespace: ci}\ntype: kubernetes.io/service-account-token\ndata: {token: ZXlK}\n---\nkind: Secret\nmetadata: {name: tls, namespace: ci}\ntype: kubernetes.io/tls\n";
        assert_eq!(
            run(yaml),
            vec!["SA001 1 legacy service-account token Secrets (Secret/ci/build-robot-token)"]
        );
    }
}
