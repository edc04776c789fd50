//! Loading whatever `kubectl` wrote: a `kind: List` (or any `*List`) with `items`,
//! multi-document YAML, single objects, JSON (`-o json`), `kubectl version -o json`, the EKS
//! description (`aws eks describe-cluster`, recognised by its shape: see [`super::eks`]), with
//! `kubectl` warning lines before the content. One bad document becomes a diagnostic with its
//! line and the rest is read. YAML is decoded by serde_yaml_ng (libyaml), whose alias
//! expansion is bounded (100 × the document's events) and nesting limited to 128 levels.

use super::{Object, KEPT_CONFIGMAPS};
use crate::diagnostic::{Diagnostic, DiagnosticLevel, Overflow};
use crate::redact::{decoder_error, excerpt_n, scrub};
use std::collections::BTreeSet;

/// What a dump held.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// Every object, Lists flattened.
    pub objects: Vec<Object>,
    /// The control-plane version, when a `kubectl version -o json` document was given.
    pub server_version: Option<String>,
    /// The EKS description, when `aws eks describe-cluster` output was given.
    pub eks: Option<super::EksCluster>,
    /// The kinds of typed Lists (`kind: SecretList` gives `Secret`), even empty ones: a kind
    /// that was listed and has no objects is known to have none.
    pub listed: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
    overflow: Overflow,
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
    /// Closes the diagnostics with the "and N more" summary, if any were not listed.
    fn finish(mut self) -> Loaded {
        self.overflow.finish(&mut self.diagnostics);
        self
    }

    #[allow(clippy::needless_pass_by_value)] // Callers build the message for this call.
    fn error(&mut self, line: usize, message: String) {
        self.note(line, DiagnosticLevel::Error, &message);
    }

    /// Every diagnostic goes through here: scrubbed of credentials, at most
    /// [`crate::diagnostic::MAX_DIAGNOSTICS`] listed.
    fn note(&mut self, line: usize, level: DiagnosticLevel, message: &str) {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        self.overflow
            .push(&mut self.diagnostics, line, level, || scrub(message));
    }

    /// Records a typed List's kind (`SecretList` → `Secret`), so an empty one still says the
    /// kind was listed.
    fn note_list(&mut self, kind: Option<&str>) {
        if let Some(kind) = kind
            .and_then(|k| k.strip_suffix("List"))
            .filter(|k| !k.is_empty())
        {
            self.listed.insert(kind.to_owned());
        }
    }

    /// Adds one decoded document: flattens Lists, keeps the version, drops what must not be kept.
    fn add(&mut self, mut object: Object) {
        if let Some(version) = object.server_version.take().and_then(|v| v.git_version) {
            self.server_version = Some(version);
            if object.kind.is_none() {
                return;
            }
        }
        // The EKS description is recognised by its shape: no `kind`, a `cluster` map.
        if let Some(eks) = object.eks.0.take() {
            if object.kind.is_none() && eks.is_description() {
                self.eks = Some(*eks);
                return;
            }
        }
        self.note_list(object.kind.as_deref());
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

/// Decodes one YAML document (or a one-element sequence, for a List item, or YAML embedded in
/// a string: aws-auth's `mapRoles`, kube-proxy's `config`) behind the nesting guard; the error
/// names the problem and its position, never a value.
pub fn decode_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    if flow_too_deep(text, MAX_FLOW_DEPTH) {
        return Err(format!("nested deeper than {MAX_FLOW_DEPTH} levels"));
    }
    serde_yaml_ng::from_str(text).map_err(|e| decoder_error(&e.to_string()))
}

/// A JSON document's `kind` and `items`, each item kept as its raw text.
#[derive(serde::Deserialize)]
struct JsonList<'a> {
    kind: Option<String>,
    #[serde(borrow)]
    items: Option<Vec<&'a serde_json::value::RawValue>>,
}

/// Lines counted up to byte offsets given in increasing order: linear over the whole input.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The line (counted from the counter's first) of byte `offset`; offsets must not decrease.
    fn at(&mut self, offset: usize) -> usize {
        if offset > self.offset {
            let newlines = self
                .text
                .get(self.offset..offset)
                .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count());
            self.line += newlines;
            self.offset = offset;
        }
        self.line
    }
}

