//! VER004: the control plane's minor against the embedded EKS support calendar
//! ([`crate::calendar`]).

use super::{Check, ClusterContext, Entry, Need, Run, Severity};
use crate::calendar::{Calendar, Support, COMPILED, SOURCE};
use crate::report::{Evidence, Finding, SupportSummary};

pub const ENTRY: Entry = Entry {
    checks: &[&VER004],
    run: Run::Cluster(|cx: &ClusterContext<'_>| {
        cx.control_plane
            .zip(cx.now)
            .map(|(version, now)| check(version, now))
            .unwrap_or_default()
    }),
};

/// ## What it does
/// Places the control plane's minor in Amazon EKS' release calendar at today's date
/// (`--now` overrides it): warning in extended support, critical past it.
///
/// ## Why is this bad?
/// Extended support is billed per cluster hour on top of the standard price; past it, EKS
/// upgrades the control plane on its own, at a time it does not announce, and nodes and
/// add-ons are left behind.
pub const VER004: Check = Check {
    id: "VER004",
    severity: Severity::Critical,
    title: "control-plane minor out of EKS standard support",
    rationale: "EKS supports a minor for 14 months (standard support), then 12 more at an extra cost per cluster \
                hour (extended support, a warning). Past that (critical) EKS upgrades the control plane itself, at \
                any time and without notice, leaving nodes and add-ons on the old minor. The dates come from an \
                embedded calendar whose compilation date the report shows.",
    remediation: "Upgrade the control plane one minor at a time (aws eks update-cluster-version), after checking \
                  deprecated APIs and add-on versions; then upgrade the nodes.",
    reference: "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
    needs: &[Need::ControlPlaneVersion, Need::Today],
};

/// `2026-11-29` of Unix seconds.
fn day(seconds: f64) -> String {
    let mut text = crate::time::format_rfc3339(seconds);
    text.truncate(10);
    text
}

/// The calendar's evidence for 1.`minor`.
fn evidence(minor: u32) -> Vec<Evidence> {
    let path = match Calendar::release(minor) {
        Some(r) => format!(
            "1.{minor}: end of standard support {}, end of extended support {}",
            r.end_of_standard, r.end_of_extended
        ),
        None => format!("1.{minor}: not listed"),
    };
    vec![Evidence::Object {
        object: format!("EKS release calendar (compiled {COMPILED}, {SOURCE})"),
        path,
    }]
}

/// VER004's finding for a control plane at `version` on day `now` (Unix seconds).
pub fn check(version: &str, now: f64) -> Vec<Finding> {
    let Some((1, minor)) = super::versions::minor_version(version) else {
        return Vec::new();
    };
    let today = day(now);
    let calendar = format!("EKS calendar compiled {COMPILED}");
    let finding = match Calendar::status(minor, now) {
        Support::Standard { .. } | Support::Unknown => return Vec::new(),
        Support::Extended { until } => Finding::with_severity(
            &VER004,
            Severity::Warning,
            format!("control plane {version} (1.{minor}) is in EKS extended support on {today}, billed extra per cluster hour, until {until} ({calendar})"),
            evidence(minor),
        ),
        Support::Ended { since, exact: true } => Finding::new(
            &VER004,
            format!("control plane {version} (1.{minor}) is past the end of EKS extended support ({since}) on {today}: EKS upgrades it on its own, at any time ({calendar})"),
            evidence(minor),
        ),
        Support::Ended { since, exact: false } => Finding::new(
            &VER004,
            format!("control plane {version} (1.{minor}) is past the end of EKS extended support on {today}: it ended by {since} at the latest, with a newer minor's ({calendar})"),
            evidence(minor),
        ),
    };
    vec![finding]
}

/// The report's `support` section: where the control plane's minor stands, and the
/// calendar's own date.
pub fn summary(version: &str, now: f64) -> Option<SupportSummary> {
    let (1, minor) = super::versions::minor_version(version)? else {
        return None;
    };
    let status = match Calendar::status(minor, now) {
        Support::Standard { .. } => "standard",
        Support::Extended { .. } => "extended",
        Support::Ended { .. } => "ended",
        Support::Unknown => "unknown",
    };
    let row = Calendar::release(minor);
    Some(SupportSummary {
        control_plane_version: version.to_owned(),
        minor: format!("1.{minor}"),
        status: status.into(),
        end_of_standard_support: row.map(|r| r.end_of_standard.to_owned()),
        end_of_extended_support: row.map(|r| r.end_of_extended.to_owned()),
        now: day(now),
        calendar_compiled: COMPILED.into(),
        calendar_source: SOURCE.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> f64 {
        crate::time::parse(date).unwrap()
    }

    fn found(version: &str, now: &str) -> Vec<String> {
        check(version, at(now))
            .iter()
            .map(|f| format!("{} {}", f.severity.as_str(), f.message))
            .collect()
    }

    #[test]
    fn standard_extended_and_past() {
        // 1.31: standard support to 2025-11-26, extended to 2026-11-26.
        assert!(found("v1.31.4-eks-2d5f260", "2025-11-25T23:59:59Z").is_empty());
        assert_eq!(found("v1.31.4-eks-2d5f260", "2025-11-26T00:00:00Z"), vec![
            "warning control plane v1.31.4-eks-2d5f260 (1.31) is in EKS extended support on 2025-11-26, billed extra per cluster hour, until 2026-11-26 (EKS calendar compiled 2026-11-29)",
        ]);
        assert_eq!(found("1.31", "2026-11-29T12:00:00Z"), vec![
            "critical control plane 1.31 (1.31) is past the end of EKS extended support (2026-11-26) on 2026-11-29: EKS upgrades it on its own, at any time (EKS calendar compiled 2026-11-29)",
        ]);
        // 1.26 is not listed: 1.27's extended support ended 2025-07-24, so 1.26's had by then.
        assert_eq!(found("v1.26.15-eks-1", "2026-01-01T00:00:00Z"), vec![
            "critical control plane v1.26.15-eks-1 (1.26) is past the end of EKS extended support on 2026-01-01: it ended by 2025-07-24 at the latest, with a newer minor's (EKS calendar compiled 2026-11-29)",
        ]);
        assert!(found("garbage", "2026-01-01T00:00:00Z").is_empty());
        assert!(found("v2.1.0", "2026-01-01T00:00:00Z").is_empty());
    }

    #[test]
    fn the_summary_carries_the_calendar_date() {
        let s = summary("v1.30.4-eks-a737599", at("2026-03-01T08:00:00Z")).unwrap();
        assert_eq!(s.line(), format!("EKS support of 1.30 on 2026-03-01: extended (standard support to 2025-07-23, extended to 2026-07-23); calendar compiled 2026-11-29 from {SOURCE}"));
        let unknown = summary("1.25", at("2025-01-01T00:00:00Z")).unwrap();
        assert_eq!(unknown.status, "unknown");
        assert!(unknown.line().contains("(not in the calendar)"));
    }
}
