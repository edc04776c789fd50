//! The webhook-guard twin: WH001–WH005 as CEL, from `crate::rules::webhook`'s data.
//!
//! The API server never sends webhook configurations to admission webhooks, so this twin is
//! the one way to reject a catch-all fail-closed webhook when it is created: ValidatingAdmission
//! Policies are evaluated in-process for them.

use super::cel::{guarded, has_item, joined_or_null, list, lit};
use super::{AuditAnnotation, Bound, ResourceRule, Twin, Validation, Variable};
use crate::rules::webhook::{
    WebhookSettings, CLUSTER_SCOPED, CRITICAL, DEFAULT_WARN_TIMEOUT_SECONDS, SLOW_SECONDS,
    V1BETA1_DEFAULTS, V1_DEFAULTS, WRITES,
};
use crate::rules::webhook::{WH001, WH002, WH003, WH004, WH005};

/// The policy's name in the cluster.
pub const NAME: &str = "cpguard-webhook-guard";

/// Webhooks per configuration the twin evaluates (the largest of 38 real ones has 22).
pub const MAX_WEBHOOKS: u64 = 32;
/// Rules per webhook (real ones: at most 3).
pub const MAX_RULES: u64 = 8;
/// Items per rule list (apiGroups, apiVersions, operations, resources; real ones: at most 17).
pub const MAX_ITEMS: u64 = 32;
/// Labels and expressions per selector, and values per expression.
pub const MAX_SELECTOR_ITEMS: u64 = 16;

/// The same resources as `policies/webhook-guard/metadata.yml` (a test compares them).
pub fn resource_rules() -> Vec<ResourceRule> {
    vec![ResourceRule {
        api_groups: vec!["admissionregistration.k8s.io"],
        api_versions: vec!["v1"],
        operations: vec!["CREATE", "UPDATE"],
        resources: crate::k8s::WEBHOOK_CONFIGURATION_RESOURCES.to_vec(),
    }]
}

const NAME_OF: &str = "(has(w.name) ? w.name : '')";
const RULES_OF: &str = "(has(w.rules) ? w.rules : [])";

fn fails_closed() -> String {
    // `failurePolicy` other than Ignore fails closed; unset takes the version's default.
    format!(
        "(has(w.failurePolicy) ? w.failurePolicy != 'Ignore' : (variables.v1beta1 ? {} : {}))",
        V1BETA1_DEFAULTS.0, V1_DEFAULTS.0
    )
}

fn timeout() -> String {
    format!(
        "(has(w.timeoutSeconds) ? w.timeoutSeconds : (variables.v1beta1 ? {} : {}))",
        V1BETA1_DEFAULTS.1, V1_DEFAULTS.1
    )
}

fn any_group(r: &str, group: &str) -> String {
    format!(
        "({} || {})",
        has_item(r, "apiGroups", "*"),
        has_item(r, "apiGroups", group)
    )
}

fn any_resource(r: &str, resource: &str) -> String {
    let parts: Vec<String> = ["*", "*/*", resource]
        .iter()
        .map(|x| has_item(r, "resources", x))
        .collect();
    format!("({})", parts.join(" || "))
}

fn has_operation(r: &str, op: &str) -> String {
    format!(
        "({} || {})",
        has_item(r, "operations", "*"),
        has_item(r, "operations", op)
    )
}

/// `rules::webhook::catch_all_rules` is not empty: for every write, the rules that name every
/// group, version and resource with that operation cover both scopes between them.
pub fn catch_all(rules: &str) -> String {
    let every_resource = format!(
        "{} && {} && ({} || {})",
        has_item("r", "apiGroups", "*"),
        has_item("r", "apiVersions", "*"),
        has_item("r", "resources", "*"),
        has_item("r", "resources", "*/*"),
    );
    let per_write: Vec<String> = WRITES
        .iter()
        .map(|op| {
            let covers = |scope_excluded: &str| {
                format!(
                    "{rules}.exists(r, {every_resource} && {} && !{})",
                    has_operation("r", op),
                    scope_is("r", scope_excluded)
                )
            };
            // A rule covers namespaced resources unless its scope is Cluster, and cluster-scoped
            // ones unless it is Namespaced (`rules::webhook::scopes`).
            format!("({} && {})", covers("Cluster"), covers("Namespaced"))
        })
        .collect();
    format!("({})", per_write.join(" && "))
}

