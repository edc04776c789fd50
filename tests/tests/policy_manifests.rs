//! What a user installs: each policy's `policy.yaml` (the ClusterAdmissionPolicy applied in a
//! cluster) and `artifacthub-pkg.yml`, checked against `metadata.yml` and the built policy in
//! the waPC host (issue 9).
//!
//! The Artifact Hub package is checked field by field against what `kwctl scaffold
//! artifacthub` builds from the metadata: kubewarden/kubewarden-controller,
//! `crates/policy-evaluator/src/policy_artifacthub.rs` at 4ebd056e (`parse_links`: a GitHub
//! `io.kubewarden.policy.source` gives `<source>/releases/download/v<version>/policy.wasm`
//! and `<source>`; `parse_containers_images`: `<ociUrl>:v<version>`; `parse_annotations`:
//! `kubewarden/rules` is the rules serialised as a bare YAML list), and against the install
//! text of Kubewarden's published packages (kubewarden/policies,
//! `policies/cel-policy/artifacthub-pkg.yml`). `com.github.release.tag` is the annotation
//! kubewarden/policies' metadata carries (`<policy>/v<version>`).
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::{read_yaml, root, Policy};
use serde_json::{json, Value};

const POLICIES: [&str; 2] = ["unsafe-sysctls", "webhook-guard"];

fn file(policy: &str, name: &str) -> Value {
    read_yaml(&root().join("policies").join(policy).join(name))
}

fn annotation<'a>(metadata: &'a Value, key: &str) -> &'a str {
    metadata["annotations"][key]
        .as_str()
        .unwrap_or_else(|| panic!("metadata.yml has no annotation {key}"))
}

#[test]
fn policy_manifests_match_the_metadata_and_their_settings_are_valid() {
    for policy in POLICIES {
        let metadata = file(policy, "metadata.yml");
        let manifest = file(policy, "policy.yaml");
        assert_eq!(
            manifest["apiVersion"], "policies.kubewarden.io/v1",
            "{policy}"
        );
        assert_eq!(manifest["kind"], "ClusterAdmissionPolicy", "{policy}");
        assert_eq!(manifest["metadata"]["name"], policy);
        let spec = &manifest["spec"];
        let module = format!(
            "registry://{}:v{}",
            annotation(&metadata, "io.kubewarden.policy.ociUrl"),
            annotation(&metadata, "io.kubewarden.policy.version")
        );
        assert_eq!(spec["module"], module.as_str(), "{policy}");
        assert_eq!(spec["rules"], metadata["rules"], "{policy}: rules");
        assert_eq!(spec["mutating"], metadata["mutating"], "{policy}");
        assert_eq!(spec["backgroundAudit"], true, "{policy}");
        let settings = spec["settings"].clone();
        let response = Policy::load(policy).instance().validate_settings(&settings);
        assert!(
            response.valid,
            "{policy}: settings {settings} refused: {:?}",
            response.message
        );
    }
    // The in-cluster configuration of webhook-guard turns every finding into a rejection,
    // the only verdict the audit scanner records.
    let manifest = file("webhook-guard", "policy.yaml");
    assert_eq!(manifest["spec"]["settings"]["rejectWarnings"], true);
}

#[test]
fn served_versions_only() {
    // The audit scanner resolves every rule through the cluster's RESTMapper and skips the
    // whole policy when one does not resolve (kubewarden/audit-scanner,
    // internal/policies/client.go, getGroupVersionResources); v1beta1 of the admission
    // registration API has not been served since Kubernetes 1.22.
    for policy in POLICIES {
        let metadata = file(policy, "metadata.yml");
        for rule in metadata["rules"].as_array().unwrap() {
            for version in rule["apiVersions"].as_array().unwrap() {
                assert_eq!(version, "v1", "{policy}: {rule}");
            }
        }
    }
}

#[test]
fn artifacthub_packages_are_what_kwctl_scaffold_writes() {
    for policy in POLICIES {
        let metadata = file(policy, "metadata.yml");
        let package = file(policy, "artifacthub-pkg.yml");
        let version = annotation(&metadata, "io.kubewarden.policy.version");
        let oci = annotation(&metadata, "io.kubewarden.policy.ociUrl");
        let source = annotation(&metadata, "io.kubewarden.policy.source");
        assert_eq!(package["version"], version, "{policy}");
        assert_eq!(
            package["name"],
            annotation(&metadata, "io.kubewarden.policy.title")
        );
        assert_eq!(
            package["displayName"],
            annotation(&metadata, "io.artifacthub.displayName")
        );
        assert_eq!(
            package["license"],
            annotation(&metadata, "io.kubewarden.policy.license")
        );
        assert_eq!(
            package["homeURL"],
            annotation(&metadata, "io.kubewarden.policy.url")
        );
        assert_eq!(
            package["containersImages"],
            json!([{"name": "policy", "image": format!("{oci}:v{version}")}]),
            "{policy}"
        );
        let keywords: Vec<&str> = annotation(&metadata, "io.artifacthub.keywords")
            .split(',')
            .map(str::trim)
            .collect();
        assert_eq!(package["keywords"], json!(keywords), "{policy}");
        assert!(source.starts_with("https://github.com/"), "{source}");
        assert_eq!(
            package["links"],
            json!([
                {"name": "policy", "url": format!("{source}/releases/download/v{version}/policy.wasm")},
                {"name": "source", "url": source},
            ]),
            "{policy}"
        );
        let install = package["install"].as_str().unwrap();
        assert!(
            install.contains(&format!("kwctl pull {oci}:v{version}\n")),
            "{install}"
        );
        assert!(
            install.contains(&format!(
                "kwctl scaffold manifest -t ClusterAdmissionPolicy registry://{oci}:v{version}\n"
            )),
            "{install}"
        );
        let annotations = &package["annotations"];
        assert_eq!(
            annotations["kubewarden/mutation"],
            metadata["mutating"].to_string()
        );
        assert_eq!(
            annotations["kubewarden/resources"],
            annotation(&metadata, "io.artifacthub.resources")
        );
        // A bare YAML list, equal to the metadata's rules.
        let rules_text = annotations["kubewarden/rules"].as_str().unwrap();
        assert!(rules_text.starts_with("- apiGroups:"), "{rules_text}");
        let rules: Value = serde_yaml_ng::from_str(rules_text).unwrap();
        assert_eq!(rules, metadata["rules"], "{policy}: kubewarden/rules");
        assert_eq!(
            annotation(&metadata, "com.github.release.tag"),
            format!("{policy}/v{version}")
        );
    }
    let repo = read_yaml(&root().join("policies/artifacthub-repo.yml"));
    assert_eq!(
        repo["owners"],
        json!([{"name": "cpguard developers", "email": "dev@cpguard.dev"}])
    );
}
