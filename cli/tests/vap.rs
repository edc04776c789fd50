//! `cpguard policy vap`: the ValidatingAdmissionPolicy twins as the CLI prints them (issue 12).
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cpguard_core::rules::sysctl::SysctlSettings;
use cpguard_core::rules::webhook::WebhookSettings;
use cpguard_tests::root;
use serde_json::{json, Value};
use std::process::{Command, Output};

fn cpguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cpguard"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn settings_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cpguard-vap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn documents(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .split("\n---\n")
        .skip(1)
        .map(|d| serde_yaml_ng::from_str(d).unwrap())
        .collect()
}

#[test]
fn prints_the_policy_and_its_binding_with_the_settings() {
    let path = settings_file(
        "sysctls.yaml",
        "podSecurityVersion: v1.29\nallowedUnsafeSysctls: [net.core.somaxconn]\n",
    );
    let out = cpguard(&["policy", "vap", "unsafe-sysctls", "--settings", &path]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let docs = documents(&out.stdout);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["kind"], "ValidatingAdmissionPolicy");
    assert_eq!(docs[0]["spec"]["failurePolicy"], "Fail");
    assert_eq!(docs[1]["spec"]["validationActions"], json!(["Deny"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("baseline list (v1.29) nor in allowedUnsafeSysctls"),
        "{text}"
    );
    assert!(
        text.contains("e.normalized == 'net.core.somaxconn'"),
        "{text}"
    );
    // The same bytes as the generator in the core (the viewer downloads those too).
    let settings: SysctlSettings = serde_yaml_ng::from_str(
        "podSecurityVersion: v1.29\nallowedUnsafeSysctls: [net.core.somaxconn]\n",
    )
    .unwrap();
    let expected = cpguard_core::vap::sysctl::twin(&settings)
        .unwrap()
        .to_yaml(&[cpguard_core::vap::ValidationAction::Deny])
        .unwrap();
    assert_eq!(text, expected);

    let out = cpguard(&[
        "policy",
        "vap",
        "webhook-guard",
        "--validation-actions",
        "Warn,Audit",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let docs = documents(&out.stdout);
    assert_eq!(
        docs[1]["spec"],
        json!({"policyName": "cpguard-webhook-guard", "validationActions": ["Warn", "Audit"]})
    );
    assert_eq!(
        docs[0]["spec"]["matchConstraints"]["resourceRules"][0]["resources"],
        json!([
            "validatingwebhookconfigurations",
            "mutatingwebhookconfigurations"
        ])
    );
}

/// Invalid settings are refused with the message the policies' `validate_settings` gives (it
/// calls the same `validate`, and serde's messages for JSON values), exit code 2.
#[test]
fn invalid_settings_give_the_policy_message() {
    let cases: [(&str, &str, String); 3] = [
        (
            "unsafe-sysctls",
            r#"{"allowedUnsafeSysctls": ["vm.max_map_count"]}"#,
            serde_json::from_str::<SysctlSettings>(
                r#"{"allowedUnsafeSysctls": ["vm.max_map_count"]}"#,
            )
            .unwrap()
            .validate()
            .unwrap_err()
            .to_string(),
        ),
        (
            "webhook-guard",
            "maxTimeoutSeconds: 45\n",
            WebhookSettings {
                max_timeout_seconds: Some(45),
                ..WebhookSettings::default()
            }
            .validate()
            .unwrap_err()
            .to_string(),
        ),
        (
            "webhook-guard",
            r#"{"maxTimeoutSecond": 3}"#,
            serde_json::from_value::<WebhookSettings>(json!({"maxTimeoutSecond": 3}))
                .unwrap_err()
                .to_string(),
        ),
    ];
    for (i, (policy, text, message)) in cases.iter().enumerate() {
        let path = settings_file(&format!("bad{i}.json"), text);
        let out = cpguard(&["policy", "vap", policy, "--settings", &path]);
        assert_eq!(out.status.code(), Some(2), "{policy} {text}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("cpguard: {path}: invalid policy settings: {message}\n"),
            "{policy} {text}"
        );
    }
    let out = cpguard(&[
        "policy",
        "vap",
        "unsafe-sysctls",
        "--validation-actions",
        "Deny,Warn",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cpguard: Deny and Warn cannot be used together (the API server refuses it): use Deny, or Warn,Audit for a dry run\n"
    );
}

#[test]
fn help_documents_every_option() {
    let out = cpguard(&["policy", "vap", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "unsafe-sysctls",
        "webhook-guard",
        "--settings <FILE>",
        "--validation-actions <ACTIONS>",
        "Warn,Audit",
        "kubectl apply -f -",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}
