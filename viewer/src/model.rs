//! What the views show, computed from the [`State`]: pure functions, tested natively.

use crate::state::{Input, Slot, State};
use cpguard_core::checks::versions::{allowed_skew, minor_version};
use cpguard_core::report::ClusterReport;
use cpguard_core::report::{Evidence, Finding, Report};
use cpguard_core::InputError;
use cpguard_core::Severity;
use std::rc::Rc;

/// Findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
}

pub fn counts(report: &Report) -> Counts {
    let mut c = Counts::default();
    for f in &report.findings {
        match f.severity {
            Severity::Critical => c.critical += 1,
            Severity::Warning => c.warning += 1,
            Severity::Info => c.info += 1,
        }
    }
    c
}

/// What a finding is about, for the table: the object, or the metric and its labels.
pub fn subject(finding: &Finding) -> String {
    finding
        .evidence
        .first()
        .map(Evidence::subject)
        .unwrap_or_default()
}

/// The findings the table shows: the severities switched on, and the search text (any case)
/// in the check ID, title, message or subject.
pub fn visible(state: &State, report: &Report) -> Vec<usize> {
    let needle = state.search.trim().to_lowercase();
    report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| state.is_shown(f.severity))
        .filter(|(_, f)| {
            needle.is_empty()
                || [&*f.check, &*f.title, &f.message, &subject(f)]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&needle))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A metrics dump's text and when it was taken (Unix seconds).
pub type DumpSpec = (Rc<str>, Option<f64>);

/// One analysis, ready for the worker (which numbers it, see [`crate::worker_hook`]).
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub config: String,
    pub metrics: Option<DumpSpec>,
    pub metrics_later: Option<DumpSpec>,
    /// Name (the file's, or `pasted`) and text.
    pub cluster: Option<(String, Rc<str>)>,
}

/// When `input` was taken: its field as written, else now for pasted text.
fn taken_at(slot: Slot, input: &Input, now_s: f64) -> Result<Option<f64>, String> {
    let written = input.taken_at.trim();
    if written.is_empty() {
        return Ok(input.file.is_none().then_some(now_s));
    }
    cpguard_core::time::parse(written).map(Some).ok_or_else(|| {
        format!(
            "{}: \"taken at\" {written:?} is not a time: use RFC 3339 (2026-11-27T12:00:00Z) or Unix seconds",
            slot.label()
        )
    })
}

/// The job for the current inputs, or what is wrong with them.
pub fn job(state: &State, now_s: f64) -> Result<JobSpec, String> {
    if Slot::ALL.iter().all(|s| state.input(*s).is_empty()) {
        return Err(
            "Nothing to analyse: paste a metrics dump or a cluster export (or try the sample)."
                .to_owned(),
        );
    }
    let config = serde_json::from_value::<cpguard_core::Config>(state.config.clone())
        .map_err(|e| format!("Settings: {e}"))?;
    let dump = |slot: Slot| -> Result<Option<DumpSpec>, String> {
        let input = state.input(slot);
        if input.is_empty() {
            return Ok(None);
        }
        Ok(Some((input.text.clone(), taken_at(slot, input, now_s)?)))
    };
    let metrics = dump(Slot::Metrics)?;
    let metrics_later = dump(Slot::MetricsLater)?;
    // The core's own refusal, in the page's words (its fields, not the CLI's flags).
    let dump_input = |d: &Option<DumpSpec>| {
        d.as_ref().map(|(_, taken_at)| cpguard_core::MetricsInput {
            text: "",
            taken_at: *taken_at,
        })
    };
    let inputs = cpguard_core::Inputs {
        metrics: dump_input(&metrics),
        metrics_later: dump_input(&metrics_later),
        cluster: &[],
        now: None,
    };
    cpguard_core::analyze::check_inputs(&inputs, &config).map_err(|e| match e {
        InputError::LaterWithoutEarlier => {
            "Later metrics dump: rates need the earlier dump in \"Metrics\" too.".to_owned()
        }
        InputError::NoElapsedTime => "Later metrics dump: rates need the time each dump was taken, the later one after the earlier (the \"taken at\" fields).".to_owned(),
        InputError::Settings(e) => format!("Settings: {e}"),
        InputError::Diff(e) => e.to_string(),
    })?;
    let cluster = (!state.cluster.is_empty()).then(|| {
        let name = state
            .cluster
            .file
            .as_ref()
            .map_or_else(|| "pasted".to_owned(), |f| f.name.clone());
        (name, state.cluster.text.clone())
    });
    Ok(JobSpec {
        config: serde_json::to_string(&config).map_err(|e| format!("Settings: {e}"))?,
        metrics,
        metrics_later,
        cluster,
    })
}

