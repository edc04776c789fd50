//! A port of Prometheus' `histogram_quantile` for classic histograms: `BucketQuantile`,
//! `coalesceBuckets` and `ensureMonotonicAndIgnoreSmallDeltas` in `promql/quantile.go`, with
//! `almost.Equal` from `util/almost/almost.go`. A number here equals the one a user's Prometheus
//! shows for the same buckets.

/// One classic histogram bucket: `le` and its cumulative count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub upper_bound: f64,
    pub count: f64,
}

/// The result of [`bucket_quantile`], with Prometheus' two annotations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantile {
    pub value: f64,
    /// Bucket counts decreased somewhere and were forced monotonic (Prometheus warns
    /// "input to histogram_quantile needed to be fixed for monotonicity").
    pub forced_monotonic: bool,
    /// Differences below the tolerance were ignored as floating-point noise.
    pub fixed_precision: bool,
}

/// `smallDeltaTolerance` in `promql/quantile.go`.
const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

/// `util/almost.Equal`.
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE; // 2.2250738585072014e-308, Go's minNormal
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < epsilon * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

fn nan(value: f64) -> Quantile {
    Quantile {
        value,
        forced_monotonic: false,
        fixed_precision: false,
    }
}

/// `BucketQuantile(q, buckets)`: sorts by bound, requires a `+Inf` bucket, coalesces equal
/// bounds, forces monotonicity, then interpolates linearly inside the bucket holding the rank;
/// the lowest bucket starts at 0 (unless its bound is ≤ 0), and a rank in the `+Inf` bucket
/// yields the second-highest bound.
pub fn bucket_quantile(q: f64, buckets: &[Bucket]) -> Quantile {
    if q.is_nan() {
        return nan(f64::NAN);
    }
    if q < 0.0 {
        return nan(f64::NEG_INFINITY);
    }
    if q > 1.0 {
        return nan(f64::INFINITY);
    }
    let mut buckets = buckets.to_vec();
    buckets.sort_by(|a, b| a.upper_bound.total_cmp(&b.upper_bound));
    match buckets.last() {
        Some(last) if last.upper_bound == f64::INFINITY => {}
        _ => return nan(f64::NAN),
    }
    let mut buckets = coalesce(buckets);
    let (forced_monotonic, fixed_precision) = ensure_monotonic(&mut buckets, SMALL_DELTA_TOLERANCE);
    let with = |value| Quantile {
        value,
        forced_monotonic,
        fixed_precision,
    };
    let n = buckets.len();
    if n < 2 {
        return nan(f64::NAN);
    }
    let observations = buckets.last().map_or(0.0, |b| b.count);
    if observations == 0.0 {
        return nan(f64::NAN);
    }
    let mut rank = q * observations;
    // sort.Search(n-1, count >= rank): a binary search, as in Go. It equals a linear scan only
    // while the counts are monotonic; a NaN count breaks that, and then the probes decide.
    let b = go_sort_search(n - 1, |i| buckets.get(i).is_some_and(|x| x.count >= rank));
    if b == n - 1 {
        return with(buckets.get(n - 2).map_or(f64::NAN, |x| x.upper_bound));
    }
    let (Some(current), previous) = (
        buckets.get(b),
        b.checked_sub(1).and_then(|p| buckets.get(p)),
    ) else {
        return nan(f64::NAN);
    };
    if b == 0 && current.upper_bound <= 0.0 {
        return with(current.upper_bound);
    }
    let mut bucket_start = 0.0;
    let bucket_end = current.upper_bound;
    let mut count = current.count;
    if let Some(previous) = previous {
        bucket_start = previous.upper_bound;
        count -= previous.count;
        rank -= previous.count;
    }
    with(bucket_start + (bucket_end - bucket_start) * (rank / count))
}

