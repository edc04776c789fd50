//! Arbitrary input through the wasm host: the policies never trap and always answer with a
//! well-formed response (a trap fails the admission request, and a fail-closed policy would
//! then block the cluster).
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::{Policy, SettingsResponse, ValidationResponse};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "Pod",
            "CronJob",
            "ValidatingWebhookConfiguration",
            "*",
            "*/*",
            "Fail",
            "net.core.x",
            "v1.29"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let keys = prop::sample::select(vec![
            "kind",
            "spec",
            "template",
            "jobTemplate",
            "securityContext",
            "sysctls",
            "name",
            "value",
            "hostNetwork",
            "webhooks",
            "rules",
            "apiGroups",
            "resources",
            "operations",
            "failurePolicy",
            "timeoutSeconds",
            "namespaceSelector",
            "matchExpressions",
            "operator",
            "values",
            "apiVersion",
            "metadata",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6).prop_map(|kv| Value::Object(
                kv.into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

fn well_formed_validation(bytes: &[u8]) -> Result<ValidationResponse, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(bytes)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn validate_never_traps_on_json(object in arb_json(), settings in arb_json(), kind in prop::sample::select(vec!["Pod", "Deployment", "CronJob", "PodTemplate", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "Secret"])) {
        for policy in ["unsafe-sysctls", "webhook-guard"] {
            let instance = Policy::load(policy).instance();
            let mut object = object.clone();
            if let Value::Object(map) = &mut object {
                map.entry("kind").or_insert_with(|| json!(kind));
            }
            for payload in [
                json!({"request": {"kind": {"kind": kind}, "operation": "CREATE", "object": object}, "settings": settings}),
                json!({"request": {"kind": {"kind": kind}, "object": object}, "settings": {}}),
                json!({"request": object, "settings": settings}),
                object.clone(),
            ] {
                let out = instance.call("validate", &serde_json::to_vec(&payload).unwrap_or_default());
                let out = out.map_err(|e| TestCaseError::fail(format!("{policy}: trap or guest error: {e}")))?;
                let response = well_formed_validation(&out).map_err(TestCaseError::fail)?;
                prop_assert!(response.accepted || response.message.is_some(), "{policy}: rejection without a message");
            }
            let out = instance.call("validate_settings", &serde_json::to_vec(&settings).unwrap_or_default())
                .map_err(|e| TestCaseError::fail(format!("{policy}: validate_settings trapped: {e}")))?;
            let response: SettingsResponse = serde_json::from_slice(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(response.valid || response.message.is_some());
        }
    }

    #[test]
    fn validate_never_traps_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for policy in ["unsafe-sysctls", "webhook-guard"] {
            let instance = Policy::load(policy).instance();
            let out = instance.call("validate", &bytes).map_err(|e| TestCaseError::fail(format!("{policy}: {e}")))?;
            let response = well_formed_validation(&out).map_err(TestCaseError::fail)?;
            prop_assert!(!response.accepted, "{policy}: arbitrary bytes accepted");
            let out = instance.call("validate_settings", &bytes).map_err(|e| TestCaseError::fail(format!("{policy}: {e}")))?;
            let _: SettingsResponse = serde_json::from_slice(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
    }
}

/// Inputs a fuzzer rarely builds: deep nesting, huge strings, many sysctls.
#[test]
fn hostile_but_valid_json() {
    let instance = Policy::load("unsafe-sysctls").instance();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let payload =
        format!(r#"{{"request":{{"kind":{{"kind":"Pod"}},"object":{deep}}},"settings":{{}}}}"#);
    let response = well_formed_validation(
        &instance
            .call("validate", payload.as_bytes())
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!response.accepted);
    assert_eq!(response.message.as_deref(), Some("cannot decode the object: invalid type: sequence, expected a string at line 1 column 1"));

    let many: Vec<Value> = (0..5000)
        .map(|i| json!({"name": format!("net.core.x{i}"), "value": "1"}))
        .collect();
    let pod = json!({"kind": "Pod", "spec": {"securityContext": {"sysctls": many}}});
    let response = instance.validate(&json!({"kind": {"kind": "Pod"}, "object": pod}), &json!({}));
    assert!(!response.accepted);
    assert_eq!(
        response
            .message
            .as_deref()
            .map(|m| m.matches("SYS001 ").count()),
        Some(5000)
    );

    let huge = "a".repeat(4 << 20);
    let pod = json!({"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": huge, "value": "1"}]}}});
    let response = instance.validate(&json!({"kind": {"kind": "Pod"}, "object": pod}), &json!({}));
    assert!(!response.accepted);
}
