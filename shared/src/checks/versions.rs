//! VER001–VER003: kubelet versions against the control plane's (version skew policy).

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&VER001, &VER002, &VER003],
    run: Run::Cluster(|cx: &ClusterContext<'_>| {
        let Some(control_plane) = cx.control_plane else {
            return Vec::new();
        };
        let nodes: Vec<(String, String)> = cx
            .objects
            .iter()
            .filter_map(|o| Some((o.reference(), o.kubelet_version()?.to_owned())))
            .collect();
        check(control_plane, &nodes)
    }),
};

/// ## What it does
/// Finds kubelets newer than the API server.
///
/// ## Why is this bad?
/// The kubelet may never be newer than the API server; it can use APIs the server lacks.
pub const VER001: Check = Check {
    id: "VER001",
    severity: Severity::Critical,
    title: "kubelet newer than the API server",
    rationale: "Kubernetes' version skew policy never allows a kubelet newer than the API server: it may call APIs \
                or send fields the server does not know, and the combination is untested.",
    remediation: "Upgrade the control plane first, then the nodes; replace nodes that were launched from a newer AMI.",
    reference: "https://kubernetes.io/releases/version-skew-policy/#kubelet",    needs: &[Need::Kind(&["Node"]), Need::ControlPlaneVersion],
};

/// ## What it does
/// Finds kubelets more minor versions behind the API server than the skew policy allows:
/// three from 1.28 (n-3), two before (n-2).
///
/// ## Why is this bad?
/// Out of policy, nothing is tested; the next control-plane upgrade breaks these nodes.
pub const VER002: Check = Check {
    id: "VER002",
    severity: Severity::Critical,
    title: "kubelet too far behind the API server",
    rationale: "The kubelet is further behind the API server than the version skew policy allows (n-3 from 1.28, \
                n-2 before): the pair is unsupported and the control plane cannot be upgraded again until the nodes are.",
    remediation: "Upgrade or replace these nodes (managed node groups: update the AMI release; Karpenter: drift).",
    reference: GUIDE,    needs: &[Need::Kind(&["Node"]), Need::ControlPlaneVersion],
};

/// ## What it does
/// Finds kubelets exactly at the skew limit.
///
/// ## Why is this bad?
/// The next control-plane upgrade puts them out of policy.
pub const VER003: Check = Check {
    id: "VER003",
    severity: Severity::Warning,
    title: "kubelet at the version skew limit",
    rationale: "These kubelets are as far behind as the skew policy allows: the next control-plane minor upgrade \
                (EKS releases one about every 15 weeks) leaves them unsupported.",
    remediation: "Upgrade these nodes before the next control-plane upgrade.",
    reference: GUIDE,    needs: &[Need::Kind(&["Node"]), Need::ControlPlaneVersion],
};

/// `v1.29.3-eks-abc` → (1, 29); `1.31+` minors and `-eks-` suffixes are tolerated.
pub fn minor_version(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor_text: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor_text.parse().ok()?))
}

/// Skew allowed by the policy for a control plane at 1.`minor`.
pub fn allowed_skew(minor: u32) -> u32 {
    if minor >= 28 {
        3
    } else {
        2
    }
}

/// Findings for the nodes' kubelet versions against the control plane's.
pub fn check(control_plane: &str, nodes: &[(String, String)]) -> Vec<Finding> {
    let Some((cp_major, cp_minor)) = minor_version(control_plane) else {
        return Vec::new();
    };
    let allowed = allowed_skew(cp_minor);
    let mut out = Vec::new();
    for (node, version) in nodes {
        let Some((major, minor)) = minor_version(version) else {
            continue;
        };
        let evidence = vec![Evidence::Object {
            object: node.clone(),
            path: "status.nodeInfo.kubeletVersion".to_owned(),
        }];
        if major != cp_major {
            continue;
        }
        if minor > cp_minor {
            out.push(Finding::new(
                &VER001,
                format!("{node}: kubelet {version} is newer than the API server {control_plane}"),
                evidence,
            ));
        } else if cp_minor - minor > allowed {
            let message = format!("{node}: kubelet {version} is {} minor versions behind the API server {control_plane} (the policy allows {allowed})", cp_minor - minor);
            out.push(Finding::new(&VER002, message, evidence));
        } else if cp_minor - minor == allowed {
            let message = format!("{node}: kubelet {version} is {allowed} minor versions behind the API server {control_plane}, the most the policy allows");
            out.push(Finding::new(&VER003, message, evidence));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_skew() {
        assert_eq!(minor_version("v1.29.3-eks-4c0ab0f"), Some((1, 29)));
        assert_eq!(minor_version("1.31+"), Some((1, 31)));
        assert_eq!(minor_version("v1.22.17-eks-49d8fe8"), Some((1, 22)));
        assert_eq!(minor_version("garbage"), None);
        let nodes: Vec<(String, String)> = [
            ("Node/a", "v1.31.2"),
            ("Node/b", "v1.27.9-eks-1"),
            ("Node/c", "v1.28.1"),
            ("Node/d", "v1.32.0"),
            ("Node/e", "v1.30.0"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        let found: Vec<String> = check("v1.31.4-eks-2d5f260", &nodes)
            .iter()
            .map(|f| format!("{} {}", f.check, f.message))
            .collect();
        assert_eq!(found, vec![
            "VER002 Node/b: kubelet v1.27.9-eks-1 is 4 minor versions behind the API server v1.31.4-eks-2d5f260 (the policy allows 3)",
            "VER003 Node/c: kubelet v1.28.1 is 3 minor versions behind the API server v1.31.4-eks-2d5f260, the most the policy allows",
            "VER001 Node/d: kubelet v1.32.0 is newer than the API server v1.31.4-eks-2d5f260",
        ]);
        // Before 1.28 the policy allowed n-2.
        let old: Vec<(String, String)> = vec![("Node/x".to_owned(), "v1.22.1".to_owned())];
        assert_eq!(check("v1.25.0", &old)[0].check, "VER002");
        assert_eq!(check("v1.24.0", &old)[0].check, "VER003");
    }
}
