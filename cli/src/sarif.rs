//! `--format sarif`: the report as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF
//! viewers.
//!
//! Every check of the registry is a rule (help text and guide link included); every finding is
//! a result. A finding about an object names it as a logical location (`Kind/namespace/name`,
//! then the path inside it); a finding about a metric names the series (logical location of kind
//! `metric`, and the evidence with its value in the result's properties). The physical location
//! is the input file the finding came from, as far as the CLI can tell: the metrics dump for
//! metrics checks, and for cluster checks the `--cluster` file that holds the object's name
//! (with the line where it is named). Findings read from stdin have no physical location.

use crate::Sources;
use cpguard_core::checks::REGISTRY;
use cpguard_core::report::{Evidence, Finding};
use cpguard_core::{Check, Report, Severity};
use serde_json::{json, Map, Value};

/// The schema the log declares (the OASIS 2.1.0 errata 01 schema, shipped in `tests/data/`).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The whole log, pretty-printed.
pub fn render(report: &Report, sources: &Sources<'_>) -> String {
    serde_json::to_string_pretty(&log(report, sources)).unwrap_or_default()
}

/// The log as a JSON value.
pub fn log(report: &Report, sources: &Sources<'_>) -> Value {
    let results: Vec<Value> = report.findings.iter().map(|f| result(f, sources)).collect();
    let mut run = Map::new();
    run.insert(
        "tool".to_owned(),
        json!({
            "driver": {
                "name": "cpguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": REGISTRY.iter().map(|c| rule(c)).collect::<Vec<_>>(),
            }
        }),
    );
    run.insert(
        "invocations".to_owned(),
        json!([invocation(report, sources)]),
    );
    let artifacts = artifacts(sources);
    if !artifacts.is_empty() {
        run.insert("artifacts".to_owned(), Value::Array(artifacts));
    }
    run.insert("results".to_owned(), Value::Array(results));
    run.insert("columnKind".to_owned(), json!("unicodeCodePoints"));
    run.insert(
        "properties".to_owned(),
        json!({
            "schemaVersion": report.schema_version,
            "coverage": serde_json::to_value(&report.coverage).unwrap_or(Value::Null),
        }),
    );
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    })
}

/// A rule's readable name: its title in UpperCamelCase ("unsafe sysctl" → `UnsafeSysctl`).
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn rule(check: &Check) -> Value {
    json!({
        "id": check.id,
        "name": rule_name(check.title),
        "shortDescription": { "text": check.title },
        "fullDescription": { "text": check.rationale },
        "help": {
            "text": format!("{}\n\nReference: {}", check.remediation, check.reference),
            "markdown": format!(
                "**Why is this bad?** {}\n\n**Remediation:** {}\n\n[Reference]({})",
                check.rationale, check.remediation, check.reference
            ),
        },
        "helpUri": check.reference,
        "defaultConfiguration": { "level": level(check.severity) },
        "properties": {
            "tags": ["kubernetes", "control-plane", if check.reads_metrics() { "metrics" } else { "cluster" }],
            "severity": check.severity.as_str(),
        },
    })
}

fn result(f: &Finding, sources: &Sources<'_>) -> Value {
    let reads_metrics = cpguard_core::checks::by_id(&f.check).is_some_and(Check::reads_metrics);
    let mut locations: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| location(e, reads_metrics, sources))
        .collect();
    if locations.is_empty() {
        // A finding without evidence (the "and N more" summary) still points at its input.
        let file = if reads_metrics {
            sources.metrics_file()
        } else {
            sources.cluster_file(None)
        };
        if let Some((uri, _)) = file {
            locations.push(json!({ "physicalLocation": physical(&uri, None) }));
        }
    }
    let mut properties = Map::new();
    properties.insert("severity".to_owned(), json!(f.severity.as_str()));
    properties.insert(
        "evidence".to_owned(),
        serde_json::to_value(&f.evidence).unwrap_or(Value::Null),
    );
    if let Some(source) = &f.source {
        properties.insert("source".to_owned(), json!(source));
    }
    let subject = f
        .evidence
        .first()
        .map_or_else(String::new, Evidence::subject);
    json!({
        "ruleId": f.check,
        "ruleIndex": REGISTRY.iter().position(|c| c.id == f.check).map_or(-1, |i| i64::try_from(i).unwrap_or(-1)),
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": locations,
        "partialFingerprints": { "cpguardSubject/v1": format!("{}|{subject}", f.check) },
        "properties": Value::Object(properties),
    })
}

