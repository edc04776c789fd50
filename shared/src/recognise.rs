//! What an input really is: an API server's `/metrics`, another component's, an HTML error
//! page, a `kubectl` error, a cluster export in the wrong box. It turns "0 findings" over an
//! unusable input into a reason the CLI exits 2 with and the viewer shows.

use crate::cluster::Loaded;
use crate::metrics::{parse, Exposition};

/// Whose `/metrics` a dump is, judged from its families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    EtcdMember,
    Kubelet,
    NodeExporter,
    /// Samples, but of none of the above.
    Other,
    /// No samples at all.
    Unreadable,
}

impl Component {
    /// "an etcd member's /metrics", for the reason a check did not apply.
    pub fn describe(self) -> &'static str {
        match self {
            Component::ApiServer => "an API server's /metrics",
            Component::EtcdMember => "an etcd member's /metrics",
            Component::Kubelet => "a kubelet's /metrics",
            Component::NodeExporter => "node-exporter's /metrics",
            Component::Other => "another component's /metrics",
            Component::Unreadable => "not a /metrics dump",
        }
    }
}

/// A metrics input, recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    pub component: Component,
    /// Why it holds nothing to analyse; `None` for an API server's or an etcd member's dump.
    pub unusable: Option<String>,
}

/// Families only the API server's request handling writes (the kubelet and the controllers
/// share other `apiserver_*` families through the apiserver library).
const API_SERVER_FAMILIES: &[&str] = &[
    "apiserver_request_total",
    "apiserver_request_duration_seconds",
];

const TO_METRICS: &str =
    "give `kubectl get --raw /metrics` (the API server's) or an etcd member's /metrics";
const TO_CLUSTER: &str =
    "give it as a cluster export (--cluster; in the viewer, the Cluster YAML box)";
const TO_METRICS_BOX: &str =
    "give it as a metrics dump (--metrics; in the viewer, the Metrics box)";

fn has_prefix(dump: &Exposition<'_>, prefix: &str) -> bool {
    dump.families
        .iter()
        .any(|f| f.name.starts_with(prefix) && !f.samples.is_empty())
}

/// Whose dump `dump` (the parse of `text`) is, and why it is unusable if it is.
pub fn metrics(text: &str, dump: &Exposition<'_>) -> Recognised {
    let has = |name: &str| dump.family(name).is_some_and(|f| !f.samples.is_empty());
    if dump.sample_count() == 0 {
        return Recognised {
            component: Component::Unreadable,
            unusable: Some(not_prometheus(text).unwrap_or_else(|| {
                if text
                    .lines()
                    .all(|l| l.trim().is_empty() || l.starts_with('#'))
                {
                    "no samples: only comments".to_owned()
                } else {
                    "no samples: not one line reads as a Prometheus sample".to_owned()
                }
            })),
        };
    }
    let (component, unusable) = if API_SERVER_FAMILIES.iter().any(|n| has(n)) {
        (Component::ApiServer, None)
    } else if has_prefix(dump, "etcd_server_") {
        (Component::EtcdMember, None)
    } else if has_prefix(dump, "kubelet_") {
        (
            Component::Kubelet,
            Some(format!(
                "a kubelet's /metrics (kubelet_*), not the API server's or etcd's: {TO_METRICS}"
            )),
        )
    } else if has_prefix(dump, "node_") {
        (
            Component::NodeExporter,
            Some(format!(
                "node-exporter's /metrics (node_*), not the API server's or etcd's: {TO_METRICS}"
            )),
        )
    } else {
        (
            Component::Other,
            Some(format!(
                "none of the API server's or etcd's metric families (apiserver_request_total, etcd_server_*): {TO_METRICS}"
            )),
        )
    };
    Recognised {
        component,
        unusable,
    }
}

/// The first line with content (1-based), skipping blank lines.
fn first_content(text: &str) -> Option<(u32, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l.trim()))
        .find(|(_, l)| !l.is_empty())
}

/// `kubectl`'s own error output: `error: ...`, `Error from server (Forbidden): ...`, "Unable
/// to connect to the server", or a klog line (`E1127 15:04:05.123456 ...`).
fn is_kubectl_error(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let b = line.as_bytes();
    lower.starts_with("error:")
        || lower.starts_with("error from server")
        || lower.starts_with("unable to connect to the server")
        || lower.starts_with("the connection to the server")
        || (matches!(b.first(), Some(b'E' | b'F'))
            && b.get(1..5)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.get(5) == Some(&b' '))
}

