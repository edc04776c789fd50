//! SYS001–SYS003: the sysctl rules of the unsafe-sysctls policy.
//!
//! Semantics, pinned by tests that cite their sources:
//! - the allowlist is the Pod Security Standards baseline list of the chosen version
//!   (`k8s.io/pod-security-admission/policy/check_sysctls.go`), plus `allowedUnsafeSysctls`,
//!   minus `forbiddenSysctls` (which wins);
//! - names are normalised as the kubelet does before matching
//!   (`k8s.io/component-helpers/node/util/sysctl.NormalizeName`) and reported as written;
//! - what can be allowed at all is what the kubelet can namespace
//!   (`pkg/kubelet/sysctl/namespace.go`): `kernel.shm*`, `kernel.msg*`, `kernel.sem`,
//!   `fs.mqueue.*`, `net.*`.

use crate::catalog::{Check, Need, Severity, GUIDE};
use crate::k8s::{PodSpec, Text, Workload};
use crate::rules::{SettingsError, Violation};
use serde::Deserialize;
use std::fmt::Write as _;

/// The newest Pod Security Standards version this build knows.
pub const LATEST_MINOR: u32 = 37;

/// The PSS baseline allowlist: each name with the minor version of `v1.N` that added it.
pub const BASELINE: &[(u32, &str)] = &[
    (0, "kernel.shm_rmid_forced"),
    (0, "net.ipv4.ip_local_port_range"),
    (0, "net.ipv4.tcp_syncookies"),
    (0, "net.ipv4.ping_group_range"),
    (0, "net.ipv4.ip_unprivileged_port_start"),
    (27, "net.ipv4.ip_local_reserved_ports"),
    (29, "net.ipv4.tcp_keepalive_time"),
    (29, "net.ipv4.tcp_fin_timeout"),
    (29, "net.ipv4.tcp_keepalive_intvl"),
    (29, "net.ipv4.tcp_keepalive_probes"),
    (32, "net.ipv4.tcp_rmem"),
    (32, "net.ipv4.tcp_wmem"),
    (37, "net.ipv4.tcp_slow_start_after_idle"),
    (37, "net.ipv4.tcp_notsent_lowat"),
];

/// Where a kind keeps its pod spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodSpecAt {
    /// A Pod: `spec`.
    Spec,
    /// A workload controller: `spec.template.spec`.
    Template,
    /// A CronJob: `spec.jobTemplate.spec.template.spec`.
    JobTemplate,
    /// A PodTemplate: `template.spec`.
    PodTemplate,
}

impl PodSpecAt {
    /// The path of the pod spec in the object, as violations name it.
    pub const fn path(self) -> &'static str {
        match self {
            PodSpecAt::Spec => "spec",
            PodSpecAt::Template => "spec.template.spec",
            PodSpecAt::JobTemplate => "spec.jobTemplate.spec.template.spec",
            PodSpecAt::PodTemplate => "template.spec",
        }
    }
}

/// The kinds whose pod spec the rule reads, with where that pod spec lives: the one list of
/// them (the cluster checks and the catalogue's [`WORKLOAD_KINDS`] derive from it).
pub const KINDS: &[(&str, PodSpecAt)] = &[
    ("Pod", PodSpecAt::Spec),
    ("Deployment", PodSpecAt::Template),
    ("ReplicaSet", PodSpecAt::Template),
    ("StatefulSet", PodSpecAt::Template),
    ("DaemonSet", PodSpecAt::Template),
    ("Job", PodSpecAt::Template),
    ("ReplicationController", PodSpecAt::Template),
    ("CronJob", PodSpecAt::JobTemplate),
    ("PodTemplate", PodSpecAt::PodTemplate),
];

/// The names of [`KINDS`], for what SYS001–SYS003 read.
pub const WORKLOAD_KINDS: &[&str] = &kind_names();

#[allow(clippy::indexing_slicing)] // Evaluated at compile time: out of bounds is a build error.
const fn kind_names() -> [&'static str; KINDS.len()] {
    let mut out = [""; KINDS.len()];
    let mut i = 0;
    while i < KINDS.len() {
        out[i] = KINDS[i].0;
        i += 1;
    }
    out
}

