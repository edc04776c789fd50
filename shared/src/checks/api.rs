//! API001–API005: what the API server's own request counters and histograms say.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::{at, histogram_by, sum_by, top_evidence};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&API001, &API002, &API003, &API004, &API005],
    run: Run::Metrics(|cx| {
        let mut findings = Vec::new();
        findings.extend(api001(cx));
        findings.extend(api002(cx));
        findings.extend(api003(cx));
        findings.extend(api004(cx));
        findings.extend(api005(cx));
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
/// Requests refused with 429, and `apiserver_flowcontrol_rejected_requests_total`, each as a
/// share of `apiserver_request_total`'s answers: above `throttledRatio` (1 %) only, so a few
/// 429s since the server started are no finding.
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
    reference: GUIDE,    needs: &[Need::Family(&["apiserver_request_total"])],
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
/// `apiserver_request_terminations_total`: requests the API server dropped (timeouts, APF), as
/// a share of all requests (answered plus terminated); above 20 % (`terminatedRatio`), as
/// kubernetes-mixin's `KubeAPITerminatedRequests`.
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

/// ## What it does
/// With two dumps: 5xx answers plus requests slower than their SLO (API003's), over the
/// requests of the window, against a 99 % availability objective (`availabilityObjective`),
/// as kubernetes-mixin's `KubeAPIErrorBudgetBurn`: read (GET, LIST) and write (POST, PUT,
/// PATCH, DELETE) burn rates summed, then compared with the factors of its window pairs: 14.4
/// (1 h / 5 min) and 6 (6 h / 30 min) critical, 3 (1 d / 2 h) and 1 (3 d / 6 h) warning. The
/// span between the dumps stands for the long window of each pair it covers; it cannot tell
/// the short window apart (one figure per span), so a burn that stopped within the span still
/// counts. A span shorter than 1 h stands for no pair: the check is then not evaluated
/// (coverage says why) rather than pretending a few minutes are an hour.
///
/// ## Why is this bad?
/// At 14.4× the month's error budget is gone in about two days; at 1× exactly in the month.
pub const API005: Check = Check {
    id: "API005",
    severity: Severity::Critical,
    title: "API server error budget burning",
    rationale: "Failed (5xx) and too-slow requests together consume the API server's 99 % availability budget \
                faster than kubernetes-mixin's KubeAPIErrorBudgetBurn allows: at 14.4× the month's budget is gone \
                in about two days.",
    remediation: "See API001 (which requests fail) and API003 (which are slow); then etcd (ETCD003), admission \
                  webhooks (ADM001/ADM002) and aggregated APIs (AGG001). Take the dumps again to see whether the \
                  burn continues.",
    reference: GUIDE,
    needs: &[
        Need::Family(&["apiserver_request_total"]),
        Need::TwoDumps { min_seconds: 3_600 },
    ],
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

/// Every answer of `apiserver_request_total` (all codes, health endpoints too): the
/// denominator of API002's and API004's ratios.
fn all_requests(cx: &MetricsContext<'_, '_>) -> Option<f64> {
    let family = cx.dump.family("apiserver_request_total")?;
    Some(
        family
            .series("")
            .map(|s| s.value)
            .filter(|v| !v.is_nan())
            .sum(),
    )
}

pub fn api002(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(total) = all_requests(cx).filter(|t| *t > 0.0) else {
        return out;
    };
    let limit = cx.config.throttled_ratio;
    if let Some(family) = cx.dump.family("apiserver_request_total") {
        let throttled: f64 = family
            .series("")
            .filter(|s| s.label("code").as_deref() == Some("429"))
            .map(|s| s.value)
            .filter(|v| !v.is_nan())
            .sum();
        if throttled > 0.0 && throttled / total > limit {
            let message = format!(
                "{} of {} requests were refused with 429 Too Many Requests {} ({}; threshold {})",
                format::count(throttled),
                format::count(total),
                cx.window,
                format::percent(throttled / total),
                format::percent(limit)
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
        if rejected > 0.0 && rejected / total > limit {
            let evidence = top_evidence(
                "apiserver_flowcontrol_rejected_requests_total",
                &["priority_level", "flow_schema", "reason"],
                groups.iter().map(|(k, v)| (k.as_slice(), *v)),
                5,
            );
            let message = format!(
                "API Priority and Fairness rejected {} requests {} ({} of the {} answered; threshold {})",
                format::count(rejected),
                cx.window,
                format::percent(rejected / total),
                format::count(total),
                format::percent(limit)
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
    let terminated: f64 = groups.iter().map(|(_, v)| v).sum();
    // As KubeAPITerminatedRequests: terminated / (answered + terminated).
    let total = all_requests(cx).unwrap_or(0.0) + terminated;
    if terminated <= 0.0 || terminated / total <= cx.config.terminated_ratio {
        return Vec::new();
    }
    let evidence = top_evidence(
        "apiserver_request_terminations_total",
        &["verb", "resource", "code"],
        groups.iter().map(|(k, v)| (k.as_slice(), *v)),
        5,
    );
    let message = format!(
        "the API server terminated {} of {} requests {} ({}; threshold {})",
        format::count(terminated),
        format::count(total),
        cx.window,
        format::percent(terminated / total),
        format::percent(cx.config.terminated_ratio)
    );
    vec![Finding::new(&API004, message, evidence)]
}

/// kubernetes-mixin's `KubeAPIErrorBudgetBurn` window pairs: (long, short, factor, severity),
/// most urgent first.
pub const BURN_WINDOWS: [(u32, u32, f64, Severity); 4] = [
    (3_600, 300, 14.4, Severity::Critical),
    (21_600, 1_800, 6.0, Severity::Critical),
    (86_400, 7_200, 3.0, Severity::Warning),
    (259_200, 21_600, 1.0, Severity::Warning),
];

/// "1 h", "5 min", "3 d" for the pairs' windows.
fn window_name(seconds: u32) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s => format!("{} min", s / 60),
    }
}

/// One class of verbs of the mixin's burn rate (read: GET and LIST; write: the mutating
/// verbs): its requests, 5xx answers and too-slow requests in the window.
#[derive(Debug, Default, PartialEq)]
struct Burn {
    total: f64,
    errors: f64,
    slow: f64,
}

impl Burn {
    /// `(too slow + errors) / requests`, as `apiserver_request:burnrate<window>`.
    fn ratio(&self) -> f64 {
        if self.total > 0.0 {
            (self.slow + self.errors) / self.total
        } else {
            0.0
        }
    }
}

const READ: &[&str] = &["GET", "LIST"];
const WRITE: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

/// The read and write burn of the window, from [`error_counts`] and [`slow_counts`].
/// Also the histogram the slow requests come from.
fn burns(cx: &MetricsContext<'_, '_>) -> Option<(Burn, Burn, &'static str)> {
    let groups = request_groups(cx.dump)?;
    let slow = slow_counts(cx);
    let class = |verbs: &[&str]| {
        let mine: Vec<_> = groups
            .iter()
            .filter(|(key, _)| verbs.contains(&at(key, 1)))
            .cloned()
            .collect();
        let counts = error_counts(&mine);
        let slow = slow.as_ref().map_or(0.0, |s| {
            s.worst
                .iter()
                .filter(|(verb, ..)| verbs.contains(&verb.as_str()))
                .map(|(_, _, late, _)| late)
                .sum()
        });
        Burn {
            total: counts.total,
            errors: counts.errors,
            slow,
        }
    };
    let metric = slow
        .as_ref()
        .map_or("apiserver_request_duration_seconds", |s| s.metric);
    Some((class(READ), class(WRITE), metric))
}

pub fn api005(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(span) = cx.rates.map(|r| r.seconds) else {
        return Vec::new();
    };
    let Some((read, write, slow_metric)) = burns(cx) else {
        return Vec::new();
    };
    let budget = 1.0 - cx.config.availability_objective;
    if budget <= 0.0 {
        return Vec::new();
    }
    // The mixin sums the read and write burn rates.
    let burn = (read.ratio() + write.ratio()) / budget;
    // A span stands for every pair whose long window it covers (the short window cannot be
    // told apart from it: one figure per span); shorter spans stand for none (coverage says so).
    let Some(&(long, short, factor, severity)) = BURN_WINDOWS
        .iter()
        .find(|(long, _, factor, _)| span >= f64::from(*long) && burn > *factor)
    else {
        return Vec::new();
    };
    let message = format!(
        "the API server burned its error budget {:.1}× as fast as a {} objective allows {} (read: {} 5xx and {} too slow of {}; write: {} 5xx and {} too slow of {}): over KubeAPIErrorBudgetBurn's {}× for its {} / {} pair, whose {} long window the span covers (its {} short window cannot be checked apart)",
        burn,
        format::percent(cx.config.availability_objective),
        cx.window,
        format::count(read.errors),
        format::count(read.slow),
        format::count(read.total),
        format::count(write.errors),
        format::count(write.slow),
        format::count(write.total),
        factor,
        window_name(long),
        window_name(short),
        window_name(long),
        window_name(short)
    );
    let evidence = [("read", &read), ("write", &write)]
        .iter()
        .flat_map(|(verbs, b)| {
            [
                Evidence::metric(
                    "apiserver_request_total",
                    &[("verb", verbs), ("code", "5xx")],
                    b.errors,
                ),
                Evidence::metric(
                    slow_metric,
                    &[("verb", verbs), ("slower_than", "SLO")],
                    b.slow,
                ),
            ]
        })
        .filter(|e| matches!(e, Evidence::Metric { value, .. } if *value > 0.0))
        .collect();
    vec![Finding::with_severity(&API005, severity, message, evidence)]
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
    fn throttling_judged_by_ratio() {
        // 20 429s of 1,004 answers: 1.99 %, over the 1 % default; 7 APF rejections: 0.70 %, under.
        let dump = format!("{REQUESTS}apiserver_flowcontrol_rejected_requests_total{{priority_level=\"workload-low\",flow_schema=\"service-accounts\",reason=\"queue-full\"}} 7\n");
        assert_eq!(run("api002", &dump), vec![
            "warning API002: 20 of 1,004 requests were refused with 429 Too Many Requests since apiserver start (1.99 %; threshold 1.00 %)",
        ]);
        // 70 rejections: 6.97 % of 1,004.
        let more = dump.replace("} 7\n", "} 70\n");
        let found = run("api002", &more);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1], "warning API002: API Priority and Fairness rejected 70 requests since apiserver start (6.97 % of the 1,004 answered; threshold 1.00 %)");
        // 5 429s of 1,000,005 answers: a few since the server started are no finding.
        let few = "apiserver_request_total{code=\"200\"} 1000000\napiserver_request_total{code=\"429\"} 5\n";
        assert!(run("api002", few).is_empty());
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
    fn terminations_judged_by_ratio() {
        // KubeAPITerminatedRequests: 2 / (1,004 + 2) = 0.20 %, far under 20 %.
        let terminated = "apiserver_request_terminations_total{verb=\"LIST\",resource=\"pods\",code=\"504\"} 2\n";
        assert!(run("api004", &format!("{REQUESTS}{terminated}")).is_empty());
        // 300 / (1,004 + 300) = 23.01 %: over.
        let many = terminated.replace("} 2", "} 300");
        assert_eq!(
            run("api004", &format!("{REQUESTS}{many}")),
            vec!["warning API004: the API server terminated 300 of 1,304 requests since apiserver start (23.01 %; threshold 20.00 %)"]
        );
        // 250 / 1,254 = 19.94 %: just under.
        let under = terminated.replace("} 2", "} 250");
        assert!(run("api004", &format!("{REQUESTS}{under}")).is_empty());
    }

    fn with_span(check: &str, dump: &str, seconds: f64) -> Vec<String> {
        let parsed = crate::metrics::parse(dump);
        let config = crate::config::Config::default();
        let timeouts = crate::metrics::timeouts::WebhookTimeouts::default();
        let rates = crate::report::Rates {
            seconds,
            requests_per_second: 0.0,
            error_ratio: None,
            slow_ratio: None,
            error_budget_burn: None,
            db_growth_bytes_per_second: None,
            seconds_until_quota: None,
        };
        let cx = crate::checks::MetricsContext {
            dump: &parsed,
            config: &config,
            window: "in the window",
            webhook_timeouts: &timeouts,
            rates: Some(&rates),
        };
        assert_eq!(check, "api005");
        super::api005(&cx)
            .iter()
            .map(|f| format!("{} {}: {}", f.severity.as_str(), f.check, f.message))
            .collect()
    }

    /// 1,000 reads (GET) and 1,000 writes (POST) in the window.
    fn window(read_5xx: u32, read_slow: u32, write_5xx: u32) -> String {
        format!(
            "\
apiserver_request_total{{code=\"200\",verb=\"GET\",resource=\"pods\",subresource=\"\"}} {}
apiserver_request_total{{code=\"500\",verb=\"GET\",resource=\"pods\",subresource=\"\"}} {read_5xx}
apiserver_request_total{{code=\"201\",verb=\"POST\",resource=\"pods\",subresource=\"\"}} {}
apiserver_request_total{{code=\"503\",verb=\"POST\",resource=\"pods\",subresource=\"\"}} {write_5xx}
apiserver_request_total{{code=\"200\",verb=\"GET\",resource=\"\",subresource=\"/readyz\"}} 500
# TYPE apiserver_request_sli_duration_seconds histogram
apiserver_request_sli_duration_seconds_bucket{{verb=\"GET\",scope=\"resource\",resource=\"pods\",le=\"1\"}} {}
apiserver_request_sli_duration_seconds_bucket{{verb=\"GET\",scope=\"resource\",resource=\"pods\",le=\"+Inf\"}} 1000
apiserver_request_sli_duration_seconds_bucket{{verb=\"POST\",scope=\"resource\",resource=\"pods\",le=\"1\"}} 1000
apiserver_request_sli_duration_seconds_bucket{{verb=\"POST\",scope=\"resource\",resource=\"pods\",le=\"+Inf\"}} 1000
",
            1000 - read_5xx,
            1000 - write_5xx,
            1000 - read_slow
        )
    }

    #[test]
    fn error_budget_burn_against_the_mixin_s_pairs() {
        // Read: (100 slow + 50 5xx) / 1,000 = 0.15; write: 20 / 1,000 = 0.02. Summed as the
        // mixin does: 0.17, over the 0.01 budget of a 99 % objective = 17× > 14.4: the 1 h /
        // 5 min pair, critical, when the span covers 1 h.
        let dump = window(50, 100, 20);
        assert_eq!(with_span("api005", &dump, 3_600.0), vec![
            "critical API005: the API server burned its error budget 17.0× as fast as a 99.00 % objective allows in the window (read: 50 5xx and 100 too slow of 1,000; write: 20 5xx and 0 too slow of 1,000): over KubeAPIErrorBudgetBurn's 14.4× for its 1 h / 5 min pair, whose 1 h long window the span covers (its 5 min short window cannot be checked apart)",
        ]);
        // 59 min: shorter than every long window, so nothing (coverage says the span is short).
        assert!(with_span("api005", &dump, 3_540.0).is_empty());
        // Read 40 / 1,000 = 0.04 → 4× : over 3 (1 d / 2 h, warning) when the span covers a day,
        // under 6 and 14.4; under 1 d only the 1 h and 6 h pairs apply: nothing.
        let dump = window(40, 0, 0);
        assert_eq!(with_span("api005", &dump, 86_400.0).len(), 1);
        assert!(with_span("api005", &dump, 86_400.0)[0].starts_with("warning API005: the API server burned its error budget 4.0×"));
        assert!(with_span("api005", &dump, 86_400.0)[0].contains("3× for its 1 d / 2 h pair"));
        assert!(with_span("api005", &dump, 6.0 * 3_600.0).is_empty());
        // 5 5xx reads: 0.5×, under every factor, even over 3 d.
        assert!(with_span("api005", &window(5, 0, 0), 3.0 * 86_400.0).is_empty());
        // One dump: no window.
        assert!(run("api005", &window(50, 100, 20)).is_empty());
    }
}
