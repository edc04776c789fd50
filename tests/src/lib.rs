//! Test support: a waPC host on wasmtime that runs the built policies the way Kubewarden's
//! policy-evaluator does, plus helpers to find the outside corpus and build admission requests.
//!
//! The host is faithful to the wire protocol: `validate` gets `{"request": AdmissionRequest,
//! "settings": {...}}` and answers a `ValidationResponse`; `validate_settings` gets the settings
//! and answers `{"valid", "message"}`; `protocol_version` answers `"v1"`; the guest's
//! `("kubewarden", "tracing", "log")` host call is answered.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use serde::Deserialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wapc::WapcHost;
use wasmtime_provider::{WasmtimeEngineProviderBuilder, WasmtimeEngineProviderPre};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The outside corpus (`$CPGUARD_CORPUS`, else `../shared/corpus` beside the checkout), or
/// `None` after printing that the caller skips.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("CPGUARD_CORPUS")
        .map_or_else(|| root().join("../shared/corpus"), PathBuf::from);
    let dir = base.join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: corpus folder {} not found (set CPGUARD_CORPUS)",
            dir.display()
        );
        None
    }
}

/// Files of a directory with the given extension, sorted.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Reads one YAML (or JSON) document as a JSON value.
pub fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The shipped artifact of a policy, as `make policies` writes it.
pub fn artifact(policy: &str) -> PathBuf {
    root()
        .join("policies")
        .join(policy)
        .join("annotated-policy.wasm")
}

/// What `validate` answers (Kubewarden's `ValidationResponse`).
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ValidationResponse {
    pub accepted: bool,
    pub message: Option<String>,
    pub code: Option<u16>,
    pub mutated_object: Option<Value>,
    pub audit_annotations: Option<Value>,
    pub warnings: Option<Vec<String>>,
}

/// What `validate_settings` answers.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SettingsResponse {
    pub valid: bool,
    pub message: Option<String>,
}

/// A compiled policy module; instances are cheap to make from it.
pub struct Policy {
    pre: WasmtimeEngineProviderPre,
}

fn host_callback(
    _id: u64,
    binding: &str,
    namespace: &str,
    operation: &str,
    _payload: &[u8],
) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    match (binding, namespace, operation) {
        ("kubewarden", "tracing", "log") => Ok(Vec::new()),
        _ => Err(format!("unknown host capability {binding}/{namespace}/{operation}").into()),
    }
}

impl Policy {
    /// Compiles a policy module (once per process per policy: compilation is the slow part).
    pub fn load(policy: &str) -> &'static Policy {
        static SYSCTLS: OnceLock<Policy> = OnceLock::new();
        static WEBHOOKS: OnceLock<Policy> = OnceLock::new();
        let cell = match policy {
            "unsafe-sysctls" => &SYSCTLS,
            "webhook-guard" => &WEBHOOKS,
            other => panic!("unknown policy {other}"),
        };
        cell.get_or_init(|| Policy::compile(&artifact(policy)))
    }

    pub fn compile(path: &Path) -> Policy {
        let bytes = std::fs::read(path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `make policies` first)", path.display()));
        let pre = WasmtimeEngineProviderBuilder::new()
            .module_bytes(&bytes)
            .build_pre()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Policy { pre }
    }

    /// A fresh instance, as policy-server makes per worker.
    pub fn instance(&self) -> Instance {
        let engine = self
            .pre
            .rehydrate(None)
            .unwrap_or_else(|e| panic!("rehydrate: {e}"));
        let host = WapcHost::new(Box::new(engine), Some(Box::new(host_callback)))
            .unwrap_or_else(|e| panic!("wapc_init: {e}"));
        Instance { host }
    }
}

/// One running policy instance.
pub struct Instance {
    host: WapcHost,
}

impl Instance {
    /// Calls a guest function; `Err` is a trap or a guest error.
    pub fn call(&self, function: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        self.host.call(function, payload).map_err(|e| e.to_string())
    }

    pub fn validate_raw(&self, payload: &[u8]) -> ValidationResponse {
        let out = self
            .call("validate", payload)
            .unwrap_or_else(|e| panic!("validate failed: {e}"));
        serde_json::from_slice(&out).unwrap_or_else(|e| {
            panic!(
                "malformed ValidationResponse {}: {e}",
                String::from_utf8_lossy(&out)
            )
        })
    }

    /// `validate` with `{"request": request, "settings": settings}`.
    pub fn validate(&self, request: &Value, settings: &Value) -> ValidationResponse {
        let payload = serde_json::to_vec(&json!({ "request": request, "settings": settings }))
            .unwrap_or_default();
        self.validate_raw(&payload)
    }

