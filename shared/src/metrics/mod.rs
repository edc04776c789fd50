//! Prometheus `/metrics` dumps: parsing, the model, `histogram_quantile`, and the figures the
//! report shows (Kubernetes version, etcd database size, per-verb request latency).

pub mod diff;
mod parse;
pub mod quantile;
pub mod query;
pub mod summary;
pub mod timeouts;

pub use parse::{parse, parse_value, Exposition, LabelPairs};

use serde::Serialize;
use std::borrow::Cow;

/// A family's `# TYPE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    Untyped,
}

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample<'a> {
    /// The sample's own name (`apiserver_request_duration_seconds_bucket`).
    pub name: Cow<'a, str>,
    /// The label block as written, without braces (and without a quoted metric name);
    /// read it with [`Sample::labels`] or [`Sample::label`].
    pub raw_labels: &'a str,
    pub value: f64,
    /// As written: milliseconds in the text format, seconds in OpenMetrics.
    pub timestamp: Option<f64>,
    /// 1-based line in the input.
    pub line: u32,
}

impl<'a> Sample<'a> {
    /// The labels, in the order written.
    pub fn labels(&self) -> LabelPairs<'a> {
        LabelPairs::new(self.raw_labels)
    }

    /// One label's value. Borrowed from the input unless the value has escapes.
    pub fn label(&self, name: &str) -> Option<Cow<'a, str>> {
        self.labels().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A metric family: its samples (for a histogram, the `_bucket`, `_sum` and `_count` series).
#[derive(Clone, Debug, PartialEq)]
pub struct Family<'a> {
    pub name: Cow<'a, str>,
    pub kind: MetricType,
    pub help: Option<Cow<'a, str>>,
    pub unit: Option<Cow<'a, str>>,
    pub samples: Vec<Sample<'a>>,
}

impl Family<'_> {
    /// Samples whose name is the family name plus `suffix` (`""` for the plain series).
    pub fn series<'s>(&'s self, suffix: &'s str) -> impl Iterator<Item = &'s Sample<'s>> + 's {
        self.samples
            .iter()
            .filter(move |s| s.name.strip_prefix(self.name.as_ref()) == Some(suffix))
    }
}

pub(crate) use crate::diagnostic::Overflow;
pub use crate::diagnostic::{Diagnostic, DiagnosticLevel, MAX_DIAGNOSTICS};

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let parsed = parse(input);
        let mut out = String::new();
        for f in &parsed.families {
            out.push_str(&format!(
                "{} {:?} help={:?}\n",
                f.name,
                f.kind,
                f.help.as_deref()
            ));
            for s in &f.samples {
                let labels: Vec<String> = s.labels().map(|(k, v)| format!("{k}={v:?}")).collect();
                out.push_str(&format!(
                    "  {}:{} {{{}}} {} ts={:?}\n",
                    s.line,
                    s.name,
                    labels.join(","),
                    s.value,
                    s.timestamp
                ));
            }
        }
        for d in &parsed.diagnostics {
            out.push_str(&format!("! {}:{:?} {}\n", d.line, d.level, d.message));
        }
        assert_eq!(out, expect, "\n{out}");
    }

    #[test]
    fn text_format_basics() {
        check(
            "# HELP http_requests_total The total.\\nSecond line \\\\ ok\n# TYPE http_requests_total counter\r\nhttp_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\nhttp_requests_total{method=\"post\",code=\"400\",} 3\t1395066363000\n",
            "http_requests_total Counter help=Some(\"The total.\\nSecond line \\\\ ok\")\n  3:http_requests_total {method=\"post\",code=\"200\"} 1027 ts=Some(1395066363000.0)\n  4:http_requests_total {method=\"post\",code=\"400\"} 3 ts=Some(1395066363000.0)\n",
        );
    }

    #[test]
    fn escapes_special_values_and_colons() {
        check(
            "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\nrule:errors:rate5m NaN\na +Inf\nb -inf\nc nan",
            "msdos_file_access_time_seconds Untyped help=None\n  1:msdos_file_access_time_seconds {path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1458255915 ts=None\nrule:errors:rate5m Untyped help=None\n  2:rule:errors:rate5m {} NaN ts=None\na Untyped help=None\n  3:a {} inf ts=None\nb Untyped help=None\n  4:b {} -inf ts=None\nc Untyped help=None\n  5:c {} NaN ts=None\n",
        );
    }

    #[test]
    fn histograms_group_and_openmetrics_is_tolerated() {
        check(
            "# TYPE rpc_seconds histogram\n# UNIT rpc_seconds seconds\nrpc_seconds_bucket{le=\"0.1\"} 3 # {trace_id=\"x\"} 0.05 1.6e9\nrpc_seconds_bucket{le=\"+Inf\"} 5\nrpc_seconds_sum 0.9\nrpc_seconds_count 5 1.6e9\n# EOF\n",
            "rpc_seconds Histogram help=None\n  3:rpc_seconds_bucket {le=\"0.1\"} 3 ts=None\n  4:rpc_seconds_bucket {le=\"+Inf\"} 5 ts=None\n  5:rpc_seconds_sum {} 0.9 ts=None\n  6:rpc_seconds_count {} 5 ts=Some(1600000000.0)\n",
        );
    }

    #[test]
    fn quoted_utf8_names() {
        check(
            "# TYPE \"my.metric\" gauge\n{\"my.metric\", \"label.with.dots\"=\"v\"} 1\n",
            "my.metric Gauge help=None\n  2:my.metric {label.with.dots=\"v\"} 1 ts=None\n",
        );
    }

    #[test]
    fn bad_lines_become_diagnostics_and_the_rest_is_read() {
        check(
            "Warning: the server could not find the requested resource\nup 1\nbroken{le=\"0.1\" 3\nx{a=\"unterminated\nhalf_written_metric\ngood 2\ntail 12e",
            "up Untyped help=None\n  2:up {} 1 ts=None\ngood Untyped help=None\n  6:good {} 2 ts=None\n! 1:Error not a sample or comment: \"Warning: the server could not find the requested resource\"\n! 3:Error expected ',' or '}' at \"3\"\n! 4:Error unterminated quoted string (truncated line?)\n! 5:Error half_written_metric: no value (truncated line?)\n! 7:Error tail: \"12e\" is not a number\n",
        );
    }

    #[test]
    fn after_eof_is_ignored_with_a_warning() {
        check("a 1\n# EOF\nb 2\n", "a Untyped help=None\n  1:a {} 1 ts=None\n! 3:Warning content after `# EOF` (line 2) ignored\n");
    }
}
