//! NET001: kube-proxy in iptables mode in front of many Services.

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::Object;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&NET001],
    run: Run::Cluster(|cx: &ClusterContext<'_>| check(cx.objects)),
};

/// ## What it does
/// Reads kube-proxy's mode from `kube-system/kube-proxy-config` (EKS) or
/// `kube-system/kube-proxy` (kubeadm); an empty mode is iptables. Warns when it is iptables
/// and more than 1000 Services get kube-proxy rules (headless and ExternalName Services don't).
///
/// ## Why is this bad?
/// iptables rules are evaluated linearly and rewritten whole: past ~1000 Services that adds
/// network latency and CPU on every node.
pub const NET001: Check = Check {
    id: "NET001",
    severity: Severity::Warning,
    title: "kube-proxy in iptables mode with many Services",
    rationale: "In iptables mode every Service adds rules that are evaluated in sequence and rewritten in full on \
                each change; past about 1000 Services this adds latency to connections and CPU load on every node.",
    remediation: "Run kube-proxy in IPVS mode (EKS: set mode: ipvs in the kube-proxy add-on configuration) or \
                  nftables (1.31+), or replace it with an eBPF data plane.",
    reference: GUIDE,    needs: &[Need::Object(&["ConfigMap/kube-system/kube-proxy-config", "ConfigMap/kube-system/kube-proxy"]), Need::Kind(&["Service"])],
};

/// More Services with kube-proxy rules than this is "many".
pub const SERVICE_LIMIT: usize = 1000;

pub fn check(objects: &[Object]) -> Vec<Finding> {
    let services = objects
        .iter()
        .filter(|o| o.kind() == "Service")
        .filter(|o| {
            let spec = o.spec.as_ref();
            spec.and_then(|s| s.cluster_ip.as_deref()) != Some("None")
                && spec.and_then(|s| s.service_type.as_deref()) != Some("ExternalName")
        })
        .count();
    match crate::cluster::proxy_mode(objects) {
        Some((mode, source)) if mode == "iptables" && services > SERVICE_LIMIT => {
            let message = format!("kube-proxy runs in iptables mode ({source}) in front of {services} Services with proxy rules (more than {SERVICE_LIMIT})");
            vec![Finding::new(
                &NET001,
                message,
                vec![Evidence::Object {
                    object: source,
                    path: "data.mode".to_owned(),
                }],
            )]
        }
        _ => Vec::new(),
    }
}
