//! `analyze`: inputs and thresholds in, a [`Report`] out. Every face calls this.

use crate::checks::{self, api, objects, support, ClusterContext, MetricsContext};
use crate::cluster::{self, load};
use crate::config::Config;
use crate::coverage::{ClusterHeld, Held, MetricsHeld};
use crate::format;
use crate::k8s::WebhookKind;
use crate::metrics::diff::{difference, DiffError};
use crate::metrics::summary::{
    etcd_size, kubernetes_version, requests_by_resource, requests_by_verb, webhook_latency,
    EtcdSize,
};
use crate::metrics::timeouts::WebhookTimeouts;
use crate::metrics::{parse, DiagnosticLevel, Exposition};
use crate::recognise;
use crate::report::{Diagnostic, MetricsReport, Rates, Report, UnusableInput, Window};
use crate::rules::sysctl::SysctlPolicy;
use crate::rules::webhook::Effective;
use crate::rules::SettingsError;

/// One metrics dump and when it was taken (Unix seconds), if known.
#[derive(Clone, Copy, Debug, Default)]
pub struct MetricsInput<'a> {
    pub text: &'a str,
    pub taken_at: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    pub metrics: Option<MetricsInput<'a>>,
    /// A second dump of the same API server, taken later: enables rates.
    pub metrics_later: Option<MetricsInput<'a>>,
    /// Cluster exports (`kubectl get ... -o yaml|json`, `kubectl version -o json`, the EKS
    /// description `aws eks describe-cluster --name NAME --output json`).
    pub cluster: &'a [ClusterInput<'a>],
    /// Today, as Unix seconds: what the EKS support calendar is read at (VER004). The core
    /// reads no clock: the CLI passes `--now` or its clock, the viewer the page's.
    pub now: Option<f64>,
}

/// One cluster export and the name to cite it by in diagnostics.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClusterInput<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Inputs that cannot be analysed together.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("a later metrics dump needs the earlier one too")]
    LaterWithoutEarlier,
    /// Two dumps need the time each was taken, the later one after the earlier.
    #[error("the later dump must be taken after the earlier one: give both times (--taken-at, --later-taken-at)")]
    NoElapsedTime,
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// The policies' settings given for the cluster checks are invalid.
    #[error("invalid settings: {0}")]
    Settings(#[from] SettingsError),
}

/// What [`analyze`] refuses before reading anything: a later dump without the earlier one, two
/// dumps without both times in order, invalid policy settings. The viewer asks this before it
/// starts a job. Returns the sysctl policy the settings make.
pub fn check_inputs(inputs: &Inputs<'_>, config: &Config) -> Result<SysctlPolicy, InputError> {
    match (inputs.metrics, inputs.metrics_later) {
        (None, Some(_)) => return Err(InputError::LaterWithoutEarlier),
        (Some(earlier), Some(later))
            if earlier
                .taken_at
                .zip(later.taken_at)
                .is_none_or(|(a, b)| b <= a) =>
        {
            return Err(InputError::NoElapsedTime)
        }
        _ => {}
    }
    config.webhook_settings.validate()?;
    Ok(config.sysctl_settings.validate()?)
}

/// The error budget of the API server's availability SLO (99 %).
const ERROR_BUDGET: f64 = 0.01;

fn diagnostics<'d>(
    input: &'static str,
    dump: &'d Exposition<'_>,
) -> impl Iterator<Item = Diagnostic> + 'd {
    dump.diagnostics.iter().map(move |d| Diagnostic {
        input: input.into(),
        file: None,
        line: d.line,
        level: d.level,
        message: d.message.clone(),
    })
}

fn start_time(dump: &Exposition<'_>) -> Option<f64> {
    dump.family("process_start_time_seconds")
        .and_then(|f| f.samples.iter().map(|s| s.value).reduce(f64::max))
}

