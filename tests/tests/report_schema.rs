//! The JSON contract: `docs/report.schema.json` is generated from the report's types and kept
//! fresh here, and the reports the samples give conform to it (the CLI and corpus tests check
//! every other JSON report the suite writes, through `cpguard_tests::valid_report`).
// Test support: a panic is how a test reports failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use cpguard_core::report::{schema, SCHEMA_VERSION};
use cpguard_core::{analyze, ClusterInput, Config, Inputs, MetricsInput};
use cpguard_tests::{assert_generated, report_schema_errors, root, valid_report};
use serde_json::{json, Value};

fn sample(name: &str) -> String {
    std::fs::read_to_string(root().join("shared/samples").join(name)).unwrap()
}

/// The samples together: metrics, a later dump, a cluster export, PolicyReports and an EKS
/// description (so `support` and the EKS findings are in it).
fn sample_report() -> Value {
    let (earlier, later, cluster, reports) = (
        sample("apiserver.metrics"),
        sample("apiserver-later.metrics"),
        sample("cluster.yaml"),
        sample("policyreports.yaml"),
    );
    let eks = std::fs::read_to_string(root().join("tests/fixtures/eks/describe-cluster-open.json"))
        .unwrap();
    let exports = [
        ClusterInput {
            name: "cluster.yaml",
            text: &cluster,
        },
        ClusterInput {
            name: "policyreports.yaml",
            text: &reports,
        },
        ClusterInput {
            name: "describe-cluster.json",
            text: &eks,
        },
    ];
    let inputs = Inputs {
        metrics: Some(MetricsInput {
            text: &earlier,
            taken_at: Some(1_764_410_400.0),
        }),
        metrics_later: Some(MetricsInput {
            text: &later,
            taken_at: Some(1_764_411_000.0),
        }),
        cluster: &exports,
        now: Some(1_764_410_400.0),
    };
    let report = analyze(&inputs, &Config::default()).unwrap();
    valid_report(&cpguard_core::render::json(&report))
}

#[test]
fn the_schema_file_is_generated_from_the_types() {
    assert_generated("docs/report.schema.json", &schema());
}

#[test]
fn a_full_report_conforms_and_names_its_version() {
    let report = sample_report();
    assert_eq!(report["schema_version"], json!(SCHEMA_VERSION));
    // Every section is there, so the schema was exercised on each of them.
    for field in ["config", "findings", "metrics", "cluster", "coverage"] {
        assert!(!report[field].is_null(), "{field}");
    }
    assert!(report["findings"].as_array().unwrap().len() >= 10);
    assert!(report["metrics"]["rates"].is_object());
}

#[test]
fn the_schema_refuses_what_breaks_the_contract() {
    let good = sample_report();
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut report = good.clone();
        edit(&mut report);
        report_schema_errors(&report)
    };
    // A severity that is not one of the three.
    let errors = broken(&|r| r["findings"][0]["severity"] = json!("severe"));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("at /findings/0/severity:")),
        "{errors:?}"
    );
    // A required field missing.
    let errors = broken(&|r| {
        r.as_object_mut().unwrap().remove("schema_version");
    });
    assert!(
        errors.iter().any(|e| e.contains("schema_version")),
        "{errors:?}"
    );
    // A number where the contract allows only a number or Prometheus' three spellings.
    // (An optional section is `anyOf: [section, null]`, so the error is reported at the section.)
    let errors = broken(&|r| r["metrics"]["samples"] = json!("many"));
    assert!(
        errors.iter().any(|e| e.starts_with("at /metrics:")),
        "{errors:?}"
    );
    let errors = broken(&|r| r["metrics"]["etcd"]["db_size_bytes"] = json!("+Inf"));
    assert!(errors.is_empty(), "{errors:?}");
    let errors = broken(&|r| r["metrics"]["etcd"]["db_size_bytes"] = json!("lots"));
    assert!(!errors.is_empty());
}
