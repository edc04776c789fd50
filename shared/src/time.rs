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

/// `2026-11-27T15:04:05Z`, `2026-11-27T15:04:05.5+01:00`, or `1764255845`.
pub fn parse(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
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
        (clock, sign * (num(h)? * 3600 + num(m)? * 60))
    };
    let mut hms = clock.splitn(3, ':');
    let (h, mi, s) = (
        num(hms.next()?)?,
        num(hms.next()?)?,
        hms.next()?.parse::<f64>().ok()?,
    );
    if !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
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
    use super::parse;

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
}
