//! ValidatingAdmissionPolicy twins of the two Kubewarden policies: the same rules as CEL,
//! generated from `crate::rules`' own data (baseline lists, the kubelet's name normalisation,
//! the catch-all predicate, the API's defaults), never hand-copied.
//!
//! Settings are baked into the CEL rather than read from a `paramKind` ConfigMap: the settings
//! are checked once, here, with the policies' own `validate` (so a bad file fails before
//! anything reaches the cluster, with the policies' message); the baseline list of the chosen
//! version is resolved here; the cost bound is known per generated policy; and there is no
//! second object whose absence or drift would change the verdict (`paramNotFoundAction`).
//!
//! The output is for `kubectl apply -f -`: the policy (`failurePolicy: Fail`) and its binding.

pub mod sysctl;
pub mod webhook;

use serde::Serialize;
use std::fmt::Write as _;

/// A binding's `validationActions` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ValidationAction {
    Deny,
    Warn,
    Audit,
}

/// Parses `Deny`, `Warn,Audit`...: non-empty, no repeats, and not Deny with Warn, which the API
/// server refuses (`validateValidationActions` in `pkg/apis/admissionregistration/validation`).
pub fn parse_actions(text: &str) -> Result<Vec<ValidationAction>, String> {
    let mut out = Vec::new();
    for word in text.split(',').map(str::trim) {
        let action = match word.to_ascii_lowercase().as_str() {
            "deny" => ValidationAction::Deny,
            "warn" => ValidationAction::Warn,
            "audit" => ValidationAction::Audit,
            _ => {
                return Err(format!(
                    "validation action {word:?} is not Deny, Warn or Audit"
                ))
            }
        };
        if out.contains(&action) {
            return Err(format!("validation action {word:?} is given twice"));
        }
        out.push(action);
    }
    if out.contains(&ValidationAction::Deny) && out.contains(&ValidationAction::Warn) {
        return Err("Deny and Warn cannot be used together (the API server refuses it): use Deny, or Warn,Audit for a dry run".to_owned());
    }
    Ok(out)
}

/// One `matchConstraints.resourceRules` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRule {
    pub api_groups: Vec<&'static str>,
    pub api_versions: Vec<&'static str>,
    pub operations: Vec<&'static str>,
    pub resources: Vec<&'static str>,
}

/// `spec.variables[]`: evaluated lazily, at most once per admission request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variable {
    pub name: String,
    pub expression: String,
}

/// `spec.validations[]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    /// The check ID this validation enforces (not part of the manifest).
    #[serde(skip)]
    pub check: &'static str,
    pub expression: String,
    pub message_expression: String,
    pub reason: &'static str,
}

/// `spec.auditAnnotations[]`: `null` values are omitted by the API server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditAnnotation {
    pub key: String,
    pub value_expression: String,
}

/// A list the generated CEL refuses to iterate beyond a size (its `maxItems`), named by the
/// field or variable that holds it. The cost bound assumes these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub field: String,
    pub max_items: u64,
}