/// Where `kind` keeps its pod spec, if the rule reads it.
pub fn pod_spec_at(kind: &str) -> Option<PodSpecAt> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, at)| *at)
}

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

/// The unsafe-sysctls policy's settings (its JSON/YAML settings format, camelCase).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct SysctlSettings {
    /// Patterns allowed on top of the baseline list (exact, or a trailing `*`).
    pub allowed_unsafe_sysctls: Vec<String>,
    /// Patterns always refused, even when in the baseline list; `*` alone refuses every sysctl.
    pub forbidden_sysctls: Vec<String>,
    /// `latest` or `v1.N`: the Pod Security Standards version whose baseline list applies.
    pub pod_security_version: String,
}

impl Default for SysctlSettings {
    fn default() -> Self {
        SysctlSettings {
            allowed_unsafe_sysctls: Vec::new(),
            forbidden_sysctls: Vec::new(),
            pod_security_version: "latest".to_owned(),
        }
    }
}

/// A sysctl pattern from the settings, kept as written for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    written: String,
    kind: PatternKind,
}

/// What a [`Pattern`] matches, for generators that restate the rule (the VAP twin's CEL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternMatch<'a> {
    /// `*`: every name.
    All,
    /// A normalised prefix (the pattern without its trailing `*`).
    Prefix(&'a str),
    /// A normalised name.
    Exact(&'a str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum PatternKind {
    All,
    Prefix(String),
    Exact(String),
}

impl Pattern {
    pub fn matches(&self, normalized: &str) -> bool {
        match &self.kind {
            PatternKind::All => true,
            PatternKind::Prefix(prefix) => normalized.starts_with(prefix.as_str()),
            PatternKind::Exact(name) => normalized == name,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// What the pattern matches (over normalised names).
    pub fn rule(&self) -> PatternMatch<'_> {
        match &self.kind {
            PatternKind::All => PatternMatch::All,
            PatternKind::Prefix(p) => PatternMatch::Prefix(p),
            PatternKind::Exact(n) => PatternMatch::Exact(n),
        }
    }
}

/// Validated settings, ready to check objects with.
#[derive(Clone, Debug)]
pub struct SysctlPolicy {
    version_label: String,
    minor: u32,
    allowed: Vec<Pattern>,
    forbidden: Vec<Pattern>,
}

impl SysctlSettings {
    /// Checks the settings and builds the policy; the error lists every problem found.
    pub fn validate(&self) -> Result<SysctlPolicy, SettingsError> {
        let mut problems = Vec::new();
        let minor = parse_version(&self.pod_security_version).unwrap_or_else(|| {
            problems.push(format!(
                "podSecurityVersion {:?} is not a Pod Security Standards version: use \"latest\" or \"v1.N\" (v1.0 to v1.{LATEST_MINOR})",
                self.pod_security_version
            ));
            LATEST_MINOR
        });
        let mut allowed = Vec::new();
        for (i, written) in self.allowed_unsafe_sysctls.iter().enumerate() {
            match parse_pattern(written) {
                Err(why) => problems.push(format!("allowedUnsafeSysctls[{i}] {written:?}: {why}")),
                Ok(pattern) => {
                    if is_namespaced(&pattern) {
                        allowed.push(pattern);
                    } else {
                        problems.push(format!(
                            "allowedUnsafeSysctls[{i}] {written:?} is not a namespaced sysctl, so the kubelet could never allow it \
                             (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are namespaced)"
                        ));
                    }
                }
            }
        }
        let mut forbidden = Vec::new();
        for (i, written) in self.forbidden_sysctls.iter().enumerate() {
            match parse_pattern(written) {
                Err(why) => problems.push(format!("forbiddenSysctls[{i}] {written:?}: {why}")),
                Ok(pattern) => forbidden.push(pattern),
            }
        }
        for pattern in &allowed {
            if forbidden.iter().any(|f| f.kind == pattern.kind) {
                problems.push(format!(
                    "{:?} is in both allowedUnsafeSysctls and forbiddenSysctls; keep it in one",
                    pattern.written
                ));
            }
        }
        if problems.is_empty() {
            Ok(SysctlPolicy {
                version_label: self.pod_security_version.clone(),
                minor,
                allowed,
                forbidden,
            })
        } else {
            Err(SettingsError { problems })
        }
    }
}

/// `latest` or `v1.N` as the Pod Security Admission accepts it (`^v1\.(0|[1-9][0-9]*)$`);
/// a version newer than this build knows uses the newest list.
fn parse_version(version: &str) -> Option<u32> {
    if version == "latest" {
        return Some(LATEST_MINOR);
    }
    let minor = version.strip_prefix("v1.")?;
    let well_formed = !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
        && (minor == "0" || !minor.starts_with('0'));
    if !well_formed {
        return None;
    }
    Some(
        minor
            .parse::<u32>()
            .map_or(LATEST_MINOR, |m| m.min(LATEST_MINOR)),
    )
}

/// The kubelet's name normalisation: when the first separator is `/`, swap `.` and `/`
/// (`net/ipv4/conf/eno2.100/rp_filter` → `net.ipv4.conf.eno2/100.rp_filter`).
///
/// Source: `k8s.io/component-helpers/node/util/sysctl/sysctl.go`, `NormalizeName`.
pub fn normalize(name: &str) -> String {
    match name.find(['.', '/']) {
        Some(i) if name.as_bytes().get(i) == Some(&b'/') => name
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                other => other,
            })
            .collect(),
        _ => name.to_owned(),
    }
}

