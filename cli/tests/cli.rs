//! The `cpguard` binary end to end: outputs, exit codes, the JSON contract, the corpus.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cpguard_tests::{assert_expected, corpus, files, root, valid_report};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = "shared/samples/apiserver.metrics";
const LATER: &str = "shared/samples/apiserver-later.metrics";
const TAKEN: &str = "2026-11-27T12:00:00Z";
/// Today for every `analyze` that names no `--now`: the day the samples were taken, so the
/// outputs do not change with the clock (VER004 reads the EKS calendar at this date).
const NOW: &str = "2026-11-27";

fn cpguard(args: &[&str], stdin: Option<&str>) -> Output {
    let mut args: Vec<&str> = args.to_vec();
    if args.first() == Some(&"analyze") && !args.contains(&"--now") {
        args.extend(["--now", NOW]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_cpguard"))
        .args(&args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn text_and_markdown_of_the_sample() {
    let text = cpguard(&["analyze", "--metrics", SAMPLE, "--taken-at", TAKEN], None);
    // VER004: the sample's 1.31 is past EKS extended support on 2026-11-27.
    assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
    assert_expected("cli-sample.txt", &stdout(&text));
    let md = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--format",
            "markdown",
        ],
        None,
    );
    assert_expected("cli-sample.md", &stdout(&md));
    let two = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--metrics-later",
            LATER,
            "--later-taken-at",
            "2026-11-27T12:10:00Z",
        ],
        None,
    );
    assert_expected("cli-sample-two-dumps.txt", &stdout(&two));
}

#[test]
fn json_follows_the_contract() {
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--format",
            "json",
        ],
        None,
    );
    let report: Value = valid_report(&stdout(&out));
    for finding in report["findings"].as_array().unwrap() {
        for key in [
            "check",
            "severity",
            "title",
            "message",
            "evidence",
            "remediation",
            "reference",
        ] {
            assert!(
                finding.get(key).is_some(),
                "finding without {key}: {finding}"
            );
        }
    }
    let metrics = &report["metrics"];
    assert_eq!(metrics["kubernetes_version"], "v1.31.4-eks-2d5f260");
    assert_eq!(metrics["etcd"]["db_size_bytes"], 7.1e9);
    assert_eq!(metrics["etcd"]["quota_bytes"], 8_589_934_592.0);
    assert_eq!(
        metrics["etcd"]["source_metric"],
        "apiserver_storage_size_bytes"
    );
    let get = metrics["requests_by_verb"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["verb"] == "GET")
        .unwrap();
    assert_eq!(get["count"], 52_000.0);
    assert_eq!(
        metrics["window"],
        serde_json::json!({"kind": "since_start", "uptime_seconds": 734_400.0})
    );
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    let etcd001 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "ETCD001")
        .unwrap();
    assert_eq!(
        etcd001["evidence"][0],
        serde_json::json!({"metric": "apiserver_storage_size_bytes", "labels": {}, "value": 7.1e9})
    );
}

#[test]
fn exit_codes() {
    let code = |args: &[&str]| cpguard(args, None).status.code();
    assert_eq!(
        code(&["analyze", "--metrics", SAMPLE, "--fail-on", "warning"]),
        Some(1)
    );
    // On 2026-11-27 the sample's 1.31 is past EKS extended support (VER004, critical); in
    // June it was in extended support (a warning), so only warnings are left.
    assert_eq!(
        code(&["analyze", "--metrics", SAMPLE, "--fail-on", "critical"]),
        Some(1)
    );
    assert_eq!(
        code(&[
            "analyze",
            "--metrics",
            SAMPLE,
            "--fail-on",
            "critical",
            "--now",
            "2026-06-01"
        ]),
        Some(0)
    );
    assert_eq!(
        code(&["analyze", "--metrics", SAMPLE, "--fail-on", "never"]),
        Some(0)
    );
    assert_eq!(
        code(&["analyze", "--metrics", SAMPLE, "--format", "yaml"]),
        Some(2)
    );
    let missing = cpguard(&["analyze", "--metrics", "no/such.metrics"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        "cpguard: no/such.metrics: No such file or directory (os error 2)\n"
    );
    let nothing = cpguard(&["analyze"], None);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(stderr(&nothing).contains("give --metrics FILE"));
    let bad_time = cpguard(
        &["analyze", "--metrics", SAMPLE, "--taken-at", "noon"],
        None,
    );
    assert_eq!(
        stderr(&bad_time),
        "cpguard: --taken-at \"noon\": use RFC 3339 (2026-11-27T15:04:05Z) or Unix seconds\n"
    );
}

#[test]
fn stdin_and_bad_lines() {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let from_file = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--format",
            "json",
        ],
        None,
    );
    let from_stdin = cpguard(
        &[
            "analyze",
            "--metrics",
            "-",
            "--taken-at",
            TAKEN,
            "--format",
            "json",
        ],
        Some(&text),
    );
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    // A kubectl warning pasted above the dump and a truncated last line.
    let damaged = format!("Warning: v1 ComponentStatus is deprecated in v1.19+\n{}\napiserver_request_total{{code=\"200\",verb=\"GE", text.trim_end());
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            "-",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        Some(&damaged),
    );
    assert_eq!(out.status.code(), Some(0));
    let report: Value = valid_report(&stdout(&out));
    let lines = text.lines().count();
    assert_eq!(
        report["diagnostics"],
        serde_json::json!([
            {"input": "metrics", "line": 1, "level": "error", "message": "not a sample or comment: \"Warning: v1 ComponentStatus is deprecated in v1.19+\""},
            {"input": "metrics", "line": lines + 2, "level": "error", "message": "unterminated quoted string (truncated line?)"},
        ])
    );
    assert_eq!(
        report["metrics"]["kubernetes_version"],
        "v1.31.4-eks-2d5f260"
    );
}

