//! OBJ001: how many objects of each resource etcd stores.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::report::{Evidence, Finding, ObjectCount};

pub const ENTRY: Entry = Entry {
    checks: &[&OBJ001],
    run: Run::Metrics(obj001),
};

/// ## What it does
/// `apiserver_storage_objects` (or `apiserver_resource_objects`, or the older
/// `etcd_object_counts`) per resource: counts above the threshold, and `-1` (the API server
/// could not count).
///
/// ## Why is this bad?
/// Large counts make LISTs, watches and etcd itself slow, and fill the database (ETCD001).
pub const OBJ001: Check = Check {
    id: "OBJ001",
    severity: Severity::Warning,
    title: "very many objects of one resource",
    rationale: "Every object is stored in etcd and sent in full to every LIST and new watch: tens of thousands of \
                one resource make those slow and grow the database toward its quota.",
    remediation: "Delete what is not needed (completed Jobs and their Pods, old ReplicaSets, events, stale \
                  custom resources), set TTLs (ttlSecondsAfterFinished, revisionHistoryLimit) and fix the producer.",
    reference: GUIDE,    needs: &[Need::Family(COUNT_METRICS)],
};

const COUNT_METRICS: &[&str] = &[
    "apiserver_storage_objects",
    "apiserver_resource_objects",
    "etcd_object_counts",
];

/// Stored object counts per resource, most first (from the first count metric the dump has).
pub fn object_counts(cx: &MetricsContext<'_, '_>) -> (Option<&'static str>, Vec<ObjectCount>) {
    let Some((metric, family)) = COUNT_METRICS.iter().find_map(|n| {
        cx.dump
            .family(n)
            .filter(|f| !f.samples.is_empty())
            .map(|f| (*n, f))
    }) else {
        return (None, Vec::new());
    };
    let mut counts: Vec<ObjectCount> = family
        .series("")
        .map(|s| ObjectCount {
            resource: s.label("resource").unwrap_or_default().into_owned(),
            count: s.value,
        })
        .collect();
    counts.sort_by(|a, b| {
        b.count
            .total_cmp(&a.count)
            .then_with(|| a.resource.cmp(&b.resource))
    });
    (Some(metric), counts)
}

pub fn obj001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let (Some(metric), counts) = object_counts(cx) else {
        return Vec::new();
    };
    let mut out: Vec<Finding> = counts
        .iter()
        .filter(|c| c.count > cx.config.object_count_warn)
        .map(|c| {
            let message = format!(
                "{} {} objects are stored (threshold {})",
                format::count(c.count),
                c.resource,
                format::count(cx.config.object_count_warn)
            );
            Finding::new(
                &OBJ001,
                message,
                vec![Evidence::metric(
                    metric,
                    &[("resource", &c.resource)],
                    c.count,
                )],
            )
        })
        .collect();
    let failed: Vec<&str> = counts
        .iter()
        .filter(|c| c.count < 0.0)
        .map(|c| c.resource.as_str())
        .collect();
    if !failed.is_empty() {
        let message = format!(
            "the API server could not count {} (value -1: a storage error)",
            failed.join(", ")
        );
        out.push(Finding::new(
            &OBJ001,
            message,
            failed
                .iter()
                .map(|r| Evidence::metric(metric, &[("resource", r)], -1.0))
                .collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    #[test]
    fn counts_and_fetch_errors() {
        let dump = "apiserver_storage_objects{resource=\"events\"} 25000\napiserver_storage_objects{resource=\"pods\"} 300\napiserver_storage_objects{resource=\"widgets.example.com\"} -1\n";
        assert_eq!(run("obj001", dump), vec![
            "warning OBJ001: 25,000 events objects are stored (threshold 10,000)",
            "warning OBJ001: the API server could not count widgets.example.com (value -1: a storage error)",
        ]);
    }
}
