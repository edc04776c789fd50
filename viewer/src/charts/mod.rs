//! Charts as inline SVG (no chart library, nothing fetched), one component per file. Every
//! chart has a title and a text description for screen readers, and prints its numbers.

pub mod etcd_gauge;
pub mod latency;
pub mod objects;
pub mod skew;
pub mod support;
pub mod webhooks;

/// Chart width in SVG units; charts scale to their box.
pub const WIDTH: f64 = 640.0;
/// Room for row labels on the left of bar charts.
pub const LABEL: f64 = 190.0;
/// Room for the value printed after a bar.
pub const VALUE: f64 = 90.0;

/// Shortens a label to `n` characters (SVG text does not wrap); the full text goes in `<title>`.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// An SVG coordinate, to one decimal.
pub fn at(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_clipped_with_an_ellipsis() {
        assert_eq!(super::clip("validate.kyverno.svc-fail", 10), "validate.…");
        assert_eq!(super::clip("short", 10), "short");
    }
}
