//! DEP001: deprecated APIs that clients still request.

use super::versions::minor_version;
use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::metrics::summary::kubernetes_version;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&DEP001],
    run: Run::Metrics(dep001),
};

const METRIC: &str = "apiserver_requested_deprecated_apis";

/// ## What it does
/// Reads `apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release}`
/// (a gauge, 1 for each deprecated API requested since the server started) against the control
/// plane's minor from `kubernetes_build_info`: critical when `removed_release` is at or before
/// the next minor, since the upgrade removes an API clients still call; a warning when the
/// removal is further away, none is planned, or the control-plane version is unknown. The
/// family appears with the first deprecated request: absent from an API server's dump, none
/// was requested since it started.
///
/// ## Why is this bad?
/// After the upgrade that removes the API, every client still calling it gets 404: controllers,
/// CI pipelines and Helm releases break at once.
pub const DEP001: Check = Check {
    id: "DEP001",
    severity: Severity::Critical,
    title: "deprecated APIs still requested",
    rationale: "Clients still call API versions that a coming Kubernetes release removes; after that upgrade \
                they get 404 and whatever depends on them (controllers, pipelines, Helm releases) breaks.",
    remediation: "Find the clients (the audit log's annotation k8s.io/deprecated, or the Amazon EKS upgrade \
                  insights), move their manifests and code to the replacement API version (kubectl convert, \
                  pluto), and upgrade the controllers that still call the old one before upgrading the cluster.",
    reference: GUIDE,
    needs: &[Need::Events(&[METRIC])],
};

/// "batch/v1beta1 cronjobs", "v1 endpoints" (the core group), "…/status" for a subresource.
fn api_name(group: &str, version: &str, resource: &str, subresource: &str) -> String {
    let gv = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    if subresource.is_empty() {
        format!("{gv} {resource}")
    } else {
        format!("{gv} {resource}/{subresource}")
    }
}

pub fn dep001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(family) = cx.dump.family(METRIC) else {
        return Vec::new();
    };
    let version = kubernetes_version(cx.dump);
    let current = version.as_deref().and_then(minor_version);
    let mut out = Vec::new();
    for sample in family.series("").filter(|s| s.value > 0.0) {
        let label = |name: &str| sample.label(name).unwrap_or_default();
        let (group, api_version, resource, subresource, removed) = (
            label("group"),
            label("version"),
            label("resource"),
            label("subresource"),
            label("removed_release"),
        );
        let api = api_name(&group, &api_version, &resource, &subresource);
        let removal = minor_version(&removed);
        let (severity, message) = match (removal, current, version.as_deref()) {
            (None, ..) => (
                Severity::Warning,
                format!("{api} is deprecated and still requested (no removal release planned yet)"),
            ),
            (Some(removal), Some((major, minor)), Some(running)) if removal <= (major, minor + 1) => (
                Severity::Critical,
                format!(
                    "{api} is still requested and is removed in {removed}, at or before the next minor after the control plane's {running}: upgrading breaks its clients"
                ),
            ),
            (Some(_), Some(_), Some(running)) => (
                Severity::Warning,
                format!(
                    "{api} is deprecated and still requested; it is removed in {removed} (the control plane runs {running})"
                ),
            ),
            (Some(_), ..) => (
                Severity::Warning,
                format!(
                    "{api} is deprecated and still requested; it is removed in {removed} (the control-plane version is unknown: no kubernetes_build_info)"
                ),
            ),
        };
        out.push(Finding::with_severity(
            &DEP001,
            severity,
            message,
            vec![Evidence::metric(
                METRIC,
                &[
                    ("group", &group),
                    ("version", &api_version),
                    ("resource", &resource),
                    ("subresource", &subresource),
                    ("removed_release", &removed),
                ],
                sample.value,
            )],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    const BUILD_1_22: &str = "kubernetes_build_info{git_version=\"v1.22.17\",major=\"1\",minor=\"22\"} 1\n";

    #[test]
    fn removal_at_or_before_the_next_minor_is_critical() {
        // Control plane 1.24: the next minor is 1.25, so removal in 1.25 breaks at the upgrade;
        // 1.26 is two minors away (a warning); no removal release is a warning too.
        let dump = "\
kubernetes_build_info{git_version=\"v1.24.3-eks-1\"} 1
apiserver_requested_deprecated_apis{group=\"batch\",removed_release=\"1.25\",resource=\"cronjobs\",subresource=\"\",version=\"v1beta1\"} 1
apiserver_requested_deprecated_apis{group=\"autoscaling\",removed_release=\"1.26\",resource=\"horizontalpodautoscalers\",subresource=\"status\",version=\"v2beta2\"} 1
apiserver_requested_deprecated_apis{group=\"\",removed_release=\"\",resource=\"endpoints\",subresource=\"\",version=\"v1\"} 1
";
        assert_eq!(run("dep001", dump), vec![
            "critical DEP001: batch/v1beta1 cronjobs is still requested and is removed in 1.25, at or before the next minor after the control plane's v1.24.3-eks-1: upgrading breaks its clients",
            "warning DEP001: autoscaling/v2beta2 horizontalpodautoscalers/status is deprecated and still requested; it is removed in 1.26 (the control plane runs v1.24.3-eks-1)",
            "warning DEP001: v1 endpoints is deprecated and still requested (no removal release planned yet)",
        ]);
    }

    #[test]
    fn unknown_version_and_nothing_requested() {
        let api = "apiserver_requested_deprecated_apis{group=\"policy\",removed_release=\"1.25\",resource=\"podsecuritypolicies\",subresource=\"\",version=\"v1beta1\"}";
        assert_eq!(run("dep001", &format!("{api} 1\n")), vec![
            "warning DEP001: policy/v1beta1 podsecuritypolicies is deprecated and still requested; it is removed in 1.25 (the control-plane version is unknown: no kubernetes_build_info)",
        ]);
        // 1.22: removal in 1.25 is three minors away.
        assert_eq!(run("dep001", &format!("{BUILD_1_22}{api} 1\n")).len(), 1);
        assert!(run("dep001", &format!("{BUILD_1_22}{api} 1\n"))[0].starts_with("warning "));
        // The gauge is 0 (or absent) when nothing requested it.
        assert!(run("dep001", &format!("{BUILD_1_22}{api} 0\n")).is_empty());
        assert!(run("dep001", BUILD_1_22).is_empty());
    }
}
