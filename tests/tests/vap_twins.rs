//! The ValidatingAdmissionPolicy twins (`cpguard_core::vap`) proven equal to the Rust rules.
//!
//! The generated CEL is evaluated with the `cel` crate (cel-rust) the way the API server's
//! validating admission policy plugin evaluates it: `object` and `request` bound, each
//! `variables.NAME` evaluated in order, then every validation (and its messageExpression when it
//! fails) and every audit annotation. `split`, `join` and `replace` are the crate's strings
//! extension, its port of cel-go's `ext/strings.go` (`ext.Strings()`, which Kubernetes enables
//! for VAP); `strings_extension_matches_cel_go` pins the three against the examples in cel-go's
//! documentation of them.
//!
//! On every input — the project's fixtures, every corpus workload, PSS fixture (all versions)
//! and webhook configuration, and property-generated objects — the verdict and the named
//! offenders of each check equal `cpguard_core::rules`'. A second test bounds each expression's
//! cost the way cel-go's runtime cost tracker counts it, under the API server's budgets.
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)]

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::{Context, Env, Program, Value as Cel};
use cpguard_core::k8s::{WebhookConfiguration, Workload};
use cpguard_core::rules::sysctl::{pod_spec_at, SysctlSettings, BASELINE, KINDS};
use cpguard_core::rules::webhook::{check_configuration, WebhookSettings};
use cpguard_core::rules::Violation;
use cpguard_core::vap::{self, Twin};
use cpguard_tests::{corpus, files, read_yaml, root};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

// ---------------------------------------------------------------------------------------------
// Evaluating a twin as the API server does.

/// Runs `f` on a thread with a large stack: the interpreter's parser and evaluator recurse once
/// per nesting level, and an unoptimised build needs more than a test thread's 2 MiB for the
/// generated expressions.
fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        env.add_extension(cel::extensions::strings)
            .unwrap_or_else(|e| panic!("{e:?}"));
        Arc::new(env)
    })
    .clone()
}

/// The object as the API server hands it to CEL: JSON numbers that are integers are CEL `int`
/// (every integer field the rules read is `int32`), and `null` fields are absent (the API
/// server's decoding drops them; `has()` would otherwise see them).
fn to_cel(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Cel::Float(n.as_f64().unwrap_or_default()), Cel::Int),
        Value::String(s) => Cel::from(s.as_str()),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => {
            let map: HashMap<String, Cel> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), to_cel(v)))
                .collect();
            Cel::from(map)
        }
    }
}

/// What one twin decided about one object.
#[derive(Debug)]
struct Outcome {
    /// Per check ID, the variable listing its findings.
    findings: BTreeMap<String, Vec<String>>,
    /// Failing validations: (check, message).
    failed: Vec<(String, String)>,
    annotations: BTreeMap<String, Option<String>>,
}

struct Compiled {
    twin: Twin,
    variables: Vec<(String, Program)>,
    validations: Vec<(String, Program, Program)>,
    annotations: Vec<(String, Program)>,
}

fn compile(twin: Twin) -> Compiled {
    let env = env();
    let program = |source: &str| {
        env.compile(source)
            .unwrap_or_else(|e| panic!("does not parse: {e}\n{source}"))
    };
    Compiled {
        variables: twin
            .variables
            .iter()
            .map(|v| (v.name.clone(), program(&v.expression)))
            .collect(),
        validations: twin
            .validations
            .iter()
            .map(|v| {
                (
                    v.check.to_owned(),
                    program(&v.expression),
                    program(&v.message_expression),
                )
            })
            .collect(),
        annotations: twin
            .audit_annotations
            .iter()
            .map(|a| (a.key.clone(), program(&a.value_expression)))
            .collect(),
        twin,
    }
}

fn strings(value: &Cel, what: &str) -> Vec<String> {
    match value {
        Cel::List(items) => items
            .iter()
            .map(|i| match i {
                Cel::String(s) => s.to_string(),
                other => panic!("{what}: not a string: {other:?}"),
            })
            .collect(),
        other => panic!("{what}: not a list: {other:?}"),
    }
}

impl Compiled {
    fn evaluate(&self, object: &Value, request_kind: &str) -> Outcome {
        let env = env();
        let object = to_cel(object);
        let request = to_cel(&json!({"kind": {"kind": request_kind}, "operation": "CREATE"}));
        let mut variables: HashMap<String, Cel> = HashMap::new();
        let context = |variables: &HashMap<String, Cel>| {
            let mut context = Context::with_env(env.clone());
            context.add_variable_from_value("object", object.clone());
            context.add_variable_from_value("request", request.clone());
            context.add_variable_from_value("variables", variables.clone());
            context
        };
        for (name, program) in &self.variables {
            let value = program
                .execute(&context(&variables))
                .unwrap_or_else(|e| panic!("variables.{name}: {e}"));
            variables.insert(name.clone(), value);
        }
        let context = context(&variables);
        let mut failed = Vec::new();
        for (check, expression, message) in &self.validations {
            match expression.execute(&context) {
                Ok(Cel::Bool(true)) => {}
                Ok(Cel::Bool(false)) => match message.execute(&context) {
                    Ok(Cel::String(text)) => failed.push((check.clone(), text.to_string())),
                    other => panic!("{check} messageExpression: {other:?}"),
                },
                other => panic!("{check}: {other:?}"),
            }
        }
        let annotations = self
            .annotations
            .iter()
            .map(|(key, program)| {
                let value = match program.execute(&context) {
                    Ok(Cel::Null) => None,
                    Ok(Cel::String(text)) => Some(text.to_string()),
                    other => panic!("auditAnnotation {key}: {other:?}"),
                };
                (key.clone(), value)
            })
            .collect();
        let findings = self
            .twin
            .findings
            .iter()
            .map(|(id, variable)| {
                let value = variables
                    .get(variable)
                    .unwrap_or_else(|| panic!("no variable {variable}"));
                ((*id).to_owned(), strings(value, variable))
            })
            .collect();
        Outcome {
            findings,
            failed,
            annotations,
        }
    }
}

