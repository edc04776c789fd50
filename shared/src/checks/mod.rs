//! The check catalogue: every check is declared, with a stable ID, in the file that finds it, and
//! that file's [`Entry`] is one line of the [`registry!`] below. Adding a check is one file plus
//! one line there (`docs/checks.md`, coverage, the renderers and the viewer follow).

pub use crate::catalog::{Check, Need, Severity, GUIDE};
pub use crate::rules::sysctl::{SYS001, SYS002, SYS003};
pub use crate::rules::webhook::{WH001, WH002, WH003, WH004, WH005};

use crate::cluster::Object;
use crate::config::Config;
use crate::metrics::Exposition;
use crate::report::Finding;
use crate::rules::sysctl::SysctlPolicy;

/// Declares each module of checks and lists its [`Entry`], in catalogue order.
macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every entry, in catalogue order.
        pub const ENTRIES: &[&Entry] = &[$(&$module::ENTRY),*];
    };
}

registry! {
    sysctl,
    rejected,
    webhook,
    versions,
    network,
    vpccni,
    auth,
    rbac,
    serviceaccounts,
    etcd,
    api,
    admission,
    client,
    aggregator,
    deprecated,
    certificates,
    objects,
    policyreport,
    eks,
    support,
}

/// One file's checks and the function that finds them.
pub struct Entry {
    /// The checks it reports, in catalogue order; it emits no other ID (tested).
    pub checks: &'static [&'static Check],
    pub run: Run,
}

/// How an entry's checks run, and on what.
#[derive(Clone, Copy)]
pub enum Run {
    /// On a metrics dump (or the difference of two).
    Metrics(MetricsCheck),
    /// On the cluster exports.
    Cluster(ClusterCheck),
}

/// Every check, in catalogue order: the checks of [`ENTRIES`].
pub const REGISTRY: &[&Check] = &flatten::<{ count(ENTRIES) }>(ENTRIES);

#[allow(clippy::indexing_slicing)] // Evaluated at compile time: out of bounds is a build error.
const fn count(entries: &[&Entry]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < entries.len() {
        n += entries[i].checks.len();
        i += 1;
    }
    n
}

