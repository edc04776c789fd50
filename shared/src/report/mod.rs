//! The report: the one thing every face renders. Its JSON is the contract of `docs/report.md`,
//! with the JSON Schema `docs/report.schema.json` generated from these types ([`schema`]).

pub mod cluster;
pub mod metrics;

pub use crate::diagnostic::DiagnosticLevel;
pub use cluster::{ClusterReport, PolicyReportSummary, ServiceCounts, WebhookSummary};
pub use metrics::{EtcdSize, ResourceLatency, VerbLatency, WebhookLatency};

use crate::catalog::{Check, Severity};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Most findings of one check a report lists (see [`Report::cap_findings`]).
pub const MAX_FINDINGS_PER_CHECK: usize = 1000;

/// What a finding points at: an object and a path in it, or a metric series and its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Evidence {
    Object {
        object: String,
        path: String,
    },
    Metric {
        metric: String,
        labels: BTreeMap<String, String>,
        #[serde(with = "crate::number")]
        #[schemars(schema_with = "crate::number::schema")]
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

    /// What it points at: the object, or the series as Prometheus writes it (`metric{k="v"}`,
    /// bare `metric` without labels).
    pub fn subject(&self) -> String {
        match self {
            Evidence::Object { object, .. } => object.clone(),
            Evidence::Metric { metric, labels, .. } if labels.is_empty() => metric.clone(),
            Evidence::Metric { metric, labels, .. } => {
                let labels: Vec<String> =
                    labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
                format!("{metric}{{{}}}", labels.join(","))
            }
        }
    }

    /// One line: `Pod/ns/name spec.path`, or `metric{k="v"} = 1.5`.
    pub fn line(&self) -> String {
        match self {
            Evidence::Object { object, path } => format!("{object} {path}"),
            Evidence::Metric { value, .. } => {
                format!("{} = {}", self.subject(), crate::format::value(*value))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub check: Cow<'static, str>,
    pub severity: Severity,
    pub title: Cow<'static, str>,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub remediation: Cow<'static, str>,
    pub reference: Cow<'static, str>,
    /// Who found it, when not cpguard's own checks: the policy engine that wrote the
    /// PolicyReport (`kubewarden`, `kyverno`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
            check: Cow::Borrowed(check.id),
            severity,
            title: Cow::Borrowed(check.title),
            message,
            evidence,
            remediation: Cow::Borrowed(check.remediation),
            reference: Cow::Borrowed(check.reference),
            source: None,
        }
    }
}

/// A line of input that could not be read (or was read with a caveat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// `metrics`, `metrics-later` or `cluster`.
    pub input: Cow<'static, str>,
    /// Which cluster file, when several were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: u32,
    pub level: DiagnosticLevel,
    pub message: String,
}

impl Window {
    /// The words for what the counters cover, as findings, renderers and the viewer all say it:
    /// "since apiserver start (up 3 d 4 h)", "in the 5 min between the dumps".
    pub fn words(&self) -> String {
        match self {
            Window::SinceStart {
                uptime_seconds: Some(up),
            } => format!(
                "since apiserver start (up {})",
                crate::format::duration(*up)
            ),
            Window::SinceStart {
                uptime_seconds: None,
            } => "since apiserver start".to_owned(),
            Window::BetweenDumps { seconds } => {
                format!(
                    "in the {} between the dumps",
                    crate::format::duration(*seconds)
                )
            }
        }
    }
}

/// What a single-dump figure covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// Counters and histograms since the API server process started.
    SinceStart {
        #[serde(default, with = "crate::number::option")]
        #[schemars(schema_with = "crate::number::option_schema")]
        uptime_seconds: Option<f64>,
    },
    /// Differences between two dumps of the same process.
    BetweenDumps {
        #[serde(with = "crate::number")]
        #[schemars(schema_with = "crate::number::schema")]
        seconds: f64,
    },
}

/// One resource's stored object count (`apiserver_storage_objects`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ObjectCount {
    pub resource: String,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub count: f64,
}

