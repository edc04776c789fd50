//! The rules the Kubewarden policies enforce, as pure functions over [`crate::k8s`] views.
//!
//! The policies, the CLI and the viewer all call these same functions: one rule, one
//! implementation.

pub mod sysctl;
pub mod webhook;

use crate::catalog::Check;
use serde::Serialize;

/// One thing a rule found wrong with one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    #[serde(serialize_with = "serialize_check_id")]
    pub check: &'static Check,
    /// Where in the object, e.g. `spec.jobTemplate.spec.template.spec.securityContext.sysctls[1]`.
    pub path: String,
    /// The offending item as written (a sysctl name, a webhook name).
    pub name: String,
    /// A sentence saying what is wrong, naming the item.
    pub message: String,
    /// Whether the policy, with the settings given, rejects for this (otherwise it warns).
    pub enforced: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` passes a reference.
fn serialize_check_id<S: serde::Serializer>(
    check: &&'static Check,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(check.id)
}

impl Violation {
    /// `SYS001 spec.securityContext.sysctls[0]: <message>` — the form the policies reject with.
    pub fn to_line(&self) -> String {
        format!("{} {}: {}", self.check.id, self.path, self.message)
    }
}

/// The policies' rejection (or warning) text for several violations, joined with `"; "`.
///
/// **Invariant:** no violation message contains `"; "`, so the joined text splits back into
/// violations (pinned by the corpus tests, which compare the policies with the CLI).
pub fn summarize(violations: &[&Violation]) -> String {
    violations
        .iter()
        .map(|v| v.to_line())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A policy's settings are invalid: every problem found, each naming its setting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("; "))]
pub struct SettingsError {
    pub problems: Vec<String>,
}
