//! Times as users write them: RFC 3339 or Unix seconds.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The times [`parse`] accepts and [`format_rfc3339`] writes: years 0000 to 9999, RFC 3339's
/// four digits. Bounding them keeps every product below in range (no overflow).
pub const EARLIEST: f64 = -62_167_219_200.0; // 0000-01-01T00:00:00Z
pub const LATEST: f64 = 253_402_300_799.0; // 9999-12-31T23:59:59Z

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` (1–12) of year `y`.
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix seconds as `2026-11-27T15:04:05Z` (whole seconds, UTC): what [`parse`] reads back.
/// Times outside years 0000–9999 (and NaN) are clamped to that range.
pub fn format_rfc3339(seconds: f64) -> String {
    let seconds = if seconds.is_nan() {
        0.0
    } else {
        seconds.clamp(EARLIEST, LATEST)
    };
    #[allow(clippy::cast_possible_truncation)]
    let total = seconds.floor() as i64;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `2026-11-27T15:04:05Z`, `2026-11-27T15:04:05.5+01:00`, or `1764255845`.
pub fn parse(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.parse::<f64>() {
        return (EARLIEST..=LATEST).contains(&seconds).then_some(seconds);
    }
    let num = |s: &str| s.parse::<i64>().ok();
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let mut parts = date.splitn(3, '-');
    let (y, mo, d) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next()?)?,
    );
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (clock, zone) = rest.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone.get(1..)?.split_once(':')?;
        let (h, m) = (num(h)?, num(m)?);
        // RFC 3339: `time-numoffset = ("+" / "-") time-hour ":" time-minute`.
        if !(0..24).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        (clock, sign * (h * 3600 + m * 60))
    };
    let mut hms = clock.splitn(3, ':');
    let (h, mi, s) = (
        num(hms.next()?)?,
        num(hms.next()?)?,
        hms.next()?.parse::<f64>().ok()?,
    );
    if !(0..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=days_in_month(y, mo)).contains(&d)
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0.0..61.0).contains(&s)
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some((days * 86_400 + h * 3600 + mi * 60 - offset) as f64 + s)
}

#[cfg(test)]
mod tests {
    use super::{format_rfc3339, parse};

    #[test]
    fn formats_what_it_parses() {
        assert_eq!(format_rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_795_780_800.9), "2026-11-27T12:00:00Z");
        assert_eq!(format_rfc3339(951_782_400.0), "2000-02-29T00:00:00Z");
        for t in [0.0, 951_782_400.0, 1_795_780_800.0, 4_102_444_799.0] {
            assert_eq!(parse(&format_rfc3339(t)), Some(t));
        }
    }

    #[test]
    fn rfc3339_and_unix() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse("2026-11-27T15:04:05Z"), Some(1_795_791_845.0));
        assert_eq!(parse("2026-11-27T16:04:05+01:00"), Some(1_795_791_845.0));
        assert_eq!(parse("2026-11-27T15:04:05.5Z"), Some(1_795_791_845.5));
        assert_eq!(parse("1795791845"), Some(1_795_791_845.0));
        assert_eq!(parse("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse("yesterday"), None);
    }

    /// Huge years and offsets once overflowed the day and second arithmetic (a panic in a
    /// debug build, a wrapped time in release); 31 February was read as 3 March.
    #[test]
    fn impossible_and_extreme_times_are_refused() {
        assert_eq!(parse("2026-02-31T00:00:00Z"), None);
        assert_eq!(parse("2026-04-31T00:00:00Z"), None);
        assert_eq!(parse("2025-02-29T00:00:00Z"), None);
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800.0));
        assert_eq!(parse("2000-02-29T00:00:00Z"), Some(951_782_400.0));
        assert_eq!(parse("1900-02-29T00:00:00Z"), None);
        assert_eq!(parse("9223372036854775807-01-01T00:00:00Z"), None);
        assert_eq!(parse("-9223372036854775808-01-01T00:00:00Z"), None);
        assert_eq!(parse("10000-01-01T00:00:00Z"), None);
        assert_eq!(parse("2026-01-01T00:00:00+9223372036854775807:00"), None);
        assert_eq!(parse("2026-01-01T00:00:00+24:00"), None);
        assert_eq!(parse("2026-01-01T00:00:00-23:59"), Some(1_767_311_940.0));
        assert_eq!(parse("1e308"), None);
        assert_eq!(parse("-1e308"), None);
        assert_eq!(parse("NaN"), None);
        assert_eq!(parse("inf"), None);
        assert_eq!(parse("9999-12-31T23:59:59Z"), Some(super::LATEST));
        assert_eq!(parse("0000-01-01T00:00:00Z"), Some(super::EARLIEST));
        assert_eq!(format_rfc3339(f64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(f64::MIN), "0000-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(f64::NAN), "1970-01-01T00:00:00Z");
    }
}
