//! The worker's job: the core's `analyze` over the page's inputs, with the JSON and Markdown
//! the page exports. A pure function, so it is tested natively; `bin/worker.rs` only moves
//! messages.

use cpguard_core::render;
use cpguard_core::report::Report;
use cpguard_core::{analyze_with_progress, ClusterInput, Config, Inputs, MetricsInput, Stage};

/// One metrics dump and when it was taken (Unix seconds).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dump<'a> {
    pub text: &'a str,
    pub taken_at: Option<f64>,
}

/// Everything the page sends for one analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Job<'a> {
    /// The settings, as JSON (`cpguard analyze --config`).
    pub config: &'a str,
    pub metrics: Option<Dump<'a>>,
    pub metrics_later: Option<Dump<'a>>,
    /// The cluster export and the name its diagnostics cite.
    pub cluster: Option<(&'a str, &'a str)>,
    /// Today (Unix seconds), for the EKS support calendar: the page's clock.
    pub now: Option<f64>,
}

/// What the worker sends back.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done {
        /// `cpguard analyze --format json`, byte for byte.
        json: String,
        markdown: String,
        excerpts: Vec<Option<String>>,
        worker_ms: f64,
    },
    Failed(String),
}

/// Diagnostics beyond this many get no excerpt (the page lists the first ones anyway).
pub const MAX_EXCERPTS: usize = 1000;
/// An excerpt is the start of its line, at most this many characters.
pub const EXCERPT_CHARS: usize = 160;

