//! `cpguard`: reads exported control-plane data offline and reports what threatens it.
//!
//! All errors end up in [`main`], which maps them to the exit codes: 0 (nothing at or above
//! `--fail-on`), 1 (a finding at or above `--fail-on`), 2 (usage or input error, including an
//! input with nothing to analyse unless `--allow-unusable`).

use cpguard_core::render;
mod error;
mod junit;
mod sarif;
mod time;
mod vap;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cpguard_core::{analyze, ClusterInput, Config, Inputs, MetricsInput, Severity};
use error::CliError;
use std::io::{ErrorKind, Read, Write};
use std::process::ExitCode;

/// The name kubectl runs the plugin by (`kubectl cpguard ...` executes `kubectl-cpguard`).
const KUBECTL_PLUGIN: &str = "kubectl-cpguard";

#[derive(Parser)]
#[command(name = "cpguard", version, about = "Finds what threatens a Kubernetes control plane in kubectl exports", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a `kubectl get --raw /metrics` dump (and optionally a later one, for rates) and/or cluster exports.
    Analyze(AnalyzeArgs),
    /// Generate policy manifests (`policy vap unsafe-sysctls|webhook-guard`).
    Policy(vap::PolicyArgs),
    /// List every check cpguard knows.
    Checks {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    #[command(
        after_help = "Install, for example:\n  cpguard completions bash > ~/.local/share/bash-completion/completions/cpguard\n  cpguard completions zsh > ~/.zfunc/_cpguard   # with fpath+=(~/.zfunc) before compinit\n  cpguard completions fish > ~/.config/fish/completions/cpguard.fish\n(`make install` installs the bash, zsh and fish scripts.)"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `cpguard man > cpguard.1; man ./cpguard.1`.
    Man,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// The API server's (or an etcd member's) /metrics dump; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    metrics: Option<String>,
    /// A second dump of the same API server taken later: findings then cover the window between the two, with rates.
    #[arg(long, value_name = "FILE")]
    metrics_later: Option<String>,
    /// When the --metrics dump was taken (RFC 3339 or Unix seconds). Default: the file's modification time (stdin: now).
    #[arg(long, value_name = "TIME")]
    taken_at: Option<String>,
    /// When the --metrics-later dump was taken. Default: the file's modification time.
    #[arg(long, value_name = "TIME")]
    later_taken_at: Option<String>,
    /// A cluster export: the objects, the token Secrets (metadata only), `kubectl version -o json`, or the EKS description `aws eks describe-cluster --name NAME --output json`; the commands are in the examples below. Repeatable; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    cluster: Vec<String>,
    /// Today, for the EKS support calendar (VER004): a date (2026-11-27), RFC 3339 or Unix seconds. Default: the clock.
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
    /// Settings of the unsafe-sysctls policy (JSON or YAML: allowedUnsafeSysctls, forbiddenSysctls, podSecurityVersion).
    #[arg(long, value_name = "FILE")]
    sysctl_settings: Option<String>,
    /// Settings of the webhook-guard policy (JSON or YAML: maxTimeoutSeconds, requireKubeSystemExclusion, rejectWarnings, exemptWebhooks).
    #[arg(long, value_name = "FILE")]
    webhook_settings: Option<String>,
    /// Thresholds to override, as JSON or YAML (camelCase keys; see `cpguard analyze --print-config`).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Print the default thresholds as JSON and exit.
    #[arg(long)]
    print_config: bool,
    /// Output format. `sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers;
    /// `junit`: JUnit XML (one test case per check and object, failures at or above --fail-on).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Exit with 1 when a finding is at or above this severity (also what fails in `--format junit`).
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    fail_on: FailOn,
    /// Report an input with nothing to analyse (empty, an HTML error page, another component's
    /// /metrics, a cluster export without objects) as a warning and go on, instead of exit 2.
    #[arg(long)]
    allow_unusable: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Markdown,
    Sarif,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    Warning,
    Never,
}

