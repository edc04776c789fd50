//! The report as terminal text, as Markdown and as JSON; the CLI prints them, the viewer exports them.

use crate::checks::{Severity, REGISTRY};
use crate::escape::{markdown as md, markdown_code, text as t};
use crate::format;
use crate::report::{ClusterReport, CoverageStatus, Finding, MetricsReport, Report, Window};
use std::fmt::Write as _;

fn window_words(window: Option<&Window>) -> String {
    match window {
        None => "-".to_owned(),
        Some(
            w @ Window::SinceStart {
                uptime_seconds: None,
            },
        ) => {
            format!("{} (uptime unknown: give --taken-at)", w.words())
        }
        Some(w) => w.words(),
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
        t(m.kubernetes_version.as_deref().unwrap_or("version unknown")),
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
            t(&etcd.source_metric)
        );
    }
    if let Some(r) = &m.rates {
        let _ = writeln!(
            out,
            "rates over {}: {} requests/s",
            format::duration(r.seconds),
            format::fixed(r.requests_per_second, 2)
        );
        if let (Some(ratio), Some(burn)) = (r.error_ratio, r.error_budget_burn) {
            let _ = writeln!(out, "  5xx {} = {}× a 1 % error budget (kubernetes-mixin pages at 14.4× over 1 h, 6× over 6 h; tickets at 3× and 1×)", format::percent(ratio), format::fixed(burn, 1));
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
                t(&v.verb),
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
                t(&r.verb),
                t(&r.resource),
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
            .map(|o| format!("{} {}", t(&o.resource), format::count(o.count)))
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
                t(&w.kind),
                t(&w.name),
                format::count(w.count),
                quantile(w.p50),
                quantile(w.p90),
                quantile(w.p99)
            );
        }
    }
}

fn cluster_text(out: &mut String, c: &ClusterReport) {
    let kinds: Vec<String> = c
        .kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", t(k)))
        .collect();
    let _ = writeln!(
        out,
        "\ncluster: {} objects ({})",
        format::count(c.objects as f64),
        kinds.join(", ")
    );
    if let Some(v) = &c.control_plane_version {
        let _ = writeln!(out, "control plane {}", t(v));
    }
    if !c.nodes_by_kubelet_version.is_empty() {
        let nodes: Vec<String> = c
            .nodes_by_kubelet_version
            .iter()
            .map(|(v, n)| format!("{} ×{n}", t(v)))
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
        let _ = writeln!(out, "{}", t(&p.line()));
    }
    if !c.webhooks.is_empty() {
        let _ = writeln!(out, "admission webhooks:");
        for w in &c.webhooks {
            let _ = writeln!(
                out,
                "  {} {} (failurePolicy {}, timeout {} s)",
                t(&w.configuration),
                t(&w.name),
                t(&w.failure_policy),
                w.timeout_seconds
            );
        }
    }
}

/// The checks that did not run, grouped by status and reason, in registry order of the
/// first of each group: ("ETCD002, SA001", "no data: ...").
fn not_checked(report: &Report) -> Vec<(String, String)> {
    let mut groups: Vec<(Vec<&str>, String)> = Vec::new();
    for c in report
        .coverage
        .iter()
        .filter(|c| c.status != CoverageStatus::Evaluated)
    {
        let why = format!(
            "{}: {}",
            match c.status {
                CoverageStatus::NoData => "no data",
                _ => "not applicable",
            },
            c.reason.as_deref().unwrap_or_default()
        );
        match groups.iter_mut().find(|(_, w)| *w == why) {
            Some((ids, _)) => ids.push(&c.check),
            None => groups.push((vec![&c.check], why)),
        }
    }
    groups
        .into_iter()
        .map(|(ids, why)| (ids.join(", "), why))
        .collect()
}