/// The UTF-16 range (what a text area's selection counts in) of line `n` (from 1).
pub fn line_range_utf16(text: &str, n: u32) -> Option<(u32, u32)> {
    let index = usize::try_from(n).ok()?.checked_sub(1)?;
    let mut start = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let len = line.encode_utf16().count();
        if i == index {
            return Some((u32::try_from(start).ok()?, u32::try_from(start + len).ok()?));
        }
        start += len + 1;
    }
    None
}

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `v`; always
/// finite (near `f64::MAX`, where the next round number overflows, `v` itself).
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|c| c.is_finite() && *c >= v * (1.0 - 1e-12))
        .unwrap_or(v)
}

/// Most ticks an axis draws, whatever the values: no loop or SVG node count may grow with an
/// input's magnitude.
pub const MAX_TICKS: usize = 8;

/// Ticks of a log axis from `low` to `high`: powers of ten `low`, `10·low`, …, every
/// `k`-th decade when there are more than [`MAX_TICKS`].
pub fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && low.is_finite() && high.is_finite() && high >= low) {
        return vec![low];
    }
    // At most ~630 decades between two finite positive doubles, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let decades = ((high / low).log10() + 1e-4).floor().max(0.0) as usize;
    let step = decades.div_ceil(MAX_TICKS - 1).max(1);
    (0..=decades)
        .step_by(step)
        .take(MAX_TICKS)
        .map(|k| low * 10f64.powi(i32::try_from(k).unwrap_or(i32::MAX)))
        .filter(|t| t.is_finite())
        .collect()
}

/// Labelled positions of a linear axis of whole steps from `lo` to `hi` (both ends included
/// when it fits): at most [`MAX_TICKS`] + 1, evenly spaced.
pub fn linear_ticks(lo: i64, hi: i64) -> Vec<i64> {
    if hi <= lo {
        return vec![lo];
    }
    let span = i128::from(hi) - i128::from(lo);
    let step = (span + MAX_TICKS as i128 - 1) / MAX_TICKS as i128;
    (0..=MAX_TICKS as i128)
        .map(|k| i128::from(lo) + k * step.max(1))
        .take_while(|v| *v <= i128::from(hi))
        .filter_map(|v| i64::try_from(v).ok())
        .collect()
}

/// Where `v` sits between `lo` and `hi` on a log scale, clamped to 0..=1.
pub fn log_position(v: f64, lo: f64, hi: f64) -> f64 {
    if !(v > 0.0 && lo > 0.0 && hi > lo) {
        return 0.0;
    }
    ((v.log10() - lo.log10()) / (hi.log10() - lo.log10())).clamp(0.0, 1.0)
}

/// One kubelet version in the skew picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkewRow {
    pub version: String,
    pub nodes: usize,
    /// Minor versions behind the control plane (negative: ahead of it).
    pub behind: Option<i64>,
    /// Outside the supported skew (or ahead of the control plane).
    pub unsupported: bool,
}

