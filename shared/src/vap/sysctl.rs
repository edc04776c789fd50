//! The unsafe-sysctls twin: SYS001–SYS003 as CEL, from `crate::rules::sysctl`'s data.

use super::cel::{guarded, joined_or_null, list, lit};
use super::{AuditAnnotation, Bound, ResourceRule, Twin, Validation, Variable};
use crate::rules::sysctl::{
    PatternMatch, SysctlPolicy, SysctlSettings, INJECTION_CHARS, IPC_NAMES, IPC_PREFIXES, KINDS,
    NET_PREFIX,
};

/// The policy's name in the cluster.
pub const NAME: &str = "cpguard-unsafe-sysctls";

/// Sysctls per pod spec the twin evaluates: more are refused (the cost bound needs it: at 64 the
/// normalisation of 253-character names stays under the per-expression limit; real Pods set a
/// handful).
pub const MAX_SYSCTLS: u64 = 64;
/// The longest sysctl value the twin evaluates, in bytes (a page: more than any sysctl takes).
pub const MAX_VALUE_BYTES: u64 = 4096;

/// The same resources as `policies/unsafe-sysctls/metadata.yml` (a test compares them).
pub fn resource_rules() -> Vec<ResourceRule> {
    let rule = |group: &'static str, resources: Vec<&'static str>| ResourceRule {
        api_groups: vec![group],
        api_versions: vec!["v1"],
        operations: vec!["CREATE", "UPDATE"],
        resources,
    };
    vec![
        rule("", vec!["pods", "replicationcontrollers", "podtemplates"]),
        rule(
            "apps",
            vec!["deployments", "replicasets", "statefulsets", "daemonsets"],
        ),
        rule("batch", vec!["jobs", "cronjobs"]),
    ]
}

/// The kubelet's name normalisation (`rules::sysctl::normalize`) as CEL over the string `x`:
/// when the first separator is `/`, `.` and `/` swap. Split on `/`, turn each part's `.` into
/// `/`, join with `.` — the same swap without a placeholder character.
pub fn normalize_expression(x: &str) -> String {
    format!(
        "({x}.matches('^[^./]*/') ? {x}.split('/').map(p, p.replace('.', '/')).join('.') : {x})"
    )
}

fn patterns(n: &str, patterns: &[crate::rules::sysctl::Pattern]) -> String {
    let parts: Vec<String> = patterns
        .iter()
        .map(|p| match p.rule() {
            PatternMatch::All => "true".to_owned(),
            PatternMatch::Prefix(prefix) => format!("{n}.startsWith({})", lit(prefix)),
            PatternMatch::Exact(name) => format!("{n} == {}", lit(name)),
        })
        .collect();
    if parts.is_empty() {
        "false".to_owned()
    } else {
        format!("({})", parts.join(" || "))
    }
}

/// The pod spec of each kind the rule reads, from `rules::sysctl::KINDS`.
fn pod_spec_expression() -> String {
    let mut out = String::new();
    for (kind, at) in KINDS {
        let path: Vec<&str> = at.path().split('.').collect();
        out.push_str(&format!(
            "variables.kind == {} ? {} :\n",
            lit(kind),
            guarded("object", &path, "null")
        ));
    }
    out.push_str("null");
    out
}

/// Generates the twin for these settings; bad settings give `validate`'s message.
pub fn twin(settings: &SysctlSettings) -> Result<Twin, String> {
    let policy = settings.validate().map_err(|e| e.to_string())?;
    Ok(twin_of(settings, &policy))
}

