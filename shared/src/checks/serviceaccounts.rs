//! SA001: legacy service-account token Secrets.

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::Object;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&SA001],
    run: Run::Cluster(|cx: &ClusterContext<'_>| check(cx.objects)),
};

/// ## What it does
/// Finds Secrets of type `kubernetes.io/service-account-token`.
///
/// ## Why is this bad?
/// They hold tokens that never expire; anyone who reads one keeps access until it is deleted.
pub const SA001: Check = Check {
    id: "SA001",
    severity: Severity::Warning,
    title: "legacy service-account token Secrets",
    rationale: "Token Secrets hold non-expiring credentials; a leak keeps working until the Secret is deleted. \
                Keep at most a deliberate break-glass token, and know where it is.",
    remediation: "Use projected, short-lived tokens (TokenRequest); delete unused token Secrets (1.29+ labels unused \
                  ones with kubernetes.io/legacy-token-invalid-since).",
    reference: GUIDE,    needs: &[Need::Kind(&["Secret"])],
};

pub fn check(objects: &[Object]) -> Vec<Finding> {
    let tokens: Vec<&Object> = objects
        .iter()
        .filter(|o| {
            o.kind() == "Secret"
                && o.secret_type.as_deref() == Some("kubernetes.io/service-account-token")
        })
        .collect();
    if tokens.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = tokens.iter().map(|o| o.reference()).collect();
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let message = format!(
        "{} legacy service-account token Secrets ({}{})",
        tokens.len(),
        shown.join(", "),
        if names.len() > 5 { ", ..." } else { "" }
    );
    vec![Finding::new(
        &SA001,
        message,
        names
            .into_iter()
            .map(|object| Evidence::Object {
                object,
                path: "type".to_owned(),
            })
            .collect(),
    )]
}