/// Compares one outcome with the Rust rule's violations; panics naming the input.
fn assert_equal(input: &str, twin: &Twin, outcome: &Outcome, violations: &[Violation]) {
    for (id, _) in &twin.findings {
        let rust: Vec<String> = violations
            .iter()
            .filter(|v| v.check.id == *id)
            .map(|v| v.name.clone())
            .collect();
        assert_eq!(
            outcome.findings[*id], rust,
            "{input}: {id} findings differ (CEL vs Rust)"
        );
        let annotation = outcome.annotations[&id.to_ascii_lowercase()].clone();
        let expected = (!rust.is_empty()).then(|| rust.join(", "));
        assert_eq!(annotation, expected, "{input}: {id} audit annotation");
    }
    let mut rejected: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for v in violations.iter().filter(|v| v.enforced) {
        rejected.entry(v.check.id).or_default().push(v.name.clone());
    }
    let failed: BTreeMap<&str, &str> = outcome
        .failed
        .iter()
        .map(|(c, m)| (c.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        failed.keys().copied().collect::<Vec<_>>(),
        rejected.keys().copied().collect::<Vec<_>>(),
        "{input}: the checks rejected for differ (CEL {failed:?} vs Rust {rejected:?})"
    );
    for (id, names) in &rejected {
        let message = failed[id];
        assert!(
            message.starts_with(&format!("{id} ")) && message.ends_with(&names.join(", ")),
            "{input}: {id} message {message:?} does not name {names:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The two rules, as the policies run them.

fn sysctl_violations(settings: &SysctlSettings, object: &Value, kind: &str) -> Vec<Violation> {
    let policy = settings.validate().unwrap_or_else(|e| panic!("{e}"));
    let mut workload: Workload = serde_json::from_value(object.clone()).unwrap_or_default();
    if workload.kind.is_none() {
        workload.kind = Some(kind.to_owned());
    }
    policy.check_workload(&workload)
}

fn webhook_violations(settings: &WebhookSettings, object: &Value) -> Vec<Violation> {
    let config: WebhookConfiguration = serde_json::from_value(object.clone()).unwrap_or_default();
    check_configuration(&config, settings)
}

struct Checker {
    compiled: Vec<(Value, Compiled)>,
    compared: usize,
    /// Comparisons where the Rust rule rejected (so the test sees both verdicts).
    rejected: usize,
}

impl Checker {
    fn sysctls(settings: &[Value]) -> Checker {
        Checker {
            compiled: settings
                .iter()
                .map(|s| {
                    let parsed: SysctlSettings = serde_json::from_value(s.clone()).unwrap();
                    (s.clone(), compile(vap::sysctl::twin(&parsed).unwrap()))
                })
                .collect(),
            compared: 0,
            rejected: 0,
        }
    }

    fn webhooks(settings: &[Value]) -> Checker {
        Checker {
            compiled: settings
                .iter()
                .map(|s| {
                    let parsed: WebhookSettings = serde_json::from_value(s.clone()).unwrap();
                    (s.clone(), compile(vap::webhook::twin(&parsed).unwrap()))
                })
                .collect(),
            compared: 0,
            rejected: 0,
        }
    }

    fn check_sysctls(&mut self, input: &str, object: &Value, kind: &str) {
        for (settings, compiled) in &self.compiled {
            let parsed: SysctlSettings = serde_json::from_value(settings.clone()).unwrap();
            let outcome = compiled.evaluate(object, kind);
            let violations = sysctl_violations(&parsed, object, kind);
            self.rejected += usize::from(violations.iter().any(|v| v.enforced));
            assert_equal(
                &format!("{input} settings={settings}"),
                &compiled.twin,
                &outcome,
                &violations,
            );
            self.compared += 1;
        }
    }

    fn check_webhooks(&mut self, input: &str, object: &Value) {
        for (settings, compiled) in &self.compiled {
            let parsed: WebhookSettings = serde_json::from_value(settings.clone()).unwrap();
            let kind = object["kind"].as_str().unwrap_or_default();
            let outcome = compiled.evaluate(object, kind);
            let violations = webhook_violations(&parsed, object);
            self.rejected += usize::from(violations.iter().any(|v| v.enforced));
            assert_equal(
                &format!("{input} settings={settings}"),
                &compiled.twin,
                &outcome,
                &violations,
            );
            self.compared += 1;
        }
    }
}

fn sysctl_settings_pool() -> Vec<Value> {
    vec![
        json!({}),
        json!({"podSecurityVersion": "v1.0"}),
        json!({"podSecurityVersion": "v1.28"}),
        json!({"allowedUnsafeSysctls": ["net.core.*", "kernel.shm*", "kernel.msgmax"]}),
        json!({"allowedUnsafeSysctls": ["net/ipv4/conf/*"], "forbiddenSysctls": ["net.ipv4.tcp_syncookies", "kernel/shm_rmid_forced"]}),
        json!({"forbiddenSysctls": ["*"]}),
        json!({"forbiddenSysctls": ["net.*"], "podSecurityVersion": "v1.32"}),
    ]
}

fn webhook_settings_pool() -> Vec<Value> {
    vec![
        json!({}),
        json!({"maxTimeoutSeconds": 5, "requireKubeSystemExclusion": true}),
        json!({"maxTimeoutSeconds": 15, "exemptWebhooks": ["cfg/a.example.com", "other/*"]}),
        json!({"rejectWarnings": true, "exemptWebhooks": [" cfg/b.example.com ", "gatekeeper-validating-webhook-configuration/*", "istio-sidecar-injector/rev.namespace.sidecar-injector.istio.io"]}),
    ]
}

/// Whether the twin's match rules select a request (group, version, resource, operation).
fn matches(twin: &Twin, request: &Value) -> bool {
    let field = |a: &str, b: &str| request[a][b].as_str().unwrap_or_default().to_owned();
    let (group, version, resource) = (
        field("resource", "group"),
        field("resource", "version"),
        field("resource", "resource"),
    );
    let operation = request["operation"].as_str().unwrap_or_default();
    twin.rules.iter().any(|r| {
        r.api_groups.contains(&group.as_str())
            && r.api_versions.contains(&version.as_str())
            && r.resources.contains(&resource.as_str())
            && r.operations.contains(&operation)
    })
}

// ---------------------------------------------------------------------------------------------
// The equality tests.

#[test]
fn unsafe_sysctls_twin_equals_the_rule_on_fixtures_and_corpus() {
    on_big_stack(|| {
        let mut checker = Checker::sysctls(&sysctl_settings_pool());
        // The project's fixtures: full AdmissionRequests.
        let mut fixtures = 0;
        let mut unmatched = 0;
        for path in files(&root().join("policies/unsafe-sysctls/test_data"), "json") {
            let request = read_yaml(&path);
            let name = path.display().to_string();
            let kind = request["kind"]["kind"].as_str().unwrap_or_default();
            if matches(&checker.compiled[0].1.twin, &request) {
                checker.check_sysctls(&name, &request["object"], kind);
                fixtures += 1;
            } else {
                // Not selected by the twin (DELETE, a ConfigMap): the Kubewarden policy accepts too.
                let violations = if request["object"].is_null() {
                    Vec::new()
                } else {
                    sysctl_violations(&SysctlSettings::default(), &request["object"], kind)
                };
                assert!(violations.is_empty(), "{name}: {violations:?}");
                unmatched += 1;
            }
        }
        assert_eq!((fixtures, unmatched), (17, 2));
        let mut corpus_files = 0;
        if let Some(dir) = corpus("workloads") {
            for path in files(&dir, "yaml") {
                let object = read_yaml(&path);
                let kind = object["kind"].as_str().unwrap_or_default().to_owned();
                checker.check_sysctls(&path.display().to_string(), &object, &kind);
                corpus_files += 1;
            }
            assert_eq!(corpus_files, 28);
        }
        // Every PSS fixture, at its own version (and at the settings above).
        let mut pss = 0;
        if let Some(dir) = corpus("pss/baseline") {
            let mut version_checkers: BTreeMap<String, Checker> = BTreeMap::new();
            for version_dir in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
                let version = version_dir.file_name().to_string_lossy().into_owned();
                let at = version_checkers.entry(version.clone()).or_insert_with(|| {
                    Checker::sysctls(&[json!({ "podSecurityVersion": version })])
                });
                for verdict in ["pass", "fail"] {
                    for path in files(&version_dir.path().join(verdict), "yaml") {
                        let object = read_yaml(&path);
                        let kind = object["kind"].as_str().unwrap_or("Pod").to_owned();
                        let name = path.display().to_string();
                        at.check_sysctls(&name, &object, &kind);
                        checker.check_sysctls(&name, &object, &kind);
                        pss += 1;
                    }
                }
            }
            assert_eq!(version_checkers.len(), 38);
            assert_eq!(pss, 160);
            checker.compared += version_checkers.values().map(|c| c.compared).sum::<usize>();
            checker.rejected += version_checkers.values().map(|c| c.rejected).sum::<usize>();
        }
        assert!(checker.rejected > 0 && checker.rejected < checker.compared);
        println!(
        "unsafe-sysctls: {} comparisons, {} rejected by both ({fixtures} fixtures + {corpus_files} corpus workloads + {pss} PSS fixtures, each at {} settings; PSS fixtures also at their own version)",
        checker.compared,
        checker.rejected,
        checker.compiled.len()
    );
    });
}

#[test]
fn webhook_guard_twin_equals_the_rule_on_fixtures_and_corpus() {
    on_big_stack(|| {
        let mut checker = Checker::webhooks(&webhook_settings_pool());
        let mut fixtures = 0;
        let mut unmatched = 0;
        for path in files(&root().join("policies/webhook-guard/test_data"), "json") {
            let request = read_yaml(&path);
            let name = path.display().to_string();
            let kind = request["object"]["kind"].as_str().unwrap_or_default();
            // Every configuration is compared, also the v1beta1 one the twin's match leaves out (as
            // the policy's metadata does): the CEL keeps v1beta1's defaults.
            if kind.ends_with("WebhookConfiguration") {
                checker.check_webhooks(&name, &request["object"]);
                fixtures += 1;
            } else {
                assert!(!matches(&checker.compiled[0].1.twin, &request), "{name}");
                unmatched += 1;
            }
        }
        assert_eq!((fixtures, unmatched), (13, 2));
        let mut corpus_files = 0;
        if let Some(dir) = corpus("webhooks") {
            for path in files(&dir, "yaml") {
                checker.check_webhooks(&path.display().to_string(), &read_yaml(&path));
                corpus_files += 1;
            }
            assert_eq!(corpus_files, 38);
        }
        assert!(checker.rejected > 0 && checker.rejected < checker.compared);
        println!(
        "webhook-guard: {} comparisons, {} rejected by both ({fixtures} fixtures + {corpus_files} corpus configurations, each at {} settings)",
        checker.compared,
        checker.rejected,
        checker.compiled.len()
    );
    });
}

/// Beyond the bounds the twin refuses, saying why, where the Kubewarden policy would judge
/// the names (the one documented difference of verdict, for the CEL cost bound).
#[test]
fn twins_refuse_objects_beyond_their_bounds() {
    on_big_stack(|| {
        let compiled = compile(vap::sysctl::twin(&SysctlSettings::default()).unwrap());
        let many: Vec<Value> = (0..=vap::sysctl::MAX_SYSCTLS)
            .map(|_| json!({"name": "net.ipv4.tcp_syncookies", "value": "1"}))
            .collect();
        let pod = json!({"kind": "Pod", "spec": {"securityContext": {"sysctls": many}}});
        let outcome = compiled.evaluate(&pod, "Pod");
        assert_eq!(
        outcome.failed,
        vec![("bounds".to_owned(), "cpguard evaluates at most 64 sysctls per pod spec, each value at most 4096 bytes (a CEL cost bound); this object has 65 sysctls".to_owned())]
    );
        assert!(sysctl_violations(&SysctlSettings::default(), &pod, "Pod").is_empty());
        let long = json!({"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1".repeat(4097)}]}}});
        assert_eq!(compiled.evaluate(&long, "Pod").failed.len(), 1);

        let compiled = compile(vap::webhook::twin(&WebhookSettings::default()).unwrap());
        let webhooks: Vec<Value> = (0..=vap::webhook::MAX_WEBHOOKS)
            .map(|i| json!({"name": format!("w{i}.example.com"), "failurePolicy": "Ignore"}))
            .collect();
        let config = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": {"name": "big"}, "webhooks": webhooks});
        let outcome = compiled.evaluate(&config, "ValidatingWebhookConfiguration");
        assert_eq!(outcome.failed.len(), 1);
        assert!(
            outcome.failed[0]
                .1
                .ends_with("this configuration has 33 webhooks"),
            "{:?}",
            outcome.failed
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Property-generated objects.

fn sysctl_name() -> impl Strategy<Value = String> {
    let mut known: Vec<String> = BASELINE.iter().map(|(_, n)| (*n).to_owned()).collect();
    known.extend(
        [
            "net/ipv4/tcp_syncookies",
            "kernel/shm_rmid_forced",
            "kernel.shm_next_id",
            "kernel.shmmax",
            "kernel.msgmax",
            "kernel.sem",
            "fs.mqueue.msg_max",
            "fs/mqueue/queues_max",
            "net.core.somaxconn",
            "net/core/somaxconn",
            "net.ipv4.conf.eno2/100.rp_filter",
            "net/ipv4/conf/eno2.100/rp_filter",
            "net.ipv4.conf.all.rp_filter",
            "vm.swappiness",
            "kernel.core_pattern",
            "othersysctl",
            "",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    prop_oneof![
        4 => proptest::sample::select(known),
        1 => "[a-z./_-]{0,14}",
    ]
}

fn sysctl_object() -> impl Strategy<Value = (String, Value)> {
    let entry = (
        sysctl_name(),
        proptest::option::of(prop_oneof![
            Just("1".to_owned()),
            Just("1+kernel.core_pattern=|/x".to_owned()),
            Just("a=b".to_owned()),
            "[ -~]{0,6}",
        ]),
    )
        .prop_map(|(name, value)| match value {
            Some(v) => json!({"name": name, "value": v}),
            None => json!({"name": name}),
        });
    let mut kinds: Vec<&'static str> = KINDS.iter().map(|(k, _)| *k).collect();
    kinds.push("ConfigMap");
    (
        proptest::sample::select(kinds),
        proptest::collection::vec(entry, 0..6),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(|(kind, sysctls, host_network, host_ipc, no_context)| {
            let mut spec = json!({});
            if !no_context {
                spec["securityContext"] = json!({ "sysctls": sysctls });
            }
            if let Some(b) = host_network {
                spec["hostNetwork"] = json!(b);
            }
            if let Some(b) = host_ipc {
                spec["hostIPC"] = json!(b);
            }
            let at = pod_spec_at(kind).map_or("spec", |at| at.path());
            let mut object = spec;
            for field in at.split('.').rev() {
                object = json!({ field: object });
            }
            object["kind"] = json!(kind);
            (kind.to_owned(), object)
        })
}

fn subset(items: &'static [&'static str]) -> impl Strategy<Value = Option<Vec<&'static str>>> {
    proptest::option::weighted(0.9, proptest::sample::subsequence(items, 0..=items.len()))
}

fn selector() -> impl Strategy<Value = Option<Value>> {
    let expression = (
        proptest::sample::select(vec!["kubernetes.io/metadata.name", "team"]),
        proptest::sample::select(vec!["In", "NotIn", "Exists", "DoesNotExist", "Bogus"]),
        subset(&["kube-system", "kube-node-lease", "hooks", "default"]),
    )
        .prop_map(|(key, operator, values)| {
            let mut e = json!({"key": key, "operator": operator});
            if let Some(values) = values {
                e["values"] = json!(values);
            }
            e
        });
    proptest::option::of((
        proptest::option::of(proptest::sample::select(vec![
            json!({"kubernetes.io/metadata.name": "kube-system"}),
            json!({"kubernetes.io/metadata.name": "hooks"}),
            json!({"team": "a"}),
            json!({}),
        ])),
        proptest::option::of(proptest::collection::vec(expression, 0..3)),
    ))
    .prop_map(|s| {
        s.map(|(labels, expressions)| {
            let mut out = json!({});
            if let Some(l) = labels {
                out["matchLabels"] = l;
            }
            if let Some(e) = expressions {
                out["matchExpressions"] = json!(e);
            }
            out
        })
    })
}

fn webhook_object() -> impl Strategy<Value = Value> {
    let rule = (
        subset(&[
            "*",
            "",
            "apps",
            "coordination.k8s.io",
            "events.k8s.io",
            "authentication.k8s.io",
            "authorization.k8s.io",
        ]),
        subset(&["*", "v1"]),
        subset(&["*", "CREATE", "UPDATE", "DELETE", "CONNECT"]),
        subset(&[
            "*",
            "*/*",
            "pods",
            "pods/status",
            "leases",
            "events",
            "tokenreviews",
            "subjectaccessreviews",
            "namespaces",
            "nodes",
            "configmaps",
        ]),
        proptest::option::of(proptest::sample::select(vec!["Cluster", "Namespaced", "*"])),
    )
        .prop_map(|(groups, versions, operations, resources, scope)| {
            let mut r = json!({});
            for (key, list) in [
                ("apiGroups", groups),
                ("apiVersions", versions),
                ("operations", operations),
                ("resources", resources),
            ] {
                if let Some(list) = list {
                    r[key] = json!(list);
                }
            }
            if let Some(scope) = scope {
                r["scope"] = json!(scope);
            }
            r
        });
    let webhook = (
        proptest::option::of(proptest::sample::select(vec![
            "a.example.com",
            "b.example.com",
            "c.example.com",
        ])),
        proptest::option::of(proptest::sample::select(vec!["Fail", "Ignore"])),
        proptest::option::of(proptest::sample::select(vec![1i64, 5, 10, 15, 29, 30])),
        proptest::option::of(proptest::collection::vec(rule, 0..3)),
        selector(),
        selector(),
        proptest::option::of(proptest::sample::select(vec![
            "hooks",
            "kube-system",
            "default",
        ])),
    )
        .prop_map(|(name, policy, timeout, rules, ns, obj, service)| {
            let mut w = json!({});
            if let Some(name) = name {
                w["name"] = json!(name);
            }
            if let Some(p) = policy {
                w["failurePolicy"] = json!(p);
            }
            if let Some(t) = timeout {
                w["timeoutSeconds"] = json!(t);
            }
            if let Some(r) = rules {
                w["rules"] = json!(r);
            }
            if let Some(s) = ns {
                w["namespaceSelector"] = s;
            }
            if let Some(s) = obj {
                w["objectSelector"] = s;
            }
            if let Some(ns) = service {
                w["clientConfig"] = json!({"service": {"namespace": ns, "name": "svc"}});
            }
            w
        });
    (
        proptest::sample::select(vec!["v1", "v1beta1"]),
        proptest::option::of(proptest::sample::select(vec!["cfg", "other"])),
        proptest::collection::vec(webhook, 0..4),
    )
        .prop_map(|(version, name, webhooks)| {
            let mut config = json!({
                "apiVersion": format!("admissionregistration.k8s.io/{version}"),
                "kind": "ValidatingWebhookConfiguration",
                "webhooks": webhooks,
            });
            if let Some(name) = name {
                config["metadata"] = json!({ "name": name });
            }
            config
        })
}

fn sysctl_checker() -> &'static std::sync::Mutex<Checker> {
    static CHECKER: OnceLock<std::sync::Mutex<Checker>> = OnceLock::new();
    CHECKER.get_or_init(|| std::sync::Mutex::new(Checker::sysctls(&sysctl_settings_pool())))
}

fn webhook_checker() -> &'static std::sync::Mutex<Checker> {
    static CHECKER: OnceLock<std::sync::Mutex<Checker>> = OnceLock::new();
    CHECKER.get_or_init(|| std::sync::Mutex::new(Checker::webhooks(&webhook_settings_pool())))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn unsafe_sysctls_twin_equals_the_rule_on_generated_pods((kind, object) in sysctl_object()) {
        on_big_stack(move || {
            let mut checker = sysctl_checker().lock().unwrap();
            checker.check_sysctls(&format!("generated {object}"), &object, &kind);
        });
    }

    #[test]
    fn webhook_guard_twin_equals_the_rule_on_generated_configurations(object in webhook_object()) {
        on_big_stack(move || {
            let mut checker = webhook_checker().lock().unwrap();
            checker.check_webhooks(&format!("generated {object}"), &object);
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The interpreter's Kubernetes library functions.

/// `split`, `join` and `replace` as cel-go documents them in `ext/strings.go` (the examples
/// under each function's doc comment), which Kubernetes enables for VAP (`ext.Strings` in
/// `k8s.io/apiserver/pkg/cel/environment/base.go`); and `matches` as RE2 (first match anywhere).
#[test]
fn strings_extension_matches_cel_go() {
    on_big_stack(|| {
        let env = env();
        let eval = |source: &str| {
            env.compile(source)
                .unwrap()
                .execute(&Context::with_env(env.clone()))
                .unwrap_or_else(|e| panic!("{source}: {e}"))
        };
        for source in [
            "'hello hello'.replace('he', 'we') == 'wello wello'",
            "'hello hello'.replace('he', 'we', -1) == 'wello wello'",
            "'hello hello'.replace('he', 'we', 1) == 'wello hello'",
            "'hello hello'.replace('he', 'we', 0) == 'hello hello'",
            "'hello hello hello'.split(' ') == ['hello', 'hello', 'hello']",
            "'hello hello hello'.split(' ', 0) == []",
            "'hello hello hello'.split(' ', 1) == ['hello hello hello']",
            "'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']",
            "'hello hello hello'.split(' ', -1) == ['hello', 'hello', 'hello']",
            "['hello', 'mellow'].join() == 'hellomellow'",
            "['hello', 'mellow'].join(' ') == 'hello mellow'",
            "[].join() == ''",
            "[].join('/') == ''",
            // Go's strings.Split: an empty string splits into one empty part.
            "''.split('/') == ['']",
            "'a/b.c/d'.split('/').map(p, p.replace('.', '/')).join('.') == 'a.b/c.d'",
            "'net/ipv4/x'.matches('^[^./]*/') && !'net.ipv4/x'.matches('^[^./]*/')",
        ] {
            assert_eq!(eval(source), Cel::Bool(true), "{source}");
        }
    });
}

/// The generated normalisation agrees with `rules::sysctl::normalize` (the kubelet's), on the
/// kubelet's own test cases and on generated names.
#[test]
fn normalisation_in_cel_matches_the_kubelet() {
    on_big_stack(|| {
        let env = env();
        let program = env
            .compile(&vap::sysctl::normalize_expression("name"))
            .unwrap();
        let check = |name: &str| {
            let mut context = Context::with_env(env.clone());
            context.add_variable_from_value("name", name);
            let out = program.execute(&context).unwrap();
            assert_eq!(
                out,
                Cel::from(cpguard_core::rules::sysctl::normalize(name)),
                "{name}"
            );
        };
        for name in [
            "a/b/c",
            "a/b.c/d",
            "a.b.c",
            "a.b/c.d",
            "net/ipv4/conf/eno2.100/rp_filter",
            "",
            "abc",
            "/",
            ".",
            "/a.",
            "a//b..c",
        ] {
            check(name);
        }
        proptest!(|(name in "[a-z./]{0,12}")| check(&name));
    });
}

// ---------------------------------------------------------------------------------------------
// Cost.

/// `k8s.io/apiserver/pkg/apis/cel/config.go`: the cost limit of one expression's evaluation.
const PER_CALL_LIMIT: f64 = 1_000_000.0;
/// The same file: the budget of one policy evaluation (per binding), all expressions together.
const RUNTIME_CEL_COST_BUDGET: f64 = 10_000_000.0;

/// The largest size a value can have: items of a list or map, and characters of a string.
#[derive(Clone, Copy, Debug)]
struct Size {
    /// Items of a list or map (NaN: not a list, or unknown).
    items: f64,
    /// Characters of a string, or of each element of a list of strings.
    len: f64,
    /// Characters of all elements together, when less than items × len (a split string's).
    total: f64,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            items: f64::NAN,
            len: 0.0,
            total: f64::NAN,
        }
    }
}

fn string(len: f64) -> Size {
    Size {
        items: f64::NAN,
        len,
        total: f64::NAN,
    }
}

/// An upper bound on what cel-go's runtime cost tracker (`interpreter/runtime_cost.go`, constants
/// in `common/cost.go`) charges for an expression: 1 per identifier, selection and `has`; 0 per
/// literal and per logical operator; 10 + elements per list literal, 30 + entries per map
/// literal; 1 per other call, plus 0.1 per character a string function traverses and per item a
/// list concatenation copies (`StringTraversalCostFactor`), `matches` as ceil(0.1 × (1 + length)) × ceil(0.25 × regex
/// length), `in` on a list 1 per item; a comprehension its range, then per iteration its
/// condition and step. Both branches of `? :`, `&&` and `||` are charged (an upper bound).
/// Sizes: every list the CEL iterates must have a bound (`Twin::bounds`, the `maxItems` its
/// `withinBounds` guard enforces) or be a literal; strings are at most `Twin::max_string`
/// characters (the API server's own limit on names) except the fields of `long_strings`. The
/// parts of a `split` string share its length: a comprehension over them is charged its
/// per-iteration cost at length 0 (plus 1 per string traversal, for cel-go's rounding up) times
/// the parts, plus once the traversals at the whole length.
struct Estimator<'a> {
    twin: &'a Twin,
    scopes: Vec<(String, Size)>,
}

impl Estimator<'_> {
    fn field_size(&self, field: &str) -> Size {
        let items = self
            .twin
            .bounds
            .iter()
            .find(|b| b.field == field)
            .map_or(f64::NAN, |b| b.max_items as f64);
        let len = self
            .twin
            .long_strings
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(self.twin.max_string as f64, |(_, l)| *l as f64);
        Size {
            items,
            len,
            total: f64::NAN,
        }
    }

    /// Condition plus step of one iteration, the iteration variable `len` characters long.
    fn iteration(
        &mut self,
        c: &cel::common::ast::ComprehensionExpr,
        range: Size,
        len: f64,
    ) -> (f64, Size) {
        self.scopes.push((c.iter_var.clone(), string(len)));
        self.scopes.push((
            c.accu_var.clone(),
            Size {
                items: range.items,
                len: range.len,
                total: range.total,
            },
        ));
        let (cond, _) = self.cost(&c.loop_cond);
        let (step, step_size) = self.cost(&c.loop_step);
        self.scopes.pop();
        self.scopes.pop();
        (cond + step, step_size)
    }

    fn cost(&mut self, e: &IdedExpr) -> (f64, Size) {
        let max_string = self.twin.max_string as f64;
        match &e.expr {
            Expr::Literal(LiteralValue::String(s)) => (0.0, string(s.chars().count() as f64)),
            Expr::Literal(_) => (0.0, Size::default()),
            Expr::Ident(name) => {
                let size = self
                    .scopes
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map_or(string(max_string), |(_, s)| *s);
                (1.0, size)
            }
            Expr::Select(select) => {
                let (c, _) = self.cost(&select.operand);
                (c + 1.0, self.field_size(&select.field))
            }
            Expr::List(list) => {
                let mut cost = 10.0;
                let mut len: f64 = 0.0;
                let mut total = 0.0;
                for element in &list.elements {
                    let (c, s) = self.cost(element);
                    cost += c;
                    len = len.max(s.len);
                    total += s.len;
                }
                (
                    cost,
                    Size {
                        items: list.elements.len() as f64,
                        len,
                        total,
                    },
                )
            }
            Expr::Map(map) => {
                let mut cost = 30.0;
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        cost += self.cost(&entry.key).0 + self.cost(&entry.value).0;
                    }
                }
                (
                    cost,
                    Size {
                        items: map.entries.len() as f64,
                        len: max_string,
                        total: f64::NAN,
                    },
                )
            }
            Expr::Comprehension(c) => {
                let (range_cost, range) = self.cost(&c.iter_range);
                assert!(
                    range.items.is_finite(),
                    "a comprehension ranges over a list without a bound: {:?}",
                    c.iter_range
                );
                let (init_cost, _) = self.cost(&c.accu_init);
                let (loop_cost, step_size) = if range.total.is_finite() {
                    let (at_zero, _) = self.iteration(c, range, 0.0);
                    let (at_total, size) = self.iteration(c, range, range.total);
                    let traversals = ((at_total - at_zero) / (0.1 * range.total.max(1.0))).ceil();
                    (
                        range.items * (at_zero + traversals) + (at_total - at_zero) + traversals,
                        size,
                    )
                } else {
                    let (per, size) = self.iteration(c, range, range.len);
                    (range.items * per, size)
                };
                self.scopes.push((c.accu_var.clone(), range));
                let (result, _) = self.cost(&c.result);
                self.scopes.pop();
                (
                    range_cost + init_cost + loop_cost + result,
                    Size {
                        items: range.items,
                        len: step_size.len,
                        total: range.total,
                    },
                )
            }
            Expr::Call(call) => {
                let mut cost = 0.0;
                let mut sizes = Vec::new();
                if let Some(target) = &call.target {
                    let (c, s) = self.cost(target);
                    cost += c;
                    sizes.push(s);
                }
                for arg in &call.args {
                    let (c, s) = self.cost(arg);
                    cost += c;
                    sizes.push(s);
                }
                let len = |i: usize| sizes.get(i).map_or(0.0, |s| s.len);
                let traverse = |l: f64| (0.1 * (1.0 + l)).ceil();
                match call.func_name.as_str() {
                    "_&&_" | "_||_" | "!_" | "@not_strictly_false" => (cost, Size::default()),
                    "_?_:_" => {
                        let (a, b) = (sizes[1], sizes[2]);
                        (
                            cost,
                            Size {
                                items: a.items.max(b.items),
                                len: a.len.max(b.len),
                                total: if a.total.is_finite() && b.total.is_finite() {
                                    a.total.max(b.total)
                                } else {
                                    f64::NAN
                                },
                            },
                        )
                    }
                    "_==_" | "_!=_" => (cost + 1.0 + traverse(len(0).max(len(1))), Size::default()),
                    "_<_" | "_<=_" | "_>_" | "_>=_" | "size" => (cost + 1.0, Size::default()),
                    "@in" => {
                        let items = sizes[1].items;
                        (
                            cost + 1.0 + if items.is_finite() { items } else { 0.0 },
                            Size::default(),
                        )
                    }
                    "startsWith" | "endsWith" | "contains" => {
                        (cost + 1.0 + traverse(len(0)), Size::default())
                    }
                    "matches" => (
                        cost + 1.0 + traverse(len(0)) * (0.25 * len(1)).ceil(),
                        Size::default(),
                    ),
                    "split" => (
                        cost + 1.0 + traverse(len(0)),
                        Size {
                            items: len(0) + 1.0,
                            len: len(0),
                            total: len(0),
                        },
                    ),
                    "replace" => (cost + 1.0 + 2.0 * traverse(len(0)), string(len(0))),
                    "join" => {
                        let list = sizes[0];
                        let total = if list.total.is_finite() {
                            list.total + list.items * len(1)
                        } else {
                            list.items * (list.len + len(1))
                        };
                        (cost + 1.0 + traverse(total), string(total))
                    }
                    "_+_" if sizes[0].items.is_finite() && sizes[1].items.is_finite() => {
                        // List concatenation: charged per item copied.
                        let (a, b) = (sizes[0], sizes[1]);
                        (
                            cost + 1.0 + traverse(a.items + b.items),
                            Size {
                                items: a.items + b.items,
                                len: a.len.max(b.len),
                                total: a.total + b.total,
                            },
                        )
                    }
                    "_+_" => {
                        let total = len(0) + len(1);
                        (cost + 1.0 + traverse(total), string(total))
                    }
                    "_[_]" => (cost + 1.0, string(sizes[0].len.max(max_string))),
                    "string" => (cost + 1.0, string(20.0)),
                    other => panic!("no cost rule for {other}"),
                }
            }
            other => panic!("no cost rule for {other:?}"),
        }
    }
}

