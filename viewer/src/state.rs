//! The page's state: one [`State`], changed only by [`Action`]s through [`State::apply`]
//! (Yew's `Reducible` calls it). No browser needed, so it is tested natively. The running
//! job is not here: [`use_worker`](crate::worker_hook::use_worker) owns it, and reports its
//! end as [`Action::Finished`].

use crate::analysis::Outcome;
use crate::sample;
use cpguard_core::report::Report;
use cpguard_core::{Config, Severity};
use std::rc::Rc;
use yew::Reducible;

/// The three inputs of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Metrics,
    MetricsLater,
    Cluster,
}

impl Slot {
    pub const ALL: [Slot; 3] = [Slot::Metrics, Slot::MetricsLater, Slot::Cluster];

    /// The text area's label.
    pub fn label(self) -> &'static str {
        match self {
            Slot::Metrics => "Metrics",
            Slot::MetricsLater => "Later metrics dump",
            Slot::Cluster => "Cluster YAML",
        }
    }

    /// The HTML id of the text area (and the prefix of its other controls).
    pub fn id(self) -> &'static str {
        match self {
            Slot::Metrics => "metrics",
            Slot::MetricsLater => "metrics-later",
            Slot::Cluster => "cluster",
        }
    }

    /// The report's diagnostics name their input this way (`Diagnostic::input`).
    pub fn of_diagnostic(input: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|s| s.id() == input)
    }
}

/// A file read into an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    pub name: String,
    pub bytes: usize,
}

/// One input: its text, where it came from, and when it was taken (as the user wrote it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    pub text: Rc<str>,
    pub file: Option<FileInfo>,
    pub taken_at: String,
}

/// Inputs above this size are not put into the text area (a browser struggles to edit them);
/// the page shows the file's name and size instead.
pub const LARGE_INPUT_BYTES: usize = 1 << 20;

impl Input {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn is_large(&self) -> bool {
        self.text.len() > LARGE_INPUT_BYTES
    }
}

/// A finished analysis, as the worker returned it.
#[derive(Debug, PartialEq)]
pub struct Loaded {
    pub report: Report,
    /// The report's JSON exactly as the worker wrote it (`cpguard analyze --format json`).
    pub json: Rc<str>,
    pub markdown: Rc<str>,
    /// The text of each diagnostic's line (metrics inputs only), index for index.
    pub excerpts: Vec<Option<String>>,
    /// Time the worker spent in `analyze`, in ms.
    pub worker_ms: f64,
    /// Time from "Analyze" to the result arriving on the page, in ms.
    pub total_ms: f64,
}

/// A request to put the cursor on a line of an input (`seq` makes a repeated click count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    pub slot: Slot,
    pub line: u32,
    pub seq: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub metrics: Input,
    pub metrics_later: Input,
    pub cluster: Input,
    /// The settings as `cpguard analyze --config` reads them (camelCase JSON).
    pub config: serde_json::Value,
    /// Severities shown in the findings table.
    pub shown: [bool; 3],
    pub search: String,
    /// Index into the report's findings.
    pub selected: Option<usize>,
    /// Why the inputs could not be analysed: what was wrong and where.
    pub error: Option<String>,
    pub loaded: Option<Rc<Loaded>>,
    pub jump: Option<Jump>,
    /// A short message for the user (copied, cancelled, ...), announced politely.
    pub notice: Option<String>,
}

pub fn default_config() -> serde_json::Value {
    serde_json::to_value(Config::default()).unwrap_or_default()
}

/// Where the page remembers the settings (this browser's localStorage; inputs are never stored).
pub const SETTINGS_KEY: &str = "cpguard.settings";

impl State {
    /// A fresh page with the settings saved by an earlier visit, when they still make a
    /// `Config` (a newer or older page may have other keys); else the defaults.
    pub fn with_saved_settings(saved: Option<serde_json::Value>) -> State {
        let config = saved
            .and_then(|v| serde_json::from_value::<Config>(v).ok())
            .and_then(|c| serde_json::to_value(c).ok())
            .unwrap_or_else(default_config);
        State {
            config,
            ..State::default()
        }
    }
}