#[allow(clippy::too_many_lines)] // One declarative list of variables, validations and notes.
fn twin_of(settings: &SysctlSettings, policy: &SysctlPolicy) -> Twin {
    let n = "e.normalized";
    let baseline = format!("{n} in {}", list(policy.baseline()));
    let forbidden = patterns(n, policy.forbidden());
    let allowed = patterns(n, policy.allowed());
    let ipc = {
        let mut parts: Vec<String> = IPC_NAMES
            .iter()
            .map(|x| format!("{n} == {}", lit(x)))
            .collect();
        parts.extend(
            IPC_PREFIXES
                .iter()
                .map(|p| format!("{n}.startsWith({})", lit(p))),
        );
        format!("({})", parts.join(" || "))
    };
    let injection: Vec<String> = INJECTION_CHARS
        .iter()
        .map(|c| format!("e.value.contains({})", lit(&c.to_string())))
        .collect();
    let var = |name: &str, expression: String| super::Variable {
        name: name.to_owned(),
        expression,
    };
    let variables: Vec<Variable> = vec![
        var(
            "kind",
            "has(object.kind) ? object.kind : request.kind.kind".to_owned(),
        ),
        var("podSpec", pod_spec_expression()),
        var(
            "sysctls",
            "variables.podSpec != null && has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.sysctls) ? variables.podSpec.securityContext.sysctls : []".to_owned(),
        ),
        var(
            "withinBounds",
            format!("size(variables.sysctls) <= {MAX_SYSCTLS} && variables.sysctls.all(s, !has(s.value) || size(s.value) <= {MAX_VALUE_BYTES})"),
        ),
        var(
            "entries",
            "variables.withinBounds ? variables.sysctls.map(s, {'name': has(s.name) ? s.name : '', 'value': has(s.value) ? s.value : ''}) : []".to_owned(),
        ),
        var(
            "named",
            format!(
                "variables.entries.map(e, {{'name': e.name, 'value': e.value, 'normalized': {}}})",
                normalize_expression("e.name")
            ),
        ),
        var(
            "hostNetwork",
            "variables.podSpec != null && has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork == true".to_owned(),
        ),
        var(
            "hostIPC",
            "variables.podSpec != null && has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC == true".to_owned(),
        ),
        var(
            "sys001",
            format!("variables.named.filter(e, e.name == '' || {forbidden} || !({baseline} || {allowed})).map(e, e.name)"),
        ),
        var(
            "sys002",
            format!("variables.named.filter(e, e.name != '' && ((variables.hostNetwork && {n}.startsWith({})) || (variables.hostIPC && {ipc}))).map(e, e.name)", lit(NET_PREFIX)),
        ),
        var(
            "sys003",
            format!(
                "variables.named.filter(e, e.name != '' && ({})).map(e, e.name)",
                injection.join(" || ")
            ),
        ),
    ];
    let version = policy.version_label();
    let mut unsafe_why = format!("not in the Pod Security Standards baseline list ({version})");
    if !policy.allowed().is_empty() {
        unsafe_why.push_str(" nor in allowedUnsafeSysctls");
    }
    if !policy.forbidden().is_empty() {
        unsafe_why.push_str(", or forbidden by forbiddenSysctls");
    }
    let validation = |check: &'static str, variable: &str, message: String| Validation {
        check,
        expression: format!("size(variables.{variable}) == 0"),
        message_expression: format!("{} + variables.{variable}.join(', ')", lit(&message)),
        reason: "Forbidden",
    };
    let validations = vec![
        Validation {
            check: "bounds",
            expression: "variables.withinBounds".to_owned(),
            message_expression: format!(
                "'cpguard evaluates at most {MAX_SYSCTLS} sysctls per pod spec, each value at most {MAX_VALUE_BYTES} bytes (a CEL cost bound); this object has ' + string(size(variables.sysctls)) + ' sysctls'"
            ),
            reason: "Forbidden",
        },
        validation(
            "SYS001",
            "sys001",
            format!("SYS001 unsafe sysctls ({unsafe_why}): "),
        ),
        validation(
            "SYS002",
            "sys002",
            "SYS002 sysctls in a host namespace (net.* with hostNetwork: true, or IPC sysctls with hostIPC: true; the kubelet refuses them): ".to_owned(),
        ),
        validation(
            "SYS003",
            "sys003",
            "SYS003 sysctl values containing '+' or '=', which can inject further sysctls (CVE-2022-0811): ".to_owned(),
        ),
    ];
    let audit_annotations = ["sys001", "sys002", "sys003"]
        .iter()
        .map(|v| AuditAnnotation {
            key: (*v).to_owned(),
            value_expression: joined_or_null(&format!("variables.{v}")),
        })
        .collect();
    let settings_json = serde_json::to_string(settings).unwrap_or_default();
    Twin {
        name: NAME,
        notes: vec![
            "ValidatingAdmissionPolicy twin of the Kubewarden policy unsafe-sysctls (SYS001-SYS003),".to_owned(),
            "generated by `cpguard policy vap unsafe-sysctls` from cpguard-core's rules; do not edit.".to_owned(),
            format!("Settings (baked into the CEL): {settings_json}"),
            format!("Beyond the Kubewarden policy: a pod spec with more than {MAX_SYSCTLS} sysctls, or a value longer than {MAX_VALUE_BYTES} bytes, is refused (CEL cost bound)."),
        ],
        rules: resource_rules(),
        variables,
        validations,
        audit_annotations,
        findings: vec![
            ("SYS001", "sys001".to_owned()),
            ("SYS002", "sys002".to_owned()),
            ("SYS003", "sys003".to_owned()),
        ],
        bounds: ["sysctls", "entries", "named", "sys001", "sys002", "sys003"]
            .iter()
            .map(|field| Bound {
                field: (*field).to_owned(),
                max_items: MAX_SYSCTLS,
            })
            .collect(),
        max_string: 253,
        long_strings: vec![("value", MAX_VALUE_BYTES)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baked_lists_follow_the_version_and_the_settings() {
        let settings: SysctlSettings = serde_json::from_str(
            r#"{"podSecurityVersion":"v1.26","allowedUnsafeSysctls":["net.core.*"],"forbiddenSysctls":["kernel/shm_rmid_forced"]}"#,
        )
        .unwrap_or_default();
        let twin = twin(&settings).unwrap_or_else(|e| unreachable!("{e}"));
        let sys001 = &twin.variables[8].expression;
        assert!(
            sys001.contains("'net.ipv4.ip_unprivileged_port_start']"),
            "{sys001}"
        );
        assert!(
            !sys001.contains("ip_local_reserved_ports"),
            "v1.27 name at v1.26: {sys001}"
        );
        assert!(
            sys001.contains("e.normalized.startsWith('net.core.')"),
            "{sys001}"
        );
        assert!(
            sys001.contains("e.normalized == 'kernel.shm_rmid_forced'"),
            "{sys001}"
        );
        assert!(twin.validations[1]
            .message_expression
            .starts_with("'SYS001 unsafe sysctls (not in the Pod Security Standards baseline list (v1.26) nor in allowedUnsafeSysctls, or forbidden by forbiddenSysctls): '"));
    }

    #[test]
    fn bad_settings_give_the_policy_message() {
        let settings: SysctlSettings =
            serde_json::from_str(r#"{"allowedUnsafeSysctls":["vm.max_map_count"]}"#)
                .unwrap_or_default();
        assert_eq!(
            twin(&settings).err(),
            settings.validate().err().map(|e| e.to_string()),
            "the twin refuses what validate refuses, with its words"
        );
    }
}
