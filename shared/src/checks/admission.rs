//! ADM001–ADM003: admission webhooks and controllers as the API server measures them.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::{at, p99_by, sum_by};
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&ADM001, &ADM002, &ADM003],
    run: Run::Metrics(|cx| {
        let mut findings = Vec::new();
        findings.extend(adm001(cx));
        findings.extend(adm002(cx));
        findings.extend(adm003(cx));
        findings
    }),
};

/// ## What it does
/// p99 of `apiserver_admission_webhook_admission_duration_seconds` per webhook, against its
/// timeout (10 s unless configured).
///
/// ## Why is this bad?
/// A webhook near its timeout is about to fail every request it sees (or fail open silently).
pub const ADM001: Check = Check {
    id: "ADM001",
    severity: Severity::Warning,
    title: "admission webhook near its timeout",
    rationale: "A webhook whose p99 approaches its timeout adds that latency to every matching request and will \
                soon time out: fail-closed webhooks then reject writes, fail-open ones silently skip their checks.",
    remediation: "Make the webhook faster (more replicas, closer to the API server, no slow calls in the handler), \
                  narrow its rules and selectors, and keep timeoutSeconds low.",
    reference: GUIDE,    needs: &[Need::Events(&["apiserver_admission_webhook_admission_duration_seconds"])],
};

/// ## What it does
/// `apiserver_admission_webhook_rejection_count` by `error_type` (`calling_webhook_error` and
/// `apiserver_internal_error` mean the webhook itself failed) and
/// `apiserver_admission_webhook_fail_open_count`.
///
/// ## Why is this bad?
/// A failing webhook blocks writes (fail closed) or silently stops enforcing (fail open).
pub const ADM002: Check = Check {
    id: "ADM002",
    severity: Severity::Warning,
    title: "admission webhook failing",
    rationale: "Calls to the webhook failed: fail-closed webhooks turned those into rejected writes, fail-open ones \
                let requests through unchecked.",
    remediation: "Check the webhook's Pods, Service and certificates; until it is healthy consider failurePolicy: \
                  Ignore and a namespaceSelector that excludes kube-system.",
    reference: GUIDE,    needs: &[Need::Events(&["apiserver_admission_webhook_rejection_count", "apiserver_admission_webhook_fail_open_count"])],
};

/// ## What it does
/// p99 of `apiserver_admission_controller_admission_duration_seconds` per admission controller.
///
/// ## Why is this bad?
/// Built-in admission runs on every write; a slow one slows them all.
pub const ADM003: Check = Check {
    id: "ADM003",
    severity: Severity::Warning,
    title: "slow admission controller",
    rationale: "Admission controllers run on every matching write; a slow one (often ResourceQuota or a \
                plugin waiting on etcd) adds its latency to all of them.",
    remediation: "Check the controller named in the evidence; ResourceQuota with many quotas and LimitRanger with \
                  many objects are common causes.",
    reference: GUIDE,    needs: &[Need::Family(&["apiserver_admission_controller_admission_duration_seconds"])],
};

pub fn adm001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    p99_by(
        cx.dump,
        "apiserver_admission_webhook_admission_duration_seconds",
        &["name", "type"],
    )
    .into_iter()
    .filter_map(|(group, p99)| {
        let name = group.key(0);
        let kind = group.key(1);
        // The webhook's own timeout when its configuration was given (matched by kind and
        // name: a validating and a mutating webhook may share a name), else the default.
        let (timeout, whose) = match cx.webhook_timeouts.lookup(kind, name) {
            Some((t, 1)) => (t.seconds, format!("its ({})", t.configuration)),
            Some((t, n)) => (
                t.seconds,
                format!("the lowest of {n} configured ({})", t.configuration),
            ),
            None => (cx.config.webhook_timeout_seconds, "the default".to_owned()),
        };
        (p99 >= cx.config.webhook_timeout_fraction * timeout).then(|| {
            let message = format!(
                "{kind} webhook {name:?}: p99 {} {} over {} calls, {} of {whose} {} timeout",
                format::seconds(p99),
                cx.window,
                format::count(group.count()),
                format::percent(p99 / timeout),
                format::seconds(timeout)
            );
            Finding::new(
                &ADM001,
                message,
                vec![Evidence::metric(
                    "apiserver_admission_webhook_admission_duration_seconds",
                    &[("name", name), ("type", kind), ("quantile", "0.99")],
                    p99,
                )],
            )
        })
    })
    .collect()
}