/// Per expression: its own cost plus that of every variable it reads (evaluated once, lazily,
/// within the first expression that reads it); per policy: every expression and variable once.
fn costs(twin: &Twin) -> (Vec<(String, f64)>, f64) {
    let env = env();
    let mut own: BTreeMap<String, (f64, Vec<String>)> = BTreeMap::new();
    let mut expressions: Vec<(String, String)> = twin
        .variables
        .iter()
        .map(|v| (format!("variables.{}", v.name), v.expression.clone()))
        .collect();
    for v in &twin.validations {
        expressions.push((format!("{} expression", v.check), v.expression.clone()));
        expressions.push((
            format!("{} messageExpression", v.check),
            v.message_expression.clone(),
        ));
    }
    for a in &twin.audit_annotations {
        expressions.push((
            format!("auditAnnotation {}", a.key),
            a.value_expression.clone(),
        ));
    }
    for (name, source) in &expressions {
        let program = env.compile(source).unwrap();
        let mut estimator = Estimator {
            twin,
            scopes: Vec::new(),
        };
        let (cost, _) = estimator.cost(program.expression());
        let reads: Vec<String> = twin
            .variables
            .iter()
            .filter(|v| source.contains(&format!("variables.{}", v.name)))
            .map(|v| format!("variables.{}", v.name))
            .collect();
        own.insert(name.clone(), (cost, reads));
    }
    let total: f64 = own.values().map(|(c, _)| c).sum();
    let mut out = Vec::new();
    for (name, _) in &expressions {
        let mut seen = vec![name.clone()];
        let mut stack = vec![name.clone()];
        let mut cost = 0.0;
        while let Some(next) = stack.pop() {
            let (c, reads) = &own[&next];
            cost += c;
            for r in reads {
                if !seen.contains(r) {
                    seen.push(r.clone());
                    stack.push(r.clone());
                }
            }
        }
        out.push((name.clone(), cost));
    }
    (out, total)
}