/// The control plane's minor version and each kubelet version's distance from it, oldest first.
pub fn skew(cluster: &ClusterReport) -> (Option<u32>, Vec<SkewRow>) {
    let control = cluster
        .control_plane_version
        .as_deref()
        .and_then(minor_version)
        .map(|(_, minor)| minor);
    let mut rows: Vec<SkewRow> = cluster
        .nodes_by_kubelet_version
        .iter()
        .map(|(version, nodes)| {
            let minor = minor_version(version).map(|(_, m)| m);
            let behind = control.zip(minor).map(|(c, m)| i64::from(c) - i64::from(m));
            let unsupported = control
                .zip(behind)
                .is_some_and(|(c, b)| b < 0 || b > i64::from(allowed_skew(c)));
            SkewRow {
                version: version.clone(),
                nodes: *nodes,
                behind,
                unsupported,
            }
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.behind.unwrap_or(i64::MIN)));
    (control, rows)
}

/// One row of the support timeline: a minor the cluster runs, and its calendar dates (Unix
/// seconds of 00:00 UTC) when the calendar lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportRow {
    /// `control plane 1.31` or `kubelets 1.30 (2 nodes)`.
    pub label: String,
    pub minor: u32,
    pub end_of_standard: Option<f64>,
    pub end_of_extended: Option<f64>,
    pub standard_text: String,
    pub extended_text: String,
    /// Where it stands today, in words: `standard support to 2026-07-29`.
    pub status: String,
}

impl SupportRow {
    /// `control plane 1.31: extended support to 2026-11-26`.
    pub fn words(&self) -> String {
        format!("{}: {}", self.label, self.status)
    }
}

/// The support timeline: rows, the time axis (Unix seconds) with a tick per year, and today.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportTimeline {
    pub rows: Vec<SupportRow>,
    pub start: f64,
    pub end: f64,
    pub years: Vec<(i64, f64)>,
    pub today: f64,
    pub today_text: String,
    pub compiled: String,
}

/// The control-plane minor (from the report's `support`, so only when a version and today were
/// known) and each kubelet minor, against the EKS calendar.
pub fn support_timeline(report: &Report) -> Option<SupportTimeline> {
    use cpguard_core::calendar::{day_start as day, Calendar, Support, COMPILED};
    let support = report.support.as_ref()?;
    let today = day(&support.now)?;
    let control = minor_version(&support.minor).map(|(_, m)| m)?;
    let mut minors: Vec<(String, u32)> = vec![(format!("control plane 1.{control}"), control)];
    let mut kubelets: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    for (version, nodes) in report
        .cluster
        .iter()
        .flat_map(|c| c.nodes_by_kubelet_version.iter())
    {
        if let Some((1, m)) = minor_version(version) {
            *kubelets.entry(m).or_default() += nodes;
        }
    }
    for (m, nodes) in kubelets.iter().rev() {
        let plural = if *nodes == 1 { "node" } else { "nodes" };
        minors.push((format!("kubelets 1.{m} ({nodes} {plural})"), *m));
    }
    let rows: Vec<SupportRow> = minors
        .into_iter()
        .map(|(label, minor)| {
            let release = Calendar::release(minor);
            let status = match Calendar::status(minor, today) {
                Support::Standard { until } => format!("standard support to {until}"),
                Support::Extended { until } => {
                    format!("extended support (billed extra) to {until}")
                }
                Support::Ended { since, exact: true } => format!("out of support since {since}"),
                Support::Ended {
                    since,
                    exact: false,
                } => format!("out of support, since {since} at the latest"),
                Support::Unknown => "not in the calendar".to_owned(),
            };
            SupportRow {
                label,
                minor,
                end_of_standard: release.and_then(|r| day(r.end_of_standard)),
                end_of_extended: release.and_then(|r| day(r.end_of_extended)),
                standard_text: release
                    .map(|r| r.end_of_standard.to_owned())
                    .unwrap_or_default(),
                extended_text: release
                    .map(|r| r.end_of_extended.to_owned())
                    .unwrap_or_default(),
                status,
            }
        })
        .collect();
    // From a year before the earliest end of standard support (or today) to three months past
    // the latest end of extended support (or today).
    let year = 365.25 * 86_400.0;
    let ends = rows
        .iter()
        .flat_map(|r| [r.end_of_standard, r.end_of_extended])
        .flatten();
    let (lo, hi) = ends.fold((today, today), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let (start, end) = (lo - year, hi + year / 4.0);
    let first = cpguard_core::time::format_rfc3339(start);
    let first_year: i64 = first.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970);
    let years = (first_year + 1..)
        .map_while(|y| {
            day(&format!("{y}-01-01"))
                .filter(|t| *t <= end)
                .map(|t| (y, t))
        })
        .collect();
    Some(SupportTimeline {
        rows,
        start,
        end,
        years,
        today,
        today_text: support.now.clone(),
        compiled: COMPILED.to_owned(),
    })
}

