//! Issue 10: every promise of README and ARCHITECTURE under attack. One regression test per
//! class of defect the review found, the saved regression corpus (`tests/hostile/`, also the
//! fuzz targets' seeds) replayed through the fuzz targets' own invariants, and a short bounded
//! property pass that fits CI (`make fuzz` runs the coverage-guided version).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    clippy::format_collect,
    clippy::type_complexity
)]

#[path = "support/invariants.rs"]
mod invariants;

use cpguard_core::redact::WITHHELD;
use cpguard_core::report::Report;
use cpguard_core::{analyze, render, ClusterInput, Config, Inputs, MetricsInput};
use invariants::{check_input, check_report, check_secrets, PLANTED};
use proptest::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn metrics(text: &str) -> Report {
    analyze(
        &Inputs {
            metrics: Some(MetricsInput {
                text,
                taken_at: Some(1_795_780_800.0),
            }),
            ..Inputs::default()
        },
        &Config::default(),
    )
    .unwrap()
}

fn cluster(text: &str) -> Report {
    let cluster = [ClusterInput {
        name: "c.yaml",
        text,
    }];
    analyze(
        &Inputs {
            cluster: &cluster,
            ..Inputs::default()
        },
        &Config::default(),
    )
    .unwrap()
}

fn hostile_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile")
}