/// Rates over the window between two dumps; `cx` holds the difference dump.
fn rates(
    cx: &MetricsContext<'_, '_>,
    earlier: &Exposition<'_>,
    etcd: Option<&EtcdSize>,
    seconds: f64,
) -> Rates {
    let groups = api::request_groups(cx.dump).unwrap_or_default();
    let api::ErrorCounts { errors, total, .. } = api::error_counts(&groups);
    let error_ratio = (total > 0.0).then(|| errors / total);
    let slow_ratio = api::slow_counts(cx)
        .and_then(|counts| (counts.total > 0.0).then(|| counts.slow / counts.total));
    let before = etcd_size(earlier, cx.config.etcd_default_quota_bytes);
    let growth = etcd
        .zip(before.as_ref())
        .map(|(now, then)| (now.db_size_bytes - then.db_size_bytes) / seconds);
    let until = etcd
        .zip(growth)
        .filter(|(_, g)| *g > 0.0)
        .map(|(now, g)| (now.quota_bytes - now.db_size_bytes).max(0.0) / g);
    Rates {
        seconds,
        requests_per_second: total / seconds,
        error_ratio,
        slow_ratio,
        error_budget_burn: error_ratio.map(|r| r / ERROR_BUDGET),
        db_growth_bytes_per_second: growth,
        seconds_until_quota: until,
    }
}

/// What [`analyze_with_progress`] is doing, reported before each step starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading cluster export `index` (from 0) of `total`.
    Cluster { index: usize, total: usize },
    /// Parsing the (earlier) metrics dump.
    Metrics,
    /// Parsing the later metrics dump.
    MetricsLater,
    /// Running the metrics checks.
    Checks,
}

impl Stage {
    /// What the step is, in words.
    pub fn label(self) -> String {
        match self {
            Stage::Cluster { index, total } => {
                format!("Reading cluster export {} of {total}", index + 1)
            }
            Stage::Metrics => "Parsing the metrics dump".to_owned(),
            Stage::MetricsLater => "Parsing the later metrics dump".to_owned(),
            Stage::Checks => "Running the checks".to_owned(),
        }
    }
}

/// Analyses everything given; the only errors are inputs that cannot go together.
pub fn analyze(inputs: &Inputs<'_>, config: &Config) -> Result<Report, InputError> {
    analyze_with_progress(inputs, config, &mut |_| {})
}

/// [`analyze`], telling `progress` before each step (the viewer's worker posts them to the page).
pub fn analyze_with_progress(
    inputs: &Inputs<'_>,
    config: &Config,
    progress: &mut dyn FnMut(Stage),
) -> Result<Report, InputError> {
    let mut report = Report {
        config: config.clone(),
        ..Report::default()
    };
    let sysctls = check_inputs(inputs, config)?;
    // Cluster exports first: their webhook configurations give ADM001 the real timeouts.
    let mut objects = Vec::new();
    let mut server_version = None;
    let mut eks = None;
    let mut listed = std::collections::BTreeSet::new();
    let mut empty_files = Vec::new();
    for (index, input) in inputs.cluster.iter().enumerate() {
        progress(Stage::Cluster {
            index,
            total: inputs.cluster.len(),
        });
        let loaded = load(input.text);
        report
            .diagnostics
            .extend(loaded.diagnostics.iter().map(|d| Diagnostic {
                input: "cluster".into(),
                file: Some(input.name.to_owned()),
                line: d.line,
                level: d.level,
                message: d.message.clone(),
            }));
        // An empty typed List (`kind: SecretList`, no items) says there are none: not empty.
        if loaded.objects.is_empty() && loaded.eks.is_none() && loaded.listed.is_empty() {
            empty_files.push((input.name, recognise::cluster(input.text, &loaded)));
        }
        server_version = server_version.or(loaded.server_version);
        eks = eks.or(loaded.eks);
        listed.extend(loaded.listed);
        objects.extend(loaded.objects);
    }
    // The EKS description alone is something to analyse (EKS001–EKS003, VER004).
    let cluster_empty =
        !inputs.cluster.is_empty() && objects.is_empty() && eks.is_none() && listed.is_empty();
    note_empty_cluster_files(empty_files, cluster_empty, &mut report);
    let timeouts = webhook_timeouts(&objects);
    let mut held = Held {
        cluster: (!inputs.cluster.is_empty()).then(|| ClusterHeld::of(&objects, &listed)),
        cluster_empty,
        eks_description: eks.is_some(),
        today: inputs.now.is_some(),
        ..Held::default()
    };
    match (inputs.metrics, inputs.metrics_later) {
        (Some(first), later) => {
            held.metrics = Some(analyze_metrics(
                first,
                later,
                config,
                &timeouts,
                &mut report,
                progress,
            )?);
        }
        (None, Some(_)) => return Err(InputError::LaterWithoutEarlier),
        (None, None) => {}
    }
    held.span_seconds = report
        .metrics
        .as_ref()
        .and_then(|m| m.rates.as_ref())
        .map(|r| r.seconds);
    // The control plane's version: `kubectl version`, else the metrics dump's, else the EKS
    // description's (a minor only, `1.29`).
    let control_plane = server_version
        .or_else(|| {
            report
                .metrics
                .as_ref()
                .and_then(|m| m.kubernetes_version.clone())
        })
        .or_else(|| eks.as_ref().and_then(|e| e.version.clone()));
    held.control_plane_version = control_plane.is_some();
    // Cluster checks run on whatever was given: without a cluster export they find nothing
    // but VER004, which reads only the version.
    report.findings.extend(checks::run_cluster(&ClusterContext {
        objects: &objects,
        control_plane: control_plane.as_deref(),
        eks: eks.as_ref(),
        now: inputs.now,
        sysctls: &sysctls,
        config,
    }));
    if !inputs.cluster.is_empty() {
        report.cluster = Some(cluster::summary(&objects, control_plane.as_deref()));
    }
    report.support = control_plane
        .as_deref()
        .zip(inputs.now)
        .and_then(|(version, now)| support::summary(version, now));
    report.coverage = held.all();
    report.cap_findings(crate::report::MAX_FINDINGS_PER_CHECK);
    report.sort();
    Ok(report)
}