impl Default for State {
    fn default() -> State {
        State {
            metrics: Input::default(),
            metrics_later: Input::default(),
            cluster: Input::default(),
            config: default_config(),
            shown: [true; 3],
            search: String::new(),
            selected: None,
            error: None,
            loaded: None,
            jump: None,
            notice: None,
        }
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Critical => 2,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Typed or pasted into a text area.
    Edit(Slot, Rc<str>),
    /// A file was read (picker or drop); `modified` is its last-modified time in Unix seconds.
    FileLoaded {
        slot: Slot,
        file: FileInfo,
        text: Rc<str>,
        modified: Option<f64>,
    },
    /// A file could not be read.
    FileFailed(Slot, String),
    Clear(Slot),
    SetTakenAt(Slot, String),
    LoadSample,
    /// Sets one setting; `path` is its key path (`["webhookSettings", "maxTimeoutSeconds"]`).
    SetSetting(Vec<String>, serde_json::Value),
    ResetSettings,
    ToggleSeverity(Severity),
    SetSearch(String),
    Select(Option<usize>),
    /// The page handed a job to the worker.
    Started,
    /// The running job ended, `total_ms` after it was handed over.
    Finished {
        outcome: Outcome,
        total_ms: f64,
    },
    /// The inputs were refused before any analysis (bad time, bad settings, nothing given),
    /// or no worker could take them.
    Invalid(String),
    /// The running job was stopped.
    Cancelled,
    JumpTo(Slot, u32),
    Notice(Option<String>),
}

impl State {
    pub fn input(&self, slot: Slot) -> &Input {
        match slot {
            Slot::Metrics => &self.metrics,
            Slot::MetricsLater => &self.metrics_later,
            Slot::Cluster => &self.cluster,
        }
    }

    fn input_mut(&mut self, slot: Slot) -> &mut Input {
        match slot {
            Slot::Metrics => &mut self.metrics,
            Slot::MetricsLater => &mut self.metrics_later,
            Slot::Cluster => &mut self.cluster,
        }
    }

    pub fn is_shown(&self, s: Severity) -> bool {
        self.shown.get(severity_index(s)).copied().unwrap_or(true)
    }

    /// The job ended: keep its report, or say why it failed.
    fn finish(&mut self, outcome: Outcome, total_ms: f64) {
        match outcome {
            Outcome::Done {
                json,
                markdown,
                excerpts,
                worker_ms,
            } => match serde_json::from_str::<Report>(&json) {
                Ok(report) => {
                    self.notice = Some(format!(
                        "Analysis done in {}: {} findings",
                        cpguard_core::format::seconds(total_ms / 1000.0),
                        report.findings.len()
                    ));
                    self.loaded = Some(Rc::new(Loaded {
                        report,
                        json: json.into(),
                        markdown: markdown.into(),
                        excerpts,
                        worker_ms,
                        total_ms,
                    }));
                    self.selected = None;
                }
                Err(e) => {
                    self.error = Some(format!("the worker's report is unreadable: {e}"));
                }
            },
            Outcome::Failed(message) => self.error = Some(message),
        }
    }