/// The text between `<title>` and `</title>`, if short.
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower.get(start..)?.find("</title>")?;
    let title = text.get(start..end)?.trim();
    (!title.is_empty() && title.len() <= 80).then(|| title.to_owned())
}

fn excerpt(line: &str) -> String {
    crate::redact::shorten(line, 120)
}

/// Is this (YAML) text a Kubernetes object or List?
fn looks_like_objects(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start().trim_start_matches("- ");
        l.starts_with("apiVersion:") || l.starts_with("kind:")
    })
}

/// What a text without samples is instead, when it is something recognisable.
fn not_prometheus(text: &str) -> Option<String> {
    let Some((line, first)) = first_content(text) else {
        return Some("no samples: the file is empty".to_owned());
    };
    if is_kubectl_error(first) {
        return Some(format!(
            "holds a kubectl error, not a dump (line {line}): {}",
            excerpt(first)
        ));
    }
    if first.starts_with('<') {
        return Some(match html_title(text) {
            Some(title) => {
                format!("looks like HTML, not Prometheus text (line {line}: \"{title}\")")
            }
            None => format!("looks like HTML, not Prometheus text (line {line})"),
        });
    }
    if first.starts_with(['{', '[']) {
        return Some(
            if text.contains("\"apiVersion\"") || text.contains("\"kind\"") {
                format!("looks like Kubernetes objects in JSON, not Prometheus text: {TO_CLUSTER}")
            } else {
                format!("looks like JSON, not Prometheus text (line {line})")
            },
        );
    }
    if looks_like_objects(text) {
        return Some(format!(
            "looks like a cluster export (YAML), not Prometheus text: {TO_CLUSTER}"
        ));
    }
    None
}

/// A cluster input that yielded no object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoObjects {
    /// Why, in one line: "no Kubernetes objects: it looks like HTML (line 1)".
    pub reason: String,
    /// It is something other than a cluster export (a metrics dump, an HTML page, a `kubectl`
    /// error), as opposed to an empty one.
    pub other: bool,
}

/// Why a cluster input that yielded no object holds nothing to analyse, with what it looks
/// like when that is something else (a metrics dump, an HTML page, a `kubectl` error).
pub fn cluster(text: &str, loaded: &Loaded) -> NoObjects {
    const NONE: &str = "no Kubernetes objects";
    let other = |reason: String| NoObjects {
        reason,
        other: true,
    };
    let empty = |reason: String| NoObjects {
        reason,
        other: false,
    };
    let Some((line, first)) = first_content(text) else {
        return empty(format!("{NONE}: the file is empty"));
    };
    if is_kubectl_error(first) {
        return other(format!(
            "{NONE}: it holds a kubectl error (line {line}): {}",
            excerpt(first)
        ));
    }
    if first.starts_with('<') {
        return other(format!("{NONE}: it looks like HTML (line {line})"));
    }
    if looks_like_metrics(text) {
        return other(format!(
            "{NONE}: it looks like a Prometheus /metrics dump: {TO_METRICS_BOX}"
        ));
    }
    if loaded.server_version.is_some() {
        return empty(format!(
            "{NONE}: only the control-plane version (kubectl version)"
        ));
    }
    if loaded.diagnostics.is_empty() {
        return empty(format!("{NONE}: an empty List"));
    }
    empty(NONE.to_owned())
}

