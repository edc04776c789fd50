//! Loading and analysing a cluster export: a generated `kind: List` of 10,000 mixed objects
//! (Pods, Deployments with templates, Nodes, Services, webhook configurations, ConfigMaps) as
//! JSON and as YAML; throughput and peak heap. Also the measurement behind the choice of YAML
//! library: the same views decoded by serde-saphyr, serde_yaml_ng and serde_norway.
//! Run: `make bench-cluster`.
#![allow(
    clippy::cast_precision_loss,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
mod support;

use support::measure;

fn container(i: usize) -> Value {
    json!({"name": format!("app-{i}"), "image": format!("registry.example.com/team/app:{i}.0.1"),
           "ports": [{"containerPort": 8080, "protocol": "TCP"}],
           "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
           "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "REGION", "value": "eu-west-1"}]})
}

fn pod_spec(i: usize) -> Value {
    let mut spec = json!({"containers": [container(i)], "serviceAccountName": "default", "nodeSelector": {"kubernetes.io/os": "linux"}});
    if i % 50 == 0 {
        spec["securityContext"] =
            json!({"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]});
    }
    spec
}

/// 10,000 objects: 4,000 Pods, 2,000 Deployments, 1,500 Services, 1,500 ConfigMaps, 800 Nodes,
/// 200 webhook configurations.
fn generate() -> Value {
    let mut items = Vec::new();
    for i in 0..4000 {
        items.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("app-{i}-7d4b9c"), "namespace": format!("team-{}", i % 40), "labels": {"app": format!("app-{i}")}}, "spec": pod_spec(i), "status": {"phase": "Running", "podIP": format!("10.0.{}.{}", i / 250, i % 250)}}));
    }
    for i in 0..2000 {
        items.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": format!("app-{i}"), "namespace": format!("team-{}", i % 40)}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": format!("app-{i}")}}, "template": {"metadata": {"labels": {"app": format!("app-{i}")}}, "spec": pod_spec(i)}}}));
    }
    for i in 0..1500 {
        let ip = if i % 10 == 0 {
            "None".to_owned()
        } else {
            format!("172.20.{}.{}", i / 250, i % 250)
        };
        items.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("svc-{i}"), "namespace": format!("team-{}", i % 40)}, "spec": {"type": "ClusterIP", "clusterIP": ip, "ports": [{"port": 80, "targetPort": 8080}], "selector": {"app": format!("app-{i}")}}}));
    }
    for i in 0..1500 {
        items.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("cfg-{i}"), "namespace": format!("team-{}", i % 40)}, "data": {"application.yaml": format!("server:\n  port: 8080\nfeature{i}: true\n")}}));
    }
    for i in 0..800 {
        let version = if i % 4 == 0 {
            "v1.28.15-eks-94953ac"
        } else {
            "v1.31.2-eks-94953ac"
        };
        items.push(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("ip-10-0-{}-{}.ec2.internal", i / 250, i % 250), "labels": {"node.kubernetes.io/instance-type": "m6i.large"}}, "status": {"nodeInfo": {"kubeletVersion": version, "containerRuntimeVersion": "containerd://1.7.22"}, "capacity": {"cpu": "2", "memory": "8Gi"}}}));
    }
    for i in 0..200 {
        items.push(json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": {"name": format!("hooks-{i}")},
            "webhooks": [{"name": format!("v{i}.example.com"), "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": if i % 2 == 0 { "Fail" } else { "Ignore" }, "timeoutSeconds": 5,
                          "clientConfig": {"service": {"namespace": "hooks", "name": "webhook"}},
                          "rules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["deployments"]}]}]}));
    }
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items})
}