/// How the page names an input: its box, and the file when one was read into it.
pub fn input_label(input: &str, file: Option<&str>) -> String {
    let slot: &str = match Slot::of_diagnostic(input) {
        Some(slot) => slot.label(),
        None => input,
    };
    match file {
        Some(file) if file != "pasted" => format!("{slot} ({file})"),
        _ => slot.to_owned(),
    }
}

/// What to paste into each box whose input could not be analysed: (box, command).
pub fn paste_instead(report: &Report) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let wrong = |input: &str| report.unusable_inputs.iter().any(|u| u.input == input);
    if wrong("metrics") || wrong("metrics-later") {
        out.push((
            "Metrics",
            "kubectl get --raw /metrics > apiserver.metrics".to_owned(),
        ));
    }
    if wrong("cluster") {
        out.push(("Cluster YAML", cpguard_core::catalog::export_in_one_file()));
    }
    out
}

/// One row of "What was checked".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageRow {
    pub check: String,
    pub title: &'static str,
    pub status: cpguard_core::report::CoverageStatus,
    pub reason: String,
}

/// The checks that could not run first (registry order), then those that ran.
pub fn coverage_rows(report: &Report) -> Vec<CoverageRow> {
    use cpguard_core::report::CoverageStatus;
    let mut rows: Vec<CoverageRow> = report
        .coverage
        .iter()
        .map(|c| CoverageRow {
            check: c.check.to_string(),
            title: cpguard_core::checks::by_id(&c.check).map_or("", |k| k.title),
            status: c.status,
            reason: c.reason.clone().unwrap_or_default(),
        })
        .collect();
    rows.sort_by_key(|r| r.status == CoverageStatus::Evaluated);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, FileInfo};

    fn state() -> State {
        State::default()
    }

    #[test]
    fn nothing_to_analyse_says_what_to_do() {
        assert_eq!(
            job(&state(), 0.0).unwrap_err(),
            "Nothing to analyse: paste a metrics dump or a cluster export (or try the sample)."
        );
    }

    #[test]
    fn pasted_dumps_are_taken_now_and_files_when_they_were_written() {
        let s = state().apply(Action::Edit(Slot::Metrics, "up 1\n".into()));
        assert_eq!(
            job(&s, 1000.0).unwrap().metrics,
            Some(("up 1\n".into(), Some(1000.0)))
        );
        let s = s.apply(Action::FileLoaded {
            slot: Slot::Metrics,
            file: FileInfo {
                name: "m.txt".to_owned(),
                bytes: 5,
            },
            text: "up 2\n".into(),
            modified: Some(1_795_780_800.0),
        });
        assert_eq!(s.metrics.taken_at, "2026-11-27T12:00:00Z");
        assert_eq!(
            job(&s, 1000.0).unwrap().metrics,
            Some(("up 2\n".into(), Some(1_795_780_800.0)))
        );
        let s = s.apply(Action::SetTakenAt(Slot::Metrics, "yesterday".to_owned()));
        assert_eq!(
            job(&s, 0.0).unwrap_err(),
            "Metrics: \"taken at\" \"yesterday\" is not a time: use RFC 3339 (2026-11-27T12:00:00Z) or Unix seconds"
        );
    }

    #[test]
    fn two_dumps_need_two_times_in_order() {
        let s = state()
            .apply(Action::Edit(Slot::Metrics, "up 1\n".into()))
            .apply(Action::Edit(Slot::MetricsLater, "up 1\n".into()));
        assert!(job(&s, 5.0)
            .unwrap_err()
            .starts_with("Later metrics dump: rates need the time each dump was taken"));
        let s = s
            .apply(Action::SetTakenAt(
                Slot::Metrics,
                "2026-11-27T12:00:00Z".to_owned(),
            ))
            .apply(Action::SetTakenAt(
                Slot::MetricsLater,
                "2026-11-27T12:10:00Z".to_owned(),
            ));
        let j = job(&s, 5.0).unwrap();
        assert_eq!(
            j.metrics_later.unwrap().1.unwrap() - j.metrics.unwrap().1.unwrap(),
            600.0
        );
        let s = state().apply(Action::Edit(Slot::MetricsLater, "up 1\n".into()));
        assert_eq!(
            job(&s, 5.0).unwrap_err(),
            "Later metrics dump: rates need the earlier dump in \"Metrics\" too."
        );
    }

    #[test]
    fn bad_settings_are_refused_before_the_worker() {
        let s = state()
            .apply(Action::Edit(Slot::Cluster, "kind: List\n".into()))
            .apply(Action::SetSetting(
                vec!["sloWriteSeconds".to_owned()],
                serde_json::json!("fast"),
            ));
        assert!(job(&s, 0.0)
            .unwrap_err()
            .starts_with("Settings: invalid type: string \"fast\", expected f64"));
        let s = s.apply(Action::ResetSettings);
        let j = job(&s, 0.0).unwrap();
        assert_eq!(
            j.cluster,
            Some(("pasted".to_owned(), "kind: List\n".into()))
        );
        assert!(j.config.contains("\"sloWriteSeconds\":1.0"), "{}", j.config);
    }

    #[test]
    fn filter_by_severity_and_text() {
        let config = serde_json::to_string(&cpguard_core::Config::default()).unwrap();
        let job = crate::analysis::Job {
            config: &config,
            cluster: Some(("c", crate::sample::CLUSTER)),
            ..Default::default()
        };
        let crate::analysis::Outcome::Done { json, .. } = crate::analysis::run(&job, &mut |_| {})
        else {
            panic!("sample analyses");
        };
        let report: Report = serde_json::from_str(&json).unwrap();
        let c = counts(&report);
        assert_eq!(c.critical + c.warning + c.info, report.findings.len());
        assert!(c.critical >= 2, "{c:?}");
        let all = visible(&state(), &report);
        assert_eq!(all.len(), report.findings.len());
        let s = state().apply(Action::ToggleSeverity(Severity::Critical));
        let shown = visible(&s, &report);
        assert_eq!(shown.len(), c.warning + c.info);
        assert!(shown
            .iter()
            .all(|i| report.findings[*i].severity != Severity::Critical));
        let s = state().apply(Action::SetSearch("  REDIS-0 ".to_owned()));
        let found: Vec<String> = visible(&s, &report)
            .iter()
            .map(|i| subject(&report.findings[*i]))
            .collect();
        assert!(!found.is_empty());
        assert!(found.iter().all(|o| o == "Pod/cache/redis-0"), "{found:?}");
    }

    #[test]
    fn lines_in_utf16() {
        let text = "a\nhé😀x\nlast";
        assert_eq!(line_range_utf16(text, 1), Some((0, 1)));
        // é is one UTF-16 unit, 😀 two.
        assert_eq!(line_range_utf16(text, 2), Some((2, 7)));
        assert_eq!(line_range_utf16(text, 3), Some((8, 12)));
        assert_eq!(line_range_utf16(text, 4), None);
        assert_eq!(line_range_utf16(text, 0), None);
    }

    #[test]
    fn axes() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
        assert_eq!(nice_ceiling(49_110.0), 50_000.0);
        assert_eq!(nice_ceiling(0.013), 0.02);
        assert_eq!(log_position(0.01, 0.001, 10.0), 0.25);
        assert_eq!(log_position(100.0, 0.001, 10.0), 1.0);
        assert_eq!(log_position(0.0, 0.001, 10.0), 0.0);
    }

    /// A p99 near `f64::MAX` once made `nice_ceiling` infinite and the latency chart's tick
    /// loop endless; minors near `u32::MAX` made the skew chart draw billions of labels.
    #[test]
    fn axes_stay_bounded_for_any_value() {
        assert_eq!(nice_ceiling(f64::MAX), f64::MAX);
        assert_eq!(nice_ceiling(9e307), 1e308);
        assert_eq!(nice_ceiling(f64::INFINITY), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(log_ticks(0.001, 10.0), vec![0.001, 0.01, 0.1, 1.0, 10.0]);
        let huge = log_ticks(0.001, f64::MAX);
        assert!(huge.len() <= MAX_TICKS, "{huge:?}");
        assert_eq!(huge.first(), Some(&0.001));
        assert!(huge.iter().all(|t| t.is_finite()));
        assert_eq!(log_ticks(0.001, f64::INFINITY), vec![0.001]);
        assert_eq!(log_ticks(0.001, f64::NAN), vec![0.001]);
        assert_eq!(linear_ticks(-1, 4), vec![-1, 0, 1, 2, 3, 4]);
        let wide = linear_ticks(-1, i64::from(u32::MAX));
        assert!(wide.len() <= MAX_TICKS + 1, "{wide:?}");
        assert_eq!(wide.first(), Some(&-1));
        let all = linear_ticks(i64::MIN, i64::MAX);
        assert!((2..=MAX_TICKS + 1).contains(&all.len()), "{all:?}");
        assert_eq!(linear_ticks(3, 3), vec![3]);
    }

    #[test]
    fn skew_with_minors_near_u32_max() {
        let mut cluster = ClusterReport {
            control_plane_version: Some(format!("v1.{}.0", u32::MAX)),
            ..ClusterReport::default()
        };
        cluster
            .nodes_by_kubelet_version
            .insert("v1.0.0".to_owned(), usize::MAX);
        let (control, rows) = skew(&cluster);
        assert_eq!(control, Some(u32::MAX));
        assert_eq!(rows[0].behind, Some(i64::from(u32::MAX)));
        assert!(rows[0].unsupported);
        assert!(linear_ticks(0, rows[0].behind.unwrap()).len() <= MAX_TICKS + 1);
    }

    #[test]
    fn skew_rows_by_distance() {
        let mut cluster = ClusterReport {
            control_plane_version: Some("v1.30.4-eks-a".to_owned()),
            ..ClusterReport::default()
        };
        for (v, n) in [
            ("v1.30.2-eks-1", 3),
            ("v1.26.15-eks-2", 1),
            ("v1.27.9", 2),
            ("v1.31.0", 1),
        ] {
            cluster.nodes_by_kubelet_version.insert(v.to_owned(), n);
        }
        let (control, rows) = skew(&cluster);
        assert_eq!(control, Some(30));
        let got: Vec<(&str, Option<i64>, bool)> = rows
            .iter()
            .map(|r| (r.version.as_str(), r.behind, r.unsupported))
            .collect();
        // 1.28 and later allow kubelets three minors behind.
        assert_eq!(
            got,
            vec![
                ("v1.26.15-eks-2", Some(4), true),
                ("v1.27.9", Some(3), false),
                ("v1.30.2-eks-1", Some(0), false),
                ("v1.31.0", Some(-1), true),
            ]
        );
    }

    /// The support timeline of the EKS fixture (1.29) with kubelets 1.29 and 1.28 on
    /// 2026-01-15: 1.29 in extended support to 2026-03-23, 1.28 out since 2025-11-26.
    #[test]
    fn support_timeline_rows_and_axis() {
        let eks = include_str!("../../tests/fixtures/eks/describe-cluster-open.json");
        let nodes = "kind: List
items:
- {kind: Node, metadata: {name: a}, status: {nodeInfo: {kubeletVersion: v1.29.3-eks-1}}}
- {kind: Node, metadata: {name: b}, status: {nodeInfo: {kubeletVersion: v1.28.9-eks-2}}}
- {kind: Node, metadata: {name: c}, status: {nodeInfo: {kubeletVersion: v1.28.9-eks-2}}}
";
        let cluster = [
            cpguard_core::ClusterInput {
                name: "eks.json",
                text: eks,
            },
            cpguard_core::ClusterInput {
                name: "nodes.yaml",
                text: nodes,
            },
        ];
        let now = cpguard_core::time::parse("2026-01-15T00:00:00Z");
        let inputs = cpguard_core::Inputs {
            metrics: None,
            metrics_later: None,
            cluster: &cluster,
            now,
        };
        let report = cpguard_core::analyze(&inputs, &cpguard_core::Config::default()).unwrap();
        let t = support_timeline(&report).unwrap();
        let words: Vec<String> = t.rows.iter().map(SupportRow::words).collect();
        assert_eq!(
            words,
            [
                "control plane 1.29: extended support (billed extra) to 2026-03-23",
                "kubelets 1.29 (1 node): extended support (billed extra) to 2026-03-23",
                "kubelets 1.28 (2 nodes): out of support since 2025-11-26",
            ]
        );
        assert_eq!(t.today, now.unwrap());
        assert_eq!(t.today_text, "2026-01-15");
        // A year before 1.28's end of standard support (2024-11-26) to three months after
        // 1.29's end of extended support (2026-03-23); a tick on each 1 January between.
        assert_eq!(
            cpguard_core::time::format_rfc3339(t.start).get(..10),
            Some("2023-11-26")
        );
        assert_eq!(
            cpguard_core::time::format_rfc3339(t.end).get(..10),
            Some("2026-06-22")
        );
        let years: Vec<i64> = t.years.iter().map(|(y, _)| *y).collect();
        assert_eq!(years, [2024, 2025, 2026]);
        // Without today (or a version) there is no timeline.
        let mut without = report.clone();
        without.support = None;
        assert!(support_timeline(&without).is_none());
    }

    #[test]
    fn what_could_not_run_and_what_to_paste_instead() {
        use cpguard_core::report::CoverageStatus;
        let cluster = [cpguard_core::ClusterInput {
            name: "pasted",
            text: "kind: List\nitems: []\n",
        }];
        let inputs = cpguard_core::Inputs {
            metrics: Some(cpguard_core::MetricsInput {
                text: "<html><title>502 Bad Gateway</title></html>",
                taken_at: None,
            }),
            metrics_later: None,
            cluster: &cluster,
            now: None,
        };
        let report = cpguard_core::analyze(&inputs, &cpguard_core::Config::default()).unwrap();
        assert!(report.nothing_analysed());
        let labels: Vec<String> = report
            .unusable_inputs
            .iter()
            .map(|u| input_label(&u.input, u.file.as_deref()))
            .collect();
        assert_eq!(labels, ["Cluster YAML", "Metrics"]);
        assert_eq!(
            input_label("cluster", Some("hooks.yaml")),
            "Cluster YAML (hooks.yaml)"
        );
        let boxes: Vec<&str> = paste_instead(&report).iter().map(|(b, _)| *b).collect();
        assert_eq!(boxes, ["Metrics", "Cluster YAML"]);
        let rows = coverage_rows(&report);
        assert_eq!(rows.len(), cpguard_core::checks::REGISTRY.len());
        assert_eq!(rows[0].check, "SYS001");
        assert_eq!(rows[0].title, "unsafe sysctl");
        assert_eq!(rows[0].status, CoverageStatus::NotApplicable);
        assert_eq!(
            rows[0].reason,
            "the cluster exports hold no Kubernetes objects"
        );
    }
}
