//! API001–API004: what the API server's own request counters and histograms say.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::{at, histogram_by, sum_by, top_evidence};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&API001, &API002, &API003, &API004],
    run: Run::Metrics(|cx| {
        let mut findings = Vec::new();
        findings.extend(api001(cx));
        findings.extend(api002(cx));
        findings.extend(api003(cx));
        findings.extend(api004(cx));
        findings
    }),
};

/// ## What it does
/// The share of `apiserver_request_total` answered with a 5xx code; health endpoints
/// (`/healthz`, `/readyz`, `/livez`) are reported apart.
///
/// ## Why is this bad?
/// Server errors are failed operations for every controller and user behind them.
pub const API001: Check = Check {
    id: "API001",
    severity: Severity::Warning,
    title: "API server errors (5xx)",
    rationale: "5xx answers are operations that failed for controllers and users alike; above 1 % they burn the \
                API server's availability error budget (kubernetes-mixin's KubeAPIErrorBudgetBurn).",
    remediation: "Look at which verbs and resources fail (evidence), then at etcd latency (ETCD003), admission \
                  webhooks (ADM001/ADM002) and aggregated APIs (AGG001), the usual causes.",
    reference: GUIDE,    needs: &[Need::Family(&["apiserver_request_total"])],
};

/// ## What it does
/// Requests refused with 429 and `apiserver_flowcontrol_rejected_requests_total`.
///
/// ## Why is this bad?
/// API Priority and Fairness is shedding load: clients are being throttled.
pub const API002: Check = Check {
    id: "API002",
    severity: Severity::Warning,
    title: "requests throttled (429, APF rejections)",
    rationale: "API Priority and Fairness rejected requests: the API server is saturated or one client floods a \
                priority level, and well-behaved clients are throttled with it.",
    remediation: "Find the flow (priority_level, flow_schema in the evidence) and the client behind it; reduce LIST \
                  and WATCH churn, use informers, or give the workload its own FlowSchema.",
    reference: GUIDE,    needs: &[Need::Family(&["apiserver_request_total", "apiserver_flowcontrol_rejected_requests_total"])],
};

/// ## What it does
/// The share of requests slower than the API server SLO (kubernetes-mixin): reads 1 s
/// (resource), 5 s (namespace), 30 s (cluster) scope; writes 1 s. From
/// `apiserver_request_sli_duration_seconds` when present (it excludes webhook time), else
/// `apiserver_request_duration_seconds`.
///
/// ## Why is this bad?
/// Slow reads and writes stall every controller's reconcile loop.
pub const API003: Check = Check {
    id: "API003",
    severity: Severity::Warning,
    title: "API requests slower than the SLO",
    rationale: "More than 1 % of requests missed the API server latency SLO: controllers reconcile late, kubectl \
                hangs, and timeouts turn into retries that add load.",
    remediation: "Look at the slowest verbs and resources (evidence, and the per-verb table); large unpaginated \
                  LISTs, slow etcd (ETCD003) and slow webhooks (ADM001) are the usual causes.",
    reference: GUIDE,    needs: &[Need::Family(&["apiserver_request_sli_duration_seconds", "apiserver_request_duration_seconds"])],
};

/// ## What it does
/// `apiserver_request_terminations_total`: requests the API server dropped (timeouts, APF).
///
/// ## Why is this bad?
/// Terminated requests never completed; clients retry and add load.
pub const API004: Check = Check {
    id: "API004",
    severity: Severity::Warning,
    title: "requests terminated by the API server",
    rationale: "The API server gave up on requests (timeouts or self-defence): the clients behind them retry, \
                which adds load exactly when the server is struggling.",
    remediation: "Check which verbs and resources are terminated (evidence) and reduce their cost or rate.",
    reference: GUIDE,    needs: &[Need::Events(&["apiserver_request_terminations_total"])],
};

const HEALTH: &[&str] = &["/healthz", "/readyz", "/livez"];

fn is_health(subresource: &str) -> bool {
    HEALTH.iter().any(|h| subresource.starts_with(h))
}

/// `apiserver_request_total`'s 5xx answers: API001's judgement and the report's error rate.
pub struct ErrorCounts<'k> {
    /// 5xx answers, health endpoints left out.
    pub errors: f64,
    /// All answers, health endpoints left out.
    pub total: f64,
    /// 5xx answers of /healthz, /readyz and /livez.
    pub health_errors: f64,
    /// Each (code, verb, resource, subresource) with 5xx answers, and how many.
    pub worst: Vec<(&'k [std::borrow::Cow<'k, str>], f64)>,
}

