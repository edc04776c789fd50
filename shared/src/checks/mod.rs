//! The check catalogue: every check is declared once, with a stable ID, and listed in [`REGISTRY`].

mod sysctl;
mod webhook;

pub use sysctl::{SYS001, SYS002, SYS003};
pub use webhook::{WH001, WH002, WH003, WH004, WH005};

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The declaration of one check. IDs are stable and never reused.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    /// Names the bad pattern, e.g. "unsafe sysctl".
    pub title: &'static str,
    /// Why is this bad?
    pub rationale: &'static str,
    /// What to do about it.
    pub remediation: &'static str,
    /// The guide section this check carries.
    pub reference: &'static str,
}

/// The EKS Best Practices Guide's control-plane chapter, which every check cites.
pub const GUIDE: &str = "https://docs.aws.amazon.com/eks/latest/best-practices/control-plane.html";

/// Every check, in catalogue order.
pub const REGISTRY: &[&Check] = &[
    &SYS001, &SYS002, &SYS003, &WH001, &WH002, &WH003, &WH004, &WH005,
];

/// Looks a check up by its ID.
pub fn by_id(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().copied().find(|check| check.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for check in REGISTRY {
            assert!(seen.insert(check.id), "duplicate check ID {}", check.id);
            let (letters, digits) = check.id.split_at(check.id.len() - 3);
            assert!(
                letters.chars().all(|c| c.is_ascii_uppercase()),
                "{}",
                check.id
            );
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", check.id);
            assert!(!check.title.is_empty() && !check.rationale.is_empty());
            assert!(!check.remediation.is_empty());
            assert!(check.reference.starts_with("https://"), "{}", check.id);
        }
    }

    #[test]
    fn lookup_by_id() {
        assert_eq!(by_id("WH003").map(|c| c.severity), Some(Severity::Warning));
        assert_eq!(by_id("SYS001").map(|c| c.title), Some("unsafe sysctl"));
        assert!(by_id("NOPE001").is_none());
    }
}
