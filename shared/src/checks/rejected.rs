//! SYS004: Pods the kubelet already rejected for their sysctls.

use super::{Check, ClusterContext, Entry, Need, Run, Severity, GUIDE};
use crate::cluster::Object;
use crate::k8s::Text;
use crate::report::{Evidence, Finding};
use std::collections::{BTreeMap, HashMap};

pub const ENTRY: Entry = Entry {
    checks: &[&SYS004],
    run: Run::Cluster(|cx: &ClusterContext<'_>| check(cx.objects)),
};

/// ## What it does
/// Finds Pods whose `status.reason` is `SysctlForbidden`, or whose `status.message` carries
/// the kubelet's `forbidden sysctl:` rejection, and names the workload that owns them
/// (ReplicaSet → Deployment, Job → CronJob, when those objects are in the export). Critical when
/// a controller owns them (it keeps creating Pods the kubelet keeps rejecting), a warning for a
/// Job's (retried up to its backoffLimit), a bare Pod or a mirror Pod.
///
/// ## Why is this bad?
/// The kubelet refuses a Pod with an unsafe sysctl that is not on its allowlist; the
/// controller makes a new one, the scheduler places it, and the loop loads the control plane.
pub const SYS004: Check = Check {
    id: "SYS004",
    severity: Severity::Critical,
    title: "Pods rejected by the kubelet for unsafe sysctls",
    rationale: "A Pod with an unsafe sysctl the node does not allow is rejected by the kubelet after scheduling; its \
                controller replaces it and the scheduler places the new one, over and over: the loop the guide warns \
                loads the control plane.",
    remediation: "Remove the sysctl from the workload (or allow it on a dedicated node group with \
                  --allowed-unsafe-sysctls and schedule the workload there), delete the rejected Pods, and enforce \
                  the rule at admission (the unsafe-sysctls policy or its ValidatingAdmissionPolicy).",
    reference: GUIDE,
    needs: &[Need::Kind(&["Pod"])],
};

/// `status.reason` the kubelet sets (`ForbiddenReason`, pkg/kubelet/sysctl/allowlist.go).
const REASON: &str = "SysctlForbidden";
/// The start of the kubelet's admit message (`"forbidden sysctl: %v"`, same file); the Pod's
/// `status.message` is `Pod was rejected: ` followed by it.
const MESSAGE: &str = "forbidden sysctl: ";

/// The object's controller: `(kind, name)` of the owner reference with `controller: true`.
/// A Node owns only mirror Pods (static Pods), which nothing recreates.
fn owner(o: &Object) -> Option<(&str, &str)> {
    let r = o
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller.as_ref().map(Text::as_str) == Some("true"))?;
    let kind = r.kind.as_ref()?.as_str();
    (kind != "Node").then_some((kind, r.name.as_ref()?.as_str()))
}

/// One workload's rejected Pods, the first rejection's text, the workload's kind (`None`: a
/// Pod nothing owns) and the evidence path.
type Rejected<'a> = (Vec<String>, String, Option<&'a str>, &'static str);

/// The kubelet's words, at most 200 characters, withheld if they look like a credential (the
/// message is the Pod's own status: anyone could have written it).
fn bounded(text: &str) -> String {
    if crate::redact::looks_secret(text) {
        return crate::redact::WITHHELD.to_owned();
    }
    crate::redact::shorten(text, 200)
}

/// How often the workload's controller comes back with a new Pod.
fn repeats(kind: &str) -> Option<&'static str> {
    match kind {
        // A Job retries up to its backoffLimit (then fails); its CronJob starts a new Job on
        // every schedule.
        "Job" => Some("the Job retries it up to its backoffLimit"),
        _ => None,
    }
}

