//! POL001–POL002: what the cluster's own policy engines (Kubewarden's audit scanner, Kyverno,
//! any writer of PolicyReports) recorded, read from `kubectl get policyreports,
//! clusterpolicyreports -A -o yaml`. The reading is in [`crate::cluster::policyreport`].

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::policyreport::{engine, is_report, targets, ObjectReference, ReportResult};
use crate::cluster::Object;
use crate::report::{Evidence, Finding};
use std::collections::{BTreeMap, BTreeSet};

pub const ENTRY: Entry = Entry {
    checks: &[&POL001, &POL002],
    run: Run::Cluster(|cx: &ClusterContext<'_>| check(cx.objects)),
};

/// The report kinds POL001 and POL002 read (`kubectl get policyreports,clusterpolicyreports`).
const REPORT_KINDS: &[&str] = &[
    "PolicyReport",
    "ClusterPolicyReport",
    "Report",
    "ClusterReport",
];

/// ## What it does
/// Turns every `fail` result of a PolicyReport (wgpolicyk8s.io) or OpenReports Report into a
/// finding, with the policy's own message, the audited resource and the engine that wrote it.
///
/// ## Why is this bad?
/// The cluster's policies already judged the object and found it wanting; in audit (background)
/// mode nothing else tells anyone.
pub const POL001: Check = Check {
    id: "POL001",
    severity: Severity::Warning,
    title: "a cluster policy fails a resource",
    rationale: "A policy running in the cluster (Kubewarden's audit scanner, Kyverno's background scan) \
                evaluated the resource and it failed; audit results are recorded in PolicyReports and \
                shown nowhere else.",
    remediation: "Read the policy's message and change the resource as it asks, or exempt the resource in \
                  the policy's settings if the failure is accepted.",
    reference: GUIDE,
    needs: &[Need::Kind(REPORT_KINDS)],
};

/// ## What it does
/// Turns every `error` result of a PolicyReport into a finding.
///
/// ## Why is this bad?
/// The policy could not evaluate the resource, so the cluster does not know whether it passes.
pub const POL002: Check = Check {
    id: "POL002",
    severity: Severity::Warning,
    title: "a cluster policy could not evaluate a resource",
    rationale: "The policy engine recorded an error for the resource: a policy that cannot evaluate it \
                guards nothing, and at admission a fail-closed policy with the same error blocks writes.",
    remediation: "Read the message: fix the policy's settings, or the rules naming resources the cluster \
                  does not serve, then let the audit scanner run again.",
    reference: GUIDE,
    needs: &[Need::Kind(REPORT_KINDS)],
};

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
        .filter_map(|line| line.split(' ').next().and_then(super::by_id))
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

/// The findings of every report among `objects`.
pub fn check(objects: &[Object]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for report in objects.iter().filter(|o| is_report(o)) {
        let report_ref = report.reference();
        let scope = report.scope.as_ref().map(ObjectReference::reference);
        for (i, result) in report.results.iter().flatten().enumerate() {
            let (check, verb) = match result.result.as_deref() {
                Some("fail") => (&POL001, "fails"),
                Some("error") => (&POL002, "could not evaluate"),
                _ => continue,
            };
            let engine = engine(result);
            let policy = match (result.policy.as_deref(), result.rule.as_deref()) {
                (Some(p), Some(r)) if !r.is_empty() && r != p => format!("{p}/{r}"),
                (Some(p), _) => p.to_owned(),
                (None, _) => "<unnamed policy>".to_owned(),
            };
            let said = result.message.as_deref().unwrap_or("(no message)");
            for target in targets(result, scope.as_deref()) {
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
    findings
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
    use crate::report::PolicyReportSummary;
    use crate::cluster::load;

    fn run(yaml: &str) -> (Vec<String>, Option<PolicyReportSummary>) {
        let loaded = load(yaml);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let findings = check(&loaded.objects);
        let summary = crate::cluster::policyreport::summary(&loaded.objects);
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