#[allow(clippy::indexing_slicing)] // Evaluated at compile time: out of bounds is a build error.
const fn flatten<const N: usize>(entries: &[&Entry]) -> [&'static Check; N] {
    let mut out: [&Check; N] = [&crate::rules::sysctl::SYS001; N];
    let (mut n, mut i) = (0, 0);
    while i < entries.len() {
        let mut j = 0;
        while j < entries[i].checks.len() {
            out[n] = entries[i].checks[j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// What a metrics check reads: one dump (or the difference of two), the thresholds, and the
/// words that say which window its counters cover ("since apiserver start (up 3 d 4 h)").
pub struct MetricsContext<'a, 'd> {
    pub dump: &'a Exposition<'d>,
    pub config: &'a Config,
    pub window: &'a str,
    /// Effective timeout of each admission webhook, by kind and name, when a cluster export
    /// with the webhook configurations was given too.
    pub webhook_timeouts: &'a crate::metrics::timeouts::WebhookTimeouts,
    /// With two dumps: the window's length and rates (the report's `rates`); `None` with one.
    pub rates: Option<&'a crate::report::Rates>,
}

/// A metrics check's function.
pub type MetricsCheck = fn(&MetricsContext<'_, '_>) -> Vec<Finding>;

/// A cluster check's function.
pub type ClusterCheck = fn(&ClusterContext<'_>) -> Vec<Finding>;

/// What a cluster check reads: every object of the exports, the control plane's version and the
/// settings. Cluster checks run whenever some input was given: with no cluster export,
/// `objects` is empty (VER004 needs only the control plane's version).
pub struct ClusterContext<'a> {
    pub objects: &'a [Object],
    /// From `kubectl version -o json`, else the metrics dump's `kubernetes_build_info`, else
    /// the EKS description's `version`.
    pub control_plane: Option<&'a str>,
    /// The EKS description (`aws eks describe-cluster`), when given among the cluster exports.
    pub eks: Option<&'a crate::cluster::EksCluster>,
    /// Today, as Unix seconds (`Inputs::now`).
    pub now: Option<f64>,
    /// The unsafe-sysctls policy built from `config.sysctl_settings`.
    pub sysctls: &'a SysctlPolicy,
    pub config: &'a Config,
}

/// Runs every metrics check.
pub fn run_metrics(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for entry in ENTRIES {
        if let Run::Metrics(run) = entry.run {
            findings.extend(emitted(entry, run(cx)));
        }
    }
    findings
}

/// Runs every cluster check; findings of the cluster's own policy engines (POL001/POL002) and
/// cpguard's offline findings about the same object name each other.
pub fn run_cluster(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for entry in ENTRIES {
        if let Run::Cluster(run) = entry.run {
            findings.extend(emitted(entry, run(cx)));
        }
    }
    // A finding with a source is an engine's verdict, not cpguard's own.
    let (mut audited, mut offline): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.source.is_some());
    policyreport::cross_reference(&mut offline, &mut audited);
    offline.extend(audited);
    offline
}

/// The finding for a rule's violation in a cluster object: the message names the object.
fn violation_finding(v: &crate::rules::Violation, object: &Object) -> Finding {
    let reference = object.reference();
    let message = format!("{reference}: {}", v.message);
    Finding::new(
        v.check,
        message,
        vec![crate::report::Evidence::Object {
            object: reference,
            path: v.path.clone(),
        }],
    )
}

/// An entry's findings, checked (in debug builds, so in every test) to be of its own checks.
fn emitted(entry: &Entry, findings: Vec<Finding>) -> Vec<Finding> {
    debug_assert!(
        findings
            .iter()
            .all(|f| entry.checks.iter().any(|c| c.id == f.check)),
        "a finding of a check its entry does not declare: {:?}",
        findings
            .iter()
            .map(|f| f.check.to_string())
            .collect::<Vec<_>>()
    );
    findings
}

/// Looks a check up by its ID.
pub fn by_id(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().copied().find(|check| check.id == id)
}

/// The check catalogue as Markdown (`docs/checks.md` is this, generated).
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# cpguard checks\n\nGenerated from the check registry (`cpguard checks --format markdown`); do not edit by hand.\n\n| ID | severity | title |\n|---|---|---|\n",
    );
    for check in REGISTRY {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            check.id,
            check.id.to_ascii_lowercase(),
            check.severity.as_str(),
            check.title
        ));
    }
    for check in REGISTRY {
        out.push_str(&format!(
            "\n## {}\n\n**{}** · {}\n\n**Why is this bad?** {}\n\n**What to do:** {}\n\n**Reads:** {}\n\nReference: <{}>\n",
            check.id,
            check.title,
            check.severity.as_str(),
            check.rationale,
            check.remediation,
            check
                .needs
                .iter()
                .map(Need::describe)
                .collect::<Vec<_>>()
                .join("; and "),
            check.reference
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Runs one metrics check on a dump with default thresholds: `"<severity> <ID>: <message>"`.
    pub(crate) fn run(check: &str, dump: &str) -> Vec<String> {
        let parsed = crate::metrics::parse(dump);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let config = Config::default();
        let timeouts = crate::metrics::timeouts::WebhookTimeouts::default();
        let cx = MetricsContext {
            dump: &parsed,
            config: &config,
            window: "since apiserver start",
            webhook_timeouts: &timeouts,
            rates: None,
        };
        let id = check.to_ascii_uppercase();
        let entry = ENTRIES
            .iter()
            .find(|e| e.checks.iter().any(|c| c.id == id))
            .unwrap_or_else(|| panic!("no check {check}"));
        let Run::Metrics(run) = entry.run else {
            panic!("{check} is not a metrics check")
        };
        run(&cx)
            .iter()
            .filter(|f| f.check == id)
            .map(|f| format!("{} {}: {}", f.severity.as_str(), f.check, f.message))
            .collect()
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for check in REGISTRY {
            assert!(seen.insert(check.id), "duplicate check ID {}", check.id);
            let (letters, digits) = check.id.split_at(check.id.len() - 3);
            assert!(
                letters.chars().all(|c| c.is_ascii_uppercase()),
                "{}",
                check.id
            );
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", check.id);
            assert!(!check.title.is_empty() && !check.rationale.is_empty());
            assert!(!check.remediation.is_empty());
            assert!(check.reference.starts_with("https://"), "{}", check.id);
            assert!(
                !check.needs.is_empty(),
                "{} declares what it reads",
                check.id
            );
        }
    }

    /// A check reads a metrics dump exactly when its entry runs on one.
    #[test]
    fn metrics_needs_match_how_the_entry_runs() {
        for entry in ENTRIES {
            for check in entry.checks {
                assert_eq!(
                    check.reads_metrics(),
                    matches!(entry.run, Run::Metrics(_)),
                    "{}",
                    check.id
                );
                assert!(check
                    .needs
                    .iter()
                    .all(|n| n.is_metrics() == check.reads_metrics()));
            }
        }
    }

    #[test]
    fn the_registry_is_every_entry_s_checks_in_order() {
        assert_eq!(REGISTRY.first().map(|c| c.id), Some("SYS001"));
        let flat: Vec<&str> = ENTRIES
            .iter()
            .flat_map(|e| e.checks.iter().map(|c| c.id))
            .collect();
        assert_eq!(flat, REGISTRY.iter().map(|c| c.id).collect::<Vec<_>>());
    }

    /// Every ID the checks emit on the samples is registered and has its section in
    /// `docs/checks.md` (the corpus tests run every entry's debug check of the same).
    #[test]
    fn every_emitted_id_is_registered_and_documented() {
        let docs = include_str!("../../../docs/checks.md");
        let cluster = [crate::ClusterInput {
            name: "cluster.yaml",
            text: include_str!("../../samples/cluster.yaml"),
        }];
        let inputs = crate::Inputs {
            metrics: Some(crate::MetricsInput {
                text: include_str!("../../samples/apiserver.metrics"),
                taken_at: None,
            }),
            metrics_later: None,
            cluster: &cluster,
            now: None,
        };
        let report = crate::analyze(&inputs, &Config::default()).unwrap();
        let ids: HashSet<String> = report
            .findings
            .iter()
            .map(|f| f.check.to_string())
            .collect();
        assert!(ids.len() >= 10, "{ids:?}");
        for id in &ids {
            assert!(by_id(id).is_some(), "{id} is emitted but not registered");
            assert!(
                docs.contains(&format!("\n## {id}\n")),
                "{id} is not in docs/checks.md"
            );
        }
    }

    #[test]
    fn lookup_by_id() {
        assert_eq!(by_id("WH003").map(|c| c.severity), Some(Severity::Warning));
        assert_eq!(by_id("SYS001").map(|c| c.title), Some("unsafe sysctl"));
        assert!(by_id("NOPE001").is_none());
    }
}

#[cfg(test)]
mod cluster_tests {
    use crate::cluster::load;
    use crate::config::Config;
    use crate::rules::sysctl::SysctlPolicy;

    fn run(yaml: &str) -> Vec<String> {
        let loaded = load(yaml);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let findings = super::run_cluster(&super::ClusterContext {
            objects: &loaded.objects,
            control_plane: None,
            eks: None,
            now: None,
            sysctls: &SysctlPolicy::baseline_latest(),
            config: &Config::default(),
        });
        findings
            .iter()
            .map(|f| format!("{} {}", f.check, f.message))
            .collect()
    }

    fn services(n: usize, headless: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            let ip = if i < headless { "None" } else { "10.100.0.1" };
            out.push_str(&format!("---\nkind: Service\nmetadata: {{name: s{i}, namespace: default}}\nspec: {{clusterIP: {ip}}}\n"));
        }
        out
    }

    #[test]
    fn kube_proxy_iptables_with_many_services() {
        let eks = "kind: ConfigMap\nmetadata: {name: kube-proxy-config, namespace: kube-system}\ndata:\n  config: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: \"iptables\"\n";
        assert_eq!(run(&format!("{eks}{}", services(1001, 0))), vec!["NET001 kube-proxy runs in iptables mode (ConfigMap/kube-system/kube-proxy-config) in front of 1001 Services with proxy rules (more than 1000)"]);
        // Headless Services get no proxy rules.
        assert!(run(&format!("{eks}{}", services(1001, 1))).is_empty());
        let kubeadm_empty_mode = "kind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n    mode: \"\"\n";
        assert_eq!(
            run(&format!("{kubeadm_empty_mode}{}", services(1001, 0))).len(),
            1
        );
        let ipvs = eks.replace("\"iptables\"", "ipvs");
        assert!(run(&format!("{ipvs}{}", services(1001, 0))).is_empty());
    }

    #[test]
    fn aws_auth() {
        let yaml = "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n    - rolearn: arn:aws:iam::111122223333:role/teams/admin\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:instance-profile/eks-nodes\n      username: x\n    - rolearn: arn:aws:iam::111122223333:role/no-name\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n";
        assert_eq!(run(yaml), vec![
            "AUTH003 ConfigMap/kube-system/aws-auth: data.mapRoles[1] role ARN arn:aws:iam::111122223333:role/teams/admin has an IAM path, so it never matches",
            "AUTH005 ConfigMap/kube-system/aws-auth: data.mapRoles[1] grants system:masters",
            "AUTH004 ConfigMap/kube-system/aws-auth: data.mapRoles[2] maps the instance profile arn:aws:iam::111122223333:instance-profile/eks-nodes",
            "AUTH002 ConfigMap/kube-system/aws-auth: data.mapRoles[3] has no rolearn or no username",
            "AUTH006 ConfigMap/kube-system/aws-auth: data.mapUsers maps 1 IAM users",
        ]);
        let broken = "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/a\n     username: bad-indent\n";
        let found = run(broken);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "AUTH001 ConfigMap/kube-system/aws-auth: data.mapRoles is not valid YAML ("
            ),
            "{found:?}"
        );
        assert!(
            found[0].ends_with("): the authenticator drops the whole key"),
            "{found:?}"
        );
    }

    #[test]
    fn legacy_token_secrets() {
        let yaml = "kind: Secret\nmetadata: {name: build-robot-token, namespace: ci}\ntype: kubernetes.io/service-account-token\ndata: {token: ZXlK}\n---\nkind: Secret\nmetadata: {name: tls, namespace: ci}\ntype: kubernetes.io/tls\n";
        assert_eq!(
            run(yaml),
            vec!["SA001 1 legacy service-account token Secrets (Secret/ci/build-robot-token)"]
        );
    }
}
