//! Cluster exports from the corpus through `cpguard_core::analyze`: every file loads, the
//! findings name the right objects, and for every real webhook configuration and workload the
//! report's SYS/WH findings are exactly what the shipped policy says in the wasm host (one
//! rule, one implementation).
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_core::metrics::DiagnosticLevel;
use cpguard_core::{analyze, ClusterInput, Config, Inputs, Report};
use cpguard_tests::{admission_request, corpus, files, read_yaml, Policy};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn report_of(texts: &[(&str, &str)]) -> Report {
    let cluster: Vec<ClusterInput<'_>> = texts
        .iter()
        .map(|(name, text)| ClusterInput { name, text })
        .collect();
    analyze(
        &Inputs {
            cluster: &cluster,
            ..Inputs::default()
        },
        &Config::default(),
    )
    .inspect(|report| {
        // Every corpus report is a valid instance of the published contract.
        cpguard_tests::valid_report(&cpguard_core::render::json(report));
    })
    .unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `(check, path)` of every finding, e.g. `("WH003", "webhooks[0].namespaceSelector")`.
fn findings(report: &Report) -> BTreeSet<(String, String)> {
    report
        .findings
        .iter()
        .flat_map(|f| f.evidence.iter().map(move |e| (&f.check, e)))
        .filter_map(|(check, e)| match e {
            cpguard_core::report::Evidence::Object { path, .. } => {
                Some((check.to_string(), path.clone()))
            }
            cpguard_core::report::Evidence::Metric { .. } => None,
        })
        .collect()
}

/// `(check, path)` of everything the policy rejected for or warned about.
fn policy_findings(policy: &str, object: &serde_json::Value) -> BTreeSet<(String, String)> {
    let response = Policy::load(policy)
        .instance()
        .validate(&admission_request(object, "CREATE"), &json!({}));
    let mut lines: Vec<String> = response
        .message
        .iter()
        .flat_map(|m| m.split("; ").map(str::to_owned))
        .collect();
    lines.extend(response.warnings.unwrap_or_default());
    lines
        .iter()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            Some((
                parts.next()?.to_owned(),
                parts.next()?.trim_end_matches(':').to_owned(),
            ))
        })
        .collect()
}

#[test]
fn every_cluster_export_loads() {
    let mut total = 0;
    let Some(pss) = corpus("pss/baseline") else {
        return;
    };
    let mut subs: Vec<String> = ["clusters", "webhooks", "workloads"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for version in std::fs::read_dir(&pss).unwrap().filter_map(Result::ok) {
        let v = version.file_name().to_string_lossy().into_owned();
        subs.push(format!("pss/baseline/{v}/pass"));
        subs.push(format!("pss/baseline/{v}/fail"));
    }
    for sub in &subs {
        let Some(dir) = corpus(sub) else { return };
        let paths: Vec<_> = files(&dir, "yaml")
            .into_iter()
            .chain(files(&dir, "json"))
            .collect();
        assert!(!paths.is_empty(), "{sub}");
        for path in paths {
            let text = read(&path);
            let report = report_of(&[(path.to_str().unwrap(), &text)]);
            let errors: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            assert!(
                report.cluster.as_ref().unwrap().objects >= 1,
                "{}",
                path.display()
            );
            total += 1;
        }
    }
    assert_eq!(
        total,
        5 + 38 + 28 + 160,
        "every file of clusters, webhooks, workloads and pss"
    );
}

#[test]
fn nri_cluster_lists_are_counted_by_kind() {
    let Some(dir) = corpus("clusters") else {
        return;
    };
    let texts: Vec<(String, String)> = ["nodes", "namespaces", "pods", "services"]
        .iter()
        .map(|k| {
            let name = format!("nri-kubernetes-1_35-{k}.yaml");
            (name.clone(), read(&dir.join(&name)))
        })
        .collect();
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let report = report_of(&refs);
    let cluster = report.cluster.unwrap();
    let kinds: BTreeMap<&str, usize> = cluster
        .kinds
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        kinds,
        BTreeMap::from([("Namespace", 6), ("Node", 1), ("Pod", 25), ("Service", 7)])
    );
    assert_eq!(
        cluster.nodes_by_kubelet_version,
        BTreeMap::from([("v1.35.0".to_owned(), 1)])
    );
    assert_eq!(cluster.services.total, 7);
    // No pod of this cluster sets sysctls, and no version is known without `kubectl version`.
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    // SYS004 read the 25 real Pods' status (none rejected for its sysctls); AUTH007 and NET002
    // had no bindings or aws-node to read, and say so.
    let status = |id: &str| {
        let c = report.coverage.iter().find(|c| c.check == id).unwrap();
        format!("{:?} {}", c.status, c.reason.as_deref().unwrap_or(""))
    };
    assert_eq!(status("SYS004"), "Evaluated ");
    assert_eq!(
        status("AUTH007"),
        "NoData no ClusterRoleBinding objects in the cluster export"
    );
    assert_eq!(
        status("NET002"),
        "NoData no DaemonSet/kube-system/aws-node in the cluster export"
    );
}