/// One segment of a sysctl name: `[a-z0-9]([-_a-z0-9]*[a-z0-9])?` (`SysctlSegmentFmt`).
fn is_segment(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            alnum(first)
                && alnum(last)
                && bytes.iter().all(|b| alnum(b) || *b == b'-' || *b == b'_')
        }
        _ => false,
    }
}

fn parse_pattern(written: &str) -> Result<Pattern, String> {
    if written == "*" {
        return Ok(Pattern {
            written: written.to_owned(),
            kind: PatternKind::All,
        });
    }
    if written.is_empty() {
        return Err("empty pattern".to_owned());
    }
    if written.len() > 253 {
        return Err("longer than 253 characters".to_owned());
    }
    let (body, star) = match written.strip_suffix('*') {
        Some(body) => (body, true),
        None => (written, false),
    };
    if body.contains('*') {
        return Err("'*' is only allowed as the last character".to_owned());
    }
    let normalized = normalize(body);
    let mut segments: Vec<&str> = normalized.split(['.', '/']).collect();
    // `net.*`: the body ends with a separator, leaving an empty last segment.
    if star && segments.last() == Some(&"") {
        segments.pop();
    }
    if segments.is_empty() || !segments.iter().all(|s| is_segment(s)) {
        return Err(
            "not a sysctl name: lowercase letters, digits, '-' and '_' in segments separated by '.' or '/', \
             optionally ending in '*'"
                .to_owned(),
        );
    }
    let kind = if star {
        PatternKind::Prefix(normalized)
    } else {
        PatternKind::Exact(normalized)
    };
    Ok(Pattern {
        written: written.to_owned(),
        kind,
    })
}

/// Whether the kubelet knows the name (or every name under the prefix) to be namespaced.
/// Source: `pkg/kubelet/sysctl/namespace.go` (`NamespacedBy`).
fn is_namespaced(pattern: &Pattern) -> bool {
    let name = match &pattern.kind {
        PatternKind::All => return false,
        PatternKind::Prefix(p) | PatternKind::Exact(p) => p.as_str(),
    };
    name == "kernel.sem"
        || ["kernel.shm", "kernel.msg", "fs.mqueue.", "net."]
            .iter()
            .any(|p| name.starts_with(p))
}