#[test]
fn two_dumps_from_different_servers_are_refused() {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let other = text.replace(
        "process_start_time_seconds 1.7950464e+09",
        "process_start_time_seconds 1.7950470e+09",
    );
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--metrics-later",
            "-",
            "--later-taken-at",
            "2026-11-27T12:10:00Z",
        ],
        Some(&other),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("cpguard: the two dumps come from different API server processes (process_start_time_seconds 1795046400 vs 1795047000)"), "{}", stderr(&out));
}

#[test]
fn the_checks_page_is_generated_from_the_registry() {
    let out = cpguard(&["checks", "--format", "markdown"], None);
    let path = root().join("docs/checks.md");
    if std::env::var_os("CPGUARD_BLESS").is_some() {
        std::fs::write(&path, stdout(&out)).unwrap();
    }
    let page = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(page, stdout(&out), "docs/checks.md is stale: run `cargo run -p cpguard-cli -- checks --format markdown > docs/checks.md`");
    let list = stdout(&cpguard(&["checks"], None));
    assert_eq!(list.lines().count(), cpguard_core::checks::REGISTRY.len());
    assert!(
        list.starts_with("SYS001   critical  unsafe sysctl\n"),
        "{list}"
    );
}

/// `severity ID message` of each finding of a JSON report, of the checks in `only` (all when
/// empty).
fn finding_lines(json: &Value, only: &[&str]) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| only.is_empty() || only.contains(&f["check"].as_str().unwrap()))
        .map(|f| {
            format!(
                "{} {} {}",
                f["severity"].as_str().unwrap(),
                f["check"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// A check's coverage status in a JSON report, and its reason.
fn coverage_status(json: &Value, id: &str) -> (String, Option<String>) {
    let c = json["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == id)
        .unwrap();
    (
        c["status"].as_str().unwrap().to_owned(),
        c["reason"].as_str().map(str::to_owned),
    )
}

/// Every corpus dump through the binary: the contract's fields, with the version-specific
/// size metric, and the etcd members' own quota (2 GiB).
/// A corpus dump's file name and its JSON report (`--fail-on never`: exit 0), checked against
/// the schema.
fn corpus_report(path: &std::path::Path) -> (String, Value) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
            // A fixed "taken at": by default it is the file's mtime, which is when the
            // corpus was copied to this machine, and the uptime in the messages follows it.
            "--taken-at",
            "2026-11-27T00:00:00Z",
            // And a fixed "today" for VER004's calendar.
            "--now",
            "2026-11-27",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
    (name, valid_report(&stdout(&out)))
}

#[test]
fn every_corpus_dump_as_json() {
    let Some(dir) = corpus("metrics") else { return };
    for path in files(&dir, "metrics") {
        let (name, report) = corpus_report(&path);
        let minor: u32 = name.split('_').nth(2).unwrap().parse().unwrap();
        let metrics = &report["metrics"];
        assert!(
            report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["level"] != "error"),
            "{name}"
        );
        if name.ends_with("_etcd.metrics") {
            assert_eq!(
                metrics["etcd"]["source_metric"], "etcd_mvcc_db_total_size_in_bytes",
                "{name}"
            );
            assert_eq!(metrics["etcd"]["quota_bytes"], 2_147_483_648.0, "{name}");
            assert_eq!(metrics["kubernetes_version"], Value::Null, "{name}");
        } else {
            let version = metrics["kubernetes_version"].as_str().unwrap();
            assert!(
                version.starts_with(&format!("v1.{minor}.")),
                "{name}: {version}"
            );
            let expected = match minor {
                ..=25 => "etcd_db_total_size_in_bytes",
                26 | 27 => "apiserver_storage_db_total_size_in_bytes",
                _ => "apiserver_storage_size_bytes",
            };
            assert_eq!(metrics["etcd"]["source_metric"], expected, "{name}");
            assert_eq!(
                metrics["etcd"]["quota_bytes"], 8_589_934_592.0,
                "{name}: EKS default"
            );
            let verbs: Vec<&str> = metrics["requests_by_verb"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["verb"].as_str().unwrap())
                .collect();
            for verb in ["GET", "LIST", "WATCH"] {
                assert!(verbs.contains(&verb), "{name}: {verbs:?}");
            }
        }
    }
}

#[test]
fn cluster_export_findings_name_the_objects() {
    let out = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/cluster.yaml",
            "--fail-on",
            "never",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_expected("cli-cluster.txt", &stdout(&out));
    let json = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/cluster.yaml",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(
        json.status.code(),
        Some(1),
        "a critical finding fails by default"
    );
    let text = stdout(&json);
    for secret in [
        "c3VwZXJzZWNyZXQtY3BndWFyZA==",
        "supersecret-cpguard",
        "plain-text-cpguard-token",
    ] {
        assert!(!text.contains(secret), "secret material in the report");
    }
    let report: Value = valid_report(&text);
    assert_eq!(
        report["cluster"]["control_plane_version"],
        "v1.31.4-eks-2d5f260"
    );
    assert_eq!(
        report["cluster"]["services"],
        serde_json::json!({"total": 1, "headless": 1, "external_name": 0})
    );
    assert_eq!(
        report["cluster"]["webhooks"],
        serde_json::json!([{"configuration": "ValidatingWebhookConfiguration/policy-engine", "name": "validate.policy-engine.example.com", "failure_policy": "Fail", "timeout_seconds": 10}])
    );
    let evidence: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["check"].as_str().unwrap(),
                f["evidence"][0]["object"].as_str().unwrap(),
                f["evidence"][0]["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        evidence,
        vec![
            "SYS001 Pod/cache/redis-0 spec.securityContext.sysctls[0]",
            "SYS002 CronJob/ops/tuner spec.jobTemplate.spec.template.spec.securityContext.sysctls[0]",
            "SYS004 Pod/cache/redis-0 status.reason",
            "VER004 EKS release calendar (compiled 2026-11-29, https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar) 1.31: end of standard support 2025-11-26, end of extended support 2026-11-26",
            "WH001 ValidatingWebhookConfiguration/policy-engine webhooks[0].rules[0]",
            "AUTH007 ClusterRoleBinding/ci-deployer roleRef",
            "VER003 Node/ip-10-0-2-20.ec2.internal status.nodeInfo.kubeletVersion",
            "WH003 ValidatingWebhookConfiguration/policy-engine webhooks[0].namespaceSelector",
            "WH004 ValidatingWebhookConfiguration/policy-engine webhooks[0].rules[0]",
            "WH005 ValidatingWebhookConfiguration/policy-engine webhooks[0].namespaceSelector",
            "NET002 DaemonSet/kube-system/aws-node spec.template.spec.containers[].env[WARM_IP_TARGET]",
        ]
    );
}

#[test]
fn rule_settings_files_change_the_verdicts() {
    let dir = std::env::temp_dir().join(format!("cpguard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sysctls = dir.join("sysctls.yaml");
    std::fs::write(&sysctls, "allowedUnsafeSysctls: [net.core.somaxconn]\n").unwrap();
    let webhooks = dir.join("webhooks.json");
    std::fs::write(
        &webhooks,
        r#"{"exemptWebhooks": ["policy-engine/validate.policy-engine.example.com"]}"#,
    )
    .unwrap();
    let out = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/cluster.yaml",
            "--sysctl-settings",
            sysctls.to_str().unwrap(),
            "--webhook-settings",
            webhooks.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        None,
    );
    let report: Value = valid_report(&stdout(&out));
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(!checks.contains(&"SYS001"), "{checks:?}");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "allowedUnsafeSysctls: [vm.swappiness]\n").unwrap();
    let out = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/cluster.yaml",
            "--sysctl-settings",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("cpguard: invalid settings: allowedUnsafeSysctls[0] \"vm.swappiness\" is not a namespaced sysctl"), "{}", stderr(&out));
}

#[test]
fn cluster_with_metrics_takes_the_control_plane_version_from_the_dump() {
    let nodes = "kind: List\nitems:\n- kind: Node\n  metadata:\n    name: old-node\n  status:\n    nodeInfo:\n      kubeletVersion: v1.27.16-eks-a737599\n";
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--cluster",
            "-",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        Some(nodes),
    );
    let report: Value = valid_report(&stdout(&out));
    assert_eq!(
        report["cluster"]["control_plane_version"],
        "v1.31.4-eks-2d5f260"
    );
    let ver: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "VER002")
        .collect();
    assert_eq!(ver.len(), 1);
    assert_eq!(ver[0]["message"], "Node/old-node: kubelet v1.27.16-eks-a737599 is 4 minor versions behind the API server v1.31.4-eks-2d5f260 (the policy allows 3)");
    assert_eq!(
        ver[0]["evidence"][0],
        serde_json::json!({"object": "Node/old-node", "path": "status.nodeInfo.kubeletVersion"})
    );
}