#[test]
fn twins_stay_within_the_api_server_cost_budgets() {
    on_big_stack(|| {
        let sysctl_settings = [
            json!({}),
            json!({"allowedUnsafeSysctls": ["net.core.*", "kernel.shm*", "kernel.msgmax"], "forbiddenSysctls": ["net.ipv4.tcp_syncookies", "kernel.sem*"]}),
        ];
        let webhook_settings = [
            json!({}),
            json!({"maxTimeoutSeconds": 5, "requireKubeSystemExclusion": true, "rejectWarnings": true, "exemptWebhooks": ["cfg/a.example.com", "other/*"]}),
        ];
        let mut twins: Vec<Twin> = sysctl_settings
            .iter()
            .map(|s| vap::sysctl::twin(&serde_json::from_value(s.clone()).unwrap()).unwrap())
            .collect();
        twins.extend(
            webhook_settings
                .iter()
                .map(|s| vap::webhook::twin(&serde_json::from_value(s.clone()).unwrap()).unwrap()),
        );
        for twin in &twins {
            let (per_expression, total) = costs(twin);
            let (worst, worst_cost) = per_expression
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .cloned()
                .unwrap();
            println!(
            "{}: highest per-expression bound {worst_cost:.0} ({worst}) of {PER_CALL_LIMIT:.0}; whole policy {total:.0} of {RUNTIME_CEL_COST_BUDGET:.0}",
            twin.name
        );
            for (name, cost) in &per_expression {
                assert!(
                    *cost <= PER_CALL_LIMIT,
                    "{}: {name} may cost {cost:.0}",
                    twin.name
                );
            }
            assert!(
                total <= RUNTIME_CEL_COST_BUDGET,
                "{}: {total:.0}",
                twin.name
            );
            // The bound is no bound at all if it does not grow with the lists: a twin without its
            // guards (every list unbounded) must be refused by the estimator.
            let mut unguarded = twin.clone();
            unguarded.bounds.clear();
            let refused = std::panic::catch_unwind(|| costs(&unguarded)).is_err();
            assert!(refused, "{}: the estimator ignored the bounds", twin.name);
        }
    });
}