/// The IPC sysctls the kubelet refuses with `hostIPC: true`: these exact names...
pub const IPC_NAMES: &[&str] = &["kernel.sem"];
/// ...and the names under these prefixes (`pkg/kubelet/sysctl/namespace.go`).
pub const IPC_PREFIXES: &[&str] = &["kernel.shm", "kernel.msg", "fs.mqueue."];
/// The network sysctls the kubelet refuses with `hostNetwork: true`.
pub const NET_PREFIX: &str = "net.";
/// Characters in a value that can inject further sysctls (CVE-2022-0811).
pub const INJECTION_CHARS: &[char] = &['+', '='];

fn is_ipc(normalized: &str) -> bool {
    IPC_NAMES.contains(&normalized) || IPC_PREFIXES.iter().any(|p| normalized.starts_with(p))
}

impl SysctlPolicy {
    /// The policy with default settings (baseline `latest`, nothing extra allowed or forbidden).
    pub fn baseline_latest() -> SysctlPolicy {
        SysctlPolicy {
            version_label: "latest".to_owned(),
            minor: LATEST_MINOR,
            allowed: Vec::new(),
            forbidden: Vec::new(),
        }
    }

    /// The baseline names of this policy's version.
    pub fn baseline(&self) -> impl Iterator<Item = &'static str> + '_ {
        BASELINE
            .iter()
            .filter(|(since, _)| *since <= self.minor)
            .map(|(_, name)| *name)
    }

    /// `latest` or `v1.N` as the settings wrote it (messages name it).
    pub fn version_label(&self) -> &str {
        &self.version_label
    }

    /// `allowedUnsafeSysctls`, checked.
    pub fn allowed(&self) -> &[Pattern] {
        &self.allowed
    }

    /// `forbiddenSysctls`, checked.
    pub fn forbidden(&self) -> &[Pattern] {
        &self.forbidden
    }

    /// Whether `normalized` is in the baseline list of this policy's version.
    pub fn in_baseline(&self, normalized: &str) -> bool {
        BASELINE
            .iter()
            .any(|(since, name)| *since <= self.minor && *name == normalized)
    }

    /// Why a sysctl name is refused, or `None` when it is allowed.
    fn refusal(&self, written: &str) -> Option<String> {
        let normalized = normalize(written);
        let shown = if normalized == written {
            format!("{written:?}")
        } else {
            format!("{written:?} (normalised {normalized:?})")
        };
        if let Some(pattern) = self.forbidden.iter().find(|p| p.matches(&normalized)) {
            return Some(format!(
                "sysctl {shown} is forbidden by forbiddenSysctls pattern {:?}",
                pattern.as_str()
            ));
        }
        if self.in_baseline(&normalized) || self.allowed.iter().any(|p| p.matches(&normalized)) {
            return None;
        }
        let mut why = format!(
            "sysctl {shown} is unsafe: it is not in the Pod Security Standards baseline list ({})",
            self.version_label
        );
        if !self.allowed.is_empty() {
            why.push_str(" nor in allowedUnsafeSysctls");
        }
        Some(why)
    }

    /// Checks one pod spec found at `at` (e.g. `spec.template.spec`).
    pub fn check_pod_spec(&self, spec: &PodSpec, at: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let sysctls = spec
            .security_context
            .as_ref()
            .and_then(|sc| sc.sysctls.as_deref())
            .unwrap_or_default();
        let host_network = spec.host_network == Some(true);
        let host_ipc = spec.host_ipc == Some(true);
        for (i, sysctl) in sysctls.iter().enumerate() {
            let path = format!("{at}.securityContext.sysctls[{i}]");
            let name = sysctl.name.as_ref().map_or("", Text::as_str);
            let normalized = normalize(name);
            if name.is_empty() {
                out.push(violation(
                    &SYS001,
                    &path,
                    name,
                    "sysctl entry has no name".to_owned(),
                ));
                continue;
            }
            if let Some(message) = self.refusal(name) {
                out.push(violation(&SYS001, &path, name, message));
            }
            if host_network && normalized.starts_with(NET_PREFIX) {
                let message = format!("sysctl {name:?} is a network sysctl in a Pod with hostNetwork: true, which the kubelet refuses");
                out.push(violation(&SYS002, &path, name, message));
            } else if host_ipc && is_ipc(&normalized) {
                let message = format!("sysctl {name:?} is an IPC sysctl in a Pod with hostIPC: true, which the kubelet refuses");
                out.push(violation(&SYS002, &path, name, message));
            }
            if let Some(value) = sysctl.value.as_ref().map(Text::as_str) {
                if let Some(c) = value.chars().find(|c| INJECTION_CHARS.contains(c)) {
                    let mut message =
                        format!("sysctl {name:?} has value {value:?} containing '{c}'");
                    let _ = write!(
                        message,
                        ", which can inject further sysctls (CVE-2022-0811)"
                    );
                    out.push(violation(&SYS003, &format!("{path}.value"), name, message));
                }
            }
        }
        out
    }

