//! EKS001–EKS003: the EKS description (`aws eks describe-cluster --name NAME --output json`):
//! the API server endpoint's exposure, the control-plane logs, the authentication mode.

use super::{Check, ClusterContext, Entry, Need, Run, Severity};
use crate::cluster::EksCluster;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&EKS001, &EKS002, &EKS003],
    run: Run::Cluster(|cx: &ClusterContext<'_>| cx.eks.map(check).unwrap_or_default()),
};

/// ## What it does
/// Finds a public API server endpoint that accepts connections from any address
/// (`endpointPublicAccess` with `0.0.0.0/0` among `publicAccessCidrs`).
///
/// ## Why is this bad?
/// Anyone on the internet can reach the API server and try credentials or exploits on it.
/// With private access off too (EKS' default), nodes and clients reach the API only through
/// this endpoint, so it is reported as info: closing it takes the staged remedy.
pub const EKS001: Check = Check {
    id: "EKS001",
    severity: Severity::Warning,
    title: "public API endpoint open to the internet",
    rationale: "The API server endpoint accepts connections from any address (0.0.0.0/0): anyone on the internet \
                can reach it to try stolen credentials or an API server vulnerability. With private access on, \
                nodes and in-VPC clients do not need the public endpoint at all. With private access off (EKS' \
                default, reported as info) nodes and kubectl reach the API only through it.",
    remediation: "Restrict publicAccessCidrs to the addresses that need the API (VPN, CI), or turn public access off. \
                  If private access is off, turn it on first (aws eks update-cluster-config --name NAME \
                  --resources-vpc-config endpointPrivateAccess=true): nodes then reach the API inside the VPC, and \
                  restricting or closing the public endpoint no longer cuts them off.",
    reference: "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
    needs: &[Need::EksDescription],
};

/// ## What it does
/// Finds the control-plane log types `api`, `audit` and `authenticator` not enabled in
/// `logging.clusterLogging`.
///
/// ## Why is this bad?
/// Without them there is no record of who called the API, what was denied, or which IAM
/// identity an aws-auth mapping matched: incidents and lock-outs cannot be investigated.
pub const EKS002: Check = Check {
    id: "EKS002",
    severity: Severity::Warning,
    title: "control-plane logs off",
    rationale: "The API server, audit and authenticator logs are the only record of who did what to the cluster \
                and which IAM identity each request was mapped to; EKS sends them to CloudWatch Logs only when \
                enabled. Without them an incident, or an aws-auth lock-out, cannot be investigated.",
    remediation: "Enable them: aws eks update-cluster-config --name NAME --logging \
                  '{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"authenticator\"],\"enabled\":true}]}' \
                  (CloudWatch Logs charges for ingestion and storage; set a retention).",
    reference: "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
    needs: &[Need::EksDescription],
};

/// ## What it does
/// Finds clusters whose authentication mode is `CONFIG_MAP`: access is managed only through
/// the `aws-auth` ConfigMap.
///
/// ## Why is this bad?
/// The guide's lock-out risk: one bad edit of `aws-auth` locks every mapped identity out, and
/// only the (possibly forgotten) cluster creator keeps access. Access entries are managed
/// through the EKS API, outside the cluster.
pub const EKS003: Check = Check {
    id: "EKS003",
    severity: Severity::Warning,
    title: "access managed only through aws-auth",
    rationale: "With authentication mode CONFIG_MAP, every IAM mapping lives in the aws-auth ConfigMap: a bad edit \
                locks those users, and the nodes, out of the cluster, and only the cluster creator's identity keeps \
                access. Access entries are managed through the EKS API, outside the cluster, and can be audited \
                with IAM.",
    remediation: "Switch to API_AND_CONFIG_MAP (aws eks update-cluster-config --name NAME --access-config \
                  authenticationMode=API_AND_CONFIG_MAP), create access entries for the identities in aws-auth, \
                  then move to API. The switch is one-way: CONFIG_MAP cannot be restored.",
    reference: "https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html",
    needs: &[Need::EksDescription],
};

/// The control-plane log types the guide's incident response needs.
const LOG_TYPES: [&str; 3] = ["api", "audit", "authenticator"];

fn evidence(eks: &EksCluster, path: &str) -> Vec<Evidence> {
    vec![Evidence::Object {
        object: eks.reference(),
        path: path.to_owned(),
    }]
}

