//! The renderers over any report that reads from JSON (the contract is also input: the viewer
//! reads reports back), through the shared invariants.
#![no_main]
#[path = "../../shared/tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(report) = serde_json::from_slice::<cpguard_core::report::Report>(data) {
        let outputs = invariants::check_report(&report);
        invariants::check_secrets(&report, &outputs, false);
    }
});