fn location(e: &Evidence, reads_metrics: bool, sources: &Sources<'_>) -> Value {
    let mut loc = Map::new();
    let file = match e {
        Evidence::Object { object, path } => {
            let name = object.rsplit('/').next().unwrap_or(object);
            let mut logical = vec![json!({
                "name": name,
                "fullyQualifiedName": object,
                "kind": "resource",
            })];
            if !path.is_empty() {
                logical.push(json!({
                    "name": path,
                    "fullyQualifiedName": format!("{object}:{path}"),
                    "kind": "property",
                }));
            }
            loc.insert("logicalLocations".to_owned(), Value::Array(logical));
            if reads_metrics {
                sources.metrics_file()
            } else {
                sources.cluster_file(Some(name))
            }
        }
        Evidence::Metric { metric, .. } => {
            loc.insert(
                "logicalLocations".to_owned(),
                json!([{
                    "name": metric,
                    "fullyQualifiedName": e.subject(),
                    "kind": "metric",
                }]),
            );
            loc.insert("message".to_owned(), json!({ "text": e.line() }));
            sources.metrics_file()
        }
    };
    if let Some((uri, line)) = file {
        loc.insert("physicalLocation".to_owned(), physical(&uri, line));
    }
    Value::Object(loc)
}

fn physical(uri: &str, line: Option<usize>) -> Value {
    match line {
        Some(line) => json!({
            "artifactLocation": { "uri": uri },
            "region": { "startLine": line },
        }),
        None => json!({ "artifactLocation": { "uri": uri } }),
    }
}

fn invocation(report: &Report, sources: &Sources<'_>) -> Value {
    let mut notifications: Vec<Value> = Vec::new();
    for d in &report.diagnostics {
        // The level's Rust type is moving inside the core; its JSON spelling is the contract.
        let level = serde_json::to_value(d.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "warning".to_owned());
        let file = match &*d.input {
            "metrics" => sources.metrics.filter(|p| *p != "-").map(uri),
            "metrics-later" => sources.metrics_later.filter(|p| *p != "-").map(uri),
            _ => d.file.as_deref().filter(|p| *p != "-").map(uri),
        };
        let mut n = Map::new();
        n.insert(
            "message".to_owned(),
            json!({ "text": format!("{}: {}", d.input, d.message) }),
        );
        n.insert(
            "level".to_owned(),
            json!(if level == "error" { "error" } else { "warning" }),
        );
        if let Some(file) = file {
            let line = usize::try_from(d.line).ok().filter(|l| *l > 0);
            n.insert(
                "locations".to_owned(),
                json!([{ "physicalLocation": physical(&file, line) }]),
            );
        }
        notifications.push(Value::Object(n));
    }
    for u in &report.unusable_inputs {
        notifications.push(json!({
            "message": { "text": format!("{} input {}: {}", u.input, u.file.as_deref().unwrap_or(""), u.reason) },
            "level": "warning",
        }));
    }
    json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    })
}

fn artifacts(sources: &Sources<'_>) -> Vec<Value> {
    let metrics = [sources.metrics, sources.metrics_later];
    metrics
        .iter()
        .flatten()
        .copied()
        .chain(sources.cluster.iter().map(|(path, _)| path.as_str()))
        .filter(|p| *p != "-")
        .map(|p| json!({ "location": { "uri": uri(p) }, "roles": ["analysisTarget"] }))
        .collect()
}

/// A file path as a URI reference: relative paths stay relative (so code scanning resolves them
/// against the checkout), absolute ones become `file://` URIs; anything outside RFC 3986's
/// unreserved set and `/` is percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Sources<'_> {
    /// The metrics dump, unless it came from stdin.
    fn metrics_file(&self) -> Option<(String, Option<usize>)> {
        self.metrics.filter(|p| *p != "-").map(|p| (uri(p), None))
    }

    /// The cluster file that names `name` (and the line), else the first cluster file.
    fn cluster_file(&self, name: Option<&str>) -> Option<(String, Option<usize>)> {
        let files = || self.cluster.iter().filter(|(path, _)| path != "-");
        if let Some(name) = name {
            for (path, text) in files() {
                if let Some(line) = line_naming(text, name) {
                    return Some((uri(path), Some(line)));
                }
            }
        }
        files().next().map(|(path, _)| (uri(path), None))
    }
}

/// The 1-based line where a YAML or JSON export names an object `name` (`name: x`,
/// `"name": "x"`).
fn line_naming(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            let value = line
                .strip_prefix("name:")
                .or_else(|| line.strip_prefix("\"name\":"))
                .map(|v| v.trim().trim_end_matches(',').trim_matches(['"', '\'']));
            value == Some(name)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("unsafe sysctl"), "UnsafeSysctl");
        assert_eq!(
            rule_name("webhook without kube-system exclusion"),
            "WebhookWithoutKubeSystemExclusion"
        );
        assert_eq!(
            uri("dumps/api server.metrics"),
            "dumps/api%20server.metrics"
        );
        assert_eq!(uri("/tmp/a#b"), "file:///tmp/a%23b");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn finds_the_line_naming_an_object() {
        let yaml = "items:\n- kind: Pod\n  metadata:\n    name: web\n    namespace: shop\n";
        assert_eq!(line_naming(yaml, "web"), Some(4));
        assert_eq!(line_naming(yaml, "we"), None);
        let json = "{\n  \"metadata\": {\n    \"name\": \"web\",\n";
        assert_eq!(line_naming(json, "web"), Some(3));
    }
}