/// A file's text and modification time; `-` is stdin (taken now).
fn read_input(path: &str) -> Result<(String, Option<f64>), CliError> {
    let unreadable = |source| CliError::Read {
        path: path.to_owned(),
        source,
    };
    let (bytes, mtime) = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        (bytes, Some(time::now()))
    } else {
        let bytes = std::fs::read(path).map_err(unreadable)?;
        let mtime = std::fs::metadata(path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(time::unix_seconds);
        (bytes, mtime)
    };
    // Invalid UTF-8 is replaced, not refused: the parser reports what it cannot read by line.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok((text, mtime))
}

/// `--now`: a date (00:00 UTC), or a time as `--taken-at` reads it; default the clock.
fn now(flag: Option<&str>) -> Result<f64, CliError> {
    let Some(text) = flag else {
        return Ok(time::now());
    };
    let as_date = format!("{text}T00:00:00Z");
    time::parse(text)
        .or_else(|| time::parse(&as_date))
        .ok_or_else(|| CliError::Now(text.to_owned()))
}

fn taken_at(
    flag: Option<&str>,
    default: Option<f64>,
    name: &'static str,
) -> Result<Option<f64>, CliError> {
    match flag {
        Some(text) => time::parse(text).map(Some).ok_or_else(|| CliError::Time {
            flag: name,
            text: text.to_owned(),
        }),
        None => Ok(default),
    }
}