/// Go's `sort.Search(n, f)` (`src/sort/search.go`): the smallest `i` in `0..n` for which `f(i)`
/// holds, found by bisection, or `n`; for a predicate that is not monotonic it returns what Go
/// returns because it probes the same indices in the same order.
fn go_sort_search(len: usize, holds: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        // Go: int(uint(i+j) >> 1), the same index without overflow.
        let mid = low + (high - low) / 2;
        if holds(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

/// `coalesceBuckets`: buckets with the same bound (from differing label sets) are summed.
fn coalesce(buckets: Vec<Bucket>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for bucket in buckets {
        match out.last_mut() {
            Some(last) if last.upper_bound == bucket.upper_bound => last.count += bucket.count,
            _ => out.push(bucket),
        }
    }
    out
}

/// `ensureMonotonicAndIgnoreSmallDeltas`: `prev` only moves on an accepted increase.
fn ensure_monotonic(buckets: &mut [Bucket], tolerance: f64) -> (bool, bool) {
    let (mut forced_monotonic, mut fixed_precision) = (false, false);
    let Some(first) = buckets.first() else {
        return (false, false);
    };
    let mut prev = first.count;
    for bucket in buckets.iter_mut().skip(1) {
        let curr = bucket.count;
        if curr == prev {
            continue;
        }
        if almost_equal(prev, curr, tolerance) {
            bucket.count = prev;
            fixed_precision = true;
            continue;
        }
        if curr < prev {
            bucket.count = prev;
            forced_monotonic = true;
            continue;
        }
        prev = curr;
    }
    (forced_monotonic, fixed_precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(list: &[(f64, f64)]) -> Vec<Bucket> {
        list.iter()
            .map(|&(upper_bound, count)| Bucket { upper_bound, count })
            .collect()
    }

    const INF: f64 = f64::INFINITY;

    /// `bucketQuantile` finds the bucket with `sort.Search(len(buckets)-1, func(i int) bool {
    /// return buckets[i].count >= rank })` (prometheus/prometheus `promql/quantile.go` at
    /// 01381a80115bde3f6dbb392123980d0bfadf49af): a binary search. With NaN counts (left as they
    /// are by the monotonicity pass, whose comparisons are all false for NaN) the bisection
    /// probes index 2 (NaN: false), then 3, and lands in the bucket after the NaNs, whose
    /// width over a NaN count gives NaN. A linear scan stopped at index 0 and gave 0.833.
    #[test]
    fn bucket_search_is_gos_binary_search() {
        let buckets = b(&[
            (1.0, 3.0),
            (2.0, f64::NAN),
            (4.0, f64::NAN),
            (8.0, 4.0),
            (INF, 5.0),
        ]);
        let q = bucket_quantile(0.5, &buckets);
        assert!(q.value.is_nan(), "{q:?}");
        assert!(!q.forced_monotonic && !q.fixed_precision, "{q:?}");
        // Monotonic counts: the same bucket as a linear scan (rank 2.5 in the first bucket).
        let fine = b(&[(1.0, 3.0), (2.0, 3.0), (4.0, 3.5), (8.0, 4.0), (INF, 5.0)]);
        assert!((bucket_quantile(0.5, &fine).value - 2.5 / 3.0).abs() < 1e-12);
        // sort.Search itself: first true index, n when none, bisection order on a non-monotone f.
        assert_eq!(go_sort_search(4, |i| i >= 2), 2);
        assert_eq!(go_sort_search(4, |_| false), 4);
        assert_eq!(go_sort_search(0, |_| true), 0);
        assert_eq!(go_sort_search(4, |i| i == 0 || i == 3), 3);
    }

    /// Buckets le 0.1/0.2/+Inf with counts 50/70/110, values worked out by hand from the
    /// formula in `BucketQuantile` (rank = q·count, linear inside the bucket holding it).
    #[test]
    fn interpolation_matches_prometheus() {
        let buckets = b(&[(0.1, 50.0), (0.2, 70.0), (INF, 110.0)]);
        // rank 0.25*110 = 27.5 in the first bucket, which starts at 0.
        assert!((bucket_quantile(0.25, &buckets).value - 0.055).abs() < 1e-12);
        // rank 0.5*110 = 55: bucket (0.1, 0.2], (55-50)/20 of the way.
        assert!((bucket_quantile(0.5, &buckets).value - 0.125).abs() < 1e-12);
        // rank 0.99*110 = 108.9 falls in +Inf: the second-highest bound.
        assert_eq!(bucket_quantile(0.99, &buckets).value, 0.2);
        assert_eq!(bucket_quantile(0.0, &buckets).value, 0.0);
        assert_eq!(bucket_quantile(1.0, &buckets).value, 0.2);
    }

    #[test]
    fn edge_cases() {
        let buckets = b(&[(0.1, 50.0), (0.2, 70.0), (INF, 110.0)]);
        assert!(bucket_quantile(f64::NAN, &buckets).value.is_nan());
        assert_eq!(bucket_quantile(-0.1, &buckets).value, f64::NEG_INFINITY);
        assert_eq!(bucket_quantile(1.1, &buckets).value, f64::INFINITY);
        // No +Inf bucket: NaN.
        assert!(bucket_quantile(0.5, &b(&[(0.1, 1.0), (0.2, 2.0)]))
            .value
            .is_nan());
        // Only +Inf: fewer than two buckets.
        assert!(bucket_quantile(0.5, &b(&[(INF, 3.0)])).value.is_nan());
        // No observations.
        assert!(bucket_quantile(0.5, &b(&[(0.1, 0.0), (INF, 0.0)]))
            .value
            .is_nan());
        // Unsorted input is sorted first.
        assert!(
            (bucket_quantile(0.5, &b(&[(INF, 110.0), (0.2, 70.0), (0.1, 50.0)])).value - 0.125)
                .abs()
                < 1e-12
        );
        // A lowest bound ≤ 0 is returned as is rather than interpolated from 0.
        assert_eq!(
            bucket_quantile(0.1, &b(&[(-1.0, 10.0), (1.0, 20.0), (INF, 20.0)])).value,
            -1.0
        );
    }

    #[test]
    fn equal_bounds_coalesce() {
        // Two series with the same le (e.g. after `sum without (instance)` missed a label).
        let q = bucket_quantile(
            0.5,
            &b(&[(0.1, 25.0), (0.1, 25.0), (0.2, 70.0), (INF, 110.0)]),
        );
        assert!((q.value - 0.125).abs() < 1e-12);
    }

    #[test]
    fn monotonicity_is_forced_and_reported() {
        let q = bucket_quantile(
            0.5,
            &b(&[(0.1, 60.0), (0.2, 50.0), (0.4, 80.0), (INF, 100.0)]),
        );
        assert!(q.forced_monotonic);
        assert!(!q.fixed_precision);
        // After the fix: 60, 60, 80, 100; rank 50 lies in the first bucket.
        assert!((q.value - 0.1 * 50.0 / 60.0).abs() < 1e-12);
        let q = bucket_quantile(
            0.5,
            &b(&[(0.1, 60.0), (0.2, 60.0 * (1.0 + 1e-14)), (INF, 100.0)]),
        );
        assert!(q.fixed_precision && !q.forced_monotonic);
    }
}