fn scope_is(r: &str, scope: &str) -> String {
    format!("(has({r}.scope) && {r}.scope == {})", lit(scope))
}

/// `LabelSelector::matches` against a namespace carrying only `kubernetes.io/metadata.name`
/// (its value the CEL string expression `ns`); an absent selector matches everything.
fn selector_matches_namespace(selector: &str, ns: &str) -> String {
    let key = lit("kubernetes.io/metadata.name");
    let op = |name: &str| format!("(has(x.operator) && x.operator == {})", lit(name));
    let contains = format!("(has(x.values) && {ns} in x.values)");
    format!(
        "(!has(w.{selector}) || ((!has(w.{selector}.matchLabels) || w.{selector}.matchLabels.all(k, k == {key} && w.{selector}.matchLabels[k] == {ns})) && \
         (!has(w.{selector}.matchExpressions) || w.{selector}.matchExpressions.all(x, has(x.key) && (\
         ({in_} && x.key == {key} && {contains}) || ({not_in} && (x.key != {key} || !{contains})) || \
         ({exists} && x.key == {key}) || ({absent} && x.key != {key}))))))",
        in_ = op("In"),
        not_in = op("NotIn"),
        exists = op("Exists"),
        absent = op("DoesNotExist"),
    )
}

/// Whether the object selector matches an object without labels (so it is not opt-in).
fn selector_matches_unlabelled(selector: &str) -> String {
    format!(
        "(!has(w.{selector}) || ((!has(w.{selector}.matchLabels) || size(w.{selector}.matchLabels) == 0) && \
         (!has(w.{selector}.matchExpressions) || w.{selector}.matchExpressions.all(x, has(x.key) && has(x.operator) && x.operator in ['NotIn', 'DoesNotExist']))))"
    )
}

fn findings(predicate: &str) -> String {
    format!("variables.webhooks.filter(w, {predicate}).map(w, {NAME_OF})")
}

fn wh001() -> String {
    findings(&format!(
        "{} && ({} || {} >= {SLOW_SECONDS})",
        catch_all(RULES_OF),
        fails_closed(),
        timeout()
    ))
}

fn wh002(limit: i64) -> String {
    findings(&format!(
        "{} && {} > {limit} && size({RULES_OF}) > 0",
        fails_closed(),
        timeout()
    ))
}

fn wh003() -> String {
    findings(&format!(
        "{} && {RULES_OF}.exists(r, !{} && has(r.resources) && r.resources.exists(x, !(x.split('/')[0] in variables.clusterScoped))) && {}",
        fails_closed(),
        scope_is("r", "Cluster"),
        selector_matches_namespace("namespaceSelector", "'kube-system'")
    ))
}

fn wh004() -> String {
    // The namespace selector does not depend on the rule: tested once per webhook, outside the
    // loop over rules (for the cost), which is why namespaced and cluster-scoped resources are
    // two loops.
    let entries = |namespaced: bool| -> Vec<String> {
        CRITICAL
            .iter()
            .filter(|(_, _, n)| *n == namespaced)
            .map(|(group, resource, _)| {
                format!(
                    "({} && {})",
                    any_group("r", group),
                    any_resource("r", resource)
                )
            })
            .collect()
    };
    let reaches_lease_namespaces = format!(
        "({} || {})",
        selector_matches_namespace("namespaceSelector", "'kube-node-lease'"),
        selector_matches_namespace("namespaceSelector", "'kube-system'")
    );
    findings(&format!(
        "({reaches_lease_namespaces} && {RULES_OF}.exists(r, !{} && ({}))) || {RULES_OF}.exists(r, !{} && ({}))",
        scope_is("r", "Cluster"),
        entries(true).join(" || "),
        scope_is("r", "Namespaced"),
        entries(false).join(" || "),
    ))
}

fn wh005() -> String {
    let ns = "w.clientConfig.service.namespace";
    findings(&format!(
        "has(w.clientConfig) && has(w.clientConfig.service) && has({ns}) && {} && \
         {RULES_OF}.exists(r, !{} && {} && {} && {}) && {} && {}",
        fails_closed(),
        scope_is("r", "Cluster"),
        any_group("r", ""),
        any_resource("r", "pods"),
        has_operation("r", "CREATE"),
        selector_matches_unlabelled("objectSelector"),
        selector_matches_namespace("namespaceSelector", ns)
    ))
}

