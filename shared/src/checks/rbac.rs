//! AUTH007: who holds `cluster-admin` through RBAC bindings.

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::Object;
use crate::k8s::Text;
use crate::report::{Evidence, Finding};
use std::collections::BTreeMap;

pub const ENTRY: Entry = Entry {
    checks: &[&AUTH007],
    run: Run::Cluster(|cx: &ClusterContext<'_>| {
        let mut findings = check(cx.objects);
        // With the EKS description, the fix says whether access entries are there to move to.
        super::eks::note_access_entries(&mut findings, cx.eks, false);
        findings
    }),
};

/// ## What it does
/// Lists the ServiceAccounts, users and groups bound to the `cluster-admin` ClusterRole by a
/// ClusterRoleBinding (or, for one namespace, a RoleBinding). The bootstrap binding of
/// `system:masters` is left out (it cannot be removed; AUTH005 covers who is mapped to it).
/// The guide's break-glass ServiceAccount `kube-system/super-admin` alone is info.
///
/// ## Why is this bad?
/// cluster-admin can do anything, including lock everyone else out; every holder is a
/// credential whose leak is a cluster compromise.
pub const AUTH007: Check = Check {
    id: "AUTH007",
    severity: Severity::Warning,
    title: "identities bound to cluster-admin",
    rationale: "cluster-admin can read every Secret and change every binding. Beyond one deliberate break-glass \
                identity, each holder is a standing credential whose leak (or mistake) takes the whole cluster.",
    remediation: "Bind narrower ClusterRoles (or namespace Roles) to what each identity needs; keep one \
                  break-glass identity and know where its credential is (on EKS, an access entry with \
                  AmazonEKSClusterAdminPolicy for a role only admins can assume).",
    reference: GUIDE,
    needs: &[Need::Kind(&["ClusterRoleBinding"])],
};

/// The guide's break-glass ServiceAccount (`kubectl -n kube-system create serviceaccount super-admin`).
const BREAK_GLASS: &str = "ServiceAccount kube-system/super-admin";

/// `ServiceAccount ns/name`, `User name` or `Group name`.
fn subject_name(kind: &str, name: &str, namespace: Option<&str>) -> String {
    match (kind, namespace) {
        ("ServiceAccount", Some(ns)) => format!("ServiceAccount {ns}/{name}"),
        _ => format!("{kind} {name}"),
    }
}

pub fn check(objects: &[Object]) -> Vec<Finding> {
    // Subject → the bindings that give it cluster-admin, and whether all are namespaced.
    let mut holders: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
    for o in objects {
        let cluster_wide = match o.kind() {
            "ClusterRoleBinding" => true,
            "RoleBinding" => false,
            _ => continue,
        };
        let Some(role) = &o.role_ref else { continue };
        if role.kind.as_ref().map(Text::as_str) != Some("ClusterRole")
            || role.name.as_ref().map(Text::as_str) != Some("cluster-admin")
        {
            continue;
        }
        for s in o.subjects.iter().flatten() {
            let (Some(kind), Some(name)) = (&s.kind, &s.name) else {
                continue;
            };
            if kind.as_str() == "Group" && name.as_str() == "system:masters" {
                continue;
            }
            // A RoleBinding's ServiceAccount subject defaults to the binding's namespace.
            // An empty namespace is unset, as the API server reads it.
            let namespace = s
                .namespace
                .as_ref()
                .map(Text::as_str)
                .filter(|n| !n.is_empty())
                .or(o.metadata.namespace.as_deref());
            let entry = holders
                .entry(subject_name(kind.as_str(), name.as_str(), namespace))
                .or_insert_with(|| (Vec::new(), true));
            let binding = o.reference();
            if !entry.0.contains(&binding) {
                entry.0.push(binding);
            }
            entry.1 &= !cluster_wide;
        }
    }
    let only_break_glass = holders.len() == 1 && holders.contains_key(BREAK_GLASS);
    holders
        .into_iter()
        .map(|(subject, (bindings, namespaced))| {
            let scope = if namespaced {
                "cluster-admin in a namespace"
            } else {
                "cluster-admin"
            };
            let evidence = bindings
                .iter()
                .map(|b| Evidence::Object {
                    object: b.clone(),
                    path: "roleRef".to_owned(),
                })
                .collect();
            if only_break_glass {
                Finding::with_severity(
                    &AUTH007,
                    Severity::Info,
                    format!("{subject} holds {scope} through {}: the guide's break-glass account, and the only holder", bindings.join(", ")),
                    evidence,
                )
            } else {
                Finding::new(
                    &AUTH007,
                    format!("{subject} holds {scope} through {}", bindings.join(", ")),
                    evidence,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::load;

    fn found(yaml: &str) -> Vec<String> {
        let objects = load(yaml).objects;
        check(&objects)
            .iter()
            .map(|f| format!("{} {}", f.severity.as_str(), f.message))
            .collect()
    }

    const BOOTSTRAP: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:masters'}]
";

    const SUPER_ADMIN: &str = "---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: super-admin-rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: super-admin, namespace: kube-system}]
";

    #[test]
    fn the_bootstrap_binding_alone_is_nothing() {
        assert!(found(BOOTSTRAP).is_empty());
    }

    #[test]
    fn the_break_glass_account_alone_is_info() {
        assert_eq!(found(&format!("{BOOTSTRAP}{SUPER_ADMIN}")), vec![
            "info ServiceAccount kube-system/super-admin holds cluster-admin through ClusterRoleBinding/super-admin-rb: the guide's break-glass account, and the only holder",
        ]);
    }

    #[test]
    fn every_other_holder_is_a_warning_and_break_glass_too_then() {
        let yaml = format!(
            "{BOOTSTRAP}{SUPER_ADMIN}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: ci-admin}}
roleRef: {{kind: ClusterRole, name: cluster-admin}}
subjects:
- {{kind: ServiceAccount, name: deployer, namespace: ci}}
- {{kind: User, name: alice@example.com}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: team-admin, namespace: shop}}
roleRef: {{kind: ClusterRole, name: cluster-admin}}
subjects: [{{kind: ServiceAccount, name: default, namespace: ''}}, {{kind: Group, name: shop-admins}}, {{kind: Group, name: shop-admins}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: viewers}}
roleRef: {{kind: ClusterRole, name: view}}
subjects: [{{kind: Group, name: everyone}}]
"
        );
        assert_eq!(found(&yaml), vec![
            "warning Group shop-admins holds cluster-admin in a namespace through RoleBinding/shop/team-admin",
            "warning ServiceAccount ci/deployer holds cluster-admin through ClusterRoleBinding/ci-admin",
            "warning ServiceAccount kube-system/super-admin holds cluster-admin through ClusterRoleBinding/super-admin-rb",
            "warning ServiceAccount shop/default holds cluster-admin in a namespace through RoleBinding/shop/team-admin",
            "warning User alice@example.com holds cluster-admin through ClusterRoleBinding/ci-admin",
        ]);
    }
}
