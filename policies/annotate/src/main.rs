//! `cpguard-annotate [-u README.md] POLICY.wasm METADATA.yml OUT.wasm`: what `kwctl annotate`
//! does, without kwctl.
//!
//! It reads the policy's `metadata.yml`, checks it the way Kubewarden's policy-evaluator does,
//! sets `protocolVersion: "v1"`, and writes the module with the metadata as camelCase JSON in
//! the custom section `io.kubewarden.metadata` (replacing any earlier one). policy-server and
//! kwctl read exactly that section when they load a policy. With `-u`/`--usage-path`, the
//! file's text becomes the `io.kubewarden.policy.usage` annotation, as `kwctl annotate -u`
//! does (Artifact Hub and `kwctl inspect` show it). Metadata that still carries the legacy
//! boolean `contextAware` (kwctl before `contextAwareResources`) is accepted; the key is not
//! written back.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::process::ExitCode;

const SECTION: &str = "io.kubewarden.metadata";
const USAGE: &str = "io.kubewarden.policy.usage";

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rule {
    api_groups: Vec<String>,
    api_versions: Vec<String>,
    resources: Vec<String>,
    operations: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContextAwareResource {
    api_version: String,
    kind: String,
}

/// Kubewarden's policy metadata (`policy-evaluator`'s `Metadata`), as written in metadata.yml.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Metadata {
    #[serde(default)]
    protocol_version: Option<String>,
    rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    labels: Option<BTreeMap<String, String>>,
    annotations: BTreeMap<String, String>,
    mutating: bool,
    #[serde(default = "yes")]
    background_audit: bool,
    #[serde(default)]
    context_aware_resources: Vec<ContextAwareResource>,
    /// The legacy form of `contextAwareResources` (a bare flag); read, never written.
    #[serde(default, skip_serializing)]
    context_aware: Option<bool>,
    execution_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    policy_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minimum_kubewarden_version: Option<String>,
}

fn yes() -> bool {
    true
}

/// The annotations cpguard's policies must carry (Kubewarden's and Artifact Hub's).
const REQUIRED_ANNOTATIONS: &[&str] = &[
    "io.kubewarden.policy.title",
    "io.kubewarden.policy.version",
    "io.kubewarden.policy.description",
    "io.kubewarden.policy.author",
    "io.kubewarden.policy.url",
    "io.kubewarden.policy.source",
    "io.kubewarden.policy.license",
    "io.kubewarden.policy.ociUrl",
    "io.kubewarden.policy.category",
    "io.kubewarden.policy.severity",
    "io.artifacthub.displayName",
    "io.artifacthub.resources",
    "io.artifacthub.keywords",
];

/// The checks policy-evaluator applies to metadata (`validate_asterisk_usage`, operations, modes).
fn check(metadata: &Metadata) -> Vec<String> {
    let mut problems = Vec::new();
    if metadata.rules.is_empty() {
        problems.push("rules: a validating policy needs at least one rule".to_owned());
    }
    for (i, rule) in metadata.rules.iter().enumerate() {
        for (field, list) in [
            ("apiGroups", &rule.api_groups),
            ("apiVersions", &rule.api_versions),
            ("resources", &rule.resources),
        ] {
            if list.is_empty() {
                problems.push(format!("rules[{i}].{field} is empty"));
            }
            if list.len() > 1 && list.iter().any(|v| v == "*") {
                problems.push(format!(
                    "rules[{i}].{field}: no other elements can be defined when '*' is used"
                ));
            }
        }
        if rule.operations.is_empty() {
            problems.push(format!("rules[{i}].operations is empty"));
        }
        for op in &rule.operations {
            if !["CREATE", "UPDATE", "DELETE", "CONNECT", "*"].contains(&op.as_str()) {
                problems.push(format!("rules[{i}].operations: unknown operation {op:?}"));
            }
        }
    }
    if metadata.context_aware == Some(true) && metadata.context_aware_resources.is_empty() {
        problems.push(
            "contextAware: true (the legacy key) grants nothing today: list the resources the policy reads in contextAwareResources".to_owned(),
        );
    }
    if !["kubewarden-wapc", "opa", "gatekeeper", "wasi"].contains(&metadata.execution_mode.as_str())
    {
        problems.push(format!(
            "executionMode {:?} is not one Kubewarden knows",
            metadata.execution_mode
        ));
    }
    for key in REQUIRED_ANNOTATIONS {
        if metadata
            .annotations
            .get(*key)
            .is_none_or(|v| v.trim().is_empty())
        {
            problems.push(format!("annotation {key} is missing"));
        }
    }
    if let Some(author) = metadata.annotations.get("io.kubewarden.policy.author") {
        let well_formed = author.split_once(" <").is_some_and(|(name, rest)| {
            !name.trim().is_empty() && rest.ends_with('>') && rest.contains('@')
        });
        if !well_formed {
            problems.push(format!(
                "io.kubewarden.policy.author {author:?} is not \"Name <email>\""
            ));
        }
    }
    problems
}