/// Cluster files without a single object: unusable when no file had one; otherwise only
/// those that look like something else (a metrics dump, an HTML page) are worth a note, since
/// an empty List is normal (a cluster without webhooks).
fn note_empty_cluster_files(
    files: Vec<(&str, recognise::NoObjects)>,
    all_empty: bool,
    report: &mut Report,
) {
    for (name, none) in files {
        if all_empty {
            report.unusable_inputs.push(UnusableInput {
                input: "cluster".into(),
                file: Some(name.to_owned()),
                reason: none.reason,
            });
        } else if none.other {
            report.diagnostics.push(Diagnostic {
                input: "cluster".into(),
                file: Some(name.to_owned()),
                line: 1,
                level: DiagnosticLevel::Warning,
                message: none.reason,
            });
        }
    }
}

/// Each admission webhook's effective timeout, by kind, configuration and name.
fn webhook_timeouts(objects: &[cluster::Object]) -> WebhookTimeouts {
    let mut out = WebhookTimeouts::default();
    for object in objects {
        let Some(kind) = WebhookKind::of_configuration(object.kind()) else {
            continue;
        };
        for webhook in object.webhooks.iter().flatten() {
            if let Some(name) = webhook.name.as_deref() {
                let timeout = Effective::of(object.api_version.as_deref(), webhook).timeout_seconds;
                out.insert(kind, object.reference(), name, timeout as f64);
            }
        }
    }
    out
}

/// Records unusable dumps; two dumps need both usable, else the earlier is analysed alone.
fn usable_later<'i>(
    recognised: &recognise::Recognised,
    later: Option<(MetricsInput<'i>, Exposition<'i>)>,
    report: &mut Report,
) -> Option<(MetricsInput<'i>, Exposition<'i>)> {
    if let Some(reason) = &recognised.unusable {
        report.unusable_inputs.push(UnusableInput {
            input: "metrics".into(),
            file: None,
            reason: reason.clone(),
        });
    }
    later.filter(|(input, dump)| {
        let unusable = recognise::metrics(input.text, dump).unusable;
        if let Some(reason) = &unusable {
            report.unusable_inputs.push(UnusableInput {
                input: "metrics-later".into(),
                file: None,
                reason: reason.clone(),
            });
        }
        unusable.is_none() && recognised.unusable.is_none()
    })
}

