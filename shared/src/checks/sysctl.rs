//! SYS001–SYS003 on cluster exports: the unsafe-sysctls policy's rule, run over every object
//! that carries a pod spec. The checks and the rule are declared in [`crate::rules::sysctl`].

use super::{violation_finding, ClusterContext, Entry, Run};
use crate::report::Finding;
use crate::rules::sysctl::{pod_spec_at, SYS001, SYS002, SYS003};

pub const ENTRY: Entry = Entry {
    checks: &[&SYS001, &SYS002, &SYS003],
    run: Run::Cluster(check),
};

fn check(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for object in cx.objects {
        if pod_spec_at(object.kind()).is_some() {
            let violations = cx.sysctls.check_workload(&object.as_workload());
            findings.extend(violations.iter().map(|v| violation_finding(v, object)));
        }
    }
    findings
}
