//! The shipped artifacts: what policy-server and kwctl read from them.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::artifact;
use serde_json::Value;

fn metadata(policy: &str) -> (usize, Value) {
    let bytes = std::fs::read(artifact(policy))
        .unwrap_or_else(|e| panic!("{policy}: {e} (run `make policies`)"));
    let sections: Vec<Value> = wasmparser::Parser::new(0)
        .parse_all(&bytes)
        .filter_map(|payload| match payload {
            Ok(wasmparser::Payload::CustomSection(reader))
                if reader.name() == "io.kubewarden.metadata" =>
            {
                serde_json::from_slice(reader.data()).ok()
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        sections.len(),
        1,
        "{policy}: exactly one io.kubewarden.metadata section"
    );
    (bytes.len(), sections.into_iter().next().unwrap_or_default())
}

#[test]
fn artifacts_carry_kubewarden_metadata() {
    for (policy, resources) in [
        (
            "unsafe-sysctls",
            vec![
                "pods",
                "deployments",
                "replicasets",
                "statefulsets",
                "daemonsets",
                "jobs",
                "cronjobs",
                "replicationcontrollers",
                "podtemplates",
            ],
        ),
        (
            "webhook-guard",
            vec![
                "validatingwebhookconfigurations",
                "mutatingwebhookconfigurations",
            ],
        ),
    ] {
        let (size, meta) = metadata(policy);
        assert!(
            size <= 1 << 20,
            "{policy}: {size} bytes is over the 1 MiB budget"
        );
        assert_eq!(meta["protocolVersion"], "v1", "{policy}");
        assert_eq!(meta["executionMode"], "kubewarden-wapc", "{policy}");
        assert_eq!(meta["mutating"], false, "{policy}");
        assert_eq!(meta["backgroundAudit"], true, "{policy}");
        assert_eq!(meta["annotations"]["io.kubewarden.policy.title"], policy);
        for key in [
            "io.kubewarden.policy.severity",
            "io.kubewarden.policy.category",
            "io.kubewarden.policy.version",
            "io.kubewarden.policy.ociUrl",
        ] {
            assert!(
                meta["annotations"][key]
                    .as_str()
                    .is_some_and(|v| !v.is_empty()),
                "{policy}: {key}"
            );
        }
        let rules = meta["rules"].as_array().cloned().unwrap_or_default();
        for resource in resources {
            let rule = rules.iter().find(|r| {
                r["resources"]
                    .as_array()
                    .is_some_and(|rs| rs.iter().any(|x| x == resource))
            });
            let ops = rule.map(|r| r["operations"].clone()).unwrap_or_default();
            assert_eq!(
                ops,
                serde_json::json!(["CREATE", "UPDATE"]),
                "{policy}: {resource}"
            );
        }
    }
}
