//! The cluster's own audit results: PolicyReports and ClusterPolicyReports
//! (`wgpolicyk8s.io`, written by Kubewarden's audit scanner and by Kyverno) and OpenReports'
//! Reports and ClusterReports (`openreports.io/v1alpha1`, the same schema under a new group),
//! as `kubectl get policyreports,clusterpolicyreports -A -o yaml` prints them.
//!
//! Every `fail` result becomes a POL001 finding and every `error` a POL002 finding, with the
//! policy's own message, the resource from the report's `scope` (or the result's `resources`,
//! as older Kyverno wrote them) and the engine from the result's `source`. `pass`, `warn` and
//! `skip` are counted. The shape follows the CRDs in `../shared/corpus/policyreports/` and
//! kubewarden/audit-scanner `internal/report/*.go` at 8472a7cf: one report per resource, named
//! after its UID, `scope` the resource, `source: kubewarden`, the rejection message as the
//! result's message.

use super::Object;
use crate::checks::Severity;
use crate::checks::{POL001, POL002};
use crate::report::{Evidence, Finding};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A Kubernetes ObjectReference: the fields a report's `scope` and `resources` carry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectReference {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl ObjectReference {
    /// `Kind/namespace/name` or `Kind/name`, as [`Object::reference`] writes it, so a report's
    /// resource and an offline finding's object compare equal.
    pub fn reference(&self) -> String {
        let kind = self.kind.as_deref().unwrap_or("<unknown kind>");
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match self.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => format!("{kind}/{ns}/{name}"),
            _ => format!("{kind}/{name}"),
        }
    }
}

/// `timestamp` of a result (a protobuf Timestamp).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Timestamp {
    pub seconds: Option<i64>,
}

/// One result of a report: only the fields read here.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportResult {
    pub source: Option<String>,
    pub policy: Option<String>,
    pub rule: Option<String>,
    /// `pass`, `fail`, `warn`, `error` or `skip`.
    pub result: Option<String>,
    pub message: Option<String>,
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: Option<String>,
    pub resources: Option<Vec<ObjectReference>>,
    pub timestamp: Option<Timestamp>,
}

/// What the cluster's policies audited, for the report's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyReportSummary {
    /// Reports read.
    pub reports: usize,
    /// Distinct resources the results are about.
    pub resources: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub error: usize,
    pub skip: usize,
    /// The engines that wrote them (`source` of the results), sorted.
    pub engines: Vec<String>,
    /// Earliest and latest result timestamp (Unix seconds), when the results carry one.
    pub first_seconds: Option<i64>,
    pub last_seconds: Option<i64>,
}

impl PolicyReportSummary {
    /// One line for the text report, the Markdown and the viewer's summary.
    pub fn line(&self) -> String {
        let engines = if self.engines.is_empty() {
            "unknown engines".to_owned()
        } else {
            self.engines.join(", ")
        };
        let when = match (self.first_seconds, self.last_seconds) {
            (Some(a), Some(b)) if a == b => format!(" at {}", rfc3339(a)),
            (Some(a), Some(b)) => format!(" between {} and {}", rfc3339(a), rfc3339(b)),
            _ => " (no result timestamps)".to_owned(),
        };
        format!(
            "cluster policies ({engines}) audited {} resources in {} reports{when}: {} fail, {} error, {} warn, {} pass, {} skip",
            self.resources, self.reports, self.fail, self.error, self.warn, self.pass, self.skip
        )
    }
}

#[allow(clippy::cast_precision_loss)] // Unix seconds fit an f64 exactly until year 285 million.
fn rfc3339(seconds: i64) -> String {
    crate::time::format_rfc3339(seconds as f64)
}

/// Whether the object is a report this module reads.
pub fn is_report(object: &Object) -> bool {
    let group = object
        .api_version
        .as_deref()
        .and_then(|v| v.split_once('/'))
        .map(|(g, _)| g);
    match object.kind() {
        "PolicyReport" | "ClusterPolicyReport" => group.is_none_or(|g| g == "wgpolicyk8s.io"),
        "Report" | "ClusterReport" => group == Some("openreports.io"),
        _ => false,
    }
}

