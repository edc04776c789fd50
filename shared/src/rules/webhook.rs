//! WH001–WH005: the admission-webhook rules of the webhook-guard policy.
//!
//! Effective defaults follow `admissionregistration.k8s.io`: in `v1` an unset failurePolicy is
//! `Fail` and an unset timeoutSeconds is 10; in `v1beta1` they are `Ignore` and 30.

use crate::catalog::{Check, Need, Severity, GUIDE};
use crate::k8s::{LabelSelector, RuleWithOperations, TextList, Webhook, WebhookConfiguration};
use crate::rules::{SettingsError, Violation};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What WH001–WH005 read.
pub const WEBHOOK_KINDS: &[&str] = crate::k8s::WEBHOOK_CONFIGURATION_KINDS;

/// ## What it does
/// Finds webhooks with a rule whose apiGroups, apiVersions, operations and resources are all
/// wildcards, when the webhook fails closed or may take 30 s or more.
///
/// ## Why is this bad?
/// Every write in the cluster, kube-system and the webhook's own Pods included, then waits for
/// one service. When it is down, nothing can change — not even the fix.
pub const WH001: Check = Check {
    id: "WH001",
    severity: Severity::Critical,
    title: "catch-all webhook that can block the cluster",
    rationale: "A webhook that intercepts every resource and fails closed (or waits 30 s or more) puts one \
                service in front of every write in the cluster; when it is down or slow, the control plane \
                cannot change anything, including the webhook's own Pods.",
    remediation: "Scope the rules to the resources the webhook needs, exclude kube-system with a \
                  namespaceSelector, and set failurePolicy: Ignore with timeoutSeconds well under 30.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks whose timeout is longer than the limit you set.
///
/// ## Why is this bad?
/// A slow fail-closed webhook holds every matching request for its whole timeout.
pub const WH002: Check = Check {
    id: "WH002",
    severity: Severity::Warning,
    title: "long fail-closed timeout",
    rationale:
        "A fail-closed webhook that hangs holds every matching API request for its whole timeout, \
                tying up API server capacity (and clients' retries) while it does.",
    remediation:
        "Lower timeoutSeconds (the Kubernetes default is 10 s) or make the webhook fail open.",
    reference: GUIDE,
    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks on namespaced resources whose namespaceSelector still matches
/// `kube-system` (by its `kubernetes.io/metadata.name` label).
///
/// ## Why is this bad?
/// When the webhook is down, system components in kube-system (CNI, DNS, kube-proxy) cannot be
/// created or updated.
pub const WH003: Check = Check {
    id: "WH003",
    severity: Severity::Warning,
    title: "fail-closed webhook reaches kube-system",
    rationale: "While the webhook is unavailable, changes to cluster-critical components in kube-system \
                (CNI, CoreDNS, kube-proxy, the webhook's own fix) are refused.",
    remediation: "Add to the namespaceSelector: {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds webhooks that intercept leases, events, TokenReviews or SubjectAccessReviews.
///
/// ## Why is this bad?
/// Node heartbeats (leases in kube-node-lease), leader election and authentication run through
/// these; a slow or failing webhook there marks nodes NotReady or stalls controllers.
pub const WH004: Check = Check {
    id: "WH004",
    severity: Severity::Warning,
    title: "webhook on control-plane-critical resources",
    rationale: "Node heartbeats and leader election (leases in kube-node-lease and kube-system), events, \
                TokenReviews and SubjectAccessReviews are on the control plane's hot path; a webhook there \
                can mark nodes NotReady or stall every controller.",
    remediation: "Remove leases, events, tokenreviews and subjectaccessreviews from the webhook's rules, \
                  or exclude kube-node-lease and kube-system with its namespaceSelector.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// ## What it does
/// Finds fail-closed webhooks on Pod creation that do not exclude the namespace of their own
/// service.
///
/// ## Why is this bad?
/// When all of the webhook's Pods are gone, new ones cannot be created: the webhook must answer
/// first, and it has no Pods to answer with.
pub const WH005: Check = Check {
    id: "WH005",
    severity: Severity::Warning,
    title: "self-deadlock risk",
    rationale: "If every Pod of the webhook's service is gone (node loss, rollout, eviction), their \
                replacements cannot be created, because creating a Pod needs the webhook to answer.",
    remediation: "Exclude the webhook's own namespace with its namespaceSelector (kubernetes.io/metadata.name NotIn [<namespace>]) \
                  or fail open.",
    reference: GUIDE,    needs: &[Need::Kind(WEBHOOK_KINDS)],
};

/// Above this many seconds a fail-closed webhook gets a WH002 warning when `maxTimeoutSeconds`
/// is not set: the Kubernetes default timeout.
pub const DEFAULT_WARN_TIMEOUT_SECONDS: i64 = 10;

/// The webhook-guard policy's settings (camelCase).
#[derive(
    Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookSettings {
    /// Reject fail-closed webhooks whose timeout is above this (1–30). Unset: warn above 10 s.
    pub max_timeout_seconds: Option<i64>,
    /// Reject (instead of warn about) fail-closed webhooks that reach kube-system.
    pub require_kube_system_exclusion: bool,
    /// Reject for every finding, warnings included: the in-cluster configuration, because
    /// Kubewarden's audit scanner records only a rejection's message, never warnings.
    pub reject_warnings: bool,
    /// `configuration/webhook` or `configuration/*`: never rejected, still warned about.
    pub exempt_webhooks: Vec<String>,
}

/// Why an `exemptWebhooks` entry is not of the form `configuration/webhook` or
/// `configuration/*`, if it is not.
fn exemption_problem(entry: &str) -> Option<String> {
    let entry = entry.trim();
    if entry.is_empty() {
        return Some("is empty".to_owned());
    }
    let Some((config, webhook)) = entry.split_once('/') else {
        return Some(format!(
            "{entry:?} names no configuration: webhook names are unique only within their configuration, so write \"<configuration>/{entry}\" for one webhook or \"{entry}/*\" for a whole configuration"
        ));
    };
    if config.is_empty() || webhook.is_empty() || webhook.contains('/') {
        return Some(format!(
            "{entry:?} is not \"<configuration>/<webhook>\" or \"<configuration>/*\""
        ));
    }
    None
}

impl WebhookSettings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        let mut problems = Vec::new();
        if let Some(max) = self.max_timeout_seconds {
            if !(1..=30).contains(&max) {
                problems.push(format!(
                    "maxTimeoutSeconds must be between 1 and 30 (the API server's own limits), got {max}"
                ));
            }
        }
        for (i, entry) in self.exempt_webhooks.iter().enumerate() {
            if let Some(problem) = exemption_problem(entry) {
                problems.push(format!("exemptWebhooks[{i}] {problem}"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError { problems })
        }
    }

    /// Whether `configuration/webhook` is exempt.
    pub fn is_exempt(&self, configuration: &str, webhook: &str) -> bool {
        self.exempt_webhooks.iter().any(|entry| {
            entry.trim().split_once('/').is_some_and(|(c, w)| {
                !configuration.is_empty() && c == configuration && (w == "*" || w == webhook)
            })
        })
    }
}

/// `admissionregistration.k8s.io/v1` defaults: an unset failurePolicy fails closed, timeout 10 s.
pub const V1_DEFAULTS: (bool, i64) = (true, 10);
/// `admissionregistration.k8s.io/v1beta1` defaults: fail open, timeout 30 s.
pub const V1BETA1_DEFAULTS: (bool, i64) = (false, 30);
/// A webhook that waits this long or longer is as bad as a fail-closed one (WH001).
pub const SLOW_SECONDS: i64 = 30;

/// Whether an apiVersion is `admissionregistration.k8s.io/v1beta1` (or any `*/v1beta1`).
pub fn is_v1beta1(api_version: &str) -> bool {
    api_version.ends_with("/v1beta1")
}

/// A webhook's failurePolicy and timeout after the API server's defaulting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective {
    pub fails_closed: bool,
    pub failure_policy_defaulted: bool,
    pub timeout_seconds: i64,
    pub timeout_defaulted: bool,
}

impl Effective {
    pub fn of(api_version: Option<&str>, webhook: &Webhook) -> Effective {
        let (default_closed, default_timeout) = if api_version.is_some_and(is_v1beta1) {
            V1BETA1_DEFAULTS
        } else {
            V1_DEFAULTS
        };
        let (fails_closed, failure_policy_defaulted) = match webhook.failure_policy.as_deref() {
            Some("Ignore") => (false, false),
            Some(_) => (true, false),
            None => (default_closed, true),
        };
        let (timeout_seconds, timeout_defaulted) = match webhook.timeout_seconds {
            Some(t) => (t, false),
            None => (default_timeout, true),
        };
        Effective {
            fails_closed,
            failure_policy_defaulted,
            timeout_seconds,
            timeout_defaulted,
        }
    }

    pub fn failure_policy(self) -> &'static str {
        if self.fails_closed {
            "Fail"
        } else {
            "Ignore"
        }
    }

    fn describe(self) -> String {
        format!(
            "failurePolicy {}{}, timeout {} s{}",
            self.failure_policy(),
            if self.failure_policy_defaulted {
                " (default)"
            } else {
                ""
            },
            self.timeout_seconds,
            if self.timeout_defaulted {
                " (default)"
            } else {
                ""
            }
        )
    }
}

fn has(list: Option<&TextList>, wanted: &str) -> bool {
    list.into_iter()
        .flatten()
        .any(|item| item.as_str() == wanted)
}

fn any_group(rule: &RuleWithOperations, group: &str) -> bool {
    has(rule.api_groups.as_ref(), "*") || has(rule.api_groups.as_ref(), group)
}

fn any_resource(rule: &RuleWithOperations, resource: &str) -> bool {
    ["*", "*/*", resource]
        .iter()
        .any(|r| has(rule.resources.as_ref(), r))
}

fn has_operation(rule: &RuleWithOperations, op: &str) -> bool {
    has(rule.operations.as_ref(), "*") || has(rule.operations.as_ref(), op)
}

/// The writes a webhook must intercept on everything to be catch-all. CONNECT is not among
/// them: a webhook on every create, update and delete blocks the cluster with or without it.
pub const WRITES: [&str; 3] = ["CREATE", "UPDATE", "DELETE"];

/// Whether a rule names every group, version and resource (`*` or `*/*`), whatever its
/// operations and scope.
fn every_resource(rule: &RuleWithOperations) -> bool {
    has(rule.api_groups.as_ref(), "*")
        && has(rule.api_versions.as_ref(), "*")
        && (has(rule.resources.as_ref(), "*") || has(rule.resources.as_ref(), "*/*"))
}

/// Which scopes a rule covers: (namespaced, cluster-scoped). Unset and `*` cover both.
fn scopes(rule: &RuleWithOperations) -> (bool, bool) {
    match rule.scope.as_deref() {
        Some("Namespaced") => (true, false),
        Some("Cluster") => (false, true),
        _ => (true, true),
    }
}

/// The rules (by index) that together make a webhook catch-all: for every write, the union of
/// the rules naming every resource with that operation covers both scopes. Empty when the
/// webhook is not catch-all. It judges what the webhook can block, not how its rules are
/// spelled: one rule with `*`, or `CREATE`, `UPDATE` and `DELETE` in three rules, are the same.
pub fn catch_all_rules(rules: &[RuleWithOperations]) -> Vec<usize> {
    let mut used = Vec::new();
    for op in WRITES {
        let (mut namespaced, mut cluster) = (false, false);
        for (j, rule) in rules.iter().enumerate() {
            if every_resource(rule) && has_operation(rule, op) {
                let (n, c) = scopes(rule);
                namespaced |= n;
                cluster |= c;
                if !used.contains(&j) {
                    used.push(j);
                }
            }
        }
        if !(namespaced && cluster) {
            return Vec::new();
        }
    }
    used.sort_unstable();
    used
}

/// A single rule that is catch-all on its own.
pub fn is_catch_all(rule: &RuleWithOperations) -> bool {
    !catch_all_rules(std::slice::from_ref(rule)).is_empty()
}

/// Built-in resources that are cluster-scoped; anything else (CRDs included) may be namespaced.
pub const CLUSTER_SCOPED: &[&str] = &[
    "namespaces",
    "nodes",
    "persistentvolumes",
    "clusterroles",
    "clusterrolebindings",
    "customresourcedefinitions",
    "storageclasses",
    "priorityclasses",
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "apiservices",
    "certificatesigningrequests",
    "csidrivers",
    "csinodes",
    "volumeattachments",
    "runtimeclasses",
    "ingressclasses",
    "tokenreviews",
    "subjectaccessreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "selfsubjectreviews",
    "flowschemas",
    "prioritylevelconfigurations",
    "componentstatuses",
    "podsecuritypolicies",
    "clustertrustbundles",
    "ipaddresses",
    "servicecidrs",
    "deviceclasses",
    "volumeattributesclasses",
];

/// Whether the rule can match a namespaced resource.
fn matches_namespaced(rule: &RuleWithOperations) -> bool {
    if rule.scope.as_deref() == Some("Cluster") {
        return false;
    }
    rule.resources.iter().flatten().any(|r| {
        let base = r.as_str().split('/').next().unwrap_or_default();
        !CLUSTER_SCOPED.contains(&base)
    })
}

/// Control-plane-critical resources: (group, resource, namespaced).
pub const CRITICAL: &[(&str, &str, bool)] = &[
    ("coordination.k8s.io", "leases", true),
    ("", "events", true),
    ("events.k8s.io", "events", true),
    ("authentication.k8s.io", "tokenreviews", false),
    ("authorization.k8s.io", "subjectaccessreviews", false),
];

/// Whether the selector matches a namespace carrying only its `kubernetes.io/metadata.name` label.
fn selector_matches_namespace(selector: Option<&LabelSelector>, namespace: &str) -> bool {
    selector.is_none_or(|s| {
        s.matches_with(|key| (key == "kubernetes.io/metadata.name").then_some(namespace))
    })
}

fn describe_rule(rule: &RuleWithOperations) -> String {
    let list = |l: Option<&TextList>| {
        let items: Vec<String> = l
            .into_iter()
            .flatten()
            .map(|t| format!("{:?}", t.as_str()))
            .collect();
        format!("[{}]", items.join(", "))
    };
    format!(
        "apiGroups {}, apiVersions {}, operations {}, resources {}",
        list(rule.api_groups.as_ref()),
        list(rule.api_versions.as_ref()),
        list(rule.operations.as_ref()),
        list(rule.resources.as_ref())
    )
}

/// Checks every webhook of a Validating/MutatingWebhookConfiguration.
///
/// Each message names the webhook as `configuration/webhook` (the form `exemptWebhooks`
/// takes) and ends with what to change, so a rejection read alone — all a PolicyReport keeps —
/// says what to fix.
pub fn check_configuration(
    config: &WebhookConfiguration,
    settings: &WebhookSettings,
) -> Vec<Violation> {
    let config_name = config.metadata.name.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for (i, webhook) in config.webhooks.iter().flatten().enumerate() {
        let name = webhook.name.as_deref().unwrap_or_default();
        let exempt = settings.is_exempt(config_name, name);
        let before = out.len();
        let who = format!(
            "{}/{}",
            if config_name.is_empty() {
                "<unnamed>"
            } else {
                config_name
            },
            if name.is_empty() { "<unnamed>" } else { name }
        );
        check_webhook(
            config.api_version.as_deref(),
            webhook,
            &who,
            i,
            settings,
            &mut out,
        );
        for v in out.iter_mut().skip(before) {
            // Each rule says whether its finding is enforced; `rejectWarnings` enforces them all.
            v.enforced = !exempt && (settings.reject_warnings || v.enforced);
            if exempt {
                v.message
                    .push_str(" (exempt by exemptWebhooks: reported, not rejected)");
            }
        }
    }
    out
}

fn push(
    out: &mut Vec<Violation>,
    check: &'static Check,
    path: String,
    cx: &Context<'_>,
    message: String,
) {
    out.push(Violation {
        check,
        path,
        name: cx.name.to_owned(),
        message,
        enforced: false,
    });
}

/// What every per-check function needs to know about one webhook.
struct Context<'a> {
    name: &'a str,
    /// `configuration/webhook`.
    who: &'a str,
    at: String,
    effective: Effective,
    rules: &'a [RuleWithOperations],
    selector: Option<&'a LabelSelector>,
    webhook: &'a Webhook,
    settings: &'a WebhookSettings,
}

fn check_webhook(
    api_version: Option<&str>,
    webhook: &Webhook,
    who: &str,
    i: usize,
    settings: &WebhookSettings,
    out: &mut Vec<Violation>,
) {
    let cx = Context {
        name: webhook.name.as_deref().unwrap_or_default(),
        who,
        at: format!("webhooks[{i}]"),
        effective: Effective::of(api_version, webhook),
        rules: webhook.rules.as_deref().unwrap_or_default(),
        selector: webhook.namespace_selector.as_ref(),
        webhook,
        settings,
    };
    for rule in RULES {
        let before = out.len();
        (rule.find)(&cx, out);
        let enforced = (rule.enforced)(settings);
        for v in out.iter_mut().skip(before) {
            debug_assert_eq!(v.check.id, rule.check.id);
            v.enforced = enforced;
        }
    }
}

/// One webhook rule: its check, how it finds violations, and whether the policy rejects for them
/// under the given settings (before exemptions and `rejectWarnings`).
pub struct Rule {
    pub check: &'static Check,
    find: fn(&Context<'_>, &mut Vec<Violation>),
    pub enforced: fn(&WebhookSettings) -> bool,
}

/// Every webhook rule, in check order. The policy, the cluster checks and the VAP twin all read
/// enforcement from here.
pub const RULES: &[Rule] = &[
    Rule {
        check: &WH001,
        find: wh001_catch_all,
        // The guide's outage pattern: always rejected.
        enforced: |_| true,
    },
    Rule {
        check: &WH002,
        find: wh002_long_timeout,
        // Rejected only against a limit the user set; above the default it warns.
        enforced: |s| s.max_timeout_seconds.is_some(),
    },
    Rule {
        check: &WH003,
        find: wh003_reaches_kube_system,
        enforced: |s| s.require_kube_system_exclusion,
    },
    Rule {
        check: &WH004,
        find: wh004_critical_resources,
        enforced: |_| false,
    },
    Rule {
        check: &WH005,
        find: wh005_self_deadlock,
        enforced: |_| false,
    },
];

impl WebhookSettings {
    /// Whether findings of `check` are rejected (when the webhook is not exempt).
    pub fn enforces(&self, check: &Check) -> bool {
        self.reject_warnings
            || RULES
                .iter()
                .find(|rule| rule.check.id == check.id)
                .is_some_and(|rule| (rule.enforced)(self))
    }
}

/// WH001: the webhook's rules together intercept every write, and it fails closed or waits 30 s
/// or more.
fn wh001_catch_all(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let used = catch_all_rules(cx.rules);
    if used.is_empty()
        || !(cx.effective.fails_closed || cx.effective.timeout_seconds >= SLOW_SECONDS)
    {
        return;
    }
    let described: Vec<String> = used
        .iter()
        .filter_map(|j| cx.rules.get(*j).map(|r| (j, r)))
        .map(|(j, rule)| {
            if used.len() == 1 {
                describe_rule(rule)
            } else {
                format!("rules[{j}]: {}", describe_rule(rule))
            }
        })
        .collect();
    let path = match used.as_slice() {
        [j] => format!("{}.rules[{j}]", cx.at),
        _ => format!("{}.rules", cx.at),
    };
    let fix = if cx.effective.fails_closed {
        "name only the resources it serves in its rules, or set failurePolicy: Ignore and timeoutSeconds under 30"
    } else {
        "name only the resources it serves in its rules, or lower timeoutSeconds under 30"
    };
    let message = format!(
        "webhook {} intercepts every create, update and delete on every resource ({}) with {}: while it is down or slow, no write in the cluster succeeds. Fix: {fix}",
        cx.who,
        described.join(" and "),
        cx.effective.describe()
    );
    push(out, &WH001, path, cx, message);
}

/// WH002: fail-closed with a timeout above the limit.
fn wh002_long_timeout(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let settings = cx.settings;
    let limit = settings
        .max_timeout_seconds
        .unwrap_or(DEFAULT_WARN_TIMEOUT_SECONDS);
    if cx.effective.fails_closed && cx.effective.timeout_seconds > limit && !cx.rules.is_empty() {
        let source = if settings.max_timeout_seconds.is_some() {
            "maxTimeoutSeconds"
        } else {
            "the Kubernetes default"
        };
        let message = format!(
            "webhook {} fails closed with a timeout of {} s{}, above {limit} s ({source}). Fix: set timeoutSeconds to {limit} or less, or failurePolicy: Ignore",
            cx.who,
            cx.effective.timeout_seconds,
            if cx.effective.timeout_defaulted {
                " (default)"
            } else {
                ""
            }
        );
        push(
            out,
            &WH002,
            format!("{}.timeoutSeconds", cx.at),
            cx,
            message,
        );
    }
}

/// WH003: fail-closed on namespaced resources without excluding kube-system.
fn wh003_reaches_kube_system(cx: &Context<'_>, out: &mut Vec<Violation>) {
    if cx.effective.fails_closed
        && cx.rules.iter().any(matches_namespaced)
        && selector_matches_namespace(cx.selector, "kube-system")
    {
        let how = if cx.selector.is_none() {
            "has no namespaceSelector"
        } else {
            "has a namespaceSelector that matches kube-system"
        };
        let message = format!(
            "webhook {} fails closed on namespaced resources and {how}: while it is down, changes in kube-system are refused. Fix: add {{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}} to its namespaceSelector.matchExpressions",
            cx.who
        );
        push(
            out,
            &WH003,
            format!("{}.namespaceSelector", cx.at),
            cx,
            message,
        );
    }
}

/// WH004: control-plane-critical resources (namespaced ones only where heartbeats and leader
/// election live: kube-node-lease and kube-system).
fn wh004_critical_resources(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let mut critical: Vec<&str> = Vec::new();
    let mut first_rule = None;
    let reaches_lease_namespaces = selector_matches_namespace(cx.selector, "kube-node-lease")
        || selector_matches_namespace(cx.selector, "kube-system");
    for (j, rule) in cx.rules.iter().enumerate() {
        for (group, resource, namespaced) in CRITICAL {
            let reaches = if *namespaced {
                rule.scope.as_deref() != Some("Cluster") && reaches_lease_namespaces
            } else {
                rule.scope.as_deref() != Some("Namespaced")
            };
            if reaches
                && any_group(rule, group)
                && any_resource(rule, resource)
                && !critical.contains(resource)
            {
                critical.push(resource);
                first_rule.get_or_insert(j);
            }
        }
    }
    if let Some(j) = first_rule {
        let list = critical.join(", ");
        let message = format!(
            "webhook {} intercepts control-plane-critical resources ({list}): node heartbeats, leader election and authentication wait on it. Fix: leave {list} out of its rules, or exclude kube-node-lease and kube-system with its namespaceSelector (namespaced ones only)",
            cx.who,
        );
        push(out, &WH004, format!("{}.rules[{j}]", cx.at), cx, message);
    }
}

/// WH005: fail-closed on Pod creation in its own service's namespace.
fn wh005_self_deadlock(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let client = cx.webhook.client_config.as_ref();
    let Some(ns) = client
        .and_then(|c| c.service.as_ref())
        .and_then(|s| s.namespace.as_deref())
    else {
        return;
    };
    let intercepts_pod_creation = cx.rules.iter().any(|r| {
        r.scope.as_deref() != Some("Cluster")
            && any_group(r, "")
            && any_resource(r, "pods")
            && has_operation(r, "CREATE")
    });
    // An opt-in objectSelector (one an unlabelled Pod does not match) leaves the webhook's own Pods alone.
    let opt_in = cx
        .webhook
        .object_selector
        .as_ref()
        .is_some_and(|s| !s.matches(&BTreeMap::new()));
    if cx.effective.fails_closed
        && intercepts_pod_creation
        && !opt_in
        && selector_matches_namespace(cx.selector, ns)
    {
        let message = format!(
            "webhook {} fails closed on Pod creation and does not exclude its own namespace {ns:?}: if its Pods are all gone, none can be recreated. Fix: add {{key: kubernetes.io/metadata.name, operator: NotIn, values: [{ns}]}} to its namespaceSelector.matchExpressions, or set failurePolicy: Ignore",
            cx.who
        );
        push(
            out,
            &WH005,
            format!("{}.namespaceSelector", cx.at),
            cx,
            message,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(config: &str, settings: &str) -> Vec<String> {
        let settings: WebhookSettings = serde_json::from_str(settings).unwrap();
        let config: WebhookConfiguration = serde_json::from_str(config).unwrap();
        check_configuration(&config, &settings)
            .iter()
            .map(|v| {
                format!(
                    "{}{}",
                    if v.enforced { "reject " } else { "warn " },
                    v.to_line()
                )
            })
            .collect()
    }

    fn config(api_version: &str, webhook: &str) -> String {
        format!(
            r#"{{"apiVersion":"admissionregistration.k8s.io/{api_version}","kind":"ValidatingWebhookConfiguration","metadata":{{"name":"cfg"}},"webhooks":[{webhook}]}}"#
        )
    }

    const CATCH_ALL: &str =
        r#"{"apiGroups":["*"],"apiVersions":["*"],"operations":["*"],"resources":["*/*"]}"#;
    const EXCLUDE_KS: &str = r#""namespaceSelector":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","hooks"]}]}"#;

    #[test]
    fn effective_defaults_depend_on_the_api_version() {
        let webhook = Webhook::default();
        let v1 = Effective::of(Some("admissionregistration.k8s.io/v1"), &webhook);
        assert_eq!((v1.failure_policy(), v1.timeout_seconds), ("Fail", 10));
        let beta = Effective::of(Some("admissionregistration.k8s.io/v1beta1"), &webhook);
        assert_eq!(
            (beta.failure_policy(), beta.timeout_seconds),
            ("Ignore", 30)
        );
    }

    #[test]
    fn catch_all_needs_every_dimension() {
        let rule = |json: &str| serde_json::from_str::<RuleWithOperations>(json).unwrap();
        assert!(is_catch_all(&rule(CATCH_ALL)));
        assert!(is_catch_all(&rule(
            r#"{"apiGroups":["*"],"apiVersions":["*"],"operations":["CONNECT","CREATE","DELETE","UPDATE"],"resources":["*"]}"#
        )));
        // Every write without CONNECT blocks the cluster just the same.
        assert!(is_catch_all(&rule(
            r#"{"apiGroups":["*"],"apiVersions":["*"],"operations":["CREATE","UPDATE","DELETE"],"resources":["*"]}"#
        )));
        assert!(!is_catch_all(&rule(
            r#"{"apiGroups":["*"],"apiVersions":["*"],"operations":["CREATE","UPDATE"],"resources":["*"]}"#
        )));
        assert!(!is_catch_all(&rule(
            r#"{"apiGroups":["cert-manager.io"],"apiVersions":["*"],"operations":["*"],"resources":["*/*"]}"#
        )));
        assert!(!is_catch_all(&rule(
            r#"{"apiGroups":["*"],"apiVersions":["v1"],"operations":["*"],"resources":["*"]}"#
        )));
        assert!(!is_catch_all(&rule(
            r#"{"apiGroups":["*"],"apiVersions":["*"],"operations":["*"],"resources":["*"],"scope":"Namespaced"}"#
        )));
    }

    #[test]
    fn catch_all_is_judged_on_the_union_of_the_rules() {
        let rules = |json: &str| serde_json::from_str::<Vec<RuleWithOperations>>(json).unwrap();
        let every = r#""apiGroups":["*"],"apiVersions":["*"],"resources":["*"]"#;
        // One write per rule.
        let split = rules(&format!(
            r#"[{{{every},"operations":["CREATE"]}},{{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["*"],"resources":["deployments"]}},{{{every},"operations":["UPDATE"]}},{{{every},"operations":["DELETE","CONNECT"]}}]"#
        ));
        assert_eq!(catch_all_rules(&split), vec![0, 2, 3]);
        // Namespaced and cluster-scoped halves.
        let scopes = rules(&format!(
            r#"[{{{every},"operations":["*"],"scope":"Namespaced"}},{{{every},"operations":["*"],"scope":"Cluster"}}]"#
        ));
        assert_eq!(catch_all_rules(&scopes), vec![0, 1]);
        // DELETE missing from every rule: not catch-all.
        let no_delete = rules(&format!(
            r#"[{{{every},"operations":["CREATE"]}},{{{every},"operations":["UPDATE","CONNECT"]}}]"#
        ));
        assert!(catch_all_rules(&no_delete).is_empty());
        // DELETE only on namespaced resources: cluster-scoped deletes pass.
        let half = rules(&format!(
            r#"[{{{every},"operations":["CREATE","UPDATE"]}},{{{every},"operations":["DELETE"],"scope":"Namespaced"}}]"#
        ));
        assert!(catch_all_rules(&half).is_empty());
    }

    #[test]
    fn wh001_names_every_rule_of_a_split_catch_all() {
        let webhook = r#"{"name":"split.example.com","failurePolicy":"Fail","timeoutSeconds":5,"namespaceSelector":{"matchLabels":{"team":"a"}},"rules":[
            {"apiGroups":["*"],"apiVersions":["*"],"operations":["CREATE","UPDATE"],"resources":["*"]},
            {"apiGroups":["*"],"apiVersions":["*"],"operations":["DELETE"],"resources":["*/*"]}]}"#;
        assert_eq!(
            check(&config("v1", webhook), "{}"),
            vec![
                r#"reject WH001 webhooks[0].rules: webhook cfg/split.example.com intercepts every create, update and delete on every resource (rules[0]: apiGroups ["*"], apiVersions ["*"], operations ["CREATE", "UPDATE"], resources ["*"] and rules[1]: apiGroups ["*"], apiVersions ["*"], operations ["DELETE"], resources ["*/*"]) with failurePolicy Fail, timeout 5 s: while it is down or slow, no write in the cluster succeeds. Fix: name only the resources it serves in its rules, or set failurePolicy: Ignore and timeoutSeconds under 30"#,
                r"warn WH004 webhooks[0].rules[0]: webhook cfg/split.example.com intercepts control-plane-critical resources (tokenreviews, subjectaccessreviews): node heartbeats, leader election and authentication wait on it. Fix: leave tokenreviews, subjectaccessreviews out of its rules, or exclude kube-node-lease and kube-system with its namespaceSelector (namespaced ones only)",
            ]
        );
    }

    #[test]
    fn reject_warnings_rejects_for_every_finding() {
        let webhook = r#"{"name":"slow","timeoutSeconds":25,"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}]}"#;
        let found = check(&config("v1", webhook), r#"{"rejectWarnings":true}"#);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|l| l.starts_with("reject ")), "{found:?}");
        // An exemption still wins over rejectWarnings.
        let found = check(
            &config("v1", webhook),
            r#"{"rejectWarnings":true,"exemptWebhooks":["cfg/*"]}"#,
        );
        assert!(found.iter().all(|l| l.starts_with("warn ")), "{found:?}");
    }

    #[test]
    fn exemptions_name_the_configuration() {
        let webhook = r#"{"name":"slow","timeoutSeconds":25,"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}]}"#;
        let verdicts = |settings: &str| {
            check(&config("v1", webhook), settings)
                .iter()
                .map(|l| l.split(' ').next().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        let strict = r#""maxTimeoutSeconds":20,"requireKubeSystemExclusion":true"#;
        assert_eq!(verdicts(&format!("{{{strict}}}")), ["reject", "reject"]);
        assert_eq!(
            verdicts(&format!(r#"{{{strict},"exemptWebhooks":["cfg/slow"]}}"#)),
            ["warn", "warn"]
        );
        assert_eq!(
            verdicts(&format!(r#"{{{strict},"exemptWebhooks":["cfg/*"]}}"#)),
            ["warn", "warn"]
        );
        // The same webhook name in another configuration is not exempt: names are unique
        // only within their configuration.
        assert_eq!(
            verdicts(&format!(r#"{{{strict},"exemptWebhooks":["other/slow"]}}"#)),
            ["reject", "reject"]
        );
    }

    #[test]
    fn wh001_fail_closed_or_slow_catch_all() {
        let found = check(
            &config(
                "v1",
                &format!(
                    r#"{{"name":"a.example.com","rules":[{CATCH_ALL}],{EXCLUDE_KS},"clientConfig":{{"service":{{"namespace":"hooks"}}}}}}"#
                ),
            ),
            "{}",
        );
        assert_eq!(
            found,
            vec![
                r#"reject WH001 webhooks[0].rules[0]: webhook cfg/a.example.com intercepts every create, update and delete on every resource (apiGroups ["*"], apiVersions ["*"], operations ["*"], resources ["*/*"]) with failurePolicy Fail (default), timeout 10 s (default): while it is down or slow, no write in the cluster succeeds. Fix: name only the resources it serves in its rules, or set failurePolicy: Ignore and timeoutSeconds under 30"#,
                r"warn WH004 webhooks[0].rules[0]: webhook cfg/a.example.com intercepts control-plane-critical resources (leases, events, tokenreviews, subjectaccessreviews): node heartbeats, leader election and authentication wait on it. Fix: leave leases, events, tokenreviews, subjectaccessreviews out of its rules, or exclude kube-node-lease and kube-system with its namespaceSelector (namespaced ones only)",
            ]
        );
        // Fail-open with a short timeout is the guide's advice: no WH001.
        let open = check(
            &config(
                "v1",
                &format!(
                    r#"{{"name":"b","failurePolicy":"Ignore","timeoutSeconds":5,"rules":[{CATCH_ALL}]}}"#
                ),
            ),
            "{}",
        );
        assert!(open.iter().all(|l| !l.contains("WH001")), "{open:?}");
        // v1beta1 defaults to Ignore but 30 s: still WH001.
        let beta = check(
            &config(
                "v1beta1",
                &format!(r#"{{"name":"c","rules":[{CATCH_ALL}]}}"#),
            ),
            "{}",
        );
        assert!(
            beta[0].starts_with("reject WH001 webhooks[0].rules[0]: "),
            "{beta:?}"
        );
        assert!(
            beta[0].contains("failurePolicy Ignore (default), timeout 30 s (default)"),
            "{beta:?}"
        );
    }

    #[test]
    fn wh002_wh003_enforcement_follows_settings() {
        let webhook = r#"{"name":"slow","timeoutSeconds":25,"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}]}"#;
        let found = check(&config("v1", webhook), "{}");
        assert_eq!(
            found,
            vec![
                r"warn WH002 webhooks[0].timeoutSeconds: webhook cfg/slow fails closed with a timeout of 25 s, above 10 s (the Kubernetes default). Fix: set timeoutSeconds to 10 or less, or failurePolicy: Ignore",
                r"warn WH003 webhooks[0].namespaceSelector: webhook cfg/slow fails closed on namespaced resources and has no namespaceSelector: while it is down, changes in kube-system are refused. Fix: add {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]} to its namespaceSelector.matchExpressions",
            ]
        );
        let found = check(
            &config("v1", webhook),
            r#"{"maxTimeoutSeconds":20,"requireKubeSystemExclusion":true}"#,
        );
        assert_eq!(
            found[0],
            r"reject WH002 webhooks[0].timeoutSeconds: webhook cfg/slow fails closed with a timeout of 25 s, above 20 s (maxTimeoutSeconds). Fix: set timeoutSeconds to 20 or less, or failurePolicy: Ignore"
        );
        assert!(found[1].starts_with("reject WH003 "));
        let exempt = check(
            &config("v1", webhook),
            r#"{"maxTimeoutSeconds":20,"exemptWebhooks":["cfg/slow"]}"#,
        );
        assert!(
            exempt.iter().all(|l| l.starts_with("warn ")
                && l.ends_with("(exempt by exemptWebhooks: reported, not rejected)")),
            "{exempt:?}"
        );
    }

    #[test]
    fn wh003_not_for_cluster_scoped_or_excluded() {
        let ns_only = r#"{"name":"ns","rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["namespaces"]}]}"#;
        assert!(check(&config("v1", ns_only), "{}").is_empty());
        let excluded = format!(
            r#"{{"name":"ok","rules":[{{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}}],{EXCLUDE_KS}}}"#
        );
        assert!(check(&config("v1", &excluded), "{}").is_empty());
    }

    #[test]
    fn wh005_self_deadlock() {
        let webhook = r#"{"name":"inject","rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}],
            "namespaceSelector":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system"]}]},
            "clientConfig":{"service":{"namespace":"injector","name":"svc"}}}"#;
        assert_eq!(
            check(&config("v1", webhook), "{}"),
            vec![
                r#"warn WH005 webhooks[0].namespaceSelector: webhook cfg/inject fails closed on Pod creation and does not exclude its own namespace "injector": if its Pods are all gone, none can be recreated. Fix: add {key: kubernetes.io/metadata.name, operator: NotIn, values: [injector]} to its namespaceSelector.matchExpressions, or set failurePolicy: Ignore"#,
            ]
        );
        let opt_in = webhook.replace(
            r#""clientConfig""#,
            r#""objectSelector":{"matchLabels":{"inject":"yes"}},"clientConfig""#,
        );
        assert!(check(&config("v1", &opt_in), "{}").is_empty());
    }

    #[test]
    fn wh004_leases_only_where_heartbeats_live() {
        let leases = r#"{"name":"l","failurePolicy":"Ignore","rules":[{"apiGroups":["coordination.k8s.io"],"apiVersions":["v1"],"operations":["UPDATE"],"resources":["leases"]}]"#;
        assert_eq!(check(&config("v1", &format!("{leases}}}")), "{}").len(), 1);
        let opt_in = format!(r#"{leases},"namespaceSelector":{{"matchLabels":{{"team":"a"}}}}}}"#);
        assert!(check(&config("v1", &opt_in), "{}").is_empty());
    }

    #[test]
    fn settings_validation() {
        let v = |json: &str| {
            serde_json::from_str::<WebhookSettings>(json)
                .map_err(|e| e.to_string())
                .and_then(|s| s.validate().map_err(|e| e.to_string()))
        };
        assert_eq!(
            v(r#"{"maxTimeoutSeconds":31}"#),
            Err(
                "maxTimeoutSeconds must be between 1 and 30 (the API server's own limits), got 31"
                    .to_owned()
            )
        );
        assert_eq!(
            v(r#"{"maxTimeoutSeconds":0}"#),
            Err(
                "maxTimeoutSeconds must be between 1 and 30 (the API server's own limits), got 0"
                    .to_owned()
            )
        );
        assert_eq!(
            v(r#"{"exemptWebhooks":[""]}"#),
            Err("exemptWebhooks[0] is empty".to_owned())
        );
        assert_eq!(
            v(r#"{"exemptWebhooks":["validation.gatekeeper.sh"]}"#),
            Err("exemptWebhooks[0] \"validation.gatekeeper.sh\" names no configuration: webhook names are unique only within their configuration, so write \"<configuration>/validation.gatekeeper.sh\" for one webhook or \"validation.gatekeeper.sh/*\" for a whole configuration".to_owned())
        );
        assert_eq!(
            v(r#"{"exemptWebhooks":["/x","a/","a/b/c"]}"#),
            Err("exemptWebhooks[0] \"/x\" is not \"<configuration>/<webhook>\" or \"<configuration>/*\"; exemptWebhooks[1] \"a/\" is not \"<configuration>/<webhook>\" or \"<configuration>/*\"; exemptWebhooks[2] \"a/b/c\" is not \"<configuration>/<webhook>\" or \"<configuration>/*\"".to_owned())
        );
        assert!(v(r#"{"requireKubeSystemExclusion":"yes"}"#)
            .is_err_and(|e| e.contains("invalid type: string \"yes\", expected a boolean")));
        assert!(v(r#"{"maxTimeoutSecond":3}"#)
            .is_err_and(|e| e.contains("unknown field `maxTimeoutSecond`")));
        assert_eq!(
            v(
                r#"{"maxTimeoutSeconds":30,"requireKubeSystemExclusion":true,"rejectWarnings":true,"exemptWebhooks":["gatekeeper-validating-webhook-configuration/validation.gatekeeper.sh","kyverno-resource-validating-webhook-cfg/*"]}"#
            ),
            Ok(())
        );
    }
}