fn analyze_metrics(
    first: MetricsInput<'_>,
    later_input: Option<MetricsInput<'_>>,
    config: &Config,
    webhook_timeouts: &WebhookTimeouts,
    report: &mut Report,
    progress: &mut dyn FnMut(Stage),
) -> Result<MetricsHeld, InputError> {
    progress(Stage::Metrics);
    let earlier = parse(first.text);
    report.diagnostics.extend(diagnostics("metrics", &earlier));
    let recognised = recognise::metrics(first.text, &earlier);
    let later = later_input.map(|input| {
        progress(Stage::MetricsLater);
        (input, parse(input.text))
    });
    if let Some((_, dump)) = &later {
        report
            .diagnostics
            .extend(diagnostics("metrics-later", dump));
    }
    let later = usable_later(&recognised, later, report);

    let (window, delta, seconds) = match &later {
        None => {
            let uptime = first
                .taken_at
                .zip(start_time(&earlier))
                .map(|(at, start)| at - start);
            if let Some(up) = uptime.filter(|u| *u < 0.0) {
                let line = earlier
                    .family("process_start_time_seconds")
                    .and_then(|f| f.samples.first())
                    .map_or(0, |s| s.line);
                report.diagnostics.push(Diagnostic {
                    input: "metrics".into(),
                    file: None,
                    line,
                    level: DiagnosticLevel::Warning,
                    message: format!(
                        "the dump's time is {} before the API server started: check --taken-at",
                        format::duration(-up)
                    ),
                });
            }
            (
                Window::SinceStart {
                    uptime_seconds: uptime.filter(|u| *u >= 0.0),
                },
                None,
                None,
            )
        }
        Some((input, dump)) => {
            let seconds = input
                .taken_at
                .zip(first.taken_at)
                .map(|(b, a)| b - a)
                .filter(|s| *s > 0.0)
                .ok_or(InputError::NoElapsedTime)?;
            let delta = difference(&earlier, dump)?;
            (Window::BetweenDumps { seconds }, Some(delta), Some(seconds))
        }
    };
    let window_words = window.words();
    // Gauges (sizes, counts) from the newest dump; counters over the window.
    let current = later.as_ref().map_or(&earlier, |(_, dump)| dump);
    let windowed = delta.as_ref().unwrap_or(&earlier);
    let cx = MetricsContext {
        dump: windowed,
        config,
        window: &window_words,
        webhook_timeouts,
        rates: None,
    };
    // The rates first: the checks of the window (ETCD004, API005) read them.
    let etcd = etcd_size(current, config.etcd_default_quota_bytes);
    let rates = seconds.map(|seconds| rates(&cx, &earlier, etcd.as_ref(), seconds));
    let cx = MetricsContext {
        rates: rates.as_ref(),
        ..cx
    };
    progress(Stage::Checks);
    report.findings.extend(checks::run_metrics(&cx));

    let current_cx = MetricsContext {
        dump: current,
        config,
        window: &window_words,
        webhook_timeouts,
        rates: None,
    };
    let (_, mut counts) = objects::object_counts(&current_cx);
    counts.truncate(20);
    report.metrics = Some(MetricsReport {
        kubernetes_version: kubernetes_version(current).or_else(|| kubernetes_version(&earlier)),
        etcd,
        requests_by_verb: requests_by_verb(windowed),
        requests_by_resource: requests_by_resource(windowed, 20),
        window: Some(window),
        objects: counts,
        webhooks: webhook_latency(windowed, webhook_timeouts),
        rates,
        samples: current.sample_count(),
    });
    Ok(MetricsHeld::of(windowed, recognised))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EARLIER: &str = "\
process_start_time_seconds 1000
kubernetes_build_info{git_version=\"v1.30.4-eks-a\"} 1
apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 4.0e9
apiserver_request_total{code=\"200\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 1000
apiserver_request_total{code=\"500\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 5
";

    #[test]
    fn one_dump_is_since_start() {
        let report = analyze(
            &Inputs {
                metrics: Some(MetricsInput {
                    text: EARLIER,
                    taken_at: Some(1000.0 + 3.0 * 86_400.0),
                }),
                metrics_later: None,
                cluster: &[],
                now: None,
            },
            &Config::default(),
        )
        .unwrap();
        let metrics = report.metrics.unwrap();
        assert_eq!(
            metrics.window,
            Some(Window::SinceStart {
                uptime_seconds: Some(3.0 * 86_400.0)
            })
        );
        assert_eq!(metrics.kubernetes_version.as_deref(), Some("v1.30.4-eks-a"));
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn two_dumps_give_rates_and_window_findings() {
        let later = "\
process_start_time_seconds 1000
apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 4.06e9
apiserver_request_total{code=\"200\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 1570
apiserver_request_total{code=\"500\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 35
";
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: EARLIER,
                taken_at: Some(5000.0),
            }),
            metrics_later: Some(MetricsInput {
                text: later,
                taken_at: Some(5300.0),
            }),
            cluster: &[],
            now: None,
        };
        let report = analyze(&inputs, &Config::default()).unwrap();
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        // In the window: 600 requests, 30 of them 5xx. The database grew 6e7 bytes in 300 s,
        // 200,000 B/s: (8,589,934,592 − 4.06e9) / 200,000 = 22,649.7 s = 6 h 17 min to the
        // quota, within ETCD004's 7 d (not its 4 h). API005 needs a span of 1 h: none.
        assert_eq!(messages, vec![
            "30 of 600 API requests in the 5 min between the dumps were answered 5xx (5.00 %; threshold 1.00 %)",
            "the etcd database grew 57.2 MiB in the 5 min between the dumps (686.6 MiB/h, from apiserver_storage_size_bytes); at that pace it reaches its 8.0 GiB quota in 6 h 17 min (within 7 d 0 h): at the quota etcd raises NOSPACE and the cluster becomes read-only",
        ]);
        let rates = report.metrics.unwrap().rates.unwrap();
        assert_eq!(rates.requests_per_second, 2.0);
        assert_eq!(rates.error_ratio, Some(0.05));
        assert!((rates.error_budget_burn.unwrap() - 5.0).abs() < 1e-12);
        assert_eq!(rates.db_growth_bytes_per_second, Some(200_000.0));
        let until = rates.seconds_until_quota.unwrap();
        assert!((until - (8_589_934_592.0 - 4.06e9) / 200_000.0).abs() < 1e-6);
    }

    #[test]
    fn progress_names_each_step_before_it_starts() {
        let cluster = [
            ClusterInput {
                name: "a.yaml",
                text: "kind: List\nitems: []\n",
            },
            ClusterInput {
                name: "b.yaml",
                text: "",
            },
        ];
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: EARLIER,
                taken_at: Some(5000.0),
            }),
            metrics_later: Some(MetricsInput {
                text: EARLIER,
                taken_at: Some(5300.0),
            }),
            cluster: &cluster,
            now: None,
        };
        let mut stages = Vec::new();
        analyze_with_progress(&inputs, &Config::default(), &mut |s| stages.push(s)).unwrap();
        assert_eq!(
            stages,
            vec![
                Stage::Cluster { index: 0, total: 2 },
                Stage::Cluster { index: 1, total: 2 },
                Stage::Metrics,
                Stage::MetricsLater,
                Stage::Checks,
            ]
        );
        assert_eq!(
            Stage::Cluster { index: 1, total: 2 }.label(),
            "Reading cluster export 2 of 2"
        );
    }

    #[test]
    fn two_dumps_need_times_and_one_process() {
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: EARLIER,
                taken_at: None,
            }),
            metrics_later: Some(MetricsInput {
                text: EARLIER,
                taken_at: None,
            }),
            cluster: &[],
            now: None,
        };
        assert_eq!(
            analyze(&inputs, &Config::default()).unwrap_err(),
            InputError::NoElapsedTime
        );
        let other = EARLIER.replace(
            "process_start_time_seconds 1000",
            "process_start_time_seconds 2000",
        );
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: EARLIER,
                taken_at: Some(1.0),
            }),
            metrics_later: Some(MetricsInput {
                text: &other,
                taken_at: Some(2.0),
            }),
            cluster: &[],
            now: None,
        };
        assert!(matches!(
            analyze(&inputs, &Config::default()),
            Err(InputError::Diff(DiffError::DifferentProcess { .. }))
        ));
    }

    #[test]
    fn webhook_latency_is_judged_against_the_configured_timeout() {
        let metrics = "\
# TYPE apiserver_admission_webhook_admission_duration_seconds histogram
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"quick.example.com\",type=\"validating\",le=\"2.5\"} 90
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"quick.example.com\",type=\"validating\",le=\"5\"} 100
apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"quick.example.com\",type=\"validating\",le=\"+Inf\"} 100
";
        let config_yaml = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: quick}\nwebhooks:\n- name: quick.example.com\n  failurePolicy: Ignore\n  timeoutSeconds: 5\n";
        let adm001 = |cluster: &[ClusterInput<'_>]| -> Vec<String> {
            let inputs = Inputs {
                metrics: Some(MetricsInput {
                    text: metrics,
                    taken_at: None,
                }),
                metrics_later: None,
                cluster,
                now: None,
            };
            analyze(&inputs, &Config::default())
                .unwrap()
                .findings
                .iter()
                .filter(|f| f.check == "ADM001")
                .map(|f| f.message.clone())
                .collect()
        };
        // p99 = 2.5 + 2.5 × 9/10 = 4.75 s: under half of the default 10 s, over half of its own 5 s.
        assert!(adm001(&[]).is_empty());
        assert_eq!(
            adm001(&[ClusterInput { name: "hooks.yaml", text: config_yaml }]),
            vec!["validating webhook \"quick.example.com\": p99 4.75 s since apiserver start over 100 calls, 95.00 % of its (ValidatingWebhookConfiguration/quick) 5.00 s timeout"]
        );
    }
}
