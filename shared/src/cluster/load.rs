//! Loading whatever `kubectl` wrote: a `kind: List` (or any `*List`) with `items`,
//! multi-document YAML, single objects, JSON (`-o json`), `kubectl version -o json`, with
//! `kubectl` warning lines before the content. One bad document becomes a diagnostic with its
//! line and the rest is read. YAML is decoded by serde_yaml_ng (libyaml), whose alias
//! expansion is bounded (100 × the document's events) and nesting limited to 128 levels.

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

/// Splits YAML into documents at `---` / `...` lines: (first line number, text), borrowed.
fn documents(text: &str, first_line: usize) -> Vec<(usize, &str)> {
    let mut docs = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, first_line, 0);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "..." {
            docs.push((start_line, text.get(start..offset).unwrap_or_default()));
            // Content after `--- ` on the same line belongs to the next document.
            start = offset
                + if trimmed.starts_with("--- ") {
                    4
                } else {
                    line.len()
                };
            start_line = first_line + i + usize::from(!trimmed.starts_with("--- "));
        }
        offset += line.len();
    }
    docs.push((start_line, text.get(start..).unwrap_or_default()));
    docs
}

/// A `kind: List` document as `kubectl` writes it: the `items:` block split into one slice
/// per item (each a one-element YAML sequence), so a large List is decoded item by item (small
/// buffers) and a bad item costs only itself. `None` when the document has no block `items:`.
fn split_items(doc: &str, first_line: usize) -> Option<(String, Vec<(usize, &str)>)> {
    let mut header = String::new();
    let mut items: Vec<(usize, usize, usize)> = Vec::new(); // (line, start, end)
    let mut indent: Option<usize> = None;
    let mut in_items = false;
    let mut offset = 0;
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        let content = line.trim_end();
        let depth = content.len() - content.trim_start().len();
        if !in_items {
            if content == "items:" {
                in_items = true;
            } else {
                header.push_str(line);
            }
        } else if content.trim().is_empty() || content.trim_start().starts_with('#') {
            // Blank lines and comments stay with the current item.
        } else if content.trim_start().starts_with("- ") || content.trim() == "-" {
            let here = *indent.get_or_insert(depth);
            if depth == here {
                if let Some(last) = items.last_mut() {
                    last.2 = offset;
                }
                items.push((first_line + i, offset, doc.len()));
            }
        } else if indent.is_none_or(|here| depth <= here) && depth == 0 {
            // A top-level key after the items (`kind: List`) ends them.
            if let Some(last) = items.last_mut() {
                last.2 = offset;
            }
            in_items = false;
            indent = None;
            header.push_str(line);
        }
        offset += line.len();
    }
    if items.is_empty() {
        return None;
    }
    Some((
        header,
        items
            .into_iter()
            .map(|(line, start, end)| (line, doc.get(start..end).unwrap_or_default()))
            .collect(),
    ))
}

fn has_content(doc: &str) -> bool {
    doc.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// Deepest flow nesting (`[`/`{`) allowed; Kubernetes objects need a handful of levels.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Whether flow collections nest deeper than `limit` (quoted scalars skipped). libyaml's time
/// grows faster than linearly with such nesting (100,000 levels: ~30 s), so this linear scan
/// refuses it first.
fn flow_too_deep(text: &str, limit: usize) -> bool {
    let (mut depth, mut quote) = (0usize, None::<u8>);
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match (quote, b) {
            (Some(b'"'), b'\\') => {
                bytes.next();
            }
            (Some(q), _) if b == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Decodes one YAML document (or a one-element sequence, for a List item).
fn decode_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    if flow_too_deep(text, MAX_FLOW_DEPTH) {
        return Err(format!("nested deeper than {MAX_FLOW_DEPTH} levels"));
    }
    serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
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
        if !has_content(doc) {
            continue;
        }
        if let Some((header, items)) = split_items(doc, line) {
            for (item_line, item) in items {
                match decode_yaml::<Vec<Object>>(item) {
                    Ok(objects) => objects.into_iter().for_each(|o| out.add(o)),
                    Err(e) => out.error(item_line, format!("cannot read this List item: {e}")),
                }
            }
            if let Err(e) = decode_yaml::<Object>(&header) {
                out.error(line, format!("cannot read this YAML document: {e}"));
            }
            continue;
        }
        match decode_yaml::<Object>(doc) {
            Ok(object) => out.add(object),
            Err(e) => out.error(line, format!("cannot read this YAML document: {e}")),
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
    fn a_bad_list_item_costs_only_itself() {
        let yaml = "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Pod\n  metadata: [broken\n- kind: Node\n  metadata:\n    name: n\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
        let loaded = load(yaml);
        assert_eq!(kinds(&loaded), vec!["Pod/a", "Node/n"]);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].line, 6);
        assert!(
            loaded.diagnostics[0]
                .message
                .starts_with("cannot read this List item: "),
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
