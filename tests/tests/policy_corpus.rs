//! The built policies in the wasm host over the outside corpus (`../shared/corpus`, or
//! `$CPGUARD_CORPUS`): the Pod Security Standards fixtures, real workloads that set sysctls,
//! and real webhook configurations. Without the corpus each test says it skipped.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::{admission_request, corpus, files, read_yaml, root, Policy};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;

/// Names of the sysctls a rejection message calls unsafe or forbidden (SYS001).
fn sys001_names(message: &str) -> BTreeSet<String> {
    message
        .split("; ")
        .filter(|part| part.starts_with("SYS001 "))
        .filter_map(|part| part.split('"').nth(1).map(str::to_owned))
        .collect()
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Upstream runs `baseline/v1.X/{pass,fail}` through PSA at `baseline:v1.X`
/// (`pod-security-admission/test/fixtures_test.go`); the sysctl part of that must agree.
#[test]
fn pss_baseline_fixtures_at_every_version() {
    let Some(dir) = corpus("pss/baseline") else {
        return;
    };
    let instance = Policy::load("unsafe-sysctls").instance();
    let mut versions: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| v.trim_start_matches("v1.").parse::<u32>().unwrap_or(0));
    assert_eq!(versions.len(), 38, "{versions:?}");
    let newest = versions.last().cloned().unwrap_or_default();
    let mut checked = 0;
    for version in &versions {
        let settings = json!({ "podSecurityVersion": version });
        for pass in files(&dir.join(version).join("pass"), "yaml") {
            let file = name_of(&pass);
            if !file.starts_with("sysctls") && version != &newest {
                continue;
            }
            let response =
                instance.validate(&admission_request(&read_yaml(&pass), "CREATE"), &settings);
            assert!(
                response.accepted,
                "{version}/pass/{file}: {:?}",
                response.message
            );
            checked += 1;
        }
        for fail in files(&dir.join(version).join("fail"), "yaml") {
            let file = name_of(&fail);
            let response =
                instance.validate(&admission_request(&read_yaml(&fail), "CREATE"), &settings);
            if file == "sysctls0.yaml" {
                assert!(!response.accepted, "{version}/fail/{file} was accepted");
                let message = response.message.unwrap_or_default();
                assert_eq!(
                    sys001_names(&message),
                    BTreeSet::from(["othersysctl".to_owned()]),
                    "{message}"
                );
                assert!(
                    message.contains(&format!("baseline list ({version})")),
                    "{message}"
                );
                checked += 1;
            } else if version == &newest {
                // The other baseline failures are for other reasons (privileged, host namespaces, ...).
                assert!(
                    response.accepted,
                    "{version}/fail/{file}: {:?}",
                    response.message
                );
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        38 * 3 + 46,
        "every sysctl fixture and every newest-version fixture"
    );
}

/// The case upstream lacks: each name added to the baseline list in v1.N is rejected at v1.(N−1).
#[test]
fn pss_names_are_rejected_before_the_version_that_added_them() {
    let Some(dir) = corpus("pss/baseline") else {
        return;
    };
    let instance = Policy::load("unsafe-sysctls").instance();
    let added: [(u32, &[&str]); 4] = [
        (27, &["net.ipv4.ip_local_reserved_ports"]),
        (
            29,
            &[
                "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
                "net.ipv4.tcp_keepalive_time",
            ],
        ),
        (32, &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]),
        (
            37,
            &[
                "net.ipv4.tcp_notsent_lowat",
                "net.ipv4.tcp_slow_start_after_idle",
            ],
        ),
    ];
    for (minor, names) in added {
        let pod = read_yaml(&dir.join(format!("v1.{minor}/pass/sysctls1.yaml")));
        let request = admission_request(&pod, "CREATE");
        let before = instance.validate(
            &request,
            &json!({ "podSecurityVersion": format!("v1.{}", minor - 1) }),
        );
        assert!(
            !before.accepted,
            "v1.{minor} names accepted at v1.{}",
            minor - 1
        );
        let expected: BTreeSet<String> = names.iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(
            sys001_names(&before.message.unwrap_or_default()),
            expected,
            "v1.{minor}"
        );
        let at = instance.validate(
            &request,
            &json!({ "podSecurityVersion": format!("v1.{minor}") }),
        );
        assert!(at.accepted, "v1.{minor}: {:?}", at.message);
    }
}

/// `workloads/SOURCES.txt` gives a PSS verdict per file: `PSS ALLOW` or `PSS REJECT [names]`.
fn expected_verdicts(sources: &str, names: &[String]) -> Vec<(String, Option<BTreeSet<String>>)> {
    let mut out: Vec<(String, Option<BTreeSet<String>>)> = Vec::new();
    let mut current: Option<String> = None;
    for line in sources.lines() {
        if let Some(file) = names.iter().find(|n| line.starts_with(n.as_str())) {
            current = Some(file.clone());
        }
        let Some(file) = current.clone() else {
            continue;
        };
        if out.iter().any(|(f, _)| *f == file) {
            continue;
        }
        if line.contains("PSS ALLOW") {
            out.push((file, None));
        } else if let Some(rest) = line.split("PSS REJECT [").nth(1) {
            let list = rest.split(']').next().unwrap_or_default();
            out.push((file, Some(list.split(", ").map(str::to_owned).collect())));
        }
    }
    out
}

#[test]
fn real_workloads_get_the_verdicts_their_sources_expect() {
    let Some(dir) = corpus("workloads") else {
        return;
    };
    let instance = Policy::load("unsafe-sysctls").instance();
    let paths = files(&dir, "yaml");
    let names: Vec<String> = paths.iter().map(|p| name_of(p)).collect();
    let sources = std::fs::read_to_string(dir.join("SOURCES.txt")).unwrap_or_default();
    let verdicts = expected_verdicts(&sources, &names);
    assert_eq!(
        verdicts.len(),
        names.len(),
        "every workload has an expected verdict in SOURCES.txt"
    );
    assert_eq!(names.len(), 28);
    for (file, expected) in verdicts {
        let object = read_yaml(&dir.join(&file));
        let response = instance.validate(&admission_request(&object, "CREATE"), &json!({}));
        let message = response.message.clone().unwrap_or_default();
        match expected {
            None => assert!(response.accepted, "{file}: expected ALLOW, got {message}"),
            Some(names) => {
                assert!(!response.accepted, "{file}: expected REJECT {names:?}");
                assert_eq!(sys001_names(&message), names, "{file}: {message}");
            }
        }
    }
}

/// Every real webhook configuration with default settings; the verdicts are pinned as the table
/// in `policies/webhook-guard/README.md` (regenerate with `CPGUARD_BLESS=1`).
#[test]
fn real_webhook_configurations_table() {
    let Some(dir) = corpus("webhooks") else {
        return;
    };
    let instance = Policy::load("webhook-guard").instance();
    let mut table =
        String::from("| configuration | verdict | rejected for | warnings |\n|---|---|---|---|\n");
    let paths = files(&dir, "yaml");
    assert_eq!(paths.len(), 38);
    for path in &paths {
        let object = read_yaml(path);
        let response = instance.validate(&admission_request(&object, "CREATE"), &json!({}));
        let warnings: Vec<String> = response
            .warnings
            .iter()
            .flatten()
            .map(|w| {
                let mut parts = w.splitn(3, ' ');
                let id = parts.next().unwrap_or_default();
                let at = parts.next().unwrap_or_default().trim_end_matches(':');
                format!("{id} `{at}`")
            })
            .collect();
        let rejected = response.message.as_deref().map(|m| {
            let at: Vec<String> = m
                .split("; ")
                .map(|p| {
                    let mut parts = p.splitn(3, ' ');
                    let id = parts.next().unwrap_or_default();
                    format!(
                        "{id} `{}`",
                        parts.next().unwrap_or_default().trim_end_matches(':')
                    )
                })
                .collect();
            at.join(", ")
        });
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            name_of(path).trim_end_matches(".yaml"),
            if response.accepted {
                "accept"
            } else {
                "**reject**"
            },
            rejected.unwrap_or_default(),
            warnings.join(", ")
        ));
    }
    let readme_path = root().join("policies/webhook-guard/README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
    let (begin, end) = ("<!-- corpus-table:begin -->\n", "<!-- corpus-table:end -->");
    let (Some(start), Some(stop)) = (readme.find(begin), readme.find(end)) else {
        panic!("{} lacks the corpus-table markers", readme_path.display());
    };
    let current = &readme[start + begin.len()..stop];
    if std::env::var_os("CPGUARD_BLESS").is_some() {
        let updated = format!(
            "{}{table}{}",
            &readme[..start + begin.len()],
            &readme[stop..]
        );
        std::fs::write(&readme_path, updated).unwrap_or_else(|e| panic!("{e}"));
    } else {
        assert_eq!(
            current, table,
            "the webhook-guard README's corpus table is stale: run with CPGUARD_BLESS=1 and review"
        );
    }
}
