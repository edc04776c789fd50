//! The invariants every hostile input must keep, shared by the stable tests
//! (`shared/tests/hostile.rs`) and the coverage-guided fuzz targets (`fuzz/`): no panic, no
//! hang (a time bound per input), JSON that reads back to the same report, no control
//! character in terminal text, Markdown with no raw HTML, and no planted credential in any
//! output.
#![allow(dead_code, clippy::panic)]

use cpguard_core::report::Report;
use cpguard_core::{analyze, render, ClusterInput, Config, Inputs, MetricsInput};
use std::time::{Duration, Instant};

/// Credentials planted in inputs by the tests and the fuzz dictionaries, each recognisable by
/// its content alone (a password like `hunter2` is not: only the `password:` before it tells,
/// and tests check that case where they plant it); none may appear in a diagnostic.
pub const PLANTED: &[&str] = &[
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAIOSFODNN7EXAMPLE",
    "c3VwZXJzZWNyZXRwYXNzd29yZDEyMzQ=",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
];

/// Generous: the slowest legitimate input of the replay corpus takes milliseconds.
pub const TIME_BOUND: Duration = Duration::from_secs(10);

/// Where a planted credential may legitimately appear: nowhere. Returns the outputs, checked.
pub fn check_report(report: &Report) -> [String; 3] {
    let json = render::json(report);
    let back: Report = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("the JSON does not read back: {e}\n{json}"));
    assert_eq!(render::json(&back), json, "the JSON does not round-trip");
    let text = render::text(report);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "control character in terminal text: {text:?}"
    );
    let markdown = render::markdown(report);
    for line in markdown.lines() {
        // Evidence lines are code spans (inert); the reference is cpguard's own autolink.
        if line.starts_with("- `") || line.starts_with("Reference: <") {
            continue;
        }
        let mut previous = ' ';
        for c in line.chars() {
            assert!(
                !(c == '<' && previous != '\\'),
                "raw `<` in Markdown: {line:?}"
            );
            previous = c;
        }
    }
    [json, text, markdown]
}

/// No planted credential in a diagnostic; `strict` extends it to every output (for inputs
/// whose credentials are only in places no report shows: Secret data, unreadable lines).
pub fn check_secrets(report: &Report, outputs: &[String; 3], strict: bool) {
    for d in &report.diagnostics {
        for p in PLANTED {
            assert!(
                !d.message.contains(p),
                "diagnostic echoes {p}: {}",
                d.message
            );
        }
    }
    if strict {
        for out in outputs {
            for p in PLANTED {
                assert!(!out.contains(p), "output echoes {p}");
            }
        }
    }
}

fn check_inputs(inputs: &Inputs<'_>, size: usize) {
    let start = Instant::now();
    let report = analyze(inputs, &Config::default())
        .unwrap_or_else(|e| panic!("default settings are valid: {e}"));
    let outputs = check_report(&report);
    check_secrets(&report, &outputs, false);
    assert!(
        start.elapsed() < TIME_BOUND,
        "{:?} for {size} bytes",
        start.elapsed()
    );
}

/// `text` as a metrics dump, within the time bound.
pub fn check_metrics(text: &str) {
    check_inputs(
        &Inputs {
            metrics: Some(MetricsInput {
                text,
                taken_at: Some(1_795_780_800.0),
            }),
            ..Inputs::default()
        },
        text.len(),
    );
}

/// `text` as a cluster export, within the time bound.
pub fn check_cluster(text: &str) {
    let cluster = [ClusterInput { name: "fuzz", text }];
    check_inputs(
        &Inputs {
            cluster: &cluster,
            ..Inputs::default()
        },
        text.len(),
    );
}

/// `text` as a metrics dump, as a cluster export, and as a time.
pub fn check_input(text: &str) {
    check_metrics(text);
    check_cluster(text);
    if let Some(t) = cpguard_core::time::parse(text) {
        assert!(t.is_finite());
        let _ = cpguard_core::time::format_rfc3339(t);
    }
}
