//! The in-cluster path, end to end (issue 9): the built policies run in the waPC host with the
//! settings of their `policy.yaml`, over the project's fixtures, and their verdicts are written
//! as Kubewarden's audit scanner writes them (kubewarden/audit-scanner
//! `internal/report/report.go` at 4902f71b: one report per resource, named after its UID, in
//! its namespace or cluster-wide, `scope` the resource, label
//! `app.kubernetes.io/managed-by: kubewarden`, each result `source: kubewarden`, `policy`
//! `clusterwide-<name>`, the rejection message as `message` and nothing of the warnings,
//! `scored: true`, properties `validating`, `policy-uid`, `policy-resource-version`).
//!
//! The result is `shared/samples/policyreports.yaml` (`CPGUARD_BLESS=1` regenerates it); the
//! test then reads it back through the core as `cpguard analyze --cluster` does.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_core::{analyze, ClusterInput, Config, Inputs};
use cpguard_tests::{admission_request, assert_expected, files, read_yaml, root, Policy};
use serde_json::{json, Value};

/// 2025-11-29T10:00:00Z: the scan's time, fixed so the file is stable.
const SCAN_SECONDS: i64 = 1_764_410_400;

fn uid(i: usize) -> String {
    format!("{i:08x}-0b5e-4c1a-9d2e-{i:012x}")
}

/// One resource's report, as the audit scanner writes it for one policy.
fn report(object: &Value, i: usize, policy: &str, settings: &Value) -> Value {
    let instance = Policy::load(policy).instance();
    let response = instance.validate(&admission_request(object, "CREATE"), settings);
    let namespace = object["metadata"]["namespace"].as_str();
    let (kind, result) = if response.accepted {
        ("pass", json!({}))
    } else {
        ("fail", json!({"message": response.message}))
    };
    let mut entry = json!({
        "source": "kubewarden",
        "policy": format!("clusterwide-{policy}"),
        "result": kind,
        "scored": true,
        "resourceSelector": {},
        "timestamp": {"seconds": SCAN_SECONDS + i64::try_from(i).unwrap(), "nanos": 0},
        "properties": {
            "validating": "true",
            "policy-uid": format!("{policy}-0000-4000-8000-000000000000"),
            "policy-resource-version": "4211",
        },
    });
    if let Some(message) = result.get("message") {
        entry["message"] = message.clone();
    }
    let summary = json!({
        "pass": usize::from(response.accepted),
        "fail": usize::from(!response.accepted),
        "warn": 0, "error": 0, "skip": 0,
    });
    let mut scope = json!({
        "apiVersion": object["apiVersion"],
        "kind": object["kind"],
        "name": object["metadata"]["name"],
        "uid": uid(i),
        "resourceVersion": "1000",
    });
    let mut metadata = json!({
        "name": uid(i),
        "labels": {"app.kubernetes.io/managed-by": "kubewarden"},
        "ownerReferences": [{
            "apiVersion": object["apiVersion"], "kind": object["kind"],
            "name": object["metadata"]["name"], "uid": uid(i),
        }],
    });
    let report_kind = if let Some(ns) = namespace {
        scope["namespace"] = json!(ns);
        metadata["namespace"] = json!(ns);
        "PolicyReport"
    } else {
        "ClusterPolicyReport"
    };
    json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": report_kind,
        "metadata": metadata,
        "scope": scope,
        "summary": summary,
        "results": [entry],
    })
}

fn in_cluster_settings(policy: &str) -> Value {
    read_yaml(&root().join("policies").join(policy).join("policy.yaml"))["spec"]["settings"].clone()
}

fn objects(policy: &str, prefix: &str) -> Vec<Value> {
    files(
        &root().join("policies").join(policy).join("test_data"),
        "json",
    )
    .iter()
    .filter(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix))
    })
    .map(|p| read_yaml(p)["object"].clone())
    // A cluster serves these kinds as v1 only; the scanner reads them so.
    .filter(|o| {
        !o.is_null()
            && !o["apiVersion"]
                .as_str()
                .unwrap_or_default()
                .ends_with("/v1beta1")
    })
    .collect()
}

/// What `kubectl get policyreports,clusterpolicyreports -A -o yaml` prints after a scan.
fn scan() -> String {
    let mut items = Vec::new();
    let mut i = 0;
    for (policy, prefixes) in [
        ("webhook-guard", ["vwc_", "mwc_"].as_slice()),
        ("unsafe-sysctls", ["pod_unsafe", "pod_safe"].as_slice()),
    ] {
        let settings = in_cluster_settings(policy);
        for prefix in prefixes {
            for object in objects(policy, prefix) {
                i += 1;
                items.push(report(&object, i, policy, &settings));
            }
        }
    }
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}});
    serde_yaml_ng::to_string(&list).unwrap()
}