fn within_bounds() -> String {
    let lists: Vec<String> = ["apiGroups", "apiVersions", "operations", "resources"]
        .iter()
        .map(|f| format!("(!has(r.{f}) || size(r.{f}) <= {MAX_ITEMS})"))
        .collect();
    let selector = |s: &str| {
        format!(
            "(!has(w.{s}) || ((!has(w.{s}.matchLabels) || size(w.{s}.matchLabels) <= {MAX_SELECTOR_ITEMS}) && \
             (!has(w.{s}.matchExpressions) || (size(w.{s}.matchExpressions) <= {MAX_SELECTOR_ITEMS} && \
             w.{s}.matchExpressions.all(x, !has(x.values) || size(x.values) <= {MAX_SELECTOR_ITEMS})))))"
        )
    };
    format!(
        "size(variables.configuration) <= {MAX_WEBHOOKS} && variables.configuration.all(w, \
         (!has(w.rules) || (size(w.rules) <= {MAX_RULES} && w.rules.all(r, {}))) && {} && {})",
        lists.join(" && "),
        selector("namespaceSelector"),
        selector("objectSelector")
    )
}

/// Generates the twin for these settings; bad settings give `validate`'s message.
#[allow(clippy::too_many_lines)] // One declarative list of variables, validations and notes.
pub fn twin(settings: &WebhookSettings) -> Result<Twin, String> {
    settings.validate().map_err(|e| e.to_string())?;
    let limit = settings
        .max_timeout_seconds
        .unwrap_or(DEFAULT_WARN_TIMEOUT_SECONDS);
    let var = |name: &str, expression: String| Variable {
        name: name.to_owned(),
        expression,
    };
    let cluster_scoped: Vec<String> = CLUSTER_SCOPED
        .iter()
        .map(|r| format!("{}: true", lit(r)))
        .collect();
    let mut variables = vec![
        var(
            "v1beta1",
            "has(object.apiVersion) && object.apiVersion.endsWith('/v1beta1')".to_owned(),
        ),
        var("configName", guarded("object", &["metadata", "name"], "''")),
        var(
            "configuration",
            "has(object.webhooks) ? object.webhooks : []".to_owned(),
        ),
        var("withinBounds", within_bounds()),
        var(
            "webhooks",
            "variables.withinBounds ? variables.configuration : []".to_owned(),
        ),
        var(
            "clusterScoped",
            format!("{{{}}}", cluster_scoped.join(", ")),
        ),
        var("wh001", wh001()),
        var("wh002", wh002(limit)),
        var("wh003", wh003()),
        var("wh004", wh004()),
        var("wh005", wh005()),
    ];
    let messages = [
        (
            &WH001,
            format!("WH001 catch-all webhooks that fail closed or wait {SLOW_SECONDS} s or more (while one is down or slow, no write in the cluster succeeds): "),
        ),
        (
            &WH002,
            format!("WH002 fail-closed webhooks with a timeout above {limit} s ({}): ", if settings.max_timeout_seconds.is_some() { "maxTimeoutSeconds" } else { "the Kubernetes default" }),
        ),
        (
            &WH003,
            "WH003 fail-closed webhooks on namespaced resources that do not exclude kube-system: ".to_owned(),
        ),
        (
            &WH004,
            "WH004 webhooks that intercept control-plane-critical resources (leases, events, tokenreviews, subjectaccessreviews): ".to_owned(),
        ),
        (
            &WH005,
            "WH005 fail-closed webhooks on Pod creation that do not exclude their own namespace: ".to_owned(),
        ),
    ];
    // Which checks reject is the policy's own decision (`WebhookSettings::enforces`).
    let enforced: Vec<(&'static str, String)> = messages
        .into_iter()
        .filter(|(check, _)| settings.enforces(check))
        .map(|(check, message)| (check.id, message))
        .collect();
    // `WebhookSettings::is_exempt`: `configuration/webhook` or `configuration/*`, for a named
    // configuration.
    let exempt = list(
        settings
            .exempt_webhooks
            .iter()
            .map(String::as_str)
            .map(str::trim),
    );
    let mut validations = vec![Validation {
        check: "bounds",
        expression: "variables.withinBounds".to_owned(),
        message_expression: format!(
            "'cpguard evaluates at most {MAX_WEBHOOKS} webhooks per configuration, {MAX_RULES} rules per webhook, {MAX_ITEMS} items per rule list and {MAX_SELECTOR_ITEMS} per selector (a CEL cost bound); this configuration has ' + string(size(variables.configuration)) + ' webhooks'"
        ),
        reason: "Forbidden",
    }];
    for (id, message) in &enforced {
        let found = id.to_ascii_lowercase();
        let rejected = format!("{found}Rejected");
        let expression = if settings.exempt_webhooks.is_empty() {
            format!("variables.{found}")
        } else {
            format!(
                "variables.configName == '' || !((variables.configName + '/*') in {exempt}) ? variables.{found}.filter(n, variables.configName == '' || !((variables.configName + '/' + n) in {exempt})) : []"
            )
        };
        variables.push(var(&rejected, expression));
        validations.push(Validation {
            check: id,
            expression: format!("size(variables.{rejected}) == 0"),
            message_expression: format!("{} + variables.{rejected}.join(', ')", lit(message)),
            reason: "Forbidden",
        });
    }
    let ids = ["WH001", "WH002", "WH003", "WH004", "WH005"];
    let audit_annotations = ids
        .iter()
        .map(|id| AuditAnnotation {
            key: id.to_ascii_lowercase(),
            value_expression: joined_or_null(&format!("variables.{}", id.to_ascii_lowercase())),
        })
        .collect();
    let settings_json = serde_json::to_string(settings).unwrap_or_default();
    let enforced_ids: Vec<&str> = enforced.iter().map(|(id, _)| *id).collect();
    let mut bounds = vec![
        Bound {
            field: "configuration".to_owned(),
            max_items: MAX_WEBHOOKS,
        },
        Bound {
            field: "webhooks".to_owned(),
            max_items: MAX_WEBHOOKS,
        },
        Bound {
            field: "rules".to_owned(),
            max_items: MAX_RULES,
        },
    ];
    bounds.push(Bound {
        field: "clusterScoped".to_owned(),
        max_items: CLUSTER_SCOPED.len() as u64,
    });
    for field in ["apiGroups", "apiVersions", "operations", "resources"] {
        bounds.push(Bound {
            field: field.to_owned(),
            max_items: MAX_ITEMS,
        });
    }
    for field in ["matchLabels", "matchExpressions", "values"] {
        bounds.push(Bound {
            field: field.to_owned(),
            max_items: MAX_SELECTOR_ITEMS,
        });
    }
    for id in ids {
        let v = id.to_ascii_lowercase();
        bounds.push(Bound {
            field: format!("{v}Rejected"),
            max_items: MAX_WEBHOOKS,
        });
        bounds.push(Bound {
            field: v,
            max_items: MAX_WEBHOOKS,
        });
    }
    Ok(Twin {
        name: NAME,
        notes: vec![
            "ValidatingAdmissionPolicy twin of the Kubewarden policy webhook-guard (WH001-WH005),".to_owned(),
            "generated by `cpguard policy vap webhook-guard` from cpguard-core's rules; do not edit.".to_owned(),
            format!("Settings (baked into the CEL): {settings_json}"),
            format!("Rejects for: {}; every finding (WH001-WH005) is recorded in the audit annotations.", enforced_ids.join(", ")),
            "Kubewarden's warnings (findings it does not reject for) are audit annotations here: a binding applies one set of actions to all validations.".to_owned(),
            format!("Beyond the Kubewarden policy: more than {MAX_WEBHOOKS} webhooks, {MAX_RULES} rules per webhook, {MAX_ITEMS} items per rule list or {MAX_SELECTOR_ITEMS} per selector are refused (CEL cost bound)."),
        ],
        rules: resource_rules(),
        variables,
        validations,
        audit_annotations,
        findings: ids
            .iter()
            .map(|id| (*id, id.to_ascii_lowercase()))
            .collect(),
        bounds,
        max_string: 253,
        long_strings: Vec::new(),
    })
}
