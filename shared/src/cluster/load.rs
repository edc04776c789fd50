//! Loading whatever `kubectl` wrote: a `kind: List` (or any `*List`) with `items`,
//! multi-document YAML, single objects, JSON (`-o json`), `kubectl version -o json`, with
//! `kubectl` warning lines before the content. One bad document becomes a diagnostic with its
//! line and the rest is read. YAML aliases, nesting and size are budgeted (no alias bombs).

use super::{Object, KEPT_CONFIGMAPS};
use crate::metrics::{Diagnostic, DiagnosticLevel};

/// What a dump held.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// Every object, Lists flattened.
    pub objects: Vec<Object>,
    /// The control-plane version, when a `kubectl version -o json` document was given.
    pub server_version: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Is this line a `kubectl`/client-go warning rather than content?
fn is_warning(line: &str) -> bool {
    if line.starts_with("Warning: ") || line.starts_with("WARNING: ") {
        return true;
    }
    // klog: `W1127 15:04:05.123456   12345 file.go:42] message`
    let b = line.as_bytes();
    matches!(b.first(), Some(b'I' | b'W' | b'E' | b'F'))
        && b.get(1..5)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && b.get(5) == Some(&b' ')
}

fn options(len: usize) -> serde_saphyr::Options {
    // Scale the structural limits with the input (a 10,000-object List has millions of
    // events) but keep alias expansion tightly bounded: that is what a YAML bomb abuses.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = len.saturating_add(10_000);
    budget.max_nodes = len.saturating_add(10_000);
    budget.max_documents = len / 4 + 16;
    budget.max_depth = 128;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_total_scalar_bytes = len.saturating_add(1024);
    budget.max_reader_input_bytes = Some(len.saturating_add(1024));
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

impl Loaded {
    fn error(&mut self, line: usize, message: String) {
        self.diagnostics.push(Diagnostic {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            level: DiagnosticLevel::Error,
            message,
        });
    }

    /// Adds one decoded document: flattens Lists, keeps the version, drops what must not be kept.
    fn add(&mut self, mut object: Object) {
        if let Some(version) = object.server_version.take().and_then(|v| v.git_version) {
            self.server_version = Some(version);
            if object.kind.is_none() {
                return;
            }
        }
        if let Some(items) = object.items.take() {
            for item in items {
                self.add(item);
            }
            if object.kind().ends_with("List") || object.kind.is_none() {
                return;
            }
        }
        let keep_data = object.kind() == "ConfigMap"
            && KEPT_CONFIGMAPS.iter().any(|(ns, name)| {
                object.metadata.namespace.as_deref() == Some(ns)
                    && object.metadata.name.as_deref() == Some(name)
            });
        if !keep_data {
            object.data = None;
        }
        if object.kind.is_some() {
            self.objects.push(object);
        }
    }
}

/// Splits YAML into documents at `---` / `...` lines: (first line number, text).
fn documents(text: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut start = first_line;
    for (i, line) in text.split('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "..." {
            docs.push((start, std::mem::take(&mut current)));
            start = first_line + i + 1;
            if let Some(rest) = trimmed.strip_prefix("--- ") {
                current.push_str(rest);
                current.push('\n');
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    docs.push((start, current));
    docs
}

fn has_content(doc: &str) -> bool {
    doc.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// Loads a dump; never fails as a whole.
pub fn load(text: &str) -> Loaded {
    let mut out = Loaded::default();
    // Leading kubectl warnings.
    let mut skip = 0;
    let mut first_line = 1;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        if is_warning(content) {
            out.diagnostics.push(Diagnostic {
                line: u32::try_from(first_line).unwrap_or(u32::MAX),
                level: DiagnosticLevel::Warning,
                message: format!(
                    "skipped a kubectl warning: {}",
                    content.chars().take(120).collect::<String>()
                ),
            });
        } else if !content.trim().is_empty() {
            break;
        }
        skip += line.len();
        first_line += 1;
    }
    let body = text.get(skip..).unwrap_or_default();
    if body.trim_start().starts_with(['{', '[']) {
        // JSON, possibly several concatenated documents.
        let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Object>();
        loop {
            match stream.next() {
                None => break,
                Some(Ok(object)) => out.add(object),
                Some(Err(e)) => {
                    out.error(
                        first_line - 1 + e.line(),
                        format!("cannot read this JSON: {e}"),
                    );
                    break;
                }
            }
        }
        return out;
    }
    for (line, doc) in documents(body, first_line) {
        if !has_content(&doc) {
            continue;
        }
        match serde_saphyr::from_str_with_options::<Object>(&doc, options(doc.len())) {
            Ok(object) => out.add(object),
            Err(e) => {
                let message = e.to_string();
                let first = message.lines().next().unwrap_or_default().to_owned();
                out.error(line, format!("cannot read this YAML document: {first}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(loaded: &Loaded) -> Vec<String> {
        loaded
            .objects
            .iter()
            .map(super::super::Object::reference)
            .collect()
    }

    #[test]
    fn lists_multi_documents_and_json() {
        let yaml = "Warning: policy/v1beta1 PodSecurityPolicy is deprecated\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: default}\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n1}\n---\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\ndata: {k: v}\n---\n# only a comment\n";
        let loaded = load(yaml);
        assert_eq!(
            kinds(&loaded),
            vec!["Pod/default/a", "Node/n1", "ConfigMap/kube-system/x"]
        );
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].line, 1);
        assert!(
            loaded.objects[2].data.is_none(),
            "data of ConfigMaps no check reads is dropped"
        );
        let json = r#"{"kind":"List","items":[{"kind":"Secret","metadata":{"name":"s","namespace":"a"},"type":"Opaque","data":{"password":"aHVudGVyMg=="},"stringData":{"x":"y"}}]}"#;
        let loaded = load(json);
        assert_eq!(kinds(&loaded), vec!["Secret/a/s"]);
        assert!(
            loaded.objects[0].data.is_none(),
            "Secret data is never kept"
        );
        let version = load(
            r#"{"clientVersion":{"gitVersion":"v1.31.0"},"serverVersion":{"gitVersion":"v1.30.4-eks-a737599"}}"#,
        );
        assert_eq!(
            version.server_version.as_deref(),
            Some("v1.30.4-eks-a737599")
        );
        assert!(version.objects.is_empty());
    }

    #[test]
    fn a_bad_document_is_a_diagnostic_and_the_rest_is_read() {
        let yaml = "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: [not, a, map\n---\nkind: Pod\nmetadata: {name: c}\n";
        let loaded = load(yaml);
        assert_eq!(kinds(&loaded), vec!["Pod/a", "Pod/c"]);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].line, 4);
        assert!(
            loaded.diagnostics[0]
                .message
                .starts_with("cannot read this YAML document: "),
            "{:?}",
            loaded.diagnostics
        );
    }

    #[test]
    fn keeps_the_configmaps_checks_read() {
        let loaded = load("kind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/x\n");
        assert!(loaded.objects[0]
            .data
            .as_ref()
            .is_some_and(|d| d.contains_key("mapRoles")));
    }
}
