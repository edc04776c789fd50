//! The cluster loader on JSON: the input is wrapped as a List's items, so the per-item path
//! (one bad item costs only itself) is what gets fuzzed.
#![no_main]
#[path = "../../shared/tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_cluster(&format!("{{\"kind\":\"List\",\"items\":[{text}]}}"));
    if text.trim_start().starts_with(['{', '[']) {
        invariants::check_cluster(&text);
    }
});