fn read_leb128(bytes: &[u8], pos: &mut usize) -> Option<usize> {
    let mut value: usize = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn write_leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = u8::try_from(value & 0x7f).unwrap_or_default();
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Copies the module's sections, leaving out an earlier metadata section, and appends `data`.
fn annotate(module: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let header = module.get(..8).ok_or("not a wasm module: too short")?;
    if header != b"\0asm\x01\0\0\0" {
        return Err("not a wasm module (or not version 1)".to_owned());
    }
    let mut out = header.to_vec();
    let mut pos = 8;
    while pos < module.len() {
        let start = pos;
        let id = *module.get(pos).ok_or("truncated section")?;
        pos += 1;
        let size = read_leb128(module, &mut pos).ok_or("bad section size")?;
        let body_start = pos;
        let end = body_start
            .checked_add(size)
            .filter(|e| *e <= module.len())
            .ok_or("section runs past the end")?;
        let is_metadata = id == 0 && {
            let mut p = body_start;
            let name_len = read_leb128(module, &mut p).ok_or("bad custom section name")?;
            module.get(p..p + name_len) == Some(SECTION.as_bytes())
        };
        if !is_metadata {
            out.extend_from_slice(module.get(start..end).ok_or("section runs past the end")?);
        }
        pos = end;
    }
    let mut body = Vec::new();
    write_leb128(&mut body, SECTION.len());
    body.extend_from_slice(SECTION.as_bytes());
    body.extend_from_slice(data);
    out.push(0);
    write_leb128(&mut out, body.len());
    out.extend_from_slice(&body);
    wasmparser::Validator::new()
        .validate_all(&out)
        .map_err(|e| format!("the annotated module does not validate: {e}"))?;
    Ok(out)
}

/// Splits `-u PATH` / `--usage-path PATH` from the positional arguments.
fn parse_args(args: &[String]) -> Result<(Option<&str>, Vec<&str>), String> {
    let mut usage = None;
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-u" | "--usage-path" => {
                usage = Some(
                    it.next()
                        .ok_or_else(|| format!("{arg} needs a file (the policy's README)"))?
                        .as_str(),
                );
            }
            other => positional.push(other),
        }
    }
    Ok((usage, positional))
}

const USAGE_LINE: &str = "usage: cpguard-annotate [-u README.md] POLICY.wasm METADATA.yml OUT.wasm";

