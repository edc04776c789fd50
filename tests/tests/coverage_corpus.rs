//! Which checks every real corpus dump lets run (issue 14): each dump alone through `analyze`,
//! the checks evaluated and each no-data or not-applicable check with its reason, pinned in
//! `tests/expected/coverage-corpus.txt` (`CPGUARD_BLESS=1` regenerates it).
// Test support: a panic is how a test reports failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::format_push_string)]

use cpguard_core::report::CoverageStatus;
use cpguard_core::{analyze, Config, Inputs, MetricsInput};
use cpguard_tests::{assert_expected, corpus, files};

#[test]
fn what_each_corpus_dump_lets_run() {
    let Some(dir) = corpus("metrics") else { return };
    let dumps = files(&dir, "metrics");
    assert_eq!(dumps.len(), 23, "12 apiserver and 11 etcd dumps");
    let metrics_checks = cpguard_core::checks::REGISTRY
        .iter()
        .filter(|c| c.reads_metrics())
        .count();
    let mut out = String::new();
    for path in &dumps {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: &text,
                taken_at: None,
            }),
            metrics_later: None,
            cluster: &[],
            // The day the calendar is read at (VER004): fixed, so the output stays.
            now: Some(1_795_780_800.0), // 2026-11-27
        };
        let report = analyze(&inputs, &Config::default()).unwrap();
        cpguard_tests::valid_report(&cpguard_core::render::json(&report));
        assert!(
            report.unusable_inputs.is_empty(),
            "{name}: {:?}",
            report.unusable_inputs
        );
        let (_, all) = report.evaluated();
        assert_eq!(all, cpguard_core::checks::REGISTRY.len());
        let ran = report
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Evaluated)
            .filter(|c| {
                cpguard_core::checks::by_id(&c.check)
                    .is_some_and(cpguard_core::catalog::Check::reads_metrics)
            })
            .count();
        out.push_str(&format!(
            "{name}: {ran} of {metrics_checks} metrics checks evaluated\n"
        ));
        for c in &report.coverage {
            let reason = c.reason.as_deref().unwrap_or_default();
            // Without a cluster export the cluster checks cannot apply: listed once, not per dump.
            if c.status == CoverageStatus::Evaluated || reason == "no cluster export given" {
                continue;
            }
            out.push_str(&format!("  {} {}: {reason}\n", c.check, c.status.as_str()));
        }
        // VER004 reads the dump's `kubernetes_build_info` against the EKS calendar.
        if let Some(support) = &report.support {
            out.push_str(&format!(
                "  VER004 {} {}: {}\n",
                support.control_plane_version, support.minor, support.status
            ));
        }
        if name.ends_with("_apiserver.metrics") {
            // Every check an API server's dump can feed runs on every version 1.22–1.35;
            // only ETCD002 reads an etcd member's own families, and ETCD004 and API005 need
            // a second dump.
            let missing: Vec<&str> = report
                .coverage
                .iter()
                .filter(|c| c.status == CoverageStatus::NoData)
                .map(|c| &*c.check)
                .collect();
            assert_eq!(missing, ["ETCD002", "ETCD004", "API005"], "{name}");
        } else {
            let evaluated: Vec<&str> = report
                .coverage
                .iter()
                .filter(|c| c.status == CoverageStatus::Evaluated)
                .map(|c| &*c.check)
                .collect();
            assert_eq!(evaluated, ["ETCD001", "ETCD002", "ETCD003"], "{name}");
        }
    }
    assert_expected("coverage-corpus.txt", &out);
}
