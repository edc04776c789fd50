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
/// Reads them as ipamd does (0 is unset for the IP targets; with either set, `WARM_ENI_TARGET`
/// is ignored; `MINIMUM_IP_TARGET` is only a floor) and fires when `WARM_IP_TARGET` is at or
/// below `vpcCniLowIpTarget` (5) over a floor (`MINIMUM_IP_TARGET`) that low or unset, or
/// without it `MINIMUM_IP_TARGET` is that low, or with neither
/// `WARM_ENI_TARGET` is 0; never with prefix delegation on. A warning from `vpcCniManyNodes`
/// (50) Nodes on, info below.
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
    // As ipamd reads them: 0 means unset for both IP targets; when either is set,
    // WARM_ENI_TARGET is ignored; MINIMUM_IP_TARGET is a floor, so it matters only without a
    // warm IP target; prefix delegation attaches /28 prefixes, not single IPs.
    if env(ds, "ENABLE_PREFIX_DELEGATION").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Vec::new();
    }
    let set = |name: &str| number(name).filter(|v| *v > 0.0);
    let low = config.vpc_cni_low_ip_target;
    let (why, evidence) = match (set("WARM_IP_TARGET"), set("MINIMUM_IP_TARGET")) {
        // A floor above `low` holds the Pods' IPs, so a small warm pool on top of it is the
        // remediation's own advice.
        (Some(warm), min) if warm <= low && min.is_none_or(|m| m <= low) => (
            format!(
                "WARM_IP_TARGET={} (at most {}) {}",
                format::count(warm),
                format::count(low),
                min.map_or_else(
                    || "without MINIMUM_IP_TARGET".to_owned(),
                    |m| format!("over MINIMUM_IP_TARGET={}", format::count(m))
                )
            ),
            "WARM_IP_TARGET",
        ),
        (None, Some(min)) if min <= low => (
            format!("MINIMUM_IP_TARGET={} (at most {}) without WARM_IP_TARGET", format::count(min), format::count(low)),
            "MINIMUM_IP_TARGET",
        ),
        (None, None) if number("WARM_ENI_TARGET") == Some(0.0) => {
            ("WARM_ENI_TARGET=0".to_owned(), "WARM_ENI_TARGET")
        }
        _ => return Vec::new(),
    };
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
            "DaemonSet/kube-system/aws-node: {why}: every few Pod starts and stops call the EC2 API, with {size}"
        ),
        vec![Evidence::Object {
            object: ds.reference(),
            path: format!("spec.template.spec.containers[].env[{evidence}]"),
        }],
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
        let env = "{name: WARM_IP_TARGET, value: '1'}, {name: MINIMUM_IP_TARGET, value: '5'}";
        assert_eq!(found(&cluster(env, 50)), vec![
            "warning DaemonSet/kube-system/aws-node: WARM_IP_TARGET=1 (at most 5) over MINIMUM_IP_TARGET=5: every few Pod starts and stops call the EC2 API, with 50 Nodes (at least 50)",
        ]);
        assert_eq!(found(&cluster(env, 3)), vec![
            "info DaemonSet/kube-system/aws-node: WARM_IP_TARGET=1 (at most 5) over MINIMUM_IP_TARGET=5: every few Pod starts and stops call the EC2 API, with 3 Nodes (fewer than 50: fine while Pod churn is low)",
        ]);
        assert_eq!(found(&cluster("{name: MINIMUM_IP_TARGET, value: '2'}", 60)), vec![
            "warning DaemonSet/kube-system/aws-node: MINIMUM_IP_TARGET=2 (at most 5) without WARM_IP_TARGET: every few Pod starts and stops call the EC2 API, with 60 Nodes (at least 50)",
        ]);
        assert_eq!(found(&cluster("{name: WARM_ENI_TARGET, value: '0'}", 60)), vec![
            "warning DaemonSet/kube-system/aws-node: WARM_ENI_TARGET=0: every few Pod starts and stops call the EC2 API, with 60 Nodes (at least 50)",
        ]);
    }

    /// ipamd's own reading: what it ignores or treats as unset fires nothing.
    #[test]
    fn the_defaults_and_what_ipamd_ignores_are_nothing() {
        for env in [
            // The default, and the remediation's own advice.
            "{name: WARM_ENI_TARGET, value: '1'}",
            "{name: WARM_IP_TARGET, value: '2'}, {name: MINIMUM_IP_TARGET, value: '30'}",
            // A low floor under a generous warm pool.
            "{name: WARM_IP_TARGET, value: '10'}, {name: MINIMUM_IP_TARGET, value: '3'}",
            // 0 is unset.
            "{name: WARM_IP_TARGET, value: '0'}",
            // WARM_ENI_TARGET=0 is ignored once an IP target is set (and that one is generous).
            "{name: WARM_ENI_TARGET, value: '0'}, {name: WARM_IP_TARGET, value: '8'}",
            // Prefix delegation attaches /28 prefixes.
            "{name: WARM_IP_TARGET, value: '1'}, {name: ENABLE_PREFIX_DELEGATION, value: 'true'}",
        ] {
            assert!(found(&cluster(env, 200)).is_empty(), "{env}");
        }
    }

    #[test]
    fn only_the_warm_pool_variables_are_kept() {
        let mut yaml = cluster("{name: WARM_IP_TARGET, value: '1'}", 1);
        // Wherever a pod spec sits: a CronJob's job template, a PodTemplate, a Deployment.
        yaml.push_str("---
kind: CronJob
metadata: {name: c, namespace: a}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: x, env: [{name: DB_PASSWORD, value: hunter2-cron}]}]}}}}}
---
kind: PodTemplate
metadata: {name: t, namespace: a}
template: {spec: {containers: [{name: x, env: [{name: TOKEN, value: hunter2-template}]}]}}
---
kind: Deployment
metadata: {name: d, namespace: a}
spec: {template: {spec: {containers: [{name: x, env: [{name: KEY, value: hunter2-deploy}]}]}}}
");
        let objects = load(&yaml).objects;
        assert_eq!(objects.len(), 5);
        let text = format!("{objects:?}");
        assert!(text.contains("WARM_IP_TARGET"));
        for secret in ["do-not-keep", "hunter2"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
