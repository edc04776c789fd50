//! What the checks ask of a dump: sums and histograms grouped by labels, as PromQL's
//! `sum by (...)` then `histogram_quantile` would compute them.

use super::quantile::{bucket_quantile, Bucket};
use super::{parse_value, Family};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One group of a histogram: the `_bucket` series whose `by` labels have these values, summed
/// over every other label.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramGroup<'s> {
    pub key: Vec<Cow<'s, str>>,
    pub buckets: Vec<Bucket>,
}

/// The `i`th value of a group key ("" past the end).
pub fn at<'k>(key: &'k [Cow<'_, str>], i: usize) -> &'k str {
    key.get(i).map_or("", AsRef::as_ref)
}

impl HistogramGroup<'_> {
    /// The value of the `i`th `by` label.
    pub fn key(&self, i: usize) -> &str {
        at(&self.key, i)
    }

    /// Observations: the summed `+Inf` buckets.
    pub fn count(&self) -> f64 {
        self.buckets
            .iter()
            .filter(|b| b.upper_bound == f64::INFINITY)
            .map(|b| b.count)
            .sum()
    }

    /// `histogram_quantile(q, ...)`, or `None` when Prometheus would give NaN.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        Some(bucket_quantile(q, &self.buckets).value).filter(|v| !v.is_nan())
    }

    /// Observations at or below `bound`, from the bucket with the largest `le` ≤ `bound`
    /// (no interpolation: a conservative count of requests known to be fast enough).
    pub fn count_le(&self, bound: f64) -> f64 {
        let best = self
            .buckets
            .iter()
            .filter(|b| b.upper_bound <= bound)
            .map(|b| b.upper_bound)
            .fold(f64::NEG_INFINITY, f64::max);
        self.buckets
            .iter()
            .filter(|b| b.upper_bound == best)
            .map(|b| b.count)
            .sum()
    }
}

/// `sum by (by..., le) (family_bucket)`, grouped; series missing a `by` label group under "".
pub fn histogram_by<'s>(family: &'s Family<'_>, by: &[&str]) -> Vec<HistogramGroup<'s>> {
    let mut groups: BTreeMap<Vec<Cow<'s, str>>, Vec<Bucket>> = BTreeMap::new();
    for sample in family.series("_bucket") {
        let Some(le) = sample.label("le").as_deref().and_then(parse_value) else {
            continue;
        };
        let key: Vec<Cow<'s, str>> = by
            .iter()
            .map(|l| sample.label(l).unwrap_or_default())
            .collect();
        groups.entry(key).or_default().push(Bucket {
            upper_bound: le,
            count: sample.value,
        });
    }
    groups
        .into_iter()
        .map(|(key, buckets)| HistogramGroup { key, buckets })
        .collect()
}

/// `sum by (by...) (series)` over the plain (or suffixed) series of a family.
pub fn sum_by<'s>(
    family: &'s Family<'_>,
    suffix: &'s str,
    by: &[&str],
) -> Vec<(Vec<Cow<'s, str>>, f64)> {
    let mut groups: BTreeMap<Vec<Cow<'s, str>>, f64> = BTreeMap::new();
    for sample in family.series(suffix) {
        if sample.value.is_nan() {
            continue;
        }
        let key: Vec<Cow<'s, str>> = by
            .iter()
            .map(|l| sample.label(l).unwrap_or_default())
            .collect();
        *groups.entry(key).or_default() += sample.value;
    }
    groups.into_iter().collect()
}

/// Evidence for the largest groups: up to `n` series with a value above zero, largest first,
/// labelled with `names` (zipped with the first values of each key).
pub fn top_evidence<'k>(
    metric: &str,
    names: &[&str],
    groups: impl IntoIterator<Item = (&'k [Cow<'k, str>], f64)>,
    n: usize,
) -> Vec<crate::report::Evidence> {
    let mut groups: Vec<(&[Cow<'_, str>], f64)> =
        groups.into_iter().filter(|(_, v)| *v > 0.0).collect();
    groups.sort_by(|a, b| b.1.total_cmp(&a.1));
    groups
        .into_iter()
        .take(n)
        .map(|(key, value)| {
            let labels: Vec<(&str, &str)> = names
                .iter()
                .enumerate()
                .map(|(i, name)| (*name, at(key, i)))
                .collect();
            crate::report::Evidence::metric(metric, &labels, value)
        })
        .collect()
}

/// p99 of each group of a histogram family, as `histogram_quantile(0.99, sum by (by..., le))`
/// gives it; groups Prometheus would answer NaN for are left out, and so is an absent family.
pub fn p99_by<'s>(
    dump: &'s super::Exposition<'_>,
    metric: &str,
    by: &[&str],
) -> Vec<(HistogramGroup<'s>, f64)> {
    let Some(family) = dump.family(metric) else {
        return Vec::new();
    };
    histogram_by(family, by)
        .into_iter()
        .filter_map(|group| group.quantile(0.99).map(|p99| (group, p99)))
        .collect()
}
