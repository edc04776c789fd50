//! Every real `/metrics` dump in the corpus (Kubernetes 1.22–1.35 apiservers and their etcd
//! members) parses with zero error diagnostics, and the figures per dump are pinned in
//! `tests/expected/metrics-corpus.txt` (cross-checked against Prometheus' arithmetic in
//! `cpguard_core::metrics::quantile`).
// Test support: a panic is how a test reports failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::format_push_string)]

use cpguard_core::metrics::{parse, summary, DiagnosticLevel};
use cpguard_tests::{assert_expected, corpus, files};

#[test]
fn every_dump_parses_and_its_figures_are_pinned() {
    let Some(dir) = corpus("metrics") else { return };
    let dumps = files(&dir, "metrics");
    assert_eq!(
        dumps.len(),
        23,
        "the corpus has 12 apiserver and 11 etcd dumps (1.22, 1.25–1.35; no 1.31 etcd)"
    );
    let mut out = String::new();
    for path in &dumps {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let dump = parse(&text);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let errors: Vec<_> = dump
            .diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let non_comment_lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(
            dump.sample_count(),
            non_comment_lines,
            "{name}: every sample line is read"
        );
        out.push_str(&format!(
            "{name}: {} families, {} samples, {} warnings\n",
            dump.families.len(),
            dump.sample_count(),
            dump.diagnostics.len()
        ));
        out.push_str(&format!(
            "  kubernetes_version {:?}\n",
            summary::kubernetes_version(&dump)
        ));
        match summary::etcd_size(&dump, summary::DEFAULT_QUOTA_BYTES) {
            Some(etcd) => out.push_str(&format!(
                "  etcd {} = {} bytes, quota {} bytes ({})\n",
                etcd.source_metric,
                etcd.db_size_bytes,
                etcd.quota_bytes,
                if etcd.quota_from_dump {
                    "from the dump"
                } else {
                    "EKS default"
                }
            )),
            None => out.push_str("  etcd: no data\n"),
        }
        for verb in summary::requests_by_verb(&dump) {
            let show = |q: Option<f64>| q.map_or("-".to_owned(), |v| format!("{v:.6}"));
            out.push_str(&format!(
                "  {} count {} p50 {} p90 {} p99 {}\n",
                verb.verb,
                verb.count,
                show(verb.p50),
                show(verb.p90),
                show(verb.p99)
            ));
        }
    }
    assert_expected("metrics-corpus.txt", &out);
}
