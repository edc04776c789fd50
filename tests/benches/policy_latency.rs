//! Per-request `validate` latency of the shipped policies in the wasmtime host, after
//! instantiation, plus the artifact sizes. Run: `make bench-policies`.
//! (A bench binary, not Criterion: it reports percentiles, which is what an admission path cares about.)
// Test support: a panic is how a test reports failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use cpguard_tests::{artifact, root, Policy};
use serde_json::{json, Value};
use std::time::Instant;

fn fixture(policy: &str, name: &str) -> Vec<u8> {
    let path = root()
        .join("policies")
        .join(policy)
        .join("test_data")
        .join(name);
    let request: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
        .unwrap_or_default();
    serde_json::to_vec(&json!({ "request": request, "settings": {} })).unwrap_or_default()
}

fn main() {
    let cases = [
        (
            "unsafe-sysctls",
            "pod with 3 sysctls",
            "pod_safe_sysctls.json",
        ),
        (
            "unsafe-sysctls",
            "CronJob (rejected)",
            "cronjob_unsafe.json",
        ),
        (
            "webhook-guard",
            "5-webhook configuration",
            "vwc_five_webhooks.json",
        ),
        (
            "webhook-guard",
            "catch-all (rejected)",
            "vwc_catch_all_fail_closed.json",
        ),
    ];
    println!(
        "{:<16} {:<26} {:>9} {:>9} {:>9} {:>9}",
        "policy", "request", "p50 µs", "p90 µs", "p99 µs", "bytes in"
    );
    for (policy, label, file) in cases {
        let instance = Policy::load(policy).instance();
        let payload = fixture(policy, file);
        for _ in 0..2_000 {
            let _ = instance.call("validate", &payload);
        }
        let mut samples: Vec<f64> = (0..20_000)
            .map(|_| {
                let start = Instant::now();
                let out = instance.call("validate", &payload);
                let elapsed = start.elapsed().as_secs_f64() * 1e6;
                assert!(out.is_ok());
                elapsed
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a rank in 0..len
        let at = |q: f64| {
            samples
                .get(((samples.len() as f64 - 1.0) * q) as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        println!(
            "{policy:<16} {label:<26} {:>9.1} {:>9.1} {:>9.1} {:>9}",
            at(0.5),
            at(0.9),
            at(0.99),
            payload.len()
        );
    }
    // The host's own cost per call: a guest function that does nothing but answer "v1".
    let instance = Policy::load("webhook-guard").instance();
    let mut samples: Vec<f64> = (0..20_000)
        .map(|_| {
            let start = Instant::now();
            let _ = instance.call("protocol_version", b"");
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{:<16} {:<26} {:>9.1}   (the waPC host's fixed cost per call)",
        "host",
        "protocol_version",
        samples[samples.len() / 2]
    );
    for policy in ["unsafe-sysctls", "webhook-guard"] {
        let size = std::fs::metadata(artifact(policy))
            .map(|m| m.len())
            .unwrap_or_default();
        println!(
            "artifact {policy}: {size} bytes ({:.0} KiB)",
            size as f64 / 1024.0
        );
    }
}