/// `# HELP`/`# TYPE` lines, or more sample lines than not.
fn looks_like_metrics(text: &str) -> bool {
    if text
        .lines()
        .any(|l| l.starts_with("# HELP ") || l.starts_with("# TYPE "))
    {
        return true;
    }
    let dump = parse(text);
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    dump.sample_count() > 0 && dump.sample_count() * 2 > lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics_reason(text: &str) -> (Component, Option<String>) {
        let r = metrics(text, &parse(text));
        (r.component, r.unusable)
    }

    #[test]
    fn what_a_metrics_input_is() {
        assert_eq!(
            metrics_reason("\n  \n"),
            (
                Component::Unreadable,
                Some("no samples: the file is empty".to_owned())
            )
        );
        assert_eq!(
            metrics_reason("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n").1.as_deref(),
            Some("looks like HTML, not Prometheus text (line 1: \"502 Bad Gateway\")")
        );
        assert_eq!(
            metrics_reason("\n<!DOCTYPE html>\n<p>hi</p>\n")
                .1
                .as_deref(),
            Some("looks like HTML, not Prometheus text (line 2)")
        );
        // What kubectl prints when the API server refuses (stderr redirected too).
        assert_eq!(
            metrics_reason("Error from server (Forbidden): forbidden: User \"dev\" cannot get path \"/metrics\"\n").1.as_deref(),
            Some("holds a kubectl error, not a dump (line 1): Error from server (Forbidden): forbidden: User \"dev\" cannot get path \"/metrics\"")
        );
        assert_eq!(
            metrics_reason("E1127 15:04:05.123456   4242 memcache.go:265] couldn't get current server API group list\n").0,
            Component::Unreadable
        );
        assert_eq!(
            metrics_reason("{\"kind\":\"List\",\"items\":[]}").1.as_deref(),
            Some("looks like Kubernetes objects in JSON, not Prometheus text: give it as a cluster export (--cluster; in the viewer, the Cluster YAML box)")
        );
        assert_eq!(
            metrics_reason("[1, 2]").1.as_deref(),
            Some("looks like JSON, not Prometheus text (line 1)")
        );
        assert_eq!(
            metrics_reason("apiVersion: v1\nitems:\n- kind: Pod\n").1.as_deref(),
            Some("looks like a cluster export (YAML), not Prometheus text: give it as a cluster export (--cluster; in the viewer, the Cluster YAML box)")
        );
        assert_eq!(
            metrics_reason("# HELP up x\n# TYPE up gauge\n")
                .1
                .as_deref(),
            Some("no samples: only comments")
        );
        assert_eq!(
            metrics_reason("hello world\n").1.as_deref(),
            Some("no samples: not one line reads as a Prometheus sample")
        );
    }

    #[test]
    fn whose_dump_it_is() {
        assert_eq!(
            metrics_reason("apiserver_request_total{code=\"200\"} 1\n"),
            (Component::ApiServer, None)
        );
        // The API server's dump has node_authorizer_* and etcd_* families of its own.
        assert_eq!(
            metrics_reason("node_authorizer_graph_actions_duration_seconds_count 1\netcd_request_duration_seconds_count 2\n# TYPE apiserver_request_duration_seconds histogram\napiserver_request_duration_seconds_count 3\n").0,
            Component::ApiServer
        );
        assert_eq!(
            metrics_reason("etcd_server_has_leader 1\n"),
            (Component::EtcdMember, None)
        );
        let (kubelet, why) = metrics_reason("apiserver_audit_event_total 0\nkubelet_running_pods 12\nrest_client_requests_total{code=\"200\"} 5\n");
        assert_eq!(kubelet, Component::Kubelet);
        assert_eq!(why.as_deref(), Some("a kubelet's /metrics (kubelet_*), not the API server's or etcd's: give `kubectl get --raw /metrics` (the API server's) or an etcd member's /metrics"));
        assert_eq!(
            metrics_reason("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1\n").0,
            Component::NodeExporter
        );
        let (other, why) = metrics_reason("up 1\n");
        assert_eq!(other, Component::Other);
        assert!(why.is_some_and(|w| w.starts_with("none of the API server's or etcd's")));
    }

    #[test]
    fn why_a_cluster_input_has_no_objects() {
        let reason = |text: &str| cluster(text, &crate::cluster::load(text)).reason;
        assert_eq!(reason(""), "no Kubernetes objects: the file is empty");
        assert_eq!(
            reason("apiVersion: v1\nkind: List\nitems: []\n"),
            "no Kubernetes objects: an empty List"
        );
        assert_eq!(
            reason("# HELP up x\n# TYPE up gauge\nup 1\n"),
            "no Kubernetes objects: it looks like a Prometheus /metrics dump: give it as a metrics dump (--metrics; in the viewer, the Metrics box)"
        );
        assert_eq!(reason("apiserver_request_total{code=\"200\"} 4\nup 1\n"), "no Kubernetes objects: it looks like a Prometheus /metrics dump: give it as a metrics dump (--metrics; in the viewer, the Metrics box)");
        assert_eq!(
            reason("error: the server doesn't have a resource type \"validatingwebhookconfiguration\"\n"),
            "no Kubernetes objects: it holds a kubectl error (line 1): error: the server doesn't have a resource type \"validatingwebhookconfiguration\""
        );
        assert_eq!(
            reason("<html><body>502</body></html>"),
            "no Kubernetes objects: it looks like HTML (line 1)"
        );
        assert_eq!(
            reason(r#"{"serverVersion":{"gitVersion":"v1.30.4"}}"#),
            "no Kubernetes objects: only the control-plane version (kubectl version)"
        );
        assert_eq!(reason("just: [broken\n"), "no Kubernetes objects");
        let html = "<html><body>502</body></html>";
        assert!(cluster(html, &crate::cluster::load(html)).other);
        assert!(!cluster("", &crate::cluster::load("")).other);
    }
}