/// Class 1. A `+Inf` etcd size once became `null`, which the viewer (reading the report back)
/// refused, losing every finding. Non-finite values are now the strings Prometheus writes.
#[test]
fn non_finite_and_extreme_numbers_keep_the_report() {
    let dump = "\
apiserver_storage_size_bytes{storage_cluster_id=\"a\"} +Inf
etcd_server_quota_backend_bytes NaN
apiserver_storage_objects{resource=\"pods\"} 1.7976931348623157e308
apiserver_storage_objects{resource=\"events\"} NaN
apiserver_storage_objects{resource=\"secrets\"} -Inf
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"1\"} 0
apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"1.7976931348623157e308\"} 1e308
apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"+Inf\"} 1e308
apiserver_request_duration_seconds_count{verb=\"LIST\"} 1e308
apiserver_request_duration_seconds_sum{verb=\"LIST\"} +Inf
";
    let report = metrics(dump);
    let [json, text, markdown] = check_report(&report);
    let m = report.metrics.as_ref().unwrap();
    let etcd = m.etcd.as_ref().unwrap();
    assert_eq!(etcd.db_size_bytes, f64::INFINITY);
    assert!(json.contains(r#""db_size_bytes": "+Inf""#), "{json}");
    assert!(!json.contains("null,\n") || !json.contains("db_size_bytes\": null"));
    // What the viewer does with the worker's JSON: read it back, whole.
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.findings.len(), report.findings.len());
    assert_eq!(
        back.metrics.unwrap().etcd.unwrap().db_size_bytes,
        f64::INFINITY
    );
    assert!(
        text.contains("etcd database: +Inf B of 8.0 GiB (+Inf %)"),
        "{text}"
    );
    assert!(
        markdown.contains("- etcd database: +Inf B of 8.0 GiB (+Inf %)"),
        "{markdown}"
    );
    let etcd001 = &report
        .findings
        .iter()
        .find(|f| f.check == "ETCD001")
        .unwrap()
        .message;
    assert!(
        etcd001.starts_with("the etcd database is +Inf B of its 8.0 GiB quota (+Inf %"),
        "{etcd001}"
    );
    let p99 = m.requests_by_verb[0].p99.unwrap();
    assert!(p99 > 1e307, "{p99}");
}

/// Class 2. Diagnostics say where and what kind, never a value that may be a credential,
/// whichever box the text was pasted into.
#[test]
fn credentials_never_reach_a_diagnostic() {
    let pasted = "\
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
password: hunter2hunter2
{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMmh1bnRlcjI=\"}}
token ghp_16C7e42F292c6912E7710c838347Ae178B4a
";
    for report in [metrics(pasted), cluster(pasted)] {
        let outputs = check_report(&report);
        check_secrets(&report, &outputs, true);
        assert!(!report.diagnostics.is_empty());
    }
    let report = metrics(pasted);
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        vec![
            format!("export: {WITHHELD} is not a number"),
            format!("AWS_ACCESS_KEY_ID: {WITHHELD}"),
            format!("password: {WITHHELD}"),
            format!("expected ',' or '}}' at {WITHHELD}"),
            format!("token: {WITHHELD}"),
        ],
    );
    assert_eq!(report.diagnostics[2].line, 3);
    for report in [metrics(pasted), cluster(pasted)] {
        assert!(!invariants::check_report(&report)
            .iter()
            .any(|o| o.contains("hunter2hunter2")));
    }
}

/// Class 3. Label values reach the terminal escaped and Markdown inert.
#[test]
fn outputs_are_inert() {
    let dump = "apiserver_admission_webhook_rejection_count{name=\"x\u{1b}]0;pwned\u{7}\u{1b}[2J\\ncpguard: 0 findings <img src=x onerror=alert(1)> | [a](http://evil)\",error_type=\"calling_webhook_error\",type=\"validate\"} 3\n";
    let report = metrics(dump);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let [_, text, markdown] = check_report(&report);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(
        text.contains("x\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\ncpguard: 0 findings"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("cpguard: 0 findings")),
        "{text}"
    );
    // Outside code spans no `<` is left unescaped (checked line by line in `check_report`).
    assert!(
        markdown.contains("\\<img src=x onerror=alert(1)\\> \\| \\[a\\](http://evil)"),
        "{markdown}"
    );
    assert!(!markdown
        .lines()
        .any(|l| l.starts_with("cpguard: 0 findings")));
}

/// Class 5. YAML inside strings gets the same nesting guard as whole documents.
#[test]
fn embedded_yaml_is_guarded() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let cm = format!(
        "kind: ConfigMap\nmetadata: {{name: aws-auth, namespace: kube-system}}\ndata:\n  mapRoles: '{deep}'\n  mapAccounts: '{deep}'\n---\nkind: ConfigMap\nmetadata: {{name: kube-proxy-config, namespace: kube-system}}\ndata:\n  config: '{deep}'\n"
    );
    let start = Instant::now();
    let report = cluster(&cm);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let auth: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == "AUTH001")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        auth,
        vec![
            "ConfigMap/kube-system/aws-auth: data.mapRoles is not valid YAML (nested deeper than 128 levels): the authenticator drops the whole key",
            "ConfigMap/kube-system/aws-auth: data.mapAccounts is not a YAML list of account IDs: the authenticator drops the whole key",
        ]
    );
}

/// Class 5. 20 million bad lines once built 20 million diagnostics; now the first 1000 and
/// one "and N more".
#[test]
fn metrics_diagnostics_are_capped() {
    let text = "garbage line\n".repeat(50_000);
    let report = metrics(&text);
    assert_eq!(report.diagnostics.len(), 1001);
    let last = report.diagnostics.last().unwrap();
    assert_eq!((last.input.as_ref(), last.line), ("metrics", 1001));
    assert_eq!(
        last.message,
        "and 49000 more diagnostics from this line on, not listed (only the first 1000 are)"
    );
    assert!(render::text(&report).contains("1001 notes on the input"));
}

/// Class 5. Findings are capped per check too.
#[test]
fn findings_are_capped_per_check() {
    let pods: String = (0..1500)
        .map(|i| format!("---\nkind: Pod\nmetadata: {{name: p{i}, namespace: n}}\nspec: {{securityContext: {{sysctls: [{{name: kernel.msgmax, value: '1'}}]}}}}\n"))
        .collect();
    let report = cluster(&pods);
    let by_check = |id: &str| report.findings.iter().filter(|f| f.check == id).count();
    let ids: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.check.as_ref()).collect();
    for id in ids {
        assert!(by_check(id) <= 1001, "{id}: {}", by_check(id));
    }
    let summaries: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.message.starts_with("and 500 more"))
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        !summaries.is_empty(),
        "{:?}",
        report
            .findings
            .iter()
            .map(|f| &f.check)
            .collect::<std::collections::BTreeSet<_>>()
    );
}