/// The 5xx counts of [`request_groups`].
pub fn error_counts<'k>(
    groups: &'k [(Vec<std::borrow::Cow<'k, str>>, f64)],
) -> ErrorCounts<'k> {
    let mut counts = ErrorCounts {
        errors: 0.0,
        total: 0.0,
        health_errors: 0.0,
        worst: Vec::new(),
    };
    for (key, value) in groups {
        let server_error = at(key, 0).starts_with('5');
        if is_health(at(key, 3)) {
            counts.health_errors += if server_error { *value } else { 0.0 };
            continue;
        }
        counts.total += value;
        if server_error && *value > 0.0 {
            counts.errors += value;
            counts.worst.push((key, *value));
        }
    }
    counts
}

/// The groups [`error_counts`] reads: `sum by (code, verb, resource, subresource)`.
pub fn request_groups<'d>(
    dump: &'d crate::metrics::Exposition<'_>,
) -> Option<Vec<(Vec<std::borrow::Cow<'d, str>>, f64)>> {
    let family = dump.family("apiserver_request_total")?;
    Some(sum_by(family, "", &["code", "verb", "resource", "subresource"]))
}

pub fn api001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(groups) = request_groups(cx.dump) else {
        return Vec::new();
    };
    let ErrorCounts {
        errors,
        total,
        health_errors,
        worst,
    } = error_counts(&groups);
    let mut out = Vec::new();
    if total > 0.0 && errors / total > cx.config.error_ratio {
        let evidence = top_evidence(
            "apiserver_request_total",
            &["code", "verb", "resource"],
            worst.iter().copied(),
            5,
        );
        let message = format!(
            "{} of {} API requests {} were answered 5xx ({}; threshold {})",
            format::count(errors),
            format::count(total),
            cx.window,
            format::percent(errors / total),
            format::percent(cx.config.error_ratio)
        );
        out.push(Finding::new(&API001, message, evidence));
    }
    if health_errors > 0.0 {
        let message = format!(
            "health endpoints (/healthz, /readyz, /livez) answered 5xx {} times {}",
            format::count(health_errors),
            cx.window
        );
        out.push(Finding::new(&API001, message, Vec::new()));
    }
    out
}

pub fn api002(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(family) = cx.dump.family("apiserver_request_total") {
        let throttled: f64 = family
            .series("")
            .filter(|s| s.label("code").as_deref() == Some("429"))
            .map(|s| s.value)
            .filter(|v| !v.is_nan())
            .sum();
        if throttled > 0.0 {
            let message = format!(
                "{} requests were refused with 429 Too Many Requests {}",
                format::count(throttled),
                cx.window
            );
            out.push(Finding::new(
                &API002,
                message,
                vec![Evidence::metric(
                    "apiserver_request_total",
                    &[("code", "429")],
                    throttled,
                )],
            ));
        }
    }
    if let Some(family) = cx
        .dump
        .family("apiserver_flowcontrol_rejected_requests_total")
    {
        let groups = sum_by(family, "", &["priority_level", "flow_schema", "reason"]);
        let rejected: f64 = groups.iter().map(|(_, v)| v).sum();
        if rejected > 0.0 {
            let evidence = top_evidence(
                "apiserver_flowcontrol_rejected_requests_total",
                &["priority_level", "flow_schema", "reason"],
                groups.iter().map(|(k, v)| (k.as_slice(), *v)),
                5,
            );
            let message = format!(
                "API Priority and Fairness rejected {} requests {}",
                format::count(rejected),
                cx.window
            );
            out.push(Finding::new(&API002, message, evidence));
        }
    }
    out
}

/// The SLO threshold for a verb and scope, or `None` for long-running verbs.
fn slo(cx: &MetricsContext<'_, '_>, verb: &str, scope: &str) -> Option<f64> {
    match verb {
        "GET" | "LIST" => Some(match scope {
            "namespace" => cx.config.slo_read_namespace_seconds,
            "cluster" => cx.config.slo_read_cluster_seconds,
            _ => cx.config.slo_read_resource_seconds,
        }),
        "POST" | "PUT" | "PATCH" | "DELETE" | "APPLY" | "DELETECOLLECTION" => {
            Some(cx.config.slo_write_seconds)
        }
        _ => None,
    }
}

/// Requests slower than their SLO: API003's judgement and the report's slow rate.
pub struct SlowCounts {
    pub slow: f64,
    /// Every SLO-bound request (long-running verbs have no SLO).
    pub total: f64,
    /// The histogram read: the SLI one (≥ 1.26, without webhook and priority waits) if present.
    pub metric: &'static str,
    /// (verb, resource, slow requests, the SLO) for each group with slow requests.
    pub worst: Vec<(String, String, f64, f64)>,
}

