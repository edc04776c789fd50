//! The cluster loader on YAML (anything not starting with `{`/`[`), then the cluster checks.
#![no_main]
#[path = "../../shared/tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_cluster(&text);
});
