//! Which checks could run: derived from each check's declared [`Need`]s and what the inputs
//! held, so a report never reads "no findings" over a check that had nothing to read.

use crate::checks::{Check, Need, REGISTRY};
use crate::metrics::Exposition;
use crate::recognise::Component;
use crate::report::{Coverage, CoverageStatus};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// What the metrics dump the checks ran on held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsHeld {
    pub component: Component,
    /// Why the dump holds nothing to analyse, when it does not.
    pub unusable: Option<String>,
    /// Names of the families with samples.
    pub families: BTreeSet<String>,
}

impl MetricsHeld {
    pub fn of(dump: &Exposition<'_>, recognised: crate::recognise::Recognised) -> MetricsHeld {
        MetricsHeld {
            component: recognised.component,
            unusable: recognised.unusable,
            families: dump
                .families
                .iter()
                .filter(|f| !f.samples.is_empty())
                .map(|f| f.name.to_string())
                .collect(),
        }
    }
}

/// What the cluster exports held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterHeld {
    pub kinds: BTreeSet<String>,
    /// `Kind/namespace/name` of the objects some check names in [`Need::Object`].
    pub objects: BTreeSet<String>,
}

impl ClusterHeld {
    /// What `objects` hold; `listed` adds the kinds of typed Lists that were empty.
    pub fn of(objects: &[crate::cluster::Object], listed: &BTreeSet<String>) -> ClusterHeld {
        let wanted: BTreeSet<&str> = REGISTRY
            .iter()
            .flat_map(|c| c.needs.iter())
            .filter_map(|n| match n {
                Need::Object(names) => Some(names.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect();
        let wanted_kinds: BTreeSet<&str> =
            wanted.iter().filter_map(|r| r.split('/').next()).collect();
        let mut held = ClusterHeld {
            kinds: listed.clone(),
            ..ClusterHeld::default()
        };
        for object in objects {
            if !held.kinds.contains(object.kind()) {
                held.kinds.insert(object.kind().to_owned());
            }
            if wanted_kinds.contains(object.kind()) {
                let reference = object.reference();
                if wanted.contains(reference.as_str()) {
                    held.objects.insert(reference);
                }
            }
        }
        held
    }
}

/// Everything the checks could read.
#[allow(clippy::struct_excessive_bools)] // Independent facts about the inputs, not a state machine.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    /// `None`: no metrics dump was given.
    pub metrics: Option<MetricsHeld>,
    /// `None`: no cluster export was given.
    pub cluster: Option<ClusterHeld>,
    /// The cluster exports yielded no object at all.
    pub cluster_empty: bool,
    /// The control plane's version is known (`kubectl version`, the metrics dump, or the EKS
    /// description).
    pub control_plane_version: bool,
    /// Seconds between the two metrics dumps; `None` with one dump.
    pub span_seconds: Option<f64>,
    /// The cluster exports held the EKS description (`aws eks describe-cluster`).
    pub eks_description: bool,
    /// Today's date was given (`Inputs::now`).
    pub today: bool,
}

/// "a or b or c".
fn alternatives(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl Held {
    /// Whether `need` is met; when not, what was missing and where.
    fn lacks(&self, need: &Need) -> Option<(String, &'static str)> {
        const METRICS: &str = " in the metrics dump";
        const CLUSTER: &str = " in the cluster export";
        let family = |name: &&str| {
            self.metrics
                .as_ref()
                .is_some_and(|m| m.families.contains(*name))
        };
        let cluster = self.cluster.as_ref();
        match need {
            Need::Family(names) => (!names.iter().any(family))
                .then(|| (format!("no {}", alternatives(names)), METRICS)),
            Need::Events(names) => (!names.iter().any(family)
                && !family(&"apiserver_request_total"))
            .then(|| {
                (
                    "not an API server's dump (no apiserver_request_total)".to_owned(),
                    "",
                )
            }),
            Need::Kind(kinds) => (!kinds
                .iter()
                .any(|k| cluster.is_some_and(|c| c.kinds.contains(*k))))
            .then(|| (format!("no {} objects", alternatives(kinds)), CLUSTER)),
            Need::Object(names) => (!names
                .iter()
                .any(|n| cluster.is_some_and(|c| c.objects.contains(*n))))
            .then(|| (format!("no {}", alternatives(names)), CLUSTER)),
            Need::ControlPlaneVersion => (!self.control_plane_version).then(|| {
                (
                    "no control-plane version (give `kubectl version -o json` or the EKS description as a cluster export, or a metrics dump)".to_owned(),
                    "",
                )
            }),
            Need::TwoDumps { min_seconds } => match self.span_seconds {
                None => Some((
                    "one metrics dump only (give a later one with --metrics-later)".to_owned(),
                    "",
                )),
                Some(span) if span < f64::from(*min_seconds) => Some((
                    format!(
                        "the dumps span {}, less than the {} this check needs",
                        crate::format::duration(span),
                        crate::format::duration(f64::from(*min_seconds))
                    ),
                    "",
                )),
                Some(_) => None,
            },
            Need::EksDescription => (!self.eks_description).then(|| {
                (
                    "no EKS description (give `aws eks describe-cluster --name NAME --output json` as a cluster export)".to_owned(),
                    "",
                )
            }),
            Need::Today => {
                (!self.today).then(|| ("no date for today (give --now)".to_owned(), ""))
            }
        }
    }

    /// What a check lacks, in one phrase: "no a and no b in the metrics dump".
    fn missing(&self, check: &Check) -> Option<String> {
        let parts: Vec<(String, &str)> = check.needs.iter().filter_map(|n| self.lacks(n)).collect();
        let mut out = String::new();
        for (i, (what, place)) in parts.iter().enumerate() {
            out.push_str(what);
            match parts.get(i + 1) {
                Some((_, next)) if next == place && !place.is_empty() => out.push_str(" and "),
                Some(_) => {
                    out.push_str(place);
                    out.push_str("; ");
                }
                None => out.push_str(place),
            }
        }
        (!parts.is_empty()).then_some(out)
    }

    /// Why `check` cannot apply to these inputs at all, if it cannot.
    fn not_applicable(&self, check: &Check) -> Option<String> {
        // A check that reads only the version and the date (VER004) applies to any input: the
        // version may come from the metrics dump as well as from a cluster export.
        let any_input = check
            .needs
            .iter()
            .all(|n| matches!(n, Need::ControlPlaneVersion | Need::Today));
        if any_input {
            return (self.metrics.is_none() && self.cluster.is_none())
                .then(|| "no metrics dump or cluster export given".to_owned());
        }
        if check.reads_metrics() {
            let Some(m) = &self.metrics else {
                return Some("no metrics dump given".to_owned());
            };
            if let (Component::Unreadable, Some(why)) = (m.component, &m.unusable) {
                return Some(format!("the metrics input is unusable: {why}"));
            }
            None
        } else if self.cluster.is_none() {
            Some("no cluster export given".to_owned())
        } else if self.cluster_empty {
            Some("the cluster exports hold no Kubernetes objects".to_owned())
        } else {
            None
        }
    }

    /// One check's coverage.
    pub fn coverage(&self, check: &'static Check) -> Coverage {
        let (status, reason) = if let Some(why) = self.not_applicable(check) {
            (CoverageStatus::NotApplicable, Some(why))
        } else {
            let component = self
                .metrics
                .as_ref()
                .map_or(Component::ApiServer, |m| m.component);
            if let Some(missing) = self.missing(check) {
                // Only a missing family says the dump is the wrong component's; a missing
                // second dump is missing data whatever the component.
                let lacks_family = check
                    .needs
                    .iter()
                    .any(|n| !matches!(n, Need::TwoDumps { .. }) && self.lacks(n).is_some());
                if check.reads_metrics() && component != Component::ApiServer && lacks_family {
                    // Another component's dump: the check is for the API server's.
                    (
                        CoverageStatus::NotApplicable,
                        Some(format!(
                            "the metrics dump is {}, not an API server's",
                            component.describe()
                        )),
                    )
                } else {
                    (CoverageStatus::NoData, Some(missing))
                }
            } else {
                (CoverageStatus::Evaluated, None)
            }
        };
        Coverage {
            check: Cow::Borrowed(check.id),
            status,
            reason,
        }
    }

    /// Every check of the registry, in registry order.
    pub fn all(&self) -> Vec<Coverage> {
        REGISTRY.iter().map(|c| self.coverage(c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::parse;
    use crate::recognise;

    fn metrics_held(text: &str) -> MetricsHeld {
        let dump = parse(text);
        MetricsHeld::of(&dump, recognise::metrics(text, &dump))
    }

    /// `ID status: reason` for the checks that did not run.
    fn not_run(held: &Held) -> Vec<String> {
        held.all()
            .iter()
            .filter(|c| c.status != CoverageStatus::Evaluated)
            .map(|c| {
                format!(
                    "{} {}: {}",
                    c.check,
                    c.status.as_str(),
                    c.reason.as_deref().unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn nothing_given_means_nothing_applies() {
        let held = Held::default();
        let all = held.all();
        assert_eq!(all.len(), REGISTRY.len());
        assert_eq!(all[0].check, "SYS001");
        assert_eq!(all[0].reason.as_deref(), Some("no cluster export given"));
        let etcd001 = all.iter().find(|c| c.check == "ETCD001").unwrap();
        assert_eq!(etcd001.status, CoverageStatus::NotApplicable);
        assert_eq!(etcd001.reason.as_deref(), Some("no metrics dump given"));
    }

    #[test]
    fn an_api_server_dump_lacking_families() {
        let held = Held {
            metrics: Some(metrics_held(
                "apiserver_request_total{code=\"200\"} 5\naggregator_unavailable_apiservice{name=\"v1.\"} 0\n",
            )),
            ..Held::default()
        };
        // The metrics checks this test was written for (a check added later has its own tests).
        let pinned = [
            "ETCD001", "ETCD002", "ETCD003", "API001", "API002", "API003", "API004", "ADM001",
            "ADM002", "ADM003", "CLI001", "AGG001", "OBJ001",
        ];
        let metrics: Vec<String> = not_run(&held)
            .into_iter()
            .filter(|l| pinned.iter().any(|id| l.starts_with(&format!("{id} "))))
            .collect();
        // API004, ADM001 and ADM002 read event counters: absent from an API server's dump means none.
        assert_eq!(metrics, vec![
            "ETCD001 no-data: no apiserver_storage_size_bytes, apiserver_storage_db_total_size_in_bytes, etcd_db_total_size_in_bytes or etcd_mvcc_db_total_size_in_bytes in the metrics dump",
            "ETCD002 no-data: no etcd_mvcc_db_total_size_in_use_in_bytes and no etcd_mvcc_db_total_size_in_bytes in the metrics dump",
            "ETCD003 no-data: no etcd_request_duration_seconds, etcd_disk_wal_fsync_duration_seconds, etcd_disk_backend_commit_duration_seconds or etcd_server_has_leader in the metrics dump",
            "API003 no-data: no apiserver_request_sli_duration_seconds or apiserver_request_duration_seconds in the metrics dump",
            "ADM003 no-data: no apiserver_admission_controller_admission_duration_seconds in the metrics dump",
            "CLI001 no-data: no rest_client_requests_total or rest_client_request_duration_seconds in the metrics dump",
            "OBJ001 no-data: no apiserver_storage_objects, apiserver_resource_objects or etcd_object_counts in the metrics dump",
        ]);
    }

    /// The window checks need a second dump, and API005 one at least 1 h after the first; an
    /// etcd member's single dump lacks a second dump, not the right component.
    #[test]
    fn window_checks_need_two_dumps_far_enough_apart() {
        let dump = "apiserver_request_total{code=\"200\"} 5\napiserver_storage_size_bytes 1e9\n";
        let status = |held: &Held, id: &str| {
            let c = held.coverage(crate::checks::by_id(id).unwrap());
            format!("{} {}", c.status.as_str(), c.reason.unwrap_or_default())
        };
        let mut held = Held {
            metrics: Some(metrics_held(dump)),
            span_seconds: Some(300.0),
            ..Held::default()
        };
        assert_eq!(status(&held, "ETCD004"), "evaluated ");
        assert_eq!(
            status(&held, "API005"),
            "no-data the dumps span 5 min, less than the 1 h 0 min this check needs"
        );
        held.span_seconds = Some(3_600.0);
        assert_eq!(status(&held, "API005"), "evaluated ");
        let etcd = Held {
            metrics: Some(metrics_held(
                "etcd_server_has_leader 1\netcd_mvcc_db_total_size_in_bytes 5e6\n",
            )),
            ..Held::default()
        };
        assert_eq!(
            status(&etcd, "ETCD004"),
            "no-data one metrics dump only (give a later one with --metrics-later)"
        );
    }

    #[test]
    fn an_etcd_members_dump_runs_the_etcd_checks_only() {
        let held = Held {
            metrics: Some(metrics_held(
                "etcd_server_has_leader 1\netcd_mvcc_db_total_size_in_bytes 5e6\netcd_mvcc_db_total_size_in_use_in_bytes 4e6\n",
            )),
            ..Held::default()
        };
        let all = held.all();
        let status = |id: &str| all.iter().find(|c| c.check == id).unwrap();
        for id in ["ETCD001", "ETCD002", "ETCD003"] {
            assert_eq!(status(id).status, CoverageStatus::Evaluated, "{id}");
        }
        for id in ["API001", "API004", "ADM001", "CLI001", "AGG001", "OBJ001"] {
            assert_eq!(status(id).status, CoverageStatus::NotApplicable, "{id}");
            assert_eq!(
                status(id).reason.as_deref(),
                Some("the metrics dump is an etcd member's /metrics, not an API server's"),
                "{id}"
            );
        }
    }

    #[test]
    fn an_unusable_metrics_input_applies_to_no_metrics_check() {
        let held = Held {
            metrics: Some(metrics_held(
                "<html><title>502 Bad Gateway</title></html>\n",
            )),
            ..Held::default()
        };
        let api001 = held.coverage(&crate::checks::api::API001);
        assert_eq!(api001.status, CoverageStatus::NotApplicable);
        assert_eq!(api001.reason.as_deref(), Some("the metrics input is unusable: looks like HTML, not Prometheus text (line 1: \"502 Bad Gateway\")"));
    }

    #[test]
    fn cluster_needs() {
        let objects = crate::cluster::load(
            "kind: List\nitems:\n- kind: Pod\n  metadata: {name: p, namespace: a}\n- kind: Node\n  metadata: {name: n}\n- kind: ConfigMap\n  metadata: {name: aws-auth, namespace: kube-system}\n",
        )
        .objects;
        let held = Held {
            cluster: Some(ClusterHeld::of(&objects, &BTreeSet::default())),
            ..Held::default()
        };
        let cluster: Vec<String> = not_run(&held)
            .into_iter()
            .filter(|l| !l.ends_with("no metrics dump given"))
            .collect();
        assert_eq!(cluster, vec![
            "WH001 no-data: no ValidatingWebhookConfiguration or MutatingWebhookConfiguration objects in the cluster export",
            "WH002 no-data: no ValidatingWebhookConfiguration or MutatingWebhookConfiguration objects in the cluster export",
            "WH003 no-data: no ValidatingWebhookConfiguration or MutatingWebhookConfiguration objects in the cluster export",
            "WH004 no-data: no ValidatingWebhookConfiguration or MutatingWebhookConfiguration objects in the cluster export",
            "WH005 no-data: no ValidatingWebhookConfiguration or MutatingWebhookConfiguration objects in the cluster export",
            "VER001 no-data: no control-plane version (give `kubectl version -o json` or the EKS description as a cluster export, or a metrics dump)",
            "VER002 no-data: no control-plane version (give `kubectl version -o json` or the EKS description as a cluster export, or a metrics dump)",
            "VER003 no-data: no control-plane version (give `kubectl version -o json` or the EKS description as a cluster export, or a metrics dump)",
            "NET001 no-data: no ConfigMap/kube-system/kube-proxy-config or ConfigMap/kube-system/kube-proxy and no Service objects in the cluster export",
            "NET002 no-data: no DaemonSet/kube-system/aws-node in the cluster export",
            "AUTH007 no-data: no ClusterRoleBinding objects in the cluster export",
            "SA001 no-data: no Secret objects in the cluster export",
            "POL001 no-data: no PolicyReport, ClusterPolicyReport, Report or ClusterReport objects in the cluster export",
            "POL002 no-data: no PolicyReport, ClusterPolicyReport, Report or ClusterReport objects in the cluster export",
            "EKS001 no-data: no EKS description (give `aws eks describe-cluster --name NAME --output json` as a cluster export)",
            "EKS002 no-data: no EKS description (give `aws eks describe-cluster --name NAME --output json` as a cluster export)",
            "EKS003 no-data: no EKS description (give `aws eks describe-cluster --name NAME --output json` as a cluster export)",
            "VER004 no-data: no control-plane version (give `kubectl version -o json` or the EKS description as a cluster export, or a metrics dump); no date for today (give --now)",
        ]);
        let empty = Held {
            cluster: Some(ClusterHeld::default()),
            cluster_empty: true,
            ..Held::default()
        };
        assert_eq!(
            empty.coverage(&crate::checks::SYS001).reason.as_deref(),
            Some("the cluster exports hold no Kubernetes objects")
        );
    }

    /// Through `analyze`: which inputs are unusable, and the report's coverage.
    #[allow(
        clippy::similar_names,
        clippy::unreadable_literal,
        clippy::field_reassign_with_default
    )]
    mod through_analyze {
        use crate::report::UnusableInput;
        use crate::{analyze, ClusterInput, Config, Inputs, MetricsInput, Report};

        const DUMP: &str = "process_start_time_seconds 1000\napiserver_request_total{code=\"200\",verb=\"GET\",resource=\"pods\",subresource=\"\"} 1000\n";

        fn run(metrics: Option<&str>, later: Option<&str>, cluster: &[(&str, &str)]) -> Report {
            let cluster: Vec<ClusterInput<'_>> = cluster
                .iter()
                .map(|(name, text)| ClusterInput { name, text })
                .collect();
            let dump = |text| MetricsInput {
                text,
                taken_at: Some(5000.0),
            };
            let inputs = Inputs {
                metrics: metrics.map(dump),
                metrics_later: later.map(|text| MetricsInput {
                    text,
                    taken_at: Some(5300.0),
                }),
                cluster: &cluster,
                now: None,
            };
            analyze(&inputs, &Config::default()).unwrap()
        }

        fn unusable(report: &Report) -> Vec<(String, Option<String>, String)> {
            report
                .unusable_inputs
                .iter()
                .map(
                    |UnusableInput {
                         input,
                         file,
                         reason,
                     }| { (input.to_string(), file.clone(), reason.clone()) },
                )
                .collect()
        }

        #[test]
        fn one_empty_list_among_several_is_fine() {
            let list = "kind: List\nitems:\n- kind: Node\n  metadata: {name: n}\n";
            let empty = "apiVersion: v1\nkind: List\nitems: []\n";
            let report = run(None, None, &[("nodes.yaml", list), ("hooks.yaml", empty)]);
            assert!(report.unusable_inputs.is_empty());
            assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
            assert!(!report.nothing_analysed());
            let report = run(
                None,
                None,
                &[
                    ("hooks.yaml", empty),
                    (
                        "version.json",
                        r#"{"serverVersion":{"gitVersion":"v1.30.1"}}"#,
                    ),
                ],
            );
            assert_eq!(
                unusable(&report),
                vec![
                    (
                        "cluster".to_owned(),
                        Some("hooks.yaml".to_owned()),
                        "no Kubernetes objects: an empty List".to_owned()
                    ),
                    (
                        "cluster".to_owned(),
                        Some("version.json".to_owned()),
                        "no Kubernetes objects: only the control-plane version (kubectl version)"
                            .to_owned()
                    ),
                ]
            );
            assert!(report.nothing_analysed());
            assert_eq!(report.evaluated(), (0, crate::checks::REGISTRY.len()));
        }

        #[test]
        fn a_metrics_dump_given_as_a_cluster_export_is_named() {
            let list = "kind: List\nitems:\n- kind: Node\n  metadata: {name: n}\n";
            let report = run(
                None,
                None,
                &[("cluster.yaml", list), ("apiserver.metrics", DUMP)],
            );
            assert!(report.unusable_inputs.is_empty());
            let last = report.diagnostics.last().unwrap();
            assert_eq!(
                (last.file.as_deref(), last.line),
                (Some("apiserver.metrics"), 1)
            );
            assert_eq!(last.message, "no Kubernetes objects: it looks like a Prometheus /metrics dump: give it as a metrics dump (--metrics; in the viewer, the Metrics box)");
        }

        #[test]
        fn an_unusable_later_dump_leaves_the_earlier_alone() {
            let report = run(Some(DUMP), Some("<html>502</html>"), &[]);
            assert_eq!(
                unusable(&report),
                vec![(
                    "metrics-later".to_owned(),
                    None,
                    "looks like HTML, not Prometheus text (line 1)".to_owned()
                )]
            );
            let metrics = report.metrics.as_ref().unwrap();
            assert!(metrics.rates.is_none(), "one dump, no rates");
            assert!(!report.nothing_analysed());
            let api001 = &report
                .coverage
                .iter()
                .find(|c| c.check == "API001")
                .unwrap();
            assert_eq!(api001.status, super::CoverageStatus::Evaluated);
        }

        #[test]
        fn usable_metrics_beside_an_unusable_cluster_export() {
            let report = run(Some(DUMP), None, &[("cluster.yaml", "")]);
            assert_eq!(
                unusable(&report),
                vec![(
                    "cluster".to_owned(),
                    Some("cluster.yaml".to_owned()),
                    "no Kubernetes objects: the file is empty".to_owned()
                )]
            );
            assert!(!report.nothing_analysed());
            let (ran, _) = report.evaluated();
            // What apiserver_request_total feeds: API001, API002, and the event counters of API004,
            // ADM001, ADM002 and DEP001 (absent, so none happened).
            assert_eq!(ran, 6, "{:?}", report.coverage);
        }

        /// With every threshold at zero, whatever a check can read makes it speak: a check
        /// that finds anything must be one the coverage calls evaluated (its needs are complete).
        #[test]
        fn a_check_with_findings_is_evaluated() {
            let mut config = Config::default();
            config.etcd_warn_ratio = 0.0;
            config.etcd_critical_ratio = 0.0;
            config.etcd_fragmentation_ratio = 1.1;
            config.etcd_fragmentation_min_in_use_bytes = 0.0;
            config.etcd_request_p99_seconds = 0.0;
            config.etcd_wal_fsync_p99_seconds = 0.0;
            config.etcd_backend_commit_p99_seconds = 0.0;
            config.error_ratio = 0.0;
            config.slow_ratio = 0.0;
            config.slo_read_resource_seconds = 0.0;
            config.slo_read_namespace_seconds = 0.0;
            config.slo_read_cluster_seconds = 0.0;
            config.slo_write_seconds = 0.0;
            config.webhook_timeout_fraction = 0.0;
            config.admission_controller_p99_seconds = 0.0;
            config.client_p99_seconds = 0.0;
            config.object_count_warn = 0.0;
            config.etcd_disk_critical_p99_seconds = 0.0;
            config.etcd_quota_critical_horizon_seconds = 1e15;
            config.throttled_ratio = 0.0;
            config.terminated_ratio = 0.0;
            config.availability_objective = 0.999_999;
            config.cert_expiry_warn_seconds = 1e15;
            config.cert_expiry_critical_seconds = 1e15;
            let cluster = [ClusterInput {
                name: "cluster.yaml",
                text: include_str!("../samples/cluster.yaml"),
            }];
            for (metrics, later) in [
                (include_str!("../samples/apiserver.metrics"), None),
                (include_str!("../samples/apiserver.metrics"), Some(include_str!("../samples/apiserver-later.metrics"))),
                ("etcd_server_has_leader 0\netcd_mvcc_db_total_size_in_bytes 5e6\netcd_mvcc_db_total_size_in_use_in_bytes 4e6\n", None),
            ] {
                let inputs = Inputs {
                    metrics: Some(MetricsInput { text: metrics, taken_at: Some(1.7950464e9 + 734_400.0) }),
                    metrics_later: later.map(|text| MetricsInput { text, taken_at: Some(1.7950464e9 + 735_000.0) }),
                    cluster: &cluster,
                    now: None,
                };
                let report = analyze(&inputs, &config).unwrap();
                let mut spoke = 0;
                for f in &report.findings {
                    let c = report.coverage.iter().find(|c| c.check == f.check).unwrap();
                    assert_eq!(c.status, super::CoverageStatus::Evaluated, "{}: {}", f.check, f.message);
                    spoke += 1;
                }
                assert!(spoke > 3, "{spoke}");
            }
        }
    }
}
