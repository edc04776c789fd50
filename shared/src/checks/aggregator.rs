//! AGG001: aggregated APIs (metrics-server and the like) that the API server cannot reach.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&AGG001],
    run: Run::Metrics(agg001),
};

/// ## What it does
/// `aggregator_unavailable_apiservice == 1`.
///
/// ## Why is this bad?
/// Discovery fails for every client, and namespace deletion hangs on the missing API.
pub const AGG001: Check = Check {
    id: "AGG001",
    severity: Severity::Warning,
    title: "unavailable aggregated API",
    rationale: "An APIService the API server cannot reach breaks discovery (kubectl and controllers log errors, \
                some give up) and blocks namespace deletion, which must list every API.",
    remediation: "Fix the service behind the APIService (often metrics-server), or delete the APIService if the \
                  extension is gone.",
    reference: GUIDE,    needs: &[Need::Family(&["aggregator_unavailable_apiservice"])],
};

pub fn agg001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(family) = cx.dump.family("aggregator_unavailable_apiservice") else {
        return Vec::new();
    };
    family
        .series("")
        .filter(|s| s.value == 1.0)
        .map(|s| {
            let name = s.label("name").unwrap_or_default();
            Finding::new(
                &AGG001,
                format!("APIService {name} is unavailable"),
                vec![Evidence::metric(
                    "aggregator_unavailable_apiservice",
                    &[("name", &name)],
                    1.0,
                )],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    #[test]
    fn unavailable_apiservices() {
        let dump = "aggregator_unavailable_apiservice{name=\"v1.\"} 0\naggregator_unavailable_apiservice{name=\"v1beta1.metrics.k8s.io\"} 1\n";
        assert_eq!(
            run("agg001", dump),
            vec!["warning AGG001: APIService v1beta1.metrics.k8s.io is unavailable"]
        );
    }
}