pub fn adm002(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(family) = cx
        .dump
        .family("apiserver_admission_webhook_rejection_count")
    {
        for (key, value) in sum_by(family, "", &["name", "error_type"]) {
            let (name, error_type) = (at(&key, 0), at(&key, 1));
            if value > 0.0
                && matches!(
                    error_type,
                    "calling_webhook_error" | "apiserver_internal_error"
                )
            {
                let message = format!(
                    "webhook {name:?} failed {} times ({error_type}) {}",
                    format::count(value),
                    cx.window
                );
                out.push(Finding::new(
                    &ADM002,
                    message,
                    vec![Evidence::metric(
                        "apiserver_admission_webhook_rejection_count",
                        &[("name", name), ("error_type", error_type)],
                        value,
                    )],
                ));
            }
        }
    }
    if let Some(family) = cx
        .dump
        .family("apiserver_admission_webhook_fail_open_count")
    {
        for (key, value) in sum_by(family, "", &["name"]) {
            let name = at(&key, 0);
            if value > 0.0 {
                let message = format!("webhook {name:?} failed open {} times {}: those requests were admitted unchecked", format::count(value), cx.window);
                out.push(Finding::new(
                    &ADM002,
                    message,
                    vec![Evidence::metric(
                        "apiserver_admission_webhook_fail_open_count",
                        &[("name", name)],
                        value,
                    )],
                ));
            }
        }
    }
    out
}

