//! Time parsing: never panics (no overflow), and what it accepts formats and reads back.
#![no_main]
use cpguard_core::time::{format_rfc3339, parse, EARLIEST, LATEST};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(t) = parse(&text) {
        assert!(t.is_finite());
        // Offsets may move a time just past the years 0000–9999 by less than a day.
        assert!((EARLIEST - 86_400.0..=LATEST + 86_400.0).contains(&t), "{text:?} → {t}");
        let written = format_rfc3339(t);
        let back = parse(&written).unwrap_or_else(|| panic!("{written} does not read back"));
        assert!((back - t.floor().clamp(EARLIEST, LATEST)).abs() < 1.0, "{text:?} → {t} → {written} → {back}");
    }
    if data.len() == 8 {
        let mut b = [0u8; 8];
        b.copy_from_slice(data);
        let _ = format_rfc3339(f64::from_le_bytes(b));
    }
});
