//! WH001–WH005: admission webhook configurations that can block or slow the control plane.
//!
//! The rules themselves live in [`crate::rules::webhook`], shared with the webhook-guard policy.

use super::{Check, Need, Severity, GUIDE};

/// The objects the webhook checks read.
pub const WEBHOOK_KINDS: &[&str] = &[
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
];

/// ## What it does
/// Finds webhooks with a rule whose apiGroups, apiVersions, operations and resources are all
/// wildcards, when the webhook fails closed or may take 30 s or more.
///
/// ## Why is this bad?
/// Every write in the cluster, kube-system and the webhook's own Pods included, then waits for
/// one service. When it is down, nothing can change — not even the fix.
pub const WH001: Check = Check {
    id: "WH001",
    severity: Severity::Critical,
    title: "catch-all webhook that can block the cluster",
    rationale: "A webhook that intercepts every resource and fails closed (or waits 30 s or more) puts one \
                service in front of every write in the cluster; when it is down or slow, the control plane \
                cannot change anything, including the webhook's own Pods.",
    remediation: "Scope the rules to the resources the webhook needs, exclude kube-system with a \
                  namespaceSelector, and set failurePolicy: Ignore with timeoutSeconds well under 30.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks whose timeout is longer than the limit you set.
///
/// ## Why is this bad?
/// A slow fail-closed webhook holds every matching request for its whole timeout.
pub const WH002: Check = Check {
    id: "WH002",
    severity: Severity::Warning,
    title: "long fail-closed timeout",
    rationale:
        "A fail-closed webhook that hangs holds every matching API request for its whole timeout, \
                tying up API server capacity (and clients' retries) while it does.",
    remediation:
        "Lower timeoutSeconds (the Kubernetes default is 10 s) or make the webhook fail open.",
    reference: GUIDE,
    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks on namespaced resources whose namespaceSelector still matches
/// `kube-system` (by its `kubernetes.io/metadata.name` label).
///
/// ## Why is this bad?
/// When the webhook is down, system components in kube-system (CNI, DNS, kube-proxy) cannot be
/// created or updated.
pub const WH003: Check = Check {
    id: "WH003",
    severity: Severity::Warning,
    title: "fail-closed webhook reaches kube-system",
    rationale: "While the webhook is unavailable, changes to cluster-critical components in kube-system \
                (CNI, CoreDNS, kube-proxy, the webhook's own fix) are refused.",
    remediation: "Add to the namespaceSelector: {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds webhooks that intercept leases, events, TokenReviews or SubjectAccessReviews.
///
/// ## Why is this bad?
/// Node heartbeats (leases in kube-node-lease), leader election and authentication run through
/// these; a slow or failing webhook there marks nodes NotReady or stalls controllers.
pub const WH004: Check = Check {
    id: "WH004",
    severity: Severity::Warning,
    title: "webhook on control-plane-critical resources",
    rationale: "Node heartbeats and leader election (leases in kube-node-lease and kube-system), events, \
                TokenReviews and SubjectAccessReviews are on the control plane's hot path; a webhook there \
                can mark nodes NotReady or stall every controller.",
    remediation: "Remove leases, events, tokenreviews and subjectaccessreviews from the webhook's rules, \
                  or exclude kube-node-lease and kube-system with its namespaceSelector.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks on Pod creation that do not exclude the namespace of their own
/// service.
///
/// ## Why is this bad?
/// When all of the webhook's Pods are gone, new ones cannot be created: the webhook must answer
/// first, and it has no Pods to answer with.
pub const WH005: Check = Check {
    id: "WH005",
    severity: Severity::Warning,
    title: "self-deadlock risk",
    rationale: "If every Pod of the webhook's service is gone (node loss, rollout, eviction), their \
                replacements cannot be created, because creating a Pod needs the webhook to answer.",
    remediation: "Exclude the webhook's own namespace with its namespaceSelector (kubernetes.io/metadata.name NotIn [<namespace>]) \
                  or fail open.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};
