//! The metrics parser and every metrics check, through the shared invariants.
#![no_main]
#[path = "../../shared/tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = cpguard_core::metrics::parse(&text);
    assert!(parsed.diagnostics.len() <= cpguard_core::metrics::MAX_DIAGNOSTICS + 1);
    invariants::check_metrics(&text);
});
