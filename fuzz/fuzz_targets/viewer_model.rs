//! The viewer's view-model functions: chart axes and version skew stay bounded for any value.
#![no_main]
use cpguard_core::report::ClusterReport;
use cpguard_viewer::model::{linear_ticks, log_position, log_ticks, nice_ceiling, skew, MAX_TICKS};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut f = data.chunks_exact(8).map(|c| {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        b
    });
    let (Some(a), Some(b)) = (f.next(), f.next()) else {
        return;
    };
    let (x, y) = (f64::from_le_bytes(a), f64::from_le_bytes(b));
    let high = nice_ceiling(x);
    assert!(high.is_finite() && high > 0.0, "{x} → {high}");
    assert!(log_ticks(0.001, high).len() <= MAX_TICKS);
    assert!(log_ticks(x, y).len() <= MAX_TICKS);
    let p = log_position(x, 0.001, high);
    assert!((0.0..=1.0).contains(&p), "{p}");
    let (lo, hi) = (i64::from_le_bytes(a), i64::from_le_bytes(b));
    assert!(linear_ticks(lo, hi).len() <= MAX_TICKS + 1);
    let text = String::from_utf8_lossy(data);
    let mut cluster = ClusterReport {
        control_plane_version: Some(text.lines().next().unwrap_or_default().to_owned()),
        ..ClusterReport::default()
    };
    for (i, line) in text.lines().skip(1).take(50).enumerate() {
        cluster.nodes_by_kubelet_version.insert(line.to_owned(), i);
    }
    let (_, rows) = skew(&cluster);
    assert_eq!(rows.len(), cluster.nodes_by_kubelet_version.len());
    let behinds: Vec<i64> = rows.iter().filter_map(|r| r.behind).collect();
    let lo = behinds.iter().copied().min().unwrap_or(0).min(0);
    let hi = behinds.iter().copied().max().unwrap_or(0).max(3);
    assert!(linear_ticks(lo, hi).len() <= MAX_TICKS + 1);
});