#[test]
fn eks_node_list_skew_against_control_plane_versions() {
    let Some(dir) = corpus("clusters") else {
        return;
    };
    let nodes = read(&dir.join("hardeneks-use_managed_nodegroups-nodes_api_response.json"));
    let skew = |cp: &str| -> BTreeMap<String, usize> {
        let version = format!(r#"{{"serverVersion":{{"gitVersion":"{cp}"}}}}"#);
        let report = report_of(&[("nodes.json", &nodes), ("version.json", &version)]);
        let mut by = BTreeMap::new();
        for f in &report.findings {
            *by.entry(f.check.to_string()).or_default() += 1;
        }
        by
    };
    let report = report_of(&[("nodes.json", &nodes)]);
    assert_eq!(
        report.cluster.unwrap().nodes_by_kubelet_version,
        BTreeMap::from([
            ("v1.22.12-eks-ba74326".to_owned(), 2),
            ("v1.22.15-eks-fb459a0".to_owned(), 2),
            ("v1.22.17-eks-49d8fe8".to_owned(), 4)
        ])
    );
    assert_eq!(skew("v1.22.17-eks-49d8fe8"), BTreeMap::new());
    assert_eq!(
        skew("v1.24.17-eks-c12679a"),
        BTreeMap::from([("VER003".to_owned(), 8)])
    );
    assert_eq!(
        skew("v1.25.16-eks-8cb36c9"),
        BTreeMap::from([("VER002".to_owned(), 8)])
    );
    assert_eq!(
        skew("v1.21.14-eks-a81e1d3"),
        BTreeMap::from([("VER001".to_owned(), 8)])
    );
    let messages: Vec<String> = report_of(&[
        ("nodes.json", &nodes),
        (
            "v.json",
            r#"{"serverVersion":{"gitVersion":"v1.25.16-eks-8cb36c9"}}"#,
        ),
    ])
    .findings
    .iter()
    .map(|f| f.message.clone())
    .collect();
    assert!(messages.contains(&"Node/ip-192-168-30-4.ec2.internal: kubelet v1.22.12-eks-ba74326 is 3 minor versions behind the API server v1.25.16-eks-8cb36c9 (the policy allows 2)".to_owned()), "{messages:?}");
}

#[test]
fn webhook_and_workload_findings_equal_the_policies() {
    for (sub, policy) in [
        ("webhooks", "webhook-guard"),
        ("workloads", "unsafe-sysctls"),
    ] {
        let Some(dir) = corpus(sub) else { return };
        for path in files(&dir, "yaml") {
            let text = read(&path);
            let report = report_of(&[("f.yaml", &text)]);
            let ours = findings(&report);
            let theirs = policy_findings(policy, &read_yaml(&path));
            assert_eq!(ours, theirs, "{}", path.display());
            for f in &report.findings {
                let name = read_yaml(&path)["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                assert!(
                    f.message.contains(&name),
                    "{}: finding does not name the object: {}",
                    path.display(),
                    f.message
                );
            }
        }
    }
}