/// Rates over the window between two dumps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rates {
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub seconds: f64,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub requests_per_second: f64,
    /// Share of requests answered 5xx in the window.
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub error_ratio: Option<f64>,
    /// Share of requests slower than the SLO in the window.
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub slow_ratio: Option<f64>,
    /// `error_ratio` over a 1 % error budget: 14.4 pages within an hour, 6 within 6 h, 3 and 1 ticket.
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub error_budget_burn: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub db_growth_bytes_per_second: Option<f64>,
    /// At the measured growth, seconds until the database reaches its quota.
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub seconds_until_quota: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricsReport {
    pub kubernetes_version: Option<String>,
    pub etcd: Option<EtcdSize>,
    pub requests_by_verb: Vec<VerbLatency>,
    /// The 20 busiest verb and resource pairs, with their latency quantiles.
    pub requests_by_resource: Vec<ResourceLatency>,
    pub window: Option<Window>,
    /// Largest stored object counts, most first.
    pub objects: Vec<ObjectCount>,
    /// Every admission webhook the API server called, slowest p99 first.
    #[serde(default)]
    pub webhooks: Vec<WebhookLatency>,
    pub rates: Option<Rates>,
    /// Number of samples read.
    pub samples: usize,
}

/// The JSON contract's version (`docs/report.md`): raised on every breaking change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// The version of the JSON contract this report follows (`docs/report.md`).
    pub schema_version: u32,
    /// The thresholds and policy settings the findings were judged with (charts draw these).
    pub config: crate::config::Config,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every check of the registry, in registry order: whether it could run on these inputs.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    /// Inputs with nothing to analyse (the CLI exits 2 unless `--allow-unusable`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unusable_inputs: Vec<UnusableInput>,
    /// The control plane's minor against the embedded EKS support calendar (VER004), when
    /// its version and today's date are known; with the calendar's own date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<SupportSummary>,
}

/// Where the control plane's minor stands in the EKS support calendar, and how old that
/// calendar is (so a stale one shows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupportSummary {
    /// As the input gave it: `v1.29.3-eks-4c0ab0f`, `1.29`.
    pub control_plane_version: String,
    /// `1.29`.
    pub minor: String,
    /// `standard`, `extended`, `ended` or `unknown` (a minor the calendar cannot place).
    pub status: Cow<'static, str>,
    /// `YYYY-MM-DD` (UTC), when the calendar lists the minor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_standard_support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_extended_support: Option<String>,
    /// The day judged at (`cpguard analyze --now`, else the clock): `YYYY-MM-DD`.
    pub now: String,
    /// When the calendar was compiled (`YYYY-MM-DD`), and from where.
    pub calendar_compiled: Cow<'static, str>,
    pub calendar_source: Cow<'static, str>,
}

impl SupportSummary {
    /// One line for the text report, the Markdown and the viewer.
    pub fn line(&self) -> String {
        let dates = match (&self.end_of_standard_support, &self.end_of_extended_support) {
            (Some(standard), Some(extended)) => {
                format!(" (standard support to {standard}, extended to {extended})")
            }
            _ => " (not in the calendar)".to_owned(),
        };
        format!(
            "EKS support of {} on {}: {}{dates}; calendar compiled {} from {}",
            self.minor, self.now, self.status, self.calendar_compiled, self.calendar_source
        )
    }
}

/// Whether a check could run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageStatus {
    /// It ran: the inputs held what it reads (so "no finding" means it found nothing wrong).
    Evaluated,
    /// The input it reads was given, but without the families or kinds it needs.
    NoData,
    /// The input it reads was not given, or is of another kind (an etcd member's dump).
    NotApplicable,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Evaluated => "evaluated",
            CoverageStatus::NoData => "no-data",
            CoverageStatus::NotApplicable => "not-applicable",
        }
    }
}

/// One check's coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coverage {
    pub check: Cow<'static, str>,
    pub status: CoverageStatus,
    /// What was missing (`None` when evaluated).
    pub reason: Option<String>,
}

/// An input that holds nothing to analyse: empty, an HTML error page, another component's
/// `/metrics`, a cluster export without objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnusableInput {
    /// `metrics`, `metrics-later` or `cluster`.
    pub input: Cow<'static, str>,
    /// Which cluster file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Why, in one line, e.g. "looks like HTML, not Prometheus text (line 1)".
    pub reason: String,
}

/// The JSON Schema of the report (draft 2020-12): `docs/report.schema.json` is this, generated
/// (a test fails when the file is stale).
pub fn schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

impl Default for Report {
    fn default() -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            config: crate::config::Config::default(),
            findings: Vec::new(),
            metrics: None,
            cluster: None,
            diagnostics: Vec::new(),
            coverage: Vec::new(),
            unusable_inputs: Vec::new(),
            support: None,
        }
    }
}

