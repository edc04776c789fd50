//! The report: the one thing every face renders. Its JSON is the contract in DESIGN.md
//! ("The report as JSON"): field names are stable; fields are added, never renamed.

use crate::checks::{Check, Severity};
use crate::metrics::summary::{EtcdSize, ResourceLatency, VerbLatency};
use crate::metrics::DiagnosticLevel;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a finding points at: an object and a path in it, or a metric series and its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    Object {
        object: String,
        path: String,
    },
    Metric {
        metric: String,
        labels: BTreeMap<String, String>,
        value: f64,
    },
}

impl Evidence {
    pub fn metric(metric: &str, labels: &[(&str, &str)], value: f64) -> Evidence {
        Evidence::Metric {
            metric: metric.to_owned(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            value,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub remediation: &'static str,
    pub reference: &'static str,
}

impl Finding {
    /// A finding of `check` at its declared severity.
    pub fn new(check: &'static Check, message: String, evidence: Vec<Evidence>) -> Finding {
        Finding::with_severity(check, check.severity, message, evidence)
    }

    pub fn with_severity(
        check: &'static Check,
        severity: Severity,
        message: String,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            check: check.id,
            severity,
            title: check.title,
            message,
            evidence,
            remediation: check.remediation,
            reference: check.reference,
        }
    }
}

/// A line of input that could not be read (or was read with a caveat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `metrics`, `metrics-later` or `cluster`.
    pub input: &'static str,
    /// Which cluster file, when several were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: u32,
    pub level: DiagnosticLevel,
    pub message: String,
}

/// What a single-dump figure covers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// Counters and histograms since the API server process started.
    SinceStart { uptime_seconds: Option<f64> },
    /// Differences between two dumps of the same process.
    BetweenDumps { seconds: f64 },
}

/// One resource's stored object count (`apiserver_storage_objects`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectCount {
    pub resource: String,
    pub count: f64,
}

/// Rates over the window between two dumps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rates {
    pub seconds: f64,
    pub requests_per_second: f64,
    /// Share of requests answered 5xx in the window.
    pub error_ratio: Option<f64>,
    /// Share of requests slower than the SLO in the window.
    pub slow_ratio: Option<f64>,
    /// `error_ratio` over a 1 % error budget: 14.4 pages within an hour, 6 within 6 h, 3 and 1 ticket.
    pub error_budget_burn: Option<f64>,
    pub db_growth_bytes_per_second: Option<f64>,
    /// At the measured growth, seconds until the database reaches its quota.
    pub seconds_until_quota: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricsReport {
    pub kubernetes_version: Option<String>,
    pub etcd: Option<EtcdSize>,
    pub requests_by_verb: Vec<VerbLatency>,
    /// The 20 busiest verb and resource pairs, with their latency quantiles.
    pub requests_by_resource: Vec<ResourceLatency>,
    pub window: Option<Window>,
    /// Largest stored object counts, most first.
    pub objects: Vec<ObjectCount>,
    pub rates: Option<Rates>,
    /// Number of samples read.
    pub samples: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<crate::cluster::report::ClusterReport>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Findings most severe first, then by check ID (stable within a check).
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(b.check)));
    }
}
