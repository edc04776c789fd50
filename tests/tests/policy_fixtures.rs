//! The built policies, run in the waPC/wasmtime host on the project's own request fixtures
//! (`policies/*/test_data/`), for every rule, setting and kind. Expected outputs are in
//! `tests/expected/*.txt` (regenerate with `CPGUARD_BLESS=1`, then review the diff).
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::{assert_expected, render, root, Policy};
use serde_json::{json, Value};

fn request(policy: &str, fixture: &str) -> Value {
    let path = root()
        .join("policies")
        .join(policy)
        .join("test_data")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_cases(policy: &str, cases: &[(&str, Value)]) -> String {
    let instance = Policy::load(policy).instance();
    let mut out = String::new();
    for (fixture, settings) in cases {
        let response = instance.validate(&request(policy, fixture), settings);
        out.push_str(&format!(
            "== {fixture} settings={settings}\n{}\n",
            render(&response)
        ));
    }
    out
}

#[test]
fn unsafe_sysctls_fixtures() {
    let none = json!({});
    let cases = [
        ("pod_safe_sysctls.json", none.clone()),
        ("pod_no_sysctls.json", none.clone()),
        ("pod_unsafe_sysctl.json", none.clone()),
        (
            "pod_unsafe_sysctl.json",
            json!({"allowedUnsafeSysctls": ["kernel.shm_next_id"]}),
        ),
        (
            "pod_unsafe_sysctl.json",
            json!({"allowedUnsafeSysctls": ["kernel.shm*"], "forbiddenSysctls": ["net.ipv4.tcp_syncookies"]}),
        ),
        ("pod_unsafe_sysctl.json", json!({"forbiddenSysctls": ["*"]})),
        ("pod_update_unsafe.json", none.clone()),
        ("pod_slash_names.json", none.clone()),
        (
            "pod_slash_names.json",
            json!({"allowedUnsafeSysctls": ["net.core.somaxconn", "net.ipv4.conf.*"]}),
        ),
        ("pod_host_network.json", none.clone()),
        ("pod_host_ipc.json", none.clone()),
        ("pod_cr8escape.json", none.clone()),
        ("pod_tcp_rmem.json", json!({"podSecurityVersion": "v1.31"})),
        ("pod_tcp_rmem.json", json!({"podSecurityVersion": "v1.32"})),
        ("pod_tcp_rmem.json", none.clone()),
        (
            "pod_safe_sysctls.json",
            json!({"podSecurityVersion": "v1.28"}),
        ),
        ("pod_delete.json", none.clone()),
        ("configmap.json", none.clone()),
        ("deployment_unsafe.json", none.clone()),
        ("replicaset_unsafe.json", none.clone()),
        ("statefulset_unsafe.json", none.clone()),
        ("daemonset_unsafe.json", none.clone()),
        ("job_unsafe.json", none.clone()),
        ("cronjob_unsafe.json", none.clone()),
        ("replicationcontroller_unsafe.json", none.clone()),
        ("podtemplate_unsafe.json", none.clone()),
        (
            "pod_unsafe_sysctl.json",
            json!({"podSecurityVersion": "v9"}),
        ),
        ("pod_unsafe_sysctl.json", Value::Null),
    ];
    assert_expected("unsafe-sysctls.txt", &run_cases("unsafe-sysctls", &cases));
}

#[test]
fn webhook_guard_fixtures() {
    let none = json!({});
    let cases = [
        ("vwc_catch_all_fail_closed.json", none.clone()),
        (
            "vwc_catch_all_fail_closed.json",
            json!({"exemptWebhooks": ["policy-engine/validate.policy.example.com"]}),
        ),
        (
            "vwc_catch_all_fail_closed.json",
            json!({"exemptWebhooks": ["policy-engine/*"]}),
        ),
        // The same webhook name in another configuration exempts nothing here.
        (
            "vwc_catch_all_fail_closed.json",
            json!({"exemptWebhooks": ["other-engine/validate.policy.example.com"]}),
        ),
        // A bare name is a settings error naming the qualified forms.
        (
            "vwc_catch_all_fail_closed.json",
            json!({"exemptWebhooks": ["validate.policy.example.com"]}),
        ),
        // Issue 9: WH001 judges the union of a webhook's rules, CONNECT or not.
        ("vwc_every_write_no_connect.json", none.clone()),
        ("vwc_catch_all_split.json", none.clone()),
        ("vwc_catch_all_split_scopes.json", none.clone()),
        ("vwc_create_update_only.json", none.clone()),
        // The in-cluster configuration: every finding is a rejection, so the audit scanner
        // records it (it keeps a rejection's message and drops warnings).
        (
            "vwc_reaches_kube_system.json",
            json!({"rejectWarnings": true}),
        ),
        ("vwc_five_webhooks.json", json!({"rejectWarnings": true})),
        ("vwc_catch_all_fail_open.json", none.clone()),
        ("vwc_catch_all_v1beta1.json", none.clone()),
        ("mwc_long_timeout.json", none.clone()),
        ("mwc_long_timeout.json", json!({"maxTimeoutSeconds": 30})),
        ("mwc_long_timeout.json", json!({"maxTimeoutSeconds": 15})),
        ("vwc_reaches_kube_system.json", none.clone()),
        (
            "vwc_reaches_kube_system.json",
            json!({"requireKubeSystemExclusion": true}),
        ),
        ("mwc_leases.json", none.clone()),
        ("mwc_self_deadlock.json", none.clone()),
        (
            "vwc_scoped_safe.json",
            json!({"maxTimeoutSeconds": 5, "requireKubeSystemExclusion": true}),
        ),
        ("vwc_five_webhooks.json", none.clone()),
        ("vwc_delete.json", none.clone()),
        ("pod_not_read.json", none.clone()),
        ("vwc_scoped_safe.json", json!({"maxTimeoutSeconds": 0})),
    ];
    assert_expected("webhook-guard.txt", &run_cases("webhook-guard", &cases));
}

#[test]
fn settings_validation_messages() {
    let mut out = String::new();
    let cases: [(&str, Value); 16] = [
        ("unsafe-sysctls", json!({})),
        ("unsafe-sysctls", Value::Null),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctls": ["net.core.*", "kernel.msgmax"], "forbiddenSysctls": ["kernel.*"], "podSecurityVersion": "v1.29"}),
        ),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctls": ["net.*.rmem"]}),
        ),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctls": ["vm.max_map_count", "Net.Core.X"]}),
        ),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctls": ["net.core.somaxconn"], "forbiddenSysctls": ["net.core.somaxconn"]}),
        ),
        ("unsafe-sysctls", json!({"podSecurityVersion": "1.29"})),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctls": "net.core.somaxconn"}),
        ),
        (
            "unsafe-sysctls",
            json!({"allowedUnsafeSysctl": ["net.core.somaxconn"]}),
        ),
        ("webhook-guard", json!({})),
        ("webhook-guard", json!({"maxTimeoutSeconds": 31})),
        ("webhook-guard", json!({"maxTimeoutSeconds": "10"})),
        (
            "webhook-guard",
            json!({"exemptWebhooks": ["", "ok"], "maxTimeoutSeconds": 0}),
        ),
        (
            "webhook-guard",
            json!({"maxTimeoutSeconds": 30, "requireKubeSystemExclusion": true, "exemptWebhooks": ["a/b", "c/*"]}),
        ),
        (
            "webhook-guard",
            json!({"exemptWebhooks": ["validation.gatekeeper.sh"]}),
        ),
        (
            "webhook-guard",
            json!({"rejectWarnings": true, "exemptWebhooks": ["a/"]}),
        ),
    ];
    for (policy, settings) in &cases {
        let response = Policy::load(policy).instance().validate_settings(settings);
        let verdict = if response.valid {
            "valid".to_owned()
        } else {
            format!("invalid: {}", response.message.unwrap_or_default())
        };
        out.push_str(&format!("{policy} {settings}\n  {verdict}\n"));
    }
    let raw = Policy::load("unsafe-sysctls")
        .instance()
        .validate_settings_raw(b"{not json");
    out.push_str(&format!(
        "unsafe-sysctls <bytes {{not json>\n  valid={} {}\n",
        raw.valid,
        raw.message.unwrap_or_default()
    ));
    assert_expected("settings.txt", &out);
}

