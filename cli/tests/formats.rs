//! The CLI conventions of issue 11: `--format sarif` checked against the published SARIF 2.1.0
//! schema, `--format junit` parsed back, shell completions and the man page, the `kubectl
//! cpguard` plugin name, `analyze --help`'s examples and `make install-files`.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cpguard_core::checks::REGISTRY;
use cpguard_tests::{root, schema_errors};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "shared/samples/apiserver.metrics";
const CLUSTER: &str = "shared/samples/cluster.yaml";
const TAKEN: &str = "2026-11-27T12:00:00Z";

fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn cpguard(args: &[&str]) -> Output {
    run(Path::new(env!("CARGO_BIN_EXE_cpguard")), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn analyze(inputs: &[&str], format: &str, fail_on: &str) -> Output {
    let mut args = vec![
        "analyze",
        "--taken-at",
        TAKEN,
        // A day when the samples' 1.31 is in EKS standard support, so VER004 (which judges
        // the calendar, not an input's line) stays out of the location tests.
        "--now",
        "2025-06-01",
        "--format",
        format,
        "--fail-on",
        fail_on,
    ];
    args.extend_from_slice(inputs);
    cpguard(&args)
}

fn report(inputs: &[&str]) -> Value {
    cpguard_tests::valid_report(&stdout(&analyze(inputs, "json", "never")))
}

fn sarif_schema() -> Value {
    let path = root().join("tests/data/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn level(severity: &str) -> &'static str {
    match severity {
        "critical" => "error",
        "warning" => "warning",
        "info" => "note",
        other => panic!("severity {other}"),
    }
}

/// What a finding is about, as the report's evidence names it (the JUnit test case name).
fn subject(finding: &Value) -> String {
    let Some(e) = finding["evidence"].as_array().and_then(|e| e.first()) else {
        return finding["check"].as_str().unwrap().to_owned();
    };
    if let Some(object) = e["object"].as_str() {
        return object.to_owned();
    }
    let metric = e["metric"].as_str().unwrap();
    let labels = e["labels"].as_object().unwrap();
    if labels.is_empty() {
        return metric.to_owned();
    }
    let labels: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={:?}", v.as_str().unwrap()))
        .collect();
    format!("{metric}{{{}}}", labels.join(","))
}

#[test]
fn sarif_is_valid_2_1_0_with_rules_levels_and_locations() {
    let inputs = ["--metrics", SAMPLE, "--cluster", CLUSTER];
    let out = analyze(&inputs, "sarif", "never");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let errors = schema_errors(&sarif_schema(), &log);
    assert!(errors.is_empty(), "not SARIF 2.1.0:\n{}", errors.join("\n"));

    // The validator does reject what the schema forbids, formats included.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "critical".into();
    bad["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a URI".into();
    let errors = schema_errors(&sarif_schema(), &bad);
    assert_eq!(errors.len(), 2, "{errors:#?}");

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "cpguard");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), REGISTRY.len());
    for (rule, check) in rules.iter().zip(REGISTRY) {
        assert_eq!(rule["id"], check.id);
        assert_eq!(rule["shortDescription"]["text"], check.title);
        assert_eq!(rule["fullDescription"]["text"], check.rationale);
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with(check.remediation));
        assert_eq!(rule["helpUri"], check.reference);
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            level(check.severity.as_str())
        );
    }

    let findings = report(&inputs)["findings"].as_array().unwrap().clone();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert!(results.len() > 5, "{}", results.len());
    let cluster_text = std::fs::read_to_string(root().join(CLUSTER)).unwrap();
    let (mut objects, mut metrics) = (0, 0);
    for (result, finding) in results.iter().zip(&findings) {
        assert_eq!(result["ruleId"], finding["check"]);
        assert_eq!(
            result["level"],
            level(finding["severity"].as_str().unwrap())
        );
        assert_eq!(result["message"]["text"], finding["message"]);
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], finding["check"]);
        for (location, evidence) in result["locations"]
            .as_array()
            .unwrap()
            .iter()
            .zip(finding["evidence"].as_array().unwrap())
        {
            let logical = &location["logicalLocations"];
            let physical = &location["physicalLocation"];
            if let Some(object) = evidence["object"].as_str() {
                objects += 1;
                assert_eq!(logical[0]["fullyQualifiedName"], object);
                assert_eq!(logical[0]["kind"], "resource");
                assert_eq!(logical[1]["name"], evidence["path"]);
                assert_eq!(physical["artifactLocation"]["uri"], CLUSTER);
                // The region is the line naming the object.
                let name = object.rsplit('/').next().unwrap();
                let line =
                    usize::try_from(physical["region"]["startLine"].as_u64().unwrap()).unwrap();
                let text = cluster_text.lines().nth(line - 1).unwrap();
                assert!(
                    text.contains(&format!("name: {name}")),
                    "{object}: line {line} is {text:?}"
                );
            } else {
                metrics += 1;
                assert_eq!(logical[0]["kind"], "metric");
                assert_eq!(logical[0]["name"], evidence["metric"]);
                assert_eq!(physical["artifactLocation"]["uri"], SAMPLE);
                assert_eq!(
                    result["properties"]["evidence"][0]["metric"],
                    evidence["metric"]
                );
            }
        }
    }
    assert!(
        objects > 0 && metrics > 0,
        "objects {objects}, metrics {metrics}"
    );
    let artifacts: Vec<&str> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(artifacts, [SAMPLE, CLUSTER]);
}