/// A generated twin: everything of the ValidatingAdmissionPolicy but its YAML form.
#[derive(Clone, Debug)]
pub struct Twin {
    /// `metadata.name` of the policy and of its binding.
    pub name: &'static str,
    /// The comment lines heading the policy document (settings, what CEL cannot express).
    pub notes: Vec<String>,
    pub rules: Vec<ResourceRule>,
    pub variables: Vec<Variable>,
    pub validations: Vec<Validation>,
    pub audit_annotations: Vec<AuditAnnotation>,
    /// Per check ID, the variable listing its findings (every finding, enforced or not).
    pub findings: Vec<(&'static str, String)>,
    /// The size guards; a longer list is refused by the `bounds` validation.
    pub bounds: Vec<Bound>,
    /// The longest string the cost bound assumes for a field (names: 253, the API server's own
    /// limit for them); the guards refuse longer ones where the API server would not.
    pub max_string: u64,
    /// Longer strings the guard allows for particular fields (a sysctl's value).
    pub long_strings: Vec<(&'static str, u64)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a, S: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    spec: S,
}

#[derive(Serialize)]
struct Metadata<'a> {
    name: &'a str,
    labels: Labels,
}

#[derive(Serialize)]
struct Labels {
    #[serde(rename = "app.kubernetes.io/managed-by")]
    managed_by: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchConstraints<'a> {
    resource_rules: &'a [ResourceRule],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicySpec<'a> {
    failure_policy: &'static str,
    match_constraints: MatchConstraints<'a>,
    variables: &'a [Variable],
    validations: &'a [Validation],
    audit_annotations: &'a [AuditAnnotation],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BindingSpec<'a> {
    policy_name: &'a str,
    validation_actions: &'a [ValidationAction],
}

const API_VERSION: &str = "admissionregistration.k8s.io/v1";

impl Twin {
    /// The policy and its binding as a two-document YAML stream for `kubectl apply -f -`.
    pub fn to_yaml(&self, actions: &[ValidationAction]) -> Result<String, String> {
        let metadata = || Metadata {
            name: self.name,
            labels: Labels {
                managed_by: "cpguard",
            },
        };
        let policy = Manifest {
            api_version: API_VERSION,
            kind: "ValidatingAdmissionPolicy",
            metadata: metadata(),
            spec: PolicySpec {
                failure_policy: "Fail",
                match_constraints: MatchConstraints {
                    resource_rules: &self.rules,
                },
                variables: &self.variables,
                validations: &self.validations,
                audit_annotations: &self.audit_annotations,
            },
        };
        let binding = Manifest {
            api_version: API_VERSION,
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: metadata(),
            spec: BindingSpec {
                policy_name: self.name,
                validation_actions: actions,
            },
        };
        let mut out = String::new();
        for note in &self.notes {
            let _ = writeln!(out, "# {note}");
        }
        out.push_str("---\n");
        out.push_str(&serde_yaml_ng::to_string(&policy).map_err(|e| e.to_string())?);
        out.push_str("---\n");
        out.push_str(&serde_yaml_ng::to_string(&binding).map_err(|e| e.to_string())?);
        Ok(out)
    }
}

/// Settings read from a file: JSON or YAML, through JSON values so that serde's messages are
/// those the policies' `validate_settings` gives (it reads JSON).
pub fn parse_settings<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: serde_json::Value = if text.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| format!("settings are not JSON or YAML: {e}"))?
    };
    if value.is_null() {
        return serde_json::from_str("{}").map_err(|e| e.to_string());
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// CEL building blocks.
pub(crate) mod cel {
    use std::fmt::Write as _;

    /// A CEL string literal (single-quoted; escapes per the CEL spec's `\\`, `\'`, `\uXXXX`).
    pub fn lit(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// A CEL list literal of strings.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
        let items: Vec<String> = items.into_iter().map(lit).collect();
        format!("[{}]", items.join(", "))
    }

    /// `base.f1.f2...` reached only through `has()` tests: `(guards) ? base.path : fallback`.
    pub fn guarded(base: &str, path: &[&str], fallback: &str) -> String {
        let mut tests = Vec::new();
        let mut at = base.to_owned();
        for field in path {
            tests.push(format!("has({at}.{field})"));
            at = format!("{at}.{field}");
        }
        format!("({} ? {at} : {fallback})", tests.join(" && "))
    }

    /// `has(x.field) && item in x.field`.
    pub fn has_item(x: &str, field: &str, item: &str) -> String {
        format!("(has({x}.{field}) && {} in {x}.{field})", lit(item))
    }

    /// `size(list) == 0 ? null : list.join(', ')`: an audit annotation's value.
    pub fn joined_or_null(list: &str) -> String {
        format!("size({list}) == 0 ? null : {list}.join(', ')")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_as_the_api_server_accepts_them() {
        assert_eq!(parse_actions("Deny"), Ok(vec![ValidationAction::Deny]));
        assert_eq!(
            parse_actions("Warn, audit"),
            Ok(vec![ValidationAction::Warn, ValidationAction::Audit])
        );
        assert_eq!(
            parse_actions("Deny,Warn"),
            Err("Deny and Warn cannot be used together (the API server refuses it): use Deny, or Warn,Audit for a dry run".to_owned())
        );
        assert_eq!(
            parse_actions("Audit,Audit"),
            Err("validation action \"Audit\" is given twice".to_owned())
        );
        assert_eq!(
            parse_actions("Block"),
            Err("validation action \"Block\" is not Deny, Warn or Audit".to_owned())
        );
    }

    #[test]
    fn string_literals_escape_what_cel_needs() {
        assert_eq!(cel::lit("a'b\\c\n\u{1}"), "'a\\'b\\\\c\\n\\u0001'");
        assert_eq!(cel::list(["x", "y"]), "['x', 'y']");
        assert_eq!(
            cel::guarded("object", &["spec", "template"], "null"),
            "(has(object.spec) && has(object.spec.template) ? object.spec.template : null)"
        );
    }
}