/// The twins match the same resources as the Kubewarden policies' `metadata.yml`.
#[test]
fn twins_match_what_the_policies_match() {
    on_big_stack(|| {
        for (policy, rules) in [
            ("unsafe-sysctls", vap::sysctl::resource_rules()),
            ("webhook-guard", vap::webhook::resource_rules()),
        ] {
            let metadata = read_yaml(&root().join("policies").join(policy).join("metadata.yml"));
            assert_eq!(
                serde_json::to_value(&rules).unwrap(),
                metadata["rules"],
                "{policy}"
            );
        }
    });
}

/// What `kubectl apply` reads: two documents, the policy and its binding, with the actions.
#[test]
fn manifests_are_a_policy_and_its_binding() {
    on_big_stack(|| {
        let twin = vap::sysctl::twin(&SysctlSettings::default()).unwrap();
        let yaml = twin
            .to_yaml(&vap::parse_actions("Warn,Audit").unwrap())
            .unwrap();
        let documents: Vec<Value> = yaml
            .split("\n---\n")
            .skip(1)
            .map(|d| serde_yaml_ng::from_str(d).unwrap())
            .collect();
        assert_eq!(documents.len(), 2, "{yaml}");
        assert_eq!(documents[0]["kind"], "ValidatingAdmissionPolicy");
        assert_eq!(
            documents[0]["apiVersion"],
            "admissionregistration.k8s.io/v1"
        );
        assert_eq!(documents[0]["spec"]["failurePolicy"], "Fail");
        assert_eq!(documents[1]["kind"], "ValidatingAdmissionPolicyBinding");
        assert_eq!(
            documents[1]["spec"],
            json!({"policyName": "cpguard-unsafe-sysctls", "validationActions": ["Warn", "Audit"]})
        );
        // Every expression of the document parses back to what the generator made.
        let validations = documents[0]["spec"]["validations"].as_array().unwrap();
        assert_eq!(validations.len(), twin.validations.len());
        assert_eq!(
            validations[1]["expression"].as_str(),
            Some(twin.validations[1].expression.as_str())
        );
    });
}