/// The slow counts of a dump; `None` without a request-duration histogram.
pub fn slow_counts(cx: &MetricsContext<'_, '_>) -> Option<SlowCounts> {
    let (metric, family) = [
        "apiserver_request_sli_duration_seconds",
        "apiserver_request_duration_seconds",
    ]
    .iter()
    .find_map(|name| {
        cx.dump
            .family(name)
            .filter(|f| !f.samples.is_empty())
            .map(|f| (*name, f))
    })?;
    let mut counts = SlowCounts {
        slow: 0.0,
        total: 0.0,
        metric,
        worst: Vec::new(),
    };
    for group in histogram_by(family, &["verb", "scope", "resource"]) {
        let get = |i: usize| group.key(i);
        let Some(limit) = slo(cx, get(0), get(1)) else {
            continue;
        };
        let count = group.count();
        let late = (count - group.count_le(limit)).max(0.0);
        counts.total += count;
        counts.slow += late;
        if late > 0.0 {
            counts
                .worst
                .push((get(0).to_owned(), get(2).to_owned(), late, limit));
        }
    }
    Some(counts)
}

pub fn api003(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(SlowCounts {
        slow,
        total,
        metric,
        mut worst,
    }) = slow_counts(cx)
    else {
        return Vec::new();
    };
    if total <= 0.0 || slow / total <= cx.config.slow_ratio {
        return Vec::new();
    }
    worst.sort_by(|a, b| b.2.total_cmp(&a.2));
    let evidence = worst
        .iter()
        .take(5)
        .map(|(verb, resource, late, _)| {
            Evidence::metric(metric, &[("verb", verb), ("resource", resource)], *late)
        })
        .collect();
    let message = format!(
        "{} of {} requests {} were slower than the SLO ({}; threshold {}; from {metric})",
        format::count(slow),
        format::count(total),
        cx.window,
        format::percent(slow / total),
        format::percent(cx.config.slow_ratio)
    );
    vec![Finding::new(&API003, message, evidence)]
}

pub fn api004(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(family) = cx.dump.family("apiserver_request_terminations_total") else {
        return Vec::new();
    };
    let groups = sum_by(family, "", &["verb", "resource", "code"]);
    let total: f64 = groups.iter().map(|(_, v)| v).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let evidence = top_evidence(
        "apiserver_request_terminations_total",
        &["verb", "resource", "code"],
        groups.iter().map(|(k, v)| (k.as_slice(), *v)),
        5,
    );
    let message = format!(
        "the API server terminated {} requests {}",
        format::count(total),
        cx.window
    );
    vec![Finding::new(&API004, message, evidence)]
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    const REQUESTS: &str = "\
apiserver_request_total{code=\"200\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 950
apiserver_request_total{code=\"500\",verb=\"LIST\",resource=\"pods\",subresource=\"\"} 30
apiserver_request_total{code=\"503\",verb=\"GET\",resource=\"\",subresource=\"/readyz\"} 4
apiserver_request_total{code=\"429\",verb=\"LIST\",resource=\"secrets\",subresource=\"\"} 20
";

    #[test]
    fn errors_apart_from_health_endpoints() {
        assert_eq!(run("api001", REQUESTS), vec![
            "warning API001: 30 of 1,000 API requests since apiserver start were answered 5xx (3.00 %; threshold 1.00 %)",
            "warning API001: health endpoints (/healthz, /readyz, /livez) answered 5xx 4 times since apiserver start",
        ]);
        assert!(run("api001", "apiserver_request_total{code=\"200\"} 5\n").is_empty());
    }

    #[test]
    fn throttling() {
        let dump = format!("{REQUESTS}apiserver_flowcontrol_rejected_requests_total{{priority_level=\"workload-low\",flow_schema=\"service-accounts\",reason=\"queue-full\"}} 7\n");
        assert_eq!(run("api002", &dump), vec![
            "warning API002: 20 requests were refused with 429 Too Many Requests since apiserver start",
            "warning API002: API Priority and Fairness rejected 7 requests since apiserver start",
        ]);
    }

    #[test]
    fn slo_by_scope() {
        // 100 namespace-scoped LISTs: 90 within 1 s, 97 within 5 s → 3 slower than the 5 s SLO.
        let dump = "\
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{verb=\"LIST\",scope=\"namespace\",resource=\"pods\",le=\"1\"} 90
apiserver_request_duration_seconds_bucket{verb=\"LIST\",scope=\"namespace\",resource=\"pods\",le=\"5\"} 97
apiserver_request_duration_seconds_bucket{verb=\"LIST\",scope=\"namespace\",resource=\"pods\",le=\"+Inf\"} 100
apiserver_request_duration_seconds_bucket{verb=\"WATCH\",scope=\"namespace\",resource=\"pods\",le=\"+Inf\"} 100
";
        assert_eq!(run("api003", dump), vec!["warning API003: 3 of 100 requests since apiserver start were slower than the SLO (3.00 %; threshold 1.00 %; from apiserver_request_duration_seconds)"]);
        assert!(run("api003", &dump.replace("\"5\"} 97", "\"5\"} 100")).is_empty());
    }

    #[test]
    fn terminations() {
        assert_eq!(
            run("api004", "apiserver_request_terminations_total{verb=\"LIST\",resource=\"pods\",code=\"504\"} 2\n"),
            vec!["warning API004: the API server terminated 2 requests since apiserver start"]
        );
    }
}