fn run(args: &[String]) -> Result<String, String> {
    let (usage, positional) = parse_args(args)?;
    let [wasm, metadata_path, out] = positional.as_slice() else {
        return Err(USAGE_LINE.to_owned());
    };
    let text =
        std::fs::read_to_string(metadata_path).map_err(|e| format!("{metadata_path}: {e}"))?;
    let mut metadata: Metadata =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("{metadata_path}: {e}"))?;
    if let Some(path) = usage {
        let readme = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        metadata.annotations.insert(USAGE.to_owned(), readme);
    }
    let problems = check(&metadata);
    if !problems.is_empty() {
        return Err(format!("{metadata_path}:\n  {}", problems.join("\n  ")));
    }
    metadata.protocol_version = Some("v1".to_owned());
    let json = serde_json::to_vec(&metadata).map_err(|e| e.to_string())?;
    let module = std::fs::read(wasm).map_err(|e| format!("{wasm}: {e}"))?;
    let annotated = annotate(&module, &json).map_err(|e| format!("{wasm}: {e}"))?;
    std::fs::write(out, &annotated).map_err(|e| format!("{out}: {e}"))?;
    Ok(format!(
        "{out}: {} bytes ({} of metadata)",
        annotated.len(),
        json.len()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cpguard-annotate: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_an_earlier_section_and_stays_valid() {
        let empty_module = b"\0asm\x01\0\0\0".to_vec();
        let once = annotate(&empty_module, b"{\"a\":1}").unwrap();
        let twice = annotate(&once, b"{\"b\":2}").unwrap();
        let sections: Vec<Vec<u8>> = wasmparser::Parser::new(0)
            .parse_all(&twice)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::CustomSection(reader)) if reader.name() == SECTION => {
                    Some(reader.data().to_vec())
                }
                _ => None,
            })
            .collect();
        assert_eq!(sections, vec![b"{\"b\":2}".to_vec()]);
        assert_eq!(
            annotate(b"nope", b"").err().as_deref(),
            Some("not a wasm module: too short")
        );
    }

    #[test]
    fn legacy_context_aware_is_read_and_not_written() {
        let yaml = "rules:\n- apiGroups: ['']\n  apiVersions: [v1]\n  resources: [pods]\n  operations: [CREATE]\nannotations: {}\nmutating: false\ncontextAware: false\nexecutionMode: kubewarden-wapc\n";
        let metadata: Metadata = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(metadata.context_aware, Some(false));
        let json = serde_json::to_value(&metadata).unwrap();
        assert!(json.get("contextAware").is_none(), "{json}");
        assert_eq!(json["contextAwareResources"], serde_json::json!([]));
        let legacy_true: Metadata =
            serde_yaml_ng::from_str(&yaml.replace("contextAware: false", "contextAware: true"))
                .unwrap();
        assert!(check(&legacy_true).contains(&"contextAware: true (the legacy key) grants nothing today: list the resources the policy reads in contextAwareResources".to_owned()));
    }

    #[test]
    fn usage_path_puts_the_readme_into_the_usage_annotation() {
        let dir = std::env::temp_dir().join(format!("cpguard-annotate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../webhook-guard");
        let wasm = dir.join("in.wasm");
        std::fs::write(&wasm, b"\0asm\x01\0\0\0").unwrap();
        let out = dir.join("out.wasm");
        let arg = |p: &std::path::Path| p.to_str().unwrap().to_owned();
        let args = [
            "-u".to_owned(),
            arg(&root.join("README.md")),
            arg(&wasm),
            arg(&root.join("metadata.yml")),
            arg(&out),
        ];
        run(&args).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let section = wasmparser::Parser::new(0)
            .parse_all(&bytes)
            .find_map(|p| match p {
                Ok(wasmparser::Payload::CustomSection(r)) if r.name() == SECTION => {
                    Some(serde_json::from_slice::<serde_json::Value>(r.data()).unwrap())
                }
                _ => None,
            })
            .unwrap();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        assert_eq!(section["annotations"][USAGE], readme.as_str());
        assert_eq!(
            run(&["-u".to_owned()]).unwrap_err(),
            "-u needs a file (the policy's README)"
        );
        assert_eq!(run(&[]).unwrap_err(), USAGE_LINE);
    }

    #[test]
    fn metadata_checks_name_the_problem() {
        let yaml = "rules:\n- apiGroups: ['', '*']\n  apiVersions: [v1]\n  resources: [pods]\n  operations: [CREATE, PATCH]\nannotations:\n  io.kubewarden.policy.author: nobody\nmutating: false\nexecutionMode: kubewarden-wapc\n";
        let metadata: Metadata = serde_yaml_ng::from_str(yaml).unwrap();
        let problems = check(&metadata);
        assert!(problems.contains(
            &"rules[0].apiGroups: no other elements can be defined when '*' is used".to_owned()
        ));
        assert!(problems.contains(&"rules[0].operations: unknown operation \"PATCH\"".to_owned()));
        assert!(problems.contains(
            &"io.kubewarden.policy.author \"nobody\" is not \"Name <email>\"".to_owned()
        ));
        assert!(
            problems.contains(&"annotation io.kubewarden.policy.severity is missing".to_owned())
        );
    }
}