/// Reads a settings or config file (JSON or YAML) into `T`.
fn read_settings<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_yaml_ng::from_str(&text).map_err(|e| CliError::Settings {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn run_analyze(args: &AnalyzeArgs) -> Result<ExitCode, CliError> {
    let mut config = Config::default();
    if args.print_config {
        emit(
            &(serde_json::to_string_pretty(&config).map_err(|e| CliError::Other(e.to_string()))?
                + "\n"),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.config {
        config = read_settings(path)?;
    }
    if let Some(path) = &args.sysctl_settings {
        config.sysctl_settings = read_settings(path)?;
    }
    if let Some(path) = &args.webhook_settings {
        config.webhook_settings = read_settings(path)?;
    }
    if args.metrics.is_none() && args.cluster.is_empty() {
        return Err(CliError::NothingToAnalyse);
    }
    let metrics = args.metrics.as_deref().map(read_input).transpose()?;
    let later = args.metrics_later.as_deref().map(read_input).transpose()?;
    let first = match &metrics {
        Some((text, mtime)) => Some(MetricsInput {
            text,
            taken_at: taken_at(args.taken_at.as_deref(), *mtime, "--taken-at")?,
        }),
        None => None,
    };
    let second = match &later {
        Some((text, mtime)) => Some(MetricsInput {
            text,
            taken_at: taken_at(args.later_taken_at.as_deref(), *mtime, "--later-taken-at")?,
        }),
        None => None,
    };
    let cluster_texts: Vec<(String, String)> = args
        .cluster
        .iter()
        .map(|path| read_input(path).map(|(text, _)| (path.clone(), text)))
        .collect::<Result<_, _>>()?;
    let cluster: Vec<ClusterInput<'_>> = cluster_texts
        .iter()
        .map(|(name, text)| ClusterInput { name, text })
        .collect();
    let report = analyze(
        &Inputs {
            metrics: first,
            metrics_later: second,
            cluster: &cluster,
            now: Some(now(args.now.as_deref())?),
        },
        &config,
    )?;
    unusable_inputs(args, &report)?;
    let threshold = match args.fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    let sources = Sources {
        metrics: args.metrics.as_deref(),
        metrics_later: args.metrics_later.as_deref(),
        cluster: &cluster_texts,
    };
    let out = match args.format {
        ReportFormat::Json => render::json(&report) + "\n",
        ReportFormat::Text => render::text(&report) + "\n",
        ReportFormat::Markdown => render::markdown(&report) + "\n",
        ReportFormat::Sarif => sarif::render(&report, &sources) + "\n",
        ReportFormat::Junit => junit::render(&report, threshold),
    };
    emit(&out)?;
    let failed = threshold
        .zip(report.worst())
        .is_some_and(|(at, worst)| worst >= at);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the report's inputs came from (`-` is stdin), for the formats that point at files.
pub struct Sources<'a> {
    pub metrics: Option<&'a str>,
    pub metrics_later: Option<&'a str>,
    /// Each `--cluster` path with its text.
    pub cluster: &'a [(String, String)],
}

/// `analyze --help`'s examples, one per input form, spelled with the name it was run by.
fn analyze_examples(bin: &str) -> String {
    let exports: Vec<String> = cpguard_core::catalog::EXPORTS
        .iter()
        .chain([&cpguard_core::catalog::EXPORT_EKS])
        .map(|e| format!("  {}", e.line()))
        .collect();
    let exports = exports.join("\n");
    format!(
        "Examples:
  # One /metrics dump of the API server (counters since it started):
  kubectl get --raw /metrics > apiserver.metrics
  {bin} analyze --metrics apiserver.metrics

  # Two dumps of the same API server, ten minutes apart (rates over the window):
  kubectl get --raw /metrics > t0.metrics; sleep 600; kubectl get --raw /metrics > t1.metrics
  {bin} analyze --metrics t0.metrics --metrics-later t1.metrics

  # Cluster exports (objects; token Secrets, metadata only; the control plane's version;
  # on EKS, the cluster's description):
{exports}
  {bin} analyze --cluster cluster.yaml --cluster token-secrets.yaml --cluster version.json --cluster eks.json

  # From stdin, as SARIF for code scanning:
  kubectl get --raw /metrics | {bin} analyze --metrics - --format sarif > cpguard.sarif"
    )
}

/// The command as clap sees it, named `cpguard`, or `kubectl cpguard` when run as the plugin.
fn command(bin: &str) -> clap::Command {
    Cli::command()
        .bin_name(bin)
        .mut_subcommand("analyze", |analyze| {
            analyze.after_help(analyze_examples(bin))
        })
}

/// How the binary was invoked: `kubectl cpguard` when its file name is `kubectl-cpguard`.
fn invoked_as() -> &'static str {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let file = std::path::Path::new(&argv0)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if file == KUBECTL_PLUGIN {
        "kubectl cpguard"
    } else {
        "cpguard"
    }
}

/// Writes to stdout. A reader that went away (`cpguard ... | head -1`) is not an error: the
/// rest is dropped quietly and the exit code stays the analysis' own (`println!` would panic
/// with "failed printing to stdout: Broken pipe").
fn emit(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(CliError::Stdout(e)),
        _ => Ok(()),
    }
}

/// Inputs with nothing to analyse, one line each naming the file: an error (exit 2), or with
/// `--allow-unusable` a warning on stderr.
fn unusable_inputs(args: &AnalyzeArgs, report: &cpguard_core::Report) -> Result<(), CliError> {
    let lines: Vec<String> = report
        .unusable_inputs
        .iter()
        .map(|u| {
            let path = match &*u.input {
                "metrics" => args.metrics.as_deref(),
                "metrics-later" => args.metrics_later.as_deref(),
                _ => u.file.as_deref(),
            };
            let name = match path {
                Some("-") => "stdin",
                Some(path) => path,
                None => &u.input,
            };
            format!("{name}: {}", u.reason)
        })
        .collect();
    if lines.is_empty() {
        Ok(())
    } else if args.allow_unusable {
        for line in lines {
            eprintln!("cpguard: warning: {line}");
        }
        Ok(())
    } else {
        Err(CliError::Unusable(lines))
    }
}

fn main() -> ExitCode {
    let bin = invoked_as();
    let cli = Cli::from_arg_matches(&command(bin).get_matches()).unwrap_or_else(|e| e.exit());
    let result = match &cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Policy(args) => vap::run(args).map_err(CliError::Other),
        Command::Checks { format } => {
            let out = match format {
                Format::Markdown => cpguard_core::checks::catalogue_markdown(),
                Format::Json => render::catalogue_json(),
                Format::Text => render::catalogue_text(),
            };
            emit(&out).map(|()| ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            // Always for `cpguard`: shells complete by command name, and kubectl completes its
            // plugins itself.
            clap_complete::generate(*shell, &mut command("cpguard"), "cpguard", &mut out);
            emit(&String::from_utf8_lossy(&out)).map(|()| ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command("cpguard"))
                .render(&mut out)
                .map_err(|e| CliError::Other(format!("man page: {e}")))
                .and_then(|()| emit(&String::from_utf8_lossy(&out)))
                .map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("cpguard: {error}");
        ExitCode::from(2)
    })
}
