//! CLI001: the API server's own client (to etcd-adjacent services, webhooks, aggregated APIs).

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::{p99_by, sum_by};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&CLI001],
    run: Run::Metrics(cli001),
};

/// ## What it does
/// The 5xx (and connection error) share of `rest_client_requests_total`, and the p99 of
/// `rest_client_request_duration_seconds` per verb.
///
/// ## Why is this bad?
/// The control plane's own components talk to the API server through this client; errors and
/// latency here mean controllers and the scheduler are struggling.
pub const CLI001: Check = Check {
    id: "CLI001",
    severity: Severity::Warning,
    title: "control-plane client errors or latency",
    rationale: "The component's client calls to the API server fail or are slow: controllers, the scheduler and \
                the API server's own loopback clients fall behind.",
    remediation: "Correlate with API001–API003 (the server side of the same calls) and with APF throttling (API002).",
    reference: GUIDE,    needs: &[Need::Family(&["rest_client_requests_total", "rest_client_request_duration_seconds"])],
};

pub fn cli001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(family) = cx.dump.family("rest_client_requests_total") {
        let groups = sum_by(family, "", &["code"]);
        let total: f64 = groups.iter().map(|(_, v)| v).sum();
        let failed: f64 = groups
            .iter()
            .filter(|(k, _)| {
                k.first()
                    .is_some_and(|c| c.starts_with('5') || *c == "<error>")
            })
            .map(|(_, v)| v)
            .sum();
        if total > 0.0 && failed / total > cx.config.error_ratio {
            let message = format!(
                "{} of {} client requests {} failed with 5xx or a connection error ({}; threshold {})",
                format::count(failed),
                format::count(total),
                cx.window,
                format::percent(failed / total),
                format::percent(cx.config.error_ratio)
            );
            out.push(Finding::new(
                &CLI001,
                message,
                vec![Evidence::metric("rest_client_requests_total", &[], failed)],
            ));
        }
    }
    for (group, p99) in p99_by(cx.dump, "rest_client_request_duration_seconds", &["verb"]) {
        let verb = group.key(0);
        if p99 > cx.config.client_p99_seconds {
            let message = format!(
                "client {verb} requests: p99 {} {} (threshold {})",
                format::seconds(p99),
                cx.window,
                format::seconds(cx.config.client_p99_seconds)
            );
            out.push(Finding::new(
                &CLI001,
                message,
                vec![Evidence::metric(
                    "rest_client_request_duration_seconds",
                    &[("verb", verb), ("quantile", "0.99")],
                    p99,
                )],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    #[test]
    fn client_errors_and_latency() {
        let dump = "\
# TYPE rest_client_request_duration_seconds histogram
rest_client_requests_total{code=\"200\",host=\"[::1]:6443\",method=\"GET\"} 90
rest_client_requests_total{code=\"<error>\",host=\"[::1]:6443\",method=\"GET\"} 6
rest_client_requests_total{code=\"503\",host=\"[::1]:6443\",method=\"GET\"} 4
rest_client_request_duration_seconds_bucket{verb=\"GET\",host=\"[::1]:6443\",le=\"1\"} 90
rest_client_request_duration_seconds_bucket{verb=\"GET\",host=\"[::1]:6443\",le=\"4\"} 100
rest_client_request_duration_seconds_bucket{verb=\"GET\",host=\"[::1]:6443\",le=\"+Inf\"} 100
";
        assert_eq!(run("cli001", dump), vec![
            "warning CLI001: 10 of 100 client requests since apiserver start failed with 5xx or a connection error (10.00 %; threshold 1.00 %)",
            "warning CLI001: client GET requests: p99 3.70 s since apiserver start (threshold 1.00 s)",
        ]);
    }
}