/// The severity of a failed result: cpguard's own policies reject with lines that start with
/// a check ID (`WH003 webhooks[0]...; WH004 ...`), so their results take the most severe of
/// those checks; other engines' results take the report's severity (Kubewarden writes the
/// policy's `io.kubewarden.policy.severity`, `info` in monitor mode; Kyverno the policy's).
fn severity(result: &ReportResult, check_default: Severity) -> Severity {
    let ours = result
        .message
        .as_deref()
        .unwrap_or_default()
        .split("; ")
        .filter_map(|line| line.split(' ').next().and_then(crate::checks::by_id))
        .map(|check| check.severity)
        .max();
    if let Some(severity) = ours {
        return severity;
    }
    match result.severity.as_deref() {
        Some("critical" | "high") => Severity::Critical,
        Some("medium" | "low") => Severity::Warning,
        Some("info") => Severity::Info,
        _ => check_default,
    }
}

/// The findings and the summary of every report among `objects`; `None` when there is none.
pub fn check(objects: &[Object]) -> (Vec<Finding>, Option<PolicyReportSummary>) {
    let mut findings = Vec::new();
    let mut summary = PolicyReportSummary::default();
    let mut resources = BTreeSet::new();
    let mut engines = BTreeSet::new();
    for report in objects.iter().filter(|o| is_report(o)) {
        summary.reports += 1;
        let report_ref = report.reference();
        let scope = report.scope.as_ref().map(ObjectReference::reference);
        for (i, result) in report.results.iter().flatten().enumerate() {
            let targets: Vec<String> = match result.resources.as_deref() {
                Some(list) if !list.is_empty() => {
                    list.iter().map(ObjectReference::reference).collect()
                }
                _ => vec![scope
                    .clone()
                    .unwrap_or_else(|| "<resource not named>".to_owned())],
            };
            resources.extend(targets.iter().cloned());
            let engine = result.source.as_deref().unwrap_or("unknown engine");
            engines.insert(engine.to_owned());
            if let Some(seconds) = result.timestamp.as_ref().and_then(|t| t.seconds) {
                summary.first_seconds =
                    Some(summary.first_seconds.map_or(seconds, |s| s.min(seconds)));
                summary.last_seconds =
                    Some(summary.last_seconds.map_or(seconds, |s| s.max(seconds)));
            }
            let (check, verb) = match result.result.as_deref() {
                Some("fail") => {
                    summary.fail += 1;
                    (&POL001, "fails")
                }
                Some("error") => {
                    summary.error += 1;
                    (&POL002, "could not evaluate")
                }
                Some("pass") => {
                    summary.pass += 1;
                    continue;
                }
                Some("warn") => {
                    summary.warn += 1;
                    continue;
                }
                _ => {
                    summary.skip += 1;
                    continue;
                }
            };
            let policy = match (result.policy.as_deref(), result.rule.as_deref()) {
                (Some(p), Some(r)) if !r.is_empty() && r != p => format!("{p}/{r}"),
                (Some(p), _) => p.to_owned(),
                (None, _) => "<unnamed policy>".to_owned(),
            };
            let said = result.message.as_deref().unwrap_or("(no message)");
            for target in targets {
                let mut finding = Finding::with_severity(
                    check,
                    severity(result, check.severity),
                    format!("{target}: {engine} policy {policy} {verb} it: {said}"),
                    vec![Evidence::Object {
                        object: target,
                        path: format!("{report_ref} results[{i}]"),
                    }],
                );
                finding.source = Some(engine.to_owned());
                findings.push(finding);
            }
        }
    }
    if summary.reports == 0 {
        return (findings, None);
    }
    summary.resources = resources.len();
    summary.engines = engines.into_iter().collect();
    (findings, Some(summary))
}

/// The object a finding is about, when it names one.
fn object_of(finding: &Finding) -> Option<&str> {
    finding.evidence.iter().find_map(|e| match e {
        Evidence::Object { object, .. } => Some(object.as_str()),
        Evidence::Metric { .. } => None,
    })
}

