//! Hostile and arbitrary input to the metrics parser and `histogram_quantile`: no panic,
//! bounded work, and diagnostics that point at real lines.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use cpguard_core::metrics::quantile::{bucket_quantile, Bucket};
use cpguard_core::metrics::{parse, summary, DiagnosticLevel};
use proptest::prelude::*;

fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// Lines that look like exposition text, some broken on purpose.
fn near_valid_line() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "up",
        "http_requests_total",
        "rpc_seconds_bucket",
        "a:b:c",
        "_x",
        "9bad",
        "",
    ]);
    let label = ("[a-z_]{0,6}", "[ -~]{0,8}")
        .prop_map(|(k, v)| format!("{k}=\"{}\"", v.replace('"', "\\\"")));
    let labels = prop::collection::vec(label, 0..4).prop_map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", l.join(","))
        }
    });
    let value = prop::sample::select(vec![
        "1",
        "-2.5e3",
        "NaN",
        "+Inf",
        "-inf",
        "0x1p3",
        "",
        "1 1700000000000",
        "3 # {a=\"b\"} 1",
    ]);
    let comment = prop::sample::select(vec![
        "# HELP up Up.",
        "# TYPE rpc_seconds histogram",
        "# TYPE x bogus",
        "# EOF",
        "#",
        "# UNIT x seconds",
        "# HELP \"quoted.name\" h",
    ]);
    prop_oneof![
        4 => (name, labels, value).prop_map(|(n, l, v)| format!("{n}{l} {v}")),
        1 => comment.prop_map(str::to_owned),
        1 => "[ -~\t]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let parsed = parse(&text);
        let lines = line_count(&text);
        for d in &parsed.diagnostics {
            prop_assert!(d.line >= 1 && (d.line as usize) <= lines, "{d:?}");
        }
        prop_assert!(parsed.sample_count() <= lines);
    }

    #[test]
    fn near_valid_text_is_read_line_by_line(lines in prop::collection::vec(near_valid_line(), 0..40), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let parsed = parse(&text);
        // Every non-blank, non-comment line before `# EOF` is either a sample or an error.
        let mut expected = 0;
        for line in &lines {
            let l = line.trim_start_matches([' ', '\t']);
            if l.starts_with("# EOF") && l.trim() == "# EOF" { break; }
            if !l.is_empty() && !l.starts_with('#') { expected += 1; }
        }
        let errors = parsed.diagnostics.iter().filter(|d| d.level == DiagnosticLevel::Error).count();
        prop_assert_eq!(parsed.sample_count() + errors, expected);
        // Checks and summaries run on whatever was read.
        let _ = summary::requests_by_verb(&parsed);
        let _ = summary::etcd_size(&parsed, summary::DEFAULT_QUOTA_BYTES);
    }

    #[test]
    fn quantiles_stay_within_the_buckets(
        bounds in prop::collection::vec(-10.0f64..100.0, 1..8),
        counts in prop::collection::vec(0.0f64..1000.0, 1..8),
        q in 0.0f64..=1.0,
    ) {
        let mut buckets: Vec<Bucket> = bounds.iter().zip(&counts).map(|(&b, &c)| Bucket { upper_bound: b, count: c }).collect();
        buckets.push(Bucket { upper_bound: f64::INFINITY, count: counts.iter().copied().fold(0.0, f64::max) + 1.0 });
        let result = bucket_quantile(q, &buckets).value;
        let lowest = bounds.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
        let highest = bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(result.is_nan() || (result >= lowest && result <= highest), "{result} not in [{lowest}, {highest}]");
    }
}

#[test]
fn huge_label_value() {
    let value = "x".repeat(16 << 20);
    let text = format!("big{{l=\"{value}\"}} 1\nafter 2\n");
    let parsed = parse(&text);
    assert!(parsed.diagnostics.is_empty());
    let sample = &parsed.family("big").unwrap().samples[0];
    assert_eq!(sample.label("l").map(|v| v.len()), Some(16 << 20));
    assert_eq!(parsed.family("after").unwrap().samples[0].value, 2.0);
}

#[test]
fn a_million_series_of_one_family() {
    let mut text = String::from("# TYPE req_total counter\n");
    for i in 0..1_000_000 {
        text.push_str("req_total{pod=\"p");
        text.push_str(&i.to_string());
        text.push_str("\"} 1\n");
    }
    let parsed = parse(&text);
    assert_eq!(parsed.families.len(), 1);
    assert_eq!(parsed.sample_count(), 1_000_000);
    assert_eq!(
        parsed.family("req_total").unwrap().samples[999_999]
            .label("pod")
            .as_deref(),
        Some("p999999")
    );
}

#[test]
fn broken_histograms_behave_as_in_prometheus() {
    let text = "# TYPE apiserver_request_duration_seconds histogram\n\
        apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"0.1\"} NaN\n\
        apiserver_request_duration_seconds_bucket{verb=\"GET\",le=\"+Inf\"} NaN\n\
        apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"0.1\"} 5\n\
        apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"1\"} 3\n\
        apiserver_request_duration_seconds_bucket{verb=\"LIST\",le=\"+Inf\"} 10\n\
        apiserver_request_duration_seconds_bucket{verb=\"PUT\",le=\"0.1\"} 5\n\
        apiserver_request_duration_seconds_bucket{verb=\"PUT\",le=\"1\"} 9\n";
    let verbs = summary::requests_by_verb(&parse(text));
    let get = |v: &str| verbs.iter().find(|x| x.verb == v).unwrap();
    // NaN counts, as Prometheus' BucketQuantile treats them: the rank q·NaN matches no bucket,
    // so the second-highest bound is returned (the count is NaN, so not a finite total).
    assert_eq!(get("GET").p50, Some(0.1));
    assert!(get("GET").count.is_nan());
    // Decreasing buckets are forced monotonic (5, 5, 10): p50 is rank 5 in the first bucket.
    assert_eq!(get("LIST").p50, Some(0.1));
    assert!(
        bucket_quantile(
            0.5,
            &[
                Bucket {
                    upper_bound: 0.1,
                    count: 5.0
                },
                Bucket {
                    upper_bound: 1.0,
                    count: 3.0
                },
                Bucket {
                    upper_bound: f64::INFINITY,
                    count: 10.0
                }
            ]
        )
        .forced_monotonic
    );
    // No +Inf bucket: no quantile, and no count.
    assert_eq!((get("PUT").count, get("PUT").p99), (0.0, None));
}