#[test]
fn protocol_version_is_v1() {
    for policy in ["unsafe-sysctls", "webhook-guard"] {
        assert_eq!(
            Policy::load(policy).instance().protocol_version(),
            "v1",
            "{policy}"
        );
    }
}

#[test]
fn undecodable_requests_are_rejected_with_a_message() {
    let instance = Policy::load("unsafe-sysctls").instance();
    let response = instance.validate_raw(b"\xff\xfe not json");
    assert!(!response.accepted);
    assert!(
        response
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("cannot decode the validation request: ")),
        "{response:?}"
    );
    let response = instance.validate(&json!({"kind": {"kind": "Pod"}, "object": {"kind": "Pod", "spec": {"securityContext": {"sysctls": "oops"}}}}), &json!({}));
    assert_eq!(
        response.message.as_deref(),
        Some("cannot decode the object: invalid type: string \"oops\", expected a sequence at line 1 column 57")
    );
    let response = instance.validate_raw(br#"{"settings": {}}"#);
    assert_eq!(
        response.message.as_deref(),
        Some("the validation request has no \"request\" field")
    );
    let response = instance.validate_raw(br#"{"request": 7}"#);
    assert_eq!(response.message.as_deref(), Some("cannot decode the admission request: invalid type: integer `7`, expected struct AdmissionRequest at line 1 column 1"));
}

#[test]
fn connect_and_requests_without_object_are_accepted() {
    for policy in ["unsafe-sysctls", "webhook-guard"] {
        let instance = Policy::load(policy).instance();
        let response = instance.validate(
            &json!({"operation": "CONNECT", "kind": {"kind": "Pod"}, "object": null}),
            &json!({}),
        );
        assert!(response.accepted, "{policy}: {response:?}");
        let response = instance.validate(
            &json!({"operation": "DELETE", "kind": {"kind": "Pod"}}),
            &json!({}),
        );
        assert!(response.accepted, "{policy}: {response:?}");
    }
}
