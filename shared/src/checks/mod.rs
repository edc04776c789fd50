//! The check catalogue: every check is declared once, with a stable ID, and listed in [`REGISTRY`].

mod admission;
mod aggregator;
pub mod api;
pub mod auth;
mod client;
mod etcd;
pub mod network;
pub mod objects;
pub mod serviceaccounts;
mod sysctl;
pub mod versions;
mod webhook;

pub use admission::{ADM001, ADM002, ADM003};
pub use aggregator::AGG001;
pub use api::{API001, API002, API003, API004};
pub use auth::{AUTH001, AUTH002, AUTH003, AUTH004, AUTH005, AUTH006};
pub use client::CLI001;
pub use etcd::{ETCD001, ETCD002, ETCD003};
pub use network::NET001;
pub use objects::OBJ001;
pub use serviceaccounts::SA001;
pub use sysctl::{SYS001, SYS002, SYS003};
pub use versions::{VER001, VER002, VER003};
pub use webhook::{WH001, WH002, WH003, WH004, WH005};

use crate::config::Config;
use crate::metrics::Exposition;
use crate::report::Finding;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// `kubernetes_build_info` in the metrics dump.
    ControlPlaneVersion,
}

impl Need {
    /// Whether this need is met from a metrics dump (else from cluster exports).
    pub fn is_metrics(&self) -> bool {
        matches!(self, Need::Family(_) | Need::Events(_))
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
                "the control-plane version (`kubectl version -o json`, or `kubernetes_build_info`)"
                    .to_owned()
            }
        }
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

/// Every check, in catalogue order.
pub const REGISTRY: &[&Check] = &[
    &SYS001, &SYS002, &SYS003, &WH001, &WH002, &WH003, &WH004, &WH005, &VER001, &VER002, &VER003,
    &NET001, &AUTH001, &AUTH002, &AUTH003, &AUTH004, &AUTH005, &AUTH006, &SA001, &ETCD001,
    &ETCD002, &ETCD003, &API001, &API002, &API003, &API004, &ADM001, &ADM002, &ADM003, &CLI001,
    &AGG001, &OBJ001,
];

/// What a metrics check reads: one dump (or the difference of two), the thresholds, and the
/// words that say which window its counters cover ("since apiserver start (up 3 d 4 h)").
pub struct MetricsContext<'a, 'd> {
    pub dump: &'a Exposition<'d>,
    pub config: &'a Config,
    pub window: &'a str,
    /// Effective timeout (seconds) of each admission webhook, by name, when a cluster export
    /// with the webhook configurations was given too.
    pub webhook_timeouts: &'a std::collections::BTreeMap<String, f64>,
}

/// A metrics check's function.
pub type MetricsCheck = fn(&MetricsContext<'_, '_>) -> Vec<Finding>;

/// Every metrics check, by name, in catalogue order.
pub const METRICS_CHECKS: &[(&str, MetricsCheck)] = &[
    ("etcd001", etcd::etcd001),
    ("etcd002", etcd::etcd002),
    ("etcd003", etcd::etcd003),
    ("api001", api::api001),
    ("api002", api::api002),
    ("api003", api::api003),
    ("api004", api::api004),
    ("adm001", admission::adm001),
    ("adm002", admission::adm002),
    ("adm003", admission::adm003),
    ("cli001", client::cli001),
    ("agg001", aggregator::agg001),
    ("obj001", objects::obj001),
];

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
        let timeouts = std::collections::BTreeMap::new();
        let cx = MetricsContext {
            dump: &parsed,
            config: &config,
            window: "since apiserver start",
            webhook_timeouts: &timeouts,
        };
        let (_, f) = METRICS_CHECKS
            .iter()
            .find(|(name, _)| *name == check)
            .unwrap_or_else(|| panic!("no check {check}"));
        f(&cx)
            .iter()
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

    /// The checks whose needs are metric families are exactly the metrics checks that run.
    #[test]
    fn metrics_needs_match_the_metrics_checks() {
        let by_needs: Vec<String> = REGISTRY
            .iter()
            .filter(|c| c.reads_metrics())
            .map(|c| c.id.to_ascii_lowercase())
            .collect();
        let run: Vec<&str> = METRICS_CHECKS.iter().map(|(name, _)| *name).collect();
        assert_eq!(by_needs, run);
        assert!(REGISTRY
            .iter()
            .all(|c| c.needs.iter().all(|n| n.is_metrics() == c.reads_metrics())));
    }

    #[test]
    fn lookup_by_id() {
        assert_eq!(by_id("WH003").map(|c| c.severity), Some(Severity::Warning));
        assert_eq!(by_id("SYS001").map(|c| c.title), Some("unsafe sysctl"));
        assert!(by_id("NOPE001").is_none());
    }
}
