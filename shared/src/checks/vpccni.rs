//! NET002: VPC CNI warm-pool settings that call the EC2 API on Pod churn.

use super::{Check, ClusterContext, Entry, Need, Run, Severity};
use crate::cluster::Object;
use crate::config::Config;
use crate::format;
use crate::k8s::Text;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&NET002],
    run: Run::Cluster(|cx: &ClusterContext<'_>| check(cx.objects, cx.config)),
};

/// ## What it does
/// Reads the `aws-node` DaemonSet's `WARM_ENI_TARGET`, `WARM_IP_TARGET` and
/// `MINIMUM_IP_TARGET` (literal values; the EKS add-on's configuration sets them there).
/// Fires when `WARM_ENI_TARGET` is 0 or either IP target is at or below
/// `vpcCniLowIpTarget` (5): a warning from `vpcCniManyNodes` (50) Nodes on, info below.
///
/// ## Why is this bad?
/// With a small IP warm pool, ipamd attaches and detaches IPs as Pods come and go: EC2 API
/// calls from every node, which EC2 throttles per account and Region, and then no node
/// gets new IPs (amazon-vpc-cni-k8s, docs/eni-and-ip-target.md: "only set WARM_IP_TARGET for
/// small clusters, or clusters with very low pod churn").
pub const NET002: Check = Check {
    id: "NET002",
    severity: Severity::Warning,
    title: "VPC CNI warm pool small enough to call EC2 on Pod churn",
    rationale: "With WARM_IP_TARGET or MINIMUM_IP_TARGET set low (or WARM_ENI_TARGET=0), ipamd on every node attaches \
                and detaches IPs as Pods come and go. Those EC2 API calls are throttled per account and Region; in a \
                large cluster the throttling stops IP assignment on every node.",
    remediation: "Keep WARM_ENI_TARGET=1 (the default), or set MINIMUM_IP_TARGET a little above the Pods per node and \
                  WARM_IP_TARGET to a few IPs; with many nodes consider prefix delegation \
                  (ENABLE_PREFIX_DELEGATION=true), which attaches /28 prefixes instead of single IPs.",
    reference: "https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md",
    needs: &[Need::Object(&["DaemonSet/kube-system/aws-node"]), Need::Kind(&["Node"])],
};

/// The literal value of `name` in any container of `aws-node`.
fn env<'a>(ds: &'a Object, name: &str) -> Option<&'a str> {
    ds.spec
        .as_ref()?
        .template
        .as_ref()?
        .spec
        .as_ref()?
        .containers
        .iter()
        .flatten()
        .flat_map(|c| c.env.iter().flatten())
        .find(|e| e.name.as_ref().is_some_and(|n| n.as_str() == name))?
        .value
        .as_ref()
        .map(Text::as_str)
}

pub fn check(objects: &[Object], config: &Config) -> Vec<Finding> {
    let Some(ds) = objects.iter().find(|o| {
        o.kind() == "DaemonSet"
            && o.metadata.namespace.as_deref() == Some("kube-system")
            && o.metadata.name.as_deref() == Some("aws-node")
    }) else {
        return Vec::new();
    };
    let number = |name: &str| env(ds, name).and_then(|v| v.trim().parse::<f64>().ok());
    let low = config.vpc_cni_low_ip_target;
    let mut why = Vec::new();
    let mut evidence = Vec::new();
    for name in ["WARM_IP_TARGET", "MINIMUM_IP_TARGET"] {
        if let Some(v) = number(name).filter(|v| *v <= low) {
            why.push(format!("{name}={} (at most {})", format::count(v), format::count(low)));
            evidence.push(name);
        }
    }
    if number("WARM_ENI_TARGET") == Some(0.0) {
        why.push("WARM_ENI_TARGET=0".to_owned());
        evidence.push("WARM_ENI_TARGET");
    }
    if why.is_empty() {
        return Vec::new();
    }
    let nodes = objects.iter().filter(|o| o.kind() == "Node").count();
    let many = f64::from(u32::try_from(nodes).unwrap_or(u32::MAX)) >= config.vpc_cni_many_nodes;
    let severity = if many { Severity::Warning } else { Severity::Info };
    let size = if many {
        format!("{nodes} Nodes (at least {})", format::count(config.vpc_cni_many_nodes))
    } else {
        format!("{nodes} Nodes (fewer than {}: fine while Pod churn is low)", format::count(config.vpc_cni_many_nodes))
    };
    vec![Finding::with_severity(
        &NET002,
        severity,
        format!(
            "DaemonSet/kube-system/aws-node: {}: every few Pod starts and stops call the EC2 API, with {size}",
            why.join(", ")
        ),
        evidence
            .into_iter()
            .map(|name| Evidence::Object {
                object: ds.reference(),
                path: format!("spec.template.spec.containers[].env[{name}]"),
            })
            .collect(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::load;

    fn cluster(env: &str, nodes: usize) -> String {
        let mut yaml = format!(
            "apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: aws-node, namespace: kube-system}}
spec:
  template:
    spec:
      containers:
      - name: aws-node
        env: [{env}, {{name: AWS_SECRET_ACCESS_KEY, value: do-not-keep}}]
"
        );
        for i in 0..nodes {
            yaml.push_str(&format!("---\napiVersion: v1\nkind: Node\nmetadata: {{name: ip-10-0-0-{i}}}\n"));
        }
        yaml
    }

    fn found(yaml: &str) -> Vec<String> {
        check(&load(yaml).objects, &Config::default())
            .iter()
            .map(|f| format!("{} {}", f.severity.as_str(), f.message))
            .collect()
    }

    #[test]
    fn low_targets_warn_with_many_nodes_and_inform_with_few() {
        let env = "{name: WARM_IP_TARGET, value: '1'}, {name: MINIMUM_IP_TARGET, value: '5'}, {name: WARM_ENI_TARGET, value: '0'}";
        assert_eq!(found(&cluster(env, 50)), vec![
            "warning DaemonSet/kube-system/aws-node: WARM_IP_TARGET=1 (at most 5), MINIMUM_IP_TARGET=5 (at most 5), WARM_ENI_TARGET=0: every few Pod starts and stops call the EC2 API, with 50 Nodes (at least 50)",
        ]);
        assert_eq!(found(&cluster(env, 3)), vec![
            "info DaemonSet/kube-system/aws-node: WARM_IP_TARGET=1 (at most 5), MINIMUM_IP_TARGET=5 (at most 5), WARM_ENI_TARGET=0: every few Pod starts and stops call the EC2 API, with 3 Nodes (fewer than 50: fine while Pod churn is low)",
        ]);
    }

    #[test]
    fn the_defaults_and_generous_targets_are_nothing() {
        assert!(found(&cluster("{name: WARM_ENI_TARGET, value: '1'}", 200)).is_empty());
        assert!(found(&cluster("{name: WARM_IP_TARGET, value: '6'}, {name: MINIMUM_IP_TARGET, value: '30'}", 200)).is_empty());
    }

    #[test]
    fn only_the_warm_pool_variables_are_kept() {
        let objects = load(&cluster("{name: WARM_IP_TARGET, value: '1'}", 1)).objects;
        let text = format!("{objects:?}");
        assert!(text.contains("WARM_IP_TARGET"));
        assert!(!text.contains("do-not-keep"), "{text}");
    }
}
