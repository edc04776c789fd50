//! AUTH001–AUTH006: the `kube-system/aws-auth` ConfigMap, whose `mapRoles`, `mapUsers` and
//! `mapAccounts` are YAML documents inside strings.

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::{decode_yaml, Object};
use crate::report::{Evidence, Finding};
use serde::Deserialize;

/// The ConfigMap the AUTH checks read.
const AWS_AUTH: &[&str] = &["ConfigMap/kube-system/aws-auth"];

pub const ENTRY: Entry = Entry {
    checks: &[&AUTH001, &AUTH002, &AUTH003, &AUTH004, &AUTH005, &AUTH006],
    run: Run::Cluster(|cx: &ClusterContext<'_>| {
        let mut findings = check(cx.objects);
        // With the EKS description, the fix says whether access entries are there to move to.
        super::eks::note_access_entries(&mut findings, cx.eks, true);
        findings
    }),
};

/// ## What it does
/// Parses `mapRoles`, `mapUsers` and `mapAccounts` as the AWS IAM authenticator does.
///
/// ## Why is this bad?
/// A key that does not parse is dropped whole: every role or user in it is locked out.
pub const AUTH001: Check = Check {
    id: "AUTH001",
    severity: Severity::Critical,
    title: "aws-auth entry that does not parse",
    rationale: "The authenticator ignores a mapRoles/mapUsers value that is not valid YAML: every identity in it \
                loses access at once, node roles included (nodes then stop joining the cluster).",
    remediation: "Fix the YAML (indentation, quoting) and apply it with the cluster creator's identity, which keeps \
                  access; prefer EKS access entries over aws-auth.",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

/// ## What it does
/// Finds entries without an ARN (`rolearn`/`userarn`) or without a `username`.
///
/// ## Why is this bad?
/// The authenticator skips them: the identity they meant to map has no access.
pub const AUTH002: Check = Check {
    id: "AUTH002",
    severity: Severity::Warning,
    title: "aws-auth entry without ARN or username",
    rationale: "An entry without its ARN or username maps nobody; whoever it was meant for has no access.",
    remediation: "Give each entry its rolearn/userarn and a username (e.g. system:node:{{EC2PrivateDNSName}} for nodes).",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

/// ## What it does
/// Finds role ARNs with an IAM path (`arn:aws:iam::123:role/path/name`).
///
/// ## Why is this bad?
/// The authenticator matches the ARN without its path: the entry never matches.
pub const AUTH003: Check = Check {
    id: "AUTH003",
    severity: Severity::Warning,
    title: "aws-auth role ARN with an IAM path",
    rationale: "Sessions of a role present its ARN without the path, so an entry written with the path never \
                matches and the role has no access.",
    remediation: "Remove the path: arn:aws:iam::<account>:role/<name>.",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

/// ## What it does
/// Finds instance-profile ARNs where a role ARN belongs.
pub const AUTH004: Check = Check {
    id: "AUTH004",
    severity: Severity::Warning,
    title: "aws-auth instance-profile ARN instead of a role",
    rationale: "Nodes authenticate with their role, not their instance profile: an instance-profile ARN never \
                matches and the nodes cannot join.",
    remediation: "Use the ARN of the role inside the instance profile.",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

/// ## What it does
/// Finds entries that grant `system:masters`.
pub const AUTH005: Check = Check {
    id: "AUTH005",
    severity: Severity::Warning,
    title: "aws-auth grants system:masters",
    rationale: "system:masters bypasses RBAC entirely and cannot be restricted or audited by role bindings.",
    remediation: "Bind a ClusterRole (or an EKS access policy) to a group of your own instead.",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

/// ## What it does
/// Notes that `mapUsers` is in use.
pub const AUTH006: Check = Check {
    id: "AUTH006",
    severity: Severity::Info,
    title: "aws-auth maps IAM users",
    rationale: "Long-lived IAM user credentials are mapped into the cluster; roles with temporary credentials are \
                easier to rotate and audit.",
    remediation: "Map IAM roles (or use EKS access entries) and let people assume them.",
    reference: GUIDE,    needs: &[Need::Object(AWS_AUTH)],
};

#[derive(Deserialize, Default)]
#[serde(default)]
struct MapEntry {
    rolearn: Option<String>,
    userarn: Option<String>,
    username: Option<String>,
    groups: Option<Vec<String>>,
}

fn has_path(arn: &str) -> bool {
    arn.split_once(":role/")
        .is_some_and(|(_, rest)| rest.contains('/'))
}

pub fn check(objects: &[Object]) -> Vec<Finding> {
    let Some(cm) = objects.iter().find(|o| {
        o.kind() == "ConfigMap"
            && o.metadata.namespace.as_deref() == Some("kube-system")
            && o.metadata.name.as_deref() == Some("aws-auth")
    }) else {
        return Vec::new();
    };
    let object = cm.reference();
    let evidence = |path: String| {
        vec![Evidence::Object {
            object: object.clone(),
            path,
        }]
    };
    let mut out = Vec::new();
    for key in ["mapRoles", "mapUsers"] {
        let Some(text) = cm.data.as_ref().and_then(|d| d.get(key)) else {
            continue;
        };
        // The same decoder and nesting guard as whole documents: this YAML is input too.
        let entries: Vec<MapEntry> = match decode_yaml::<Option<Vec<MapEntry>>>(text.as_str()) {
            Ok(entries) => entries.unwrap_or_default(),
            Err(e) => {
                let first = e.lines().next().unwrap_or_default().to_owned();
                out.push(Finding::new(&AUTH001, format!("{object}: data.{key} is not valid YAML ({first}): the authenticator drops the whole key"), evidence(format!("data.{key}"))));
                continue;
            }
        };
        if key == "mapUsers" && !entries.is_empty() {
            out.push(Finding::new(
                &AUTH006,
                format!("{object}: data.mapUsers maps {} IAM users", entries.len()),
                evidence("data.mapUsers".to_owned()),
            ));
        }
        for (i, entry) in entries.iter().enumerate() {
            let path = format!("data.{key}[{i}]");
            let arn = if key == "mapRoles" {
                entry.rolearn.as_deref()
            } else {
                entry.userarn.as_deref()
            };
            match (arn, entry.username.as_deref()) {
                (Some(arn), Some(_)) => {
                    if arn.contains(":instance-profile/") {
                        out.push(Finding::new(
                            &AUTH004,
                            format!("{object}: {path} maps the instance profile {arn}"),
                            evidence(path.clone()),
                        ));
                    } else if has_path(arn) {
                        out.push(Finding::new(&AUTH003, format!("{object}: {path} role ARN {arn} has an IAM path, so it never matches"), evidence(path.clone())));
                    }
                }
                _ => out.push(Finding::new(
                    &AUTH002,
                    format!(
                        "{object}: {path} has no {} or no username",
                        if key == "mapRoles" {
                            "rolearn"
                        } else {
                            "userarn"
                        }
                    ),
                    evidence(path.clone()),
                )),
            }
            if entry.groups.iter().flatten().any(|g| g == "system:masters") {
                out.push(Finding::new(
                    &AUTH005,
                    format!("{object}: {path} grants system:masters"),
                    evidence(path.clone()),
                ));
            }
        }
    }
    if let Some(text) = cm.data.as_ref().and_then(|d| d.get("mapAccounts")) {
        if decode_yaml::<Option<Vec<String>>>(text.as_str()).is_err() {
            out.push(Finding::new(&AUTH001, format!("{object}: data.mapAccounts is not a YAML list of account IDs: the authenticator drops the whole key"), evidence("data.mapAccounts".to_owned())));
        }
    }
    out
}
