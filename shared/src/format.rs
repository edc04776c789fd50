//! Numbers with units, as the report's messages write them.

/// `2.0 GiB`, `512.0 MiB`, `12 B`.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
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
    format!("{:.2} %", ratio * 100.0)
}

/// `12 ms`, `1.50 s`.
pub fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// `3 d 4 h`, `5 h 10 min`, `42 min`, `30 s`.
pub fn duration(s: f64) -> String {
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
}