    /// The state after `action`.
    #[must_use]
    pub fn apply(mut self, action: Action) -> State {
        match action {
            Action::Edit(slot, text) => {
                let input = self.input_mut(slot);
                input.text = text;
                input.file = None;
            }
            Action::FileLoaded {
                slot,
                file,
                text,
                modified,
            } => {
                let input = self.input_mut(slot);
                input.text = text;
                input.taken_at = modified
                    .map(cpguard_core::time::format_rfc3339)
                    .unwrap_or_default();
                self.notice = Some(format!(
                    "Read {} ({}) into {}",
                    file.name,
                    cpguard_core::format::bytes(file.bytes as f64),
                    slot.label()
                ));
                self.input_mut(slot).file = Some(file);
            }
            Action::FileFailed(slot, message) => {
                self.error = Some(format!("{}: {message}", slot.label()));
            }
            Action::Clear(slot) => *self.input_mut(slot) = Input::default(),
            Action::SetTakenAt(slot, text) => self.input_mut(slot).taken_at = text,
            Action::LoadSample => {
                self.metrics = Input {
                    text: sample::METRICS.into(),
                    file: None,
                    taken_at: sample::METRICS_TAKEN_AT.to_owned(),
                };
                self.metrics_later = Input {
                    text: sample::METRICS_LATER.into(),
                    file: None,
                    taken_at: sample::METRICS_LATER_TAKEN_AT.to_owned(),
                };
                self.cluster = Input {
                    text: sample::CLUSTER.into(),
                    file: None,
                    taken_at: String::new(),
                };
                self.notice = Some("Loaded the sample inputs".to_owned());
            }
            Action::SetSetting(path, value) => set_path(&mut self.config, &path, value),
            Action::ResetSettings => self.config = default_config(),
            Action::ToggleSeverity(s) => {
                if let Some(shown) = self.shown.get_mut(severity_index(s)) {
                    *shown = !*shown;
                }
            }
            Action::SetSearch(text) => self.search = text,
            Action::Select(i) => self.selected = i,
            Action::Started => {
                self.error = None;
                self.notice = None;
            }
            Action::Finished { outcome, total_ms } => self.finish(outcome, total_ms),
            Action::Invalid(message) => self.error = Some(message),
            Action::Cancelled => self.notice = Some("Analysis cancelled".to_owned()),
            Action::JumpTo(slot, line) => {
                let seq = self.jump.map_or(0, |j| j.seq.wrapping_add(1));
                self.jump = Some(Jump { slot, line, seq });
            }
            Action::Notice(n) => self.notice = n,
        }
        self
    }
}

/// Sets `value` at `path` inside `root`, creating objects on the way.
fn set_path(root: &mut serde_json::Value, path: &[String], value: serde_json::Value) {
    let Some((last, parents)) = path.split_last() else {
        *root = value;
        return;
    };
    let mut at = root;
    for key in parents {
        if !at.is_object() {
            *at = serde_json::Value::Object(serde_json::Map::new());
        }
        let Some(map) = at.as_object_mut() else {
            return;
        };
        at = map
            .entry(key.clone())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    if let Some(map) = at.as_object_mut() {
        map.insert(last.clone(), value);
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(outcome: Outcome) -> State {
        State::default()
            .apply(Action::Started)
            .apply(Action::Finished {
                outcome,
                total_ms: 250.0,
            })
    }

    #[test]
    fn a_result_is_kept_with_its_time_and_a_failure_says_why() {
        let json = cpguard_core::render::json(&Report::default());
        let s = finished(Outcome::Done {
            json: json.clone(),
            markdown: "# md".to_owned(),
            excerpts: Vec::new(),
            worker_ms: 40.0,
        });
        assert_eq!(s.error, None);
        let loaded = s.loaded.clone().unwrap();
        assert_eq!(
            (&*loaded.json, loaded.total_ms, loaded.worker_ms),
            (json.as_str(), 250.0, 40.0)
        );
        assert_eq!(
            s.notice.as_deref(),
            Some("Analysis done in 250 ms: 0 findings")
        );
        let s = s.apply(Action::Started).apply(Action::Finished {
            outcome: Outcome::Failed("a later metrics dump needs the earlier one too".to_owned()),
            total_ms: 1.0,
        });
        assert_eq!(
            s.error.as_deref(),
            Some("a later metrics dump needs the earlier one too")
        );
        // The earlier report stays on the page.
        assert_eq!(s.loaded, Some(loaded));
        // The next Analyze clears the error.
        assert_eq!(s.apply(Action::Started).error, None);
        let s = finished(Outcome::Done {
            json: "{".to_owned(),
            markdown: String::new(),
            excerpts: Vec::new(),
            worker_ms: 0.0,
        });
        assert!(
            matches!(&s.error, Some(m) if m.starts_with("the worker's report is unreadable: EOF"))
        );
    }

    #[test]
    fn a_cancelled_job_says_so() {
        let s = State::default()
            .apply(Action::Started)
            .apply(Action::Cancelled);
        assert_eq!(
            (s.error, s.notice.as_deref()),
            (None, Some("Analysis cancelled"))
        );
    }

    #[test]
    fn the_sample_fills_all_three_inputs_ten_minutes_apart() {
        let s = State::default().apply(Action::LoadSample);
        assert_eq!(&*s.metrics.text, sample::METRICS);
        assert_eq!(&*s.cluster.text, sample::CLUSTER);
        assert_eq!(
            (
                s.metrics.taken_at.as_str(),
                s.metrics_later.taken_at.as_str()
            ),
            ("2026-11-27T12:00:00Z", "2026-11-27T12:10:00Z")
        );
        let s = s.apply(Action::Clear(Slot::MetricsLater));
        assert!(s.metrics_later.is_empty() && s.metrics_later.taken_at.is_empty());
    }

    #[test]
    fn saved_settings_come_back_unless_they_no_longer_fit() {
        let mut saved = default_config();
        saved["errorRatio"] = serde_json::json!(0.05);
        let s = State::with_saved_settings(Some(saved.clone()));
        assert_eq!(s.config, saved);
        let s = State::with_saved_settings(Some(serde_json::json!({"removedKey": 1})));
        assert_eq!(s.config, default_config());
        // Older pages saved fewer keys: the rest are the defaults.
        let s = State::with_saved_settings(Some(serde_json::json!({"errorRatio": 0.05})));
        assert_eq!(s.config, saved);
    }

    #[test]
    fn settings_are_set_by_path_and_reset() {
        let s = State::default().apply(Action::SetSetting(
            vec!["webhookSettings".to_owned(), "maxTimeoutSeconds".to_owned()],
            serde_json::json!(5),
        ));
        assert_eq!(
            s.config["webhookSettings"]["maxTimeoutSeconds"],
            serde_json::json!(5)
        );
        assert_eq!(s.apply(Action::ResetSettings).config, default_config());
    }
}