    /// Checks every pod spec of an object. Kinds the rule does not read give no violations.
    pub fn check_workload(&self, object: &Workload) -> Vec<Violation> {
        let Some(at) = pod_spec_at(object.kind.as_deref().unwrap_or_default()) else {
            return Vec::new();
        };
        let spec = object.spec.as_ref();
        let own;
        let pod_spec = match at {
            PodSpecAt::Spec => {
                own = spec.map(crate::k8s::WorkloadSpec::pod_spec);
                own.as_ref()
            }
            PodSpecAt::Template => spec
                .and_then(|s| s.template.as_ref())
                .and_then(|t| t.spec.as_ref()),
            PodSpecAt::JobTemplate => spec
                .and_then(|s| s.job_template.as_ref())
                .and_then(|j| j.spec.as_ref())
                .and_then(|j| j.template.as_ref())
                .and_then(|t| t.spec.as_ref()),
            PodSpecAt::PodTemplate => object.template.as_ref().and_then(|t| t.spec.as_ref()),
        };
        pod_spec
            .map(|s| self.check_pod_spec(s, at.path()))
            .unwrap_or_default()
    }
}

fn violation(check: &'static Check, path: &str, name: &str, message: String) -> Violation {
    Violation {
        check,
        path: path.to_owned(),
        name: name.to_owned(),
        message,
        enforced: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> Result<SysctlPolicy, String> {
        serde_json::from_str::<SysctlSettings>(json)
            .map_err(|e| e.to_string())?
            .validate()
            .map_err(|e| e.to_string())
    }

    fn check(object: &str, settings: &str) -> Vec<String> {
        let policy = policy(settings).unwrap_or_else(|e| unreachable!("settings: {e}"));
        let workload: Workload =
            serde_json::from_str(object).unwrap_or_else(|e| unreachable!("object: {e}"));
        policy
            .check_workload(&workload)
            .iter()
            .map(Violation::to_line)
            .collect()
    }

    fn pod(sysctls: &str) -> String {
        format!(r#"{{"kind":"Pod","spec":{{"securityContext":{{"sysctls":{sysctls}}}}}}}"#)
    }

    /// `NormalizeName` cases from `k8s.io/component-helpers/node/util/sysctl/sysctl_test.go`.
    #[test]
    fn normalisation_matches_the_kubelet() {
        assert_eq!(normalize("a/b/c"), "a.b.c");
        assert_eq!(normalize("a/b.c/d"), "a.b/c.d");
        assert_eq!(normalize("a.b.c"), "a.b.c");
        assert_eq!(normalize("a.b/c.d"), "a.b/c.d");
        assert_eq!(
            normalize("net/ipv4/conf/eno2.100/rp_filter"),
            "net.ipv4.conf.eno2/100.rp_filter"
        );
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("abc"), "abc");
    }

    #[test]
    fn versions_map_to_the_newest_list_at_or_below() {
        assert_eq!(parse_version("latest"), Some(37));
        assert_eq!(parse_version("v1.0"), Some(0));
        assert_eq!(parse_version("v1.28"), Some(28));
        assert_eq!(parse_version("v1.99"), Some(37));
        for bad in ["v1", "1.28", "v1.028", "v2.0", "v1.", "v1.2x", "Latest", ""] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
        let at = |v: &str, name: &str| {
            policy(&format!(r#"{{"podSecurityVersion":"{v}"}}"#)).map(|p| p.in_baseline(name))
        };
        assert_eq!(at("v1.26", "net.ipv4.ip_local_reserved_ports"), Ok(false));
        assert_eq!(at("v1.27", "net.ipv4.ip_local_reserved_ports"), Ok(true));
        assert_eq!(at("v1.28", "net.ipv4.tcp_fin_timeout"), Ok(false));
        assert_eq!(at("v1.30", "net.ipv4.tcp_fin_timeout"), Ok(true));
        assert_eq!(at("v1.31", "net.ipv4.tcp_rmem"), Ok(false));
        assert_eq!(at("v1.36", "net.ipv4.tcp_notsent_lowat"), Ok(false));
        assert_eq!(at("latest", "net.ipv4.tcp_notsent_lowat"), Ok(true));
    }

    #[test]
    fn settings_errors_name_the_entry() {
        let err = |json: &str| policy(json).err().unwrap_or_default();
        assert_eq!(
            err(r#"{"allowedUnsafeSysctls":["net.*.foo"]}"#),
            r#"allowedUnsafeSysctls[0] "net.*.foo": '*' is only allowed as the last character"#
        );
        assert!(err(r#"{"allowedUnsafeSysctls":["Net.Core"]}"#)
            .starts_with(r#"allowedUnsafeSysctls[0] "Net.Core": not a sysctl name"#));
        assert_eq!(
            err(r#"{"allowedUnsafeSysctls":["vm.max_map_count"]}"#),
            "allowedUnsafeSysctls[0] \"vm.max_map_count\" is not a namespaced sysctl, so the kubelet could never allow it \
             (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are namespaced)"
        );
        assert!(err(r#"{"allowedUnsafeSysctls":["*"]}"#).contains("is not a namespaced sysctl"));
        assert!(
            err(r#"{"allowedUnsafeSysctls":["kernel.*"]}"#).contains("is not a namespaced sysctl")
        );
        assert_eq!(
            err(
                r#"{"allowedUnsafeSysctls":["net.core.somaxconn"],"forbiddenSysctls":["net.core.somaxconn"]}"#
            ),
            r#""net.core.somaxconn" is in both allowedUnsafeSysctls and forbiddenSysctls; keep it in one"#
        );
        assert_eq!(
            err(r#"{"podSecurityVersion":"v2.0"}"#),
            r#"podSecurityVersion "v2.0" is not a Pod Security Standards version: use "latest" or "v1.N" (v1.0 to v1.37)"#
        );
        assert_eq!(
            err(r#"{"forbiddenSysctls":[""]}"#),
            r#"forbiddenSysctls[0] "": empty pattern"#
        );
        for ok in [
            r#"{"allowedUnsafeSysctls":["kernel.shm*","kernel.msgmax","kernel.sem","fs.mqueue.*","net.*","net/core/somaxconn"]}"#,
            r#"{"forbiddenSysctls":["*"]}"#,
            r#"{"forbiddenSysctls":["kernel.*","vm.swappiness"]}"#,
            "{}",
        ] {
            assert!(policy(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn baseline_and_unsafe_names() {
        assert_eq!(
            check(
                &pod(r#"[{"name":"kernel.shm_rmid_forced","value":"1"}]"#),
                "{}"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            check(
                &pod(
                    r#"[{"name":"kernel.shm_rmid_forced","value":"1"},{"name":"kernel.shm_next_id","value":"4"}]"#
                ),
                "{}"
            ),
            vec![
                r#"SYS001 spec.securityContext.sysctls[1]: sysctl "kernel.shm_next_id" is unsafe: it is not in the Pod Security Standards baseline list (latest)"#
            ]
        );
    }

    #[test]
    fn allowed_forbidden_and_normalisation() {
        let settings = r#"{"allowedUnsafeSysctls":["net.core.*"],"forbiddenSysctls":["net.core.rmem_max","net.ipv4.tcp_syncookies"]}"#;
        let found = check(
            &pod(
                r#"[{"name":"net/core/somaxconn"},{"name":"net.core.rmem_max"},{"name":"net.ipv4.tcp_syncookies"}]"#,
            ),
            settings,
        );
        assert_eq!(
            found,
            vec![
                r#"SYS001 spec.securityContext.sysctls[1]: sysctl "net.core.rmem_max" is forbidden by forbiddenSysctls pattern "net.core.rmem_max""#,
                r#"SYS001 spec.securityContext.sysctls[2]: sysctl "net.ipv4.tcp_syncookies" is forbidden by forbiddenSysctls pattern "net.ipv4.tcp_syncookies""#,
            ]
        );
        let found = check(
            &pod(r#"[{"name":"net/ipv4/conf/eno2.100/rp_filter"}]"#),
            "{}",
        );
        assert_eq!(
            found,
            vec![
                r#"SYS001 spec.securityContext.sysctls[0]: sysctl "net/ipv4/conf/eno2.100/rp_filter" (normalised "net.ipv4.conf.eno2/100.rp_filter") is unsafe: it is not in the Pod Security Standards baseline list (latest)"#
            ]
        );
        assert_eq!(
            check(
                &pod(r#"[{"name":"kernel.shm_rmid_forced"}]"#),
                r#"{"forbiddenSysctls":["*"]}"#
            )
            .len(),
            1
        );
    }

    #[test]
    fn host_namespaces_and_values() {
        let object = r#"{"kind":"Deployment","spec":{"template":{"spec":{"hostNetwork":true,"hostIPC":true,
            "securityContext":{"sysctls":[{"name":"net.ipv4.tcp_syncookies","value":"1"},{"name":"kernel.shmmax","value":"1+kernel.core_pattern=|/x"}]}}}}}"#;
        assert_eq!(
            check(object, r#"{"allowedUnsafeSysctls":["kernel.shm*"]}"#),
            vec![
                r#"SYS002 spec.template.spec.securityContext.sysctls[0]: sysctl "net.ipv4.tcp_syncookies" is a network sysctl in a Pod with hostNetwork: true, which the kubelet refuses"#,
                r#"SYS002 spec.template.spec.securityContext.sysctls[1]: sysctl "kernel.shmmax" is an IPC sysctl in a Pod with hostIPC: true, which the kubelet refuses"#,
                r#"SYS003 spec.template.spec.securityContext.sysctls[1].value: sysctl "kernel.shmmax" has value "1+kernel.core_pattern=|/x" containing '+', which can inject further sysctls (CVE-2022-0811)"#,
            ]
        );
    }

    #[test]
    fn every_kind_is_read_at_its_path() {
        let sysctls = r#"{"securityContext":{"sysctls":[{"name":"x.y"}]}}"#;
        let cases = [
            ("Pod", format!(r#""spec":{sysctls}"#), "spec"),
            (
                "Deployment",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "ReplicaSet",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "StatefulSet",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "DaemonSet",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "Job",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "ReplicationController",
                format!(r#""spec":{{"template":{{"spec":{sysctls}}}}}"#),
                "spec.template.spec",
            ),
            (
                "CronJob",
                format!(
                    r#""spec":{{"jobTemplate":{{"spec":{{"template":{{"spec":{sysctls}}}}}}}}}"#
                ),
                "spec.jobTemplate.spec.template.spec",
            ),
            (
                "PodTemplate",
                format!(r#""template":{{"spec":{sysctls}}}"#),
                "template.spec",
            ),
        ];
        for (kind, body, at) in cases {
            let found = check(&format!(r#"{{"kind":"{kind}",{body}}}"#), "{}");
            assert_eq!(found.len(), 1, "{kind}");
            assert!(
                found[0].starts_with(&format!("SYS001 {at}.securityContext.sysctls[0]: ")),
                "{kind}: {found:?}"
            );
        }
        assert!(check(&format!(r#"{{"kind":"ConfigMap","spec":{sysctls}}}"#), "{}").is_empty());
    }
}