/// Issue 9: what `kubectl get policyreports,clusterpolicyreports -A -o yaml` printed (the
/// audit scanner's shape, generated from the built policies by `tests/tests/policy_reports.rs`,
/// and Kyverno's) is cluster input: each fail a POL001 finding naming its engine, the summary
/// saying how many resources were audited and when.
#[test]
fn policy_reports_are_cluster_input() {
    let out = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/cluster.yaml",
            "--cluster",
            "shared/samples/policyreports.yaml",
            "--cluster",
            "shared/samples/policyreports-kyverno.yaml",
            "--fail-on",
            "never",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("           source: kyverno\n")
            && text.contains("           source: kubewarden\n"),
        "{text}"
    );
    assert!(
        text.contains("Pod/shop/checkout-7d9f8b6c5-x2x4k: kyverno policy require-run-as-nonroot/run-as-non-root fails it: validation error: Running as root is not allowed."),
        "{text}"
    );
    let summary = text
        .lines()
        .find(|l| l.starts_with("cluster policies ("))
        .unwrap_or_else(|| panic!("no summary line in {text}"));
    assert!(
        summary.starts_with("cluster policies (kubewarden, kyverno) audited "),
        "{summary}"
    );
    assert!(
        summary.contains(" between 2025-11-29T09:55:00Z and "),
        "{summary}"
    );
    let json = cpguard(
        &[
            "analyze",
            "--cluster",
            "shared/samples/policyreports-kyverno.yaml",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        None,
    );
    let report: Value = valid_report(&stdout(&json));
    let summary = &report["cluster"]["policy_reports"];
    assert_eq!(
        (
            summary["reports"].as_u64(),
            summary["resources"].as_u64(),
            summary["fail"].as_u64(),
            summary["pass"].as_u64()
        ),
        (Some(2), Some(3), Some(2), Some(1))
    );
    let sources: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap_or("cpguard"))
        .collect();
    assert_eq!(sources, ["kyverno", "kyverno", "kyverno"]);
}

