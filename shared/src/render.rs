//! The report as terminal text, as Markdown and as JSON; the CLI prints them, the viewer exports them.

use crate::checks::{Severity, REGISTRY};
use crate::cluster::report::ClusterReport;
use crate::format;
use crate::report::{Finding, MetricsReport, Report, Window};
use std::fmt::Write as _;

fn window_words(window: Option<&Window>) -> String {
    match window {
        Some(Window::SinceStart {
            uptime_seconds: Some(up),
        }) => format!("since apiserver start (up {})", format::duration(*up)),
        Some(Window::SinceStart {
            uptime_seconds: None,
        }) => "since apiserver start (uptime unknown: give --taken-at)".to_owned(),
        Some(Window::BetweenDumps { seconds }) => {
            format!("the {} between the two dumps", format::duration(*seconds))
        }
        None => "-".to_owned(),
    }
}

fn counts(report: &Report) -> String {
    let n = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} findings ({} critical, {} warning, {} info)",
        report.findings.len(),
        n(Severity::Critical),
        n(Severity::Warning),
        n(Severity::Info)
    )
}

fn quantile(q: Option<f64>) -> String {
    q.map_or_else(|| "-".to_owned(), format::seconds)
}

fn metrics_text(out: &mut String, m: &MetricsReport) {
    let _ = writeln!(
        out,
        "\nKubernetes {} · {} samples · window: {}",
        m.kubernetes_version.as_deref().unwrap_or("version unknown"),
        format::count(m.samples as f64),
        window_words(m.window.as_ref())
    );
    if let Some(etcd) = &m.etcd {
        let _ = writeln!(
            out,
            "etcd database: {} of {} ({}) from {}",
            format::bytes(etcd.db_size_bytes),
            format::bytes(etcd.quota_bytes),
            format::percent(etcd.db_size_bytes / etcd.quota_bytes),
            etcd.source_metric
        );
    }
    if let Some(r) = &m.rates {
        let _ = writeln!(
            out,
            "rates over {}: {:.2} requests/s",
            format::duration(r.seconds),
            r.requests_per_second
        );
        if let (Some(ratio), Some(burn)) = (r.error_ratio, r.error_budget_burn) {
            let _ = writeln!(out, "  5xx {} = {burn:.1}× a 1 % error budget (kubernetes-mixin pages at 14.4× over 1 h, 6× over 6 h; tickets at 3× and 1×)", format::percent(ratio));
        }
        if let Some(slow) = r.slow_ratio {
            let _ = writeln!(out, "  slower than the SLO: {}", format::percent(slow));
        }
        if let Some(growth) = r.db_growth_bytes_per_second {
            let until = r.seconds_until_quota.map_or_else(
                || "not growing".to_owned(),
                |s| format!("quota in {}", format::duration(s)),
            );
            let _ = writeln!(
                out,
                "  etcd growth: {}/h, {until}",
                format::bytes(growth * 3600.0)
            );
        }
    }
    if !m.requests_by_verb.is_empty() {
        let _ = writeln!(
            out,
            "\nrequest latency by verb ({}):",
            window_words(m.window.as_ref())
        );
        let _ = writeln!(
            out,
            "  {:<10} {:>12} {:>9} {:>9} {:>9}",
            "verb", "count", "p50", "p90", "p99"
        );
        for v in &m.requests_by_verb {
            let _ = writeln!(
                out,
                "  {:<10} {:>12} {:>9} {:>9} {:>9}",
                v.verb,
                format::count(v.count),
                quantile(v.p50),
                quantile(v.p90),
                quantile(v.p99)
            );
        }
    }
    if !m.requests_by_resource.is_empty() {
        let _ = writeln!(out, "\nbusiest resources:");
        let _ = writeln!(
            out,
            "  {:<10} {:<40} {:>12} {:>9} {:>9} {:>9}",
            "verb", "resource", "count", "p50", "p90", "p99"
        );
        for r in m.requests_by_resource.iter().take(10) {
            let _ = writeln!(
                out,
                "  {:<10} {:<40} {:>12} {:>9} {:>9} {:>9}",
                r.verb,
                r.resource,
                format::count(r.count),
                quantile(r.p50),
                quantile(r.p90),
                quantile(r.p99)
            );
        }
    }
    if !m.objects.is_empty() {
        let top: Vec<String> = m
            .objects
            .iter()
            .take(5)
            .map(|o| format!("{} {}", o.resource, format::count(o.count)))
            .collect();
        let _ = writeln!(out, "\nlargest object counts: {}", top.join(", "));
    }
    webhooks_text(out, m);
}

fn webhooks_text(out: &mut String, m: &MetricsReport) {
    if !m.webhooks.is_empty() {
        let _ = writeln!(out, "\nadmission webhook latency (slowest p99 first):");
        for w in m.webhooks.iter().take(10) {
            let timeout = w.timeout_seconds.map_or_else(String::new, |t| {
                format!(" (timeout {})", format::seconds(t))
            });
            let _ = writeln!(
                out,
                "  {} {}: {} calls, p50 {} p90 {} p99 {}{timeout}",
                w.kind,
                w.name,
                format::count(w.count),
                quantile(w.p50),
                quantile(w.p90),
                quantile(w.p99)
            );
        }
    }
}