impl Report {
    /// How many checks ran, of all in the registry.
    pub fn evaluated(&self) -> (usize, usize) {
        let ran = self
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Evaluated)
            .count();
        (ran, self.coverage.len())
    }

    /// Nothing given could be analysed: every input given is unusable.
    pub fn nothing_analysed(&self) -> bool {
        let unusable = |input: &str| self.unusable_inputs.iter().any(|u| u.input == input);
        let metrics = self.metrics.is_some() && !unusable("metrics");
        let cluster = self.cluster.is_some() && !unusable("cluster");
        !self.unusable_inputs.is_empty() && !metrics && !cluster
    }

    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Keeps each check's first `per_check` findings and folds the rest into one closing
    /// finding of that check ("and N more …", at the most severe of those left out), so an
    /// export of millions of bad objects lists a bounded report.
    pub fn cap_findings(&mut self, per_check: usize) {
        let mut seen: BTreeMap<Cow<'static, str>, usize> = BTreeMap::new();
        let mut left_out: BTreeMap<Cow<'static, str>, (usize, Finding)> = BTreeMap::new();
        self.findings.retain(|f| {
            let n = seen.entry(f.check.clone()).or_default();
            *n += 1;
            if *n <= per_check {
                return true;
            }
            let entry = left_out
                .entry(f.check.clone())
                .or_insert_with(|| (0, f.clone()));
            entry.0 += 1;
            entry.1.severity = entry.1.severity.max(f.severity);
            false
        });
        for (check, (n, mut summary)) in left_out {
            summary.message = format!(
                "and {n} more {check} findings, not listed (only the first {per_check} are)"
            );
            summary.evidence.clear();
            self.findings.push(summary);
        }
    }

    /// Findings most severe first, then by check ID (stable within a check).
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(&b.check)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, ClusterInput, Config, Inputs, MetricsInput};

    /// The viewer reads back the JSON its worker wrote: every field must survive the trip.
    #[test]
    fn json_reads_back_to_the_same_report() {
        let cluster = [ClusterInput {
            name: "cluster.yaml",
            text: include_str!("../../samples/cluster.yaml"),
        }];
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: include_str!("../../samples/apiserver.metrics"),
                taken_at: None,
            }),
            metrics_later: None,
            cluster: &cluster,
            now: None,
        };
        let report = analyze(&inputs, &Config::default()).unwrap();
        assert!(report.findings.len() > 5, "{}", report.findings.len());
        assert!(!report.metrics.as_ref().unwrap().webhooks.is_empty());
        let json = crate::render::json(&report);
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(crate::render::json(&back), json);
    }

    #[test]
    fn evidence_reads_like_prometheus() {
        let labelled = Evidence::metric("up", &[("job", "api"), ("code", "5\"x")], 1.5);
        assert_eq!(labelled.subject(), r#"up{code="5\"x",job="api"}"#);
        assert_eq!(labelled.line(), r#"up{code="5\"x",job="api"} = 1.5"#);
        assert_eq!(Evidence::metric("up", &[], 0.0).line(), "up = 0");
        let object = Evidence::Object {
            object: "Pod/ns/p".to_owned(),
            path: "spec.securityContext".to_owned(),
        };
        assert_eq!(
            (object.subject(), object.line()),
            (
                "Pod/ns/p".to_owned(),
                "Pod/ns/p spec.securityContext".to_owned()
            )
        );
    }

    #[test]
    fn nan_and_infinities_are_written_as_prometheus_strings_and_read_back() {
        let e = Evidence::metric("x", &[], f64::NAN);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"metric":"x","labels":{},"value":"NaN"}"#);
        let Evidence::Metric { value, .. } = serde_json::from_str(&json).unwrap() else {
            panic!("read back as an object reference");
        };
        assert!(value.is_nan());
        let e = Evidence::metric("x", &[], f64::INFINITY);
        assert_eq!(e.line(), "x = +Inf");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"metric":"x","labels":{},"value":"+Inf"}"#);
        assert_eq!(serde_json::from_str::<Evidence>(&json).unwrap(), e);
        // Reports written before the rule had `null`.
        let old = r#"{"metric":"x","labels":{},"value":null}"#;
        let Evidence::Metric { value, .. } = serde_json::from_str(old).unwrap() else {
            panic!("read back as an object reference");
        };
        assert!(value.is_nan());
    }
}
