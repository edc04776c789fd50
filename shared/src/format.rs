//! Numbers with units, as the report's messages write them. A non-finite value is written as
//! Prometheus writes it (`+Inf`, `-Inf`, `NaN`; see [`crate::number`]) in every function here.

use crate::number::special;

/// A plain value as Prometheus writes it: `1.5`, `+Inf`, `NaN`.
pub fn value(v: f64) -> String {
    special(v).map_or_else(|| v.to_string(), str::to_owned)
}

/// `v` to `digits` decimals: `1.50`, `+Inf`.
pub fn fixed(v: f64, digits: usize) -> String {
    special(v).map_or_else(|| format!("{v:.digits$}"), str::to_owned)
}

/// `2.0 GiB`, `512.0 MiB`, `12 B`.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    if let Some(text) = special(n) {
        return format!("{text} B");
    }
    let mut value = n;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

/// `1.23 %`.
pub fn percent(ratio: f64) -> String {
    if let Some(text) = special(ratio * 100.0) {
        return format!("{text} %");
    }
    format!("{:.2} %", ratio * 100.0)
}

/// `12 ms`, `1.50 s`.
pub fn seconds(s: f64) -> String {
    if let Some(text) = special(s) {
        return format!("{text} s");
    }
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// `3 d 4 h`, `5 h 10 min`, `42 min`, `30 s`.
pub fn duration(s: f64) -> String {
    if let Some(text) = special(s) {
        return format!("{text} s");
    }
    let s = s.max(0.0);
    let (d, h, m) = (
        (s / 86_400.0).floor(),
        ((s % 86_400.0) / 3600.0).floor(),
        ((s % 3600.0) / 60.0).floor(),
    );
    if d >= 1.0 {
        format!("{d:.0} d {h:.0} h")
    } else if h >= 1.0 {
        format!("{h:.0} h {m:.0} min")
    } else if m >= 1.0 {
        format!("{m:.0} min")
    } else {
        format!("{s:.0} s")
    }
}

/// `12,345`.
pub fn count(n: f64) -> String {
    if let Some(text) = special(n) {
        return text.to_owned();
    }
    let whole = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(bytes(2_147_483_648.0), "2.0 GiB");
        assert_eq!(bytes(2_093_056.0), "2.0 MiB");
        assert_eq!(bytes(12.0), "12 B");
        assert_eq!(percent(0.012_34), "1.23 %");
        assert_eq!(seconds(0.012), "12 ms");
        assert_eq!(seconds(1.5), "1.50 s");
        assert_eq!(duration(3.0 * 86_400.0 + 4.0 * 3600.0 + 5.0), "3 d 4 h");
        assert_eq!(duration(5.0 * 3600.0 + 600.0), "5 h 10 min");
        assert_eq!(count(1_234_567.0), "1,234,567");
        assert_eq!(count(12.0), "12");
    }

    #[test]
    fn non_finite_and_extreme_values_read_as_prometheus_writes_them() {
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(1.5), "1.5");
        assert_eq!(bytes(f64::INFINITY), "+Inf B");
        assert_eq!(bytes(f64::NAN), "NaN B");
        assert_eq!(percent(f64::NAN), "NaN %");
        assert_eq!(percent(f64::MAX), "+Inf %");
        assert_eq!(seconds(f64::NEG_INFINITY), "-Inf s");
        assert_eq!(duration(f64::INFINITY), "+Inf s");
        assert_eq!(count(f64::NAN), "NaN");
        // The largest finite values stay bounded text (309 digits and their commas).
        assert_eq!(count(f64::MAX).len(), 309 + 102);
        assert_eq!(
            bytes(f64::MAX),
            format!("{:.1} TiB", f64::MAX / 1024f64.powi(4))
        );
        assert!(duration(f64::MAX).ends_with(" h"));
    }
}