fn cluster_text(out: &mut String, c: &ClusterReport) {
    let kinds: Vec<String> = c.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        out,
        "\ncluster: {} objects ({})",
        format::count(c.objects as f64),
        kinds.join(", ")
    );
    if let Some(v) = &c.control_plane_version {
        let _ = writeln!(out, "control plane {v}");
    }
    if !c.nodes_by_kubelet_version.is_empty() {
        let nodes: Vec<String> = c
            .nodes_by_kubelet_version
            .iter()
            .map(|(v, n)| format!("{v} ×{n}"))
            .collect();
        let _ = writeln!(out, "kubelets: {}", nodes.join(", "));
    }
    if c.services.total > 0 {
        let _ = writeln!(
            out,
            "services: {} ({} headless, {} ExternalName)",
            c.services.total, c.services.headless, c.services.external_name
        );
    }
    if let Some(p) = &c.policy_reports {
        let _ = writeln!(out, "{}", p.line());
    }
    if !c.webhooks.is_empty() {
        let _ = writeln!(out, "admission webhooks:");
        for w in &c.webhooks {
            let _ = writeln!(
                out,
                "  {} {} (failurePolicy {}, timeout {} s)",
                w.configuration, w.name, w.failure_policy, w.timeout_seconds
            );
        }
    }
}

/// Grouped by severity, numbers with units.
pub fn text(report: &Report) -> String {
    let mut out = format!("cpguard: {}\n", counts(report));
    for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", severity.as_str().to_ascii_uppercase());
        for f in group {
            let _ = writeln!(out, "  {:<8} {}", f.check, f.title);
            let _ = writeln!(out, "           {}", f.message);
            if let Some(source) = &f.source {
                let _ = writeln!(out, "           source: {source}");
            }
            for e in f.evidence.iter().take(5) {
                let _ = writeln!(out, "           evidence: {}", e.line());
            }
            let _ = writeln!(out, "           fix: {}", f.remediation);
        }
    }
    if let Some(m) = &report.metrics {
        metrics_text(&mut out, m);
    }
    if let Some(c) = &report.cluster {
        cluster_text(&mut out, c);
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{} notes on the input:", report.diagnostics.len());
        for d in report.diagnostics.iter().take(20) {
            let _ = writeln!(
                out,
                "  {} line {}: {}",
                d.file.as_deref().unwrap_or(&d.input),
                d.line,
                d.message
            );
        }
    }
    out.trim_end().to_owned()
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// For a ticket: a summary table, then each finding with evidence and the fix.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("## cpguard report\n\n{}\n", counts(report));
    if let Some(m) = &report.metrics {
        let _ = writeln!(
            out,
            "\n- Kubernetes: {}\n- Window: {}",
            m.kubernetes_version.as_deref().unwrap_or("unknown"),
            window_words(m.window.as_ref())
        );
        if let Some(etcd) = &m.etcd {
            let _ = writeln!(
                out,
                "- etcd database: {} of {} ({})",
                format::bytes(etcd.db_size_bytes),
                format::bytes(etcd.quota_bytes),
                format::percent(etcd.db_size_bytes / etcd.quota_bytes)
            );
        }
    }
    if let Some(p) = report
        .cluster
        .as_ref()
        .and_then(|c| c.policy_reports.as_ref())
    {
        let _ = writeln!(out, "\n- {}", md_escape(&p.line()));
    }
    if !report.findings.is_empty() {
        out.push_str("\n| severity | check | finding |\n|---|---|---|\n");
        for f in &report.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                f.severity.as_str(),
                f.check,
                md_escape(&f.message)
            );
        }
        for f in &report.findings {
            let _ = writeln!(
                out,
                "\n### {} {} ({})\n\n{}\n",
                f.check,
                f.title,
                f.severity.as_str(),
                f.message
            );
            if let Some(source) = &f.source {
                let _ = writeln!(out, "Source: {source}\n");
            }
            for e in &f.evidence {
                let _ = writeln!(out, "- `{}`", e.line());
            }
            let _ = writeln!(
                out,
                "\n**Fix:** {}\n\nReference: <{}>",
                f.remediation, f.reference
            );
        }
    }
    if let Some(m) = report
        .metrics
        .as_ref()
        .filter(|m| !m.requests_by_verb.is_empty())
    {
        out.push_str("\n### Request latency by verb\n\n| verb | count | p50 | p90 | p99 |\n|---|---:|---:|---:|---:|\n");
        for v in &m.requests_by_verb {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                v.verb,
                format::count(v.count),
                quantile(v.p50),
                quantile(v.p90),
                quantile(v.p99)
            );
        }
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n### Input lines not read\n");
        for d in &report.diagnostics {
            let _ = writeln!(
                out,
                "- {} line {}: {}",
                d.input,
                d.line,
                md_escape(&d.message)
            );
        }
    }
    out.trim_end().to_owned()
}

pub fn catalogue_text() -> String {
    let mut out = String::new();
    for check in REGISTRY {
        let _ = writeln!(
            out,
            "{:<8} {:<9} {}",
            check.id,
            check.severity.as_str(),
            check.title
        );
    }
    out
}

pub fn catalogue_json() -> String {
    let checks: Vec<serde_json::Value> = REGISTRY
        .iter()
        .map(|c| serde_json::json!({"id": c.id, "severity": c.severity, "title": c.title, "rationale": c.rationale, "remediation": c.remediation, "reference": c.reference}))
        .collect();
    serde_json::to_string_pretty(&checks).unwrap_or_default() + "\n"
}

/// The report as JSON: the contract in DESIGN.md, the same bytes from the CLI and the viewer.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}