/// Findings on one EKS description.
pub fn check(eks: &EksCluster) -> Vec<Finding> {
    let mut out = Vec::new();
    let cluster = eks.reference();
    if let Some(vpc) = &eks.resources_vpc_config {
        let open = match &vpc.public_access_cidrs {
            Some(cidrs) => cidrs.iter().any(|c| c == "0.0.0.0/0" || c == "::/0"),
            // EKS' default when none are given.
            None => true,
        };
        if vpc.endpoint_public_access == Some(true) && open {
            let cidrs = if vpc.public_access_cidrs.is_some() {
                "publicAccessCidrs includes 0.0.0.0/0"
            } else {
                "no publicAccessCidrs: the default 0.0.0.0/0"
            };
            let path = "cluster.resourcesVpcConfig.publicAccessCidrs";
            if vpc.endpoint_private_access == Some(true) {
                out.push(Finding::new(&EKS001, format!("{cluster}: the API server endpoint is public and open to the internet ({cidrs}), though private access is on: nodes and in-VPC clients do not need it"), evidence(eks, path)));
            } else {
                out.push(Finding::with_severity(&EKS001, Severity::Info, format!("{cluster}: the API server endpoint is public and open to the internet ({cidrs}), and private access is off: nodes and clients reach the API only through it, so turn private access on before restricting it"), evidence(eks, path)));
            }
        }
    }
    let off: Vec<&str> = LOG_TYPES
        .iter()
        .copied()
        .filter(|t| eks.log_enabled(t) == Some(false))
        .collect();
    if !off.is_empty() {
        let on: Vec<&str> = LOG_TYPES
            .iter()
            .copied()
            .filter(|t| eks.log_enabled(t) == Some(true))
            .collect();
        let on = if on.is_empty() {
            String::new()
        } else {
            format!(" ({} on)", on.join(", "))
        };
        out.push(Finding::new(
            &EKS002,
            format!(
                "{cluster}: control-plane log types {} are not enabled{on}",
                off.join(", ")
            ),
            evidence(eks, "cluster.logging.clusterLogging"),
        ));
    }
    if eks.authentication_mode() == Some("CONFIG_MAP") {
        out.push(Finding::new(
            &EKS003,
            format!("{cluster}: authentication mode CONFIG_MAP: access is managed only through the aws-auth ConfigMap, and access entries are not enabled"),
            evidence(eks, "cluster.accessConfig.authenticationMode"),
        ));
    }
    out
}

/// What the EKS description says about access entries, for the AUTH checks' remediation
/// (`aws_auth`: the finding is about an `aws-auth` entry, else about an RBAC binding); `None`
/// when it does not say (no `accessConfig`: an older description).
pub fn access_entries_note(eks: &EksCluster, aws_auth: bool) -> Option<String> {
    let cluster = eks.reference();
    Some(match (eks.authentication_mode()?, aws_auth) {
        ("CONFIG_MAP", _) => format!("{cluster} has authentication mode CONFIG_MAP: access entries are not enabled; switch to API_AND_CONFIG_MAP to use them (see EKS003)."),
        ("API_AND_CONFIG_MAP", true) => format!("{cluster} has authentication mode API_AND_CONFIG_MAP: access entries are enabled, so this identity can move to an access entry."),
        ("API", true) => format!("{cluster} has authentication mode API: access entries are enabled and aws-auth is not read at all, so this entry has no effect."),
        (mode @ ("API_AND_CONFIG_MAP" | "API"), false) => format!("{cluster} has authentication mode {mode}: access entries are enabled, so the break-glass admin can be an access entry instead of a binding."),
        (other, _) => format!("{cluster} has authentication mode {}.", crate::redact::excerpt(other)),
    })
}

