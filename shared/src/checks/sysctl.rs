//! SYS001–SYS003: sysctls a Pod asks for that the kubelet refuses or that escape the container.
//!
//! The rules themselves live in [`crate::rules::sysctl`], shared with the unsafe-sysctls policy.

use super::{Check, Need, Severity, GUIDE};

/// The kinds that carry a pod spec, as the rules read them ([`crate::rules::sysctl::KINDS`]).
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "ReplicationController",
    "CronJob",
    "PodTemplate",
];

/// ## What it does
/// Finds Pods and pod templates whose `securityContext.sysctls` name a sysctl outside the Pod
/// Security Standards baseline allowlist (plus the policy's `allowedUnsafeSysctls`, minus its
/// `forbiddenSysctls`).
///
/// ## Why is this bad?
/// Unsafe sysctls are disabled by default and the kubelet rejects such Pods. The scheduler then
/// places them again and again: an endless loop that loads the control plane.
pub const SYS001: Check = Check {
    id: "SYS001",
    severity: Severity::Critical,
    title: "unsafe sysctl",
    rationale: "Unsafe sysctls are disabled by default; the kubelet refuses the Pod (SysctlForbidden) and \
                its controller recreates it in an endless loop that loads the API server, etcd and the scheduler.",
    remediation: "Remove the sysctl, or allow it on purpose: enable it on the nodes with the kubelet's \
                  --allowed-unsafe-sysctls, schedule the Pod only there, and add it to the policy's allowedUnsafeSysctls.",
    reference: GUIDE,    needs: &[Need::Kind(WORKLOAD_KINDS)],
};

/// ## What it does
/// Finds namespaced sysctls that would act on the host: `net.*` with `hostNetwork: true`, or IPC
/// sysctls (`kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) with `hostIPC: true`.
///
/// ## Why is this bad?
/// The kubelet refuses these Pods ("not allowed with host net/ipc enabled"), with the same
/// rescheduling loop as SYS001 — and if it did not, the setting would change the node itself.
pub const SYS002: Check = Check {
    id: "SYS002",
    severity: Severity::Critical,
    title: "sysctl in a host namespace",
    rationale:
        "A namespaced sysctl in a Pod that shares the host's network or IPC namespace would change \
                the node itself; the kubelet refuses such Pods and they are rescheduled in a loop.",
    remediation:
        "Drop hostNetwork/hostIPC from the Pod, or drop the sysctl and set it on the node instead.",
    reference: GUIDE,
    needs: &[Need::Kind(WORKLOAD_KINDS)],
};

/// ## What it does
/// Finds sysctl values that contain `+` or `=`.
///
/// ## Why is this bad?
/// CVE-2022-0811 ("cr8escape"): CRI-O passed such values through unescaped, so one sysctl could
/// set further, arbitrary kernel parameters on the host.
pub const SYS003: Check = Check {
    id: "SYS003",
    severity: Severity::Critical,
    title: "suspicious sysctl value",
    rationale: "A '+' or '=' in a sysctl value can smuggle further kernel parameters to the host through \
                vulnerable runtimes (CVE-2022-0811, cr8escape).",
    remediation: "Use a plain value; no legitimate sysctl value needs '+' or '='. Patch CRI-O to ≥ 1.19.6 / 1.20.7 / 1.21.6 / 1.22.2 / 1.23.2.",
    reference: "https://nvd.nist.gov/vuln/detail/CVE-2022-0811",    needs: &[Need::Kind(WORKLOAD_KINDS)],
};

#[cfg(test)]
mod tests {
    #[test]
    fn workload_kinds_are_the_rules_kinds() {
        let rules: Vec<&str> = crate::rules::sysctl::KINDS
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(super::WORKLOAD_KINDS, rules.as_slice());
    }
}