fn dump(d: Option<Dump<'_>>) -> Option<MetricsInput<'_>> {
    d.map(|d| MetricsInput {
        text: d.text,
        taken_at: d.taken_at,
    })
}

pub fn run(job: &Job<'_>, progress: &mut dyn FnMut(Stage)) -> Outcome {
    let config: Config = match serde_json::from_str(job.config) {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(format!("Settings: {e}")),
    };
    let cluster: Vec<ClusterInput<'_>> = job
        .cluster
        .iter()
        .map(|(name, text)| ClusterInput { name, text })
        .collect();
    let inputs = Inputs {
        metrics: dump(job.metrics),
        metrics_later: dump(job.metrics_later),
        cluster: &cluster,
        now: job.now,
    };
    match analyze_with_progress(&inputs, &config, progress) {
        Ok(report) => Outcome::Done {
            json: render::json(&report),
            markdown: render::markdown(&report),
            excerpts: excerpts(&report, job),
            worker_ms: 0.0,
        },
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// The text of each metrics diagnostic's line. Cluster lines get none: a cluster export may
/// hold Secret material, which the page never shows; a metrics line that looks like a
/// credential (whatever box it was pasted into) is withheld too. One pass over each text for
/// all its diagnostics (looking each line up from the start made it quadratic).
fn excerpts(report: &Report, job: &Job<'_>) -> Vec<Option<String>> {
    let shown: Vec<_> = report.diagnostics.iter().take(MAX_EXCERPTS).collect();
    let lines_of = |input: &str, text: Option<&str>| -> std::collections::HashMap<u32, String> {
        let Some(text) = text else {
            return std::collections::HashMap::new();
        };
        let mut wanted: Vec<u32> = shown
            .iter()
            .filter(|d| d.input == input)
            .map(|d| d.line)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = std::collections::HashMap::new();
        let mut wanted = wanted.into_iter().peekable();
        for (i, l) in text.split('\n').enumerate() {
            let Some(&next) = wanted.peek() else { break };
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if n == next {
                wanted.next();
                let l = l.strip_suffix('\r').unwrap_or(l);
                let excerpt = if cpguard_core::redact::looks_secret(l) {
                    cpguard_core::redact::WITHHELD.to_owned()
                } else {
                    l.chars().take(EXCERPT_CHARS).collect()
                };
                out.insert(n, excerpt);
            }
        }
        out
    };
    let metrics = lines_of("metrics", job.metrics.map(|d| d.text));
    let later = lines_of("metrics-later", job.metrics_later.map(|d| d.text));
    shown
        .iter()
        .map(|d| match &*d.input {
            "metrics" => metrics.get(&d.line).cloned(),
            "metrics-later" => later.get(&d.line).cloned(),
            _ => None,
        })
        .collect()
}

/// Line `n` (from 1) of `text`, without its line break.
pub fn line(text: &str, n: u32) -> Option<&str> {
    let l = text
        .split('\n')
        .nth(usize::try_from(n).ok()?.checked_sub(1)?)?;
    Some(l.strip_suffix('\r').unwrap_or(l))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn config() -> String {
        serde_json::to_string(&Config::default()).unwrap()
    }

    #[test]
    fn the_json_is_the_clis() {
        let config = config();
        let job = Job {
            config: &config,
            metrics: Some(Dump {
                text: sample::METRICS,
                taken_at: cpguard_core::time::parse(sample::METRICS_TAKEN_AT),
            }),
            metrics_later: None,
            cluster: Some(("cluster.yaml", sample::CLUSTER)),
            now: None,
        };
        let mut stages = Vec::new();
        let Outcome::Done { json, markdown, .. } = run(&job, &mut |s| stages.push(s.label()))
        else {
            panic!("the sample analyses");
        };
        let cluster = [ClusterInput {
            name: "cluster.yaml",
            text: sample::CLUSTER,
        }];
        let inputs = Inputs {
            metrics: Some(MetricsInput {
                text: sample::METRICS,
                taken_at: cpguard_core::time::parse(sample::METRICS_TAKEN_AT),
            }),
            metrics_later: None,
            cluster: &cluster,
            now: None,
        };
        let report = cpguard_core::analyze(&inputs, &Config::default()).unwrap();
        assert_eq!(json, render::json(&report));
        assert_eq!(markdown, render::markdown(&report));
        assert_eq!(
            stages,
            [
                "Reading cluster export 1 of 1",
                "Parsing the metrics dump",
                "Running the checks"
            ]
        );
    }

    #[test]
    fn bad_lines_get_their_text_but_cluster_lines_do_not() {
        let config = config();
        let metrics = "up 1\nthis is not a sample\r\nup{ 2\n";
        let job = Job {
            config: &config,
            metrics: Some(Dump {
                text: metrics,
                taken_at: None,
            }),
            metrics_later: None,
            cluster: Some(("c.yaml", "kind: Secret\ndata: [unclosed\n")),
            now: None,
        };
        let Outcome::Done { json, excerpts, .. } = run(&job, &mut |_| {}) else {
            panic!("bad lines are diagnostics, not failures");
        };
        let report: Report = serde_json::from_str(&json).unwrap();
        let lines: Vec<(String, u32, Option<String>)> = report
            .diagnostics
            .iter()
            .zip(&excerpts)
            .map(|(d, e)| (d.input.to_string(), d.line, e.clone()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("cluster".to_owned(), 1, None),
                (
                    "metrics".to_owned(),
                    2,
                    Some("this is not a sample".to_owned())
                ),
                ("metrics".to_owned(), 3, Some("up{ 2".to_owned())),
            ]
        );
    }

    /// A credential pasted into the metrics box is not shown back, in the excerpt or the message.
    #[test]
    fn secret_looking_lines_are_withheld() {
        let config = config();
        let metrics = "up 1\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\npassword: hunter2\n";
        let job = Job {
            config: &config,
            metrics: Some(Dump {
                text: metrics,
                taken_at: None,
            }),
            ..Job::default()
        };
        let Outcome::Done {
            json,
            markdown,
            excerpts,
            ..
        } = run(&job, &mut |_| {})
        else {
            panic!("bad lines are diagnostics, not failures");
        };
        let withheld = Some(cpguard_core::redact::WITHHELD.to_owned());
        assert_eq!(excerpts, vec![withheld.clone(), withheld]);
        for out in [&json, &markdown] {
            assert!(!out.contains("wJalrXUtnFEMI"), "{out}");
            assert!(!out.contains("hunter2"), "{out}");
        }
    }

    /// Issue 13: the EKS description pasted into the cluster box, after a cluster export (one
    /// box, several documents), is read by its shape, and the job's `now` dates VER004.
    #[test]
    fn the_cluster_box_takes_the_eks_description() {
        let config = config();
        let text = format!(
            "{}\n---\n{}",
            sample::CLUSTER,
            r#"{"cluster": {"name": "demo", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/demo", "version": "1.29",
  "resourcesVpcConfig": {"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["0.0.0.0/0"]},
  "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": true}]},
  "accessConfig": {"authenticationMode": "API"}}}"#
        );
        let job = Job {
            config: &config,
            cluster: Some(("cluster.yaml", &text)),
            now: Some(1_795_780_800.0), // 2026-11-27
            ..Job::default()
        };
        let Outcome::Done { json, .. } = run(&job, &mut |_| {}) else {
            panic!("analysed");
        };
        let report: cpguard_core::Report = serde_json::from_str(&json).unwrap();
        let eks001 = report
            .findings
            .iter()
            .find(|f| f.check == "EKS001")
            .unwrap();
        assert_eq!(eks001.message, "EKS cluster demo: the API server endpoint is public and open to the internet (publicAccessCidrs includes 0.0.0.0/0), though private access is on: nodes and in-VPC clients do not need it");
        // The sample's `kubectl version` (1.31) is the control plane's, past extended support.
        let ver004 = report
            .findings
            .iter()
            .find(|f| f.check == "VER004")
            .unwrap();
        assert!(ver004.message.starts_with("control plane v1.31.4-eks-2d5f260 (1.31) is past the end of EKS extended support (2026-11-26) on 2026-11-27"), "{}", ver004.message);
        assert!(!json.contains("111122223333"));
    }

    #[test]
    fn refusals_say_why() {
        let job = Job {
            config: r#"{"errorRatio": "high"}"#,
            ..Job::default()
        };
        let Outcome::Failed(message) = run(&job, &mut |_| {}) else {
            panic!("bad settings are refused");
        };
        assert!(
            message.starts_with("Settings: invalid type: string \"high\", expected f64"),
            "{message}"
        );
        let config = config();
        let job = Job {
            config: &config,
            metrics_later: Some(Dump {
                text: "up 1\n",
                taken_at: Some(1.0),
            }),
            ..Job::default()
        };
        assert_eq!(
            run(&job, &mut |_| {}),
            Outcome::Failed("a later metrics dump needs the earlier one too".to_owned())
        );
    }

    #[test]
    fn line_numbers_count_from_one() {
        assert_eq!(line("a\nb\r\nc", 2), Some("b"));
        assert_eq!(line("a\nb", 3), None);
        assert_eq!(line("a", 0), None);
    }
}