pub fn adm003(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    p99_by(
        cx.dump,
        "apiserver_admission_controller_admission_duration_seconds",
        &["name", "type"],
    )
    .into_iter()
    .filter_map(|(group, p99)| {
        let name = group.key(0);
        let kind = group.key(1);
        (p99 > cx.config.admission_controller_p99_seconds).then(|| {
            let message = format!(
                "admission controller {name} ({kind}): p99 {} {} (threshold {})",
                format::seconds(p99),
                cx.window,
                format::seconds(cx.config.admission_controller_p99_seconds)
            );
            Finding::new(
                &ADM003,
                message,
                vec![Evidence::metric(
                    "apiserver_admission_controller_admission_duration_seconds",
                    &[("name", name), ("type", kind), ("quantile", "0.99")],
                    p99,
                )],
            )
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    /// cert-manager names its validating and its mutating webhook alike; each metric series
    /// (`type="validate"` or `type="admit"`) is judged against its own configuration's timeout.
    #[test]
    fn timeouts_are_keyed_by_kind_configuration_and_name() {
        use crate::checks::MetricsContext;
        use crate::config::Config;
        use crate::metrics::timeouts::{WebhookKind, WebhookTimeouts};
        let dump = "\
# TYPE apiserver_admission_webhook_admission_duration_seconds histogram
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"validate\",le=\"2.5\"} 90
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"validate\",le=\"10\"} 100
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"validate\",le=\"+Inf\"} 100
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"admit\",le=\"2.5\"} 90
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"admit\",le=\"10\"} 100
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"webhook.cert-manager.io\",type=\"admit\",le=\"+Inf\"} 100
";
        let parsed = crate::metrics::parse(dump);
        let config = Config::default();
        let mut timeouts = WebhookTimeouts::default();
        timeouts.insert(
            WebhookKind::Validating,
            "ValidatingWebhookConfiguration/cert-manager-webhook".to_owned(),
            "webhook.cert-manager.io",
            30.0,
        );
        timeouts.insert(
            WebhookKind::Mutating,
            "MutatingWebhookConfiguration/cert-manager-webhook".to_owned(),
            "webhook.cert-manager.io",
            10.0,
        );
        let cx = MetricsContext {
            dump: &parsed,
            config: &config,
            window: "since apiserver start",
            webhook_timeouts: &timeouts,
            rates: None,
        };
        let messages: Vec<String> = super::adm001(&cx).into_iter().map(|f| f.message).collect();
        // p99 9.25 s: 31 % of the validating webhook's 30 s (no finding), 92.5 % of the mutating one's 10 s.
        assert_eq!(messages, vec!["admit webhook \"webhook.cert-manager.io\": p99 9.25 s since apiserver start over 100 calls, 92.50 % of its (MutatingWebhookConfiguration/cert-manager-webhook) 10.00 s timeout"]);
        // Keyed by name alone, the mutating timeout (inserted last) judged both, or the
        // validating one neither: swap them and only the validating series stays quiet.
        let mut swapped = WebhookTimeouts::default();
        swapped.insert(
            WebhookKind::Validating,
            "ValidatingWebhookConfiguration/a".to_owned(),
            "webhook.cert-manager.io",
            10.0,
        );
        swapped.insert(
            WebhookKind::Validating,
            "ValidatingWebhookConfiguration/b".to_owned(),
            "webhook.cert-manager.io",
            12.0,
        );
        swapped.insert(
            WebhookKind::Mutating,
            "MutatingWebhookConfiguration/cert-manager-webhook".to_owned(),
            "webhook.cert-manager.io",
            30.0,
        );
        let cx = MetricsContext {
            webhook_timeouts: &swapped,
            ..cx
        };
        let messages: Vec<String> = super::adm001(&cx).into_iter().map(|f| f.message).collect();
        assert_eq!(messages, vec!["validate webhook \"webhook.cert-manager.io\": p99 9.25 s since apiserver start over 100 calls, 92.50 % of the lowest of 2 configured (ValidatingWebhookConfiguration/a) 10.00 s timeout"]);
    }

    #[test]
    fn webhook_latency_failures_and_controllers() {
        let dump = "\
# TYPE apiserver_admission_webhook_admission_duration_seconds histogram
# TYPE apiserver_admission_controller_admission_duration_seconds histogram
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"slow.example.com\",type=\"validating\",operation=\"CREATE\",rejected=\"false\",le=\"2.5\"} 90
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"slow.example.com\",type=\"validating\",operation=\"CREATE\",rejected=\"false\",le=\"10\"} 100
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"slow.example.com\",type=\"validating\",operation=\"CREATE\",rejected=\"false\",le=\"+Inf\"} 100
apiserver_admission_webhook_rejection_count{name=\"slow.example.com\",error_type=\"calling_webhook_error\",rejection_code=\"0\",type=\"validating\",operation=\"CREATE\"} 12
apiserver_admission_webhook_rejection_count{name=\"policy.example.com\",error_type=\"no_error\",rejection_code=\"400\",type=\"validating\",operation=\"CREATE\"} 3
apiserver_admission_webhook_fail_open_count{name=\"audit.example.com\",type=\"validating\"} 2
apiserver_admission_controller_admission_duration_seconds_bucket{name=\"ResourceQuota\",type=\"validate\",operation=\"CREATE\",rejected=\"false\",le=\"0.5\"} 10
apiserver_admission_controller_admission_duration_seconds_bucket{name=\"ResourceQuota\",type=\"validate\",operation=\"CREATE\",rejected=\"false\",le=\"2.5\"} 20
apiserver_admission_controller_admission_duration_seconds_bucket{name=\"ResourceQuota\",type=\"validate\",operation=\"CREATE\",rejected=\"false\",le=\"+Inf\"} 20
";
        // p99: rank 99 in (2.5, 10]: 2.5 + 7.5 * 9/10 = 9.25 s.
        assert_eq!(run("adm001", dump), vec!["warning ADM001: validating webhook \"slow.example.com\": p99 9.25 s since apiserver start over 100 calls, 92.50 % of the default 10.00 s timeout"]);
        assert_eq!(run("adm002", dump), vec![
            "warning ADM002: webhook \"slow.example.com\" failed 12 times (calling_webhook_error) since apiserver start",
            "warning ADM002: webhook \"audit.example.com\" failed open 2 times since apiserver start: those requests were admitted unchecked",
        ]);
        // p99: rank 19.8 in (0.5, 2.5]: 0.5 + 2 * 9.8/10 = 2.46 s.
        assert_eq!(run("adm003", dump), vec!["warning ADM003: admission controller ResourceQuota (validate): p99 2.46 s since apiserver start (threshold 500 ms)"]);
    }
}