/// Appends [`access_entries_note`] to each finding's remediation, when the EKS description
/// was given and says.
pub fn note_access_entries(findings: &mut [Finding], eks: Option<&EksCluster>, aws_auth: bool) {
    if let Some(note) = eks.and_then(|e| access_entries_note(e, aws_auth)) {
        for f in findings {
            f.remediation = format!("{} {note}", f.remediation).into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eks(json: &str) -> EksCluster {
        let loaded = crate::cluster::load(json);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert!(loaded.objects.is_empty());
        loaded.eks.expect("an EKS description")
    }

    fn found(json: &str) -> Vec<String> {
        check(&eks(json))
            .iter()
            .map(|f| format!("{} {} {}", f.severity.as_str(), f.check, f.message))
            .collect()
    }

    fn description(vpc: &str, logging: &str, mode: &str) -> String {
        format!(
            r#"{{"cluster": {{"name": "prod", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod", "version": "1.31",
  "roleArn": "arn:aws:iam::111122223333:role/eks-cluster", "resourcesVpcConfig": {vpc},
  "logging": {{"clusterLogging": {logging}}}, "accessConfig": {{"authenticationMode": "{mode}"}}}}}}"#
        )
    }

    const CLOSED: &str = r#"{"endpointPublicAccess": false, "endpointPrivateAccess": true, "publicAccessCidrs": []}"#;
    const LOGS_ON: &str = r#"[{"types": ["api", "audit", "authenticator"], "enabled": true}, {"types": ["controllerManager", "scheduler"], "enabled": false}]"#;

    #[test]
    fn a_well_configured_cluster_has_no_findings() {
        assert!(found(&description(CLOSED, LOGS_ON, "API")).is_empty());
        // Restricted CIDRs are fine with public access on.
        let restricted = r#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]}"#;
        assert!(found(&description(restricted, LOGS_ON, "API_AND_CONFIG_MAP")).is_empty());
    }

    #[test]
    fn open_endpoint_is_a_warning_with_private_access_and_info_without() {
        let both = r#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["10.0.0.0/8", "0.0.0.0/0"]}"#;
        assert_eq!(found(&description(both, LOGS_ON, "API")), vec![
            "warning EKS001 EKS cluster prod: the API server endpoint is public and open to the internet (publicAccessCidrs includes 0.0.0.0/0), though private access is on: nodes and in-VPC clients do not need it",
        ]);
        let public_only = r#"{"endpointPublicAccess": true, "endpointPrivateAccess": false, "publicAccessCidrs": ["0.0.0.0/0"]}"#;
        assert_eq!(found(&description(public_only, LOGS_ON, "API")), vec![
            "info EKS001 EKS cluster prod: the API server endpoint is public and open to the internet (publicAccessCidrs includes 0.0.0.0/0), and private access is off: nodes and clients reach the API only through it, so turn private access on before restricting it",
        ]);
        let default_cidrs = r#"{"endpointPublicAccess": true, "endpointPrivateAccess": true}"#;
        assert!(found(&description(default_cidrs, LOGS_ON, "API"))[0]
            .contains("(no publicAccessCidrs: the default 0.0.0.0/0)"));
    }

    #[test]
    fn logs_off_and_config_map_mode() {
        let some_on = r#"[{"types": ["audit", "scheduler"], "enabled": true}, {"types": ["api", "authenticator"], "enabled": false}]"#;
        assert_eq!(
            found(&description(CLOSED, some_on, "CONFIG_MAP")),
            vec![
                "warning EKS002 EKS cluster prod: control-plane log types api, authenticator are not enabled (audit on)",
                "warning EKS003 EKS cluster prod: authentication mode CONFIG_MAP: access is managed only through the aws-auth ConfigMap, and access entries are not enabled",
            ]
        );
        // A type listed both off and on is on.
        let twice = r#"[{"types": ["api", "audit", "authenticator"], "enabled": false}, {"types": ["api", "audit", "authenticator"], "enabled": true}]"#;
        assert!(found(&description(CLOSED, twice, "API")).is_empty());
        assert_eq!(
            found(&description(CLOSED, "[]", "API")),
            vec!["warning EKS002 EKS cluster prod: control-plane log types api, audit, authenticator are not enabled"]
        );
    }

    #[test]
    fn the_auth_note_says_whether_access_entries_are_on() {
        let note = |mode: &str| access_entries_note(&eks(&description(CLOSED, LOGS_ON, mode)), true);
        assert_eq!(note("API_AND_CONFIG_MAP").as_deref(), Some("EKS cluster prod has authentication mode API_AND_CONFIG_MAP: access entries are enabled, so this identity can move to an access entry."));
        assert!(note("CONFIG_MAP")
            .unwrap()
            .contains("access entries are not enabled"));
        assert!(note("API").unwrap().contains("aws-auth is not read at all"));
        // For an RBAC binding (AUTH007), API mode does not make it moot.
        let rbac = |mode: &str| access_entries_note(&eks(&description(CLOSED, LOGS_ON, mode)), false);
        assert_eq!(rbac("API").as_deref(), Some("EKS cluster prod has authentication mode API: access entries are enabled, so the break-glass admin can be an access entry instead of a binding."));
        assert!(rbac("CONFIG_MAP").unwrap().contains("access entries are not enabled"));
    }

    /// Account IDs and ARNs are never kept: no finding can show them.
    #[test]
    fn no_account_or_arn_is_kept() {
        let loaded = eks(&description(CLOSED, "[]", "CONFIG_MAP"));
        let shown = format!("{loaded:?}");
        assert!(!shown.contains("111122223333"), "{shown}");
        assert!(!shown.contains("arn:"), "{shown}");
    }
}
