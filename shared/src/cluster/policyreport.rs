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
use serde::Deserialize;
use std::collections::BTreeSet;

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

pub use crate::report::cluster::PolicyReportSummary;

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

/// What the reports among `objects` audited; `None` when there is none.
pub fn summary(objects: &[Object]) -> Option<PolicyReportSummary> {
    let mut summary = PolicyReportSummary::default();
    let mut resources = BTreeSet::new();
    let mut engines = BTreeSet::new();
    for report in objects.iter().filter(|o| is_report(o)) {
        summary.reports += 1;
        let scope = report.scope.as_ref().map(ObjectReference::reference);
        for result in report.results.iter().flatten() {
            resources.extend(targets(result, scope.as_deref()));
            engines.insert(engine(result).to_owned());
            if let Some(seconds) = result.timestamp.as_ref().and_then(|t| t.seconds) {
                summary.first_seconds =
                    Some(summary.first_seconds.map_or(seconds, |s| s.min(seconds)));
                summary.last_seconds =
                    Some(summary.last_seconds.map_or(seconds, |s| s.max(seconds)));
            }
            match result.result.as_deref() {
                Some("fail") => summary.fail += 1,
                Some("error") => summary.error += 1,
                Some("pass") => summary.pass += 1,
                Some("warn") => summary.warn += 1,
                _ => summary.skip += 1,
            }
        }
    }
    if summary.reports == 0 {
        return None;
    }
    summary.resources = resources.len();
    summary.engines = engines.into_iter().collect();
    Some(summary)
}

/// The objects a result is about: its resources, else the report's scope.
pub fn targets(result: &ReportResult, scope: Option<&str>) -> Vec<String> {
    match result.resources.as_deref() {
        Some(list) if !list.is_empty() => list.iter().map(ObjectReference::reference).collect(),
        _ => vec![scope.unwrap_or("<resource not named>").to_owned()],
    }
}

/// The engine that wrote a result (its `source`).
pub fn engine(result: &ReportResult) -> &str {
    result.source.as_deref().unwrap_or("unknown engine")
}