/// Issue 10: `cpguard ... | head -1` closes stdout early. The CLI stops writing quietly and
/// exits with the analysis' own code (here 0), instead of panicking on the broken pipe
/// (`println!`: "failed printing to stdout: Broken pipe", exit 101).
#[test]
fn a_closed_stdout_is_no_panic() {
    use std::io::{BufRead, BufReader};
    // Over 64 KiB of JSON (the pipe's buffer), so writing outlives the reader.
    // One API server sample keeps the input usable (issue 14); the rest are diagnostics.
    let mut dump = String::from(
        "apiserver_request_total{code=\"200\",verb=\"GET\"} 1
",
    );
    for i in 0..3000 {
        dump.push_str(&format!(
            "not a metric line number {i} ...
"
        ));
    }
    let path = std::env::temp_dir().join(format!("cpguard-epipe-{}.metrics", std::process::id()));
    std::fs::write(&path, dump).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cpguard"))
        .args([
            "analyze",
            "--metrics",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--taken-at",
            TAKEN,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone (dropped) after one line, as `head -1` leaves.
    let out = child.wait_with_output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(first, "{\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

/// Issue 14: an input with nothing to analyse is an input error (exit 2, one line naming the
/// input), never "0 findings" and exit 0; `--allow-unusable` makes it a warning. Each case's
/// exit code and stderr are pinned in `tests/expected/cli-unusable.txt`.
#[test]
#[allow(clippy::too_many_lines)] // one table of cases, read top to bottom
fn unusable_inputs_exit_2_with_the_reason() {
    let kubelet = "# TYPE kubelet_running_pods gauge\nkubelet_running_pods 12\nrest_client_requests_total{code=\"200\",host=\"10.0.0.1:443\",method=\"GET\"} 500\n";
    let cases: &[(&[&str], Option<&str>)] = &[
        (
            &[
                "--metrics",
                "tests/fixtures/unusable/empty.metrics",
                "--fail-on",
                "warning",
            ],
            None,
        ),
        (
            &[
                "--metrics",
                "tests/fixtures/unusable/bad-gateway.metrics",
                "--fail-on",
                "warning",
            ],
            None,
        ),
        (
            &["--metrics", "tests/fixtures/unusable/forbidden.metrics"],
            None,
        ),
        (&["--metrics", "-"], Some("")),
        (&["--metrics", "-"], Some(kubelet)),
        (&["--metrics", "shared/samples/cluster.yaml"], None),
        (
            &["--cluster", "tests/fixtures/unusable/no-objects.yaml"],
            None,
        ),
        (&["--cluster", "tests/fixtures/unusable/refused.yaml"], None),
        (&["--cluster", "shared/samples/apiserver.metrics"], None),
        (
            &[
                "--metrics",
                SAMPLE,
                "--cluster",
                "tests/fixtures/unusable/no-objects.yaml",
            ],
            None,
        ),
        (
            &[
                "--metrics",
                SAMPLE,
                "--taken-at",
                TAKEN,
                "--metrics-later",
                "tests/fixtures/unusable/bad-gateway.metrics",
                "--later-taken-at",
                "2026-11-27T12:10:00Z",
            ],
            None,
        ),
        // An empty List beside a usable export is normal (a cluster without webhooks).
        (
            &[
                "--cluster",
                "shared/samples/cluster.yaml",
                "--cluster",
                "tests/fixtures/unusable/no-objects.yaml",
                "--fail-on",
                "never",
            ],
            None,
        ),
        (
            &[
                "--metrics",
                "tests/fixtures/unusable/empty.metrics",
                "--fail-on",
                "warning",
                "--allow-unusable",
            ],
            None,
        ),
    ];
    let mut out = String::new();
    for (args, stdin) in cases {
        let mut all = vec!["analyze"];
        all.extend_from_slice(args);
        let run = cpguard(&all, *stdin);
        out.push_str(&format!(
            "$ cpguard {}{}\nexit {}\n{}\n",
            all.join(" "),
            if stdin.is_some() { " < stdin" } else { "" },
            run.status.code().unwrap_or(-1),
            stderr(&run)
        ));
        if run.status.code() == Some(2) {
            assert_eq!(stdout(&run), "", "no report when the input is unusable");
        }
    }
    assert_expected("cli-unusable.txt", &out);

    // With --allow-unusable the report goes on: what could run ran, the rest says why not.
    let run = cpguard(
        &[
            "analyze",
            "--metrics",
            "-",
            "--allow-unusable",
            "--format",
            "json",
        ],
        Some(kubelet),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let report: Value = valid_report(&stdout(&run));
    assert_eq!(
        report["unusable_inputs"],
        serde_json::json!([{"input": "metrics", "reason": "a kubelet's /metrics (kubelet_*), not the API server's or etcd's: give `kubectl get --raw /metrics` (the API server's) or an etcd member's /metrics"}])
    );
    let coverage = report["coverage"].as_array().unwrap();
    assert_eq!(coverage.len(), cpguard_core::checks::REGISTRY.len());
    let of = |id: &str| coverage.iter().find(|c| c["check"] == id).unwrap().clone();
    assert_eq!(
        of("CLI001"),
        serde_json::json!({"check": "CLI001", "status": "evaluated", "reason": null})
    );
    assert_eq!(
        of("API001"),
        serde_json::json!({"check": "API001", "status": "not-applicable", "reason": "the metrics dump is a kubelet's /metrics, not an API server's"})
    );
    assert_eq!(
        of("SYS001"),
        serde_json::json!({"check": "SYS001", "status": "not-applicable", "reason": "no cluster export given"})
    );
}

/// What every check finds on each real corpus dump, through the binary, pinned in
/// `tests/expected/cli-corpus-findings.txt`; DEP001 (issue 13) on the dumps that carry
/// `apiserver_requested_deprecated_apis` is asserted outright.
#[test]
fn corpus_findings_and_deprecated_apis() {
    let Some(dir) = corpus("metrics") else { return };
    let mut out = String::new();
    for path in files(&dir, "metrics") {
        let (name, report) = corpus_report(&path);
        out.push_str(&format!("{name}\n"));
        let mut deprecated = Vec::new();
        for f in report["findings"].as_array().unwrap() {
            let (check, severity, message) = (
                f["check"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            );
            out.push_str(&format!("  {severity} {check}: {message}\n"));
            if check == "DEP001" {
                deprecated.push(format!("{severity} {message}"));
            }
        }
        let minor: u32 = name.split('_').nth(2).unwrap().parse().unwrap();
        let expected: &[&str] = match (minor, name.ends_with("_apiserver.metrics")) {
            // 1.22 requested batch/v1beta1 CronJobs and PodSecurityPolicies, both removed in
            // 1.25: three minors away, so warnings (critical only at or before 1.23).
            (22, true) => &[
                "warning batch/v1beta1 cronjobs is deprecated and still requested; it is removed in 1.25 (the control plane runs v1.22.17)",
                "warning policy/v1beta1 podsecuritypolicies is deprecated and still requested; it is removed in 1.25 (the control plane runs v1.22.17)",
            ],
            // 1.33 deprecated core/v1 Endpoints (for EndpointSlices) with no removal release.
            (33..=35, true) => &["warning v1 endpoints is deprecated and still requested (no removal release planned yet)"],
            _ => &[],
        };
        assert_eq!(deprecated, expected, "{name}");
    }
    assert_expected("cli-corpus-findings.txt", &out);
}

/// Issue 13: the EKS description is a cluster export (recognised by its shape), its version is
/// the control plane's, and VER004 reads the calendar at `--now`.
#[test]
#[allow(clippy::too_many_lines)] // One scenario: each input and date, then what it gives.
fn the_eks_description_is_a_cluster_export() {
    const OPEN: &str = "tests/fixtures/eks/describe-cluster-open.json";
    const HARDENED: &str = "tests/fixtures/eks/describe-cluster-hardened.json";
    let run = |args: &[&str]| {
        let out = cpguard(args, None);
        let json: Value =
            serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
        (out.status.code(), json)
    };
    let findings = |json: &Value| finding_lines(json, &[]);
    let status = |json: &Value, id: &str| coverage_status(json, id).0;
    // 1.29 on 2026-01-15: in extended support (to 2026-03-23), a warning: exit 0.
    let args = ["analyze", "--cluster", OPEN, "--format", "json"];
    let (code, json) = run(&[&args[..], &["--now", "2026-01-15"]].concat());
    assert_eq!(code, Some(0));
    assert_eq!(findings(&json), vec![
        "warning EKS002 EKS cluster shop-prod: control-plane log types api, audit, authenticator are not enabled",
        "warning EKS003 EKS cluster shop-prod: authentication mode CONFIG_MAP: access is managed only through the aws-auth ConfigMap, and access entries are not enabled",
        "warning VER004 control plane 1.29 (1.29) is in EKS extended support on 2026-01-15, billed extra per cluster hour, until 2026-03-23 (EKS calendar compiled 2026-11-29)",
        "info EKS001 EKS cluster shop-prod: the API server endpoint is public and open to the internet (publicAccessCidrs includes 0.0.0.0/0), and private access is off: nodes and clients reach the API only through it, so turn private access on before restricting it",
    ]);
    for id in ["EKS001", "EKS002", "EKS003", "VER004"] {
        assert_eq!(status(&json, id), "evaluated", "{id}");
    }
    assert_eq!(status(&json, "VER001"), "no-data");
    assert_eq!(json["cluster"]["control_plane_version"], "1.29");
    assert_eq!(json["support"]["status"], "extended");
    assert_eq!(json["support"]["now"], "2026-01-15");
    assert_eq!(json["support"]["calendar_compiled"], "2026-11-29");
    // Nothing names the account, an ARN, the endpoint or the OIDC issuer.
    let text = json.to_string();
    for withheld in ["111122223333", "arn:aws", "0A1B2C3D4E5F", "LS0tLS1CRUdJTi"] {
        assert!(!text.contains(withheld), "{withheld} in {text}");
    }
    // From 2026-03-23 (00:00 UTC) 1.29 is past extended support: critical, exit 1.
    let (code, json) = run(&[&args[..], &["--now", "2026-03-23"]].concat());
    assert_eq!(code, Some(1));
    assert!(findings(&json).contains(&"critical VER004 control plane 1.29 (1.29) is past the end of EKS extended support (2026-03-23) on 2026-03-23: EKS upgrades it on its own, at any time (EKS calendar compiled 2026-11-29)".to_owned()));
    // The hardened cluster: nothing; its 1.33 is in standard support until 2026-07-29.
    let (code, json) = run(&[
        "analyze",
        "--cluster",
        HARDENED,
        "--format",
        "json",
        "--now",
        "2026-01-15",
    ]);
    assert_eq!(code, Some(0));
    assert!(findings(&json).is_empty(), "{:?}", findings(&json));
    assert_eq!(json["support"]["status"], "standard");
    // Text and Markdown show the calendar's date.
    for format in ["text", "markdown"] {
        let out = cpguard(
            &[
                "analyze",
                "--cluster",
                HARDENED,
                "--format",
                format,
                "--now",
                "2026-01-15",
            ],
            None,
        );
        assert!(stdout(&out).contains("EKS support of 1.33 on 2026-01-15: standard (standard support to 2026-07-29, extended to 2027-07-29); calendar compiled 2026-11-29 from https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar"), "{format}: {}", stdout(&out));
    }
    // With the cluster's objects, the AUTH fixes say whether access entries are enabled.
    let (_, json) = run(&[
        "analyze",
        "--cluster",
        "tests/fixtures/eks/aws-auth.yaml",
        "--cluster",
        "shared/samples/cluster.yaml",
        "--cluster",
        HARDENED,
        "--format",
        "json",
    ]);
    let auth: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("AUTH"))
        .collect();
    // AUTH005 (aws-auth grants system:masters) and AUTH007 (the sample's cluster-admin binding).
    assert_eq!(auth.len(), 2, "{auth:?}");
    for f in auth {
        let end = if f["check"] == "AUTH007" {
            "EKS cluster shop-staging has authentication mode API_AND_CONFIG_MAP: access entries are enabled, so the break-glass admin can be an access entry instead of a binding."
        } else {
            "EKS cluster shop-staging has authentication mode API_AND_CONFIG_MAP: access entries are enabled, so this identity can move to an access entry."
        };
        assert!(f["remediation"].as_str().unwrap().ends_with(end), "{f}");
    }
    // `kubectl version` wins over the description's minor.
    assert_eq!(
        json["cluster"]["control_plane_version"],
        "v1.31.4-eks-2d5f260"
    );
    let bad = cpguard(&["analyze", "--cluster", HARDENED, "--now", "soon"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--now \"soon\": use a date (2026-11-27)"),
        "{}",
        stderr(&bad)
    );
}

/// VER004 from a metrics dump alone: `kubernetes_build_info` gives the version.
#[test]
fn ver004_reads_the_version_from_the_metrics_dump() {
    let out = cpguard(
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--now",
            "2026-05-01",
            "--format",
            "json",
        ],
        None,
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ver004: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "VER004")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(ver004, vec!["control plane v1.31.4-eks-2d5f260 (1.31) is in EKS extended support on 2026-05-01, billed extra per cluster hour, until 2026-11-26 (EKS calendar compiled 2026-11-29)"]);
    let coverage = json["coverage"].as_array().unwrap();
    let eks001 = coverage.iter().find(|c| c["check"] == "EKS001").unwrap();
    assert_eq!(eks001["status"], "not-applicable");
    assert_eq!(eks001["reason"], "no cluster export given");
}

/// Issue 13: the documented exports, as the real kubectl wrote them (`tests/fixtures/export/`,
/// made by its `regenerate.sh` against a fake API server), let SA001, AUTH007, SYS004 and
/// NET002 fire, and nothing secret reaches the report.
#[test]
fn the_documented_exports_fire_every_cluster_check() {
    const DIR: &str = "tests/fixtures/export";
    let run = |files: &[&str], stdin: Option<&str>| -> Value {
        let mut args = vec![
            "analyze",
            "--format",
            "json",
            "--now",
            NOW,
            "--fail-on",
            "never",
        ];
        for f in files {
            args.extend(["--cluster", f]);
        }
        let out = cpguard(&args, stdin);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        valid_report(&stdout(&out))
    };
    let lines = finding_lines;
    let status = |json: &Value, id: &str| {
        let (status, reason) = coverage_status(json, id);
        format!("{status} {}", reason.unwrap_or_default())
    };
    let cluster = format!("{DIR}/cluster.yaml");
    let tokens = format!("{DIR}/token-secrets.yaml");
    let json = run(&[&cluster, &tokens], None);
    let ids = ["SA001", "AUTH007", "SYS004", "NET002"];
    assert_eq!(lines(&json, &ids), vec![
        "critical SYS004 Deployment/shop/queue: 2 Pods rejected by the kubelet (forbidden sysctl: \"kernel.msgmax\" not allowlisted); the controller keeps replacing them",
        "warning AUTH007 Group shop-admins holds cluster-admin in a namespace through RoleBinding/shop/shop-admins",
        "warning AUTH007 ServiceAccount ci/deployer holds cluster-admin through ClusterRoleBinding/ci-deployer-admin",
        "warning AUTH007 ServiceAccount kube-system/super-admin holds cluster-admin through ClusterRoleBinding/super-admin-rb",
        "warning SA001 2 legacy service-account token Secrets (Secret/ci/build-robot-token, Secret/kube-system/super-admin-token)",
        "info NET002 DaemonSet/kube-system/aws-node: WARM_IP_TARGET=1 (at most 5) over MINIMUM_IP_TARGET=2: every few Pod starts and stops call the EC2 API, with 3 Nodes (fewer than 50: fine while Pod churn is low)",
    ]);
    for id in ids {
        assert_eq!(status(&json, id), "evaluated ", "{id}");
    }
    // No Secret value, no other container's environment, no endpoint from aws-node's env.
    let text = json.to_string();
    for withheld in ["ZmFrZS", "hunter2", "0A1B2C3D4E5F", "DEBUG"] {
        assert!(!text.contains(withheld), "{withheld} in the report");
    }
    // No token Secrets: the empty SecretList still says SA001 looked.
    let json = run(
        &[&cluster, &format!("{DIR}/token-secrets-empty.yaml")],
        None,
    );
    assert!(lines(&json, &["SA001"]).is_empty());
    assert_eq!(status(&json, "SA001"), "evaluated ");
    // The empty SecretList alone is not "nothing to analyse": it says there are none.
    let json = run(&[&format!("{DIR}/token-secrets-empty.yaml")], None);
    assert!(
        json["unusable_inputs"].as_array().is_none_or(Vec::is_empty),
        "{}",
        json["unusable_inputs"]
    );
    assert_eq!(status(&json, "SA001"), "evaluated ");
    // Without the token export, SA001 says what it lacks.
    let json = run(&[&cluster], None);
    assert_eq!(
        status(&json, "SA001"),
        "no-data no Secret objects in the cluster export"
    );
    // The viewer's one-file form: the same findings from one stream, `---` between exports.
    let version = r#"{"clientVersion": {"gitVersion": "v1.32.4"}, "serverVersion": {"gitVersion": "v1.31.4-eks-2d5f260"}}"#;
    let one = format!(
        "{}---\n{}---\n{version}\n",
        std::fs::read_to_string(root().join(&cluster)).unwrap(),
        std::fs::read_to_string(root().join(&tokens)).unwrap()
    );
    let json_one = run(&["-"], Some(&one));
    assert_eq!(lines(&json_one, &ids).len(), 6);
    assert_eq!(
        json_one["cluster"]["control_plane_version"],
        "v1.31.4-eks-2d5f260"
    );
}

/// The export commands are written once (`cpguard_core::catalog::EXPORTS`): the README,
/// `analyze --help` and the fixtures' `regenerate.sh` carry each one verbatim.
#[test]
fn the_export_commands_are_the_same_everywhere() {
    use cpguard_core::catalog::{export_in_one_file, EXPORTS, EXPORT_EKS};
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let help = stdout(&cpguard(&["analyze", "--help"], None));
    let regenerate =
        std::fs::read_to_string(root().join("tests/fixtures/export/regenerate.sh")).unwrap();
    for e in EXPORTS.iter().chain([&EXPORT_EKS]) {
        assert!(readme.contains(&e.line()), "README lacks {}", e.line());
        assert!(help.contains(&e.line()), "--help lacks {}", e.line());
    }
    for e in &EXPORTS[..2] {
        assert!(
            regenerate.contains(&format!("\n{}", e.line())),
            "regenerate.sh lacks {}",
            e.line()
        );
    }
    assert!(export_in_one_file().starts_with("{ kubectl get nodes,"));
    assert!(export_in_one_file().ends_with("; echo ---; kubectl version -o json; } > cluster.yaml"));
}