/// JSON, possibly several concatenated documents, in one pass while every document decodes.
/// From the first that does not, document by document and a List item by item, as in YAML:
/// a bad item (one whose `data` is an object, say) costs only itself.
fn load_json(body: &str, first_line: usize, out: &mut Loaded) {
    let mut done = 0;
    for object in serde_json::Deserializer::from_str(body).into_iter::<Object>() {
        match object {
            Ok(object) => {
                out.add(object);
                done += 1;
            }
            Err(_) => return load_json_by_item(body, first_line, done, out),
        }
    }
}

/// The careful path of [`load_json`], from document `skip` (those before it are loaded).
fn load_json_by_item(body: &str, first_line: usize, skip: usize, out: &mut Loaded) {
    let mut lines = LineCounter {
        text: body,
        offset: 0,
        line: first_line,
    };
    let offset_of = |raw: &str| (raw.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    let mut stream = serde_json::Deserializer::from_str(body)
        .into_iter::<&serde_json::value::RawValue>()
        .skip(skip);
    loop {
        let raw = match stream.next() {
            None => break,
            Some(Ok(raw)) => raw.get(),
            Some(Err(e)) => {
                out.error(
                    first_line + e.line().saturating_sub(1),
                    format!("cannot read this JSON: {}", decoder_error(&e.to_string())),
                );
                break;
            }
        };
        let doc_line = lines.at(offset_of(raw));
        let list = serde_json::from_str::<JsonList<'_>>(raw)
            .ok()
            .filter(|l| l.items.is_some() && l.kind.as_deref().is_none_or(|k| k.ends_with("List")));
        if let Some(list) = list {
            out.note_list(list.kind.as_deref());
            for item in list.items.into_iter().flatten() {
                let item = item.get();
                let item_line = lines.at(offset_of(item));
                match serde_json::from_str::<Object>(item) {
                    Ok(object) => out.add(object),
                    Err(e) => out.error(
                        item_line + e.line().saturating_sub(1),
                        format!(
                            "cannot read this List item: {}",
                            decoder_error(&e.to_string())
                        ),
                    ),
                }
            }
            continue;
        }
        match serde_json::from_str::<Object>(raw) {
            Ok(object) => out.add(object),
            Err(e) => out.error(
                doc_line + e.line().saturating_sub(1),
                format!(
                    "cannot read this JSON document: {}",
                    decoder_error(&e.to_string())
                ),
            ),
        }
    }
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
            out.note(
                first_line,
                DiagnosticLevel::Warning,
                &format!("skipped a kubectl warning: {}", excerpt_n(content, 120)),
            );
        } else if !content.trim().is_empty() {
            break;
        }
        skip += line.len();
        first_line += 1;
    }
    let body = text.get(skip..).unwrap_or_default();
    if body.trim_start().starts_with(['{', '[']) {
        load_json(body, first_line, &mut out);
        return out.finish();
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
            match decode_yaml::<Object>(&header) {
                Ok(header) => out.note_list(header.kind.as_deref()),
                Err(e) => out.error(line, format!("cannot read this YAML document: {e}")),
            }
            continue;
        }
        match decode_yaml::<Object>(doc) {
            Ok(object) => out.add(object),
            Err(e) => out.error(line, format!("cannot read this YAML document: {e}")),
        }
    }
    out.finish()
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

    /// The same List as YAML and as JSON: an item whose `data` is an object (a
    /// ControllerRevision's) loads, and an item no view can read costs only itself in both
    /// formats (in JSON it once cost the whole List, with the Pods and webhooks beside it).
    #[test]
    fn json_and_yaml_lists_lose_only_the_bad_item() {
        let yaml = "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a, namespace: ns}\n- kind: ControllerRevision\n  metadata: {name: r, namespace: ns}\n  data:\n    spec: {template: {spec: {containers: []}}}\n- kind: Pod\n  metadata: {name: {a: 1}}\n- kind: ValidatingWebhookConfiguration\n  metadata: {name: v}\n  webhooks: [{name: w.example.com}]\n";
        let json = r#"{"apiVersion":"v1","kind":"List","items":[
{"kind":"Pod","metadata":{"name":"a","namespace":"ns"}},
{"kind":"ControllerRevision","metadata":{"name":"r","namespace":"ns"},"data":{"spec":{"template":{"spec":{"containers":[]}}}}},
{"kind":"Pod",
 "metadata":{"name":{"a":1}}},
{"kind":"ValidatingWebhookConfiguration","metadata":{"name":"v"},"webhooks":[{"name":"w.example.com"}]}
]}"#;
        let want = vec![
            "Pod/ns/a",
            "ControllerRevision/ns/r",
            "ValidatingWebhookConfiguration/v",
        ];
        for (format, text, line, prefix) in [
            ("yaml", yaml, 10, "cannot read this List item: "),
            ("json", json, 5, "cannot read this List item: "),
        ] {
            let loaded = load(text);
            assert_eq!(kinds(&loaded), want, "{format}");
            let d: Vec<(u32, &str)> = loaded
                .diagnostics
                .iter()
                .map(|d| (d.line, d.message.as_str()))
                .collect();
            assert_eq!(d.len(), 1, "{format}: {d:?}");
            assert_eq!(d[0].0, line, "{format}: {d:?}");
            assert!(d[0].1.starts_with(prefix), "{format}: {d:?}");
            assert!(
                d[0].1.contains("invalid type: map, expected a string"),
                "{format}: {d:?}"
            );
        }
        // Several JSON documents, the second one broken: the others still load.
        let loaded = load("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}\n{\"kind\":\"Pod\",\"metadata\":7}\n{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}");
        assert_eq!(kinds(&loaded), vec!["Pod/x", "Node/n"]);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].line, 2);
    }

    /// Secret values are skipped unread (`IgnoredAny`), never decoded then dropped: shapes
    /// that no string view accepts load, and no value reaches a diagnostic.
    #[test]
    fn secret_data_is_never_decoded() {
        for text in [
            "kind: Secret\nmetadata: {name: s, namespace: a}\ntype: Opaque\ndata:\n  password: [1, {nested: aHVudGVyMg==}]\n  token: {a: b}\nstringData:\n  AWS_SECRET_ACCESS_KEY: {x: [wJalrXUtnFEMI]}\n",
            r#"{"kind":"Secret","metadata":{"name":"s","namespace":"a"},"type":"Opaque","data":{"password":[1,{"nested":"aHVudGVyMg=="}],"token":{"a":"b"}},"stringData":{"AWS_SECRET_ACCESS_KEY":{"x":["wJalrXUtnFEMI"]}}}"#,
        ] {
            let loaded = load(text);
            assert_eq!(kinds(&loaded), vec!["Secret/a/s"], "{text}");
            assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
            assert!(loaded.objects[0].data.is_none());
        }
        // A value where a view does read (here `metadata.name`) is named by its kind only.
        let loaded = load("kind: Pod\nmetadata:\n  name: {password: hunter2}\n");
        let message = &loaded.diagnostics[0].message;
        assert!(!message.contains("hunter2"), "{message}");
        let loaded = load(r#"{"kind":"Pod","metadata":{"name":["AKIAIOSFODNN7EXAMPLE"]}}"#);
        let message = &loaded.diagnostics[0].message;
        assert!(
            message.starts_with(
                "cannot read this JSON document: invalid type: sequence, expected a string"
            ),
            "{message}"
        );
        assert!(!message.contains("AKIA"), "{message}");
    }

    #[test]
    #[allow(clippy::format_collect)]
    fn diagnostics_are_capped_with_a_summary() {
        let text: String = (0..5000)
            .map(|i| format!("kind: Pod\nmetadata: [{i}]\n---\n"))
            .collect();
        let loaded = load(&text);
        assert_eq!(
            loaded.diagnostics.len(),
            crate::diagnostic::MAX_DIAGNOSTICS + 1
        );
        let last = loaded.diagnostics.last().unwrap();
        assert_eq!(last.line, 3001);
        assert_eq!(
            last.message,
            "and 4000 more diagnostics from this line on, not listed (only the first 1000 are)"
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
