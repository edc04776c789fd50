//! POL001–POL002: what the cluster's own policy engines (Kubewarden's audit scanner, Kyverno,
//! any writer of PolicyReports) recorded, read from `kubectl get policyreports,
//! clusterpolicyreports -A -o yaml`. The reading is in [`crate::cluster::policyreport`].

use super::{Check, Need, Severity, GUIDE};

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