/// When cpguard's offline checks and a cluster policy flag the same object, each finding says
/// so: the cluster's names the offline checks, the offline ones name the cluster's policies.
pub fn cross_reference(offline: &mut [Finding], cluster: &mut [Finding]) {
    let mut offline_checks: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in offline.iter() {
        if let Some(object) = object_of(f) {
            offline_checks
                .entry(object.to_owned())
                .or_default()
                .insert(f.check.to_string());
        }
    }
    let mut cluster_policies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in cluster.iter_mut() {
        let Some(object) = object_of(f).map(str::to_owned) else {
            continue;
        };
        if let Some(checks) = offline_checks.get(&object) {
            let list: Vec<&str> = checks.iter().map(String::as_str).collect();
            f.message.push_str(&format!(
                " (cpguard's offline checks flag it too: {})",
                list.join(", ")
            ));
        }
        // "<object>: <engine> policy <name> fails it: ..." — the words between are the policy.
        let who = f
            .message
            .strip_prefix(&format!("{object}: "))
            .and_then(|rest| rest.split_once(" it: "))
            .map(|(who, _)| who.to_owned());
        if let Some(who) = who {
            cluster_policies.entry(object).or_default().insert(who);
        }
    }
    for f in offline.iter_mut() {
        if let Some(policies) = object_of(f).and_then(|o| cluster_policies.get(o)) {
            let list: Vec<&str> = policies.iter().map(String::as_str).collect();
            f.message
                .push_str(&format!(" (in the cluster: {})", list.join("; ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::load;

    fn run(yaml: &str) -> (Vec<String>, Option<PolicyReportSummary>) {
        let loaded = load(yaml);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let (findings, summary) = check(&loaded.objects);
        (
            findings
                .iter()
                .map(|f| {
                    format!(
                        "{} {} [{}] {}",
                        f.check,
                        f.severity.as_str(),
                        f.source.as_deref().unwrap_or_default(),
                        f.message
                    )
                })
                .collect(),
            summary,
        )
    }

    #[test]
    fn kyverno_namespace_reports_name_resources_per_result() {
        let yaml = "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: polr-ns-default, namespace: default}\nresults:\n- policy: require-labels\n  rule: check-team\n  result: fail\n  source: kyverno\n  severity: medium\n  message: 'validation error: label team is required'\n  resources:\n  - {apiVersion: v1, kind: Pod, name: a, namespace: default}\n  - {apiVersion: v1, kind: Pod, name: b, namespace: default}\n  timestamp: {seconds: 1764410400, nanos: 0}\n- policy: require-labels\n  rule: check-team\n  result: pass\n  source: kyverno\n  resources:\n  - {apiVersion: v1, kind: Pod, name: c, namespace: default}\n  timestamp: {seconds: 1764410460, nanos: 0}\n";
        let (found, summary) = run(yaml);
        assert_eq!(
            found,
            vec![
                "POL001 warning [kyverno] Pod/default/a: kyverno policy require-labels/check-team fails it: validation error: label team is required",
                "POL001 warning [kyverno] Pod/default/b: kyverno policy require-labels/check-team fails it: validation error: label team is required",
            ]
        );
        let summary = summary.unwrap();
        assert_eq!((summary.resources, summary.fail, summary.pass), (3, 1, 1));
        assert_eq!(
            summary.line(),
            "cluster policies (kyverno) audited 3 resources in 1 reports between 2025-11-29T10:00:00Z and 2025-11-29T10:01:00Z: 1 fail, 0 error, 0 warn, 1 pass, 0 skip"
        );
    }

    #[test]
    fn other_kinds_and_groups_are_not_reports() {
        let yaml = "apiVersion: example.com/v1\nkind: Report\nmetadata: {name: x}\nresults:\n- {result: fail}\n";
        let (found, summary) = run(yaml);
        assert!(found.is_empty() && summary.is_none(), "{found:?}");
    }

    #[test]
    fn error_results_and_report_severity() {
        let yaml = "apiVersion: openreports.io/v1alpha1\nkind: ClusterReport\nmetadata: {name: 0b0e}\nscope: {apiVersion: v1, kind: Namespace, name: team-a}\nresults:\n- {policy: p, result: error, source: kubewarden, severity: high, message: 'cannot decode'}\n- {policy: p, result: skip, source: kubewarden}\n";
        let (found, summary) = run(yaml);
        assert_eq!(
            found,
            vec!["POL002 critical [kubewarden] Namespace/team-a: kubewarden policy p could not evaluate it: cannot decode"]
        );
        assert!(summary
            .unwrap()
            .line()
            .ends_with("(no result timestamps): 0 fail, 1 error, 0 warn, 0 pass, 1 skip"));
    }
}