#[test]
fn audit_scanner_reports_of_the_policies_in_the_host() {
    let actual = scan();
    let path = root().join("shared/samples/policyreports.yaml");
    if std::env::var_os("CPGUARD_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} is not what the policies answer now (CPGUARD_BLESS=1 regenerates it)",
        path.display()
    );
}

#[test]
fn a_wh003_only_configuration_in_a_policy_report() {
    // vwc_reaches_kube_system.json: one webhook, fail-closed on ConfigMaps, no
    // namespaceSelector; WH003 is its only finding. Without rejectWarnings the policy accepts it
    // with a warning, which the audit scanner drops: the report says "pass".
    let object = objects("webhook-guard", "vwc_reaches_kube_system")
        .pop()
        .unwrap();
    let default = report(&object, 1, "webhook-guard", &json!({}));
    let in_cluster = report(
        &object,
        1,
        "webhook-guard",
        &in_cluster_settings("webhook-guard"),
    );
    let mut out = String::from("# settings {} (the default): the warning is dropped\n");
    out.push_str(&serde_yaml_ng::to_string(&default).unwrap());
    out.push_str("---\n# settings of policies/webhook-guard/policy.yaml (rejectWarnings: true)\n");
    out.push_str(&serde_yaml_ng::to_string(&in_cluster).unwrap());
    assert_eq!(default["results"][0]["result"], "pass");
    assert_eq!(in_cluster["results"][0]["result"], "fail");
    assert_eq!(
        in_cluster["results"][0]["message"],
        "WH003 webhooks[0].namespaceSelector: webhook config-checker/configmaps.example.com fails closed on namespaced resources and has no namespaceSelector: while it is down, changes in kube-system are refused. Fix: add {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]} to its namespaceSelector.matchExpressions"
    );
    assert_expected("policyreport-wh003.yaml", &out);
}

#[test]
fn reports_become_findings_with_their_engine() {
    let kubewarden =
        std::fs::read_to_string(root().join("shared/samples/policyreports.yaml")).unwrap();
    let kyverno =
        std::fs::read_to_string(root().join("shared/samples/policyreports-kyverno.yaml")).unwrap();
    let cluster = std::fs::read_to_string(root().join("shared/samples/cluster.yaml")).unwrap();
    let inputs = [
        ClusterInput {
            name: "cluster.yaml",
            text: &cluster,
        },
        ClusterInput {
            name: "policyreports.yaml",
            text: &kubewarden,
        },
        ClusterInput {
            name: "policyreports-kyverno.yaml",
            text: &kyverno,
        },
    ];
    let report = analyze(
        &Inputs {
            metrics: None,
            metrics_later: None,
            cluster: &inputs,
            now: None,
        },
        &Config::default(),
    )
    .unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{} {} [{}] {}\n",
            f.check,
            f.severity.as_str(),
            f.source.as_deref().unwrap_or("cpguard"),
            f.message
        ));
    }
    let summary = report
        .cluster
        .as_ref()
        .unwrap()
        .policy_reports
        .clone()
        .unwrap();
    out.push_str(&summary.line());
    out.push('\n');
    assert_expected("policyreport-findings.txt", &out);
    // Every fail becomes a finding, every pass is counted; the kubewarden ones carry the
    // severity of the check they name.
    let fails =
        kubewarden.matches("result: fail").count() + kyverno.matches("result: fail").count();
    let pol001 = report
        .findings
        .iter()
        .filter(|f| f.check == "POL001")
        .count();
    assert!(fails > 5, "{fails}");
    assert_eq!(pol001, fails + 1, "one Kyverno result names two resources");
    assert_eq!(summary.fail, fails);
    assert_eq!(
        summary.pass,
        kubewarden.matches("result: pass").count() + kyverno.matches("result: pass").count()
    );
    assert_eq!(summary.engines, vec!["kubewarden", "kyverno"]);
    // The sample's policy-engine configuration is flagged offline (WH001) and by the cluster's
    // webhook-guard: each finding says so.
    let offline = report
        .findings
        .iter()
        .find(|f| {
            f.check == "WH001"
                && f.message
                    .starts_with("ValidatingWebhookConfiguration/policy-engine: ")
        })
        .unwrap();
    assert!(
        offline
            .message
            .ends_with(" (in the cluster: kubewarden policy clusterwide-webhook-guard fails)"),
        "{}",
        offline.message
    );
    let audited = report
        .findings
        .iter()
        .find(|f| {
            f.check == "POL001"
                && f.message
                    .starts_with("ValidatingWebhookConfiguration/policy-engine: ")
        })
        .unwrap();
    assert_eq!(audited.source.as_deref(), Some("kubewarden"));
    assert_eq!(audited.severity, cpguard_core::checks::Severity::Critical);
    assert!(
        audited
            .message
            .ends_with("(cpguard's offline checks flag it too: WH001, WH003, WH004, WH005)"),
        "{}",
        audited.message
    );
}
