//! Hostile cluster exports: bounded time and memory, a diagnostic, no panic.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use cpguard_core::cluster::load;
use cpguard_core::metrics::DiagnosticLevel;
use std::time::{Duration, Instant};

fn errors(text: &str) -> (usize, Vec<String>, Duration) {
    let start = Instant::now();
    let loaded = load(text);
    let elapsed = start.elapsed();
    let messages = loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| d.message.clone())
        .collect();
    (loaded.objects.len(), messages, elapsed)
}

#[test]
fn billion_laughs_is_refused() {
    let mut bomb = String::from("kind: ConfigMap\nmetadata: {name: lol, namespace: default}\nlol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "lol{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n",
            p = i - 1
        ));
    }
    // Under keys no view reads, the aliases are skipped, never expanded.
    let (objects, messages, elapsed) = errors(&bomb);
    assert_eq!((objects, messages.len()), (1, 0));
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    // Where a view does read it, expansion stops at the first value of the wrong shape.
    let typed = format!(
        "{}webhooks: [{{name: x, rules: [{{apiGroups: *a9}}]}}]\n",
        bomb.replace("kind: ConfigMap", "kind: ValidatingWebhookConfiguration")
    );
    let (objects, messages, elapsed) = errors(&typed);
    assert_eq!((objects, messages.len()), (0, 1), "{messages:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn deep_nesting_is_bounded() {
    // 100,000 levels: refused before parsing (libyaml is superlinear in flow nesting).
    let deep = format!(
        "kind: Pod\nmetadata: {{name: deep}}\nextra: {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (objects, messages, elapsed) = errors(&deep);
    assert_eq!(
        (objects, messages),
        (
            0,
            vec!["cannot read this YAML document: nested deeper than 128 levels".to_owned()]
        )
    );
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    // 100 levels under a key no view reads: skipped, the object loads.
    let hundred = format!(
        "kind: Pod\nmetadata: {{name: ok}}\nextra: {}1{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(errors(&hundred).0, 1);
    // Where a view reads it: a diagnostic naming the line.
    let read = format!(
        "kind: Pod\nmetadata: {{name: {}1{}}}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let (objects, messages, _) = errors(&read);
    assert_eq!((objects, messages.len()), (0, 1));
    assert!(messages[0].starts_with("cannot read this YAML document: metadata.name: invalid type: sequence, expected a string at line 2"), "{messages:?}");
}

#[test]
fn binary_garbage_is_a_diagnostic() {
    let garbage: String = (0..200_000u32)
        .map(|i| char::from_u32((i.wrapping_mul(2_654_435_761) % 0xD7FF) + 1).unwrap_or('x'))
        .collect();
    let (objects, messages, elapsed) = errors(&garbage);
    assert_eq!(objects, 0);
    assert!(!messages.is_empty());
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (objects, messages, _) = errors("{\"kind\": \"Pod\", \u{0}\u{1}");
    assert_eq!((objects, messages.len()), (0, 1));
}

#[test]
fn a_100_mb_single_line() {
    let line = format!("{{\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"big\",\"namespace\":\"default\"}},\"data\":{{\"blob\":\"{}\"}}}}", "x".repeat(100 << 20));
    let (objects, messages, elapsed) = errors(&line);
    assert_eq!((objects, messages.len()), (1, 0));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let yaml = format!(
        "kind: ConfigMap\nmetadata: {{name: big, namespace: default}}\ndata: {{blob: {}}}\n",
        "y".repeat(100 << 20)
    );
    let (objects, messages, elapsed) = errors(&yaml);
    assert_eq!((objects, messages.len()), (1, 0));
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

/// The fields only one check reads (owner references, a Pod's status words, a binding's role
/// and subjects, container environments) skip a value of the wrong shape: the object still
/// loads, so SYS001 still sees the Pod's sysctl, and nothing is read from the odd value.
#[test]
fn odd_shapes_in_leniently_read_fields_cost_nothing() {
    let text = r#"
kind: Pod
metadata: {name: p, namespace: a, ownerReferences: "weird"}
spec:
  securityContext: {sysctls: [{name: kernel.msgmax, value: "1"}]}
  containers: [{name: c, env: {WARM_IP_TARGET: "1"}}, "not a container", 7]
status: {reason: [SysctlForbidden], message: {forbidden sysctl: x}}
---
kind: Pod
metadata: {name: q, namespace: a, ownerReferences: [{kind: !tagged ReplicaSet, name: 340282366920938463463374607431768211455, controller: true}]}
spec:
  securityContext: {sysctls: [{name: kernel.shmmax, value: "1"}]}
status: {reason: !x SysctlForbidden}
---
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: cluster-admin
subjects: [5, {kind: [User], name: {x: y}}, {kind: User, name: alice}]
---
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec: {template: {spec: {containers: [{name: aws-node, env: [{name: WARM_IP_TARGET, value: [1]}, "x"]}]}}}
"#;
    let loaded = load(text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.objects.len(), 4);
    let report = cpguard_core::analyze(
        &cpguard_core::Inputs {
            metrics: None,
            metrics_later: None,
            cluster: &[cpguard_core::ClusterInput {
                name: "odd.yaml",
                text,
            }],
            now: None,
        },
        &cpguard_core::Config::default(),
    )
    .unwrap();
    let ids: Vec<&str> = report.findings.iter().map(|f| &*f.check).collect();
    // The sysctls are judged; the odd status, role and env give no SYS004, AUTH007 or NET002
    // (YAML tags and integers beyond 64 bits are skipped like any other odd value).
    assert_eq!(ids, ["SYS001", "SYS001"]);
}

/// An alias bomb under a leniently read field is skipped, not expanded.
#[test]
fn alias_bombs_in_lenient_fields_are_not_expanded() {
    let mut bomb = String::from("kind: ClusterRoleBinding\nmetadata: {name: lol}\nlol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "lol{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n",
            p = i - 1
        ));
    }
    for field in [
        "subjects: *a9\n",
        "roleRef: *a9\n",
        "metadata: {name: x, ownerReferences: *a9}\n",
    ] {
        let text = format!("{bomb}{field}");
        let (_, _, elapsed) = errors(&text);
        assert!(elapsed < Duration::from_secs(2), "{field}: {elapsed:?}");
    }
}
