//! Everything that stops the CLI, as one type: `main` prints it after `cpguard: ` and exits 2.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file (or stdin, `-`) could not be read.
    #[error("{}: {source}", if .path == "-" { "stdin" } else { .path.as_str() })]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },
    /// A settings or config file is not the JSON or YAML it should be.
    #[error("{path}: {message}")]
    Settings { path: String, message: String },
    /// `--taken-at` or `--later-taken-at` is not a time.
    #[error("{flag} {text:?}: use RFC 3339 (2026-11-27T15:04:05Z) or Unix seconds")]
    Time { flag: &'static str, text: String },
    /// `--now` is not a date or a time.
    #[error(
        "--now {0:?}: use a date (2026-11-27), RFC 3339 (2026-11-27T15:04:05Z) or Unix seconds"
    )]
    Now(String),
    #[error("nothing to analyse: give --metrics FILE (`kubectl get --raw /metrics > apiserver.metrics`) and/or --cluster FILE")]
    NothingToAnalyse,
    /// Inputs that cannot be analysed together.
    #[error(transparent)]
    Input(#[from] cpguard_core::InputError),
    /// Inputs with nothing to analyse, one line each naming the file.
    #[error("{}", .0.join("\ncpguard: "))]
    Unusable(Vec<String>),
    #[error("stdout: {0}")]
    Stdout(#[source] io::Error),
    /// What `cpguard policy` refuses (invalid settings or actions), or a page that did not render.
    #[error("{0}")]
    Other(String),
}
