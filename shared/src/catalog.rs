//! The catalogue's vocabulary: what a check is ([`Check`]), how bad its findings are
//! ([`Severity`]), what it reads ([`Need`]) and the guide it carries ([`GUIDE`]).
//!
//! The bottom of the crate's check layers: the rules, the report and the checks all speak it,
//! and it imports nothing from the crate.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Critical`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The declaration of one check. IDs are stable and never reused.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    /// Names the bad pattern, e.g. "unsafe sysctl".
    pub title: &'static str,
    /// Why is this bad?
    pub rationale: &'static str,
    /// What to do about it.
    pub remediation: &'static str,
    /// The guide section this check carries.
    pub reference: &'static str,
    /// What it reads, every entry required (an entry may name alternatives). The report's
    /// coverage (which checks ran, which lacked data) is derived from this.
    pub needs: &'static [Need],
}

/// One thing a check needs from the inputs.
#[derive(Debug, PartialEq, Eq)]
pub enum Need {
    /// A metric family with samples in the metrics dump: any one of these names.
    Family(&'static [&'static str]),
    /// Event counters the API server leaves out of `/metrics` until the first event (client_golang
    /// prunes families without series): any of these families, or else an API server's dump
    /// (`apiserver_request_total`), in which their absence means no such event happened.
    Events(&'static [&'static str]),
    /// Cluster objects of any one of these kinds.
    Kind(&'static [&'static str]),
    /// Any one of these objects, as `Kind/namespace/name`.
    Object(&'static [&'static str]),
    /// The control plane's version: `kubectl version -o json` as a cluster input, or
    /// `kubernetes_build_info` in the metrics dump, or the EKS description's `version`.
    ControlPlaneVersion,
    /// Two dumps of the same API server (`--metrics-later`), taken at least this many seconds
    /// apart: the check reads the window between them (growth, burn rates).
    TwoDumps { min_seconds: u32 },
    /// The EKS description: `aws eks describe-cluster --name NAME --output json`, given as a
    /// cluster export.
    EksDescription,
    /// Today's date: `cpguard analyze --now`, else the clock of the machine that analyses
    /// (the core reads no clock; every face passes it in `Inputs::now`).
    Today,
}

impl Need {
    /// Whether this need is met from a metrics dump (else from cluster exports).
    pub fn is_metrics(&self) -> bool {
        matches!(
            self,
            Need::Family(_) | Need::Events(_) | Need::TwoDumps { .. }
        )
    }

    /// For the catalogue: "`a` or `b`", "an API server's dump (`x` counts events)".
    pub fn describe(&self) -> String {
        let names = |names: &[&str]| {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            quoted.join(" or ")
        };
        match self {
            Need::Family(families) => format!("metric {}", names(families)),
            Need::Events(families) => format!(
                "an API server's dump (its {} appear with the first event)",
                names(families)
            ),
            Need::Kind(kinds) => format!("{} objects", names(kinds)),
            Need::Object(objects) => names(objects),
            Need::ControlPlaneVersion => {
                "the control-plane version (`kubectl version -o json`, `kubernetes_build_info`, or the EKS description)"
                    .to_owned()
            }
            Need::Today => "today's date (`--now`, else the clock)".to_owned(),
            Need::EksDescription => {
                "the EKS description (`aws eks describe-cluster --name NAME --output json`)"
                    .to_owned()
            }
            Need::TwoDumps { min_seconds: 0 } => {
                "two dumps of the same API server (`--metrics-later`)".to_owned()
            }
            Need::TwoDumps { min_seconds } => format!(
                "two dumps of the same API server (`--metrics-later`) taken at least {} apart",
                duration_words(*min_seconds)
            ),
        }
    }
}

/// "1 h", "3 d": whole hours or days (the catalogue's minimum spans).
fn duration_words(seconds: u32) -> String {
    match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

impl Check {
    /// Whether the check reads a metrics dump (else cluster exports).
    pub fn reads_metrics(&self) -> bool {
        self.needs.iter().any(Need::is_metrics)
    }
}

/// The EKS Best Practices Guide's control-plane chapter, which every check cites.
pub const GUIDE: &str = "https://docs.aws.amazon.com/eks/latest/best-practices/control-plane.html";

/// One documented export: what it gives, the command, and the file the docs write it to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Export {
    pub what: &'static str,
    pub command: &'static str,
    pub file: &'static str,
}

impl Export {
    /// `command > file`, as the README and `cpguard analyze --help` show it.
    pub fn line(&self) -> String {
        format!("{} > {}", self.command, self.file)
    }
}

/// The documented cluster exports: the README, `cpguard analyze --help` and the viewer's hints
/// show exactly these (tested), and `tests/fixtures/export/` holds what the real kubectl
/// writes for them. Together they give every cluster check its kinds.
pub const EXPORTS: &[Export] = &[
    Export {
        what: "objects: Pods with their status (SYS001-SYS004), workloads, bindings (AUTH007), aws-node and \
               the Nodes (NET002), webhook configurations (WH001-WH005, ADM001), aws-auth and kube-proxy's ConfigMaps",
        command: "kubectl get nodes,pods,deploy,ds,sts,rs,job,cronjob,svc,cm,clusterrolebindings,rolebindings,validatingwebhookconfigurations,mutatingwebhookconfigurations -A -o yaml",
        file: "cluster.yaml",
    },
    Export {
        what: "token Secrets (SA001), metadata only: the template prints each one's name, namespace and type \
               as a SecretList (empty when there are none) and no Secret value reaches the file",
        command: r#"kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token -o go-template='kind: SecretList{{"\n"}}items:{{range .items}}{{"\n"}}- {kind: Secret, type: "{{.type}}", metadata: {name: "{{.metadata.name}}", namespace: "{{.metadata.namespace}}"}}{{end}}{{"\n"}}'"#,
        file: "token-secrets.yaml",
    },
    Export {
        what: "the control plane's version (VER001-VER004)",
        command: "kubectl version -o json",
        file: "version.json",
    },
];

/// On EKS: the cluster's description (EKS001-EKS003, VER004, access entries).
pub const EXPORT_EKS: Export = Export {
    what: "on EKS, the cluster's description (EKS001-EKS003; its version for VER004)",
    command: "aws eks describe-cluster --name NAME --output json",
    file: "eks.json",
};

/// Every export into one file, `---` between them, for the viewer's single cluster box.
pub fn export_in_one_file() -> String {
    let commands: Vec<&str> = EXPORTS.iter().map(|e| e.command).collect();
    format!("{{ {}; }} > cluster.yaml", commands.join("; echo ---; "))
}