/// Which inputs were unusable and how many checks could run, under the counts.
fn coverage_head(report: &Report, markdown: bool) -> String {
    let mut out = String::new();
    for u in &report.unusable_inputs {
        let name = u.file.as_deref().unwrap_or(&u.input);
        if markdown {
            let _ = writeln!(out, "\n**Unusable input** ({name}): {}", md(&u.reason));
        } else {
            let _ = writeln!(out, "unusable input ({name}): {}", u.reason);
        }
    }
    let (ran, all) = report.evaluated();
    if ran < all {
        if markdown {
            let _ = writeln!(
                out,
                "\n{ran} of {all} checks could run (see *Not checked*)."
            );
        } else {
            let _ = writeln!(
                out,
                "{ran} of {all} checks could run (see \"not checked\" below)"
            );
        }
    }
    out
}

fn not_checked_text(out: &mut String, report: &Report) {
    let groups = not_checked(report);
    if !groups.is_empty() {
        let (ran, all) = report.evaluated();
        let _ = writeln!(out, "\nnot checked ({} of {all}):", all - ran);
        for (ids, why) in groups {
            let _ = writeln!(out, "  {ids}: {why}");
        }
    }
}

fn not_checked_markdown(out: &mut String, report: &Report) {
    let groups = not_checked(report);
    if !groups.is_empty() {
        let _ = writeln!(out, "\n### Not checked\n");
        for (ids, why) in groups {
            let _ = writeln!(out, "- {ids}: {}", md(&why));
        }
    }
}

/// Grouped by severity, numbers with units.
pub fn text(report: &Report) -> String {
    let mut out = format!("cpguard: {}\n", counts(report));
    out.push_str(&coverage_head(report, false));
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
            let _ = writeln!(out, "           {}", t(&f.message));
            if let Some(source) = &f.source {
                let _ = writeln!(out, "           source: {}", t(source));
            }
            for e in f.evidence.iter().take(5) {
                let _ = writeln!(out, "           evidence: {}", t(&e.line()));
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
    if let Some(s) = &report.support {
        let _ = writeln!(out, "\n{}", t(&s.line()));
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{} notes on the input:", report.diagnostics.len());
        for d in report.diagnostics.iter().take(20) {
            let _ = writeln!(
                out,
                "  {} line {}: {}",
                t(d.file.as_deref().unwrap_or(&d.input)),
                d.line,
                t(&d.message)
            );
        }
    }
    not_checked_text(&mut out, report);
    out.trim_end().to_owned()
}

/// For a ticket: a summary table, then each finding with evidence and the fix.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("## cpguard report\n\n{}\n", counts(report));
    out.push_str(&coverage_head(report, true));
    if let Some(m) = &report.metrics {
        let _ = writeln!(
            out,
            "\n- Kubernetes: {}\n- Window: {}",
            md(m.kubernetes_version.as_deref().unwrap_or("unknown")),
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
        let _ = writeln!(out, "\n- {}", md(&p.line()));
    }
    if let Some(s) = &report.support {
        let _ = writeln!(out, "\n- {}", md(&s.line()));
    }
    if !report.findings.is_empty() {
        out.push_str("\n| severity | check | finding |\n|---|---|---|\n");
        for f in &report.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                f.severity.as_str(),
                f.check,
                md(&f.message)
            );
        }
        for f in &report.findings {
            let _ = writeln!(
                out,
                "\n### {} {} ({})\n\n{}\n",
                f.check,
                f.title,
                f.severity.as_str(),
                md(&f.message)
            );
            if let Some(source) = &f.source {
                let _ = writeln!(out, "Source: {}\n", md(source));
            }
            for e in &f.evidence {
                let _ = writeln!(out, "- {}", markdown_code(&e.line()));
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
                md(&v.verb),
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
                md(&d.input),
                d.line,
                md(&d.message)
            );
        }
    }
    not_checked_markdown(&mut out, report);
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

/// The report as JSON: the contract of `docs/report.md`, the same bytes from the CLI and the viewer.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}