    pub fn validate_settings_raw(&self, payload: &[u8]) -> SettingsResponse {
        let out = self
            .call("validate_settings", payload)
            .unwrap_or_else(|e| panic!("validate_settings failed: {e}"));
        serde_json::from_slice(&out).unwrap_or_else(|e| {
            panic!(
                "malformed settings response {}: {e}",
                String::from_utf8_lossy(&out)
            )
        })
    }

    pub fn validate_settings(&self, settings: &Value) -> SettingsResponse {
        self.validate_settings_raw(&serde_json::to_vec(settings).unwrap_or_default())
    }

    pub fn protocol_version(&self) -> String {
        let out = self
            .call("protocol_version", b"")
            .unwrap_or_else(|e| panic!("protocol_version failed: {e}"));
        serde_json::from_slice(&out)
            .unwrap_or_else(|e| panic!("protocol_version answered {out:?}: {e}"))
    }
}

/// The plural resource name the API server would use for a kind.
fn resource_of(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('y') {
        format!("{}ies", lower.trim_end_matches('y'))
    } else {
        format!("{lower}s")
    }
}

/// A full AdmissionRequest for `object`, as the API server sends it.
pub fn admission_request(object: &Value, operation: &str) -> Value {
    let kind = object["kind"].as_str().unwrap_or_default();
    let api_version = object["apiVersion"].as_str().unwrap_or("v1");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = json!({ "group": group, "version": version, "kind": kind });
    let gvr = json!({ "group": group, "version": version, "resource": resource_of(kind) });
    let namespace = object["metadata"]["namespace"].as_str();
    json!({
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind": gvk,
        "resource": gvr,
        "requestKind": gvk,
        "requestResource": gvr,
        "name": object["metadata"]["name"],
        "namespace": namespace,
        "operation": operation,
        "userInfo": { "username": "admin", "groups": ["system:authenticated"] },
        "object": object,
        "oldObject": null,
        "dryRun": false,
        "options": { "kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1" }
    })
}

/// One line per outcome: `accepted` / `rejected: <message>`, then each warning.
pub fn render(response: &ValidationResponse) -> String {
    let mut out = if response.accepted {
        "accepted".to_owned()
    } else {
        format!(
            "rejected: {}",
            response.message.as_deref().unwrap_or("<no message>")
        )
    };
    for warning in response.warnings.iter().flatten() {
        out.push_str("\n  warning: ");
        out.push_str(warning);
    }
    out
}

/// Compares `actual` with the expected-output file `tests/expected/<name>`; with
/// `CPGUARD_BLESS=1` it rewrites the file instead (regenerated, never hand-edited).
pub fn assert_expected(name: &str, actual: &str) {
    assert_generated(&format!("tests/expected/{name}"), actual);
}

/// [`assert_expected`] for any generated file of the repository (`docs/report.schema.json`).
pub fn assert_generated(relative: &str, actual: &str) {
    let path = root().join(relative);
    if std::env::var_os("CPGUARD_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{} differs from the actual output at line {} (run with CPGUARD_BLESS=1 to regenerate and review the diff):\n--- expected\n{}\n+++ actual\n{}",
            path.display(),
            first + 1,
            expected.lines().nth(first).unwrap_or("<end>"),
            actual.lines().nth(first).unwrap_or("<end>")
        );
    }
}

/// Every way `instance` breaks `schema`, one line each (`at /runs/0/results/3: ...`); empty
/// when it conforms. The draft comes from the schema's `$schema` (SARIF's is draft-04, the
/// report's draft 2020-12); formats are asserted, so a `"format": "uri"` field must be a URI.
pub fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// `docs/report.schema.json`, compiled once.
fn report_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = root().join("docs/report.schema.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("docs/report.schema.json does not compile: {e}"))
    })
}

/// Every way a report's JSON breaks `docs/report.schema.json`, one line each.
pub fn report_schema_errors(report: &Value) -> Vec<String> {
    report_validator()
        .iter_errors(report)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// A report's JSON, parsed and checked against `docs/report.schema.json` (every JSON report the
/// suite writes goes through here).
pub fn valid_report(json: &str) -> Value {
    let report: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json:.200}"));
    let errors = report_schema_errors(&report);
    assert!(
        errors.is_empty(),
        "the report breaks docs/report.schema.json:\n  {}",
        errors.join("\n  ")
    );
    report
}