pub fn check(objects: &[Object]) -> Vec<Finding> {
    // (kind, namespace, name) → that object's own controller, to go up one level.
    let parents: HashMap<(&str, &str, &str), (&str, &str)> = objects
        .iter()
        .filter(|o| matches!(o.kind(), "ReplicaSet" | "Job"))
        .filter_map(|o| {
            let ns = o.metadata.namespace.as_deref().unwrap_or_default();
            let name = o.metadata.name.as_deref()?;
            Some(((o.kind(), ns, name), owner(o)?))
        })
        .collect();
    let mut by_owner: BTreeMap<String, Rejected<'_>> = BTreeMap::new();
    for o in objects.iter().filter(|o| o.kind() == "Pod") {
        let Some(status) = &o.status else { continue };
        let message = status.message.as_ref().map(Text::as_str).unwrap_or_default();
        let by_reason = status.reason.as_ref().is_some_and(|r| r.as_str() == REASON);
        let why = match message.split_once(MESSAGE) {
            Some((_, rest)) => format!("forbidden sysctl: {}", bounded(rest)),
            None if by_reason => format!("status.reason {REASON}"),
            None => continue,
        };
        let path = if by_reason {
            "status.reason"
        } else {
            "status.message"
        };
        let ns = o.metadata.namespace.as_deref().unwrap_or_default();
        let (workload, kind) = match owner(o) {
            Some((kind, name)) => {
                let (kind, name) = parents.get(&(kind, ns, name)).copied().unwrap_or((kind, name));
                (format!("{kind}/{ns}/{name}"), Some(kind))
            }
            None => (o.reference(), None),
        };
        let entry = by_owner
            .entry(workload)
            .or_insert_with(|| (Vec::new(), why, kind, path));
        entry.0.push(o.reference());
    }
    by_owner
        .into_iter()
        .map(|(workload, (pods, why, kind, path))| {
            let evidence = pods
                .iter()
                .map(|p| Evidence::Object {
                    object: p.clone(),
                    path: path.to_owned(),
                })
                .collect();
            let (pods_text, them) = if pods.len() == 1 {
                ("1 Pod".to_owned(), "it")
            } else {
                (format!("{} Pods", pods.len()), "them")
            };
            match kind.map(repeats) {
                Some(None) => Finding::new(
                    &SYS004,
                    format!("{workload}: {pods_text} rejected by the kubelet ({why}); the controller keeps replacing {them}"),
                    evidence,
                ),
                Some(Some(retries)) => Finding::with_severity(
                    &SYS004,
                    Severity::Warning,
                    format!("{workload}: {pods_text} rejected by the kubelet ({why}); {retries}"),
                    evidence,
                ),
                None => Finding::with_severity(
                    &SYS004,
                    Severity::Warning,
                    format!("{workload}: rejected by the kubelet ({why}); no controller recreates it"),
                    evidence,
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::load;

    fn found(yaml: &str) -> Vec<String> {
        check(&load(yaml).objects)
            .iter()
            .map(|f| format!("{} {}", f.severity.as_str(), f.message))
            .collect()
    }

    /// A Pod as the kubelet leaves it after `rejectPod` (pkg/kubelet/kubelet.go): phase Failed,
    /// the admit handler's reason, and "Pod was rejected: " before its message.
    fn rejected(name: &str, owner: &str) -> String {
        format!(
            "---
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: shop
  ownerReferences: [{owner}]
spec:
  securityContext: {{sysctls: [{{name: kernel.msgmax, value: '65536'}}]}}
status:
  phase: Failed
  reason: SysctlForbidden
  message: 'Pod was rejected: forbidden sysctl: \"kernel.msgmax\" not allowlisted'
"
        )
    }

    #[test]
    fn rejected_pods_are_named_by_their_deployment() {
        let yaml = format!(
            "{}{}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: queue-6d4cf56db6
  namespace: shop
  ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: queue, controller: true}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: lone, namespace: shop}}
status:
  phase: Failed
  message: 'Pod was rejected: forbidden sysctl: \"net.core.somaxconn\" not allowed with host net enabled'
---
apiVersion: v1
kind: Pod
metadata: {{name: fine, namespace: shop}}
status: {{phase: Running}}
",
            rejected("queue-6d4cf56db6-abcde", "{kind: ReplicaSet, name: queue-6d4cf56db6, controller: true}"),
            rejected("queue-6d4cf56db6-fghij", "{kind: ReplicaSet, name: queue-6d4cf56db6, controller: true}"),
        );
        assert_eq!(found(&yaml), vec![
            "critical Deployment/shop/queue: 2 Pods rejected by the kubelet (forbidden sysctl: \"kernel.msgmax\" not allowlisted); the controller keeps replacing them",
            "warning Pod/shop/lone: rejected by the kubelet (forbidden sysctl: \"net.core.somaxconn\" not allowed with host net enabled); no controller recreates it",
        ]);
    }

    #[test]
    fn without_the_replica_set_the_pod_names_it() {
        let yaml = rejected("w-1", "{kind: ReplicaSet, name: w-7f9c, controller: true}");
        assert_eq!(found(&yaml), vec![
            "critical ReplicaSet/shop/w-7f9c: 1 Pod rejected by the kubelet (forbidden sysctl: \"kernel.msgmax\" not allowlisted); the controller keeps replacing it",
        ]);
    }

    /// A Job retries only up to its backoffLimit; a mirror Pod (owned by its Node) and a Pod
    /// whose owners are not controllers have nothing recreating them; the reason alone is
    /// worded as the reason.
    #[test]
    fn jobs_mirror_pods_and_the_reason_alone() {
        let yaml = format!(
            "{}---
apiVersion: v1
kind: Pod
metadata:
  name: static-web-ip-10-0-0-1
  namespace: kube-system
  ownerReferences: [{{apiVersion: v1, kind: Node, name: ip-10-0-0-1, controller: true}}]
status: {{phase: Failed, reason: SysctlForbidden}}
---
apiVersion: v1
kind: Pod
metadata:
  name: adopted
  namespace: shop
  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: old}}]
status: {{phase: Failed, reason: SysctlForbidden}}
",
            rejected("migrate-x7k2p", "{kind: Job, name: migrate, controller: true}")
        );
        assert_eq!(found(&yaml), vec![
            "warning Job/shop/migrate: 1 Pod rejected by the kubelet (forbidden sysctl: \"kernel.msgmax\" not allowlisted); the Job retries it up to its backoffLimit",
            "warning Pod/kube-system/static-web-ip-10-0-0-1: rejected by the kubelet (status.reason SysctlForbidden); no controller recreates it",
            "warning Pod/shop/adopted: rejected by the kubelet (status.reason SysctlForbidden); no controller recreates it",
        ]);
    }

    #[test]
    fn running_pods_and_other_failures_are_nothing() {
        let yaml = "apiVersion: v1
kind: Pod
metadata: {name: oom, namespace: shop}
status: {phase: Failed, reason: Evicted, message: 'The node was low on resource: memory.'}
";
        assert!(found(yaml).is_empty());
    }
}