/// PolicyReports as `kubectl get policyreports -A -o yaml` prints them: `per_resource` reports
/// in the audit scanner's shape (one per resource, one result each), or one report (older
/// Kyverno's per-namespace shape) holding `per_resource` results.
fn policy_reports(per_resource: usize, one_report: bool) -> Value {
    let result = |i: usize| {
        let failed = i % 10 == 0;
        let mut r = json!({"source": "kubewarden", "policy": "clusterwide-unsafe-sysctls", "result": if failed { "fail" } else { "pass" },
            "scored": true, "resourceSelector": {}, "timestamp": {"seconds": 1_764_410_400 + i, "nanos": 0},
            "properties": {"validating": "true", "policy-uid": "0b9c4d1e-7f2a-4c3b-9d8e-1a2b3c4d5e6f", "policy-resource-version": "4211"}});
        if failed {
            r["message"] = json!("SYS001 spec.securityContext.sysctls[0]: kernel.shm_next_id is not a safe sysctl (Pod Security Standards baseline, v1.32)");
        }
        r
    };
    let uid = |i: usize| format!("{i:08x}-0b5e-4c1a-9d2e-{i:012x}");
    let scope = |i: usize| json!({"apiVersion": "v1", "kind": "Pod", "name": format!("app-{i}"), "namespace": format!("team-{}", i % 40), "uid": uid(i), "resourceVersion": "1000"});
    let items: Vec<Value> = if one_report {
        let results: Vec<Value> = (0..per_resource)
            .map(|i| {
                let mut r = result(i);
                r["resources"] = json!([scope(i)]);
                r
            })
            .collect();
        vec![
            json!({"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport", "metadata": {"name": "polr-ns-team-0", "namespace": "team-0"}, "results": results, "summary": {"pass": 0, "fail": 0, "warn": 0, "error": 0, "skip": 0}}),
        ]
    } else {
        (0..per_resource)
            .map(|i| json!({"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
                "metadata": {"name": uid(i), "namespace": format!("team-{}", i % 40), "labels": {"app.kubernetes.io/managed-by": "kubewarden"}},
                "scope": scope(i), "results": [result(i)], "summary": {"pass": 1, "fail": 0, "warn": 0, "error": 0, "skip": 0}}))
            .collect()
    };
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items})
}

fn row(what: &str, bytes: usize, (seconds, peak): (f64, usize)) {
    println!(
        "  {what:<44} {:>9.1} ms {:>8.1} MB/s   peak heap {:>6.1} MB ({:.2}× input)",
        seconds * 1e3,
        bytes as f64 / 1e6 / seconds,
        peak as f64 / 1e6,
        peak as f64 / bytes as f64
    );
}

fn analyze(name: &str, text: &str) -> cpguard_core::Report {
    let cluster = [cpguard_core::ClusterInput { name, text }];
    cpguard_core::analyze(
        &cpguard_core::Inputs {
            cluster: &cluster,
            ..cpguard_core::Inputs::default()
        },
        &cpguard_core::Config::default(),
    )
    .unwrap()
}

fn main() {
    let list = generate();
    let json_text = serde_json::to_string_pretty(&list).unwrap();
    let yaml_text = serde_saphyr::to_string(&list).unwrap();
    drop(list);
    println!(
        "generated List of 10,000 objects: JSON {:.1} MB, YAML {:.1} MB",
        json_text.len() as f64 / 1e6,
        yaml_text.len() as f64 / 1e6
    );
    let report = analyze("bench.json", &json_text);
    assert_eq!(report.cluster.as_ref().map(|c| c.objects), Some(10_000));
    println!("  findings: {} (SYS001 on every 50th pod spec, WH003 on the fail-closed webhooks; no control-plane version, so no VER)", report.findings.len());
    assert_eq!(
        analyze("bench.yaml", &yaml_text).findings.len(),
        report.findings.len()
    );
    row(
        "cpguard load + analyse, JSON",
        json_text.len(),
        measure(7, || analyze("bench.json", &json_text)),
    );
    row(
        "cpguard load + analyse, YAML (items split)",
        yaml_text.len(),
        measure(5, || analyze("bench.yaml", &yaml_text)),
    );
    for (what, one_report) in [
        ("10,000 PolicyReports (audit scanner), YAML", false),
        ("1 PolicyReport of 10,000 results, YAML", true),
    ] {
        let yaml = serde_saphyr::to_string(&policy_reports(10_000, one_report)).unwrap();
        let report = analyze("reports.yaml", &yaml);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert_eq!(
            report
                .findings
                .iter()
                .filter(|f| f.check == "POL001")
                .count(),
            1000
        );
        row(
            what,
            yaml.len(),
            measure(5, || analyze("reports.yaml", &yaml)),
        );
    }
    println!("YAML libraries, decoding the same views (cpguard_core::cluster::Object), whole List as one document:");
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = usize::MAX;
    budget.max_events = usize::MAX;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    row(
        "serde-saphyr 2.2 (pure Rust)",
        yaml_text.len(),
        measure(5, || {
            serde_saphyr::from_str_with_options::<cpguard_core::cluster::Object>(
                &yaml_text,
                options.clone(),
            )
            .unwrap()
        }),
    );
    row(
        "serde_yaml_ng 0.10 (unsafe-libyaml)",
        yaml_text.len(),
        measure(5, || {
            serde_yaml_ng::from_str::<cpguard_core::cluster::Object>(&yaml_text).unwrap()
        }),
    );
    row(
        "serde_norway 0.9 (unsafe-libyaml)",
        yaml_text.len(),
        measure(5, || {
            serde_norway::from_str::<cpguard_core::cluster::Object>(&yaml_text).unwrap()
        }),
    );
}