#[test]
fn sarif_of_hostile_names_and_stdin_stays_valid() {
    let out = cpguard(&[
        "analyze",
        "--cluster",
        "tests/hostile/injection.yaml",
        "--format",
        "sarif",
        "--fail-on",
        "never",
    ]);
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let errors = schema_errors(&sarif_schema(), &log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let names: BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap())
        .filter_map(|l| l["logicalLocations"][0]["fullyQualifiedName"].as_str())
        .collect();
    assert!(
        names.contains("ValidatingWebhookConfiguration/v\u{1b}]0;x\u{7}\n# Heading <b>"),
        "{names:?}"
    );
    // A file name with a space is a URI reference with %20.
    let dir = scratch("sarif-space");
    let spaced = dir.join("api server.metrics");
    std::fs::copy(root().join(SAMPLE), &spaced).unwrap();
    let out = analyze(&["--metrics", spaced.to_str().unwrap()], "sarif", "never");
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(schema_errors(&sarif_schema(), &log).is_empty());
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/api%20server.metrics"),
        "{uri}"
    );
}

/// Parses the JUnit output and checks it against the JSON report of the same inputs.
fn check_junit(inputs: &[&str], fail_on: &str) -> (usize, usize, usize) {
    let out = analyze(inputs, "junit", fail_on);
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root_el = doc.root_element();
    assert_eq!(root_el.tag_name().name(), "testsuites");
    let cases: Vec<roxmltree::Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let count = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    let (failures, skipped) = (count("failure"), count("skipped"));
    assert_eq!(
        root_el.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(
        root_el.attribute("failures"),
        Some(failures.to_string().as_str())
    );
    assert_eq!(
        root_el.attribute("skipped"),
        Some(skipped.to_string().as_str())
    );
    let suites: Vec<_> = root_el
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), REGISTRY.len());

    // Expected from the JSON report: a case per (check, subject), failing at or above fail-on.
    let report = report(inputs);
    let at = match fail_on {
        "critical" => 2,
        "warning" => 1,
        _ => 3,
    };
    let rank = |s: &str| match s {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    };
    let mut groups: BTreeMap<(String, String), i32> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let worst = groups
            .entry((f["check"].as_str().unwrap().to_owned(), subject(f)))
            .or_insert(0);
        *worst = (*worst).max(rank(f["severity"].as_str().unwrap()));
    }
    let with_findings: BTreeSet<&str> = groups.keys().map(|(c, _)| c.as_str()).collect();
    let coverage = report["coverage"].as_array().unwrap();
    let not_run = coverage
        .iter()
        .filter(|c| {
            c["status"] != "evaluated" && !with_findings.contains(c["check"].as_str().unwrap())
        })
        .count();
    let clean = coverage
        .iter()
        .filter(|c| {
            c["status"] == "evaluated" && !with_findings.contains(c["check"].as_str().unwrap())
        })
        .count();
    assert_eq!(failures, groups.values().filter(|w| **w >= at).count());
    assert_eq!(skipped, not_run);
    assert_eq!(cases.len(), groups.len() + not_run + clean);
    for (check, subject) in groups.keys() {
        // XML 1.0 cannot hold control characters: the output has U+FFFD in their place.
        let subject: String = subject
            .chars()
            .map(|c| {
                if c < ' ' && !matches!(c, '\t' | '\n' | '\r') {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        let subject = subject.as_str();
        let case = cases
            .iter()
            .find(|c| {
                c.attribute("classname") == Some(&format!("cpguard.{check}"))
                    && c.attribute("name") == Some(subject)
            })
            .unwrap_or_else(|| panic!("no test case for {check} {subject}"));
        let body = case
            .children()
            .find(|n| n.has_tag_name("failure") || n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(body.contains(&format!("{check}: ")), "{body}");
    }
    (failures, skipped, clean)
}

#[test]
fn junit_has_a_case_per_check_and_subject_and_fails_at_fail_on() {
    let inputs = ["--metrics", SAMPLE, "--cluster", CLUSTER];
    let (failures_warning, _, clean) = check_junit(&inputs, "warning");
    let (failures_critical, _, _) = check_junit(&inputs, "critical");
    let (failures_never, _, _) = check_junit(&inputs, "never");
    assert!(
        failures_warning > failures_critical,
        "{failures_warning} {failures_critical}"
    );
    assert!(failures_critical > 0);
    assert_eq!(failures_never, 0);
    assert!(clean > 0);
    // Metrics only: the cluster checks are skipped with the reason.
    let (_, skipped, _) = check_junit(&["--metrics", SAMPLE], "critical");
    assert!(skipped > 5, "{skipped}");
    let xml = stdout(&analyze(&["--metrics", SAMPLE], "junit", "critical"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let sys001 = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("cpguard.SYS001"))
        .unwrap();
    let message = sys001
        .first_element_child()
        .unwrap()
        .attribute("message")
        .unwrap();
    assert!(message.starts_with("not-applicable: "), "{message}");
}

#[test]
fn junit_of_hostile_names_parses_and_keeps_the_text() {
    let inputs = ["--cluster", "tests/hostile/injection.yaml"];
    check_junit(&inputs, "warning");
    let xml = stdout(&analyze(&inputs, "junit", "warning"));
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{7}'), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(
        names.contains(&"ValidatingWebhookConfiguration/v\u{FFFD}]0;x\u{FFFD}\n# Heading <b>"),
        "{names:?}"
    );
}

#[test]
fn completions_and_man_page() {
    let bash = stdout(&cpguard(&["completions", "bash"]));
    assert!(
        bash.contains("_cpguard()") && bash.contains("analyze") && bash.contains("--metrics-later"),
        "{bash}"
    );
    let zsh = stdout(&cpguard(&["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef cpguard"), "{zsh}");
    let fish = stdout(&cpguard(&["completions", "fish"]));
    assert!(
        fish.contains("complete -c cpguard") && fish.contains("sarif"),
        "{fish}"
    );
    let bad = cpguard(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    let man = stdout(&cpguard(&["man"]));
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH cpguard 1"),
        "{man}"
    );
    assert!(
        man.contains(".TH cpguard 1") && man.contains("analyze") && man.contains("completions"),
        "{man}"
    );
}

#[test]
fn analyze_help_has_an_example_of_each_input_form() {
    let help = stdout(&cpguard(&["analyze", "--help"]));
    for example in [
        "cpguard analyze --metrics apiserver.metrics",
        "cpguard analyze --metrics t0.metrics --metrics-later t1.metrics",
        "cpguard analyze --cluster cluster.yaml --cluster token-secrets.yaml --cluster version.json --cluster eks.json",
        "--format sarif",
        "[possible values: text, json, markdown, sarif, junit]",
    ] {
        assert!(help.contains(example), "{example:?} not in\n{help}");
    }
}

/// A fresh directory under the system's temporary one.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpguard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_as_kubectl_plugin_it_says_kubectl_cpguard() {
    let dir = scratch("plugin");
    let plugin = dir.join("kubectl-cpguard");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cpguard"), &plugin).unwrap();
    let help = stdout(&run(&plugin, &["--help"]));
    assert!(help.contains("Usage: kubectl cpguard <COMMAND>"), "{help}");
    let help = stdout(&run(&plugin, &["analyze", "--help"]));
    assert!(
        help.contains("Usage: kubectl cpguard analyze [OPTIONS]"),
        "{help}"
    );
    assert!(
        help.contains("kubectl cpguard analyze --metrics apiserver.metrics"),
        "{help}"
    );
    // It still analyses.
    let out = run(
        &plugin,
        &[
            "analyze",
            "--metrics",
            SAMPLE,
            "--taken-at",
            TAKEN,
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("cpguard: "), "{}", stdout(&out));
}

/// `make install` without the release build: the files land under PREFIX (and DESTDIR).
#[test]
fn make_install_files_into_a_prefix() {
    if Command::new("make").arg("--version").output().is_err() {
        println!("skipped: no make");
        return;
    }
    let dir = scratch("install");
    let out = Command::new("make")
        .args(["-s", "install-files"])
        .arg(format!("PREFIX={}", dir.join("usr").display()))
        .arg(format!("CLI_BIN={}", env!("CARGO_BIN_EXE_cpguard")))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let usr = dir.join("usr");
    for file in [
        "bin/cpguard",
        "bin/kubectl-cpguard",
        "share/man/man1/cpguard.1",
        "share/bash-completion/completions/cpguard",
        "share/zsh/site-functions/_cpguard",
        "share/fish/vendor_completions.d/cpguard.fish",
    ] {
        assert!(usr.join(file).is_file(), "{file} not installed");
    }
    let help = stdout(&run(&usr.join("bin/kubectl-cpguard"), &["--help"]));
    assert!(help.contains("Usage: kubectl cpguard"), "{help}");
    // DESTDIR stages the same tree under another root.
    let staged = dir.join("stage");
    let out = Command::new("make")
        .args(["-s", "install-files", "PREFIX=/opt/cpguard"])
        .arg(format!("DESTDIR={}", staged.display()))
        .arg(format!("CLI_BIN={}", env!("CARGO_BIN_EXE_cpguard")))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(staged.join("opt/cpguard/bin/kubectl-cpguard").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