/// The fastest of three runs, so a busy machine inflates neither size alone.
fn fastest(f: &dyn Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Class 5. Linear time: each input at n and 8n. Linear work takes ~8× as long, quadratic
/// ~64×; the bound of 24× leaves a factor 3 for noise either way and needs no instruction
/// counts (a ratio of two timings on the same machine).
#[test]
fn work_grows_linearly() {
    let cases: Vec<(&str, Box<dyn Fn(usize) -> String>, bool)> = vec![
        (
            "bad metric lines",
            Box::new(|n| "x{a=\"AKIA\" 1 2 3\n".repeat(n)),
            true,
        ),
        (
            "many families",
            Box::new(|n| {
                (0..n)
                    .map(|i| format!("m{i}_bucket{{le=\"1\"}} {i}\n"))
                    .collect()
            }),
            true,
        ),
        (
            "a YAML List",
            Box::new(|n| {
                let items: String = (0..n)
                    .map(|i| format!("- kind: Pod\n  metadata: {{name: p{i}, namespace: n}}\n"))
                    .collect();
                format!("apiVersion: v1\nkind: List\nitems:\n{items}")
            }),
            false,
        ),
        (
            "a JSON List",
            Box::new(|n| {
                let items: Vec<String> = (0..n).map(|i| format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\"}},\"data\":{{\"x\":{{}}}}}}")).collect();
                format!(
                    "{{\"kind\":\"List\",\"items\":[\n{}\n]}}",
                    items.join(",\n")
                )
            }),
            false,
        ),
        (
            "bad YAML documents",
            Box::new(|n| "kind: Pod\nmetadata: [x\n---\n".repeat(n)),
            false,
        ),
    ];
    for (name, make, is_metrics) in cases {
        let run = |n: usize| {
            let text = make(n);
            fastest(&|| {
                let report = if is_metrics {
                    metrics(&text)
                } else {
                    cluster(&text)
                };
                std::hint::black_box(render::json(&report));
            })
        };
        let small = run(2_000);
        let large = run(16_000);
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
        println!("{name}: {small:?} at n, {large:?} at 8n: ratio {ratio:.1}");
        assert!(
            ratio < 24.0,
            "{name}: {small:?} → {large:?} ({ratio:.1}×): superlinear"
        );
    }
}

/// Class 7. Series without `# TYPE` are untyped, yet PromQL's `histogram_quantile` reads any
/// `*_bucket` series by `le` (prometheus/prometheus `promql/functions.go`,
/// `funcHistogramQuantile`, groups by every label but `le`; types play no part).
#[test]
fn untyped_buckets_give_quantiles() {
    let typed = "\
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"0.1\"} 50
apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"0.2\"} 70
apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"+Inf\"} 110
apiserver_request_duration_seconds_sum{verb=\"GET\"} 20
apiserver_request_duration_seconds_count{verb=\"GET\"} 110
";
    let untyped = typed.lines().skip(1).collect::<Vec<_>>().join("\n");
    let a = metrics(typed).metrics.unwrap().requests_by_verb;
    let b = metrics(&untyped).metrics.unwrap().requests_by_verb;
    assert_eq!(a.len(), 1);
    assert_eq!(a, b);
    assert_eq!(b[0].count, 110.0);
    // rank 0.5·110 = 55 in (0.1, 0.2]: 0.1 + 0.1·5/20 = 0.125.
    assert!((b[0].p50.unwrap() - 0.125).abs() < 1e-12, "{b:?}");
}

/// Every file of the saved regression corpus through the fuzz targets' invariants.
#[test]
fn replay_the_hostile_corpus() {
    let dir = hostile_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{} files", files.len());
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let start = Instant::now();
        check_input(&text);
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with("secret") {
            for report in [metrics(&text), cluster(&text)] {
                let outputs = check_report(&report);
                check_secrets(&report, &outputs, true);
            }
        }
        println!("{name}: {:?}", start.elapsed());
    }
}

/// Fragments the property pass (and the fuzz dictionaries) assemble inputs from.
const FRAGMENTS: &[&str] = &[
    "\n", "\r\n", " ", "{", "}", "[", "]", "\"", "'", ":", "=", ",", "- ", "---\n", "items:\n",
    "kind: List\n", "kind: Pod\n", "kind: Secret\n", "data:\n  ", "metadata: {name: a}\n",
    "{\"kind\":\"List\",\"items\":[", "{\"kind\":\"Pod\",\"data\":{\"a\":{}}}", "]}",
    "apiserver_storage_size_bytes ", "etcd_server_quota_backend_bytes ",
    "apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"", "+Inf", "-Inf", "NaN",
    "1e308", "-0", "4294967295", "# TYPE x histogram\n", "# EOF\n", "\u{1b}[2J", "\u{7}",
    "<script>", "|", "`", "*", "password: ", "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "hunter2hunter2", "c3VwZXJzZWNyZXRwYXNzd29yZDEyMzQ=", "&a [*a, *a]", "!!binary ",
    "kubernetes_build_info{git_version=\"v1.4294967295.0\"} 1\n",
    "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 200, ..ProptestConfig::default() })]

    /// A short bounded pass for CI (seconds); `make fuzz` runs the coverage-guided one.
    #[test]
    fn assembled_inputs_keep_every_invariant(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60)) {
        let text: String = parts.concat();
        check_input(&text);
        // Credentials outside anything a report shows (no metric, no object name) never appear.
        if !PLANTED.iter().any(|p| text.contains(p)) {
            return Ok(());
        }
        for report in [metrics(&text), cluster(&text)] {
            let outputs = check_report(&report);
            check_secrets(&report, &outputs, false);
        }
    }
}
